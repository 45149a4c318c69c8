"""Shared fixtures: the real-recordings folder (skipped when absent) and small simulated signals."""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

#: ../shared/data/real relative to the project root (never copied into the repo).
REAL = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "real"


@pytest.fixture
def real_dir():
    if not REAL.is_dir():
        pytest.skip(f"real recordings folder {REAL} is absent")
    return REAL


@pytest.fixture
def burst_signal():
    """20 s of 3 uV noise at 2048 Hz with 10 bursts of known onset and duration (10-190 ms)."""
    rng = np.random.default_rng(0)
    sf = 2048.0
    x = rng.normal(0, 3, int(20 * sf))
    truth = []
    for k in range(10):
        o = int((1 + k * 1.7) * sf)
        d = int((0.01 + 0.02 * k) * sf)
        x[o : o + d] += rng.normal(0, 30, d)
        truth.append((o / sf, d / sf))
    return x, sf, truth


@pytest.fixture(scope="session", autouse=True)
def _compiled_kernels():
    """Compile the detector's numba kernels once, before the first test (or load them from numba's
    on-disk cache: about 1 s then, 25-35 s into an empty cache on a fresh clone), so that the cost
    shows as this setup in ``--durations`` instead of inside whichever test happens to come first.
    Covers jerks, silent periods, ECG and steps (a cortical and a negative-myoclonus simulation)."""
    from myoclonus._numba import use_numba

    if not use_numba():
        return
    from myoclonus.detect import detect_jerks
    from myoclonus.simulate import simulate

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for profile in ("cortical", "negative"):
            detect_jerks(simulate(profile, duration=20, seed=0).recording)


@pytest.fixture(autouse=True)
def _quiet_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield

