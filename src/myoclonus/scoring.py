"""Scoring detections against ground truth with the usual event rule.

A detection matches a truth event on the same channel when their onsets are within ``tolerance``
seconds (default 20 ms); each truth event and each detection is matched at most once (closest
onsets first). Precision, recall, F1, and onset / duration errors of the matched pairs follow.
"""
from __future__ import annotations

import numpy as np

from ._validate import _check_range

__all__ = ["match_events", "score_events", "local_snr_db", "eligible_jerks", "eligible_pairs",
           "score_eligible_jerks",
           "ELIGIBLE_MIN_SNR_DB", "ELIGIBLE_DURATION_S", "ELIGIBILITY_TEXT"]

#: Truth jerks scored by the benchmarks and the demo: at least 3x the background RMS at their time
#: (9.5 dB), the detection limit the detector is built for (``k_on`` and ``k_burst`` are 3x).
ELIGIBLE_MIN_SNR_DB = float(20 * np.log10(3.0))
#: ... and 10-500 ms long (the jerk range of the detector: Shibasaki & Hallett 2005,
#: doi:10.1002/mus.20234).
ELIGIBLE_DURATION_S = (0.010, 0.500)
#: The criterion in words, for printed scores.
ELIGIBILITY_TEXT = ("truth jerks of 10-500 ms whose RMS is at least 3x the background at their time (resting EMG "
                    "plus any tonic or voluntary activity they ride on); detections matched to weaker or longer "
                    "truth jerks count neither as hits nor as false positives")


def match_events(truth, detected, *, tolerance=0.020, by_channel=True):
    """Match detections to truth events.

    Parameters
    ----------
    truth, detected : Events
    tolerance : float
        Maximum onset difference in seconds.
    by_channel : bool
        Only match events on the same channel.

    Returns
    -------
    pairs : ndarray, shape (n_matches, 2)
        Indices ``(truth_index, detected_index)``.
    """
    _check_range("tolerance", tolerance, 0, None, unit="s")
    pairs = []
    channels = set(truth.channel) | set(detected.channel) if by_channel else {None}
    for ch in channels:
        ti = np.flatnonzero(truth.channel == ch) if ch is not None else np.arange(len(truth))
        di = np.flatnonzero(detected.channel == ch) if ch is not None else np.arange(len(detected))
        if not len(ti) or not len(di):
            continue
        to, do = truth.onset[ti], detected.onset[di]
        # candidate pairs within tolerance (both sorted): window search
        lo = np.searchsorted(do, to - tolerance, side="left")
        hi = np.searchsorted(do, to + tolerance, side="right")
        cand = [(abs(to[a] - do[b]), a, b) for a in range(len(ti)) for b in range(lo[a], hi[a])]
        cand.sort()
        used_t, used_d = set(), set()
        for _, a, b in cand:
            if a in used_t or b in used_d:
                continue
            used_t.add(a)
            used_d.add(b)
            pairs.append((ti[a], di[b]))
    return np.array(sorted(pairs), dtype=int).reshape(-1, 2)


def score_events(truth, detected, *, tolerance=0.020, by_channel=True):
    """Precision, recall, F1 and timing errors of ``detected`` against ``truth``.

    Returns
    -------
    scores : dict
        ``n_truth``, ``n_detected``, ``n_matched``, ``precision``, ``recall``, ``f1``,
        ``onset_error_ms_median``, ``onset_error_ms_p95`` (absolute), ``onset_bias_ms``
        (detected - truth, median), ``duration_error_rel_median`` (|d_det - d_true| / d_true) and
        ``duration_within_tolerance`` (fraction of matches with duration error <= 15% or 5 ms).
        Values are None where undefined.
    """
    pairs = match_events(truth, detected, tolerance=tolerance, by_channel=by_channel)
    n_t, n_d, n_m = len(truth), len(detected), len(pairs)
    precision = n_m / n_d if n_d else None
    recall = n_m / n_t if n_t else None
    f1 = 2 * n_m / (n_t + n_d) if (n_t + n_d) else None
    out = {
        "tolerance_s": tolerance,
        "n_truth": n_t,
        "n_detected": n_d,
        "n_matched": n_m,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "onset_error_ms_median": None,
        "onset_error_ms_p95": None,
        "onset_bias_ms": None,
        "duration_error_rel_median": None,
        "duration_within_tolerance": None,
    }
    if n_m:
        t, d = pairs[:, 0], pairs[:, 1]
        err = (detected.onset[d] - truth.onset[t]) * 1000
        derr = np.abs(detected.duration[d] - truth.duration[t])
        rel = derr / np.maximum(truth.duration[t], 1e-9)
        out.update(
            onset_error_ms_median=float(np.median(np.abs(err))),
            onset_error_ms_p95=float(np.percentile(np.abs(err), 95)),
            onset_bias_ms=float(np.median(err)),
            duration_error_rel_median=float(np.median(rel)),
            duration_within_tolerance=float(np.mean((rel <= 0.15) | (derr <= 0.005))),
        )
    return out


