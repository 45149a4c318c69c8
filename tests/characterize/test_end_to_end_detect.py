"""Characterization of detected (not true) jerks: the detector must find 70-130% of the true jerks first."""
from __future__ import annotations

from myoclonus.characterize import characterize
from myoclonus.simulate import simulate


def _detected(profile, duration, seed=1):
    from myoclonus.detect import detect_jerks

    sim = simulate(profile, duration=duration, seed=seed)
    ev = detect_jerks(sim.recording).events
    n_det, n_true = len(ev.select("jerk")), len(sim.truth.select("jerk"))
    assert n_true > 0 and 0.7 <= n_det / n_true <= 1.3, f"detector found {n_det} of {n_true} true jerks on '{profile}'"
    return sim, characterize(ev, sim.recording).to_dict()


def test_detected_subcortical():
    sim, d = _detected("subcortical", 120)
    rc = d["recruitment"]
    assert rc["pattern"] == "brainstem_scm_first"
    assert "SCM" in rc["order"][0]
    assert d["distribution"]["class"] == "generalized"
    (v,) = d["stimulus"]["types"].values()
    assert abs(v["latency_ms"]["median"] - 1000 * sim.params["stimulus_latency"]) < 5.0


def test_detected_propriospinal():
    sim, d = _detected("propriospinal", 120)
    rc = d["recruitment"]
    assert rc["pattern"] == "axial_spreading"
    assert abs(rc["velocity_m_s"] - sim.params["conduction_velocity"]) < 0.2 * sim.params["conduction_velocity"]


def test_detected_segmental():
    sim, d = _detected("segmental", 60)
    assert d["rhythm"]["verdict"] == "rhythmic"
    assert abs(d["rhythm"]["frequency_hz"] - sim.params["rhythm_hz"]) < 0.2
