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


@pytest.fixture(autouse=True)
def _quiet_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield

