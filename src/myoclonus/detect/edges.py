"""Burst onsets and offsets on causally and anti-causally filtered EMG (pure functions).

The zero-phase band-pass that the detector thresholds is symmetric in time: it spreads a strong
burst's energy before its onset and after its offset (pre- and post-ringing of the forward-backward
filter). On real activation material at 100x the background, the first and last crossings of 3x the
background by a 5 ms envelope fall a median of 21 ms before the onset and 31 ms after the offset of
a 30 ms burst (ad hoc measurement on veta_drt bursts, recorded in ``benchmarks/README.md``). A causal
(forward) filter does not respond before an input starts, and an anti-causal (backward) filter does
not respond after it ends, so onsets are refined on the forward-filtered stretch before each burst
and offsets on the backward-filtered stretch after it, as recommended for onset latencies (Widmann,
Schroger & Maess 2015, doi:10.1016/j.jneumeth.2014.08.002). The directional filter is the
band-pass's high-pass alone (its low-pass part would add 1-2 ms of group delay at 80-150 Hz and
does not ring); the change point is the likelihood-ratio variance change point (Staude et al. 2001,
doi:10.1155/S1110865701000191), then a change point into a raised-cosine rise or decay of fitted
length on the AR(3)-whitened stretch (:func:`~.bursts.fit_ramps_whitened`): myoclonic bursts rise
in 2-8 ms and decay over a few ms to ~50 ms (Shibasaki & Hallett 2005, doi:10.1002/mus.20234).
"""
from __future__ import annotations

import functools

import numpy as np
from scipy import signal

from .._numba import njit, use_numba
from ..preprocess import _butter, clamp_band
from ._kernels import refine_edges
from .bursts import DECAY_GRID, fit_ramps_whitened

__all__ = ["SETTLE", "REFERENCE", "RAMP_OUT", "RAMP_MARGIN", "directional_band", "directional", "refine_directional"]

#: Seconds of signal filtered before the stretch used, for the filter to settle (the 20 Hz
#: high-pass sections decay within ~25 ms).
SETTLE = 0.05
#: Seconds of background just outside the search range whose (robust) variance is the change
#: point's "before" level.
REFERENCE = 0.1
#: Largest outward moves (s) of the ramped onset and offset from the step change point: 4 ms for
#: onsets (half the longest myoclonic rise: the step change point lands part-way up it) and 32 ms for
#: offsets (half the longest decay tried, 64 ms).
RAMP_OUT = (0.004, 0.032)
#: Parsimony margin (log-likelihood) of the offset ramp: a decay tail is only as long as the data
#: demand (sharp-edged bursts otherwise get offsets 10-20 ms late).
RAMP_MARGIN = 1.0


def directional_band(sfreq, l_freq, h_freq, *, order=4):
    """Second-order sections of the directional filter: the EMG band's Butterworth high-pass."""
    lo, _ = clamp_band(l_freq, h_freq, sfreq)
    return _butter(order, float(lo), "highpass", float(sfreq))


@functools.lru_cache(maxsize=32)
def _zi(sos_bytes, shape):
    return signal.sosfilt_zi(np.frombuffer(sos_bytes).reshape(shape))


@njit
def _sosfilt_spans_nb(sos, x, zi, starts, stops, reverse, y):  # pragma: no cover - compiled
    """Direct-form II transposed cascade (scipy's sosfilt) over each span ``[starts[j], stops[j])``
    of ``x`` (backwards with ``reverse``), started in the steady state (``zi`` x the first sample),
    written into ``y``."""
    ns = sos.shape[0]
    z = np.empty((ns, 2))
    for j in range(starts.size):
        a, b = starts[j], stops[j]
        if b <= a:
            continue
        x0 = x[b - 1] if reverse else x[a]
        for s in range(ns):
            z[s, 0] = zi[s, 0] * x0
            z[s, 1] = zi[s, 1] * x0
        for k in range(b - a):
            i = b - 1 - k if reverse else a + k
            v = x[i]
            for s in range(ns):
                out = sos[s, 0] * v + z[s, 0]
                z[s, 0] = sos[s, 1] * v - sos[s, 4] * out + z[s, 1]
                z[s, 1] = sos[s, 2] * v - sos[s, 5] * out
                v = out
            y[i] = v


def _forward(sos, x, reverse=False, spans=None):
    """Causal filter of ``x`` (anti-causal with ``reverse``), started in the steady state of its first
    (last) sample; with ``spans`` (``(starts, stops)``, sorted, disjoint), of each span on its own,
    the other samples left at 0."""
    x = np.asarray(x, dtype=np.float64)
    if x.size == 0:
        return x.copy()
    sos = np.ascontiguousarray(sos, dtype=np.float64)
    zi = _zi(sos.tobytes(), sos.shape)
    starts, stops = (np.array([0]), np.array([x.size])) if spans is None else spans
    starts, stops = np.asarray(starts, np.int64), np.asarray(stops, np.int64)
    y = np.zeros(x.size)
    if use_numba():
        _sosfilt_spans_nb(sos, x, zi, starts, stops, bool(reverse), y)
        return y
    for a, b in zip(starts, stops):
        if b <= a:
            continue
        seg = x[a:b][::-1] if reverse else x[a:b]
        out = signal.sosfilt(sos, seg, zi=zi * seg[0])[0]
        y[a:b] = out[::-1] if reverse else out
    return y


