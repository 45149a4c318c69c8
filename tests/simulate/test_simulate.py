"""Statistics of the simulator against its parameters (not just shapes)."""
import json

import numpy as np
import pytest
import scipy.signal as sps

from myoclonus._validate import MyoclonusUsageError
from myoclonus.events import Events
from myoclonus.io.recording import Recording
from myoclonus.io.sites import parse_label
from myoclonus.simulate import PROFILES, SimulationResult, demo_recording, plot_simulation, simulate
from myoclonus.simulate.profiles import MUSCLE_PHYSIOLOGY, PROFILE_NAMES, cord_position

FS = 2048.0
JERK_PROFILES = [p for p in PROFILE_NAMES if PROFILES[p]["recruitment"] != "none"]


def _bandpass(x, lo=20.0, hi=450.0, fs=FS):
    sos = sps.butter(4, [lo, hi], "bandpass", fs=fs, output="sos")
    return sps.sosfiltfilt(sos, x)


def _episodes(truth):
    """Dict episode id -> {channel: onset} for jerk events."""
    j = truth.select("jerk")
    out = {}
    for on, ch, ep in zip(j.onset, j.channel, j.measures["episode"]):
        out.setdefault(int(ep), {})[str(ch)] = float(on)
    return out


# --------------------------------------------------------------------------- API
def test_public_api_and_unpacking():
    import myoclonus.simulate as ms

    assert set(ms.__all__) == {"simulate", "demo_recording", "SimulationResult", "PROFILES", "plot_simulation"}
    res = simulate("cortical", duration=20, seed=1)
    assert isinstance(res, SimulationResult)
    rec, truth = res
    assert isinstance(rec, Recording) and isinstance(truth, Events)
    assert res.profile == "cortical" and res.hypnogram is None
    assert rec.sfreq == FS and rec.duration == pytest.approx(20.0)
    json.dumps(res.params)  # JSON-serialisable
    assert res.params["seed"] == 1 and res.params["contamination"]["ecg"] is True
    assert set(np.unique(truth.kind)) <= {"jerk", "sustained", "silent_period", "acc_jerk", "artifact"}
    text = res.methods()
    assert "doi" in text and "cortical" in text and len(text) > 300
    assert len(res.stimuli) > 0 and set(res.stimuli.channel) == {"Stim"}
    for name in PROFILE_NAMES:
        assert PROFILES[name]["references"], name
        assert PROFILES[name]["description"], name


def test_validation_messages():
    with pytest.raises(MyoclonusUsageError, match="Allowed values.*but got 'cortikal'"):
        simulate("cortikal", duration=20)
    with pytest.raises(MyoclonusUsageError, match="duration"):
        simulate("cortical", duration=5)
    with pytest.raises(MyoclonusUsageError, match="simulation parameter"):
        simulate("cortical", duration=20, not_a_param=3)
    with pytest.raises(MyoclonusUsageError, match="contamination switch"):
        simulate("cortical", duration=20, contamination=["ecg", "hum"])
    with pytest.raises(MyoclonusUsageError, match="read as type"):
        simulate("cortical", duration=20, channels=["EMG R FDI", "Foo"])
    with pytest.raises(MyoclonusUsageError, match="mains"):
        simulate("cortical", duration=20, mains=55)


@pytest.mark.parametrize("profile", PROFILE_NAMES)
def test_default_montages_parse_and_fit_edf(profile):
    labels = PROFILES[profile]["channels"]
    assert len(labels) == len(set(labels))
    for lab in labels:
        ctype, site = parse_label(lab)
        assert ctype in ("emg", "eeg", "acc", "ecg", "stim"), lab
        assert len(lab) <= 16, lab  # EDF labels are 16 characters
        if ctype == "emg":
            assert site.muscle in MUSCLE_PHYSIOLOGY, lab
        if ctype == "eeg":
            assert site.segment == "scalp"
        if ctype == "acc":
            assert site.segment is not None, lab
    assert sum(parse_label(lab)[0] == "emg" for lab in labels) >= 6


