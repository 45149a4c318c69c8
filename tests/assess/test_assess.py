"""Tests of the history schema, drug matching, scoring behaviour, outputs and HTML."""
from __future__ import annotations

import json
import re
from importlib import resources

import pytest

from myoclonus import MyoclonusInputError
from myoclonus.assess import (
    CLINICAL_TYPES,
    DISCLAIMER,
    HISTORY_SCHEMA,
    Assessment,
    assess,
    assessment_html,
    drug_table,
    load_history,
    load_summary,
    match_drugs,
)
from myoclonus.assess._data import load_data

FULL = dict(
    age=17, sex="female", onset_age=15, course="static", family_history=False,
    circumstances=["morning"], distribution=["arms"], seizures=["generalized_tonic_clonic"],
    cognition="normal", other_signs="none", medications=[], recent_events="none",
    labs={"egfr": 100, "ammonia": 20, "glucose": 5, "sodium": 140, "calcium": 2.4, "magnesium": 0.9},
    eeg=["generalized_polyspike_wave"], imaging="normal", functional_signs="none", diagnoses="none",
)
SUMMARY = {"origin": {"class": "cortical"}, "bp": {"present": False}, "jlba": {"significant": True}}


# ----------------------------------------------------------------------------- schema
def test_schema_is_shipped_as_json_and_exported():
    text = resources.files("myoclonus.assess").joinpath("data", "history.schema.json").read_text("utf-8")
    assert json.loads(text) == HISTORY_SCHEMA
    assert HISTORY_SCHEMA["additionalProperties"] is False
    required_fields = {"age", "sex", "onset_age", "course", "family_history", "circumstances", "distribution",
                       "seizures", "cognition", "other_signs", "medications", "recent_events", "labs", "eeg",
                       "imaging", "functional_signs", "diagnoses", "notes"}
    assert required_fields <= set(HISTORY_SCHEMA["properties"])
    assert HISTORY_SCHEMA["properties"]["course"]["enum"] == [
        "static", "slowly_progressive", "rapidly_progressive", "episodic", "resolved"]


def test_unknown_field_suggests_closest(tmp_path):
    p = tmp_path / "h.yaml"
    p.write_text("age: 40\nonset_agee: 30\n")
    with pytest.raises(MyoclonusInputError) as exc:
        load_history(p)
    msg = str(exc.value)
    assert str(p) in msg
    assert "unknown field 'onset_agee'" in msg
    assert "Did you mean 'onset_age'?" in msg
    assert exc.value.exit_code == 3


def test_bad_enum_lists_allowed_values_and_suggests(tmp_path):
    p = tmp_path / "h.json"
    p.write_text(json.dumps({"circumstances": ["rest", "sleeponset"], "course": "progressive"}))
    with pytest.raises(MyoclonusInputError) as exc:
        load_history(p)
    msg = str(exc.value)
    assert "circumstances[1]" in msg and "'sleeponset' is not allowed" in msg
    assert "Did you mean 'sleep_onset'?" in msg
    assert "'rest'" in msg and "'morning'" in msg  # allowed values listed
    assert "field 'course'" in msg and "'rapidly_progressive'" in msg


def test_bad_scalar_enum_in_string_or_list_field():
    with pytest.raises(MyoclonusInputError, match=r"Did you mean 'generalized_tonic_clonic'\?"):
        load_history({"seizures": "generalised_tonic_clonic"})


def test_unknown_lab_and_unit():
    with pytest.raises(MyoclonusInputError, match=r"unknown field 'sodum' in 'labs'\. Did you mean 'sodium'\?"):
        load_history({"labs": {"sodum": 130}})
    with pytest.raises(MyoclonusInputError, match=r"'mg/dl' is not allowed.*Did you mean 'mg/dL'\?"):
        load_history({"labs": {"glucose": {"value": 90, "unit": "mg/dl"}}})


