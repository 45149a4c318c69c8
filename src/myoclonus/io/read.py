"""``read_recording``: one entry point for every supported file format.

Families:

- EDF, EDF+, BDF, BDF+ (``.edf``, ``.bdf``): the package's own lazy memory-mapped reader
  (per-channel sampling rates kept, annotations from every annotation channel). EDF+D/BDF+D
  (discontinuous) files are read as their continuous segments on a real time axis (gaps kept);
  annotation-only EDF+/BDF+ files (e.g. Sleep-EDF hypnograms) as a recording with annotations and
  no channel.
- WFDB (PhysioNet, ``.hea`` + ``.dat``): needs ``pip install 'myoclonus[physionet]'``.
- Text / CSV from wearables and acquisition software (``.txt``, ``.csv``, ``.tsv``): a time column or
  ``sfreq=``; BioSPPy-style ``#`` header lines with the rate, units and labels.
- Anything else ``mne.io.read_raw`` opens (BrainVision ``.vhdr``, FIF, EEGLAB ``.set``, ...).
"""
from __future__ import annotations

import datetime as _dt
import re
import warnings

import numpy as np

from .._logging import logger, verbose, warn
from .._validate import (
    MAX_PHYSICAL,
    MAX_SFREQ,
    MyoclonusError,
    MyoclonusInputError,
    MyoclonusUsageError,
    _check_path_exists,
)
from .recording import (
    Annotations,
    Channel,
    Recording,
    _GapLoader,
    _per_channel,
    _resolve_types,
    unit_scale,
)

__all__ = ["read_recording", "SUPPORTED_EXTENSIONS"]

_EDF_EXT = (".edf", ".bdf", ".rec")
_WFDB_EXT = (".hea", ".dat")
_TEXT_EXT = (".txt", ".csv", ".tsv", ".asc")
_MNE_EXT = (
    ".fif", ".fif.gz", ".vhdr", ".set", ".cnt", ".gdf", ".mff", ".nxe", ".eeg", ".xdf",
    ".lay", ".data", ".sqd", ".con", ".ds", ".egi", ".nedf", ".snirf", ".bin", ".mat",
)
#: Extensions understood by :func:`read_recording`.
SUPPORTED_EXTENSIONS = _EDF_EXT + _WFDB_EXT + _TEXT_EXT + _MNE_EXT


def _ext(path):
    name = path.name.lower()
    for e in (".fif.gz",):
        if name.endswith(e):
            return e
    return path.suffix.lower()


@verbose
def read_recording(
    path,
    *,
    sfreq=None,
    channel_types=None,
    units=None,
    keep_identity=False,
    check=True,
):
    """Read a recording from a file, lazily.

    Parameters
    ----------
    path : path-like
        EDF/EDF+/BDF, WFDB ``.hea`` (or ``.dat``), text/CSV, or any file ``mne.io.read_raw`` opens.
    sfreq : float | None
        Sampling rate in Hz for text files without a time column or header rate.
    channel_types : dict | None
        ``{channel_name: type}`` to override the types inferred from labels; types are
        ``'emg', 'eeg', 'acc', 'ecg', 'eog', 'resp', 'stim', 'misc'``.
    units : dict | str | None
        Units of the values in the file, per channel (``{'EMG': 'mV'}``) or for all channels,
        used when the file gives none or a wrong one.
    keep_identity : bool
        Keep patient-identifying header fields in :meth:`Recording.describe` (default False).
    check : bool
        Check amplitude plausibility (units) and sampling rates on read, warning when suspicious.
    verbose : bool | str | None
        Log level for this call.

    Returns
    -------
    recording : Recording
        Data come out as float64 microvolts for EMG/EEG/ECG/EOG and m/s^2 for accelerometers.

    Raises
    ------
    MyoclonusInputError
        Missing, unknown, truncated or corrupt file; zero-length data; header fields out of range
        (sampling rates, times); malformed annotations. The message names the file.
    """
    path = _check_path_exists(path)
    try:
        rec = _read_any(path, sfreq)
    except MyoclonusInputError as err:
        if str(path) in str(err) or path.name in str(err):
            raise
        raise MyoclonusInputError(f"'{path}': {err}") from err
    if units is not None:
        _apply_units(rec, units)
    if channel_types is not None:
        rec.set_channel_types(channel_types)
    if check:
        rec.check_plausibility()
        for c in rec.channels:
            if c.type == "emg" and c.sfreq < 500:
                msg = (
                    f"{path.name}: EMG channel '{c.name}' is sampled at {c.sfreq:g} Hz; surface EMG "
                    "needs >= 500 Hz (content up to 450 Hz). Jerk onsets will be coarse and short jerks may be missed."
                )
                warn(msg)
    logger.info("Read %s: %r", path.name, rec)
    return rec


