"""Display labels of the identifiers found in summaries and assessments (English msgids)."""
from __future__ import annotations

from . import N_, gettext_for

__all__ = ["LABELS", "label"]

LABELS = {
    "kind": {
        "jerk": N_("jerk"),
        "sustained": N_("sustained activation"),
        "silent_period": N_("silent period"),
        "acc_jerk": N_("accelerometer jerk"),
        "artifact": N_("artifact"),
    },
    "rhythm": {
        "rhythmic": N_("rhythmic"),
        "semi_rhythmic": N_("semi-rhythmic"),
        "irregular": N_("irregular"),
        "insufficient_data": N_("not enough jerks to judge the rhythm"),
    },
    "distribution": {
        "none": N_("no jerks"),
        "focal": N_("focal"),
        "segmental": N_("segmental"),
        "multifocal": N_("multifocal"),
        "generalized": N_("generalized"),
    },
    "origin": {
        "cortical": N_("cortical"),
        "cortical_subcortical": N_("cortical-subcortical"),
        "subcortical": N_("subcortical"),
        "segmental": N_("segmental (spinal)"),
        "propriospinal": N_("propriospinal"),
        "peripheral": N_("peripheral"),
        "functional": N_("functional"),
        "undetermined": N_("undetermined"),
    },
    "type": {
        "physiological": N_("physiological myoclonus"),
        "essential": N_("essential myoclonus"),
        "epileptic": N_("epileptic myoclonus"),
        "symptomatic": N_("symptomatic myoclonus"),
        "functional": N_("functional myoclonus"),
    },
    "subtype": {
        "hypnic": N_("hypnic jerks (sleep starts)"),
        "hiccup": N_("hiccups"),
        "essential_myoclonus": N_("essential myoclonus"),
        "myoclonus_dystonia": N_("myoclonus-dystonia"),
        "juvenile_myoclonic_epilepsy": N_("juvenile myoclonic epilepsy"),
        "progressive_myoclonus_epilepsy": N_("progressive myoclonus epilepsy"),
        "prion_cjd": N_("prion disease (Creutzfeldt-Jakob disease)"),
        "drug_induced": N_("drug-induced myoclonus"),
        "serotonin_syndrome": N_("serotonin syndrome"),
        "metabolic_renal": N_("metabolic myoclonus (kidney failure)"),
        "metabolic_hepatic": N_("metabolic myoclonus (liver failure)"),
        "metabolic_other": N_("metabolic myoclonus"),
        "post_hypoxic_acute": N_("acute post-hypoxic myoclonus"),
        "post_hypoxic_lance_adams": N_("chronic post-hypoxic myoclonus (Lance-Adams syndrome)"),
        "neurodegenerative": N_("myoclonus in a neurodegenerative disease"),
        "functional_jerks": N_("functional jerks"),
        "functional_axial_jerks": N_("functional axial (propriospinal-like) jerks"),
    },
    "urgency": {
        "emergency": N_("emergency"),
        "urgent": N_("urgent"),
        "soon": N_("soon"),
    },
    "side": {
        "left": N_("left"),
        "right": N_("right"),
        "midline": N_("midline"),
    },
    "muscle": {
        "orbicularis_oculi": N_("orbicularis oculi"),
        "orbicularis_oris": N_("orbicularis oris"),
        "masseter": N_("masseter"),
        "frontalis": N_("frontalis"),
        "mentalis": N_("mentalis"),
        "genioglossus": N_("genioglossus"),
        "sternocleidomastoid": N_("sternocleidomastoid"),
        "trapezius": N_("trapezius"),
        "splenius_capitis": N_("splenius capitis"),
        "deltoid": N_("deltoid"),
        "biceps_brachii": N_("biceps brachii"),
        "triceps_brachii": N_("triceps brachii"),
        "wrist_extensors": N_("wrist extensors"),
        "wrist_flexors": N_("wrist flexors"),
        "extensor_digitorum": N_("extensor digitorum"),
        "first_dorsal_interosseous": N_("first dorsal interosseous"),
        "abductor_pollicis_brevis": N_("abductor pollicis brevis"),
        "abductor_digiti_minimi": N_("abductor digiti minimi"),
        "paraspinal": N_("paraspinal"),
        "rectus_abdominis": N_("rectus abdominis"),
        "intercostal": N_("intercostal"),
        "diaphragm": N_("diaphragm"),
        "pectoralis_major": N_("pectoralis major"),
        "gluteus": N_("gluteus"),
        "quadriceps": N_("quadriceps"),
        "hamstrings": N_("hamstrings"),
        "tibialis_anterior": N_("tibialis anterior"),
        "gastrocnemius": N_("gastrocnemius"),
        "soleus": N_("soleus"),
    },
    "body_part": {
        "cranial:left": N_("Face, left side"),
        "cranial:right": N_("Face, right side"),
        "cranial": N_("Face"),
        "neck": N_("Neck"),
        "upper_limb:left": N_("Left arm"),
        "upper_limb:right": N_("Right arm"),
        "upper_limb": N_("Arm"),
        "trunk": N_("Trunk (belly and back)"),
        "lower_limb:left": N_("Left leg"),
        "lower_limb:right": N_("Right leg"),
        "lower_limb": N_("Leg"),
        "other": N_("Other muscles"),
    },
}


def label(kind, key, lang="en"):
    """Translated label of identifier ``key`` in category ``kind``; unknown keys are shown readably."""
    if key is None:
        return ""
    msg = LABELS.get(kind, {}).get(str(key))
    if msg is None:
        return str(key).replace("_", " ")
    return gettext_for(lang)(msg)
