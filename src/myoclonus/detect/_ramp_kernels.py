"""Ramped change points (a raised-cosine rise or decay of fitted length) of burst edges: numba kernels and
NumPy references (see :mod:`._kernels`). Public wrappers: :mod:`myoclonus.detect.bursts`.
"""
from __future__ import annotations

import numpy as np

from .._numba import njit
from ._kernels import _ar_whiten_nb, _clip_slice, _compiled, _local_var, _local_var_nb, _ramp_table_cached, _squares

__all__ = ['ramp_fits', 'whitened_ramp_fits']


def _ramp_fit(y2, s0, k_lo, k_hi, ramps, min_plateau, per_ramp=None, margin=0.0):
    """Joint ML fit of a change point ``k`` and a raised-cosine ramp of ``r`` samples.

    Model: ``y[t] ~ N(0, v[t])`` independent, ``v = s0`` before ``k``, ``s0 + (s1 - s0) c^2`` on the
    ramp (``c`` the raised-cosine amplitude 0 -> 1 over ``r`` samples) and ``s1`` after it; ``s1`` is
    the mean square after the ramp (profile likelihood). Returns ``(k, r)`` of the best fit with
    ``k`` in ``[k_lo, k_hi]`` (the first sample of the ramp).
    """
    L = y2.size
    cs = np.concatenate([[0.0], np.cumsum(y2)])
    t = np.arange(L)
    best = (-np.inf, k_lo, 0)
    fits = []
    for r in ramps:
        ks = np.arange(max(k_lo, 0), min(k_hi, L - r - min_plateau) + 1)
        if ks.size == 0:
            continue
        s1 = np.maximum((cs[L] - cs[ks + r]) / (L - ks - r), s0)
        rel = t[None, :] - ks[:, None]
        if r > 0:
            c = 0.5 - 0.5 * np.cos(np.pi * np.clip(rel + 1, 0, r + 1) / (r + 1))
        else:
            c = (rel >= 0).astype(float)
        v = s0 + (s1[:, None] - s0) * (c * c)
        ll = -0.5 * np.sum(np.log(v / s0) + y2[None, :] / v, axis=1)
        j = int(np.argmax(ll))
        if per_ramp is not None:
            per_ramp[r] = float(ll[j])
        fits.append((float(ll[j]), int(ks[j]), int(r)))
        if ll[j] > best[0]:
            best = fits[-1]
    # parsimony: the shortest ramp whose likelihood is within `margin` of the best (the end of a long
    # raised-cosine tail is barely distinguishable from background, so its likelihood is flat)
    for ll_r, k, r in fits:  # ramps in increasing order
        if ll_r >= best[0] - margin:
            return k, r
    return best[1], best[2]


