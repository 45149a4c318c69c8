"""The real-material set of the accuracy benchmark is built as it says (benchmarks/realmaterial.py).

Skipped when ../shared/data/real is absent (except the checks that need no recording).
"""
from __future__ import annotations

import numpy as np
import pytest

from myoclonus.events import Events
from myoclonus.scoring import score_eligible_jerks


# ----------------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def jerks(rm, real):
    return rm.jerk_case("myonset", "veta_drt", 2048.0, 15.0, 1, keep=True)


@pytest.fixture(scope="module")
def ecg(rm, real):
    return rm.ecg_case("veta_drt", "myonset", 1000.0, 15.0, 1, heavy=(True, False), ecg_channel=True, keep=True)


@pytest.fixture(scope="module")
def tonic(rm, real):
    return rm.tonic_case("biosppy/emg", "biosppy/emg_1 (contraction)", "veta_drt", 1000.0, 15.0, 1, keep=True)


def _signal(case, ch):
    rec = case.recording
    i = rec.ch_names.index(ch)
    return rec._read_channel(i, 0, rec.channels[i].n_times)


# ----------------------------------------------------------------------------------------- no data needed
def test_absent_material_skips_cleanly(rm, tmp_path):
    assert "absent" in rm.missing(tmp_path / "nowhere")
    assert "missing" in rm.missing(tmp_path)  # the folder exists, the files do not
    assert rm.build_set(1, quick=True, real=tmp_path) == []


def test_resample_rates_and_never_up(rm):
    x = np.random.default_rng(0).standard_normal(5000)
    assert len(rm.resample(x, 5000.0, 2048.0)) == 2048
    assert len(rm.resample(x, 5000.0, 250.0)) == 250
    assert np.array_equal(rm.resample(x, 1000.0, 1000.0), x)
    with pytest.raises(ValueError, match="upsampled"):
        rm.resample(x, 1000.0, 2048.0)


def test_qrs_amplitude_is_band_peak_to_peak_within_50_ms(rm):
    fs = 1000.0
    beat = np.zeros(1000)
    t = np.arange(-30, 31) / fs
    beat[350 - 30 : 350 + 31] = 40.0 * np.sin(2 * np.pi * 60 * t) * np.hanning(61)  # in-band, +/- 30 ms of R
    beat[700:760] = 500.0 * np.hanning(60) * np.sin(2 * np.pi * 60 * np.arange(60) / fs)  # 350 ms after R: outside
    amp = rm.qrs_amplitude(beat, fs, 350)
    assert amp == pytest.approx(80.0, rel=0.12)  # peak-to-peak of the 40 uV in-band wave, not the later 500 uV one
    assert rm.qrs_amplitude(beat * 3, fs, 350) == pytest.approx(3 * amp)


def test_electrode_step_model(rm):
    s = rm.electrode_step(1000, 1000.0, 50.0, 0.1)
    assert s[0] == 50.0
    assert s[100] == pytest.approx(50.0 / np.e)


def test_join_adds_no_step_and_keeps_rms(rm):
    fs = 1000.0
    rng = np.random.default_rng(1)
    a = 100.0 + np.linspace(0, 30, 2000) + rng.standard_normal(2000)
    b = -50.0 - np.linspace(0, 30, 2000) + rng.standard_normal(2000)
    out = rm._join([a, b], int(rm.JOIN_FADE * fs), fs)
    assert len(out) == 4000 - int(rm.JOIN_FADE * fs)
    band = rm.emg_band(out, fs)
    # a 150 uV level jump and a slope reversal at the join: nothing of it in the EMG band
    near = band[1900:2100]
    assert np.sqrt(np.mean(near**2)) < 1.2 * np.sqrt(np.mean(band[200:1800] ** 2))
    assert np.max(np.abs(near)) < 5.0


