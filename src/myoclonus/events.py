"""The one events container of the package, and its writers.

Designed like :class:`mne.Annotations`: sorted arrays of onset and duration in seconds from the
recording start, a ``kind`` (BIDS ``trial_type``) and a ``channel`` per event, and any number of
per-event measures (peak amplitude in microvolts, area, SNR...). Every step of the package that
produces events produces an :class:`Events`; none invents its own table.

Writers: BIDS ``events.tsv`` + ``events.json`` sidecar, CSV, JSON, EDF+ annotations in a copy of the
recording (:func:`write_events`), and ``mne.Annotations`` (:meth:`Events.to_mne`).
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ._validate import MyoclonusInputError, MyoclonusUsageError, _check_option, _validate_type

__all__ = ["Events", "EVENT_KINDS", "COLUMN_DESCRIPTIONS", "write_events", "read_events"]

#: ``trial_type`` vocabulary. Later steps may add kinds; they never rename these.
EVENT_KINDS = ("jerk", "sustained", "silent_period", "acc_jerk", "artifact")

_REQUIRED = ("onset", "duration", "trial_type", "channel")

#: Description and unit of every column the package writes (used for the BIDS sidecar).
COLUMN_DESCRIPTIONS = {
    "onset": ("Onset of the event from the start of the recording.", "s"),
    "duration": ("Duration of the event (offset - onset).", "s"),
    "trial_type": (
        "Kind of event: jerk (positive EMG burst of jerk length), sustained (longer EMG activation), "
        "silent_period (negative myoclonus: EMG silence interrupting tonic activity), acc_jerk "
        "(accelerometer jerk), artifact (rejected candidate; see reason).",
        None,
    ),
    "channel": ("Channel on which the event was detected.", None),
    "peak_amplitude_uv": ("Peak absolute amplitude of the band-passed signal within the event.", "uV"),
    "rms_uv": ("Root-mean-square amplitude of the band-passed signal within the event.", "uV"),
    "area_uvs": ("Area under the rectified band-passed signal within the event.", "uV*s"),
    "snr_db": ("Signal-to-noise ratio of the event RMS against the channel's noise floor RMS.", "dB"),
    "confidence": ("Detection confidence between 0 and 1.", None),
    "reason": ("Why a candidate is an artifact: what alone explains its EMG-band content (ecg, saturation, motion, "
               "electrode_step, flat).", None),
    "flags": ("Artefact evidence on a real burst, ';'-separated: motion, electrode_step, ecg_overlap, clipped. It lowers "
              "the confidence; the event stays a jerk or sustained activity.", None),
    "onset_uncertainty_ms": ("Timing resolution of the onset and offset: one sampling interval of the channel.", "ms"),
    "tonic_level_uv": ("RMS of the tonic EMG preceding a silent period.", "uV"),
    "peak_acc_ms2": ("Peak acceleration magnitude within the event.", "m/s^2"),
    "linked_onset": ("Onset of the EMG jerk an accelerometer jerk follows.", "s"),
    "mechanical_delay": ("Delay from the EMG jerk onset to the accelerometer jerk onset.", "s"),
    "source": ("Who produced the event (detector name, simulator truth, reviewer).", None),
}


def _as_str_array(values, n, name):
    if values is None:
        return np.full(n, "", dtype=object)
    if isinstance(values, str):
        return np.full(n, values, dtype=object)
    arr = np.asarray(list(values), dtype=object).ravel()
    if len(arr) != n:
        raise MyoclonusUsageError(f"'{name}' has {len(arr)} values for {n} events.")
    return np.array([("" if v is None else str(v)) for v in arr], dtype=object)


class Events:
    """Events detected in (or annotated on) a recording.

    Parameters
    ----------
    onset : array-like of float
        Seconds from the recording start.
    duration : array-like of float
        Seconds (>= 0).
    kind : str | array-like of str
        ``trial_type`` of each event, see :data:`EVENT_KINDS` (other kinds are allowed for
        extensions but the five above keep their meaning).
    channel : str | array-like of str
        Channel name of each event (``''`` when the event is not tied to one channel).
    **measures : array-like
        Per-event measures, one value per event (floats, or strings such as ``reason``).
        Units are in the names (``_uv``, ``_uvs``, ``_db``, ``_ms2``; seconds otherwise).

    Notes
    -----
    Events are always kept sorted by onset (then channel). Use :meth:`select` to filter,
    :meth:`to_dataframe` for a table, :meth:`to_tsv` for BIDS.
    """

    def __init__(self, onset=(), duration=(), kind="jerk", channel="", **measures):
        onset = np.asarray(onset, dtype=np.float64).ravel()
        n = len(onset)
        duration = np.asarray(duration, dtype=np.float64).ravel()
        if duration.size == 0 and n:
            duration = np.zeros(n)
        if len(duration) == 1 and n > 1:
            duration = np.full(n, duration[0])
        if len(duration) != n:
            raise MyoclonusUsageError(f"Got {len(duration)} durations for {n} onsets.")
        if n and (not np.all(np.isfinite(onset)) or not np.all(np.isfinite(duration))):
            raise MyoclonusUsageError("Event onsets and durations must be finite numbers.")
        if n and np.any(duration < 0):
            raise MyoclonusUsageError("Event durations must be >= 0 s.")
        kind = _as_str_array(kind, n, "kind")
        channel = _as_str_array(channel, n, "channel")
        meas = {}
        for key, vals in measures.items():
            if key in _REQUIRED or key == "kind":
                raise MyoclonusUsageError(f"'{key}' is a reserved column name, not a measure.")
            arr = np.asarray(list(vals) if not isinstance(vals, np.ndarray) else vals).ravel()
            if arr.ndim == 0 or len(arr) != n:
                if np.ndim(vals) == 0:
                    arr = np.full(n, vals)
                else:
                    raise MyoclonusUsageError(f"Measure '{key}' has {len(arr)} values for {n} events.")
            if arr.dtype.kind in "iub":
                arr = arr.astype(np.float64)
            elif arr.dtype.kind not in "f":
                arr = np.array([("" if v is None else str(v)) for v in arr], dtype=object)
            meas[key] = arr
        order = np.lexsort((channel.astype(str), onset)) if n else np.arange(0)
        self.onset = onset[order]
        self.duration = duration[order]
        self.kind = kind[order]
        self.channel = channel[order]
        self.measures = {k: v[order] for k, v in meas.items()}

    # --------------------------------------------------------------- container protocol
    def __len__(self):
        return len(self.onset)

    def __repr__(self):
        counts = self.counts()
        s = ", ".join(f"{v} {k}" for k, v in counts.items()) or "empty"
        return f"<Events | {len(self)} events: {s}>"

    def __getitem__(self, item):
        if isinstance(item, (int, np.integer)):
            i = int(item)
            row = {
                "onset": float(self.onset[i]),
                "duration": float(self.duration[i]),
                "trial_type": str(self.kind[i]),
                "channel": str(self.channel[i]),
            }
            for k, v in self.measures.items():
                val = v[i]
                row[k] = float(val) if isinstance(val, (float, np.floating)) else val
            return row
        idx = np.arange(len(self))[item]
        return Events(
            self.onset[idx],
            self.duration[idx],
            self.kind[idx],
            self.channel[idx],
            **{k: v[idx] for k, v in self.measures.items()},
        )

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __eq__(self, other):
        if not isinstance(other, Events) or len(self) != len(other):
            return False
        return (
            np.array_equal(self.onset, other.onset)
            and np.array_equal(self.duration, other.duration)
            and list(self.kind) == list(other.kind)
            and list(self.channel) == list(other.channel)
        )

    @property
    def offset(self):
        """Offsets in seconds (onset + duration)."""
        return self.onset + self.duration

    @property
    def trial_type(self):
        """Alias of :attr:`kind` (BIDS name)."""
        return self.kind

    def counts(self, by="kind"):
        """Number of events per kind (``by='kind'``) or per (channel, kind) (``by='channel'``)."""
        _check_option("by", by, ("kind", "channel"))
        out = {}
        if by == "kind":
            for k in self.kind:
                out[k] = out.get(k, 0) + 1
        else:
            for c, k in zip(self.channel, self.kind):
                out.setdefault(c, {})
                out[c][k] = out[c].get(k, 0) + 1
        return out

    def select(self, kind=None, channel=None, *, tmin=None, tmax=None):
        """Return the events of the given kind(s) and channel(s), with onsets in [tmin, tmax)."""
        mask = np.ones(len(self), bool)
        if kind is not None:
            kinds = [kind] if isinstance(kind, str) else list(kind)
            mask &= np.isin(self.kind.astype(str), kinds)
        if channel is not None:
            chans = [channel] if isinstance(channel, str) else list(channel)
            mask &= np.isin(self.channel.astype(str), chans)
        if tmin is not None:
            mask &= self.onset >= tmin
        if tmax is not None:
            mask &= self.onset < tmax
        return self[mask]

    def shift(self, seconds):
        """Return a copy with onsets (and the ``offset`` measure, a time too) shifted by ``seconds``."""
        out = self[:]
        out.onset = out.onset + float(seconds)
        if "offset" in out.measures and out.measures["offset"].dtype.kind == "f":
            out.measures = dict(out.measures, offset=out.measures["offset"] + float(seconds))
        return out

    @classmethod
    def concatenate(cls, events_list):
        """Concatenate several Events (measures missing in some are filled with NaN or '')."""
        events_list = [e for e in events_list if e is not None]
        keys = []
        for e in events_list:
            for k in e.measures:
                if k not in keys:
                    keys.append(k)
        if not events_list:
            return cls()
        measures = {}
        for k in keys:
            parts = []
            is_str = any(k in e.measures and e.measures[k].dtype == object for e in events_list)
            for e in events_list:
                if k in e.measures:
                    parts.append(e.measures[k].astype(object) if is_str else e.measures[k])
                else:
                    parts.append(np.full(len(e), "" if is_str else np.nan, dtype=object if is_str else float))
            measures[k] = np.concatenate(parts) if parts else np.zeros(0)
        return cls(
            np.concatenate([e.onset for e in events_list]),
            np.concatenate([e.duration for e in events_list]),
            np.concatenate([e.kind for e in events_list]),
            np.concatenate([e.channel for e in events_list]),
            **measures,
        )

    # --------------------------------------------------------------- conversions
    def to_dataframe(self):
        """Return a pandas DataFrame: onset, duration, trial_type, channel, then measures."""
        import pandas as pd

        cols = {
            "onset": self.onset,
            "duration": self.duration,
            "trial_type": self.kind.astype(str),
            "channel": self.channel.astype(str),
        }
        for k, v in self.measures.items():
            cols[k] = v if v.dtype != object else v.astype(str)
        return pd.DataFrame(cols, columns=list(cols))

    @classmethod
    def from_dataframe(cls, df):
        """Build Events from a DataFrame with at least onset, duration, trial_type, channel."""
        missing = [c for c in ("onset", "duration") if c not in df.columns]
        if missing:
            raise MyoclonusInputError(
                f"The events table lacks the required column(s) {missing}; it has {list(df.columns)}."
            )
        kind = df["trial_type"].fillna("").astype(str).values if "trial_type" in df else "jerk"
        channel = df["channel"].fillna("").astype(str).values if "channel" in df else ""
        measures = {}
        for c in df.columns:
            if c in _REQUIRED:
                continue
            col = df[c]
            if col.dtype.kind in "fiub":
                measures[c] = col.to_numpy(dtype=float)
            else:
                measures[c] = col.fillna("").astype(str).values
        onset = df["onset"].to_numpy(dtype=float)
        dur = df["duration"].replace("n/a", 0).astype(float).fillna(0.0).to_numpy()
        return cls(onset, dur, kind, channel, **measures)

    def to_mne(self, raw=None):
        """Return ``mne.Annotations`` (description ``'<kind>'``, ``ch_names`` set per event).

        Parameters
        ----------
        raw : mne.io.Raw | None
            If given, the annotations are set on a copy of ``raw`` and the copy is returned
            (onsets are relative to the start of ``raw``; channels unknown to ``raw`` are dropped from
            ``ch_names``).
        """
        import mne

        if raw is not None:
            names = set(raw.ch_names)
            ch_names = [[c] if c in names else [] for c in self.channel]
            ann = mne.Annotations(
                self.onset + raw.first_time if raw.info["meas_date"] is not None else self.onset,
                self.duration,
                self.kind.astype(str),
                orig_time=raw.info["meas_date"],
                ch_names=ch_names,
            )
            out = raw.copy()
            out.set_annotations(out.annotations + ann if len(out.annotations) else ann)
            return out
        return mne.Annotations(
            self.onset, self.duration, self.kind.astype(str), ch_names=[[c] if c else [] for c in self.channel]
        )

    # --------------------------------------------------------------- writers / readers
    def to_tsv(self, path, *, sidecar=True, na="n/a"):
        """Write a BIDS ``events.tsv`` (and ``events.json`` sidecar describing every column).

        Columns: ``onset``, ``duration``, ``trial_type``, ``channel``, then measures. Seconds;
        missing values written as ``n/a`` (BIDS).
        """
        path = Path(path)
        df = self.to_dataframe()
        df.to_csv(path, sep="\t", index=False, na_rep=na, float_format="%.6g")
        if sidecar:
            side = path.with_suffix(".json")
            side.write_text(json.dumps(self.sidecar(), indent=2) + "\n", encoding="utf-8")
        return path

    def sidecar(self):
        """BIDS sidecar dict: a description (and unit) for every column."""
        out = {}
        cols = list(_REQUIRED) + list(self.measures)
        for c in cols:
            desc, unit = COLUMN_DESCRIPTIONS.get(c, (f"Measure '{c}'.", None))
            entry = {"Description": desc}
            if unit:
                entry["Units"] = unit
            if c == "trial_type":
                entry["Levels"] = {
                    "jerk": "Positive EMG burst of jerk length (myoclonic jerk candidate).",
                    "sustained": "EMG activation longer than a jerk (tonic or voluntary).",
                    "silent_period": "Negative myoclonus: EMG silence interrupting tonic activity.",
                    "acc_jerk": "Brief high-jerk transient on an accelerometer.",
                    "artifact": "Rejected candidate; the reason column says why.",
                }
            out[c] = entry
        return out

    def to_csv(self, path):
        """Write a comma-separated table with the same columns as :meth:`to_tsv`."""
        path = Path(path)
        self.to_dataframe().to_csv(path, index=False, float_format="%.6g")
        return path

    def to_json(self, path=None):
        """Return (and write, if ``path``) a JSON document: ``{"columns": {...}, "events": [...]}``."""
        doc = {"columns": self.sidecar(), "events": [_jsonable(r) for r in self]}
        if path is not None:
            Path(path).write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
        return doc

    @classmethod
    def from_tsv(cls, path):
        """Read a BIDS events.tsv (or CSV with the same columns)."""
        import pandas as pd

        path = Path(path)
        if not path.exists():
            raise MyoclonusInputError(f"Events file not found: '{path}'.")
        sep = "," if path.suffix.lower() == ".csv" else "\t"
        try:
            df = pd.read_csv(path, sep=sep, na_values=["n/a"], keep_default_na=True)
        except Exception as err:
            raise MyoclonusInputError(f"Could not read the events table '{path}': {err}") from err
        return cls.from_dataframe(df)

    def save(self, path, *, recording=None, keep_identity=False, overwrite=False):
        """Write to ``path`` with the format from its extension (see :func:`write_events`)."""
        return write_events(self, path, recording=recording, keep_identity=keep_identity, overwrite=overwrite)


def _jsonable(row):
    out = {}
    for k, v in row.items():
        if isinstance(v, (np.floating, float)):
            out[k] = None if not np.isfinite(v) else float(v)
        elif isinstance(v, np.integer):
            out[k] = int(v)
        else:
            out[k] = v
    return out


def read_events(path):
    """Read events from ``.tsv``/``.csv``/``.json`` written by this package."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        import pandas as pd

        doc = json.loads(path.read_text(encoding="utf-8"))
        return Events.from_dataframe(pd.DataFrame(doc["events"]))
    return Events.from_tsv(path)


