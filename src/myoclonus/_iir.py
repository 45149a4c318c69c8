"""Fast zero-phase IIR filtering: a drop-in for ``scipy.signal.sosfiltfilt`` on the last axis.

The compiled kernel runs the whole biquad cascade (direct form II transposed, as SciPy) in one
pass per direction, four sections per sweep, and filters many independent *lanes* at once so
that LLVM vectorises across them. A lane is a channel or, for long signals, a contiguous stretch
of a channel: every stretch after a channel's first starts ``W`` samples early (warm-up,
discarded) from the steady state for its first sample, where ``W`` is the number of samples the
slowest pole of the cascade needs to decay below 1e-15 (float64; 1e-9 for float32), plus 10%
(the error reaches SciPy's own rounding level from about 1e-12 on: 1e-9 gives ~1e-10 x RMS).
The first stretch of every channel starts exactly like SciPy (``sosfilt_zi`` scaled by the first
sample of the odd-extended signal, forward then backward), so the result equals SciPy's up to
rounding: measured <= 2e-13 x the signal RMS in float64 (tests require 1e-9). Cascades with a
pole on or outside the unit circle are filtered as one lane per channel (no warm-up at all); how
many stretches a channel is cut into is chosen by a cost model (:func:`_lane_plan`): 16 lanes
vectorise, fewer run scalar, and every stretch costs a warm-up (7 s for the 50 Hz Q=30 notch
at 2048 Hz, 0.8 s for the 20-450 Hz Butterworth), so short signals get fewer stretches or none.

Work memory is the output plus a ``(64, 16)`` tile per group of lanes and the odd extensions;
nothing else of the signal's size. The kernel releases the GIL, so callers may filter channels
in threads.

Without numba (or with ``MYOCLONUS_NUMBA=0``) :func:`sosfiltfilt` calls
:func:`scipy.signal.sosfiltfilt`.
"""
from __future__ import annotations

import functools
import math

import numpy as np
from scipy import signal

from ._numba import njit, use_numba

__all__ = ["sosfiltfilt"]

#: Time steps per cache tile (rows of the ``(tile, n_lanes)`` work buffer). 64 rows (8 KB in float64)
#: keep the tile in L1; in an ad hoc timing (not a repository script) it was 10-15% faster than 256
#: for the notch + band-pass cascade, and 32 no faster.
_TILE = 64
#: Lanes per kernel call. LLVM's vector loop over lanes takes 16 at a time (4 x 4 float64 or
#: 2 x 8 float32 on AVX2): fewer lanes run scalar.
_GROUP = 16
#: Measured ns per lane, time step and section (both passes, 9-section notch), vectorised in a
#: group of 16 lanes, and scalar by number of lanes (fewer lanes: less overlap of the recursions).
_COST_VECTOR = 0.85
_COST_SCALAR = {1: 3.1, 2: 2.4, 3: 2.1}
#: A cascade this short (sections) is cut into at most _SHORT_MAX_STRETCHES stretches per channel:
#: its few operations per step do not pay for the warm-up of more stretches and the memory traffic
#: of a full group of lanes (the cost model above was measured on a 9-section notch). Measured with
#: ``benchmarks/filter_speed.py --plans`` (one channel, 300 s at 2048 Hz; two runs, the machine's
#: speed varying between them): the 50 Hz notch alone (1 section) takes 13.7 and 13.6 ns per sample
#: in 8 stretches, 13.9 and 15.3 in 4 (the planner's choice with this cap: 11.7 and 15.8), 22.1 and
#: 21.7 in 16 (its choice without); the band-pass (4 sections) and the 9-harmonic notch are fastest
#: in 16.
_SHORT_SECTIONS = 2
_SHORT_MAX_STRETCHES = 8
#: Residual of the warm-up transient relative to the signal, per dtype.
_WARMUP_TOL = {np.dtype(np.float64): 1e-15, np.dtype(np.float32): 1e-9}