def local_snr_db(truth_jerks, sustained):
    """Amplitude of each truth jerk against the background at its time, in dB.

    The background is the resting RMS (``rms_uv`` / 10^(``snr_db``/20) of the jerk, i.e. the
    channel's resting background) plus any sustained activity (posture, tonic or voluntary
    contraction: the ``sustained`` truth events of the same channel, each with its ``rms_uv``)
    overlapping the jerk: ``sqrt(rest^2 + sum of overlapping levels^2)``.

    Parameters
    ----------
    truth_jerks : Events
        Truth jerks with measures ``rms_uv`` (uV) and ``snr_db`` (dB over the resting background).
    sustained : Events
        Truth sustained activity with ``rms_uv``.

    Returns
    -------
    snr : ndarray of float
        dB, one per jerk.
    """
    rms = np.asarray(truth_jerks.measures["rms_uv"], float)
    rest = rms / 10 ** (np.asarray(truth_jerks.measures["snr_db"], float) / 20)
    var = rest**2
    if len(sustained):
        for i, (o, d, ch) in enumerate(zip(truth_jerks.onset, truth_jerks.duration, truth_jerks.channel)):
            m = (sustained.channel == ch) & (sustained.onset < o + d) & (sustained.onset + sustained.duration > o)
            if m.any():
                var[i] = var[i] + np.sum(np.asarray(sustained.measures["rms_uv"], float)[m] ** 2)
    return 20 * np.log10(rms / np.sqrt(var))


def eligible_jerks(truth):
    """Which truth jerks the scores count (see :data:`ELIGIBILITY_TEXT`).

    Uses the measure ``local_snr_db`` when present (see :func:`local_snr_db`), else ``snr_db``;
    truth without either is eligible on duration alone.

    Returns
    -------
    mask : ndarray of bool
    """
    n = len(truth)
    snr = truth.measures.get("local_snr_db", truth.measures.get("snr_db", np.full(n, np.inf)))
    lo, hi = ELIGIBLE_DURATION_S
    return (truth.duration >= lo - 1e-9) & (truth.duration <= hi + 1e-9) & (np.asarray(snr, float) >= ELIGIBLE_MIN_SNR_DB)


def eligible_pairs(truth, detected, *, tolerance=0.020):
    """Eligible truth jerks, the jerk detections that count, and their matched pairs.

    Every truth jerk is matched first; detections matched to an ineligible truth jerk
    (:func:`eligible_jerks`) are dropped, so a correctly detected weak jerk is not a false
    positive; the eligible truth jerks are then matched to the remaining jerk detections.

    Parameters
    ----------
    truth : Events
        Truth events; only ``jerk`` ones are used. ``local_snr_db`` is computed from the truth's
        ``sustained`` events when absent.
    detected : Events
        Detections; only ``jerk`` ones are used.
    tolerance : float
        Onset tolerance in seconds.

    Returns
    -------
    truth_eligible, det_kept : Events
    pairs : ndarray of int, shape (n_pairs, 2)
        Indices into ``truth_eligible`` and ``det_kept``.
    """
    tj = truth.select("jerk")
    if len(tj) and "local_snr_db" not in tj.measures and "rms_uv" in tj.measures and "snr_db" in tj.measures:
        tj.measures["local_snr_db"] = local_snr_db(tj, truth.select("sustained"))
    det = detected.select("jerk")
    ok = eligible_jerks(tj) if len(tj) else np.zeros(0, bool)
    pairs = match_events(tj, det, tolerance=tolerance)
    drop = np.zeros(len(det), bool)
    if len(pairs):
        drop[pairs[~ok[pairs[:, 0]], 1]] = True
    te = tj[ok] if len(tj) else tj
    de = det[~drop] if len(det) else det
    return te, de, match_events(te, de, tolerance=tolerance)


def score_eligible_jerks(truth, detected, *, tolerance=0.020):
    """:func:`score_events` on the eligible truth jerks (:func:`eligible_jerks`).

    Detections matched to ineligible truth jerks are left out of both counts, so a correctly
    detected weak jerk is not a false positive. Parameters as :func:`eligible_pairs`.

    Returns
    -------
    scores : dict
        As :func:`score_events`, plus ``n_truth_all`` (every truth jerk) and ``criterion`` (text).
    """
    te, de, _ = eligible_pairs(truth, detected, tolerance=tolerance)
    out = score_events(te, de, tolerance=tolerance)
    out["n_truth_all"] = len(truth.select("jerk"))
    out["criterion"] = ELIGIBILITY_TEXT
    return out
