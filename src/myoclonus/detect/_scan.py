"""Single-pass kernels over whole chunks: moving RMS, cumulative energy, hysteresis, flat runs.

Each function fuses several NumPy passes over a chunk into one compiled loop (numba) and keeps the
NumPy expression it replaces as the fallback (``MYOCLONUS_NUMBA=0`` or numba missing); the two
agree to rounding (tests/detect/test_scan.py). All arrays are 1-D float64.
"""
from __future__ import annotations

import numpy as np
from scipy.ndimage import uniform_filter1d

from .._numba import njit, use_numba

__all__ = ["moving_rms", "energy_cumsum", "hysteresis_segments", "flat_runs"]


@njit
def _moving_rms_nb(x, n):
    m = x.size
    out = np.empty(m)
    if m == 0:
        return out
    h = n // 2
    s = 0.0
    # window of sample i: x[i - h : i - h + n], indices clamped to the ends ('nearest')
    for j in range(-h, -h + n):
        k = min(max(j, 0), m - 1)
        s += x[k] * x[k]
    for i in range(m):
        v = s / n
        out[i] = np.sqrt(v) if v > 0.0 else 0.0
        a = min(max(i - h, 0), m - 1)
        b = min(max(i - h + n, 0), m - 1)
        s += x[b] * x[b] - x[a] * x[a]
    return out


def moving_rms(x, n):
    """Centred moving RMS over ``n`` samples, edges extended with the edge sample.

    Equals ``sqrt(max(uniform_filter1d(x**2, n, mode='nearest'), 0))`` (one pass compiled).
    """
    x = np.asarray(x, dtype=np.float64)
    n = max(1, int(n))
    if use_numba():
        return _moving_rms_nb(x, n)
    e = uniform_filter1d(np.square(x), n, mode="nearest")
    np.maximum(e, 0.0, out=e)
    return np.sqrt(e, out=e)


@njit
def _energy_cumsum_nb(x):
    out = np.empty(x.size + 1)
    s = 0.0
    out[0] = 0.0
    for i in range(x.size):
        s += x[i] * x[i]
        out[i + 1] = s
    return out


def energy_cumsum(x):
    """Cumulative sum of squares with a leading zero (length ``n + 1``): segment energies by difference."""
    x = np.asarray(x, dtype=np.float64)
    if use_numba():
        return _energy_cumsum_nb(x)
    return np.concatenate([[0.0], np.cumsum(np.square(x))])


@njit
def _hysteresis_nb(env, on, off):
    m = env.size
    starts = np.empty(m // 2 + 1, np.int64)
    stops = np.empty(m // 2 + 1, np.int64)
    k = 0
    i = 0
    while i < m:
        if env[i] > off:
            a = i
            peak = env[i]
            i += 1
            while i < m and env[i] > off:
                if env[i] > peak:
                    peak = env[i]
                i += 1
            if peak >= on:
                starts[k] = a
                stops[k] = i
                k += 1
        else:
            i += 1
    return starts[:k].copy(), stops[:k].copy()


def hysteresis_segments(env, on, off):
    """Segments where ``env > off`` that reach ``on`` (scalars); ``(starts, stops)``, stop exclusive.

    The compiled path is one pass; the fallback is :func:`myoclonus.detect.bursts.hysteresis`.
    """
    env = np.asarray(env, dtype=np.float64)
    if use_numba():
        return _hysteresis_nb(env, float(on), float(off))
    from .bursts import hysteresis

    return hysteresis(env, on, off)


@njit
def _flat_runs_nb(x, min_len):
    m = x.size
    starts = np.empty(m // 2 + 1, np.int64)
    stops = np.empty(m // 2 + 1, np.int64)
    k = 0
    i = 1
    while i < m:
        if x[i] == x[i - 1]:
            a = i - 1
            while i < m and x[i] == x[i - 1]:
                i += 1
            if i - a >= min_len:
                starts[k] = a
                stops[k] = i
                k += 1
        else:
            i += 1
    return starts[:k].copy(), stops[:k].copy()


def flat_runs(x, min_len):
    """Runs of at least ``min_len`` samples (float allowed) with one repeated value: ``(starts, stops)``."""
    x = np.asarray(x, dtype=np.float64)
    if use_numba() and x.size >= 2:
        return _flat_runs_nb(x, float(min_len))
    from .artifacts import runs

    if x.size < 2:
        return np.zeros(0, int), np.zeros(0, int)
    same = np.concatenate([[False], x[1:] == x[:-1]])
    s, e = runs(same)
    s = s - 1
    keep = (e - s) >= min_len
    return s[keep], e[keep]