@njit(fastmath={"contract"})
def _sections4(buf, sos, z0, z1, s0, nt):  # pragma: no cover - compiled
    """Sections ``s0`` to ``s0 + 3`` over ``nt`` rows of the ``(tile, n_lanes)`` buffer, in place.

    Lanes are the innermost, contiguous loop (LLVM vectorises it; numba's SLP vectoriser is off);
    four sections per sweep keep the intermediate outputs in registers. The lane index is unsigned
    so that numba emits no negative-index wraparound, which would block vectorisation. The state
    update is grouped ``(b1 x + z1) - a1 y`` (SciPy: ``b1 x - a1 y + z1``) so that only one fused
    multiply-add follows ``y`` on the recursive path; the rounding differs by an ulp or so.
    """
    n_lanes = np.uint64(buf.shape[1])
    b00, b01, b02, a01, a02 = sos[s0, 0], sos[s0, 1], sos[s0, 2], sos[s0, 4], sos[s0, 5]
    b10, b11, b12, a11, a12 = sos[s0 + 1, 0], sos[s0 + 1, 1], sos[s0 + 1, 2], sos[s0 + 1, 4], sos[s0 + 1, 5]
    b20, b21, b22, a21, a22 = sos[s0 + 2, 0], sos[s0 + 2, 1], sos[s0 + 2, 2], sos[s0 + 2, 4], sos[s0 + 2, 5]
    b30, b31, b32, a31, a32 = sos[s0 + 3, 0], sos[s0 + 3, 1], sos[s0 + 3, 2], sos[s0 + 3, 4], sos[s0 + 3, 5]
    p0, q0, p1, q1 = z0[s0], z1[s0], z0[s0 + 1], z1[s0 + 1]
    p2, q2, p3, q3 = z0[s0 + 2], z1[s0 + 2], z0[s0 + 3], z1[s0 + 3]
    for k in range(nt):
        xb = buf[k]
        for lane in range(n_lanes):
            x = xb[lane]
            y = b00 * x + p0[lane]
            p0[lane] = (b01 * x + q0[lane]) - a01 * y
            q0[lane] = b02 * x - a02 * y
            x = y
            y = b10 * x + p1[lane]
            p1[lane] = (b11 * x + q1[lane]) - a11 * y
            q1[lane] = b12 * x - a12 * y
            x = y
            y = b20 * x + p2[lane]
            p2[lane] = (b21 * x + q2[lane]) - a21 * y
            q2[lane] = b22 * x - a22 * y
            x = y
            y = b30 * x + p3[lane]
            p3[lane] = (b31 * x + q3[lane]) - a31 * y
            q3[lane] = b32 * x - a32 * y
            xb[lane] = y


@njit(fastmath={"contract"})
def _sections2(buf, sos, z0, z1, s0, nt):  # pragma: no cover - compiled
    """Sections ``s0`` and ``s0 + 1`` (see :func:`_sections4`)."""
    n_lanes = np.uint64(buf.shape[1])
    b00, b01, b02, a01, a02 = sos[s0, 0], sos[s0, 1], sos[s0, 2], sos[s0, 4], sos[s0, 5]
    b10, b11, b12, a11, a12 = sos[s0 + 1, 0], sos[s0 + 1, 1], sos[s0 + 1, 2], sos[s0 + 1, 4], sos[s0 + 1, 5]
    p0, q0, p1, q1 = z0[s0], z1[s0], z0[s0 + 1], z1[s0 + 1]
    for k in range(nt):
        xb = buf[k]
        for lane in range(n_lanes):
            x = xb[lane]
            y = b00 * x + p0[lane]
            p0[lane] = (b01 * x + q0[lane]) - a01 * y
            q0[lane] = b02 * x - a02 * y
            x = y
            y = b10 * x + p1[lane]
            p1[lane] = (b11 * x + q1[lane]) - a11 * y
            q1[lane] = b12 * x - a12 * y
            xb[lane] = y


@njit(fastmath={"contract"})
def _sections1(buf, sos, z0, z1, s0, nt):  # pragma: no cover - compiled
    """Section ``s0`` (see :func:`_sections4`)."""
    n_lanes = np.uint64(buf.shape[1])
    b0, b1, b2, a1, a2 = sos[s0, 0], sos[s0, 1], sos[s0, 2], sos[s0, 4], sos[s0, 5]
    p0, q0 = z0[s0], z1[s0]
    for k in range(nt):
        xb = buf[k]
        for lane in range(n_lanes):
            x = xb[lane]
            y = b0 * x + p0[lane]
            p0[lane] = (b1 * x + q0[lane]) - a1 * y
            q0[lane] = b2 * x - a2 * y
            xb[lane] = y


