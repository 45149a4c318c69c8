"""Detection on one EMG channel (or one chunk of it): bursts, their classes, artifacts, silent periods.

Per channel (:func:`detect_channel`): flat and saturated stretches; mains notch and band-pass; ECG
template subtraction; the 5 ms envelope against a time-varying background with hysteresis; onsets
and offsets refined by change points; the burst tests (RMS, flanks); sustained activity and the
jerks superimposed on it; artifact reasons; silent periods. Parameters: :mod:`.params`.

References
----------
- Shibasaki H, Hallett M (2005). Electrophysiological studies of myoclonus. Muscle Nerve 31:157-174.
  doi:10.1002/mus.20234
- Hodges PW, Bui BH (1996). Electroencephalogr Clin Neurophysiol 101:511-519.
  doi:10.1016/S0921-884X(96)95190-5
- Staude G et al. (2001). EURASIP J Appl Signal Process 2001:67-81. doi:10.1155/S1110865701000191
"""
from __future__ import annotations

import numpy as np

from ..preprocess import preprocess_emg
from ._scan import LevelCurve, energy_cumsum, merge_by_onset, overlaps, scaled_hysteresis
from .artifacts import apply_clipping, detect_steps, repair_steps
from .bursts import (
    envelope,
    hysteresis,
    local_floor_curve,
    merge_close,
    refine_offsets,
    refine_onsets,
    rise_times,
    segment_rms,
    slow_rise_glr,
)
from .classify import classify_bursts
from .ecg import qrs_in_emg, subtract_qrs
from .edges import directional_band, refine_directional
from .measures import finish_chunk, pack_events
from .params import DetectionParams
from .silent import detect_silent_periods
from .stats import channel_stats, clipping_warning, flat_stretches

__all__ = ["detect_channel", "flank_rms", "FLANK_GAP", "FLANK_SUB"]


#: Gap (s) between a burst's edges and its flanks (:func:`flank_rms`): its refined edges can miss
#: the first or last few ms of a tapered rise or decay.
FLANK_GAP = 0.010
#: Length (s) of the sub-windows of a flank whose median RMS is the flank's level (:func:`flank_rms`).
FLANK_SUB = 0.010


