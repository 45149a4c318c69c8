"""Single-pass kernels over whole chunks: moving RMS, cumulative energy, hysteresis, flat runs.

Each function fuses several NumPy passes over a chunk into one compiled loop (numba) and keeps the
NumPy expression it replaces as the fallback (``MYOCLONUS_NUMBA=0`` or numba missing); the two
agree to rounding (tests/detect/test_scan.py). All arrays are 1-D float64.
"""
from __future__ import annotations

import numpy as np
from scipy.ndimage import uniform_filter1d

from .._numba import njit, use_numba

__all__ = ["runs", "segment_max", "hysteresis", "moving_rms", "energy_cumsum", "gradient_energy", "flat_runs", "LevelCurve",
           "scaled_hysteresis", "merge_by_onset", "overlaps"]


def runs(mask):
    """Start and stop (exclusive) indices of the runs of True in a boolean array."""
    if mask.size == 0 or not mask.any():
        return np.zeros(0, int), np.zeros(0, int)
    d = np.diff(mask.astype(np.int8), prepend=np.int8(0), append=np.int8(0))
    return np.flatnonzero(d == 1), np.flatnonzero(d == -1)


def segment_max(x, starts, stops):
    """Maximum of ``x[a:b]`` for each (a, b) pair (non-empty, sorted, non-overlapping)."""
    if len(starts) == 0:
        return np.zeros(0)
    padded = np.append(x, -np.inf)
    return np.maximum.reduceat(padded, np.column_stack([starts, stops]).ravel())[::2]


