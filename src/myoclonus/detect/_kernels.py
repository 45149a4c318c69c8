"""Per-burst loops of the detector: numba kernels and NumPy fallbacks; this module holds the shared pieces
(dispatch, AR whitening, the ramp table) and the step change point of burst edges. The ramped change
points are in :mod:`._ramp_kernels`, the rise scores in :mod:`._rise_kernels` and the silent-period
loops in :mod:`._silent_kernels`.

Each entry point runs one loop over all bursts (or silent-period candidates). It takes the compiled
kernel when :func:`myoclonus._numba.use_numba` is True at call time and the input is float64, and
otherwise the NumPy reference implementation; both return the same sample indices (the compiled
kernels follow the reference's arithmetic and ``np.argmax`` first-maximum tie breaking; floating
outputs agree to rounding). The public wrappers are in :mod:`myoclonus.detect.bursts` and
:mod:`myoclonus.detect.silent`.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from .. import _numba
from .._numba import njit

#: Order of the autoregressive prediction-error filter of :func:`ar_whiten`, applied before the ramped
#: change points (:func:`fit_ramps_whitened`, channel._ramp_edges). Band-passed sEMG is a coloured
#: (band-limited) process whose samples are correlated over ~1-2 ms, so the independent-sample
#: likelihood of :func:`fit_ramps` overweights runs of correlated samples and the fitted edges of
#: short bursts scatter (unwhitened, cortical jerks of 10-30 ms: offsets -5.4..+3.3 ms, 10th-90th pct).
#: Measured with ``PYTHONPATH=src python benchmarks/accuracy.py --no-nk`` (180 s per profile, seed 1),
#: durations within 15%/5 ms by order: 0 (no whitening) 0.878, 1 0.918, 2 0.935 (but F1 10-50 ms
#: 0.885 -> 0.880), 3 0.934, 4 0.880, 6 0.863. Higher orders lose burst-to-background contrast: the
#: filter is fitted on the burst-dominated stretch and the background (partly amplifier noise) has
#: a flatter spectrum, so whitening the burst's band attenuates the burst relative to the background
#: (1% diagonal loading of the autocorrelation keeps orders 3-6 at 0.93 but costs F1 10-50 ms ->
#: 0.878). Order 3: cortical 0.621 -> 0.798, cortical_subcortical 0.658 -> 0.811, median |onset
#: error| 1.95 -> 1.46 ms, 95th pct 6.84 -> 5.37 ms; seed 2: 0.879 -> 0.928. detect_jerks on the
#: segmental profile (180 s, 4 channels) takes ~0.75 -> ~1.1 s (one small fit per burst edge).
WHITEN_ORDER = 3


def ar_whiten(x, order=WHITEN_ORDER, *, reverse=False):
    """Prediction-error (autoregressive) whitening of a stretch of band-passed EMG.

    The AR(``order``) coefficients come from the Yule-Walker equations on the autocorrelation of
    ``x`` (energy-weighted, so a burst in it dominates); the output is the forward prediction error
    ``e[t] = x[t] - sum_i a_i x[t - i]`` (Makhoul 1975, doi:10.1109/PROC.1975.9792; the first
    ``order`` samples use zeros before ``x``), whose samples are close to independent, as the Gaussian
    change-point likelihoods of :func:`fit_ramps` assume (the AR change-point model of Staude et al.
    2001, doi:10.1155/S1110865701000191). The filter is causal, so a burst's start is not moved
    earlier; with ``reverse=True`` it runs backwards in time (``x[t + i]``), so that a burst's end is
    not moved later (use it for offsets).

    Parameters
    ----------
    x : ndarray, shape (n_times,)
        Band-passed EMG (uV).
    order : int
        AR order (0: no whitening).
    reverse : bool
        Anti-causal filter.

    Returns
    -------
    e : ndarray, shape (n_times,)
        Prediction error (uV); ``x`` itself when the order is 0 or the stretch is degenerate.
    gain : float
        RMS of ``e`` over that of ``x`` (the Yule-Walker prediction-error power ratio), to put
        background levels in the units of ``e``.
    """
    x = np.asarray(x, dtype=float)
    p = int(order)
    n = x.size
    if p <= 0 or n <= 4 * p:
        return x, 1.0
    r = np.array([np.dot(x[: n - k], x[k:]) for k in range(p + 1)]) / n
    if not (np.all(np.isfinite(r)) and r[0] > 0):
        return x, 1.0
    lag = np.abs(np.subtract.outer(np.arange(p), np.arange(p)))
    try:
        a = np.linalg.solve(r[lag], r[1:])  # Yule-Walker
    except np.linalg.LinAlgError:
        return x, 1.0
    if not np.all(np.isfinite(a)):
        return x, 1.0
    e = x.copy()
    for i in range(1, p + 1):  # e[t] = x[t] - sum_i a_i x[t -/+ i], term by term (as the compiled kernel)
        if reverse:
            e[: n - i] -= a[i - 1] * x[i:]
        else:
            e[i:] -= a[i - 1] * x[: n - i]
    gain = float(np.sqrt(np.clip((r[0] - np.dot(a, r[1:])) / r[0], 1e-6, 1.0)))
    return e, gain


__all__ = ["WHITEN_ORDER", "ar_whiten", "refine_edges"]


def _compiled(x):
    """Whether to take the compiled path for signal ``x`` (numba enabled and float64 data)."""
    return _numba.use_numba() and np.asarray(x).dtype == np.float64


# --------------------------------------------------------------------------- NumPy reference


def _llr_change(y2, s0):
    """Index k maximising the likelihood of 'variance s0 before k, estimated variance after k'.

    ``y2``: squared samples; returns k in [1, len-1] (Gaussian log-likelihood, vectorised).
    """
    n = y2.size
    if n < 3:
        return 0
    cs = np.cumsum(y2)
    k = np.arange(1, n)
    before = cs[k - 1]
    after = cs[-1] - before
    m = n - k
    v1 = np.maximum(after / m, s0 * 1e-6)
    # log L(k) up to constants: -before/(2 s0) - m/2 log(v1) - m/2
    ll = -before / (2 * s0) - 0.5 * m * np.log(v1 / s0) - 0.5 * m
    return int(k[np.argmax(ll)])


def _local_var(x, a, b, floor_var):
    """Background variance just outside a burst: robust (median-based) mean square of ``x[a:b]``.

    The median of the squares of Gaussian samples is 0.455 x their variance; a neighbouring burst in
    the window barely moves it. Bounded below by ``floor_var``.
    """
    a, b = max(0, a), min(x.size, b)
    if b - a < 8:
        return floor_var
    return max(float(np.median(np.square(x[a:b]))) / 0.455, floor_var)


def _refine_edges_np(x, edges, peaks, s0, search, ref, reverse):
    """NumPy reference of :func:`refine_edges`."""
    out = np.array(edges, dtype=int, copy=True)
    n = x.size
    for i, (b, p) in enumerate(zip(edges, peaks)):
        if reverse:
            hi = min(n, b + search)
            lo = min(p, b - 2)
            seg = x[lo:hi][::-1]
            if seg.size < 4:
                continue
            out[i] = hi - _llr_change(seg * seg, _local_var(x, hi, hi + ref, s0[i]))
        else:
            lo = max(0, b - search)
            hi = max(p + 1, b + 2)
            seg = x[lo:hi]
            if seg.size < 4:
                continue
            out[i] = lo + _llr_change(seg * seg, _local_var(x, lo - ref, lo, s0[i]))
    return out


# --------------------------------------------------------------------------- compiled kernels


@njit(error_model="numpy")
def _clip_slice(v, n):
    """Python slice-bound normalisation of ``v`` for a sequence of length ``n``."""
    if v < 0:
        v += n
        if v < 0:
            v = 0
    if v > n:
        v = n
    return v


@njit(error_model="numpy")
def _median_squares(x, a, b):
    """``np.median(np.square(x[a:b]))`` (``b > a``), by quickselect with a branch-free partition.

    An order statistic is unique, so this equals NumPy's result exactly (NaN if any sample is NaN).
    Median-of-three pivots; elements equal to the pivot are grouped so that ties cost one pass.
    """
    n = b - a
    A = np.empty(n)
    for i in range(n):
        v = x[a + i]
        if v != v:
            return np.nan
        A[i] = v * v
    k = n // 2
    lo = 0
    hi = n - 1
    while hi > lo:
        mid = (lo + hi) // 2
        if A[mid] < A[lo]:
            A[mid], A[lo] = A[lo], A[mid]
        if A[hi] < A[lo]:
            A[hi], A[lo] = A[lo], A[hi]
        if A[hi] < A[mid]:
            A[hi], A[mid] = A[mid], A[hi]
        pivot = A[mid]
        A[mid] = A[hi]
        A[hi] = pivot
        w = lo  # A[lo:w] < pivot <= A[w:i]
        for i in range(lo, hi):
            v = A[i]
            A[i] = A[w]
            A[w] = v
            w += v < pivot
        A[hi] = A[w]
        A[w] = pivot
        if k < w:
            hi = w - 1
            continue
        e = w + 1  # A[w:e] == pivot <= A[e:i]
        for i in range(w + 1, hi + 1):
            v = A[i]
            A[i] = A[e]
            A[e] = v
            e += v == pivot
        if k < e:  # A[k] is the pivot
            break
        lo = e
    hi_v = A[k]
    if n % 2:
        return hi_v
    lo_v = A[0]
    for i in range(1, k):
        if A[i] > lo_v:
            lo_v = A[i]
    return (lo_v + hi_v) / 2


@njit(error_model="numpy")
def _local_var_nb(x, a, b, floor_var):
    """Compiled :func:`_local_var`."""
    a = max(0, a)
    b = min(x.size, b)
    if b - a < 8:
        return floor_var
    r = _median_squares(x, a, b) / 0.455
    return floor_var if floor_var > r else r


@njit(error_model="numpy")
def _squares(x, lo, hi, reverse):
    """``x[lo:hi] ** 2`` as a new array, reversed with ``reverse`` (bounds already normalised)."""
    m = max(0, hi - lo)
    y2 = np.empty(m)
    for t in range(m):
        v = x[hi - 1 - t] if reverse else x[lo + t]
        y2[t] = v * v
    return y2


@njit(error_model="numpy")
def _argmax_nb(v):
    """``np.argmax`` of a 1-D float array: the first maximum, and the first NaN counts as maximum."""
    best_k = 0
    for k in range(v.size):
        if v[k] != v[k]:
            return k
        if v[k] > v[best_k]:
            best_k = k
    return best_k


@njit(error_model="numpy")
def _llr_change_nb(y2, s0):
    """Compiled :func:`_llr_change` (first maximum, NaN counts as maximum like ``np.argmax``)."""
    n = y2.size
    if n < 3:
        return 0
    cs = np.cumsum(y2)
    total = cs[n - 1]
    floor = s0 * 1e-6
    ll = np.empty(n - 1)
    for k in range(1, n):
        before = cs[k - 1]
        m = n - k
        v1 = (total - before) / m
        if v1 < floor:
            v1 = floor
        ll[k - 1] = -before / (2 * s0) - 0.5 * m * np.log(v1 / s0) - 0.5 * m
    return 1 + _argmax_nb(ll)


@njit(error_model="numpy")
def _refine_edges_nb(x, edges, peaks, s0, search, ref, reverse):
    """Compiled :func:`_refine_edges_np`."""
    n = x.size
    out = edges.copy()
    for i in range(edges.size):
        b = edges[i]
        p = peaks[i]
        if reverse:
            hi = min(n, b + search)
            lo = min(p, b - 2)
        else:
            lo = max(0, b - search)
            hi = max(p + 1, b + 2)
        lo_c = _clip_slice(lo, n)
        hi_c = _clip_slice(hi, n)
        if hi_c - lo_c < 4:
            continue
        y2 = _squares(x, lo_c, hi_c, reverse)
        if reverse:
            out[i] = hi - _llr_change_nb(y2, _local_var_nb(x, hi, hi + ref, s0[i]))
        else:
            out[i] = lo + _llr_change_nb(y2, _local_var_nb(x, lo - ref, lo, s0[i]))
    return out


@njit(error_model="numpy")
def _ar_whiten_nb(x, order, reverse):
    """Compiled :func:`myoclonus.detect.bursts.ar_whiten` (same operations, same order)."""
    n = x.size
    p = order
    if p <= 0 or n <= 4 * p:
        return x.copy(), 1.0
    r = np.empty(p + 1)
    for k in range(p + 1):
        r[k] = np.dot(x[: n - k], x[k:]) / n
    ok = r[0] > 0
    for k in range(p + 1):
        if not np.isfinite(r[k]):
            ok = False
    if not ok:
        return x.copy(), 1.0
    m = np.empty((p, p))
    for i in range(p):
        for j in range(p):
            m[i, j] = r[abs(i - j)]
    a = np.linalg.solve(m, r[1:].copy())
    for i in range(p):
        if not np.isfinite(a[i]):
            return x.copy(), 1.0
    e = x.copy()
    for i in range(1, p + 1):
        c = a[i - 1]
        if reverse:
            for t in range(n - i):
                e[t] -= c * x[t + i]
        else:
            for t in range(i, n):
                e[t] -= c * x[t - i]
    pe = (r[0] - np.dot(a, r[1:].copy())) / r[0]
    pe = min(max(pe, 1e-6), 1.0)
    return e, np.sqrt(pe)


# --------------------------------------------------------------------------- entry points


def _ramp_table(ramps):
    """Squared raised-cosine amplitudes of each ramp, concatenated, and their offsets.

    For ramp ``r`` the ``j``-th sample (``j < r``) has amplitude ``0.5 - 0.5 cos(pi (j + 1) / (r + 1))``,
    computed with NumPy exactly as in :func:`_ramp_fit`.
    """
    ramps = np.asarray(ramps, np.int64)
    parts = [np.zeros(0)]
    for r in ramps:
        c = 0.5 - 0.5 * np.cos(np.pi * np.arange(1, r + 1) / (r + 1))
        parts.append(c * c)
    off = np.concatenate([[0], np.cumsum(ramps)]).astype(np.int64)
    return ramps, np.concatenate(parts), off


@lru_cache(maxsize=16)
def _ramp_table_cached(ramps):
    """:func:`_ramp_table` of a tuple of ramp lengths, cached (the fits run once per burst in
    ``bursts.fit_ramps_whitened``); the arrays are read-only to the kernels."""
    return _ramp_table(ramps)


def refine_edges(x, edges, peaks, s0, search, ref, reverse):
    """Likelihood-ratio change point of each burst edge (the loop of ``refine_onsets``/``refine_offsets``).

    Parameters
    ----------
    x : ndarray, shape (n_times,)
        Band-passed EMG (uV).
    edges, peaks : ndarray of int
        Detected starts (or exclusive stops with ``reverse``) and envelope peaks.
    s0 : ndarray, shape (n_bursts,)
        Background variance floor of each burst (uV^2).
    search, ref : int
        Look-back (look-ahead with ``reverse``) and reference-window lengths (samples).
    reverse : bool
        Refine offsets (the change point runs backwards from ``search`` samples after the stop).

    Returns
    -------
    out : ndarray of int
        Refined onsets (or exclusive offsets).
    """
    if _compiled(x):
        return _refine_edges_nb(np.ascontiguousarray(x), np.asarray(edges, np.int64), np.asarray(peaks, np.int64),
                                np.ascontiguousarray(s0, dtype=float), int(search), int(ref), bool(reverse))
    return _refine_edges_np(x, edges, peaks, s0, search, ref, reverse)


