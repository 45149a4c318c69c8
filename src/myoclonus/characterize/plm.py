"""Leg movements (LM) and periodic leg movements (PLM) scored on the leg EMG by the standards' rules.

The leg movements are found by the standards' own amplitude rules on each leg's EMG (never from the
jerk detector's events): onset where the EMG rises 8 uV above the channel's resting level, offset at
the start of at least 0.5 s during which it does not exceed 2 uV above resting. Monolateral LMs are
combined across the legs, candidate LMs and PLM series follow, then the indices per hour of sleep,
wake and per stage, the periodicity index and the inter-movement intervals.

Two rule sets (:data:`PLM_STANDARDS`):

* ``'wasm2016'`` (default): Ferri R, Fulda S, Allen RP, et al. (2016). World Association of Sleep
  Medicine (WASM) 2016 standards for recording and scoring leg movements in polysomnograms.
  Sleep Med 26:86-95, doi:10.1016/j.sleep.2016.10.010 (updating Zucconi M, et al. (2006), Sleep Med
  7:175-183, doi:10.1016/j.sleep.2006.01.001).
* ``'aasm'``: Berry RB, et al. The AASM Manual for the Scoring of Sleep and Associated Events, v2.6
  (2020), American Academy of Sleep Medicine, movement rules (leg movements, PLM series).

Reading the leg EMG is chunked (:data:`CHUNK`-s pieces with :data:`PAD` s read on each side for the
filters), and only the amplitude envelope at :data:`ENVELOPE_RATE` Hz is kept (float32), so a night
never sits in memory at the recording's rate: scoring 8 h of two legs at 500 Hz peaked at 40 MB
(tracemalloc), where one channel's float64 samples take 115 MB.
"""
from __future__ import annotations

import logging
import warnings

import numpy as np

from .._validate import MyoclonusUsageError, _check_option, _check_range
from ..events import Events
from ..io.sites import parse_label
from ..preprocess import bandpass, clamp_band, detect_mains, mains_harmonics, notch
from .sleep import NREM_STAGES, SLEEP_STAGES, stage_of

__all__ = [
    "PLM_STANDARDS",
    "STANDARD_NAMES",
    "LM_BAND",
    "NOTCH_Q",
    "ENVELOPE_WINDOW",
    "ENVELOPE_RATE",
    "MIN_SFREQ",
    "REST_WINDOW",
    "REST_TOP",
    "REST_QUANTILE",
    "REST_SPAN",
    "IMI_BIN_EDGES",
    "CHUNK",
    "PAD",
    "leg_channels",
    "leg_envelope",
    "leg_envelope_from_recording",
    "resting_level",
    "local_resting_level",
    "lm_from_envelope",
    "detect_leg_movements",
    "combine_bilateral",
    "plm_series",
    "periodicity_index",
    "imi_histogram",
    "score_plm",
    "score_leg_emg",
    "rules_text",
]

logger = logging.getLogger("myoclonus")

#: Leg-movement rules per standard. Amplitudes in uV above the resting level, times in seconds.
#:
#: Both: LM onset where the EMG rises ``onset_uv`` = 8 uV above the resting EMG; LM offset at the
#: start of a period of at least ``offset_hold`` = 0.5 s during which the EMG does not exceed
#: ``offset_uv`` = 2 uV above resting; LMs last at least ``min_duration`` = 0.5 s; a PLM series has at
#: least ``min_series`` = 4 movements with inter-movement intervals (IMI, onset to onset) within
#: ``[min_imi, max_imi]``; an LM and an arousal are associated when they overlap or fewer than
#: ``arousal_s`` = 0.5 s separate the end of one from the onset of the other.
#:
#: WASM 2016 (Ferri et al. 2016, doi:10.1016/j.sleep.2016.10.010): an LM may last any time >= 0.5 s;
#: candidate LMs (CLM) are monolateral LMs of 0.5-10 s (``max_duration``) and bilateral LMs of
#: 0.5-15 s (``max_bilateral_duration``) made of at most 4 monolateral LMs (``max_components``), each a
#: CLM; monolateral LMs of the two legs that overlap or are separated by less than 0.5 s (offset to
#: onset, ``bilateral='gap'``, ``bilateral_s``) form one bilateral LM; PLM: >= 4 consecutive CLM with IMI
#: >= 10 and <= 90 s; a CLM preceded by an IMI < 10 s, an IMI > 90 s or an LM that is not a CLM ends
#: the series, and a CLM preceded by an IMI < 10 s belongs to no series (``short_imi='breaks'``);
#: computer scoring requires a window of >= 0.5 s inside the LM whose median amplitude is >= 2 uV
#: above resting (``morphology``; Skeba et al. 2016, doi:10.1007/s11325-016-1404-2); CLM overlapping
#: the interval from 2 s before to 10.25 s after the end of a respiratory event are
#: respiratory-related (``respiratory=('end', -2.0, 10.25)``): they stay in the PLM count and a
#: PLMS index without them is given apart.
#:
#: AASM manual (Berry et al., v2.6): an LM lasts 0.5-10 s (``lm_max_duration``: longer activity is not
#: an LM); LMs of the two legs whose onsets are less than 5 s apart count as one LM
#: (``bilateral='onset'``); PLM: >= 4 consecutive LMs 5-90 s apart; an LM less than 5 s after the
#: previous counted LM is left out without ending the series (``short_imi='skipped'``, the reading of
#: the AASM and WASM 2006 rules in Ferri et al. 2015, doi:10.1016/j.sleep.2015.05.019); an LM from
#: 0.5 s before the start to 0.5 s after the end of an apnea, hypopnea or respiratory-effort related
#: arousal is not scored (``respiratory=('event', -0.5, 0.5)``).
PLM_STANDARDS = {
    "wasm2016": {
        "onset_uv": 8.0, "offset_uv": 2.0, "offset_hold": 0.5, "min_duration": 0.5, "lm_max_duration": None,
        "max_duration": 10.0, "max_bilateral_duration": 15.0, "max_components": 4,
        "bilateral": "gap", "bilateral_s": 0.5, "min_imi": 10.0, "max_imi": 90.0, "min_series": 4,
        "short_imi": "breaks", "morphology": True, "morphology_window": 0.5,
        "respiratory": ("end", -2.0, 10.25), "arousal_s": 0.5,
    },
    "aasm": {
        "onset_uv": 8.0, "offset_uv": 2.0, "offset_hold": 0.5, "min_duration": 0.5, "lm_max_duration": 10.0,
        "max_duration": 10.0, "max_bilateral_duration": None, "max_components": None,
        "bilateral": "onset", "bilateral_s": 5.0, "min_imi": 5.0, "max_imi": 90.0, "min_series": 4,
        "short_imi": "skipped", "morphology": False, "morphology_window": 0.5,
        "respiratory": ("event", -0.5, 0.5), "arousal_s": 0.5,
    },
}

#: Full names of the standards, as written in summary.json and the report.
STANDARD_NAMES = {
    "wasm2016": "WASM 2016 (Ferri et al. 2016, Sleep Med 26:86-95, doi:10.1016/j.sleep.2016.10.010)",
    "aasm": "AASM Manual for the Scoring of Sleep and Associated Events (Berry et al., v2.6, 2020)",
}

