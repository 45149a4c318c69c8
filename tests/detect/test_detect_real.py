"""Detection on real recordings of ../shared/data/real (skipped when absent)."""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from myoclonus.detect import detect_jerks
from myoclonus.io import read_recording

REAL = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "real"


@pytest.fixture(scope="module")
def real():
    if not REAL.is_dir():
        pytest.skip(f"real recordings folder {REAL} is absent")
    return REAL


def _detect(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rec = read_recording(path)
        return detect_jerks(rec)


def test_emg1_quiet_stretches_and_activations(real):
    res = _detect(real / "biosppy" / "emg_1.txt")
    ev = res.events
    jerks = ev.select("jerk")
    for a, b in [(3.0, 14.5), (18.5, 23.0), (28.0, 35.0), (47.0, 63.8)]:
        assert not np.any((jerks.onset >= a) & (jerks.onset < b)), (a, b)
    pos = ev.select(["jerk", "sustained"])
    for t in (1.5, 15.5, 25.7, 26.4):
        assert np.any((pos.onset <= t + 0.3) & (pos.onset + pos.duration >= t - 0.3)), t
    # the big contraction (15.4-17 s) is one sustained event, not a string of jerks
    big = pos[(pos.onset > 15.0) & (pos.onset < 17.0)]
    assert list(big.kind) == ["sustained"]
    assert big.duration[0] > 1.0
    assert res.thresholds["EMG"]["noise_floor_uv"] == pytest.approx(5.0, rel=0.2)


def test_emg_weak_tonic_few_jerks(real):
    res = _detect(real / "biosppy" / "emg.txt")
    assert len(res.events.select("jerk")) <= 3


@pytest.mark.parametrize("name", ["emg_healthy", "emg_myopathy", "emg_neuropathy"])
def test_needle_records(real, name):
    res = _detect(real / "physionet_emgdb" / f"{name}.hea")
    th = res.thresholds["EMG"]
    assert th["sfreq"] == 4000.0
    assert th["noise_floor_uv"] > 0
    clipped = [w for w in res.warnings if "clips" in w]
    if name == "emg_neuropathy":
        assert clipped and "3276" in clipped[0]
        art = res.events.select("artifact")
        assert np.sum(art.measures["reason"] == "saturation") >= 10
    else:
        assert not clipped
