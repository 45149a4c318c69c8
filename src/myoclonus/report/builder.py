"""Build ``report.html`` (self-contained, autoescaped Jinja2) and ``report.pdf`` from an analysis.

Sections appear when their data exist: detection always; characterization, physiology (origin)
and clinical assessment when those steps ran. Figures are made once and embedded as PNG (HTML)
or drawn as pages (PDF).
"""
from __future__ import annotations

import base64
import io
import json
from importlib import resources
from pathlib import Path

import numpy as np

from .. import __version__
from .._logging import logger

__all__ = ["render_report", "write_report", "write_pdf", "key_findings", "collect_figures", "DISCLAIMER"]

DISCLAIMER = (
    "Decision support, not a diagnosis. Detections and interpretations are automatic and must be "
    "reviewed by a clinician, together with the history and examination, before any clinical use."
)


def _fig_to_uri(fig):
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90)
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _emg_names(result):
    rec = result.recording
    return [c for c in result.detection.thresholds if c in rec.ch_names and rec.channels[rec.ch_names.index(c)].type == "emg"]


def key_findings(summary, *, n_emg=None):
    """Plain-language key findings (list of str) from a summary dict.

    The first line always states count, duration, rate and how many muscles; later lines add the
    characterization, origin and assessment when present. Numbers match ``summary.json``.
    """
    c = summary.get("counts", {})
    n = int(c.get("jerk", 0))
    minutes = summary["recording"]["duration_s"] / 60.0
    per = summary.get("per_channel", {})
    muscles = [ch for ch, e in per.items() if e.get("counts", {}).get("jerk", 0) > 0]
    parts = [f"{n} jerk{'s' if n != 1 else ''} in {minutes:.1f} min"]
    if n:
        parts[0] += f" ({(summary.get('rate_per_min') or {}).get('jerk', 0):.1f} per minute) over {len(muscles)} muscle{'s' if len(muscles) != 1 else ''}"
        d = summary.get("duration_ms", {})
        if d.get("median") is not None:
            parts.append(f"median duration {d['median']:.0f} ms")
    dist = (summary.get("distribution") or {}).get("class")
    if dist and dist != "none":
        parts.append(str(dist))
    rhythm = summary.get("rhythm") or {}
    if rhythm.get("verdict") and rhythm["verdict"] != "insufficient_data":
        r = rhythm["verdict"].replace("_", "-")
        if rhythm.get("frequency_hz") and rhythm["verdict"] == "rhythmic":
            r += f" at {rhythm['frequency_hz']:.1f} Hz"
        parts.append(r)
    stim = summary.get("stimulus") or {}
    if stim.get("available") and stim.get("sensitive"):
        parts.append("stimulus-sensitive")
    lines = [", ".join(parts) + f"; {int(c.get('sustained', 0))} sustained activation{'s' if c.get('sustained', 0) != 1 else ''}."]
    origin = summary.get("origin") or {}
    if origin.get("class"):
        if origin["class"] == "undetermined":
            lines.append("Origin: undetermined from this recording.")
        else:
            lines.append(f"Features favour a {origin['class'].replace('_', '-')} origin"
                         f" (score {origin.get('scores', {}).get(origin['class'], 0):.2f}).")
    assess = summary.get("assessment") or {}
    ranking = (assess.get("clinical_type") or {}).get("ranking") or []
    if ranking:
        top = ranking[0]
        sub = (assess.get("clinical_type") or {}).get("subtype")
        lines.append(f"Clinical type most supported: {top['type']}" + (f" ({sub.replace('_', ' ')})" if sub else "")
                     + f", score {top['score']:.2f}.")
        for rf in assess.get("red_flags") or []:
            lines.append("Red flag: " + (rf.get("title") or rf.get("name") or rf.get("id") or str(rf)))
    for line in (summary.get("characterization") or {}).get("findings", [])[:4]:
        lines.append(line)
    return lines


def collect_figures(result):
    """Make every figure the data allow. Returns a list of (title, Figure)."""
    from . import figures as F

    out = []

    def add(title, maker, *args, **kwargs):
        try:
            fig = maker(*args, **kwargs)
        except Exception as err:  # a figure must never break the report; say so in the log
            logger.warning("Figure %r could not be drawn: %s", title, err)
            return
        if fig is not None:
            out.append((title, fig))

    add("Representative and largest jerks", F.fig_example_jerks, result)
    add("Raster of events per muscle", F.fig_raster, result)
    add("Duration histogram", F.fig_duration_hist, result)
    add("Rate over time", F.fig_rate_over_time, result)
    char = getattr(result, "characterization", None)
    if char is not None:
        if hasattr(char, "plot_recruitment"):
            add("Recruitment order", char.plot_recruitment)
        if hasattr(char, "plot_body_map"):
            add("Body map", char.plot_body_map)
        hyp = getattr(char, "hypnogram", None)
        if hyp is not None:
            add("Hypnogram with jerks", F.fig_hypnogram, hyp, result.events, result.recording.duration)
    phys = getattr(result, "physiology", None)
    if phys is not None and hasattr(phys, "figures"):
        try:
            for title, fig in phys.figures().items():
                if fig is not None:
                    out.append((title, fig))
        except Exception as err:
            logger.warning("Physiology figures could not be drawn: %s", err)
    return out


