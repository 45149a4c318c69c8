"""Table-driven clinical vignettes, each written from a published case description or series.

Each vignette is a structured history as a clinician would enter it from the cited
publication; the test asserts the top type, the subtype and the exact set of red flags.
"""
from __future__ import annotations

import pytest

from myoclonus.assess import CLINICAL_TYPES, assess
from myoclonus.assess._data import load_data

# (id, citation, history, summary, expected top type, expected subtype, expected red flags)
VIGNETTES = [
    (
        "hypnic_jerks",
        "Chokroverty S, Bhat S, Gupta D. Intensified hypnic jerks. J Clin Neurophysiol 2013;30:403-410.",
        dict(age=34, sex="male", onset_age=30, course="episodic", family_history=False,
             circumstances=["sleep_onset"], distribution=["generalized"], seizures="none",
             cognition="normal", other_signs="none", medications=[], recent_events="none",
             functional_signs="none", diagnoses="none"),
        None, "physiological", "hypnic", set(),
    ),
    (
        "hypnic_jerks_recording",
        "Chokroverty S et al. 2013 J Clin Neurophysiol (polygraphic hypnic jerks at sleep onset).",
        dict(age=52, onset_age=50, course="static", circumstances=["sleep_onset", "sleep"],
             seizures="none", cognition="normal", other_signs="none", medications=["amlodipine"]),
        {"origin": {"class": "subcortical"}, "sleep": {"jerks_at_sleep_onset": True}},
        "physiological", "hypnic", set(),
    ),
    (
        "hiccups",
        "Steger M, Schneemann M, Fox M. Systemic review: the pathogenesis and pharmacological "
        "treatment of hiccups. Aliment Pharmacol Ther 2015;42:1037-1050.",
        dict(age=45, sex="male", onset_age=45, course="episodic", circumstances=["rest"],
             distribution=["diaphragm"], seizures="none", cognition="normal", other_signs="none",
             medications=[], diagnoses="none"),
        None, "physiological", "hiccup", set(),
    ),
    (
        "myoclonus_dystonia_sgce_family",
        "Zimprich A et al. Mutations in the gene encoding epsilon-sarcoglycan cause "
        "myoclonus-dystonia syndrome. Nat Genet 2001;29:66-69 (familial cases).",
        dict(age=14, sex="female", onset_age=6, course="static", family_history="father and aunt with jerks",
             circumstances=["action", "posture"], distribution=["neck", "arms"], seizures="none",
             cognition="normal", other_signs=["dystonia", "alcohol_responsive"], medications=[],
             eeg="normal", imaging="normal"),
        None, "essential", "myoclonus_dystonia", set(),
    ),
    (
        "myoclonus_dystonia_subcortical_recording",
        "Roze E et al. Myoclonus-dystonia: clinical and electrophysiologic pattern related to SGCE "
        "mutations. Neurology 2008;70:1010-1016.",
        dict(age=25, onset_age=4, course="static", family_history=True, circumstances=["action"],
             distribution=["neck", "trunk", "arms"], seizures="none", cognition="normal",
             other_signs=["dystonia"], eeg="normal"),
        {"origin": {"class": "subcortical"}, "jlba": {"significant": False}, "bp": {"present": False}},
        "essential", "myoclonus_dystonia", set(),
    ),
    (
        "essential_myoclonus_sporadic",
        "Quinn NP. Essential myoclonus and myoclonic dystonia. Mov Disord 1996;11:119-124.",
        dict(age=30, onset_age=8, course="static", family_history="none", circumstances=["action", "rest"],
             distribution=["arms", "face"], seizures="none", cognition="normal", other_signs="none",
             medications=[], eeg="normal", imaging="normal"),
        None, "essential", "essential_myoclonus", set(),
    ),
    (
        "jme_typical",
        "Janz D, Christian W. Impulsiv-Petit mal. Dtsch Z Nervenheilkd 1957;176:346-386; "
        "ILAE definition: Hirsch E et al. Epilepsia 2022;63:1475-1499.",
        dict(age=17, sex="female", onset_age=15, course="static", circumstances=["morning"],
             distribution=["arms"], seizures=["generalized_tonic_clonic", "myoclonic"], cognition="normal",
             other_signs="none", medications=[], recent_events=["sleep_deprivation"],
             eeg=["generalized_polyspike_wave", "photoparoxysmal_response"], imaging="normal"),
        None, "epileptic", "juvenile_myoclonic_epilepsy", set(),
    ),
    (
        "jme_aggravated_by_carbamazepine",
        "Genton P, Gelisse P, Thomas P, Dravet C. Do carbamazepine and phenytoin aggravate "
        "juvenile myoclonic epilepsy? Neurology 2000;55:1106-1109.",
        dict(age=19, sex="male", onset_age=14, course="static", circumstances=["morning", "action"],
             distribution=["arms"], seizures=["generalized_tonic_clonic"], cognition="normal",
             other_signs="none", medications=["Tegretol"], eeg=["generalized_polyspike_wave"]),
        {"origin": {"class": "cortical"}, "jlba": {"significant": True}},
        "epileptic", "juvenile_myoclonic_epilepsy", set(),
    ),
    (
        "jme_lamotrigine",
        "Biraben A et al. Exacerbation of juvenile myoclonic epilepsy with lamotrigine. "
        "Neurology 2000;55:1758.",
        dict(age=22, sex="female", onset_age=13, course="episodic", circumstances=["morning"],
             seizures=["myoclonic", "generalized_tonic_clonic"], cognition="normal", other_signs="none",
             medications=["Lamictal"], eeg=["generalized_polyspike_wave"]),
        None, "epileptic", "juvenile_myoclonic_epilepsy", set(),
    ),
    (
        "pme_unverricht_lundborg",
        "Kalviainen R et al. Clinical picture of EPM1-Unverricht-Lundborg disease. "
        "Epilepsia 2008;49:549-556.",
        dict(age=16, sex="male", onset_age=10, course="slowly_progressive", family_history="sibling affected",
             circumstances=["action", "stimulus"], distribution=["generalized"],
             seizures=["generalized_tonic_clonic"], cognition="mild_decline", other_signs=["ataxia"],
             medications=["phenytoin"], eeg=["generalized_spike_wave", "photoparoxysmal_response"],
             imaging="normal"),
        {"origin": {"class": "cortical"}},
        "epileptic", "progressive_myoclonus_epilepsy", set(),
    ),
    (
        "pme_lafora",
        "Turnbull J et al. Lafora disease. Epileptic Disord 2016;18(S2):38-62.",
        dict(age=16, sex="female", onset_age=14, course="slowly_progressive",
             circumstances=["rest", "action"], seizures=["focal", "generalized_tonic_clonic"],
             cognition="mild_decline", other_signs=["ataxia", "visual_disturbance"], medications=[],
             eeg=["epileptiform", "diffuse_slowing"]),
        None, "epileptic", "progressive_myoclonus_epilepsy", set(),
    ),
    (
        "sporadic_cjd_full",
        "Brown P et al. Human spongiform encephalopathy: the National Institutes of Health series "
        "of 300 cases. Ann Neurol 1994;35:513-529; criteria Zerr I et al. Brain 2009.",
        dict(age=66, sex="female", onset_age=66, course="rapidly_progressive", circumstances=["startle", "rest"],
             distribution=["multifocal"], seizures="none", cognition="rapid_decline",
             other_signs=["ataxia", "visual_disturbance", "hyperreflexia"], medications=[],
             eeg=["periodic_sharp_wave_complexes"], imaging=["diffusion_restriction_cortical_ribboning"],
             labs={"egfr": 85, "sodium": 139, "glucose": 5.2}),
        None, "symptomatic", "prion_cjd", {"RF-CJD"},
    ),
    (
        "sporadic_cjd_early_no_tests",
        "Zerr I et al. Updated clinical diagnostic criteria for sporadic Creutzfeldt-Jakob disease. "
        "Brain 2009;132:2659-2668 (clinical presentation before EEG/MRI).",
        dict(age=71, onset_age=71, course="rapidly_progressive", cognition="rapid_decline",
             circumstances=["startle"], other_signs=["ataxia", "akinetic_mutism"]),
        None, "symptomatic", "prion_cjd", {"RF-CJD"},
    ),
    (
        "lance_adams",
        "Lance JW, Adams RD. The syndrome of intention or action myoclonus as a sequel to hypoxic "
        "encephalopathy. Brain 1963;86:111-136.",
        dict(age=45, sex="male", onset_age=45, course="static", circumstances=["action", "stimulus"],
             distribution=["arms", "legs"], seizures="none", cognition="normal", other_signs=["ataxia"],
             medications=[], recent_events=["cardiac_arrest"], imaging="normal"),
        {"origin": {"class": "cortical"}, "jlba": {"significant": True}},
        "symptomatic", "post_hypoxic_lance_adams", set(),
    ),
    (
        "post_arrest_status_myoclonus",
        "Wijdicks EFM, Parisi JE, Sharbrough FW. Prognostic value of myoclonus status in comatose "
        "survivors of cardiac arrest. Ann Neurol 1994;35:239-243.",
        dict(age=58, sex="male", onset_age=58, course="episodic", circumstances=["rest", "stimulus"],
             distribution=["generalized", "face"], other_signs=["coma"], recent_events=["cardiac_arrest"],
             medications=["propofol", "fentanyl"]),
        None, "symptomatic", "post_hypoxic_acute", {"RF-POST-ARREST"},
    ),
    (
        "serotonin_syndrome_sertraline_tramadol",
        "Dunkley EJC et al. The Hunter Serotonin Toxicity Criteria. QJM 2003;96:635-642 "
        "(serotonergic overdose series).",
        dict(age=34, sex="female", onset_age=34, course="rapidly_progressive", circumstances=["rest", "stimulus"],
             distribution=["legs", "generalized"], other_signs=["clonus", "agitation", "diaphoresis", "hyperthermia", "hyperreflexia"],
             medications=["Zoloft 100 mg", "tramadol"], recent_events=["drug_started"]),
        None, "symptomatic", "serotonin_syndrome", {"RF-SEROTONIN"},
    ),
    (
        "serotonin_syndrome_linezolid",
        "Lawrence KR, Adra M, Gillman PK. Serotonin toxicity associated with the use of linezolid: "
        "a review of postmarketing data. Clin Infect Dis 2006;42:1578-1583.",
        dict(age=63, onset_age=63, course="rapidly_progressive", other_signs=["ocular_clonus", "agitation", "tremor", "hyperreflexia"],
             medications=["citalopram", "Zyvox"], recent_events=["infection", "drug_started"]),
        None, "symptomatic", "serotonin_syndrome", {"RF-SEROTONIN"},
    ),
    (
        "gabapentin_ckd",
        "Zand L, McKian KP, Qian Q. Gabapentin toxicity in patients with chronic kidney disease. "
        "Am J Med 2010;123:367-373.",
        dict(age=70, sex="female", onset_age=70, course="rapidly_progressive", circumstances=["rest", "action"],
             distribution=["multifocal"], seizures="none", other_signs=["confusion"],
             medications=[{"name": "Neurontin", "dose": "900 mg tid", "recently_changed": True}],
             diagnoses=["chronic_kidney_disease"], labs={"egfr": 22, "sodium": 138, "glucose": 6.1}),
        None, "symptomatic", "drug_induced", {"RF-DRUG-ACCUMULATION"},
    ),
    (
        "cefepime_neurotoxicity",
        "Appa AA et al. Characterizing cefepime neurotoxicity: a systematic review. "
        "Open Forum Infect Dis 2017;4:ofx170.",
        dict(age=76, onset_age=76, course="rapidly_progressive", circumstances=["rest"], distribution=["multifocal", "face"],
             other_signs=["confusion"], medications=["cefepime"], recent_events=["infection", "drug_started"],
             labs={"creatinine": {"value": 3.4, "unit": "mg/dL"}, "sodium": 137}, eeg=["triphasic_waves"]),
        None, "symptomatic", "drug_induced", {"RF-DRUG-ACCUMULATION", "RF-ENCEPHALITIS"},
    ),
    (
        "opioid_myoclonus_cancer",
        "Mercadante S. Pathophysiology and treatment of opioid-related myoclonus in cancer patients. "
        "Pain 1998;74:5-9.",
        dict(age=68, onset_age=68, course="slowly_progressive", circumstances=["rest", "sleep"],
             distribution=["multifocal"], seizures="none", cognition="normal", other_signs="none",
             medications=[{"name": "MS Contin", "recently_changed": True}], diagnoses=["cancer"],
             labs={"egfr": 70, "sodium": 136, "calcium": 2.3}),
        None, "symptomatic", "drug_induced", set(),
    ),
    (
        "lithium_toxicity",
        "Janssen S, Bloem BR, van de Warrenburg BP. The clinical heterogeneity of drug-induced "
        "myoclonus: an illustrated review. J Neurol 2017;264:1559-1566 (lithium cases reviewed).",
        dict(age=50, sex="female", onset_age=50, course="rapidly_progressive", circumstances=["action", "rest"],
             other_signs=["confusion", "ataxia", "tremor"], medications=["Priadel", "hydrochlorothiazide"],
             recent_events=["dehydration"], diagnoses=["bipolar_disorder"]),
        None, "symptomatic", "drug_induced", {"RF-LITHIUM"},
    ),
    (
        "bismuth_encephalopathy",
        "Burns R, Thomas DW, Barron VJ. Reversible encephalopathy possibly associated with bismuth "
        "subgallate ingestion. Br Med J 1974;1:220-223.",
        dict(age=60, onset_age=60, course="rapidly_progressive", circumstances=["action"],
             other_signs=["confusion", "ataxia"], medications=["bismuth subgallate"],
             labs={"egfr": 80, "sodium": 140, "glucose": 5.0, "ammonia": 30}),
        None, "symptomatic", "drug_induced", set(),
    ),
    (
        "uraemic_myoclonus",
        "Chadwick D, French AT. Uraemic myoclonus: an example of reticular reflex myoclonus? "
        "J Neurol Neurosurg Psychiatry 1979;42:52-55.",
        dict(age=62, sex="male", onset_age=62, course="rapidly_progressive", circumstances=["stimulus", "action"],
             distribution=["generalized"], seizures="none", other_signs=["asterixis", "confusion"], medications=[],
             diagnoses=["chronic_kidney_disease"], labs={"egfr": 8, "urea": 45, "sodium": 134, "glucose": 5.5}),
        None, "symptomatic", "metabolic_renal", {"RF-METABOLIC"},
    ),
    (
        "hepatic_encephalopathy",
        "Adams RD, Foley JM. The neurological disorder associated with liver disease. "
        "Res Publ Assoc Res Nerv Ment Dis 1953;32:198-237.",
        dict(age=55, sex="male", onset_age=55, course="rapidly_progressive", circumstances=["posture"],
             distribution=["arms"], other_signs=["asterixis", "confusion"], medications=[],
             diagnoses=["cirrhosis", "alcohol_use_disorder"], labs={"ammonia": 120, "bilirubin": 85, "sodium": 131}),
        None, "symptomatic", "metabolic_hepatic", {"RF-METABOLIC"},
    ),
    (
        "nonketotic_hyperglycaemia",
        "Singh BM, Strobos RJ. Epilepsia partialis continua associated with nonketotic hyperglycemia. "
        "Ann Neurol 1980;8:155-160.",
        dict(age=67, onset_age=67, course="rapidly_progressive", circumstances=["rest"], distribution=["arms", "face"],
             other_signs="none", medications=[], diagnoses=["diabetes"],
             labs={"glucose": {"value": 610, "unit": "mg/dL"}, "sodium": 138, "egfr": 60}),
        None, "symptomatic", "metabolic_other", set(),
    ),
    (
        "alzheimer_myoclonus",
        "Hauser WA, Morris ML, Heston LL, Anderson VE. Seizures and myoclonus in patients with "
        "Alzheimer's disease. Neurology 1986;36:1226-1230.",
        dict(age=78, sex="female", onset_age=77, course="slowly_progressive", circumstances=["action", "rest"],
             distribution=["multifocal"], seizures="none", cognition="mild_decline", other_signs="none",
             medications=["donepezil"], diagnoses=["alzheimer_disease"], imaging=["atrophy"],
             labs={"egfr": 65, "sodium": 140, "glucose": 5.4, "calcium": 2.35, "magnesium": 0.85, "ammonia": 25}),
        None, "symptomatic", "neurodegenerative", set(),
    ),
    (
        "corticobasal_syndrome",
        "Carella F, Ciano C, Panzica F, Scaioli V. Myoclonus in corticobasal degeneration. "
        "Mov Disord 1997;12:598-603.",
        dict(age=68, onset_age=66, course="slowly_progressive", circumstances=["action", "stimulus"],
             distribution=["arms", "hands"], seizures="none", cognition="mild_decline",
             other_signs=["apraxia", "parkinsonism", "dystonia", "alien_limb"], medications=[],
             imaging=["focal_cortical_atrophy"]),
        {"origin": {"class": "cortical"}},
        "symptomatic", "neurodegenerative", set(),
    ),
    (
        "functional_jerks",
        "Monday K, Jankovic J. Psychogenic myoclonus. Neurology 1993;43:349-352.",
        dict(age=40, sex="female", onset_age=39, course="episodic", circumstances=["rest", "anxiety"],
             distribution=["arms", "legs"], seizures="none", cognition="normal", other_signs="none",
             medications=[], functional_signs=["variability", "distractibility", "suggestibility", "sudden_onset"],
             eeg="normal", imaging="normal"),
        None, "functional", "functional_jerks", set(),
    ),
    (
        "functional_axial_jerks_bp",
        "van der Salm SM et al. Axial jerks: a clinical spectrum ranging from propriospinal to "
        "psychogenic myoclonus. J Neurol 2010;257:1349-1355.",
        dict(age=48, onset_age=46, course="static", circumstances=["rest"], distribution=["trunk", "abdomen"],
             seizures="none", cognition="normal", other_signs="none", medications=[],
             functional_signs=["variability", "entrainment"], imaging="normal"),
        {"origin": {"class": "functional"}, "bp": {"present": True}, "jlba": {"significant": False}},
        "functional", "functional_axial_jerks", set(),
    ),
]


