"""Body distribution of jerks and recruitment order across muscles.

Pure functions on per-channel jerk onsets (seconds) and body sites
(:class:`myoclonus.io.BodySite`).
"""
from __future__ import annotations

import re

import numpy as np

from ..io.sites import SEGMENTS, cord_position_cm, parse_label

__all__ = [
    "MUSCLE_ROOTS",
    "cord_position_cm",
    "channel_cord_position",
    "classify_distribution",
    "recruitment_analysis",
    "SYNCHRONY_THRESHOLD",
    "MIN_INVOLVED_FRACTION",
    "CONSISTENCY_THRESHOLD",
    "SIMULTANEITY_MS",
    "SYNCHRONOUS_SPREAD_MS",
]

#: Mean synchrony (fraction of the involved channels active in one multi-muscle jerk) at or above
#: which jerks of several sites are called synchronized (generalized/segmental) rather than
#: independent (multifocal). Package convention after the clinical definitions of Caviness &
#: Brown 2004 (doi:10.1016/S1474-4422(04)00880-4) and Shibasaki & Hallett 2005
#: (doi:10.1002/mus.20234).
SYNCHRONY_THRESHOLD = 0.5
#: A channel is "involved" when it has at least this fraction of the jerks of the busiest channel
#: (and at least 3 jerks); package convention against stray detections.
MIN_INVOLVED_FRACTION = 0.05
#: Recruitment orders whose pairwise agreement with the dominant order is below this are
#: "variable" (functional jerks vary from jerk to jerk, Thompson et al. 1992,
#: doi:10.1002/mds.870070312; Zutt et al. 2018, doi:10.1212/WNL.0000000000004996).
CONSISTENCY_THRESHOLD = 0.7
#: Two muscles whose median onsets differ by less than this (ms) are simultaneous and their
#: pairwise order is not counted in the consistency.
SIMULTANEITY_MS = 2.0
#: Muscles of one jerk all starting within this many ms of the first (median latencies) are
#: "synchronous" (e.g. segmental myoclonus of muscles of adjacent spinal segments, Jankovic &
#: Pardo 1986, doi:10.1001/archneur.1986.00520100039012). Package convention.
SYNCHRONOUS_SPREAD_MS = 10.0

#: Main motor root (spinal segment) of each canonical muscle (standard myotome tables); cranial
#: muscles have None.
MUSCLE_ROOTS = {
    "sternocleidomastoid": "C2", "trapezius": "C3", "splenius_capitis": "C3", "diaphragm": "C4",
    "deltoid": "C5", "biceps_brachii": "C6", "triceps_brachii": "C7", "pectoralis_major": "C7",
    "wrist_extensors": "C7", "wrist_flexors": "C7", "extensor_digitorum": "C7",
    "first_dorsal_interosseous": "T1", "abductor_pollicis_brevis": "T1",
    "abductor_digiti_minimi": "C8", "arm": "C6", "intercostal": "T6", "paraspinal": "T8",
    "rectus_abdominis": "T10", "gluteus": "L5", "quadriceps": "L3", "hamstrings": "S1",
    "tibialis_anterior": "L4", "gastrocnemius": "S1", "soleus": "S1", "leg": "L4",
}
_LEVEL_RX = re.compile(r"\b([CTLS])(\d{1,2})\b", re.I)
_AXIAL_SEGMENTS = ("neck", "trunk")


def channel_cord_position(name, site):
    """Cord position (cm) of the motor root of a channel, from its label and site, or None.

    Paraspinal labels carry their own level (``'EMG T4 Parasp'``).
    """
    muscle = getattr(site, "muscle", None)
    if muscle is None:
        return None
    root = MUSCLE_ROOTS.get(muscle)
    if muscle == "paraspinal":
        m = _LEVEL_RX.search(name)
        if m:
            root = f"{m.group(1).upper()}{int(m.group(2))}"
    return cord_position_cm(root) if root else None


def _site_of(name, sites):
    s = (sites or {}).get(name)
    if s is None:
        _, s = parse_label(name)
    return s


