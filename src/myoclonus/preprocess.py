"""Filters and envelopes for EMG, EEG and accelerometer signals (pure functions on arrays).

Every function takes ``(n_channels, n_times)`` float arrays (or 1-D) and ``sfreq`` in Hz, and logs
the filter it applied, so that detections can state their preprocessing.
"""
from __future__ import annotations

import functools

import numpy as np
from scipy import signal

from . import _iir
from ._logging import logger
from ._validate import MyoclonusUsageError, _check_range

__all__ = [
    "MAINS_CANDIDATES",
    "MAINS_MIN_DB",
    "acc_magnitude",
    "bandpass",
    "clamp_band",
    "detect_mains",
    "jerk_signal",
    "mains_harmonics",
    "moving_rms",
    "notch",
    "preprocess_emg",
    "robust_noise_floor",
    "tkeo",
]


def clamp_band(l_freq, h_freq, sfreq):
    """Clamp a pass band below Nyquist: ``h_freq`` at most 0.45 x ``sfreq``.

    Returns ``(l_freq, h_freq)``; ``h_freq`` is None when the band would be empty (high-pass only).
    """
    nyq = sfreq / 2.0
    h = None if h_freq is None else min(float(h_freq), 0.9 * nyq)
    if h is not None and h <= l_freq * 1.2:
        h = None
    return float(l_freq), h


@functools.lru_cache(maxsize=64)
def _butter(order, freqs, btype, sfreq):
    """Butterworth second-order sections (cached: chunked detection designs the same filters often)."""
    sos = signal.butter(order, list(freqs) if isinstance(freqs, tuple) else freqs, btype=btype, fs=sfreq, output="sos")
    return sos


@functools.lru_cache(maxsize=64)
def _notch_sos(harmonics, quality, sfreq):
    """Second-order sections of IIR notches at ``harmonics`` (Hz), cached."""
    sos = np.concatenate([signal.tf2sos(*signal.iirnotch(fh, quality, fs=sfreq)) for fh in harmonics], axis=0)
    return sos


def bandpass(data, sfreq, l_freq, h_freq, *, order=4, log=None):
    """Zero-phase Butterworth band-pass (or high-pass when ``h_freq`` is None).

    Parameters
    ----------
    data : ndarray, shape (..., n_times)
    sfreq : float
        Hz.
    l_freq, h_freq : float | None
        Pass band edges in Hz; ``h_freq`` is clamped below Nyquist (0.45 x sfreq).
    order : int
        Butterworth order (applied forward and backward: effective order doubles).
    log : list | None
        Description of the filter is appended here.

    Returns
    -------
    filtered : ndarray, same shape, float64
    """
    _check_range("sfreq", sfreq, 0, None, unit="Hz", inclusive=False)
    data = np.asarray(data, dtype=np.float64)
    if l_freq is None and h_freq is None:
        return data.copy()
    if l_freq is not None:
        l_freq, h_freq = clamp_band(l_freq, h_freq, sfreq)
    nyq = sfreq / 2.0
    if l_freq is not None and l_freq >= nyq:
        raise MyoclonusUsageError(f"High-pass at {l_freq} Hz is above Nyquist ({nyq} Hz).")
    if l_freq is not None and h_freq is not None:
        sos = _butter(order, (float(l_freq), float(h_freq)), "bandpass", float(sfreq)).copy()
        desc = f"Butterworth band-pass {l_freq:g}-{h_freq:g} Hz, order {order}, zero-phase"
    elif l_freq is not None:
        sos = _butter(order, float(l_freq), "highpass", float(sfreq)).copy()
        desc = f"Butterworth high-pass {l_freq:g} Hz, order {order}, zero-phase"
    else:
        h_freq = min(float(h_freq), 0.9 * nyq)
        sos = _butter(order, float(h_freq), "lowpass", float(sfreq)).copy()
        desc = f"Butterworth low-pass {h_freq:g} Hz, order {order}, zero-phase"
    padlen = min(data.shape[-1] - 1, 3 * (2 * len(sos) + 1))
    out = _iir.sosfiltfilt(sos, data, padlen=max(padlen, 0))
    logger.debug("Filter: %s", desc)
    if log is not None:
        log.append(desc)
    return out


