"""Event timing for the simulator: irregular and rhythmic series, activity blocks, sleep stages.

Pure functions of a ``numpy.random.Generator`` and durations in seconds; rates are per minute.
"""
from __future__ import annotations

import numpy as np

from .._validate import _check_range

__all__ = ["renewal_times", "rhythmic_times", "activity_blocks", "hypnogram_epochs", "IntervalSet"]


def renewal_times(rng, duration, *, rate, regularity=1.0, modulation=None, min_interval=0.0):
    """Event times of a (modulated) renewal process.

    Inter-event intervals are gamma distributed with shape ``regularity`` (1 = Poisson, irregular;
    larger = more regular) in the time-rescaled domain of the intensity
    ``lambda(t) = rate / 60 * m(t) / mean(m)``, so that the *mean* rate over the recording is
    ``rate`` per minute whatever the modulation ``m`` (e.g. more jerks during action). Events closer
    than ``min_interval`` s (a refractory period) are thinned; the rate is pre-compensated for the
    dead time so that the expected count stays ``rate * duration / 60``.

    Parameters
    ----------
    rng : numpy.random.Generator
    duration : float
        Seconds.
    rate : float
        Mean events per minute (>= 0).
    regularity : float
        Gamma shape of the intervals (> 0).
    modulation : tuple of (times, factors) | None
        Piecewise-linear relative intensity ``m(t)`` (>= 0) sampled at ``times`` (s).
    min_interval : float
        Minimum interval between events in seconds.

    Returns
    -------
    times : array of float
        Sorted event times in ``[0, duration)``.
    """
    _check_range("rate", rate, 0, None, unit="per minute")
    _check_range("regularity", regularity, 0, None, inclusive=False)
    if rate == 0 or duration <= 0:
        return np.zeros(0)
    r = rate / 60.0
    if min_interval > 0:
        r = r / max(1.0 - r * min_interval, 0.2)  # dead-time compensation
    if modulation is None:
        grid = np.array([0.0, duration])
        m = np.ones(2)
    else:
        grid, m = (np.asarray(a, float) for a in modulation)
        m = np.maximum(m, 0.0)
    mean_m = np.trapezoid(m, grid) / (grid[-1] - grid[0]) if grid[-1] > grid[0] else 1.0
    if mean_m <= 0:
        return np.zeros(0)
    lam = r * m / mean_m
    cum = np.concatenate([[0.0], np.cumsum(0.5 * (lam[1:] + lam[:-1]) * np.diff(grid))])
    total = cum[-1]
    n_draw = int(total * 1.5 + 10 * np.sqrt(total + 1) + 10)
    k = float(regularity)
    intervals = rng.gamma(k, 1.0 / k, n_draw)
    intervals[0] *= rng.uniform()  # stationary start
    u = np.cumsum(intervals)
    u = u[u < total]
    times = np.interp(u, cum, grid)
    if min_interval > 0 and times.size > 1:
        keep = [times[0]]
        for t in times[1:]:
            if t - keep[-1] >= min_interval:
                keep.append(t)
        times = np.asarray(keep)
    return times[(times >= 0) & (times < duration)]


def rhythmic_times(rng, duration, *, freq, cv):
    """Times of a rhythmic series at ``freq`` Hz with interval coefficient of variation ``cv``.

    Segmental (spinal) myoclonus is rhythmic at 1-3 Hz with small interval variability (Jankovic &
    Pardo 1986, doi:10.1001/archneur.1986.00520100039012).
    """
    _check_range("rhythm_hz", freq, 0, None, unit="Hz", inclusive=False)
    _check_range("rhythm_cv", cv, 0, 1)
    period = 1.0 / freq
    n = int(duration * freq * 1.5) + 4
    iv = np.maximum(period * (1.0 + cv * rng.standard_normal(n)), 0.3 * period)
    t = rng.uniform(0, period) + np.concatenate([[0.0], np.cumsum(iv[:-1])])
    return t[t < duration]


def activity_blocks(rng, duration, *, fraction, block, start=None):
    """Alternating rest and activity (e.g. posture) blocks.

    Parameters
    ----------
    fraction : float
        Expected fraction of time in activity (0-1).
    block : (float, float)
        Range of activity block lengths in seconds (uniform).
    start : float | None
        Time of the first block start; default a random rest first.

    Returns
    -------
    blocks : array, shape (n_blocks, 2)
        Start and stop (s) of each activity block, inside ``[0, duration]``.
    """
    _check_range("posture_fraction", fraction, 0, 1)
    if fraction <= 0:
        return np.zeros((0, 2))
    lo, hi = float(block[0]), float(block[1])
    mean_active = 0.5 * (lo + hi)
    if fraction >= 1:
        return np.array([[0.0, duration]])
    mean_rest = mean_active * (1 - fraction) / fraction
    t = rng.uniform(0.2, 1.0) * mean_rest if start is None else float(start)
    out = []
    while t < duration:
        length = rng.uniform(lo, hi)
        stop = min(t + length, duration)
        if stop - t >= min(lo, 2.0):
            out.append((t, stop))
        t = stop + rng.uniform(0.5, 1.5) * mean_rest
    return np.array(out).reshape(-1, 2)


def hypnogram_epochs(rng, duration, *, epoch=30.0):
    """Stages of a wake-to-sleep transition in 30-s epochs: W, then N1, sometimes a brief awakening
    (W) and N1 again, then N2 (AASM scoring; sleep starts occur at the W-N1 transition, Oswald 1959,
    doi:10.1093/brain/82.1.92).

    Returns
    -------
    onsets, durations : arrays of float (s)
    stages : list of str
    """
    n_ep = int(np.ceil(duration / epoch - 1e-9))
    stages = []
    n_w = max(1, int(round(n_ep * rng.uniform(0.25, 0.4))))
    stages += ["W"] * n_w
    stages += ["N1"] * int(rng.integers(1, 4))
    if n_ep - len(stages) >= 5 and rng.uniform() < 0.6:
        stages += ["W"] * int(rng.integers(1, 3))
        stages += ["N1"] * int(rng.integers(1, 3))
    stages += ["N2"] * max(0, n_ep - len(stages))
    stages = stages[:n_ep]
    onsets = np.arange(n_ep) * epoch
    durs = np.minimum(epoch, duration - onsets)
    return onsets, durs, stages


class IntervalSet:
    """Mutable set of half-open intervals ``[a, b)`` with an overlap query (for scheduling)."""

    def __init__(self):
        self.starts = []
        self.stops = []

    def overlaps(self, a, b):
        """True if ``[a, b)`` overlaps any stored interval."""
        if not self.starts:
            return False
        st = np.asarray(self.starts)
        sp = np.asarray(self.stops)
        return bool(np.any((st < b) & (sp > a)))

    def add(self, a, b):
        """Store ``[a, b)``."""
        self.starts.append(float(a))
        self.stops.append(float(b))

    def __len__(self):
        return len(self.starts)
