"""The patient summary: ``patient.html`` (and ``patient.pdf``), printable, in plain words.

Written for a reading age of about 12 (checked by a readability test in English and French):
what myoclonus is, what was recorded and found (in words and one picture: jerks per body part),
what kind of myoclonus the findings point to (only when a clinical assessment exists), the next
steps, when to get help quickly, an optional message from the clinician, and that the doctor's
evaluation decides. No identifiers: no file name, no names, no dates.
"""
from __future__ import annotations

import base64
import io
from pathlib import Path

from ..i18n import N_, format_number, gettext_for, ngettext_for
from ..i18n.labels import label

__all__ = ["patient_document", "render_patient_summary", "write_patient_summary", "TYPE_TEXTS"]

#: Plain-language title and explanation of each clinical type.
TYPE_TEXTS = {
    "physiological": (
        N_("Physiological myoclonus: a normal kind of jerk"),
        N_("These jerks also happen in healthy people. The jerk when you fall asleep and hiccups are two "
           "examples. They are harmless. Most of the time they need no treatment."),
    ),
    "essential": (
        N_("Essential myoclonus: jerks with no other illness behind them"),
        N_("The jerks are the main problem. No other illness of the brain causes them. They often start "
           "when young and can run in families. They usually do not get worse over time. Medicines can "
           "help if the jerks bother you."),
    ),
    "epileptic": (
        N_("Epileptic myoclonus: jerks linked to epilepsy"),
        N_("The jerks come from short bursts of electrical activity in the brain, as in epilepsy. Some "
           "people also have seizures. Medicines for epilepsy often help. Some other medicines can make "
           "these jerks worse, so always tell a doctor which medicines you take."),
    ),
    "symptomatic": (
        N_("Symptomatic myoclonus: jerks caused by another problem"),
        N_("The jerks are a sign of another problem in the body or the brain. A medicine, a kidney or "
           "liver problem, or an illness of the brain are examples. The main goal is to find the cause "
           "and treat it. Sometimes the jerks stop when the cause is treated."),
    ),
    "functional": (
        N_("Functional myoclonus: jerks from a change in how the brain controls movement"),
        N_("The jerks are real. You do not make them on purpose. They come from a problem in how the brain "
           "sends signals to the muscles, not from damage to the brain. They can get better with the "
           "right help, such as special physiotherapy and talking therapy."),
    ),
}

_URGENCY_LEAD = {
    "emergency": N_("Now:"),
    "urgent": N_("Soon (today or within days):"),
    "soon": N_("In the coming weeks:"),
}


def _body_key(site):
    site = site or {}
    seg, side = site.get("segment"), site.get("side")
    if seg in ("cranial", "upper_limb", "lower_limb"):
        return f"{seg}:{side}" if side in ("left", "right") else seg
    if seg in ("neck", "trunk"):
        return seg
    return "other"


_BODY_ORDER = ("cranial:left", "cranial:right", "cranial", "neck", "upper_limb:left", "upper_limb:right",
               "upper_limb", "trunk", "lower_limb:left", "lower_limb:right", "lower_limb", "other")


def jerks_per_body_part(summary):
    """Return ``[(body part key, jerks)]`` in head-to-toe order (parts with EMG channels only)."""
    counts = {}
    for ch, e in (summary.get("per_channel") or {}).items():
        site = e.get("site")
        if not site or (site.get("segment") == "scalp"):
            continue
        if not site.get("muscle") and not site.get("segment"):
            continue
        key = _body_key(site)
        counts[key] = counts.get(key, 0) + int((e.get("counts") or {}).get("jerk", 0))
    return [(k, counts[k]) for k in _BODY_ORDER if k in counts]