# ----------------------------------------------------------------------------------------- jerks
def test_signal_is_the_sum_of_its_components(jerks, tonic, ecg):
    for case in (jerks, tonic, ecg):
        for ch, c in case.components.items():
            np.testing.assert_allclose(_signal(case, ch), c["rest"] + c["tonic"] * c["gain"] + c["bursts"] + c["artifacts"])


def test_jerk_truth_where_the_material_was_inserted(rm, jerks):
    fs = jerks.sfreq
    tj = jerks.truth.select("jerk")
    assert len(tj) >= 15
    for o, d, ch in zip(tj.onset, tj.duration, tj.channel):
        bursts = jerks.components[ch]["bursts"]
        i0, i1 = int(round(o * fs)), int(round((o + d) * fs))
        assert bursts[i0 - 1] == 0 and bursts[i1] == 0
        assert np.all(bursts[i0 + 1 : i1 - 1] != 0)
    # every inserted sample belongs to a truth jerk
    for ch, c in jerks.components.items():
        mask = np.zeros(len(c["bursts"]), bool)
        for o, d in zip(tj.select(channel=ch).onset, tj.select(channel=ch).duration):
            mask[int(round(o * fs)) : int(round((o + d) * fs))] = True
        assert not np.any(c["bursts"][~mask])


def test_jerk_amplitudes_are_the_requested_multiples(rm, jerks):
    fs = jerks.sfreq
    tj = jerks.truth.select("jerk")
    w = int(round(rm.LOCAL_WINDOW * fs))
    ratios = []
    for k in range(len(tj)):
        o, d, ch = tj.onset[k], tj.duration[k], tj.channel[k]
        c = jerks.components[ch]
        i0, i1 = int(round(o * fs)), int(round((o + d) * fs))
        alone = np.zeros(len(c["bursts"]))
        alone[i0:i1] = c["bursts"][i0:i1]
        rms = np.sqrt(np.mean(rm.emg_band(alone, fs)[i0:i1] ** 2))
        bg_band = rm.emg_band(c["rest"] + c["tonic"], fs)
        bg = np.sqrt(np.mean(bg_band[i0 - w : i1 + w] ** 2))
        rest = np.sqrt(np.mean(rm.emg_band(c["rest"], fs) ** 2))
        assert tj.measures["rms_uv"][k] == pytest.approx(rms, rel=1e-3)
        assert tj.measures["local_snr_db"][k] == pytest.approx(20 * np.log10(rms / bg), abs=0.01)
        assert tj.measures["snr_db"][k] == pytest.approx(20 * np.log10(rms / rest), abs=0.01)
        assert rms / bg == pytest.approx(tj.measures["amplitude_x"][k], rel=1e-3)  # as requested
        ratios.append(rms / bg)
        assert 0.010 - 1e-9 <= d <= 0.500 + 1 / fs
    ratios = np.array(ratios)
    assert ratios.min() >= 2.0 * 0.999 and ratios.max() <= 100.0 * 1.001
    assert np.any(ratios < 3) or len(ratios) < 20  # 2-3x jerks exist (ignored by the scores)
    assert np.sum(ratios >= rm.LARGE_X) >= 3


