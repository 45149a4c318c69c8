"""Envelopes, noise floor, hysteresis burst detection and onset/offset refinement (pure functions).

All functions take 1-D float arrays in microvolts and ``sfreq`` in Hz; times are in seconds.

References
----------
- Hodges PW, Bui BH (1996). A comparison of computer-based methods for the determination of onset
  of muscle contraction using electromyography. Electroencephalogr Clin Neurophysiol 101:511-519.
  doi:10.1016/S0921-884X(96)95190-5
- Li X, Zhou P, Aruin AS (2007). Teager-Kaiser energy operation of surface EMG improves muscle
  activity onset detection. Ann Biomed Eng 35:1532-1538. doi:10.1007/s10439-007-9320-z
- Staude G, Flachenecker C, Daumer M, Wolf W (2001). Onset detection in surface electromyographic
  signals: a systematic comparison of methods. EURASIP J Appl Signal Process 2001:67-81.
  doi:10.1155/S1110865701000191 (likelihood-ratio change-point onset estimation).
"""
from __future__ import annotations

import numpy as np
from scipy.ndimage import uniform_filter1d

from .._validate import _check_option
from ..preprocess import tkeo

__all__ = [
    "ENVELOPE_METHODS",
    "envelope",
    "window_rms",
    "noise_floor",
    "local_floor",
    "gaussian_tail_reference",
    "tail_factor",
    "hysteresis",
    "merge_close",
    "segment_max",
    "segment_rms",
    "refine_onsets",
    "refine_offsets",
    "rise_times",
]

#: Envelope methods: moving RMS, or smoothed Teager-Kaiser energy (square-rooted to microvolts).
ENVELOPE_METHODS = ("rms", "tkeo")


def envelope(x, sfreq, *, method="rms", window=0.005):
    """Short envelope of a band-passed EMG, in microvolts.

    Parameters
    ----------
    x : ndarray, shape (n_times,)
        Band-passed EMG (uV).
    sfreq : float
        Hz.
    method : 'rms' | 'tkeo'
        ``'rms'``: centred moving RMS. ``'tkeo'``: square root of the moving mean of the
        Teager-Kaiser energy (Li et al. 2007, doi:10.1007/s10439-007-9320-z), which sharpens onsets of
        high-frequency bursts.
    window : float
        Smoothing window (s), at least one sample.
    """
    _check_option("method", method, ENVELOPE_METHODS)
    n = max(1, int(round(window * sfreq)))
    e = np.square(x) if method == "rms" else tkeo(x)
    e = uniform_filter1d(e, n, mode="nearest")
    np.maximum(e, 0.0, out=e)
    return np.sqrt(e, out=e)


def window_rms(x, sfreq, window):
    """RMS of consecutive non-overlapping windows of ``window`` seconds (last partial one dropped)."""
    n = max(1, int(round(window * sfreq)))
    m = x.size // n
    if m == 0:
        return np.array([np.sqrt(np.mean(np.square(x)))]) if x.size else np.zeros(0)
    w = x[: m * n].reshape(m, n)
    return np.sqrt(np.einsum("ij,ij->i", w, w) / n)