def hysteresis(env, on, off):
    """Segments where ``env > off`` that reach ``on`` somewhere (sample indices, stop exclusive).

    ``on`` and ``off`` may be scalars or arrays broadcastable to ``env``.
    """
    if np.ndim(on) == 0 and np.ndim(off) == 0 and use_numba():
        return _hysteresis_nb(np.asarray(env, dtype=np.float64), float(on), float(off))
    above = env > off
    if not above.any():
        return np.zeros(0, int), np.zeros(0, int)
    d = np.diff(above.astype(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(d == 1)
    stops = np.flatnonzero(d == -1)
    if np.ndim(on) == 0:
        keep = segment_max(env, starts, stops) >= on
    else:
        keep = segment_max(env - on, starts, stops) >= 0
    return starts[keep], stops[keep]


@njit
def _interior(m, h, n):
    """Samples ``i0 <= i < i1`` whose window update ``x[i - h]``, ``x[i - h + n]`` needs no clamping."""
    i0 = min(h, m)
    return i0, max(min(m + h - n, m), i0)


@njit
def _slide(x, s, i, h, n, i0, i1):
    """Window energy ``s`` of sample ``i`` (window ``x[i - h : i - h + n]``, ends repeated) moved
    to sample ``i + 1``; no clamping for ``i0 <= i < i1`` (:func:`_interior`)."""
    if i0 <= i < i1:
        return s + (x[i - h + n] * x[i - h + n] - x[i - h] * x[i - h])
    m = x.size
    a = min(max(i - h, 0), m - 1)
    b = min(max(i - h + n, 0), m - 1)
    return s + (x[b] * x[b] - x[a] * x[a])


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
    i0, i1 = _interior(m, h, n)
    for i in range(m):
        v = s / n
        out[i] = np.sqrt(v) if v > 0.0 else 0.0
        s = _slide(x, s, i, h, n, i0, i1)
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
def _gradient_energy_nb(y, scale, n):
    m = y.size
    d = np.empty(m)
    if m == 1:
        d[0] = 0.0
    else:
        g = y[1] - y[0]
        d[0] = g * g * scale
        for i in range(1, m - 1):
            g = (y[i + 1] - y[i - 1]) / 2.0
            d[i] = g * g * scale
        g = y[m - 1] - y[m - 2]
        d[m - 1] = g * g * scale
    out = np.empty(m)
    h = n // 2
    tmp = 0.0
    for j in range(-h, -h + n):
        tmp += d[min(max(j, 0), m - 1)]
    tmp /= n
    out[0] = tmp
    # the step to sample i drops d[i - 1 - h] and adds d[i - 1 - h + n]: no clamping in between
    i0 = min(max(h + 1, 1), m)
    i1 = max(min(m - n + h + 1, m), i0)
    for i in range(1, m):
        if i0 <= i < i1:
            tmp += (d[i - 1 - h + n] - d[i - 1 - h]) / n
        else:
            a = min(max(i - 1 - h, 0), m - 1)
            b = min(max(i - 1 - h + n, 0), m - 1)
            tmp += (d[b] - d[a]) / n
        out[i] = tmp
    return out


def gradient_energy(y, scale, n):
    """Moving mean over ``n`` samples of the squared gradient of ``y`` times ``scale``.

    Equals ``uniform_filter1d(np.square(np.gradient(y)) * scale, n, mode='nearest')`` to rounding
    (measured <= 1e-13 of its maximum), in one compiled pass without temporaries.
    """
    y = np.asarray(y, dtype=np.float64)
    n = max(1, int(n))
    if use_numba() and y.size >= 2:
        return _gradient_energy_nb(y, float(scale), n)
    return uniform_filter1d(np.square(np.gradient(y)) * scale, n, mode="nearest")


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
    if x.size < 2:
        return np.zeros(0, int), np.zeros(0, int)
    same = np.concatenate([[False], x[1:] == x[:-1]])
    s, e = runs(same)
    s = s - 1
    keep = (e - s) >= min_len
    return s[keep], e[keep]


class LevelCurve:
    """A background level known at window centres and linearly interpolated in between.

    Stands for the full-length array ``np.interp(np.arange(n), centres, values)`` without building
    it: indexing with sample indices returns exactly the values that array would hold.
    """

    def __init__(self, centres, values, n):
        self.centres = np.asarray(centres, dtype=np.float64)
        self.values = np.asarray(values, dtype=np.float64)
        self.size = int(n)

    def __getitem__(self, idx):
        return np.interp(np.asarray(idx, dtype=np.float64), self.centres, self.values)

    def max(self):
        """Largest value over the samples ``0 .. n-1`` (the curve is piecewise linear, so it is
        reached at a sample next to a node or at an end)."""
        c = self.centres
        cand = np.unique(np.clip(np.concatenate([np.floor(c), np.ceil(c), [0.0, self.size - 1.0]]), 0, max(self.size - 1, 0)))
        return float(self[cand].max())


@njit
def _hysteresis_run(x, n, i0, i1, ia, ib, const, lev_c, x0, f0, slope, on, off, state, starts, stops, peaks, vals):
    """Samples ``ia <= i < ib`` of :func:`_scaled_hysteresis_nb`, over which the level is one
    formula: the constant ``lev_c`` or, as np.interp computes it, ``f0`` at ``x0`` plus ``slope``
    per sample. ``state`` is ``(energy, inside, start, best, arg, count)``."""
    s, inside, a, best, arg, k = state
    h = n // 2
    for i in range(ia, ib):
        if const:
            lev = lev_c
        else:
            fi = float(i)
            lev = f0 if x0 == fi else slope * (fi - x0) + f0
        thr = off * lev
        # envelope / level > off, tested on the energy (no square root or division per sample)
        if s > n * (thr * thr):
            e = np.sqrt(s / n) / lev
            if not inside:
                inside = True
                a = i
                best = e
                arg = i
            elif e > best:
                best = e
                arg = i
        elif inside:
            inside = False
            if best >= on:
                starts[k] = a
                stops[k] = i
                peaks[k] = arg
                vals[k] = best
                k += 1
        s = _slide(x, s, i, h, n, i0, i1)
    return s, inside, a, best, arg, k


@njit
def _scaled_hysteresis_nb(x, n, xp, fp, on, off):
    m = x.size
    h = n // 2
    s = 0.0
    for j in range(-h, -h + n):
        k = min(max(j, 0), m - 1)
        s += x[k] * x[k]
    nxp = xp.size
    cap = m // 2 + 1
    starts = np.empty(cap, np.int64)
    stops = np.empty(cap, np.int64)
    peaks = np.empty(cap, np.int64)
    vals = np.empty(cap)
    i0, i1 = _interior(m, h, n)
    state = (s, False, 0, 0.0, 0, 0)
    # the level at sample i exactly as np.interp computes it, run by run: fp[0] up to xp[0], then
    # segment by segment, then fp[-1] from xp[-1] on
    first_in = min(max(int(np.floor(xp[0])) + 1, 0), m)  # first i with i > xp[0]
    last_in = min(max(int(np.ceil(xp[nxp - 1])), first_in), m)  # first i with i >= xp[-1]
    state = _hysteresis_run(x, n, i0, i1, 0, first_in, True, fp[0], 0.0, 0.0, 0.0, on, off, state, starts, stops, peaks, vals)
    for j in range(nxp - 1):
        ia = min(max(int(np.ceil(xp[j])), first_in), last_in)
        ib = min(max(int(np.ceil(xp[j + 1])), first_in), last_in)
        if ib > ia:
            slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j])
            state = _hysteresis_run(x, n, i0, i1, ia, ib, False, 0.0, xp[j], fp[j], slope, on, off, state,
                                    starts, stops, peaks, vals)
    state = _hysteresis_run(x, n, i0, i1, last_in, m, True, fp[nxp - 1], 0.0, 0.0, 0.0, on, off, state,
                            starts, stops, peaks, vals)
    s, inside, a, best, arg, k = state
    if inside and best >= on:
        starts[k] = a
        stops[k] = m
        peaks[k] = arg
        vals[k] = best
        k += 1
    return starts[:k].copy(), stops[:k].copy(), peaks[:k].copy(), vals[:k].copy()