def _region(site):
    return (site.segment, site.side if site.side in ("left", "right") else None)


def classify_distribution(counts, sites, group_channels, *, synchrony_threshold=SYNCHRONY_THRESHOLD,
                          min_fraction=MIN_INVOLVED_FRACTION):
    """Classify the body distribution of jerks: focal, segmental, multifocal or generalized.

    Parameters
    ----------
    counts : dict
        Number of jerks per channel name.
    sites : dict
        BodySite per channel name (channels absent are parsed from their label).
    group_channels : list of sets
        Channels of each multi-muscle jerk.
    synchrony_threshold : float
        See :data:`SYNCHRONY_THRESHOLD`.
    min_fraction : float
        See :data:`MIN_INVOLVED_FRACTION`.

    Returns
    -------
    dict
        ``class``: ``'focal'`` (one body region: one segment of one side), ``'segmental'``
        (synchronized jerks of two contiguous segments of :data:`myoclonus.io.sites.SEGMENTS` on
        one side), ``'multifocal'`` (several regions, not synchronized), ``'generalized'`` (several
        regions beyond one side's contiguous pair, synchronized) or ``'none'``; ``sites`` (involved
        channels with their site), ``synchrony`` (mean fraction of involved channels per jerk),
        axial/proximal/distal fractions and left/right jerk counts. Definitions after Caviness &
        Brown 2004 (doi:10.1016/S1474-4422(04)00880-4) and Shibasaki & Hallett 2005
        (doi:10.1002/mus.20234).
    """
    out = {"class": "none", "sites": [], "regions": [], "synchrony": None, "axial_fraction": None,
           "proximal_fraction": None, "distal_fraction": None, "left": 0, "right": 0, "midline": 0,
           "rule": (f"involved channel: >= 3 jerks and >= {min_fraction:g} x the busiest; synchronized "
                    f"when the mean fraction of involved channels per jerk >= {synchrony_threshold:g}")}
    if not counts:
        return out
    top = max(counts.values())
    involved = [c for c, n in counts.items() if n >= max(3, min_fraction * top)]
    if not involved:
        involved = [c for c, n in counts.items() if n == top]
    inv_sites = {c: _site_of(c, sites) for c in involved}
    total = sum(counts[c] for c in involved)
    kinds = {"axial": 0, "proximal": 0, "distal": 0}
    for c in involved:
        s = inv_sites[c]
        prox = s.proximal or ("axial" if s.segment in ("cranial", "neck", "trunk") else None)
        if prox in kinds:
            kinds[prox] += counts[c]
        if s.side in ("left", "right", "midline"):
            out[s.side] += int(counts[c])
    for k, v in kinds.items():
        out[f"{k}_fraction"] = float(v / total) if total else None
    inv = set(involved)
    fr = [len(set(g) & inv) / len(inv) for g in group_channels if set(g) & inv]
    sync = float(np.mean(fr)) if fr else 0.0
    out["synchrony"] = sync
    regions = sorted({_region(inv_sites[c]) for c in involved}, key=lambda r: (str(r[0]), str(r[1])))
    out["regions"] = [{"segment": r[0], "side": r[1]} for r in regions]
    out["sites"] = [{"channel": c, "count": int(counts[c]), **inv_sites[c].to_dict()} for c in involved]
    segs = sorted({r[0] for r in regions if r[0] in SEGMENTS}, key=SEGMENTS.index)
    sides = {r[1] for r in regions if r[1] is not None}
    idx = [SEGMENTS.index(s) for s in segs]
    contiguous = bool(idx) and (max(idx) - min(idx) + 1 == len(idx))
    if len(regions) == 1:
        cls = "focal"
    elif contiguous and len(segs) <= 2 and len(sides) <= 1:
        cls = "segmental"
    elif sync >= synchrony_threshold:
        cls = "generalized"
    else:
        cls = "multifocal"
    out["class"] = cls
    return out


