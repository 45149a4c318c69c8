"""Silent-period candidates and their acceptance against the surrounding tonic EMG: numba kernels and NumPy
references (see :mod:`._kernels`). Public wrapper: :func:`myoclonus.detect.silent.detect_silent_periods`.
"""
from __future__ import annotations

import numpy as np

from .._numba import njit
from ._kernels import _argmax_nb, _clip_slice, _compiled
from ._scan import runs

__all__ = ['quiet_runs', 'silent_candidates']


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


@njit(error_model="numpy")
def _var_change_nb(x2, lo, hi):
    """Compiled :func:`_var_change` of ``x2[lo:hi]`` (bounds within the array)."""
    n = max(0, hi - lo)
    if n < 3:
        return n // 2
    c = np.cumsum(x2[lo:hi])
    total = c[n - 1]
    ll = np.empty(n - 1)
    for k in range(1, n):
        v0 = c[k - 1] / k
        if v0 < 1e-12:
            v0 = 1e-12
        v1 = (total - c[k - 1]) / (n - k)
        if v1 < 1e-12:
            v1 = 1e-12
        ll[k - 1] = -k * np.log(v0) - (n - k) * np.log(v1)
    return 1 + _argmax_nb(ll)


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
