"""The recording model: channels, types, body sites, units, annotations, lazy data access.

A :class:`Recording` holds the header of a polygraphy recording and a *loader* that reads samples on
demand, so that a multi-hour file is never loaded whole just to list its channels. Data come out as
float64 in canonical units: microvolts for EMG/EEG/ECG/EOG, m/s^2 for accelerometers.
Channels may have different sampling rates (EDF allows it); they are kept, never silently resampled.
"""
from __future__ import annotations

import datetime as _dt
import fnmatch
import math
from dataclasses import dataclass, field, replace

import numpy as np

from .._logging import warn
from .._validate import (
    MAX_SECONDS,
    MAX_SFREQ,
    MyoclonusInputError,
    MyoclonusUsageError,
    _check_option,
    _check_range,
    _validate_type,
)
from .sites import CHANNEL_TYPES, BodySite, parse_label

__all__ = ["Channel", "Annotations", "Recording", "unit_scale", "ELECTRO_TYPES"]

#: Channel types whose canonical unit is the microvolt.
ELECTRO_TYPES = ("emg", "eeg", "ecg", "eog")

_G = 9.80665  # m/s^2 per g (standard gravity)

_VOLT_UNITS = {
    "v": 1e6,
    "mv": 1e3,
    "uv": 1.0,
    "µv": 1.0,
    "μv": 1.0,
    "microvolt": 1.0,
    "microvolts": 1.0,
    "nv": 1e-3,
}
_ACC_UNITS = {
    "m/s^2": 1.0,
    "m/s2": 1.0,
    "m/s²": 1.0,
    "ms^-2": 1.0,
    "ms-2": 1.0,
    "g": _G,
    "mg": _G / 1000.0,
}


def unit_scale(unit, ch_type):
    """Return ``(factor, canonical_unit, known)`` to convert values in ``unit`` for ``ch_type``.

    Parameters
    ----------
    unit : str | None
        Unit as written in the file (``'uV'``, ``'mV'``, ``'V'``, ``'g'``, ``'m/s^2'``...).
    ch_type : str
        Channel type.

    Returns
    -------
    factor : float
        Multiply the file's values by this to get canonical units.
    canonical : str
        ``'uV'`` for EMG/EEG/ECG/EOG, ``'m/s^2'`` for accelerometers, else the file's unit.
    known : bool
        False when the unit was missing or not understood (values are then passed through).
    """
    u = (unit or "").strip().lower().replace(" ", "")
    if ch_type in ELECTRO_TYPES:
        if u in _VOLT_UNITS:
            return _VOLT_UNITS[u], "uV", True
        return 1.0, "uV", False
    if ch_type == "acc":
        if u in _ACC_UNITS:
            return _ACC_UNITS[u], "m/s^2", True
        return 1.0, "m/s^2", False
    return 1.0, (unit or "").strip() or "a.u.", bool(u)


@dataclass
class Channel:
    """One channel of a recording.

    Attributes
    ----------
    name : str
        Label as in the file.
    type : str
        One of ``'emg', 'eeg', 'acc', 'ecg', 'eog', 'resp', 'stim', 'misc'``.
    sfreq : float
        Sampling rate in Hz.
    n_times : int
        Number of samples.
    unit : str
        Canonical unit of the returned data (``'uV'`` or ``'m/s^2'`` for the types above).
    site : BodySite
        Body site parsed from the label.
    scale : float
        Factor from the file's physical values to ``unit``.
    file_unit : str
        Unit written in the file.
    calibrated : bool
        False when the file gave no usable unit (amplitudes are then in unknown units).
    """

    name: str
    type: str
    sfreq: float
    n_times: int
    unit: str
    site: BodySite = field(default_factory=BodySite)
    scale: float = 1.0
    file_unit: str = ""
    calibrated: bool = True

    @property
    def duration(self):
        """Duration of this channel in seconds."""
        return self.n_times / self.sfreq

    def to_dict(self):
        """Plain-dict description (for JSON outputs)."""
        return {
            "name": self.name,
            "type": self.type,
            "sfreq_hz": self.sfreq,
            "n_times": int(self.n_times),
            "duration_s": round(self.duration, 6),
            "unit": self.unit,
            "calibrated": self.calibrated,
            "site": self.site.to_dict(),
        }


