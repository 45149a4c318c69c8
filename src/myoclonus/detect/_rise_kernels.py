"""Slow-over-fast rise scores of long bursts (voluntary recruitment against a myoclonic rise): numba kernels
and NumPy references (see :mod:`._kernels`). Public wrapper: :func:`myoclonus.detect.bursts.slow_rise_glr`.
"""
from __future__ import annotations

import numpy as np

from .._numba import njit
from ._kernels import _ar_whiten_nb, _compiled, _ramp_table_cached, ar_whiten

__all__ = ['COARSE_DIV', 'slow_rise_scores']


#: Ramps of ``r >= 4 COARSE_DIV`` samples (the slow ramps of ``bursts.slow_rise_glr``) are fitted coarse
#: to fine by :func:`_free_ramp_ll`: change points every ``r // COARSE_DIV`` samples, then every sample
#: within one coarse step of the best. 4x faster than every change point (0.23 -> ~0.06 ms per burst).
COARSE_DIV = 8


def _coarse_step(r, coarse):
    """Change-point step of the coarse pass for a ramp of ``r`` samples (1: no coarse pass)."""
    return r // coarse if r >= 4 * coarse else 1


def _free_ramp_ll_at(y2, cs, r, c2, ks, s_min):
    """Log-likelihoods of :func:`_free_ramp_ll` for the change points ``ks`` of ramp ``r``."""
    L = y2.size
    s0 = np.maximum(cs[ks] / ks, s_min)
    m = L - ks - r
    s1 = np.maximum((cs[L] - cs[ks + r]) / m, s0)
    ds = s1 - s0
    u = ds / s0
    acc = L * np.log(s0) + m * np.log(s1 / s0) + cs[ks] / s0 + (cs[L] - cs[ks + r]) / s1
    for t in range(r):
        acc = acc + (np.log(1.0 + u * c2[t]) + y2[ks + t] / (s0 + ds * c2[t]))
    return -0.5 * acc


def _free_ramp_ll(y2, k_lo, k_hi, ramps, min_plateau, min_pre, s_min, per_ramp):
    """Best log-likelihood of each ramp length for a raised-cosine rise with unknown levels.

    Model: ``y[t] ~ N(0, v[t])`` independent, ``v = s0`` before the change point ``k``,
    ``s0 + (s1 - s0) c^2`` on the ramp (``c`` the raised-cosine amplitude 0 -> 1 over ``r`` samples,
    as in :func:`_ramp_fit`) and ``s1`` after it, where ``s0`` (the mean square before ``k``, at least
    ``s_min``) and ``s1`` (the mean square after the ramp, at least ``s0``) are profiled out, so
    that neither depends on a background reference outside the fitted stretch. ``k`` runs over
    ``[max(k_lo, min_pre, 1), min(k_hi, len - r - min_plateau)]``; ``per_ramp[j]`` receives the best
    log-likelihood of ``ramps[j]`` (left unchanged when no ``k`` is possible). Written as
    ``-1/2 [L log s0 + m log(s1 / s0) + sum log(1 + u c^2) + sum y^2 / v]`` (``u = s1 / s0 - 1``,
    ``m`` samples after the ramp), so that a flat stretch (``s1 = s0`` for every ``k``) gives exactly
    equal likelihoods. A ramp of ``r >= 4 COARSE_DIV`` samples is fitted coarse to fine (the
    likelihood of a long ramp changes slowly with ``k``): every ``r // COARSE_DIV``-th change point,
    then every change point within one coarse step of the best (first) coarse one.
    """
    L = y2.size
    cs = np.concatenate([[0.0], np.cumsum(y2)])
    for j, r in enumerate(ramps):
        k0 = max(k_lo, min_pre, 1)
        k1 = min(k_hi, L - r - min_plateau)
        if k1 < k0:
            continue
        c = 0.5 - 0.5 * np.cos(np.pi * np.arange(1, r + 1) / (r + 1))
        c2 = c * c
        st = _coarse_step(r, COARSE_DIV)
        ll = _free_ramp_ll_at(y2, cs, r, c2, np.arange(k0, k1 + 1, st), s_min)
        best = float(np.max(ll))
        if st > 1 and best == best:
            kb = k0 + st * int(np.argmax(ll))
            fine = _free_ramp_ll_at(y2, cs, r, c2, np.arange(max(k0, kb - st + 1), min(k1, kb + st - 1) + 1), s_min)
            fb = float(np.max(fine))
            if fb != fb or fb > best:
                best = fb
        per_ramp[j] = best