def moving_rms(x, sfreq, window):
    """Centred moving root-mean-square envelope.

    Parameters
    ----------
    x : ndarray, shape (..., n_times)
    sfreq : float
        Hz.
    window : float
        Window length in seconds (at least one sample).

    Returns
    -------
    env : ndarray, same shape as ``x``, same unit as ``x``.
    """
    n = max(1, int(round(window * sfreq)))
    x2 = np.asarray(x, dtype=np.float64) ** 2
    kernel = np.ones(n) / n
    if x2.ndim == 1:
        env = np.convolve(x2, kernel, mode="same")
    else:
        from scipy.ndimage import uniform_filter1d

        env = uniform_filter1d(x2, n, axis=-1, mode="nearest")
    return np.sqrt(np.maximum(env, 0.0))


def robust_noise_floor(env, sfreq, *, window=0.5, quantile=0.2):
    """Noise floor of an envelope from its quiet parts, robust to many bursts.

    The envelope is cut into windows of ``window`` seconds; the noise level is the median of the
    envelope within the quietest ``quantile`` of windows (ranked by their median). A signal full of
    jerks still has quiet gaps between them, which this finds; the global mean would not.

    Returns
    -------
    level : float
        Typical envelope value at rest (same unit as ``env``).
    spread : float
        Robust SD (1.4826 x MAD) of the envelope in those windows.
    """
    env = np.asarray(env, dtype=np.float64).ravel()
    n = max(1, int(round(window * sfreq)))
    n_win = env.size // n
    if n_win < 3:
        med = float(np.median(env))
        return med, float(1.4826 * np.median(np.abs(env - med)))
    w = env[: n_win * n].reshape(n_win, n)
    meds = np.median(w, axis=1)
    k = max(1, int(np.ceil(quantile * n_win)))
    quiet = w[np.argsort(meds)[:k]].ravel()
    level = float(np.median(quiet))
    spread = float(1.4826 * np.median(np.abs(quiet - level)))
    return level, spread


# ---------------------------------------------------------------------------------------------
# Mains notch, TKEO, accelerometer signals


#: Mains candidates (Hz) for automatic notch selection.
MAINS_CANDIDATES = (50.0, 60.0)
#: A mains line must stand this many dB above the neighbouring spectrum to be notched.
MAINS_MIN_DB = 10.0


def _mains_psd(x, sfreq, max_seconds):
    """Welch spectrum (1 s segments) of the first ``max_seconds`` of ``x``, or None if too short."""
    x = np.asarray(x, dtype=np.float64).ravel()[: int(max_seconds * sfreq)]
    nper = int(min(x.size, round(sfreq)))
    if nper < 16:
        return None
    return signal.welch(x - np.mean(x), sfreq, nperseg=nper)


def _line_db(f, p, fh):
    """dB of the spectral line at ``fh`` (max power within 1 Hz) over the median power 2-8 Hz away;
    None when the spectrum is too coarse to tell (under about 1 s of data)."""
    line = p[np.abs(f - fh) <= 1.0]
    near = p[(np.abs(f - fh) >= 2) & (np.abs(f - fh) <= 8)]
    if not (line.size and near.size):
        return None
    return 10 * np.log10(max(line.max(), 1e-300) / max(np.median(near), 1e-300))


def detect_mains(x, sfreq, *, candidates=MAINS_CANDIDATES, min_db=MAINS_MIN_DB, max_seconds=60.0, psd=None):
    """Detect mains interference (50 or 60 Hz) from the power spectrum.

    The power at each candidate frequency and its harmonics below Nyquist (Welch, 1 s segments on
    at most ``max_seconds`` of data) is compared with the median power 2-8 Hz away; the candidate
    whose line stands highest, if it is at least ``min_db`` dB above its neighbourhood, is returned.

    Parameters
    ----------
    x : ndarray, shape (n_times,)
    sfreq : float
        Hz.
    candidates : tuple of float
        Mains frequencies to test (Hz).
    min_db : float
        Minimum line-to-neighbourhood ratio in dB.
    max_seconds : float
        Length of data analysed (s), from the start.

    Returns
    -------
    freq : float | None
        Detected mains frequency in Hz, or None.
    ratio_db : float
        Line-to-neighbourhood ratio of the best candidate (dB).

    Notes
    -----
    ``psd``: the ``(freqs, power)`` that ``_mains_psd(x, sfreq, max_seconds)`` returns, when already
    computed (:func:`mains_harmonics` uses the same spectrum).
    """
    psd = _mains_psd(x, sfreq, max_seconds) if psd is None else psd
    if psd is None:
        return None, 0.0
    f, p = psd
    best, best_db = None, -np.inf
    for f0 in candidates:
        ratios = []
        for h in range(1, 4):
            fh = f0 * h
            if fh + 8 >= sfreq / 2:
                break
            db = _line_db(f, p, fh)
            if db is None:
                break
            ratios.append(db)
        if ratios and max(ratios) > best_db:
            best, best_db = f0, float(max(ratios))
    if best is None or best_db < min_db:
        return None, float(best_db) if np.isfinite(best_db) else 0.0
    return best, best_db