def test_type_errors_and_bad_files(tmp_path):
    with pytest.raises(MyoclonusInputError, match="field 'age' must be of type number"):
        load_history({"age": "forty"})
    with pytest.raises(MyoclonusInputError, match="top level must be a mapping"):
        load_history(_write(tmp_path / "l.yaml", "- a\n- b\n"))
    with pytest.raises(MyoclonusInputError, match="not valid YAML"):
        load_history(_write(tmp_path / "b.yaml", "age: [1,\n"))
    with pytest.raises(MyoclonusInputError, match="unsupported extension '.txt'"):
        load_history(_write(tmp_path / "h.txt", "age: 1\n"))
    with pytest.raises(MyoclonusInputError, match="not found"):
        load_history(tmp_path / "missing.yaml")


def test_implausible_values():
    with pytest.raises(MyoclonusInputError, match=r"'onset_age' \(50\) is greater than 'age' \(40\)"):
        load_history({"age": 40, "onset_age": 50})
    with pytest.raises(MyoclonusInputError, match=r"'labs.sodium.value' is out of range"):
        load_history({"labs": {"sodium": {"value": -3, "unit": "mmol/L"}}})
    with pytest.raises(MyoclonusInputError, match=r"unknown field '1'"):
        load_history({1: "x"})


def _write(p, text):
    p.write_text(text)
    return p


def test_load_history_yaml_normalises_lists(tmp_path):
    p = _write(tmp_path / "h.yml", "age: 30\ncircumstances: sleep_onset\nnotes: 'x: y'\n")
    h = load_history(p)
    assert h == {"age": 30, "circumstances": ["sleep_onset"], "notes": "x: y"}
    src = {"eeg": "normal"}
    assert load_history(src) == {"eeg": ["normal"]}
    assert src == {"eeg": "normal"}  # input not modified


def test_assess_accepts_paths(tmp_path):
    h = _write(tmp_path / "h.json", json.dumps(FULL))
    s = _write(tmp_path / "summary.json", json.dumps(SUMMARY))
    d = assess(h, summary=s).to_dict()
    assert d["inputs_used"]["history"]["source"] == str(h)
    assert d["inputs_used"]["summary"] == {"source": str(s), "keys": ["bp", "jlba", "origin"]}
    with pytest.raises(MyoclonusInputError, match="not valid JSON"):
        load_summary(_write(tmp_path / "bad.json", "{"))
    with pytest.raises(MyoclonusInputError, match="must be a JSON object"):
        load_summary(_write(tmp_path / "list.json", "[]"))


# ----------------------------------------------------------------------------- drugs
def test_drug_table_size_and_references():
    table = drug_table()
    assert len(table) >= 40
    refs = load_data("references.yaml")
    for e in table:
        assert e["ref"] in refs, e["generic"]
        assert e["class"]
    classes = {e["class"] for e in table}
    for c in ("opioid", "ssri", "snri", "tricyclic_antidepressant", "maoi", "lithium", "gabapentinoid",
              "antibiotic_cephalosporin", "antibiotic_carbapenem", "antibiotic_quinolone", "anaesthetic",
              "dopaminergic", "calcium_channel_blocker"):
        assert c in classes


@pytest.mark.parametrize("given, generic, how", [
    ("Zoloft", "sertraline", "brand"),
    ("ZOLOFT", "sertraline", "brand"),
    ("sertraline", "sertraline", "generic"),
    ("Prozac", "fluoxetine", "brand"),
    ("lexapro", "escitalopram", "brand"),
    ("Effexor XR", "venlafaxine", "brand"),
    ("Cymbalta", "duloxetine", "brand"),
    ("Neurontin", "gabapentin", "brand"),
    ("Lyrica", "pregabalin", "brand"),
    ("Tegretol", "carbamazepine", "brand"),
    ("Dilantin", "phenytoin", "brand"),
    ("Sinemet", "levodopa", "brand"),
    ("Madopar", "levodopa", "brand"),
    ("meperidine", "pethidine", "alias"),
    ("tramadol 50 mg", "tramadol", "generic"),
    ("  Pepto-Bismol ", "bismuth subsalicylate", "brand"),
])
def test_match_drugs_brands_and_case(given, generic, how):
    (m,) = match_drugs([given])
    assert m["matched"] is True
    assert m["generic"] == generic and m["matched_as"] == how
    assert m["reference"] and m["class"]


