"""Benchmark of the origin classifier on simulated profiles (truth jerk onsets as events).

Usage::

    PYTHONPATH=src python benchmarks/origin.py --seeds 20 --duration 120

Prints, per profile, how many seeds were classified as an accepted origin, and the classes found.
Essential myoclonus and hypnic jerks are accepted as 'subcortical' or 'undetermined', negative
myoclonus as 'cortical' or 'undetermined', healthy only as 'undetermined'
(see :func:`myoclonus.physiology.classify_origin`).
"""
from __future__ import annotations

import argparse
import collections
import time
import warnings

from myoclonus.physiology import run_physiology
from myoclonus.simulate import PROFILES, simulate
from myoclonus.simulate.profiles import EXPECTED_ORIGIN

ACCEPTED = EXPECTED_ORIGIN


def run(profiles, seeds, duration, verbose=False):
    rows = []
    for prof in profiles:
        found = collections.Counter()
        t0 = time.time()
        for seed in range(seeds):
            sim = simulate(prof, duration=duration, seed=seed)
            jerks = sim.truth.select("jerk")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = run_physiology(sim.recording, jerks, seed=seed)
            found[res.origin.origin] += 1
            if verbose:
                print(prof, seed, res.origin.origin, res.origin.points)
        ok = sum(v for k, v in found.items() if k in ACCEPTED[prof])
        rows.append((prof, ok, seeds, dict(found), time.time() - t0))
        print(f"{prof:22s} {ok:3d}/{seeds}  {dict(found)}  ({time.time() - t0:.0f} s)", flush=True)
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--duration", type=float, default=120.0)
    ap.add_argument("--profiles", nargs="*", default=list(PROFILES))
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    run(a.profiles, a.seeds, a.duration, a.verbose)


if __name__ == "__main__":
    main()