def _kendall_agreement(lat, order_rank, tol):
    """Fraction of channel pairs of one jerk ordered as in the dominant order (ties skipped)."""
    names = list(lat)
    agree = total = 0
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            a, b = names[i], names[j]
            if a not in order_rank or b not in order_rank:
                continue
            ra, rb = order_rank[a], order_rank[b]
            if ra[1] is None or rb[1] is None or abs(ra[1] - rb[1]) < tol:
                continue
            d = lat[a] - lat[b]
            if d == 0:
                continue
            total += 1
            agree += (d < 0) == (ra[1] < rb[1])
    return agree, total


def _spearman(x, y):
    from scipy.stats import spearmanr

    if len(x) < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return None
    return float(spearmanr(x, y).statistic)


def recruitment_analysis(groups, sites, *, distances=None, min_participation=0.3,
                         consistency_threshold=CONSISTENCY_THRESHOLD, simultaneity_ms=SIMULTANEITY_MS,
                         synchronous_spread_ms=SYNCHRONOUS_SPREAD_MS, min_jerks=3):
    """Onset order of muscles within multi-muscle jerks, its consistency, pattern and velocity.

    Parameters
    ----------
    groups : list of dict
        One dict ``{channel: onset_s}`` per multi-muscle jerk.
    sites : dict
        BodySite per channel name (absent: parsed from the label).
    distances : dict | None
        Position (cm along the body axis, rostral to caudal, from any common origin) of channels,
        used for the propagation velocity. None: the cord position of each muscle's motor root
        from the standard segment table (:func:`cord_position_cm`, Ko et al. 2004).
    min_participation : float
        A channel enters the dominant order when it takes part in at least this fraction of the
        multi-muscle jerks.
    consistency_threshold : float
        See :data:`CONSISTENCY_THRESHOLD`.
    simultaneity_ms : float
        See :data:`SIMULTANEITY_MS`.
    synchronous_spread_ms : float
        See :data:`SYNCHRONOUS_SPREAD_MS`.
    min_jerks : int
        Fewer multi-muscle jerks give pattern ``'none'``.

    Returns
    -------
    dict
        ``order`` (channels, first to last by median latency), ``latency_ms`` (median onset
        latency of each channel after the first muscle of each jerk), ``consistency`` (0-1: mean
        fraction of channel pairs ordered as in the dominant order), ``pattern``
        (``'brainstem_scm_first'``: sternocleidomastoid first, then cranial-nerve muscles upwards
        and limbs downwards — reticular reflex myoclonus, Hallett et al. 1977,
        doi:10.1136/jnnp.40.3.253; ``'axial_spreading'``: a trunk muscle first, spreading rostrally
        and caudally — propriospinal myoclonus, Brown et al. 1991, doi:10.1093/brain/114.1.197;
        ``'rostrocaudal'``: descending cranio-caudal order — cortical/cortical-subcortical
        myoclonus, Shibasaki & Hallett 2005, doi:10.1002/mus.20234; ``'synchronous'``: every
        muscle within ``synchronous_spread_ms`` of the first; ``'variable'`` when
        consistency < ``consistency_threshold``; ``'other'``; ``'none'``), ``velocity_m_s``
        (propagation velocity over axial muscles by a V-shaped fit of latency against distance
        from the generator, only for an axial-spreading order or given ``distances``;
        propriospinal 3-11 m/s),
        ``n_multi_muscle_jerks``.
    """
    multi = [g for g in groups if len(g) >= 2]
    out = {"order": [], "consistency": None, "latency_ms": {}, "pattern": "none", "velocity_m_s": None,
           "velocity_channels": [], "generator": None, "n_multi_muscle_jerks": len(multi),
           "rostrocaudal_rho": None}
    if len(multi) < min_jerks:
        return out
    part = {}
    lats = {}
    for g in multi:
        t0 = min(g.values())
        for c, t in g.items():
            part[c] = part.get(c, 0) + 1
            lats.setdefault(c, []).append(1000.0 * (t - t0))
    chans = [c for c, n in part.items() if n >= min_participation * len(multi)]
    if len(chans) < 2:
        return out
    chans = [str(c) for c in chans]
    med = {c: float(np.median(lats[c])) for c in chans}
    order = sorted(chans, key=lambda c: (med[c], c))
    rank = {c: (i, med[c]) for i, c in enumerate(order)}
    agree = total = 0
    for g in multi:
        a, b = _kendall_agreement({c: 1000.0 * t for c, t in g.items()}, rank, simultaneity_ms)
        agree += a
        total += b
    cons = float(agree / total) if total else 1.0
    out.update(order=order, latency_ms={c: med[c] for c in order}, consistency=cons)
    st = {c: _site_of(c, sites) for c in order}
    seg_idx = [SEGMENTS.index(st[c].segment) if st[c].segment in SEGMENTS else None for c in order]
    pairs = [(i, med[c]) for i, c in zip(seg_idx, order) if i is not None]
    rho = _spearman([p[0] for p in pairs], [p[1] for p in pairs]) if pairs else None
    out["rostrocaudal_rho"] = rho
    # velocity over axial (neck/trunk) muscles
    pos = {}
    for c in order:
        if distances is not None:
            if c in distances:
                pos[c] = float(distances[c])
        elif st[c].segment in _AXIAL_SEGMENTS:
            p = channel_cord_position(c, st[c])
            if p is not None:
                pos[c] = p
    first = order[0]
    fs = st[first]
    if cons < consistency_threshold:
        pattern = "variable"
    elif fs.muscle in ("sternocleidomastoid",) and any(
        st[c].segment == "cranial" and med[c] > med[first] + simultaneity_ms for c in order
    ):
        pattern = "brainstem_scm_first"
    elif fs.segment == "trunk" and _spreads_both_ways(first, order, st, med, simultaneity_ms):
        pattern = "axial_spreading"
    elif max(med.values()) <= synchronous_spread_ms:
        pattern = "synchronous"
    elif fs.segment in ("cranial", "neck") and rho is not None and rho >= 0.6:
        pattern = "rostrocaudal"
    else:
        pattern = "other"
    out["pattern"] = pattern
    if (len({round(v, 3) for v in pos.values()}) >= 3 and cons >= consistency_threshold
            and (pattern == "axial_spreading" or distances is not None)):
        vel, gen = _v_fit(np.array([pos[c] for c in pos]), np.array([med[c] for c in pos]))
        out["velocity_m_s"] = vel
        out["generator"] = gen
        out["velocity_channels"] = list(pos)
    return out


