"""Contamination switches, determinism, demo recording, figures and files."""
import time

import numpy as np
import pytest
import scipy.signal as sps

from myoclonus.events import Events
from myoclonus.io.sites import parse_label
from myoclonus.simulate import PROFILES, demo_recording, plot_simulation, simulate
from myoclonus.simulate.profiles import CONTAMINATION_SWITCHES, PROFILE_NAMES

FS = 2048.0
LABELS = ["C3", "EMG R FDI", "EMG R Deltoid", "EMG L Deltoid", "EMG Rectus abd", "EMG T8 Parasp", "ECG"]


@pytest.fixture(scope="module")
def dirty():
    return simulate("cortical", duration=90, seed=21, channels=LABELS, contamination="all", mains=60)


@pytest.fixture(scope="module")
def clean():
    return simulate("cortical", duration=90, seed=21, channels=LABELS, contamination="none", mains=60)


def test_contamination_resolution():
    r = simulate("healthy", duration=12, seed=1, channels=["EMG R FDI"], contamination={"pops": True})
    assert r.params["contamination"] == dict(PROFILES["healthy"]["contamination"], pops=True)
    r = simulate("healthy", duration=12, seed=1, channels=["EMG R FDI"], contamination=["pops"])
    assert [k for k, v in r.params["contamination"].items() if v] == ["pops"]
    r = simulate("healthy", duration=12, seed=1, channels=["EMG R FDI"], contamination=[])
    assert not any(r.params["contamination"].values())
    assert set(r.params["contamination"]) == set(CONTAMINATION_SWITCHES)


def test_physiology_unchanged_by_contamination(dirty, clean):
    a, b = dirty.truth.select("jerk"), clean.truth.select("jerk")
    # the flat channel loses its jerks; all others keep identical truth
    keep = a.channel != dirty.params["flat_channel"]
    keep_b = b.channel != dirty.params["flat_channel"]
    assert np.array_equal(a.onset, b.onset[keep_b][: len(a.onset)]) or np.array_equal(a[keep].onset, b[keep_b].onset)


def test_ecg_artifacts_are_qrs_on_trunk_and_proximal(dirty):
    art = dirty.truth.select("artifact")
    ecg = art[art.measures["reason"] == "ecg"]
    assert len(ecg) > 50
    assert np.all((ecg.duration >= 0.06) & (ecg.duration <= 0.12))
    assert np.allclose(ecg.duration, PROFILES["cortical"]["qrs_duration"])
    chans = set(ecg.channel)
    for ch in chans:
        site = parse_label(ch)[1]
        assert site.segment in ("trunk", "neck") or site.proximal == "proximal"
    assert "EMG R FDI" not in chans
    flat = dirty.params["flat_channel"]
    for trunk in ("EMG Rectus abd", "EMG T8 Parasp"):
        assert trunk in chans or trunk == flat
    assert flat != dirty.params["clip_channel"]
    # QRS artefact aligned with the R peaks of the ECG channel
    rec = dirty.recording
    ecg_sig = rec.get_data(["ECG"])[0]
    rab = ecg.select(channel="EMG Rectus abd" if flat != "EMG Rectus abd" else "EMG T8 Parasp")
    centers = rab.onset + rab.duration / 2
    peaks = [np.argmax(ecg_sig[int((c - 0.05) * FS) : int((c + 0.05) * FS)]) / FS + c - 0.05 for c in centers[:30]]
    assert np.allclose(peaks, centers[:30], atol=0.004)
    # heart rate within physiology
    hr = 60 / np.median(np.diff(np.sort(rab.onset)))
    assert 50 < hr < 100


def test_ecg_artifact_visible_in_emg(clean):
    # with ECG on (profile default) the high-passed trunk EMG shows QRS spikes well above background
    res = simulate("cortical", duration=30, seed=21, channels=LABELS, contamination=["ecg"])
    rec = res.recording
    x = sps.sosfiltfilt(sps.butter(4, [20, 450], "bandpass", fs=FS, output="sos"), rec.get_data(["EMG Rectus abd"])[0])
    art = res.truth.select("artifact", "EMG Rectus abd")
    bg = res.params["channel_params"]["EMG Rectus abd"]["background_uv"]
    pk = [np.abs(x[int(o * FS) : int((o + d) * FS)]).max() for o, d in zip(art.onset, art.duration)]
    assert np.median(pk) > 4 * bg


