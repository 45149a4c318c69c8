"""Cohorts: run :func:`myoclonus.pipeline.analyze` over many recordings on Dask distributed.

One task per recording; a local cluster by default (``workers=N``), or any running Dask cluster
by scheduler address. A huge recording (more than ``split_above`` EMG channel-hours) is detected as
chunk-level tasks instead: its ECG channel's R peaks, then each EMG channel's statistics, then one
task per chunk of each channel (:func:`myoclonus.detect.plan.detect_chunk`), and a last task that
joins the chunks and runs the rest of the analysis; the result is the same as ``analyze``'s. Each recording's outputs go to ``OUT/<recording stem>/``; a cohort table
(one row per recording: status, error, key measures) is written as CSV and Parquet. Runs are
resumable: a recording whose outputs are complete and newer than the file is skipped. A failing
file is reported in the table with its error and never stops the others.

Multi-machine clusters: start ``dask scheduler`` on one machine and ``dask worker tcp://HOST:8786``
on each of the others (or use any Dask deployment: dask-jobqueue, dask-kubernetes), then run
``myoclonus batch FILES... --out DIR --scheduler tcp://HOST:8786``. Every worker needs myoclonus
installed and read access to the recordings at the same paths.
"""
from __future__ import annotations

import hashlib
import json
import time
import traceback
from pathlib import Path

from ._logging import logger
from ._optional import soft_import
from ._validate import MyoclonusUsageError

__all__ = ["run_batch", "analyze_one", "cohort_row", "COHORT_COLUMNS", "SPLIT_CHANNEL_HOURS"]

#: EMG channel-hours above which a recording is detected as chunk-level tasks (about 1 GB of EDF).
SPLIT_CHANNEL_HOURS = 8.0

#: Columns of the cohort table, in order.
COHORT_COLUMNS = (
    "recording",
    "status",
    "error",
    "duration_s",
    "n_emg_channels",
    "jerks",
    "sustained",
    "silent_periods",
    "artifacts",
    "jerk_rate_per_min",
    "jerk_duration_ms_median",
    "distribution",
    "rhythm",
    "origin",
    "out_dir",
    "elapsed_s",
)

_REQUIRED_OUTPUTS = ("events.tsv", "summary.json", "report.html")


def _out_dir(out, path):
    path = Path(path)
    # stem plus a short hash of the full path: two files with the same name never collide
    h = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:6]
    return Path(out) / f"{path.stem}-{h}"


def _is_done(out_dir, path):
    marks = [out_dir / f for f in _REQUIRED_OUTPUTS]
    if not all(m.exists() for m in marks):
        return False
    return min(m.stat().st_mtime for m in marks) >= Path(path).stat().st_mtime


def cohort_row(path, out_dir, summary=None, *, status="ok", error="", elapsed=None):
    """One row of the cohort table from a summary dict (or an error)."""
    row = dict.fromkeys(COHORT_COLUMNS)
    row.update(recording=str(path), status=status, error=error, out_dir=str(out_dir), elapsed_s=elapsed)
    if summary:
        c = summary.get("counts", {})
        row.update(
            duration_s=summary["recording"]["duration_s"],
            n_emg_channels=summary["recording"]["channel_types"].get("emg", 0),
            jerks=c.get("jerk"),
            sustained=c.get("sustained"),
            silent_periods=c.get("silent_period"),
            artifacts=c.get("artifact"),
            jerk_rate_per_min=(summary.get("rate_per_min") or {}).get("jerk"),
            jerk_duration_ms_median=(summary.get("duration_ms") or {}).get("median"),
            distribution=(summary.get("distribution") or {}).get("class"),
            rhythm=(summary.get("rhythm") or {}).get("verdict"),
            origin=(summary.get("origin") or {}).get("class"),
        )
    return row