def _read_any(path, sfreq):
    ext = _ext(path)
    if path.stat().st_size == 0:
        raise MyoclonusInputError(f"'{path}' is empty (0 bytes): there is no data to read.")
    try:
        if ext in _EDF_EXT:
            rec = _read_edf(path)
        elif ext in _WFDB_EXT:
            rec = _read_wfdb(path)
        elif ext in _TEXT_EXT:
            rec = _read_text(path, sfreq=sfreq)
        elif ext in _MNE_EXT:
            rec = _read_mne(path)
        else:
            raise MyoclonusInputError(
                f"Unknown file extension '{ext or path.name}' for '{path}'. Supported: "
                f"{', '.join(SUPPORTED_EXTENSIONS)}. Rename the file or convert it (e.g. to EDF)."
            )
    except MyoclonusError:
        raise
    except (OSError, ValueError, RuntimeError, KeyError, IndexError, TypeError, EOFError, OverflowError,
            ZeroDivisionError) as err:
        raise MyoclonusInputError(
            f"Could not read '{path}' as {ext or 'a recording'}: {err}. The file may be corrupt "
            "or truncated; check that it opens in EDFbrowser or MNE."
        ) from err
    return rec


def _apply_units(rec, units):
    names = rec.ch_names
    per = _per_channel(units, names, None, "units")
    for i, u in enumerate(per):
        if u is None:
            continue
        c = rec.channels[i]
        factor, canon, known = unit_scale(u, c.type)
        if not known:
            raise MyoclonusUsageError(
                f"Unknown unit {u!r} for channel '{c.name}' ({c.type}). Allowed units are 'V', 'mV', "
                "'uV', 'nV' for EMG/EEG/ECG/EOG and 'm/s^2', 'g', 'mg' for accelerometers."
            )
        if rec.source.get("format") not in ("EDF", "EDF+C", "EDF+D", "BDF", "BDF+C", "BDF+D", "WFDB", "text", "array"):
            raise MyoclonusUsageError(
                "units= applies to EDF, BDF, WFDB and text files; files read through MNE are already "
                f"scaled by MNE (channel '{c.name}'). Fix the unit in MNE (raw.apply_function) and use "
                "Recording.from_mne."
            )
        # the loader returns the file's values, which are in `u`
        rec.channels[i] = Channel(c.name, c.type, c.sfreq, c.n_times, canon, c.site, factor, u, True)


