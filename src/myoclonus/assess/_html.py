"""HTML fragment of an assessment for the report (all user text escaped)."""
from __future__ import annotations

from html import escape

__all__ = ["assessment_html"]


def _e(value):
    return escape("" if value is None else str(value), quote=True)


def _refs_html(refs):
    return "".join(f'<li class="ref">{_e(r)}</li>' for r in refs)


def assessment_html(assessment):
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
    """
    d = assessment.to_dict() if hasattr(assessment, "to_dict") else assessment
    ct = d["clinical_type"]
    out = ['<section class="myoclonus-assessment" id="clinical-assessment">',
           "<h2>Clinical assessment (decision support)</h2>",
           f'<p class="disclaimer"><strong>{_e(d["disclaimer"])}</strong></p>']
    sub = ct.get("subtype")
    out.append(f'<p>Most supported type: <strong>{_e(ct["top"])}</strong>'
               + (f' &mdash; subtype <strong>{_e(sub)}</strong>' if sub else "")
               + f'. Confidence {_e(format(d["confidence"], ".2f"))}.</p>')
    if d["red_flags"]:
        out.append('<h3>Red flags</h3><ul class="red-flags">')
        for rf in d["red_flags"]:
            out.append(f'<li class="urgency-{_e(rf["urgency"])}"><strong>{_e(rf["urgency"].upper())}: '
                       f'{_e(rf["pattern"])}</strong>. {_e(rf["action"])}'
                       f' <span class="evidence">({_e("; ".join(rf["evidence"]))})</span>'
                       f'<ul>{_refs_html(rf["references"])}</ul></li>')
        out.append("</ul>")
    out.append(f'<h3>Ranking</h3><p class="note">{_e(ct["note"])}</p>')
    out.append('<table class="ranking"><thead><tr><th>Type</th><th>Score</th><th>Reasons</th></tr></thead><tbody>')
    for row in ct["ranking"]:
        items = []
        for r in row["reasons"]:
            sign = "+" if r["direction"] == "supports" else "&minus;"
            target = f' [{_e(r["applies_to"])}]' if r["applies_to"] != row["type"] else ""
            items.append(f'<li class="{_e(r["direction"])}">{sign} {_e(r["finding"])}{target}'
                         f' <span class="evidence">({_e("; ".join(r["evidence"]))})</span>'
                         f' <span class="ref">{_e(r["reference"])}</span></li>')
        out.append(f'<tr><td>{_e(row["type"])}</td><td>{_e(format(row["score"], ".2f"))}</td>'
                   f'<td><ul>{"".join(items) or "<li>no findings</li>"}</ul></td></tr>')
    out.append("</tbody></table>")
    for title, key, cls in (("Next steps", "next_steps", "next-steps"),
                            ("Treatment considerations (literature summary, not a prescription)",
                             "treatment_considerations", "treatment")):
        out.append(f'<h3>{_e(title)}</h3><ul class="{cls}">')
        for item in d[key]:
            out.append(f'<li>{_e(item["text"])}<ul>{_refs_html(item["references"])}</ul></li>')
        out.append("</ul>")
    if d["would_help"]:
        out.append('<h3>Would help</h3><ul class="would-help">')
        out.extend(f'<li><strong>{_e(w["input"])}</strong>: {_e(w["why"])}</li>' for w in d["would_help"])
        out.append("</ul>")
    if d.get("notes"):
        out.append(f'<h3>Notes (free text, not interpreted)</h3><p class="notes">{_e(d["notes"])}</p>')
    out.append('<h3>References</h3><ol class="references">')
    out.extend(f'<li>{_e(r["text"])}</li>' for r in d["references"])
    out.append("</ol></section>")
    return "\n".join(out)
