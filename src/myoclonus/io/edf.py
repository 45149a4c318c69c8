"""Fast, lazy EDF/EDF+/BDF/BDF+ reader and an EDF+C/BDF+C writer in pure numpy.

:class:`EdfReader` parses the 256-byte header blocks and memory-maps the data
records; :meth:`EdfReader.read` decodes only the records that hold the samples
asked for. :func:`write_edf` writes signals with different sampling rates and
lengths, plus annotations, as a continuous EDF+ (16 bit) or BDF+ (24 bit) file.

Format references: https://www.edfplus.info/specs/edf.html,
https://www.edfplus.info/specs/edfplus.html and the BioSemi BDF notes.

The patient and recording identification fields can hold personal data. This
module parses them into :attr:`EdfReader.identity` for the caller's
de-identification decisions, but never puts them in messages, warnings or reprs.
"""
from __future__ import annotations

import datetime as _dt
import math
import mmap
import re
from fractions import Fraction
from functools import cached_property
from pathlib import Path

import numpy as np

from .._logging import warn
from .._numba import njit, use_numba
from .._validate import (
    MAX_PHYSICAL,
    MAX_SECONDS,
    MAX_SFREQ,
    MyoclonusInputError,
    MyoclonusUsageError,
)

__all__ = ["EdfReader", "write_edf"]

_MISSING_NUL = re.compile(rb"(?<=\x14\x14)(?=[+-]\d)")
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_ANNOT_LABELS = ("EDF Annotations", "BDF Annotations")
_EDF_VERSION = b"0       "
_BDF_VERSION = b"\xffBIOSEMI"
# (bytes per sample, digital min, digital max) of each format
_FORMATS = {"edf": (2, -32768, 32767), "bdf": (3, -8388608, 8388607)}
# Per-signal header fields: (name, width in bytes), in file order.
_SIGNAL_FIELDS = (
    ("label", 16),
    ("transducer", 80),
    ("physical_dim", 8),
    ("physical_min", 8),
    ("physical_max", 8),
    ("digital_min", 8),
    ("digital_max", 8),
    ("prefilter", 80),
    ("samples_per_record", 8),
    ("reserved", 32),
)
_CORRUPT_FIX = "The file is corrupt: export it again from the acquisition software, or repair the field."
_DEFAULT_FIX = "Export the recording again from the acquisition software, or repair the file (e.g. in EDFbrowser)."


# ----------------------------------------------------------------------------------------------
# Reader
# ----------------------------------------------------------------------------------------------
def _text(raw):
    """A header field as text: up to the first NUL (some writers pad with NUL), stripped."""
    return raw.split(b"\x00", 1)[0].decode("latin-1").strip()


@njit
def _physical_nb(block, s0, s1, spr, bdf, dmin, k, pmin, out):  # pragma: no cover - compiled
    """Samples ``[s0, s1)`` of a signal's record block as physical values into ``out``, in one pass.

    ``block``: the ``(n_records, spr)`` int16 columns of an EDF signal, or the ``(n_records,
    3 spr)`` uint8 columns of a BDF one (24-bit little-endian two's complement). Computes
    ``(digital - dmin) * k + pmin`` in float64 with the operations and rounding of
    :meth:`EdfReader.read`'s NumPy path (no fused multiply-add), without its three temporaries.
    """
    j = 0
    r = s0 // spr
    a = s0 - r * spr
    while j < s1 - s0:
        b = min(spr, a + (s1 - s0 - j))
        row = block[r]
        if bdf:
            for i in range(a, b):
                d = np.int32(row[3 * i]) | (np.int32(row[3 * i + 1]) << 8) | (np.int32(row[3 * i + 2]) << 16)
                d = (d ^ 0x800000) - 0x800000
                out[j] = (np.float64(d) - dmin) * k + pmin
                j += 1
        else:
            for i in range(a, b):
                out[j] = (np.float64(row[i]) - dmin) * k + pmin
                j += 1
        r += 1
        a = 0


