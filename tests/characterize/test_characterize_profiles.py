"""Characterization of the simulator's true events recovers what was simulated."""
from __future__ import annotations

import json

import numpy as np
import pytest

from myoclonus.characterize import CharacterizationResult, characterize
from myoclonus.simulate import simulate

_CACHE = {}


def _sim(profile, duration, seed=1, **kw):
    key = (profile, duration, seed, repr(sorted(kw.items())))
    if key not in _CACHE:
        _CACHE[key] = simulate(profile, duration=duration, seed=seed, contamination="none", **kw)
    return _CACHE[key]


def _char(profile, duration, seed=1, **kw):
    sim = _sim(profile, duration, seed, **kw)
    return sim, characterize(sim.truth, sim.recording, hypnogram=sim.hypnogram)


def test_stable_keys_and_json():
    sim, res = _char("cortical", 60)
    assert isinstance(res, CharacterizationResult)
    d = res.to_dict()
    text = json.dumps(d)
    assert "NaN" not in text
    for key in ("rate_per_min", "rate_per_hour", "duration_ms", "per_channel", "series", "rhythm",
                "distribution", "recruitment", "stimulus", "sleep", "severity", "findings", "references"):
        assert key in d
    assert set(d["duration_ms"]["bins"]) == {"<50", "50-100", "100-300", ">300"}
    assert sum(d["duration_ms"]["bins"].values()) == d["n_bursts"]
    assert {"verdict", "frequency_hz", "cv", "p_value"} <= set(d["rhythm"])
    assert {"count", "mean_length", "within_series_frequency_hz", "isolated_fraction", "rule"} <= set(d["series"])
    assert {"order", "consistency", "latency_ms", "pattern", "velocity_m_s", "n_multi_muscle_jerks"} <= set(d["recruitment"])
    assert d["distribution"]["class"] in ("focal", "segmental", "multifocal", "generalized", "none")
    assert res.summary_lines() == d["findings"] and len(d["findings"]) >= 3
    # counts against the truth
    jerks = sim.truth.select("jerk")
    assert d["n_bursts"] == len(jerks)
    for ch, v in d["per_channel"].items():
        assert v["count"] == int(np.sum(jerks.channel.astype(str) == ch))
    true_median = 1000 * np.median(jerks.duration)
    assert d["duration_ms"]["median"] == pytest.approx(true_median)
    assert d["duration_ms"]["median"] < 50  # cortical bursts 10-50 ms
    assert d["rate_per_min"] == pytest.approx(60 * d["n_jerks"] / sim.recording.duration)


@pytest.mark.parametrize("rate", [120.0, 90.0])
def test_segmental_rhythm(rate):
    sim, res = _char("segmental", 60, rate=rate)
    d = res.to_dict()
    true_hz = sim.params["rhythm_hz"]
    assert true_hz == pytest.approx(rate / 60)
    assert d["rhythm"]["verdict"] == "rhythmic"
    assert abs(d["rhythm"]["frequency_hz"] - true_hz) < 0.2
    assert d["rhythm"]["p_value"] < 1e-6
    # one continuous series, nothing isolated, within-series frequency at the rhythm
    assert d["series"]["count"] >= 1
    assert d["series"]["isolated_fraction"] < 0.05
    assert abs(d["series"]["within_series_frequency_hz"] - true_hz) < 0.2
    assert d["distribution"]["class"] in ("focal", "segmental")
    assert d["distribution"]["right"] > 0 and d["distribution"]["left"] == 0
    assert d["rate_per_min"] == pytest.approx(rate, rel=0.05)


@pytest.mark.parametrize("profile", ["cortical", "essential"])
def test_irregular_profiles(profile):
    _, res = _char(profile, 120)
    d = res.to_dict()
    assert d["rhythm"]["verdict"] == "irregular"
    assert d["rhythm"]["frequency_hz"] is None
    assert d["rhythm"]["cv"] > 0.5


@pytest.mark.parametrize("profile, duration, kw", [("subcortical", 240, {}), ("functional", 240, {}),
                                                   ("propriospinal", 180, {"conduction_velocity": 5.0})])
