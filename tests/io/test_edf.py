"""Tests of the pure-numpy EDF/BDF reader and EDF+/BDF+ writer (myoclonus.io.edf)."""
from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import numpy as np
import pytest

from myoclonus._validate import MyoclonusInputError
from myoclonus.io.edf import EdfReader, write_edf

REAL = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "real"
MNE_DATA = REAL / "mne_testing_data"
UNIT_SCALE = {"uV": 1e-6, "µV": 1e-6, "mV": 1e-3, "nV": 1e-9}

# file -> (n ordinary channels, sfreq, duration s, annotation descriptions)
REAL_FILES = {
    "chtypes_edf.edf": (
        42, 200.0, 5.0,
        ["+0.000000", "Segment: REC START LTM+6 EEG", "A1+A2 OFF", "onset", "+1.000000",
         "high amp RDA F4, C4", "+2.000000", "starts turning head"],
    ),
    "subsecond_starttime.edf": (3, 512.0, 5.0, ["XLSpike", "Clip Note"]),
    "multiple_annotation_chans.bdf": (
        19, 125.0, 247.0,
        ["signal_start", "EEG-check#1", "TestStim#1", "TestStim#2", "TestStim#3", "TestStim#4",
         "TestStim#5", "TestStim#6", "TestStim#7", "Ligths-Off#1"],
    ),
}


def _real(name):
    path = MNE_DATA / name
    if not path.exists():
        pytest.skip(f"real test file {name} not available")
    return path


def _mne_raw(path):
    mne = pytest.importorskip("mne")
    # stim_channel=None: keep trigger channels scaled like the others
    return mne.io.read_raw(path, preload=True, stim_channel=None, verbose=False)


def _step(sig):
    # physical_max < physical_min is legal (inverted polarity, e.g. subsecond_starttime.edf)
    span = abs(sig["physical_max"] - sig["physical_min"])
    return span / (sig["digital_max"] - sig["digital_min"])


# ----------------------------------------------------------------------------------------------
# real files against MNE
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(REAL_FILES))
def test_real_file_header_and_annotations(name):
    path = _real(name)
    n_ch, sfreq, duration, descriptions = REAL_FILES[name]
    raw = _mne_raw(path)
    with EdfReader(path) as edf:
        assert edf.fmt == path.suffix[1:]
        assert edf.is_plus and edf.continuous
        assert len(edf.signals) == n_ch == len(raw.ch_names)
        assert [s["sfreq"] for s in edf.signals] == [sfreq] * n_ch
        assert edf.n_records * edf.record_duration == pytest.approx(duration)
        assert edf.signals[0]["n_times"] == raw.n_times == int(sfreq * duration)
        assert [a[2] for a in edf.annotations] == descriptions
        assert [a[2] for a in edf.annotations] == list(raw.annotations.description)
        np.testing.assert_allclose(
            [a[0] for a in edf.annotations], raw.annotations.onset, rtol=0, atol=1e-6
        )
        np.testing.assert_allclose(
            [a[1] for a in edf.annotations], raw.annotations.duration, rtol=0, atol=1e-6
        )
        meas = raw.info["meas_date"].astimezone(dt.timezone.utc).replace(tzinfo=None)
        # MNE drops the sub-second part of the start; it is added by EdfReader
        assert edf.start.replace(microsecond=0) == meas
        assert edf.signals[0]["label"] in raw.ch_names[0]


def test_real_subsecond_start():
    path = _real("subsecond_starttime.edf")
    raw = _mne_raw(path)
    with EdfReader(path) as edf:
        # first time-keeping TAL is '+0.3945312': start is 0.3945312 s after 04:05:56
        assert edf.start == dt.datetime(2020, 1, 24, 4, 5, 56, 394531)
        meas = raw.info["meas_date"].replace(tzinfo=None)
        assert (edf.start - meas).total_seconds() == pytest.approx(0.394531, abs=1e-6)
        onsets = [a[0] for a in edf.annotations]
        expected = [2.3457031 - 0.3945312, 3.8867187 - 0.3945312]
        np.testing.assert_allclose(onsets, expected, atol=1e-9)
        np.testing.assert_allclose(onsets, raw.annotations.onset, atol=1e-6)