#: Pass band (Hz) of the leg EMG before its amplitude is taken: the AASM manual's recommended filter
#: settings for leg EMG (low-frequency filter 10 Hz, high-frequency filter 100 Hz); clamped below
#: Nyquist. Mains lines inside the band are notched (:func:`myoclonus.preprocess.detect_mains`,
#: :data:`NOTCH_Q`).
LM_BAND = (10.0, 100.0)
#: Quality factor of the mains notch (bandwidth f0/Q: 10 Hz at 50 Hz). A zero-phase notch rings on
#: both sides of a burst for about Q/(pi f0) s per e-fold (32 ms at Q=5, 50 Hz; 0.19 s at the
#: detector's Q=30): with Q=30 a 300-ms, 100-uV burst on a channel with mains measured up to 0.45 s
#: longer, enough to turn a jerk into a 0.5-s leg movement. Q=5 keeps the spread within about 0.1 s
#: at the cost of 45-55 Hz (60 Hz: 54-66 Hz) of the 10-100 Hz band. Package convention.
NOTCH_Q = 5.0
#: Lowest sampling rate (Hz) at which leg movements are scored: the AASM manual's minimal sampling
#: rate for EMG (200 Hz; 500 Hz desirable). Below it the scoring is "not assessable".
MIN_SFREQ = 200.0
#: The EMG amplitude the standards' uV thresholds are read on: the rectified band-passed EMG averaged
#: over this centred window (s). Package convention: the standards state the thresholds in uV "above
#: resting EMG" without defining the amplitude measure; a short mean of the rectified EMG is stable at
#: rest (so the 0.5-s offset rule holds) and follows the movement within +/- half a window.
ENVELOPE_WINDOW = 0.1
#: Rate (Hz) at which the amplitude envelope is kept (integer decimation of the recording's rate, not
#: below it): onsets and offsets to 10 ms. Package convention.
ENVELOPE_RATE = 100.0
#: The resting EMG is the top of the band the channel's amplitude keeps at rest, around each time:
#: the :data:`REST_TOP` percentile of the envelope in each :data:`REST_WINDOW`-s window, and of
#: those, the ``REST_QUANTILE`` quantile (10%) over the windows within :data:`REST_SPAN` s centred
#: on it (the quiet moments; movements may take up to ~90% of a span). The standards measure the
#: movement against the resting EMG as it shows on the trace, a band: the EMG must rise 8 uV above
#: it and come back within 2 uV of it. Taking the band's centre (a mean or median) instead would count
#: the baseline's own upper swings as activity above resting (on real rest EMG of 2 uV RMS, the 0.1-s
#: amplitude swings 1-2 uV above its median), delaying offsets by up to 0.5 s; automatic scorers
#: likewise set an adaptive noise floor at the upper envelope of the baseline (Moore et al. 2014,
#: doi:10.1371/journal.pone.0114565; the IRLSSG group's MATPLM: moving mean plus 5 variances, maximum
#: over 0.5 s, minimum over 60 s). Following the night's slow changes (position, electrode impedance,
#: tone across stages) as a visual scorer compares a movement with the baseline around it. Package
#: convention.
REST_WINDOW = 1.0
#: Percentile of the envelope in a window taken as the top of its band (:data:`REST_WINDOW`).
REST_TOP = 95.0
#: Quantile of the windows' band tops within the span (:data:`REST_WINDOW`).
REST_QUANTILE = 0.1
#: Seconds of the centred span of the local resting level (:data:`REST_WINDOW`).
REST_SPAN = 60.0
#: Log-spaced bin edges (s) of the inter-movement interval histogram, 10 bins per decade from 0.4 to
#: 1000 s (the IMI distribution on a log scale, as in Ferri et al. 2006, doi:10.1093/sleep/29.6.759).
IMI_BIN_EDGES = tuple(float(x) for x in np.round(10.0 ** np.arange(-0.4, 3.0001, 0.1), 6))
#: Core length (s) of the chunks in which a leg channel is read and filtered.
CHUNK = 300.0
#: Seconds read on each side of a chunk so the zero-phase filters have settled in the core: the
#: least-damped poles (the 10-Hz edge of the order-4 Butterworth, e-fold ~42 ms; the mains notch at
#: Q=5, e-fold Q/(pi f0) ~32 ms at 50 Hz) decay below 1e-12 within about 1.2 s.
PAD = 10.0

_RESP_WORDS = ("apnea", "apnoea", "hypopnea", "hypopnoea", "rera", "respiratory event", "respiratory effort")


def rules_text(standard="wasm2016"):
    """The scoring rules of ``standard`` as plain sentences with their sources (list of str)."""
    _check_option("standard", standard, tuple(PLM_STANDARDS))
    R = PLM_STANDARDS[standard]
    common = (f"Amplitude: rectified EMG band-passed {LM_BAND[0]:g}-{LM_BAND[1]:g} Hz (AASM leg EMG filters; mains "
              f"notched with Q={NOTCH_Q:g}), "
              f"averaged over {ENVELOPE_WINDOW:g} s (package convention); resting EMG of each channel at each time: "
              f"the top ({REST_TOP:g}th percentile) of the amplitude band of its {REST_WINDOW:g}-s windows, at the "
              f"quietest {100 * REST_QUANTILE:.0f}% of them within {REST_SPAN:g} s around it (package convention; "
              "adaptive noise floor at the baseline's upper envelope as in Moore et al. 2014).")
    onset = (f"LM onset {R['onset_uv']:g} uV above resting; offset at the start of >= {R['offset_hold']:g} s not "
             f"exceeding {R['offset_uv']:g} uV above resting")
    if standard == "wasm2016":
        return [
            common,
            onset + f"; LM >= {R['min_duration']:g} s (Ferri et al. 2016, doi:10.1016/j.sleep.2016.10.010).",
            f"Computer scoring: an LM holds >= {R['morphology_window']:g} s whose median amplitude is >= "
            f"{R['offset_uv']:g} uV above resting (Ferri et al. 2016; Skeba et al. 2016, doi:10.1007/s11325-016-1404-2).",
            f"Bilateral LM: monolateral LMs of the two legs overlapping or < {R['bilateral_s']:g} s apart "
            "(offset to onset) are one LM (Ferri et al. 2016).",
            f"Candidate LM (CLM): monolateral {R['min_duration']:g}-{R['max_duration']:g} s; bilateral "
            f"{R['min_duration']:g}-{R['max_bilateral_duration']:g} s of at most {R['max_components']} monolateral "
            "CLM (Ferri et al. 2016).",
            f"PLM series: >= {R['min_series']} consecutive CLM with inter-movement intervals (onset to onset) "
            f"{R['min_imi']:g}-{R['max_imi']:g} s; a CLM preceded by < {R['min_imi']:g} s, an interval > "
            f"{R['max_imi']:g} s or an LM that is not a CLM ends the series; a CLM preceded by < {R['min_imi']:g} s "
            "is in no series (Ferri et al. 2016).",
            "Respiratory-related CLM: overlapping 2 s before to 10.25 s after the end of an apnea/hypopnea; kept "
            "in the PLMS index, which is also given without them (Ferri et al. 2016).",
            f"LM with arousal: overlapping or < {R['arousal_s']:g} s between the end of one and the onset of the "
            "other (Ferri et al. 2016; AASM manual).",
        ]
    return [
        common,
        onset + f"; LM {R['min_duration']:g}-{R['lm_max_duration']:g} s (AASM manual, Berry et al. v2.6).",
        f"LMs of the two legs with onsets < {R['bilateral_s']:g} s apart count as one LM (AASM manual).",
        f"PLM series: >= {R['min_series']} consecutive LMs {R['min_imi']:g}-{R['max_imi']:g} s apart (onset to "
        f"onset) (AASM manual); an LM < {R['min_imi']:g} s after the previous counted LM is left out without "
        "ending the series (Ferri et al. 2015, doi:10.1016/j.sleep.2015.05.019).",
        "LMs from 0.5 s before to 0.5 s after an apnea, hypopnea or RERA are not scored (AASM manual).",
        f"LM with arousal: overlapping or < {R['arousal_s']:g} s between the end of one and the onset of the "
        "other (AASM manual).",
    ]


