"""``analyze``: the one orchestration that the CLI, batch runs and the review app all call.

recording -> detection -> summary -> outputs (events.tsv/.json, summary.json, report.html).
Later steps (characterization, physiology, assessment) add their sections to the summary here.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ._version import __version__
from ._json import jsonable
from ._logging import logger, verbose
from ._validate import MyoclonusUsageError
from .events import EVENT_KINDS, Events
from .segments import detect_jerks_by_segment

__all__ = ["analyze", "AnalysisResult", "file_sha256", "recording_location", "summarize"]


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
    characterization: object = None
    physiology: object = None
    assessment: object = None


def summarize(recording, events, *, detection=None, keep_identity=False, truth=None):
    """Build the ``summary.json`` dict: recording facts, counts and rates per channel and kind.

    Rates are per minute of recorded data (for a discontinuous recording, the gaps between its
    segments are not counted). Keys: ``version``, ``created``, ``recording``, ``counts``,
    ``per_channel``, ``rate_per_min``, ``duration_ms`` (jerk duration median and IQR per channel),
    ``parameters``, ``preprocessing``, ``thresholds``, ``methods``, and ``truth`` for simulations.
    """
    minutes = recording.recorded_duration / 60.0 if recording.recorded_duration else np.nan
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
        from .scoring import score_eligible_jerks, score_events

        out["truth"] = {
            "counts": {k: int(np.sum(truth.kind == k)) for k in EVENT_KINDS},
            # the jerks the benchmarks score (>= 3x the background at their time, 10-500 ms), and all of them
            "jerk_scores": score_eligible_jerks(truth, events),
            "jerk_scores_all": score_events(truth.select("jerk"), events.select("jerk")),
        }
    return out


def file_sha256(path):
    """SHA-256 (hex) of a file's content, read in blocks (about 1 GB/s)."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def recording_location(path, out=None):
    """Where the analysed recording was, for ``summary.json['recording']['location']``.

    Returns ``{'path': absolute path, 'relative_path': path relative to the output folder ``out``
    (None when they are on different drives), 'sha256': content hash, 'size_bytes'}``, so that a
    later step (``myoclonus review RESULTS/``) finds the file beside the results, where it was, or
    recognises it by its content after a move. For formats made of several files the hash is that
    of the file given (the ``.vhdr`` or ``.hea`` header).
    """
    p = Path(path).expanduser().resolve()
    rel = None
    if out is not None:
        try:
            rel = os.path.relpath(p, Path(out).expanduser().resolve())
        except ValueError:  # another drive (Windows)
            rel = None
    return {"path": str(p), "relative_path": rel, "sha256": file_sha256(p), "size_bytes": p.stat().st_size}


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
    return jsonable(o, stringify=True)


def _clean(obj):
    """Replace NaN/inf by None and numpy types by Python ones, so that summary.json is strict JSON."""
    return jsonable(obj)


def _has(module, name):
    """True when ``myoclonus.<module>`` exists and exports ``name`` (steps that landed)."""
    import importlib

    try:
        mod = importlib.import_module(f"myoclonus.{module}")
    except ImportError:
        return False
    return hasattr(mod, name)


#: Summary keys owned by the detection step; later steps never overwrite them.
_DETECTION_KEYS = frozenset(
    ("version", "created", "recording", "counts", "units", "parameters", "preprocessing", "thresholds",
     "warnings", "methods", "truth", "elapsed_s")
)


def _merge_characterization(summary, char):
    """Merge the characterization dict into the summary under its stable keys."""
    summary["characterization"] = {"findings": char.get("findings", []), "references": char.get("references", [])}
    for key, value in char.items():
        if key in ("findings", "references"):
            continue
        if key in _DETECTION_KEYS:
            summary["characterization"][key] = value
            continue
        if key == "rate_per_min":
            summary.setdefault("rate_per_min", {})["jerk_overall"] = value
        elif key == "per_channel" and isinstance(value, dict):
            for ch, entry in value.items():
                summary.setdefault("per_channel", {}).setdefault(ch, {}).update(
                    {f"char_{k}" if k in ("rate_per_min", "duration_ms") else k: v for k, v in entry.items()}
                )
        elif key == "duration_ms" and isinstance(value, dict):
            summary.setdefault("duration_ms", {}).update(value)
        else:
            summary[key] = value