# ---------------------------------------------------------------------------------- EDF / BDF
def _read_edf(path):
    from .edf import EdfReader

    reader = EdfReader(path)
    names = [s["label"] or f"CH{i + 1}" for i, s in enumerate(reader.signals)]
    # make names unique
    seen = {}
    for i, n in enumerate(names):
        if n in seen:
            seen[n] += 1
            names[i] = f"{n}-{seen[n]}"
        else:
            seen[n] = 0
    types = _resolve_types(names, None, [None] * len(names))
    channels = []
    for s, name, (ctype, site) in zip(reader.signals, names, types):
        if s["n_times"] == 0:
            continue
        factor, canon, known = unit_scale(s["physical_dim"], ctype)
        channels.append(
            Channel(name, ctype, s["sfreq"], s["n_times"], canon, site, factor, s["physical_dim"], known)
        )
    if reader.signals and not channels:
        raise MyoclonusInputError(f"'{path}' contains no data records (zero-length data).")
    ann = reader.annotations
    annotations = Annotations([a[0] for a in ann], [a[1] for a in ann], [a[2] for a in ann])
    kind = reader.fmt.upper() + ("+" + ("C" if reader.continuous else "D") if reader.is_plus else "")
    source = {
        "file": path.name,
        "format": kind,
        "reader": "myoclonus.io.edf.EdfReader",
        "size_bytes": path.stat().st_size,
        "n_records": reader.n_records,
        "record_duration_s": reader.record_duration,
    }
    if not channels:
        if not reader.is_plus:
            raise MyoclonusInputError(
                f"'{path}' has no signal channel and is not EDF+/BDF+, so it holds no annotations either."
            )
        source["content"] = "annotations only"
    file_index = [i for i, s in enumerate(reader.signals) if s["n_times"] > 0]
    loader, segments = reader.read, None
    if channels and len(reader.segments) > 1:
        # EDF+D with gaps: real time axis, gaps kept (zeros), segments recorded in the model
        rd = reader.record_duration
        segments = [(onset, (r1 - r0) * rd) for onset, r0, r1 in reader.segments]
        layout = {}
        for i in file_index:
            spr = reader.signals[i]["samples_per_record"]
            layout[i] = [(int(round(onset * spr / rd)), r0 * spr, (r1 - r0) * spr) for onset, r0, r1 in reader.segments]
        span = segments[-1][0] + segments[-1][1]
        channels = [Channel(c.name, c.type, c.sfreq, int(round(span * c.sfreq)), c.unit, c.site, c.scale, c.file_unit,
                            c.calibrated) for c in channels]
        loader = _GapLoader(reader.read, layout)
        source["recorded_duration_s"] = sum(d for _, d in segments)
    return Recording(
        channels,
        loader,
        meas_date=reader.start,
        annotations=annotations,
        source=source,
        identity=reader.identity,
        segments=segments,
        _file_index=file_index,
    )


