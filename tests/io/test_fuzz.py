"""Fuzz suite of the readers and the CLI (issue 22): Hypothesis mutates structured header fields,
EDF+ annotation lists (TALs), bytes, CSV/TXT files and WFDB headers, and runs ``info`` and ``detect``
on each. Every run must exit 0 or 3: a 3 comes with one line naming the file; a 0 only for a file
whose channels have finite rates in range and whose annotations are finite (no garbage accepted);
the terminal never gets a control character. Fixed seed (``derandomize``) and budget (``BUDGET``
examples per test), no example database: the same cases on every run.
"""
from __future__ import annotations

import contextlib
import io
import itertools
import re
import warnings

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from myoclonus import read_recording  # noqa: E402
from myoclonus._validate import MAX_SECONDS, MAX_SFREQ  # noqa: E402
from myoclonus.cli import main  # noqa: E402
from myoclonus.io.edf import EdfReader, write_edf  # noqa: E402

#: Examples per test (x 6 tests); each runs ``info`` and ``detect``.
BUDGET = 150
FUZZ = settings(max_examples=BUDGET, derandomize=True, database=None, deadline=None,
                suppress_health_check=list(HealthCheck))
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_COUNTER = itertools.count()
SF = 512.0

NUMBERS = st.one_of(
    st.sampled_from(["", "0", "-1", "nan", "inf", "-inf", "1e-320", "1e-9", "1e300", "-1e308", "1e308", "abc",
                     "+", "0x10", "1,5", "99999999", "-99999999", " 1 2", "\x00\x00", "1e-3"]),
    st.floats(allow_nan=True, allow_infinity=True).map(lambda f: repr(f)[:8]),
    st.integers(-10 ** 9, 10 ** 9).map(str),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=255), max_size=8),
)


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    d = tmp_path_factory.mktemp("fuzz")
    rng = np.random.default_rng(0)
    n = int(3 * SF)
    emg = rng.normal(0, 5, n)
    emg[int(1.5 * SF): int(1.5 * SF) + 20] += rng.normal(0, 60, 20)
    base = d / "base.edf"
    write_edf(base, [emg, rng.normal(0, 10, n)], [SF, SF], ["EMG R Deltoid", "C3"], physical_dims=["uV", "uV"],
              annotations=[(0.5, 0.2, "lights on"), (2.0, 0.0, "x" * 40)])
    with EdfReader(base) as edf:
        a0 = 2 * int(edf._offsets[edf._annot_idx[0]])
        layout = dict(header=edf._header_bytes, record=edf._record_bytes, annot=a0)
    return _Work(d, base.read_bytes(), layout)


class _Work(tuple):
    """(folder, base EDF bytes, layout), shown briefly in Hypothesis' failure reports."""

    def __new__(cls, *items):
        return super().__new__(cls, items)

    def __repr__(self):
        return f"<fuzz work {self[0]}>"


def _check(path, *, extra=()):
    """Run info and detect on ``path``; assert the contract of every run."""
    for argv in (["-q", "info", str(path)], ["-q", "detect", str(path), "--out", str(path) + ".tsv"]):
        so, se = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(so), contextlib.redirect_stderr(se), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            code = main(argv + list(extra))
        out, err = so.getvalue(), se.getvalue()
        assert code in (0, 3), (argv, code, err)
        assert not _CONTROL.search(out + err), (argv, out, err)
        if code == 3:
            lines = err.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("myoclonus: error: "), err
            assert path.name in lines[0] or path.parent.name in lines[0], err
        elif argv[1] == "info":
            _assert_sane(path, extra)


def _assert_sane(path, extra):
    """A file that read must hold nothing out of range: no garbage accepted."""
    kw = {"sfreq": float(extra[1])} if extra else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rec = read_recording(path, check=False, **kw)
    for i, c in enumerate(rec.channels):
        assert np.isfinite(c.sfreq) and 0 < c.sfreq <= MAX_SFREQ and 0 < c.n_times
        assert c.duration <= MAX_SECONDS
        assert np.isfinite(rec._read_channel(i, 0, min(c.n_times, 4096))).all()
    a = rec.annotations
    assert np.isfinite(a.onset).all() and np.isfinite(a.duration).all() and (a.duration >= 0).all()


def _new(d, suffix):
    return d / f"case{next(_COUNTER)}{suffix}"


# ------------------------------------------------------------------------------------------ EDF
MAIN_FIELDS = {"startdate": (168, 8), "starttime": (176, 8), "header_bytes": (184, 8), "reserved": (192, 44),
               "n_records": (236, 8), "record_duration": (244, 8), "n_signals": (252, 4)}
# per-signal fields: (offset of the field block / number of signals, width)
SIGNAL_FIELDS = {"label": (0, 16), "physical_dim": (96, 8), "physical_min": (104, 8), "physical_max": (112, 8),
                 "digital_min": (120, 8), "digital_max": (128, 8), "samples_per_record": (216, 8)}


@FUZZ
@given(fields=st.lists(st.tuples(st.sampled_from(sorted(MAIN_FIELDS)), NUMBERS), min_size=1, max_size=3))
def test_fuzz_edf_main_header(work, fields):
    d, base, _ = work
    blob = bytearray(base)
    for name, value in fields:
        off, w = MAIN_FIELDS[name]
        blob[off: off + w] = value.encode("latin-1")[:w].ljust(w, b" ")
    path = _new(d, ".edf")
    path.write_bytes(bytes(blob))
    _check(path)