@verbose
def analyze(
    recording,
    *,
    out=None,
    picks="emg",
    keep_identity=False,
    truth=None,
    history=None,
    hypnogram=None,
    plm_standard="wasm2016",
    stimuli=None,
    report=True,
    pdf=False,
    force=False,
    progress=False,
    detect_kwargs=None,
    events=None,
    detection=None,
    physiology=True,
    lang="en",
    patient_note=None,
    recording_path=None,
    review=None,
):
    """Run the whole analysis on a recording and optionally write the outputs.

    Steps: read -> detect -> characterize -> physiology (when EEG is present) -> assess (when a
    history is given) -> outputs. Steps whose module is not part of this version are skipped.
    A discontinuous recording (EDF+D/BDF+D) is detected segment by segment
    (:func:`~myoclonus.segments.detect_jerks_by_segment`) and the summary's ``warnings`` (shown in the
    report) say so.

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
    history : dict | path-like | None
        Structured clinical history (YAML/JSON) for the clinical assessment.
    hypnogram : DataFrame | path-like | None
        Sleep stages (30-s epochs) for the sleep context; the leg movements and periodic leg
        movements are then scored on the leg EMG (:func:`~myoclonus.characterize.score_leg_emg`).
    plm_standard : 'wasm2016' | 'aasm'
        Leg-movement rules: WASM 2016 (Ferri et al. 2016, doi:10.1016/j.sleep.2016.10.010, default)
        or the AASM manual.
    stimuli : Events | None
        Stimulus onsets (else taken from a stim channel or annotations).
    report : bool
        Write ``report.html``.
    pdf : bool
        Also write ``report.pdf``.
    force : bool
        Analyse EMG sampled under 100 Hz anyway.
    progress : bool
        Show one progress bar over the steps.
    detect_kwargs : dict | None
        Extra options for :func:`~myoclonus.detect_jerks`.
    events : Events | None
        Use these events (e.g. reviewed by a clinician) instead of the detector's; the detector
        still runs for its thresholds and methods, but its events are replaced.
    detection : DetectionResult | None
        A detection of this recording computed beforehand (e.g. by the chunk-level tasks of
        :func:`myoclonus.batch.run_batch`); the detector is then not run again.
    physiology : bool
        Run the EEG-EMG physiology (back-averaging, BP, coherence, origin) when EEG is present.
    lang : str
        Language of the reports (``'en'`` or ``'fr'``).
    patient_note : str | None
        Free-text message from the clinician, added to the patient summary.
    recording_path : path-like | None
        The file ``recording`` was read from, when a :class:`~myoclonus.io.Recording` is passed
        (a path passed as ``recording`` is used as it is). With ``out``, ``summary.json`` records
        where it was and its content hash (:func:`recording_location`).
    review : dict | None
        The clinician review the ``events`` come from (reviewer, signature, counts, detector
        version; :func:`myoclonus.review.store.review_citation`); stored as ``summary['review']``
        and cited by the report.

    Returns
    -------
    result : AnalysisResult
    """
    from tqdm.auto import tqdm

    from .io import Recording, read_recording

    t0 = time.perf_counter()
    steps = ["read", "detect", "characterize", "physiology", "assess", "outputs"]
    bar = tqdm(total=len(steps), desc="Analysis", unit="step", disable=not progress, leave=False)

    def advance(done):
        """Mark step ``done`` finished and show the next one in the bar."""
        bar.update(1)
        i = steps.index(done)
        if i + 1 < len(steps):
            bar.set_postfix_str(steps[i + 1])

    bar.set_postfix_str(steps[0])

    if not isinstance(recording, Recording):
        recording_path = recording if recording_path is None else recording_path
        recording = read_recording(recording, keep_identity=keep_identity)
    advance("read")
    if detection is None:
        detection = detect_jerks_by_segment(recording, picks=picks, force=force, progress=False,
                                            **(detect_kwargs or {}))
    else:
        detection._recording = recording
    if events is None:
        events = detection.events
    summary = _clean(summarize(recording, events, detection=detection, keep_identity=keep_identity, truth=truth))
    result = AnalysisResult(recording, detection, events, summary, truth=truth)
    advance("detect")

    methods = [summary.get("methods", "")]
    if _has("characterize", "characterize"):
        from .characterize import characterize

        result.characterization = characterize(events, recording, hypnogram=hypnogram, stimuli=stimuli,
                                               plm_standard=plm_standard)
        _merge_characterization(summary, _clean(result.characterization.to_dict()))
    advance("characterize")

    has_eeg = "eeg" in recording.ch_types
    if physiology and has_eeg and _has("physiology", "run_physiology"):
        from .physiology import run_physiology

        char = summary.get("characterization") and {
            k: summary.get(k) for k in ("rhythm", "series", "distribution", "recruitment", "duration_ms", "stimulus")
        }
        result.physiology = run_physiology(recording, events, characterization=char)
        phys = _clean(result.physiology.to_dict())
        summary["physiology"] = {k: v for k, v in phys.items() if k in _DETECTION_KEYS}
        summary.update({k: v for k, v in phys.items() if k not in _DETECTION_KEYS})
        if hasattr(result.physiology, "methods"):
            methods.append(result.physiology.methods())
    advance("physiology")

    if history is not None:
        if not _has("assess", "assess"):
            raise MyoclonusUsageError("This version of myoclonus has no clinical assessment module.")
        from .assess import assess

        result.assessment = assess(history, summary=summary)
        summary["assessment"] = _clean(result.assessment.to_dict())
    advance("assess")

    if review is not None:
        summary["review"] = _clean(review)
    summary["methods"] = " ".join(m for m in methods if m)
    if out is not None and recording_path is not None:
        summary["recording"]["location"] = recording_location(recording_path, out)
    summary["elapsed_s"] = round(time.perf_counter() - t0, 3)
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

            result.outputs["report_html"] = write_report(result, out / "report.html", lang=lang)
        if pdf:
            from .report import write_pdf

            result.outputs["report_pdf"] = write_pdf(result, out / "report.pdf", lang=lang)
        from . import report as _report

        if report and hasattr(_report, "write_patient_summary"):
            result.outputs["patient_html"] = _report.write_patient_summary(
                result, out / "patient.html", lang=lang, note=patient_note, pdf=pdf
            )
        logger.info("Outputs written to %s", out)
    advance("outputs")
    bar.close()
    return result
