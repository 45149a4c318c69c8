"""Shared helpers of the physiology tests (no __init__.py: imported via sys.path by conftest)."""
from __future__ import annotations

import numpy as np

EEG8 = ["F3", "F4", "C3", "Cz", "C4", "P3", "Pz", "P4"]


def features(events, recording):
    """Characterization features: from myoclonus.characterize when available, else from truth.

    The fallback builds the few features the origin classifier reads: counts, median burst
    duration, recruitment order/consistency (first channel of each jerk), rhythm (IJI CV).
    """
    try:
        from myoclonus.characterize import characterize
    except ImportError:
        characterize = None
    if characterize is not None:
        return characterize(events, recording).to_dict()
    ev = events.select("jerk")
    on = ev.onset
    if len(on) == 0:
        return {"n_jerks": 0}
    groups, cur = [], [0]
    for i in range(1, len(on)):
        if on[i] - on[cur[0]] <= 0.1:
            cur.append(i)
        else:
            groups.append(cur)
            cur = [i]
    groups.append(cur)
    firsts = [str(ev.channel[g[int(np.argmin(on[g]))]]) for g in groups]
    names, counts = np.unique(firsts, return_counts=True)
    starts = np.array([on[g].min() for g in groups])
    iji = np.diff(starts)
    cv = float(np.std(iji) / np.mean(iji)) if len(iji) > 2 else None
    rhythmic = cv is not None and cv < 0.25
    return {
        "n_jerks": len(groups),
        "duration_ms": {"median": float(np.median(ev.duration) * 1000)},
        "recruitment": {"order": [str(names[int(np.argmax(counts))])], "consistency": float(counts.max() / counts.sum())},
        "rhythm": {"verdict": "rhythmic" if rhythmic else "irregular",
                   "frequency_hz": float(1 / np.median(iji)) if rhythmic else None, "cv": cv},
    }