@FUZZ
@given(fields=st.lists(st.tuples(st.sampled_from(sorted(SIGNAL_FIELDS)), st.integers(0, 2), NUMBERS),
                       min_size=1, max_size=3))
def test_fuzz_edf_signal_header(work, fields):
    d, base, _ = work
    blob = bytearray(base)
    ns = 3
    for name, sig, value in fields:
        foff, w = SIGNAL_FIELDS[name]
        off = 256 + foff * ns + w * sig
        blob[off: off + w] = value.encode("latin-1")[:w].ljust(w, b" ")
    path = _new(d, ".edf")
    path.write_bytes(bytes(blob))
    _check(path)


TIMES = st.one_of(NUMBERS, st.floats(-1e12, 1e12).map(lambda f: f"{f:+g}"))
TEXTS = st.text(alphabet=st.characters(min_codepoint=1, max_codepoint=0x2FF), max_size=12)
TAL = st.one_of(
    st.tuples(TIMES, st.one_of(st.none(), TIMES), st.lists(TEXTS, max_size=2)).map(
        lambda t: t[0] + ("" if t[1] is None else "\x15" + t[1]) + "\x14" + "\x14".join(t[2]) + "\x14\x00"),
    st.binary(max_size=20).map(lambda b: b.decode("latin-1")),
)


@FUZZ
@given(record=st.integers(0, 2), keep_timekeeping=st.booleans(), tals=st.lists(TAL, min_size=1, max_size=4))
def test_fuzz_edf_annotations(work, record, keep_timekeeping, tals):
    d, base, lay = work
    blob = bytearray(base)
    off = lay["header"] + record * lay["record"] + lay["annot"]
    width = lay["record"] - lay["annot"]
    text = (f"+{record}\x14\x14\x00" if keep_timekeeping else "") + "".join(tals)
    blob[off: off + width] = text.encode("utf-8")[:width].ljust(width, b"\x00")
    path = _new(d, ".edf")
    path.write_bytes(bytes(blob))
    _check(path)


@FUZZ
@given(flips=st.lists(st.tuples(st.integers(0, 1023 + 600), st.integers(0, 255)), min_size=1, max_size=6),
       cut=st.one_of(st.none(), st.integers(0, 4000)))
def test_fuzz_edf_bytes(work, flips, cut):
    d, base, _ = work
    blob = bytearray(base)
    for i, b in flips:
        blob[i] = b
    path = _new(d, ".bdf" if blob[:1] == b"\xff" else ".edf")
    path.write_bytes(bytes(blob[:cut] if cut is not None else blob))
    _check(path)


# ------------------------------------------------------------------------------------------ text
CELLS = st.one_of(st.floats(-1e6, 1e6).map(lambda f: f"{f:.4f}"), st.sampled_from(["nan", "inf", "-inf", "", "x", "1e308"]))


@FUZZ
@given(bom=st.booleans(), rows=st.integers(0, 3000), sep=st.sampled_from([",", ";", "\t", " "]),
       names=st.lists(st.sampled_from(["time", "t", "EMG R Deltoid [uV]", "acc_x [g]", "EMG\x1b[31m", "C3", ""]),
                      min_size=1, max_size=3),
       rate=st.one_of(st.none(), NUMBERS), bad=st.lists(st.tuples(st.integers(0, 2999), st.integers(0, 2), CELLS),
                                                         max_size=3), sfreq=st.one_of(st.none(), st.sampled_from(["1000"])))
def test_fuzz_text(work, bom, rows, sep, names, rate, bad, sfreq):
    d, _, _ = work
    rng = np.random.default_rng(rows)
    cells = [[f"{k / 1000:.4f}" if n in ("time", "t") else f"{v:.4f}" for n, v in zip(names, rng.normal(0, 5, len(names)))]
             for k in range(rows)]
    for r, c, v in bad:
        if r < rows and c < len(names):
            cells[r][c] = v
    head = "" if rate is None else f"# Sampling Rate (Hz):= {rate}\n"
    text = head + sep.join(names) + "\n" + "".join(sep.join(row) + "\n" for row in cells)
    path = _new(d, ".csv")
    path.write_text(("\ufeff" if bom else "") + text, encoding="utf-8", errors="replace")
    _check(path, extra=("--sfreq", sfreq) if sfreq else ())


# ------------------------------------------------------------------------------------------ WFDB
@FUZZ
@given(fs=st.one_of(st.none(), NUMBERS), fmt=st.sampled_from(["16", "212", "999", "x", "", "80"]),
       gain=st.sampled_from(["200", "0", "-1", "nan", "1e-300", "abc"]), siglen=st.sampled_from(["5000", "0", "-5", "abc", "9999999"]))
def test_fuzz_wfdb_header(work, fs, fmt, gain, siglen):
    wfdb = pytest.importorskip("wfdb")
    d, _, _ = work
    rd = _new(d, "")
    rd.mkdir()
    x = np.random.default_rng(4).normal(0, 5e-3, (5000, 1))
    wfdb.wrsamp("rec", fs=1000, units=["mV"], sig_name=["EMG R Deltoid"], p_signal=x, fmt=["16"], write_dir=str(rd))
    hea = rd / "rec.hea"
    lines = hea.read_text().splitlines()
    rec_line = ["rec", "1"] + ([] if fs is None else [fs.replace(" ", "").replace("\x00", "") or "0", siglen])
    sig = lines[1].split()
    sig[1], sig[2] = fmt or "16", f"{gain}(0)/mV"
    hea.write_text(" ".join(rec_line) + "\n" + " ".join(sig) + "\n", encoding="latin-1")
    _check(hea)
