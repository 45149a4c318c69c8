"""Timing of jerks: grouping into multi-muscle jerks, series (trains) and rhythmicity.

Pure functions on arrays of onsets in seconds.
"""
from __future__ import annotations

import numpy as np

from .._validate import _check_range

__all__ = [
    "group_jerks",
    "find_series",
    "series_summary",
    "point_process_spectrum",
    "rhythm_analysis",
    "COINCIDENCE_WINDOW",
    "SERIES_GAP",
    "MIN_SERIES_LENGTH",
    "CV_RHYTHMIC",
    "CV_SEMI_RHYTHMIC",
]

#: Jerks on different muscles whose onsets fall within this many seconds of the first one are one
#: multi-muscle jerk. 100 ms covers the slowest physiological spread of one jerk (propriospinal
#: spread at 3-11 m/s over the trunk and limbs, Brown et al. 1991, doi:10.1093/brain/114.1.197;
#: reticular reflex spread to the legs, Hallett et al. 1977, doi:10.1136/jnnp.40.3.253).
COINCIDENCE_WINDOW = 0.100
#: Jerks closer than this (s, onset to onset) belong to one series (train); package convention
#: for "repetitive" jerks (Caviness & Brown 2004, doi:10.1016/S1474-4422(04)00880-4).
SERIES_GAP = 1.0
#: Minimum number of jerks in a series (a pair is not yet a series).
MIN_SERIES_LENGTH = 3
#: Inter-jerk-interval coefficient of variation below which a significant rhythm is called
#: rhythmic (a Poisson process has CV 1; segmental/palatal myoclonus is regular at 1-3 Hz,
#: Jankovic & Pardo 1986, doi:10.1001/archneur.1986.00520100039012). Package convention.
CV_RHYTHMIC = 0.25
#: CV below which a significant rhythm is called semi-rhythmic (package convention).
CV_SEMI_RHYTHMIC = 0.5


def group_jerks(onsets, channels, *, window=COINCIDENCE_WINDOW):
    """Group per-channel jerks into multi-muscle jerks (coincidence window from the first onset).

    Parameters
    ----------
    onsets : array of float
        Jerk onsets in seconds (any order).
    channels : array of str
        Channel of each jerk.
    window : float
        Coincidence window in seconds, see :data:`COINCIDENCE_WINDOW`. A channel appears at most
        once in a multi-muscle jerk; a second burst on the same channel starts a new one.

    Returns
    -------
    labels : array of int
        Index of the multi-muscle jerk of each input jerk (input order).
    group_onsets : array of float
        Onset (s) of each multi-muscle jerk (its earliest channel onset), increasing.
    """
    _check_range("window", window, 0, 5.0, unit="s")
    onsets = np.asarray(onsets, float).ravel()
    channels = np.asarray(channels, dtype=object).ravel()
    labels = np.full(len(onsets), -1, int)
    if not len(onsets):
        return labels, np.zeros(0)
    order = np.argsort(onsets, kind="stable")
    g = -1
    t0 = -np.inf
    seen = set()
    starts = []
    for i in order:
        if g >= 0 and onsets[i] - t0 <= window and channels[i] not in seen:
            seen.add(channels[i])
        else:
            g += 1
            t0 = onsets[i]
            seen = {channels[i]}
            starts.append(t0)
        labels[i] = g
    return labels, np.asarray(starts, float)


def find_series(times, *, gap=SERIES_GAP, min_length=MIN_SERIES_LENGTH):
    """Find series (trains) of jerks: runs of >= ``min_length`` jerks with intervals < ``gap``.

    Parameters
    ----------
    times : array of float
        Onsets (s) of (multi-muscle) jerks, increasing.
    gap : float
        Maximum onset-to-onset interval (s) inside a series, see :data:`SERIES_GAP`.
    min_length : int
        Minimum number of jerks of a series, see :data:`MIN_SERIES_LENGTH`.

    Returns
    -------
    series : list of (start, stop)
        Index ranges ``times[start:stop]`` of each series.
    """
    _check_range("gap", gap, 0, None, unit="s", inclusive=False)
    _check_range("min_length", min_length, 2, None)
    t = np.asarray(times, float).ravel()
    if len(t) < min_length:
        return []
    brk = np.flatnonzero(np.diff(t) >= gap) + 1
    bounds = np.concatenate([[0], brk, [len(t)]])
    return [(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:]) if b - a >= min_length]


