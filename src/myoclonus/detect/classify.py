"""Artefact evidence on detected bursts: flags that lower confidence, and the rare artefact label.

An artefact rides on a burst (a movement wave after a jerk that moves the limb, an electrode step,
a QRS complex, saturation of the amplifier) far more often than it makes one: real jerks are often
large, move the limb and fall on heartbeats. So artefact evidence *flags* a burst
(``motion``, ``electrode_step``, ``ecg_overlap``, ``clipped``) and lowers its confidence; the burst
becomes an ``artifact`` only when its EMG-band content is explained by the artefact alone:

- ``motion`` / ``electrode_step`` / ``clipped``: the burst's energy above ``evidence_hz`` (60 Hz:
  above the content of movement artefacts, which lies below 20 Hz, and of a repaired step's
  recovery; De Luca et al. 2010, doi:10.1016/j.jbiomech.2010.01.027), outside the samples of steps
  and saturation, does not reach ``k_evidence`` x the background in that band. Surface EMG keeps
  most of its power above 60 Hz (median frequency 50-120 Hz; Merletti & Farina 2016,
  doi:10.1002/9781119082934).
- ``ecg_overlap``: the burst's RMS after QRS-template subtraction does not reach ``k_burst`` x the
  background augmented by the expected residual of a subtracted QRS (the spread of the beats about
  the template, measured on the channel itself).

Amplitude is never, by itself, evidence of an artefact.
"""
from __future__ import annotations

import numpy as np
from scipy import signal

from ..preprocess import _butter
from ._scan import overlaps
from .artifacts import low_frequency_ratio
from .bursts import segment_rms

__all__ = ["FLAGS", "QRS_WINDOW", "burst_flags", "classify_bursts", "ecg_explains", "emg_evidence", "hb_ratio", "join_flags"]

#: Flags a burst can carry, in the order they are written.
FLAGS = ("motion", "electrode_step", "ecg_overlap", "clipped")
#: Seconds before and after an R peak that the QRS template covers (and a burst must overlap to be
#: flagged ``ecg_overlap``).
QRS_WINDOW = (0.06, 0.10)
#: Samples of a step left out of the evidence (s on each side of the jump).
STEP_GUARD = 0.003
#: Padding (s) of the stretch filtered for the evidence band around each burst.
EVIDENCE_PAD = 0.05


def join_flags(*masks):
    """One ``;``-separated string per burst from boolean masks in the order of :data:`FLAGS`."""
    n = len(masks[0]) if masks else 0
    out = np.full(n, "", dtype=object)
    for name, m in zip(FLAGS, masks):
        for i in np.flatnonzero(m):
            out[i] = name if not out[i] else f"{out[i]};{name}"
    return out


def burst_flags(on, off, sfreq, *, lf_ratio, lf_ratio_max, steps, clip, peaks):
    """Boolean masks of the artefact flags of each burst, in the order of :data:`FLAGS`.

    Parameters
    ----------
    on, off : ndarray of int
        Burst onsets and exclusive offsets (samples).
    sfreq : float
        Hz.
    lf_ratio : ndarray
        Low-frequency (1-15 Hz) excursion over the EMG-band peak of each burst
        (:func:`~.artifacts.low_frequency_ratio`).
    lf_ratio_max : float
        Above it, a movement wave rides on the burst.
    steps : ndarray of int
        Samples of the electrode steps (:func:`~.artifacts.detect_steps`).
    clip : tuple of ndarray
        Saturated stretches ``(starts, stops)``.
    peaks : ndarray of int
        R peaks.

    Returns
    -------
    motion, electrode_step, ecg_overlap, clipped : ndarray of bool
    """
    on, off = np.asarray(on, int), np.asarray(off, int)
    motion = np.asarray(lf_ratio) > lf_ratio_max
    g = int(round(0.005 * sfreq))
    st = np.sort(np.asarray(steps, int))
    step = np.searchsorted(st, on - g) < np.searchsorted(st, off + g, side="right")
    pk = np.sort(np.asarray(peaks, int))
    a, b = pk - int(round(QRS_WINDOW[0] * sfreq)), pk + int(round(QRS_WINDOW[1] * sfreq))
    ecg = overlaps(on, off, a, b) if len(pk) else np.zeros(len(on), bool)
    clipped = overlaps(on, off, clip[0], clip[1]) if len(clip[0]) else np.zeros(len(on), bool)
    return motion, step, ecg, clipped