def _ramp_fits_np(x, starts, ends, s0v, ramps, s_after, out_n, ref, min_plateau, margin, reverse):
    """NumPy reference of :func:`ramp_fits`."""
    n = x.size
    rmax = ramps[-1]
    out = (ends if reverse else starts).copy()
    rsel = np.zeros(len(starts), np.int64)
    for i, (a, b) in enumerate(zip(starts, ends)):
        if reverse:
            # mirror: the burst's end becomes a start in the reversed signal
            hi = min(n, b + rmax + s_after)
            lo = int(max(a + (b - a) // 4, hi - 3 * rmax - 2 * s_after))
            seg = x[lo:hi][::-1]
            s0 = _local_var(x, hi, hi + ref, s0v[i])
            a_rev = hi - b  # current offset, in reversed coordinates
        else:
            lo = max(0, a - rmax - s_after)
            hi = int(min(b, max(a + 2, lo + 3 * rmax + 2 * s_after)))
            hi = min(hi, n)
            seg = x[lo:hi]
            s0 = _local_var(x, lo - ref, lo, s0v[i])
            a_rev = a - lo
        if seg.size < 8:
            continue
        k, r = _ramp_fit(seg * seg, s0, a_rev - out_n, a_rev + s_after, ramps, min_plateau, margin=margin)
        out[i] = (hi - k) if reverse else (lo + k)
        rsel[i] = r
    return out, rsel


@njit(error_model="numpy")
def _ramp_fit_nb(y2, s0, k_lo, k_hi, ramps, c2, c2_off, min_plateau, margin, per_ramp):
    """Compiled :func:`_ramp_fit`; ``per_ramp[j]`` receives the best LL of ``ramps[j]`` (if fitted).

    ``c2[c2_off[j]:c2_off[j] + ramps[j]]`` are the squared raised-cosine amplitudes of ramp ``j``.
    Samples before the ramp contribute ``y2 / s0`` and those after it ``log(s1 / s0) + y2 / s1``, so
    only the ramp itself is looped over (its log terms summed as logs of products); where ``s1`` is
    clipped to ``s0`` the log-likelihood is the same constant for every ``k`` and ramp, as in the
    reference (exact ties, first maximum).
    """
    L = y2.size
    cs = np.empty(L + 1)
    q = np.empty(L + 1)
    cs[0] = 0.0
    q[0] = 0.0
    for t in range(L):
        cs[t + 1] = cs[t] + y2[t]
        q[t + 1] = q[t] + y2[t] / s0
    flat = -0.5 * q[L]
    nr = ramps.size
    fit_ll = np.empty(nr)
    fit_k = np.empty(nr, np.int64)
    fitted = np.zeros(nr, np.bool_)
    best_ll = -np.inf
    best_k = k_lo
    best_r = 0
    for j in range(nr):
        r = ramps[j]
        k0 = max(k_lo, 0)
        k1 = min(k_hi, L - r - min_plateau)
        if k1 < k0:
            continue
        o = c2_off[j]
        nk = k1 - k0 + 1
        # per-k state, the ramp samples looped over outermost so that the inner loop (over k)
        # vectorises: profile s1 - s0, running sum and running product of v / s0 on the ramp
        ds = np.empty(nk)
        u = np.empty(nk)
        acc = np.empty(nk)
        lt = np.empty(nk)
        prod = np.ones(nk)
        lmax = 0.0
        for i in range(nk):
            k = k0 + i
            s1 = (cs[L] - cs[k + r]) / (L - k - r)
            if s1 < s0:
                s1 = s0
            ds[i] = s1 - s0
            u[i] = ds[i] / s0
            acc[i] = q[k]
            lt[i] = np.log((s0 + ds[i]) / s0)
            if lt[i] > lmax:
                lmax = lt[i]
        # sum of log(v / s0) over the ramp as logs of products of at most 128 factors, each below
        # (s0 + ds) / s0, so that a product stays below e**600
        m = 128 if lmax * 128 <= 600.0 else max(1, int(600.0 / lmax))
        for t in range(r):
            ct = c2[o + t]
            yt = y2[k0 + t:k0 + t + nk]
            for i in range(nk):
                prod[i] *= 1.0 + u[i] * ct
                acc[i] += yt[i] / (s0 + ds[i] * ct)
            if (t + 1) % m == 0 or t == r - 1:
                for i in range(nk):
                    acc[i] += np.log(prod[i])
                    prod[i] = 1.0
        jk = -1
        jl = 0.0
        for i in range(nk):
            k = k0 + i
            if ds[i] == 0.0:
                ll = flat
            else:
                ll = -0.5 * (acc[i] + (L - k - r) * lt[i] + (cs[L] - cs[k + r]) / (s0 + ds[i]))
            if ll != ll:  # np.argmax: the first NaN is the maximum
                jk = k
                jl = ll
                break
            if jk < 0 or ll > jl:
                jk = k
                jl = ll
        per_ramp[j] = jl
        fit_ll[j] = jl
        fit_k[j] = jk
        fitted[j] = True
        if jl > best_ll:
            best_ll = jl
            best_k = jk
            best_r = r
    for j in range(nr):
        if fitted[j] and fit_ll[j] >= best_ll - margin:
            return fit_k[j], ramps[j]
    return best_k, best_r


@njit(error_model="numpy")
def _ramp_fits_nb(x, starts, ends, s0v, ramps, c2, c2_off, s_after, out_n, ref, min_plateau, margin, reverse):
    """Compiled :func:`_ramp_fits_np`."""
    n = x.size
    rmax = ramps[ramps.size - 1]
    out = ends.copy() if reverse else starts.copy()
    rsel = np.zeros(starts.size, np.int64)
    per_ramp = np.empty(ramps.size)
    for i in range(starts.size):
        a = starts[i]
        b = ends[i]
        if reverse:
            hi = min(n, b + rmax + s_after)
            lo = max(a + (b - a) // 4, hi - 3 * rmax - 2 * s_after)
        else:
            lo = max(0, a - rmax - s_after)
            hi = min(min(b, max(a + 2, lo + 3 * rmax + 2 * s_after)), n)
        lo_c = _clip_slice(lo, n)
        hi_c = _clip_slice(hi, n)
        if hi_c - lo_c < 8:
            continue
        y2 = _squares(x, lo_c, hi_c, reverse)
        if reverse:
            s0 = _local_var_nb(x, hi, hi + ref, s0v[i])
            a_rev = hi - b
        else:
            s0 = _local_var_nb(x, lo - ref, lo, s0v[i])
            a_rev = a - lo
        k, r = _ramp_fit_nb(y2, s0, a_rev - out_n, a_rev + s_after, ramps, c2, c2_off, min_plateau, margin,
                            per_ramp)
        out[i] = (hi - k) if reverse else (lo + k)
        rsel[i] = r
    return out, rsel


@njit(error_model="numpy")
def _whitened_ramps_nb(x, starts, ends, s0v, order, reach, ramps, c2, c2_off, s_after, out_n, ref, min_plateau,
                       margin, reverse):
    """Compiled loop of :func:`myoclonus.detect.bursts.fit_ramps_whitened`."""
    n = x.size
    out = ends.copy() if reverse else starts.copy()
    rsel = np.zeros(starts.size, np.int64)
    one_s = np.empty(1, np.int64)
    one_e = np.empty(1, np.int64)
    one_v = np.empty(1)
    for i in range(starts.size):
        a = starts[i]
        b = ends[i]
        if reverse:
            w0, w1 = a, min(n, b + reach)
        else:
            w0, w1 = max(0, a - reach), b
        e, g = _ar_whiten_nb(np.ascontiguousarray(x[w0:w1]), order, reverse)
        one_s[0] = a - w0
        one_e[0] = b - w0
        one_v[0] = (g * s0v[i]) ** 2
        k, r = _ramp_fits_nb(e, one_s, one_e, one_v, ramps, c2, c2_off, s_after, out_n, ref, min_plateau, margin,
                             reverse)
        out[i] = k[0] + w0
        rsel[i] = r[0]
    return out, rsel


def ramp_fits(x, starts, ends, s0v, ramps, s_after, out_n, ref, min_plateau, margin, reverse):
    """Ramped change point of each burst edge (the loop of ``fit_ramps``).

    Parameters
    ----------
    x : ndarray, shape (n_times,)
        Band-passed EMG (uV).
    starts, ends : ndarray of int
        Current onset and exclusive offset of each burst.
    s0v : ndarray, shape (n_bursts,)
        Background variance floor of each burst (uV^2).
    ramps : list of int
        Ramp lengths tried (samples), increasing.
    s_after, out_n, ref, min_plateau : int
        Inward and outward search, reference window and shortest plateau (samples).
    margin : float
        Parsimony margin (log-likelihood).
    reverse : bool
        Fit offsets instead of onsets.

    Returns
    -------
    edges : ndarray of int
        Onsets (or exclusive offsets).
    ramp : ndarray of int
        Fitted ramp length of each burst (samples; 0 where the burst was too short to fit).
    """
    if _compiled(x):
        r, c2, off = _ramp_table_cached(tuple(int(v) for v in ramps))
        return _ramp_fits_nb(np.ascontiguousarray(x), np.asarray(starts, np.int64), np.asarray(ends, np.int64),
                             np.ascontiguousarray(s0v, dtype=float), r, c2, off, int(s_after), int(out_n), int(ref),
                             int(min_plateau), float(margin), bool(reverse))
    return _ramp_fits_np(x, starts, ends, s0v, ramps, s_after, out_n, ref, min_plateau, margin, reverse)


def whitened_ramp_fits(x, starts, ends, s0v, order, reach, ramps, s_after, out_n, ref, min_plateau, margin, reverse):
    """Compiled loop of ``bursts.fit_ramps_whitened`` (AR whitening and ramp fit per burst), or None
    when the NumPy path is to be used (numba missing or disabled, or non-float64 input)."""
    if not _compiled(x):
        return None
    r, c2, off = _ramp_table_cached(tuple(int(v) for v in ramps))
    return _whitened_ramps_nb(np.ascontiguousarray(x), np.asarray(starts, np.int64), np.asarray(ends, np.int64),
                              np.ascontiguousarray(s0v, dtype=float), int(order), int(reach), r, c2, off,
                              int(s_after), int(out_n), int(ref), int(min_plateau), float(margin), bool(reverse))