# --------------------------------------------------------------------------- jerk statistics
@pytest.fixture(scope="module")
def sims():
    """One 120-s simulation per profile, no contamination (shared by several tests)."""
    durations = {"hypnic": 240.0, "functional": 120.0, "segmental": 30.0, "healthy": 40.0, "subcortical": 90.0,
                 "propriospinal": 90.0}
    return {p: simulate(p, duration=durations.get(p, 60.0), seed=11, contamination="none") for p in PROFILE_NAMES}


@pytest.mark.parametrize("profile", JERK_PROFILES)
def test_burst_durations_follow_profile(sims, profile):
    P = PROFILES[profile]
    j = sims[profile].truth.select("jerk")
    assert len(j) >= 5
    lo, hi = P["jerk_duration"]
    tol = 1.0 / FS
    assert np.all(j.duration >= lo - tol) and np.all(j.duration <= hi + tol)
    if profile != "functional":  # functional durations are drawn per muscle (independent)
        med = np.median(j.duration)
        assert 0.6 * P["jerk_duration_median"] < med < 1.5 * P["jerk_duration_median"]


def test_cortical_durations_below_45ms_cutoff(sims):
    j = sims["cortical"].truth.select("jerk")
    assert np.all(j.duration <= 0.050 + 1 / FS) and np.all(j.duration >= 0.010 - 1 / FS)
    assert np.mean(j.duration < 0.045) > 0.9  # van der Veen 2024 cut-off
    assert 0.022 < np.mean(j.duration) < 0.036  # mean ~31 ms in cortical myoclonus


@pytest.mark.parametrize(("profile", "rate", "duration"), [("cortical", 40.0, 240.0), ("essential", 15.0, 360.0),
                                                          ("subcortical", 8.0, 480.0)])
def test_jerk_rate_matches_parameter(profile, rate, duration):
    labels = [c for c in PROFILES[profile]["channels"] if parse_label(c)[0] == "emg"]
    res = simulate(profile, duration=duration, seed=3, rate=rate, channels=labels, contamination="none")
    eps = _episodes(res.truth)
    observed = len(eps) / (duration / 60.0)
    assert observed == pytest.approx(rate, rel=0.25)
    assert np.all(np.isnan(res.truth.select("jerk").measures["stimulus_latency"]))


def test_no_overlap_and_separation_from_voluntary(sims):
    for p in JERK_PROFILES:
        res = sims[p]
        j = res.truth.select("jerk")
        vol = res.activity.select("voluntary")
        for ch in np.unique(j.channel):
            jj = j.select(channel=ch)
            gaps = jj.onset[1:] - jj.offset[:-1]
            assert np.all(gaps >= 0.020 - 1e-9), (p, ch)
            vv = vol.select(channel=ch)
            for a, b in zip(vv.onset, vv.offset):
                assert not np.any((jj.onset < b) & (jj.offset > a)), (p, ch)


def test_cortical_multifocal_distal_more_than_proximal(sims):
    truth = sims["cortical"].truth
    eps = _episodes(truth)
    focus = [min(d, key=d.get) for d in eps.values()]
    distal = sum(parse_label(f)[1].proximal == "distal" for f in focus)
    proximal = sum(parse_label(f)[1].proximal == "proximal" for f in focus)
    assert distal > 1.5 * proximal
    sides = {parse_label(f)[1].side for f in focus}
    assert {"left", "right"} <= sides  # multifocal, both sides