def test_isolated_profiles(profile, duration, kw):
    _, res = _char(profile, duration, **kw)
    s = res.to_dict()["series"]
    assert s["isolated_fraction"] >= 0.8


@pytest.mark.parametrize(
    "profile, expected",
    [("cortical", "multifocal"), ("subcortical", "generalized"), ("cortical_subcortical", "generalized"),
     ("segmental", ("focal", "segmental"))],
)
def test_distribution_class(profile, expected):
    _, res = _char(profile, 120)
    d = res.to_dict()["distribution"]
    exp = (expected,) if isinstance(expected, str) else expected
    assert d["class"] in exp
    if profile == "cortical":
        assert d["synchrony"] < 0.5
        assert d["distal_fraction"] > d["proximal_fraction"]  # distal > proximal
    elif profile in ("subcortical", "cortical_subcortical"):
        assert d["synchrony"] > 0.9


def test_subcortical_recruitment_scm_first():
    sim, res = _char("subcortical", 120)
    rc = res.to_dict()["recruitment"]
    assert rc["pattern"] == "brainstem_scm_first"
    assert "SCM" in rc["order"][0]
    assert rc["consistency"] > 0.9
    assert rc["n_multi_muscle_jerks"] >= 10
    # cranial muscles after the SCM (ascending), tibialis anterior last (descending)
    lat = rc["latency_ms"]
    assert lat["EMG R Masseter"] > lat["EMG R SCM"] + 5
    assert rc["order"][-1] == "EMG R TibAnt"


@pytest.mark.parametrize("velocity", [5.0, 9.0])
def test_propriospinal_recruitment_and_velocity(velocity):
    sim, res = _char("propriospinal", 180, conduction_velocity=velocity)
    rc = res.to_dict()["recruitment"]
    assert rc["pattern"] == "axial_spreading"
    assert rc["order"][0] in ("EMG T8 Parasp", "EMG Rectus abd")  # generator T9
    assert rc["consistency"] > 0.9
    assert abs(rc["velocity_m_s"] - velocity) < 0.2 * velocity
    assert 3.0 <= rc["velocity_m_s"] <= 11.0  # propriospinal range


def test_propriospinal_velocity_with_distances():
    sim = _sim("propriospinal", 180, conduction_velocity=5.0)
    # positions of the axial electrodes along the spine (cm), from the simulator's cord model
    from myoclonus.simulate.profiles import cord_position

    dist = {"EMG T4 Parasp": cord_position("T4"), "EMG T8 Parasp": cord_position("T8"),
            "EMG Rectus abd": cord_position("T10"), "EMG L1 Parasp": cord_position("L1"),
            "EMG R SCM": cord_position("C2")}
    res = characterize(sim.truth, sim.recording, distances=dist)
    assert abs(res.to_dict()["recruitment"]["velocity_m_s"] - 5.0) < 1.0


def test_functional_recruitment_variable():
    _, res = _char("functional", 240)
    rc = res.to_dict()["recruitment"]
    assert rc["pattern"] == "variable"
    assert rc["consistency"] < 0.7
    assert rc["velocity_m_s"] is None


def test_cortical_subcortical_rostrocaudal():
    _, res = _char("cortical_subcortical", 120)
    rc = res.to_dict()["recruitment"]
    assert rc["pattern"] == "rostrocaudal"
    assert rc["order"][0] == "EMG R SCM" and rc["order"][-1] == "EMG R TibAnt"


def test_reflex_latency_subcortical():
    sim, res = _char("subcortical", 240)
    st = res.to_dict()["stimulus"]
    assert st["available"]
    (typ, v), = st["types"].items()
    true_ms = 1000 * sim.params["stimulus_latency"]
    assert v["n_stimuli"] == len(sim.stimuli)
    assert abs(v["latency_ms"]["median"] - true_ms) < 5.0
    assert v["probability"] > 0.6
    assert v["pattern"] == "reflex"


def test_stimuli_given_as_events_match_recording():
    sim = _sim("subcortical", 240)
    a = characterize(sim.truth, sim.recording).to_dict()["stimulus"]["types"]
    b = characterize(sim.truth, sim.recording, stimuli=sim.stimuli).to_dict()["stimulus"]["types"]
    (va,), (vb,) = a.values(), b.values()
    assert va["n_stimuli"] == vb["n_stimuli"]
    assert va["latency_ms"]["median"] == pytest.approx(vb["latency_ms"]["median"], abs=1.0)


