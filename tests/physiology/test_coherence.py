"""Corticomuscular coherence and beta ERD."""
import numpy as np
import pytest

from myoclonus.io import Recording
from myoclonus.physiology import CoherenceResult, beta_erd, coherence, halliday_cl
from myoclonus.simulate import simulate


def test_halliday_limit():
    assert halliday_cl(101) == pytest.approx(1 - 0.05 ** (1 / 100))
    assert halliday_cl(1) == 1.0
    assert halliday_cl(50, alpha=0.01) > halliday_cl(50)


def test_cortical_coherence_exaggerated_15_30_hz():
    sim = simulate("cortical", duration=120, seed=0)
    res = coherence(sim.recording)
    assert isinstance(res, CoherenceResult)
    assert res.significant and res.exaggerated
    assert 15.0 <= res.peak_hz <= 30.0
    assert res.peak_coh > res.cl_corrected > res.cl
    assert res.pair.split("|")[0] in ("C3", "C4")
    d = res.to_dict()
    assert d["peak_hz"] == res.peak_hz and d["significant"] is True
    assert "intermuscular" in d and d["intermuscular"]["n_pairs"] > 0
    res.plot()


@pytest.mark.parametrize("profile", ["subcortical", "functional", "healthy"])
def test_no_exaggerated_coherence_elsewhere(profile):
    sim = simulate(profile, duration=120, seed=0)
    res = coherence(sim.recording)
    assert not res.exaggerated  # physiological 15-30 Hz coherence during posture may be significant


def test_coherence_needs_eeg_and_emg():
    rec = Recording.from_array(np.random.default_rng(0).normal(0, 5, (1, 1000 * 30)), 1000.0, ["C3"])
    res = coherence(rec)
    assert not res.significant and res.peak_hz is None and res.reason == "no EMG channel"
    res.plot()


def test_beta_erd_detects_premovement_desynchronisation():
    sf, dur = 250.0, 400.0
    rng = np.random.default_rng(1)
    n = int(sf * dur)
    t = np.arange(n) / sf
    onsets = np.arange(6.0, dur - 2, 6.0)
    amp = np.ones(n)
    for o in onsets:  # beta amplitude halves from 1.5 s before each jerk
        amp[(t > o - 1.5) & (t < o + 0.5)] = 0.5
    beta = np.sin(2 * np.pi * 20 * t + rng.uniform(0, 2 * np.pi)) * 10 * amp
    data = np.vstack([beta + rng.normal(0, 5, n), rng.normal(0, 5, n)])
    rec = Recording.from_array(data, sf, ["C3", "EMG R ECR"])
    res = beta_erd(rec, onsets)
    assert res.present and res.erd_percent < -30
    assert res.to_dict()["present"] is True
    res.plot()
    # and none in a simulated functional recording (the simulator has no ERD)
    sim = simulate("functional", duration=300, seed=0, rate=10, channels=["C3", "Cz", "C4", "EMG R Deltoid"])
    res2 = beta_erd(sim.recording, sim.truth.select("jerk"))
    assert res2.n_sweeps >= 15 and not res2.present