def _slow_rise_np(x, onsets, offsets, s0v, fast, slow, back, span, out_n, pad, min_pre, min_plateau, order):
    """NumPy reference of :func:`slow_rise_scores`."""
    n = x.size
    out = np.full(len(onsets), np.nan)
    ramps = list(fast) + list(slow)
    per_ramp = np.empty(len(ramps))
    for i, (a, b) in enumerate(zip(onsets, offsets)):
        a, b = int(a), int(b)
        w0 = max(0, a - back)
        w1 = min(n, b, a + span)
        if w1 - w0 < 4 * pad or a >= w1:
            continue
        e, g = ar_whiten(x[w0:w1], order)
        y2 = e * e
        s_min = 1e-6 * (g * s0v[i]) ** 2 + 1e-300
        ak = a - w0
        per_ramp[:] = -np.inf
        _free_ramp_ll(y2, ak - out_n, ak + pad, fast, min_plateau, min_pre, s_min, per_ramp[: len(fast)])
        _free_ramp_ll(y2, 0, ak + pad, slow, min_plateau, min_pre, s_min, per_ramp[len(fast):])
        lf = per_ramp[: len(fast)].max()
        ls = per_ramp[len(fast):].max()
        if np.isfinite(lf) and np.isfinite(ls):
            out[i] = ls - lf
    return out


@njit(error_model="numpy")
def _first_max(v, lo, hi):
    """Python ``max(v[lo:hi])`` (first element kept unless a later one is strictly greater)."""
    m = v[lo]
    for i in range(lo + 1, hi):
        if v[i] > m:
            m = v[i]
    return m


@njit(error_model="numpy")
def _free_ramp_ll_at_nb(y2, cs, r, c2, o, k0, st, nk, s_min):
    """Compiled :func:`_free_ramp_ll_at` for the change points ``k0 + i st``, ``i < nk``.

    ``c2[o:o + r]`` are the squared raised-cosine amplitudes of the ramp (:func:`_ramp_table`). The
    terms ``log(1 + u c^2)`` are summed as logs of products of at most 128 factors (each below
    ``1 + u``, so that a product stays below e**600), which takes the logarithms out of the inner
    loop.
    """
    L = y2.size
    s0 = np.empty(nk)
    ds = np.empty(nk)
    u = np.empty(nk)
    acc = np.empty(nk)
    prod = np.ones(nk)
    lmax = 0.0
    for i in range(nk):
        k = k0 + i * st
        a0 = cs[k] / k
        s0[i] = a0 if a0 > s_min else s_min
        m = L - k - r
        a1 = (cs[L] - cs[k + r]) / m
        s1 = a1 if a1 > s0[i] else s0[i]
        ds[i] = s1 - s0[i]
        u[i] = ds[i] / s0[i]
        acc[i] = L * np.log(s0[i]) + m * np.log(s1 / s0[i]) + cs[k] / s0[i] + (cs[L] - cs[k + r]) / s1
        lu = np.log(1.0 + u[i])
        if lu > lmax:
            lmax = lu
    mm = 128 if lmax * 128 <= 600.0 else max(1, int(600.0 / lmax))
    for t in range(r):
        ct = c2[o + t]
        if st == 1:  # contiguous (vectorised)
            yt = y2[k0 + t:k0 + t + nk]
            for i in range(nk):
                prod[i] *= 1.0 + u[i] * ct
                acc[i] += yt[i] / (s0[i] + ds[i] * ct)
        else:
            for i in range(nk):
                prod[i] *= 1.0 + u[i] * ct
                acc[i] += y2[k0 + i * st + t] / (s0[i] + ds[i] * ct)
        if (t + 1) % mm == 0 or t == r - 1:
            for i in range(nk):
                acc[i] += np.log(prod[i])
                prod[i] = 1.0
    for i in range(nk):
        acc[i] = -0.5 * acc[i]
    return acc


@njit(error_model="numpy")
def _nan_max(v):
    """``(np.max(v), np.argmax(v))`` (the first NaN is the maximum)."""
    best = v[0]
    arg = 0
    if best != best:
        return best, 0
    for i in range(1, v.size):
        if v[i] != v[i]:
            return v[i], i
        if v[i] > best:
            best = v[i]
            arg = i
    return best, arg