def test_match_drugs_flags_and_typos():
    z, t, c, u, typo = match_drugs(["Zoloft", "tramadol", "Tegretol", "metformin", "Sertralin"])
    assert z["serotonergic"] and t["serotonergic"] and not c["serotonergic"]
    assert c["worsens_myoclonic_epilepsy"] is True
    assert u["matched"] is False and u["suggestion"] is None
    assert typo["matched"] is False and typo["generic"] is None
    assert typo["suggestion"] == "sertraline" and "did you mean 'sertraline'?" in typo["notes"]
    (b,) = match_drugs("Zolof")
    assert b["suggestion"] == "zoloft (sertraline)"
    (d,) = match_drugs([{"name": "cefepime", "dose": "2 g"}])
    assert d["renal_accumulation"] is True and "Appa" in d["reference"]
    with pytest.raises(MyoclonusInputError):
        match_drugs([""])


def test_typo_drug_is_not_assumed_but_listed():
    d = assess({"medications": ["Sertralin"], "age": 40}).to_dict()
    assert not any(r["rule"] == "SYM-DRUG" for r in d["clinical_type"]["ranking"][0]["reasons"])
    assert {"input": "medications: 'Sertralin'",
            "why": "not in the drug table; did you mean 'sertraline'? (not assumed)"} in d["would_help"]


# ----------------------------------------------------------------------------- behaviour
def test_missing_fields_lower_confidence_and_are_listed():
    full = assess(FULL, summary=SUMMARY)
    partial = {k: FULL[k] for k in ("age", "onset_age", "circumstances", "seizures", "eeg")}
    part = assess(partial)
    assert full.top_type == part.top_type == "epileptic"
    assert part.confidence < full.confidence
    wh_full = {w["input"] for w in full.to_dict()["would_help"]}
    wh_part = {w["input"] for w in part.to_dict()["would_help"]}
    assert wh_full == set()
    assert {"course", "cognition", "medications", "labs", "imaging", "summary"} <= wh_part
    assert all(w["why"] for w in part.to_dict()["would_help"])


def test_empty_history_invents_nothing():
    a = assess({})
    d = a.to_dict()
    assert a.confidence == 0.0
    assert d["clinical_type"]["subtype"] is None
    assert d["red_flags"] == []
    assert all(r["reasons"] == [] for r in d["clinical_type"]["ranking"])
    assert [r["score"] for r in d["clinical_type"]["ranking"]] == [0.2] * 5
    assert len(d["would_help"]) == 17


def test_partial_labs_listed():
    d = assess({"labs": {"egfr": 90}}).to_dict()
    fired = {r["rule"] for row in d["clinical_type"]["ranking"] for r in row["reasons"]}
    assert "SYM-RENAL-LABS-NORMAL" in fired  # only the group that was measured argues against
    assert not fired & {"SYM-HEPATIC-LABS-NORMAL", "SYM-OTHER-LABS-NORMAL"}
    (item,) = [w for w in d["would_help"] if w["input"].startswith("labs:")]
    assert "hepatic (ammonia or bilirubin)" in item["input"] and "renal" not in item["input"]