def test_mains_frequency_and_harmonics(dirty, clean):
    cp = dirty.params["channel_params"]
    ch = max((c for c in cp if c != dirty.params["flat_channel"]), key=lambda c: cp[c]["mains_uv"])
    assert 1.0 <= cp[ch]["mains_uv"] <= 8.0
    xd = dirty.recording.get_data([ch])[0]
    f, pd_ = sps.welch(xd, FS, nperseg=int(8 * FS))
    _, pc = sps.welch(clean.recording.get_data(["C3"])[0], FS, nperseg=int(8 * FS))
    _, pdc3 = sps.welch(dirty.recording.get_data(["C3"])[0], FS, nperseg=int(8 * FS))
    i60 = np.argmin(np.abs(f - 60))
    i180 = np.argmin(np.abs(f - 180))
    i50 = np.argmin(np.abs(f - 50))
    assert pdc3[i60] > 100 * pc[i60]
    assert pd_[i60] > 20 * np.median(pd_[(f > 55) & (f < 65)])
    assert pd_[i180] > 5 * np.median(pd_[(f > 170) & (f < 190)])
    assert pd_[i50] < 3 * np.median(pd_[(f > 45) & (f < 55)])


def test_baseline_wander_low_frequency(dirty, clean):
    f, pd_ = sps.welch(dirty.recording.get_data(["ECG"])[0], FS, nperseg=int(20 * FS))
    _, pc = sps.welch(clean.recording.get_data(["ECG"])[0], FS, nperseg=int(20 * FS))
    low = (f > 0.05) & (f < 0.3)
    assert pd_[low].sum() > 5 * pc[low].sum()


def test_clipping_flat_tops_at_clip_level(dirty):
    ch = dirty.params["clip_channel"]
    assert ch is not None
    lvl = dirty.params["clip_level"]
    x = dirty.recording.get_data([ch])[0]
    assert np.abs(x).max() == pytest.approx(lvl)
    sat = dirty.truth.select("artifact", ch)
    sat = sat[sat.measures["reason"] == "saturation"]
    assert len(sat) == 1
    i0, i1 = int(sat.onset[0] * FS), int(sat.offset[0] * FS)
    seg = x[i0:i1]
    assert np.mean(np.abs(seg) == lvl) > 0.3  # flat tops
    assert np.sum(np.abs(x) == lvl) == np.sum(np.abs(seg) == lvl)  # only inside the episode


def test_flat_channel_has_zero_variance(dirty):
    ch = dirty.params["flat_channel"]
    x = dirty.recording.get_data([ch])[0]
    assert np.var(x) == 0.0
    t = dirty.truth.select(channel=ch)
    assert set(t.kind) == {"artifact"}
    assert list(t.measures["reason"]) == ["flat"]
    assert t.onset[0] == 0.0 and t.duration[0] == pytest.approx(90.0)
    r = simulate("cortical", duration=20, seed=1, channels=LABELS, contamination=["flat"], flat_channel="EMG T8 Parasp")
    assert np.var(r.recording.get_data(["EMG T8 Parasp"])[0]) == 0.0


def test_pops_and_motion_artifacts(dirty, clean):
    art = dirty.truth.select("artifact")
    reasons = set(art.measures["reason"])
    assert {"ecg", "electrode_pop", "motion", "saturation", "flat"} <= reasons
    for reason in ("electrode_pop", "motion"):
        ev = art[art.measures["reason"] == reason]
        for on, d, ch in zip(ev.onset, ev.duration, ev.channel):
            if ch == dirty.params["flat_channel"]:
                continue
            x = dirty.recording.get_data([str(ch)], tmin=on, tmax=on + d)[0]
            y = clean.recording.get_data([str(ch)], tmin=on, tmax=on + d)[0]
            assert np.abs(x - y).max() > 80.0  # large deflection, far above EMG background
    assert not len(clean.truth.select("artifact"))


# --------------------------------------------------------------------------- determinism
@pytest.mark.parametrize("profile", PROFILE_NAMES)
def test_same_seed_bit_identical_different_seed_differs(profile):
    kw = dict(duration=15, contamination="all")
    a = simulate(profile, seed=7, **kw)
    b = simulate(profile, seed=7, **kw)
    c = simulate(profile, seed=8, **kw)
    da, db, dc = (r.recording.get_data(r.recording.ch_names) for r in (a, b, c))
    for k in range(da.shape[0]):
        assert np.array_equal(da[k], db[k])
    assert a.truth == b.truth
    for key, v in a.truth.measures.items():
        w = b.truth.measures[key]
        assert np.array_equal(v, w) if v.dtype == object else np.array_equal(v, w, equal_nan=True)
    assert a.params == b.params
    emg = [i for i, t in enumerate(a.recording.ch_types) if t == "emg" and np.var(da[i]) > 0 and np.var(dc[i]) > 0]
    assert any(not np.array_equal(da[i], dc[i]) for i in emg)
    assert not np.array_equal(da, dc)