@pytest.mark.parametrize("name", list(REAL_FILES))
def test_real_file_data_matches_mne(name):
    path = _real(name)
    raw = _mne_raw(path)
    mne_data = raw.get_data()
    with EdfReader(path) as edf:
        for i, sig in enumerate(edf.signals):
            data = edf.read(i)
            assert data.dtype == np.float64 and data.shape == (sig["n_times"],)
            scale = UNIT_SCALE.get(sig["physical_dim"], 1.0)
            np.testing.assert_allclose(
                data * scale, mne_data[i], rtol=1e-6, atol=1e-3 * _step(sig) * scale,
                err_msg=f"{name} signal {sig['label']}",
            )


@pytest.mark.parametrize(
    "name, start, stop",
    [
        ("chtypes_edf.edf", 0, 1),
        ("chtypes_edf.edf", 137, 611),  # spans records 0..3
        ("chtypes_edf.edf", 200, 400),  # exactly one record
        ("multiple_annotation_chans.bdf", 1000, 5003),
        ("multiple_annotation_chans.bdf", 30870, None),
        ("multiple_annotation_chans.bdf", 5, 5),
    ],
)
def test_slice_equals_full_read(name, start, stop):
    path = _real(name)
    with EdfReader(path) as edf:
        for i in (0, len(edf.signals) - 1):
            full = edf.read(i)
            part = edf.read(i, start, stop)
            np.testing.assert_array_equal(part, full[start:stop])


def test_real_file_signal_fields():
    path = _real("multiple_annotation_chans.bdf")
    with EdfReader(path) as edf:
        sig = edf.signals[6]
        assert sig["label"] == "Trigger"
        assert sig["physical_dim"] == "uV"
        assert sig["physical_min"] == -187500.0 and sig["physical_max"] == 187500.0
        assert sig["digital_min"] == -8388607 and sig["digital_max"] == 8388607
        assert sig["samples_per_record"] == 125 and sig["index"] == 6
        assert edf.record_duration == 1.0 and edf.n_records == 247
        assert "BDF+C" in repr(edf) and "OPSA" not in repr(edf)


# ----------------------------------------------------------------------------------------------
# writer round trips
# ----------------------------------------------------------------------------------------------
ANNOTATIONS = [
    (0.5, 0.0, "jerk"),
    (3.25, 1.5, "Zuckung Äöü µV – négatif"),
    (9.9, 0.1, "end"),
]


def _make_signals():
    rng = np.random.default_rng(42)
    emg = rng.normal(0, 50, int(round(2048 * 10.3)))  # 2048 Hz, 10.3 s, uV
    acc = np.cumsum(rng.normal(0, 1, 800)) * 3.7  # 100 Hz, 8 s, mg
    return [emg, acc]


