"""Artifact detection on raw EMG: saturation (clipping), flat stretches, motion and electrode pops.

Pure functions on 1-D arrays in microvolts with ``sfreq`` in Hz; times in seconds.
"""
from __future__ import annotations

import numpy as np

from .._numba import njit, use_numba
from ..preprocess import bandpass
from ._scan import flat_runs, runs

__all__ = ["detect_steps", "repair_steps", "STEP_SPAN", "STEP_PERSIST", "STEP_TAUS", "runs", "detect_clipping", "clipping_rails", "apply_clipping", "detect_flat", "low_frequency_ratio", "lf_decimation", "mask_from_segments", "step_scale"]


def mask_from_segments(n, starts, stops):
    """Boolean mask of length ``n`` true inside the segments (vectorised)."""
    d = np.zeros(n + 1, np.int32)
    np.add.at(d, np.clip(starts, 0, n), 1)
    np.add.at(d, np.clip(stops, 0, n), -1)
    return np.cumsum(d[:-1]) > 0


def detect_clipping(x, sfreq, *, min_run=3, tail_bins=200, tail_ratio=0.3, min_tail_count=5, min_excursions=5, merge=0.05):
    """Find saturated (clipped) stretches of a raw signal.

    Two signs of an amplifier or converter at the end of its range are used:

    - runs of at least ``min_run`` consecutive samples at the signal's maximum or minimum value
      (hard clipping);
    - non-decaying tails of the amplitude histogram: natural EMG has a peaked amplitude
      distribution whose extreme bins are nearly empty, while a signal driven past its range piles
      up (or wraps around) at the limits, so the outermost of ``tail_bins`` bins still hold at least
      ``tail_ratio`` x the count of the bins just inside them (and ``min_tail_count`` samples), reached
      in at least ``min_excursions`` separate excursions (one large slow artefact, whose sinusoid-like
      amplitude distribution also peaks at its extremes, is not clipping).

    Parameters
    ----------
    x : ndarray, shape (n_times,)
        Raw signal (uV).
    sfreq : float
        Hz.
    min_run : int
        Samples at the extreme value that count as a clipped run.
    tail_bins, tail_ratio, min_tail_count :
        Histogram test, see above.
    merge : float
        Clipped samples closer than this (s) form one stretch.

    Returns
    -------
    starts, stops : ndarray of int
        Clipped stretches (samples, stop exclusive).
    level : float | None
        Clipping level (uV, absolute, the larger side), None when not clipped.
    """
    rails = clipping_rails(x, sfreq, min_run=min_run, tail_bins=tail_bins, tail_ratio=tail_ratio,
                           min_tail_count=min_tail_count, min_excursions=min_excursions, merge=merge)
    if rails is None:
        return np.zeros(0, int), np.zeros(0, int), None
    s, e = apply_clipping(x, sfreq, rails)
    return s, e, rails["level"]


