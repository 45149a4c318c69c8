"""Filters and envelopes for EMG, EEG and accelerometer signals (pure functions on arrays).

Every function takes ``(n_channels, n_times)`` float arrays (or 1-D) and ``sfreq`` in Hz, and logs
the filter it applied, so that detections can state their preprocessing.
"""
from __future__ import annotations

import numpy as np
from scipy import signal

from ._logging import logger
from ._validate import MyoclonusUsageError, _check_range

__all__ = ["bandpass", "clamp_band", "moving_rms", "robust_noise_floor"]


def clamp_band(l_freq, h_freq, sfreq):
    """Clamp a pass band below Nyquist: ``h_freq`` at most 0.45 x ``sfreq``.

    Returns ``(l_freq, h_freq)``; ``h_freq`` is None when the band would be empty (high-pass only).
    """
    nyq = sfreq / 2.0
    h = None if h_freq is None else min(float(h_freq), 0.9 * nyq)
    if h is not None and h <= l_freq * 1.2:
        h = None
    return float(l_freq), h


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
        sos = signal.butter(order, [l_freq, h_freq], btype="bandpass", fs=sfreq, output="sos")
        desc = f"Butterworth band-pass {l_freq:g}-{h_freq:g} Hz, order {order}, zero-phase"
    elif l_freq is not None:
        sos = signal.butter(order, l_freq, btype="highpass", fs=sfreq, output="sos")
        desc = f"Butterworth high-pass {l_freq:g} Hz, order {order}, zero-phase"
    else:
        h_freq = min(float(h_freq), 0.9 * nyq)
        sos = signal.butter(order, h_freq, btype="lowpass", fs=sfreq, output="sos")
        desc = f"Butterworth low-pass {h_freq:g} Hz, order {order}, zero-phase"
    padlen = min(data.shape[-1] - 1, 3 * (2 * len(sos) + 1))
    out = signal.sosfiltfilt(sos, data, axis=-1, padlen=max(padlen, 0))
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