@pytest.mark.parametrize(
    "vid, citation, history, summary, top, subtype, flags", VIGNETTES, ids=[v[0] for v in VIGNETTES]
)
def test_vignette(vid, citation, history, summary, top, subtype, flags):
    assert citation.strip()
    a = assess(history, summary=summary)
    d = a.to_dict()
    ranking = d["clinical_type"]["ranking"]
    assert ranking[0]["type"] == top, [(r["type"], r["score"]) for r in ranking]
    assert d["clinical_type"]["subtype"] == subtype, d["clinical_type"]["subtype_scores"]
    assert set(a.red_flag_ids) == flags
    # every type is ranked, scores are in 0-1, sorted, and sum to 1
    assert sorted(r["type"] for r in ranking) == sorted(CLINICAL_TYPES)
    scores = [r["score"] for r in ranking]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert sum(scores) == pytest.approx(1.0, abs=0.01)
    # the top type is supported by at least one cited reason
    support = [r for r in ranking[0]["reasons"] if r["direction"] == "supports"]
    assert support and all(r["reference"] for r in support)


def test_vignettes_cover_every_type_and_subtype():
    assert len(VIGNETTES) >= 25
    assert {v[4] for v in VIGNETTES} == set(CLINICAL_TYPES)
    rules = load_data("rules.yaml")["rules"]
    subtypes = {e["subtype"] for r in rules for e in r["effects"] if e.get("subtype")}
    assert {v[5] for v in VIGNETTES} == subtypes
    required = {"hypnic", "myoclonus_dystonia", "juvenile_myoclonic_epilepsy", "progressive_myoclonus_epilepsy",
                "drug_induced", "metabolic_renal", "metabolic_hepatic", "post_hypoxic_lance_adams", "prion_cjd",
                "serotonin_syndrome", "neurodegenerative"}
    assert required <= subtypes
    assert len({v[0] for v in VIGNETTES}) == len(VIGNETTES)
