"""Clinical-style figure of a simulated polygraphy with its ground truth.

Stacked traces (EEG, EMG, accelerometers, ECG, stimulus) with time in seconds and amplitude scale
bars, true jerks shaded per channel, silent periods, accelerometer jerks, artefacts and stimuli
marked, and a hypnogram strip for sleep recordings. Drawn on a non-interactive Agg canvas unless
``show=True``.
"""
from __future__ import annotations

import numpy as np

from .._validate import MyoclonusUsageError, _check_range

__all__ = ["plot_simulation"]

_ORDER = ("eeg", "emg", "acc", "ecg", "stim")
_COLORS = {"eeg": "#1f3b73", "emg": "#202020", "acc": "#2e7d32", "ecg": "#8b0000", "stim": "#6a1b9a"}
_STAGE_Y = {"W": 2, "N1": 1, "N2": 0}


def _nice(x):
    """Round ``x`` down to 1, 2 or 5 times a power of ten."""
    if x <= 0 or not np.isfinite(x):
        return 1.0
    e = 10 ** np.floor(np.log10(x))
    for m in (5, 2, 1):
        if m * e <= x:
            return m * e
    return e


def _minmax_decimate(t, x, n_bins):
    """Min/max envelope decimation that keeps every spike visible."""
    if x.size <= 2 * n_bins:
        return t, x
    step = x.size // n_bins
    m = (x.size // step) * step
    xb = x[:m].reshape(-1, step)
    tb = t[:m].reshape(-1, step)
    lo_i = xb.argmin(axis=1)
    hi_i = xb.argmax(axis=1)
    rows = np.arange(xb.shape[0])
    first = np.minimum(lo_i, hi_i)
    second = np.maximum(lo_i, hi_i)
    tt = np.column_stack([tb[rows, first], tb[rows, second]]).ravel()
    xx = np.column_stack([xb[rows, first], xb[rows, second]]).ravel()
    return tt, xx


def _auto_window(result, width):
    truth = result.truth
    dur = result.recording.duration
    width = min(width, dur)
    kind = "jerk" if np.any(truth.kind == "jerk") else "silent_period"
    ev = truth.select(kind)
    if result.hypnogram is not None and len(ev):
        t0 = float(ev.onset[0]) - width / 3
        return max(0.0, min(t0, dur - width)), width
    if not len(ev):
        ev = truth.select("sustained")
    if not len(ev):
        return 0.0, width
    onsets = np.sort(ev.onset)
    starts = np.arange(0.0, max(dur - width, 0.0) + 1e-9, 1.0)
    counts = np.searchsorted(onsets, starts + width * 0.95) - np.searchsorted(onsets, starts + width * 0.05)
    return float(starts[int(np.argmax(counts))]), width


def plot_simulation(result, *, tmin=None, tmax=None, fname=None, show=False, dpi=80, clipping=1.5, zoom=True):
    """Plot a window of a simulated recording with the ground truth.

    Parameters
    ----------
    result : SimulationResult
        Output of :func:`~myoclonus.simulate.simulate`.
    tmin, tmax : float | None
        Window in seconds. None: a 10-s window (30 s for sleep) with the most jerks (or silent
        periods) is chosen automatically.
    fname : path-like | None
        Save the figure there (PNG, SVG, PDF by extension).
    show : bool
        Show the figure with pyplot (needs an interactive backend); default False (Agg canvas).
    dpi : float
        Resolution for saving.
    clipping : float
        Traces are clipped at this many row heights (as in MNE's browser) so that large jerks do
        not cover the neighbouring channels.
    zoom : bool
        Add a side panel zoomed on one jerk (EMG only, time in ms from its first onset) showing
        burst durations and the recruitment order between muscles.

    Returns
    -------
    fig : matplotlib.figure.Figure

    Notes
    -----
    Display filters as in clinical review: EEG 0.5 Hz high-pass, EMG 20 Hz high-pass (first
    order, forward-backward), accelerometers with their median (gravity) removed. Scale bars are
    drawn per channel type (microvolts, m/s^2).
    """
    import scipy.signal as sps
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    if not all(hasattr(result, a) for a in ("recording", "truth", "hypnogram", "stimuli")):
        raise MyoclonusUsageError(
            f"plot_simulation needs a SimulationResult (from simulate()), but got {type(result).__name__}."
        )
    rec = result.recording
    dur = rec.duration
    default_w = 30.0 if result.hypnogram is not None else 10.0
    if tmin is None and tmax is None:
        tmin, width = _auto_window(result, default_w)
        tmax = tmin + width
    else:
        tmin = 0.0 if tmin is None else float(tmin)
        tmax = min(dur, tmin + default_w) if tmax is None else float(tmax)
    _check_range("tmin", tmin, 0, dur, unit="s")
    _check_range("tmax", tmax, 0, dur, unit="s")
    if tmax <= tmin:
        raise MyoclonusUsageError(f"tmax must be greater than tmin, but got tmin={tmin} s and tmax={tmax} s.")

    fs = rec.sfreq
    types = rec.ch_types
    order = [i for t in _ORDER for i, ct in enumerate(types) if ct == t]
    names = [rec.ch_names[i] for i in order]
    pad = 1.0
    a0 = max(0.0, tmin - pad)
    a1 = min(dur, tmax + pad)
    data = rec.get_data(order, tmin=a0, tmax=a1)
    t = a0 + np.arange(data.shape[1]) / fs
    keep = (t >= tmin) & (t <= tmax)
    hp_eeg = sps.butter(2, [0.5, 70.0], "bandpass", fs=fs, output="sos")
    hp_emg = sps.butter(1, 20.0, "highpass", fs=fs, output="sos")
    traces = []
    for k, i in enumerate(order):
        x = data[k]
        ct = types[i]
        if np.ptp(x) == 0:
            y = x - x.mean()
        elif ct == "eeg":
            y = sps.sosfiltfilt(hp_eeg, x)
        elif ct == "emg":
            y = sps.sosfiltfilt(hp_emg, x)
        elif ct in ("acc", "ecg"):
            y = x - np.median(x)
        else:
            y = x
        traces.append(y[keep])
    t = t[keep]

    # one scale per channel type, from robust amplitudes in the window
    scale = {}
    for ct in _ORDER:
        rows = [traces[k] for k, i in enumerate(order) if types[i] == ct]
        if not rows:
            continue
        if ct == "stim":
            scale[ct] = 1.25
            continue
        amp = np.percentile(np.abs(np.concatenate(rows)), 99.0 if ct == "emg" else 99.7)
        if ct == "eeg":
            amp = max(amp, 40.0)
        if ct == "emg":
            amp = max(amp, 20.0)
        if ct == "acc":
            amp = max(amp, 0.2)
        scale[ct] = (2.2 if ct == "emg" else 1.6) * amp

    n_rows = len(order)
    hyp = result.hypnogram is not None
    height = 1.6 + 0.38 * n_rows + (1.3 if hyp else 0.0)
    if show:
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=(12, height))
    else:
        fig = Figure(figsize=(12, height))
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
    zoom_ep = _zoom_episode(result, tmin, tmax) if zoom else None
    ncols = 2 if zoom_ep is not None else 1
    wr = [1.0, 0.28] if ncols == 2 else [1.0]
    if hyp:
        gs = fig.add_gridspec(2, ncols, height_ratios=[0.9, 0.38 * n_rows], width_ratios=wr, hspace=0.25, wspace=0.2)
        axh = fig.add_subplot(gs[0, :])
        ax = fig.add_subplot(gs[1, 0])
        axz = fig.add_subplot(gs[1, 1]) if ncols == 2 else None
    else:
        gs = fig.add_gridspec(1, ncols, width_ratios=wr, wspace=0.2)
        ax = fig.add_subplot(gs[0, 0])
        axh = None
        axz = fig.add_subplot(gs[0, 1]) if ncols == 2 else None
    fig.subplots_adjust(left=0.1, right=0.98 if ncols == 2 else 0.9, top=1 - 0.45 / height, bottom=1.05 / height)

    ypos = {}
    shown = {}
    for k, (i, y) in enumerate(zip(order, traces)):
        ct = types[i]
        base = n_rows - 1 - k
        ypos[rec.ch_names[i]] = base
        tt, yy = _minmax_decimate(t, y / scale[ct], 1500)
        yy = np.clip(yy, -clipping, clipping)  # like MNE's browser: clip at 1.5 rows
        shown[rec.ch_names[i]] = (tt, yy + base)
        ax.plot(tt, yy + base, color=_COLORS[ct], lw=0.4)

    # truth overlays
    truth = result.truth.select(tmin=tmin - 5.0, tmax=tmax)
    acc_rows = {}
    for i in order:
        if types[i] == "acc":
            base_name = rec.ch_names[i].rsplit(" ", 1)[0]
            acc_rows.setdefault(base_name, []).append(ypos[rec.ch_names[i]])
    styles = {
        "jerk": dict(fc="#e53935", alpha=0.22, ec="none"),
        "silent_period": dict(fc="#1e88e5", alpha=0.3, ec="none"),
        "acc_jerk": dict(fc="#fb8c00", alpha=0.3, ec="none"),
        "artifact": dict(fc="#9e9e9e", alpha=0.35, ec="#757575", lw=0.3, hatch="//"),
        "ecg": dict(fc="#ce93d8", alpha=0.25, ec="none"),
    }
    min_w = (tmax - tmin) / 250.0  # keep brief events visible
    seen = set()
    for ev in truth:
        on, d, kind, ch = ev["onset"], ev["duration"], ev["trial_type"], ev["channel"]
        if on + d < tmin or on > tmax or ch not in ypos:
            continue
        if kind == "sustained":
            ax.plot([max(on, tmin), min(on + d, tmax)], [ypos[ch] - 0.47] * 2, color="#43a047", lw=1.0, alpha=0.6,
                    solid_capstyle="butt", label=None if "sustained" in seen else "sustained (tonic/voluntary)")
            seen.add("sustained")
            continue
        if kind not in styles:
            continue
        style = kind
        if kind == "artifact" and ev.get("reason") == "ecg":
            style = "ecg"
        rows = [ypos[ch]]
        if kind == "acc_jerk":
            rows = acc_rows.get(ch.rsplit(" ", 1)[0], rows)
        w = max(d, min_w)
        x0 = on - (w - d) / 2
        for r in rows:
            label = None
            if style not in seen:
                label = {"jerk": "true jerk", "silent_period": "silent period", "acc_jerk": "accelerometer jerk",
                         "artifact": "artefact (pop, motion, clipping)", "ecg": "ECG (QRS) artefact"}[style]
                seen.add(style)
            ax.add_patch(Rectangle((x0, r - 0.48), w, 0.96, label=label, **styles[style]))
        if kind == "jerk":
            tt, yy = shown[ch]
            m = (tt >= on) & (tt <= on + d)
            if m.any():
                ax.plot(tt[m], yy[m], color="#c62828", lw=0.6)
    stim = result.stimuli.select(tmin=tmin, tmax=tmax)
    for k, s in enumerate(stim.onset):
        ax.axvline(s, color="#6a1b9a", lw=0.7, ls="--", alpha=0.7, label="stimulus" if k == 0 else None)

    # scale bars per channel type
    x_bar = tmax + 0.012 * (tmax - tmin)
    for ct in _ORDER:
        rows = [ypos[rec.ch_names[i]] for i in order if types[i] == ct]
        if not rows or ct == "stim":
            continue
        unit = "m/s²" if ct == "acc" else "µV"
        val = _nice(scale[ct] * 0.8)
        h = val / scale[ct]
        y0 = min(rows) - 0.4
        ax.plot([x_bar, x_bar], [y0, y0 + h], color=_COLORS[ct], lw=2.5, clip_on=False)
        lab = f"{val:g} {unit}"
        ax.text(x_bar + 0.006 * (tmax - tmin), y0 + h / 2, f"{ct.upper()}\n{lab}", va="center", ha="left",
                fontsize=7, color=_COLORS[ct], clip_on=False)

    ax.set_yticks([ypos[n] for n in names])
    ax.set_yticklabels(names, fontsize=7.5)
    ax.set_ylim(-0.8, n_rows - 0.2)
    ax.set_xlim(tmin, tmax)
    ax.set_xlabel("Time (s)")
    for sp in ("top", "right"):
        ax.spines[sp].set_visible(False)
    ax.grid(axis="x", color="#dddddd", lw=0.5)
    ax.set_axisbelow(True)
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax_h = ax.get_position().height * height  # axes height in inches
        ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.45 / ax_h), ncol=6,
                  fontsize=7, frameon=False)
    p = result.params
    title = (f"Simulated '{result.profile}' polygraphy — seed {p.get('seed')}, snr {p.get('snr'):g}, "
             f"{rec.duration:.0f} s recording; display: EEG 0.5 Hz HP, EMG 20 Hz HP")
    if hyp:
        hd = result.hypnogram
        ts = np.repeat(np.column_stack([hd.onset, hd.onset + hd.duration]).ravel(), 1)
        ys = np.repeat([_STAGE_Y.get(s, 0) for s in hd.stage], 2)
        axh.plot(ts, ys, color="k", lw=1.2, drawstyle="steps-post")
        axh.axvspan(tmin, tmax, color="#ffcc80", alpha=0.6)
        jer = result.truth.select("jerk")
        if len(jer):
            axh.plot(np.unique(np.round(jer.onset, 1)), np.full(len(np.unique(np.round(jer.onset, 1))), 2.4),
                     "v", color="#e53935", ms=5, label="hypnic jerk")
        axh.set_yticks([0, 1, 2])
        axh.set_yticklabels(["N2", "N1", "W"], fontsize=8)
        axh.set_ylim(-0.5, 2.8)
        axh.set_xlim(0, rec.duration)
        axh.set_xlabel("Time (s) — hypnogram, 30-s epochs", fontsize=8)
        axh.tick_params(labelsize=7)
        axh.set_title(title, fontsize=9)
    else:
        ax.set_title(title, fontsize=9)
    if axz is not None:
        _draw_zoom(axz, ax, result, zoom_ep, order, types, ypos, scale, clipping, fs)
    if fname is not None:
        _save(fig, fname, dpi)
    if show:
        import matplotlib.pyplot as plt

        plt.show()
    return fig


