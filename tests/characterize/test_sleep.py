"""Sleep context (characterize/sleep.py): hypnogram reading, hypnic jerks at each wake-to-sleep transition,
excessive fragmentary myoclonus, and the PLM scoring of characterize() on the leg EMG."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from myoclonus import Events
from myoclonus.characterize import characterize, read_hypnogram
from myoclonus.characterize.sleep import excessive_fragmentary_myoclonus, hypnic_jerks

LEGS = ("EMG L TibAnt", "EMG R TibAnt")


def _night_hypnogram(hours=8.0):
    """W 30 min, then cycles of N1 5 min, N2 40 min, N3 20 min, R 20 min, W 5 min; 30-s epochs."""
    stages = ["W"] * 60
    cycle = ["N1"] * 10 + ["N2"] * 80 + ["N3"] * 40 + ["R"] * 40 + ["W"] * 10
    while len(stages) < hours * 120:
        stages += cycle
    stages = stages[: int(hours * 120)]
    n = len(stages)
    return pd.DataFrame({"onset": np.arange(n) * 30.0, "duration": np.full(n, 30.0), "stage": stages})


def test_read_hypnogram_formats(tmp_path):
    hyp = _night_hypnogram(1.0)
    # onset/duration/stage TSV
    p = tmp_path / "hyp.tsv"
    hyp.to_csv(p, sep="\t", index=False)
    a = read_hypnogram(p)
    assert list(a["stage"]) == list(hyp["stage"])
    # YASA ints, one per epoch, in a CSV with a 'stage' column
    code = {"W": 0, "N1": 1, "N2": 2, "N3": 3, "R": 4}
    p2 = tmp_path / "yasa.csv"
    pd.DataFrame({"stage": [code[s] for s in hyp["stage"]]}).to_csv(p2, index=False)
    b = read_hypnogram(p2)
    assert list(b["stage"]) == list(hyp["stage"])
    assert b["onset"].iloc[10] == 300.0
    # YASA string labels in an array, EDF+ style descriptions in a DataFrame
    c = read_hypnogram(np.array(["W", "N1", "N2", "N3", "REM", "ART"]), epoch=20.0)
    assert list(c["stage"]) == ["W", "N1", "N2", "N3", "R", "?"]
    assert c["duration"].iloc[0] == 20.0
    d = read_hypnogram(pd.DataFrame({"onset": [0, 30, 60, 90], "duration": [30, 30, 30, 30],
                                     "description": ["Sleep stage W", "Sleep stage 1", "Sleep stage R", "Lights off"]}))
    assert list(d["stage"]) == ["W", "N1", "R"]


def test_efm_present_and_absent():
    hyp = _night_hypnogram(2.0)
    st = np.asarray(hyp["stage"])
    n2 = hyp["onset"].to_numpy()[st == "N2"]
    t0 = n2[0]  # first N2 run is 40 min
    rng = np.random.default_rng(0)

    def events(rate_per_min, minutes=30):
        n = int(rate_per_min * minutes)
        t = np.sort(t0 + 60 * np.arange(minutes).repeat(rate_per_min) + np.tile(
            np.linspace(1, 55, rate_per_min), minutes))[:n]
        ch = rng.choice(["EMG R ECR", "EMG L Deltoid", "EMG Chin"], len(t))
        return Events(t, 0.04, "jerk", ch)

    hi = characterize(events(8), hypnogram=hyp).to_dict()["sleep"]["efm"]
    assert hi["present"] and hi["minutes_meeting_rate"] >= 29
    lo = characterize(events(3), hypnogram=hyp).to_dict()["sleep"]["efm"]
    assert not lo["present"] and lo["minutes_meeting_rate"] == 0


def test_read_hypnogram_text_and_edf(tmp_path):
    p = tmp_path / "yasa.txt"
    p.write_text("W\nW\nN1\nN2\nR\n")
    assert list(read_hypnogram(p)["stage"]) == ["W", "W", "N1", "N2", "R"]
    p.write_text("0\n0\n1\n2\n4\n")
    h = read_hypnogram(p, epoch=30.0)
    assert list(h["stage"]) == ["W", "W", "N1", "N2", "R"] and h["onset"].iloc[-1] == 120.0
    from myoclonus.simulate import simulate

    sim = simulate("hypnic", duration=240, seed=2, sfreq=1000, channels=["EMG Chin", "EMG R TibAnt"],
                   contamination="none")
    edf = tmp_path / "night.edf"
    sim.save(edf)
    h = read_hypnogram(edf)
    assert list(h["stage"]) == list(sim.hypnogram["stage"])
    np.testing.assert_allclose(h["onset"], sim.hypnogram["onset"], atol=0.01)


def _hyp(stages, epoch=30.0):
    n = len(stages)
    return pd.DataFrame({"onset": np.arange(n) * epoch, "duration": np.full(n, epoch), "stage": list(stages)})


def test_hypnic_jerks_judged_at_each_transition():
    # W 0-600 s, N1 600-900, N2 900-1800, W 1800-2400, N1 2400-2700, N2 2700-3600
    hyp = _hyp(["W"] * 20 + ["N1"] * 10 + ["N2"] * 30 + ["W"] * 20 + ["N1"] * 10 + ["N2"] * 30)
    at_first = 600.0 + np.array([-12.0, 2.0, 5.0, 9.0, 15.0, 21.0])  # 6 jerks around the first transition
    busy = np.arange(1500.0, 3600.0, 20.0)  # a busy second half: a jerk every 20 s, transition 2 included
    h = hypnic_jerks(np.concatenate([at_first, busy]), hyp, duration=3600.0)
    assert h["transitions"] == 2 and h["transition_onsets"] == [600.0, 2400.0]
    first, second = h["per_transition"]
    assert first["count"] == 6 and first["latencies_s"] == [-12.0, 2.0, 5.0, 9.0, 15.0, 21.0]
    assert first["first_latency_s"] == -12.0 and first["stage"] == "N1"
    assert first["concentrated"] and first["p_value"] < 1e-6
    # the second transition has 3 jerks in its 60 s, as many as the rate around it predicts (3 per 60 s)
    assert second["count"] == 3 and second["flank_rate_per_min"] == pytest.approx(3.0, rel=0.05)
    assert not second["concentrated"] and second["p_value"] > 0.3
    # the busy night does not hide the first transition (the old rule wanted half the night's jerks there)
    assert h["present"] and h["transitions_concentrated"] == 1 and h["fraction_of_jerks"] < 0.1
    none = hypnic_jerks(busy, hyp, duration=3600.0)
    assert not none["present"] and none["per_transition"][0]["count"] == 0


def test_hypnic_transitions_into_any_sleep_stage():
    hyp = _hyp(["W", "W", "N2", "N2", "W", "R", "R"])
    h = hypnic_jerks([61.0], hyp)
    assert h["transition_onsets"] == [60.0, 150.0] and [r["stage"] for r in h["per_transition"]] == ["N2", "R"]
    assert h["per_transition"][0]["concentrated"] and not h["per_transition"][1]["concentrated"]


def test_efm_minutes_over_consecutive_nrem_epochs():
    hyp = _hyp(["W"] * 2 + ["N2"] * 50 + ["R"] * 10)  # 25 min of N2 from 60 s
    # 6 short potentials in each minute of N2 except the last 3 minutes, plus long ones that do not count
    t = np.concatenate([60.0 + 60.0 * m + np.linspace(2, 50, 6) for m in range(22)])
    ev_on = np.concatenate([t, t + 0.5])
    ev_du = np.concatenate([np.full(t.size, 0.15), np.full(t.size, 0.16)])
    e = excessive_fragmentary_myoclonus(ev_on, ev_du, hyp)
    assert e["minutes_meeting_rate"] == pytest.approx(22.0) and e["present"]
    assert e["nrem_minutes"] == 25.0 and e["n_short_potentials_nrem"] == 132
    e = excessive_fragmentary_myoclonus(ev_on[: 6 * 19], ev_du[: 6 * 19], hyp)
    assert e["minutes_meeting_rate"] == pytest.approx(19.0) and not e["present"]


def _leg_night(seed=0):
    """15 min of two-leg EMG (500 Hz, 2 uV noise): 10 LMs of the left leg 25 s apart in N2 and two
    40-ms jerks of the right leg inside LMs and one outside."""
    from myoclonus import Recording

    sf = 500.0
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 2.0, (2, int(900 * sf)))
    onsets = 300.0 + 25.0 * np.arange(10)
    for o in onsets:
        i0, i1 = int(o * sf), int((o + 2.0) * sf)
        x[0, i0:i1] += rng.normal(0, 30.0, i1 - i0)
    rec = Recording.from_array(x, sf, ch_names=list(LEGS), ch_types="emg")
    hyp = _hyp(["W"] * 8 + ["N1"] * 2 + ["N2"] * 20)
    jerks = Events([301.0, 326.5, 700.0], 0.04, "jerk", LEGS[0])
    return rec, hyp, jerks, onsets


def test_characterize_scores_legs_on_the_emg_not_the_events():
    rec, hyp, jerks, onsets = _leg_night()
    res = characterize(jerks, rec, hypnogram=hyp)
    sl = res.to_dict()["sleep"]
    p = sl["plm"]
    assert p["available"] and p["standard"] == "wasm2016"
    assert (p["n_lm"], p["n_plms"], p["n_series"]) == (10, 10, 1)
    assert p["plms_index"] == pytest.approx(10 / (22 * 30 / 3600))
    assert p["jerks_in_lm"] == 2  # the jerks inside LMs stay jerks
    # no jerk within 30 s of the W -> N1 transition at 240 s: nothing at sleep onset for the assessment
    assert sl["hypnic_jerks"]["transition_onsets"] == [240.0] and sl["jerks_at_sleep_onset"] is False
    onset = characterize(Events.concatenate([jerks, Events([245.0, 250.0, 262.0], 0.05, "jerk", LEGS[1])]),
                         rec, hypnogram=hyp).to_dict()["sleep"]
    assert onset["jerks_at_sleep_onset"] is True and onset["hypnic_jerks"]["per_transition"][0]["count"] == 3
    assert res.to_dict()["n_jerks"] == 3
    assert res.hypnogram is not None and list(res.hypnogram["stage"])[:1] == ["W"]
    assert any(line.startswith("PLMS index 54.5/h (10 PLMS in 1 series, 10 leg movements; WASM 2016)")
               for line in res.summary_lines())
    a = characterize(jerks, rec, hypnogram=hyp, plm_standard="aasm").to_dict()["sleep"]["plm"]
    assert a["standard"] == "aasm" and a["n_plms"] == 10
    # events only: the legs cannot be scored, and the result says why
    no = characterize(jerks, hypnogram=hyp).to_dict()["sleep"]["plm"]
    assert no["available"] is False and "leg EMG" in no["reason"]
