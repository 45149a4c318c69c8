"""Hypnogram reading, PLM scoring (WASM 2016 / AASM) and EFM on synthetic nights with known truth."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from myoclonus import Events
from myoclonus.characterize import characterize, read_hypnogram, score_plm
from myoclonus.characterize.sleep import detect_leg_movements

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


def _synthetic_night(seed=0):
    """Leg movements with known PLM series (by construction, WASM 2016 and AASM agree).

    Returns (events, hypnogram, n_plms_truth, tst_h).
    """
    rng = np.random.default_rng(seed)
    hyp = _night_hypnogram()
    st = np.asarray(hyp["stage"])
    sleep_mask = np.isin(st, ["N1", "N2", "N3", "R"])
    on, du, ch = [], [], []
    n_plms = 0

    def in_sleep(a, b):
        i, j = int(a // 30), int(np.ceil(b / 30))
        return bool(sleep_mask[i:j].all())

    def add_lm(t, bilateral):
        d = float(rng.uniform(0.6, 4.0))
        legs = LEGS if bilateral else (LEGS[int(rng.integers(2))],)
        for k, leg in enumerate(legs):
            on.append(t + 0.2 * k)
            du.append(d)
            ch.append(leg)

    t = 1900.0  # sleep starts at 1800 s
    n_series = 0
    while t < hyp["onset"].iloc[-1] - 1200:
        k = int(rng.integers(4, 25))
        imis = rng.uniform(15.0, 45.0, k - 1)
        times = t + np.concatenate([[0.0], np.cumsum(imis)])
        if in_sleep(times[0] - 5, times[-1] + 10):
            for x in times:
                add_lm(float(x), bilateral=rng.uniform() < 0.3)
            n_plms += k
            n_series += 1
        t = times[-1] + rng.uniform(150.0, 400.0)
        # an isolated LM, a non-periodic triplet and a long (> 15 s) movement between series
        if rng.uniform() < 0.5:
            add_lm(t, bilateral=False)
            t += 150.0
        if rng.uniform() < 0.5:
            for x in (t, t + 20.0, t + 40.0):  # only 3: not a series
                add_lm(x, bilateral=False)
            t += 150.0
        if rng.uniform() < 0.3:
            on.append(t)
            du.append(20.0)
            ch.append(LEGS[0])
            t += 150.0
    # a PLM series during wake (PLMW, not PLMS) at the start of the night
    for x in 200.0 + 25.0 * np.arange(6):
        add_lm(float(x), bilateral=False)
    ev = Events(on, du, "sustained", ch)
    tst_h = float(sleep_mask.sum() * 30.0 / 3600.0)
    assert n_series >= 5
    return ev, hyp, n_plms, tst_h


@pytest.mark.parametrize("standard", ["wasm2016", "aasm"])
def test_plms_index_synthetic_night(standard):
    ev, hyp, n_plms, tst_h = _synthetic_night()
    r = score_plm(ev, hypnogram=hyp, standard=standard)
    truth_index = n_plms / tst_h
    assert r["tst_h"] == pytest.approx(tst_h)
    assert r["n_plms"] == n_plms
    assert abs(r["plms_index"] - truth_index) <= 0.1 * truth_index
    assert r["n_plm"] == n_plms + 6  # + the wake series
    assert r["standard"] == standard


def test_plm_rules_break_series():
    legs = LEGS
    # 5 LMs 20 s apart -> 5 PLM; then one 6 s later (WASM: < 10 s breaks and is excluded)
    on = [0, 20, 40, 60, 80, 86, 106, 126, 146]
    ev = Events(np.array(on, float) + 100, 1.0, "sustained", legs[0])
    w = score_plm(ev, standard="wasm2016")
    # 86 is preceded by 6 s: excluded; 106, 126, 146 form a run of 3 (< 4) -> no series
    assert w["n_plm"] == 5 and w["n_series"] == 1
    a = score_plm(ev, standard="aasm")  # 5-90 s: everything is one series of 9
    assert a["n_plm"] == 9
    # bilateral combination: the same LMs on the other leg 0.3 s later count once
    ev2 = Events.concatenate([ev, Events(np.array(on, float) + 100.3, 1.0, "sustained", legs[1])])
    assert score_plm(ev2, standard="wasm2016")["n_lm"] == len(on)
    # LM longer than 10 s is not a candidate LM and ends the series
    ev3 = Events(np.array([0, 20, 40, 60, 70, 90, 110, 130, 150], float) + 100,
                 [1, 1, 1, 1, 12, 1, 1, 1, 1], "sustained", legs[0])
    r3 = score_plm(ev3)
    assert r3["n_clm"] == 8 and r3["n_plm"] == 8 and r3["n_series"] == 2
    # too short (< 0.5 s) is not an LM
    assert score_plm(Events([10.0], [0.3], "jerk", legs[0]))["n_lm"] == 0


def test_plm_on_leg_emg():
    sf = 200.0
    rng = np.random.default_rng(2)
    n = int(600 * sf)
    x = rng.normal(0, 2.0, (2, n))
    onsets = 30.0 + 22.0 * np.arange(20)  # 20 LMs, 22 s apart -> one PLM series of 20
    durs = rng.uniform(0.8, 3.0, 20)
    for o, d in zip(onsets, durs):
        i0, i1 = int(o * sf), int((o + d) * sf)
        x[0, i0:i1] += rng.normal(0, 40.0, i1 - i0)
    on, du = detect_leg_movements(x[0], sf)
    assert len(on) == 20
    assert np.max(np.abs(on - onsets)) < 0.15
    assert np.max(np.abs(du - durs)) < 0.3
    r = score_plm(x, sfreq=sf, channel_names=LEGS, total_time=600.0)
    assert r["n_plm"] == 20
    assert r["plm_index"] == pytest.approx(20 / (600 / 3600))


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


def test_characterize_night_plm_and_stages():
    ev, hyp, n_plms, tst_h = _synthetic_night(seed=1)
    res = characterize(ev, hypnogram=hyp)
    sl = res.to_dict()["sleep"]
    assert sl["available"]
    assert abs(sl["plm"]["plms_index"] - n_plms / tst_h) <= 0.1 * n_plms / tst_h
    assert sl["total_sleep_time_min"] == pytest.approx(60 * tst_h)
    assert any("PLMS index" in line for line in res.summary_lines())


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