@pytest.mark.parametrize("fmt", ["edf", "bdf"])
def test_write_read_round_trip(tmp_path, fmt):
    signals = _make_signals()
    start = dt.datetime(2021, 3, 4, 5, 6, 7, 250000)
    path = write_edf(
        tmp_path / f"rt.{fmt}", signals, [2048, 100.0], ["EMG L Deltoid", "ACC"],
        physical_dims=["uV", "mg"], start=start, annotations=ANNOTATIONS,
        transducers=["AgAgCl", ""], prefilters=["HP:10Hz", ""],
    )
    assert path == tmp_path / f"rt.{fmt}"
    with EdfReader(path) as edf:
        assert edf.fmt == fmt and edf.is_plus and edf.continuous
        assert edf.record_duration == 1.0 and edf.n_records == 11
        assert [s["label"] for s in edf.signals] == ["EMG L Deltoid", "ACC"]
        assert [s["sfreq"] for s in edf.signals] == [2048.0, 100.0]
        assert [s["physical_dim"] for s in edf.signals] == ["uV", "mg"]
        assert edf.signals[0]["transducer"] == "AgAgCl"
        assert edf.signals[0]["prefilter"] == "HP:10Hz"
        assert edf.start == start
        for (o, d, t), (o2, d2, t2) in zip(edf.annotations, ANNOTATIONS, strict=True):
            assert o == pytest.approx(o2, abs=1e-9) and d == pytest.approx(d2, abs=1e-9)
            assert t == t2
        for i, x in enumerate(signals):
            sig = edf.signals[i]
            assert sig["physical_min"] <= x.min() and sig["physical_max"] >= x.max()
            y = edf.read(i)
            assert y.size == sig["n_times"] == 11 * sig["samples_per_record"]
            assert np.abs(y[: x.size] - x).max() <= _step(sig)
            # padding with the last value
            assert np.abs(y[x.size:] - x[-1]).max() <= _step(sig)
        assert edf.identity["patient"] == "X X X X"
        assert edf.identity["recording"] == "Startdate 04-MAR-2021 X X X"


@pytest.mark.parametrize("fmt", ["edf", "bdf"])
def test_written_file_opens_in_mne(tmp_path, fmt):
    mne = pytest.importorskip("mne")
    signals = _make_signals()
    start = dt.datetime(2021, 3, 4, 5, 6, 7)
    path = write_edf(
        tmp_path / f"mne.{fmt}", signals, [2048, 100], ["EMG1", "ACC"],
        physical_dims=["uV", "uV"], start=start, annotations=ANNOTATIONS,
    )
    reader = mne.io.read_raw_edf if fmt == "edf" else mne.io.read_raw_bdf
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning from MNE either
        raw = reader(path, preload=True, stim_channel=None, verbose=False)
    assert raw.info["sfreq"] == 2048.0
    assert raw.ch_names == ["EMG1", "ACC"]
    assert raw.info["meas_date"].replace(tzinfo=None) == start
    np.testing.assert_allclose(raw.annotations.onset, [a[0] for a in ANNOTATIONS], atol=1e-6)
    np.testing.assert_allclose(raw.annotations.duration, [a[1] for a in ANNOTATIONS], atol=1e-6)
    assert list(raw.annotations.description) == [a[2] for a in ANNOTATIONS]
    emg = raw.get_data(picks=[0])[0] / 1e-6
    with EdfReader(path) as edf:
        assert np.abs(emg[: signals[0].size] - signals[0]).max() <= _step(edf.signals[0])


def test_written_edf_opens_in_edfio(tmp_path):
    edfio = pytest.importorskip("edfio")
    signals = _make_signals()
    start = dt.datetime(2021, 3, 4, 5, 6, 7, 500000)
    path = write_edf(
        tmp_path / "edfio.edf", signals, [2048, 100], ["EMG1", "ACC"],
        physical_dims=["uV", "mg"], start=start, annotations=ANNOTATIONS,
        patient="MCH-0234567 F 02-MAY-1951 Haagse_Harry",
    )
    edf = edfio.read_edf(path)
    assert [s.label for s in edf.signals] == ["EMG1", "ACC"]
    assert [s.sampling_frequency for s in edf.signals] == [2048, 100]
    assert edf.startdate == start.date()
    assert [a.text for a in edf.annotations] == [a[2] for a in ANNOTATIONS]
    np.testing.assert_allclose([a.onset for a in edf.annotations], [a[0] for a in ANNOTATIONS],
                               atol=1e-6)
    with EdfReader(path) as mine:
        step = _step(mine.signals[1])
        np.testing.assert_allclose(edf.signals[1].data[:800], signals[1], atol=step)
        assert mine.start == start