def _save(fig, fname, dpi):
    """Save; PNGs are palette-quantised (a few tens of colours) to stay small."""
    from pathlib import Path

    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if fig.canvas is None or not hasattr(fig.canvas, "print_figure"):
        FigureCanvasAgg(fig)
    fname = Path(fname)
    if fname.suffix.lower() != ".png":
        fig.savefig(fname, dpi=dpi)
        return
    import io

    from PIL import Image

    buf = io.BytesIO()
    fig.savefig(buf, dpi=dpi, format="png")
    buf.seek(0)
    img = Image.open(buf).convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    img.save(fname, format="PNG", optimize=True)


def _zoom_episode(result, tmin, tmax):
    """The jerk episode (dict of channel -> (onset, duration)) with most muscles in the window."""
    j = result.truth.select("jerk", tmin=tmin, tmax=tmax)
    if not len(j) or "episode" not in j.measures:
        return None
    eps = {}
    for on, d, ch, e in zip(j.onset, j.duration, j.channel, j.measures["episode"]):
        eps.setdefault(e, {})[str(ch)] = (float(on), float(d))
    mid = 0.5 * (tmin + tmax)
    best = max(eps.values(), key=lambda ep: (len(ep), -abs(min(v[0] for v in ep.values()) - mid)))
    return best


