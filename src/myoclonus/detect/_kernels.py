"""Per-burst loops of burst refinement and silent-period detection: numba kernels and NumPy fallbacks.

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
from ._scan import runs

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



__all__ = ["refine_edges", "ramp_fits", "slow_rise_scores", "quiet_runs", "silent_candidates"]


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


def _var_change(y2):
    """Change point between two segments of unknown variances (Gaussian likelihood), k in [1, n-1]."""
    n = y2.size
    if n < 3:
        return n // 2
    ks = np.arange(1, n)
    c = np.cumsum(y2)
    v0 = np.maximum(c[:-1] / ks, 1e-12)
    v1 = np.maximum((c[-1] - c[:-1]) / (n - ks), 1e-12)
    ll = -ks * np.log(v0) - (n - ks) * np.log(v1)
    return int(ks[np.argmax(ll)])


def _quiet_np(x2, cs2, mask, ne, h, r2):
    """NumPy reference of :func:`quiet_runs`."""
    n = x2.size
    csm = np.concatenate([[0.0], np.cumsum(x2 * mask)])
    cm = np.concatenate([[0], np.cumsum(mask, dtype=np.int64)])
    i = np.arange(n)
    a, b = np.maximum(i - ne // 2, 0), np.minimum(i + ne - ne // 2, n)
    env2 = (cs2[b] - cs2[a]) / (b - a)
    a, b = np.maximum(i - h, 0), np.minimum(i + h, n)
    level2 = (csm[b] - csm[a]) / np.maximum(cm[b] - cm[a], 1)
    return runs(env2 < r2 * level2)


def _extend_back(mask, b0, need, span):
    """Start of the stretch ending at ``b0`` that holds ``need`` unmasked samples (at most ``span`` long)."""
    lo = max(0, b0 - span)
    c = np.cumsum(mask[lo:b0][::-1], dtype=np.int64)
    k = int(np.searchsorted(c, need))
    return b0 - 1 - k if k < c.size else lo


def _extend_fwd(mask, a0, need, span, n):
    """End (exclusive) of the stretch starting at ``a0`` that holds ``need`` unmasked samples."""
    hi = min(n, a0 + span)
    c = np.cumsum(mask[a0:hi], dtype=np.int64)
    k = int(np.searchsorted(c, need))
    return a0 + k + 1 if k < c.size else hi


def _quiet_spans_np(cs2, mask, lo, hi, length, thr):
    """Unmasked ``length``-sample stretches starting in ``[lo, hi - length]``: (free flags, first and
    last starts of the runs of those with energy below ``thr``)."""
    t = np.arange(lo, hi - length + 1)
    cm = np.concatenate([[0], np.cumsum(mask[lo:hi], dtype=np.int64)])
    free = (cm[t - lo + length] - cm[t - lo]) == length
    qs, qe = runs(free & ((cs2[t + length] - cs2[t]) < thr))
    return free, lo + qs, lo + qe - 1


def _reference_np(cs2, mask, a0, b0, lo, hi, length, thr, w, thr_w, rest, gap_ratio, ext_lo, ext_hi):
    """The surrounding EMG ``[a0, b0)`` of a silence of ``length`` samples, outside ``mask``, its
    quiet runs followed into ``[lo, hi)``.

    Returns (samples covered by its unmasked stretches of ``length``, whether it holds a comparable
    gap, the part of it in quiet runs longer than ``rest``, whether a quiet run reaches ``lo`` (with
    ``ext_lo``) or ``hi`` (with ``ext_hi``): it is then to be measured again with the reference
    widened, as it may be rest). A comparable gap: a run of unmasked ``length`` stretches quieter than ``thr``
    (energy) spanning at most ``rest`` samples, or a run of unmasked ``w`` windows quieter than
    ``thr_w`` spanning at most ``rest`` and over ``length / gap_ratio`` samples. Longer quiet runs
    are rest, not gaps of the tonic EMG.
    """
    if b0 - a0 < length:
        return 0, False, 0, False
    free, q0, q1 = _quiet_spans_np(cs2, mask, lo, hi, length, thr)
    fs, fe = runs(free[a0 - lo:b0 - length - lo + 1])
    covered = int(np.sum(fe - 1 - fs + length))
    meet = (q1 + length > a0) & (q0 < b0)
    q0, q1 = q0[meet], q1[meet]
    spans = q1 - q0 + length
    cut = ((q0 == lo) & ext_lo) | ((q1 == hi - length) & ext_hi)
    long_ = spans > rest
    if np.any(cut & ~long_):
        return covered, False, 0, True
    gap = bool(np.any(~long_))
    rest_span = int(np.sum(np.minimum(q1 + length, b0)[long_] - np.maximum(q0, a0)[long_]))
    if hi - lo >= w:
        _, q0, q1 = _quiet_spans_np(cs2, mask, lo, hi, w, thr_w)
        meet = (q1 + w > a0) & (q0 < b0)
        q0, q1 = q0[meet], q1[meet]
        spans = q1 - q0 + w
        cut = ((q0 == lo) & ext_lo) | ((q1 == hi - w) & ext_hi)
        if np.any(cut & (spans <= rest)):
            return covered, False, 0, True
        gap |= bool(np.any((spans <= rest) & (spans * gap_ratio > length)))
    return covered, gap, rest_span, False


def _reference(ref, cs2, mask, a0, b0, side, length, thr, w, thr_w, rest, gap_ratio):
    """``ref`` (:func:`_reference_np` or its compiled twin) over ``[a0, b0)``, widened by ``rest``
    samples on the outer ``side`` (-1: before, +1: after) when a quiet run reaches its edge."""
    out = ref(cs2, mask, a0, b0, a0, b0, length, thr, w, thr_w, rest, gap_ratio, side < 0 and a0 > 0,
              side > 0 and b0 < mask.size)
    if out[3]:
        lo, hi = (max(0, a0 - rest), b0) if side < 0 else (a0, min(mask.size, b0 + rest))
        out = ref(cs2, mask, a0, b0, lo, hi, length, thr, w, thr_w, rest, gap_ratio, False, False)
    return out[:3]


def _silent_np(x2, cs2, mask, s, e, jstops, search, after_w, jerk_gap, reference, span, tonic_min, dmin, dmax, rest,
               min_contrast, w, gap_ratio):
    """NumPy reference of :func:`silent_candidates` (``mask`` is modified: silences found are masked)."""
    n = x2.size
    k2 = min_contrast * min_contrast
    found = []  # (on, off, tonic, silent RMS, lim2)
    last = -1
    for a, c in zip(s, e):
        mid = (a + c) // 2
        lo = max(0, a - search)
        on_cp = lo + _var_change(x2[lo:mid + 1])
        hi = min(n, c + search)
        off = mid + _var_change(x2[mid:hi])
        if off <= on_cp or on_cp < last or off + after_w > n:
            continue
        cst, cend = max(on_cp, a), min(off, c)
        if cend <= cst:
            cst, cend = on_cp, off
        s2 = (cs2[cend] - cs2[cst]) / (cend - cst)
        lim2 = k2 * s2
        on = on_cp
        j = int(np.searchsorted(jstops, on_cp, side="right")) - 1
        if j >= 0 and jstops[j] >= on_cp - jerk_gap and jstops[j] >= last:
            jo = int(jstops[j])
            g = on_cp - jo
            if g == 0:
                on = jo
            else:  # the EMG after the jerk: its decay, part of the silence, unless above the tonic level
                r0 = _extend_back(mask, jo, reference, span)
                if jo - r0 >= g:
                    cm = np.concatenate([[0], np.cumsum(mask[r0:jo], dtype=np.int64)])
                    t = np.arange(r0, jo - g + 1)
                    energy = (cs2[t + g] - cs2[t])[(cm[t - r0 + g] - cm[t - r0]) == g]
                    if energy.size and cs2[on_cp] - cs2[jo] <= np.cumsum(energy)[-1] / energy.size:
                        on = jo
        d = off - on
        if d < dmin or d > dmax:
            continue
        a0 = _extend_back(mask, on, reference, span)
        if (cs2[off + after_w] - cs2[off]) / after_w < lim2:
            continue
        covered, gap, rest_span = _reference(_reference_np, cs2, mask, a0, on, -1, d, lim2 * d, w, lim2 * w, rest,
                                             gap_ratio)
        if gap or covered - rest_span < tonic_min:
            continue
        m = mask[a0:on]
        cnt = int(m.sum())
        tonic = np.sqrt(float(np.dot(x2[a0:on], m)) / cnt) if cnt else 0.0
        mask[on:off] = 0
        last = off
        found.append((on, off, tonic, np.sqrt(s2), lim2))
    out = []
    for on, off, tonic, sil, lim2 in found:  # the EMG after must not show a comparable gap either
        b1 = _extend_fwd(mask, off, reference, span, n)
        if not _reference(_reference_np, cs2, mask, off, b1, 1, off - on, lim2 * (off - on), w, lim2 * w, rest,
                          gap_ratio)[1]:
            out.append((on, off, tonic, sil))
    if not out:
        return np.zeros(0, int), np.zeros(0, int), np.zeros(0), np.zeros(0)
    on, off, tonic, sil = (np.array(v) for v in zip(*out))
    return on.astype(int), off.astype(int), tonic.astype(float), sil.astype(float)


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
def _llr_change_nb(y2, s0):
    """Compiled :func:`_llr_change` (first maximum, NaN counts as maximum like ``np.argmax``)."""
    n = y2.size
    if n < 3:
        return 0
    cs = np.cumsum(y2)
    total = cs[n - 1]
    floor = s0 * 1e-6
    best_k = -1
    best = 0.0
    for k in range(1, n):
        before = cs[k - 1]
        m = n - k
        v1 = (total - before) / m
        if v1 < floor:
            v1 = floor
        ll = -before / (2 * s0) - 0.5 * m * np.log(v1 / s0) - 0.5 * m
        if ll != ll:  # np.argmax: the first NaN is the maximum
            return k
        if best_k < 0 or ll > best:
            best_k = k
            best = ll
    return best_k


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


@njit(error_model="numpy")
def _var_change_nb(x2, lo, hi):
    """Compiled :func:`_var_change` of ``x2[lo:hi]`` (bounds within the array)."""
    n = max(0, hi - lo)
    if n < 3:
        return n // 2
    c = np.cumsum(x2[lo:hi])
    total = c[n - 1]
    best_k = -1
    best = 0.0
    for k in range(1, n):
        v0 = c[k - 1] / k
        if v0 < 1e-12:
            v0 = 1e-12
        v1 = (total - c[k - 1]) / (n - k)
        if v1 < 1e-12:
            v1 = 1e-12
        ll = -k * np.log(v0) - (n - k) * np.log(v1)
        if ll != ll:  # np.argmax: the first NaN is the maximum
            return k
        if best_k < 0 or ll > best:
            best_k = k
            best = ll
    return best_k


@njit(error_model="numpy")
def _quiet_nb(x2, cs2, mask, ne, h, r2):
    """Compiled :func:`_quiet_np` (the same sums, in the same order)."""
    n = x2.size
    csm = np.empty(n + 1)
    cm = np.empty(n + 1, np.int64)
    csm[0] = 0.0
    cm[0] = 0
    for i in range(n):
        csm[i + 1] = csm[i] + x2[i] * mask[i]
        cm[i + 1] = cm[i] + mask[i]
    starts = np.empty(n // 2 + 1, np.int64)
    stops = np.empty(n // 2 + 1, np.int64)
    k = 0
    inside = False
    for i in range(n):
        a = max(i - ne // 2, 0)
        b = min(i + ne - ne // 2, n)
        env2 = (cs2[b] - cs2[a]) / (b - a)
        a = max(i - h, 0)
        b = min(i + h, n)
        level2 = (csm[b] - csm[a]) / max(cm[b] - cm[a], 1)
        q = env2 < r2 * level2
        if q and not inside:
            starts[k] = i
            inside = True
        elif inside and not q:
            stops[k] = i
            k += 1
            inside = False
    if inside:
        stops[k] = n
        k += 1
    return starts[:k], stops[:k]


@njit(error_model="numpy")
def _extend_back_nb(mask, b0, need, span):
    """Compiled :func:`_extend_back`."""
    lo = max(0, b0 - span)
    cnt = 0
    for t in range(b0 - 1, lo - 1, -1):
        cnt += mask[t]
        if cnt >= need:
            return t
    return lo


@njit(error_model="numpy")
def _extend_fwd_nb(mask, a0, need, span, n):
    """Compiled :func:`_extend_fwd`."""
    hi = min(n, a0 + span)
    cnt = 0
    for t in range(a0, hi):
        cnt += mask[t]
        if cnt >= need:
            return t + 1
    return hi


@njit(error_model="numpy")
def _reference_nb(cs2, mask, a0, b0, lo, hi, length, thr, w, thr_w, rest, gap_ratio, ext_lo, ext_hi):
    """Compiled :func:`_reference_np`; stops at the first comparable gap (the rest is then not needed)."""
    if b0 - a0 < length:
        return 0, False, 0, False
    run_free = 0  # unmasked samples in [t, t + length)
    for t in range(lo, lo + length):
        run_free += mask[t]
    covered = 0
    rest_span = 0
    f0 = -1  # first start of the current run of free stretches inside [a0, b0 - length]
    q0 = -1  # first start of the current run of quiet stretches
    last_t = hi - length
    last_ref = b0 - length
    for t in range(lo, last_t + 1):
        if t > lo:
            run_free += mask[t + length - 1] - mask[t - 1]
        free = run_free == length
        inside = free and a0 <= t <= last_ref
        if inside and f0 < 0:
            f0 = t
        if f0 >= 0 and (not inside or t == last_ref):
            covered += ((t if inside else t - 1) - f0) + length
            f0 = -1
        quiet = free and (cs2[t + length] - cs2[t]) < thr
        if quiet and q0 < 0:
            q0 = t
        if q0 >= 0 and (not quiet or t == last_t):
            q1 = t if quiet else t - 1
            if q1 + length > a0 and q0 < b0:
                sp = q1 - q0 + length
                if sp <= rest:
                    if (q0 == lo and ext_lo) or (q1 == last_t and ext_hi):
                        return covered, False, 0, True
                    return covered, True, 0, False  # a comparable gap: the decision is made
                else:
                    rest_span += min(q1 + length, b0) - max(q0, a0)
            q0 = -1
    if hi - lo < w:
        return covered, False, rest_span, False
    run_free = 0
    for t in range(lo, lo + w):
        run_free += mask[t]
    q0 = -1
    last_t = hi - w
    for t in range(lo, last_t + 1):
        if t > lo:
            run_free += mask[t + w - 1] - mask[t - 1]
        quiet = run_free == w and (cs2[t + w] - cs2[t]) < thr_w
        if quiet and q0 < 0:
            q0 = t
        if q0 >= 0 and (not quiet or t == last_t):
            q1 = t if quiet else t - 1
            sp = q1 - q0 + w
            if q1 + w > a0 and q0 < b0 and sp <= rest:
                if (q0 == lo and ext_lo) or (q1 == last_t and ext_hi):
                    return covered, False, 0, True
                if sp * gap_ratio > length:
                    return covered, True, rest_span, False
            q0 = -1
    return covered, False, rest_span, False


@njit(error_model="numpy")
def _reference2_nb(cs2, mask, a0, b0, side, length, thr, w, thr_w, rest, gap_ratio):
    """Compiled :func:`_reference` with :func:`_reference_nb`."""
    covered, gap, rest_span, cut = _reference_nb(cs2, mask, a0, b0, a0, b0, length, thr, w, thr_w, rest, gap_ratio,
                                                 side < 0 and a0 > 0, side > 0 and b0 < mask.size)
    if cut:
        if side < 0:
            lo, hi = max(0, a0 - rest), b0
        else:
            lo, hi = a0, min(mask.size, b0 + rest)
        covered, gap, rest_span, cut = _reference_nb(cs2, mask, a0, b0, lo, hi, length, thr, w, thr_w, rest, gap_ratio,
                                                     False, False)
    return covered, gap, rest_span


@njit(error_model="numpy")
def _silent_nb(x2, cs2, mask, s, e, jstops, search, after_w, jerk_gap, reference, span, tonic_min, dmin, dmax, rest,
               min_contrast, w, gap_ratio):
    """Compiled :func:`_silent_np` (same arithmetic on ``cs2``, so the same decisions)."""
    n = x2.size
    m = s.size
    k2 = min_contrast * min_contrast
    on_o = np.empty(m, np.int64)
    off_o = np.empty(m, np.int64)
    ton_o = np.empty(m)
    sil_o = np.empty(m)
    lim_o = np.empty(m)
    cnt = 0
    last = -1
    nj = jstops.size
    for i in range(m):
        a = s[i]
        c = e[i]
        mid = (a + c) // 2
        lo = max(0, a - search)
        on_cp = lo + _var_change_nb(x2, lo, _clip_slice(mid + 1, n))
        hi = min(n, c + search)
        off = mid + _var_change_nb(x2, mid, hi)
        if off <= on_cp or on_cp < last or off + after_w > n:
            continue
        cst = max(on_cp, a)
        cend = min(off, c)
        if cend <= cst:
            cst = on_cp
            cend = off
        s2 = (cs2[cend] - cs2[cst]) / (cend - cst)
        lim2 = k2 * s2
        on = on_cp
        # searchsorted(jstops, on_cp, side="right") - 1: the last jerk ending at or before on_cp
        lo_b = 0
        hi_b = nj
        while lo_b < hi_b:
            md = (lo_b + hi_b) // 2
            if jstops[md] <= on_cp:
                lo_b = md + 1
            else:
                hi_b = md
        j = lo_b - 1
        if j >= 0 and jstops[j] >= on_cp - jerk_gap and jstops[j] >= last:
            jo = jstops[j]
            g = on_cp - jo
            if g == 0:
                on = jo
            else:
                r0 = _extend_back_nb(mask, jo, reference, span)
                if jo - r0 >= g:
                    run_free = 0
                    for t in range(r0, r0 + g):
                        run_free += mask[t]
                    total = 0.0
                    nf = 0
                    for t in range(r0, jo - g + 1):
                        if t > r0:
                            run_free += mask[t + g - 1] - mask[t - 1]
                        if run_free == g:
                            nf += 1
                            total += cs2[t + g] - cs2[t]
                    if nf > 0 and cs2[on_cp] - cs2[jo] <= total / nf:
                        on = jo
        d = off - on
        if d < dmin or d > dmax:
            continue
        a0 = _extend_back_nb(mask, on, reference, span)
        if (cs2[off + after_w] - cs2[off]) / after_w < lim2:
            continue
        covered, gap, rest_span = _reference2_nb(cs2, mask, a0, on, -1, d, lim2 * d, w, lim2 * w, rest, gap_ratio)
        if gap or covered - rest_span < tonic_min:
            continue
        et = 0.0
        nt = 0
        for t in range(a0, on):
            if mask[t]:
                et += x2[t]
                nt += 1
        on_o[cnt] = on
        off_o[cnt] = off
        ton_o[cnt] = np.sqrt(et / nt) if nt else 0.0
        sil_o[cnt] = np.sqrt(s2)
        lim_o[cnt] = lim2
        for t in range(on, off):
            mask[t] = 0
        last = off
        cnt += 1
    keep = np.zeros(cnt, np.bool_)
    for i in range(cnt):
        on = on_o[i]
        off = off_o[i]
        b1 = _extend_fwd_nb(mask, off, reference, span, n)
        keep[i] = not _reference2_nb(cs2, mask, off, b1, 1, off - on, lim_o[i] * (off - on), w, lim_o[i] * w, rest,
                                     gap_ratio)[1]
    return on_o[:cnt][keep], off_o[:cnt][keep], ton_o[:cnt][keep], sil_o[:cnt][keep]


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


def quiet_runs(x2, cs2, mask, ne, h, ratio):
    """Runs where the centred ``ne``-sample RMS is below ``ratio`` x the centred ``2 h``-sample RMS of
    the samples where ``mask`` is 1.

    Parameters
    ----------
    x2 : ndarray, shape (n_times,)
        Squared EMG.
    cs2 : ndarray, shape (n_times + 1,)
        Cumulative sum of ``x2`` with a leading 0.
    mask : ndarray of int8, shape (n_times,)
        1 where a sample counts in the longer RMS.
    ne, h : int
        Envelope window and half the level window (samples).
    ratio : float

    Returns
    -------
    starts, stops : ndarray of int
        Sample indices (stop exclusive).
    """
    r2 = float(ratio) * float(ratio)
    mask = np.asarray(mask, np.int8)
    if _compiled(x2):
        return _quiet_nb(np.ascontiguousarray(x2), np.ascontiguousarray(cs2), np.ascontiguousarray(mask), int(ne),
                         int(h), r2)
    return _quiet_np(x2, cs2, mask, int(ne), int(h), r2)


def silent_candidates(x2, cs2, mask, s, e, bstarts, bstops, *, search, after_w, jerk_gap, reference, extend, tonic_min,
                      dmin, dmax, rest, min_contrast, gap_window, gap_ratio):
    """Refine and test candidate silent periods (the loop of ``detect_silent_periods``).

    Parameters
    ----------
    x2 : ndarray, shape (n_times,)
        Squared band-passed EMG (uV^2).
    cs2 : ndarray, shape (n_times + 1,)
        Cumulative sum of ``x2`` with a leading 0.
    mask : ndarray of int8, shape (n_times,)
        1 where the EMG may count as tonic activity (0 in the jerks); not modified.
    s, e : ndarray of int
        Candidate starts and exclusive stops, sorted.
    bstarts, bstops : ndarray of int
        The jerks (only their stops are used here: a jerk may open a silence).
    search, after_w, jerk_gap, reference : int
        Change-point search, the window after a silence where activity must resume, the longest
        jerk-to-silence gap, the reference on each side (samples).
    extend : float
        The reference stretches up to this factor to hold ``reference`` unmasked samples.
    tonic_min : int
        Tonic EMG (samples) required in the reference before a silence.
    dmin, dmax : float
        Shortest and longest silence (samples).
    rest : int
        Quiet stretches of the reference longer than this (samples) are rest, not tonic gaps.
    min_contrast : float
        Required ratio of every same-length stretch of the reference (and of the EMG after) to the
        silent RMS.
    gap_window : int
        Window (samples) measuring the quiet gaps of the reference.
    gap_ratio : float
        A silence lasts more than this multiple of the longest gap of the reference as quiet as it.

    Returns
    -------
    onsets, offsets : ndarray of int
    tonic, silent : ndarray
        Preceding tonic RMS and silent RMS (uV).
    """
    jstops = np.sort(np.asarray(bstops, np.int64))
    mask = np.array(mask, dtype=np.int8)  # a copy: found silences are masked in it
    args = (int(search), int(after_w), int(jerk_gap), int(reference), int(extend * reference), int(tonic_min),
            float(dmin), float(dmax), int(rest), float(min_contrast), max(1, int(gap_window)), float(gap_ratio))
    if _compiled(x2):
        return _silent_nb(np.ascontiguousarray(x2), np.ascontiguousarray(cs2), mask, np.asarray(s, np.int64),
                          np.asarray(e, np.int64), jstops, *args)
    return _silent_np(x2, cs2, mask, np.asarray(s, np.int64), np.asarray(e, np.int64), jstops, *args)


def whitened_ramp_fits(x, starts, ends, s0v, order, reach, ramps, s_after, out_n, ref, min_plateau, margin, reverse):
    """Compiled loop of ``bursts.fit_ramps_whitened`` (AR whitening and ramp fit per burst), or None
    when the NumPy path is to be used (numba missing or disabled, or non-float64 input)."""
    if not _compiled(x):
        return None
    r, c2, off = _ramp_table_cached(tuple(int(v) for v in ramps))
    return _whitened_ramps_nb(np.ascontiguousarray(x), np.asarray(starts, np.int64), np.asarray(ends, np.int64),
                              np.ascontiguousarray(s0v, dtype=float), int(order), int(reach), r, c2, off,
                              int(s_after), int(out_n), int(ref), int(min_plateau), float(margin), bool(reverse))