def test_write_no_start_defaults(tmp_path):
    path = write_edf(tmp_path / "x.edf", [np.zeros(10)], [10], ["C"], physical_dims=["uV"])
    raw = path.read_bytes()
    assert raw[168:184] == b"01.01.8500.00.00"
    assert raw[88:168].rstrip() == b"Startdate X X X X"
    with EdfReader(path) as edf:
        assert edf.start == dt.datetime(1985, 1, 1)
        assert edf.annotations == []
        sig = edf.signals[0]
        # constant signal: range widened by +-1
        assert (sig["physical_min"], sig["physical_max"]) == (-1.0, 1.0)
        np.testing.assert_allclose(edf.read(0), 0.0, atol=_step(sig))


def test_write_record_duration_and_padding(tmp_path):
    # 2.5 Hz needs 2 s records (0.5 s -> 1.25 samples); 250 Hz fits in 2 s too
    sig = [np.arange(25.0), np.linspace(-1, 1, 2500)]
    path = write_edf(tmp_path / "rd.bdf", sig, [2.5, 250], ["slow", "fast"],
                     physical_dims=["V", "V"])
    with EdfReader(path) as edf:
        assert edf.record_duration == 2.0
        assert edf.n_records == 5
        assert [s["samples_per_record"] for s in edf.signals] == [5, 500]
        np.testing.assert_allclose(edf.read(0), np.arange(25.0), atol=_step(edf.signals[0]))


def test_write_physical_range_fits_8_chars(tmp_path):
    x = np.array([-123456.789123, 98765.4321, 0.000123])
    path = write_edf(tmp_path / "big.edf", [x], [1], ["big"], physical_dims=["nV"])
    hdr = path.read_bytes()[256:512]
    with EdfReader(path) as edf:
        sig = edf.signals[0]
        assert sig["physical_min"] <= x.min() and sig["physical_max"] >= x.max()
        assert np.abs(edf.read(0) - x).max() <= _step(sig)
    assert b"-123457 " in hdr and b"98765.44" in hdr


def test_write_bad_arguments(tmp_path):
    one = [np.zeros(10)]
    with pytest.raises(ValueError, match="16 characters"):
        write_edf(tmp_path / "a.edf", one, [10], ["x" * 17], physical_dims=["uV"])
    with pytest.raises(ValueError, match="8 characters"):
        write_edf(tmp_path / "a.edf", one, [10], ["x"], physical_dims=["microvolt"])
    with pytest.raises(ValueError, match=r"\.edf or \.bdf"):
        write_edf(tmp_path / "a.txt", one, [10], ["x"], physical_dims=["uV"])
    with pytest.raises(ValueError, match="record duration"):
        write_edf(tmp_path / "a.edf", one, [np.pi], ["x"], physical_dims=["uV"])
    with pytest.raises(ValueError, match="one entry per signal"):
        write_edf(tmp_path / "a.edf", one, [10, 20], ["x"], physical_dims=["uV"])
    with pytest.raises(ValueError, match="NaN"):
        write_edf(tmp_path / "a.edf", [np.array([0, np.nan])], [10], ["x"], physical_dims=["uV"])
    # explicit fmt overrides the suffix
    p = write_edf(tmp_path / "a.dat", one, [10], ["x"], physical_dims=["uV"], fmt="bdf")
    assert p.read_bytes()[:8] == b"\xffBIOSEMI"


def test_annotations_sized_for_busiest_record(tmp_path):
    many = [(2.0 + i * 0.01, 0.0, f"event number {i}") for i in range(40)]
    path = write_edf(tmp_path / "many.edf", [np.zeros(500)], [100], ["x"],
                     physical_dims=["uV"], annotations=many + [(0.1, 0, "early")])
    with EdfReader(path) as edf:
        assert len(edf.annotations) == 41
        assert edf.annotations[0][2] == "early"
        assert [a[2] for a in edf.annotations[1:]] == [m[2] for m in many]
        np.testing.assert_allclose([a[0] for a in edf.annotations[1:]], [m[0] for m in many])