def scaled_hysteresis(x, n, level, on, off):
    """Hysteresis on the moving RMS of ``x`` (``n`` samples) divided by a :class:`LevelCurve`.

    Equals ``hysteresis(moving_rms(x, n) / level_array, on, off)`` with, for each segment, the
    sample of its largest scaled envelope (first one on ties) and that value, in one pass without
    full-length temporaries when compiled.

    Returns
    -------
    starts, stops, peaks : ndarray of int
    values : ndarray
        Scaled envelope at ``peaks``.
    """
    x = np.asarray(x, dtype=np.float64)
    n = max(1, int(n))
    if x.size == 0:
        z = np.zeros(0, int)
        return z, z, z, np.zeros(0)
    if use_numba():
        return _scaled_hysteresis_nb(x, n, level.centres, level.values, float(on), float(off))
    env = moving_rms(x, n)
    env /= np.interp(np.arange(x.size, dtype=np.float64), level.centres, level.values)
    s, e = hysteresis(env, on, off)
    pk = np.array([a + int(np.argmax(env[a:b])) for a, b in zip(s, e)], int)
    return s, e, pk, env[pk]


def merge_by_onset(on, off, min_spacing):
    """Merge bursts overlapping, or starting within ``min_spacing`` samples of the previous onset."""
    if len(on) < 2:
        return on, off
    order = np.argsort(on, kind="stable")
    on, off = on[order], off[order]
    keep_on, keep_off = [on[0]], [off[0]]
    for a, b in zip(on[1:], off[1:]):
        if a < keep_off[-1] or a - keep_on[-1] < min_spacing:
            keep_off[-1] = max(keep_off[-1], b)
        else:
            keep_on.append(a)
            keep_off.append(b)
    return np.array(keep_on, int), np.array(keep_off, int)


def overlaps(on, off, starts, stops):
    """For each (on, off), whether it overlaps any of the sorted segments (starts, stops)."""
    if len(starts) == 0 or len(on) == 0:
        return np.zeros(len(on), bool)
    i = np.searchsorted(stops, on, side="right")
    ok = i < len(starts)
    res = np.zeros(len(on), bool)
    res[ok] = starts[i[ok]] < off[ok]
    return res

