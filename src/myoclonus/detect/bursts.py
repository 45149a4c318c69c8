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
- Makhoul J (1975). Linear prediction: a tutorial review. Proc IEEE 63:561-580.
  doi:10.1109/PROC.1975.9792 (prediction-error whitening).
"""
from __future__ import annotations

import numpy as np
from scipy.ndimage import uniform_filter1d

from .._validate import _check_option
from ..preprocess import tkeo
from ._kernels import WHITEN_ORDER, ar_whiten, refine_edges
from ._ramp_kernels import ramp_fits, whitened_ramp_fits
from ._rise_kernels import slow_rise_scores
from ._scan import LevelCurve, hysteresis, moving_rms, segment_max

__all__ = [
    "ENVELOPE_METHODS",
    "envelope",
    "window_rms",
    "noise_floor",
    "local_floor",
    "local_floor_curve",
    "gaussian_tail_reference",
    "tail_factor",
    "hysteresis",
    "merge_close",
    "segment_max",
    "segment_rms",
    "refine_onsets",
    "refine_offsets",
    "rise_times",
    "fit_ramps",
    "ar_whiten",
    "fit_ramps_whitened",
    "WHITEN_ORDER",
    "RAMP_GRID",
    "DECAY_GRID",
    "slow_rise_glr",
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
    if method == "rms":
        return moving_rms(x, n)
    e = uniform_filter1d(tkeo(x), n, mode="nearest")
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
    curve = local_floor_curve(x, sfreq, window=window, span=span, quantile=quantile, floor=floor)
    return curve[np.arange(x.size)]


def local_floor_curve(x, sfreq, *, window=0.1, span=5.0, quantile=0.2, floor=None):
    """:func:`local_floor` as a :class:`~myoclonus.detect._scan.LevelCurve` (window centres and
    values), without the full-length array; indexing it gives the same values."""
    from scipy.ndimage import percentile_filter

    n = max(1, int(round(window * sfreq)))
    r = window_rms(x, sfreq, n / sfreq)
    if r.size == 0:
        return LevelCurve([0.0], [floor or 0.0], x.size)
    size = max(1, int(round(span / (n / sfreq))))
    lv = percentile_filter(r, 100 * quantile, size=size, mode="nearest")
    if floor is not None:
        np.maximum(lv, floor, out=lv)
    centres = (np.arange(r.size) + 0.5) * n
    return LevelCurve(centres, lv, x.size)


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


def segment_rms(cs2, starts, stops):
    """RMS of each segment from the cumulative sum of squares ``cs2`` (length n_times + 1)."""
    n = np.maximum(stops - starts, 1)
    return np.sqrt(np.maximum(cs2[stops] - cs2[starts], 0) / n)


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
    back = int(round(search * sfreq))
    ref = int(round(0.1 * sfreq))
    s0 = np.broadcast_to(np.maximum(np.asarray(floor, float), 1e-12) ** 2, (len(starts),))
    return refine_edges(x, starts, peaks, s0, back, ref, False)


def refine_offsets(x, sfreq, stops, peaks, floor, *, search=0.03):
    """Refine burst offsets: the same change point run backwards from ``search`` s after the stop.

    Returns
    -------
    offsets : ndarray of int (exclusive stop samples)
    """
    fwd = int(round(search * sfreq))
    ref = int(round(0.1 * sfreq))
    s0 = np.broadcast_to(np.maximum(np.asarray(floor, float), 1e-12) ** 2, (len(stops),))
    return refine_edges(x, stops, peaks, s0, fwd, ref, True)


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


#: Rise times tried by :func:`fit_ramps` for onsets (s): myoclonic bursts rise in 2-8 ms
#: (Shibasaki & Hallett 2005, doi:10.1002/mus.20234).
RAMP_GRID = (0.0, 0.002, 0.004, 0.006, 0.008, 0.010, 0.012)
#: Decay times tried for offsets (s): myoclonic bursts decay over a few ms to ~50 ms.
DECAY_GRID = (0.0, 0.002, 0.004, 0.006, 0.008, 0.012, 0.016, 0.024, 0.032, 0.048, 0.064)
#: Rise times of the slow (voluntary-recruitment) alternative of :func:`slow_rise_glr` (s): voluntary
#: bursts recruit over 30-150 ms.
SLOW_GRID = (0.024, 0.032, 0.048, 0.064, 0.096, 0.128)


def fit_ramps_whitened(x, sfreq, starts, ends, floor, *, order=WHITEN_ORDER, grid=RAMP_GRID, search=0.005,
                       outward=None, margin=0.0, reverse=False):
    """:func:`fit_ramps` on the AR prediction error of each burst's stretch of ``x`` (:func:`ar_whiten`).

    For each burst the stretch read by :func:`fit_ramps` (the fit window and its 100 ms background
    reference) is whitened with AR coefficients fitted on that stretch, causally for onsets and
    anti-causally for offsets; ``floor`` is scaled by the whitening gain. The result depends only on
    samples near the burst (so chunked detection gives the whole-array result). ``order=0`` is
    :func:`fit_ramps`.
    """
    starts = np.asarray(starts, int)
    ends = np.asarray(ends, int)
    if int(order) <= 0 or len(starts) == 0:
        return fit_ramps(x, sfreq, starts, ends, floor, grid=grid, search=search, outward=outward, margin=margin,
                         reverse=reverse)
    n = x.size
    ramps_n = sorted({int(round(g * sfreq)) for g in grid})
    rmax = ramps_n[-1]
    s_after = int(round(search * sfreq))
    out_n = rmax if outward is None else int(round(outward * sfreq))
    ref = int(round(0.1 * sfreq))
    min_plateau = max(2, int(round(0.002 * sfreq)))
    reach = max(rmax, out_n) + s_after + ref + 2
    s0v = np.broadcast_to(np.maximum(np.asarray(floor, float), 1e-12), (len(starts),))
    res = whitened_ramp_fits(x, starts, ends, s0v, order, reach, ramps_n, s_after, out_n, ref, min_plateau, margin,
                             reverse)
    if res is not None:
        return res[0], res[1] / sfreq
    edges = (ends if reverse else starts).copy()
    ramps = np.zeros(len(starts))
    for i, (a, b) in enumerate(zip(starts, ends)):
        # onsets: the background before and the burst; offsets: the burst and the background after
        w0, w1 = (a, min(n, b + reach)) if reverse else (max(0, a - reach), b)
        e, g = ar_whiten(x[w0:w1], order, reverse=reverse)
        k, r = ramp_fits(e, np.array([a - w0]), np.array([b - w0]), np.array([(g * s0v[i]) ** 2]), ramps_n,
                         s_after, out_n, ref, min_plateau, margin, reverse)
        edges[i] = k[0] + w0
        ramps[i] = r[0] / sfreq
    return edges, ramps


def fit_ramps(x, sfreq, starts, ends, floor, *, grid=RAMP_GRID, search=0.005, outward=None, margin=0.0,
              reverse=False):
    """Refine burst onsets (or offsets, ``reverse=True``) with a ramped variance change point.

    The step change point of :func:`refine_onsets` lands part-way up a burst's rising edge, because
    myoclonic bursts do not switch on at full amplitude: their envelope rises over 2-8 ms, and
    decays over several ms to tens of ms. Here the background (variance from the 100 ms outside the
    burst, at least ``floor**2``) is followed by a raised-cosine ramp of the amplitude, of a length
    taken from ``grid``, up to the burst's plateau; the change point and the ramp length are fitted
    jointly by maximum likelihood (a ramp extension of Staude et al. 2001,
    doi:10.1155/S1110865701000191). The onset is the start of the ramp; with ``reverse=True`` the
    same fit runs backwards from after the burst and the offset is the end of the decay, where the
    burst energy has returned to the local background.

    Parameters
    ----------
    x : ndarray, shape (n_times,)
        Band-passed EMG (uV).
    sfreq : float
        Hz.
    starts, ends : ndarray of int
        Current onset and offset (exclusive) of each burst.
    floor : float | ndarray
        Background RMS (uV), one value or one per burst.
    grid : sequence of float
        Ramp lengths tried (s).
    search : float
        The fitted onset may move this far (s) later than ``starts``; for offsets, mirrored.
    outward : float | None
        ... and at most this far (s) earlier (default: the longest ramp of ``grid``). The zero-phase
        band-pass spreads a strong burst's energy a few ms outside it, which a free ramp would follow.
    margin : float
        Parsimony: the shortest ramp whose log-likelihood is within ``margin`` of the best is taken
        (the end of a long raised-cosine tail is barely distinguishable from background).

    Returns
    -------
    edges : ndarray of int
        Onsets (or exclusive offsets with ``reverse``).
    ramps : ndarray of float
        Fitted rise (or decay) time of each burst (s).
    """
    starts = np.asarray(starts, int)
    ends = np.asarray(ends, int)
    ramps = sorted({int(round(g * sfreq)) for g in grid})
    s_after = int(round(search * sfreq))
    out_n = ramps[-1] if outward is None else int(round(outward * sfreq))
    ref = int(round(0.1 * sfreq))
    min_plateau = max(2, int(round(0.002 * sfreq)))
    s0v = np.broadcast_to(np.maximum(np.asarray(floor, float), 1e-12) ** 2, (len(starts),))
    out, r = ramp_fits(x, starts, ends, s0v, ramps, s_after, out_n, ref, min_plateau, margin, reverse)
    return out, r / sfreq


def slow_rise_glr(x, sfreq, onsets, offsets, floor, *, fast_max=0.008, slow=SLOW_GRID, back=0.1, span=0.15,
                  fast_out=0.01, after=0.005, min_pre=0.02, order=WHITEN_ORDER):
    """Log-likelihood ratio of a slow (voluntary) over a fast (myoclonic) rise for each burst.

    The stretch from ``back`` s before the onset to ``span`` s after it (at most to the offset) is
    whitened by its causal AR(``order``) prediction error (:func:`ar_whiten`; the samples are then
    close to independent, as the likelihood assumes). On it the ramped change-point model of
    :func:`fit_ramps` -- background variance, raised-cosine rise of the amplitude, plateau -- is
    fitted with both variances profiled out (mean squares before the ramp and after it, so that
    neither depends on a reference outside the stretch) and two sets of rises: fast (the ramps of
    ``RAMP_GRID`` up to ``fast_max``, starting from ``fast_out`` s before to ``after`` s after the
    onset) and slow (``slow``, starting anywhere in the stretch up to ``after`` s after the onset,
    with at least ``min_pre`` s of background before). The result is ``max LL(slow) - max LL(fast)``.
    The detected onset of a voluntary burst lies part-way up its rise (where the rising amplitude
    clears the thresholds, 15-60 ms after the rise began on the simulator), so the slow ramp is
    searched back from it; a myoclonic burst reaches its plateau within a few ms (Shibasaki &
    Hallett 2005, doi:10.1002/mus.20234).

    Parameters
    ----------
    x : ndarray, shape (n_times,)
        Band-passed EMG (uV).
    sfreq : float
        Hz.
    onsets, offsets : ndarray of int
        Burst onsets and exclusive offsets (samples).
    floor : float | ndarray
        Background RMS (uV), one value or one per burst: only a guard for flat stretches.

    Returns
    -------
    llr : ndarray
        One score per burst; positive values favour gradual recruitment; NaN where the stretch is
        too short to fit.
    """
    fast = [int(round(g * sfreq)) for g in RAMP_GRID if g <= fast_max + 1e-12]
    slow_s = [int(round(g * sfreq)) for g in slow]
    s0v = np.broadcast_to(np.maximum(np.asarray(floor, float), 1e-12), (len(onsets),))
    ms = lambda t: int(round(t * sfreq))  # noqa: E731
    return slow_rise_scores(x, onsets, offsets, s0v, fast, slow_s, ms(back), ms(span), ms(fast_out), ms(after),
                            ms(min_pre), max(2, ms(0.002)), int(order))
