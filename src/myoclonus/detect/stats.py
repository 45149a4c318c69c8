"""Channel-wide quantities of the detector: flat and clipped stretches, mains, ECG, background level.

They come from the whole channel, or from its statistics sample when it is long
(:func:`myoclonus.detect.stream.stats_segments`), so that every chunk of a streamed channel is
detected with the same thresholds as the whole array.
"""
from __future__ import annotations

import numpy as np

from ..preprocess import _mains_psd, clamp_band, detect_mains, mains_harmonics, preprocess_emg
from ._scan import merge_by_onset, runs
from .artifacts import STEP_SPAN, apply_clipping, clipping_rails, detect_flat, detect_steps, mask_from_segments, repair_steps, step_scale
from .classify import hb_ratio
from .bursts import envelope, gaussian_tail_reference, noise_floor, tail_factor
from .ecg import is_ecg_like, qrs_in_emg, qrs_model, subtract_qrs
from .params import DetectionParams

__all__ = ["channel_stats", "flat_stretches", "clipping_warning"]


def clipping_warning(level, n_stretches, fraction):
    """The warning text for a clipped channel."""
    return (
        f"signal clips (saturates) at about +/-{level:.6g} uV in {n_stretches} stretches ({100 * fraction:.2g}% of the "
        "time): amplitudes there are truncated and those stretches are marked as artifacts"
    )



def flat_stretches(raw, sfreq):
    """Non-finite samples set to 0; flat stretches (those included, merged). Returns
    ``raw, starts, stops, n_non_finite``."""
    finite = np.isfinite(raw)
    if finite.all():
        return (raw, *detect_flat(raw, sfreq), 0)
    raw = np.where(finite, raw, 0.0)
    fs, fe = detect_flat(raw, sfreq)
    a, b = runs(~finite)
    fs, fe = merge_by_onset(np.concatenate([fs, a]), np.concatenate([fe, b]), 0)
    return raw, fs, fe, int((~finite).sum())