def test_subcortical_recruitment_scm_first_truth_and_signal():
    labels = ["EMG R SCM", "EMG R Masseter", "EMG R Orb oculi", "EMG R Deltoid", "EMG R FDI", "EMG R TibAnt"]
    res = simulate("subcortical", duration=240, seed=4, channels=labels, contamination="none", voluntary_rate=0)
    eps = [d for d in _episodes(res.truth).values() if len(d) == len(labels)]
    assert len(eps) >= 15
    first = [min(d, key=d.get) for d in eps]
    assert np.mean([f == "EMG R SCM" for f in first]) >= 0.95
    # expected delays from the model (reticulospinal 50 m/s, brainstem 3 m/s, peripheral times)
    P = PROFILES["subcortical"]

    def expected(lab):
        info = MUSCLE_PHYSIOLOGY[parse_label(lab)[1].muscle]
        if info["root"] is not None:
            return cord_position(info["root"]) / 100 / P["reticulospinal_velocity"] + info["periph"]
        cm = {"XI": 0, "XII": 1, "VII": 2, "V": 3}[info["nerve"]]
        return cm / 100 / P["brainstem_velocity"] + info["periph"]

    rec = res.recording
    env = {}
    for lab in labels:
        x = np.abs(_bandpass(rec.get_data([lab])[0]))
        env[lab] = np.convolve(x, np.ones(8) / 8, mode="same")
    for lab in labels[1:]:
        d_truth = np.mean([d[lab] - d["EMG R SCM"] for d in eps])
        assert d_truth == pytest.approx(expected(lab) - expected("EMG R SCM"), abs=0.0015)
        # from the signals: threshold crossing of the rectified EMG around each true onset
        meas = []
        for d in eps:
            ons = {}
            for ch in ("EMG R SCM", lab):
                i = int(d[ch] * FS)
                e = env[ch]
                base = e[i - int(0.3 * FS) : i - int(0.1 * FS)]
                thr = base.mean() + 6 * base.std()
                seg = e[i - int(0.02 * FS) : i + int(0.05 * FS)]
                k = np.argmax(seg > thr)
                ons[ch] = (i - int(0.02 * FS) + k) / FS
            meas.append(ons[lab] - ons["EMG R SCM"])
        assert np.median(meas) == pytest.approx(d_truth, abs=0.004)
        assert np.median(meas) > 0


def test_propriospinal_axial_start_and_conduction_velocity():
    labels = [c for c in PROFILES["propriospinal"]["channels"] if parse_label(c)[0] == "emg"]
    res = simulate("propriospinal", duration=400, seed=2, rate=8, contamination="none", channels=labels)
    P = PROFILES["propriospinal"]
    eps = list(_episodes(res.truth).values())
    assert len(eps) >= 25
    first = [min(d, key=d.get) for d in eps]
    axial = [parse_label(f)[1].muscle in ("paraspinal", "rectus_abdominis") for f in first]
    assert np.mean(axial) >= 0.9
    assert not any(parse_label(ch)[1].segment == "cranial" for d in eps for ch in d)
    j = res.truth.select("jerk")
    assert np.all(j.duration >= 0.1 - 1 / FS) and np.all(j.duration <= 2.0 + 1 / FS)
    assert np.mean(j.duration <= 0.4) > 0.75
    # velocity from truth: delay minus peripheral time against cord distance from the generator
    gen = cord_position(P["generator_root"])
    dist, dly = [], []
    for d in eps:
        t0 = min(d.values())
        for ch, on in d.items():
            site = parse_label(ch)[1]
            from myoclonus.simulate.profiles import muscle_root

            info = muscle_root(ch, site.muscle, site.segment)
            dist.append(abs(cord_position(info["root"]) - gen) / 100.0)
            dly.append(on - info["periph"])
    dist, dly = np.array(dist), np.array(dly)
    # per-episode offsets removed by regression with episode dummies: use within-episode differences
    slope = np.polyfit(dist, dly - np.repeat([min(d.values()) for d in eps], [len(d) for d in eps]), 1)[0]
    v = 1.0 / slope
    assert 3.0 <= v <= 11.0
    assert v == pytest.approx(P["conduction_velocity"], rel=0.2)


def test_segmental_rhythm_and_distribution():
    res = simulate("segmental", duration=120, seed=5, contamination="none", voluntary_rate=0)
    P = PROFILES["segmental"]
    eps = _episodes(res.truth)
    t = np.sort([min(d.values()) for d in eps.values()])
    iji = np.diff(t)
    iji = iji[iji < 1.5 / P["rhythm_hz"]]
    f = 1.0 / np.median(iji)
    assert 1.0 <= f <= 3.0 and f == pytest.approx(P["rhythm_hz"], rel=0.1)
    assert np.std(iji) / np.mean(iji) < 0.15
    chans = set(res.truth.select("jerk").channel)
    lo, hi = cord_position("C5"), cord_position("C7")
    for ch in chans:
        site = parse_label(ch)[1]
        assert site.side == "right"
        root = MUSCLE_PHYSIOLOGY[site.muscle]["root"]
        assert lo <= cord_position(root) <= hi
    j = res.truth.select("jerk")
    assert np.all((j.duration >= 0.1 - 1 / FS) & (j.duration <= 0.3 + 1 / FS))


