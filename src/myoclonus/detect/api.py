"""The public entry point of detection: :func:`detect_jerks` on a Recording or an array."""
from __future__ import annotations

import inspect

import numpy as np

from .._logging import logger, verbose, warn
from .._malloc import recycled_memory
from .._validate import MyoclonusInputError, MyoclonusUsageError, _check_range
from .._version import __version__
from ..events import Events
from ._scan import hysteresis
from .acc import detect_acc_streamed, group_acc_channels, link_to_emg
from .bursts import ENVELOPE_METHODS, merge_close
from .params import PARAMS, DetectionParams, params_doc
from .plan import detect_channel_streamed, qrs_times
from .result import DetectionResult
from .stream import CHUNK

__all__ = ["MIN_SFREQ", "WARN_SFREQ", "METHODS", "detect_jerks", "prepare_detection", "assemble_detection", "check_rates",
           "detect_bursts"]

#: Below this rate (Hz) jerk timing is refused unless ``force=True``: a 10 ms jerk spans < 1 sample.
MIN_SFREQ = 100.0
#: Below this rate (Hz) a warning says onsets are coarse: surface EMG has content up to ~450 Hz.
WARN_SFREQ = 500.0
#: Detection methods (envelope used for the hysteresis; onsets are refined the same way).
METHODS = ENVELOPE_METHODS


def detect_bursts(env, sfreq, *, on, off, min_duration, merge_gap):
    """Hysteresis burst detection on one envelope (kept for backward compatibility).

    Parameters
    ----------
    env : ndarray, shape (n_times,)
        Envelope (uV).
    sfreq : float
        Hz.
    on, off : float
        Hysteresis thresholds (uV).
    min_duration, merge_gap : float
        Seconds.

    Returns
    -------
    starts, stops : ndarray of int
        Sample indices of each burst, ``stop`` exclusive.
    """
    starts, stops = hysteresis(env, on, off)
    starts, stops = merge_close(starts, stops, merge_gap * sfreq)
    long = (stops - starts) >= min_duration * sfreq
    return starts[long], stops[long]


def prepare_detection(data, *, sfreq=None, picks="emg", params=None, sensitivity=None, ch_names=None,
                      chunk_duration=CHUNK, n_jobs=1, **overrides):
    """Validated detection set-up, as :func:`detect_jerks` uses it.

    Parameters
    ----------
    data, sfreq, picks, params, sensitivity, ch_names, chunk_duration, n_jobs, **overrides
        As :func:`detect_jerks`.

    Returns
    -------
    rec : Recording
        The recording (arrays are wrapped as EMG channels).
    idx : list of int
        The EMG channels to detect.
    params : DetectionParams
        The validated parameter values.
    """
    from ..io.recording import Recording

    if params is None:
        params = DetectionParams(sensitivity=sensitivity, **overrides)
    elif not isinstance(params, DetectionParams):
        raise MyoclonusUsageError(f"params must be a DetectionParams or None, but got {type(params).__name__}.")
    elif overrides or sensitivity is not None:
        raise MyoclonusUsageError("Pass either params=DetectionParams(...) or parameter values and sensitivity, not both.")
    if chunk_duration is not None:
        _check_range("chunk_duration", chunk_duration, 1, None, unit="s")
    _check_range("n_jobs", n_jobs, 1, None)
    if isinstance(data, Recording):
        rec = data
    else:
        if sfreq is None:
            raise MyoclonusUsageError("sfreq (Hz) is required when data is an array.")
        arr = np.atleast_2d(np.asarray(data, dtype=np.float64))
        rec = Recording.from_array(arr, sfreq, ch_names, ["emg"] * arr.shape[0])
    return rec, rec.pick_indices(picks), params


def check_rates(rec, idx, force):
    """Refuse EMG sampled under :data:`MIN_SFREQ` (unless ``force``); warnings for coarse rates."""
    warns = []
    for i in idx:
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
            warn(msg)
    return warns