def hb_ratio(filt, quiet, sfreq, evidence_hz):
    """RMS of the background above ``evidence_hz`` over its RMS in the whole EMG band.

    ``filt`` is band-passed EMG and ``quiet`` a mask of its quiet samples; 1.0 when there are too
    few of them or the band is empty. The evidence test scales the local background by it.
    """
    if quiet.sum() < 100 or evidence_hz >= 0.45 * sfreq:
        return 1.0
    y = signal.sosfiltfilt(_butter(4, float(evidence_hz), "highpass", float(sfreq)), filt)
    full = float(np.sqrt(np.mean(filt[quiet] ** 2)))
    return float(np.sqrt(np.mean(y[quiet] ** 2)) / full) if full > 0 else 1.0


def emg_evidence(filt, sfreq, on, off, level, *, evidence_hz, rho, exclude=()):
    """EMG content of each burst above ``evidence_hz``, in multiples of the background there.

    Parameters
    ----------
    filt : ndarray, shape (n_times,)
        Band-passed EMG (uV).
    sfreq : float
        Hz.
    on, off : ndarray of int
        Bursts (samples).
    level : ndarray
        Background RMS of the band-passed EMG at each burst (uV).
    evidence_hz : float
        Lower edge (Hz) of the evidence band (clamped below 0.45 x ``sfreq``).
    rho : float
        Background RMS above ``evidence_hz`` over the whole band's (:func:`hb_ratio`).
    exclude : sequence of tuple
        Segments ``(starts, stops)`` whose samples do not count (steps, saturation).

    Returns
    -------
    ratio : ndarray
        RMS above ``evidence_hz`` over ``rho * level``; NaN where no sample is left.
    """
    n = filt.size
    out = np.full(len(on), np.nan)
    if not len(on):
        return out
    f = min(float(evidence_hz), 0.4 * sfreq)
    sos = _butter(4, f, "highpass", float(sfreq))
    pad = int(round(EVIDENCE_PAD * sfreq))
    for i, (a, b) in enumerate(zip(np.asarray(on, int), np.asarray(off, int))):
        w0, w1 = max(0, a - pad), min(n, b + pad)
        if w1 - w0 < 16:
            continue
        y = signal.sosfiltfilt(sos, filt[w0:w1], padlen=min(w1 - w0 - 1, 3 * (2 * len(sos) + 1)))[a - w0:b - w0]
        keep = np.ones(y.size, bool)
        for s, e in exclude:
            for u, v in zip(s, e):
                lo, hi = max(u, a) - a, min(v, b) - a
                if hi > lo:
                    keep[lo:hi] = False
        if keep.sum() < max(3, int(0.002 * sfreq)):
            continue
        out[i] = float(np.sqrt(np.mean(y[keep] ** 2))) / max(rho * float(level[i]), 1e-12)
    return out