@njit(error_model="numpy")
def _free_ramp_ll_nb(y2, k_lo, k_hi, ramps, c2, c2_off, j0, j1, min_plateau, min_pre, s_min, per_ramp, coarse):
    """Compiled :func:`_free_ramp_ll` for ``ramps[j0:j1]`` (results in ``per_ramp[j0:j1]``)."""
    L = y2.size
    cs = np.empty(L + 1)
    cs[0] = 0.0
    for t in range(L):
        cs[t + 1] = cs[t] + y2[t]
    for j in range(j0, j1):
        r = ramps[j]
        k0 = max(k_lo, min_pre, 1)
        k1 = min(k_hi, L - r - min_plateau)
        if k1 < k0:
            continue
        st = r // coarse if r >= 4 * coarse else 1
        ll = _free_ramp_ll_at_nb(y2, cs, r, c2, c2_off[j], k0, st, (k1 - k0) // st + 1, s_min)
        best, ib = _nan_max(ll)
        if st > 1 and best == best:
            kb = k0 + st * ib
            f0 = max(k0, kb - st + 1)
            f1 = min(k1, kb + st - 1)
            fb, _ = _nan_max(_free_ramp_ll_at_nb(y2, cs, r, c2, c2_off[j], f0, 1, f1 - f0 + 1, s_min))
            if fb != fb or fb > best:
                best = fb
        per_ramp[j] = best


@njit(error_model="numpy")
def _slow_rise_nb(x, onsets, offsets, s0v, ramps, n_fast, c2, c2_off, back, span, out_n, pad, min_pre, min_plateau,
                  order, coarse):
    """Compiled :func:`_slow_rise_np` (``ramps``: the fast ramps, then the slow ones)."""
    n = x.size
    nr = ramps.size
    out = np.full(onsets.size, np.nan)
    per_ramp = np.empty(nr)
    for i in range(onsets.size):
        a = onsets[i]
        b = offsets[i]
        w0 = max(0, a - back)
        w1 = min(min(n, b), a + span)
        if w1 - w0 < 4 * pad or a >= w1:
            continue
        e, g = _ar_whiten_nb(np.ascontiguousarray(x[w0:w1]), order, False)
        y2 = e * e
        s_min = 1e-6 * (g * s0v[i]) ** 2 + 1e-300
        ak = a - w0
        per_ramp[:] = -np.inf
        _free_ramp_ll_nb(y2, ak - out_n, ak + pad, ramps, c2, c2_off, 0, n_fast, min_plateau, min_pre, s_min,
                         per_ramp, coarse)
        _free_ramp_ll_nb(y2, 0, ak + pad, ramps, c2, c2_off, n_fast, nr, min_plateau, min_pre, s_min, per_ramp,
                         coarse)
        lf = _first_max(per_ramp, 0, n_fast)
        ls = _first_max(per_ramp, n_fast, nr)
        if np.isfinite(lf) and np.isfinite(ls):
            out[i] = ls - lf
    return out


def slow_rise_scores(x, onsets, offsets, s0v, fast, slow, back, span, out_n, pad, min_pre, min_plateau, order):
    """Slow-over-fast rise log-likelihood ratio of each burst (the loop of ``slow_rise_glr``).

    Parameters
    ----------
    x : ndarray, shape (n_times,)
        Band-passed EMG (uV).
    onsets, offsets : ndarray of int
        Burst onsets and exclusive offsets.
    s0v : ndarray, shape (n_bursts,)
        Background RMS of each burst (uV); only a guard against flat stretches (the fitted
        background variance is at least 1e-6 of its square, after whitening).
    fast, slow : list of int
        Fast and slow ramp lengths (samples).
    back, span : int
        The fitted stretch runs from ``back`` samples before the onset to ``span`` samples after it
        (at most to the offset); it is AR(``order``)-whitened (causal) first.
    out_n, pad : int
        Fast ramps start from ``out_n`` samples before to ``pad`` after the onset; slow ramps anywhere
        up to ``pad`` after it.
    min_pre, min_plateau : int
        Samples of background before a ramp and of plateau after it.
    order : int
        AR order of the whitening.

    Returns
    -------
    llr : ndarray
        ``max LL(slow) - max LL(fast)``, NaN where not computed.
    """
    if _compiled(x) and len(fast) and len(slow):
        r, c2, off = _ramp_table_cached(tuple(int(v) for v in list(fast) + list(slow)))
        return _slow_rise_nb(np.ascontiguousarray(x), np.asarray(onsets, np.int64), np.asarray(offsets, np.int64),
                             np.ascontiguousarray(s0v, dtype=float), r, len(fast), c2, off, int(back), int(span),
                             int(out_n), int(pad), int(min_pre), int(min_plateau), int(order), COARSE_DIV)
    if not (len(fast) and len(slow)):
        return np.full(len(onsets), np.nan)
    return _slow_rise_np(x, np.asarray(onsets, int), np.asarray(offsets, int), np.asarray(s0v, float), list(fast),
                         list(slow), int(back), int(span), int(out_n), int(pad), int(min_pre), int(min_plateau),
                         int(order))
