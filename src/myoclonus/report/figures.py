"""Report figures (matplotlib, Agg backend). Each function returns a Figure, or None without data."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg", force=False)

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ..preprocess import bandpass  # noqa: E402

__all__ = [
    "fig_raster",
    "fig_duration_hist",
    "fig_rate_over_time",
    "fig_example_jerks",
    "fig_hypnogram",
    "DURATION_CUTOFFS_MS",
]

#: Clinical duration cut-offs drawn on the histogram (ms): < 50 ms cortical range, 50-100 ms,
#: 100-300 ms subcortical/spinal range, > 300 ms (Shibasaki & Hallett 2005, doi:10.1002/mus.20234;
#: 45 ms cortical cut-off: van der Veen et al. 2024).
DURATION_CUTOFFS_MS = (45, 50, 100, 300)

_KIND_COLORS = {
    "jerk": "tab:red",
    "sustained": "tab:blue",
    "silent_period": "tab:green",
    "acc_jerk": "tab:purple",
    "artifact": "0.55",
}


def fig_raster(result):
    """Raster of events over time, one row per analysed channel, truth ticks for simulations."""
    chans = list(result.detection.thresholds) or sorted(set(result.events.channel))
    if not chans:
        return None
    fig, ax = plt.subplots(figsize=(10, 0.42 * max(len(chans), 2) + 1.3))
    seen = set()
    for k, ch in enumerate(chans):
        ev = result.events.select(channel=ch)
        for kind, col in _KIND_COLORS.items():
            sel = ev.kind == kind
            if sel.any():
                ax.scatter(ev.onset[sel], np.full(sel.sum(), k), marker="|", s=110, color=col,
                           label=None if kind in seen else kind)
                seen.add(kind)
        if result.truth is not None:
            tr = result.truth.select("jerk", channel=ch)
            if len(tr):
                ax.scatter(tr.onset, np.full(len(tr), k + 0.32), marker="|", s=35, color="k",
                           label=None if "truth" in seen else "truth jerk")
                seen.add("truth")
    ax.set_yticks(range(len(chans)), chans)
    ax.set_xlabel("time (s)")
    ax.set_xlim(0, result.recording.duration)
    ax.set_ylim(-0.7, len(chans) - 0.3)
    ax.set_title("Events over time, per channel")
    if seen:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), fontsize=8, ncol=6, frameon=False)
    fig.tight_layout()
    return fig


def fig_duration_hist(result):
    """Histogram of jerk durations (ms) with the clinical cut-offs drawn."""
    d = result.events.select("jerk").duration * 1000
    if d.size == 0:
        return None
    fig, ax = plt.subplots(figsize=(6.5, 3.0))
    ax.hist(d, bins=np.arange(0, max(520, d.max() + 10), 10), color="tab:red", alpha=0.8)
    for x in DURATION_CUTOFFS_MS:
        ax.axvline(x, color="k", ls="--" if x != 45 else ":", lw=0.8)
        ax.text(x, ax.get_ylim()[1] * 0.95, f"{x}", fontsize=7, ha="left", va="top")
    ax.set_xlabel("jerk duration (ms); lines at 45 (dotted), 50, 100, 300 ms")
    ax.set_ylabel("jerks")
    ax.set_title("Jerk durations")
    fig.tight_layout()
    return fig


def fig_rate_over_time(result, *, bin_s=60.0):
    """Jerk rate per minute over time (all channels and per channel)."""
    jerks = result.events.select("jerk")
    dur = result.recording.duration
    if not len(jerks) or dur <= 0:
        return None
    bin_s = min(bin_s, max(dur / 10, 5.0))
    edges = np.arange(0, dur + bin_s, bin_s)
    fig, ax = plt.subplots(figsize=(10, 2.8))
    total, _ = np.histogram(jerks.onset, edges)
    centers = (edges[:-1] + edges[1:]) / 2
    ax.step(centers, total * 60 / bin_s, where="mid", color="k", lw=1.5, label="all channels")
    for ch in sorted(set(jerks.channel)):
        h, _ = np.histogram(jerks.select(channel=ch).onset, edges)
        ax.plot(centers, h * 60 / bin_s, lw=0.8, alpha=0.7, label=ch)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("jerks per minute")
    ax.set_title(f"Jerk rate over time ({bin_s:g} s bins)")
    ax.legend(fontsize=7, ncol=5, loc="upper center", bbox_to_anchor=(0.5, -0.3), frameon=False)
    fig.tight_layout()
    return fig


def fig_example_jerks(result, *, n_largest=3, n_typical=3, half_window=0.25):
    """Band-passed EMG around representative (median-amplitude) and the largest jerks.

    Each panel shows the channel's trace in microvolts from -``half_window`` to +``half_window`` s
    around the detected onset, the detected jerk shaded, onset marked.
    """
    jerks = result.events.select("jerk")
    if not len(jerks):
        return None
    amp = jerks.measures.get("peak_amplitude_uv", np.zeros(len(jerks)))
    order = np.argsort(amp)
    largest = list(order[::-1][:n_largest])
    mid = len(order) // 2
    typical = [i for i in order[max(0, mid - n_typical // 2): mid + n_typical] if i not in largest][:n_typical]
    picks = [("typical", i) for i in typical] + [("largest", i) for i in largest]
    fig, axes = plt.subplots(2, max(n_largest, n_typical), figsize=(11, 4.6), squeeze=False)
    for ax in axes.ravel():
        ax.set_visible(False)
    rec = result.recording
    counters = {"typical": 0, "largest": 0}
    for label, i in picks:
        row = 0 if label == "typical" else 1
        col = counters[label]
        counters[label] += 1
        ax = axes[row, col]
        ax.set_visible(True)
        ch, t0 = str(jerks.channel[i]), float(jerks.onset[i])
        ci = rec.ch_names.index(ch)
        sf = rec.channels[ci].sfreq
        a = max(0, int((t0 - half_window - 0.2) * sf))
        b = int((t0 + half_window + 0.2) * sf)
        x = rec._read_channel(ci, a, b)
        if x.size < 10:
            continue
        h = result.detection.params.get("h_freq", 450.0)
        y = bandpass(x, sf, result.detection.params.get("l_freq", 20.0), h)
        t = (a + np.arange(x.size)) / sf - t0
        keep = (t >= -half_window) & (t <= half_window)
        ax.plot(t[keep] * 1000, y[keep], lw=0.6, color="k")
        ax.axvspan(0, jerks.duration[i] * 1000, color="tab:red", alpha=0.2, lw=0)
        ax.axvline(0, color="tab:red", lw=0.8)
        ax.set_title(f"{ch} @ {t0:.3f} s, {jerks.duration[i] * 1000:.0f} ms", fontsize=8)
        ax.tick_params(labelsize=7)
        if col == 0:
            ax.set_ylabel(f"{label}\nEMG (uV)", fontsize=8)
        if row == 1:
            ax.set_xlabel("ms from onset", fontsize=8)
    fig.suptitle("Representative (top) and largest (bottom) jerks: band-passed EMG, detection shaded", fontsize=10)
    fig.tight_layout()
    return fig


def fig_hypnogram(hypnogram, events, duration):
    """Hypnogram (W, N1, N2, N3, REM) with jerk onsets above it."""
    if hypnogram is None or not len(hypnogram):
        return None
    levels = {"W": 4, "R": 3, "REM": 3, "N1": 2, "N2": 1, "N3": 0}
    fig, ax = plt.subplots(figsize=(10, 2.6))
    st = [levels.get(str(s).upper(), np.nan) for s in hypnogram["stage"]]
    on = np.asarray(hypnogram["onset"], float)
    du = np.asarray(hypnogram["duration"], float)
    ax.step(np.append(on, on[-1] + du[-1]), np.append(st, st[-1]), where="post", color="k")
    j = events.select("jerk")
    ax.scatter(j.onset, np.full(len(j), 4.6), marker="|", color="tab:red", s=60, label="jerks")
    ax.set_yticks([0, 1, 2, 3, 4], ["N3", "N2", "N1", "REM", "W"])
    ax.set_xlim(0, duration)
    ax.set_xlabel("time (s)")
    ax.set_title("Hypnogram with jerks")
    fig.tight_layout()
    return fig