def ecg_explains(cs2, on, off, level, peaks, resid_var, sfreq, *, k):
    """Whether a QRS residual alone explains each burst (True: the burst is an ``ecg`` artifact).

    The burst's RMS (after template subtraction) is compared with ``k`` x the background augmented
    by the expected residual of a subtracted QRS over the burst (``resid_var``: the per-sample
    variance of clean beats about the template, from R - ``QRS_WINDOW[0]``).

    Returns
    -------
    explained : ndarray of bool
    """
    on, off = np.asarray(on, int), np.asarray(off, int)
    out = np.zeros(len(on), bool)
    if not len(on) or not len(peaks) or resid_var is None or not len(resid_var):
        return out
    pre = int(round(QRS_WINDOW[0] * sfreq))
    m = len(resid_var)
    rms = segment_rms(cs2, on, off)
    pk = np.sort(np.asarray(peaks, int))
    for i, (a, b) in enumerate(zip(on, off)):
        lo, hi = np.searchsorted(pk, a - m + pre), np.searchsorted(pk, b + pre, side="right")
        extra = 0.0
        for r in pk[lo:hi]:
            s, e = max(a, r - pre), min(b, r - pre + m)
            if e > s:
                extra += float(np.sum(resid_var[s - (r - pre):e - (r - pre)]))
        if extra == 0.0:
            continue
        bg = np.sqrt(float(level[i]) ** 2 + extra / max(b - a, 1))
        out[i] = rms[i] < k * bg
    return out


def classify_bursts(raw, filt, sfreq, on, off, *, level, cs2, tail, steps, clip, peaks, stats, params):
    """Artefact flags, artefact reasons and confidence penalties of the bursts of one channel.

    Parameters
    ----------
    raw : ndarray
        The EMG before the band-pass (uV): electrode steps repaired, mains notched and QRS templates
        subtracted, so that the low-frequency excursion of a burst is its own, not a T wave's.
    filt : ndarray
        Band-passed EMG, QRS templates subtracted (uV).
    sfreq : float
        Hz.
    on, off : ndarray of int
        Bursts (samples).
    level : ndarray
        Background RMS at each burst's onset (uV).
    cs2 : ndarray
        Cumulative energy of ``filt``.
    tail : float
        Tail factor of the channel's thresholds.
    steps : ndarray of int
        Electrode steps repaired before filtering.
    clip : tuple of ndarray
        Saturated stretches.
    peaks : ndarray of int
        R peaks (QRS templates subtracted there).
    stats : dict
        Channel statistics: ``pop_sd``, ``hb_ratio``, ``qrs_model``.
    params : DetectionParams

    Returns
    -------
    reasons : ndarray of str
        '' for EMG bursts; the artefact that alone explains the burst otherwise ('motion',
        'electrode_step', 'saturation', 'ecg').
    flags : ndarray of str
        Artefact flags of each burst (:func:`join_flags`).
    penalty : ndarray
        Log-odds subtracted from the burst's confidence (``flag_penalty`` per flag).
    """
    p = params
    ratio, _, _ = low_frequency_ratio(raw, filt, sfreq, on, off, sd=stats["pop_sd"])
    motion, step, ecg, clipped = burst_flags(on, off, sfreq, lf_ratio=ratio, lf_ratio_max=p.lf_ratio_max, steps=steps,
                                             clip=clip, peaks=peaks)
    reasons = np.full(len(on), "", dtype=object)
    need = motion | step | clipped
    if need.any():
        g = int(round(STEP_GUARD * sfreq))
        st = np.asarray(steps, int)
        ex = [(st - g, st + g + 1), clip]
        ratio_hb = emg_evidence(filt, sfreq, on[need], off[need], level[need], evidence_hz=p.evidence_hz,
                                rho=stats.get("hb_ratio", 1.0), exclude=ex)
        bad = ~(ratio_hb >= p.k_evidence)  # NaN (no usable sample) counts as no evidence
        idx = np.flatnonzero(need)[bad]
        reasons[idx] = np.where(clipped[idx], "saturation", np.where(step[idx], "electrode_step", "motion"))
    if ecg.any():
        idx = np.flatnonzero(ecg & (reasons == ""))
        model = stats.get("qrs_model")
        expl = ecg_explains(cs2, on[idx], off[idx], level[idx], peaks, None if model is None else model.resid_var, sfreq,
                            k=p.k_burst * tail)
        reasons[idx[expl]] = "ecg"
    flags = join_flags(motion, step, ecg, clipped)
    penalty = p.flag_penalty * (motion.astype(int) + step + ecg + clipped)
    return reasons, flags, penalty