def test_functional_variable_recruitment_order(sims):
    eps = [d for d in _episodes(sims["functional"].truth).values() if len(d) >= 2]
    orders = {tuple(sorted(d, key=d.get)[:2]) for d in eps}
    assert len(orders) >= 4  # recruitment order changes from jerk to jerk


def test_healthy_has_no_jerks(sims):
    truth = sims["healthy"].truth
    assert len(truth.select("jerk")) == 0
    assert len(truth.select("silent_period")) == 0
    assert len(truth.select("sustained")) > 0
    assert len(sims["healthy"].activity.select("voluntary")) > 0


def test_hypnic_jerks_at_sleep_onset(sims):
    res = sims["hypnic"]
    hyp = res.hypnogram
    assert list(hyp.columns) == ["onset", "duration", "stage"]
    assert set(hyp.stage) <= {"W", "N1", "N2"}
    assert np.allclose(hyp.duration[:-1], 30.0) and np.allclose(np.diff(hyp.onset), 30.0)
    st = list(hyp.stage)
    trans = [hyp.onset[i] for i in range(1, len(st)) if st[i - 1] == "W" and st[i] == "N1"]
    assert trans
    eps = _episodes(res.truth)
    t = np.array([min(d.values()) for d in eps.values()])
    assert len(t) >= 1
    for x in t:
        assert any(0 <= x - tr <= 25 for tr in trans)
    per = [np.sum((t >= tr) & (t <= tr + 25)) for tr in trans]
    assert max(per) <= 3
    j = res.truth.select("jerk")
    assert np.all((j.duration >= 0.075 - 1 / FS) & (j.duration <= 0.25 + 1 / FS))
    assert len(set(j.channel)) >= 4  # generalised


# --------------------------------------------------------------------------- signals vs truth
def test_signals_obey_truth_snr():
    snr = 3.0
    res = simulate("cortical", duration=120, seed=8, snr=snr, contamination="none",
                   channels=["EMG R FDI", "EMG R ECR", "EMG L FDI", "EMG L Deltoid"])
    rec, truth = res
    for ch in rec.ch_names:
        x = _bandpass(rec.get_data([ch])[0])
        bg = res.params["channel_params"][ch]["background_uv"]
        j = truth.select("jerk", ch)
        ratios = []
        for on, d in zip(j.onset, j.duration):
            i0, i1 = int(round(on * FS)), int(round((on + d) * FS))
            ratios.append(np.sqrt(np.mean(x[i0:i1] ** 2)) / bg)
        assert np.mean(ratios) > 0.5 * snr * 1.3
        assert np.mean(np.array(ratios) > 0.5 * snr) > 0.9
        # outside every jerk, tonic, voluntary and silent activity: background level
        mask = np.ones(x.size, bool)
        for ev in (truth.select(["jerk", "silent_period"], ch), res.activity.select(channel=ch)):
            for on, off in zip(ev.onset, ev.offset):
                mask[max(0, int((on - 0.1) * FS)) : int((off + 0.1) * FS)] = False
        mask[: int(FS)] = mask[-int(FS) :] = False
        rms = np.sqrt(np.mean(x[mask] ** 2))
        assert rms == pytest.approx(bg, rel=0.15)
        # truth measures agree with the signal
        assert np.all(j.measures["peak_amplitude_uv"] > j.measures["rms_uv"])
        assert np.median(j.measures["snr_db"]) == pytest.approx(20 * np.log10(0.85 * snr), abs=3.0)


def test_emg_spectrum_band_and_peak():
    res = simulate("cortical", duration=60, seed=9, contamination="none", channels=["EMG R FDI", "EMG L ECR"])
    for ch in res.recording.ch_names:
        x = res.recording.get_data([ch])[0]
        f, p = sps.welch(x, FS, nperseg=4096)
        band = (f >= 20) & (f <= 450)
        assert p[band].sum() / p.sum() > 0.9
        smooth = np.convolve(p, np.ones(9) / 9, mode="same")
        assert 50 <= f[np.argmax(smooth)] <= 150
        # median frequency of sEMG (De Luca 1997): 60-150 Hz
        c = np.cumsum(p) / p.sum()
        assert 60 <= f[np.searchsorted(c, 0.5)] <= 150