def test_same_seed_bit_identical_files(tmp_path):
    r1 = simulate("cortical", duration=12, seed=3, channels=LABELS + ["Stim"])
    r2 = simulate("cortical", duration=12, seed=3, channels=LABELS + ["Stim"])
    p1, t1 = r1.save(tmp_path / "a" / "rec.edf") if (tmp_path / "a").mkdir() is None else None
    p2, t2 = r2.save(tmp_path / "b" / "rec.edf") if (tmp_path / "b").mkdir() is None else None
    assert t1.name == "rec_truth.tsv" and t1.exists()
    assert p1.read_bytes() == p2.read_bytes()
    assert t1.read_bytes() == t2.read_bytes()
    back = Events.from_tsv(t1)
    assert np.allclose(back.onset, r1.truth.onset, atol=1e-5)
    assert list(back.kind) == list(r1.truth.kind)
    r3 = simulate("cortical", duration=12, seed=4, channels=LABELS + ["Stim"])
    (tmp_path / "c").mkdir()
    p3, _ = r3.save(tmp_path / "c" / "rec.edf")
    assert p3.read_bytes() != p1.read_bytes()


# --------------------------------------------------------------------------- demo
def test_demo_recording_montage_timing_and_content():
    t0, c0 = time.perf_counter(), time.process_time()
    res = demo_recording()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    # CPU time is the machine's work (about 2-3 s here); the wall clock also depends on other
    # processes sharing the 2 cores, so it only gets a loose sanity bound.
    assert cpu < 10.0, f"demo_recording used {cpu:.1f} s of CPU"
    assert wall < 30.0, f"demo_recording took {wall:.1f} s"
    rec, truth = res
    assert rec.sfreq == FS and rec.duration == pytest.approx(600.0)
    types = rec.ch_types
    assert types.count("eeg") == 8 and {"C3", "C4", "Cz"} <= set(rec.ch_names)
    assert 6 <= types.count("emg") <= 8
    emg_sides = {parse_label(n)[1].side for n, t in zip(rec.ch_names, types) if t == "emg"}
    assert {"left", "right"} <= emg_sides
    assert types.count("acc") == 6 and types.count("ecg") == 1 and types.count("stim") == 1
    assert {"ACC R wrist X", "ACC R wrist Y", "ACC R wrist Z", "ACC L wrist X", "ACC L wrist Y", "ACC L wrist Z"} <= set(
        rec.ch_names)
    assert rec.n_channels == 24
    jerks = truth.select("jerk")
    eps = set(jerks.measures["episode"])
    per_min = len(eps) / 10.0
    assert 30 <= per_min <= 60
    assert len(set(jerks.channel)) >= 6  # multifocal
    stim_locked = np.isfinite(jerks.measures["stimulus_latency"])
    assert stim_locked.sum() >= 10
    reasons = set(truth.select("artifact").measures["reason"])
    assert {"ecg", "electrode_pop", "saturation"} <= reasons
    assert "flat" not in reasons
    assert len(truth.select("silent_period")) > 0 and len(truth.select("acc_jerk")) > 0
    assert res.params["seed"] == 0 and res.params["mains"] == 50.0


# --------------------------------------------------------------------------- figures
@pytest.mark.parametrize("profile", ["cortical", "hypnic", "negative"])
def test_plot_simulation_figure(profile, tmp_path):
    from matplotlib.figure import Figure

    res = simulate(profile, duration=100 if profile == "hypnic" else 30, seed=2)
    fname = tmp_path / f"{profile}.png"
    fig = plot_simulation(res, fname=fname)
    assert isinstance(fig, Figure)
    assert fname.exists() and 10_000 < fname.stat().st_size < 300_000
    axes = fig.get_axes()
    n_zoom = 0 if profile == "negative" else 1  # zoom panel on one jerk when there are jerks
    assert len(axes) == (2 if profile == "hypnic" else 1) + n_zoom
    ax = axes[1] if profile == "hypnic" else axes[0]
    lo, hi = ax.get_xlim()
    assert hi - lo == pytest.approx(30.0 if profile == "hypnic" else 10.0)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert set(labels) == set(res.recording.ch_names)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    if profile == "negative":
        assert "silent period" in legend
    else:
        assert "true jerk" in legend
    # the true jerks are drawn in red on their channel rows
    reds = [ln for ln in ax.get_lines() if ln.get_color() == "#c62828"]
    n_jerks = len(res.truth.select("jerk", tmin=lo - 0.05, tmax=hi))
    assert len(reds) == pytest.approx(n_jerks, abs=2)
    # explicit window, no zoom
    fig = plot_simulation(res, tmin=2.0, tmax=7.0, zoom=False)
    main = fig.get_axes()[-1]
    assert main.get_xlim() == pytest.approx((2.0, 7.0))
