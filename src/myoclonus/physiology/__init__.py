"""Physiology of myoclonus: where does a jerk come from?

Jerk-locked back-averaging of the EEG (:func:`back_average`), the Bereitschaftspotential
(:func:`bereitschaft`), corticomuscular and intermuscular coherence (:func:`coherence`), beta
desynchronisation before the jerks (:func:`beta_erd`), and the origin classification
(:func:`classify_origin`: cortical, cortical-subcortical, subcortical, propriospinal, segmental,
peripheral, functional or undetermined, with cited evidence). :func:`run_physiology` runs them all.

Functions take a :class:`~myoclonus.io.Recording` (microvolts) and jerk onsets in seconds (or an
:class:`~myoclonus.Events`), and always return a result object, saying why when a test could not
be done.
"""
from .bp import BPResult, bereitschaft, recording_highpass
from .coherence import CoherenceResult, ERDResult, beta_erd, coherence, halliday_cl
from .jlba import JLBAResult, back_average
from .origin import ORIGINS, OriginResult, classify_origin
from .run import PhysiologyResult, methods, run_physiology

__all__ = [
    "back_average",
    "JLBAResult",
    "bereitschaft",
    "BPResult",
    "recording_highpass",
    "coherence",
    "CoherenceResult",
    "halliday_cl",
    "beta_erd",
    "ERDResult",
    "classify_origin",
    "OriginResult",
    "ORIGINS",
    "run_physiology",
    "PhysiologyResult",
    "methods",
]
