"""Jerk-locked back-averaging on simulated recordings (truth onsets as triggers)."""
import numpy as np
import pytest
from _helpers import EEG8

from myoclonus.events import Events
from myoclonus.io import Recording
from myoclonus.physiology import JLBAResult, back_average
from myoclonus.simulate import simulate
from myoclonus.simulate.profiles import MUSCLE_PHYSIOLOGY, PROFILES


def test_cortical_transient_found_with_100_sweeps():
    sim = simulate("cortical", duration=180, seed=1, rate=40, channels=EEG8 + ["EMG R FDI"])
    jerks = sim.truth.select("jerk", channel="EMG R FDI")
    res = back_average(sim.recording, jerks)
    assert isinstance(res, JLBAResult)
    assert res.n_sweeps >= 100
    assert res.significant and res.p_value <= 0.01
    # simulated lead of the cortical spike before the FDI onset: MEP latency + 3 ms, clipped
    lo, hi = PROFILES["cortical"]["premyoclonic_lead"]
    lead_ms = 1000 * float(np.clip(MUSCLE_PHYSIOLOGY["first_dorsal_interosseous"]["mep"] + 0.003, lo, hi))
    assert abs(res.latency_ms - lead_ms) <= 5.0
    assert res.electrode == "C3"  # over the left hemisphere for a right-hand jerk
    assert res.contralateral is True
    assert res.jerk_side == "right"
    assert res.min_detectable_uv < abs(res.amplitude_uv)
    d = res.to_dict()
    assert d["significant"] is True and d["latency_ms"] > 0 and d["n_sweeps"] == res.n_sweeps
    assert res.average.shape == (8, res.times.size) and res.ci_low.shape == res.average.shape
    fig = res.plot()
    assert fig is not None


def _fp_runs(profile, seeds, channels):
    hits = 0
    for seed in seeds:
        rate = None if profile == "healthy" else 30.0  # enough sweeps in 60 s
        sim = simulate(profile, duration=60, seed=seed, channels=channels, rate=rate)
        jerks = sim.truth.select("jerk")
        ch = jerks.channel[0] if len(jerks) else None
        if ch is None:  # healthy: random triggers
            rng = np.random.default_rng(seed)
            onsets = np.sort(rng.uniform(1, 59, 40))
        else:
            onsets = jerks.select(channel=ch).onset
        res = back_average(sim.recording, onsets, n_null=100, n_boot=20, seed=seed)
        assert res.n_sweeps >= 10, res.reason
        hits += res.significant
    return hits


@pytest.mark.parametrize(
    "profile, channels",
    [
        ("subcortical", ["C3", "Cz", "C4", "EMG R SCM", "EMG R Deltoid"]),
        ("essential", ["C3", "Cz", "C4", "EMG R Deltoid", "EMG R SCM"]),
        ("healthy", ["C3", "Cz", "C4", "EMG R ECR"]),
    ],
)
def test_no_transient_without_cortical_generator(profile, channels):
    # 20 seeds per profile; false-positive rate <= 5 % means at most 1 of 20
    assert _fp_runs(profile, range(20), channels) <= 1


def test_insufficient_input_gives_valid_result():
    sim = simulate("healthy", duration=20, seed=0, channels=["C3", "C4", "EMG R ECR"], contamination="none")
    res = back_average(sim.recording, [5.0, 6.0, 7.0])
    assert res.significant is False and res.latency_ms is None
    assert "fewer than 10" in res.reason
    res2 = back_average(sim.recording, Events())
    assert res2.significant is False and res2.n_sweeps == 0
    rec = Recording.from_array(np.zeros((1, 2048 * 20)), 2048.0, ["EMG R ECR"])
    res3 = back_average(rec, np.arange(1, 19, 1.0))
    assert res3.reason == "no EEG channel"
    assert res3.to_dict()["significant"] is False
    res3.plot()
