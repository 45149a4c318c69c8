"""Leg movements and PLM (characterize/plm.py): each scoring rule of WASM 2016 and of the AASM manual
on small hand-made sequences, the amplitude rules on envelopes and EMG, and the chunked reading."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from myoclonus import Events, Recording
from myoclonus.characterize import plm
from myoclonus.characterize.plm import (
    combine_bilateral,
    detect_leg_movements,
    imi_histogram,
    leg_envelope,
    leg_envelope_from_recording,
    lm_from_envelope,
    periodicity_index,
    plm_series,
    score_leg_emg,
    score_plm,
)

L, R = "EMG L TibAnt", "EMG R TibAnt"


def _lms(onsets, durations=1.0, leg=L):
    on = np.asarray(onsets, float)
    return Events(on, np.broadcast_to(np.asarray(durations, float), on.shape).copy(), "sustained", leg)


def _hyp(stages, epoch=30.0):
    n = len(stages)
    return pd.DataFrame({"onset": np.arange(n) * epoch, "duration": np.full(n, epoch), "stage": list(stages)})


def _night_hypnogram(hours=8.0):
    """W 30 min, then cycles of N1 5 min, N2 40 min, N3 20 min, R 20 min, W 5 min; 30-s epochs."""
    stages = ["W"] * 60
    cycle = ["N1"] * 10 + ["N2"] * 80 + ["N3"] * 40 + ["R"] * 40 + ["W"] * 10
    while len(stages) < hours * 120:
        stages += cycle
    return _hyp(stages[: int(hours * 120)])


LEGS = (L, R)


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


# ------------------------------------------------------------------------------------ bilateral
def test_bilateral_within_half_a_second_wasm():
    # offset of the left at 101.0 s; the right starts 0.4 s later: one bilateral LM (< 0.5 s)
    ev = Events.concatenate([_lms([100.0], 1.0, L), _lms([101.4], 0.6, R)])
    r = score_plm(ev, standard="wasm2016")
    assert (r["n_monolateral"], r["n_lm"], r["n_bilateral"]) == (2, 1, 1)
    assert r["movements"][0]["onset"] == 100.0 and r["movements"][0]["duration"] == 2.0
    # 0.6 s later: two LMs of one leg each
    ev = Events.concatenate([_lms([100.0], 1.0, L), _lms([101.6], 0.6, R)])
    r = score_plm(ev, standard="wasm2016")
    assert (r["n_lm"], r["n_bilateral"]) == (2, 0)
    # overlapping: one LM from the first onset to the last offset
    ev = Events.concatenate([_lms([100.0], 2.0, L), _lms([100.3], 2.5, R)])
    r = score_plm(ev, standard="wasm2016")
    assert r["n_lm"] == 1 and r["movements"][0]["duration"] == 2.8


def test_bilateral_onsets_within_five_seconds_aasm():
    ev = Events.concatenate([_lms([100.0], 1.0, L), _lms([104.9], 1.0, R)])
    assert score_plm(ev, standard="aasm")["n_lm"] == 1
    assert score_plm(ev, standard="wasm2016")["n_lm"] == 2  # 3.9 s apart offset to onset
    ev = Events.concatenate([_lms([100.0], 1.0, L), _lms([105.1], 1.0, R)])
    assert score_plm(ev, standard="aasm")["n_lm"] == 2


def test_same_leg_is_never_joined():
    assert combine_bilateral([0.0, 1.2], [1.0, 2.0], [L, L], rule="gap", window=0.5) == [[0], [1]]
    assert combine_bilateral([0.0, 1.2], [1.0, 2.0], [L, R], rule="gap", window=0.5) == [[0, 1]]
    assert combine_bilateral([0.0, 3.0, 4.0], [1.0, 3.5, 4.5], [L, L, R], rule="onset", window=5.0) == [[0], [1, 2]]


def test_bilateral_candidate_limits_wasm():
    # a bilateral LM of 16 s (legs overlapping, each 9 s) is an LM but not a candidate LM
    ev = Events.concatenate([_lms([100.0], 9.0, L), _lms([107.0], 9.0, R)])
    r = score_plm(ev)
    assert (r["n_lm"], r["n_clm"]) == (1, 0)
    # 14 s: a CLM
    ev = Events.concatenate([_lms([100.0], 9.0, L), _lms([105.0], 9.0, R)])
    assert score_plm(ev)["n_clm"] == 1
    # five monolateral LMs chained into one bilateral LM: more than 4, not a CLM
    ev = Events.concatenate([_lms([100.0, 102.0, 104.0], 1.8, L), _lms([101.7, 103.7], 0.5, R)])
    r = score_plm(ev)
    assert (r["n_lm"], r["n_clm"]) == (1, 0) and r["movements"][0]["legs"] == [L, R]


# ------------------------------------------------------------------------------------ series
@pytest.mark.parametrize("last_imi,expected", [(9.9, 0), (10.0, 4), (10.1, 4), (90.0, 4), (90.1, 0)])
def test_wasm_interval_bounds(last_imi, expected):
    on = np.cumsum([100.0, 20.0, 20.0, last_imi])
    r = score_plm(_lms(on), standard="wasm2016")
    assert r["n_plm"] == expected and r["n_series"] == (expected > 0)


@pytest.mark.parametrize("last_imi,expected", [(4.9, 0), (5.0, 4), (5.1, 4), (90.0, 4), (90.1, 0)])
def test_aasm_interval_bounds(last_imi, expected):
    on = np.cumsum([100.0, 20.0, 20.0, last_imi])
    assert score_plm(_lms(on), standard="aasm")["n_plm"] == expected


def test_series_broken_by_a_long_interval():
    first = 100.0 + 20.0 * np.arange(5)
    second = first[-1] + 95.0 + 20.0 * np.arange(4)
    for std in ("wasm2016", "aasm"):
        r = score_plm(_lms(np.concatenate([first, second])), standard=std)
        assert (r["n_series"], r["n_plm"]) == (2, 9)
        assert [s["n"] for s in r["series"]] == [5, 4]
        # three after the gap are no series
        r = score_plm(_lms(np.concatenate([first, second[:3]])), standard=std)
        assert (r["n_series"], r["n_plm"]) == (1, 5)


def test_short_interval_breaks_wasm_but_is_skipped_by_aasm():
    on = [100.0, 120.0, 123.0, 140.0, 160.0]
    w = score_plm(_lms(on), standard="wasm2016")
    # 123 (3 s after 120) ends the first run [100, 120] and is in no series; [140, 160] is too short
    assert (w["n_plm"], w["n_series"]) == (0, 0)
    a = score_plm(_lms(on), standard="aasm")
    # 123 is left out; 140 is 20 s after 120: one series of 4
    assert (a["n_plm"], a["n_series"]) == (4, 1)
    assert a["plm_onsets"] == [100.0, 120.0, 140.0, 160.0]


def test_clm_after_a_short_interval_starts_no_series_wasm():
    on = [100.0, 105.0, 115.0, 125.0, 135.0]
    assert plm_series(on, min_imi=10, max_imi=90, short_imi="breaks") == []
    assert plm_series(on[1:] + [145.0], min_imi=10, max_imi=90, short_imi="breaks") == [[0, 1, 2, 3, 4]]
    assert score_plm(_lms(on), standard="aasm")["n_plm"] == 5


def test_long_lm_ends_the_wasm_series_and_is_no_aasm_lm():
    on = [100.0, 120.0, 140.0, 160.0, 172.0, 186.0, 206.0, 226.0, 246.0]
    du = [1.0, 1.0, 1.0, 1.0, 12.0, 1.0, 1.0, 1.0, 1.0]
    w = score_plm(_lms(on, du), standard="wasm2016")
    assert (w["n_lm"], w["n_clm"], w["n_series"], w["n_plm"]) == (9, 8, 2, 8)
    a = score_plm(_lms(on, du), standard="aasm")
    # the 12-s movement is not an LM: 160 -> 186 is 26 s and the series goes on
    assert (a["n_lm"], a["n_longer_than_max"], a["n_series"], a["n_plm"]) == (8, 1, 1, 8)


def test_shorter_than_half_a_second_is_no_lm():
    r = score_plm(_lms([10.0, 30.0], [0.49, 0.5]))
    assert (r["n_lm"], r["n_shorter_than_min"]) == (1, 1)


# ------------------------------------------------------------------------------------ sleep/wake
def test_wake_and_sleep_split_and_indices():
    hyp = _hyp(["W"] * 10 + ["N2"] * 20 + ["R"] * 10)  # 5 min W, 10 min N2, 5 min R
    # one series of 8 CLM 25 s apart from 200 s: 4 in W (200-275), 4 in N2 (300-375)
    r = score_plm(_lms(200.0 + 25.0 * np.arange(8)), hypnogram=hyp)
    assert (r["n_plm"], r["n_plms"], r["n_plmw"], r["n_series"]) == (8, 4, 4, 1)
    assert r["tst_h"] == pytest.approx(0.25) and r["wake_h"] == pytest.approx(5 / 60)
    assert r["plms_index"] == pytest.approx(16.0) and r["plmw_index"] == pytest.approx(48.0)
    assert r["per_stage"]["N2"]["n_plm"] == 4 and r["per_stage"]["N2"]["plm_index"] == pytest.approx(24.0)
    assert r["per_stage"]["R"]["n_lm"] == 0
    assert r["series"][0]["n_sleep"] == 4 and r["series"][0]["n_wake"] == 4


# ------------------------------------------------------------------------------------ associations
def test_respiratory_association_wasm_and_aasm():
    on = 100.0 + 20.0 * np.arange(6)  # 100 ... 200, 1 s each
    resp = [[150.0, 158.5]]  # ends at 158.5: WASM window 156.5-168.75 holds the LM at 160
    w = score_plm(_lms(on), standard="wasm2016", respiratory=resp)
    assert w["n_plm"] == 6 and w["respiratory"]["n_clm_related"] == 1
    assert w["respiratory"]["n_plms_without"] == 5  # 160 removed: 140 -> 180 is 40 s, one series of 5
    assert [m["respiratory"] for m in w["movements"]] == [False, False, False, True, False, False]
    a = score_plm(_lms(on), standard="aasm", respiratory=resp)
    # AASM: an LM from 0.5 s before the start to 0.5 s after the end: none (140-141 ends 9 s before)
    assert a["respiratory"]["n_lm_not_scored"] == 0
    a = score_plm(_lms(on), standard="aasm", respiratory=[[141.4, 159.6]])
    # 140-141 ends 0.4 s before the start, 160 starts 0.4 s after the end: both not scored
    assert a["respiratory"]["n_lm_not_scored"] == 2 and a["n_lm"] == 4
    assert a["plm_onsets"] == [100.0, 120.0, 180.0, 200.0]  # 120 -> 180 is 60 s: still one series


def test_arousal_within_half_a_second():
    ev = _lms([100.0], 1.0)
    assert score_plm(ev, arousals=[[101.4, 104.0]])["arousal"]["n_lm_with_arousal"] == 1
    assert score_plm(ev, arousals=[[101.6, 104.0]])["arousal"]["n_lm_with_arousal"] == 0
    assert score_plm(ev, arousals=[[96.0, 99.6]])["arousal"]["n_lm_with_arousal"] == 1
    assert score_plm(ev)["arousal"] is None


def test_associations_from_annotations():
    from myoclonus.io.recording import Annotations

    ann = Annotations([150.0, 300.0, 400.0], [8.5, 3.0, 0.0], ["Obstructive Apnea", "EEG arousal", "Lights off"])
    on = 100.0 + 20.0 * np.arange(6)
    r = score_plm(_lms(on), respiratory=ann, arousals=ann)
    assert r["respiratory"]["n_events"] == 1 and r["arousal"]["n_events"] == 1
    assert r["respiratory"]["n_clm_related"] == 1


# ------------------------------------------------------------------------------------ periodicity, IMI
def test_periodicity_index_worked_example():
    # intervals 20, 20, 20 (a run of 3: periodic), 5, 20 (a run of 1), 115: 3 of 6
    assert periodicity_index([0, 20, 40, 60, 65, 85, 200]) == pytest.approx(0.5)
    assert periodicity_index([0, 20, 40]) == 0.0  # a run of 2 intervals is not enough
    assert periodicity_index([0, 20, 40, 60]) == 1.0
    assert periodicity_index([0]) is None


def test_imi_histogram_log_bins():
    h = imi_histogram([0.1, 1.0, 20.0, 20.0, 5000.0])
    assert h["scale"] == "log" and (h["below"], h["above"]) == (1, 1)
    e = np.asarray(h["edges_s"])
    assert np.allclose(np.diff(np.log10(e)), 0.1)
    k = np.searchsorted(e, 20.0, side="right") - 1
    assert h["counts"][k] == 2 and sum(h["counts"]) == 3


def test_imi_histogram_in_the_scoring():
    r = score_plm(_lms(100.0 + 25.0 * np.arange(5)))
    e = np.asarray(r["imi_histogram"]["edges_s"])
    assert sum(r["imi_histogram"]["counts"]) == 4
    assert r["imi_histogram"]["counts"][np.searchsorted(e, 25.0, side="right") - 1] == 4


# ------------------------------------------------------------------------------------ amplitude rules
def test_lm_from_envelope_rules():
    sf = 100.0
    rest = 1.0
    e = np.full(1000, rest)
    e[100:150] = 12.0  # onset at 1.00 s (> 9 uV)
    e[150:190] = 2.5  # 0.4 s dip below rest + 2: not an offset
    e[190:250] = 10.0
    e[250:] = 2.9  # <= rest + 2 from 2.50 s for more than 0.5 s: offset there
    on, off = lm_from_envelope(e, sf, rest)
    assert on.tolist() == [1.0] and off.tolist() == [2.5]
    # 3.01 uV above rest does not end it; the data end does
    e[250:] = 3.01 + rest
    on, off = lm_from_envelope(e, sf, rest)
    assert off.tolist() == [10.0]
    # 8 uV above rest exactly is no onset
    assert lm_from_envelope(np.r_[np.full(100, 1.0), np.full(100, 9.0), np.full(100, 1.0)], sf, rest)[0].size == 0


def test_morphology_rule_only_wasm():
    sf = 100.0
    rest = 1.0
    # a 0.1-s spike then a ragged tail: dips to 2.0 uV (0.3 s) and bumps to 3.5 uV (0.1 s), never 0.5 s
    # low, never 0.5 s with a median >= rest + 2
    tail = np.tile(np.r_[np.full(30, 2.0), np.full(10, 3.5)], 4)
    e = np.r_[np.full(200, rest), np.full(10, 20.0), tail, np.full(200, rest)]
    R_w, R_a = plm._rules("wasm2016"), plm._rules("aasm")
    assert plm._lms_of_envelope(e - rest, sf, R_w)[0].size == 0
    on, off = plm._lms_of_envelope(e - rest, sf, R_a)
    assert on.tolist() == [2.0] and off[0] == pytest.approx(3.7)  # the last 3.5-uV bump ends at 3.7 s


def test_detect_leg_movements_on_emg():
    sf = 500.0
    rng = np.random.default_rng(2)
    x = rng.normal(0, 2.0, int(600 * sf))
    onsets = 30.0 + 22.0 * np.arange(20)
    durs = rng.uniform(0.8, 3.0, 20)
    for o, d in zip(onsets, durs):
        i0, i1 = int(o * sf), int((o + d) * sf)
        x[i0:i1] += rng.normal(0, 30.0, i1 - i0)
    on, du = detect_leg_movements(x, sf)
    assert len(on) == 20
    assert np.max(np.abs(on - onsets)) < 0.06  # within half the 0.1-s amplitude window
    assert np.max(np.abs(du - durs)) < 0.12
    r = score_plm(np.vstack([x, rng.normal(0, 2.0, x.size)]), sfreq=sf, channel_names=[L, R], total_time=600.0)
    assert (r["n_lm"], r["n_plm"], r["n_series"]) == (20, 20, 1)
    assert r["plm_index"] == pytest.approx(20 / (600 / 3600))


def test_brief_burst_on_a_mains_channel_stays_brief():
    """The mains notch must not spread a large 300-ms burst into a 0.5-s leg movement (NOTCH_Q): a
    movement modulates the mains pickup of its electrodes, and a narrow zero-phase notch rings on that
    gated mains for a quarter of a second on each side."""
    sf = 500.0
    rng = np.random.default_rng(4)
    t = np.arange(int(20 * sf)) / sf
    x = rng.normal(0, 2.0, t.size) + 5.0 * np.sin(2 * np.pi * 50.0 * t)
    from myoclonus.preprocess import bandpass, notch

    # surface-EMG-like: its power around 30-80 Hz, 100 uV RMS
    burst = bandpass(rng.normal(0, 1.0, int(0.3 * sf)), sf, 30.0, 80.0) * np.hanning(int(0.3 * sf)) ** 0.2
    burst *= 100.0 / np.sqrt(np.mean(burst ** 2))
    burst += 50.0 * np.sin(2 * np.pi * 50.0 * t[:burst.size])  # mains pickup raised during the movement (11% of
    # the power, as in veta_drt bursts: 3-16% within 48-52 Hz)
    x[5000:5000 + burst.size] += burst
    env = leg_envelope(x, sf)
    on, off = lm_from_envelope(env, sf, plm.resting_level(env, sf))
    assert on.size == 1 and abs(on[0] - 10.0) < 0.06
    assert off[0] - on[0] < 0.45  # measured 0.3 s + at most ~0.15 s of filter and window spread
    assert detect_leg_movements(x, sf)[0].size == 0  # shorter than 0.5 s: no LM
    q30 = plm._moving_mean(np.abs(bandpass(notch(x - x.mean(), sf, 50.0, h_freq=100.0, quality=30.0), sf, 10.0, 100.0)), 50)
    on30, off30 = lm_from_envelope(q30, sf, plm.resting_level(q30, sf))
    assert off30[0] - on30[0] > off[0] - on[0] + 0.1  # the narrow notch would have spread it


def _night_recording(sf=500.0, seconds=900.0, mains=True, seed=0):
    rng = np.random.default_rng(seed)
    n = int(seconds * sf)
    t = np.arange(n) / sf
    x = rng.normal(0, 2.0, (2, n)) + (3.0 * np.sin(2 * np.pi * 50 * t) if mains else 0.0)
    onsets = 120.0 + 25.0 * np.arange(20)
    for k, o in enumerate(onsets):
        i0, i1 = int(o * sf), int((o + 1.5) * sf)
        x[0, i0:i1] += rng.normal(0, 30.0, i1 - i0)
        if k % 2:  # every other one bilateral, the right 0.2 s later
            x[1, i0 + 100:i1 + 100] += rng.normal(0, 30.0, i1 - i0)
    rec = Recording.from_array(x, sf, ch_names=[L, R], ch_types="emg")
    return rec, onsets


def test_chunked_envelope_equals_whole_array():
    rec, _ = _night_recording(seconds=700.0)
    env, esf, filters = leg_envelope_from_recording(rec, L, chunk=120.0)
    assert esf == 100.0 and env.size == 70000
    assert any("notch" in f for f in filters) or any("mains" in f for f in filters)
    x = rec.get_data([L])[0]
    from myoclonus.preprocess import detect_mains, mains_harmonics

    f0, _ = detect_mains(x[: int(60 * 500)] - x[: int(60 * 500)].mean(), 500.0)
    whole = leg_envelope(x, 500.0, notch_freq=f0, notch_harmonics=mains_harmonics(x[:30000] - x[:30000].mean(),
                                                                                  500.0, f0, top=100.0))[::5]
    inner = slice(1500, env.size - 1500)  # away from the record's own ends
    # equal to float32 precision (the envelope is kept in float32)
    np.testing.assert_allclose(env[inner], whole[inner], rtol=2e-7, atol=1e-7)


def _lazy_legs(hours, sf=500.0):
    """A one-leg night generated chunk by chunk by its loader (nothing held in memory): 2 uV noise and a
    1.5-s, 30-uV movement every 25 s."""
    from myoclonus.io.recording import Channel
    from myoclonus.io.sites import parse_label

    n = int(hours * 3600 * sf)

    def loader(i, start, stop):
        rng = np.random.default_rng(start)
        x = rng.normal(0, 2.0, stop - start)
        on = (np.arange(start, stop) / sf) % 25.0 < 1.5
        x[on] += rng.normal(0, 30.0, int(on.sum()))
        return x

    return Recording([Channel(L, "emg", sf, n, "uV", parse_label(L)[1], 1.0, "uV", True)], loader)


def test_a_night_is_never_held_at_the_recording_rate():
    """Chunked reading: scoring 3 h of leg EMG at 500 Hz peaks at well under the channel's float64
    samples (43 MB); only the 100-Hz float32 envelope of the night (4.3 MB) and one chunk are held."""
    import tracemalloc

    score_leg_emg(_lazy_legs(0.2))  # imports and filter designs out of the measure
    rec = _lazy_legs(3.0)
    tracemalloc.start()
    try:
        r = score_leg_emg(rec)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert r["n_lm"] == 432  # 3 h / 25 s
    assert peak < 0.5 * rec.channels[0].n_times * 8


def test_score_leg_emg_on_a_recording():
    rec, onsets = _night_recording()
    hyp = _hyp(["W"] * 2 + ["N2"] * 28)
    r = score_leg_emg(rec, hypnogram=hyp)
    assert r["available"] and r["standard"] == "wasm2016" and "doi:10.1016/j.sleep.2016.10.010" in r["standard_name"]
    assert (r["n_lm"], r["n_bilateral"], r["n_plms"], r["n_series"]) == (20, 10, 20, 1)
    # onsets within the 0.1-s amplitude window (the crossing of rest + 8 uV moves with the amplitude)
    assert np.max(np.abs(np.array([m["onset"] for m in r["movements"]]) - onsets)) < 0.08
    for ch in (L, R):
        c = r["channels"][ch]
        # rectified 10-100 Hz (45-55 Hz notched) Gaussian noise of 2 uV broadband at 500 Hz has a mean
        # of 2 * sqrt(160/500) * 0.80 = 0.90 uV; the top of its 0.1-s amplitude band lies a little above
        assert 0.9 < c["resting_uv"] < 1.2
        lo, hi = c["resting_uv_p5_p95"]
        assert lo <= c["resting_uv"] <= hi and hi - lo < 0.1  # stationary noise: a flat resting level
        assert c["onset_threshold_uv"] == pytest.approx(c["resting_uv"] + 8.0)
    assert r["channels"][L]["n_monolateral_lm"] == 20 and r["channels"][R]["n_monolateral_lm"] == 10
    a = score_leg_emg(rec, hypnogram=hyp, standard="aasm")
    assert (a["n_lm"], a["n_plms"]) == (20, 20) and a["standard"] == "aasm"


def test_score_leg_emg_not_assessable():
    rec = Recording.from_array(np.zeros((1, 3000)), 500.0, ch_names=["EMG R Deltoid"], ch_types="emg")
    r = score_leg_emg(rec)
    assert r["available"] is False and "no leg EMG" in r["reason"]
    rec = Recording.from_array(np.zeros((1, 3000)), 100.0, ch_names=[L], ch_types="emg")
    r = score_leg_emg(rec)
    assert r["available"] is False and "200 Hz" in r["reason"]


def test_discontinuous_recording_gaps_break_series(tmp_path):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "io"))
    from _edfd import write_edfd

    from myoclonus import read_recording

    sf = 500
    rng = np.random.default_rng(1)
    n_rec = 240  # 4 min of 1-s records: 120 s, a 600-s gap, 120 s
    x = rng.normal(0, 2.0, (2, n_rec * sf))
    local = [10.0, 30.0, 50.0, 70.0, 130.0, 150.0, 170.0, 190.0]  # sample times in the data
    for o in local:
        i0 = int(o * sf)
        x[0, i0:i0 + sf] += rng.normal(0, 30.0, sf)
    onsets = list(range(120)) + [720 + k for k in range(120)]
    path = write_edfd(tmp_path / "d.edf", list(x), sf, [L, R], onsets)
    rec = read_recording(path)
    assert rec.discontinuous
    env, esf, _ = leg_envelope_from_recording(rec, L)
    assert np.isnan(env[int(300 * esf)]) and np.isfinite(env[int(60 * esf)])
    r = score_leg_emg(rec)
    on = [m["onset"] for m in r["movements"]]
    assert len(on) == 8 and on[4] == pytest.approx(730.0, abs=0.06)
    # 70 s -> 730 s spans the gap: two series of 4, none across it
    assert r["n_series"] == 2 and [s["n"] for s in r["series"]] == [4, 4]


# ------------------------------------------------------------------------------------ real material
def _benchmark():
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "sleep.py"
    spec = importlib.util.spec_from_file_location("_myoclonus_sleep_benchmark", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("night", ["A", "B"])
def test_nights_of_real_emg(real_dir, night):
    """The benchmark's nights (real rest EMG and real activation material, benchmarks/sleep.py), seed 0,
    scored on the leg EMG: every count exactly as constructed, for both standards."""
    bench = _benchmark()
    material = bench.Material(real_dir)
    nt, hyp = (bench.night_a if night == "A" else bench.night_b)(material, np.random.default_rng(ord(night)))
    rec = nt.recording()
    tst_h = float(hyp["duration"][hyp["stage"] != "W"].sum()) / 3600.0
    for std in ("wasm2016", "aasm"):
        r = score_leg_emg(rec, hypnogram=hyp, standard=std)
        exp = bench.EXPECTED[night][std]
        assert {k: r[k] for k in exp} == exp
        assert r["plms_index"] == pytest.approx(exp["n_plms"] / tst_h)
    if night == "A":  # the night: 32 PLMS in 45 min of sleep
        assert r["plms_index"] == pytest.approx(42.67, abs=0.01) and r["tst_h"] == 0.75
