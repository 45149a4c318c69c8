"""Cohort speed-up on Dask: the same cohort analysed with 1 and with 2 workers (issue 9).

Writes ``--n`` simulated recordings (``--minutes`` each, profiles in turn) once into
``benchmarks/.cache/cohort/``, then runs ``myoclonus.batch.run_batch`` on a LocalCluster with 1 and
with 2 worker processes (``resume=False``, a fresh output folder each time), and prints the wall
times and the speed-up. Worker start-up is included (it is part of what a user waits for).

Usage: ``python benchmarks/batch_speed.py [--n 6] [--minutes 2] [--workers 1 2]``
"""
from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
CACHE = HERE / ".cache" / "cohort"
PROFILES = ("cortical", "subcortical", "segmental", "essential", "functional", "healthy")


def make_cohort(n, minutes):
    from myoclonus.io import write_recording
    from myoclonus.simulate import simulate

    CACHE.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        p = CACHE / f"sub-{i:02d}_{minutes:g}min.edf"
        if not p.exists():
            sim = simulate(PROFILES[i % len(PROFILES)], duration=minutes * 60.0, seed=100 + i)
            write_recording(sim.recording, p)
        paths.append(p)
    return paths


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=6)
    ap.add_argument("--minutes", type=float, default=2.0)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args(argv)
    from myoclonus.batch import run_batch

    paths = make_cohort(args.n, args.minutes)
    times = {}
    for w in args.workers:
        out = HERE / ".cache" / f"cohort_out_{w}"
        shutil.rmtree(out, ignore_errors=True)
        t = time.perf_counter()
        table = run_batch(paths, out, workers=w, resume=False, progress=False)
        times[w] = time.perf_counter() - t
        failed = int((table.status != "ok").sum())
        print(f"{w} worker(s): {times[w]:.1f} s for {len(paths)} recordings of {args.minutes:g} min ({failed} failed)")
    if 1 in times:
        for w, t in times.items():
            if w != 1:
                print(f"speed-up 1 -> {w} workers: {times[1] / t:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