class EdfReader:
    """Lazy reader of EDF, EDF+, BDF and BDF+ files.

    The constructor parses the header only and memory-maps the data records
    (read-only); samples are decoded on demand by :meth:`read`.

    Parameters
    ----------
    path : str | os.PathLike
        Path of the ``.edf`` / ``.bdf`` file. The format is taken from the
        version field of the header, not from the suffix.

    Attributes
    ----------
    path : pathlib.Path
        The file.
    fmt : str
        ``'edf'`` (16-bit) or ``'bdf'`` (24-bit).
    is_plus : bool
        True for EDF+/BDF+ (reserved header field starts with ``'EDF+'`` or ``'BDF+'``).
    continuous : bool
        False for discontinuous EDF+D/BDF+D files.
    n_records : int
        Number of complete data records used (may be fewer than the header
        says when the file is truncated; a warning is emitted then).
    record_duration : float
        Duration of one data record in seconds.
    signals : list of dict
        One dict per ordinary signal (annotation signals excluded) with keys
        ``label``, ``transducer``, ``physical_dim``, ``physical_min``,
        ``physical_max``, ``digital_min``, ``digital_max``, ``prefilter``,
        ``samples_per_record``, ``sfreq``, ``n_times`` and ``index`` (position
        in the file's signal list).
    start : datetime.datetime
        Timezone-naive start of the recording (lazy; includes the sub-second
        offset of the first time-keeping TAL of EDF+ files).
    annotations : list of tuple
        ``(onset_s, duration_s, description)`` from all annotation signals
        (lazy), onsets in seconds from :attr:`start`, sorted by onset.
    record_onsets : numpy.ndarray
        Start of each data record in seconds from :attr:`start` (lazy; from the time-keeping
        TALs of EDF+D/BDF+D files).
    segments : list of tuple
        ``(onset_s, first_record, stop_record)`` of each continuous stretch of records (lazy;
        several only in EDF+D/BDF+D files with gaps).
    identity : dict
        Raw ``patient`` and ``recording`` fields and the parsed EDF+ subfields
        ``patient_code``, ``sex``, ``birthdate``, ``patient_name``,
        ``patient_additional``, ``hospital_admin_code``, ``technician``,
        ``equipment`` and ``recording_additional`` (``'_'`` decoded to spaces,
        ``'X'`` (unknown) decoded to None; all None for plain EDF/BDF).
        Personal data: never print or log it.

    Raises
    ------
    MyoclonusInputError
        If the file is missing, too short, not EDF/BDF, has an inconsistent, unparseable or
        out-of-range header (sampling rates above :data:`MAX_SFREQ`, times beyond
        :data:`MAX_SECONDS`), holds no data records, has invalid scaling or malformed
        annotations (TALs).

    Examples
    --------
    >>> with EdfReader("rec.edf") as edf:  # doctest: +SKIP
    ...     emg = edf.read(0, start=0, stop=2048)
    """

    def __init__(self, path):
        from .._validate import _check_path_exists

        self.path = _check_path_exists(path, "EDF/BDF")
        self._mm = None
        size = self.path.stat().st_size
        with open(self.path, "rb") as fid:
            main = fid.read(256)
            if len(main) < 256:
                self._fail(
                    f"is only {size} bytes long, shorter than the 256-byte EDF/BDF header; "
                    "the file is truncated or not an EDF/BDF file"
                )
            version = main[:8]
            if version == _EDF_VERSION:
                self.fmt = "edf"
            elif version == _BDF_VERSION:
                self.fmt = "bdf"
            else:
                self._fail(
                    f"is not an EDF/BDF file: the version field is {version!r}, but EDF files "
                    f"start with {_EDF_VERSION!r} and BDF files with {_BDF_VERSION!r}"
                )
            self._patient_raw = _text(main[8:88])
            self._recording_raw = _text(main[88:168])
            self._startdate = _text(main[168:176])
            self._starttime = _text(main[176:184])
            header_bytes = self._int(main[184:192], "number of bytes in header")
            reserved = _text(main[192:236])
            n_records_hdr = self._int(main[236:244], "number of data records")
            self.record_duration = self._float(main[244:252], "duration of a data record")
            ns = self._int(main[252:256], "number of signals")
            if ns <= 0:
                self._fail(f"declares {ns} signals in its header; at least 1 is needed")
            if header_bytes != 256 * (ns + 1):
                self._fail(
                    f"has an inconsistent header: it declares {ns} signals, which needs "
                    f"{256 * (ns + 1)} header bytes, but the header-length field says "
                    f"{header_bytes}"
                )
            sig_hdr = fid.read(256 * ns)
        if len(sig_hdr) < 256 * ns:
            self._fail(
                f"is truncated inside its header ({size} bytes, but the header alone needs "
                f"{header_bytes}); the file is incomplete"
            )
        self.is_plus = reserved[:4] in ("EDF+", "BDF+")
        self.continuous = not (self.is_plus and reserved[:5] in ("EDF+D", "BDF+D"))
        self._header_bytes = header_bytes

        # ---- per-signal header fields
        fields = {}
        pos = 0
        for name, width in _SIGNAL_FIELDS:
            fields[name] = [sig_hdr[pos + i * width: pos + (i + 1) * width] for i in range(ns)]
            pos += width * ns
        labels = [_text(b) for b in fields["label"]]
        spr_all = [self._int(b, f"samples per record of signal {i + 1}") for i, b in
                   enumerate(fields["samples_per_record"])]
        bps = _FORMATS[self.fmt][0]
        for lab, spr in zip(labels, spr_all):
            if spr < 0:
                self._fail(f"declares {spr} samples per record for signal {lab!r}", _CORRUPT_FIX)
            if spr * bps > size:
                self._fail(
                    f"declares {spr} samples per record for signal {lab!r}, more than its {size} bytes "
                    "can hold (field 'samples per record')", _CORRUPT_FIX
                )
        self._bps = bps
        self._record_samples = int(sum(spr_all))
        self._record_bytes = self._record_samples * bps
        if self._record_bytes == 0:
            self._fail("declares 0 samples per data record over all signals")
        # sample offset of each signal inside a record
        offsets = np.concatenate([[0], np.cumsum(spr_all)]).astype(int)
        self._offsets = offsets
        self._spr_all = spr_all

        self._annot_idx = [i for i, lab in enumerate(labels) if lab in _ANNOT_LABELS]
        ordinary = [i for i in range(ns) if i not in self._annot_idx]
        if ordinary and not self.record_duration > 0:
            self._fail(
                f"has a data-record duration of {self.record_duration} s; it must be > 0 "
                "for a file with signals"
            )
        if not self.record_duration <= MAX_SECONDS:
            self._fail(
                f"has a data-record duration of {self.record_duration:g} s (field 'duration of a data "
                f"record'), beyond {MAX_SECONDS:g} s", _CORRUPT_FIX
            )
        for i in ordinary:
            sfreq = spr_all[i] / self.record_duration
            if sfreq > MAX_SFREQ:
                self._fail(
                    f"gives signal {labels[i]!r} a sampling rate of {sfreq:g} Hz ({spr_all[i]} samples per "
                    f"record over a data-record duration of {self.record_duration:g} s), above the "
                    f"{MAX_SFREQ:g} Hz limit: the field 'duration of a data record' or 'samples per record' "
                    "is wrong", _CORRUPT_FIX
                )

        # ---- number of records: trust the header unless the file is shorter
        n_complete = (size - header_bytes) // self._record_bytes
        leftover = (size - header_bytes) - n_complete * self._record_bytes
        if n_records_hdr == 0 or n_complete <= 0:
            self._fail(
                "contains no data records (the header is there but the data are not); "
                "the recording was probably not saved completely"
            )
        if n_records_hdr == -1:
            n_records = n_complete
            if leftover:
                warn(
                    f"{self.path}: the number of data records is unknown (-1) and the last "
                    f"{leftover} bytes do not form a complete record; they were ignored."
                )
        elif n_records_hdr < -1:
            self._fail(f"declares {n_records_hdr} data records")
        elif n_records_hdr > n_complete:
            n_records = n_complete
            warn(
                f"{self.path}: the header declares {n_records_hdr} data records but the file "
                f"holds only {n_complete} complete records; the file is truncated and the last "
                f"{n_records_hdr - n_complete} record(s) were dropped."
            )
        else:
            n_records = n_records_hdr
        self.n_records = int(n_records)

        # ---- ordinary signals
        self.signals = []
        for i in ordinary:
            lab = labels[i]
            pmin = self._float(fields["physical_min"][i], f"physical minimum of {lab!r}")
            pmax = self._float(fields["physical_max"][i], f"physical maximum of {lab!r}")
            dmin = self._int(fields["digital_min"][i], f"digital minimum of {lab!r}")
            dmax = self._int(fields["digital_max"][i], f"digital maximum of {lab!r}")
            if dmax <= dmin:
                self._fail(
                    f"has digital maximum ({dmax}) <= digital minimum ({dmin}) for signal "
                    f"{lab!r}; its samples cannot be scaled"
                )
            if pmax == pmin:
                self._fail(
                    f"has physical maximum == physical minimum ({pmin}) for signal {lab!r}; "
                    "its samples cannot be scaled"
                )
            if not max(abs(pmin), abs(pmax)) <= MAX_PHYSICAL:
                self._fail(
                    f"has a physical range from {pmin:g} to {pmax:g} for signal {lab!r}, beyond +/-{MAX_PHYSICAL:g} "
                    "(fields 'physical minimum'/'physical maximum')", _CORRUPT_FIX
                )
            spr = spr_all[i]
            self.signals.append(
                dict(
                    label=lab,
                    transducer=_text(fields["transducer"][i]),
                    physical_dim=_text(fields["physical_dim"][i]),
                    physical_min=pmin,
                    physical_max=pmax,
                    digital_min=dmin,
                    digital_max=dmax,
                    prefilter=_text(fields["prefilter"][i]),
                    samples_per_record=spr,
                    sfreq=spr / self.record_duration,
                    n_times=spr * self.n_records,
                    index=i,
                )
            )

        dtype = np.dtype("<i2") if self.fmt == "edf" else np.dtype(np.uint8)
        width = self._record_samples if self.fmt == "edf" else self._record_bytes
        self._mm = np.memmap(
            self.path, dtype=dtype, mode="r", offset=header_bytes, shape=(self.n_records, width)
        )

    # ---- helpers ---------------------------------------------------------------------------
    #: Annotation channels are read through blocks of about this many bytes of records.
    RELEASE_BYTES = 8 << 20

    def _release(self, r0, r1):
        """Drop the mapped pages of records ``[r0, r1)`` from this process (Linux ``MADV_DONTNEED``).

        The data were copied out; the pages stay in the OS file cache, so a later read is a minor
        fault, not disk I/O. Without this, reading a whole long file through the memory map leaves
        every page resident and the process's memory grows to the file size.
        """
        mm = getattr(self._mm, "_mmap", None)
        width = self._mm.shape[1] * self._mm.dtype.itemsize
        if mm is None or not hasattr(mmap, "MADV_DONTNEED"):
            return
        base = self._mm.offset % mmap.ALLOCATIONGRANULARITY  # where record 0 starts in the mapping
        a = base + r0 * width
        b = min(base + r1 * width, len(mm))
        a -= a % mmap.PAGESIZE
        try:
            mm.madvise(mmap.MADV_DONTNEED, a, b - a)
        except (OSError, ValueError):  # pragma: no cover - platform dependent
            pass

    def _fail(self, what, fix=_DEFAULT_FIX):
        raise MyoclonusInputError(f"EDF/BDF file '{self.path}' {what}. {fix}")

    def _float(self, raw, name):
        s = _text(raw)
        try:
            value = float(s.replace(",", "."))
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            self._fail(
                f"has an unparseable header: the field '{name}' should be a number but is "
                f"{s[:20]!r}; the file is corrupt or not an EDF/BDF file"
            )
        return value

    def _int(self, raw, name):
        value = self._float(raw, name)
        if abs(value) > 2 ** 53:
            self._fail(
                f"has an out-of-range header: the field '{name}' is {_text(raw)[:20]!r}, beyond 2^53 "
                "(out of range for an integer field)", _CORRUPT_FIX
            )
        if value != int(value):
            self._fail(
                f"has an unparseable header: the field '{name}' should be an integer "
                f"but is {_text(raw)[:20]!r}"
            )
        return int(value)

    def _columns(self, sig_idx, rec_start=0, rec_stop=None):
        """Memmap block (records x samples, or x bytes for BDF) of file signal ``sig_idx``."""
        if self._mm is None:
            raise ValueError(f"The EdfReader of '{self.path}' is closed.")
        o0, o1 = self._offsets[sig_idx], self._offsets[sig_idx + 1]
        if self.fmt == "bdf":
            o0, o1 = 3 * o0, 3 * o1
        return self._mm[rec_start:rec_stop, o0:o1]

    def _annotation_bytes(self, rec_start=0, rec_stop=None):
        """Bytes of all annotation signals, record-major, as one ``bytes`` object."""
        if not self._annot_idx:
            return b""
        r_stop = self.n_records if rec_stop is None else min(rec_stop, self.n_records)
        step = max(1, self.RELEASE_BYTES // max(1, self._mm.shape[1] * self._mm.dtype.itemsize))
        out = []
        for r0 in range(rec_start, r_stop, step):  # in blocks, giving the mapped pages back
            r1 = min(r0 + step, r_stop)
            blocks = []
            for i in self._annot_idx:
                block = np.ascontiguousarray(self._columns(i, r0, r1))
                blocks.append(block.view(np.uint8).reshape(block.shape[0], -1))
            out.append(np.concatenate(blocks, axis=1).tobytes())
            self._release(r0, r1)
        return b"".join(out)

    def _parse_tals(self, raw):
        """Yield ``(onset, duration, [texts])`` for each TAL in ``raw`` (bytes).

        A TAL whose onset or duration is not a finite number of seconds within
        :data:`MAX_SECONDS`, or with a negative duration, makes the file corrupt (refused, never
        skipped). TALs run together without their NUL separator after a time-keeping TAL
        (``'+1\\x14\\x14+1.14\\x14text\\x14'``, as some Nihon Kohden exports write them) are split.
        """
        for chunk in raw.split(b"\x00"):
            if not chunk.strip():
                continue
            for tal in _MISSING_NUL.split(chunk):
                yield self._parse_tal(tal)

    def _parse_tal(self, tal):
        parts = tal.split(b"\x14")
        head = parts[0].split(b"\x15")
        onset = duration = math.nan
        if len(parts) > 1 and len(head) <= 2:
            try:
                onset = float(head[0])
                duration = float(head[1]) if len(head) > 1 and head[1].strip() else 0.0
            except ValueError:
                pass
        if not (abs(onset) <= MAX_SECONDS and 0 <= duration <= MAX_SECONDS):
            self._fail(
                f"has a malformed annotation (EDF+ TAL) {bytes(tal[:60])!r}: its onset must be a number "
                f"of seconds within +/-{MAX_SECONDS:g} (e.g. '+12.5') and its duration a number >= 0",
                _CORRUPT_FIX,
            )
        texts = []
        for t in parts[1:]:
            if t:
                try:
                    texts.append(t.decode("utf-8"))
                except UnicodeDecodeError:
                    texts.append(t.decode("latin-1"))
        return onset, duration, texts

    def _timekeeping(self, rec_start, rec_stop):
        """Onset (s) of the time-keeping TAL (the first one) of each record in ``[rec_start, rec_stop)``;
        NaN for a record without one."""
        block = np.ascontiguousarray(self._columns(self._annot_idx[0], rec_start, rec_stop))
        rows = block.view(np.uint8).reshape(block.shape[0], -1)
        out = np.full(rows.shape[0], np.nan)
        for k, row in enumerate(rows):
            first = next(self._parse_tals(row.tobytes().split(b"\x00", 1)[0]), None)
            if first is not None and not first[2]:
                out[k] = first[0]
        return out

    @cached_property
    def _start_offset(self):
        """Onset (s) of the first record's time-keeping TAL, 0.0 if none."""
        if not (self.is_plus and self._annot_idx):
            return 0.0
        first = self._timekeeping(0, 1)[0]
        return float(first) if math.isfinite(first) else 0.0

    @cached_property
    def record_onsets(self):
        """Start (s from :attr:`start`) of each data record: from the time-keeping TALs for EDF+D/BDF+D,
        ``k * record_duration`` otherwise (array of ``n_records``)."""
        if self.continuous:
            return np.arange(self.n_records) * self.record_duration
        if not self._annot_idx:
            self._fail("is EDF+D/BDF+D (discontinuous) but has no annotation signal to time its data records",
                       _CORRUPT_FIX)
        out = []
        step = max(1, self.RELEASE_BYTES // max(1, self._mm.shape[1] * self._mm.dtype.itemsize))
        for r0 in range(0, self.n_records, step):
            r1 = min(r0 + step, self.n_records)
            out.append(self._timekeeping(r0, r1))
            self._release(r0, r1)
        onsets = np.concatenate(out)
        missing = np.flatnonzero(~np.isfinite(onsets))
        if missing.size:
            self._fail(
                f"is EDF+D/BDF+D (discontinuous) but its data record {missing[0] + 1} has no time-keeping "
                "annotation (the first TAL of each record gives its start)", _CORRUPT_FIX
            )
        return onsets - onsets[0]

    @cached_property
    def segments(self):
        """Continuous stretches of data records: list of ``(onset_s, first_record, stop_record)``,
        onsets in seconds from :attr:`start`; one stretch for continuous files.

        In EDF+D/BDF+D files, a record starting within half a sample (of the fastest signal) of the
        end of the one before continues it; a later start opens a new segment (the gap is kept);
        an earlier one (records overlapping or out of order) makes the file corrupt.
        """
        onsets = self.record_onsets
        rd = self.record_duration
        if self.continuous or self.n_records < 2:
            return [(0.0, 0, self.n_records)]
        tol = 0.5 * rd / max([s["samples_per_record"] for s in self.signals] + [1])
        ends = onsets[:-1] + rd
        overlap = np.flatnonzero(onsets[1:] < ends - tol)
        if overlap.size:
            r = int(overlap[0]) + 1
            self._fail(
                f"is EDF+D/BDF+D and its data record {r + 1} starts at {onsets[r]:+g} s, before the end of "
                f"record {r} ({ends[r - 1]:+g} s): records overlap or are out of order", _CORRUPT_FIX
            )
        if onsets[-1] + rd > MAX_SECONDS:
            self._fail(
                f"is EDF+D/BDF+D and its last data record starts at {onsets[-1]:+g} s, beyond "
                f"{MAX_SECONDS:g} s", _CORRUPT_FIX
            )
        cuts = [0] + [int(k) + 1 for k in np.flatnonzero(onsets[1:] > ends + tol)] + [self.n_records]
        return [(float(onsets[a]), a, b) for a, b in zip(cuts[:-1], cuts[1:])]

    # ---- public ----------------------------------------------------------------------------
    @property
    def duration(self):
        """Duration of the data in seconds (``n_records * record_duration``)."""
        return self.n_records * self.record_duration

    @cached_property
    def start(self):
        """Timezone-naive start of the recording (see class docstring)."""
        try:
            day, month, yy = (int(x) for x in re.split(r"[.:/\- ]+", self._startdate))
            hh, mm, ss = (int(x) for x in re.split(r"[.:/\- ]+", self._starttime))
        except ValueError:
            self._fail(
                "has an unparseable start date/time in its header (expected dd.mm.yy and hh.mm.ss)"
            )
        year = 1900 + yy if yy >= 85 else 2000 + yy
        if self.is_plus:
            m = re.match(r"Startdate\s+\d{1,2}-[A-Za-z]{3}-(\d{4})\b", self._recording_raw)
            if m:
                year = int(m.group(1))
        try:
            start = _dt.datetime(year, month, day, hh, mm, ss)
        except ValueError:
            self._fail("has an invalid start date/time in its header")
        offset = self._start_offset
        try:
            return start + _dt.timedelta(seconds=offset)
        except OverflowError:
            self._fail(
                f"has a start date/time ({start.isoformat()}) that the first data record's time-keeping "
                f"offset ({offset:+g} s) moves outside the years 1-9999", _CORRUPT_FIX
            )

    @cached_property
    def annotations(self):
        """List of ``(onset_s, duration_s, description)`` (see class docstring)."""
        if not self._annot_idx:
            return []
        offset = self._start_offset
        out = []
        for onset, duration, texts in self._parse_tals(self._annotation_bytes()):
            for text in texts:
                out.append((onset - offset, duration, text))
        out.sort(key=lambda a: a[0])  # stable: keeps file order for equal onsets
        return out

    @cached_property
    def identity(self):
        """Raw and parsed identification fields (personal data: never print it)."""
        def sub(x):
            return None if x in ("X", "") else x.replace("_", " ")

        out = dict(patient=self._patient_raw, recording=self._recording_raw)
        keys_p = ("patient_code", "sex", "birthdate", "patient_name", "patient_additional")
        keys_r = ("hospital_admin_code", "technician", "equipment", "recording_additional")
        out.update(dict.fromkeys(keys_p + keys_r))
        if self.is_plus:
            p = self._patient_raw.split()
            for k, v in zip(keys_p[:4], p[:4]):
                out[k] = sub(v)
            if len(p) > 4:
                out["patient_additional"] = " ".join(p[4:]).replace("_", " ")
            r = self._recording_raw.split()
            if r and r[0] == "Startdate":
                for k, v in zip(keys_r[:3], r[2:5]):
                    out[k] = sub(v)
                if len(r) > 5:
                    out["recording_additional"] = " ".join(r[5:]).replace("_", " ")
        return out

    def read(self, index, start=0, stop=None):
        """Read physical values of one ordinary signal.

        Parameters
        ----------
        index : int
            Index into :attr:`signals` (annotation signals are not counted).
        start, stop : int | None
            Sample range ``[start, stop)`` on this signal's own sample grid;
            ``stop=None`` (or beyond the end) reads to the end.

        Returns
        -------
        data : numpy.ndarray, shape (n_samples,), float64
            Physical values in the signal's ``physical_dim`` (no unit conversion). In EDF+D/BDF+D
            files the samples are those of the data records one after the other (the gaps between
            :attr:`segments` are not in them).
        """
        n_sig = len(self.signals)
        if not -n_sig <= int(index) < n_sig:
            raise IndexError(f"Signal index {index} out of range for a file with {n_sig} signals.")
        sig = self.signals[int(index)]
        n_times = sig["n_times"]
        spr = sig["samples_per_record"]
        stop = n_times if stop is None else min(int(stop), n_times)
        start = int(start)
        if start < 0 or start > stop:
            raise ValueError(
                f"Invalid sample range [{start}, {stop}) for signal {sig['label']!r} "
                f"with {n_times} samples; need 0 <= start <= stop."
            )
        if stop == start:
            return np.empty(0, np.float64)
        r0, r1 = start // spr, -(-stop // spr)
        block = self._columns(sig["index"], r0, r1)
        s0, s1 = start - r0 * spr, stop - r0 * spr
        dmin, pmin = sig["digital_min"], sig["physical_min"]
        k = (sig["physical_max"] - pmin) / (sig["digital_max"] - dmin)
        if use_numba():  # one compiled pass, same arithmetic (bit for bit) as the NumPy lines below
            # the output is allocated by NumPy, which asks for transparent huge pages on large arrays
            # (allocated by numba, the speed benchmark's read step took 135k page faults instead of 20k)
            dig = np.empty(s1 - s0, np.float64)
            _physical_nb(np.asarray(block), s0, s1, spr, self.fmt == "bdf", float(dmin), float(k), float(pmin), dig)
        else:
            if self.fmt == "edf":
                dig = block.reshape(-1)[s0:s1].astype(np.float64)
            else:
                b = block.reshape(-1)[3 * s0: 3 * s1].reshape(-1, 3).astype(np.int32)
                dig = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
                dig = ((dig ^ 0x800000) - 0x800000).astype(np.float64)
            dig -= dmin
            dig *= k
            dig += pmin
        del block
        self._release(r0, r1)
        return dig

    def close(self):
        """Release the memory map."""
        mm, self._mm = self._mm, None
        if mm is not None and getattr(mm, "_mmap", None) is not None:
            try:
                mm._mmap.close()
            except (BufferError, ValueError):  # views still alive; GC will close it
                pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def __repr__(self):
        kind = self.fmt.upper() + ("+" + ("C" if self.continuous else "D") if self.is_plus else "")
        return (
            f"<EdfReader {kind} '{self.path.name}': {len(self.signals)} signals, "
            f"{self.duration:g} s>"
        )


# ----------------------------------------------------------------------------------------------
# Writer
# ----------------------------------------------------------------------------------------------
def _ascii(text, width, what):
    text = "".join(c if 32 <= ord(c) < 127 else "_" for c in str(text))
    if len(text) > width:
        raise MyoclonusUsageError(
            f"{what} must be at most {width} characters, but {text!r} has {len(text)}."
        )
    return text.ljust(width).encode("ascii")


def _fmt_bound(x, direction):
    """Format ``x`` in <= 8 chars, rounding down (direction=-1) or up (+1) when shortening."""
    for dec in range(7, -1, -1):
        scale = 10 ** dec
        v = (math.floor if direction < 0 else math.ceil)(x * scale)
        # guard against x * scale rounding to the wrong side
        while (v / scale > x) if direction < 0 else (v / scale < x):
            v += direction
        s = f"{v / scale:.{dec}f}"
        if "." in s:
            s = s.rstrip("0").rstrip(".")
        if s == "-0":
            s = "0"
        if len(s) <= 8:
            return s
    raise MyoclonusUsageError(
        f"The value {x!r} does not fit in the 8-character EDF header field; "
        "express the signal in a smaller or larger unit (e.g. mV instead of uV)."
    )


def _fmt_exact(x, width=8):
    for dec in range(width):
        s = f"{x:.{dec}f}"
        if len(s) <= width and abs(float(s) - x) <= 1e-12 * max(1.0, abs(x)):
            return s
    return None


def _record_duration(sfreqs):
    """Pick a record duration for which all ``sfreq * duration`` are integers."""
    def ok(d):
        if _fmt_exact(d) is None:
            return False
        for f in sfreqs:
            n = f * d
            if round(n) < 1 or abs(n - round(n)) > 1e-9 * max(1.0, n):
                return False
        return True

    for d in (1, 0.5, 0.25, 0.2, 0.1, 2, 5, 10, 0.05, 0.04, 0.02, 0.01, 20, 50, 100):
        if ok(d):
            return float(d)
    # general case: the smallest duration making all rational rates integral
    fr = [Fraction(f).limit_denominator(10 ** 6) for f in sfreqs]
    den = math.lcm(*(f.denominator for f in fr))
    num = math.gcd(*(f.numerator * (den // f.denominator) for f in fr))
    d0 = Fraction(den, num)
    for k in range(1, 1001):
        d = float(d0 * k)
        if d > 1e6:
            break
        if ok(d):
            return d
    raise MyoclonusUsageError(
        f"Cannot find a data-record duration (<= 8 characters) for which every sampling rate "
        f"{list(sfreqs)} gives an integer number of samples per record; resample the signals "
        "to rates with a common divisor (e.g. integer Hz)."
    )


def _fmt_tal_time(x):
    s = f"{x:+.9f}".rstrip("0").rstrip(".")
    return "+0" if s in ("+0", "-0") else s


def write_edf(
    path,
    signals,
    sfreqs,
    labels,
    *,
    physical_dims,
    start=None,
    annotations=(),
    fmt=None,
    patient="X X X X",
    recording=None,
    transducers=None,
    prefilters=None,
):
    """Write signals and annotations to a continuous EDF+ (EDF+C) or BDF+ (BDF+C) file.

    Parameters
    ----------
    path : str | os.PathLike
        Output file; overwritten if it exists.
    signals : list of array-like
        1-D arrays of physical values (in ``physical_dims``); lengths and
        sampling rates may differ between signals. Shorter signals and the
        last data record are padded with the signal's last value (zeros if empty).
    sfreqs : list of float
        Sampling rate (Hz) of each signal.
    labels : list of str
        Signal labels, at most 16 characters each.
    physical_dims : list of str
        Physical unit of each signal (e.g. ``'uV'``), at most 8 characters.
    start : datetime.datetime | None
        Recording start (1985-2084). Sub-second parts are stored in the
        time-keeping annotations as EDF+ specifies. Aware datetimes are converted
        to UTC. None writes the anonymous date ``01.01.85 00.00.00`` and
        ``'Startdate X'``.
    annotations : iterable of (float, float, str)
        ``(onset_s, duration_s, description)``; onsets in seconds from ``start``.
        Descriptions are stored as UTF-8. Each one goes into the data record
        holding its onset.
    fmt : 'edf' | 'bdf' | None
        File format; None takes it from the suffix of ``path``.
    patient : str
        EDF+ patient identification field (default anonymous ``'X X X X'``).
    recording : str | None
        EDF+ recording identification field; default
        ``'Startdate dd-MMM-yyyy X X X'`` built from ``start``.
    transducers, prefilters : list of str | None
        Optional per-signal transducer (<= 80 chars) and prefilter (<= 80 chars) fields.

    Returns
    -------
    path : pathlib.Path
        The written file.

    Raises
    ------
    ValueError
        (as :class:`~myoclonus._validate.MyoclonusUsageError`) for inconsistent or
        out-of-range arguments.

    Notes
    -----
    The record duration is the first of 1, 0.5, 0.25, 0.2, 0.1, 2, 5, 10, ... s
    for which every ``sfreq * duration`` is an integer. Physical min/max come
    from each signal's range (widened by 1 for constant signals) and are
    rounded outward to fit the 8-character header fields, so no sample clips;
    quantisation error is at most half a digital step.
    """
    path = Path(path)
    if fmt is None:
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in _FORMATS:
            raise MyoclonusUsageError(
                f"Cannot infer the format from the suffix of '{path}': use a .edf or .bdf "
                "file name or pass fmt='edf' or fmt='bdf'."
            )
    if fmt not in _FORMATS:
        raise MyoclonusUsageError(f"fmt must be 'edf', 'bdf' or None, but got {fmt!r}.")
    bps, dmin, dmax = _FORMATS[fmt]

    signals = [np.asarray(s, dtype=np.float64) for s in signals]
    n_sig = len(signals)
    if n_sig == 0:
        raise MyoclonusUsageError("At least one signal is needed to write an EDF/BDF file.")
    transducers = [""] * n_sig if transducers is None else list(transducers)
    prefilters = [""] * n_sig if prefilters is None else list(prefilters)
    sfreqs, labels, physical_dims = list(sfreqs), list(labels), list(physical_dims)
    for name, seq in (("sfreqs", sfreqs), ("labels", labels), ("physical_dims", physical_dims),
                      ("transducers", transducers), ("prefilters", prefilters)):
        if len(seq) != n_sig:
            raise MyoclonusUsageError(
                f"'{name}' must have one entry per signal ({n_sig}), but has {len(seq)}."
            )
    sfreqs = [float(f) for f in sfreqs]
    for lab, s, f in zip(labels, signals, sfreqs):
        if s.ndim != 1:
            raise MyoclonusUsageError(f"Signal {lab!r} must be 1-D, but has shape {s.shape}.")
        if not (math.isfinite(f) and f > 0):
            raise MyoclonusUsageError(f"The sampling rate of {lab!r} must be > 0, but got {f}.")
        if s.size and not np.isfinite(s).all():
            raise MyoclonusUsageError(
                f"Signal {lab!r} contains NaN or infinite values; EDF/BDF cannot store them."
            )

    # ---- identification / start
    if start is None:
        startdate, starttime, frac = "01.01.85", "00.00.00", 0.0
        rec_default = "Startdate X X X X"
    else:
        if start.tzinfo is not None:
            start = start.astimezone(_dt.timezone.utc).replace(tzinfo=None)
        if not 1985 <= start.year <= 2084:
            raise MyoclonusUsageError(
                f"EDF start dates must be within 1985-2084, but got year {start.year}."
            )
        startdate = f"{start.day:02d}.{start.month:02d}.{start.year % 100:02d}"
        starttime = f"{start.hour:02d}.{start.minute:02d}.{start.second:02d}"
        frac = start.microsecond / 1e6
        rec_default = (
            f"Startdate {start.day:02d}-{_MONTHS[start.month - 1]}-{start.year:04d} X X X"
        )
    recording = rec_default if recording is None else recording

    # ---- record layout
    rd = _record_duration(sfreqs)
    spr = [int(round(f * rd)) for f in sfreqs]
    dur = max((s.size / f for s, f in zip(signals, sfreqs)), default=0.0)
    n_rec = max(1, math.ceil(dur / rd - 1e-9))

    # ---- annotations -> TAL bytes per record
    tals = [[f"{_fmt_tal_time(k * rd + frac)}\x14\x14\x00".encode()] for k in range(n_rec)]
    for item in annotations:
        onset, duration, desc = item
        onset, duration, desc = float(onset), float(duration), str(desc)
        if any(c in desc for c in "\x00\x14\x15"):
            raise MyoclonusUsageError(
                f"Annotation description {desc!r} contains a reserved EDF+ control character "
                "(\\x00, \\x14 or \\x15)."
            )
        if not (math.isfinite(onset) and math.isfinite(duration) and duration >= 0):
            raise MyoclonusUsageError(
                f"Annotation ({onset}, {duration}, {desc!r}) needs a finite onset and a "
                "finite duration >= 0."
            )
        k = min(max(int(math.floor((onset + frac) / rd)), 0), n_rec - 1)
        dur_s = f"\x15{_fmt_tal_time(duration)[1:]}" if duration > 0 else ""
        tals[k].append(f"{_fmt_tal_time(onset + frac)}{dur_s}\x14{desc}\x14\x00".encode("utf-8"))
    tal_bytes = [b"".join(t) for t in tals]
    annot_spr = -(-max(len(t) for t in tal_bytes) // bps)
    annot = np.zeros((n_rec, annot_spr * bps), np.uint8)
    for k, t in enumerate(tal_bytes):
        annot[k, : len(t)] = np.frombuffer(t, np.uint8)

    # ---- physical ranges and header
    pmins, pmaxs = [], []
    for lab, dim, s in zip(labels, physical_dims, signals):
        lo, hi = (float(s.min()), float(s.max())) if s.size else (0.0, 0.0)
        if lo == hi:
            lo, hi = lo - 1.0, hi + 1.0
        lo_s, hi_s = _fmt_bound(lo, -1), _fmt_bound(hi, +1)
        if lo_s == hi_s:  # cannot happen after widening, but keep the scaling valid
            hi_s = _fmt_bound(float(hi_s) + 1.0, +1)
        if float(hi_s) - float(lo_s) > 4 * (hi - lo):
            warn(
                f"The values of signal {lab!r} span only {hi - lo:.3g} {dim}, too little "
                "for the 8-character EDF header fields; it is stored with reduced resolution. "
                "Express it in a smaller unit (e.g. uV instead of V)."
            )
        pmins.append(lo_s)
        pmaxs.append(hi_s)

    ns = n_sig + 1
    annot_label = "EDF Annotations" if fmt == "edf" else "BDF Annotations"
    reserved = "EDF+C" if fmt == "edf" else "BDF+C"
    max_spr = max(spr + [annot_spr])
    for what, value in (("number of records", n_rec), ("samples per record", max_spr)):
        if len(str(value)) > 8:
            raise MyoclonusUsageError(f"The {what} ({value}) does not fit in the EDF header.")
    head = b"".join(
        [
            _EDF_VERSION if fmt == "edf" else _BDF_VERSION,
            _ascii(patient, 80, "The patient field"),
            _ascii(recording, 80, "The recording field"),
            startdate.encode(),
            starttime.encode(),
            _ascii(str(256 * (ns + 1)), 8, "header length"),
            _ascii(reserved, 44, "reserved"),
            _ascii(str(n_rec), 8, "number of records"),
            _ascii(_fmt_exact(rd), 8, "record duration"),
            _ascii(str(ns), 4, "The number of signals"),
        ]
    )
    columns = {
        "label": [_ascii(lab, 16, f"Label {lab!r}") for lab in labels]
        + [_ascii(annot_label, 16, "")],
        "transducer": [_ascii(t, 80, "Transducer") for t in transducers] + [b" " * 80],
        "physical_dim": [_ascii(d, 8, f"Physical dimension {d!r}") for d in physical_dims]
        + [b" " * 8],
        "physical_min": [_ascii(v, 8, "") for v in pmins] + [_ascii("-1", 8, "")],
        "physical_max": [_ascii(v, 8, "") for v in pmaxs] + [_ascii("1", 8, "")],
        "digital_min": [_ascii(str(dmin), 8, "")] * ns,
        "digital_max": [_ascii(str(dmax), 8, "")] * ns,
        "prefilter": [_ascii(p, 80, "Prefilter") for p in prefilters] + [b" " * 80],
        "samples_per_record": [_ascii(str(n), 8, "") for n in spr + [annot_spr]],
        "reserved": [b" " * 32] * ns,
    }
    head += b"".join(b"".join(columns[name]) for name, _ in _SIGNAL_FIELDS)
    assert len(head) == 256 * (ns + 1)

    # ---- digital data, one (n_rec, bytes) block per signal
    blocks = []
    for s, n, lo_s, hi_s in zip(signals, spr, pmins, pmaxs):
        total = n * n_rec
        x = np.empty(total, np.float64)
        x[: s.size] = s[:total]
        x[s.size:] = s[-1] if s.size else 0.0
        lo, hi = float(lo_s), float(hi_s)
        dig = np.rint((x - lo) * ((dmax - dmin) / (hi - lo)) + dmin)
        dig = np.clip(dig, dmin, dmax).astype("<i4")
        if fmt == "edf":
            raw = dig.astype("<i2").view(np.uint8)
        else:
            raw = dig.view(np.uint8).reshape(-1, 4)[:, :3]
        blocks.append(raw.reshape(n_rec, n * bps))
    blocks.append(annot)

    path.parent.mkdir(parents=True, exist_ok=True)
    chunk = max(1, (64 << 20) // max(1, sum(b.shape[1] for b in blocks)))
    with open(path, "wb") as fid:
        fid.write(head)
        for k in range(0, n_rec, chunk):
            fid.write(np.concatenate([b[k: k + chunk] for b in blocks], axis=1).tobytes())
    return path
