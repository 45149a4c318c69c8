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


from .. import __version__
from .._logging import logger
from ..i18n import N_, format_number, gettext_for, ngettext_for
from ..i18n.labels import label

__all__ = ["render_report", "write_report", "write_pdf", "key_findings", "collect_figures", "review_lines",
           "DISCLAIMER", "jinja_env"]

DISCLAIMER = N_(
    "Decision support, not a diagnosis. Detections and interpretations are automatic and must be "
    "reviewed by a clinician, together with the history and examination, before any clinical use."
)


def jinja_env(lang="en"):
    """Jinja2 environment of the report templates for ``lang``: autoescaped, with the i18n extension
    (``{% trans %}``, ``_()``) bound to the catalog, a ``num`` filter (per-language decimals) and
    ``label`` (translated identifiers)."""
    import jinja2

    from ..i18n import translations

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("myoclonus", "report/templates"),
        autoescape=jinja2.select_autoescape(["html", "jinja", "html.jinja"]),
        extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_translations(translations(lang), newstyle=True)
    env.filters["num"] = lambda x, digits=None: format_number(x, digits, lang)
    env.globals["label"] = lambda kind, key: label(kind, key, lang)
    env.globals["lang"] = lang
    return env


def site_label(site, lang="en"):
    """'right deltoid' / 'deltoïde (côté droit)' from a site dict."""
    site = site or {}
    muscle = label("muscle", site.get("muscle"), lang) if site.get("muscle") else ""
    side = label("side", site.get("side"), lang) if site.get("side") else ""
    if muscle and side:
        _ = gettext_for(lang)
        return _("{side} {muscle}").format(side=side, muscle=muscle)
    return muscle or side


def _fig_to_uri(fig):
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90)
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _emg_names(result):
    rec = result.recording
    return [c for c in result.detection.thresholds if c in rec.ch_names and rec.channels[rec.ch_names.index(c)].type == "emg"]


def key_findings(summary, *, n_emg=None, lang="en", extra=None):
    """Plain-language key findings (list of str) from a summary dict, in ``lang``.

    The first line always states count, duration, rate and how many muscles; later lines add the
    characterization, origin and assessment when present. Numbers match ``summary.json``.
    Characterization findings without a translation are appended to ``extra`` (a list) instead
    when ``lang`` is not English and ``extra`` is given.
    """
    _ = gettext_for(lang)
    ng = ngettext_for(lang)

    def num(x, d):
        return format_number(x, d, lang)

    c = summary.get("counts", {})
    n = int(c.get("jerk", 0))
    minutes = summary["recording"]["duration_s"] / 60.0
    per = summary.get("per_channel", {})
    muscles = [ch for ch, e in per.items() if e.get("counts", {}).get("jerk", 0) > 0]
    parts = [ng("{n} jerk in {minutes} min", "{n} jerks in {minutes} min", n).format(n=n, minutes=num(minutes, 1))]
    if n:
        rate = (summary.get("rate_per_min") or {}).get("jerk", 0) or 0
        parts[0] += " " + ng("({rate} per minute) over {k} muscle", "({rate} per minute) over {k} muscles",
                             len(muscles)).format(rate=num(rate, 1), k=len(muscles))
        d = summary.get("duration_ms", {})
        if d.get("median") is not None:
            parts.append(_("median duration {ms} ms").format(ms=num(d["median"], 0)))
    dist = (summary.get("distribution") or {}).get("class")
    if dist and dist != "none":
        parts.append(label("distribution", dist, lang))
    rhythm = summary.get("rhythm") or {}
    if rhythm.get("verdict") and rhythm["verdict"] != "insufficient_data":
        r = label("rhythm", rhythm["verdict"], lang)
        if rhythm.get("frequency_hz") and rhythm["verdict"] == "rhythmic":
            r = _("{rhythm} at {freq} Hz").format(rhythm=r, freq=num(rhythm["frequency_hz"], 1))
        parts.append(r)
    stim = summary.get("stimulus") or {}
    if stim.get("available") and stim.get("sensitive"):
        parts.append(_("stimulus-sensitive"))
    m = int(c.get("sustained", 0))
    sus = ng("{n} sustained activation.", "{n} sustained activations.", m).format(n=m)
    lines = [_("{findings}; {sustained}").format(findings=", ".join(parts), sustained=sus)]
    origin = summary.get("origin") or {}
    if origin.get("class"):
        if origin["class"] == "undetermined":
            lines.append(_("Origin: undetermined from this recording."))
        else:
            lines.append(_("Features favour a {origin} origin (score {score}).").format(
                origin=label("origin", origin["class"], lang),
                score=num(origin.get("scores", {}).get(origin["class"], 0) or 0, 2)))
    assess = summary.get("assessment") or {}
    ranking = (assess.get("clinical_type") or {}).get("ranking") or []
    if ranking:
        top = ranking[0]
        sub = (assess.get("clinical_type") or {}).get("subtype")
        if sub:
            lines.append(_("Clinical type most supported: {type}; subtype: {subtype}; score {score}.").format(
                type=label("type", top["type"], lang), subtype=label("subtype", sub, lang), score=num(top["score"], 2)))
        else:
            lines.append(_("Clinical type most supported: {type}, score {score}.").format(
                type=label("type", top["type"], lang), score=num(top["score"], 2)))
        for rf in assess.get("red_flags") or []:
            title = rf.get("pattern") or rf.get("title") or rf.get("name") or rf.get("id") or str(rf)
            lines.append(_("Red flag: {title}").format(title=_(title)))
    for line in (summary.get("characterization") or {}).get("findings", [])[:4]:
        tr = _(line)
        if lang != "en" and tr == line and extra is not None:
            extra.append(line)
        else:
            lines.append(tr)
    return lines