def flank_rms(cs2, on, off, sfreq, *, window=0.1, side="min"):
    """Level of the EMG on the quieter (``side='min'``) or busier (``'max'``) side of each burst.

    Each side (``[on - window, on - FLANK_GAP)`` and ``[off + FLANK_GAP, off + window)``, samples) is
    cut into :data:`FLANK_SUB` s windows; a side's level is the median of their RMS, so that a
    neighbouring jerk covering less than half of a side (a jerk train) does not raise it, while the
    swells of a modulated tonic background, spread over the side, do. Returns the lower (or higher)
    of the two sides. ``cs2`` is the cumulative energy (:func:`~._scan.energy_cumsum`); windows cut by the end
    of the signal are empty and count as RMS 0 (the burst is then more easily kept).
    """
    n = cs2.size - 1
    g, s = int(round(FLANK_GAP * sfreq)), max(1, int(round(FLANK_SUB * sfreq)))
    k = max(1, int(round((window - FLANK_GAP) * sfreq)) // s)
    on, off = np.asarray(on, np.int64)[:, None], np.asarray(off, np.int64)[:, None]
    j = s * np.arange(k)[None, :]

    def level(a):
        a, b = np.clip(a, 0, n), np.clip(a + s, 0, n)
        return np.median(segment_rms(cs2, a, b) * ((b - a) > 0), axis=1)

    pre, post = level(on - g - s - j), level(off + g + j)
    return np.minimum(pre, post) if side == "min" else np.maximum(pre, post)


def burst_tests(cs2, on, off, base, sfreq, *, tail, k_burst, burst_window, k_flank, flank_window, flank_side,
                min_duration):
    """Which bursts ``[on, off)`` pass the amplitude tests.

    A burst is kept when it lasts at least ``min_duration`` s and its RMS over at least
    ``burst_window`` s (centred on it: brief fluctuations of a tonic background do not keep their
    amplitude over it, a jerk does) reaches ``k_burst * tail`` x the background ``base`` at its onset
    and ``k_flank`` x the EMG on its ``flank_side`` (:func:`flank_rms`).
    """
    n = cs2.size - 1
    half = np.maximum(int(round(burst_window * sfreq)) - (off - on), 0) // 2
    rms = segment_rms(cs2, np.maximum(on - half, 0), np.minimum(off + half, n))
    keep = ((off - on) >= min_duration * sfreq) & (rms >= k_burst * tail * base[on])
    if k_flank:
        keep &= rms >= k_flank * flank_rms(cs2, on, off, sfreq, window=flank_window, side=flank_side)
    return keep


def _kept_bursts(filt, sfreq, cs2, s, e, pk, level, *, tail, k_burst, burst_window, k_flank, flank_window, flank_side,
                 min_duration, refractory, gap, refine_search, edge, edges, base=None):
    """Refined edges of the hysteresis segments ``s, e`` (peaks ``pk``) that pass the burst tests.

    Onsets and offsets from the variance change points (background ``level``), merged within the
    refractory period and ``gap``; kept when at least half ``min_duration`` long, with an RMS over
    ``burst_window`` of at least ``k_burst * tail`` x ``base`` (default ``level``) and ``k_flank`` x
    the flank level (:func:`flank_rms`, side ``flank_side``), and not within ``edge`` s of a record
    edge (``edges``).
    """
    n = filt.size
    if not len(s):
        return np.zeros(0, int), np.zeros(0, int)
    on = refine_onsets(filt, sfreq, s, pk, level[s], search=refine_search)
    off = refine_offsets(filt, sfreq, e, pk, level[np.minimum(e, n - 1)], search=refine_search)
    on = np.minimum(on, pk)
    off = np.maximum(off, pk + 1)
    on, off = merge_by_onset(on, off, int(round(refractory * sfreq)))
    on, off = merge_close(on, off, gap)
    if not len(on):
        return on, off
    keep = burst_tests(cs2, on, off, level if base is None else base, sfreq, tail=tail, k_burst=k_burst,
                       burst_window=burst_window, k_flank=k_flank, flank_window=flank_window, flank_side=flank_side,
                       min_duration=0.5 * min_duration)
    ne = int(round(edge * sfreq))
    if edges[0]:
        keep &= on >= ne
    if edges[1]:
        keep &= on < n - ne
    return on[keep], off[keep]



def detect_channel(raw, sfreq, *, params=None, qrs=None, log=None, stats=None, core=None, edges=(True, True),
                   **overrides):
    """Detect bursts, artifacts and silent periods on one raw EMG channel (pure function).

    Parameters
    ----------
    raw : ndarray, shape (n_times,)
        Raw EMG (uV).
    sfreq : float
        Hz.
    params : DetectionParams | None
        Parameters (default: the defaults of :data:`~myoclonus.detect.params.PARAMS`).
    qrs : ndarray of int | None
        R-peak samples from an ECG channel (same time base), or None to look in the EMG itself.
    log : list | None
        Receives the preprocessing steps applied (strings).
    stats : dict | None
        Channel-wide quantities (:func:`~myoclonus.detect.stats.channel_stats`); by default
        computed from ``raw``.
    core : tuple of int | None
        For a chunk of a longer channel: the samples ``[c0, c1)`` of ``raw`` it owns; the output then
        also has ``owned``, ``head``, ``trunc`` and the core sums used by
        :func:`myoclonus.detect.stream.stitch`.
    edges : tuple of bool
        Whether the start and the end of ``raw`` are the start and end of the record (bursts within
        ``edge`` s of a record edge are dropped).
    **overrides
        Parameter values replacing those of ``params`` (validated).

    Returns
    -------
    out : dict
        ``onset``, ``offset`` (samples, exclusive), ``kind``, ``reason``, ``flags`` and the measures
        ``peak_amplitude_uv``, ``rms_uv``, ``area_uvs``, ``snr_db``, ``confidence``,
        ``tonic_level_uv`` as arrays; and ``info``: ``noise_floor_uv``, ``threshold_on_uv``,
        ``threshold_off_uv``, ``mains_hz``, ``ecg``, ``clip_level_uv``, ``n_steps``, ``warnings``.
    """
    p = DetectionParams() if params is None else params
    if overrides:
        p = p.replace(**overrides)
    raw = np.asarray(raw, dtype=np.float64)
    n = raw.size
    log = [] if log is None else log
    arrays = None
    if stats is None:
        stats = channel_stats(raw, sfreq, params=p, qrs=qrs)
        arrays = stats.pop("_arrays", None)
    log.extend(stats["log"])
    clip = stats["clip"]
    info = {"warnings": list(stats["warnings"]), "mains_hz": stats["mains_hz"],
            "mains_harmonics_hz": stats["mains_harmonics"], "ecg": stats["ecg"],
            "clip_level_uv": None if clip is None else clip["level"]}
    raw, fs, fe, _ = flat_stretches(raw, sfreq)
    if stats["flat"]:
        info.update(noise_floor_uv=0.0, threshold_on_uv=0.0, threshold_off_uv=0.0, n_steps=0)
        rows = [(0, n, "artifact", "flat", "", 0.0, np.inf)]
        return finish_chunk(pack_events(rows, raw, raw, sfreq, 0.0, p.k_on, info, None), raw, sfreq, core, edges)
    z = np.zeros(0, int)
    cs, ce = apply_clipping(raw, sfreq, clip) if clip is not None else (z, z)
    if clip is not None and core is None:
        info["warnings"].append(clipping_warning(clip["level"], len(cs), float(np.sum(ce - cs)) / n))
    # flat or saturated stretches, sorted and merged (silent periods touching them are dropped)
    xs, xe = merge_by_onset(np.concatenate([fs, cs]).astype(int), np.concatenate([fe, ce]).astype(int), 0)
    if arrays is not None:
        filt, notched, env, peaks_r, steps = (arrays[k] for k in ("filt", "notched", "env", "peaks", "steps"))
    else:
        filt, notched, peaks_r, steps = filtered_channel(raw, sfreq, p, stats, qrs)
        env = None
    info["n_steps"] = int(len(steps))
    floor, tail = stats["floor"], stats["tail"]
    level = local_floor_curve(filt, sfreq, span=p.floor_span, floor=floor) if p.floor_span else LevelCurve([0.0], [floor], n)
    info.update(noise_floor_uv=floor, threshold_on_uv=p.k_on * tail * floor, threshold_off_uv=p.k_off * floor,
                tail_factor=tail, local_floor_uv_max=level.max())
    cs2 = energy_cumsum(filt)
    on, off, kinds = _bursts(filt, notched, env, sfreq, p, level, cs2, floor, tail, edges)
    # ---------------------------------------------------------------- artefact evidence
    rows = [(a, b, "artifact", "saturation", "", 0.0, np.inf) for a, b in zip(cs, ce)]
    rows += [(a, b, "artifact", "flat", "", 0.0, np.inf) for a, b in zip(fs, fe)]
    reasons = np.full(len(on), "", dtype=object)
    flags = np.full(len(on), "", dtype=object)
    penalty = np.zeros(len(on))
    if len(on):
        drop = overlaps(on, off, fs, fe) if len(fs) else np.zeros(len(on), bool)  # flat: no EMG there
        on, off, kinds = on[~drop], off[~drop], kinds[~drop]
        reasons, flags, penalty = classify_bursts(notched, filt, sfreq, on, off, level=level[on], cs2=cs2, tail=tail,
                                                  steps=steps, clip=(cs, ce), peaks=peaks_r, stats=stats, params=p)
        kinds[reasons != ""] = "artifact"
        drop = reasons == "saturation"  # reported once, as the saturated stretch itself
        on, off, kinds, reasons, flags, penalty = (v[~drop] for v in (on, off, kinds, reasons, flags, penalty))
    cap = rise_cap(filt, sfreq, on, off, kinds, level, p)
    rows += list(zip(on, off, kinds, reasons, flags, penalty, cap))
    # electrode steps that no burst explains: artifacts of their own
    if len(steps):
        lone = ~_near(steps, on, off, int(round(0.005 * sfreq)))
        w = max(2, int(round(0.002 * sfreq)))
        rows += [(int(t), int(t) + w, "artifact", "electrode_step", "", 0.0, np.inf) for t in steps[lone]]
    # ---------------------------------------------------------------- silent periods
    sp = None
    if p.silent_periods:
        jerk = kinds == "jerk"
        sp = detect_silent_periods(filt, sfreq, min_duration=p.sp_min_duration, max_duration=p.sp_max_duration,
                                   ratio=p.sp_ratio, tonic_window=p.sp_tonic_window, min_contrast=p.sp_min_contrast,
                                   reference=p.sp_reference, gap_ratio=p.sp_gap_ratio,
                                   bursts=(np.asarray(on, int)[jerk], np.asarray(off, int)[jerk]), cs2=cs2)
        if len(xs) and len(sp[0]):
            bad = overlaps(sp[0], sp[1], xs, xe)
            sp = tuple(v[~bad] for v in sp)
    out = pack_events(rows, filt, cs2, sfreq, level, p.k_on, info, sp)
    return finish_chunk(out, filt, sfreq, core, edges)


def rise_cap(filt, sfreq, on, off, kinds, level, p):
    """Upper bound of each burst's confidence logit from the evidence of an abrupt rise.

    A jerk of at least ``slow_rise_min_duration`` is capped at ``-(g + rise_evidence)``, where ``g``
    is the log-likelihood ratio of a gradual over an abrupt rise (:func:`~.bursts.slow_rise_glr`):
    it reaches a confidence of 0.5 only when the abrupt rise is ``rise_evidence`` log-units more
    likely (Shibasaki & Hallett 2005, doi:10.1002/mus.20234: myoclonic bursts rise in a few ms,
    voluntary ones over tens of ms). Other events: no cap (+inf).
    """
    cap = np.full(len(on), np.inf)
    if p.rise_evidence is None or not len(on):
        return cap
    cand = np.flatnonzero((kinds == "jerk") & ((off - on) >= p.slow_rise_min_duration * sfreq))
    if cand.size:
        g = slow_rise_glr(filt, sfreq, on[cand], off[cand], level[on[cand]])
        cap[cand] = np.where(np.isfinite(g), -(g + p.rise_evidence), np.inf)
    return cap


def _near(t, on, off, g):
    """For each sample ``t``, whether it lies within ``g`` samples of one of the bursts ``[on, off)``."""
    if not len(on):
        return np.zeros(len(t), bool)
    return overlaps(np.asarray(t) - g, np.asarray(t) + g + 1, np.sort(on), np.maximum.accumulate(off[np.argsort(on)]))


def filtered_channel(raw, sfreq, p, stats, qrs):
    """The signals detection works on, for one channel or chunk: electrode steps found and repaired,
    mains notch, band-pass, ECG removal.

    Returns
    -------
    filt : ndarray
        Band-passed EMG with QRS templates subtracted (uV).
    notched : ndarray
        The repaired, notched EMG before the band-pass (for the directional edges, :mod:`.edges`).
    peaks : ndarray of int
        R peaks.
    steps : ndarray of int
        Samples of the electrode steps repaired.
    """
    n = raw.size
    steps, shifts = detect_steps(raw, sfreq, k=p.step_k, sd=stats["pop_sd"])
    if len(steps):
        raw = repair_steps(raw, sfreq, steps, shifts)
    filt, notched = preprocess_emg(raw, sfreq, l_freq=p.l_freq, h_freq=p.h_freq, notch_freq=stats["mains_hz"],
                                   notch_harmonics=stats["mains_harmonics"], return_notched=True)
    peaks = np.zeros(0, int)
    if stats["ecg"] is not None:
        if stats["ecg"]["source"] == "ECG channel":
            peaks = np.zeros(0, int) if qrs is None else np.asarray(qrs, int)
            peaks = peaks[(peaks >= 0) & (peaks < n)]
        else:
            peaks, _, _ = qrs_in_emg(raw, sfreq, template=stats["qrs_shape"], threshold=stats["qrs_ref"])
        if len(peaks):
            filt, notched = subtract_qrs(filt, sfreq, peaks, stats["qrs_model"], notched=notched)
    return filt, notched, peaks, steps


def _bursts(filt, notched, env, sfreq, p, level, cs2, floor, tail, edges):
    """Bursts of one channel or chunk: ``on, off`` (samples) and ``kinds`` ('jerk' or 'sustained')."""
    n = filt.size
    w = max(p.envelope_window, 3.0 / sfreq)
    on_k, off_k = p.k_on * tail, p.k_off
    gap = int(round(p.merge_gap * sfreq))
    if p.method == "rms":  # envelope in multiples of the local background, in one pass
        s, e, pk, pv = scaled_hysteresis(filt, round(w * sfreq), level, on_k, off_k)
        s, e, pk = _merge_close_peaks(s, e, pk, pv, gap)
    else:
        if env is None:
            env = envelope(filt, sfreq, method=p.method, window=w)
        env = env / level[np.arange(n)]
        s, e = hysteresis(env, on_k, off_k)
        s, e = merge_close(s, e, gap)
        pk = np.array([a + int(np.argmax(env[a:b])) for a, b in zip(s, e)], int)
    test = dict(tail=tail, k_burst=p.k_burst, burst_window=p.burst_window, flank_window=p.flank_window,
                min_duration=p.min_duration, refractory=p.refractory, gap=gap, refine_search=p.refine_search,
                edge=p.edge, edges=edges)
    on, off = _kept_bursts(filt, sfreq, cs2, s, e, pk, level, k_flank=p.k_flank, flank_side="min", **test)
    sos = directional_band(sfreq, p.l_freq, p.h_freq)
    if len(on) and p.ramp_fit:
        on, off = refine_directional(notched, sfreq, on, off, _peaks_in(filt, on, off), level[on], sos,
                                     search=p.refine_search, ramp_search=p.ramp_search)
        # the refined edges are precise to 1-2 ms: a burst under 80% of the shortest jerk is not one
        # (an isolated motor-unit potential of a resting muscle lasts 5-8 ms); the amplitude tests
        # hold on the refined extent too
        keep = burst_tests(cs2, on, off, level, sfreq, tail=tail, k_burst=p.k_burst, burst_window=p.burst_window,
                           k_flank=p.k_flank, flank_window=p.flank_window, flank_side="min",
                           min_duration=MIN_DURATION_FRACTION * p.min_duration)
        on, off = on[keep], off[keep]
    # sustained activation on the slow envelope (relative to the local background)
    ss, se, _, _ = scaled_hysteresis(filt, round(p.sustained_window * sfreq), level, p.k_sustained, off_k)
    ss, se = merge_close(ss, se, gap)
    longr = (se - ss) > (p.jerk_max + p.sustained_window) * sfreq
    ss, se = ss[longr], se[longr]
    # jerks superimposed on a sustained activation: found against the activation's own level
    inner_on = inner_off = np.zeros(0, int)
    if p.k_superimposed and len(ss):
        level2 = local_floor_curve(filt, sfreq, span=p.superimposed_span, quantile=0.5, floor=floor)
        s2, e2, pk2, pv2 = _scan_around(filt, ss, se, int(round((p.jerk_max + SUPERIMPOSED_MARGIN) * sfreq)),
                                        round(w * sfreq), level2, on_k, off_k)
        s2, e2, pk2 = _merge_close_peaks(s2, e2, pk2, pv2, gap)
        m = overlaps(s2, e2, ss, se)
        inner_on, inner_off = _kept_bursts(filt, sfreq, cs2, s2[m], e2[m], pk2[m], level2, base=level,
                                           k_flank=p.k_superimposed, flank_side="max", **test)
        if len(inner_on) and p.ramp_fit:
            inner_on, inner_off = refine_directional(notched, sfreq, inner_on, inner_off,
                                                     _peaks_in(filt, inner_on, inner_off), level2[inner_on], sos,
                                                     search=p.refine_search, ramp_search=p.ramp_search)
        m = overlaps(inner_on, inner_off, ss, se) & ((inner_off - inner_on) <= p.jerk_max * sfreq)
        inner_on, inner_off = inner_on[m], inner_off[m]
    kinds = np.where((off - on) > p.jerk_max * sfreq, "sustained", "jerk").astype(object)
    long_ = (off - on) >= p.slow_rise_min_duration * sfreq
    if p.max_rise is not None and len(on):
        rise = rise_times(filt, sfreq, on, off)
        kinds[long_ & (rise > p.max_rise)] = "sustained"
    if p.slow_rise_llr is not None and len(on):
        cand = np.flatnonzero((kinds == "jerk") & long_)
        if cand.size:
            g = slow_rise_glr(filt, sfreq, on[cand], off[cand], level[on[cand]])
            kinds[cand[g > p.slow_rise_llr]] = "sustained"
    if len(ss):
        inside = overlaps(on, off, ss, se)
        # a sustained event spans its region and the bursts overlapping it
        reg_on, reg_off = ss.copy(), se.copy()
        j = np.searchsorted(se, on[inside], side="right")
        np.minimum.at(reg_on, j, on[inside])
        np.maximum.at(reg_off, j, off[inside])
        on = np.concatenate([on[~inside], reg_on])
        off = np.concatenate([off[~inside], reg_off])
        kinds = np.concatenate([kinds[~inside], np.full(len(reg_on), "sustained", dtype=object)])
        order = np.argsort(on, kind="stable")
        on, off, kinds = on[order], off[order], kinds[order]
        on, off, kinds = _merge_sustained(on, off, kinds)
    on, off, kinds = _join_sustained(on, off, kinds, cs2, p.k_sustained * floor, int(round(p.sustained_gap * sfreq)))
    if len(inner_on):
        # a burst the main pass kept as a jerk is not reported twice
        j = kinds == "jerk"
        order = np.argsort(on[j], kind="stable")
        dup = (overlaps(inner_on, inner_off, on[j][order], np.maximum.accumulate(off[j][order])) if j.any()
               else np.zeros(len(inner_on), bool))
        on = np.concatenate([on, inner_on[~dup]])
        off = np.concatenate([off, inner_off[~dup]])
        kinds = np.concatenate([kinds, np.full(int((~dup).sum()), "jerk", dtype=object)])
        order = np.argsort(on, kind="stable")
        on, off, kinds = on[order], off[order], kinds[order]
    return on, off, kinds


def _peaks_in(x, on, off):
    """Sample of the largest absolute value of ``x`` in each burst."""
    return np.array([a + int(np.argmax(np.abs(x[a:b]))) for a, b in zip(on, off)], int)


#: Bursts shorter than this fraction of ``min_duration`` after the directional refinement are dropped:
#: the refined edges of 10-20 ms real-material jerks give durations >= 8.9 ms in 95% of them
#: (benchmarks/README.md), while isolated motor-unit potentials of resting muscles measure 5-8 ms.
MIN_DURATION_FRACTION = 0.8
#: Extra margin (s), beyond jerk_max, of the stretches around sustained activations that the
#: superimposed-jerk pass scans (:func:`_scan_around`): it keeps only jerks (<= jerk_max) that overlap
#: an activation, and the 5 ms envelope at a stretch's ends is computed with its edges repeated.
SUPERIMPOSED_MARGIN = 0.05


def _scan_around(x, ss, se, margin, n, level, on, off):
    """:func:`~._scan.scaled_hysteresis` of ``x`` only over ``[ss - margin, se + margin)`` (merged):
    the same segments as the whole-array scan except for those reaching a stretch's end. A
    stretch's level curve is ``level`` shifted, so its values are the same sample for sample."""
    spans = []
    for lo, hi in sorted(zip(np.maximum(np.asarray(ss, int) - margin, 0), np.minimum(np.asarray(se, int) + margin, x.size))):
        if spans and lo <= spans[-1][1]:  # overlapping or touching: one stretch
            spans[-1][1] = max(spans[-1][1], hi)
        else:
            spans.append([lo, hi])
    parts = []
    for lo, hi in spans:
        lv = LevelCurve(level.centres - lo, level.values, hi - lo)
        s_, e_, pk_, pv_ = scaled_hysteresis(x[lo:hi], n, lv, on, off)
        parts.append((s_ + lo, e_ + lo, pk_ + lo, pv_))
    if not parts:
        z = np.zeros(0, int)
        return z, z, z, np.zeros(0)
    return tuple(np.concatenate(v) for v in zip(*parts))


def _merge_close_peaks(s, e, pk, vals, gap):
    """:func:`~.bursts.merge_close` keeping, per merged segment, its sample of largest scaled envelope.

    The gaps merged lie at or below the off threshold and every part reaches the on threshold, so
    the merged peak is the highest part peak (the first one on ties), as an argmax over the merged
    segment would give.
    """
    if len(s) < 2:
        return s, e, pk
    join = (s[1:] - e[:-1]) < gap
    if not join.any():
        return s, e, pk
    keep_start = np.concatenate([[True], ~join])
    keep_stop = np.concatenate([~join, [True]])
    group = np.cumsum(keep_start) - 1
    best = np.full(group[-1] + 1, -np.inf)
    arg = np.zeros(group[-1] + 1, int)
    for g, p, v in zip(group, pk, vals):
        if v > best[g]:
            best[g], arg[g] = v, p
    return s[keep_start], e[keep_stop], arg



def _join_sustained(on, off, kinds, cs2, level, max_gap):
    """Join sustained events separated by less than ``max_gap`` samples of still-active EMG.

    A long contraction raises the time-varying background in its middle, which can split it; the
    gap is part of the contraction when its RMS stays above ``level`` (k_sustained x the channel's
    resting floor). Events between the two parts are absorbed.
    """
    idx = np.flatnonzero(kinds == "sustained")
    if len(idx) < 2:
        return on, off, kinds
    keep = np.ones(len(on), bool)
    cur = idx[0]
    for j in idx[1:]:
        gap = on[j] - off[cur]
        if 0 < gap <= max_gap and segment_rms(cs2, np.array([off[cur]]), np.array([on[j]]))[0] >= level:
            off[cur] = max(off[cur], off[j])
            keep[cur + 1 : j + 1] = False
        elif gap <= 0:
            off[cur] = max(off[cur], off[j])
            keep[j] = False
        else:
            cur = j
    return on[keep], off[keep], kinds[keep]


def _merge_sustained(on, off, kinds):
    """Merge overlapping events where at least one is sustained (the union is sustained)."""
    if len(on) < 2:
        return on, off, kinds
    o, f, k = [on[0]], [off[0]], [kinds[0]]
    for a, b, c in zip(on[1:], off[1:], kinds[1:]):
        if a < f[-1] and ("sustained" in (c, k[-1])):
            f[-1] = max(f[-1], b)
            k[-1] = "sustained"
        else:
            o.append(a)
            f.append(b)
            k.append(c)
    return np.array(o, int), np.array(f, int), np.array(k, dtype=object)