# ---------------------------------------------------------------------------------- WFDB
def _read_wfdb(path):
    from .._optional import soft_import

    wfdb = soft_import("wfdb", "reading WFDB (PhysioNet) records")
    record_name = str(path.with_suffix(""))
    hea = path.with_suffix(".hea")
    if not hea.exists():
        raise MyoclonusInputError(f"WFDB header '{hea}' not found beside '{path}'. Give the .hea file.")
    fs_text = _wfdb_fs_field(hea)
    try:
        header = wfdb.rdheader(record_name)
    except Exception as err:  # wfdb raises many types on a bad header
        raise MyoclonusInputError(f"Could not parse the WFDB header '{hea}': {err}.") from err
    if fs_text is not None:
        m = _RATE.match(fs_text)
        fs = float(m.group(1)) if m else np.nan
        if not (np.isfinite(fs) and 0 < fs <= MAX_SFREQ) or fs != float(header.fs):
            read_as = f" (wfdb reads it as {header.fs!r} Hz)" if np.isfinite(fs) and 0 < fs <= MAX_SFREQ else ""
            raise MyoclonusInputError(
                f"WFDB header '{hea}' gives the sampling frequency {fs_text[:40]!r}{read_as} (record line, field 3); it "
                f"must be a number of Hz in (0, {MAX_SFREQ:g}]. Correct the header."
            )
    fmts = [str(f) for f in (header.fmt or [])]
    for name, f in zip(header.sig_name or [], fmts):
        if f not in _WFDB_FORMATS:
            raise MyoclonusInputError(
                f"WFDB header '{hea}' gives signal '{name}' the storage format {f!r}, which is not a WFDB format "
                f"({', '.join(_WFDB_FORMATS)}). Correct the header."
            )
    for name, g in zip(header.sig_name or [], header.adc_gain or []):
        if not (np.isfinite(g) and g != 0):
            raise MyoclonusInputError(
                f"WFDB header '{hea}' gives signal '{name}' the ADC gain {g!r}; it must be a finite, non-zero number "
                "of ADC units per physical unit. Correct the header."
            )
    if not header.sig_len:
        raise MyoclonusInputError(f"'{hea}' declares no samples (zero-length data).")
    dat_files = {hea.parent / f for f in (header.file_name or [])}
    for f in dat_files:
        if not f.exists():
            raise MyoclonusInputError(f"WFDB data file '{f}' named in '{hea}' is missing.")
    names = list(header.sig_name)
    types = _resolve_types(names, None, [None] * len(names))
    fs = float(header.fs)
    channels = []
    for i, (name, (ctype, site)) in enumerate(zip(names, types)):
        unit = (header.units or [""] * len(names))[i]
        factor, canon, known = unit_scale(unit, ctype)
        channels.append(Channel(name, ctype, fs, int(header.sig_len), canon, site, factor, unit, known))

    # check the data size matches the header (truncated .dat)
    for f in dat_files:
        fmt = header.fmt[0] if header.fmt else "16"
        bps = {"16": 2, "212": 1.5, "24": 3, "32": 4, "8": 1, "80": 1, "61": 2}.get(str(fmt))
        n_sig_in_file = sum(1 for fn in header.file_name if hea.parent / fn == f)
        if bps and f.stat().st_size < bps * n_sig_in_file * header.sig_len:
            raise MyoclonusInputError(
                f"WFDB data file '{f}' is truncated: {f.stat().st_size} bytes for "
                f"{header.sig_len} samples declared in '{hea.name}'."
            )

    def loader(idx, start, stop):
        rec = wfdb.rdrecord(record_name, sampfrom=start, sampto=stop, channels=[idx], physical=True)
        return rec.p_signal[:, 0]

    meas = None
    if header.base_date is not None:
        meas = _dt.datetime.combine(header.base_date, header.base_time or _dt.time())
    source = {
        "file": hea.name,
        "format": "WFDB",
        "reader": f"wfdb {getattr(wfdb, '__version__', '')}".strip(),
        "size_bytes": sum(f.stat().st_size for f in dat_files) + hea.stat().st_size,
    }
    identity = {"comments": " | ".join(header.comments or [])}
    return Recording(channels, loader, meas_date=meas, source=source, identity=identity)


#: Storage formats of the WFDB specification that wfdb-python reads.
_WFDB_FORMATS = ("8", "16", "24", "32", "61", "80", "160", "212", "310", "311", "508", "516", "524")


def _wfdb_fs_field(hea):
    """The sampling-frequency text of a WFDB header's record line (without counter frequency), or None."""
    for line in hea.read_text(encoding="latin-1").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            fields = line.split()
            return fields[2].split("/")[0] if len(fields) > 2 else None
    raise MyoclonusInputError(f"WFDB header '{hea}' has no record line; it is empty or not a WFDB header.")


# ---------------------------------------------------------------------------------- text / CSV
_UNIT_IN_NAME = re.compile(r"^(.*?)[\s_]*[\[(]\s*([^\])]+?)\s*[\])]\s*$")
_TIME_NAMES = {"time", "t", "times", "timestamp", "time_s", "seconds", "sec", "s", "time (s)", "time[s]"}