def analyze_one(path, out, *, resume=True, analyze_kwargs=None):
    """Analyse one recording into ``out/<stem>-<hash>/``; never raises (errors go into the row)."""
    import warnings

    from .pipeline import analyze

    out_dir = _out_dir(out, path)
    t0 = time.perf_counter()
    try:
        if resume and _is_done(out_dir, path):
            summary = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
            return cohort_row(path, out_dir, summary, status="skipped (up to date)", elapsed=0.0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = analyze(path, out=out_dir, **(analyze_kwargs or {}))
        return cohort_row(path, out_dir, res.summary, elapsed=round(time.perf_counter() - t0, 3))
    except Exception as err:  # reported in the table; one bad file never stops the cohort
        kind = type(err).__name__
        logger.debug("batch: %s failed:\n%s", path, traceback.format_exc())
        return cohort_row(path, out_dir, status="failed", error=f"{kind}: {err}", elapsed=round(time.perf_counter() - t0, 3))


def _setup(path, detect_kwargs):
    """``rec, idx, params`` of a recording for ``detect_jerks(rec, **detect_kwargs)``
    (:func:`myoclonus.detect.api.prepare_detection`; the options that only steer the run are left out)."""
    from .detect.api import prepare_detection
    from .io import read_recording

    kw = {k: v for k, v in detect_kwargs.items() if k not in ("force", "progress", "verbose")}
    return prepare_detection(read_recording(path, check=False), **kw)


def _split_plan(path, resume, out, detect_kwargs, split_above):
    """For a huge recording, the chunk plan of each EMG channel ``[(i, plan or None), ...]``; else None."""
    from .detect.plan import channel_plan

    if resume and _is_done(_out_dir(out, path), path):
        return None
    try:
        rec, idx, _ = _setup(path, detect_kwargs)
    except Exception:  # analyze_one reports it
        return None
    hours = sum(rec.channels[i].duration for i in idx) / 3600.0
    if hours <= split_above or rec.discontinuous:  # segments are detected one by one in analyze
        return None
    chunk = _chunk_duration(detect_kwargs)
    return [(i, channel_plan(rec, i, chunk)) for i in idx]


def _chunk_duration(detect_kwargs):
    """Chunk length (s) of the detection: ``chunk_duration`` of ``detect_kwargs``, else the detector's own."""
    from .detect.stream import CHUNK

    return detect_kwargs.get("chunk_duration", CHUNK)


def _task_qrs(path, detect_kwargs):
    from .detect.plan import qrs_times

    rec, _, params = _setup(path, detect_kwargs)
    log = []
    qrs = qrs_times(rec, log, _chunk_duration(detect_kwargs)) if params.ecg is not False else None
    return qrs, log


def _task_stats(path, i, qrs, detect_kwargs):
    from .detect.plan import chunk_stats

    rec, _, params = _setup(path, detect_kwargs)
    return chunk_stats(rec, i, qrs[0], params)


def _task_chunk(path, i, chunk, stats, qrs, detect_kwargs, first):
    from ._malloc import recycled_memory
    from .detect.plan import detect_chunk

    rec, _, params = _setup(path, detect_kwargs)
    log = []
    with recycled_memory():
        part = detect_chunk(rec, i, chunk, stats, qrs[0], params, log=log)
    return part, (log if first else [])


def _task_whole(path, i, qrs, detect_kwargs):
    from .detect.plan import detect_channel_streamed

    rec, _, params = _setup(path, detect_kwargs)
    log = []
    return detect_channel_streamed(rec, i, qrs[0], params, None, log), log


def _task_finish(path, out, channels, qrs, resume, analyze_kwargs):
    """Join the chunks of every channel, assemble the detection and analyse (never raises)."""
    from .detect.api import check_rates, assemble_detection
    from .detect.plan import join_chunks

    kw = dict(analyze_kwargs or {})
    detect_kwargs = {k: v for k, v in (kw.get("detect_kwargs") or {}).items() if k not in ("picks", "force")}
    t0 = time.perf_counter()
    try:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rec, idx, params = _setup(path, dict(detect_kwargs, picks=kw.get("picks", "emg")))
            log = list(qrs[1])
            warns = check_rates(rec, idx, kw.get("force", False))
            results = []
            for i, item in zip(idx, channels):
                if item[0] == "whole":
                    results.append(item[1])
                else:
                    _, stats, parts = item
                    clog = [entry for part in parts for entry in part[1]]
                    results.append((join_chunks([p for p, _ in parts], stats, rec.channels[i].n_times), clog))
            det = assemble_detection(rec, idx, results, params, log, warns,
                                     _chunk_duration(detect_kwargs))
            kw["detection"] = det
            return analyze_one(path, out, resume=False, analyze_kwargs=kw)
    except Exception as err:
        kind = type(err).__name__
        logger.debug("batch: %s failed:\n%s", path, traceback.format_exc())
        return cohort_row(path, _out_dir(out, path), status="failed", error=f"{kind}: {err}", elapsed=round(time.perf_counter() - t0, 3))


def _submit_split(client, path, out, plan, resume, analyze_kwargs, key):
    """Submit the chunk-level tasks of one huge recording; returns the future of its cohort row."""
    dk = dict((analyze_kwargs or {}).get("detect_kwargs") or {})
    dk.setdefault("picks", (analyze_kwargs or {}).get("picks", "emg"))
    dk.setdefault("force", (analyze_kwargs or {}).get("force", False))
    qrs = client.submit(_task_qrs, path, dk, pure=False, key=f"{key}-qrs")
    channels = []
    for i, chunks in plan:
        if chunks is None:
            channels.append(("whole", client.submit(_task_whole, path, i, qrs, dk, pure=False, key=f"{key}-ch{i}")))
            continue
        stats = client.submit(_task_stats, path, i, qrs, dk, pure=False, key=f"{key}-ch{i}-stats")
        parts = [client.submit(_task_chunk, path, i, ch, stats, qrs, dk, k == 0, pure=False, key=f"{key}-ch{i}-chunk{k}")
                 for k, ch in enumerate(chunks)]
        channels.append(("chunks", stats, parts))
    return client.submit(_task_finish, path, str(out), channels, qrs, resume, analyze_kwargs, pure=False, key=key)


def run_batch(
    inputs,
    out,
    *,
    scheduler=None,
    workers=None,
    resume=True,
    progress=True,
    analyze_kwargs=None,
    split_above=SPLIT_CHANNEL_HOURS,
):
    """Analyse many recordings on Dask; write the cohort table.

    Parameters
    ----------
    inputs : list of path-like
        Recording files.
    out : path-like
        Output folder (per-recording sub-folders, ``cohort.csv``, ``cohort.parquet``).
    scheduler : str | None
        Address of a running Dask scheduler (``tcp://host:8786``); None starts a LocalCluster.
    workers : int | None
        Workers of the LocalCluster (default: number of cores, one thread each).
    resume : bool
        Skip recordings whose outputs are complete and newer than the file.
    progress : bool
        One progress bar for the whole cohort.
    analyze_kwargs : dict | None
        Options passed to :func:`~myoclonus.pipeline.analyze` for every recording.
    split_above : float
        EMG channel-hours above which a recording is detected as chunk-level tasks (spread over
        the workers) rather than in one task.

    Returns
    -------
    table : pandas.DataFrame
        One row per recording, columns :data:`COHORT_COLUMNS`, in input order.
    """
    import os

    import pandas as pd

    inputs = [str(p) for p in inputs]
    if not inputs:
        raise MyoclonusUsageError("No recordings given to batch.")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    distributed = soft_import("distributed", "running cohorts on Dask")
    cluster = None
    if scheduler:
        client = distributed.Client(scheduler)
    else:
        n = workers or os.cpu_count() or 1
        cluster = distributed.LocalCluster(
            n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
        )
        client = distributed.Client(cluster)
    try:
        futures = []
        for i, p in enumerate(inputs):
            key = f"analyze-{i}-{Path(p).name}"
            plan = _split_plan(p, resume, out, dict((analyze_kwargs or {}).get("detect_kwargs") or {}), split_above)
            if plan is None:
                futures.append(client.submit(analyze_one, p, str(out), resume=resume, analyze_kwargs=analyze_kwargs, pure=False, key=key))
            else:
                futures.append(_submit_split(client, p, out, plan, resume, analyze_kwargs, key))
        rows = {}
        bar = None
        if progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=len(futures), desc="Cohort", unit="recording")
        index = {f.key: i for i, f in enumerate(futures)}
        for fut in distributed.as_completed(futures):
            i = index[fut.key]
            try:
                rows[i] = fut.result()
            except Exception as err:  # worker died etc.
                rows[i] = cohort_row(inputs[i], _out_dir(out, inputs[i]), status="failed", error=f"{type(err).__name__}: {err}")
            if bar is not None:
                bar.update(1)
                bar.set_postfix_str(f"{Path(inputs[i]).name}: {rows[i]['status']}")
        if bar is not None:
            bar.close()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    table = pd.DataFrame([rows[i] for i in range(len(inputs))], columns=list(COHORT_COLUMNS))
    table.to_csv(out / "cohort.csv", index=False)
    try:
        table.astype({c: "string" for c in ("recording", "status", "error", "distribution", "rhythm", "origin", "out_dir")}).to_parquet(
            out / "cohort.parquet", index=False
        )
    except ImportError:
        logger.warning("pyarrow is not installed: cohort.parquet not written (pip install 'myoclonus[cluster]').")
    return table