def test_movement_waves_and_steps_follow_their_jerk(rm, jerks):
    fs = jerks.sfreq
    tj = jerks.truth.select("jerk")
    cat = tj.measures["category"]
    assert {"plain", "movement_wave", "electrode_step"} <= set(cat)
    for k in np.flatnonzero(cat == "movement_wave"):
        art = jerks.components[tj.channel[k]]["artifacts"]
        i0 = int(round(tj.onset[k] * fs))
        start = i0 + int(round(tj.measures["wave_delay_s"][k] * fs))
        assert 0.020 <= tj.measures["wave_delay_s"][k] <= 0.080
        assert not np.any(art[i0:start])  # the wave starts 20-80 ms after the jerk onset
        peak = np.max(np.abs(art[start : start + int(0.9 * fs)]))
        assert peak == pytest.approx(tj.measures["wave_x"][k] * tj.measures["peak_uv"][k], rel=1e-6)
        assert 1.0 <= tj.measures["wave_x"][k] <= 10.0
    for k in np.flatnonzero(cat == "electrode_step"):
        ch = tj.channel[k]
        art = jerks.components[ch]["artifacts"]
        j = int(round((tj.onset[k] + tj.measures["step_at_s"][k]) * fs))
        assert tj.onset[k] <= j / fs <= tj.onset[k] + tj.duration[k]
        assert abs(art[j]) == pytest.approx(tj.measures["step_x"][k] * jerks.info[ch]["rest_rms_uv"], rel=1e-6)
        assert art[j - 1] == 0
    steps = jerks.truth.select("artifact")
    assert len(steps) and set(steps.measures["reason"]) == {"electrode_step"}
    for o, ch in zip(steps.onset, steps.channel):
        c = jerks.components[ch]
        i = int(round(o * fs))
        assert c["artifacts"][i] != 0 and c["artifacts"][i - 1] == 0
        assert not np.any(c["bursts"][i - int(0.2 * fs) : i + int(0.2 * fs)])  # no EMG with a free step


def test_rates_never_above_the_material(rm, real):
    natives = {"biosppy": 1000.0, "myonset": 2048.0, "physionet_emgdb": 4000.0, "veta_drt": 5000.0}
    for family, kw in rm.RECIPES:
        used = [kw["bg"]] + [kw[k] for k in ("material", "tonic") if k in kw]
        limit = min(natives[u.split("/")[0].split("+")[0].split(" ")[0]] for u in used)
        if family == "ecg":
            limit = min(limit, 1000.0)
        if "plateaus" in kw.get("tonic", ""):
            limit = min(limit, 2048.0)  # veta and myonset plateaus together
        assert kw["sfreq"] <= limit, (family, kw)
    assert {kw["sfreq"] for _, kw in rm.RECIPES} == set(rm.RATES)
    with pytest.raises(ValueError):
        rm.movement_waves(5000.0)
    with pytest.raises(ValueError):
        rm.ecg_beats(2048.0)


def test_250_hz_case(rm, real):
    case = rm.jerk_case("biosppy/emg_1", "physionet_emgdb", 250.0, 10.0, 2)
    assert case.sfreq == 250.0
    assert case.recording.channels[0].n_times == 2500
    tj = case.truth.select("jerk")
    assert np.all(tj.duration >= 2 / 250.0 - 1e-12)
    assert np.allclose(tj.onset * 250.0, np.round(tj.onset * 250.0))


# ----------------------------------------------------------------------------------------- ECG
def test_ecg_qrs_ratio_and_free_qrs(rm, ecg):
    fs = ecg.sfreq
    assert [ecg.info[ch]["ecg_heavy"] for ch in ecg.emg_channels] == [True, False]
    assert ecg.info["EMG L"]["qrs_ratio"] >= 10 and 2 <= ecg.info["EMG R"]["qrs_ratio"] < 10
    assert "ECG" in ecg.recording.ch_names
    h = int(round(rm.QRS_HALF_WIDTH * fs))
    for ch in ecg.emg_channels:
        art = ecg.truth.select("artifact", channel=ch)
        assert set(art.measures["reason"]) == {"ecg"}
        c = ecg.components[ch]
        band = rm.emg_band(c["artifacts"], fs)
        measured = []
        for r in art.measures["r_peak"]:
            i = int(round(r * fs))
            seg = band[i - h : i + h + 1]
            measured.append((seg.max() - seg.min()) / ecg.info[ch]["rest_rms_uv"])
        # the beat's own QRS amplitude (isolated) and in the train agree; the channel ratio is their median
        np.testing.assert_allclose(measured, art.measures["qrs_x"], rtol=0.1)
        assert np.median(art.measures["qrs_x"]) == pytest.approx(ecg.info[ch]["qrs_ratio"], rel=0.15)
        # free QRS: no truth jerk within +/- 50 ms of the R peak
        tj = ecg.truth.select("jerk", channel=ch)
        for r in art.measures["r_peak"]:
            assert not np.any((tj.onset < r + 0.05) & (tj.offset > r - 0.05))
        assert np.all(np.isclose(art.onset, art.measures["r_peak"] - 0.05))
    tj = ecg.truth.select("jerk")
    on_qrs = tj.measures["category"] == "on_qrs"
    assert 0.2 <= on_qrs.mean() <= 0.8