def test_functional_stimulus_latency_variable():
    _, res = _char("functional", 240)
    (v,) = res.to_dict()["stimulus"]["types"].values()
    assert v["pattern"] == "variable"
    assert v["latency_ms"]["median"] > 100
    assert v["latency_ms"]["sd"] > 30


def test_hypnic_jerks_at_sleep_onset():
    sim, res = _char("hypnic", 300, seed=3)
    d = res.to_dict()
    sl = d["sleep"]
    assert sl["available"]
    h = sl["hypnic_jerks"]
    st = list(sim.hypnogram["stage"])
    n_trans = sum(1 for a, b in zip(st[:-1], st[1:]) if a == "W" and b == "N1")
    assert h["transitions"] == n_trans >= 1
    assert h["present"]
    assert h["count"] == d["n_jerks"] > 0
    assert h["transitions_with_jerks"] == n_trans
    assert sl["per_stage"]["N1"]["count"] + sl["per_stage"].get("W", {"count": 0})["count"] == d["n_jerks"]
    assert sl["per_stage"]["N2"]["count"] == 0


def test_no_hypnogram_sleep_unknown():
    _, res = _char("cortical", 60)
    sl = res.to_dict()["sleep"]
    assert sl == {"available": False, "note": "sleep context unknown: no hypnogram"}
    assert any("Sleep context unknown" in line for line in res.summary_lines())


def test_hypnogram_from_recording_annotations():
    sim = _sim("hypnic", 300, seed=3)
    a = characterize(sim.truth, sim.recording).to_dict()["sleep"]
    b = characterize(sim.truth, sim.recording, hypnogram=sim.hypnogram).to_dict()["sleep"]
    assert a["hypnogram_source"] == "recording annotations" and b["hypnogram_source"] == "given"
    assert a["hypnic_jerks"]["count"] == b["hypnic_jerks"]["count"] > 0
    assert a["per_stage"] == b["per_stage"]


def test_startle_pattern_blink_first():
    # auditory startle: orbicularis oculi (blink) first, then the SCM (Brown et al. 1991)
    sim = _sim("subcortical", 240, delays={"EMG R Orb oculi": 0.0})
    res = characterize(sim.truth, sim.recording)
    (v,) = res.to_dict()["stimulus"]["types"].values()
    assert v["pattern"] == "startle"
    assert v["first_muscle"] == "EMG R Orb oculi"
    assert abs(v["latency_ms"]["median"] - 1000 * sim.params["stimulus_latency"]) < 5.0


def test_stimuli_from_annotations():
    from myoclonus.io import Annotations

    sim = _sim("subcortical", 240)
    rec = sim.recording.pick([n for n in sim.recording.ch_names if n != "Stim"])
    rec.annotations = Annotations(sim.stimuli.onset, np.zeros(len(sim.stimuli)), ["Auditory click"] * len(sim.stimuli))
    st = characterize(sim.truth, rec).to_dict()["stimulus"]
    assert list(st["types"]) == ["Auditory click"]
    v = st["types"]["Auditory click"]
    assert v["n_stimuli"] == len(sim.stimuli) and v["pattern"] == "reflex"


def test_cortical_reflex_and_segmental_synchronous():
    _, res = _char("cortical", 120)
    (v,) = res.to_dict()["stimulus"]["types"].values()
    assert v["pattern"] == "reflex"  # C-reflex: fixed latency despite 40 spontaneous jerks/min
    assert 30 < v["latency_ms"]["median"] < 60
    _, seg = _char("segmental", 60)
    rc = seg.to_dict()["recruitment"]
    assert rc["pattern"] == "synchronous"
    assert max(rc["latency_ms"].values()) < 10
    per = seg.to_dict()["rhythm"]["per_channel"]
    assert all(v["verdict"] == "rhythmic" and abs(v["frequency_hz"] - 2.0) < 0.2 for v in per.values())
