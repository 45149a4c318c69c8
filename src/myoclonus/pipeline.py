"""``analyze``: the one orchestration that the CLI, batch runs and the review app all call.

recording -> detection -> summary -> outputs (events.tsv/.json, summary.json, report.html).
Later steps (characterization, physiology, assessment) add their sections to the summary here.
"""
from __future__ import annotations

import datetime as _dt
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import __version__
from ._logging import logger, verbose
from .detect import detect_jerks
from .events import EVENT_KINDS, Events

__all__ = ["analyze", "AnalysisResult", "summarize"]


@dataclass
class AnalysisResult:
    """Everything :func:`analyze` produced.

    Attributes
    ----------
    recording : Recording
    detection : DetectionResult
    events : Events
    summary : dict
        The content of ``summary.json``.
    outputs : dict
        ``{'events_tsv', 'events_json', 'summary_json', 'report_html'}`` paths (when written).
    truth : Events | None
        Ground truth, for simulated recordings.
    """

    recording: object
    detection: object
    events: Events
    summary: dict
    outputs: dict = field(default_factory=dict)
    truth: Events | None = None


def summarize(recording, events, *, detection=None, keep_identity=False, truth=None):
    """Build the ``summary.json`` dict: recording facts, counts and rates per channel and kind.

    Rates are per minute of recording. Keys: ``version``, ``created``, ``recording``, ``counts``,
    ``per_channel``, ``rate_per_min``, ``duration_ms`` (jerk duration median and IQR per channel),
    ``parameters``, ``preprocessing``, ``thresholds``, ``methods``, and ``truth`` for simulations.
    """
    minutes = recording.duration / 60.0 if recording.duration else np.nan
    per_channel = {}
    analysed = list((detection.thresholds if detection is not None else {}).keys())
    for ch in dict.fromkeys(analysed + [str(c) for c in events.channel]):
        ev = events.select(channel=ch)
        counts = {k: int(np.sum(ev.kind == k)) for k in EVENT_KINDS}
        jerks = ev.select("jerk")
        d_ms = jerks.duration * 1000
        entry = {
            "counts": counts,
            "rate_per_min": {k: (v / minutes if minutes else None) for k, v in counts.items()},
            "duration_ms": _stats(d_ms),
            "peak_amplitude_uv": _stats(jerks.measures.get("peak_amplitude_uv", np.zeros(0))),
        }
        try:
            entry["site"] = recording.channels[recording.ch_names.index(ch)].site.to_dict()
        except ValueError:
            pass
        per_channel[ch] = entry
    counts = {k: int(np.sum(events.kind == k)) for k in EVENT_KINDS}
    jerks = events.select("jerk")
    out = {
        "version": __version__,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "recording": recording.describe(keep_identity=keep_identity),
        "counts": counts,
        "rate_per_min": {k: (v / minutes if minutes else None) for k, v in counts.items()},
        "duration_ms": _stats(jerks.duration * 1000),
        "per_channel": per_channel,
        "units": {"onset": "s", "duration": "s", "amplitude": "uV", "rate": "per minute"},
    }
    if detection is not None:
        out["parameters"] = detection.params
        out["preprocessing"] = detection.preprocessing
        out["thresholds"] = detection.thresholds
        out["warnings"] = detection.warnings
        out["methods"] = detection.methods()
    if truth is not None:
        from .scoring import score_events

        out["truth"] = {
            "counts": {k: int(np.sum(truth.kind == k)) for k in EVENT_KINDS},
            "jerk_scores": score_events(truth.select("jerk"), events.select("jerk")),
        }
    return out


def _stats(x):
    x = np.asarray(x, float)
    if x.size == 0:
        return {"n": 0, "median": None, "p25": None, "p75": None, "min": None, "max": None}
    return {
        "n": int(x.size),
        "median": float(np.median(x)),
        "p25": float(np.percentile(x, 25)),
        "p75": float(np.percentile(x, 75)),
        "min": float(x.min()),
        "max": float(x.max()),
    }


def _json_default(o):
    if isinstance(o, (np.floating,)):
        return None if not np.isfinite(o) else float(o)
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, (_dt.datetime, _dt.date)):
        return o.isoformat()
    if isinstance(o, Path):
        return str(o)
    return str(o)


def _clean(obj):
    """Replace NaN/inf by None so that summary.json is strict JSON."""
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if isinstance(obj, float) and not np.isfinite(obj):
        return None
    if isinstance(obj, np.floating):
        return None if not np.isfinite(obj) else float(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    return obj


@verbose
def analyze(
    recording,
    *,
    out=None,
    picks="emg",
    keep_identity=False,
    truth=None,
    report=True,
    force=False,
    progress=False,
    detect_kwargs=None,
):
    """Run the whole analysis on a recording and optionally write the outputs.

    Parameters
    ----------
    recording : Recording | path-like
    out : path-like | None
        Output folder; created if needed. None writes nothing.
    picks : str | list
        EMG channels to analyse (default all EMG).
    keep_identity : bool
        Write patient-identifying header fields into outputs (default False).
    truth : Events | None
        Ground-truth events (simulations); the summary then scores the detections against it.
    report : bool
        Write ``report.html``.
    force : bool
        Analyse EMG sampled under 100 Hz anyway.
    progress : bool
        Show progress bars.
    detect_kwargs : dict | None
        Extra options for :func:`~myoclonus.detect_jerks`.

    Returns
    -------
    result : AnalysisResult
    """
    from .io import Recording, read_recording

    t0 = time.perf_counter()
    if not isinstance(recording, Recording):
        recording = read_recording(recording, keep_identity=keep_identity)
    detection = detect_jerks(recording, picks=picks, force=force, progress=progress, **(detect_kwargs or {}))
    events = detection.events
    summary = _clean(summarize(recording, events, detection=detection, keep_identity=keep_identity, truth=truth))
    summary["elapsed_s"] = round(time.perf_counter() - t0, 3)
    result = AnalysisResult(recording, detection, events, summary, truth=truth)
    if out is not None:
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        result.outputs["events_tsv"] = events.to_tsv(out / "events.tsv")
        result.outputs["events_json"] = out / "events.json"
        sp = out / "summary.json"
        sp.write_text(json.dumps(summary, indent=2, default=_json_default) + "\n", encoding="utf-8")
        result.outputs["summary_json"] = sp
        if truth is not None:
            result.outputs["truth_tsv"] = truth.to_tsv(out / "truth.tsv", sidecar=False)
        if report:
            from .report import write_report

            result.outputs["report_html"] = write_report(result, out / "report.html")
        logger.info("Outputs written to %s", out)
    return result