def test_eeg_spectrum_one_over_f_with_alpha():
    res = simulate("healthy", duration=120, seed=3, contamination="none", channels=["Pz", "P4", "C3"])
    x = res.recording.get_data(["Pz"])[0]
    f, p = sps.welch(x, FS, nperseg=int(4 * FS))
    fit = (f >= 2) & (f <= 40) & ~((f >= 6) & (f <= 14))
    slope, icpt = np.polyfit(np.log10(f[fit]), np.log10(p[fit]), 1)
    assert -2.6 < slope < -0.8
    alpha = (f >= 8) & (f <= 12)
    aper = 10 ** (icpt + slope * np.log10(f[alpha]))
    assert np.max(p[alpha] / aper) > 3.0
    assert 8.0 <= f[alpha][np.argmax(p[alpha])] <= 12.0
    # background amplitude of scalp EEG: 5-50 uV SD after 0.5 Hz high-pass
    sd = np.std(sps.sosfiltfilt(sps.butter(2, 0.5, "highpass", fs=FS, output="sos"), x))
    assert 5 < sd < 50


def test_premyoclonic_transient_only_with_back_averaging():
    res = simulate("cortical", duration=200, seed=5, rate=90, contamination="none", voluntary_rate=0,
                   channels=["C3", "C4", "Cz", "EMG R FDI", "EMG L FDI"])
    rec, truth = res
    A = res.params["premyoclonic_uv"]
    x = rec.get_data(["C3"])[0]
    xf = sps.sosfiltfilt(sps.butter(2, 1.0, "highpass", fs=FS, output="sos"), x)
    bg_sd = xf.std()
    assert A < bg_sd  # single trial: invisible under the background
    eps = _episodes(truth)
    onsets = [d["EMG R FDI"] for d in eps.values() if min(d, key=d.get) == "EMG R FDI"]
    assert len(onsets) >= 100
    pre, post = int(0.3 * FS), int(0.05 * FS)
    idx = (np.array(onsets) * FS).astype(int)
    idx = idx[(idx > pre) & (idx < xf.size - post)]
    ep = np.stack([xf[i - pre : i + post] for i in idx])
    ep -= ep[:, : int(0.2 * FS)].mean(axis=1, keepdims=True)
    avg = ep.mean(axis=0)
    sem = ep.std(axis=0).mean() / np.sqrt(len(ep))  # SEM-based noise level
    t = np.arange(-pre, post) / FS
    win = (t >= -0.045) & (t <= -0.010)
    t_neg = t[win][np.argmin(avg[win])]
    t_pos = t[win][np.argmax(avg[win])]
    assert -0.040 <= t_neg <= -0.015 and -0.045 <= t_pos <= -0.015
    assert t_pos < t_neg  # positive then negative
    assert -avg[win].min() > 4 * sem and avg[win].max() > 2 * sem
    base = t < -0.1
    assert np.abs(avg[base]).max() < 3 * sem  # nothing similar in the baseline
    # single trials: the transient is not visible (the peak trial-to-trial SD dominates)
    assert np.std(ep[:, win], axis=0).mean() > 1.5 * (-avg[win].min())
    # ipsilateral electrode shows (almost) nothing
    y = sps.sosfiltfilt(sps.butter(2, 1.0, "highpass", fs=FS, output="sos"), rec.get_data(["C4"])[0])
    ep4 = np.stack([y[i - pre : i + post] for i in idx])
    ep4 -= ep4[:, : int(0.2 * FS)].mean(axis=1, keepdims=True)
    assert np.abs(ep4.mean(axis=0)[win]).max() < 0.4 * np.abs(avg[win]).max()


def test_cortical_muscle_coherence_in_beta_band():
    res = simulate("cortical", duration=90, seed=6, rate=0, contamination="none", voluntary_rate=0,
                   posture_fraction=1.0, channels=["C3", "C4", "EMG R ECR"])
    rec = res.recording
    c3 = rec.get_data(["C3"])[0]
    emg = np.abs(_bandpass(rec.get_data(["EMG R ECR"])[0]))
    f, coh = sps.coherence(c3, emg, FS, nperseg=int(FS))
    beta = coh[(f >= 15) & (f <= 30)].mean()
    gamma = coh[(f >= 60) & (f <= 90)].mean()
    assert beta > 0.1 and beta > 5 * gamma