def _spreads_both_ways(first, order, st, med, tol):
    i0 = SEGMENTS.index("trunk")
    pos0 = channel_cord_position(first, st[first])
    up = down = False
    for c in order[1:]:
        if med[c] <= med[first] + tol:
            continue
        p = channel_cord_position(c, st[c])
        seg = st[c].segment
        if p is not None and pos0 is not None:
            up |= p < pos0
            down |= p > pos0
        elif seg in SEGMENTS:
            up |= SEGMENTS.index(seg) < i0
            down |= SEGMENTS.index(seg) > i0
    return up and down


def _v_fit(x_cm, lat_ms):
    """Fit ``lat = a + |x - x0| / v`` over a grid of generator positions x0; return (v m/s, x0 cm)."""
    best = (np.inf, None, None)
    grid = np.linspace(x_cm.min(), x_cm.max(), 200)
    for x0 in grid:
        d = np.abs(x_cm - x0)
        if np.ptp(d) == 0:
            continue
        A = np.vstack([np.ones_like(d), d]).T
        coef, res, *_ = np.linalg.lstsq(A, lat_ms, rcond=None)
        r = float(np.sum((A @ coef - lat_ms) ** 2))
        if coef[1] > 0 and r < best[0]:
            best = (r, coef[1], x0)
    if best[1] is None:
        return None, None
    # slope in ms per cm -> m/s: v = 1 cm / slope ms = 10 / slope m/s
    return float(10.0 / best[1]), float(best[2])
