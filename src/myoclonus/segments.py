"""Jerk detection over the continuous segments of a recording.

A discontinuous recording (EDF+D/BDF+D) keeps its gaps on its time axis (see
:attr:`myoclonus.Recording.segments`). Detecting across a gap would treat the boundary as a
signal, so :func:`detect_jerks_by_segment` runs :func:`myoclonus.detect.detect_jerks` on each
segment on its own and places the events on the recording's time axis. It is what
:func:`myoclonus.pipeline.analyze` and the ``detect`` and ``physiology`` commands call; for a
continuous recording it is :func:`~myoclonus.detect.detect_jerks` after the input checks.
"""
from __future__ import annotations

from ._logging import logger, warn
from ._validate import MyoclonusInputError
from .detect import DetectionResult, detect_jerks
from .events import Events

__all__ = ["detect_jerks_by_segment", "MIN_DETECT_DURATION"]

#: Seconds of EMG a channel (or a segment) needs for jerk detection: its background level and
#: mains line are estimated over windows of up to 1 s (package convention). Shorter data are refused
#: (a whole recording) or left out with a warning (a segment of a discontinuous recording).
MIN_DETECT_DURATION = 1.0


def detect_jerks_by_segment(recording, *, picks="emg", **kwargs):
    """:func:`~myoclonus.detect.detect_jerks` on each continuous segment of ``recording``.

    Parameters
    ----------
    recording : Recording
        Any recording; a continuous one is detected whole.
    picks : str | list
        EMG channels to analyse (see :func:`~myoclonus.detect.detect_jerks`).
    **kwargs
        Options of :func:`~myoclonus.detect.detect_jerks`.

    Returns
    -------
    result : DetectionResult
        Events on the recording's time axis (seconds from its start, gaps included). For a
        discontinuous recording, ``thresholds[channel]`` are those of the longest segment analysed,
        with the per-segment values under ``thresholds[channel]['segments']``; ``warnings`` says which
        segments were analysed and which were too short.

    Raises
    ------
    MyoclonusInputError
        When no channel of ``picks`` exists, or the picked EMG lasts under
        :data:`MIN_DETECT_DURATION` (every segment, for a discontinuous recording). Messages name
        the file.
    """
    try:
        return _detect(recording, picks, kwargs)
    except MyoclonusInputError as err:
        name = recording.source.get("file")
        if name and name not in str(err):
            raise MyoclonusInputError(f"'{name}': {err}") from err
        raise


def _detect(rec, picks, kwargs):
    idx = rec.pick_indices(picks)
    segs = rec.segments
    if not rec.discontinuous:
        for i in idx:
            c = rec.channels[i]
            if c.duration < MIN_DETECT_DURATION:
                raise MyoclonusInputError(
                    f"Channel '{c.name}' holds {c.duration:.3g} s of data ({c.n_times} samples); jerk detection "
                    f"needs at least {MIN_DETECT_DURATION:g} s (the background level and the mains line are "
                    "estimated over 1 s). Record for longer, or pick another channel."
                )
        return detect_jerks(rec, picks=picks, **kwargs)
    done, skipped = [], []
    for k, (onset, dur) in enumerate(segs):
        if dur < MIN_DETECT_DURATION:
            skipped.append(k)
            continue
        logger.info("Segment %d/%d: %.3f s from %.3f s", k + 1, len(segs), dur, onset)
        done.append((k, onset, detect_jerks(rec.segment(k), picks=picks, **kwargs)))
    if not done:
        raise MyoclonusInputError(
            f"None of the {len(segs)} segments of this discontinuous recording lasts {MIN_DETECT_DURATION:g} s "
            "(the least jerk detection needs); there is nothing to analyse."
        )
    return _merge(rec, segs, done, skipped)


def _merge(rec, segs, done, skipped):
    """One :class:`DetectionResult` on the recording's time axis from the segments' results."""
    first = done[0][2]
    notes = [
        f"Discontinuous recording: {len(segs)} segments with gaps between them (kept as gaps, never stitched); "
        f"jerks were detected in each of the {len(done)} segment(s) of at least {MIN_DETECT_DURATION:g} s on its own "
        f"({sum(segs[k][1] for k, _, _ in done):.1f} s of {rec.recorded_duration:.1f} s recorded)."
    ]
    if skipped:
        msg = (f"Segment(s) {', '.join(str(k + 1) for k in skipped)} last(s) under {MIN_DETECT_DURATION:g} s and "
               "were not analysed.")
        warn(msg)
        notes.append(msg)
    events, thresholds, acc_thresholds, preprocessing, warns = [], {}, {}, [], []
    longest = {}
    for k, onset, res in done:
        events.append(res.events.shift(onset))
        for entry in res.preprocessing:
            if entry not in preprocessing:
                preprocessing.append(entry)
        warns.extend(f"Segment {k + 1}: {w}" for w in res.warnings)
        for table, out in ((res.thresholds, thresholds), (res.acc_thresholds, acc_thresholds)):
            for ch, th in table.items():
                entry = out.setdefault(ch, {"segments": []})
                entry["segments"].append(dict(th, segment=k + 1, onset_s=onset))
                if segs[k][1] > longest.get(ch, -1.0):
                    longest[ch] = segs[k][1]
                    entry.update({key: v for key, v in th.items()})
    return DetectionResult(
        Events.concatenate(events), first.params, thresholds, preprocessing, first.version, notes + warns, rec,
        acc_thresholds,
    )
