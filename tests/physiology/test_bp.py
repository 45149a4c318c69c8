"""Bereitschaftspotential on simulated recordings (truth onsets as triggers)."""
import warnings

import numpy as np
import pytest

from myoclonus.io import Recording
from myoclonus.physiology import BPResult, bereitschaft, recording_highpass
from myoclonus.simulate import simulate

CH = ["Fz", "C3", "Cz", "C4", "EMG R Deltoid", "EMG R ECR", "EMG T8 Parasp"]


def test_bp_found_in_functional():
    # ~200 isolated jerks: the simulated 0.3 Hz electrode drift (5-20 uV) needs many sweeps
    sim = simulate("functional", duration=1200, seed=1, rate=12, channels=CH)  # 19/20 seeds
    res = bereitschaft(sim.recording, sim.truth.select("jerk"))
    assert isinstance(res, BPResult)
    assert res.present, res
    assert res.n_sweeps >= 100
    assert res.p_value <= 0.01 and res.amplitude_uv < 0
    assert -3.0 < res.onset_s < -0.4  # simulated onset 1-2 s before the jerk
    assert res.slope_uv_per_s < 0
    assert res.channel == "Cz+Fz+C3+C4"
    assert "unknown" in res.warning  # simulated recording: high-pass not documented
    d = res.to_dict()
    assert d["present"] is True and d["onset_s"] < 0
    res.plot()


@pytest.mark.parametrize("profile, duration", [("cortical", 300), ("subcortical", 600)])
def test_bp_absent_in_organic_myoclonus(profile, duration):
    sim = simulate(profile, duration=duration, seed=0, channels=["Fz", "C3", "Cz", "C4", "EMG R SCM", "EMG R Deltoid", "EMG R ECR"])
    res = bereitschaft(sim.recording, sim.truth.select("jerk"))
    assert not res.present


def test_bp_refuses_silently_nothing():
    sim = simulate("functional", duration=30, seed=0, channels=["Cz", "EMG R Deltoid"], contamination="none")
    res = bereitschaft(sim.recording, sim.truth.select("jerk"))
    assert res.present is False and "fewer than 15" in res.reason and res.onset_s is None
    rec = Recording.from_array(np.zeros((1, 1000 * 30)), 1000.0, ["EMG R ECR"])
    res = bereitschaft(rec, np.arange(4.0, 29.0, 1.0))
    assert res.present is False and "Cz" in res.reason


def test_recording_highpass_warning():
    rng = np.random.default_rng(0)
    data = rng.normal(0, 10, (2, 1000 * 120))
    rec = Recording.from_array(data, 1000.0, ["Cz", "EMG R ECR"], source={"prefiltering": {"Cz": "HP:0.5Hz LP:70Hz"}})
    assert recording_highpass(rec, "Cz") == 0.5
    with pytest.warns(UserWarning, match="high-passed at 0.5 Hz"):
        res = bereitschaft(rec, np.arange(5.0, 115.0, 4.0))
    assert "0.5 Hz" in res.warning and not res.present
    rec2 = Recording.from_array(data, 1000.0, ["Cz", "EMG R ECR"], source={"prefiltering": "HP:DC LP:100Hz"})
    assert recording_highpass(rec2, "Cz") == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res2 = bereitschaft(rec2, np.arange(5.0, 115.0, 4.0))
    assert res2.warning == ""
    rec3 = Recording.from_array(data, 1000.0, ["Cz", "EMG R ECR"], source={"prefiltering": "HP:10s"})
    assert recording_highpass(rec3, "Cz") == pytest.approx(1 / (2 * np.pi * 10))
