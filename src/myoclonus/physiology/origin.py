"""Origin of myoclonic jerks from the physiology and the characterization: a scored, cited rule set.

Each criterion adds weighted evidence *for* or *against* one or more origins. A class is named
only when its evidence reaches :data:`DECISION_POINTS` and beats the runner-up by
:data:`DECISION_MARGIN`; otherwise the origin is ``'undetermined'``. A test that could not be
done (no EEG, too few jerks, too few sweeps) adds no evidence: it lowers the confidence and is
listed in ``missing``. Nothing is ever inferred from absent data.

References
----------
.. [SH05] Shibasaki H, Hallett M (2005). Electrophysiological studies of myoclonus. Muscle Nerve
   31:157-174. doi:10.1002/mus.20234
.. [CB04] Caviness JN, Brown P (2004). Myoclonus: current concepts and recent advances. Lancet
   Neurol 3:598-607.
.. [Zu18] Zutt R, Elting JW, van Zijl JC, et al. (2018). Electrophysiologic testing aids diagnosis
   and subtyping of myoclonus. Neurology 90:e647-e657. doi:10.1212/WNL.0000000000004996
.. [vdV24] van der Veen S, et al. (2024). EMG burst duration with a 45 ms cut-off separating
   cortical from non-cortical myoclonus (at least 10 bursts). (DOI not verified here.)
.. [vdV22] van der Veen S, Caviness JN, Dreissen YEM, et al. (2022). Myoclonus and other jerky
   movement disorders. Clin Neurophysiol Pract 7:285-316. doi:10.1016/j.cnp.2022.09.003
.. [Br99] Brown P, Farmer SF, Halliday DM, Marsden J, Rothwell JC (1999). Coherent cortical and
   muscle discharge in cortical myoclonus. Brain 122:461-472. doi:10.1093/brain/122.3.461
.. [Gr03] Grosse P, Guerrini R, Parmeggiani L, Bonanni P, Pogosyan A, Brown P (2003). Abnormal
   corticomuscular and intermuscular coupling in high-frequency rhythmic myoclonus. Brain
   126:326-342. doi:10.1093/brain/awg038
.. [Ha77] Hallett M, Chadwick D, Adam J, Marsden CD (1977). Reticular reflex myoclonus: a
   physiological type of human post-hypoxic myoclonus. J Neurol Neurosurg Psychiatry
   40:253-264. doi:10.1136/jnnp.40.3.253
.. [Br91] Brown P, Thompson PD, Rothwell JC, Day BL, Marsden CD (1991). Axial myoclonus of
   propriospinal origin. Brain 114:197-214. doi:10.1093/brain/114.1.197
.. [JP86] Jankovic J, Pardo R (1986). Segmental myoclonus: clinical and pharmacologic study.
   Arch Neurol 43:1025-1031. doi:10.1001/archneur.1986.00520100039012
.. [vdS12] van der Salm SM, Tijssen MA, Koelman JH, van Rootselaar AF (2012). The
   Bereitschaftspotential in jerky movement disorders. J Neurol Neurosurg Psychiatry
   83:1162-1167. doi:10.1136/jnnp-2012-303081
.. [ERD16] (2016). Event related desynchronisation predicts functional propriospinal myoclonus.
   Parkinsonism Relat Disord 31:116-118. doi:10.1016/j.parkreldis.2016.07.010
.. [Be18] Beudel M, Zutt R, Meppelink AM, Little S, Elting JW, Stelten BML, Kuiper A, van der
   Veen S, Tijssen MAJ (2018). Improving neurophysiological biomarkers for functional myoclonic
   movements. Parkinsonism Relat Disord 51.
.. [Th92] Thompson PD, Colebatch JG, Brown P, et al. (1992). Voluntary stimulus-sensitive jerks
   and jumps mimicking myoclonus or pathological startle syndromes. Mov Disord 7:257-262.
   doi:10.1002/mds.870070312
"""
from __future__ import annotations

import math

import numpy as np

from .._validate import MyoclonusUsageError, _validate_type
from ..io.sites import parse_label
from ._common import _CLUSTER_S, _jerk_events, _jsonable