@verbose
def detect_jerks(data, *, sfreq=None, picks="emg", params=None, sensitivity=None, ch_names=None, force=False,
                 progress=False, chunk_duration=CHUNK, n_jobs=1, **overrides):
    """Detect myoclonic jerks, sustained activity, artifacts, silent periods and accelerometer jerks.

    Parameters
    ----------
    data : Recording | ndarray, shape (n_channels, n_times)
        A :class:`~myoclonus.Recording`, or EMG in microvolts with ``sfreq``.
    sfreq : float | None
        Sampling rate in Hz (arrays only).
    picks : str | list
        EMG channels to analyse (names, globs or types; default all EMG channels).
    params : DetectionParams | None
        All parameter values at once (instead of ``sensitivity`` and the keywords below).
    sensitivity : 'low' | 'normal' | 'high' | None
        Preset scaling of the detection thresholds k_on, k_burst, k_flank and k_superimposed by
        4/3, 1 or 5/6 (None: 'normal'), applied before the keywords below.
    ch_names : list of str | None
        Names for array input.
    force : bool
        Analyse EMG sampled under :data:`MIN_SFREQ` (100 Hz) anyway.
    progress : bool
        Show a progress bar over channels.
    chunk_duration : float | None
        Seconds per chunk (default 300): channels longer than the statistics sample (300 s) are
        read and detected chunk by chunk with :data:`~myoclonus.detect.stream.PAD` s of overlap, so
        memory does not grow with the recording's length; the result is the same as whole-array
        detection (``None``), see :mod:`myoclonus.detect.stream`.
    n_jobs : int
        Channels detected in parallel threads (the compiled kernels and filters release the GIL).
    verbose : bool | str | int | None
        Log level for this call (restored afterwards).
{params}

    Returns
    -------
    result : DetectionResult
        ``result.events`` holds the events with measures ``offset`` (s), ``peak_amplitude_uv``,
        ``rms_uv``, ``area_uvs``, ``snr_db``, ``confidence``, ``reason`` (artifacts),
        ``tonic_level_uv`` (silent periods) and, for ``acc_jerk``, ``peak_jerk``,
        ``linked_channel`` and ``mechanical_delay_ms``; an empty Events when nothing is found.

    Notes
    -----
    Every parameter, its unit, the reason for its default and its reference are in
    :data:`myoclonus.detect.params.PARAMS`; the measurements behind the defaults are in
    ``benchmarks/README.md``.
    """
    rec, idx, params = prepare_detection(data, sfreq=sfreq, picks=picks, params=params, sensitivity=sensitivity,
                                         ch_names=ch_names, chunk_duration=chunk_duration, n_jobs=n_jobs, **overrides)
    with recycled_memory():
        return _detect_all(rec, idx, params, chunk_duration=chunk_duration, force=force, progress=progress,
                           n_jobs=n_jobs)


def _indent(text, n):
    return "\n".join((" " * n + line) if line else line for line in text.split("\n"))


detect_jerks.__doc__ = detect_jerks.__doc__.replace("{params}", _indent(params_doc(), 4))
_sig = inspect.signature(detect_jerks)
detect_jerks.__signature__ = _sig.replace(parameters=[
    *[q for q in _sig.parameters.values() if q.kind != inspect.Parameter.VAR_KEYWORD],
    inspect.Parameter("verbose", inspect.Parameter.KEYWORD_ONLY, default=None),
    *[inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=p.default) for name, p in PARAMS.items()],
])


def _detect_all(rec, idx, params, *, chunk_duration, force, progress, n_jobs):
    log, warns = [], []
    qrs = qrs_times(rec, log, chunk_duration) if params.ecg is not False else None
    warns.extend(check_rates(rec, idx, force))

    def one(i):
        clog = []
        return detect_channel_streamed(rec, i, qrs, params, chunk_duration, clog), clog

    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(idx), desc="Detecting", unit="channel")
    if n_jobs is not None and n_jobs > 1 and len(idx) > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=int(n_jobs)) as pool:
            futures = [pool.submit(one, i) for i in idx]
            results = []
            for f in futures:
                results.append(f.result())
                if bar is not None:
                    bar.update(1)
    else:
        results = []
        for i in idx:
            results.append(one(i))
            if bar is not None:
                bar.update(1)
    if bar is not None:
        bar.close()
    return assemble_detection(rec, idx, results, params, log, warns, chunk_duration)