def series_summary(times, *, gap=SERIES_GAP, min_length=MIN_SERIES_LENGTH):
    """Series count, mean length, within-series frequency and isolated fraction (JSON-ready dict).

    Rule: a series is >= ``min_length`` consecutive jerks with onset-to-onset intervals
    < ``gap`` s (Caviness & Brown 2004, doi:10.1016/S1474-4422(04)00880-4, repetitive vs
    isolated myoclonus). The within-series frequency is 1 / median interval inside series.
    """
    t = np.asarray(times, float).ravel()
    series = find_series(t, gap=gap, min_length=min_length)
    rule = f">= {min_length} jerks with onset-to-onset intervals < {gap:g} s"
    n = len(t)
    in_series = sum(b - a for a, b in series)
    if series:
        ivals = np.concatenate([np.diff(t[a:b]) for a, b in series])
        med = float(np.median(ivals))
        freq = 1.0 / med if med > 0 else None
        lengths = [b - a for a, b in series]
        durations = [float(t[b - 1] - t[a]) for a, b in series]
    else:
        freq, lengths, durations = None, [], []
    return {
        "count": len(series),
        "mean_length": float(np.mean(lengths)) if lengths else 0.0,
        "max_length": int(max(lengths)) if lengths else 0,
        "mean_duration_s": float(np.mean(durations)) if durations else 0.0,
        "within_series_frequency_hz": freq,
        "jerks_in_series": int(in_series),
        "isolated_fraction": (float((n - in_series) / n) if n else None),
        "rule": rule,
        "_ranges": series,
    }


def point_process_spectrum(times, duration, *, fmin=0.5, fmax=15.0, bin_s=0.01, oversample=8, max_fft=2**20):
    """Periodogram of a point process (a train of event times), normalised to 1 for Poisson.

    ``P(f) = |sum_k exp(-2 pi i f t_k)|^2 / N``; for a homogeneous Poisson process its ordinates
    away from 0 Hz are approximately exponentially distributed with mean 1 (Brillinger 1972).
    Computed by FFT of the event train binned at ``bin_s`` seconds (zero-padded ``oversample``
    times, at most ``max_fft`` points, i.e. a frequency step <= 1 / (2 T) for long trains).

    Returns
    -------
    freqs, power : arrays
        Frequencies (Hz) within ``[fmin, fmax]`` and normalised power.
    """
    t = np.asarray(times, float).ravel()
    n = len(t)
    if n == 0 or duration <= 0:
        return np.zeros(0), np.zeros(0)
    nb = int(np.ceil(duration / bin_s)) + 1
    x = np.zeros(nb)
    np.add.at(x, np.clip((t / bin_s).astype(int), 0, nb - 1), 1.0)
    nfft = int(2 ** np.ceil(np.log2(max(2 * nb, min(nb * oversample, max_fft)))))
    X = np.fft.rfft(x, nfft)
    f = np.fft.rfftfreq(nfft, bin_s)
    keep = (f >= fmin) & (f <= fmax)
    return f[keep], (np.abs(X[keep]) ** 2) / n