class Annotations:
    """Annotations stored in the file (markers, technologist notes): onset and duration in seconds.

    Parameters
    ----------
    onset, duration : array-like of float
        Seconds from the recording start.
    description : array-like of str
    """

    def __init__(self, onset=(), duration=(), description=()):
        onset = np.asarray(onset, float).ravel()
        duration = np.asarray(duration, float).ravel() if len(duration) else np.zeros(len(onset))
        description = np.asarray(description, dtype=object).ravel()
        if not (len(onset) == len(duration) == len(description)):
            raise MyoclonusUsageError(
                "onset, duration and description must have the same length, but got "
                f"{len(onset)}, {len(duration)} and {len(description)}."
            )
        bad = np.flatnonzero(~(np.isfinite(onset) & np.isfinite(duration) & (duration >= 0)))
        if bad.size:
            i = int(bad[0])
            raise MyoclonusInputError(
                f"Annotation {i + 1} ({description[i]!r}) has onset {onset[i]} s and duration {duration[i]} s; "
                "onsets must be finite and durations finite and >= 0. Correct or remove that annotation."
            )
        order = np.argsort(onset, kind="stable")
        self.onset = onset[order]
        self.duration = duration[order]
        self.description = description[order]

    def __len__(self):
        return len(self.onset)

    def __repr__(self):
        return f"<Annotations | {len(self)} annotations>"

    def to_dataframe(self):
        """Return a pandas DataFrame with columns onset, duration, description."""
        import pandas as pd

        return pd.DataFrame(
            {"onset": self.onset, "duration": self.duration, "description": self.description.astype(str)}
        )


