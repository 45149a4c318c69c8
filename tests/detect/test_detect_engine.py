"""Detection engine on synthetic EMG with known events (fast, fixed seeds)."""
from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _detect_synth import make_emg  # noqa: E402

from myoclonus import MyoclonusInputError, MyoclonusUsageError, Recording  # noqa: E402
from myoclonus.detect import DEFAULTS, MIN_SFREQ, WARN_SFREQ, detect_bursts, detect_jerks  # noqa: E402
from myoclonus.events import Events  # noqa: E402
from myoclonus.scoring import score_events  # noqa: E402

SF = 2048.0


def _det(x, sf=SF, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return detect_jerks(x, sfreq=sf, ch_names=["EMG"], **kw)


def _jerk_schedule(seed, duration, n=120, dmin=0.010, dmax=0.5, amin=3.0, amax=10.0, gap=0.6):
    rng = np.random.default_rng(seed)
    ons = np.sort(rng.uniform(1, duration - 1, n))
    ons = ons[np.r_[True, np.diff(ons) > gap]]
    durs = np.exp(rng.uniform(np.log(dmin), np.log(dmax), ons.size))
    amps = rng.uniform(amin, amax, ons.size)
    return list(zip(ons, durs, amps))


@pytest.fixture(scope="module")
def jerk_case():
    x, truth, _ = make_emg(120, SF, seed=1, jerks=_jerk_schedule(5, 120))
    return x, truth


@pytest.mark.parametrize("method", ["rms", "tkeo"])
def test_jerks_accuracy(jerk_case, method):
    x, truth = jerk_case
    res = _det(x, method=method)
    det = res.events.select("jerk")
    sc = score_events(truth.select("jerk"), det)
    assert sc["f1"] >= 0.95
    assert sc["onset_error_ms_median"] <= 3.0
    assert sc["onset_error_ms_p95"] <= 10.0
    assert sc["duration_within_tolerance"] >= 0.9
    # the 10-50 ms bin on its own
    t = truth.select("jerk")
    short = t.duration < 0.05
    st = Events(t.onset[short], t.duration[short], "jerk", "EMG")
    ds = det[det.duration < 0.08] if len(det) else det
    assert score_events(st, ds)["recall"] >= 0.95
    # measures are there, in sensible units
    for key in ("peak_amplitude_uv", "rms_uv", "area_uvs", "snr_db", "confidence", "offset"):
        assert key in det.measures
    assert np.all(det.measures["snr_db"] > 8)
    assert np.all((det.measures["confidence"] > 0) & (det.measures["confidence"] <= 1))
    np.testing.assert_allclose(det.measures["offset"], det.onset + det.duration)
    th = res.thresholds["EMG"]
    assert th["sfreq"] == SF
    assert 2.5 < th["noise_floor_uv"] < 3.5  # background is 3 uV RMS
    assert th["threshold_on_uv"] == pytest.approx(DEFAULTS["k_on"][0] * th["tail_factor"] * th["noise_floor_uv"])
    assert th["threshold_off_uv"] == pytest.approx(DEFAULTS["k_off"][0] * th["noise_floor_uv"])


def test_noise_only_no_false_jerks():
    x, _, _ = make_emg(300, SF, seed=8)
    res = _det(x)
    assert len(res.events.select("jerk")) <= 1  # <= 1 per 5 min (target: <= 1 per 10 min)
    assert len(res.events.select("silent_period")) == 0


def test_empty_gives_empty_events():
    rng = np.random.default_rng(0)
    res = _det(rng.normal(0, 3, int(10 * SF)))
    assert isinstance(res.events, Events)
    assert len(res.events.select("jerk")) == 0
    assert res.summary()["n_events"] == len(res.events)


@pytest.mark.parametrize("sf", [250.0, 1000.0, 2048.0])
def test_voluntary_contraction_is_one_sustained(sf):
    vol = [(2 + 3 * i, d, 6.0, 0.1) for i, d in enumerate([0.6, 0.8, 1.2, 1.6, 2.0])]
    x, truth, _ = make_emg(18, sf, seed=3, voluntary=vol, drift=200.0, mains=20.0)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        res = detect_jerks(x, sfreq=sf, ch_names=["EMG"])
    ev = res.events
    assert len(ev.select("jerk")) == 0
    sus = ev.select("sustained")
    assert len(sus) == 5
    sc = score_events(truth.select("sustained"), sus, tolerance=0.05)
    assert sc["n_matched"] == 5
    np.testing.assert_allclose(sus.duration, [0.6, 0.8, 1.2, 1.6, 2.0], atol=0.1)
    assert any("mains detected at 50 Hz" in p for p in res.preprocessing)
    coarse = [m for m in res.warnings if "onsets are coarser" in m]
    assert bool(coarse) == (sf < WARN_SFREQ)
    if sf < WARN_SFREQ:
        assert any("onsets are coarser" in str(m.message) for m in w)


def test_ecg_contamination():
    sched = _jerk_schedule(2, 120, n=80, dmax=0.3)
    x0, truth, _ = make_emg(120, SF, seed=4, jerks=sched)
    x, _, r_times = make_emg(120, SF, seed=4, jerks=sched, qrs=dict(amplitude=60.0))
    clean = score_events(truth.select("jerk"), _det(x0).events.select("jerk"))
    res = _det(x)
    jerks = res.events.select("jerk")
    sc = score_events(truth.select("jerk"), jerks)
    assert sc["recall"] >= clean["recall"] - 0.02
    assert res.thresholds["EMG"]["ecg"]["source"] == "EMG channel"
    assert any("QRS-template subtraction" in p for p in res.preprocessing)
    tj = truth.select("jerk")
    as_jerk = sum(
        1 for r in r_times if np.any(np.abs(jerks.onset - r) < 0.06) and not np.any(np.abs(tj.onset - r) < 0.1)
    )
    assert as_jerk <= 0.05 * len(r_times)
    # without removal, the QRS complexes would be detected as jerks
    raw = _det(x, ecg=False).events.select("jerk")
    assert len(raw) > len(jerks) + 0.5 * len(r_times)


def test_ecg_from_ecg_channel():
    sched = _jerk_schedule(3, 60, n=40, dmax=0.2, amin=5.0)
    x, truth, r_times = make_emg(60, SF, seed=6, jerks=sched, qrs=dict(amplitude=40.0))
    ecg = np.zeros_like(x)
    for r in r_times:
        i = int(round(r * SF))
        ecg[max(0, i - 10): i + 10] += 1000 * np.hanning(20)[: len(ecg[max(0, i - 10): i + 10])]
    rec = Recording.from_array(np.vstack([x, ecg]), SF, ["EMG", "ECG"], ["emg", "ecg"])
    res = detect_jerks(rec)
    assert res.thresholds["EMG"]["ecg"]["source"] == "ECG channel"
    assert score_events(truth.select("jerk"), res.events.select("jerk"))["f1"] >= 0.95


def test_silent_periods():
    sil = [(3 + 1.3 * i, d) for i, d in enumerate(np.linspace(0.05, 0.5, 15))]
    x, truth, _ = make_emg(30, SF, seed=5, tonic=[(1, 28, 5.0)], silent=sil)
    res = _det(x)
    sp = res.events.select("silent_period")
    sc = score_events(truth.select("silent_period"), sp)
    assert sc["f1"] >= 0.9
    assert sc["duration_within_tolerance"] >= 0.9
    assert np.all(sp.measures["tonic_level_uv"] > 3 * sp.measures["rms_uv"])
    # no tonic activity -> no silent period, even between jerks
    x2, _, _ = make_emg(30, SF, seed=9, jerks=[(1 + 0.7 * k, 0.2, 6.0) for k in range(40)])
    assert len(_det(x2).events.select("silent_period")) == 0


def test_jerks_on_tonic_background():
    rng = np.random.default_rng(7)
    ons = np.sort(rng.uniform(6, 24, 30))
    ons = ons[np.r_[True, np.diff(ons) > 0.5]]
    x, truth, _ = make_emg(30, SF, seed=6, tonic=[(5, 25, 2.5)], jerks=[(o, 0.03, 8.0) for o in ons])
    sc = score_events(truth.select("jerk"), _det(x).events.select("jerk"))
    assert sc["precision"] == 1.0
    assert sc["recall"] >= 0.8


def test_artifacts_saturation_flat_pop_motion():
    sched = [(2.0 + k, 0.03, 6.0) for k in range(8)]
    x, truth, _ = make_emg(12, SF, seed=11, jerks=sched)
    x = x.copy()
    # saturation: a big burst clipped at +/-100 uV
    i = int(10.2 * SF)
    x[i: i + int(0.2 * SF)] += 400 * np.sin(np.arange(int(0.2 * SF)) * 0.9)
    x = np.clip(x, -100, 100)
    # flat stretch (disconnection)
    x[int(11.0 * SF): int(11.5 * SF)] = 0.0
    # electrode pop: step decaying with tau 50 ms
    k = int(1.3 * SF)
    t = np.arange(int(0.4 * SF)) / SF
    x[k: k + t.size] += 2000 * np.exp(-t / 0.05)
    res = _det(x)
    art = res.events.select("artifact")
    reasons = set(art.measures["reason"])
    assert {"saturation", "flat", "electrode_step"} <= reasons
    # the step is found at its sample and subtracted before filtering: no burst spreads around it
    steps = art[art.measures["reason"] == "electrode_step"]
    assert len(steps) == 1 and abs(steps.onset[0] - 1.3) < 0.002
    assert res.thresholds["EMG"]["n_steps"] == 1
    assert not np.any(np.abs(res.events.select(["jerk", "sustained"]).onset - 1.3) < 0.3)
    assert any("clips" in w for w in res.warnings)
    assert score_events(truth.select("jerk"), res.events.select("jerk"))["recall"] == 1.0


def test_jerk_on_electrode_step_is_flagged_not_rejected():
    # a large jerk (40x background) with an electrode step in its middle, and a step alone
    sched = [(2.0 + k, 0.03, 6.0) for k in range(6)] + [(8.0, 0.04, 40.0)]
    x, truth, _ = make_emg(12, SF, seed=13, jerks=sched)
    x = x.copy()
    for t0, h in ((8.02, 1500.0), (10.0, -800.0)):
        k = int(t0 * SF)
        x[k:] += h * np.exp(-np.arange(x.size - k) / SF / 0.3)
    res = _det(x)
    big = res.events[(np.abs(res.events.onset - 8.0) < 0.01) & (res.events.kind == "jerk")]
    assert len(big) == 1 and "electrode_step" in big.measures["flags"][0]
    unflagged = _det(x, flag_penalty=0.0).events
    same = unflagged[(np.abs(unflagged.onset - 8.0) < 0.01) & (unflagged.kind == "jerk")]
    assert big.measures["confidence"][0] < same.measures["confidence"][0]
    art = res.events.select("artifact")
    assert np.any((np.abs(art.onset - 10.0) < 0.002) & (art.measures["reason"] == "electrode_step"))
    assert score_events(truth.select("jerk"), res.events.select("jerk"))["recall"] == 1.0


def test_motion_flags_never_veto():
    x, truth, _ = make_emg(12, SF, seed=12, jerks=[(2.0, 0.04, 6.0), (6.0, 0.04, 6.0), (8.0, 0.04, 30.0)])
    x = x.copy()
    n = int(0.3 * SF)
    swing = np.hanning(n) * np.sin(2 * np.pi * 4 * np.arange(n) / SF)
    # a 4 Hz movement swing alone: below the EMG band, no burst at all
    k = int(4.0 * SF)
    x[k: k + n] += 3000 * swing
    # a jerk that moves the limb: the same swing starting 40 ms after it
    k = int(8.04 * SF)
    x[k: k + n] += 3000 * swing
    res = _det(x)
    pos = res.events.select(["jerk", "sustained"])
    assert not np.any(np.abs(pos.onset - 4.1) < 0.3)
    moved = pos[np.abs(pos.onset - 8.0) < 0.01]
    assert list(moved.kind) == ["jerk"] and "motion" in moved.measures["flags"][0]
    assert score_events(truth.select("jerk"), res.events.select("jerk"))["recall"] == 1.0


def test_motion_alone_in_the_emg_band_is_an_artifact():
    # a movement oscillation whose EMG-band content is only its low-frequency leakage (14 Hz, 3 mV,
    # smooth): a burst with the motion flag and no EMG above 60 Hz is an artifact, not a jerk
    x, _, _ = make_emg(8, SF, seed=14, jerks=[(2.0, 0.04, 6.0)])
    x = x.copy()
    n = int(0.4 * SF)
    k = int(5.0 * SF)
    t = np.arange(n) / SF
    x[k: k + n] += 3000 * np.hanning(n) * np.sin(2 * np.pi * 14 * t)
    res = _det(x)
    pos = res.events.select(["jerk", "sustained"])
    assert not np.any(np.abs(pos.onset - 5.0) < 0.2)
    art = res.events.select("artifact")
    assert np.all(art.measures["reason"][np.abs(art.onset - 5.0) < 0.2] == "motion")


def test_flat_channel():
    res = _det(np.zeros(int(5 * SF)))
    assert list(res.events.kind) == ["artifact"]
    assert res.events.measures["reason"][0] == "flat"
    assert any("flat" in w for w in res.warnings)


def test_min_sfreq_refused_unless_forced():
    x = np.random.default_rng(0).normal(0, 3, 2000)
    with pytest.raises(MyoclonusInputError, match=r"'EMG'.*force=True"):
        _det(x, sf=MIN_SFREQ - 20)
    res = _det(x, sf=MIN_SFREQ - 20, force=True)
    assert res.thresholds["EMG"]["sfreq"] == MIN_SFREQ - 20


def test_validation_messages():
    x = np.zeros(1000)
    with pytest.raises(MyoclonusUsageError, match="Allowed values are 'rms' and 'tkeo'"):
        detect_jerks(x, sfreq=1000, method="nk")
    with pytest.raises(MyoclonusUsageError, match="k_off"):
        detect_jerks(x, sfreq=1000, k_on=3, k_off=4)
    with pytest.raises(MyoclonusUsageError, match="sfreq"):
        detect_jerks(x)


def test_defaults_documented():
    import inspect

    sig = inspect.signature(detect_jerks)
    for name, (value, reason) in DEFAULTS.items():
        assert name in sig.parameters, name
        assert sig.parameters[name].default == value
        assert isinstance(reason, str) and len(reason) > 20


def test_result_methods_summary_plot(tmp_path, jerk_case):
    x, _ = jerk_case
    res = _det(x[: int(20 * SF)])
    text = res.methods()
    assert "doi:" in text and "20-450 Hz" in text
    s = res.summary()
    assert s["counts"]["jerk"] == len(res.events.select("jerk"))
    fig = res.plot(fname=tmp_path / "det.png")
    assert (tmp_path / "det.png").stat().st_size > 1000
    assert len(fig.axes) == 2
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_detect_bursts_compat():
    env = np.zeros(1000)
    env[100:130] = 10
    env[135:160] = 10
    s, e = detect_bursts(env, 1000.0, on=5, off=2, min_duration=0.01, merge_gap=0.01)
    assert s.tolist() == [100] and e.tolist() == [160]
