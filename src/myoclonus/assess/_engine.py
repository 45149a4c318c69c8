"""The decision-support engine: facts from history/summary, rule scoring, assessment result."""
from __future__ import annotations

import copy
import json
import os
from collections import defaultdict
from pathlib import Path

from .._logging import logger
from ..i18n import N_, format_number, gettext_for
from ..i18n.labels import label
from .._validate import MyoclonusInputError, _check_path_exists
from ._conditions import evaluate
from ._data import load_data, reference
from ._drugs import match_drugs
from ._history import ARRAY_FIELDS, load_history

__all__ = ["assess", "Assessment", "DISCLAIMER", "CLINICAL_TYPES", "load_summary"]

#: Shown in every assessment and report section.
DISCLAIMER = N_(
    "Decision support, not a diagnosis. This assessment ranks clinical types of myoclonus from the "
    "findings entered and published rules; it can be wrong, is only as good as its inputs, and does not "
    "replace the judgement of the treating clinician. Treatment lines summarise the literature and are "
    "not prescriptions."
)

_RULES = load_data("rules.yaml")
_WORKUP = load_data("workup.yaml")

#: The five clinical types, in the order used to break ties.
CLINICAL_TYPES = tuple(_RULES["types"])

_URGENCY_ORDER = {"emergency": 0, "urgent": 1, "soon": 2}

# Unit conversions to canonical units (umol/L, mmol/L); factors are physical, not clinical rules.
_LAB_UNITS = {
    "creatinine": ("creatinine_umol_l", "umol/L", {"umol/L": 1.0, "mg/dL": 88.42}),
    "egfr": ("egfr", "mL/min/1.73m2", {"mL/min/1.73m2": 1.0, "mL/min": 1.0}),
    "urea": ("urea_mmol_l", "mmol/L", {"mmol/L": 1.0, "mg/dL": 0.357}),
    "alt": ("alt", "U/L", {"U/L": 1.0}),
    "ast": ("ast", "U/L", {"U/L": 1.0}),
    "bilirubin": ("bilirubin_umol_l", "umol/L", {"umol/L": 1.0, "mg/dL": 17.1}),
    "ammonia": ("ammonia_umol_l", "umol/L", {"umol/L": 1.0, "ug/dL": 0.587}),
    "glucose": ("glucose_mmol_l", "mmol/L", {"mmol/L": 1.0, "mg/dL": 1 / 18.016}),
    "sodium": ("sodium_mmol_l", "mmol/L", {"mmol/L": 1.0, "mEq/L": 1.0}),
    "calcium": ("calcium_mmol_l", "mmol/L", {"mmol/L": 1.0, "mg/dL": 0.2495}),
    "magnesium": ("magnesium_mmol_l", "mmol/L", {"mmol/L": 1.0, "mg/dL": 0.4114, "mEq/L": 0.5}),
}
_LAB_GROUPS = {
    "renal (creatinine, eGFR or urea)": ("creatinine", "egfr", "urea"),
    "hepatic (ammonia or bilirubin)": ("ammonia", "bilirubin"),
    "glucose": ("glucose",),
    "sodium": ("sodium",),
    "calcium": ("calcium",),
    "magnesium": ("magnesium",),
}
_FAMILY_NO = {"", "no", "none", "negative", "nil", "false", "absent", "not present"}
_FAMILY_UNKNOWN = {"unknown", "not known", "n/a", "na", "?", "unclear"}
_FUNCTIONAL_CORE = ("variability", "distractibility", "suggestibility", "entrainment")
_DRUG_FACTS = {
    "myoclonogenic_drug", "drugs", "drug_classes", "serotonergic_drug", "serotonergic_count",
    "serotonergic_combination", "drug_worsens_myoclonic_epilepsy", "renal_accumulation_drug",
    "drug_recently_changed",
}
_SUMMARY_FACTS = {
    "origin": "summary.origin.class",
    "bp_present": "summary.bp.present",
    "jlba_significant": "summary.jlba.significant",
    "rhythm": "summary.rhythm.verdict",
    "recording_distribution": "summary.distribution.class",
    "duration_median_ms": "summary.duration_ms.median",
    "coherence_significant": "summary.coherence.significant",
    "sleep_onset_jerks": "summary.sleep",
}