def review_lines(summary, *, lang="en"):
    """Sentences citing the clinician review the events come from (``summary['review']``), or [].

    Says which review, who signed it and when (or that it is not signed), how many detections
    were accepted, rejected and left undecided (with the reason given), how many events reviewers
    added, who changed events, and the detector and its version.
    """
    r = summary.get("review")
    if not r:
        return []
    _ = gettext_for(lang)
    c = r.get("counts") or {}
    if r.get("signed_by"):
        lines = [_("These results use the events of review “{name}”, signed by {who} at {when}.").format(
            name=r.get("review"), who=r["signed_by"], when=r.get("signed_at"))]
    else:
        lines = [_("These results use the events of review “{name}”, which is not signed: it may still change.").format(
            name=r.get("review"))]
    lines.append(_("Of {total} detections, {acc} were accepted and {rej} rejected; {und} events were left undecided "
                   "(kept); reviewers added {add}.").format(total=c.get("detections"), acc=c.get("accepted"),
                                                            rej=c.get("rejected"), und=c.get("undecided"),
                                                            add=c.get("added")))
    if r.get("undecided_reason"):
        lines.append(_("Reason given for signing with undecided events: “{reason}”.").format(reason=r["undecided_reason"]))
    if r.get("reviewers"):
        lines.append(_("Changes by: {names}.").format(names=", ".join(r["reviewers"])))
    det = r.get("detector") or {}
    lines.append(_("Detector: {name}, version {version}.").format(name=det.get("name") or "?",
                                                                  version=det.get("version") or "?"))
    return lines