def fig_body_parts(summary, lang="en"):
    """One simple picture: a horizontal bar of jerks per body part (None without EMG sites)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    _ = gettext_for(lang)
    parts = jerks_per_body_part(summary)
    if not parts:
        return None
    names = [label("body_part", k, lang) for k, _n in parts][::-1]
    values = [n for _k, n in parts][::-1]
    fig, ax = plt.subplots(figsize=(6.5, 0.55 * len(parts) + 1.3))
    bars = ax.barh(names, values, color="#3a6ea5")
    for b, v in zip(bars, values):
        ax.text(b.get_width() + max(values + [1]) * 0.02, b.get_y() + b.get_height() / 2, str(v),
                va="center", fontsize=12)
    ax.set_xlabel(_("Number of jerks"), fontsize=12)
    ax.tick_params(labelsize=12)
    ax.set_xlim(0, max(values + [1]) * 1.15)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    return fig


def _png_uri(fig):
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _assessment_dict(result):
    a = getattr(result, "assessment", None)
    if a is not None and hasattr(a, "to_dict"):
        return a.to_dict()
    return (getattr(result, "summary", None) or {}).get("assessment")


def patient_document(result, *, lang="en", note=None):
    """Return the patient summary as a structure shared by the HTML and the PDF.

    Returns
    -------
    doc : dict
        ``{'lang', 'title', 'sections': [{'id', 'title', 'paragraphs', 'items', 'urgent'}], 'note',
        'figure_alt', 'type'}``; every text is plain (HTML-escaped by the template).
    """
    from ..assess._data import load_data

    _ = gettext_for(lang)
    ng = ngettext_for(lang)
    s = result.summary if hasattr(result, "summary") else result

    def num(x, d):
        return format_number(x, d, lang)

    sections = []
    sections.append({
        "id": "what", "title": _("What is myoclonus?"),
        "paragraphs": [
            _("Myoclonus means short, sudden jerks of a muscle or a group of muscles. You do not choose to "
              "make them."),
            _("Many people know one kind: the jerk you sometimes feel when you fall asleep. That one is normal. "
              "Other kinds have a cause that a doctor needs to find."),
        ], "items": [],
    })

    # what was recorded and found
    c = s.get("counts") or {}
    n = int(c.get("jerk", 0))
    minutes = (s.get("recording") or {}).get("duration_s", 0) / 60.0
    parts = jerks_per_body_part(s)
    n_muscles = sum(1 for _ch, e in (s.get("per_channel") or {}).items()
                    if (e.get("site") or {}).get("muscle"))
    found = [_("We recorded the activity of your muscles with small stickers on the skin. This test is "
               "called EMG. It does not hurt.")]
    found.append(_("The recording lasted {minutes} minutes.").format(minutes=num(minutes, 1)) + " "
                 + ng("It looked at {k} muscle.", "It looked at {k} muscles.", n_muscles).format(k=n_muscles))
    if n:
        rate = (s.get("rate_per_min") or {}).get("jerk") or 0
        found.append(ng("The computer found {n} jerk.", "The computer found {n} jerks.", n).format(n=n)
                     + " " + _("That is about {rate} jerks each minute.").format(rate=num(rate, 1)))
        med = (s.get("duration_ms") or {}).get("median")
        if med is not None:
            if med < 300:
                found.append(_("Most jerks lasted about {ms} thousandths of a second. That is shorter than "
                               "a blink.").format(ms=num(med, 0)))
            else:
                found.append(_("Most jerks lasted about {ms} thousandths of a second.").format(ms=num(med, 0)))
        top = [label("body_part", k, lang).lower() for k, v in sorted(parts, key=lambda kv: -kv[1]) if v > 0][:3]
        if top:
            found.append(_("The jerks were seen most in these places: {places}.").format(places=", ".join(top)))
        found.append(_("The picture shows how many jerks each part of the body had."))
    else:
        found.append(_("The computer found no jerks in this recording. Jerks can still happen at other times."))
    if s.get("truth"):
        found.append(_("This is a practice example made by the computer. It is not a real person."))
    sections.append({"id": "found", "title": _("What we recorded and found"), "paragraphs": found, "items": []})

    # type
    a = _assessment_dict(result)
    ctype = None
    if a and (a.get("clinical_type") or {}).get("ranking"):
        ctype = a["clinical_type"]["ranking"][0]["type"]
    if ctype in TYPE_TEXTS:
        title, text = TYPE_TEXTS[ctype]
        type_paras = [_(title) + ".", _(text),
                      _("This is what the findings point to today. Your doctor will tell you more about the exact "
                        "cause.")]
    else:
        type_paras = [_("Your doctor will tell you what kind of myoclonus this is after the full evaluation. "
                        "A recording alone cannot tell.")]
    sections.append({"id": "type", "title": _("What kind of myoclonus?"), "paragraphs": type_paras, "items": []})

    # next steps
    steps = []
    if a:
        plain = {i["id"]: i.get("patient") for i in load_data("workup.yaml")["next_steps"]}
        for item in a.get("next_steps") or []:
            text = plain.get(item.get("id"))
            if text:
                steps.append(_(text))
    sections.append({
        "id": "next", "title": _("What happens next"),
        "paragraphs": [_("Your doctor planned these next steps:")] if steps else
        [_("Your doctor will explain the next steps with you.")],
        "items": steps,
    })

    # red flags
    flags = []
    if a and a.get("red_flags"):
        plain = {r["id"]: r.get("patient") for r in load_data("rules.yaml")["red_flags"]}
        for rf in a["red_flags"]:
            text = plain.get(rf.get("id"))
            if text:
                flags.append({"id": rf["id"], "urgency": rf.get("urgency"),
                              "lead": _(_URGENCY_LEAD.get(rf.get("urgency"), N_("Soon (today or within days):"))),
                              "text": _(text)})
    general = [
        _("you have a seizure: you pass out, go stiff or shake all over;"),
        _("the jerks quickly get much worse or spread to new places;"),
        _("you become confused or very sleepy, or you have a high fever;"),
        _("you fall and hurt yourself."),
    ]
    urgent_paras = []
    if flags:
        urgent_paras.append(_("Your doctor found signs that need quick action:"))
    sections.append({
        "id": "urgent", "title": _("When to get help quickly"),
        "paragraphs": urgent_paras, "flags": flags,
        "after": _("Go to the emergency department or call the emergency services if:"),
        "items": general,
    })
    sections.append({
        "id": "decides", "title": _("Your doctor decides"),
        "paragraphs": [_("This sheet helps you understand the test. It is not a diagnosis. A computer made the "
                         "counts, and a doctor has to check them. Your doctor's evaluation decides what it means "
                         "for you."),
                       _("Bring this sheet to your next visit. Write down your questions.")],
        "items": [],
    })
    glossary = [
        _("Myoclonus: short jerks of muscles that you cannot control."),
        _("EMG: a test that records muscle activity with stickers on the skin."),
        _("EEG: a test that records brain activity with small sensors on the head."),
    ]
    return {
        "lang": lang,
        "title": _("Your muscle jerk test: a summary for you"),
        "sections": sections,
        "glossary": glossary,
        "glossary_title": _("Words used in this sheet"),
        "note_title": _("A message from your doctor"),
        "note": (str(note).strip() or None) if note is not None else None,
        "figure_alt": _("Bar chart: number of jerks in each part of the body"),
        "type": ctype,
    }


def patient_text(doc, *, include_note=False):
    """All the sentences of a patient document as plain text (for readability checks)."""
    out = [doc["title"]]
    for sec in doc["sections"]:
        out.append(sec["title"])
        out.extend(sec["paragraphs"])
        out.extend(f["text"] for f in sec.get("flags", []))
        if sec.get("after"):
            out.append(sec["after"])
        out.extend(sec["items"])
    out.extend(doc["glossary"])
    if include_note and doc.get("note"):
        out.append(doc["note"])
    return "\n".join(out)


def render_patient_summary(result, *, lang="en", note=None, figure=True):
    """Return the HTML text of the patient summary (self-contained, printable)."""
    from .builder import jinja_env

    doc = patient_document(result, lang=lang, note=note)
    fig_uri = None
    if figure:
        fig = fig_body_parts(result.summary if hasattr(result, "summary") else result, lang)
        fig_uri = _png_uri(fig) if fig is not None else None
    return jinja_env(lang).get_template("patient.html.jinja").render(doc=doc, figure=fig_uri)


def write_patient_summary(result, path, *, lang="en", note=None, pdf=False):
    """Write ``patient.html`` (and ``patient.pdf`` next to it when ``pdf``); return the HTML path.

    Parameters
    ----------
    result : AnalysisResult
        From :func:`~myoclonus.pipeline.analyze`; the clinical type and red flags come from its
        assessment when a history was given.
    path : path-like
        Output HTML file.
    lang : str
        ``'en'`` or ``'fr'``.
    note : str | None
        Free-text message from the clinician, shown as written.
    pdf : bool
        Also write the same content as a PDF (matplotlib, no browser needed).
    """
    path = Path(path)
    path.write_text(render_patient_summary(result, lang=lang, note=note), encoding="utf-8")
    if pdf:
        write_patient_pdf(result, path.with_suffix(".pdf"), lang=lang, note=note)
    return path


def write_patient_pdf(result, path, *, lang="en", note=None):
    """Write the patient summary as an A4 PDF (text pages and the picture)."""
    import textwrap

    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    doc = patient_document(result, lang=lang, note=note)
    lines = [("title", doc["title"])]
    for sec in doc["sections"]:
        lines.append(("h", sec["title"]))
        lines.extend(("p", p) for p in sec["paragraphs"])
        lines.extend(("b", f"{f['lead']} {f['text']}") for f in sec.get("flags", []))
        if sec.get("after"):
            lines.append(("p", sec["after"]))
        lines.extend(("b", i) for i in sec["items"])
        if sec["id"] == "found":
            lines.append(("fig", None))
    if doc["note"]:
        lines.append(("h", doc["note_title"]))
        lines.append(("p", doc["note"]))
    lines.append(("h", doc["glossary_title"]))
    lines.extend(("p", g) for g in doc["glossary"])
    path = Path(path)
    summary = result.summary if hasattr(result, "summary") else result
    with PdfPages(path) as pdf:
        fig, y = None, 0

        def new_page():
            f = plt.figure(figsize=(8.27, 11.69))
            return f, 0.95

        fig, y = new_page()
        for kind, text in lines:
            if kind == "fig":
                bar = fig_body_parts(summary, lang)
                if bar is not None:
                    if y < 0.35:
                        pdf.savefig(fig)
                        plt.close(fig)
                        fig, y = new_page()
                    buf = io.BytesIO()
                    bar.savefig(buf, format="png", dpi=110)
                    plt.close(bar)
                    buf.seek(0)
                    img = plt.imread(buf)
                    h = 0.25
                    ax = fig.add_axes([0.1, y - h, 0.8, h])
                    ax.imshow(img)
                    ax.axis("off")
                    y -= h + 0.01
                continue
            size, width, step, weight, x = {"title": (17, 60, 0.03, "bold", 0.07), "h": (13, 80, 0.024, "bold", 0.07),
                                            "p": (11, 90, 0.019, None, 0.07), "b": (11, 86, 0.019, None, 0.1)}[kind]
            wrapped = textwrap.wrap(text, width) or [""]
            if y - step * (len(wrapped) + 1) < 0.04:
                pdf.savefig(fig)
                plt.close(fig)
                fig, y = new_page()
            if kind == "h":
                y -= 0.01
            for i, w in enumerate(wrapped):
                fig.text(x - (0.025 if kind == "b" and i == 0 else 0), y, ("\u2022 " if kind == "b" and i == 0 else "") + w,
                         fontsize=size, weight=weight)
                y -= step
            y -= 0.006
        pdf.savefig(fig)
        plt.close(fig)
        d = pdf.infodict()
        d["Title"] = doc["title"]
    return path