# ----------------------------------------------------------------------------------------------
# identity fields
# ----------------------------------------------------------------------------------------------
def test_identity_fields(tmp_path):
    path = write_edf(
        tmp_path / "id.edf", [np.zeros(100)], [100], ["x"], physical_dims=["uV"],
        start=dt.datetime(2020, 5, 6),
        patient="MCH-0234567 F 02-MAY-1951 Haagse_Harry",
        recording="Startdate 06-MAY-2020 EMR-77 Tech_A Nihon_Kohden extra_info more",
    )
    with EdfReader(path) as edf:
        ident = edf.identity
        assert ident["patient"] == "MCH-0234567 F 02-MAY-1951 Haagse_Harry"
        assert ident["patient_code"] == "MCH-0234567"
        assert ident["sex"] == "F"
        assert ident["birthdate"] == "02-MAY-1951"
        assert ident["patient_name"] == "Haagse Harry"
        assert ident["patient_additional"] is None
        assert ident["hospital_admin_code"] == "EMR-77"
        assert ident["technician"] == "Tech A"
        assert ident["equipment"] == "Nihon Kohden"
        assert ident["recording_additional"] == "extra info more"
        assert "Harry" not in repr(edf)


def test_identity_non_ascii_replaced(tmp_path):
    path = write_edf(tmp_path / "na.edf", [np.zeros(10)], [10], ["x"], physical_dims=["uV"],
                     patient="X F X Jürgen")
    assert EdfReader(path).identity["patient_name"] == "J rgen"  # 'ü' -> '_' -> ' '


# ----------------------------------------------------------------------------------------------
# corrupt inputs
# ----------------------------------------------------------------------------------------------
@pytest.fixture
def good_edf(tmp_path):
    x = np.sin(np.arange(1000) / 10.0) * 100
    path = write_edf(tmp_path / "good.edf", [x, x[::10]], [100, 10], ["EMG", "ACC"],
                     physical_dims=["uV", "g"], annotations=[(2.5, 0, "jerk"), (7.5, 1, "two")])
    return path


def _patch(path, offset, new):
    raw = bytearray(path.read_bytes())
    raw[offset: offset + len(new)] = new
    path.write_bytes(bytes(raw))


def _sig_field_offset(ns, field_offset, field_width, i):
    return 256 + field_offset * ns + field_width * i


def test_corrupt_missing_file(tmp_path):
    with pytest.raises(MyoclonusInputError, match="not found"):
        EdfReader(tmp_path / "nope.edf")


def test_corrupt_truncated_header(good_edf):
    good_edf.write_bytes(good_edf.read_bytes()[:100])
    with pytest.raises(MyoclonusInputError, match=r"good\.edf.*100 bytes.*256-byte"):
        EdfReader(good_edf)


def test_corrupt_truncated_signal_header(good_edf):
    good_edf.write_bytes(good_edf.read_bytes()[:600])
    with pytest.raises(MyoclonusInputError, match="truncated inside its header"):
        EdfReader(good_edf)


def test_corrupt_garbage(tmp_path):
    path = tmp_path / "garbage.edf"
    path.write_bytes(np.random.default_rng(1).integers(0, 256, 5000, dtype=np.uint8).tobytes())
    with pytest.raises(MyoclonusInputError, match=r"garbage\.edf.*not an EDF/BDF file"):
        EdfReader(path)
    # right version, garbage numeric fields
    path.write_bytes(b"0       " + b"\x01abc" * 1250)
    with pytest.raises(MyoclonusInputError, match="unparseable header"):
        EdfReader(path)


