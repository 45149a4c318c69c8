"""Cohorts: run :func:`myoclonus.pipeline.analyze` over many recordings on Dask distributed.

One task per recording; a local cluster by default (``workers=N``), or any running Dask cluster
by scheduler address. Each recording's outputs go to ``OUT/<recording stem>/``; a cohort table
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

__all__ = ["run_batch", "analyze_one", "cohort_row", "COHORT_COLUMNS"]

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


def run_batch(
    inputs,
    out,
    *,
    scheduler=None,
    workers=None,
    resume=True,
    progress=True,
    analyze_kwargs=None,
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
        futures = [
            client.submit(analyze_one, p, str(out), resume=resume, analyze_kwargs=analyze_kwargs, pure=False, key=f"analyze-{i}-{Path(p).name}")
            for i, p in enumerate(inputs)
        ]
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