def mains_harmonics(x, sfreq, freq, *, top=None, min_db=MAINS_MIN_DB, max_seconds=60.0, psd=None):
    """The multiples of ``freq`` (Hz) up to ``top`` whose spectral line stands out (the ones to notch).

    Same spectrum and test as :func:`detect_mains` (Welch, 1 s segments on at most ``max_seconds``;
    line power within 1 Hz over the median power 2-8 Hz away, at least ``min_db`` dB). Mains
    interference rarely carries every harmonic; notching only those present leaves the EMG band
    (and the filter cost) alone elsewhere.

    Returns
    -------
    harmonics : list of float
        Hz, increasing (possibly empty).

    Notes
    -----
    ``psd``: the spectrum already computed for :func:`detect_mains` (same ``max_seconds``).
    """
    top = 0.45 * sfreq if top is None else min(top, 0.45 * sfreq)
    psd = _mains_psd(x, sfreq, max_seconds) if psd is None else psd
    if psd is None:
        return []
    f, p = psd
    out = []
    for k in range(1, 20):
        fh = freq * k
        if fh > top or fh + 8 >= sfreq / 2:
            break
        db = _line_db(f, p, fh)
        if db is not None and db >= min_db:
            out.append(float(fh))
    return out


def notch(data, sfreq, freq, *, h_freq=None, quality=30.0, harmonics=None, log=None):
    """Zero-phase IIR notch at ``freq`` and its harmonics up to ``h_freq`` (or 0.45 x sfreq).

    Parameters
    ----------
    data : ndarray, shape (..., n_times)
    sfreq, freq : float
        Hz.
    h_freq : float | None
        Highest harmonic to notch (Hz).
    quality : float
        Quality factor (bandwidth = freq / quality: 1.7 Hz at 50 Hz).
    harmonics : list of float | None
        The frequencies (Hz) to notch, e.g. from :func:`mains_harmonics`; default every multiple
        of ``freq`` up to ``h_freq``.
    log : list | None
        Description appended here.
    """
    _check_range("freq", freq, 0, sfreq / 2, unit="Hz", inclusive=False)
    top = 0.45 * sfreq if h_freq is None else min(h_freq, 0.45 * sfreq)
    out = np.asarray(data, dtype=np.float64)
    if harmonics is None:
        harmonics = [freq * k for k in range(1, 20) if freq * k <= top]
    else:
        harmonics = [float(h) for h in harmonics if 0 < h <= top]
    if not harmonics:
        return out.copy()
    sos = _notch_sos(tuple(float(h) for h in harmonics), float(quality), float(sfreq)).copy()
    padlen = min(out.shape[-1] - 1, 3 * (2 * len(sos) + 1))
    out = _iir.sosfiltfilt(sos, out, padlen=max(padlen, 0))
    desc = f"IIR notch {', '.join(f'{h:g}' for h in harmonics)} Hz (Q={quality:g}), zero-phase"
    logger.debug("Filter: %s", desc)
    if log is not None:
        log.append(desc)
    return out


def tkeo(x):
    """Teager-Kaiser energy operator ``x[n]^2 - x[n-1] x[n+1]`` (edges repeated).

    Li X, Zhou P, Aruin AS (2007). Teager-Kaiser energy operation of surface EMG improves muscle
    activity onset detection. Ann Biomed Eng 35:1532-1538. doi:10.1007/s10439-007-9320-z
    """
    x = np.asarray(x, dtype=np.float64)
    out = np.empty_like(x)
    out[..., 1:-1] = x[..., 1:-1] ** 2 - x[..., :-2] * x[..., 2:]
    if x.shape[-1] > 2:
        out[..., 0] = out[..., 1]
        out[..., -1] = out[..., -2]
    else:
        out[...] = x**2
    return out