def test_corrupt_zero_data_records(good_edf):
    raw = good_edf.read_bytes()
    good_edf.write_bytes(raw[: int(raw[184:192])])
    with pytest.raises(MyoclonusInputError, match="contains no data records"):
        EdfReader(good_edf)
    _patch(good_edf, 236, b"0       ")
    with pytest.raises(MyoclonusInputError, match="contains no data records"):
        EdfReader(good_edf)


def test_corrupt_truncated_data(good_edf):
    with EdfReader(good_edf) as edf:
        full = edf.read(0)
        rec_bytes = edf._record_bytes
        n_rec = edf.n_records
        hdr = edf._header_bytes
    assert n_rec == 10
    # cut in the middle of record 7 -> 6 complete records remain
    good_edf.write_bytes(good_edf.read_bytes()[: hdr + 6 * rec_bytes + rec_bytes // 2])
    with pytest.warns(UserWarning, match=r"good\.edf.*10 data records.*only 6.*4 record"):
        edf = EdfReader(good_edf)
    assert edf.n_records == 6
    assert edf.signals[0]["n_times"] == 600
    np.testing.assert_array_equal(edf.read(0), full[:600])
    assert [a[2] for a in edf.annotations] == ["jerk"]  # 'two' was in record 7
    edf.close()


def test_unknown_number_of_records(good_edf):
    _patch(good_edf, 236, b"-1      ")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with EdfReader(good_edf) as edf:
            assert edf.n_records == 10


def test_corrupt_inconsistent_header_length(good_edf):
    _patch(good_edf, 184, b"512     ")
    with pytest.raises(MyoclonusInputError, match="inconsistent header"):
        EdfReader(good_edf)


def test_corrupt_zero_signals(good_edf):
    _patch(good_edf, 252, b"0   ")
    with pytest.raises(MyoclonusInputError, match="0 signals"):
        EdfReader(good_edf)


def test_corrupt_bad_version(good_edf):
    _patch(good_edf, 0, b"1       ")
    with pytest.raises(MyoclonusInputError, match="version field"):
        EdfReader(good_edf)


def test_corrupt_bad_scaling(good_edf):
    ns = 3
    raw = good_edf.read_bytes()
    # digital max (field offset 16+80+8+8+8+8 = 128 per signal block) of signal 'ACC'
    _patch(good_edf, _sig_field_offset(ns, 128, 8, 1), b"-32768  ")
    with pytest.raises(MyoclonusInputError, match=r"digital maximum.*'ACC'"):
        EdfReader(good_edf)
    good_edf.write_bytes(raw)
    # physical max := physical min for 'EMG'
    pmin = raw[_sig_field_offset(ns, 104, 8, 0): _sig_field_offset(ns, 104, 8, 0) + 8]
    _patch(good_edf, _sig_field_offset(ns, 112, 8, 0), pmin)
    with pytest.raises(MyoclonusInputError, match=r"physical maximum == physical minimum.*'EMG'"):
        EdfReader(good_edf)


def test_corrupt_record_duration(good_edf):
    _patch(good_edf, 244, b"0       ")
    with pytest.raises(MyoclonusInputError, match="duration of 0.0 s"):
        EdfReader(good_edf)


def test_edf_plus_d_discontinuous(good_edf):
    raw = good_edf.read_bytes()
    assert raw[192:197] == b"EDF+C"
    with EdfReader(good_edf) as edf:
        full = edf.read(0)
    _patch(good_edf, 192, b"EDF+D")
    with EdfReader(good_edf) as edf:
        assert edf.is_plus and not edf.continuous
        assert [a[2] for a in edf.annotations] == ["jerk", "two"]
        assert len(edf.signals) == 2 and edf.start == dt.datetime(1985, 1, 1)
        # records written back to back: one segment, the same samples as the EDF+C file
        np.testing.assert_array_equal(edf.record_onsets, np.arange(10) * edf.record_duration)
        assert edf.segments == [(0.0, 0, 10)]
        np.testing.assert_array_equal(edf.read(0), full)


def test_read_arguments_and_close(good_edf):
    edf = EdfReader(good_edf)
    with pytest.raises(IndexError):
        edf.read(2)
    with pytest.raises(ValueError):
        edf.read(0, 10, 5)
    assert edf.read(0, 990, 5000).size == 10
    edf.close()
    with pytest.raises(ValueError, match="closed"):
        edf.read(0)


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="Linux /proc needed to read the resident size")
def test_reading_a_long_file_in_chunks_keeps_memory_flat(tmp_path):
    """Mapped pages are given back after each large read: resident memory does not grow to the file size."""
    from myoclonus.io import Recording, read_recording, write_recording

    def resident_mb():
        return int(Path("/proc/self/statm").read_text().split()[1]) * 4096 / 2**20

    rng = np.random.default_rng(0)
    n_ch, sf, minutes = 16, 1000.0, 20
    data = rng.standard_normal((n_ch, int(minutes * 60 * sf))) * 50
    path = tmp_path / "long.edf"
    write_recording(Recording.from_array(data, sf, [f"EMG {i}" for i in range(n_ch)], ["emg"] * n_ch), path)
    del data
    size_mb = path.stat().st_size / 2**20
    before = resident_mb()
    rec = read_recording(path, check=False)  # EDF+ annotations are read through the whole file
    step = int(60 * sf)
    for i in range(n_ch):
        for a in range(0, rec.channels[i].n_times, step):
            assert rec._read_channel(i, a, a + step).size == step
    grown = resident_mb() - before
    assert size_mb > 30
    assert grown < size_mb / 4, (grown, size_mb)


@pytest.mark.parametrize("fmt", ["edf", "bdf"])
def test_compiled_read_equals_numpy_read(tmp_path, fmt, monkeypatch):
    """The compiled one-pass conversion (numba) gives the NumPy path's values bit for bit, on slices
    inside one record, across records and to the end, with an inverted physical range too."""
    pytest.importorskip("numba")
    rng = np.random.default_rng(4)
    x = [rng.standard_normal(2048 * 7 + 300) * 80.0, -np.cumsum(rng.standard_normal(700 + 33))]
    path = write_edf(tmp_path / f"k.{fmt}", x, [2048, 100.0], ["EMG", "ACC"], physical_dims=["uV", "mg"])
    cases = [(0, None), (5, 17), (2000, 2100), (2047, 2049), (1, 2048 * 3 + 5), (4097, None), (9, 9)]
    with EdfReader(path) as edf:
        edf.signals[1]["physical_min"], edf.signals[1]["physical_max"] = (edf.signals[1]["physical_max"],
                                                                          edf.signals[1]["physical_min"])
        got = {}
        for mode in ("1", "0"):
            monkeypatch.setenv("MYOCLONUS_NUMBA", mode)
            got[mode] = [edf.read(i, a, b) for i in (0, 1) for a, b in cases
                         if max(a, b or 0) <= edf.signals[i]["n_times"]]
    assert len(got["1"]) == 10  # 7 slices of the EMG, 3 of the 800-sample ACC
    for a, b in zip(got["1"], got["0"], strict=True):
        assert a.dtype == b.dtype == np.float64
        np.testing.assert_array_equal(a, b)
    assert sum(v.size for v in got["1"]) > 20000 and got["1"][0][:100].std() > 10.0


@pytest.mark.parametrize("name", list(REAL_FILES))
def test_compiled_read_equals_numpy_read_real(name, monkeypatch):
    pytest.importorskip("numba")
    path = _real(name)
    with EdfReader(path) as edf:
        for i in range(len(edf.signals)):
            monkeypatch.setenv("MYOCLONUS_NUMBA", "1")
            a = edf.read(i, 3, None)
            monkeypatch.setenv("MYOCLONUS_NUMBA", "0")
            np.testing.assert_array_equal(a, edf.read(i, 3, None))