def test_bereitschaftspotential_in_functional_backaverage():
    res = simulate("functional", duration=600, seed=7, rate=12, contamination="none", voluntary_rate=0,
                   channels=["Cz", "C4", "Fz", "EMG R Deltoid", "EMG T8 Parasp", "EMG R SCM"])
    rec, truth = res
    lo, hi = res.params["bp_uv"]
    eps = _episodes(truth)
    onsets = np.array(sorted(min(d.values()) for d in eps.values()))
    assert len(onsets) >= 80
    x = rec.get_data(["Cz"])[0]
    pre, post = int(3.5 * FS), int(0.5 * FS)
    idx = (onsets * FS).astype(int)
    idx = idx[(idx > pre) & (idx < x.size - post)]
    ep = np.stack([x[i - pre : i + post] for i in idx])
    t = np.arange(-pre, post) / FS
    ep -= ep[:, (t >= -3.5) & (t <= -2.5)].mean(axis=1, keepdims=True)
    avg = ep.mean(axis=0)
    late = (t >= -0.3) & (t <= 0.0)
    sem = ep[:, late].mean(axis=1).std() / np.sqrt(len(ep))
    assert avg[late].mean() < -0.5 * lo  # negative, several uV
    assert -avg[late].mean() > 4 * sem
    # the negativity starts 1-2 s before the jerk
    k = np.convolve(avg, np.ones(int(0.2 * FS)) / int(0.2 * FS), mode="same")
    thr = 0.25 * k[late].mean()
    below = np.where((k < thr) & (t < 0))[0]
    start = t[below[0]] if below.size else 0.0
    assert -2.3 <= start <= -0.6
    # nothing before the BP, and maximal at the vertex
    assert abs(avg[(t >= -3.3) & (t <= -2.6)].mean()) < 0.3 * lo
    y = rec.get_data(["C4"])[0]
    ep4 = np.stack([y[i - pre : i + post] for i in idx])
    ep4 -= ep4[:, (t >= -3.5) & (t <= -2.5)].mean(axis=1, keepdims=True)
    assert ep4.mean(axis=0)[late].mean() > avg[late].mean()


def test_accelerometer_follows_emg_with_mechanical_delay():
    delay = 0.045
    res = simulate("cortical", duration=120, seed=12, contamination="none", mechanical_delay=delay,
                   channels=["EMG R FDI", "EMG R ECR", "ACC R wrist X", "ACC R wrist Y", "ACC R wrist Z"],
                   voluntary_rate=0, posture_fraction=0.0)
    rec, truth = res
    acc = truth.select("acc_jerk")
    assert len(acc) >= 30
    assert set(acc.channel) == {"ACC R wrist X"}
    md = acc.measures["mechanical_delay"]
    assert np.median(md) == pytest.approx(delay, abs=0.002)
    assert np.allclose(acc.onset - acc.measures["linked_onset"], md)
    jerk_onsets = truth.select("jerk").onset
    assert np.all(np.min(np.abs(acc.measures["linked_onset"][:, None] - jerk_onsets[None, :]), axis=1) < 1e-9)
    # from the signal: first threshold crossing of the gravity-free acceleration magnitude
    xyz = rec.get_data(["ACC R wrist X", "ACC R wrist Y", "ACC R wrist Z"])
    hp = sps.sosfiltfilt(sps.butter(2, 2.0, "highpass", fs=FS, output="sos"), xyz, axis=1)
    mag = np.sqrt((hp**2).sum(axis=0))
    meas = []
    lo_all = np.sort(acc.measures["linked_onset"])
    isolated = [t0 for k, t0 in enumerate(lo_all) if k == 0 or t0 - lo_all[k - 1] > 0.5]
    assert len(isolated) >= 20
    for t0 in isolated:
        i = int(t0 * FS)
        base = mag[i - int(0.2 * FS) : i]
        thr = base.mean() + 6 * base.std()
        seg = mag[i : i + int(0.15 * FS)]
        if np.any(seg > thr):
            meas.append(np.argmax(seg > thr) / FS)
    assert len(meas) > 0.9 * len(isolated)
    assert np.median(meas) == pytest.approx(delay, abs=0.008)
    assert np.median(meas) >= delay  # never before the mechanical delay