def test_missing_field_never_fires_negative_rules():
    # no 'functional_signs' -> the 'looked for and absent' rule must not fire
    d = assess({"seizures": "none"}).to_dict()
    fired = {r["rule"] for row in d["clinical_type"]["ranking"] for r in row["reasons"]}
    assert "FUN-ABSENT" not in fired and "SYM-RENAL-LABS-NORMAL" not in fired
    d = assess({"seizures": "none", "functional_signs": "none"}).to_dict()
    fired = {r["rule"] for row in d["clinical_type"]["ranking"] for r in row["reasons"]}
    assert "FUN-ABSENT" in fired


def test_notes_kept_and_never_parsed():
    base = dict(age=45, onset_age=45, course="static", circumstances=["action"], other_signs=["ataxia"],
                recent_events="none")
    with_note = dict(base, notes="Wife reports a cardiac arrest <b>in 2019</b>; serotonin? CJD?")
    a, b = assess(base).to_dict(), assess(with_note).to_dict()
    assert b["notes"] == with_note["notes"]
    assert a["clinical_type"] == b["clinical_type"]
    assert a["red_flags"] == b["red_flags"] == []
    fired = {r["rule"] for row in b["clinical_type"]["ranking"] for r in row["reasons"]}
    assert not fired & {"SYM-HYPOXIA", "SYM-LANCE-ADAMS", "SYM-HYPOXIA-COMA"}
    # the real field does create the finding
    c = assess(dict(base, recent_events=["cardiac_arrest"])).to_dict()
    assert c["clinical_type"]["subtype"] == "post_hypoxic_lance_adams"
    html = assessment_html(assess(with_note))
    assert "&lt;b&gt;in 2019&lt;/b&gt;" in html and "<b>in 2019" not in html


def test_summary_evidence_changes_ranking():
    hist = dict(age=35, onset_age=34, course="episodic", circumstances=["rest", "action"],
                distribution=["arms"], seizures="none", cognition="normal", other_signs="none",
                medications=[])
    without = assess(hist)
    func = assess(hist, summary={"origin": {"class": "functional"}, "bp": {"present": True}})
    cort = assess(dict(hist, seizures=["generalized_tonic_clonic"]),
                  summary={"origin": {"class": "cortical"}, "jlba": {"significant": True}, "bp": {"present": False}})
    assert without.top_type == "essential"
    assert func.top_type == "functional" and func.subtype == "functional_jerks"
    f_rank = {r["type"]: r for r in func.to_dict()["clinical_type"]["ranking"]}
    assert {r["rule"] for r in f_rank["functional"]["reasons"]} == {"FUN-BP", "FUN-ORIGIN", "FUN-JERKS"}
    assert cort.top_type == "epileptic"
    c_rank = {r["type"]: r for r in cort.to_dict()["clinical_type"]["ranking"]}
    assert c_rank["functional"]["score"] == 0.0
    assert "summary.origin.class = cortical" in [e for r in c_rank["epileptic"]["reasons"] for e in r["evidence"]]
    assert "summary" not in {w["input"] for w in func.to_dict()["would_help"]}
    assert "summary.jlba" in {w["input"] for w in func.to_dict()["would_help"]}


def test_summary_missing_keys_are_tolerated():
    a = assess({"age": 30}, summary={"counts": {"jerk": 3}, "origin": "cortical", "sleep": {"predominant_stage": "N1"}})
    d = a.to_dict()
    assert {"summary.origin", "summary.bp", "summary.jlba"} <= {w["input"] for w in d["would_help"]}
    assert a.top_type == "physiological"  # only the recording's sleep-onset finding
    assert d["clinical_type"]["ranking"][0]["reasons"][0]["rule"] == "PHY-HYPNIC-REC"