class Recording:
    """A polygraphy recording with lazy access to its samples.

    Build one with :func:`myoclonus.read_recording`, :meth:`from_array` or :meth:`from_mne`.

    Parameters
    ----------
    channels : list of Channel
    loader : callable
        ``loader(file_index, start, stop)`` returning the file's physical values of one channel,
        samples ``[start, stop)`` as a 1-D float array.
    meas_date : datetime | None
        Start of the recording (naive, local time as in the file).
    annotations : Annotations | None
    source : dict | None
        Provenance: file name, format, reader, size. Never holds patient identity.
    identity : dict | None
        Patient-identifying header fields, kept only in memory; written to outputs only when the
        user asks (``keep_identity=True`` / ``--keep-identity``).
    segments : list of (float, float) | None
        For a discontinuous recording (EDF+D/BDF+D), the ``(onset_s, duration_s)`` of each
        continuous stretch of data, in seconds from ``meas_date``, sorted and not overlapping.
        The time axis of the recording stays real time: the gaps between segments are kept as gaps,
        never stitched (the loader returns zeros there); :meth:`segment` gives one segment as a
        recording of its own. None: one continuous segment.

    Raises
    ------
    MyoclonusInputError
        For a channel whose sampling rate is not a finite number in (0, :data:`MAX_SFREQ`] Hz, or
        whose duration is beyond :data:`MAX_SECONDS`, and for overlapping or unsorted segments.
    """

    def __init__(
        self,
        channels,
        loader,
        *,
        meas_date=None,
        annotations=None,
        source=None,
        identity=None,
        segments=None,
        _file_index=None,
    ):
        self.channels = list(channels)
        self._loader = loader
        self._file_index = list(range(len(self.channels))) if _file_index is None else list(_file_index)
        self.meas_date = meas_date
        self.annotations = annotations if annotations is not None else Annotations()
        self.source = dict(source or {})
        self._identity = dict(identity or {})
        where = f"'{self.source['file']}': " if self.source.get("file") else ""
        for c in self.channels:
            if not (math.isfinite(c.sfreq) and 0 < c.sfreq <= MAX_SFREQ):
                raise MyoclonusInputError(
                    f"{where}channel '{c.name}' has a sampling rate of {c.sfreq!r} Hz; it must be a finite number "
                    f"in (0, {MAX_SFREQ:g}] Hz. The file's rate field is corrupt: correct it, or give the rate "
                    "(--sfreq for text files)."
                )
            if not c.n_times / c.sfreq <= MAX_SECONDS:
                raise MyoclonusInputError(
                    f"{where}channel '{c.name}' lasts {c.n_times / c.sfreq:g} s ({c.n_times} samples at {c.sfreq:g} "
                    f"Hz), beyond {MAX_SECONDS:g} s: its sampling rate field is corrupt. Correct it in the file."
                )
        self._segments = None
        if segments is not None:
            segs = [(float(a), float(d)) for a, d in segments]
            for k, (a, d) in enumerate(segs):
                prev_end = segs[k - 1][0] + segs[k - 1][1] if k else 0.0
                if not (math.isfinite(a) and math.isfinite(d) and d > 0 and a >= prev_end - 1e-9):
                    raise MyoclonusInputError(
                        f"{where}segment {k + 1} of the recording (onset {a} s, duration {d} s) overlaps the one "
                        "before or is not a finite stretch of time; segments must be sorted and disjoint."
                    )
            self._segments = segs if len(segs) > 1 or (segs and segs[0][0] != 0.0) else None

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_array(
        cls,
        data,
        sfreq,
        ch_names=None,
        ch_types=None,
        *,
        units=None,
        meas_date=None,
        annotations=None,
        source=None,
    ):
        """Build a recording from arrays already in memory.

        Parameters
        ----------
        data : array, shape (n_channels, n_times) | list of 1-D arrays
            Values in ``units`` (default: microvolts for EMG/EEG/ECG/EOG, m/s^2 for accelerometers).
            A list allows channels of different lengths (with per-channel ``sfreq``).
        sfreq : float | sequence of float
            Sampling rate in Hz, one for all channels or one per channel.
        ch_names : list of str | None
            Default ``'CH1'``, ``'CH2'``...
        ch_types : list of str | dict | None
            Channel types; None infers them from the names.
        units : list of str | dict | None
            Units of ``data`` per channel; None means canonical units.
        """
        if isinstance(data, np.ndarray):
            if data.ndim == 1:
                data = data[np.newaxis]
            if data.ndim != 2:
                raise MyoclonusUsageError(
                    f"data must be 2-D (n_channels, n_times), but got an array of shape {data.shape}."
                )
            arrays = [np.asarray(row, dtype=np.float64) for row in data]
        else:
            arrays = [np.asarray(a, dtype=np.float64).ravel() for a in data]
        n = len(arrays)
        if n == 0:
            raise MyoclonusInputError("The data have no channel.")
        if ch_names is None:
            ch_names = [f"CH{i + 1}" for i in range(n)]
        ch_names = [str(c) for c in ch_names]
        if len(ch_names) != n:
            raise MyoclonusUsageError(f"Got {len(ch_names)} channel names for {n} channels of data.")
        if len(set(ch_names)) != n:
            raise MyoclonusUsageError(f"Channel names must be unique, but got {ch_names}.")
        sfreqs = np.broadcast_to(np.asarray(sfreq, float), (n,)).astype(float)
        for s in sfreqs:
            _check_range("sfreq", float(s), 0, None, unit="Hz", inclusive=False)
        types = _resolve_types(ch_names, ch_types, [None] * n)
        unit_list = _per_channel(units, ch_names, None, "units")
        channels = []
        for i, (name, a) in enumerate(zip(ch_names, arrays)):
            if a.size == 0:
                raise MyoclonusInputError(f"Channel '{name}' has no samples (zero-length data).")
            ctype, site = types[i]
            if unit_list[i] is None:
                factor, canon, known = 1.0, unit_scale(None, ctype)[1], True
            else:
                factor, canon, known = unit_scale(unit_list[i], ctype)
            channels.append(
                Channel(name, ctype, float(sfreqs[i]), a.size, canon, site, factor, unit_list[i] or canon, known)
            )
        loader = _ArrayLoader(arrays)
        src = {"format": "array", "reader": "Recording.from_array"}
        src.update(source or {})
        rec = cls(channels, loader, meas_date=meas_date, annotations=annotations, source=src)
        return rec

    @classmethod
    def from_mne(cls, raw, *, ch_types=None, source=None):
        """Wrap an ``mne.io.Raw`` (data read lazily through ``raw.get_data``).

        MNE stores EEG/EMG/ECG/EOG in volts; they come out in microvolts here. Channel types set by
        MNE other than the default ``'eeg'`` are kept; others are inferred from the labels.
        """
        mne_types = raw.get_channel_types()
        orig_units = getattr(raw, "_orig_units", None) or {}
        types = _resolve_types(raw.ch_names, ch_types, mne_types)
        sf = float(raw.info["sfreq"])
        channels = []
        for i, name in enumerate(raw.ch_names):
            ctype, site = types[i]
            mtype = mne_types[i]
            file_unit = orig_units.get(name, "")
            if mtype in ("eeg", "emg", "ecg", "eog", "seeg", "ecog", "bio") and ctype in ELECTRO_TYPES:
                factor, canon, known = 1e6, "uV", True  # MNE data are in volts
                file_unit = "V"
            elif mtype in ("eeg", "emg", "ecg", "eog") and file_unit.lower() in ("uv", "mv", "v", "µv"):
                # MNE scaled a voltage unit to volts, but the channel is not electrophysiology
                factor, canon, known = 1.0, "V", True
                file_unit = "V"
            else:
                factor, canon, known = unit_scale(file_unit, ctype)
            channels.append(Channel(name, ctype, sf, raw.n_times, canon, site, factor, file_unit, known))

        def loader(idx, start, stop):
            return raw.get_data(picks=[idx], start=start, stop=stop)[0]

        meas = raw.info.get("meas_date")
        if meas is not None:
            meas = meas.astimezone(_dt.timezone.utc).replace(tzinfo=None)
        ann = raw.annotations
        first = raw.first_time if ann.orig_time is not None else 0.0
        annotations = Annotations(np.asarray(ann.onset) - first, ann.duration, ann.description)
        src = {"format": "mne", "reader": f"mne {type(raw).__name__}"}
        fnames = getattr(raw, "filenames", None)
        if fnames and fnames[0]:
            from pathlib import Path

            src["file"] = Path(fnames[0]).name
        src.update(source or {})
        identity = {}
        subj = raw.info.get("subject_info")
        if subj:
            identity = {k: str(v) for k, v in dict(subj).items()}
        return cls(channels, loader, meas_date=meas, annotations=annotations, source=src, identity=identity)

    # ------------------------------------------------------------------ basic properties
    @property
    def ch_names(self):
        """Channel names."""
        return [c.name for c in self.channels]

    @property
    def ch_types(self):
        """Channel types."""
        return [c.type for c in self.channels]

    @property
    def sfreqs(self):
        """Sampling rate of each channel in Hz (array)."""
        return np.array([c.sfreq for c in self.channels], float)

    @property
    def sites(self):
        """Body site of each channel."""
        return [c.site for c in self.channels]

    @property
    def n_channels(self):
        """Number of channels."""
        return len(self.channels)

    @property
    def duration(self):
        """Duration in seconds (longest channel)."""
        return max((c.duration for c in self.channels), default=0.0)

    @property
    def sfreq(self):
        """The common sampling rate in Hz; raises when channels differ (see :meth:`groups`)."""
        rates = sorted({c.sfreq for c in self.channels})
        if len(rates) != 1:
            raise MyoclonusUsageError(
                f"Channels have different sampling rates ({', '.join(f'{r:g}' for r in rates)} Hz); "
                "pick channels of one rate first, e.g. rec.pick(rec.groups()[RATE])."
            )
        return rates[0]

    @property
    def identity(self):
        """Patient-identifying header fields (in memory only; never written unless asked)."""
        return dict(self._identity)

    def groups(self):
        """Channel names grouped by sampling rate: ``{sfreq_hz: [names]}``."""
        out = {}
        for c in self.channels:
            out.setdefault(c.sfreq, []).append(c.name)
        return out

    def __len__(self):
        return self.n_channels

    def __repr__(self):
        types = {}
        for t in self.ch_types:
            types[t] = types.get(t, 0) + 1
        tstr = ", ".join(f"{v} {k}" for k, v in types.items())
        rates = ", ".join(f"{r:g}" for r in sorted(self.groups()))
        if not self.channels:
            return f"<Recording | no channel (annotations only), {len(self.annotations)} annotations>"
        segs = f", {len(self.segments)} segments" if self.discontinuous else ""
        return f"<Recording | {self.n_channels} channels ({tstr}), {self.duration:.1f} s{segs}, {rates} Hz>"

    # ------------------------------------------------------------------ picking
    def pick_indices(self, picks=None, *, allow_empty=False):
        """Resolve ``picks`` (names, glob patterns, channel types or indices) to channel indices.

        Parameters
        ----------
        picks : None | str | int | list
            None picks all. Strings match a channel name exactly, else a type
            (``'emg'``...), else a glob pattern (``'EMG*'``, case-insensitive).
        """
        if picks is None:
            return list(range(self.n_channels))
        if isinstance(picks, (str, int, np.integer)):
            picks = [picks]
        names = self.ch_names
        lower = [n.lower() for n in names]
        out = []
        for p in picks:
            if isinstance(p, (int, np.integer)):
                if not -self.n_channels <= int(p) < self.n_channels:
                    raise MyoclonusUsageError(
                        f"Channel index {p} is out of range for a recording of {self.n_channels} channels."
                    )
                out.append(int(p) % self.n_channels)
                continue
            _validate_type(p, "str", "channel pick")
            if p in names:
                out.append(names.index(p))
            elif p.lower() in CHANNEL_TYPES:
                out.extend(i for i, t in enumerate(self.ch_types) if t == p.lower())
            else:
                hits = [i for i, n in enumerate(lower) if fnmatch.fnmatchcase(n, p.lower())]
                if not hits:
                    from .._validate import _suggest

                    raise MyoclonusUsageError(
                        f"No channel matches {p!r}.{_suggest(p, names)} Available channels: "
                        f"{', '.join(names)}; or a type: {', '.join(CHANNEL_TYPES)}."
                    )
                out.extend(hits)
        seen = set()
        out = [i for i in out if not (i in seen or seen.add(i))]
        if not out and not allow_empty:
            where = f"'{self.source['file']}'" if self.source.get("file") else "this recording"
            has = ", ".join(f"{n} ({t})" for n, t in zip(names, self.ch_types)) or "no signal channel"
            raise MyoclonusInputError(
                f"No channel of the requested kind ({', '.join(map(str, picks))}) in {where}; it has: {has}. "
                "Pick channels that exist (--channels), or set a channel's type (--channel-type NAME=emg)."
            )
        return out

    def pick(self, picks):
        """Return a new Recording with only the picked channels (data stay lazy)."""
        idx = self.pick_indices(picks)
        return Recording(
            [self.channels[i] for i in idx],
            self._loader,
            meas_date=self.meas_date,
            annotations=self.annotations,
            source=self.source,
            identity=self._identity,
            segments=self._segments,
            _file_index=[self._file_index[i] for i in idx],
        )

    # ------------------------------------------------------------------ segments
    @property
    def discontinuous(self):
        """True when the data are in several segments separated by gaps (EDF+D/BDF+D)."""
        return self._segments is not None

    @property
    def segments(self):
        """``[(onset_s, duration_s), ...]`` of the continuous stretches of data, in seconds from the
        start; ``[(0.0, duration)]`` for a continuous recording."""
        if self._segments is None:
            return [(0.0, self.duration)]
        return list(self._segments)

    @property
    def recorded_duration(self):
        """Seconds of data actually recorded: the sum of the segments' durations (without the gaps)."""
        return float(sum(d for _, d in self.segments))

    def segment(self, k):
        """Segment ``k`` (see :attr:`segments`) as a Recording of its own, lazily (no data read).

        Its time axis starts at the segment's onset: add ``rec.segments[k][0]`` to its times (e.g.
        event onsets) to place them on this recording's time axis. Annotations inside the segment
        are kept, shifted likewise; ``meas_date`` is the segment's start.
        """
        segs = self.segments
        _validate_type(k, "int", "segment index")
        if not 0 <= k < len(segs):
            raise MyoclonusUsageError(f"Segment index must be in [0, {len(segs) - 1}], but got {k}.")
        onset, dur = segs[k]
        first, channels = {}, []
        for c, fi in zip(self.channels, self._file_index):
            a = int(round(onset * c.sfreq))
            first[fi] = a
            n = max(0, min(int(round(dur * c.sfreq)), c.n_times - a))
            if n:
                channels.append((replace(c, n_times=n), fi))
        ann = self.annotations
        keep = (ann.onset >= onset) & (ann.onset < onset + dur)
        annotations = Annotations(ann.onset[keep] - onset, ann.duration[keep], ann.description[keep])
        meas = None if self.meas_date is None else self.meas_date + _dt.timedelta(seconds=onset)
        source = dict(self.source, segment=k + 1, segment_onset_s=onset)
        return Recording(
            [c for c, _ in channels], _SegmentView(self._loader, first), meas_date=meas, annotations=annotations,
            source=source, identity=self._identity, _file_index=[fi for _, fi in channels],
        )

    def set_channel_types(self, mapping):
        """Set channel types in place from ``{name: type}``; the unit is re-derived."""
        for name, t in mapping.items():
            _check_option("channel type", t, CHANNEL_TYPES)
            i = self.pick_indices([name])[0]
            c = self.channels[i]
            factor, canon, known = unit_scale(c.file_unit, t)
            _, site = parse_label(c.name, mne_type=t)
            self.channels[i] = replace(c, type=t, unit=canon, scale=factor, calibrated=known, site=site)
        return self

    # ------------------------------------------------------------------ data access
    def _read_channel(self, i, start, stop):
        c = self.channels[i]
        start = max(0, int(start))
        stop = c.n_times if stop is None else min(int(stop), c.n_times)
        if stop <= start:
            return np.zeros(0)
        x = np.asarray(self._loader(self._file_index[i], start, stop), dtype=np.float64)
        if c.scale != 1.0:
            x = x * c.scale
        return x

    def get_data(self, picks=None, *, tmin=0.0, tmax=None):
        """Return data of channels sharing one sampling rate, in canonical units.

        Parameters
        ----------
        picks : see :meth:`pick_indices`
        tmin, tmax : float | None
            Start and stop in seconds from the recording start (tmax exclusive; None: end).

        Returns
        -------
        data : ndarray, shape (n_channels, n_times)
            Microvolts for EMG/EEG/ECG/EOG, m/s^2 for accelerometers.
        """
        idx = self.pick_indices(picks)
        rates = {self.channels[i].sfreq for i in idx}
        if len(rates) > 1:
            raise MyoclonusUsageError(
                "The picked channels have different sampling rates "
                f"({', '.join(f'{r:g}' for r in sorted(rates))} Hz). Pick channels of one rate "
                f"(rec.groups() lists them) or read them one at a time."
            )
        sf = rates.pop()
        start = int(round(float(tmin) * sf))
        stop = None if tmax is None else int(round(float(tmax) * sf))
        rows = [self._read_channel(i, start, stop) for i in idx]
        n = max(len(r) for r in rows)
        out = np.zeros((len(rows), n))
        for k, r in enumerate(rows):
            out[k, : len(r)] = r
        return out

    def iter_chunks(self, seconds, *, overlap=0.0, picks=None):
        """Iterate over the data in chunks, one sampling-rate group at a time.

        Parameters
        ----------
        seconds : float
            Chunk length in seconds (without the overlap).
        overlap : float
            Extra seconds read on each side of the chunk (for filter transients and events
            that cross a border).

        Yields
        ------
        chunk : dict
            ``{'names', 'sfreq', 'start' (s, first sample of the core), 'pad_before' (samples),
            'pad_after' (samples), 'data' (n_channels, n_samples)}``. The core of the chunk is
            ``data[:, pad_before:n - pad_after]``; cores tile the recording exactly.
        """
        _check_range("seconds", seconds, 0, None, unit="s", inclusive=False)
        _check_range("overlap", overlap, 0, None, unit="s")
        idx = self.pick_indices(picks)
        by_rate = {}
        for i in idx:
            by_rate.setdefault(self.channels[i].sfreq, []).append(i)
        for sf, group in by_rate.items():
            n_total = max(self.channels[i].n_times for i in group)
            step = max(1, int(round(seconds * sf)))
            pad = int(round(overlap * sf))
            for s0 in range(0, n_total, step):
                s1 = min(s0 + step, n_total)
                a0, a1 = max(0, s0 - pad), min(n_total, s1 + pad)
                rows = [self._read_channel(i, a0, a1) for i in group]
                data = np.zeros((len(rows), a1 - a0))
                for k, r in enumerate(rows):
                    data[k, : len(r)] = r
                yield {
                    "names": [self.channels[i].name for i in group],
                    "sfreq": sf,
                    "start": s0 / sf,
                    "pad_before": s0 - a0,
                    "pad_after": a1 - s1,
                    "data": data,
                }

    def to_mne(self, picks=None):
        """Return an ``mne.io.RawArray`` of channels with one sampling rate (volts, MNE's units).

        Accelerometer channels become MNE ``'misc'`` channels in m/s^2. Annotations are copied.
        """
        import mne

        idx = self.pick_indices(picks)
        data = self.get_data(idx)
        types, scaled = [], data.copy()
        for k, i in enumerate(idx):
            c = self.channels[i]
            if c.type in ELECTRO_TYPES:
                scaled[k] *= 1e-6
                types.append(c.type)
            elif c.type in ("stim", "resp", "misc"):
                types.append(c.type)
            else:
                types.append("misc")
        info = mne.create_info([self.channels[i].name for i in idx], self.channels[idx[0]].sfreq, types)
        raw = mne.io.RawArray(scaled, info, verbose="error")
        if self.meas_date is not None:
            raw.set_meas_date(self.meas_date.replace(tzinfo=_dt.timezone.utc))
        if len(self.annotations):
            raw.set_annotations(
                mne.Annotations(
                    self.annotations.onset,
                    self.annotations.duration,
                    self.annotations.description.astype(str),
                    orig_time=raw.info["meas_date"],
                )
            )
        return raw

    # ------------------------------------------------------------------ descriptions
    def describe(self, *, keep_identity=False):
        """Return a JSON-ready dict: recording facts, channels, annotations (de-identified).

        Parameters
        ----------
        keep_identity : bool
            Include patient-identifying header fields (default False).
        """
        out = {
            "source": dict(self.source),
            "meas_date": self.meas_date.isoformat() if self.meas_date else None,
            "duration_s": round(self.duration, 6),
            "n_channels": self.n_channels,
            "sampling_rates_hz": sorted(self.groups()),
            "channel_types": {t: self.ch_types.count(t) for t in dict.fromkeys(self.ch_types)},
            "channels": [c.to_dict() for c in self.channels],
            "n_annotations": len(self.annotations),
        }
        if self.discontinuous:
            out["discontinuous"] = True
            out["recorded_duration_s"] = round(self.recorded_duration, 6)
            out["segments"] = [{"onset_s": round(a, 6), "duration_s": round(d, 6)} for a, d in self.segments]
        if keep_identity and self._identity:
            out["identity"] = dict(self._identity)
        return out

    def check_plausibility(self, *, seconds=10.0):
        """Warn about implausible amplitudes (wrong units, flat channels) from the first seconds.

        Returns the list of warning messages (also emitted with :func:`warnings.warn`).
        """
        msgs = []
        for i, c in enumerate(self.channels):
            if c.type not in ELECTRO_TYPES + ("acc",):
                continue
            x = self._read_channel(i, 0, int(seconds * c.sfreq))
            if x.size < 3:
                continue
            x = x - np.median(x)
            p2p = float(np.percentile(np.abs(x), 99.5))
            src = self.source.get("file", "the recording")
            if not np.isfinite(x).all():
                msgs.append(f"{src}: channel '{c.name}' contains NaN or infinite values.")
            elif np.ptp(x) == 0:
                msgs.append(f"{src}: channel '{c.name}' is flat in its first {seconds:g} s (disconnected?).")
            elif c.type in ELECTRO_TYPES and p2p < 0.05:
                msgs.append(
                    f"{src}: channel '{c.name}' ({c.type}) has amplitudes under 0.05 uV: the unit in the "
                    f"file ('{c.file_unit}') is probably wrong (volts stored as microvolts?). Pass "
                    "units={'" + c.name + "': 'V'} (or --units) to fix."
                )
            elif c.type in ELECTRO_TYPES and p2p > 2e5:
                msgs.append(
                    f"{src}: channel '{c.name}' ({c.type}) has amplitudes over 200000 uV (200 mV): check "
                    f"the unit in the file ('{c.file_unit}')."
                )
        for m in msgs:
            warn(m)
        return msgs