def test_silent_periods_only_inside_tonic_activity(sims):
    res = sims["negative"]
    truth = res.truth
    sp = truth.select("silent_period")
    assert len(sp) >= 20
    lo, hi = PROFILES["negative"]["silent_duration"]
    assert np.all((sp.duration >= lo - 1 / FS) & (sp.duration <= hi + 1 / FS))
    tonic = res.activity.select("tonic")
    for on, off, ch in zip(sp.onset, sp.offset, sp.channel):
        tt = tonic.select(channel=ch)
        assert np.any((tt.onset <= on) & (tt.offset >= off)), (on, ch)
        assert truth.select("sustained", ch).onset.size > 0
    # the EMG really falls silent: RMS inside < 40 % of the tonic RMS just before
    rec = res.recording
    ratios = []
    for on, d, ch in zip(sp.onset, sp.duration, sp.channel):
        x = _bandpass(rec.get_data([str(ch)], tmin=on - 0.4, tmax=on + d)[0])
        n_before = int(0.3 * FS)
        before = np.sqrt(np.mean(x[:n_before] ** 2))
        inside = np.sqrt(np.mean(x[int(0.4 * FS) + int(0.01 * FS) : -int(0.01 * FS) or None] ** 2))
        ratios.append(inside / before)
    assert np.median(ratios) < 0.4
    assert len(truth.select("jerk")) == 0
    assert len(truth.select("acc_jerk")) > 0  # lapses of posture


def test_stimulus_locked_jerks_reflex_latency():
    res = simulate("cortical", duration=240, seed=13, contamination="none", stimulus_rate=12, rate=5,
                   channels=["C3", "EMG R FDI", "EMG R ECR", "EMG L FDI", "Stim"])
    rec, truth = res
    stim = res.stimuli
    assert len(stim) >= 30
    x = rec.get_data(["Stim"])[0]
    rising = np.where(np.diff(x) > 0.5)[0] + 1
    assert np.allclose(rising / FS, stim.onset, atol=1 / FS)
    j = truth.select("jerk", "EMG R FDI")
    lat = j.measures["stimulus_latency"]
    lat = lat[np.isfinite(lat)]
    assert len(lat) >= 10
    # C reflex: N20 + cortical relay (25 ms) + cortico-muscular conduction to FDI (21 + 3 ms)
    assert np.median(lat) == pytest.approx(0.049, abs=0.003)
    assert np.std(lat) < 0.003
    assert len(truth.select("jerk", "EMG L FDI").measures["stimulus_latency"][
        np.isfinite(truth.select("jerk", "EMG L FDI").measures["stimulus_latency"])]) == 0


def test_functional_stimulus_latencies_long_and_variable():
    res = simulate("functional", duration=300, seed=14, contamination="none", stimulus_rate=12,
                   stimulus_habituation=None, stimulus_probability=0.9, rate=1)
    lat = res.truth.select("jerk").measures["stimulus_latency"]
    ep = res.truth.select("jerk").measures["episode"]
    first = {}
    for e, l in zip(ep, lat):
        if np.isfinite(l):
            first[e] = min(l, first.get(e, np.inf))
    lat = np.array(list(first.values()))
    assert len(lat) >= 20
    assert np.median(lat) > 0.1  # longer than reflex latencies (Thompson et al. 1992)
    assert np.std(lat) / np.mean(lat) > 0.2  # variable


def test_cortical_subcortical_spike_wave_visible_in_single_trials(sims):
    res = sims["cortical_subcortical"]
    x = res.recording.get_data(["Fz"])[0]
    xf = sps.sosfiltfilt(sps.butter(2, [1, 70], "bandpass", fs=FS, output="sos"), x)
    eps = _episodes(res.truth)
    onsets = [min(d.values()) for d in eps.values()]
    trough = [xf[int((t - 0.06) * FS) : int(t * FS)].min() for t in onsets]
    assert np.median(trough) < -2.5 * xf.std() / 2  # large negative spike before each jerk
    assert np.median(np.abs(trough)) > 40.0


