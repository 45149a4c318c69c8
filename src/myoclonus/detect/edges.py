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

import numpy as np
from scipy import signal

from ..preprocess import _butter, clamp_band
from ._kernels import refine_edges
from .bursts import DECAY_GRID, fit_ramps_whitened

__all__ = ["SETTLE", "REFERENCE", "RAMP_OUT", "RAMP_MARGIN", "directional_band", "refine_directional"]

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


def _forward(sos, x):
    """Causal filter of ``x``, started in the steady state of its first sample."""
    if x.size == 0:
        return x.astype(float)
    zi = signal.sosfilt_zi(sos) * x[0]
    y, _ = signal.sosfilt(sos, x, zi=zi)
    return y


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
    """
    n = x.size
    on = np.asarray(on, int)
    off = np.asarray(off, int)
    peaks = np.asarray(peaks, int)
    s = int(round(search * sfreq))
    ref = int(round(REFERENCE * sfreq))
    settle = int(round(SETTLE * sfreq))
    s0 = np.maximum(np.asarray(level, float), 1e-12) ** 2
    on2, off2 = on.copy(), off.copy()
    for i in range(len(on)):
        a, b, p = int(on[i]), int(off[i]), int(min(max(peaks[i], on[i]), off[i] - 1))
        # onset: forward filter from before the reference window up to the offset
        w0 = max(0, a - s - ref - settle)
        y = _forward(sos, x[w0:b])
        k = int(refine_edges(y, np.array([a - w0]), np.array([p - w0]), s0[i:i + 1], s, ref, False)[0])
        if ramp:
            k = int(fit_ramps_whitened(y, sfreq, np.array([k]), np.array([b - w0]), np.sqrt(s0[i:i + 1]),
                                       search=ramp_search, outward=RAMP_OUT[0])[0][0])
        on2[i] = w0 + k
        # offset: backward filter from after the reference window down to the onset
        w1 = min(n, b + s + ref + settle)
        y = _forward(sos, x[a:w1][::-1])[::-1]
        k = int(refine_edges(y, np.array([b - a]), np.array([p - a]), s0[i:i + 1], s, ref, True)[0])
        if ramp:
            k = int(fit_ramps_whitened(y, sfreq, np.array([max(on2[i] - a, 0)]), np.array([k]), np.sqrt(s0[i:i + 1]),
                                       grid=DECAY_GRID, search=ramp_search, outward=RAMP_OUT[1], margin=RAMP_MARGIN,
                                       reverse=True)[0][0])
        off2[i] = a + k
    prev_off = np.concatenate([[0], off[:-1]])
    next_on = np.concatenate([on[1:], [n]])
    on2 = np.maximum(on2, prev_off)
    off2 = np.minimum(off2, next_on)
    bad = off2 - on2 < 2
    on2[bad], off2[bad] = on[bad], off[bad]
    return on2, off2