def clipping_rails(x, sfreq, *, min_run=3, tail_bins=200, tail_ratio=0.3, min_tail_count=5, min_excursions=5, merge=0.05):
    """The clipping rails of a raw signal (:func:`detect_clipping`'s tests), or None.

    Returns
    -------
    rails : dict | None
        ``values`` (extreme values held for ``min_run`` samples), ``low`` / ``high`` (bounds at or
        beyond which the histogram-tail test marks samples as clipped, or None), ``level`` (uV),
        ``min_run`` and ``merge``; :func:`apply_clipping` marks the stretches of any stretch of the
        same signal with them.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.size < 10 or not np.isfinite(x).all():
        return None
    lo, hi = float(x.min()), float(x.max())
    if hi <= lo:
        return None
    rails = {"values": [], "low": None, "high": None, "level": None, "min_run": int(min_run), "merge": float(merge)}
    for v in (hi, lo):
        s, e = runs(x == v)
        if ((e - s) >= min_run).any():
            rails["values"].append(v)
            rails["level"] = abs(v) if rails["level"] is None else max(rails["level"], abs(v))
    counts, edges = np.histogram(x, bins=tail_bins, range=(lo, hi))
    for side in ("low", "high"):
        c = counts if side == "low" else counts[::-1]
        outer = c[:2].mean()
        inner = c[2:10].mean()
        if outer >= min_tail_count and outer >= tail_ratio * max(inner, 1):
            width = (hi - lo) / tail_bins
            at = (x <= lo + 2 * width) if side == "low" else (x >= hi - 2 * width)
            s, e = runs(at)
            n_exc = 1 + int(np.sum((s[1:] - e[:-1]) > merge * sfreq)) if len(s) else 0
            if n_exc < min_excursions:
                continue
            rails[side] = lo + 2 * width if side == "low" else hi - 2 * width
            lvl = abs(lo) if side == "low" else abs(hi)
            rails["level"] = lvl if rails["level"] is None else max(rails["level"], lvl)
    return None if rails["level"] is None else rails


def apply_clipping(x, sfreq, rails):
    """Clipped stretches ``(starts, stops)`` of ``x`` given the ``rails`` of :func:`clipping_rails`."""
    x = np.asarray(x, dtype=np.float64)
    clipped = np.zeros(x.size, bool)
    for v in rails["values"]:
        s, e = runs(x == v)
        long = (e - s) >= rails["min_run"]
        if long.any():
            clipped |= mask_from_segments(x.size, s[long], e[long])
    if rails["low"] is not None:
        clipped |= x <= rails["low"]
    if rails["high"] is not None:
        clipped |= x >= rails["high"]
    s, e = runs(clipped)
    gap = int(round(rails["merge"] * sfreq))
    if len(s) > 1:
        join = (s[1:] - e[:-1]) < gap
        s = s[np.concatenate([[True], ~join])]
        e = e[np.concatenate([~join, [True]])]
    return s, e


def detect_flat(x, sfreq, *, min_duration=0.1):
    """Stretches where the raw signal does not change for at least ``min_duration`` seconds.

    Returns
    -------
    starts, stops : ndarray of int
    """
    return flat_runs(x, min_duration * sfreq)


@njit
def _lf_measures_nb(raw, filt, lf, starts, stops, p, pa, q, sd):  # pragma: no cover - compiled
    """The per-burst loop of :func:`low_frequency_ratio` (same operations, so the same values)."""
    nb = starts.size
    ratio = np.zeros(nb)
    step = np.zeros(nb)
    step_ratio = np.zeros(nb)
    n = raw.size
    for i in range(nb):
        a, b = starts[i], stops[i]
        lo, hi = max(0, a - p), min(n, b + pa)
        s0 = lo // q
        s1 = max(-(-hi // q), s0 + 1)
        s1 = min(s1, lf.size)
        smax = lf[s0]
        smin = lf[s0]
        for j in range(s0 + 1, s1):
            smax = max(smax, lf[j])
            smin = min(smin, lf[j])
        peak = 0.0
        for j in range(a, b):
            peak = max(peak, abs(filt[j]))
        peak += 1e-12
        ratio[i] = (smax - smin) / (2 * peak)
        dm = 0.0
        if hi > lo:
            for j in range(max(lo - 1, 0) + 1, hi):
                dm = max(dm, abs(raw[j] - raw[j - 1]))
        step[i] = dm / sd
        if hi > lo:
            rmax = raw[lo]
            rmin = raw[lo]
            for j in range(lo + 1, hi):
                rmax = max(rmax, raw[j])
                rmin = min(rmin, raw[j])
            step_ratio[i] = dm / peak if dm >= 0.3 * (rmax - rmin) else 0.0
        else:
            step_ratio[i] = dm / peak if dm >= 0.0 else 0.0
    return ratio, step, step_ratio


def low_frequency_ratio(raw, filt, sfreq, starts, stops, *, l_freq=1.0, h_freq=15.0, pad=0.05, after=0.15, sd=None):
    """Peak of the low-frequency (1-15 Hz) raw signal over the peak of the EMG band, per burst.

    Motion artefacts and electrode pops put most of their energy below the EMG band; a myoclonic
    EMG burst does not (De Luca et al. 2010, doi:10.1016/j.jbiomech.2010.01.027). The window runs
    from ``pad`` s before the burst to ``after`` s after it: a jerk that moves the limb is followed
    by the movement after the electromechanical delay (10-100 ms). ``sd``: the scale of one-sample
    steps (:func:`step_scale`), by default of ``raw`` itself.

    Returns
    -------
    ratio : ndarray, shape (n_bursts,)
    step : ndarray, shape (n_bursts,)
        Largest one-sample jump of the raw signal in the burst, relative to the robust SD of the
        raw first difference (a pop is a step of many SDs).
    step_ratio : ndarray, shape (n_bursts,)
        That jump over the peak of the band-passed burst: an electrode pop is a step larger than
        the burst it produces after filtering (>= 1.5), EMG changes by less than its amplitude from
        one sample to the next.
    """
    if len(starts) == 0:
        return np.zeros(0), np.zeros(0), np.zeros(0)
    h = min(h_freq, 0.4 * sfreq)
    # the 1-15 Hz signal, computed on block means at >= 16 x its top frequency (same peaks to ~2%,
    # a fraction of the cost); blocks start at the first sample of ``raw``
    q = lf_decimation(sfreq, h)
    m = -(-raw.size // q)
    xb = np.add.reduceat(raw, np.arange(0, raw.size, q)) / np.diff(np.append(np.arange(0, raw.size, q), raw.size))
    lf = bandpass(xb, sfreq / q, l_freq, h, order=2) if m > 3 else xb - xb.mean()
    if sd is None:
        sd = step_scale(raw)
    p, pa = int(round(pad * sfreq)), int(round(after * sfreq))
    if use_numba():
        return _lf_measures_nb(np.ascontiguousarray(raw, dtype=np.float64), np.ascontiguousarray(filt, dtype=np.float64),
                               np.ascontiguousarray(lf, dtype=np.float64), np.asarray(starts, np.int64),
                               np.asarray(stops, np.int64), p, pa, q, float(sd))
    ratio = np.zeros(len(starts))
    step = np.zeros(len(starts))
    step_ratio = np.zeros(len(starts))
    for i, (a, b) in enumerate(zip(starts, stops)):
        lo, hi = max(0, a - p), min(raw.size, b + pa)
        seg = lf[lo // q: max(-(-hi // q), lo // q + 1)]
        peak = np.abs(filt[a:b]).max() + 1e-12
        ratio[i] = (seg.max() - seg.min()) / (2 * peak)
        # largest one-sample step in the window (the first sample's step is 0, as with prepend)
        dm = np.abs(np.diff(raw[max(lo - 1, 0):hi])).max(initial=0.0) if hi > lo else 0.0
        step[i] = dm / sd
        # a pop is one jump making up a large part (>= 30%) of the raw excursion; a movement is not
        step_ratio[i] = dm / peak if dm >= 0.3 * np.ptp(raw[lo:hi]) else 0.0
    return ratio, step, step_ratio


def step_scale(raw, *, span=1):
    """Robust SD of the ``span``-sample differences of a raw signal (1.4826 x their median absolute value)."""
    raw = np.asarray(raw, dtype=np.float64)
    d = np.abs(raw[span:] - raw[:-span]) if raw.size > span else np.zeros(1)
    return float(1.4826 * np.median(d) + 1e-12)


def lf_decimation(sfreq, h_freq=15.0):
    """Block length (samples) of the low-frequency signal of :func:`low_frequency_ratio`: block
    means at no less than 16 x ``h_freq``."""
    return max(1, int(sfreq // (16 * min(h_freq, 0.4 * sfreq))))


#: Samples over which an electrode step is allowed to complete (the amplifier's anti-aliasing
#: filter spreads a step over about two samples).
STEP_SPAN = 2
#: The level after a step must persist: from ``STEP_PERSIST[0]`` to ``STEP_PERSIST[1]`` s after the
#: jump its median still differs from the level before by at least ``STEP_PERSIST[2]`` x the step.
#: A QRS complex (60-100 ms) or an EMG potential has returned to baseline by then; an electrode step
#: recovers over hundreds of milliseconds (simulated pops: 50-300 ms).
STEP_PERSIST = (0.03, 0.08, 0.3)
#: Decay time constants (s) tried for the recovery after an electrode step (inf: a lasting offset,
#: as with DC-coupled amplifiers; 0.05-2 s: electrode-skin recharging and AC coupling).
STEP_TAUS = (0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, np.inf)


def _robust_sd(d):
    return 1.4826 * float(np.median(np.abs(d))) + 1e-12


@njit
def _step_candidates_nb(x, m, w, thr, rel):  # pragma: no cover - compiled
    """Indices t where ``|x[t+m] - x[t]| > thr`` and ``>= rel`` x the mean of those absolute
    differences over ``[t - w, t + w]`` (clipped): the NumPy candidate test of :func:`detect_steps`
    in one pass (the same arithmetic: a running sum of the absolute differences)."""
    nd = x.size - m
    out = np.empty(nd, np.int64)
    k = 0
    # running sum over [t - w, t + w] of |d|
    s = 0.0
    for j in range(min(w + 1, nd)):
        s += abs(x[j + m] - x[j])
    for t in range(nd):
        if t > 0:
            j = t + w
            if j < nd:
                s += abs(x[j + m] - x[j])
            j = t - w - 1
            if j >= 0:
                s -= abs(x[j + m] - x[j])
        a = abs(x[t + m] - x[t])
        if a > thr:
            lo = max(t - w, 0)
            hi = min(t + w + 1, nd)
            if a >= rel * s / (hi - lo):
                out[k] = t
                k += 1
    return out[:k].copy()


def detect_steps(raw, sfreq, *, k, window=0.02, sd=None):
    """Electrode steps: abrupt jumps of the raw signal whose new level persists.

    A step (electrode pop, cable or connector movement) changes the raw level within
    :data:`STEP_SPAN` samples and stays there (or recovers slowly), whereas EMG, however large,
    oscillates about its baseline within milliseconds, and a QRS complex within 100 ms. A jump of the
    ``STEP_SPAN``-sample difference
    is a step when it is at least ``k`` times the local sample-to-sample variability (robust SD of
    the same differences within ``window`` s on both sides, the jump left out) and at least ``k``
    times its channel-wide scale ``sd``, and when the median level of the ``window`` after it differs
    from that before it by at least half the jump, in the same direction, and by at least ``k`` x
    ``sd``, and still by 0.3 x that 30-80 ms later (:data:`STEP_PERSIST`).

    Parameters
    ----------
    raw : ndarray, shape (n_times,)
        Raw signal (uV).
    sfreq : float
        Hz.
    k : float
        Jump threshold in multiples of the local (and channel-wide) sample-to-sample variability.
    window : float
        Seconds on each side for the local variability and the levels.
    sd : float | None
        Channel-wide robust SD of the differences (:func:`step_scale`); default from ``raw``.

    Returns
    -------
    at : ndarray of int
        Sample of each step (its last sample before the jump).
    shift : ndarray of float
        Level change at the jump (uV): the median of its first millisecond (at least 3 samples)
        after minus that of the ``window`` before.
    """
    x = np.asarray(raw, dtype=np.float64)
    n, m = x.size, STEP_SPAN
    w = max(4, int(round(window * sfreq)))
    q = max(3, int(round(0.001 * sfreq)))
    l0, l1 = int(round(STEP_PERSIST[0] * sfreq)), max(int(round(STEP_PERSIST[1] * sfreq)), int(round(STEP_PERSIST[0] * sfreq)) + 4)
    if n < 2 * w + m + 2:
        return np.zeros(0, int), np.zeros(0)
    sd = step_scale(x, span=m) if sd is None else sd
    # candidates: jumps over k x the channel's scale that also stand out of their own neighbourhood
    # (inside EMG bursts many differences exceed k x the resting scale): the mean absolute
    # difference within +/- w, the jump included, x 1.25 for a Gaussian SD, at half the threshold
    # (the exact test follows)
    if use_numba():
        cand = _step_candidates_nb(x, m, w, k * sd, 0.5 * k * 1.25)
    else:
        d = x[m:] - x[:-m]
        ad = np.abs(d)
        cand = np.flatnonzero(ad > k * sd)
        cs = np.concatenate([[0.0], np.cumsum(ad)])
        lo, hi = np.maximum(cand - w, 0), np.minimum(cand + w + 1, ad.size)
        cand = cand[ad[cand] >= 0.5 * k * 1.25 * (cs[hi] - cs[lo]) / (hi - lo)]
    d = x[m:] - x[:-m] if cand.size else np.zeros(0)
    at, shift = [], []
    last = -10 * w
    for t in cand:
        if t - last < w:  # one step per window (its largest difference is taken below)
            continue
        lo, hi = max(0, t - w), min(d.size, t + w)
        t = lo + int(np.argmax(np.abs(d[lo:hi])))
        if t - last < w or t < w or t + m + w > n:
            continue
        jump = d[t]
        around = np.concatenate([d[max(0, t - w):max(0, t - m)], d[t + m:t + m + w]])
        if around.size < 8 or abs(jump) < k * _robust_sd(around):
            continue
        before = float(np.median(x[t - w:t + 1]))
        after = float(np.median(x[t + m:t + m + w]))
        if np.sign(after - before) != np.sign(jump) or abs(after - before) < 0.5 * abs(jump):
            continue
        # the level change at the jump itself (the recovery has not started): the first millisecond
        s = float(np.median(x[t + m:t + m + q])) - before
        if abs(s) < k * sd:
            continue
        late = x[t + m + l0:t + m + l1]  # still there after a QRS complex would have passed
        if late.size < 4 or (float(np.median(late)) - before) * np.sign(s) < STEP_PERSIST[2] * abs(s):
            continue
        at.append(t)
        shift.append(s)
        last = t
    return np.array(at, int), np.array(shift, float)


def repair_steps(raw, sfreq, at, shift, *, fit=0.5):
    """Subtract each electrode step and its recovery from the raw signal (a copy).

    The step is modelled as ``shift * exp(-t / tau)`` from the sample after the jump: ``shift`` is
    the level change measured across the jump (:func:`detect_steps`), so the signal stays continuous
    there, and ``tau`` (from :data:`STEP_TAUS`) fits best, by least squares, the 5 ms moving average of
    the signal relative to the median level before the step over the next ``fit`` s (or up to the
    next step); the samples inside the jump are interpolated linearly. What remains is the EMG
    around the step, so that the band-pass does not turn the step into a burst.

    Returns
    -------
    repaired : ndarray, shape (n_times,)
    """
    x = np.array(raw, dtype=np.float64, copy=True)
    n, m = x.size, STEP_SPAN
    w = max(4, int(round(0.02 * sfreq)))
    box = max(1, int(round(0.005 * sfreq)))
    for j, (t, s) in enumerate(zip(at, shift)):
        t = int(t)
        end = min(n, t + m + int(round(fit * sfreq)), int(at[j + 1]) if j + 1 < len(at) else n)
        base = float(np.median(x[max(0, t - w):t + 1]))
        seg = x[t + m:end] - base
        if seg.size < 4:
            continue
        smooth = np.convolve(seg, np.ones(box) / box, mode="same")
        tt = np.arange(seg.size) / sfreq
        best, best_err = np.inf, np.inf
        for tau in STEP_TAUS:
            g = np.ones(seg.size) if not np.isfinite(tau) else np.exp(-tt / tau)
            err = float(np.sum((smooth - s * g) ** 2))
            if err < best_err:
                best, best_err = tau, err
        tail = np.arange(n - t - m) / sfreq
        x[t + m:] -= s * (np.ones(tail.size) if not np.isfinite(best) else np.exp(-tail / best))
        x[t + 1:t + m] = np.linspace(x[t], x[t + m], m + 1)[1:-1]
    return x
