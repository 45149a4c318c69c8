"""Build ``report.html`` from packaged Jinja2 templates (autoescaped), figures embedded as PNG."""
from __future__ import annotations

import base64
import io
from pathlib import Path

import numpy as np

from .. import __version__

__all__ = ["render_report", "write_report"]

DISCLAIMER = (
    "Decision support, not a diagnosis. Detections are automatic and must be reviewed by a clinician "
    "before any clinical use."
)


def _png(fig):
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _raster(result):
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    det = result.detection
    chans = list(det.thresholds)
    fig, ax = plt.subplots(figsize=(10, 0.45 * max(len(chans), 2) + 1.2))
    colors = {"jerk": "tab:red", "sustained": "tab:blue", "silent_period": "tab:green", "artifact": "0.5"}
    for k, ch in enumerate(chans):
        ev = result.events.select(channel=ch)
        for kind, col in colors.items():
            sel = ev.kind == kind
            if sel.any():
                ax.scatter(ev.onset[sel], np.full(sel.sum(), k), marker="|", s=120, color=col, label=kind if k == 0 else None)
        if result.truth is not None:
            tr = result.truth.select("jerk", channel=ch)
            ax.scatter(tr.onset, np.full(len(tr), k + 0.3), marker="|", s=40, color="k", label="truth jerk" if k == 0 else None)
    ax.set_yticks(range(len(chans)), chans)
    ax.set_xlabel("time (s)")
    ax.set_xlim(0, result.recording.duration)
    ax.set_title("Detected events per muscle over time")
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax.legend(handles, labels, loc="upper right", fontsize=8, ncol=4)
    fig.tight_layout()
    return _png(fig)


def _example(result):
    jerks = result.events.select("jerk")
    if not len(jerks):
        return None
    i = int(np.argmax(jerks.measures["peak_amplitude_uv"]))
    ch, t = str(jerks.channel[i]), float(jerks.onset[i])
    fig = result.detection.plot(ch, tmin=max(0.0, t - 1.5), tmax=min(result.recording.duration, t + 1.5))
    fig.suptitle(f"Largest jerk: {ch} at {t:.3f} s (raw EMG, envelope, thresholds)", fontsize=10)
    return _png(fig)


def _hist(result):
    import matplotlib.pyplot as plt

    d = result.events.select("jerk").duration * 1000
    if d.size == 0:
        return None
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.hist(d, bins=np.arange(0, max(520, d.max() + 10), 10), color="tab:red", alpha=0.8)
    for x in (50, 100, 300):
        ax.axvline(x, color="k", ls="--", lw=0.8)
    ax.set_xlabel("jerk duration (ms); dashed: 50 / 100 / 300 ms")
    ax.set_ylabel("jerks")
    fig.tight_layout()
    return _png(fig)


def render_report(result):
    """Return the HTML text of the report for an :class:`~myoclonus.pipeline.AnalysisResult`."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("myoclonus", "report/templates"),
        autoescape=jinja2.select_autoescape(["html", "jinja", "html.jinja"]),
    )
    tpl = env.get_template("report.html.jinja")
    s = result.summary
    rows = []
    for ch, e in s["per_channel"].items():
        rows.append(
            {
                "channel": ch,
                "site": (e.get("site") or {}),
                "jerks": e["counts"]["jerk"],
                "sustained": e["counts"]["sustained"],
                "rate": e["rate_per_min"]["jerk"],
                "dur": e["duration_ms"],
                "amp": e["peak_amplitude_uv"],
                "noise": (s.get("thresholds", {}).get(ch) or {}).get("noise_floor_uv"),
            }
        )
    figures = [("Raster", _raster(result)), ("Duration", _hist(result)), ("Example", _example(result))]
    return tpl.render(
        s=s,
        rows=rows,
        figures=[(n, f) for n, f in figures if f],
        version=__version__,
        disclaimer=DISCLAIMER,
    )


def write_report(result, path):
    """Write the HTML report to ``path`` and return the path."""
    path = Path(path)
    path.write_text(render_report(result), encoding="utf-8")
    return path