@njit
def _cascade_tile(buf, sos, z0, z1, nt):  # pragma: no cover - compiled
    """Whole cascade (DF-II transposed, as SciPy) over ``nt`` rows of the tile buffer, in place."""
    n_sec = sos.shape[0]
    s0 = 0
    while n_sec - s0 >= 4:
        _sections4(buf, sos, z0, z1, s0, nt)
        s0 += 4
    if n_sec - s0 >= 2:
        _sections2(buf, sos, z0, z1, s0, nt)
        s0 += 2
    if n_sec - s0 >= 1:
        _sections1(buf, sos, z0, z1, s0, nt)


@njit(fastmath={"contract"})
def _cascade_pass(src, dst, head, tail, sos, zi, n, edge, forward, lane_ch, lane_a, lane_own, n_steps, buf, z0, z1):  # pragma: no cover
    """One direction of the cascade on a group of lanes, tile by tile.

    Forward: reads the odd extension of ``src`` and writes the extended output to ``head``,
    ``dst``, ``tail``. Backward: reads that extended output (``src is dst`` is allowed: a lane's
    warm-up reads samples of the neighbouring stretch before that stretch's lane overwrites them)
    and writes the reversed-back result to ``dst``. Pass position ``p`` is the index in the
    extended signal (forward) or from its end (backward); positions past the end read 0 and are
    not written.
    """
    m = n + 2 * edge
    n_lanes = lane_ch.size
    n_sec = sos.shape[0]
    tile = buf.shape[0]
    for it in range(-1, (n_steps + tile - 1) // tile):
        # it == -1: only fetch the first sample of every lane, to set its initial state
        t0 = max(it, 0) * tile
        nt = 1 if it < 0 else min(tile, n_steps - t0)
        for lane in range(n_lanes):
            c = lane_ch[lane]
            p0 = lane_a[lane] + t0
            j0 = p0 - edge if forward else m - 1 - p0 - edge
            if p0 + nt <= m and 0 <= j0 < n and 0 <= j0 + (nt - 1 if forward else 1 - nt) < n:
                if forward:
                    for k in range(nt):
                        buf[k, lane] = src[c, j0 + k]
                else:
                    for k in range(nt):
                        buf[k, lane] = src[c, j0 - k]
                continue
            for k in range(nt):
                p = p0 + k
                if p >= m:
                    v = src[c, 0] - src[c, 0]
                elif forward:
                    j = p - edge
                    if j < 0:
                        v = src[c, 0] + src[c, 0] - src[c, -j]
                    elif j >= n:
                        v = src[c, n - 1] + src[c, n - 1] - src[c, 2 * n - 2 - j]
                    else:
                        v = src[c, j]
                else:
                    j = m - 1 - p - edge
                    if j < 0:
                        v = head[c, j + edge]
                    elif j >= n:
                        v = tail[c, j - n]
                    else:
                        v = src[c, j]
                buf[k, lane] = v
        if it < 0:
            for s in range(n_sec):
                for lane in range(n_lanes):
                    z0[s, lane] = zi[s, 0] * buf[0, lane]
                    z1[s, lane] = zi[s, 1] * buf[0, lane]
            continue
        _cascade_tile(buf, sos, z0, z1, nt)
        for lane in range(n_lanes):
            c = lane_ch[lane]
            p0 = lane_a[lane] + t0
            j0 = p0 - edge if forward else m - 1 - p0 - edge
            if t0 >= lane_own[lane] and p0 + nt <= m and 0 <= j0 < n and 0 <= j0 + (nt - 1 if forward else 1 - nt) < n:
                if forward:
                    for k in range(nt):
                        dst[c, j0 + k] = buf[k, lane]
                else:
                    for k in range(nt):
                        dst[c, j0 - k] = buf[k, lane]
                continue
            for k in range(nt):
                step = t0 + k
                p = lane_a[lane] + step
                if step < lane_own[lane] or p >= m:
                    continue
                if forward:
                    j = p - edge
                    if j < 0:
                        head[c, j + edge] = buf[k, lane]
                    elif j >= n:
                        tail[c, j - n] = buf[k, lane]
                    else:
                        dst[c, j] = buf[k, lane]
                else:
                    j = m - 1 - p - edge
                    if 0 <= j < n:
                        dst[c, j] = buf[k, lane]


def _validate_sos(sos):
    sos = np.atleast_2d(np.asarray(sos))
    if sos.ndim != 2 or sos.shape[1] != 6:
        raise ValueError("sos array must be shape (n_sections, 6)")
    if not np.all(sos[:, 3] == 1):
        raise ValueError("sos[:, 3] should be all ones")
    return sos


def _slowest_pole(sos):
    """Largest pole radius of a second-order-section cascade (0 for an FIR cascade)."""
    r = 0.0
    for a1, a2 in np.atleast_2d(sos)[:, 4:6]:
        r = max(r, float(np.max(np.abs(np.roots([1.0, a1, a2])))) if (a1 or a2) else 0.0)
    return r


def _warmup_length(sos, tol):
    """Samples for the slowest pole of ``sos`` to decay below ``tol`` (None if not stable)."""
    r = _slowest_pole(sos)
    if not np.isfinite(r) or r >= 1.0 - 1e-9:
        return None
    if r <= 0.0:
        return 2 * len(sos) + 2
    # margin for repeated or clustered poles (impulse response ~ k^(order-1) r^k)
    return int(math.ceil(math.log(tol) / math.log(r) * 1.1)) + 2 * len(sos) + 2


def _lanes_cost(n_real):
    """Relative cost per time step of ``n_real`` lanes, and whether to pad the last group."""
    full, rem = divmod(n_real, _GROUP)
    scalar = rem * _COST_SCALAR.get(rem, 1.8)
    pad = rem > 0 and _GROUP * _COST_VECTOR < scalar
    rem_cost = _GROUP * _COST_VECTOR if pad else scalar
    return full * _GROUP * _COST_VECTOR + rem_cost, pad


def _lane_plan(n_ch, m, w, n_sec=None):
    """Lanes: per channel ``k`` stretches of ``n_steps`` pass positions, padded to whole groups.

    The first stretch of a channel starts at its true start, stretch ``q >= 1`` at
    ``n_steps + (q - 1) (n_steps - w) - w`` and owns its positions from step ``w`` on. ``k`` is
    chosen by a cost model: a group of :data:`_GROUP` lanes is vectorised, fewer lanes run scalar
    (then dummy lanes may be cheaper). A cascade of at most :data:`_SHORT_SECTIONS` sections
    (``n_sec``) is cut into at most :data:`_SHORT_MAX_STRETCHES` stretches per channel. Returns
    ``(lane_ch, lane_a, lane_own, n_steps)``.
    """
    k_max = 1 if w is None else max(1, _GROUP // n_ch)
    if n_sec is not None and n_sec <= _SHORT_SECTIONS:
        k_max = min(k_max, _SHORT_MAX_STRETCHES)
    best = None
    for k in range(1, k_max + 1):
        n_steps = m if k == 1 else -(-(m + (k - 1) * w) // k)
        if k > 1 and n_steps - w < 1:
            break
        cost, pad = _lanes_cost(n_ch * k)
        if best is None or cost * n_steps < best[0]:
            best = (cost * n_steps, k, n_steps, pad)
    _, k, n_steps, pad = best
    q = np.arange(k, dtype=np.int64)
    a_one = np.where(q == 0, 0, n_steps + (q - 1) * (n_steps - (w or 0)) - (w or 0))
    own_one = np.where(q == 0, 0, w or 0)
    ch = np.repeat(np.arange(n_ch, dtype=np.int64), k)
    a, own = np.tile(a_one, n_ch), np.tile(own_one, n_ch)
    n_dummy = (-ch.size) % _GROUP if pad else 0
    if n_dummy:  # lanes past the end: read zeros, write nothing
        ch = np.concatenate([ch, np.zeros(n_dummy, np.int64)])
        a = np.concatenate([a, np.full(n_dummy, m, np.int64)])
        own = np.concatenate([own, np.zeros(n_dummy, np.int64)])
    return ch, a, own, int(n_steps)


@functools.lru_cache(maxsize=64)
def _cascade_setup(sos_bytes, shape, tol):
    """``(sosfilt_zi, warm-up length)`` of a float64 cascade given as bytes (cached: chunked detection
    filters with the same few cascades hundreds of times, and SciPy solves a linear system per
    section each time). Callers copy ``zi`` (``astype``), so the cached array is never written."""
    sos = np.frombuffer(sos_bytes, dtype=np.float64).reshape(shape)
    return signal.sosfilt_zi(sos), _warmup_length(sos, tol)


def _sosfiltfilt_numba(sos, x2, edge):
    dtype = x2.dtype
    n_ch, n = x2.shape
    sos_t = np.ascontiguousarray(sos, dtype=dtype)
    sos64 = np.ascontiguousarray(sos, dtype=np.float64)
    zi, w = _cascade_setup(sos64.tobytes(), sos64.shape, _WARMUP_TOL[dtype])
    zi = zi.astype(dtype)
    out = np.empty((n_ch, n), dtype)
    head = np.empty((n_ch, max(edge, 1)), dtype)
    tail = np.empty((n_ch, max(edge, 1)), dtype)
    m = n + 2 * edge
    ch, a, own, n_steps = _lane_plan(n_ch, m, w, len(sos_t))
    n_sec = len(sos_t)
    # lanes in groups of whole channels: the in-place backward pass relies on every stretch of a
    # channel advancing in lockstep (see _cascade_pass)
    for g0 in range(0, ch.size, _GROUP):
        sl = slice(g0, g0 + _GROUP)
        gl = ch[sl].size
        buf = np.empty((_TILE, gl), dtype)
        z0 = np.empty((n_sec, gl), dtype)
        z1 = np.empty((n_sec, gl), dtype)
        args = (ch[sl], a[sl], own[sl], n_steps, buf, z0, z1)
        _cascade_pass(x2, out, head, tail, sos_t, zi, n, edge, True, *args)
        _cascade_pass(out, out, head, tail, sos_t, zi, n, edge, False, *args)
    return out


def sosfiltfilt(sos, x, *, padlen=None):
    """Zero-phase second-order-sections filter along the last axis, like SciPy's.

    Same result as ``scipy.signal.sosfiltfilt(sos, x, axis=-1, padtype='odd', padlen=padlen)``
    (odd extension, ``sosfilt_zi`` initial conditions scaled by the first sample, forward then
    backward), computed by a compiled cascade kernel when numba is available.

    Parameters
    ----------
    sos : array_like, shape (n_sections, 6)
        Second-order sections, ``sos[:, 3] == 1``.
    x : array_like, shape (n_times,) or (..., n_times)
        Real signal(s). float32 stays float32 and the numba kernel computes it in float32
        (coefficients, state and arithmetic; SciPy computes in float64): the error against
        SciPy's float64 result is about 6e-5 x the signal RMS (measured maximum over 10 min of
        noise) for the 50 Hz notch (Q=30, 9 harmonics) then 20-450 Hz Butterworth order 4 at
        2048 Hz, as poles near the unit circle amplify float32 rounding. Other real dtypes are
        converted to float64. Complex input is passed to SciPy.
    padlen : int | None
        Samples of odd extension at each end; None uses SciPy's default ``3 * ntaps``. Must be
        smaller than ``n_times`` (``ValueError`` otherwise, as SciPy); 0 disables the extension.

    Returns
    -------
    y : ndarray, same shape as ``x``
        float32 for float32 input, float64 otherwise. The SciPy fallback (no numba or
        ``MYOCLONUS_NUMBA=0``) also returns float32 for float32 input (cast of SciPy's float64).

    Notes
    -----
    Long signals are cut into stretches filtered side by side; each stretch after the first
    starts a warm-up length early (see the module docstring), so the result matches SciPy to
    rounding, not bit for bit.
    """
    sos = _validate_sos(sos)
    x = np.asarray(x)
    if np.iscomplexobj(x) or np.iscomplexobj(sos):
        return signal.sosfiltfilt(sos, x, axis=-1, padlen=padlen)
    dtype = np.dtype(np.float32) if x.dtype == np.float32 else np.dtype(np.float64)
    if x.ndim == 0:
        raise ValueError("x must be at least 1-D")
    n_sec = len(sos)
    ntaps = 2 * n_sec + 1 - min(int((sos[:, 2] == 0).sum()), int((sos[:, 5] == 0).sum()))
    edge = ntaps * 3 if padlen is None else int(padlen)
    n = x.shape[-1]
    if n <= edge:
        raise ValueError(f"The length of the input vector x must be greater than padlen, which is {edge}.")
    edge = max(edge, 0)  # a negative padlen means no extension, as in SciPy
    if not use_numba() or n == 0 or x.size == 0:
        y = signal.sosfiltfilt(sos, x, axis=-1, padlen=padlen)
        return y.astype(dtype, copy=False)
    x2 = np.ascontiguousarray(x.reshape(-1, n), dtype=dtype)
    return _sosfiltfilt_numba(sos, x2, edge).reshape(x.shape)