__all__ = ["classify_origin", "OriginResult", "ORIGINS", "DECISION_POINTS", "DECISION_MARGIN", "REFERENCES"]

#: Origin classes, in the order of the issue.
ORIGINS = (
    "cortical",
    "cortical_subcortical",
    "subcortical",
    "propriospinal",
    "segmental",
    "peripheral",
    "functional",
    "undetermined",
)

#: Evidence points a class needs to be named (one strong criterion, or several weaker ones).
DECISION_POINTS = 3.0
#: Points by which the named class must beat the runner-up.
DECISION_MARGIN = 1.0

#: Burst-duration cut-off between cortical and non-cortical myoclonus (ms) [vdV24].
CORTICAL_DURATION_MS = 45.0
#: Minimum number of bursts for the duration criterion [vdV24].
MIN_BURSTS = 10
#: Premyoclonic transient latency range (ms before EMG onset): cortico-muscular conduction time
#: to cranial, arm and leg muscles [SH05].
JLBA_LATENCY_MS = (10.0, 50.0)
#: Peak over single-sweep EEG SD from which a jerk-locked discharge is visible without averaging
#: (generalised (poly)spike-wave of cortical-subcortical myoclonus, [SH05], [vdV22]).
SINGLE_TRIAL_RATIO = 3.0
#: Minimum detectable amplitude (uV) under which a negative JLBA counts as evidence against a
#: cortical origin (premyoclonic spikes are a few microvolts, [SH05]).
JLBA_POWER_UV = 5.0
#: Rhythm of segmental myoclonus (Hz) [JP86].
SEGMENTAL_HZ = (0.5, 4.0)
#: Consistency of the recruitment order under which the order is called variable [Th92], [Zu18].
VARIABLE_ORDER = 0.5
#: Stimulus-to-jerk latency (ms) beyond which a variable response is too slow for reflex
#: myoclonus (cortical and reticular reflex latencies are tens of milliseconds) [Th92], [SH05].
STIMULUS_LATENCY_MS = 100.0
#: Propriospinal conduction velocity range (m/s) [Br91]; brainstem-origin spread is faster
#: (reticulospinal, > 30 m/s) [Ha77].
PROPRIOSPINAL_VELOCITY = (2.0, 20.0)

REFERENCES = {
    "SH05": "Shibasaki & Hallett 2005, Muscle Nerve 31:157-174, doi:10.1002/mus.20234",
    "CB04": "Caviness & Brown 2004, Lancet Neurol 3:598-607",
    "Zu18": "Zutt et al. 2018, Neurology 90:e647-e657, doi:10.1212/WNL.0000000000004996",
    "vdV24": "van der Veen et al. 2024, 45 ms EMG burst-duration cut-off cortical vs non-cortical (DOI not verified)",
    "vdV22": "van der Veen et al. 2022, Clin Neurophysiol Pract 7:285-316, doi:10.1016/j.cnp.2022.09.003",
    "Br99": "Brown et al. 1999, Brain 122:461-472, doi:10.1093/brain/122.3.461",
    "Gr03": "Grosse et al. 2003, Brain 126:326-342, doi:10.1093/brain/awg038",
    "Ha77": "Hallett et al. 1977, J Neurol Neurosurg Psychiatry 40:253-264, doi:10.1136/jnnp.40.3.253",
    "Br91": "Brown et al. 1991, Brain 114:197-214, doi:10.1093/brain/114.1.197",
    "JP86": "Jankovic & Pardo 1986, Arch Neurol 43:1025-1031, doi:10.1001/archneur.1986.00520100039012",
    "vdS12": "van der Salm et al. 2012, J Neurol Neurosurg Psychiatry 83:1162-1167, doi:10.1136/jnnp-2012-303081",
    "ERD16": "Event related desynchronisation predicts functional propriospinal myoclonus, Parkinsonism Relat Disord 2016;31:116-118, doi:10.1016/j.parkreldis.2016.07.010",
    "Be18": "Beudel et al. 2018, Parkinsonism Relat Disord 51 (improving neurophysiological biomarkers for functional myoclonic movements)",
    "Th92": "Thompson et al. 1992, Mov Disord 7:257-262, doi:10.1002/mds.870070312",
    "Ha95": "Halliday et al. 1995, Prog Biophys Mol Biol 64:237-278, doi:10.1016/S0079-6107(96)00009-0",
    "heur": "package heuristic (no published cut-off), calibrated on the simulator",
}


