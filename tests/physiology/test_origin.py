"""Origin classification: simulated profiles, insufficient data, outputs."""
import json
import warnings

import numpy as np
import pytest
from _helpers import features

from myoclonus.events import Events
from myoclonus.physiology import ORIGINS, OriginResult, classify_origin, methods, run_physiology
from myoclonus.simulate import simulate
from myoclonus.simulate.profiles import EXPECTED_ORIGIN

ACCEPTED = EXPECTED_ORIGIN

# CI runs 1 seed per profile; benchmarks/origin.py runs the 20-seed acceptance table.
SEEDS = (3,)


@pytest.mark.parametrize("profile", list(ACCEPTED))
def test_origin_of_simulated_profiles(profile):
    for seed in SEEDS:
        sim = simulate(profile, duration=120, seed=seed)
        jerks = sim.truth.select("jerk")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = run_physiology(sim.recording, jerks, characterization=features(jerks, sim.recording), seed=seed)
        assert res.origin.origin in ACCEPTED[profile], (profile, seed, res.origin.points)


def test_insufficient_data_is_undetermined_and_invents_nothing():
    res = classify_origin(events=Events())
    assert isinstance(res, OriginResult)
    assert res.origin == "undetermined"
    assert not [e for e in res.evidence if e["direction"] == "for"]
    assert any("jerks" in m for m in res.missing)
    assert set(res.scores) == set(ORIGINS)
    assert all(0.0 <= v <= 1.0 for v in res.scores.values())
    res = classify_origin()
    assert res.origin == "undetermined" and res.evidence == [] and res.confidence == 0.0
    assert len(res.missing) >= 5
    # a few short bursts only: the duration criterion needs >= 10 bursts
    ev = Events(np.arange(5.0), 0.02, "jerk", "EMG R FDI")
    res = classify_origin(events=ev)
    assert res.origin == "undetermined" and not res.evidence
    assert any("10 jerks" in m for m in res.missing)


def test_evidence_items_and_thresholds():
    ev = Events(np.arange(1.0, 30.0, 1.0), 0.025, "jerk", "EMG R FDI")
    jl = {"n_sweeps": 120, "p_value": 0.005, "alpha": 0.01, "significant": True, "latency_ms": 22.0,
          "contralateral": True, "electrode": "C3", "single_trial_ratio": 1.2, "lateralization": 0.5}
    res = classify_origin(jlba=jl, events=ev)
    assert res.origin == "cortical"
    for e in res.evidence:
        assert set(e) >= {"criterion", "value", "threshold", "supports", "direction", "source"}
        assert e["direction"] in ("for", "against") and e["supports"] in ORIGINS and e["source"]
    crit = {e["criterion"] for e in res.evidence if e["supports"] == "cortical" and e["direction"] == "for"}
    assert any("burst duration" in c for c in crit) and any("JLBA" in c for c in crit)
    d = res.to_dict()
    assert set(d) >= {"class", "scores", "evidence", "confidence", "missing"}
    json.dumps(d)
    # the same data with a BP before the jerks and long bursts: functional
    ev2 = Events(np.arange(1.0, 30.0, 1.0), 0.2, "jerk", "EMG R ECR")
    bp = {"present": True, "p_value": 1e-4, "alpha": 0.01, "amplitude_uv": -5.0}
    res2 = classify_origin(bp=bp, events=ev2, characterization={"stimulus": {"pattern": "variable"}})
    assert res2.origin == "functional"


def test_run_physiology_outputs(tmp_path):
    sim = simulate("cortical", duration=60, seed=0)
    jerks = sim.truth.select("jerk")
    res = run_physiology(sim.recording, jerks, characterization=features(jerks, sim.recording), out=tmp_path)
    d = res.to_dict()
    assert set(d) >= {"jlba", "bp", "coherence", "erd", "origin"}
    assert "significant" in d["jlba"] and "latency_ms" in d["jlba"]
    assert "present" in d["bp"] and "peak_hz" in d["coherence"]
    assert d["origin"]["class"] in ORIGINS and set(d["origin"]["scores"]) == set(ORIGINS)
    saved = json.loads((tmp_path / "physiology.json").read_text())
    assert saved["origin"]["class"] == d["origin"]["class"]
    for name in ("jlba", "bp", "coherence", "erd"):
        assert (tmp_path / f"physiology_{name}.png").stat().st_size > 0
    assert set(res.figures()) == {"jlba", "bp", "coherence", "erd"}
    assert "doi:10.1016/S0079-6107(96)00009-0" in methods()