def assemble_detection(rec, idx, results, params, log, warns, chunk_duration=CHUNK):
    """A :class:`DetectionResult` from per-channel results ``[(res, channel_log), ...]`` of the EMG
    channels ``idx``; accelerometer jerks are detected here (``params.acc``, chunk by chunk:
    :func:`~.acc.detect_acc_streamed`) and linked to the EMG jerks.

    Parameters
    ----------
    rec : Recording
    idx : list of int
        The EMG channels detected, in the order of ``results``.
    results : list of tuple
        ``(res, channel_log)`` per channel (:func:`~.plan.detect_channel_streamed`, or
        :func:`~.plan.join_chunks` of its chunks).
    params : DetectionParams
    log, warns : list of str
        Preprocessing log and warnings so far (extended here).
    chunk_duration : float | None
        Seconds per chunk for the accelerometers.

    Returns
    -------
    result : DetectionResult
    """
    thresholds, parts, acc_thresholds = {}, [], {}
    acc = params.acc
    acc_k_on, acc_k_off, acc_max_duration = params.acc_k_on, params.acc_k_off, params.acc_max_duration
    acc_merge_gap, acc_max_delay = params.acc_merge_gap, params.acc_max_delay
    for i, (res, clog) in zip(idx, results):
        c = rec.channels[i]
        sf = c.sfreq
        for f in clog:
            entry = f if f.startswith(("Butterworth", "IIR")) else f"{c.name}: {f}"
            if entry not in log:
                log.append(entry)
        info = res.pop("info")
        for w in info.pop("warnings"):
            msg = f"Channel '{c.name}': {w}."
            warns.append(msg)
            warn(msg)
        thresholds[c.name] = dict(sfreq=sf, **info)
        onset = res.pop("onset") / sf
        offset = res.pop("offset") / sf
        kind = res.pop("kind")
        if len(onset):
            parts.append(Events(onset, offset - onset, kind, c.name, offset=offset, **res))
        logger.info(
            "%s: %d jerks, %d sustained, %d artifacts, %d silent periods", c.name,
            int(np.sum(kind == "jerk")), int(np.sum(kind == "sustained")),
            int(np.sum(kind == "artifact")), int(np.sum(kind == "silent_period")),
        )
    emg_events = Events.concatenate(parts) if parts else Events()
    if acc:
        acc_idx = rec.pick_indices("acc", allow_empty=True)
        if acc_idx:
            jerks = emg_events.select("jerk")
            names = [rec.channels[i].name for i in acc_idx]
            for sensor, members in group_acc_channels(names).items():
                chans = [acc_idx[m] for m in members]
                rates = {rec.channels[i].sfreq for i in chans}
                if len(rates) > 1:
                    continue
                sf = rates.pop()
                n_acc = min(rec.channels[i].n_times for i in chans)
                alog = []
                s, e, pj, fl = detect_acc_streamed(
                    lambda lo, hi, chans=chans: np.vstack([rec._read_channel(i, lo, hi) for i in chans]), n_acc, sf,
                    chunk_duration=chunk_duration, k_on=acc_k_on, k_off=acc_k_off, max_duration=acc_max_duration,
                    merge_gap=acc_merge_gap, log=alog,
                )
                for f in alog:
                    entry = f"{sensor} (accelerometer): {f}"
                    if entry not in log:
                        log.append(entry)
                acc_thresholds[sensor] = {"sfreq": sf, "noise_floor": fl, "threshold_on": acc_k_on * fl, "unit": "m/s^3",
                                      "channels": [rec.channels[i].name for i in chans]}
                if len(s):
                    delay, linked = link_to_emg(s / sf, jerks.onset, jerks.channel, max_delay=acc_max_delay)
                    parts.append(Events(s / sf, (e - s) / sf, "acc_jerk", sensor, offset=e / sf, peak_jerk=pj,
                                        linked_channel=linked, mechanical_delay_ms=delay,
                                        confidence=1.0 / (1.0 + np.exp(-(20 * np.log10(pj / (fl * acc_k_on))) / 3.0))))
    events = Events.concatenate(parts) if parts else Events()
    return DetectionResult(events, dict(params.to_dict(), sensitivity=params.sensitivity), thresholds, log, __version__, warns,
                           rec, acc_thresholds)