def directional(x, sos, *, reverse=False, spans=None):
    """``x`` filtered forward (causal) or backward (anti-causal, ``reverse``) by ``sos``, started in
    the steady state of its first (last) sample; with ``spans``, each span on its own (other samples 0)."""
    return _forward(sos, x, reverse, spans)


#: Samples around a burst that its directional change points and ramp fits read (s), beyond the
#: search range: the reference window, the settling of the filter and the longest ramp reach.
_READ = REFERENCE + SETTLE + 0.08


def _spans(on, off, before, after, n):
    """Sorted, merged spans ``[on - before, off + after)`` clipped to ``[0, n)``."""
    a = np.clip(np.asarray(on, np.int64) - before, 0, n)
    b = np.clip(np.asarray(off, np.int64) + after, 0, n)
    order = np.argsort(a, kind="stable")
    a, b = a[order], np.maximum.accumulate(b[order])
    new = np.concatenate([[True], a[1:] > b[:-1]])
    idx = np.flatnonzero(new)
    return a[idx], np.append(b[idx[1:] - 1], b[-1])


def refine_directional(x, sfreq, on, off, peaks, level, sos, *, search, ramp_search=0.005, ramp=True):
    """Onsets on the forward-filtered and offsets on the backward-filtered signal.

    Parameters
    ----------
    x : ndarray, shape (n_times,)
        The EMG before band-pass (steps repaired, mains notch applied; uV).
    sfreq : float
        Hz.
    on, off, peaks : ndarray of int
        Current onsets, exclusive offsets and envelope peaks (samples).
    level : ndarray
        Background RMS at each burst (uV), a floor for the reference variance.
    sos : ndarray
        Directional filter sections (:func:`directional_band`).
    search : float
        The step change point of the onset is searched from this far (s) before ``on`` to the peak;
        that of the offset from the peak to this far after ``off``.
    ramp_search : float
        The ramped change point may move the step change point this far (s) inwards (and
        :data:`RAMP_OUT` outwards).
    ramp : bool
        Fit the raised-cosine rise and decay after the step change point.

    Returns
    -------
    on2, off2 : ndarray of int
        An edge never crosses a neighbouring burst; a burst whose new edges would leave it under 2
        samples keeps its previous ones.

    Notes
    -----
    Only the spans that the change points and ramp fits read around the bursts are filtered, each
    from its start (the filters settle within :data:`SETTLE` s, well inside a span's first reach);
    the change points and ramps of all bursts are then found in one call each
    (:func:`~._kernels.refine_edges`, :func:`~.bursts.fit_ramps_whitened`).
    """
    n = x.size
    on = np.asarray(on, int)
    off = np.asarray(off, int)
    if not len(on):
        return on.copy(), off.copy()
    peaks = np.minimum(np.maximum(np.asarray(peaks, int), on), off - 1)
    s = int(round(search * sfreq))
    ref = int(round(REFERENCE * sfreq))
    s0 = np.maximum(np.asarray(level, float), 1e-12) ** 2
    reach = s + int(round(_READ * sfreq)) + int(round(RAMP_OUT[1] * sfreq))
    fwd = directional(x, sos, spans=_spans(on, off, reach, 0, n))
    on2 = refine_edges(fwd, on, peaks, s0, s, ref, False)
    if ramp:
        on2, _ = fit_ramps_whitened(fwd, sfreq, on2, off, np.sqrt(s0), search=ramp_search, outward=RAMP_OUT[0])
    del fwd
    bwd = directional(x, sos, reverse=True, spans=_spans(on, off, 0, reach, n))
    off2 = refine_edges(bwd, off, peaks, s0, s, ref, True)
    if ramp:
        off2, _ = fit_ramps_whitened(bwd, sfreq, on2, off2, np.sqrt(s0), grid=DECAY_GRID, search=ramp_search,
                                     outward=RAMP_OUT[1], margin=RAMP_MARGIN, reverse=True)
    on2, off2 = np.asarray(on2, int), np.asarray(off2, int)
    prev_off = np.concatenate([[0], off[:-1]])
    next_on = np.concatenate([on[1:], [n]])
    on2 = np.maximum(on2, prev_off)
    off2 = np.minimum(off2, next_on)
    bad = off2 - on2 < 2
    on2[bad], off2[bad] = on[bad], off[bad]
    return on2, off2
