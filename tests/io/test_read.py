"""read_recording on every file of ../shared/data/real and on written files; bad inputs."""
from __future__ import annotations

import datetime as dt
import warnings

import numpy as np
import pytest

import myoclonus
from myoclonus import MyoclonusInputError, MyoclonusUsageError, Recording, read_recording
from myoclonus.io.edf import write_edf

# (relative path, n_channels, sfreq, duration_s, n_annotations) from ../shared/data/README.md
REAL_FILES = [
    ("physionet_emgdb/emg_healthy.hea", 1, 4000.0, 12.715, 0),
    ("physionet_emgdb/emg_myopathy.hea", 1, 4000.0, 27.58425, 0),
    ("physionet_emgdb/emg_neuropathy.hea", 1, 4000.0, 36.9645, 0),
    ("biosppy/emg.txt", 1, 1000.0, 100.0, 0),
    ("biosppy/emg_1.txt", 1, 1000.0, 63.88, 0),
    ("biosppy/acc.txt", 3, 100.0, 20.0, 0),
    ("mne_testing_data/multiple_annotation_chans.bdf", 19, 125.0, 247.0, 10),
    ("mne_testing_data/subsecond_starttime.edf", 3, 512.0, 5.0, 2),
    ("mne_testing_data/chtypes_edf.edf", 42, 200.0, 5.0, 8),
]


@pytest.mark.parametrize("rel,n_ch,sfreq,duration,n_ann", REAL_FILES)
def test_real_files(real_dir, rel, n_ch, sfreq, duration, n_ann):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rec = read_recording(real_dir / rel)
    assert rec.n_channels == n_ch
    assert set(rec.sfreqs) == {sfreq}
    assert rec.duration == pytest.approx(duration, abs=1.0 / sfreq)
    assert len(rec.annotations) == n_ann
    data = rec.get_data(tmin=0, tmax=1.0)
    assert data.shape == (n_ch, int(sfreq))
    assert np.isfinite(data).all()


def test_wfdb_units_and_values(real_dir):
    import wfdb

    rec = read_recording(real_dir / "physionet_emgdb/emg_neuropathy.hea")
    ref = wfdb.rdrecord(str(real_dir / "physionet_emgdb/emg_neuropathy"))
    assert rec.channels[0].type == "emg" and rec.channels[0].unit == "uV"
    x = rec.get_data()[0]
    # mV in the file -> microvolts here
    np.testing.assert_allclose(x, ref.p_signal[:, 0] * 1000.0, rtol=1e-9)
    # clipping at +/-3.2767 mV is visible in microvolts
    assert x.max() == pytest.approx(3275.3, abs=0.5) and x.min() == pytest.approx(-3276.7, abs=0.5)
    # a slice equals the same part of the whole
    np.testing.assert_allclose(rec.get_data(tmin=1.0, tmax=1.5)[0], x[4000:6000])


def test_bdf_types_units_annotations(real_dir):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rec = read_recording(real_dir / "mne_testing_data/multiple_annotation_chans.bdf")
    types = dict(zip(rec.ch_names, rec.ch_types))
    assert types["EMG"] == "emg" and types["EOG"] == "eog" and types["ECG"] == "ecg"
    assert types["Trigger"] == "stim" and types["C3"] == "eeg"
    assert [types[f"acc{i}"] for i in (1, 2, 3)] == ["acc"] * 3
    acc = rec.pick("acc")
    assert all(c.unit == "m/s^2" and c.file_unit.lower() == "g" for c in acc.channels)
    assert acc.channels[0].scale == pytest.approx(9.80665)
    desc = list(rec.annotations.description)
    assert sum(d.startswith("TestStim") for d in desc) == 7
    assert rec.meas_date == dt.datetime(2019, 12, 15, 14, 36, 46)
    # de-identified by default: the header's patient code is not in describe()
    assert "OPSA614" not in str(rec.describe())
    assert "OPSA614" in str(rec.describe(keep_identity=True))