def collect_figures(result, *, lang="en"):
    """Make every figure the data allow. Returns a list of (title, Figure); titles in ``lang``."""
    from . import figures as F

    _ = gettext_for(lang)
    out = []

    def add(title, maker, *args, **kwargs):
        try:
            fig = maker(*args, **kwargs)
        except Exception as err:  # a figure must never break the report; say so in the log
            logger.warning("Figure %r could not be drawn: %s", title, err)
            return
        if fig is not None:
            out.append((title, fig))

    add(_("Representative and largest jerks"), F.fig_example_jerks, result)
    add(_("Raster of events per muscle"), F.fig_raster, result)
    add(_("Duration histogram"), F.fig_duration_hist, result)
    add(_("Rate over time"), F.fig_rate_over_time, result)
    char = getattr(result, "characterization", None)
    if char is not None:
        if hasattr(char, "plot_recruitment"):
            add(_("Recruitment order"), char.plot_recruitment)
        if hasattr(char, "plot_body_map"):
            add(_("Body map"), char.plot_body_map)
    phys = getattr(result, "physiology", None)
    if phys is not None and hasattr(phys, "figures"):
        try:
            for title, fig in phys.figures().items():
                if fig is not None:
                    out.append((_(title), fig))
        except Exception as err:
            logger.warning("Physiology figures could not be drawn: %s", err)
    return out