def test_reasons_are_complete_and_cited():
    d = assess(FULL, summary=SUMMARY).to_dict()
    for row in d["clinical_type"]["ranking"]:
        assert row["type"] in CLINICAL_TYPES
        for r in row["reasons"]:
            assert r["direction"] in ("supports", "argues_against")
            assert (r["weight"] > 0) == (r["direction"] == "supports")
            assert r["finding"] and r["reference"] and r["evidence"]
    epi = d["clinical_type"]["ranking"][0]
    assert epi["type"] == "epileptic" and d["clinical_type"]["subtype"] == "juvenile_myoclonic_epilepsy"
    jme = [r for r in epi["reasons"] if r["rule"] == "EPI-JME-EEG"][0]
    assert "Hirsch E" in jme["reference"] and "10.1111/epi.17236" in jme["reference"]
    assert jme["evidence"] == ["eeg = generalized_polyspike_wave"]


def test_next_steps_and_treatment_are_case_specific():
    jme = assess(FULL).to_dict()
    ids = {s["id"] for s in jme["next_steps"]}
    assert {"NS-HISTORY", "NS-EXAM", "NS-POLYGRAPHY", "NS-JME"} <= ids
    assert "NS-EEG" not in ids and "NS-IMAGING" not in ids and "NS-LABS" not in ids
    tx = {t["id"] for t in jme["treatment_considerations"]}
    assert {"TX-CORTICAL", "TX-AVOID", "TX-JME"} <= tx and "TX-PHYSIOLOGICAL" not in tx
    cbz = assess(dict(FULL, medications=["Tegretol"])).to_dict()
    cur = [t for t in cbz["treatment_considerations"] if t["id"] == "TX-AVOID-CURRENT"]
    assert cur and "carbamazepine" in cur[0]["text"]
    for t in cbz["treatment_considerations"]:
        assert t["references"]
        assert not re.search(r"\b(prescribe|take|start)\b", t["text"], re.I)
    hyp = assess({"circumstances": "sleep_onset", "other_signs": "none", "cognition": "normal"}).to_dict()
    assert [t["id"] for t in hyp["treatment_considerations"]] == ["TX-PHYSIOLOGICAL"]
    assert {"NS-EEG", "NS-IMAGING", "NS-LABS", "NS-POLYGRAPHY"} <= {s["id"] for s in hyp["next_steps"]}


def test_drug_review_mentions_matched_drugs():
    d = assess({"medications": ["Lyrica", "paracetamol"], "circumstances": ["rest"]}).to_dict()
    step = [s for s in d["next_steps"] if s["id"] == "NS-DRUG-REVIEW"][0]
    assert "pregabalin" in step["text"] and "paracetamol" not in step["text"]


def test_serotonin_red_flag_needs_clinical_features():
    combo = dict(medications=["fluoxetine", "tramadol"], other_signs="none")
    assert assess(combo).red_flag_ids == []
    assert assess(dict(combo, other_signs=["agitation"])).red_flag_ids == ["RF-SEROTONIN"]
    one = assess(dict(medications=["sertraline"], other_signs=["clonus", "diaphoresis"]))
    assert one.red_flag_ids == ["RF-SEROTONIN"] and one.subtype == "serotonin_syndrome"


def test_lab_units_are_converted():
    mg = assess({"labs": {"creatinine": {"value": 3.5, "unit": "mg/dL"}}}).to_dict()
    um = assess({"labs": {"creatinine": 309}}).to_dict()
    assert mg["clinical_type"]["subtype"] == um["clinical_type"]["subtype"] == "metabolic_renal"
    ok = assess({"labs": {"creatinine": {"value": 1.0, "unit": "mg/dL"}}}).to_dict()
    assert ok["clinical_type"]["subtype"] is None
    hypo = assess({"labs": {"glucose": {"value": 40, "unit": "mg/dL"}}})
    assert hypo.red_flag_ids == ["RF-HYPOGLYCAEMIA"] and hypo.subtype == "metabolic_other"


