"""Regenerate the example figure of every simulator profile (one PNG per profile).

Run from the repository root::

    PYTHONPATH=src python docs/simulator/make_figures.py
"""
from pathlib import Path

from myoclonus.simulate import PROFILES, plot_simulation, simulate

HERE = Path(__file__).resolve().parent
DURATION = {"hypnic": 600.0, "propriospinal": 180.0, "functional": 180.0, "subcortical": 180.0}

if __name__ == "__main__":
    for profile in PROFILES:
        res = simulate(profile, duration=DURATION.get(profile, 120.0), seed=1)
        out = HERE / f"{profile}.png"
        plot_simulation(res, fname=out)
        print(f"{out.name}: {out.stat().st_size / 1000:.0f} kB, {res}")