def test_edf_matches_mne(real_dir):
    import mne

    f = real_dir / "mne_testing_data/chtypes_edf.edf"
    rec = read_recording(f)
    raw = mne.io.read_raw_edf(f, preload=True, verbose="error")
    np.testing.assert_allclose(rec.get_data(["EEG Fp1-Ref"])[0], raw.get_data(["EEG Fp1-Ref"])[0] * 1e6, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(rec.annotations.onset, np.sort(raw.annotations.onset), atol=1e-6)
    assert rec.ch_types.count("ecg") == 2


def test_from_array_and_mne_roundtrip(tmp_path):
    rng = np.random.default_rng(1)
    data = rng.normal(0, 10, (3, 2048))
    rec = Recording.from_array(data, 1024.0, ["EMG R Deltoid", "C3", "ACC R wrist X"])
    assert rec.ch_types == ["emg", "eeg", "acc"]
    assert rec.sites[0].side == "right" and rec.sites[0].muscle == "deltoid"
    assert rec.duration == pytest.approx(2.0)
    raw = rec.pick(["EMG R Deltoid", "C3"]).to_mne()
    np.testing.assert_allclose(raw.get_data()[0], data[0] * 1e-6)
    back = Recording.from_mne(raw)
    np.testing.assert_allclose(back.get_data()[0], data[0], rtol=1e-12)
    assert back.ch_types == ["emg", "eeg"]


def test_mixed_rates_kept(tmp_path):
    f = tmp_path / "mixed.edf"
    sig_fast = np.sin(np.arange(2048 * 4) / 10) * 100
    sig_slow = np.cos(np.arange(100 * 4) / 5) * 2
    write_edf(f, [sig_fast, sig_slow], [2048.0, 100.0], ["EMG L FDI", "ACC L wrist X"], physical_dims=["uV", "g"])
    rec = read_recording(f)
    assert list(rec.sfreqs) == [2048.0, 100.0]
    assert rec.groups() == {2048.0: ["EMG L FDI"], 100.0: ["ACC L wrist X"]}
    with pytest.raises(MyoclonusUsageError, match="different sampling rates"):
        rec.get_data()
    np.testing.assert_allclose(rec.get_data(["ACC L wrist X"])[0], sig_slow * 9.80665, atol=0.01)
    chunks = list(rec.iter_chunks(1.0, overlap=0.1, picks=["EMG L FDI"]))
    assert len(chunks) == 4
    core = np.concatenate([c["data"][0, c["pad_before"] : c["data"].shape[1] - c["pad_after"]] for c in chunks])
    np.testing.assert_allclose(core, rec.get_data(["EMG L FDI"])[0])


def test_lazy_read_does_not_load_data(tmp_path, monkeypatch):
    f = tmp_path / "long.edf"
    n = 2048 * 60
    write_edf(f, [np.zeros(n) + np.arange(n) % 7] * 4, [2048.0] * 4, [f"EMG{i}" for i in range(4)], physical_dims=["uV"] * 4)
    from myoclonus.io import edf

    calls = []
    orig = edf.EdfReader.read
    monkeypatch.setattr(edf.EdfReader, "read", lambda self, *a, **k: calls.append(a) or orig(self, *a, **k))
    rec = read_recording(f, check=False)
    assert rec.n_channels == 4 and calls == []
    rec.get_data(["EMG1"], tmin=10, tmax=11)
    assert calls == [(1, 20480, 22528)]


def test_text_with_time_column(tmp_path):
    f = tmp_path / "wear.csv"
    t = np.arange(500) / 250.0
    np.savetxt(f, np.column_stack([t, np.sin(t), np.cos(t)]), delimiter=",", header="time,EMG R ECR [mV],acc_x [g]", comments="")
    rec = read_recording(f)
    assert rec.ch_names == ["EMG R ECR", "acc_x"]
    assert rec.sfreqs[0] == pytest.approx(250.0)
    np.testing.assert_allclose(rec.get_data()[0], np.sin(t) * 1000.0)
    np.testing.assert_allclose(rec.get_data()[1], np.cos(t) * 9.80665)


def test_text_without_rate_needs_sfreq(tmp_path):
    f = tmp_path / "norate.txt"
    np.savetxt(f, np.random.default_rng(0).normal(size=(100, 2)))
    with pytest.raises(MyoclonusInputError, match="no time column.*--sfreq"):
        read_recording(f)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rec = read_recording(f, sfreq=500.0, channel_types={"CH1": "emg"})
    assert rec.sfreqs[0] == 500.0 and rec.ch_types[0] == "emg"


def test_brainvision_and_fif_via_mne(tmp_path):
    import mne

    rng = np.random.default_rng(2)
    info = mne.create_info(["EMG L Deltoid", "Cz"], 1000.0, ["emg", "eeg"])
    raw = mne.io.RawArray(rng.normal(0, 1e-5, (2, 3000)), info, verbose="error")
    raw.set_annotations(mne.Annotations([0.5], [0.1], ["stim"]))
    f = tmp_path / "x_raw.fif"
    raw.save(f, verbose="error")
    rec = read_recording(f)
    assert rec.ch_types == ["emg", "eeg"] and rec.duration == pytest.approx(3.0)
    assert len(rec.annotations) == 1 and rec.annotations.onset[0] == pytest.approx(0.5)
    np.testing.assert_allclose(rec.get_data()[0], raw.get_data()[0] * 1e6)


def test_units_override_and_plausibility(tmp_path):
    f = tmp_path / "volts.edf"
    x = np.random.default_rng(3).normal(0, 20e-6, 5000)  # volts written under a "uV" label
    write_edf(f, [x], [1000.0], ["EMG R FDI"], physical_dims=["uV"])
    with pytest.warns(UserWarning, match="unit"):
        read_recording(f)
    rec = read_recording(f, units={"EMG R FDI": "V"}, check=False)
    assert np.std(rec.get_data()[0]) == pytest.approx(20.0, rel=0.1)


@pytest.mark.parametrize(
    "case,match",
    [
        ("missing", "not found"),
        ("ext", "Unknown file extension"),
        ("empty", "empty"),
        ("garbage", "garbage.edf"),
        ("truncated_header", "truncated_header.edf"),
        ("no_records", "no data"),
    ],
)
def test_bad_inputs(tmp_path, case, match):
    if case == "missing":
        path = tmp_path / "nope.edf"
    elif case == "ext":
        path = tmp_path / "rec.xyz"
        path.write_text("1 2 3\n")
    elif case == "empty":
        path = tmp_path / "empty.edf"
        path.write_bytes(b"")
    elif case == "garbage":
        path = tmp_path / "garbage.edf"
        path.write_bytes(bytes(range(256)) * 8)
    else:
        good = tmp_path / "good.edf"
        write_edf(good, [np.zeros(1000)], [100.0], ["EMG"], physical_dims=["uV"])
        blob = good.read_bytes()
        path = tmp_path / f"{case}.edf"
        n_header = 256 * 3  # 1 signal + annotations signal
        path.write_bytes(blob[:100] if case == "truncated_header" else blob[:n_header])
    with pytest.raises(MyoclonusInputError, match=match):
        read_recording(path)


def test_pick_errors_are_clear():
    rec = Recording.from_array(np.zeros((2, 100)) + 1, 1000.0, ["EMG L FDI", "C3"])
    with pytest.raises(MyoclonusUsageError, match="Did you mean 'EMG L FDI'"):
        rec.pick("EMG L FD")
    with pytest.raises(MyoclonusInputError, match="No channel of the requested kind"):
        rec.pick("acc")
    assert rec.pick("EMG*").ch_names == ["EMG L FDI"]


def test_public_api_exports():
    for name in myoclonus.__all__:
        assert hasattr(myoclonus, name), name