# ------------------------------------------------------------------------------------ channels
def leg_channels(recording, names=None):
    """Names of the leg EMG channels: ``names`` (checked), else every EMG channel over the tibialis
    anterior or labelled as a leg (AASM: leg EMG is recorded over the tibialis anterior)."""
    if names is not None:
        names = [names] if isinstance(names, str) else [str(n) for n in names]
        missing = [n for n in names if n not in recording.ch_names]
        if missing:
            raise MyoclonusUsageError(
                f"Leg channel(s) {missing} are not in the recording; its channels are {recording.ch_names}."
            )
        return names
    out = []
    for c in recording.channels:
        if c.type != "emg":
            continue
        site = c.site if c.site is not None else parse_label(c.name)[1]
        if site.muscle in ("tibialis_anterior", "leg"):
            out.append(c.name)
    return out


# ------------------------------------------------------------------------------------ envelope
def _moving_mean(x, n):
    """Centred moving mean over ``n`` samples along the last axis (edges: the mean of what is there)."""
    if n <= 1:
        return x
    c = np.cumsum(np.concatenate([np.zeros(x.shape[:-1] + (1,)), x], axis=-1), axis=-1)
    m = x.shape[-1]
    lo = np.clip(np.arange(m) - n // 2, 0, m)
    hi = np.clip(np.arange(m) - n // 2 + n, 0, m)
    return (c[..., hi] - c[..., lo]) / np.maximum(hi - lo, 1)


def leg_envelope(emg, sfreq, *, band=LM_BAND, window=ENVELOPE_WINDOW, notch_freq="auto", notch_harmonics=None,
                 log=None):
    """Amplitude of the leg EMG on which the standards' uV thresholds are read.

    The EMG (mean removed) is notched at the mains frequency and its harmonics inside the band
    (Q = :data:`NOTCH_Q`), band-passed ``band`` Hz (zero-phase Butterworth,
    :func:`myoclonus.preprocess.bandpass`), rectified and averaged over a centred ``window``-s
    window (:data:`ENVELOPE_WINDOW`).

    Parameters
    ----------
    emg : array, shape (n_times,) or (n_channels, n_times)
        Leg EMG in microvolts.
    sfreq : float
        Hz.
    band : (float, float)
        Pass band (Hz), :data:`LM_BAND`.
    window : float
        Seconds.
    notch_freq : 'auto' | float | None
        Mains frequency: 'auto' detects 50/60 Hz (:func:`myoclonus.preprocess.detect_mains`) and
        notches the harmonics that stand out; a number notches it (and ``notch_harmonics``, default
        every harmonic in the band); None: no notch.
    notch_harmonics : list of float | None
        Frequencies (Hz) to notch with a numeric ``notch_freq``.
    log : list | None
        Filter descriptions are appended here.

    Returns
    -------
    envelope : array, same shape, microvolts.
    """
    _check_range("sfreq", sfreq, 0, None, unit="Hz", inclusive=False)
    y = np.asarray(emg, float)
    y = y - np.mean(y, axis=-1, keepdims=True)
    lo, hi = clamp_band(band[0], band[1], sfreq)
    f0, harmonics = notch_freq, notch_harmonics
    if notch_freq == "auto":
        y0 = y if y.ndim == 1 else y[0]
        f0, _ = detect_mains(y0, sfreq)
        harmonics = mains_harmonics(y0, sfreq, f0, top=hi) if f0 is not None else None
    if f0 is not None and f0 < 0.45 * sfreq and (harmonics is None or len(harmonics)):
        y = notch(y, sfreq, f0, h_freq=hi, quality=NOTCH_Q, harmonics=harmonics, log=log)
    y = bandpass(y, sfreq, lo, hi, log=log)
    return _moving_mean(np.abs(y), max(1, int(round(window * sfreq))))


def leg_envelope_from_recording(recording, channel, *, rate=ENVELOPE_RATE, chunk=CHUNK, pad=PAD, band=LM_BAND,
                                window=ENVELOPE_WINDOW):
    """:func:`leg_envelope` of one channel of a recording, read chunk by chunk.

    Each ``chunk``-s piece is read with ``pad`` s on each side (:meth:`Recording.get_data`), filtered
    and rectified, and only its core is kept, decimated to about ``rate`` Hz: memory holds one
    channel-chunk at the recording's rate and the envelope of the night at ``rate`` Hz. The mains
    frequency and its harmonics are found once, on the first minute of the channel, so every chunk
    is filtered alike. The envelope of a discontinuous recording is NaN in its gaps.

    Returns
    -------
    envelope : array of float32
        Microvolts, sample ``k`` at ``k / env_sfreq`` s on the recording's time axis.
    env_sfreq : float
        Hz (the channel's rate divided by an integer).
    filters : list of str
        The filters applied.
    """
    ci = recording.ch_names.index(channel)
    ch = recording.channels[ci]
    sf = float(ch.sfreq)
    q = max(1, int(sf // rate))
    n = int(ch.n_times)
    env = np.full(-(-n // q), np.nan, dtype=np.float32)  # uV to 1e-7 of their value: half the memory
    step = max(q, int(round(chunk * sf)) // q * q)
    padn = int(round(pad * sf))
    log = []
    f0, harmonics, first = None, None, True
    for onset, dur in recording.segments:
        a = int(round(onset * sf))
        b = min(n, int(round((onset + dur) * sf)))
        if b <= a:
            continue
        if first:  # mains found once per channel, on its first minute
            x0 = recording.get_data([channel], tmin=a / sf, tmax=min(b, a + int(60 * sf)) / sf)[0]
            x0 = x0 - np.mean(x0) if x0.size else x0
            f0, _ = detect_mains(x0, sf)
            if f0 is not None:
                harmonics = mains_harmonics(x0, sf, f0, top=clamp_band(band[0], band[1], sf)[1])
                log.append(f"mains {f0:g} Hz notched at {', '.join(f'{h:g}' for h in harmonics) or 'no harmonic'} Hz")
            first = False
        for c0 in range(a, b, step):
            c1 = min(c0 + step, b)
            r0, r1 = max(a, c0 - padn), min(b, c1 + padn)
            x = recording.get_data([channel], tmin=r0 / sf, tmax=r1 / sf)[0]
            if x.size < 16:
                continue
            y = leg_envelope(x, sf, band=band, window=window, notch_freq=f0,
                             notch_harmonics=harmonics if f0 is not None else None, log=log if c0 == a else None)
            k0 = -(-c0 // q)
            idx = np.arange(k0 * q, c1, q)
            idx = idx[idx - r0 < y.size]
            env[idx // q] = y[idx - r0]
    return env, sf / q, list(dict.fromkeys(log))


def resting_level(envelope, sfreq, *, window=REST_WINDOW, top=REST_TOP, quantile=REST_QUANTILE):
    """Resting EMG level (uV) of a whole amplitude envelope, by the definition of
    :func:`local_resting_level` over all its windows at once (NaN samples, the gaps of a discontinuous
    recording, are left out)."""
    band = _window_tops(envelope, max(1, int(round(window * sfreq))), top)
    band = band[np.isfinite(band)]
    return float(np.quantile(band, quantile)) if band.size else float("nan")


def _window_tops(envelope, w, top, block=1024):
    """The ``top`` percentile of each ``w``-sample window (NaN for an all-NaN window), computed a block
    of windows at a time (no copy of the whole envelope)."""
    e = np.asarray(envelope).ravel()
    n_win = -(-e.size // w)
    out = np.full(n_win, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows (gaps): NaN
        for k0 in range(0, n_win, block):
            k1 = min(n_win, k0 + block)
            seg = np.asarray(e[k0 * w: k1 * w], float)
            if seg.size < (k1 - k0) * w:  # the last, partial window
                seg = np.concatenate([seg, np.full((k1 - k0) * w - seg.size, np.nan)])
            out[k0:k1] = np.nanpercentile(seg.reshape(k1 - k0, w), top, axis=1)
    return out


def _local_rest_windows(envelope, sfreq, *, span=REST_SPAN, window=REST_WINDOW, top=REST_TOP,
                        quantile=REST_QUANTILE):
    """``(levels, w)``: the resting level of each ``w``-sample window (:func:`local_resting_level`)."""
    from scipy.ndimage import percentile_filter

    w = max(1, int(round(window * sfreq)))
    band = _window_tops(envelope, w, top)
    if not band.size:
        return band, w
    band[~np.isfinite(band)] = np.inf  # gaps are never quiet
    k = max(1, int(round(span / window)))
    lev = percentile_filter(band, 100.0 * quantile, size=k + (k % 2 == 0), mode="nearest")
    lev[~np.isfinite(lev)] = np.nan
    return lev, w


def local_resting_level(envelope, sfreq, *, span=REST_SPAN, window=REST_WINDOW, top=REST_TOP,
                        quantile=REST_QUANTILE):
    """Resting EMG level (uV) at each sample of an amplitude envelope: the top of the band of the
    resting EMG around that time (:data:`REST_WINDOW`).

    The ``top`` percentile of each ``window``-s window; at each window, the ``quantile`` quantile of
    those within ``span`` s centred on it; each sample takes its window's level. NaN windows (the gaps
    of a discontinuous recording) never count as quiet.

    Returns
    -------
    array of float, same length as ``envelope`` (NaN where no window of the span has data).
    """
    lev, w = _local_rest_windows(envelope, sfreq, span=span, window=window, top=top, quantile=quantile)
    return np.repeat(lev, w)[: np.asarray(envelope).size]


# ------------------------------------------------------------------------------------ monolateral LMs
def _runs(mask):
    """``(starts, stops)``: the runs of True of a boolean array (stop exclusive), with 1-byte work
    arrays (a night's envelope is millions of samples)."""
    p = np.zeros(np.size(mask) + 2, np.int8)
    p[1:-1] = mask
    d = np.diff(p)
    return np.flatnonzero(d == 1), np.flatnonzero(d == -1)


def lm_from_envelope(envelope, sfreq, rest, *, onset_uv=8.0, offset_uv=2.0, offset_hold=0.5, t0=0.0):
    """Monolateral leg movements from an amplitude envelope by the standards' amplitude rules.

    Onset at the first sample more than ``onset_uv`` above ``rest``; offset at the start of the first
    period of at least ``offset_hold`` s during which the envelope does not exceed ``rest +
    offset_uv`` (WASM 2016, Ferri et al. 2016, doi:10.1016/j.sleep.2016.10.010; AASM manual). NaN
    samples (gaps) never start a movement and end one; a movement still on at the end of the data
    ends there.

    Parameters
    ----------
    envelope : array, shape (n_times,)
        Microvolts (:func:`leg_envelope`).
    sfreq : float
        Hz of the envelope.
    rest : float
        Resting level (uV), :func:`resting_level`.
    onset_uv, offset_uv : float
        uV above ``rest``.
    offset_hold : float
        Seconds.
    t0 : float
        Time (s) of the first sample.

    Returns
    -------
    onsets, offsets : arrays of float (s)
    """
    e = np.asarray(envelope).ravel()
    n = e.size
    if not n:
        return np.zeros(0), np.zeros(0)
    with np.errstate(invalid="ignore"):
        hi_idx = np.flatnonzero(e > rest + onset_uv)
        low = ~(e > rest + offset_uv)  # NaN counts as low: a gap ends a movement
    hold = max(1, int(round(offset_hold * sfreq)))
    starts, stops = _runs(low)
    ok = (stops - starts >= hold) | (stops == n)
    q_starts = starts[ok]
    on, off = [], []
    pos = 0
    while True:
        j = np.searchsorted(hi_idx, pos)
        if j >= hi_idx.size:
            break
        s = int(hi_idx[j])
        k = np.searchsorted(q_starts, s + 1)
        e_ = int(q_starts[k]) if k < q_starts.size else n
        on.append(s)
        off.append(e_)
        pos = e_ + 1
    on = np.asarray(on, float) / sfreq + t0
    off = np.asarray(off, float) / sfreq + t0
    return on, off


def _morphology_ok(above, sfreq, i0, i1, threshold, window):
    """True when some ``window``-s stretch inside samples ``[i0, i1)`` of the envelope above rest has a
    median at or above ``threshold`` uV (WASM 2016 computer-scoring morphology; Skeba et al. 2016)."""
    w = max(1, int(round(window * sfreq)))
    seg = np.asarray(above[i0:i1], float)
    if seg.size < w:
        return False
    from numpy.lib.stride_tricks import sliding_window_view

    med = np.median(sliding_window_view(seg, w), axis=1)
    return bool(np.any(med >= threshold))


def detect_leg_movements(emg, sfreq, *, standard="wasm2016", baseline=None, onset_uv=None, offset_uv=None,
                         offset_hold=None, band=LM_BAND, window=ENVELOPE_WINDOW):
    """Monolateral leg movements of one leg's EMG by the amplitude rules of ``standard``.

    :func:`leg_envelope`, the resting level (:func:`local_resting_level`, or ``baseline``), then
    :func:`lm_from_envelope`; movements shorter than 0.5 s are not LMs, and the WASM 2016
    computer-scoring morphology rule is applied (see :data:`PLM_STANDARDS`). The AASM's 10-s upper
    limit is left to :func:`score_plm` (it decides what is an LM, not where one starts and ends).

    Parameters
    ----------
    emg : array, shape (n_times,)
        Microvolts.
    sfreq : float
        Hz.
    standard : 'wasm2016' | 'aasm'
    baseline : float | None
        Resting level (uV); None: estimated at each time (:func:`local_resting_level`).
    onset_uv, offset_uv, offset_hold : float | None
        Override the standard's values.

    Returns
    -------
    onsets, durations : arrays of float (s)
    """
    _check_option("standard", standard, tuple(PLM_STANDARDS))
    R = _rules(standard, onset_uv=onset_uv, offset_uv=offset_uv, offset_hold=offset_hold)
    env = leg_envelope(emg, sfreq, band=band, window=window)
    rest = local_resting_level(env, sfreq) if baseline is None else float(baseline)
    on, off = _lms_of_envelope(env - rest, sfreq, R)
    return on, off - on


def _lms_of_envelope(above, sfreq, R, *, t0=0.0):
    """Monolateral LMs of an envelope minus its resting level (uV above resting) by the rules ``R``."""
    on, off = lm_from_envelope(above, sfreq, 0.0, onset_uv=R["onset_uv"], offset_uv=R["offset_uv"],
                               offset_hold=R["offset_hold"], t0=t0)
    keep = off - on >= R["min_duration"] - 1e-9
    if R["morphology"]:
        for k in np.flatnonzero(keep):
            i0, i1 = int(round((on[k] - t0) * sfreq)), int(round((off[k] - t0) * sfreq))
            keep[k] = _morphology_ok(above, sfreq, i0, i1, R["offset_uv"], R["morphology_window"])
    return on[keep], off[keep]


# ------------------------------------------------------------------------------------ combination
def combine_bilateral(onsets, offsets, legs, *, rule="gap", window=0.5):
    """Group monolateral LMs of different legs into one LM.

    Parameters
    ----------
    onsets, offsets : arrays of float
        Seconds.
    legs : array of str
        The leg (channel) of each monolateral LM.
    rule : 'gap' | 'onset'
        ``'gap'`` (WASM 2016, Ferri et al. 2016): an LM joins a group when it overlaps a group member
        of the other leg or starts less than ``window`` s after its offset. ``'onset'`` (AASM
        manual): when its onset is less than ``window`` s after the onset of a member of the other
        leg. LMs of the same leg are never joined directly.
    window : float
        Seconds (WASM 0.5, AASM 5).

    Returns
    -------
    list of list of int
        The members (indices into the inputs) of each LM, ordered by first onset.
    """
    _check_option("rule", rule, ("gap", "onset"))
    on = np.asarray(onsets, float)
    off = np.asarray(offsets, float)
    lg = np.asarray(legs).astype(str)
    groups = []
    for i in np.argsort(on, kind="stable"):
        if groups:
            others = [j for j in groups[-1] if lg[j] != lg[i]]
            if rule == "gap":
                join = any(on[i] < off[j] + window for j in others)
            else:
                join = any(on[i] - on[j] < window for j in others)
            if join:
                groups[-1].append(int(i))
                continue
        groups.append([int(i)])
    return groups


# ------------------------------------------------------------------------------------ series
def plm_series(onsets, candidate=None, *, min_imi=10.0, max_imi=90.0, min_series=4, short_imi="breaks",
               segment=None):
    """PLM series from the leg movements of a night, in onset order.

    Parameters
    ----------
    onsets : array of float
        LM onsets (s), sorted.
    candidate : array of bool | None
        Which LMs are candidate LMs (None: all).
    min_imi, max_imi : float
        Inter-movement interval (IMI, onset to onset, s) bounds of a series, both included.
    min_series : int
        Fewest movements in a series.
    short_imi : 'breaks' | 'skipped'
        ``'breaks'`` (WASM 2016): IMIs are measured from the previous LM of any kind; a CLM preceded
        by an IMI < ``min_imi`` ends the series and belongs to none, an IMI > ``max_imi`` or an LM
        that is not a CLM ends it. ``'skipped'`` (AASM; Ferri et al. 2015,
        doi:10.1016/j.sleep.2015.05.019): an LM less than ``min_imi`` after the previous counted LM
        is left out of every series and the series goes on; an IMI > ``max_imi`` ends it.
    segment : array of int | None
        Continuous segment of each LM (discontinuous recordings): an interval across a gap ends the
        series.

    Returns
    -------
    list of list of int
        Indices of the members of each series.
    """
    _check_option("short_imi", short_imi, ("breaks", "skipped"))
    on = np.asarray(onsets, float)
    n = on.size
    cand = np.ones(n, bool) if candidate is None else np.asarray(candidate, bool)
    seg = np.zeros(n, int) if segment is None else np.asarray(segment, int)
    series, run = [], []

    def flush():
        if len(run) >= min_series:
            series.append(list(run))

    if short_imi == "breaks":
        for i in range(n):
            same = i > 0 and seg[i] == seg[i - 1]
            imi = on[i] - on[i - 1] if same else np.inf
            if run and cand[i] and min_imi <= imi <= max_imi:
                run.append(i)
                continue
            flush()
            run = [i] if cand[i] and not imi < min_imi else []
        flush()
        return series
    last = None
    for i in range(n):
        if not cand[i]:
            continue
        if last is not None and seg[i] == seg[last]:
            imi = on[i] - on[last]
            if imi < min_imi:
                continue
            if imi <= max_imi:
                run.append(i)
                last = i
                continue
        flush()
        run = [i]
        last = i
    flush()
    return series


def periodicity_index(onsets, *, min_imi=10.0, max_imi=90.0, min_run=3, segment=None):
    """Periodicity index of a sequence of leg movements (Ferri et al. 2006, doi:10.1093/sleep/29.6.759).

    The fraction of inter-movement intervals (onset to onset) that lie in ``(min_imi, max_imi]`` s
    and belong to a run of at least ``min_run`` consecutive such intervals (at least four movements
    in a row), among all intervals: 0 without periodicity, 1 when every interval is periodic.

    Returns
    -------
    float | None
        None with fewer than two movements.
    """
    on = np.sort(np.asarray(onsets, float))
    if on.size < 2:
        return None
    imi = np.diff(on)
    ok = (imi > min_imi) & (imi <= max_imi)
    if segment is not None:
        seg = np.asarray(segment, int)[np.argsort(np.asarray(onsets, float), kind="stable")]
        ok &= seg[1:] == seg[:-1]
    starts, stops = _runs(ok)
    lengths = stops - starts
    return float(lengths[lengths >= min_run].sum() / imi.size)


def imi_histogram(intervals, *, edges=IMI_BIN_EDGES):
    """Counts of inter-movement intervals (s) in log-spaced bins (:data:`IMI_BIN_EDGES`).

    Returns
    -------
    dict
        ``edges_s``, ``counts``, ``below`` and ``above`` (intervals outside the edges), ``scale``
        ('log').
    """
    x = np.asarray(intervals, float)
    x = x[np.isfinite(x)]
    e = np.asarray(edges, float)
    counts, _ = np.histogram(x, bins=e)
    return {"edges_s": [float(v) for v in e], "counts": [int(c) for c in counts],
            "below": int(np.sum(x < e[0])), "above": int(np.sum(x > e[-1])), "scale": "log"}


# ------------------------------------------------------------------------------------ scoring
def _rules(standard, **overrides):
    R = dict(PLM_STANDARDS[standard])
    for k, v in overrides.items():
        if v is None:
            continue
        if k == "min_series":
            _check_range(k, v, 2, None)
            R[k] = int(v)
        else:
            _check_range(k, v, 0, None)
            R[k] = float(v)
    return R


def _annotation_events(annotations, kind):
    """(onsets, ends) of the respiratory events or arousals among an Annotations' descriptions."""
    if annotations is None or not len(annotations):
        return None
    desc = [str(d).strip().lower() for d in annotations.description]
    if kind == "arousal":
        m = np.array(["arousal" in d and "respiratory effort" not in d for d in desc], bool)
    else:
        m = np.array([any(w in d for w in _RESP_WORDS) for d in desc], bool)
    if not m.any():
        return None
    on = np.asarray(annotations.onset, float)[m]
    return on, on + np.maximum(np.asarray(annotations.duration, float)[m], 0.0)


def _as_intervals(x, kind):
    """``(starts, ends)`` from an ``(n, 2)`` array of seconds or from Annotations (their respiratory
    events or arousals, see :func:`score_leg_emg`); None stays None."""
    if x is None:
        return None
    if hasattr(x, "description") and hasattr(x, "onset"):
        return _annotation_events(x, kind)
    a = np.asarray(x, float).reshape(-1, 2)
    if not np.all(np.isfinite(a)) or np.any(a[:, 1] < a[:, 0]):
        raise MyoclonusUsageError(f"The {kind} events must be finite (start, end) pairs in seconds with end >= start.")
    return a[:, 0], a[:, 1]


def _near(on, off, ev_on, ev_off, before, after):
    """For each LM [on, off]: does it overlap some [ev_on + before, ev_off + after]?"""
    hit = np.zeros(on.size, bool)
    for a, b in zip(ev_on, ev_off):
        hit |= (on <= b + after) & (off >= a + before)
    return hit


def score_plm(
    movements,
    *,
    sfreq=None,
    channel_names=None,
    hypnogram=None,
    total_time=None,
    standard="wasm2016",
    respiratory=None,
    arousals=None,
    segments=None,
    min_duration=None,
    max_duration=None,
    max_bilateral_duration=None,
    min_imi=None,
    max_imi=None,
    min_series=None,
    onset_uv=None,
    offset_uv=None,
):
    """Score leg movements (LM) and periodic leg movements (PLM) by the WASM 2016 or AASM rules.

    Parameters
    ----------
    movements : Events | array, shape (n_legs, n_times)
        Monolateral leg movements as events (``onset``, ``duration``, one ``channel`` per leg;
        ``artifact`` events are ignored), or leg EMG in microvolts (``sfreq`` then required; LMs
        found by :func:`detect_leg_movements`).
    sfreq : float | None
        Hz, for EMG input.
    channel_names : list of str | None
        Leg names for EMG input.
    hypnogram : DataFrame | None
        From :func:`~myoclonus.characterize.read_hypnogram`. PLMS are PLM in sleep (N1, N2, N3, R),
        PLMW in wake (W); indices per hour of sleep, of wake and of each stage. None: every LM
        counts as in sleep and the indices are per hour of ``total_time``.
    total_time : float | None
        Seconds of recording without a hypnogram (default: the last LM offset).
    standard : 'wasm2016' | 'aasm'
        See :data:`PLM_STANDARDS`.
    respiratory, arousals : array, shape (n, 2) | Annotations | None
        ``(start, end)`` in seconds of the respiratory events (apnea, hypopnea, RERA) and of the
        arousals, for the association rules, or annotations holding them (descriptions naming an
        apnea, hypopnea, RERA or respiratory event; an arousal). None: not assessed.
    segments : list of (float, float) | None
        Continuous stretches ``(onset, duration)`` of a discontinuous recording: no interval across a
        gap joins a series.
    min_duration, max_duration, max_bilateral_duration, min_imi, max_imi, min_series, onset_uv, offset_uv
        Override single values of the standard (s, uV, or a count).

    Returns
    -------
    dict
        JSON-ready: ``standard``, ``standard_name``, ``rules`` (sentences with sources), counts
        ``n_monolateral``, ``n_lm``, ``n_bilateral``, ``n_clm``, ``n_plm``, ``n_plms``, ``n_plmw``,
        ``n_series``; hours ``tst_h``, ``wake_h``; indices (per hour) ``lms_index``, ``lmw_index``,
        ``clms_index``, ``plms_index``, ``plmw_index``, ``plm_index``; ``per_stage``; ``series``;
        ``periodicity_index`` (sleep and wake); ``imi_histogram``; ``respiratory`` and ``arousal``
        (None when not given); ``movements`` (one row per LM) and ``plm_onsets``.
    """
    _check_option("standard", standard, tuple(PLM_STANDARDS))
    R = _rules(standard, min_duration=min_duration, max_duration=max_duration,
               max_bilateral_duration=max_bilateral_duration, min_imi=min_imi, max_imi=max_imi,
               min_series=min_series, onset_uv=onset_uv, offset_uv=offset_uv)
    on_l, off_l, leg_l = [], [], []
    if isinstance(movements, Events):
        ev = movements[movements.kind.astype(str) != "artifact"] if len(movements) else movements
        on_l, off_l = list(ev.onset.astype(float)), list((ev.onset + ev.duration).astype(float))
        leg_l = list(ev.channel.astype(str))
    elif movements is not None:
        X = np.atleast_2d(np.asarray(movements, float))
        if sfreq is None:
            raise MyoclonusUsageError("score_plm on leg EMG needs sfreq (Hz).")
        _check_range("sfreq", sfreq, 0, None, unit="Hz", inclusive=False)
        names = list(channel_names) if channel_names is not None else [f"leg{i}" for i in range(len(X))]
        for x, nm in zip(X, names):
            env = leg_envelope(x, sfreq)
            on, off = _lms_of_envelope(env - local_resting_level(env, sfreq), sfreq, R)
            on_l += list(on)
            off_l += list(off)
            leg_l += [nm] * len(on)
    return _score(np.asarray(on_l, float), np.asarray(off_l, float), np.asarray(leg_l, dtype=object), R, standard,
                  hypnogram=hypnogram, total_time=total_time, respiratory=_as_intervals(respiratory, "respiratory"),
                  arousals=_as_intervals(arousals, "arousal"), segments=segments)


def _score(on, off, legs, R, standard, *, hypnogram, total_time, respiratory, arousals, segments, jerks=None):
    """The scoring proper on monolateral LMs (arrays of onsets, offsets, legs)."""
    keep = off - on >= R["min_duration"] - 1e-9
    n_short = int((~keep).sum())
    on, off, legs = on[keep], off[keep], legs[keep]
    n_too_long = 0
    if R["lm_max_duration"] is not None:  # AASM: longer activity is not an LM
        ok = off - on <= R["lm_max_duration"] + 1e-9
        n_too_long = int((~ok).sum())
        on, off, legs = on[ok], off[ok], legs[ok]
    n_mono = int(on.size)
    groups = combine_bilateral(on, off, legs, rule=R["bilateral"], window=R["bilateral_s"])
    g_on = np.array([on[g].min() for g in groups], float)
    g_off = np.array([off[g].max() for g in groups], float)
    g_legs = [sorted(set(legs[g])) for g in groups]
    g_n = np.array([len(g) for g in groups], int)
    g_maxd = np.array([float(np.max(off[g] - on[g])) for g in groups], float)
    bilateral = np.array([len(lg) > 1 for lg in g_legs], bool)
    if standard == "wasm2016" or R["max_bilateral_duration"] is not None:
        mono_ok = g_maxd <= R["max_duration"] + 1e-9
        bil_ok = mono_ok & (g_off - g_on <= (R["max_bilateral_duration"] or np.inf) + 1e-9)
        if R["max_components"] is not None:
            bil_ok &= g_n <= R["max_components"]
        cand = np.where(bilateral, bil_ok, mono_ok)
    else:
        cand = np.ones(g_on.size, bool)
    # segments of a discontinuous recording
    seg = np.zeros(g_on.size, int)
    if segments:
        starts = np.array([s for s, _ in segments], float)
        seg = np.searchsorted(starts, g_on, side="right") - 1
    # respiratory events
    resp_d, resp_hit = None, np.zeros(g_on.size, bool)
    if respiratory is not None:
        kind, before, after = R["respiratory"]
        r_on, r_off = respiratory
        if kind == "end":  # WASM: around the end of the event
            resp_hit = _near(g_on, g_off, r_off, r_off, before, after) & cand
        else:  # AASM: during the event, widened
            resp_hit = _near(g_on, g_off, r_on, r_off, before, after)
        resp_d = {"n_events": int(len(r_on)), "rule": ("CLM overlapping 2 s before to 10.25 s after the end of a "
                                                      "respiratory event (WASM 2016)" if kind == "end" else
                                                      "LM from 0.5 s before to 0.5 s after a respiratory event "
                                                      "not scored (AASM)")}
    scored = np.ones(g_on.size, bool)
    if respiratory is not None and R["respiratory"][0] == "event":
        scored = ~resp_hit  # AASM: not scored at all
    idx = np.flatnonzero(scored)
    series_local = plm_series(g_on[idx], cand[idx], min_imi=R["min_imi"], max_imi=R["max_imi"],
                              min_series=R["min_series"], short_imi=R["short_imi"], segment=seg[idx])
    series = [[int(idx[i]) for i in s] for s in series_local]
    series_id = np.full(g_on.size, -1, int)
    for k, s in enumerate(series):
        series_id[s] = k
    is_plm = series_id >= 0
    # stages and time
    if hypnogram is not None and len(hypnogram):
        stg = stage_of(g_on, hypnogram).astype(str)
        st_all = np.asarray(hypnogram["stage"]).astype(str)
        du_all = hypnogram["duration"].to_numpy(float)
        tst = float(du_all[np.isin(st_all, SLEEP_STAGES)].sum())
        wake = float(du_all[st_all == "W"].sum())
        stage_h = {s: float(du_all[st_all == s].sum()) / 3600.0 for s in SLEEP_STAGES + ("W",)}
    else:
        stg = np.full(g_on.size, "sleep", dtype=object).astype(str)
        T = float(total_time) if total_time is not None else float(g_off.max() if g_off.size else 0.0)
        tst, wake, stage_h = T, 0.0, {}
    in_sleep = np.isin(stg, SLEEP_STAGES) | (stg == "sleep")
    in_wake = stg == "W"
    tst_h, wake_h = tst / 3600.0, wake / 3600.0

    def per_h(n, h):
        return float(n / h) if h > 0 else None

    n_plms, n_plmw = int((is_plm & in_sleep).sum()), int((is_plm & in_wake).sum())
    per_stage = {}
    for s in SLEEP_STAGES + ("W",):
        h = stage_h.get(s, 0.0)
        m = stg == s
        if h <= 0 and not m.any():
            continue
        per_stage[s] = {"minutes": 60.0 * h, "n_lm": int(m.sum()), "n_plm": int((m & is_plm).sum()),
                        "lm_index": per_h(int(m.sum()), h), "plm_index": per_h(int((m & is_plm).sum()), h)}
    nrem = np.isin(stg, NREM_STAGES)
    nrem_h = sum(stage_h.get(s, 0.0) for s in NREM_STAGES)
    # WASM: the PLMS index without the respiratory-related CLM (series found again without them)
    plms_nr = None
    if respiratory is not None and R["respiratory"][0] == "end":
        keep_nr = np.flatnonzero(~resp_hit)
        s_nr = plm_series(g_on[keep_nr], cand[keep_nr], min_imi=R["min_imi"], max_imi=R["max_imi"],
                          min_series=R["min_series"], short_imi=R["short_imi"], segment=seg[keep_nr])
        mem = np.zeros(g_on.size, bool)
        for s in s_nr:
            mem[keep_nr[s]] = True
        plms_nr = int((mem & in_sleep).sum())
        resp_d.update(n_clm_related=int(resp_hit.sum()), n_plms_without=plms_nr,
                      plms_index_without=per_h(plms_nr, tst_h))
    elif resp_d is not None:
        resp_d.update(n_lm_not_scored=int(resp_hit.sum()))
    # arousals
    ar_d, ar_hit = None, np.zeros(g_on.size, bool)
    if arousals is not None:
        a_on, a_off = arousals
        ar_hit = _near(g_on, g_off, a_on, a_off, -R["arousal_s"], R["arousal_s"])
        n_pa = int((ar_hit & is_plm & in_sleep & scored).sum())
        ar_d = {"n_events": int(len(a_on)), "n_lm_with_arousal": int((ar_hit & scored).sum()), "n_plms_with_arousal": n_pa,
                "plms_arousal_index": per_h(n_pa, tst_h),
                "rule": f"overlap or < {R['arousal_s']:g} s between the end of one and the onset of the other"}
    # intervals between consecutive scored LMs in sleep (both CLM), for the histogram
    sl = np.flatnonzero(scored & in_sleep)
    imi_sleep = []
    for a, b in zip(sl[:-1], sl[1:]):
        if cand[a] and cand[b] and seg[a] == seg[b]:
            imi_sleep.append(g_on[b] - g_on[a])
    wk = np.flatnonzero(scored & in_wake)
    series_rows = []
    for k, s in enumerate(series):
        st = stg[s]
        vals, cnt = np.unique(st, return_counts=True)
        series_rows.append({
            "id": k + 1, "onset": float(g_on[s[0]]), "offset": float(g_off[s[-1]]), "n": len(s),
            "n_sleep": int(in_sleep[s].sum()), "n_wake": int(in_wake[s].sum()),
            "stage": str(vals[np.argmax(cnt)]),
            "imi_median_s": float(np.median(np.diff(g_on[s]))) if len(s) > 1 else None,
        })
    # jerks of the detector inside the LMs (they stay available for the myoclonus analysis)
    jerks_in = None
    if jerks is not None:
        j_on, j_ch = jerks
        jerks_in = 0
        for g, a, b in zip(groups, g_on, g_off):
            chans = set(legs[g])
            jerks_in += int(np.sum((j_on >= a) & (j_on <= b) & np.isin(j_ch, list(chans))))
    movements = []
    for i in range(g_on.size):
        movements.append({
            "onset": round(float(g_on[i]), 3), "duration": round(float(g_off[i] - g_on[i]), 3),
            "legs": g_legs[i], "bilateral": bool(bilateral[i]), "candidate": bool(cand[i]),
            "series": int(series_id[i] + 1) if is_plm[i] else None, "stage": str(stg[i]),
            "scored": bool(scored[i]),
            "respiratory": bool(resp_hit[i]) if respiratory is not None else None,
            "arousal": bool(ar_hit[i]) if arousals is not None else None,
        })
    n_lms = int((scored & in_sleep).sum())
    return {
        "available": True,
        "standard": standard,
        "standard_name": STANDARD_NAMES[standard],
        "rules": rules_text(standard),
        "parameters": {k: (list(v) if isinstance(v, tuple) else v) for k, v in R.items()},
        "n_monolateral": n_mono,
        "n_shorter_than_min": n_short,
        "n_longer_than_max": n_too_long,
        "n_lm": int(scored.sum()),
        "n_bilateral": int((bilateral & scored).sum()),
        "n_clm": int((cand & scored).sum()),
        "n_plm": int(is_plm.sum()),
        "n_plms": n_plms,
        "n_plmw": n_plmw,
        "n_series": len(series),
        "n_lms": n_lms,
        "n_lmw": int((scored & in_wake).sum()),
        "tst_h": tst_h,
        "wake_h": wake_h,
        "lms_index": per_h(n_lms, tst_h),
        "lmw_index": per_h(int((scored & in_wake).sum()), wake_h),
        "clms_index": per_h(int((cand & scored & in_sleep).sum()), tst_h),
        "plms_index": per_h(n_plms, tst_h),
        "plmw_index": per_h(n_plmw, wake_h),
        "plm_nrem_index": per_h(int((is_plm & nrem).sum()), nrem_h),
        "plm_index": per_h(int(is_plm.sum()), tst_h + wake_h),
        "per_stage": per_stage,
        "series": series_rows,
        "periodicity_index": {
            "sleep": periodicity_index(g_on[sl], min_imi=R["min_imi"], max_imi=R["max_imi"], segment=seg[sl]),
            "wake": periodicity_index(g_on[wk], min_imi=R["min_imi"], max_imi=R["max_imi"], segment=seg[wk]),
            "definition": (f"intervals {R['min_imi']:g} < IMI <= {R['max_imi']:g} s in runs of >= 3 consecutive "
                           "such intervals, over all intervals between the LMs of that state (Ferri et al. 2006, "
                           "doi:10.1093/sleep/29.6.759)"),
        },
        "imi_histogram": imi_histogram(imi_sleep),
        "respiratory": resp_d,
        "arousal": ar_d,
        "jerks_in_lm": jerks_in,
        "movements": movements,
        "plm_onsets": [float(x) for x in g_on[is_plm]],
    }


def score_leg_emg(recording, *, channels=None, hypnogram=None, standard="wasm2016", jerks=None):
    """Score the leg movements and PLM of a recording on its leg EMG (see :func:`score_plm`).

    Each leg channel is read chunk by chunk (:func:`leg_envelope_from_recording`), its resting level
    estimated at each time (:func:`local_resting_level`) and its monolateral LMs found by the amplitude rules of
    ``standard``; then :func:`score_plm`'s combination, series and indices. Respiratory events and
    arousals are taken from the recording's annotations when present.

    Parameters
    ----------
    recording : Recording
    channels : list of str | None
        Leg EMG channels; None: :func:`leg_channels`.
    hypnogram : DataFrame | None
    standard : 'wasm2016' | 'aasm'
    jerks : Events | None
        The detector's jerks; those inside a leg movement are counted (``jerks_in_lm``) and left as
        they are, for the myoclonus analysis.

    Returns
    -------
    dict
        :func:`score_plm`'s result with ``channels`` (per leg: sampling rate, median resting level,
        its 5th-95th percentiles over the night, the onset/offset thresholds above the median resting
        level in uV, monolateral LMs, filters) and ``envelope_hz``; or ``{'available':
        False, 'reason': ...}`` when no leg EMG can be scored.
    """
    _check_option("standard", standard, tuple(PLM_STANDARDS))
    R = _rules(standard)
    names = leg_channels(recording, channels)
    if not names:
        return {"available": False, "standard": standard, "standard_name": STANDARD_NAMES[standard],
                "reason": "no leg EMG channel (tibialis anterior or a channel labelled as a leg): leg movements "
                          "are scored on the leg EMG"}
    slow = [n for n in names if recording.channels[recording.ch_names.index(n)].sfreq < MIN_SFREQ]
    if slow:
        return {"available": False, "standard": standard, "standard_name": STANDARD_NAMES[standard],
                "reason": f"leg EMG {slow} sampled under {MIN_SFREQ:g} Hz, the AASM minimal rate for EMG: "
                          "leg movements not assessable"}
    on_l, off_l, leg_l, chans, rates = [], [], [], {}, []
    for name in names:
        env, esf, filters = leg_envelope_from_recording(recording, name)
        rates.append(esf)
        lev, w = _local_rest_windows(env, esf)
        env -= np.repeat(lev.astype(env.dtype), w)[: env.size]  # in place: uV above resting
        on, off = np.zeros(0), np.zeros(0)
        for a, b in zip(*_runs(np.isfinite(env))):  # each continuous stretch
            o, f = _lms_of_envelope(env[a:b], esf, R, t0=a / esf)
            on, off = np.concatenate([on, o]), np.concatenate([off, f])
        del env
        lev = lev[np.isfinite(lev)]
        rest = float(np.median(lev)) if lev.size else float("nan")
        lo, hi = np.percentile(lev, [5, 95]) if lev.size else (np.nan, np.nan)
        chans[name] = {"sfreq": recording.channels[recording.ch_names.index(name)].sfreq,
                       "resting_uv": rest, "resting_uv_p5_p95": [float(lo), float(hi)],
                       "onset_threshold_uv": rest + R["onset_uv"], "offset_threshold_uv": rest + R["offset_uv"],
                       "n_monolateral_lm": int(on.size), "filters": filters}
        logger.info("Leg EMG %s: resting %.2f uV, %d monolateral LMs", name, rest, on.size)
        on_l.append(on)
        off_l.append(off)
        leg_l += [name] * on.size
    ann = recording.annotations
    resp, ar = _annotation_events(ann, "respiratory"), _annotation_events(ann, "arousal")
    jk = None
    if jerks is not None and len(jerks):
        j = jerks.select("jerk")
        jk = (np.asarray(j.onset, float), np.asarray(j.channel).astype(str))
    elif jerks is not None:
        jk = (np.zeros(0), np.zeros(0, str))
    out = _score(np.concatenate(on_l) if on_l else np.zeros(0), np.concatenate(off_l) if off_l else np.zeros(0),
                 np.asarray(leg_l, dtype=object), R, standard, hypnogram=hypnogram,
                 total_time=recording.duration, respiratory=resp, arousals=ar,
                 segments=recording.segments if recording.discontinuous else None, jerks=jk)
    out["channels"] = chans
    out["envelope_hz"] = float(min(rates))
    return out