# ----------------------------------------------------------------------------------------- tonic
def test_silent_periods_gate_the_tonic_to_the_rest(rm, tonic):
    fs = tonic.sfreq
    ch = "EMG"
    c = tonic.components[ch]
    sp = tonic.truth.select("silent_period")
    assert len(sp) >= 4
    assert np.all((sp.duration >= 0.05) & (sp.duration <= 0.3))
    tonic_rms = np.sqrt(np.mean(rm.emg_band(c["tonic"], fs) ** 2))
    assert tonic_rms / tonic.info[ch]["rest_rms_uv"] == pytest.approx(tonic.info[ch]["tonic_x"], rel=1e-6)
    sig = _signal(tonic, ch)
    for o, d, e in zip(sp.onset, sp.duration, sp.measures["edge_s"]):
        core = slice(int(np.ceil((o + e / 2) * fs)) + 1, int((o + d - e / 2) * fs) - 1)
        assert np.all(c["gain"][core] == 0)
        np.testing.assert_allclose(sig[core], c["rest"][core] + c["bursts"][core])  # only the rest is left
        assert c["gain"][int(round((o - e / 2) * fs)) - 1] == 1.0
        # the onset is the half-gain point of the falling edge, the offset that of the rising edge
        a = int(round((o - 0.05) * fs))
        fall = a + np.flatnonzero(c["gain"][a:] < 0.5)[0]
        rise = fall + np.flatnonzero(c["gain"][fall:] >= 0.5)[0]
        assert abs(fall / fs - o) <= 1.5 / fs and abs(rise / fs - (o + d)) <= 1.5 / fs
    assert np.all(sp.onset + sp.duration < tonic.info[ch]["control_start"])
    assert np.all(c["gain"][int(tonic.info[ch]["control_start"] * fs) :] == 1.0)  # the control part is untouched


def test_half_the_silences_follow_a_brief_burst(rm, tonic):
    sp = tonic.truth.select("silent_period")
    tj = tonic.truth.select("jerk")
    after = sp.measures["after_jerk"] == 1
    assert 0 < after.sum() < len(sp)
    assert len(tj) == after.sum() and set(tj.measures["category"]) == {"before_silence"}
    for o, e in zip(sp.onset[after], sp.measures["edge_s"][after]):
        k = np.argmin(np.abs(tj.offset - (o - e / 2)))
        assert tj.offset[k] == pytest.approx(o - e / 2, abs=1.5 / tonic.sfreq)
        assert 0.010 - 1e-9 <= tj.duration[k] <= 0.040 + 1 / tonic.sfreq
        assert 3.0 * 0.999 <= 10 ** (tj.measures["local_snr_db"][k] / 20) <= 10.0 * 1.001


# ----------------------------------------------------------------------------------------- determinism, rest
def test_deterministic_for_a_seed(rm, real):
    a = rm.jerk_case("veta_drt", "physionet_emgdb", 1000.0, 8.0, 3)
    b = rm.jerk_case("veta_drt", "physionet_emgdb", 1000.0, 8.0, 3)
    c = rm.jerk_case("veta_drt", "physionet_emgdb", 1000.0, 8.0, 4)
    assert np.array_equal(a.recording.get_data(), b.recording.get_data())
    assert a.truth == b.truth and np.array_equal(a.truth.measures["rms_uv"], b.truth.measures["rms_uv"], equal_nan=True)
    assert not np.array_equal(a.recording.get_data(), c.recording.get_data())