def write_events(events, path, *, recording=None, keep_identity=False, overwrite=False):
    """Write events with the format from the extension of ``path``.

    Parameters
    ----------
    events : Events
    path : path-like
        ``.tsv`` (BIDS, with ``.json`` sidecar), ``.csv``, ``.json``, or ``.edf``/``.bdf``
        (a copy of ``recording`` with the events as EDF+ annotations, for EDFbrowser and MNE).
    recording : Recording | None
        Needed for ``.edf``/``.bdf``.
    keep_identity : bool
        For EDF output: copy the patient identification fields (default: anonymous ``X X X X``).
    overwrite : bool
        Replace an existing file (default False: an existing file is an error). The methods
        :meth:`Events.to_tsv`, :meth:`Events.to_csv` and :meth:`Events.to_json` write
        unconditionally, as pandas' writers do.

    Returns
    -------
    path : Path
        The file written.
    """
    _validate_type(events, Events, "events")
    path = Path(path)
    ext = path.suffix.lower()
    _check_option("output extension", ext, (".tsv", ".csv", ".json", ".edf", ".bdf"))
    if path.exists() and not overwrite:
        raise MyoclonusUsageError(f"'{path}' exists; pass overwrite=True (--overwrite) to replace it.")
    if ext == ".tsv":
        return events.to_tsv(path)
    if ext == ".csv":
        return events.to_csv(path)
    if ext == ".json":
        events.to_json(path)
        return path
    if recording is None:
        raise MyoclonusUsageError("Writing events to EDF/BDF needs the recording they belong to.")
    from .io.write import write_recording

    return write_recording(recording, path, events=events, keep_identity=keep_identity, overwrite=overwrite)
