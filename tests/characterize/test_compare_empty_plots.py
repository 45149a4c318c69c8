"""compare() confidence intervals, empty input, plots, validation."""
from __future__ import annotations

import json

import numpy as np
import pytest

from myoclonus import Events, MyoclonusUsageError
from myoclonus.characterize import CharacterizationResult, characterize, compare, compare_text
from myoclonus.simulate import simulate


def _poisson_events(rate_per_min, minutes, seed):
    rng = np.random.default_rng(seed)
    n = rng.poisson(rate_per_min * minutes)
    t = np.sort(rng.uniform(0, 60 * minutes, n))
    return Events(t, 0.03, "jerk", "EMG R ECR")


def test_compare_ci_contains_true_ratio(tmp_path):
    covered = 0
    for seed in range(20):
        ea, eb = _poisson_events(20, 10, 2 * seed), _poisson_events(10, 10, 2 * seed + 1)
        c = compare({"rate_per_min": len(ea) / 10, "n_jerks": len(ea), "duration_s": 600.0},
                    {"rate_per_min": len(eb) / 10, "n_jerks": len(eb), "duration_s": 600.0})
        lo, hi = c["ci"]
        covered += lo <= 0.5 <= hi
    assert covered >= 17  # nominal 95 % coverage
    # one case in detail, through summary.json files
    ra = characterize(_poisson_events(20, 10, 100))
    rb = characterize(_poisson_events(10, 10, 101))
    pa, pb = tmp_path / "a" / "summary.json", tmp_path / "b.json"
    pa.parent.mkdir()
    pa.write_text(json.dumps({"recording": "a.edf", "characterization": ra.to_dict()}))
    pb.write_text(json.dumps(rb.to_dict()))
    c = compare(pa.parent, pb)
    assert c["n_a"] == ra.to_dict()["n_jerks"] and c["n_b"] == rb.to_dict()["n_jerks"]
    assert c["rate_ratio"] == pytest.approx(c["n_b"] / c["n_a"] * c["duration_a_s"] / c["duration_b_s"])
    assert c["ci"][0] < 0.5 < c["ci"][1]
    assert c["ci"][1] < 1.0 and c["p_value"] < 0.001
    txt = compare_text(c)
    assert "Rate ratio B/A" in txt and "less frequent in B" in txt


def test_compare_simulated_treatment_response():
    a = simulate("subcortical", duration=300, seed=5, rate=12.0, contamination="none", stimulus_rate=0.0)
    b = simulate("subcortical", duration=300, seed=6, rate=4.0, contamination="none", stimulus_rate=0.0)
    c = compare(characterize(a.truth, a.recording), characterize(b.truth, b.recording))
    assert c["ci"][0] <= 1 / 3 <= c["ci"][1]


def test_compare_zero_counts():
    e = characterize(Events())
    r = compare({"rate_per_min": 0.0, "n_jerks": 0, "duration_s": 600.0},
                {"rate_per_min": 1.0, "n_jerks": 10, "duration_s": 600.0})
    assert r["rate_ratio"] is None and r["ci"][1] is None and r["ci"][0] > 1
    assert "not estimable" in compare_text(r)
    assert compare(e, e)["rate_ratio"] is None


def test_empty_events_valid_result():
    for rec in (None, simulate("healthy", duration=20, seed=0, contamination="none").recording):
        res = characterize(Events(), rec)
        assert isinstance(res, CharacterizationResult)
        d = res.to_dict()
        json.dumps(d)
        assert d["n_jerks"] == 0 and d["rate_per_min"] == 0.0
        assert d["rhythm"]["verdict"] == "insufficient_data"
        assert d["series"]["count"] == 0
        assert d["distribution"]["class"] == "none"
        assert d["recruitment"]["pattern"] == "none" and d["recruitment"]["order"] == []
        assert d["duration_ms"]["median"] is None
        assert d["sleep"]["available"] is False
        assert d["findings"][0].startswith("No jerks")
        res.plot_body_map()
        res.plot_recruitment()


def test_events_without_recording_parse_sites():
    sim = simulate("subcortical", duration=120, seed=1, contamination="none")
    a = characterize(sim.truth).to_dict()
    b = characterize(sim.truth, sim.recording).to_dict()
    assert a["recruitment"]["order"] == b["recruitment"]["order"]
    assert a["distribution"]["class"] == b["distribution"]["class"] == "generalized"
    assert a["stimulus"]["available"] is False  # no recording, no stimuli given
    assert a["duration_s"] <= sim.recording.duration


def test_plots(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    sim = simulate("subcortical", duration=60, seed=1, contamination="none")
    res = characterize(sim.truth, sim.recording)
    f1 = res.plot_body_map(tmp_path / "body.png")
    f2 = res.plot_recruitment(tmp_path / "rec.png")
    assert (tmp_path / "body.png").stat().st_size > 1000
    assert (tmp_path / "rec.png").stat().st_size > 1000
    assert len(f1.axes) == 1 and len(f2.axes) == 1


def test_validation():
    with pytest.raises(TypeError):
        characterize([1, 2, 3])
    with pytest.raises(MyoclonusUsageError, match="coincidence_window"):
        characterize(Events(), coincidence_window=5.0)
    with pytest.raises(MyoclonusUsageError, match="plm_standard"):
        characterize(Events(), plm_standard="wasm")


def test_silent_period_fraction_and_amplitudes():
    t = np.arange(10) * 2.0 + 1.0
    jerks = Events(t, 0.03, "jerk", "EMG R ECR", peak_amplitude_uv=np.arange(10) * 10.0 + 100)
    # silent periods 50 ms after the offset of the first 4 jerks; one 1 s later (not "following")
    sil = Events(np.r_[t[:4] + 0.08, t[5] + 1.0], 0.1, "silent_period", "EMG R ECR")
    other = Events([t[6] + 0.05], 0.1, "silent_period", "EMG L ECR")  # other channel
    d = characterize(Events.concatenate([jerks, sil, other])).to_dict()
    pc = d["per_channel"]["EMG R ECR"]
    assert pc["silent_period_fraction"] == pytest.approx(0.4)
    assert d["silent_period_fraction"] == pytest.approx(0.4)
    assert pc["amplitude_uv_median"] == pytest.approx(145.0)
    assert pc["duration_ms_median"] == pytest.approx(30.0)
    assert d["duration_ms"]["bins"] == {"<50": 10, "50-100": 0, "100-300": 0, ">300": 0}
    assert pc["rate_per_min"] == pytest.approx(10 / (d["duration_s"] / 60))