class _ArrayLoader:
    def __init__(self, arrays):
        self.arrays = arrays

    def __call__(self, idx, start, stop):
        return self.arrays[idx][start:stop]


class _SegmentView:
    """Loader of :meth:`Recording.segment`: samples shifted by the segment's first sample per channel."""

    def __init__(self, loader, first):
        self.loader = loader
        self.first = first

    def __call__(self, idx, start, stop):
        a = self.first[idx]
        return self.loader(idx, a + start, a + stop)


class _GapLoader:
    """Loader on the real-time sample grid of a discontinuous file.

    ``read(idx, start, stop)`` reads the file's samples (the segments one after the other);
    ``layout[idx]`` lists ``(first, file_start, n)`` per segment: its first sample on the time
    axis, its first sample in the file, its length. Samples in the gaps are zeros.
    """

    def __init__(self, read, layout):
        self.read = read
        self.layout = layout

    def __call__(self, idx, start, stop):
        out = np.zeros(max(0, stop - start))
        for first, file_start, n in self.layout[idx]:
            s, e = max(start, first), min(stop, first + n)
            if s < e:
                out[s - start: e - start] = self.read(idx, file_start + s - first, file_start + e - first)
        return out


def _per_channel(value, names, default, what):
    if value is None:
        return [default] * len(names)
    if isinstance(value, dict):
        unknown = [k for k in value if k not in names]
        if unknown:
            from .._validate import _suggest

            raise MyoclonusUsageError(
                f"{what} given for unknown channel(s) {unknown}.{_suggest(unknown[0], names)} "
                f"Channels are: {', '.join(names)}."
            )
        return [value.get(n, default) for n in names]
    if isinstance(value, str):
        return [value] * len(names)
    value = list(value)
    if len(value) != len(names):
        raise MyoclonusUsageError(f"Got {len(value)} {what} for {len(names)} channels.")
    return value


def _resolve_types(names, ch_types, mne_types):
    """Return [(type, site)] from user types (dict/list/str) or label parsing."""
    user = _per_channel(ch_types, names, None, "channel types")
    out = []
    for name, u, m in zip(names, user, mne_types):
        inferred, site = parse_label(name, mne_type=m)
        if u is not None:
            _check_option(f"channel type of '{name}'", u, CHANNEL_TYPES)
            if u != inferred:
                _, site = parse_label(name, mne_type=u)
            out.append((u, site))
        else:
            out.append((inferred, site))
    return out