# ----------------------------------------------------------------------------- outputs
def test_to_dict_structure_and_json_roundtrip(tmp_path):
    a = assess(FULL, summary=SUMMARY)
    assert isinstance(a, Assessment)
    d = a.to_dict()
    assert set(d) == {"clinical_type", "red_flags", "next_steps", "treatment_considerations", "would_help",
                      "confidence", "inputs_used", "notes", "references", "disclaimer"}
    assert d["disclaimer"] == DISCLAIMER and "not a diagnosis" in DISCLAIMER.lower()
    assert 0.0 <= d["confidence"] <= 1.0
    p = a.to_json(tmp_path / "assessment.json")
    assert json.loads(p.read_text("utf-8")) == d
    d["confidence"] = 99
    assert a.confidence != 99  # to_dict is a copy
    lines = a.summary_lines()
    assert lines[0].startswith("Most supported clinical type: epileptic (juvenile myoclonic epilepsy)")
    assert lines[-1] == "Decision support, not a diagnosis."
    assert "epileptic/juvenile_myoclonic_epilepsy" in repr(a)


def test_references_have_plausible_dois_and_are_used():
    refs = load_data("references.yaml")
    for key, r in refs.items():
        assert r["citation"].strip()
        if r["doi"]:
            assert re.fullmatch(r"10\.\d{4,9}/\S+", r["doi"]), key
    rules = load_data("rules.yaml")
    workup = load_data("workup.yaml")
    for item in rules["rules"] + rules["red_flags"] + workup["next_steps"] + workup["treatment"]:
        assert item["refs"] and all(k in refs for k in item["refs"]), item["id"]
    ids = [i["id"] for i in rules["rules"] + rules["red_flags"] + workup["next_steps"] + workup["treatment"]]
    assert len(ids) == len(set(ids))
    d = assess(FULL, summary=SUMMARY).to_dict()
    texts = {r["text"] for r in d["references"]}
    cited = {t for row in d["clinical_type"]["ranking"] for r in row["reasons"] for t in r["reference"].split("; ")}
    assert cited <= texts


def test_html_section():
    hist = dict(FULL, notes="<script>alert(1)</script>", medications=["<img src=x>"])
    html = assessment_html(assess(hist, summary=SUMMARY))
    assert html.startswith('<section class="myoclonus-assessment"') and html.endswith("</section>")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img" not in html
    for part in ("Ranking", "Next steps", "Treatment considerations", "References",
                 "juvenile_myoclonic_epilepsy", "Decision support, not a diagnosis"):
        assert part in html
    assert html.count("<tr>") == 1 + len(CLINICAL_TYPES)
    flagged = assessment_html(assess({"cognition": "rapid_decline"}).to_dict())
    assert "Red flags" in flagged and "URGENT" in flagged


def test_packaged_example_history():
    path = resources.files("myoclonus.assess").joinpath("data", "example_history.yaml")
    with resources.as_file(path) as p:
        a = assess(p)
    assert a.top_type == "epileptic" and a.subtype == "juvenile_myoclonic_epilepsy"
    d = a.to_dict()
    assert d["notes"].startswith("Jerks drop cups")
    assert [m["generic"] for m in d["inputs_used"]["medications"]] == ["lamotrigine"]
    assert any(t["id"] == "TX-AVOID-CURRENT" and "lamotrigine" in t["text"] for t in d["treatment_considerations"])


def test_undetermined_origin_still_would_help():
    d = assess({"age": 30}, summary={"origin": {"class": "undetermined"}}).to_dict()
    assert "summary.origin" in {w["input"] for w in d["would_help"]}
    fired = {r["rule"] for row in d["clinical_type"]["ranking"] for r in row["reasons"]}
    assert fired == set()


def test_schema_is_valid_draft_2020_12():
    import jsonschema

    jsonschema.Draft202012Validator.check_schema(HISTORY_SCHEMA)


def test_drug_names_are_unambiguous():
    seen = {}
    for e in drug_table():
        for name in [e["generic"], *e.get("aliases", []), *e.get("brands", [])]:
            key = name.lower()
            assert seen.setdefault(key, e["generic"]) == e["generic"], name
    assert len(seen) > 150
