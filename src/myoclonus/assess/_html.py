"""HTML fragment of an assessment for the report (all user text escaped)."""
from __future__ import annotations

from html import escape

from ..i18n import format_number, gettext_for
from ..i18n.labels import label

__all__ = ["assessment_html"]


def _e(value):
    return escape("" if value is None else str(value), quote=True)


def _refs_html(refs):
    return "".join(f'<li class="ref" lang="en">{_e(r)}</li>' for r in refs)


def assessment_html(assessment, lang=None):
    """Return the assessment as an HTML ``<section>`` for the report.

    Parameters
    ----------
    assessment : Assessment | dict
        Result of :func:`assess`, or its :meth:`Assessment.to_dict`.

    Returns
    -------
    html : str
        A self-contained fragment: ranking table with reasons, subtype, red flags, next steps,
        treatment considerations, inputs that would help, notes, references and the
        disclaimer. Every text is escaped.
    lang : str | None
        Language of the headings (``'en'`` or ``'fr'``); None uses the assessment's own language
        (English for a dict). Texts of an :class:`Assessment` are translated with
        :meth:`Assessment.localized`.
    """
    if lang is None:
        lang = getattr(assessment, "lang", "en")
    if hasattr(assessment, "localized"):
        assessment = assessment.localized(lang)
    elif lang != "en":
        from ._engine import _translate_dict

        assessment = _translate_dict(assessment, lang)
    _ = gettext_for(lang)
    en = lang == "en"
    T = [
        _("Clinical assessment (decision support)"),
        _("subtype"),
        _("Most supported type:"),
        _("Confidence {confidence}."),
        _("Red flags"),
        _("Ranking"),
        _("Type"),
        _("Score"),
        _("Reasons"),
        _("no findings"),
        _("Next steps"),
        _("Treatment considerations (literature summary, not a prescription)"),
        _("Would help"),
        _("Notes (free text, not interpreted)"),
        _("References"),
    ]

    def num(x):
        return format_number(x, 2, lang)

    def tname(t):
        return t if en else label("type", t, lang)

    d = assessment.to_dict() if hasattr(assessment, "to_dict") else assessment
    ct = d["clinical_type"]
    out = ['<section class="myoclonus-assessment" id="clinical-assessment">',
           f"<h2>{_e(T[0])}</h2>",
           f'<p class="disclaimer"><strong>{_e(d["disclaimer"])}</strong></p>']
    sub = ct.get("subtype")
    top = f'<strong>{_e(tname(ct["top"]))}</strong>'
    subtxt = (f' &mdash; {_e(T[1])} <strong>{_e(sub if en else label("subtype", sub, lang))}</strong>'
              if sub else "")
    out.append(f'<p>{_e(T[2])} {top}{subtxt}. '
               f'{_e(T[3].format(confidence=num(d["confidence"])))}</p>')
    if d["red_flags"]:
        out.append(f'<h3>{_e(T[4])}</h3><ul class="red-flags">')
        for rf in d["red_flags"]:
            urg = rf["urgency"].upper() if en else label("urgency", rf["urgency"], lang).upper()
            out.append(f'<li class="urgency-{_e(rf["urgency"])}"><strong>{_e(urg)}{" :" if lang == "fr" else ":"} '
                       f'{_e(rf["pattern"])}</strong>. {_e(rf["action"])}'
                       f' <span class="evidence">({_e("; ".join(rf["evidence"]))})</span>'
                       f'<ul>{_refs_html(rf["references"])}</ul></li>')
        out.append("</ul>")
    out.append(f'<h3>{_e(T[5])}</h3><p class="note">{_e(ct["note"])}</p>')
    out.append(f'<table class="ranking"><thead><tr><th>{_e(T[6])}</th><th>{_e(T[7])}</th>'
               f'<th>{_e(T[8])}</th></tr></thead><tbody>')
    for row in ct["ranking"]:
        items = []
        for r in row["reasons"]:
            sign = "+" if r["direction"] == "supports" else "&minus;"
            target = ""
            if r["applies_to"] != row["type"]:
                target = f' [{_e(r["applies_to"] if en else label("subtype", r["applies_to"], lang))}]'
            items.append(f'<li class="{_e(r["direction"])}">{sign} {_e(r["finding"])}{target}'
                         f' <span class="evidence">({_e("; ".join(r["evidence"]))})</span>'
                         f' <span class="ref" lang="en">{_e(r["reference"])}</span></li>')
        none = f'<li>{_e(T[9])}</li>'
        out.append(f'<tr><td>{_e(tname(row["type"]))}</td><td>{_e(num(row["score"]))}</td>'
                   f'<td><ul>{"".join(items) or none}</ul></td></tr>')
    out.append("</tbody></table>")
    for title, key, cls in ((T[10], "next_steps", "next-steps"),
                            (T[11],
                             "treatment_considerations", "treatment")):
        out.append(f'<h3>{_e(title)}</h3><ul class="{cls}">')
        for item in d[key]:
            out.append(f'<li>{_e(item["text"])}<ul>{_refs_html(item["references"])}</ul></li>')
        out.append("</ul>")
    if d["would_help"]:
        out.append(f'<h3>{_e(T[12])}</h3><ul class="would-help">')
        out.extend(f'<li><strong>{_e(w["input"])}</strong>: {_e(w["why"])}</li>' for w in d["would_help"])
        out.append("</ul>")
    if d.get("notes"):
        out.append(f'<h3>{_e(T[13])}</h3><p class="notes">{_e(d["notes"])}</p>')
    out.append(f'<h3>{_e(T[14])}</h3><ol class="references" lang="en">')
    out.extend(f'<li>{_e(r["text"])}</li>' for r in d["references"])
    out.append("</ol></section>")
    return "\n".join(out)