def _rows(summary):
    rows = []
    thr = summary.get("thresholds", {})
    for ch, e in summary.get("per_channel", {}).items():
        rows.append(
            {
                "channel": ch,
                "site": e.get("site") or {},
                "jerks": e.get("counts", {}).get("jerk", 0),
                "sustained": e.get("counts", {}).get("sustained", 0),
                "silent": e.get("counts", {}).get("silent_period", 0),
                "artifact": e.get("counts", {}).get("artifact", 0),
                "rate": (e.get("rate_per_min") or {}).get("jerk"),
                "dur": e.get("duration_ms") or {},
                "amp": e.get("peak_amplitude_uv") or {},
                "noise": (thr.get(ch) or {}).get("noise_floor_uv"),
            }
        )
    return rows


def render_report(result, *, figures=None, lang="en"):
    """Return the HTML text of the report for an :class:`~myoclonus.pipeline.AnalysisResult`."""
    import jinja2

    from .viewer import viewer_payload

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("myoclonus", "report/templates"),
        autoescape=jinja2.select_autoescape(["html", "jinja", "html.jinja"]),
    )
    tpl = env.get_template("report.html.jinja")
    s = result.summary
    if figures is None:
        figures = collect_figures(result)
    figs = [(t, _fig_to_uri(f)) for t, f in figures]
    payload = None
    try:
        payload = viewer_payload(result)
    except Exception as err:
        logger.warning("Trace viewer data could not be built: %s", err)
    viewer_js = resources.files("myoclonus").joinpath("report/templates/viewer.js").read_text(encoding="utf-8")
    assessment_html = None
    if getattr(result, "assessment", None) is not None:
        try:
            from ..assess import assessment_html as _ah

            assessment_html = _ah(result.assessment)
        except ImportError:
            assessment_html = None
    import markupsafe

    return tpl.render(
        s=s,
        rows=_rows(s),
        findings=key_findings(s),
        figures=figs,
        version=__version__,
        disclaimer=DISCLAIMER,
        viewer_json=markupsafe.Markup(json.dumps(payload).replace("</", "<\\/")) if payload else None,
        viewer_js=markupsafe.Markup(viewer_js),
        assessment_html=markupsafe.Markup(assessment_html) if assessment_html else None,
        n_emg=len(_emg_names(result)),
    )


def write_report(result, path, *, lang="en"):
    """Write the self-contained HTML report to ``path`` and return the path."""
    path = Path(path)
    path.write_text(render_report(result, lang=lang), encoding="utf-8")
    return path


def write_pdf(result, path, *, lang="en"):
    """Write ``report.pdf``: a text page (findings, per-channel table, methods) then the figures.

    Built with matplotlib's PDF backend, so it needs no browser or system library.
    """
    import textwrap

    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    path = Path(path)
    s = result.summary
    with PdfPages(path) as pdf:
        fig = plt.figure(figsize=(8.27, 11.69))
        y = 0.96
        fig.text(0.06, y, "Myoclonus polygraphy report", fontsize=16, weight="bold")
        y -= 0.03
        src = s["recording"]["source"]
        facts = (f"File: {src.get('file', '(in memory)')} ({src.get('format')}); duration "
                 f"{s['recording']['duration_s']:.1f} s; {s['recording']['n_channels']} channels; rates "
                 + ", ".join(f"{r:g} Hz" for r in s["recording"]["sampling_rates_hz"])
                 + f"; myoclonus {__version__}.")
        for block, size in ((facts, 9), ("Key findings", 12)):
            for line in textwrap.wrap(block, 100):
                fig.text(0.06, y, line, fontsize=size, weight="bold" if size == 12 else None)
                y -= 0.02
        for line in key_findings(s):
            for w in textwrap.wrap(line, 100):
                fig.text(0.08, y, w, fontsize=9)
                y -= 0.018
        y -= 0.01
        fig.text(0.06, y, "Per channel", fontsize=12, weight="bold")
        y -= 0.022
        header = f"{'channel':<22}{'jerks':>7}{'rate/min':>10}{'median ms':>11}{'median uV':>11}{'sustained':>11}"
        fig.text(0.06, y, header, fontsize=8, family="monospace")
        y -= 0.016
        for r in _rows(s)[:30]:
            dm = r["dur"].get("median")
            am = r["amp"].get("median")
            line = (f"{r['channel'][:21]:<22}{r['jerks']:>7}{(r['rate'] or 0):>10.1f}"
                    f"{(f'{dm:.0f}' if dm is not None else '-'):>11}{(f'{am:.0f}' if am is not None else '-'):>11}{r['sustained']:>11}")
            fig.text(0.06, y, line, fontsize=8, family="monospace")
            y -= 0.015
        y -= 0.01
        fig.text(0.06, y, "Methods", fontsize=12, weight="bold")
        y -= 0.02
        for w in textwrap.wrap(s.get("methods", ""), 110)[:18]:
            fig.text(0.06, y, w, fontsize=7.5)
            y -= 0.014
        for w in textwrap.wrap(DISCLAIMER, 110):
            fig.text(0.06, max(y - 0.01, 0.03), w, fontsize=8, style="italic")
            y -= 0.014
        pdf.savefig(fig)
        plt.close(fig)
        for title, f in collect_figures(result):
            f.suptitle(title, fontsize=10) if not f._suptitle else None
            pdf.savefig(f)
            plt.close(f)
        d = pdf.infodict()
        d["Title"] = "Myoclonus polygraphy report"
        d["Creator"] = f"myoclonus {__version__}"
    return path