def test_rest_case_is_rest_only(rm, real):
    case = rm.rest_case("myonset", 500.0, duration=8.0, keep=True)
    assert len(case.truth) == 0 and case.family == "rest"
    assert case.recording.ch_names == ["EMG L", "EMG R"]
    assert case.recording.duration == pytest.approx(8.0, abs=0.01)
    pieces, fs, windows, gains = rm.rest_stretches("myonset_L")
    # every quiet stretch lies outside -0.6/+1.5 s of every response, on both hands
    for t, _ in rm._myonset_responses(str(rm.REAL)):
        assert all(b <= t - 0.6 + 1e-9 or a >= t + 1.5 - 1e-9 for a, b in windows)
    assert all(0.66 <= g <= 1.5 for g in gains)


# ----------------------------------------------------------------------------------------- scoring
def _oracle(truth, *, relabel=None):
    """Detections equal to the truth jerks and silent periods (kind 'artifact' for category ``relabel``)."""
    tj = truth.select("jerk")
    kind = np.where(tj.measures["category"] == relabel, "artifact", "jerk") if relabel else "jerk"
    return Events.concatenate([Events(tj.onset, tj.duration, kind, tj.channel, confidence=np.full(len(tj), 0.9)),
                               truth.select("silent_period")])


def test_scores_of_a_perfect_detector(acc, jerks, ecg, tonic):
    for case in (jerks, ecg, tonic):
        det = _oracle(case.truth)
        sc = acc.jerk_summary(acc.score_jerks(case.truth, det))
        assert sc["F1"] == 1.0 and sc["med"] == 0.0 and sc["dur_med_10_50"] == 0.0
        cats = acc.score_categories(case.truth, det)
        assert all(c["found"] == c["n"] and c["artifact"] == 0 for c in cats.values())
    cats = acc.score_categories(jerks.truth, _oracle(jerks.truth))
    assert cats["movement_wave"]["n"] > 0 and cats["electrode_step"]["n"] > 0 and cats["large"]["n"] > 0
    assert acc.score_categories(ecg.truth, _oracle(ecg.truth))["on_qrs"]["n"] > 0
    h, t, d = acc.score_silent(tonic.truth, _oracle(tonic.truth))
    assert h == t == d > 0


def test_scores_count_misses_artifacts_and_free_qrs(acc, jerks, ecg):
    det = _oracle(jerks.truth, relabel="movement_wave")
    c = acc.score_categories(jerks.truth, det)["movement_wave"]
    assert c["found"] == 0 and c["artifact"] == c["n"] > 0
    # a jerk at a free R peak counts; one 100 ms away does not
    ch = "EMG L"
    r = ecg.truth.select("artifact", channel=ch).measures["r_peak"]
    det = Events.concatenate([_oracle(ecg.truth), Events([r[0] + 0.01, r[1] + 0.1], [0.02, 0.02], "jerk", ch)])
    assert acc.free_artifacts_called_jerks(ecg.truth, det, r[:2], [ch, ch]) == 1


def test_jerk_scores_are_the_shared_definition(acc, jerks):
    rng = np.random.default_rng(0)
    tj = jerks.truth.select("jerk")
    keep = rng.uniform(size=len(tj)) > 0.3
    shift = rng.uniform(-0.03, 0.03, len(tj))
    det = Events.concatenate([Events(tj.onset[keep] + shift[keep], tj.duration[keep], "jerk", tj.channel[keep]),
                              Events(rng.uniform(1, 14, 5), 0.03, "jerk", "EMG L")])
    mine = acc.score_jerks(jerks.truth, det)
    shared = score_eligible_jerks(jerks.truth, det)
    assert mine["n_truth_all"] == shared["n_truth"] and mine["n_det_all"] == shared["n_detected"]
    assert mine["n_hit_all"] == shared["n_matched"]
    assert sum(mine["n_truth"]) == mine["n_truth_all"] and sum(mine["n_hit"]) == mine["n_hit_all"]
    assert np.median(np.abs(mine["onset_err_ms"])) == pytest.approx(shared["onset_error_ms_median"])