class OriginResult:
    """Result of :func:`classify_origin`.

    Attributes
    ----------
    origin : str
        One of :data:`ORIGINS`.
    scores : dict
        Class -> score between 0 and 1 (logistic of the net evidence points around
        :data:`DECISION_POINTS`; ``'undetermined'`` is 1 minus the best other score).
    points : dict
        Class -> net evidence points (for minus against).
    evidence : list of dict
        ``criterion``, ``value``, ``threshold``, ``supports`` (class), ``direction``
        (``'for'``/``'against'``), ``weight``, ``source``.
    confidence : float
        0-1: the named class's score times the fraction of the key tests that could be done.
    missing : list of str
        Tests that could not be done and would help.
    """

    def __init__(self, origin, scores, points, evidence, confidence, missing):
        self.origin = origin
        self.scores = scores
        self.points = points
        self.evidence = evidence
        self.confidence = confidence
        self.missing = missing

    def __repr__(self):
        return f"<OriginResult | {self.origin} (confidence {self.confidence:.2f}), {len(self.evidence)} evidence items>"

    def to_dict(self):
        """``{'class', 'scores', 'evidence', 'confidence', 'missing', 'points'}``."""
        return _jsonable({
            "class": self.origin,
            "scores": self.scores,
            "evidence": self.evidence,
            "confidence": self.confidence,
            "missing": self.missing,
            "points": self.points,
        })


def _get(obj, *keys, default=None):
    """Nested get on dicts or objects with ``to_dict``."""
    cur = obj
    for k in keys:
        if cur is None:
            return default
        if not isinstance(cur, dict) and hasattr(cur, "to_dict"):
            cur = cur.to_dict()
        if isinstance(cur, dict):
            cur = cur.get(k)
        else:
            cur = getattr(cur, k, None)
    return default if cur is None else cur


def _as_dict(obj):
    if obj is None:
        return None
    if isinstance(obj, dict):
        return obj
    if hasattr(obj, "to_dict"):
        return obj.to_dict()
    raise MyoclonusUsageError(f"Expected a dict or a result with to_dict(), but got {type(obj).__name__}.")


def _num(x):
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _events_features(events):
    """Count and median duration of the jerks in an Events (nothing else is derived here)."""
    ev = _jerk_events(events)
    if len(ev) == 0:
        return {"n_jerks": 0, "n_bursts": 0, "median_ms": None}
    on = np.sort(ev.onset)
    n_jerks = int(1 + np.sum(np.diff(on) > _CLUSTER_S)) if on.size else 0
    return {"n_jerks": n_jerks, "n_bursts": int(len(ev)), "median_ms": float(np.median(ev.duration) * 1000.0)}