def test_set_delays_and_gains_override_recruitment():
    labels = ["EMG R SCM", "EMG R Deltoid", "EMG R FDI", "EMG R TibAnt"]
    delays = {"EMG R SCM": 0.0, "EMG R Deltoid": 0.010, "EMG R FDI": 0.020, "EMG R TibAnt": 0.045}
    res = simulate("cortical_subcortical", duration=120, seed=15, channels=labels, contamination="none",
                   delays=delays, gains={"EMG R FDI": 2.0}, delay_jitter=0.0, voluntary_rate=0)
    eps = [d for d in _episodes(res.truth).values() if len(d) == 4]
    assert len(eps) >= 10
    for lab, dl in delays.items():
        got = [d[lab] - d["EMG R SCM"] for d in eps]
        assert np.allclose(got, dl, atol=1.0 / FS)
    j = res.truth.select("jerk")
    rms = {lab: np.median(j.select(channel=lab).measures["rms_uv"]) / res.params["channel_params"][lab]["background_uv"]
           for lab in labels}
    others = np.median([rms[lab] for lab in labels if lab != "EMG R FDI"])
    assert rms["EMG R FDI"] == pytest.approx(2.0 * others, rel=0.3)


def test_cortical_action_sensitivity(sims):
    res = simulate("cortical", duration=300, seed=16, contamination="none", voluntary_rate=0,
                   channels=["EMG R FDI", "EMG R ECR", "EMG L FDI", "EMG L ECR"])
    tonic = res.activity.select("tonic", "EMG R ECR")
    eps = _episodes(res.truth)
    t = np.array([min(d.values()) for d in eps.values()])
    inside = np.zeros(t.size, bool)
    for a, b in zip(tonic.onset, tonic.offset):
        inside |= (t >= a) & (t < b)
    t_in = np.sum(tonic.duration)
    rate_in = inside.sum() / t_in
    rate_out = (~inside).sum() / (res.recording.duration - t_in)
    assert rate_in / rate_out == pytest.approx(PROFILES["cortical"]["action_gain"], rel=0.4)


def test_giant_sep_to_stimuli_over_contralateral_cortex():
    res = simulate("cortical", duration=200, seed=17, contamination="none", stimulus_rate=20, rate=2,
                   channels=["C3", "C4", "EMG R FDI", "Stim"])
    rec = res.recording
    s = res.stimuli.onset
    assert len(s) >= 40
    out = {}
    for ch in ("C3", "C4"):
        x = sps.sosfiltfilt(sps.butter(2, 1.0, "highpass", fs=FS, output="sos"), rec.get_data([ch])[0])
        idx = (s * FS).astype(int)
        ep = np.stack([x[i - int(0.05 * FS) : i + int(0.06 * FS)] for i in idx])
        ep -= ep[:, : int(0.04 * FS)].mean(axis=1, keepdims=True)
        t = np.arange(-int(0.05 * FS), int(0.06 * FS)) / FS
        avg = ep.mean(axis=0)
        p25 = avg[(t >= 0.022) & (t <= 0.028)].max()
        n33 = avg[(t >= 0.030) & (t <= 0.037)].min()
        out[ch] = p25 - n33
    sep = res.params["sep_uv"]
    assert out["C3"] == pytest.approx(2 * sep, rel=0.3)  # P25-N33 peak to peak
    assert out["C3"] > 8.6  # "giant" (upper normal limit of P25-N33 ~8.6 uV)
    assert out["C4"] < 0.2 * out["C3"]


def test_truth_amplitude_measures_consistent(sims):
    res = sims["cortical"]
    j = res.truth.select("jerk")
    bg = np.array([res.params["channel_params"][c]["background_uv"] for c in j.channel])
    env = j.measures["envelope_uv"]
    # envelope = snr x background x (gain x random factor clipped to 0.7-1.5) ; spread muscles 0.5-0.9
    ratio = env / (res.params["snr"] * bg)
    assert np.all(ratio > 0.3) and np.all(ratio < 1.6)
    assert np.median(ratio) == pytest.approx(1.0, abs=0.25)
    # a stochastic burst: its RMS is ~0.8 x envelope (rise/decay), its peak ~2-4 x envelope
    assert 0.6 < np.median(j.measures["rms_uv"] / env) < 1.0
    assert 1.5 < np.median(j.measures["peak_amplitude_uv"] / env) < 4.0
    assert np.allclose(j.measures["snr_db"], 20 * np.log10(j.measures["rms_uv"] / bg))