def preprocess_emg(x, sfreq, *, l_freq=20.0, h_freq=450.0, notch_freq="auto", notch_harmonics=None, baseline_hp=None,
                   log=None, return_notched=False):
    """EMG preprocessing: optional baseline high-pass, mains notch, band-pass (all zero-phase).

    Parameters
    ----------
    x : ndarray, shape (..., n_times)
        EMG in microvolts.
    sfreq : float
        Hz.
    l_freq, h_freq : float
        Band-pass edges (Hz); ``h_freq`` clamped below Nyquist. 20-450 Hz keeps surface-EMG power
        and removes movement artefact (De Luca et al. 2010, doi:10.1016/j.jbiomech.2010.01.027).
    notch_freq : 'auto' | float | None
        Mains frequency to notch; 'auto' detects 50/60 Hz (:func:`detect_mains`) and notches the
        harmonics that stand out (:func:`mains_harmonics`); a number notches it and all its
        harmonics (or ``notch_harmonics``); None skips.
    notch_harmonics : list of float | None
        With a numeric ``notch_freq``: the frequencies (Hz) to notch.
    baseline_hp : float | None
        Extra high-pass (Hz) applied first, for strongly drifting baselines.
    log : list | None
        Descriptions of the filters applied are appended here.
    return_notched : bool
        Also return the signal before the band-pass (mean removed, notched).

    Returns
    -------
    filtered : ndarray, same shape, microvolts.
    notched : ndarray, same shape, microvolts
        Only with ``return_notched``.
    """
    y = np.asarray(x, dtype=np.float64)
    y = y - np.mean(y, axis=-1, keepdims=True)  # no DC step at the edges of the zero-phase filters
    if baseline_hp is not None:
        y = bandpass(y, sfreq, baseline_hp, None, order=2, log=log)
    lo, hi = clamp_band(l_freq, h_freq, sfreq)
    harmonics = notch_harmonics
    if notch_freq == "auto":
        y0 = y if y.ndim == 1 else y[0]
        psd = _mains_psd(y0, sfreq, 60.0)
        f0, ratio = detect_mains(y0, sfreq, psd=psd)
        if f0 is not None:
            harmonics = mains_harmonics(y0, sfreq, f0, top=hi, psd=psd)
            if log is not None:
                log.append(f"mains detected at {f0:g} Hz ({ratio:.0f} dB above neighbouring spectrum)")
    else:
        f0 = notch_freq
    if f0 is not None and f0 < 0.45 * sfreq and (harmonics is None or len(harmonics)):
        # two zero-phase filters in a row, not one combined cascade (which would save a pass): the
        # same in the interior, but the combined cascade's odd extension rings at the end of a
        # record with mains, enough for a false jerk within `edge` of the end at 250 Hz
        # (tests/detect/test_detect_engine.py::test_voluntary_contraction_is_one_sustained; an ad
        # hoc check put the envelope RMS of the last 50-100 ms at up to 2x its steady state)
        y = notch(y, sfreq, f0, h_freq=hi, harmonics=harmonics, log=log)
    out = bandpass(y, sfreq, lo, hi, log=log)
    return (out, y) if return_notched else out


def acc_magnitude(data):
    """Euclidean norm across axes (first axis) of an accelerometer array ``(n_axes, n_times)``."""
    data = np.atleast_2d(np.asarray(data, dtype=np.float64))
    return np.sqrt(np.einsum("ij,ij->j", data, data))


def jerk_signal(data, sfreq, *, l_freq=0.5, h_freq=30.0, log=None):
    """Magnitude of the jerk (time derivative of acceleration) of a 1-3 axis accelerometer.

    Each axis is band-passed ``l_freq``-``h_freq`` Hz (removes gravity and sensor noise), then
    differentiated; the Euclidean norm across axes is returned (m/s^3).
    """
    data = np.atleast_2d(np.asarray(data, dtype=np.float64))
    filt = bandpass(data, sfreq, l_freq, h_freq, order=2, log=log)
    d = np.gradient(filt, axis=-1) * sfreq
    return acc_magnitude(d)