def _get(d, *keys):
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def load_summary(path_or_dict):
    """Read a recording ``summary.json`` (as written by ``myoclonus analyze``).

    Parameters
    ----------
    path_or_dict : str | os.PathLike | dict
        Path of the JSON file, or the parsed mapping.

    Returns
    -------
    summary : dict
        The parsed summary (every key optional).

    Raises
    ------
    MyoclonusInputError
        When the file is missing or not a JSON object.
    """
    if isinstance(path_or_dict, dict):
        return copy.deepcopy(path_or_dict)
    if not isinstance(path_or_dict, (str, os.PathLike, Path)):
        raise MyoclonusInputError(
            f"Summary must be a path to summary.json or a dict, but got {type(path_or_dict).__name__}."
        )
    p = _check_path_exists(path_or_dict, what="summary")
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MyoclonusInputError(f"Summary file '{p}' is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise MyoclonusInputError(f"Summary file '{p}': the top level must be a JSON object, but got {type(data).__name__}.")
    return data


def _family(value):
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _FAMILY_UNKNOWN:
        return None
    return text not in _FAMILY_NO


def _lab_facts(labs):
    facts, shown = {}, {}
    for name, raw in labs.items():
        fact, unit0, conv = _LAB_UNITS[name]
        value, unit = (raw["value"], raw.get("unit", unit0)) if isinstance(raw, dict) else (raw, unit0)
        facts[fact] = float(value) * conv[unit]
        shown[fact] = f"labs.{name} = {value:g} {unit}"
    return facts, shown


def _summary_facts(summary):
    facts = {}
    origin = _get(summary, "origin", "class")
    if isinstance(origin, str):
        facts["origin"] = origin
    for fact, keys in (("bp_present", ("bp", "present")), ("jlba_significant", ("jlba", "significant")),
                       ("coherence_significant", ("coherence", "significant"))):
        v = _get(summary, *keys)
        if isinstance(v, bool):
            facts[fact] = v
    for fact, keys in (("rhythm", ("rhythm", "verdict")), ("recording_distribution", ("distribution", "class"))):
        v = _get(summary, *keys)
        if isinstance(v, str):
            facts[fact] = v
    v = _get(summary, "duration_ms", "median")
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        facts["duration_median_ms"] = float(v)
    sleep = summary.get("sleep")
    if isinstance(sleep, dict):
        if isinstance(sleep.get("jerks_at_sleep_onset"), bool):
            facts["sleep_onset_jerks"] = sleep["jerks_at_sleep_onset"]
        else:
            state = sleep.get("predominant_state", sleep.get("predominant_stage"))
            if isinstance(state, str):
                facts["sleep_onset_jerks"] = state.lower() in {"sleep_onset", "n1", "wake_sleep_transition"}
    return facts


def _extract(history, summary, _=lambda m: m):
    """Facts (name -> value), evidence text per fact, drug matches, present input fields."""
    facts, shown = {}, {}
    present = {k for k in history if k != "notes"}
    for key in ("age", "onset_age", "sex", "course", "cognition"):
        if key in history:
            facts[key] = history[key]
            shown[key] = f"{key} = {history[key]}"
    if "family_history" in history:
        fam = _family(history["family_history"])
        if fam is None:
            present.discard("family_history")
        else:
            facts["family_history"] = fam
            shown["family_history"] = f"family_history = {history['family_history']}"
    for key in ARRAY_FIELDS:
        if key in history:
            facts[key] = frozenset(v for v in history[key] if v != "none")
            shown[key] = f"{key} = {', '.join(history[key])}"
    if "functional_signs" in facts:
        facts["functional_core_count"] = sum(s in facts["functional_signs"] for s in _FUNCTIONAL_CORE)
        shown["functional_core_count"] = shown["functional_signs"]
    matches = []
    if "medications" in history:
        meds = history["medications"]
        matches = match_drugs(meds) if meds else []
        hit = [m for m in matches if m["matched"]]
        sero = {m["generic"] for m in hit if m["serotonergic"]}
        facts.update(
            myoclonogenic_drug=bool(hit),
            drugs=frozenset(m["generic"] for m in hit),
            drug_classes=frozenset(m["class"] for m in hit),
            serotonergic_drug=bool(sero),
            serotonergic_count=len(sero),
            serotonergic_combination=len(sero) >= 2,
            drug_worsens_myoclonic_epilepsy=any(m["worsens_myoclonic_epilepsy"] for m in hit),
            renal_accumulation_drug=any(m["renal_accumulation"] for m in hit),
        )
        changed = [bool(m.get("recently_changed")) for m in meds if isinstance(m, dict) and "recently_changed" in m]
        events = facts.get("recent_events")
        if any(changed) or (events is not None and events & {"drug_started", "drug_dose_increased", "overdose"}):
            facts["drug_recently_changed"] = True
        elif events is not None or changed:
            facts["drug_recently_changed"] = False
        text = ", ".join(f"{m['given']} ({m['generic']}, {m['class']})" for m in hit) or _("none in the drug table")
        for f in _DRUG_FACTS:
            shown[f] = _("medications: {text}").format(text=text)
    if "labs" in history:
        lf, ls = _lab_facts(history["labs"])
        facts.update(lf)
        shown.update(ls)
    if summary is not None:
        present.add("summary")
        sf = _summary_facts(summary)
        facts.update(sf)
        for f, v in sf.items():
            shown[f] = f"{_SUMMARY_FACTS[f]} = {v}"
        for key in ("origin", "bp", "jlba"):
            if isinstance(summary.get(key), dict):
                present.add(f"summary.{key}")
        if sf.get("origin") == "undetermined":
            present.discard("summary.origin")
    return facts, shown, matches, present


def _refs(ids, used):
    out = []
    for rid in ids or []:
        used.setdefault(rid, reference(rid))
        out.append(used[rid]["text"])
    return out


def _evidence(names, facts, shown, deps):
    """Expand derived facts to their inputs and return 'field = value' strings."""
    seen, out, stack = set(), [], sorted(names)
    while stack:
        name = stack.pop(0)
        if name in seen:
            continue
        seen.add(name)
        if name in deps:
            stack.extend(sorted(deps[name]))
        elif name in shown and shown[name] not in out and facts.get(name) is not None:
            out.append(shown[name])
    return out


def _fmt(text, ctx):
    for k, v in ctx.items():
        text = text.replace("{" + k + "}", v)
    return text


class Assessment:
    """Result of :func:`assess`: a ranked, cited, decision-support assessment.

    Parameters
    ----------
    data : dict
        The assessment content (see :meth:`to_dict`).

    Notes
    -----
    Not a diagnosis; see :data:`DISCLAIMER`.
    """

    def __init__(self, data, *, lang="en", inputs=None):
        self._data = data
        self._lang = lang
        self._inputs = inputs

    @property
    def lang(self):
        """str: language of the texts (``'en'`` or ``'fr'``)."""
        return self._lang

    def localized(self, lang):
        """Return this assessment with its texts in ``lang`` (same ranking, flags and steps).

        Parameters
        ----------
        lang : str
            ``'en'`` or ``'fr'``.

        Returns
        -------
        assessment : Assessment
            ``self`` when already in ``lang``.
        """
        if lang == self._lang:
            return self
        if self._inputs is None:  # built from a dict: translate what the catalog knows
            return Assessment(_translate_dict(self._data, lang), lang=lang)
        hist, summ, source, summary_source = self._inputs
        return _run(copy.deepcopy(hist), copy.deepcopy(summ), source, summary_source, lang)

    @property
    def top_type(self):
        """str: the highest-ranked clinical type."""
        return self._data["clinical_type"]["ranking"][0]["type"]

    @property
    def subtype(self):
        """str | None: the subtype of the top type, when one can be named."""
        return self._data["clinical_type"]["subtype"]

    @property
    def red_flags(self):
        """list of dict: urgent patterns with what to do."""
        return copy.deepcopy(self._data["red_flags"])

    @property
    def red_flag_ids(self):
        """list of str: identifiers of the red flags raised."""
        return [r["id"] for r in self._data["red_flags"]]

    @property
    def confidence(self):
        """float: 0-1, lowered by missing inputs and by a close ranking."""
        return self._data["confidence"]

    def to_dict(self):
        """Return the assessment as a JSON-serialisable dict (a deep copy).

        Returns
        -------
        data : dict
            Keys ``clinical_type`` (``ranking``, ``top``, ``subtype``, ``subtype_scores``,
            ``note``), ``red_flags``, ``next_steps``, ``treatment_considerations``,
            ``would_help``, ``confidence``, ``inputs_used``, ``notes``, ``references``,
            ``disclaimer``.
        """
        return copy.deepcopy(self._data)

    def to_json(self, path):
        """Write :meth:`to_dict` to ``path`` as indented UTF-8 JSON and return the path.

        Parameters
        ----------
        path : str | os.PathLike
            Output file (for example ``assessment.json``).

        Returns
        -------
        path : pathlib.Path
            The file written.
        """
        p = Path(path)
        p.write_text(json.dumps(self._data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return p

    def summary_lines(self):
        """Return a few plain-language lines for a report's key findings.

        Returns
        -------
        lines : list of str
        """
        lang = self._lang
        _ = gettext_for(lang)

        def num(x):
            return format_number(x, 2, lang)

        ct = self._data["clinical_type"]
        r = ct["ranking"]
        if lang == "en":  # identifiers, as in the JSON
            t0, t1 = r[0]["type"], r[1]["type"]
            sub = f" ({ct['subtype'].replace('_', ' ')})" if ct["subtype"] else ""
        else:
            t0, t1 = label("type", r[0]["type"], lang), label("type", r[1]["type"], lang)
            sub = f" ({label('subtype', ct['subtype'], lang)})" if ct["subtype"] else ""
        lines = [
            _("Most supported clinical type: {type}{subtype}, score {score}; next: {next} {next_score}.").format(
                type=t0, subtype=sub, score=num(r[0]["score"]), next=t1, next_score=num(r[1]["score"]))
        ]
        for rf in self._data["red_flags"]:
            urgency = rf["urgency"] if lang == "en" else label("urgency", rf["urgency"], lang)
            lines.append(_("Red flag ({urgency}): {pattern}. {action}").format(
                urgency=urgency, pattern=rf["pattern"], action=rf["action"]))
        wh = [w["input"] for w in self._data["would_help"]]
        conf = _("Confidence {confidence}").format(confidence=num(self._data["confidence"]))
        if wh:
            lines.append(_("{confidence}; would help: {inputs}.").format(
                confidence=conf, inputs=", ".join(wh[:6]) + (" ..." if len(wh) > 6 else "")))
        else:
            lines.append(conf + ".")
        lines.append(_("Decision support, not a diagnosis."))
        return lines

    def _repr_html_(self):
        from ._html import assessment_html

        return assessment_html(self)

    def __repr__(self):
        sub = f"/{self.subtype}" if self.subtype else ""
        return (f"<Assessment top={self.top_type}{sub} confidence={self.confidence:.2f} "
                f"red_flags={self.red_flag_ids}>")


def assess(history, *, summary=None, lang="en"):
    """Rank the clinical types of myoclonus for one patient, with reasons and references.

    Parameters
    ----------
    history : dict | str | os.PathLike
        Clinical history (validated with :func:`load_history`).
    summary : dict | str | os.PathLike | None
        Optional recording ``summary.json`` of ``myoclonus analyze``; its origin, BP, JLBA
        and sleep findings are used as evidence.

    Returns
    -------
    assessment : Assessment
        Ranking of ``physiological``, ``essential``, ``epileptic``, ``symptomatic`` and
        ``functional`` with scores (relative weight of evidence, 0-1, summing to 1), the
        subtype of the top type, red flags, next steps, treatment considerations from the
        literature, inputs that would help, confidence and references.

    Notes
    -----
    Decision support, not a diagnosis (:data:`DISCLAIMER`). Every rule is in
    ``myoclonus/assess/data/rules.yaml`` with its reference. Free-text ``notes`` are
    reported verbatim and never parsed into findings. ``lang`` (``'en'`` or ``'fr'``) sets the
    language of the texts (findings, red flags, next steps, treatment lines, reasons, disclaimer);
    identifiers, scores and evidence values do not change.
    """
    from ..i18n import resolve_lang

    lang = resolve_lang(lang)
    source = str(history) if not isinstance(history, dict) else "dict"
    hist = load_history(history)
    summ, summary_source = None, None
    if summary is not None:
        summ = load_summary(summary)
        summary_source = "dict" if isinstance(summary, dict) else str(summary)
    return _run(hist, summ, source, summary_source, lang)


def _translate_dict(d, lang):
    """Translate the texts of an assessment dict whose templates are known (best effort)."""
    _ = gettext_for(lang)
    d = copy.deepcopy(d)
    for row in d["clinical_type"]["ranking"]:
        for r in row["reasons"]:
            r["finding"] = _(r["finding"])
    d["clinical_type"]["note"] = _(d["clinical_type"]["note"])
    for rf in d["red_flags"]:
        rf["pattern"], rf["action"] = _(rf["pattern"]), _(rf["action"])
    for key in ("next_steps", "treatment_considerations"):
        for item in d[key]:
            item["text"] = _(item["text"])
    for w in d["would_help"]:
        w["why"] = _(w["why"])
    d["disclaimer"] = _(d["disclaimer"])
    return d


def _run(hist, summ, source, summary_source, lang):
    _ = gettext_for(lang)
    inputs = (copy.deepcopy(hist), copy.deepcopy(summ), source, summary_source)
    facts, shown, matches, present = _extract(hist, summ, _)

    deps = {}
    for d in _RULES["derived"]:
        used = set()
        val = evaluate(d["when"], facts, present, used)
        deps[d["name"]] = used
        if val is not None:
            facts[d["name"]] = val
            shown.setdefault(d["name"], d["name"])

    ref_used = {}
    prior = float(_RULES["prior"])
    raw = {t: prior for t in CLINICAL_TYPES}
    reasons = {t: [] for t in CLINICAL_TYPES}
    subs = defaultdict(float)
    n_fired = 0
    for rule in _RULES["rules"]:
        used = set()
        if evaluate(rule["when"], facts, present, used) is not True:
            continue
        n_fired += 1
        evidence = _evidence(used, facts, shown, deps)
        refs = _refs(rule.get("refs"), ref_used)
        for eff in rule["effects"]:
            t, w = eff["type"], float(eff["weight"])
            if eff.get("scope") != "subtype":
                raw[t] += w
            if eff.get("subtype"):
                subs[(t, eff["subtype"])] += w
            reasons[t].append({
                "rule": rule["id"],
                "finding": _(rule["finding"]),
                "direction": "supports" if w > 0 else "argues_against",
                "weight": w,
                "applies_to": eff.get("subtype") if eff.get("scope") == "subtype" else t,
                "subtype": eff.get("subtype"),
                "evidence": evidence,
                "reference": "; ".join(refs),
                "reference_ids": list(rule.get("refs", [])),
            })
    net = {t: max(v, 0.0) for t, v in raw.items()}
    total = sum(net.values()) or 1.0
    order = sorted(CLINICAL_TYPES, key=lambda t: (-net[t], CLINICAL_TYPES.index(t)))
    ranking = [
        {"type": t, "score": round(net[t] / total, 3), "raw": round(raw[t], 2),
         "reasons": sorted(reasons[t], key=lambda r: -abs(r["weight"]))}
        for t in order
    ]
    top = order[0]
    sub_scores = {s: round(v, 2) for (t, s), v in subs.items() if t == top}
    subtype = None
    if n_fired and sub_scores:
        best = max(sub_scores, key=lambda s: sub_scores[s])
        if sub_scores[best] >= float(_RULES["subtype_threshold"]):
            subtype = best
    facts["top_type"] = top
    facts["top_subtype"] = subtype
    shown["top_type"], shown["top_subtype"] = f"top type = {top}", f"subtype = {subtype}"

    # inputs that would help, and completeness
    would_help, have, total_w = [], 0.0, 0.0
    for item in _WORKUP["would_help"]:
        if item.get("only_with_summary") and summ is None:
            continue
        total_w += item["weight"]
        field = item["field"]
        if field in present:
            have += item["weight"]
        else:
            would_help.append({"input": field, "why": _(item["why"])})
    if "labs" in hist:
        missing_groups = [g for g, keys in _LAB_GROUPS.items() if not any(k in hist["labs"] for k in keys)]
        if missing_groups:
            lab_w = next(i["weight"] for i in _WORKUP["would_help"] if i["field"] == "labs")
            have -= lab_w * len(missing_groups) / len(_LAB_GROUPS)
            would_help.append({"input": "labs: " + ", ".join(missing_groups),
                               "why": _("metabolic causes cannot be excluded without these values")})
    for m in matches:
        if not m["matched"] and m["suggestion"]:
            would_help.append({"input": f"medications: {m['given']!r}",
                               "why": _("not in the drug table; did you mean {suggestion}? (not assumed)").format(
                                   suggestion=repr(m["suggestion"]))})
    completeness = have / total_w if total_w else 0.0
    s1, s2 = net[order[0]] / total, net[order[1]] / total
    separation = (s1 - s2) / s1 if s1 > 0 else 0.0
    confidence = round(completeness * (0.35 + 0.65 * separation), 2) if n_fired else 0.0

    # red flags, next steps, treatment considerations
    def _context():
        hit = [m for m in matches if m["matched"]]
        return {
            "drugs": ", ".join(sorted({m["generic"] for m in hit})) or _("the listed drugs"),
            "worsening_drugs": ", ".join(sorted({m["generic"] for m in hit if m["worsens_myoclonic_epilepsy"]})),
            "serotonergic_drugs": ", ".join(sorted({m["generic"] for m in hit if m["serotonergic"]})) or _("none listed"),
            "origin": (_("origin {origin}").format(origin=facts["origin"] if lang == "en" else label("origin", facts["origin"], lang))
                       if facts.get("origin") else _("origin not stated")),
        }

    ctx = _context()
    red_flags = []
    for rf in _RULES["red_flags"]:
        used = set()
        if evaluate(rf["when"], facts, present, used) is True:
            red_flags.append({"id": rf["id"], "urgency": rf["urgency"], "pattern": _(rf["pattern"]),
                              "action": _(rf["action"]), "evidence": _evidence(used, facts, shown, deps),
                              "references": _refs(rf["refs"], ref_used)})
    red_flags.sort(key=lambda r: _URGENCY_ORDER.get(r["urgency"], 9))

    def _items(table):
        out = []
        for item in table:
            if evaluate(item.get("when"), facts, present) is True:
                out.append({"id": item["id"], "text": _fmt(_(item["text"]), ctx),
                            "references": _refs(item["refs"], ref_used)})
        return out

    next_steps = _items(_WORKUP["next_steps"])
    treatment = _items(_WORKUP["treatment"])
    for m in matches:
        if m["matched"]:
            _refs([m["reference_id"]], ref_used)

    data = {
        "clinical_type": {
            "ranking": ranking,
            "top": top,
            "subtype": subtype,
            "subtype_scores": sub_scores,
            "note": _("Scores are the relative weight of the listed evidence (summing to 1), not probabilities."),
        },
        "red_flags": red_flags,
        "next_steps": next_steps,
        "treatment_considerations": treatment,
        "would_help": would_help,
        "confidence": confidence,
        "inputs_used": {
            "history": {"source": source, "fields": sorted(k for k in hist if k != "notes")},
            "summary": None if summ is None else {"source": summary_source, "keys": sorted(summ)},
            "medications": matches,
            "rules_fired": n_fired,
        },
        "notes": hist.get("notes"),
        "references": sorted(ref_used.values(), key=lambda r: r["citation"]),
        "disclaimer": _(DISCLAIMER),
    }
    logger.info("assessment: top %s/%s, confidence %.2f, %d red flag(s)", top, subtype, confidence, len(red_flags))
    return Assessment(data, lang=lang, inputs=inputs)
