"""One regression test per class of bad input of issue 22's fault campaign: every one exits 3 with
one line naming the file, the field or channel and the fix; garbage is refused, never read as
something else; control characters of a file never reach the terminal raw."""
from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

from myoclonus import read_recording
from myoclonus.cli import main
from myoclonus.io.edf import EdfReader, write_edf

SF = 1000.0


def _run(argv, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def _edf(tmp_path, name="base.edf", seconds=5.0, annotations=((1.0, 0.5, "lights on"),)):
    rng = np.random.default_rng(0)
    n = int(seconds * SF)
    path = tmp_path / name
    write_edf(path, [rng.normal(0, 5, n), rng.normal(0, 10, n)], [SF, SF], ["EMG R Deltoid", "C3"],
              physical_dims=["uV", "uV"], annotations=list(annotations))
    return path


def _patch(path, offset, text, width, name=None):
    blob = bytearray(path.read_bytes())
    blob[offset: offset + width] = text.encode("latin-1")[:width].ljust(width, b" ")
    out = path.with_name(name or path.name)
    out.write_bytes(bytes(blob))
    return out


def _tal(path, text, name):
    """``path`` with the annotation area of data record 1 replaced by ``text``."""
    with EdfReader(path) as edf:
        off = edf._header_bytes + 2 * int(edf._offsets[edf._annot_idx[0]])
        width = edf._record_bytes - 2 * int(edf._offsets[edf._annot_idx[0]])
    blob = bytearray(path.read_bytes())
    blob[off: off + width] = text.encode("latin-1").ljust(width, b"\x00")
    out = path.with_name(name)
    out.write_bytes(bytes(blob))
    return out


def _csv(tmp_path, name, rows=5000, prefix="", body=None):
    rng = np.random.default_rng(1)
    t = np.arange(rows) / SF
    text = body if body is not None else "time,EMG R Deltoid [uV]\n" + "".join(
        f"{a:.4f},{b:.4f}\n" for a, b in zip(t, rng.normal(0, 5, rows)))
    path = tmp_path / name
    path.write_text(prefix + text, encoding="utf-8")
    return path


def _txt(tmp_path, name, rate, rows=5000):
    x = np.random.default_rng(2).normal(0, 5, rows)
    path = tmp_path / name
    path.write_text(f"# Sampling Rate (Hz):= {rate}\n# Labels:= EMG\n" + "".join(f"{v:.4f}\n" for v in x))
    return path


def _wfdb(tmp_path, name, fs="1000", fmt="16"):
    wfdb = pytest.importorskip("wfdb")
    d = tmp_path / name
    d.mkdir()
    x = np.random.default_rng(3).normal(0, 5e-3, (5000, 1))
    wfdb.wrsamp("rec", fs=1000, units=["mV"], sig_name=["EMG R Deltoid"], p_signal=x, fmt=["16"], write_dir=str(d))
    hea = d / "rec.hea"
    lines = hea.read_text().splitlines()
    first = lines[0].split()
    first[2] = fs
    lines[0] = " ".join(first)
    lines[1] = lines[1].replace("rec.dat 16", f"rec.dat {fmt}", 1)
    hea.write_text("\n".join(lines) + "\n")
    return hea


def _one_line_naming(err, path, *words):
    line = err.strip()
    assert "\n" not in line and line.startswith("myoclonus: error: "), err
    assert path.name in line, err
    for w in words:
        assert re.search(w, line), (w, line)


# 1. recordings shorter than ~1 s
@pytest.mark.parametrize("rows", [40, 123])
def test_class1_short_recording_detect(tmp_path, capsys, rows):
    path = _csv(tmp_path, f"short{rows}.csv", rows=rows)
    assert _run(["info", str(path)], capsys)[0] == 0  # a valid, short file
    code, _, err = _run(["detect", str(path), "--out", str(tmp_path / "e.tsv")], capsys)
    assert code == 3
    _one_line_naming(err, path, "'EMG R Deltoid'", rf"{rows / 1000:g} s of data", "at least 1 s", "Record for longer")


def test_class1_record_duration_1e9(tmp_path, capsys):
    path = _patch(_edf(tmp_path), 244, "1e-9", 8, "rd1e-9.edf")
    code, _, err = _run(["detect", str(path)], capsys)
    assert code == 3
    _one_line_naming(err, path, "1e\\+12 Hz", "'duration of a data record'", "export it again")


# 2. infinite rates
def test_class2_record_duration_1e320(tmp_path, capsys):
    path = _patch(_edf(tmp_path), 244, "1e-320", 8, "rd1e-320.edf")
    for cmd in ("info", "detect"):
        code, _, err = _run([cmd, str(path)], capsys)
        assert code == 3
        _one_line_naming(err, path, "inf Hz", "'EMG R Deltoid'", "'duration of a data record'")


@pytest.mark.parametrize("rate", ["inf", "nan"])
def test_class2_and_4_text_header_rate(tmp_path, capsys, rate):
    path = _txt(tmp_path, f"rate_{rate}.txt", rate)
    code, _, err = _run(["info", str(path)], capsys)
    assert code == 3
    _one_line_naming(err, path, "'sampling rate \\(hz\\)'", f"'{rate}'", "Correct the header, or pass")


# 3. start-time overflow
@pytest.mark.parametrize("tal", ["+1e300\x14\x14\x00", "-99999999999\x14\x14\x00"])
def test_class3_first_tal_out_of_range(tmp_path, capsys, tal):
    path = _tal(_edf(tmp_path), tal, "tal.edf")
    code, _, err = _run(["info", str(path)], capsys)
    assert code == 3
    _one_line_naming(err, path, "malformed annotation", re.escape(repr(tal.split("\x00")[0].encode())[2:-1]),
                     "export it again")


def test_class3_year_9999_plus_offset(tmp_path, capsys):
    path = _edf(tmp_path)
    path = _patch(path, 88, "Startdate 31-DEC-9999 X X X", 80, "y9999.edf")
    path = _patch(path, 168, "31.12.99", 8)
    path = _patch(path, 176, "23.59.59", 8)
    path = _tal(path, "+5\x14\x14\x00", "y9999.edf")
    code, _, err = _run(["info", str(path)], capsys)
    assert code == 3
    _one_line_naming(err, path, "9999-12-31T23:59:59", r"\+5 s", "years 1-9999")


# 4. NaN time
def test_class4_nan_in_time_column(tmp_path, capsys):
    path = _csv(tmp_path, "nantime.csv")
    path.write_text(path.read_text().replace("\n2.0000,", "\nnan,", 1))
    code, _, err = _run(["info", str(path)], capsys)
    assert code == 3
    _one_line_naming(err, path, "time column 'time' holds nan at data row 2001", "--sfreq")
    # with --sfreq the time column is ignored, as the message says
    assert _run(["info", str(path), "--sfreq", "1000"], capsys)[0] == 0


# 5. byte-order mark
def test_class5_csv_with_bom(tmp_path, capsys):
    path = _csv(tmp_path, "bom.csv", prefix="\ufeff")
    rec = read_recording(path)
    assert rec.ch_names == ["EMG R Deltoid"] and rec.sfreqs[0] == pytest.approx(1000.0)
    assert _run(["info", str(path)], capsys)[0] == 0


# 6. and 7. WFDB sampling frequency and format
@pytest.mark.parametrize("fs,shown", [("0", "'0'"), ("-1000", "'-1000'"), ("abc", "'abc'")])
def test_class6_7_wfdb_fs(tmp_path, capsys, fs, shown):
    hea = _wfdb(tmp_path, f"fs{fs}", fs=fs)
    for cmd in ("info", "detect"):
        code, _, err = _run([cmd, str(hea)], capsys)
        assert code == 3  # never read as the default 250 Hz
        _one_line_naming(err, hea, f"sampling frequency {shown}", "Correct the header")
        assert "declares no samples" not in err


def test_class6_wfdb_unknown_format(tmp_path, capsys):
    hea = _wfdb(tmp_path, "fmt", fmt="999")
    code, _, err = _run(["info", str(hea)], capsys)
    assert code == 3
    _one_line_naming(err, hea, "'EMG R Deltoid'", "storage format '999'", "Correct the header")


# 8. the smaller ones
def test_class8_no_emg_names_file(tmp_path, capsys):
    path = tmp_path / "eeg.edf"
    write_edf(path, [np.random.default_rng(0).normal(0, 5, 5000)], [SF], ["C3"], physical_dims=["uV"])
    code, _, err = _run(["detect", str(path)], capsys)
    assert code == 3
    _one_line_naming(err, path, r"No channel of the requested kind \(emg\)", "C3 \\(eeg\\)", "--channel-type")


def test_class8_low_rate_names_file(tmp_path, capsys):
    path = tmp_path / "slow.edf"
    write_edf(path, [np.random.default_rng(0).normal(0, 5, 500)], [50.0], ["EMG R Deltoid"], physical_dims=["uV"])
    code, _, err = _run(["-q", "detect", str(path)], capsys)
    assert code == 3
    _one_line_naming(err, path, "'EMG R Deltoid' is sampled at 50 Hz", "--force")


def test_class8_control_bytes_sanitised(tmp_path, capsys):
    path = _patch(_edf(tmp_path), 256, "EMG\x1b[31mR\x07\x00", 16, "ctrl.edf")
    path = _tal(path, "+0\x14\x14\x00+1\x14\x1b[2Jbell\x07\x14\x00", "ctrl.edf")
    code, out, err = _run(["info", str(path)], capsys)
    assert code == 0
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", out + err)
    assert "EMG\\x1b[31mR\\x07" in out and "\\x1b[2Jbell\\x07" in out
    code, out, err = _run(["-q", "detect", str(path), "--channels", "C3*", "--out", str(tmp_path / "e.tsv")], capsys)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", out + err)


@pytest.mark.parametrize("tal,what", [
    ("+0\x14\x14\x00+nan\x14x\x14\x00", "nan"),
    ("+0\x14\x14\x00+inf\x14x\x14\x00", "inf"),
    ("+0\x14\x14\x00+1\x15-5\x14neg\x14\x00", "-5"),
])
def test_class8_bad_annotations_refused(tmp_path, capsys, tal, what):
    path = _tal(_edf(tmp_path), tal, "ann.edf")
    code, out, err = _run(["info", str(path)], capsys)
    assert code == 3 and "nan s" not in out and "-5.000 s" not in out
    _one_line_naming(err, path, "malformed annotation", re.escape(what), "duration a number >= 0")


def test_class8_time_column_only(tmp_path, capsys):
    path = _csv(tmp_path, "timeonly.csv", body="time\n" + "".join(f"{k / SF}\n" for k in range(3000)))
    code, _, err = _run(["info", str(path)], capsys)
    assert code == 3
    _one_line_naming(err, path, "only a time column", "add the signals' columns")


def test_class8_physical_min_1e308(tmp_path, capsys):
    path = _patch(_edf(tmp_path), 256 + 104 * 3, "-1e308", 8, "pmin.edf")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no NumPy 'invalid value' warning gets through
        code = main(["info", str(path)])
    err = capsys.readouterr().err
    assert code == 3
    _one_line_naming(err, path, "physical range from -1e\\+308", "'EMG R Deltoid'", "'physical minimum'", "export it")


def _annotation_only(path, tals):
    """An EDF+C holding one annotation signal and one data record of duration 0 (as Sleep-EDF hypnograms)."""
    data = b"".join(tals)
    n = -(-len(data) // 2)
    head = (b"0       " + b"X X X X".ljust(80) + b"Startdate 24-APR-1989 X X X".ljust(80) + b"24.04.8916.13.00"
            + b"512".ljust(8) + b"EDF+C".ljust(44) + b"1".ljust(8) + b"0".ljust(8) + b"1".ljust(4))
    sig = (b"EDF Annotations".ljust(16) + b" " * 80 + b" " * 8 + b"0".ljust(8) + b"1".ljust(8) + b"-32768".ljust(8)
           + b"32767".ljust(8) + b" " * 80 + str(n).encode().ljust(8) + b" " * 32)
    path.write_bytes(head + sig + data.ljust(2 * n, b"\x00"))
    return path


def test_annotation_only_edf_is_read(tmp_path, capsys):
    path = _annotation_only(tmp_path / "stages.edf", [b"+0\x14\x14\x00", b"+0\x1530\x14Sleep stage W\x14\x00",
                                                      b"+30\x1560\x14Sleep stage 2\x14\x00"])
    rec = read_recording(path)
    assert rec.n_channels == 0 and rec.source["content"] == "annotations only"
    assert list(rec.annotations.onset) == [0.0, 30.0] and list(rec.annotations.duration) == [30.0, 60.0]
    code, out, _ = _run(["info", str(path)], capsys)
    assert code == 0 and "Annotations: 2" in out and "none (annotations only)" in out
    code, _, err = _run(["detect", str(path)], capsys)
    assert code == 3
    _one_line_naming(err, path, "no signal channel", "--channel-type")
