"""The assessment in French: same ranking, flags and steps; translated texts; French CLI lines."""
from __future__ import annotations

from html import unescape

from myoclonus.assess import DISCLAIMER, assess, assessment_html
from myoclonus.i18n import gettext_for

CJD = {"age": 70, "course": "rapidly_progressive", "cognition": "rapid_decline",
       "eeg": ["periodic_sharp_wave_complexes"], "medications": ["sertraline", "tramadol"],
       "other_signs": ["clonus", "agitation"]}


def test_french_assessment_same_decisions():
    en, fr = assess(CJD), assess(CJD, lang="fr")
    de, df = en.to_dict(), fr.to_dict()
    assert set(de) == set(df)
    assert [(r["type"], r["score"]) for r in de["clinical_type"]["ranking"]] == \
        [(r["type"], r["score"]) for r in df["clinical_type"]["ranking"]]
    assert en.red_flag_ids == fr.red_flag_ids and set(fr.red_flag_ids) >= {"RF-CJD", "RF-SEROTONIN"}
    assert [s["id"] for s in de["next_steps"]] == [s["id"] for s in df["next_steps"]]
    assert fr.lang == "fr" and en.lang == "en"
    _ = gettext_for("fr")
    assert df["disclaimer"] == _(DISCLAIMER) != DISCLAIMER
    rf = {r["id"]: r for r in df["red_flags"]}
    assert rf["RF-CJD"]["pattern"].startswith("Démence rapidement progressive")
    assert "Syndrome sérotoninergique possible" in rf["RF-SEROTONIN"]["action"]
    findings = {r["finding"] for row in df["clinical_type"]["ranking"] for r in row["reasons"]}
    assert "Déclin cognitif rapidement progressif" in findings
    # placeholders filled in the translated next steps and treatment lines
    texts = [s["text"] for s in df["next_steps"] + df["treatment_considerations"]]
    assert any("sertraline" in t and "Vérifier l'association sérotoninergique" in t for t in texts)
    assert not any("{" in t for t in texts)


def test_localized_roundtrip_and_html():
    en = assess(CJD)
    fr = en.localized("fr")
    assert fr.to_dict()["red_flags"][0]["pattern"] != en.to_dict()["red_flags"][0]["pattern"]
    assert fr.localized("en").to_dict() == en.to_dict()
    html = unescape(assessment_html(en, lang="fr"))
    assert "Évaluation clinique (aide à la décision)" in html and "Signes d'alerte" in html
    assert "myoclonie symptomatique" in html and "URGENCE VITALE" in html
    assert "Clinical assessment (decision support)" in assessment_html(en)
    # a plain dict (e.g. from summary.json) is translated from the catalog
    html_d = unescape(assessment_html(en.to_dict(), lang="fr"))
    assert "Démence rapidement progressive" in html_d


def test_french_summary_lines():
    lines = assess(CJD, lang="fr").summary_lines()
    assert lines[0].startswith("Type clinique le plus probable : myoclonie symptomatique")
    assert "," in lines[0].split("score")[1]  # decimal comma
    assert any(line.startswith("Signe d'alerte (urgence vitale)") for line in lines)
    assert lines[-1] == "Aide à la décision, pas un diagnostic."
    en_lines = assess(CJD).summary_lines()
    assert en_lines[0].startswith("Most supported clinical type: symptomatic") and en_lines[-1] == "Decision support, not a diagnosis."


def test_yaml_texts_have_patient_versions():
    from myoclonus.assess._data import load_data

    assert all(r.get("patient") for r in load_data("rules.yaml")["red_flags"])
    assert all(s.get("patient") for s in load_data("workup.yaml")["next_steps"])