def rhythm_analysis(
    times,
    duration,
    *,
    fmin=0.5,
    fmax=15.0,
    alpha=0.01,
    cv_rhythmic=CV_RHYTHMIC,
    cv_semi=CV_SEMI_RHYTHMIC,
    min_jerks=10,
    pause_factor=1.8,
):
    """Regularity of a jerk train: interval CV, spectral peak with a Poisson test, and a verdict.

    Parameters
    ----------
    times : array of float
        Onsets (s) of (multi-muscle) jerks.
    duration : float
        Analysed duration (s).
    fmin, fmax : float
        Frequency band (Hz) searched for a peak; myoclonic rhythms are 1-3 Hz (segmental,
        palatal; Jankovic & Pardo 1986, doi:10.1001/archneur.1986.00520100039012) and up to
        ~10-15 Hz for rhythmic cortical myoclonus (Caviness & Brown 2004).
    alpha : float
        Significance level of the peak against a homogeneous Poisson process of the same rate:
        the peak ordinate ``P`` has ``p = 1 - (1 - exp(-P))**M`` with ``M = (fmax - fmin) * T``
        independent frequencies (Brillinger 1972).
    cv_rhythmic, cv_semi : float
        CV thresholds, see :data:`CV_RHYTHMIC` and :data:`CV_SEMI_RHYTHMIC`. The CV used for the
        verdict ignores pauses longer than ``pause_factor`` x the median interval (intermittent
        runs of a regular rhythm), and is reported as ``cv_within_runs``.
    pause_factor : float
        Default 1.8 (package convention): an interval of about twice the median is a pause or one
        missed (undetected) jerk of the rhythm, not timing jitter, so it is left out of the CV; for
        an irregular (Poisson) train the CV of the remaining intervals stays above 0.5.
    min_jerks : int
        Fewer jerks give ``'insufficient_data'``.

    Returns
    -------
    dict
        ``verdict`` ('rhythmic', 'semi_rhythmic', 'irregular' or 'insufficient_data'),
        ``frequency_hz`` (spectral peak when rhythmic or semi-rhythmic, else None),
        ``peak_frequency_hz``, ``peak_power``, ``p_value``, ``cv``, ``cv_within_runs``,
        ``median_interval_s``, ``n``.
    """
    t = np.sort(np.asarray(times, float).ravel())
    out = {
        "verdict": "insufficient_data",
        "frequency_hz": None,
        "peak_frequency_hz": None,
        "peak_power": None,
        "p_value": None,
        "cv": None,
        "cv_within_runs": None,
        "median_interval_s": None,
        "n": int(len(t)),
        "rule": (
            f"rhythmic: spectral peak p < {alpha:g} (Poisson) and interval CV <= {cv_rhythmic:g}; "
            f"semi-rhythmic: p < {alpha:g} and CV <= {cv_semi:g}; else irregular"
        ),
    }
    if len(t) < max(3, min_jerks) or duration <= 0:
        return out
    iji = np.diff(t)
    iji = iji[iji > 0]
    if len(iji) < 2:
        return out
    med = float(np.median(iji))
    out["median_interval_s"] = med
    out["cv"] = float(np.std(iji) / np.mean(iji))
    runs = iji[iji <= pause_factor * med]
    cvr = float(np.std(runs) / np.mean(runs)) if len(runs) >= 2 else out["cv"]
    out["cv_within_runs"] = cvr
    T = float(max(duration, t[-1] - t[0]))
    f_hi = min(fmax, 0.45 / 0.01)
    freqs, power = point_process_spectrum(t, T, fmin=fmin, fmax=f_hi)
    if len(power):
        k = int(np.argmax(power))
        # fundamental, not a harmonic: the lowest local maximum with >= half the top power
        lm = np.flatnonzero(
            (power >= 0.5 * power[k])
            & (power >= np.roll(power, 1))
            & (power >= np.roll(power, -1))
        )
        if len(lm):
            k = int(lm[0])
        pk = float(power[k])
        M = max(1.0, (f_hi - fmin) * T)
        p = float(-np.expm1(M * np.log1p(-np.exp(-pk)))) if pk < 700 else 0.0
        out.update(peak_frequency_hz=float(freqs[k]), peak_power=pk, p_value=p)
        sig = p < alpha
        if sig and cvr <= cv_rhythmic:
            out["verdict"] = "rhythmic"
        elif sig and cvr <= cv_semi:
            out["verdict"] = "semi_rhythmic"
        else:
            out["verdict"] = "irregular"
        if out["verdict"] != "irregular":
            out["frequency_hz"] = float(freqs[k])
    else:
        out["verdict"] = "irregular"
    return out