def classify_origin(*, jlba=None, bp=None, coherence=None, erd=None, characterization=None, events=None):
    """Name the most likely origin of the jerks, with scores, cited evidence and what is missing.

    Parameters
    ----------
    jlba : JLBAResult | dict | None
        From :func:`~myoclonus.physiology.back_average` (or its ``to_dict()``).
    bp : BPResult | dict | None
        From :func:`~myoclonus.physiology.bereitschaft`.
    coherence : CoherenceResult | dict | None
        From :func:`~myoclonus.physiology.coherence`.
    erd : ERDResult | dict | None
        From :func:`~myoclonus.physiology.beta_erd`.
    characterization : dict | object with to_dict() | None
        Features of the jerks: ``rhythm`` {``verdict``, ``frequency_hz``, ``cv``},
        ``distribution`` {``class``}, ``recruitment`` {``order`` (channel names, earliest first),
        ``consistency`` (0-1), ``pattern``, ``velocity_m_s``, ``latency_ms``},
        ``duration_ms`` {``median``}, ``stimulus`` {``pattern`` (``'reflex'``/``'variable'``)},
        ``n_jerks``. Any key may be missing.
    events : Events | None
        Jerks (kind ``'jerk'``): their number and median burst duration are used when the
        characterization does not give them.

    Returns
    -------
    result : OriginResult

    Notes
    -----
    Criteria (weights in points; the docstring constants hold the thresholds):

    * burst duration median < 45 ms with >= 10 bursts: cortical (+3); >= 45 ms: against
      cortical (-2) [vdV24]_; >= 100 ms: against cortical-subcortical (25-100 ms) [Zu18]_.
    * JLBA transient 10-50 ms before onset: cortical (+3), cortical-subcortical (+1.5) [SH05]_;
      over the contralateral hemisphere: cortical (+1); visible in single sweeps (peak >= 3 SD of
      the single-sweep EEG) and not lateralised: cortical-subcortical (+3), cortical (-2).
      A negative JLBA counts against cortical (-0.5) and cortical-subcortical (-1.5) origins only
      when the average could have shown a 5 uV transient.
    * exaggerated 12-30 Hz corticomuscular coherence: cortical (+1.5) [Br99]_, [Gr03]_.
    * BP before the jerks: functional (+3) [vdS12]_; beta ERD: functional (+2) [ERD16]_, [Be18]_.
    * recruitment starting in the sternocleidomastoid and spreading up the brainstem and down
      the cord: subcortical (+3) [Ha77]_; starting in a thoracic axial muscle, sparing cranial
      muscles, or propagating at 2-20 m/s: propriospinal (+3) [Br91]_; variable order
      (consistency < 0.5): functional (+1.5) [Th92]_, [Zu18]_.
    * 0.5-4 Hz rhythmic jerks: segmental (+3) [JP86]_.
    * variable stimulus latency: functional (+2), and +1 when its median is >= 100 ms [Th92]_.

    Essential myoclonus (myoclonus-dystonia) is thought subcortical [CB04]_ but has no positive
    electrophysiological marker here: it comes out ``'subcortical'`` or, more often,
    ``'undetermined'``. Hypnic jerks (physiological) likewise come out ``'subcortical'`` or
    ``'undetermined'``; negative myoclonus without positive jerks is ``'undetermined'``.
    Peripheral myoclonus needs nerve studies that are not part of a polygraphy: it is only ever
    suggested, never named.

    References
    ----------
    See the module docstring and :data:`REFERENCES`.
    """
    jl = _as_dict(jlba)
    bpd = _as_dict(bp)
    coh = _as_dict(coherence)
    erdd = _as_dict(erd)
    ch = _as_dict(characterization) or {}
    if events is not None:
        from ..events import Events

        _validate_type(events, Events, "events")
    evf = _events_features(events) if events is not None else {"n_jerks": None, "n_bursts": None, "median_ms": None}
    points = {c: 0.0 for c in ORIGINS if c != "undetermined"}
    evidence, missing = [], []
    done, key_tests = 0, 6

    def add(criterion, value, threshold, supports, direction, weight, source):
        for c in ([supports] if isinstance(supports, str) else supports):
            points[c] += weight if direction == "for" else -weight
            evidence.append({"criterion": criterion, "value": value, "threshold": threshold, "supports": c,
                             "direction": direction, "weight": weight, "source": REFERENCES[source]})

    n_jerks = ch.get("n_jerks") if isinstance(ch.get("n_jerks"), (int, float)) else evf["n_jerks"]
    # ------------------------------------------------------------ burst duration
    med = _num(_get(ch, "duration_ms", "median"))
    n_b = _get(ch, "duration_ms", "n") or evf["n_bursts"]
    if med is None:
        med = evf["median_ms"]
    if med is not None and (n_b is None or n_b >= MIN_BURSTS):
        done += 1
        if med < CORTICAL_DURATION_MS:
            # 100 % sensitivity, 89.5 % specificity in [vdV24]: one strong criterion on its own
            add("median EMG burst duration (ms)", med, f"< {CORTICAL_DURATION_MS:g} ms", "cortical", "for", 3.0, "vdV24")
            for c in ("subcortical", "propriospinal", "segmental", "functional"):
                add("median EMG burst duration (ms)", med, f"< {CORTICAL_DURATION_MS:g} ms", c, "against", 1.0, "vdV24")
        else:
            add("median EMG burst duration (ms)", med, f">= {CORTICAL_DURATION_MS:g} ms", "cortical", "against", 2.0, "vdV24")
            if med >= 100.0:
                add("median EMG burst duration (ms)", med, ">= 100 ms (cortical-subcortical 25-100 ms)",
                    "cortical_subcortical", "against", 1.0, "Zu18")
            if med >= 70.0:
                add("median EMG burst duration (ms)", med, ">= 70 ms", "functional", "for", 0.5, "vdV22")
    else:
        missing.append(f"burst durations of at least {MIN_BURSTS} jerks (van der Veen et al. 2024 cut-off)")
    # ------------------------------------------------------------ JLBA
    if jl and jl.get("n_sweeps", 0) and jl.get("p_value") is not None:
        done += 1
        lat = _num(jl.get("latency_ms"))
        if jl.get("significant") and lat is not None and JLBA_LATENCY_MS[0] <= lat <= JLBA_LATENCY_MS[1]:
            thr = f"p <= {jl.get('alpha')}, {JLBA_LATENCY_MS[0]:g}-{JLBA_LATENCY_MS[1]:g} ms before onset"
            str_ = _num(jl.get("single_trial_ratio"))
            lateral = _num(jl.get("lateralization"))
            visible = str_ is not None and str_ >= SINGLE_TRIAL_RATIO and (lateral is None or abs(lateral) < 0.3)
            if visible:
                add("jerk-locked EEG discharge visible in single sweeps, not lateralised (peak/SD)", str_,
                    f">= {SINGLE_TRIAL_RATIO:g}, |lateralisation| < 0.3", "cortical_subcortical", "for", 3.0, "SH05")
                add("jerk-locked EEG discharge visible in single sweeps, not lateralised (peak/SD)", str_,
                    f">= {SINGLE_TRIAL_RATIO:g}", "cortical", "against", 2.0, "SH05")
            add("JLBA premyoclonic transient latency (ms)", lat, thr, "cortical", "for", 3.0, "SH05")
            add("JLBA premyoclonic transient latency (ms)", lat, thr, "cortical_subcortical", "for", 1.5, "SH05")
            for c in ("subcortical", "propriospinal", "segmental", "functional"):
                add("JLBA premyoclonic transient latency (ms)", lat, thr, c, "against", 1.5, "SH05")
            if jl.get("contralateral") is True and not visible:
                add(f"JLBA transient over the hemisphere contralateral to the jerk ({jl.get('electrode')})", True,
                    "contralateral", "cortical", "for", 1.0, "SH05")
        elif not jl.get("significant"):
            mdu = _num(jl.get("min_detectable_uv"))
            if mdu is not None and mdu <= JLBA_POWER_UV:
                thr = f"not significant although a {mdu:.1f} uV transient was detectable (<= {JLBA_POWER_UV:g} uV)"
                # weak: a back-average is often negative in cortical myoclonus when the spike is
                # small or the jerks are action-induced [SH05]
                add("JLBA premyoclonic transient", "absent", thr, "cortical", "against", 0.5, "SH05")
                add("JLBA premyoclonic transient", "absent", thr, "cortical_subcortical", "against", 1.5, "SH05")
            else:
                missing.append(
                    "more jerk-locked sweeps (the back-average could not show a 5 uV transient"
                    + (f"; about {jl.get('n_sweeps_needed')} sweeps needed" if jl.get("n_sweeps_needed") else "") + ")"
                )
    else:
        missing.append("EEG with at least 10 jerks for jerk-locked back-averaging"
                       + (f" ({jl.get('reason')})" if jl and jl.get("reason") else ""))
    # ------------------------------------------------------------ coherence
    if coh and coh.get("peak_hz") is not None:
        done += 1
        if coh.get("exaggerated"):
            add("12-30 Hz corticomuscular coherence (peak)", coh.get("peak_coh"),
                f"> Halliday 95% limit (corrected) and >= {coh.get('exaggerated_coh')}", "cortical", "for", 1.5, "Br99")
    else:
        missing.append("EEG and tonic EMG for corticomuscular coherence"
                       + (f" ({coh.get('reason')})" if coh and coh.get("reason") else ""))
    # ------------------------------------------------------------ BP / ERD
    if bpd and bpd.get("p_value") is not None:
        done += 1
        if bpd.get("present"):
            add("Bereitschaftspotential before the jerks", bpd.get("amplitude_uv"),
                f"one-sided t-test p <= {bpd.get('alpha')}", "functional", "for", 3.0, "vdS12")
            for c in ("cortical", "cortical_subcortical", "subcortical", "propriospinal", "segmental"):
                add("Bereitschaftspotential before the jerks", bpd.get("amplitude_uv"), "present", c, "against", 1.0, "vdS12")
    else:
        missing.append("Bereitschaftspotential (needs >= 15 isolated jerks, DC or <= 0.05 Hz high-pass EEG at Cz)"
                       + (f" ({bpd.get('reason')})" if bpd and bpd.get("reason") else ""))
    if erdd and erdd.get("p_value") is not None:
        if erdd.get("present"):
            add("beta ERD before the jerks (%)", erdd.get("erd_percent"), f"p <= {erdd.get('alpha')}",
                "functional", "for", 2.0, "ERD16")
    # ------------------------------------------------------------ recruitment
    rec = ch.get("recruitment") or {}
    order = rec.get("order") if isinstance(rec, dict) else None
    cons = _num(rec.get("consistency")) if isinstance(rec, dict) else None
    pattern = str(rec.get("pattern") or "").lower() if isinstance(rec, dict) else ""
    vel = _num(rec.get("velocity_m_s")) if isinstance(rec, dict) else None
    if pattern in ("none", "unknown"):
        pattern = ""
    if order or pattern or cons is not None:
        done += 1
        sites = [parse_label(str(o))[1] for o in (order or [])]
        first = sites[0] if sites else None
        variable = "variab" in pattern or "random" in pattern or (not pattern and cons is not None and cons < VARIABLE_ORDER)
        if variable:
            val = pattern or cons
            add("recruitment order", val, f"variable from jerk to jerk (consistency < {VARIABLE_ORDER:g})",
                "functional", "for", 1.5, "Th92")
            for c in ("subcortical", "propriospinal"):
                add("recruitment order", val, "fixed order expected", c, "against", 1.0, "Zu18")
        elif pattern:
            if "brainstem" in pattern or "reticular" in pattern:
                add("recruitment pattern", pattern, "sternocleidomastoid first, spreading up to cranial and down "
                    "to limb muscles", "subcortical", "for", 3.0, "Ha77")
            elif "propriospinal" in pattern or "axial" in pattern:
                add("recruitment pattern", pattern, "thoracic axial muscle first, rostral and caudal spread",
                    "propriospinal", "for", 3.0, "Br91")
                if sites and not any(s.segment == "cranial" for s in sites):
                    add("cranial muscles spared", True, "no cranial muscle recruited", "propriospinal", "for", 0.5, "Br91")
            elif "rostrocaudal" in pattern:
                add("recruitment pattern", pattern, "rostrocaudal (cranial muscles first)", "cortical_subcortical",
                    "for", 0.5, "SH05")
        elif first is not None:
            if first.muscle == "sternocleidomastoid":
                add("first recruited muscle", first.muscle, "sternocleidomastoid first", "subcortical", "for", 2.0, "Ha77")
            elif first.segment == "trunk" and first.proximal == "axial":
                add("first recruited muscle", first.muscle, "thoracic axial muscle first", "propriospinal", "for", 2.0, "Br91")
        if vel is not None and not variable:
            if PROPRIOSPINAL_VELOCITY[0] <= vel <= PROPRIOSPINAL_VELOCITY[1]:
                add("propagation velocity (m/s)", vel, f"{PROPRIOSPINAL_VELOCITY[0]:g}-{PROPRIOSPINAL_VELOCITY[1]:g} m/s",
                    "propriospinal", "for", 1.0, "Br91")
    else:
        missing.append("recruitment order of several EMG channels (characterization)")
    # ------------------------------------------------------------ rhythm and distribution
    rhythm = ch.get("rhythm") or {}
    verdict = str(rhythm.get("verdict") or "").lower() if isinstance(rhythm, dict) else ""
    freq = _num(rhythm.get("frequency_hz")) if isinstance(rhythm, dict) else None
    if verdict or freq is not None:
        done += 1
        rhythmic = ("rhythm" in verdict and "arrhythm" not in verdict and "non" not in verdict) or verdict == "regular"
        if rhythmic and freq is not None and SEGMENTAL_HZ[0] <= freq <= SEGMENTAL_HZ[1]:
            w = 1.5 if "semi" in verdict else 3.0
            add("jerk rhythm (Hz)", freq, f"{verdict}, {SEGMENTAL_HZ[0]:g}-{SEGMENTAL_HZ[1]:g} Hz", "segmental", "for", w, "JP86")
    else:
        missing.append("jerk timing (rhythm) from the characterization")
    dist = ch.get("distribution") or {}
    dclass = str(dist.get("class") if isinstance(dist, dict) else dist or "").lower()
    if dclass:
        if "generali" in dclass:
            add("distribution", dclass, "generalised", "cortical_subcortical", "for", 1.0, "CB04")
            add("distribution", dclass, "generalised", "subcortical", "for", 1.0, "CB04")
        elif "multifocal" in dclass:
            add("distribution", dclass, "multifocal", "cortical", "for", 0.5, "CB04")
        elif "segment" in dclass:
            add("distribution", dclass, "segmental", "segmental", "for", 1.0, "CB04")
        elif "focal" in dclass:
            add("distribution", dclass, "focal", "peripheral", "for", 0.5, "CB04")
            add("distribution", dclass, "focal", "cortical", "for", 0.5, "CB04")
    # ------------------------------------------------------------ stimulus
    stim = ch.get("stimulus") or {}
    spats = []
    if isinstance(stim, dict):
        spats.append(str(stim.get("pattern") or "").lower())
        for v in (stim.get("types") or {}).values():
            if isinstance(v, dict):
                spats.append(str(v.get("pattern") or "").lower())
    spat = next((p for p in spats if "variab" in p), "")
    if spat:
        add("stimulus-to-jerk latency", spat, "variable (inconsistent latencies)", "functional", "for", 2.0, "Th92")
        lats = []
        for v in ((stim.get("types") or {}).values() if isinstance(stim, dict) else ()):
            if isinstance(v, dict) and "variab" in str(v.get("pattern") or "").lower():
                lats.append(_num(_get(v, "latency_ms", "median")))
        lats = [x for x in lats if x is not None]
        if lats and max(lats) >= STIMULUS_LATENCY_MS:
            add("median stimulus-to-jerk latency (ms)", max(lats),
                f">= {STIMULUS_LATENCY_MS:g} ms (longer than reflex myoclonus latencies)", "functional", "for", 1.0, "Th92")
    missing.append("nerve conduction / blink reflex studies (needed to name a peripheral origin)")
    # ------------------------------------------------------------ decision
    if n_jerks is not None and n_jerks == 0:
        points = {c: min(v, 0.0) for c, v in points.items()}
        evidence = [e for e in evidence if e["direction"] == "against"]
        missing.insert(0, "jerks: none were found, so there is no origin to classify")
    ranked = sorted(points.items(), key=lambda kv: -kv[1])
    (best, bp_pts), (_, second) = ranked[0], ranked[1]
    named = best if (bp_pts >= DECISION_POINTS and bp_pts - second >= DECISION_MARGIN and best != "peripheral") else "undetermined"
    scores = {c: 1.0 / (1.0 + math.exp(-(p - DECISION_POINTS))) for c, p in points.items()}
    scores = {c: round(v, 4) for c, v in scores.items()}
    scores["undetermined"] = round(1.0 - max(scores.values()), 4) if named == "undetermined" else round(
        1.0 - scores[named], 4)
    coverage = min(1.0, done / key_tests)
    conf = (scores[named] if named != "undetermined" else scores["undetermined"]) * coverage
    return OriginResult(named, scores, {c: round(p, 3) for c, p in points.items()}, evidence, round(conf, 4), missing)
