"""Detection of positive EMG bursts (jerks and sustained activations).

Method (``method='rms'``): band-pass 20-450 Hz (clamped below Nyquist), centred moving-RMS envelope
of 5 ms (short enough to keep 10 ms bursts), a noise floor estimated from the quietest half-second
windows of each channel (robust to a signal full of jerks), a double threshold with hysteresis
(a burst must reach ``k_on`` x the noise floor and lasts while the envelope stays above ``k_off`` x the
floor), bursts closer than ``merge_gap`` merged, bursts shorter than ``min_duration`` dropped, and
classification by duration: ``jerk`` up to ``jerk_max`` (default 500 ms), ``sustained`` above.

References
----------
- Shibasaki H, Hallett M (2005). Electrophysiological studies of myoclonus. Muscle Nerve 31:157-174.
  doi:10.1002/mus.20234 (jerk durations: cortical < 50-100 ms, subcortical up to 300 ms).
- Hodges PW, Bui BH (1996). A comparison of computer-based methods for the determination of onset of
  muscle contraction using electromyography. Electroencephalogr Clin Neurophysiol 101:511-519.
  doi:10.1016/S0921-884X(96)95190-5 (threshold-based onset detection on EMG envelopes).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from .. import __version__
from .._logging import logger, verbose
from .._validate import MyoclonusInputError, MyoclonusUsageError, _check_option, _check_range
from ..events import Events
from ..preprocess import bandpass, moving_rms, robust_noise_floor

__all__ = ["detect_jerks", "detect_bursts", "DetectionResult", "DEFAULTS", "MIN_SFREQ", "WARN_SFREQ"]

#: Below this rate (Hz) jerk timing is refused unless ``force=True``: a 10 ms jerk spans < 1 sample.
MIN_SFREQ = 100.0
#: Below this rate (Hz) a warning says onsets are coarse: surface EMG has content up to ~450 Hz.
WARN_SFREQ = 500.0

#: Default parameters, each with the reason for its value.
DEFAULTS = {
    "l_freq": (20.0, "Hz; removes movement artefact and baseline below surface-EMG content (De Luca 2010, doi:10.1016/j.jbiomech.2010.01.027)."),
    "h_freq": (450.0, "Hz; upper edge of surface-EMG power; clamped to 0.45 x sfreq."),
    "envelope_window": (0.005, "s; RMS window short enough that a 10 ms jerk keeps its amplitude and onset."),
    "k_on": (4.0, "x noise floor; a burst must exceed this to be detected (jerks >= 3x background RMS reach it in the 5 ms RMS envelope)."),
    "k_off": (2.0, "x noise floor; hysteresis: a burst lasts while the envelope stays above this."),
    "min_duration": (0.010, "s; the shortest myoclonic jerks last 10-20 ms (Shibasaki & Hallett 2005, doi:10.1002/mus.20234)."),
    "merge_gap": (0.010, "s; gaps shorter than this inside a burst are ripples of one discharge, not two jerks."),
    "jerk_max": (0.500, "s; bursts up to 500 ms are jerks (subcortical/propriospinal jerks reach 300-400 ms); longer is sustained activity."),
}


@dataclass
class DetectionResult:
    """Result of :func:`detect_jerks`.

    Attributes
    ----------
    events : Events
        Detected events (``jerk``, ``sustained``...), sorted by onset.
    params : dict
        Parameters used.
    thresholds : dict
        Per channel: ``noise_floor_uv``, ``threshold_on_uv``, ``threshold_off_uv``, ``sfreq``.
    preprocessing : list of str
        Filters applied, in order.
    version : str
        Package version.
    warnings : list of str
        Warnings raised during detection (coarse sampling...).
    """

    events: Events
    params: dict
    thresholds: dict = field(default_factory=dict)
    preprocessing: list = field(default_factory=list)
    version: str = __version__
    warnings: list = field(default_factory=list)
    _recording: object = None

    def summary(self):
        """Counts per channel and kind, with the thresholds used (a dict)."""
        return {
            "n_events": len(self.events),
            "counts": self.events.counts(),
            "per_channel": self.events.counts(by="channel"),
            "thresholds": self.thresholds,
            "params": self.params,
            "version": self.version,
        }

    def methods(self):
        """A methods paragraph describing the detection, with references."""
        p = self.params
        return (
            f"EMG was band-pass filtered {p['l_freq']:g}-{p['h_freq']:g} Hz (zero-phase Butterworth, "
            f"clamped below Nyquist) and its envelope computed as a centred {p['envelope_window'] * 1000:g} ms "
            "moving RMS. The noise floor of each channel was the median envelope in its quietest 20% of "
            f"0.5 s windows. Bursts were detected with hysteresis (on at {p['k_on']:g}x, off at "
            f"{p['k_off']:g}x the noise floor), merged across gaps under {p['merge_gap'] * 1000:g} ms, "
            f"and kept from {p['min_duration'] * 1000:g} ms; bursts up to {p['jerk_max'] * 1000:g} ms were "
            "classed as jerks, longer ones as sustained activity (Shibasaki & Hallett 2005, "
            "doi:10.1002/mus.20234; Hodges & Bui 1996, doi:10.1016/S0921-884X(96)95190-5). "
            f"myoclonus {self.version}."
        )

    def plot(self, channel=None, *, tmin=None, tmax=None, fname=None):
        """Plot raw trace, envelope, thresholds and detections of one channel.

        Parameters
        ----------
        channel : str | None
            Channel name (default: the channel with the most jerks).
        tmin, tmax : float | None
            Window in seconds (default: 10 s around the first jerks).
        fname : path-like | None
            Save the figure there.
        """
        import matplotlib

        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt

        rec = self._recording
        if rec is None:
            raise MyoclonusUsageError("This result has no recording attached to plot from.")
        if channel is None:
            counts = self.events.select("jerk").counts(by="channel")
            channel = max(counts, key=lambda c: counts[c].get("jerk", 0)) if counts else next(iter(self.thresholds))
        th = self.thresholds[channel]
        ev = self.events.select(channel=channel)
        if tmin is None:
            tmin = max(0.0, (ev.onset[0] - 1.0) if len(ev) else 0.0)
        if tmax is None:
            tmax = min(rec.duration, tmin + 10.0)
        sf = th["sfreq"]
        raw = rec.get_data([channel], tmin=tmin, tmax=tmax)[0]
        filt = bandpass(raw, sf, self.params["l_freq"], self.params["h_freq"])
        env = moving_rms(filt, sf, self.params["envelope_window"])
        t = tmin + np.arange(raw.size) / sf
        fig, axes = plt.subplots(2, 1, figsize=(11, 5), sharex=True)
        axes[0].plot(t, raw, lw=0.5, color="0.3")
        axes[0].set_ylabel(f"{channel}\nraw (uV)")
        axes[1].plot(t, env, lw=0.7, color="k", label="RMS envelope")
        axes[1].axhline(th["threshold_on_uv"], color="tab:red", ls="--", lw=0.8, label="on threshold")
        axes[1].axhline(th["threshold_off_uv"], color="tab:orange", ls=":", lw=0.8, label="off threshold")
        colors = {"jerk": "tab:red", "sustained": "tab:blue", "silent_period": "tab:green", "artifact": "0.6"}
        for o, d, k in zip(ev.onset, ev.duration, ev.kind):
            if o + d < tmin or o > tmax:
                continue
            for ax in axes:
                ax.axvspan(o, o + d, color=colors.get(k, "tab:purple"), alpha=0.25, lw=0)
        axes[1].set_ylabel("envelope (uV)")
        axes[1].set_xlabel("time (s)")
        axes[1].legend(loc="upper right", fontsize=8)
        fig.tight_layout()
        if fname is not None:
            fig.savefig(fname, dpi=110)
        return fig


def detect_bursts(env, sfreq, *, on, off, min_duration, merge_gap):
    """Hysteresis burst detection on one envelope.

    Parameters
    ----------
    env : ndarray, shape (n_times,)
    sfreq : float
        Hz.
    on, off : float
        Envelope thresholds (same unit as ``env``), ``off <= on``.
    min_duration, merge_gap : float
        Seconds.

    Returns
    -------
    starts, stops : ndarray of int
        Sample indices of each burst, ``stop`` exclusive.
    """
    above_off = env > off
    if not above_off.any():
        return np.zeros(0, int), np.zeros(0, int)
    d = np.diff(above_off.astype(np.int8), prepend=0, append=0)
    starts = np.flatnonzero(d == 1)
    stops = np.flatnonzero(d == -1)
    # keep segments that reach `on`
    if len(starts):
        keep = _segment_max(env, starts, stops) >= on
        starts, stops = starts[keep], stops[keep]
    if len(starts) > 1:
        gap = starts[1:] - stops[:-1]
        join = gap < merge_gap * sfreq
        if join.any():
            keep_start = np.concatenate([[True], ~join])
            keep_stop = np.concatenate([~join, [True]])
            starts, stops = starts[keep_start], stops[keep_stop]
    long = (stops - starts) >= min_duration * sfreq
    return starts[long], stops[long]


def _segment_max(x, starts, stops):
    """Maximum of ``x[a:b]`` for each (a, b) pair, vectorised (pairs non-empty, sorted)."""
    padded = np.append(x, -np.inf)
    return np.maximum.reduceat(padded, np.column_stack([starts, stops]).ravel())[::2]


@verbose
def detect_jerks(
    data,
    *,
    sfreq=None,
    picks="emg",
    method="rms",
    l_freq=DEFAULTS["l_freq"][0],
    h_freq=DEFAULTS["h_freq"][0],
    envelope_window=DEFAULTS["envelope_window"][0],
    k_on=DEFAULTS["k_on"][0],
    k_off=DEFAULTS["k_off"][0],
    min_duration=DEFAULTS["min_duration"][0],
    merge_gap=DEFAULTS["merge_gap"][0],
    jerk_max=DEFAULTS["jerk_max"][0],
    ch_names=None,
    force=False,
    progress=False,
):
    """Detect myoclonic jerks (positive EMG bursts) and sustained activations.

    Parameters
    ----------
    data : Recording | ndarray, shape (n_channels, n_times)
        A :class:`~myoclonus.Recording`, or EMG in microvolts with ``sfreq``.
    sfreq : float | None
        Sampling rate in Hz (arrays only).
    picks : str | list
        Channels to analyse (names, globs or types; default all EMG channels).
    method : str
        ``'rms'`` (band-pass, moving RMS, hysteresis).
    l_freq, h_freq : float
        Band-pass edges in Hz (``h_freq`` clamped below Nyquist).
    envelope_window : float
        RMS window in seconds.
    k_on, k_off : float
        On and off thresholds as multiples of the channel noise floor.
    min_duration, merge_gap, jerk_max : float
        Seconds; see :data:`DEFAULTS` for the reasons behind each default.
    ch_names : list of str | None
        Names for array input.
    force : bool
        Analyse EMG sampled under :data:`MIN_SFREQ` (100 Hz) anyway.
    progress : bool
        Show a progress bar over channels.

    Returns
    -------
    result : DetectionResult
        ``result.events`` holds the events with measures ``peak_amplitude_uv``, ``rms_uv``,
        ``area_uvs``, ``snr_db`` and ``confidence``; an empty Events when nothing is found.
    """
    from ..io.recording import Recording

    _check_option("method", method, ("rms",))
    for name, val in (("envelope_window", envelope_window), ("min_duration", min_duration), ("jerk_max", jerk_max)):
        _check_range(name, val, 0, None, unit="s", inclusive=False)
    _check_range("merge_gap", merge_gap, 0, None, unit="s")
    _check_range("k_on", k_on, 1, None)
    _check_range("k_off", k_off, 1, k_on)
    if isinstance(data, Recording):
        rec = data
    else:
        if sfreq is None:
            raise MyoclonusUsageError("sfreq (Hz) is required when data is an array.")
        arr = np.atleast_2d(np.asarray(data, dtype=np.float64))
        rec = Recording.from_array(arr, sfreq, ch_names, ["emg"] * arr.shape[0])
    idx = rec.pick_indices(picks)
    params = {
        "method": method,
        "l_freq": l_freq,
        "h_freq": h_freq,
        "envelope_window": envelope_window,
        "k_on": k_on,
        "k_off": k_off,
        "min_duration": min_duration,
        "merge_gap": merge_gap,
        "jerk_max": jerk_max,
    }
    log, warns, thresholds, parts = [], [], {}, []
    iterator = idx
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(idx, desc="Detecting", unit="channel")
    for i in iterator:
        c = rec.channels[i]
        sf = c.sfreq
        if sf < MIN_SFREQ and not force:
            raise MyoclonusInputError(
                f"Channel '{c.name}' is sampled at {sf:g} Hz, below the {MIN_SFREQ:g} Hz needed to time "
                "jerks (a 10 ms jerk would be under one sample). Use a recording sampled at >= 500 Hz, "
                "or pass force=True (--force) to analyse it anyway."
            )
        if sf < WARN_SFREQ:
            msg = (
                f"Channel '{c.name}' is sampled at {sf:g} Hz (< {WARN_SFREQ:g} Hz): onsets are coarser "
                f"(+/- {1000 / sf:.1f} ms) and the EMG band is cut at {0.45 * sf:g} Hz."
            )
            warns.append(msg)
            warnings.warn(msg, stacklevel=3)
        x = rec._read_channel(i, 0, None)
        flog = []
        filt = bandpass(x, sf, l_freq, h_freq, log=flog)
        for f in flog:
            if f not in log:
                log.append(f)
        env = moving_rms(filt, sf, envelope_window)
        level, _spread = robust_noise_floor(env, sf)
        if level <= 0:
            level = float(np.finfo(float).tiny)
        on, off = k_on * level, k_off * level
        thresholds[c.name] = {
            "sfreq": sf,
            "noise_floor_uv": level,
            "threshold_on_uv": on,
            "threshold_off_uv": off,
        }
        starts, stops = detect_bursts(env, sf, on=on, off=off, min_duration=min_duration, merge_gap=merge_gap)
        if len(starts) == 0:
            continue
        onset = starts / sf
        dur = (stops - starts) / sf
        absf = np.abs(filt)
        cs = np.concatenate([[0.0], np.cumsum(absf)])
        cs2 = np.concatenate([[0.0], np.cumsum(filt**2)])
        n = stops - starts
        area = (cs[stops] - cs[starts]) / sf
        rms = np.sqrt((cs2[stops] - cs2[starts]) / n)
        peak = _segment_max(absf, starts, stops)
        snr = 20 * np.log10(np.maximum(rms, 1e-12) / level)
        kind = np.where(dur <= jerk_max, "jerk", "sustained")
        conf = 1.0 / (1.0 + np.exp(-(snr - 20 * np.log10(k_on)) / 2.0))
        parts.append(
            Events(
                onset,
                dur,
                kind,
                c.name,
                peak_amplitude_uv=peak,
                rms_uv=rms,
                area_uvs=area,
                snr_db=snr,
                confidence=conf,
            )
        )
        logger.info("%s: %d jerks, %d sustained", c.name, int(np.sum(kind == "jerk")), int(np.sum(kind == "sustained")))
    events = Events.concatenate(parts) if parts else Events()
    return DetectionResult(events, params, thresholds, log, __version__, warns, rec)