def _read_text(path, *, sfreq=None):
    header = {}
    n_header = 0
    comment_lines = []
    # utf-8-sig: a byte-order mark (Excel, Windows tools) is not part of the first name
    with open(path, "r", encoding="utf-8-sig", errors="replace") as fh:
        for line in fh:
            if line.startswith("#"):
                n_header += 1
                comment_lines.append(line)
                m = re.match(r"#\s*([^:=]+?)\s*:?=\s*(.*)$", line.rstrip("\n"))
                if m:
                    header[m.group(1).strip().lower()] = m.group(2).strip()
            else:
                first_data = line
                break
        else:
            first_data = ""
    if not first_data.strip():
        raise MyoclonusInputError(f"'{path}' has no data rows (zero-length data).")
    delim = "\t" if "\t" in first_data else ("," if "," in first_data else (";" if ";" in first_data else None))
    tokens = first_data.strip().split(delim) if delim else first_data.split()
    has_names = not all(_is_number(t) for t in tokens)
    try:
        data = np.loadtxt(path, comments="#", delimiter=delim, skiprows=1 if has_names else 0, ndmin=2, dtype=float,
                          encoding="utf-8-sig")
    except ValueError as err:
        raise MyoclonusInputError(
            f"'{path}': could not parse the numbers in the data rows ({err}). Each row must hold one "
            "number per column, separated by tabs, commas, semicolons or spaces."
        ) from err
    if data.size == 0:
        raise MyoclonusInputError(f"'{path}' has no data rows (zero-length data).")
    if has_names:
        names = [t.strip().strip('"') for t in tokens]
        if len(names) != data.shape[1] and data.shape[1] == 1:
            names = [first_data.strip().strip('"')]
    elif "labels" in header:
        names = re.split(r"\t|,|\s{1,}", header["labels"].strip())
    else:
        names = [f"CH{i + 1}" for i in range(data.shape[1])]
    if len(names) != data.shape[1]:
        names = [f"CH{i + 1}" for i in range(data.shape[1])]
    file_units = [None] * len(names)
    for i, n in enumerate(names):
        m = _UNIT_IN_NAME.match(n)
        if m:
            names[i], file_units[i] = m.group(1).strip(), m.group(2).strip()
    if "units" in header:
        hu = re.split(r"\t|,|\s+", header["units"].strip())
        for i in range(len(names)):
            if file_units[i] is None:
                file_units[i] = hu[i] if len(hu) == len(names) else hu[0]

    rate = None
    if sfreq is None:
        for k, v in sorted(header.items(), key=lambda kv: kv[0] != "sampling rate (hz)"):
            if "sampling" in k or k in ("fs", "sfreq", "rate"):
                rate = _header_rate(path, k, v)
                break
    time_col = None
    for i, n in enumerate(names):
        if n.strip().lower() in _TIME_NAMES:
            time_col = i
            break
    if time_col is not None and sfreq is None:
        t = data[:, time_col]
        if (file_units[time_col] or "s").lower() in ("ms", "msec"):
            t = t / 1000.0
        bad = np.flatnonzero(~np.isfinite(t))
        if bad.size:
            raise MyoclonusInputError(
                f"'{path}': the time column '{names[time_col]}' holds {t[bad[0]]} at data row {bad[0] + 1}; times "
                "must be finite numbers. Correct that row, or pass sfreq= (--sfreq) to ignore the time column."
            )
        dt = np.diff(t)
        if dt.size == 0 or np.any(dt <= 0):
            raise MyoclonusInputError(f"'{path}': the time column '{names[time_col]}' is not increasing.")
        med = float(np.median(dt))
        if np.max(np.abs(dt - med)) > 0.01 * med + 1e-9 and sfreq is None:
            raise MyoclonusInputError(
                f"'{path}': the time column '{names[time_col]}' is not evenly sampled "
                f"(steps from {dt.min():.6g} to {dt.max():.6g} s). Resample the file, or pass sfreq= "
                "(--sfreq) to ignore the time column."
            )
        rate = rate or 1.0 / med
    if time_col is not None:
        data = np.delete(data, time_col, axis=1)
        del names[time_col]
        del file_units[time_col]
        if not names:
            raise MyoclonusInputError(
                f"'{path}' has only a time column and no signal column; add the signals' columns."
            )
    if sfreq is not None:
        rate = float(sfreq)
        if not (np.isfinite(rate) and 0 < rate <= MAX_SFREQ):
            raise MyoclonusUsageError(
                f"The sampling rate given for '{path}' (sfreq= / --sfreq) must be a finite number in "
                f"(0, {MAX_SFREQ:g}] Hz, but got {sfreq!r}."
            )
    if rate is None:
        raise MyoclonusInputError(
            f"'{path}' has no time column and no sampling rate in its header. Give the rate: "
            "--sfreq HZ (CLI) or read_recording(path, sfreq=HZ)."
        )
    if not (np.isfinite(rate) and 0 < rate <= MAX_SFREQ):
        raise MyoclonusInputError(
            f"'{path}': the time column gives a sampling rate of {rate:g} Hz, outside (0, {MAX_SFREQ:g}] Hz; "
            "the times are not in seconds? Give their unit in the column name ('time [ms]') or pass --sfreq."
        )
    bad = np.argwhere(~(np.abs(data) <= MAX_PHYSICAL))
    if bad.size:
        r, c = (int(v) for v in bad[0])
        raise MyoclonusInputError(
            f"'{path}': column '{names[c]}' holds {data[r, c]} at data row {r + 1}; samples must be finite numbers "
            f"within +/-{MAX_PHYSICAL:g} (myoclonus needs complete, evenly sampled data). Fill or cut out the "
            "missing samples, or correct the value."
        )
    types = _resolve_types(names, None, [None] * len(names))
    channels = []
    arrays = []
    for i, (name, (ctype, site)) in enumerate(zip(names, types)):
        unit = file_units[i]
        factor, canon, known = unit_scale(unit, ctype)
        x = data[:, i]
        resolution = header.get("resolution")
        if not known and ctype in ("emg", "eeg", "ecg", "eog") and resolution not in (None, "0"):
            msg = (
                f"{path.name}: channel '{name}' is stored as raw {resolution}-bit ADC counts without a "
                "unit; amplitudes are uncalibrated (reported as if microvolts). "
                "Pass units= (--units) if the gain is known."
            )
            warn(msg)
        elif not known and ctype in ("emg", "eeg", "ecg", "eog", "acc"):
            warn(
                f"{path.name}: channel '{name}' has no unit in the file; values are taken as {canon}. "
                "Pass units= (--units) if that is wrong."
            )
        channels.append(Channel(name, ctype, rate, len(x), canon, site, factor, unit or "", known))
        arrays.append(x)
    from .recording import _ArrayLoader

    source = {
        "file": path.name,
        "format": "text",
        "reader": "myoclonus.io.read._read_text",
        "size_bytes": path.stat().st_size,
        "header": {k: v for k, v in header.items() if k in ("sampling rate (hz)", "resolution", "units", "labels")},
    }
    return Recording(channels, _ArrayLoader(arrays), source=source)