def channel_stats(raw, sfreq, *, params=None, qrs=None):
    """Channel-wide quantities of the detector, from a raw EMG (the channel or its statistics sample).

    Parameters
    ----------
    raw : ndarray, shape (n_times,)
        Raw EMG (uV): the whole channel, or the statistics sample of a long one
        (:func:`myoclonus.detect.stream.stats_segments`, segments concatenated).
    sfreq : float
        Hz.
    params : DetectionParams | None
        Parameters (default: the defaults); this uses ``method``, ``l_freq``, ``h_freq``,
        ``notch``, ``envelope_window``, ``tail_adapt`` and ``ecg``.
    qrs : ndarray of int | None
        R peaks from an ECG channel, in samples of ``raw``.

    Returns
    -------
    stats : dict
        ``flat`` (bool: the channel is flat), ``clip`` (rails, :func:`~.artifacts.clipping_rails`, or
        None), ``mains_hz``, ``ecg`` (None, or a dict with ``source``), ``qrs_ref`` and ``qrs_shape``
        (ECG found in the EMG itself), ``floor`` (background RMS, uV), ``tail`` (tail factor),
        ``pop_sd`` (robust SD of two-sample differences, the scale of electrode steps, uV),
        ``qrs_model`` (:class:`~.ecg.QRSModel` of the channel's beats, or None), ``hb_ratio`` (background RMS above ``evidence_hz`` over
        its RMS in the whole band), ``warnings``, ``log`` and ``_arrays`` (the filtered and notched
        signals, envelope, R peaks and electrode steps of ``raw``, reused when
        ``raw`` is the whole channel).
    """
    p = DetectionParams() if params is None else params
    method, l_freq, h_freq, notch = p.method, p.l_freq, p.h_freq, p.notch
    envelope_window, tail_adapt, ecg = p.envelope_window, p.tail_adapt, p.ecg
    raw = np.asarray(raw, dtype=np.float64)
    n = raw.size
    st = {"flat": False, "clip": None, "mains_hz": None, "mains_harmonics": None, "ecg": None, "qrs_ref": None, "qrs_shape": None,
          "qrs_model": None, "floor": 0.0, "tail": 1.0, "pop_sd": 1e-12, "hb_ratio": 1.0,
          "warnings": [], "log": [], "_arrays": None}
    raw, fs, fe, n_bad = flat_stretches(raw, sfreq)
    if n_bad:
        st["warnings"].append(f"{n_bad} non-finite samples set to 0 and marked flat")
    flat_frac = float(np.sum(fe - fs)) / max(n, 1)
    if n < 8 or np.ptp(raw) == 0 or flat_frac > 0.9:
        st["flat"] = True
        st["warnings"].append("channel is flat (disconnected?): no detection")
        return st
    st["clip"] = clipping_rails(raw, sfreq)
    cs, ce = apply_clipping(raw, sfreq, st["clip"]) if st["clip"] is not None else (np.zeros(0, int), np.zeros(0, int))
    exclude = None
    if len(fs) or len(cs):
        exclude = mask_from_segments(n, np.concatenate([fs, cs]), np.concatenate([fe, ce]))
    if notch == "auto":
        psd = _mains_psd(raw, sfreq, 60.0)
        f0, ratio = detect_mains(raw, sfreq, max_seconds=60.0, psd=psd)
        if f0 is not None:
            st["mains_hz"] = f0
            st["mains_harmonics"] = mains_harmonics(raw, sfreq, f0, top=clamp_band(l_freq, h_freq, sfreq)[1], psd=psd)
            st["log"].append(f"mains detected at {f0:g} Hz ({ratio:.0f} dB above neighbouring spectrum)")
    elif notch not in (None, False):
        st["mains_hz"] = float(notch)
    st["pop_sd"] = step_scale(raw, span=STEP_SPAN)
    steps, shifts = detect_steps(raw, sfreq, k=p.step_k, sd=st["pop_sd"])
    if len(steps):
        raw = repair_steps(raw, sfreq, steps, shifts)
        st["log"].append(f"{len(steps)} electrode steps subtracted before filtering")
    filt, notched = preprocess_emg(raw, sfreq, l_freq=l_freq, h_freq=h_freq, notch_freq=st["mains_hz"],
                                   notch_harmonics=st["mains_harmonics"], log=st["log"], return_notched=True)
    peaks_r = np.zeros(0, int)
    if ecg is not False:
        if qrs is not None and len(qrs) >= 8:
            peaks_r = np.asarray(qrs, int)
            peaks_r = peaks_r[(peaks_r >= 0) & (peaks_r < n)]
            st["ecg"] = {"source": "ECG channel", "n_beats": int(len(peaks_r))}
        else:
            cand, shape, ref = qrs_in_emg(raw, sfreq)
            ok, info = is_ecg_like(filt, sfreq, cand)
            if ok or (ecg is True and len(cand) >= 8):
                peaks_r = cand
                st["ecg"] = dict(info, source="EMG channel")
                st["qrs_ref"] = ref
                st["qrs_shape"] = shape
        if len(peaks_r):
            st["qrs_model"] = qrs_model(filt, sfreq, peaks_r, notched=notched)
            filt, notched = subtract_qrs(filt, sfreq, peaks_r, st["qrs_model"], notched=notched)
            st["log"].append(f"ECG removed by aligned median QRS-template subtraction with an optimal basis set ({len(peaks_r)} beats, "
                             f"{st['ecg']['source']})")
    floor, quiet = noise_floor(filt, sfreq, exclude=exclude, return_mask=True)
    st["floor"] = floor if floor > 0 else float(np.finfo(float).tiny)
    st["hb_ratio"] = hb_ratio(filt, quiet, sfreq, p.evidence_hz)
    w = max(envelope_window, 3.0 / sfreq)
    env = envelope(filt, sfreq, method=method, window=w)
    if tail_adapt:
        ref = gaussian_tail_reference(sfreq, method=method, window=w, l_freq=l_freq, h_freq=h_freq)
        st["tail"] = tail_factor(env, quiet, st["floor"], ref)
    st["_arrays"] = {"filt": filt, "notched": notched, "env": env, "peaks": peaks_r, "steps": steps}
    return st