def _rows(summary, lang="en"):
    rows = []
    thr = summary.get("thresholds", {})
    for ch, e in summary.get("per_channel", {}).items():
        rows.append(
            {
                "channel": ch,
                "site": e.get("site") or {},
                "site_label": site_label(e.get("site"), lang),
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


def _sleep_section(result, lang):
    """The sleep section (:func:`myoclonus.report.sleep.sleep_section`) with figure titles in ``lang``;
    None without a sleep context or when it cannot be built (said in the log)."""
    from .sleep import sleep_section

    _ = gettext_for(lang)
    try:
        sec = sleep_section(result)
    except Exception as err:  # a section must never break the report; say so in the log
        logger.warning("Sleep section could not be built: %s", err)
        return None
    if sec is not None:
        sec["figures"] = [(_(t), f) for t, f in sec["figures"]]
    return sec


def render_report(result, *, figures=None, lang="en"):
    """Return the HTML text of the report for an :class:`~myoclonus.pipeline.AnalysisResult`, in ``lang``."""
    import markupsafe

    from .viewer import viewer_payload

    _ = gettext_for(lang)
    env = jinja_env(lang)
    tpl = env.get_template("report.html.jinja")
    s = result.summary
    if figures is None:
        figures = collect_figures(result, lang=lang)
    figs = [(t, _fig_to_uri(f)) for t, f in figures]
    sleep = _sleep_section(result, lang)
    if sleep is not None:
        sleep["figures"] = [(t, _fig_to_uri(f)) for t, f in sleep["figures"]]
    payload = None
    try:
        payload = viewer_payload(result)
    except Exception as err:
        logger.warning("Trace viewer data could not be built: %s", err)
    viewer_js = resources.files("myoclonus").joinpath("report/templates/viewer.js").read_text(encoding="utf-8")
    viewer_i18n = {"window": _("Full-resolution window {i} of {n}: "), "overview": _("Overview (min/max envelope): "),
                   "scaled": _(" s. Each trace is scaled to its own maximum (uV)."),
                   "decimal": format_number(0.5, 1, lang)[1]}
    assessment_html = None
    a = getattr(result, "assessment", None)
    if a is not None:
        try:
            from ..assess import assessment_html as _ah

            if lang != "en" and hasattr(a, "localized"):
                a = a.localized(lang)
            assessment_html = _ah(a, lang=lang)
        except ImportError:
            assessment_html = None
    extra = []
    findings = key_findings(s, lang=lang, extra=extra)
    return tpl.render(
        s=s,
        rows=_rows(s, lang),
        findings=findings,
        extra_findings=extra,
        figures=figs,
        sleep=sleep,
        version=__version__,
        disclaimer=_(DISCLAIMER),
        viewer_json=markupsafe.Markup(json.dumps(payload).replace("</", "<\\/")) if payload else None,
        viewer_i18n=markupsafe.Markup(json.dumps(viewer_i18n).replace("</", "<\\/")),
        viewer_js=markupsafe.Markup(viewer_js),
        assessment_html=markupsafe.Markup(assessment_html) if assessment_html else None,
        n_emg=len(_emg_names(result)),
        review_lines=review_lines(s, lang=lang),
    )


def write_report(result, path, *, lang="en"):
    """Write the self-contained HTML report to ``path`` and return the path."""
    path = Path(path)
    path.write_text(render_report(result, lang=lang), encoding="utf-8")
    return path


def write_pdf(result, path, *, lang="en"):
    """Write ``report.pdf``: a text page (findings, per-channel table, methods) then the figures.

    Built with matplotlib's PDF backend, so it needs no browser or system library. Texts in ``lang``.
    """
    import textwrap

    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    _ = gettext_for(lang)

    def num(x, d):
        return format_number(x, d, lang)

    path = Path(path)
    s = result.summary
    title = _("Myoclonus polygraphy report")
    with PdfPages(path) as pdf:
        fig = plt.figure(figsize=(8.27, 11.69))
        y = 0.96
        fig.text(0.06, y, title, fontsize=16, weight="bold")
        y -= 0.03
        src = s["recording"]["source"]
        facts = _("File: {file} ({format}); duration {duration} s; {n} channels; rates {rates}; myoclonus {version}.").format(
            file=src.get("file", _("(in memory)")), format=src.get("format"),
            duration=num(s["recording"]["duration_s"], 1), n=s["recording"]["n_channels"],
            rates=", ".join(f"{num(r, None)} Hz" for r in s["recording"]["sampling_rates_hz"]), version=__version__)
        review = " ".join(review_lines(s, lang=lang))
        for block, size in ((facts, 9), (review, 9), (_("Key findings"), 12)):
            for line in textwrap.wrap(block, 100):
                fig.text(0.06, y, line, fontsize=size, weight="bold" if size == 12 else None)
                y -= 0.02
        for line in key_findings(s, lang=lang):
            for w in textwrap.wrap(line, 100):
                fig.text(0.08, y, w, fontsize=9)
                y -= 0.018
        y -= 0.01
        fig.text(0.06, y, _("Per channel"), fontsize=12, weight="bold")
        y -= 0.022
        cols = (_("channel"), _("jerks"), _("rate/min"), _("median ms"), _("median uV"), _("sustained"))
        header = f"{cols[0]:<22}{cols[1]:>7}{cols[2]:>10}{cols[3]:>11}{cols[4]:>11}{cols[5]:>11}"
        fig.text(0.06, y, header, fontsize=8, family="monospace")
        y -= 0.016
        for r in _rows(s, lang)[:30]:
            dm = r["dur"].get("median")
            am = r["amp"].get("median")
            line = (f"{r['channel'][:21]:<22}{r['jerks']:>7}{num(r['rate'] or 0, 1):>10}"
                    f"{num(dm, 0):>11}{num(am, 0):>11}{r['sustained']:>11}")
            fig.text(0.06, y, line, fontsize=8, family="monospace")
            y -= 0.015
        y -= 0.01
        fig.text(0.06, y, _("Methods"), fontsize=12, weight="bold")
        y -= 0.02
        if lang != "en":
            fig.text(0.06, y, _("The methods text is generated in English:"), fontsize=7.5, style="italic")
            y -= 0.014
        for w in textwrap.wrap(s.get("methods", ""), 110)[:18]:
            fig.text(0.06, y, w, fontsize=7.5)
            y -= 0.014
        for w in textwrap.wrap(_(DISCLAIMER), 110):
            fig.text(0.06, max(y - 0.01, 0.03), w, fontsize=8, style="italic")
            y -= 0.014
        pdf.savefig(fig)
        plt.close(fig)
        sleep = _sleep_section(result, lang)
        for ftitle, f in collect_figures(result, lang=lang) + (sleep["figures"] if sleep else []):
            f.suptitle(ftitle, fontsize=10) if not f._suptitle else None
            pdf.savefig(f)
            plt.close(f)
        d = pdf.infodict()
        d["Title"] = title
        d["Creator"] = f"myoclonus {__version__}"
    return path