def _draw_zoom(axz, ax, result, ep, order, types, ypos, scale, clipping, fs):
    import scipy.signal as sps

    rec = result.recording
    t0 = min(v[0] for v in ep.values())
    t_end = max(v[0] + v[1] for v in ep.values())
    span = float(np.clip(1.6 * (t_end - t0), 0.12, 2.5))
    a, b = t0 - 0.25 * span, t0 + span
    a, b = max(0.0, a), min(rec.duration, b)
    emg = [i for i in order if types[i] == "emg"]
    data = rec.get_data(emg, tmin=max(0.0, a - 0.5), tmax=min(rec.duration, b + 0.5))
    start = max(0.0, a - 0.5)
    t = start + np.arange(data.shape[1]) / fs
    sos = sps.butter(1, 20.0, "highpass", fs=fs, output="sos")
    keep = (t >= a) & (t <= b)
    filt = [data[k] if np.ptp(data[k]) == 0 else sps.sosfiltfilt(sos, data[k]) for k in range(len(emg))]
    # one scale for the panel: the median peak of the jerking muscles fills half a row
    peaks = [np.abs(filt[k][keep]).max() for k, i in enumerate(emg) if rec.ch_names[i] in ep and keep.any()]
    zscale = (np.median(peaks) / 0.5) if peaks and np.median(peaks) > 0 else scale["emg"]
    for k, i in enumerate(emg):
        name = rec.ch_names[i]
        x = filt[k]
        y = np.clip(x[keep] / zscale, -0.9, 0.9) + ypos[name]
        tt = (t[keep] - t0) * 1000.0
        axz.plot(tt, y, color="#202020", lw=0.45)
        if name in ep:
            on, d = ep[name]
            m = (t[keep] >= on) & (t[keep] <= on + d)
            axz.plot(tt[m], y[m], color="#c62828", lw=0.6)
            axz.plot([(on - t0) * 1000.0] * 2, [ypos[name] - 0.48, ypos[name] + 0.48], color="#1565c0", lw=1.0)
    axz.axvline(0.0, color="#1565c0", lw=0.6, ls=":")
    axz.set_xlim((a - t0) * 1000.0, (b - t0) * 1000.0)
    axz.set_xlabel("ms from first onset", fontsize=8)
    axz.set_title(f"zoom on one jerk (EMG; half a row = {zscale * 0.5:.0f} µV)\nblue ticks: true onsets", fontsize=7.5)
    axz.tick_params(labelleft=False, labelsize=7)
    for sp in ("top", "right"):
        axz.spines[sp].set_visible(False)
    axz.set_ylim(ax.get_ylim())
    axz.set_yticks([])
    ax.axvspan(a, b, color="#1565c0", alpha=0.08, lw=0)
