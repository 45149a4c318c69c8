"""Scoring detections against ground truth with the usual event rule.

A detection matches a truth event on the same channel when their onsets are within ``tolerance``
seconds (default 20 ms); each truth event and each detection is matched at most once (closest
onsets first). Precision, recall, F1, and onset / duration errors of the matched pairs follow.
"""
from __future__ import annotations

import numpy as np

from ._validate import _check_range

__all__ = ["match_events", "score_events"]


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