def noise_floor(x, sfreq, *, window=0.1, quantile=0.2, exclude=None, return_mask=False):
    """Background RMS of a band-passed EMG from its quietest windows.

    The signal is cut into ``window``-second windows; the floor is the median RMS of the quietest
    ``quantile`` of them. A recording full of jerks still has quiet gaps, which this finds; the mean
    of the whole signal would not (thresholds would rise with the jerk rate).

    Parameters
    ----------
    x : ndarray, shape (n_times,)
        Band-passed EMG (uV).
    sfreq : float
        Hz.
    window : float
        Window length (s).
    quantile : float
        Fraction of windows considered quiet.
    exclude : ndarray of bool, shape (n_times,) | None
        Samples to ignore (flat or saturated stretches); windows touching them are skipped.

    return_mask : bool
        Also return a boolean mask of the samples in the quiet windows.

    Returns
    -------
    floor : float
        Background RMS (uV); 0.0 for an all-zero signal.
    quiet : ndarray of bool, shape (n_times,)
        Only with ``return_mask``.
    """
    n = max(1, int(round(window * sfreq)))
    if x.size < 3 * n:
        n = max(1, x.size // 6)
    r = window_rms(x, sfreq, n / sfreq)
    m = r.size
    valid = r > 0
    if exclude is not None and exclude.any():
        bad = exclude[: m * n].reshape(m, n).any(axis=1)
        if (valid & ~bad).sum() >= 3:
            valid &= ~bad
    if not valid.any():
        return (0.0, np.zeros(x.size, bool)) if return_mask else 0.0
    cand = np.flatnonzero(valid)
    k = max(1, int(np.ceil(quantile * cand.size)))
    quiet_w = cand[np.argsort(r[cand], kind="stable")[:k]]
    floor = float(np.median(r[quiet_w]))
    if not return_mask:
        return floor
    mask = np.zeros(x.size, bool)
    mask[: m * n].reshape(m, n)[quiet_w] = True
    return floor, mask


def local_floor(x, sfreq, *, window=0.1, span=5.0, quantile=0.2, floor=None):
    """Time-varying background RMS: a low quantile of short-window RMS in a sliding span.

    The RMS of consecutive ``window``-second windows is computed; at each window the background is
    the ``quantile`` x 100th percentile of the window RMS within a centred ``span`` (s). It follows
    tonic (postural) activity lasting longer than about half the span, ignores bursts that occupy
    less than ``1 - quantile`` of it, and is interpolated to every sample.

    Parameters
    ----------
    x : ndarray, shape (n_times,)
        Band-passed EMG (uV).
    sfreq : float
        Hz.
    window, span : float
        Seconds.
    quantile : float
        Quantile (0-1) of the window RMS taken as background.
    floor : float | None
        Lower bound (uV), e.g. the channel's global floor.

    Returns
    -------
    level : ndarray, shape (n_times,)
        Background RMS at each sample (uV).
    """
    from scipy.ndimage import percentile_filter

    n = max(1, int(round(window * sfreq)))
    r = window_rms(x, sfreq, n / sfreq)
    if r.size == 0:
        return np.full(x.size, floor or 0.0)
    size = max(1, int(round(span / (n / sfreq))))
    lv = percentile_filter(r, 100 * quantile, size=size, mode="nearest")
    if floor is not None:
        np.maximum(lv, floor, out=lv)
    centres = (np.arange(r.size) + 0.5) * n
    return np.interp(np.arange(x.size), centres, lv)


_TAIL_CACHE = {}


def gaussian_tail_reference(sfreq, *, method="rms", window=0.005, l_freq=20.0, h_freq=450.0, q=99.9):
    """The ``q``-th percentile of the envelope / background RMS for filtered Gaussian noise.

    Computed once per setting from 20 s of seeded white noise through the same band-pass and envelope
    (cached). It is the reference against which :func:`tail_factor` measures heavier real tails.
    """
    from ..preprocess import bandpass

    key = (round(float(sfreq), 6), method, round(float(window), 6), l_freq, h_freq, q)
    if key not in _TAIL_CACHE:
        rng = np.random.default_rng(12345)
        noise = bandpass(rng.standard_normal(int(20 * sfreq)), sfreq, l_freq, h_freq)
        env = envelope(noise, sfreq, method=method, window=window)
        _TAIL_CACHE[key] = float(np.percentile(env, q) / np.sqrt(np.mean(noise**2)))
    return _TAIL_CACHE[key]


def tail_factor(env, quiet, floor, reference, *, q=99.9, max_factor=2.0):
    """How much heavier than Gaussian the envelope tail is in the quiet windows (>= 1).

    Real background (quantisation, isolated motor-unit potentials, interference spikes) has heavier
    tails than Gaussian noise; thresholds are multiplied by this factor so that the false-alarm rate
    in the quiet parts stays that of Gaussian background. It is 1 for Gaussian background.
    """
    if floor <= 0 or quiet.sum() < 1000:
        return 1.0
    obs = float(np.percentile(env[quiet], q)) / floor
    return float(np.clip(obs / reference, 1.0, max_factor))


def hysteresis(env, on, off):
    """Segments where ``env > off`` that reach ``on`` somewhere (sample indices, stop exclusive).

    ``on`` and ``off`` may be scalars or arrays broadcastable to ``env``.
    """
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


def merge_close(starts, stops, gap):
    """Merge segments separated by fewer than ``gap`` samples."""
    if len(starts) < 2:
        return starts, stops
    join = (starts[1:] - stops[:-1]) < gap
    if not join.any():
        return starts, stops
    keep_start = np.concatenate([[True], ~join])
    keep_stop = np.concatenate([~join, [True]])
    return starts[keep_start], stops[keep_stop]


def segment_max(x, starts, stops):
    """Maximum of ``x[a:b]`` for each (a, b) pair (non-empty, sorted, non-overlapping)."""
    if len(starts) == 0:
        return np.zeros(0)
    padded = np.append(x, -np.inf)
    return np.maximum.reduceat(padded, np.column_stack([starts, stops]).ravel())[::2]


def segment_rms(cs2, starts, stops):
    """RMS of each segment from the cumulative sum of squares ``cs2`` (length n_times + 1)."""
    n = np.maximum(stops - starts, 1)
    return np.sqrt(np.maximum(cs2[stops] - cs2[starts], 0) / n)


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


def refine_onsets(x, sfreq, starts, peaks, floor, *, search=0.03):
    """Refine burst onsets with a likelihood-ratio variance change point.

    For each burst, the samples from ``search`` seconds before the detected start up to its
    envelope peak are modelled as background noise (variance: robust mean square of the 100 ms
    before, at least ``floor**2``) followed by a burst of unknown variance; the change point maximising the likelihood is the onset (Staude et al. 2001,
    doi:10.1155/S1110865701000191). This removes the delay of threshold crossing and envelope
    smoothing.

    Parameters
    ----------
    x : ndarray, shape (n_times,)
        Band-passed EMG (uV).
    sfreq : float
        Hz.
    starts, peaks : ndarray of int
        Detected start and envelope-peak sample of each burst.
    floor : float | ndarray
        Background RMS (uV), one value or one per burst.
    search : float
        Look-back (s) before the detected start.

    Returns
    -------
    onsets : ndarray of int
    """
    out = np.array(starts, dtype=int, copy=True)
    back = int(round(search * sfreq))
    ref = int(round(0.1 * sfreq))
    s0 = np.broadcast_to(np.maximum(np.asarray(floor, float), 1e-12) ** 2, (len(out),))
    for i, (a, p) in enumerate(zip(starts, peaks)):
        lo = max(0, a - back)
        hi = max(p + 1, a + 2)
        seg = x[lo:hi]
        if seg.size < 4:
            continue
        out[i] = lo + _llr_change(seg * seg, _local_var(x, lo - ref, lo, s0[i]))
    return out


def refine_offsets(x, sfreq, stops, peaks, floor, *, search=0.03):
    """Refine burst offsets: the same change point run backwards from ``search`` s after the stop.

    Returns
    -------
    offsets : ndarray of int (exclusive stop samples)
    """
    out = np.array(stops, dtype=int, copy=True)
    fwd = int(round(search * sfreq))
    ref = int(round(0.1 * sfreq))
    s0 = np.broadcast_to(np.maximum(np.asarray(floor, float), 1e-12) ** 2, (len(out),))
    n = x.size
    for i, (b, p) in enumerate(zip(stops, peaks)):
        hi = min(n, b + fwd)
        lo = min(p, b - 2)
        seg = x[lo:hi][::-1]
        if seg.size < 4:
            continue
        out[i] = hi - _llr_change(seg * seg, _local_var(x, hi, hi + ref, s0[i]))
    return out


def rise_times(x, sfreq, onsets, offsets, *, window=0.01, level=0.5, plateau_q=75):
    """Rise time of each burst: onset to the first time its RMS reaches ``level`` x its plateau.

    The plateau is the ``plateau_q``-th percentile of the centred ``window`` RMS inside the burst.
    Myoclonic bursts reach full recruitment within a few milliseconds, voluntary contractions over
    tens of milliseconds (Shibasaki & Hallett 2005, doi:10.1002/mus.20234).

    Returns
    -------
    rise : ndarray
        Seconds.
    """
    out = np.zeros(len(onsets))
    w = max(1, int(round(window * sfreq)))
    for i, (a, b) in enumerate(zip(onsets, offsets)):
        seg = x[a:b]
        if seg.size < 2 * w:
            continue
        e = np.sqrt(uniform_filter1d(seg * seg, w, mode="nearest"))
        plateau = np.percentile(e, plateau_q)
        k = int(np.argmax(e >= level * plateau))
        out[i] = k / sfreq
    return out