_RATE = re.compile(r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:nan|inf(?:inity)?))\s*(?:hz)?\s*$", re.I)


def _header_rate(path, key, value):
    """The sampling rate (Hz) of the header line ``key``: a finite number in (0, MAX_SFREQ], else refused."""
    m = _RATE.match(value)
    rate = float(m.group(1)) if m else np.nan
    if not (np.isfinite(rate) and 0 < rate <= MAX_SFREQ):
        raise MyoclonusInputError(
            f"'{path}': the header line '{key}' gives the sampling rate {value[:40]!r}; it must be a number of Hz "
            f"in (0, {MAX_SFREQ:g}] (e.g. '# Sampling Rate (Hz):= 1000'). Correct the header, or pass sfreq= "
            "(--sfreq)."
        )
    return rate


def _is_number(s):
    try:
        float(s)
        return True
    except ValueError:
        return False


# ---------------------------------------------------------------------------------- MNE
def _read_mne(path):
    import mne

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            raw = mne.io.read_raw(path, preload=False, verbose="error")
    except Exception as err:  # MNE raises many types for bad files
        raise MyoclonusInputError(f"MNE could not read '{path}': {err}") from err
    if raw.n_times == 0:
        raise MyoclonusInputError(f"'{path}' contains no samples (zero-length data).")
    rec = Recording.from_mne(raw, source={"file": path.name, "size_bytes": path.stat().st_size})
    rec.source["format"] = _ext(path).lstrip(".").upper()
    return rec
