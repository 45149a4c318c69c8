"""The simulator: physiology-based polygraphy (EEG, EMG, accelerometers, ECG, stimuli) with truth.

See :func:`simulate` for the generative model and :data:`myoclonus.simulate.PROFILES` for the
clinical profiles and their sources.
"""
from __future__ import annotations

import copy
import datetime as _dt
import re
from pathlib import Path

import numpy as np
import scipy.signal as sps

from .._logging import logger
from .._validate import MyoclonusUsageError, _check_option, _check_range, _validate_type
from ..events import Events
from ..io.recording import Annotations, Recording
from ..io.sites import parse_label
from . import components as C
from .profiles import (
    BRAINSTEM_NUCLEUS_CM,
    CONTAMINATION_SWITCHES,
    DEMO_MONTAGE,
    PROFILE_NAMES,
    PROFILES,
    REFERENCES,
    cord_position,
    muscle_root,
)
from .schedule import IntervalSet, activity_blocks, hypnogram_epochs, renewal_times, rhythmic_times

__all__ = ["simulate", "demo_recording", "SimulationResult"]

_SIM_TYPES = ("emg", "eeg", "ecg", "acc", "stim")
_STREAMS = ("setup", "activity", "episodes", "emg", "eeg", "ecg", "acc", "contamination")
_G = 9.80665  # m/s^2
_GAP = 0.020  # minimum gap (s) between two jerks on one channel
_VOLUNTARY_MARGIN = 0.100  # jerks are kept this far (s) from voluntary bursts on the same channel
#: Parameters that are not tunable through ``**params``.
_FIXED_KEYS = ("description", "references", "channels", "contamination")
#: Extra tunables not stored in the profiles (with defaults).
_EXTRA = {"flat_channel": None, "clip_level": 2000.0, "meas_date": None}


# =========================================================================== result
class SimulationResult:
    """What :func:`simulate` returns: the recording, its ground truth and how it was made.

    Attributes
    ----------
    recording : Recording
        The simulated polygraphy (microvolts; m/s^2 for accelerometers).
    truth : Events
        Every true event: ``'jerk'`` per EMG channel (measures ``peak_amplitude_uv`` — peak absolute
        amplitude of the noise-free burst —, ``rms_uv`` of that burst, ``snr_db`` (its RMS against
        the channel's background RMS), ``envelope_uv`` (peak of the burst's amplitude envelope,
        i.e. its plateau RMS = snr x background x gain), ``episode`` (jerks of one discharge share
        it) and ``stimulus_latency`` (s from the stimulus, NaN when spontaneous)),
        ``'sustained'`` (tonic or voluntary activation > 0.5 s), ``'silent_period'``
        (``tonic_level_uv``), ``'acc_jerk'`` (on the X channel of a 3-axis sensor, with
        ``peak_acc_ms2``, ``linked_onset``, ``mechanical_delay``) and ``'artifact'`` (``reason``:
        ``'ecg'``, ``'electrode_pop'``, ``'motion'``, ``'saturation'``, ``'flat'``).
    profile : str
    params : dict
        Every parameter used (JSON-serialisable), including the seed and per-channel values.
    hypnogram : pandas.DataFrame | None
        Columns ``onset``, ``duration``, ``stage`` (30-s epochs) for ``'hypnic'``, else None.
    stimuli : Events
        Stimuli (kind ``'stimulus'`` on the stimulus channel); empty without one.
    activity : Events
        Supplementary truth: every tonic (``'tonic'``) and voluntary (``'voluntary'``) activation of
        any length, per channel. Not part of the scoring truth.

    Notes
    -----
    ``rec, truth = simulate(...)`` unpacks the recording and the truth.
    """

    def __init__(self, recording, truth, profile, params, *, hypnogram=None, stimuli=None, activity=None):
        self.recording = recording
        self.truth = truth
        self.profile = profile
        self.params = params
        self.hypnogram = hypnogram
        self.stimuli = stimuli if stimuli is not None else Events(kind="stimulus")
        self.activity = activity if activity is not None else Events(kind="tonic")

    def __iter__(self):
        yield self.recording
        yield self.truth

    def __repr__(self):
        counts = self.truth.counts()
        s = ", ".join(f"{v} {k}" for k, v in counts.items()) or "no events"
        return (
            f"<SimulationResult | {self.profile}, {self.recording.duration:.0f} s, "
            f"{self.recording.n_channels} channels, truth: {s}>"
        )

    def methods(self):
        """A methods paragraph describing the generative model, with references."""
        return _methods_text(self)

    def save(self, fname, *, overwrite=False):
        """Write the recording (EDF+/BDF+/FIF by extension) and ``<stem>_truth.tsv`` beside it.

        Parameters
        ----------
        fname : path-like
            ``.edf``, ``.bdf`` or ``.fif``.
        overwrite : bool
            Replace existing files (default False: an existing recording or truth file is an error).

        Returns
        -------
        recording_path, truth_path : Path
        """
        from ..io.write import write_recording

        fname = Path(fname)
        _check_option("output extension", fname.suffix.lower(), (".edf", ".bdf", ".fif"))
        truth_path = fname.with_name(fname.stem + "_truth.tsv")
        if truth_path.exists() and not overwrite:
            raise MyoclonusUsageError(f"'{truth_path}' exists; pass overwrite=True (--overwrite) to replace it.")
        write_recording(self.recording, fname, overwrite=overwrite)
        self.truth.to_tsv(truth_path)
        return fname, truth_path

    def plot(self, **kwargs):
        """Plot a window of the recording with the truth (see :func:`plot_simulation`)."""
        from .plot import plot_simulation

        return plot_simulation(self, **kwargs)


# =========================================================================== helpers
from .._json import jsonable  # noqa: E402


def _jsonable(obj):
    return jsonable(obj, stringify=True)


def _resolve_contamination(value, default):
    allowed = CONTAMINATION_SWITCHES
    if value is None:
        return {k: bool(default.get(k, False)) for k in allowed}
    if isinstance(value, str):
        low = value.strip().lower()
        if low in ("none", "off", ""):
            return {k: False for k in allowed}
        if low in ("all", "on"):
            return {k: True for k in allowed}
        value = [low]
    if isinstance(value, dict):
        out = {k: bool(default.get(k, False)) for k in allowed}
        for k, v in value.items():
            _check_option("contamination switch", k, allowed)
            out[k] = bool(v)
        return out
    try:
        names = list(value)
    except TypeError:
        raise MyoclonusUsageError(
            "contamination must be None, 'none', 'all', a dict of switches or an iterable of switch "
            f"names ({', '.join(allowed)}), but got {value!r}."
        ) from None
    out = {k: False for k in allowed}
    for k in names:
        _check_option("contamination switch", k, allowed)
        out[k] = True
    return out


_ROW_Y = {"FP": 0.95, "AF": 0.75, "F": 0.5, "FT": 0.3, "FC": 0.25, "C": 0.0, "T": 0.0, "CP": -0.25,
          "TP": -0.3, "P": -0.5, "PO": -0.75, "O": -0.95, "I": -1.1}
_OLD_1020 = {"T3": (-0.8, 0.0), "T4": (0.8, 0.0), "T5": (-0.65, -0.55), "T6": (0.65, -0.55),
             "A1": (-1.05, -0.2), "A2": (1.05, -0.2), "M1": (-1.0, -0.35), "M2": (1.0, -0.35)}


def _electrode_xy(label):
    """Approximate flat scalp position (x: left -1 .. right +1, y: back -1 .. front +1)."""
    s = re.sub(r"^(eeg|pol)\s+", "", label.strip(), flags=re.I)
    name = re.split(r"[-\s/:]", s)[0].upper()
    if name in _OLD_1020:
        return _OLD_1020[name]
    m = re.fullmatch(r"([A-Z]+?)(\d+|Z)", name)
    if not m:
        return (0.0, 0.0)
    row, col = m.groups()
    y = _ROW_Y.get(row, 0.0)
    if col == "Z":
        return (0.0, y)
    k = int(col)
    return ((-1.0 if k % 2 else 1.0) * min(0.2 * ((k + 1) // 2), 1.0), y)


def _source_xy(site):
    """Scalp position over the motor-cortex representation of a body site (contralateral)."""
    sign = {"right": -1.0, "left": 1.0}.get(site.side, 0.0)
    seg = site.segment
    if seg == "upper_limb":
        x = 0.4 if site.proximal == "distal" else 0.3
        return (sign * x, 0.0)
    if seg == "cranial":
        return (sign * 0.55, 0.1)
    if seg == "lower_limb":
        return (sign * 0.08, -0.05)
    return (sign * 0.15, 0.0)  # neck, trunk, unknown


def _spatial_weight(xy, src, spread):
    d2 = (xy[0] - src[0]) ** 2 + (xy[1] - src[1]) ** 2
    return float(np.exp(-d2 / (2 * spread**2)))


def _acc_sensor_name(label):
    m = re.match(r"^(.*?)[\s_\-]*([XYZxyz])$", label.strip())
    if m and m.group(1):
        return m.group(1).strip(), m.group(2).upper()
    return label.strip(), "X"


# =========================================================================== simulator
class _Simulator:
    """Internal state of one simulation; :func:`simulate` is the public entry point."""

    def __init__(self, profile, P, labels, duration, sfreq, seed, snr, contamination, mains):
        self.profile = profile
        self.P = P
        self.D = float(duration)
        self.fs = float(sfreq)
        self.n = int(round(self.D * self.fs))
        self.seed = seed
        self.snr = float(snr)
        self.cont = contamination
        self.mains = mains
        seq = np.random.SeedSequence(seed)
        kids = seq.spawn(len(_STREAMS))
        self.ss = dict(zip(_STREAMS, kids))
        self.rng = {k: np.random.default_rng(v) for k, v in self.ss.items()}
        self._setup_channels(labels)

    # ------------------------------------------------------------------ channels
    def _setup_channels(self, labels):
        rng = self.rng["setup"]
        self.labels = list(labels)
        self.types, self.sites = [], []
        for name in self.labels:
            ctype, site = parse_label(name)
            if ctype not in _SIM_TYPES:
                raise MyoclonusUsageError(
                    f"Channel {name!r} is read as type {ctype!r}, but the simulator makes only "
                    f"{', '.join(_SIM_TYPES)} channels. Use labels such as 'EMG R FDI', 'C3', "
                    "'ACC R wrist X', 'ECG' or 'Stim'."
                )
            self.types.append(ctype)
            self.sites.append(site)
        self.emg = [i for i, t in enumerate(self.types) if t == "emg"]
        self.eeg = [i for i, t in enumerate(self.types) if t == "eeg"]
        self.ecg = [i for i, t in enumerate(self.types) if t == "ecg"]
        self.acc = [i for i, t in enumerate(self.types) if t == "acc"]
        self.stim = [i for i, t in enumerate(self.types) if t == "stim"]
        lo, hi = self.P["background_uv"]
        self.info = {}
        for i in self.emg:
            site = self.sites[i]
            info = muscle_root(self.labels[i], site.muscle, site.segment)
            info["prox"] = site.proximal or ("axial" if site.segment in ("trunk", "neck", "cranial") else "proximal")
            info["bg"] = float(rng.uniform(lo, hi))
            info["dir"] = rng.standard_normal(3)
            info["dir"] /= np.linalg.norm(info["dir"])
            self.info[i] = info
        self.xy = {i: _electrode_xy(self.labels[i]) for i in self.eeg}
        # accelerometer sensors: group axes
        sensors = {}
        for i in self.acc:
            base, axis = _acc_sensor_name(self.labels[i])
            sensors.setdefault(base, {})[axis] = i
        self.sensors = []
        for base, axes in sensors.items():
            _, site = parse_label(base if base.lower().startswith("acc") else "ACC " + base)
            chans = [axes[a] for a in sorted(axes)]
            linked = [
                c
                for c in self.emg
                if (
                    (site.segment == "trunk" and self.sites[c].segment in ("trunk", "neck"))
                    or (
                        site.segment not in (None, "trunk")
                        and self.sites[c].segment == site.segment
                        and (site.side is None or self.sites[c].side in (site.side, None, "midline"))
                    )
                    or site.segment is None
                )
            ]
            u = rng.standard_normal(3)
            u /= np.linalg.norm(u)
            self.sensors.append(
                {"name": base, "axes": {a: axes[a] for a in sorted(axes)}, "channels": chans,
                 "first": chans[0], "site": site, "linked": linked, "gravity": u}
            )
        # limb groups of EMG channels (same side and segment)
        groups = {}
        for c in self.emg:
            s = self.sites[c]
            groups.setdefault((s.side, s.segment), []).append(c)
        self.groups = list(groups.values())

    # ------------------------------------------------------------------ run
    def run(self):
        P = self.P
        self.stage_course = None
        self.hypno = None
        if P["timing"] == "sleep_onset":
            on, du, st = hypnogram_epochs(self.rng["activity"], self.D)
            self.hypno = (on, du, st)
        self._activity()
        self._stimuli()
        self._episodes()
        self._silent_periods()
        self._beta_drive()
        data = [None] * len(self.labels)
        jerk_rows = self._render_emg(data)
        self._render_eeg(data)
        acc_truth = self._render_acc(data)
        self._render_ecg_and_stim(data)
        art = self._contaminate(data)
        truth = self._assemble_truth(jerk_rows, acc_truth, art)
        return data, truth

    # ------------------------------------------------------------------ stages
    def _stage_factor(self, values):
        """Per-sample smooth factor from per-stage values (dict stage -> value) on the hypnogram."""
        on, du, st = self.hypno
        knots_t, knots_v = [], []
        for o, d, s in zip(on, du, st):
            v = values[s]
            edge = min(5.0, d / 4)
            knots_t += [o + edge, o + d - edge]
            knots_v += [v, v]
        t = np.arange(self.n) / self.fs
        return np.interp(t, knots_t, knots_v)

    def _stage_at(self, t):
        on, du, st = self.hypno
        i = int(np.clip(np.searchsorted(on, t, side="right") - 1, 0, len(st) - 1))
        return st[i]

    # ------------------------------------------------------------------ activity
    def _activity(self):
        """Posture (tonic) blocks, dystonic co-contraction, chin tone, voluntary bursts."""
        P, rng, D = self.P, self.rng["activity"], self.D
        self.tonic = {c: [] for c in self.emg}  # (start, stop, level_uv, kind)
        self.voluntary = {c: [] for c in self.emg}  # (onset, dur, level_uv)
        self.vol_busy = {c: IntervalSet() for c in self.emg}
        self.posture = activity_blocks(rng, D, fraction=P["posture_fraction"], block=P["posture_block"])
        if self.hypno is not None:
            self.posture = np.zeros((0, 2))
        self.posture_channels = [c for c in self.emg if self.sites[c].segment in (P["posture_segments"] or [])]
        for c in self.posture_channels:
            lvl = P["tonic_level"] * self.info[c]["bg"]
            for a, b in self.posture:
                self.tonic[c].append((a, b, lvl * rng.uniform(0.8, 1.2), "posture"))
        if P["dystonia"]:
            neck = [c for c in self.emg if self.sites[c].segment == "neck"]
            forearm = [c for c in self.emg if self.info[c]["prox"] == "distal" and self.sites[c].segment == "upper_limb"]
            for grp in (neck, forearm[:2]):
                if not grp:
                    continue
                blocks = activity_blocks(rng, D, fraction=0.35, block=(10.0, 40.0))
                for c in grp:
                    for a, b in blocks:
                        self.tonic[c].append((a, b, 2.0 * self.info[c]["bg"] * rng.uniform(0.8, 1.2), "dystonia"))
        if self.hypno is not None:
            on, du, st = self.hypno
            chin = [c for c in self.emg if self.sites[c].segment == "cranial"]
            level = {"W": 3.0, "N1": 1.8, "N2": 1.0}
            # merge consecutive epochs of one stage
            runs = []
            for o, d, s in zip(on, du, st):
                if runs and runs[-1][2] == s:
                    runs[-1][1] = o + d
                else:
                    runs.append([o, o + d, s])
            for c in chin:
                for a, b, s in runs:
                    if level[s] > 1.0:
                        self.tonic[c].append((a, b, level[s] * self.info[c]["bg"], "tone"))
        # voluntary movements
        if P["voluntary_rate"] > 0 and self.groups:
            times = renewal_times(rng, D, rate=P["voluntary_rate"], min_interval=1.0)
            for t in times:
                if self.hypno is not None and self._stage_at(t) != "W":
                    continue
                grp = self.groups[int(rng.integers(len(self.groups)))]
                dur = float(
                    C.lognormal_durations(
                        rng, 1, median=P["voluntary_duration_median"], sigma=P["voluntary_duration_sigma"],
                        bounds=P["voluntary_duration"],
                    )[0]
                )
                agonist = grp[int(rng.integers(len(grp)))]
                for c in grp:
                    if c != agonist and rng.uniform() > 0.4:
                        continue
                    on = t + (0.0 if c == agonist else rng.uniform(0.0, 0.03))
                    d = dur * (1.0 if c == agonist else rng.uniform(0.7, 1.0))
                    if on + d > D - 0.05:
                        continue
                    lvl = P["voluntary_level"] * self.info[c]["bg"] * rng.uniform(0.7, 1.3)
                    self.voluntary[c].append((on, d, lvl))
                    self.vol_busy[c].add(on - _VOLUNTARY_MARGIN, on + d + _VOLUNTARY_MARGIN)
        # action modulation of the jerk rate (posture or voluntary activity anywhere)
        grid = np.arange(0.0, D + 0.01, 0.01)
        active = np.zeros(grid.size, bool)
        for a, b in self.posture:
            active |= (grid >= a) & (grid < b)
        for c in self.emg:
            for on, d, _ in self.voluntary[c]:
                active |= (grid >= on) & (grid < on + d)
        self.modulation = (grid, np.where(active, P["action_gain"], 1.0))
        self.active_grid = (grid, active)

    # ------------------------------------------------------------------ stimuli
    def _stimuli(self):
        P = self.P
        self.stim_times = np.zeros(0)
        if self.stim and P["stimulus_rate"] > 0:
            self.stim_times = renewal_times(
                self.rng["episodes"], self.D - 1.0, rate=P["stimulus_rate"], regularity=4.0, min_interval=2.0
            )
            self.stim_times = self.stim_times[self.stim_times > 0.5]

    # ------------------------------------------------------------------ recruitment
    def _lead(self, c):
        lo, hi = self.P["premyoclonic_lead"]
        return float(np.clip(self.info[c]["mep"] + 0.003, lo, hi))

    def _reticular_delay(self, c):
        P, info = self.P, self.info[c]
        if info["root"] is not None:
            return cord_position(info["root"]) / 100.0 / P["reticulospinal_velocity"] + info["periph"]
        cm = BRAINSTEM_NUCLEUS_CM.get(info["nerve"], 2.0)
        return cm / 100.0 / P["brainstem_velocity"] + info["periph"]

    def _recruit(self, rng, focus=None):
        """Channels, delays (s, from the generator discharge), relative amplitudes of one jerk."""
        P = self.P
        kind = P["recruitment"]
        E = self.emg
        if not E or kind == "none":
            return [], [], [], focus
        if kind == "multifocal":
            if focus is None:
                w = np.array([P["distal_weight"].get(self.info[c]["prox"], 1.0) for c in E], float)
                focus = E[int(rng.choice(len(E), p=w / w.sum()))]
            chs, dl, amp = [focus], [self._lead(focus)], [1.0]
            s0 = self.sites[focus]
            limb = [c for c in E if c != focus and self.sites[c].side == s0.side and self.sites[c].segment == s0.segment]
            if limb and rng.uniform() < P["spread_probability"]:
                for c in limb:
                    if rng.uniform() < 0.6:
                        chs.append(c)
                        dl.append(self._lead(c))
                        amp.append(rng.uniform(0.5, 0.9))
            return chs, dl, amp, focus
        if kind == "generalized":
            return E, [self.info[c]["mep"] + 0.005 for c in E], list(rng.uniform(0.6, 1.2, len(E))), None
        if kind == "reticular":
            return E, [self._reticular_delay(c) for c in E], list(rng.uniform(0.7, 1.2, len(E))), None
        if kind == "propriospinal":
            gen = cord_position(P["generator_root"])
            chs = [c for c in E if self.info[c]["root"] is not None]
            dl = [abs(cord_position(self.info[c]["root"]) - gen) / 100.0 / P["conduction_velocity"] + self.info[c]["periph"] for c in chs]
            return chs, dl, list(rng.uniform(0.7, 1.2, len(chs))), None
        if kind == "segmental":
            lo, hi = (cord_position(r) for r in P["segment_roots"])
            side = P["segment_side"]
            chs = [
                c for c in E
                if self.info[c]["root"] is not None
                and lo - 1e-6 <= cord_position(self.info[c]["root"]) <= hi + 1e-6
                and (side is None or self.sites[c].side == side)
            ]
            return chs, [self.info[c]["periph"] + rng.uniform(0, 0.004) for c in chs], list(rng.uniform(0.7, 1.1, len(chs))), None
        if kind in ("essential", "functional"):
            segs = P["eligible_segments"]
            elig = [c for c in E if segs is None or self.sites[c].segment in segs]
            if not elig:
                return [], [], [], None
            lo, hi = P["n_muscles"]
            k = int(min(len(elig), rng.integers(lo, hi + 1)))
            chs = list(rng.choice(elig, size=k, replace=False))
            dl = list(rng.uniform(0.0, P["random_delay"], k))
            return [int(c) for c in chs], dl, list(rng.uniform(0.7, 1.2, k)), None
        if kind == "hypnic":
            inc = rng.uniform(size=len(E)) < 0.85
            if inc.sum() < 2:
                inc[: min(2, len(E))] = True
            chs = [c for c, m in zip(E, inc) if m]
            return chs, list(rng.uniform(0.0, P["random_delay"], len(chs))), list(rng.uniform(0.5, 1.3, len(chs))), None
        raise MyoclonusUsageError(f"Unknown recruitment pattern {kind!r}.")  # pragma: no cover

    def _durations(self, rng, k):
        P = self.P
        bounds = P["jerk_duration"]
        if P["recruitment"] == "functional":
            return C.lognormal_durations(rng, k, median=P["jerk_duration_median"], sigma=P["jerk_duration_sigma"], bounds=bounds)
        base = C.lognormal_durations(rng, 1, median=P["jerk_duration_median"], sigma=P["jerk_duration_sigma"], bounds=bounds)[0]
        return np.clip(base * rng.uniform(0.85, 1.15, k), bounds[0], bounds[1])

    # ------------------------------------------------------------------ episodes
    def _episode_times(self, rng):
        P = self.P
        timing = P["timing"]
        if timing == "none" or P["recruitment"] == "none":
            return []
        if timing == "rhythmic":
            t = rhythmic_times(rng, self.D, freq=P["rhythm_hz"], cv=P["rhythm_cv"])
            return [(x, None) for x in t]
        if timing == "sleep_onset":
            on, du, st = self.hypno
            out = []
            lo, hi = P["jerks_per_transition"]
            for i in range(1, len(st)):
                if st[i - 1] == "W" and st[i] == "N1":
                    k = int(rng.integers(lo, hi + 1))
                    span = min(20.0, du[i] - 1.0, self.D - on[i] - 1.0)
                    if span <= 0:
                        continue
                    ts = np.sort(rng.uniform(0.0, span, k))
                    keep = [ts[0]] if k else []
                    for x in ts[1:]:
                        if x - keep[-1] >= P["min_interval"]:
                            keep.append(x)
                    out += [(on[i] + x, None) for x in keep]
            return out
        # irregular (renewal) with trains
        p_train = P["train_probability"]
        lo, hi = P["train_size"]
        mean_size = 1.0 + p_train * (0.5 * (lo + hi) - 1.0)
        base = renewal_times(
            rng, self.D, rate=P["rate"] / mean_size, regularity=P["regularity"],
            modulation=self.modulation, min_interval=P["min_interval"],
        )
        out = []
        for i, t in enumerate(base):
            out.append((t, i))
            if p_train > 0 and rng.uniform() < p_train:
                k = int(rng.integers(lo, hi + 1))
                tt = t
                for _ in range(k - 1):
                    tt = tt + rng.uniform(*P["train_interval"])
                    out.append((tt, i))
        return out

    def _episodes(self):
        """Schedule jerk episodes (spontaneous and stimulus-evoked) and resolve conflicts."""
        P, rng = self.P, self.rng["episodes"]
        D = self.D
        cands = []  # (T, kind, stim_time, train_id)
        for t, train in self._episode_times(rng):
            cands.append((t, "spont", np.nan, train))
        # stimulus-evoked
        if len(self.stim_times) and P["stimulus_probability"] > 0 and P["recruitment"] != "none":
            for k, s in enumerate(self.stim_times):
                p = P["stimulus_probability"]
                if P["stimulus_habituation"]:
                    p = p * np.exp(-k / P["stimulus_habituation"]) + 0.1 * p
                if rng.uniform() < p:
                    cands.append((s, "stim", s, None))
        cands.sort(key=lambda x: x[0])
        busy = {c: IntervalSet() for c in self.emg}
        gains = P["gains"] or {}
        dover = P["delays"] or {}
        for lab in list(gains) + list(dover):
            if lab not in self.labels:
                raise MyoclonusUsageError(f"gains/delays given for unknown channel {lab!r}; channels are {self.labels}.")
        self.episodes = []
        train_focus = {}
        for T, kind, stim_t, train in cands:
            focus = train_focus.get(train) if train is not None else None
            if kind == "stim":
                chs, dl, amp, ref = self._evoked(rng, stim_t)
                if not chs:
                    continue
                T = ref
            else:
                chs, dl, amp, focus = self._recruit(rng, focus)
                if not chs:
                    continue
                if train is not None and focus is not None:
                    train_focus.setdefault(train, focus)
            chs = [int(c) for c in chs]
            dl = np.array([dover.get(self.labels[c], d) for c, d in zip(chs, dl)], float)
            if P["delay_jitter"]:
                dl = dl + rng.normal(0.0, P["delay_jitter"], len(chs))
            dl = np.maximum(dl, 0.0)
            durs = self._durations(rng, len(chs))
            fac = np.array(amp, float) * np.array([gains.get(self.labels[c], 1.0) for c in chs])
            fac = fac * np.clip(np.exp(P["amplitude_sigma"] * rng.standard_normal(len(chs))), 0.7, 1.5)
            onsets = T + dl
            # samples
            i0 = np.round(onsets * self.fs).astype(int)
            L = np.clip(
                np.round(durs * self.fs).astype(int),
                int(np.ceil(P["jerk_duration"][0] * self.fs - 1e-6)),
                int(np.floor(P["jerk_duration"][1] * self.fs + 1e-6)),
            )
            L = np.maximum(L, 1)
            on_s, off_s = i0 / self.fs, (i0 + L) / self.fs
            if on_s.min() < 0.05 or off_s.max() > D - 0.05:
                continue
            bad = False
            for c, a, b in zip(chs, on_s, off_s):
                if busy[c].overlaps(a - _GAP, b + _GAP) or self.vol_busy[c].overlaps(a, b):
                    bad = True
                    break
            if bad:
                continue
            for c, a, b in zip(chs, on_s, off_s):
                busy[c].add(a, b)
            self.episodes.append(
                {"T": float(T), "kind": kind, "stim": float(stim_t), "focus": focus if kind == "spont" else None,
                 "ch": np.array(chs), "i0": i0, "L": L, "fac": fac}
            )
        self.jerk_busy = busy

    def _evoked(self, rng, s):
        """Reflex jerk to a stimulus at ``s``: (channels, delays, amplitudes, reference time)."""
        P = self.P
        kind = P["recruitment"]
        E = self.emg
        if kind in ("multifocal", "generalized"):
            # cortical reflex (C reflex): N20 + ~5 ms cortical relay, then cortico-muscular conduction
            side = P["stimulus_side"]
            limb = [c for c in E if self.sites[c].segment == "upper_limb" and self.sites[c].side == side]
            if not limb:
                return [], [], [], s
            chs = [c for c in limb if self.info[c]["prox"] == "distal" or rng.uniform() < 0.5]
            if not chs:
                chs = limb[:1]
            return chs, [self._lead(c) for c in chs], list(rng.uniform(0.7, 1.1, len(chs))), s + 0.025
        chs, dl, amp, _ = self._recruit(rng)
        if not chs:
            return [], [], [], s
        if P["stimulus_latency"] is None:
            lat = 0.05
        else:
            lat = P["stimulus_latency"] * np.exp(P["stimulus_latency_sigma"] * rng.standard_normal())
            lat = float(np.clip(lat, 0.5 * P["stimulus_latency"], 5 * P["stimulus_latency"]))
        ref = s + lat - min(dl)  # first muscle starts at the reflex latency
        return chs, dl, amp, ref

    # ------------------------------------------------------------------ negative myoclonus
    def _silent_periods(self):
        P, rng = self.P, self.rng["episodes"]
        self.silents = []  # dicts: group channels, i0 per channel, L
        if P["silent_rate"] <= 0 or not len(self.posture):
            return
        chans = self.posture_channels
        groups = {}
        for c in chans:
            s = self.sites[c]
            groups.setdefault((s.side, s.segment), []).append(c)
        ramp = 0.35
        for (side, seg), grp in groups.items():
            taken = IntervalSet()
            for a, b in self.posture:
                a0, b0 = a + ramp, b - ramp
                if b0 - a0 < 0.6:
                    continue
                n = rng.poisson(P["silent_rate"] * (b0 - a0) / 60.0)
                for t in np.sort(rng.uniform(a0, b0, n)):
                    dur = float(C.lognormal_durations(
                        rng, 1, median=P["silent_duration_median"], sigma=P["silent_duration_sigma"],
                        bounds=P["silent_duration"])[0])
                    L = int(round(dur * self.fs))
                    jit = rng.integers(0, int(0.003 * self.fs) + 1, len(grp))
                    i0 = int(round(t * self.fs)) + jit
                    st, en = i0.min() / self.fs, (i0.max() + L) / self.fs
                    if en > b0:
                        continue
                    if taken.overlaps(st - 0.2, en + 0.2):
                        continue
                    if any(self.jerk_busy[c].overlaps(st - 0.1, en + 0.1) or self.vol_busy[c].overlaps(st, en) for c in grp):
                        continue
                    taken.add(st, en)
                    self.silents.append({"ch": np.array(grp), "i0": i0, "L": L, "side": side, "seg": seg})

    # ------------------------------------------------------------------ cortical beta drive
    def _beta_drive(self):
        self.beta = None
        if self.P["cmc"] > 0 and (self.eeg or self.emg):
            rng = self.rng["eeg"]
            self.beta = {
                "left": C.band_noise(rng, self.n, self.fs, center=22.0, width=4.0),
                "right": C.band_noise(rng, self.n, self.fs, center=22.0, width=4.0),
            }

    # ------------------------------------------------------------------ EMG
    def _render_emg(self, data):
        P, fs, n = self.P, self.fs, self.n
        kids = self.ss["emg"].spawn(max(len(self.emg), 1))
        silent_by_ch = {c: [] for c in self.emg}
        for sp in self.silents:
            for c, i0 in zip(sp["ch"], sp["i0"]):
                silent_by_ch[int(c)].append((int(i0), sp["L"]))
        jerks_by_ch = {c: [] for c in self.emg}
        for k, ep in enumerate(self.episodes):
            for c, i0, L, f in zip(ep["ch"], ep["i0"], ep["L"], ep["fac"]):
                jerks_by_ch[int(c)].append((int(i0), int(L), float(f), k))
        rows = []
        lag = int(round(0.02 * fs))  # cortico-muscular conduction of the beta drive
        self.tonic_level = {}
        for j, c in enumerate(self.emg):
            rng = np.random.default_rng(kids[j])
            info = self.info[c]
            bg = info["bg"]
            pw = np.full(n, bg**2)
            # tonic activity
            if self.tonic[c]:
                tonic = np.zeros(n)
                for a, b, lvl, _ in self.tonic[c]:
                    i0, i1 = int(round(a * fs)), min(int(round(b * fs)), n)
                    if i1 - i0 < 2:
                        continue
                    env = lvl * C.burst_envelope(i1 - i0, fs, rise=0.3, decay=0.3)
                    tonic[i0:i1] = np.sqrt(tonic[i0:i1] ** 2 + env**2)
                tonic *= 1.0 + 0.1 * C.baseline_wander(rng, n, fs, amplitude=1.0, fmax=1.0)
                side = self.sites[c].side
                if self.beta is not None and side in ("left", "right"):
                    b = self.beta["left" if side == "right" else "right"]
                    mod = np.empty(n)
                    mod[:lag] = 1.0
                    mod[lag:] = np.maximum(1.0 + P["cmc"] * b[: n - lag], 0.0)
                    tonic *= mod
                for i0, L in silent_by_ch[c]:
                    w = C.burst_envelope(L, fs, rise=0.004, decay=0.008)
                    tonic[i0 : i0 + L] *= 1.0 - w
                pw += tonic**2
                self.tonic_level[c] = max(t[2] for t in self.tonic[c])
            # voluntary bursts
            for on, d, lvl in self.voluntary[c]:
                i0 = int(round(on * fs))
                L = min(int(round(d * fs)), n - i0)
                if L < 2:
                    continue
                env = lvl * C.burst_envelope(L, fs, rise=float(np.clip(0.2 * d, 0.03, 0.15)), decay=float(np.clip(0.25 * d, 0.03, 0.2)))
                pw[i0 : i0 + L] += env**2
            # jerks
            jk = []
            for i0, L, f, k in jerks_by_ch[c]:
                d = L / fs
                env = C.burst_envelope(L, fs, rise=float(np.clip(0.15 * d, 0.002, 0.008)), decay=float(np.clip(0.3 * d, 0.003, 0.05)))
                a = self.snr * bg * f
                pw[i0 : i0 + L] += (a * env) ** 2
                jk.append((i0, L, a, env, k))
            carrier = C.emg_carrier(rng, n, fs)
            np.sqrt(pw, out=pw)
            data[c] = carrier * pw
            for i0, L, a, env, k in jk:
                burst = carrier[i0 : i0 + L] * a * env
                rms = float(np.sqrt(np.mean(burst**2)))
                ep = self.episodes[k]
                lat = (i0 / fs - ep["stim"]) if ep["kind"] == "stim" else np.nan
                rows.append((i0 / fs, L / fs, self.labels[c], float(np.max(np.abs(burst))), rms,
                             20 * np.log10(rms / bg), float(k), lat, float(a)))
        return rows

    # ------------------------------------------------------------------ EEG
    def _render_eeg(self, data):
        if not self.eeg:
            return
        P, fs, n, rng = self.P, self.fs, self.n, self.rng["eeg"]
        common = C.eeg_aperiodic(rng, n, fs, exponent=P["eeg_exponent"])
        alpha = {s: C.band_noise(rng, n, fs, center=P["alpha_hz"], width=0.8) for s in ("left", "right")}
        wax = 1.0 + 0.4 * C.baseline_wander(rng, n, fs, amplitude=1.0, fmax=0.3)
        np.maximum(wax, 0.0, out=wax)
        alpha_course = wax
        theta = spindles = None
        if self.hypno is not None:
            alpha_course = wax * self._stage_factor({"W": 1.0, "N1": 0.25, "N2": 0.1})
            theta = C.band_noise(rng, n, fs, center=5.5, width=1.0) * self._stage_factor({"W": 0.3, "N1": 1.0, "N2": 1.0})
            delta = C.band_noise(rng, n, fs, center=1.2, width=0.5) * self._stage_factor({"W": 0.2, "N1": 0.5, "N2": 1.0})
            spindles = self._sleep_graphoelements(rng)
        g = P["eeg_background_uv"]
        for c in self.eeg:
            x, y = self.xy[c]
            sig = g * (0.8 * C.eeg_aperiodic(rng, n, fs, exponent=P["eeg_exponent"]) + 0.6 * common)
            post = float(np.clip((0.3 - y) / 1.2, 0.15, 1.0))
            th = np.pi / 4 * (1 + np.tanh(3 * x))
            sig += P["alpha_uv"] * post * alpha_course * (np.cos(th) * alpha["left"] + np.sin(th) * alpha["right"])
            if theta is not None:
                central = float(np.exp(-(x**2 + y**2) / (2 * 0.6**2)))
                sig += 8.0 * central * theta + 15.0 * delta
                for tmpl, ref, times, amp, src, spread in spindles:
                    w = _spatial_weight((x, y), src, spread)
                    C.place_templates(n, fs, times, tmpl, ref, amplitudes=amp * w, out=sig)
            if self.beta is not None and P["cmc_eeg_uv"] > 0:
                for side in ("left", "right"):
                    w = _spatial_weight((x, y), ((-0.4 if side == "left" else 0.4), 0.0), 0.25)
                    sig += P["cmc_eeg_uv"] * w * self.beta[side]
            data[c] = sig
        self._eeg_events(data)

    def _sleep_graphoelements(self, rng):
        """Vertex sharp waves (N1), spindles and K-complexes (N2) [AASM]."""
        fs = self.fs
        on, du, st = self.hypno
        out = []

        def times_in(stage, rate):
            ts = []
            for o, d, s in zip(on, du, st):
                if s == stage:
                    k = rng.poisson(rate * d / 60.0)
                    ts += list(rng.uniform(o + 1, o + d - 2, k)) if d > 3 else []
            return np.sort(np.array(ts))

        t = np.arange(int(-0.3 * fs), int(0.3 * fs)) / fs
        vsw = C.gaussian_wave(t, 0.0, 0.04, -1.0) + C.gaussian_wave(t, 0.1, 0.05, 0.3)
        tv = times_in("N1", 5.0)
        out.append((vsw, int(0.3 * fs), tv, 60.0 * rng.uniform(0.7, 1.3, len(tv)), (0.0, 0.0), 0.4))
        t = np.arange(int(-1.0 * fs), int(1.0 * fs)) / fs
        spindle = np.sin(2 * np.pi * 13.0 * t) * np.exp(-0.5 * (t / 0.25) ** 2)
        ts = times_in("N2", 5.0)
        out.append((spindle, int(1.0 * fs), ts, 25.0 * rng.uniform(0.7, 1.3, len(ts)), (0.0, 0.1), 0.5))
        t = np.arange(int(-0.5 * fs), int(1.5 * fs)) / fs
        kc = C.gaussian_wave(t, 0.0, 0.1, -1.0) + C.gaussian_wave(t, 0.4, 0.2, 0.5)
        tk = times_in("N2", 1.5)
        out.append((kc, int(0.5 * fs), tk, 90.0 * rng.uniform(0.7, 1.3, len(tk)), (0.0, 0.3), 0.6))
        return out

    def _eeg_events(self, data):
        """Premyoclonic transients, spike-waves, Bereitschaftspotentials and SEPs."""
        P, fs, n, rng = self.P, self.fs, self.n, self.rng["eeg"]
        spont = [ep for ep in self.episodes if ep["kind"] == "spont"]
        # premyoclonic cortical spike: positive then negative, negative peak at T
        if P["premyoclonic_uv"] > 0 and spont:
            t = np.arange(int(-0.06 * fs), int(0.03 * fs)) / fs
            tmpl = C.gaussian_wave(t, -0.012, 0.005, 0.5) + C.gaussian_wave(t, 0.0, 0.005, -1.0)
            ref = int(0.06 * fs)
            times, amps, srcs = [], [], []
            for ep in spont:
                focus = ep["focus"] if ep["focus"] is not None else int(ep["ch"][0])
                times.append(ep["T"])
                amps.append(P["premyoclonic_uv"] * rng.uniform(0.7, 1.3))
                srcs.append(_source_xy(self.sites[focus]))
            times, amps = np.array(times), np.array(amps)
            for c in self.eeg:
                w = np.array([_spatial_weight(self.xy[c], s, 0.25) for s in srcs])
                C.place_templates(n, fs, times, tmpl, ref, amplitudes=amps * w, out=data[c])
        # generalised (poly)spike-wave, spike peak at T
        if P["spike_wave_uv"] > 0 and self.episodes:
            t = np.arange(int(-0.2 * fs), int(0.5 * fs)) / fs
            times = np.array([ep["T"] for ep in self.episodes])
            A = P["spike_wave_uv"]
            for k_sp in (0, 1, 2):
                if k_sp == 0:
                    tmpl = (C.gaussian_wave(t, 0.0, 0.008, -1.0) + C.gaussian_wave(t, 0.04, 0.015, 0.4)
                            + C.gaussian_wave(t, 0.2, 0.07, -0.8))
                    sel = np.ones(len(times), bool)
                else:
                    tmpl = C.gaussian_wave(t, -0.06 * k_sp, 0.007, -0.7)
                    sel = rng.uniform(size=len(times)) < 0.5
                amps = A * rng.uniform(0.7, 1.3, int(sel.sum()))
                for c in self.eeg:
                    x, y = self.xy[c]
                    w = 0.5 + 0.5 * float(np.clip((y + 1) / 2, 0, 1))
                    C.place_templates(n, fs, times[sel], tmpl, int(0.2 * fs), amplitudes=amps * w, out=data[c])
        # Bereitschaftspotential before functional jerks (first EMG onset)
        if P["bp_uv"] and self.episodes:
            lo, hi = P["bp_onset"]
            for ep in spont:
                onset = ep["i0"].min() / fs
                L0 = rng.uniform(lo, hi)
                A = rng.uniform(*P["bp_uv"])
                t = np.arange(int(-L0 * fs), int(0.3 * fs)) / fs
                u = np.clip((t + L0) / L0, 0, 1)
                g = np.where(t <= 0, 0.6 * u + 0.4 * u**4, 0.5 * (1 + np.cos(np.pi * np.clip(t / 0.3, 0, 1))))
                tmpl = -A * g
                for c in self.eeg:
                    w = _spatial_weight(self.xy[c], (0.0, 0.1), 0.5)
                    C.place_templates(n, fs, [onset], tmpl, int(L0 * fs), amplitudes=[w], out=data[c])
        # giant SEP to each stimulus (cortical reflex myoclonus)
        if P["sep_uv"] > 0 and len(self.stim_times):
            t = np.arange(0, int(0.1 * fs)) / fs
            S = P["sep_uv"]
            tmpl = (C.gaussian_wave(t, 0.020, 0.002, -0.15) + C.gaussian_wave(t, 0.025, 0.003, 1.0)
                    + C.gaussian_wave(t, 0.033, 0.004, -1.0))
            side = P["stimulus_side"]
            src = ((-0.4 if side == "right" else 0.4), 0.0)
            amps = S * rng.uniform(0.85, 1.15, len(self.stim_times))
            for c in self.eeg:
                w = _spatial_weight(self.xy[c], src, 0.25)
                C.place_templates(n, fs, self.stim_times, tmpl, 0, amplitudes=amps * w, out=data[c])

    # ------------------------------------------------------------------ accelerometers
    def _render_acc(self, data):
        P, fs, n = self.P, self.fs, self.n
        rng = self.rng["acc"]
        rows = []
        for sen in self.sensors:
            sig = np.zeros((3, n))
            sig += (_G * sen["gravity"])[:, None]
            # slow postural drift (one process projected on the axes) and white sensor noise
            # (uniform, SD 0.02 m/s^2, as quantisation-like MEMS noise)
            drift = C.baseline_wander(rng, n, fs, amplitude=0.05, fmax=0.2)
            sig += np.outer(rng.standard_normal(3) / np.sqrt(3), drift)
            sig += (rng.random((3, n), dtype=np.float32) - 0.5) * np.float32(0.02 * np.sqrt(12))
            linked = set(sen["linked"])
            # physiological tremor during posture
            if len(self.posture) and any(c in self.posture_channels for c in linked):
                mask = np.zeros(n)
                for a, b in self.posture:
                    i0, i1 = int(a * fs), min(int(b * fs), n)
                    mask[i0:i1] = 1.0
                trem = C.band_noise(rng, n, fs, center=9.0, width=1.5) * 0.04 * mask
                sig += np.outer(rng.standard_normal(3) / np.sqrt(3), trem)
            # jerks
            for k, ep in enumerate(self.episodes):
                sel = [j for j, c in enumerate(ep["ch"]) if int(c) in linked]
                if not sel:
                    continue
                t_emg = min(ep["i0"][j] for j in sel) / fs
                delay = max(0.005, P["mechanical_delay"] + rng.normal(0, 0.002))
                f0, zeta = rng.uniform(6.0, 10.0), 0.3
                dur = np.log(10) / (zeta * 2 * np.pi * f0)
                L = int(round(1.5 * dur * fs))
                size = max(float(ep["fac"][j]) * np.sqrt(min(1.0, ep["L"][j] / fs / 0.03)) for j in sel)
                distal = any(self.info[int(ep["ch"][j])]["prox"] == "distal" for j in sel)
                A = P["acc_peak"] * size * (1.0 if distal else 0.6) * self.snr / 8.0
                A = float(np.clip(A, 0.2, 20.0))
                d = sum(self.info[int(ep["ch"][j])]["dir"] * ep["fac"][j] for j in sel)
                d = d / (np.linalg.norm(d) or 1.0)
                i0 = int(round((t_emg + delay) * fs))
                if i0 + 2 >= n:
                    continue
                w = A * C.damped_oscillation(min(L, n - i0), fs, freq=f0, damping=zeta)
                sig[:, i0 : i0 + w.size] += np.outer(d, w)
                rows.append(((i0) / fs, dur, self.labels[sen["first"]], A, t_emg, i0 / fs - t_emg))
            # voluntary movements (minimum-jerk), not in the truth
            for c in linked:
                for on, dd, lvl in self.voluntary[c]:
                    i0 = int(round((on + P["mechanical_delay"]) * fs))
                    L = min(int(round(dd * fs)), n - i0)
                    if L < 4:
                        continue
                    a = C.minimum_jerk_acceleration(L, fs, distance=rng.uniform(0.03, 0.15))
                    sig[:, i0 : i0 + L] += np.outer(self.info[c]["dir"], a)
            # asterixis: lapse of posture after each silent period
            for sp in self.silents:
                if not any(int(c) in linked for c in sp["ch"]):
                    continue
                t_on = sp["i0"].min() / fs
                delay = P["mechanical_delay"] + 0.02 + rng.normal(0, 0.003)
                f0, zeta = rng.uniform(3.0, 5.0), 0.35
                dur = np.log(10) / (zeta * 2 * np.pi * f0)
                L = int(round(1.5 * dur * fs))
                A = float(0.5 + 3.0 * sp["L"] / fs)
                i0 = int(round((t_on + delay) * fs))
                if i0 + 2 >= n:
                    continue
                w = -A * C.damped_oscillation(min(L, n - i0), fs, freq=f0, damping=zeta)
                sig[:, i0 : i0 + w.size] += np.outer(sen["gravity"], w)
                rows.append((i0 / fs, dur, self.labels[sen["first"]], A, t_on, i0 / fs - t_on))
            for a, idx in sen["axes"].items():
                data[idx] = sig["XYZ".index(a)] if a in "XYZ" else sig[0]
        return rows

    # ------------------------------------------------------------------ ECG and stimulus
    def _render_ecg_and_stim(self, data):
        P, fs, n, rng = self.P, self.fs, self.n, self.rng["ecg"]
        self.beats = C.beat_times(rng, self.D, heart_rate=P["heart_rate"])
        r_amp = 1000.0 * rng.uniform(0.8, 1.2)
        self.ecg_tmpl, self.ecg_ref = C.ecg_template(fs, qrs_duration=P["qrs_duration"], r_amplitude=1.0)
        self.ecg_unit = C.place_templates(n, fs, self.beats, self.ecg_tmpl, self.ecg_ref)
        for c in self.ecg:
            data[c] = r_amp * self.ecg_unit + 5.0 * rng.standard_normal(n)
        for c in self.stim:
            x = np.zeros(n)
            w = max(1, int(round(0.002 * fs)))
            for s in self.stim_times:
                i0 = int(round(s * fs))
                x[i0 : i0 + w] = 1.0
            data[c] = x

    # ------------------------------------------------------------------ contamination
    def _free_time(self, rng, chans, length, margin=0.2, tries=60):
        for _ in range(tries):
            t = rng.uniform(1.0, self.D - length - 1.0)
            if not any(self.jerk_busy[c].overlaps(t - margin, t + length + margin) for c in chans):
                return float(t)
        return None

    def _contaminate(self, data):
        P, fs, n = self.P, self.fs, self.n
        rng = self.rng["contamination"]
        cont = self.cont
        art = []  # (onset, duration, channel, reason)
        self.channel_params = {self.labels[c]: {"background_uv": self.info[c]["bg"]} for c in self.emg}
        # ECG pick-up in trunk and proximal EMG (QRS survives the EMG high-pass) [DC06]
        if cont["ecg"] and len(self.beats):
            sos = sps.butter(2, 10.0, "highpass", fs=fs, output="sos")
            pad = np.zeros(int(fs))
            hp = sps.sosfiltfilt(sos, np.concatenate([pad, self.ecg_tmpl, pad]))[pad.size : pad.size + self.ecg_tmpl.size]
            q = P["qrs_duration"]
            qrs_unit = None
            for c in self.emg:
                s = self.sites[c]
                if s.segment == "trunk":
                    g = rng.uniform(0.06, 0.12)
                elif s.segment == "neck" or (s.segment == "upper_limb" and self.info[c]["prox"] == "proximal"):
                    g = rng.uniform(0.015, 0.035)
                else:
                    g = 0.0
                if s.side == "left":
                    g *= 1.5
                if g == 0:
                    continue
                amp = 1000.0 * g * rng.choice([-1.0, 1.0])
                if qrs_unit is None:
                    qrs_unit = C.place_templates(n, fs, self.beats, hp, self.ecg_ref)
                data[c] += amp * qrs_unit
                self.channel_params[self.labels[c]]["ecg_pickup_uv"] = abs(amp)
                if abs(amp) >= 2.0 * self.info[c]["bg"]:
                    for b in self.beats:
                        on = b - q / 2
                        if on > 0 and on + q < self.D:
                            art.append((on, q, self.labels[c], "ecg"))
            for c in self.eeg:
                data[c] += rng.uniform(2.0, 5.0) * self.ecg_unit
        electro = self.emg + self.eeg + self.ecg
        if cont["mains"] and electro:
            rel = np.array([1.0, 0.3, 0.1])  # fundamental, 3rd and 5th harmonics
            for c in electro:
                lo, hi = {"emg": (1.0, 8.0), "eeg": (1.0, 5.0), "ecg": (5.0, 20.0)}[self.types[c]]
                a = float(np.exp(rng.uniform(np.log(lo), np.log(hi))))
                ph = rng.uniform(0, 2 * np.pi, 3)
                data[c] += C.mains_hum(n, fs, freq=self.mains, amplitudes=a * rel, phases=ph)
                if self.labels[c] in self.channel_params:
                    self.channel_params[self.labels[c]]["mains_uv"] = a
        if cont["baseline"]:
            for c in electro:
                amp = {"emg": rng.uniform(10, 40), "eeg": rng.uniform(5, 20), "ecg": 50.0}[self.types[c]]
                data[c] += C.baseline_wander(rng, n, fs, amplitude=amp, fmax=0.3)
        if cont["motion"] and self.groups:
            k = max(1, rng.poisson(self.D / 60.0))
            for _ in range(k):
                grp = self.groups[int(rng.integers(len(self.groups)))]
                length = rng.uniform(0.3, 1.2)
                t = self._free_time(rng, grp, length)
                if t is None:
                    continue
                i0, L = int(round(t * fs)), int(round(length * fs))
                for c in grp:
                    data[c][i0 : i0 + L] += C.motion_artifact(rng, L, fs, amplitude=rng.uniform(100, 600))
                    art.append((i0 / fs, L / fs, self.labels[c], "motion"))
        if cont["pops"] and self.emg:
            k = max(1, rng.poisson(0.5 * self.D / 60.0))
            for _ in range(k):
                c = self.emg[int(rng.integers(len(self.emg)))]
                tau = rng.uniform(0.05, 0.3)
                length = 5 * tau
                t = self._free_time(rng, [c], length)
                if t is None:
                    continue
                i0, L = int(round(t * fs)), int(round(length * fs))
                data[c][i0 : i0 + L] += C.electrode_pop(L, fs, amplitude=rng.choice([-1, 1]) * rng.uniform(200, 1500), tau=tau)
                art.append((i0 / fs, L / fs, self.labels[c], "electrode_pop"))
        self.clip_channel = None
        if cont["clipping"] and self.emg:
            c = self.emg[int(rng.integers(len(self.emg)))]
            lvl = float(P["clip_level"])
            length = rng.uniform(1.0, 3.0)
            t = self._free_time(rng, [c], length, margin=0.3)
            if t is not None:
                i0, L = int(round(t * fs)), int(round(length * fs))
                data[c][i0 : i0 + L] += rng.choice([-1, 1]) * 2.5 * lvl * sps.windows.tukey(L, 0.3)
                np.clip(data[c], -lvl, lvl, out=data[c])
                art.append((i0 / fs, L / fs, self.labels[c], "saturation"))
                self.clip_channel = self.labels[c]
                self.channel_params[self.labels[c]]["clip_level_uv"] = lvl
        self.flat_channel = None
        if cont["flat"] and self.emg:
            if P["flat_channel"] is not None:
                if P["flat_channel"] not in [self.labels[c] for c in self.emg]:
                    raise MyoclonusUsageError(
                        f"flat_channel must be one of the EMG channels {[self.labels[c] for c in self.emg]}, "
                        f"but got {P['flat_channel']!r}."
                    )
                c = self.labels.index(P["flat_channel"])
            else:
                pool = [e for e in self.emg if self.labels[e] != self.clip_channel] or self.emg
                c = pool[int(rng.integers(len(pool)))]
            data[c] = np.zeros(n)
            self.flat_channel = self.labels[c]
            art = [a for a in art if a[2] != self.flat_channel]
            art.append((0.0, self.D, self.flat_channel, "flat"))
        return art

    # ------------------------------------------------------------------ truth
    def _assemble_truth(self, jerk_rows, acc_rows, art):
        fs = self.fs
        parts = []
        flat = self.flat_channel
        if jerk_rows:
            on, du, ch, pk, rms, snr, ep, lat, env = zip(*jerk_rows)
            parts.append(Events(on, du, "jerk", ch, peak_amplitude_uv=np.array(pk), rms_uv=np.array(rms),
                                snr_db=np.array(snr), envelope_uv=np.array(env), episode=np.array(ep),
                                stimulus_latency=np.array(lat, float), source="simulator"))
        # sustained activations (> 0.5 s) and the supplementary activity table
        s_on, s_du, s_ch, s_lvl = [], [], [], []
        a_on, a_du, a_kind, a_ch, a_lvl = [], [], [], [], []
        for c in self.emg:
            for a, b, lvl, kind in self.tonic[c]:
                a_on.append(a); a_du.append(b - a); a_kind.append("tonic"); a_ch.append(self.labels[c]); a_lvl.append(lvl)
                if b - a > 0.5:
                    s_on.append(a); s_du.append(b - a); s_ch.append(self.labels[c]); s_lvl.append(lvl)
            for on, d, lvl in self.voluntary[c]:
                a_on.append(on); a_du.append(d); a_kind.append("voluntary"); a_ch.append(self.labels[c]); a_lvl.append(lvl)
                if d > 0.5:
                    s_on.append(on); s_du.append(d); s_ch.append(self.labels[c]); s_lvl.append(lvl)
        if s_on:
            parts.append(Events(s_on, s_du, "sustained", s_ch, rms_uv=np.array(s_lvl), source="simulator"))
        self.activity_events = Events(a_on, a_du, a_kind, a_ch, rms_uv=np.array(a_lvl, float), source="simulator")
        if self.silents:
            on, du, ch, lvl = [], [], [], []
            for sp in self.silents:
                for c, i0 in zip(sp["ch"], sp["i0"]):
                    on.append(i0 / fs); du.append(sp["L"] / fs); ch.append(self.labels[int(c)])
                    lvl.append(self.tonic_level.get(int(c), np.nan))
            parts.append(Events(on, du, "silent_period", ch, tonic_level_uv=np.array(lvl), source="simulator"))
        if acc_rows:
            on, du, ch, pk, lo, md = zip(*acc_rows)
            parts.append(Events(on, du, "acc_jerk", ch, peak_acc_ms2=np.array(pk), linked_onset=np.array(lo),
                                mechanical_delay=np.array(md), source="simulator"))
        if art:
            on, du, ch, rs = zip(*art)
            parts.append(Events(on, du, "artifact", ch, reason=list(rs), source="simulator"))
        truth = Events.concatenate(parts) if parts else Events()
        if flat is not None and len(truth):
            keep = (truth.channel.astype(str) != flat) | (truth.kind.astype(str) == "artifact")
            truth = truth[keep]
        return truth


# =========================================================================== public API
def _validate_params(P):
    _check_range("snr", P["snr"], 0, 1000, inclusive=False)
    if P["rate"] is not None:
        _check_range("rate", P["rate"], 0, 600, unit="per minute")
    for key in ("jerk_duration", "voluntary_duration", "silent_duration", "background_uv"):
        v = P[key]
        if not (isinstance(v, (list, tuple)) and len(v) == 2 and 0 < v[0] <= v[1]):
            raise MyoclonusUsageError(f"'{key}' must be a pair (low, high) with 0 < low <= high, but got {v!r}.")
    _check_range("jerk_duration upper bound", P["jerk_duration"][1], 0, 5.0, unit="s")
    _check_range("mechanical_delay", P["mechanical_delay"], 0, 0.5, unit="s")
    _check_range("posture_fraction", P["posture_fraction"], 0, 1)
    _check_range("action_gain", P["action_gain"], 0, 100)
    _check_range("voluntary_rate", P["voluntary_rate"], 0, 120, unit="per minute")
    _check_range("silent_rate", P["silent_rate"], 0, 600, unit="per minute")
    _check_range("heart_rate", P["heart_rate"], 20, 250, unit="bpm")
    _check_range("clip_level", P["clip_level"], 10, None, unit="uV")
    _check_option("recruitment", P["recruitment"],
                  ("none", "multifocal", "generalized", "reticular", "propriospinal", "segmental",
                   "essential", "functional", "hypnic"))
    _check_option("timing", P["timing"], ("irregular", "rhythmic", "sleep_onset", "none"))
    _check_option("stimulus_side", P["stimulus_side"], ("right", "left"))
    if P["recruitment"] == "propriospinal":
        _check_range("conduction_velocity", P["conduction_velocity"], 0, 120, unit="m/s", inclusive=False)
        cord_position(P["generator_root"])
    if P["timing"] == "rhythmic":
        _check_range("rhythm_hz", P["rhythm_hz"], 0, 20, unit="Hz", inclusive=False)


def simulate(
    profile,
    *,
    duration,
    sfreq=2048.0,
    channels=None,
    seed=None,
    snr=None,
    rate=None,
    contamination=None,
    mains=50.0,
    **params,
):
    """Simulate a polygraphy recording of myoclonus (or a control) with its ground truth.

    Generative model
    ----------------
    *Surface EMG* is a stochastic interference pattern: Gaussian noise with a sEMG power spectrum
    (peak ~80 Hz, median ~115 Hz, 99 % of the power in 20-450 Hz; De Luca 1997,
    doi:10.1123/jab.13.2.135; Merletti & Parker 2004, doi:10.1002/0471678384) whose variance is
    modulated by the sum of (i) resting background (``background_uv``, 3-5 uV RMS), (ii) tonic
    posture/dystonic activity (raised-cosine ramps of 0.3 s, 10 % slow fluctuation, 15-30 Hz
    cortical drive coherent with the EEG; Brown et al. 1999, doi:10.1093/brain/122.3.461),
    (iii) voluntary bursts (150 ms to s, rise 30-150 ms) and (iv) myoclonic bursts, each a sharp
    envelope (rise 2-8 ms, plateau, decay) of amplitude ``snr`` x background RMS, plus amplifier
    white noise. *Jerks* come in episodes whose timing (irregular renewal process modulated by
    action, trains, rhythm, sleep onset, stimulus-evoked) and recruitment (muscles, delays from
    cortico-muscular, reticulospinal or propriospinal conduction, amplitudes, durations) follow the
    profile (see :data:`~myoclonus.simulate.PROFILES`). *EEG* is 1/f background (exponent 1.8;
    Donoghue et al. 2020, doi:10.1038/s41593-020-00744-x) with posterior alpha, plus the profile's
    cortical correlates: premyoclonic positive-negative transient, generalised spike-wave,
    Bereitschaftspotential, giant SEP, sleep graphoelements. *Accelerometers* carry gravity,
    sensor noise, physiological tremor in posture, a damped limb oscillation after each EMG jerk
    delayed by the electromechanical delay (``mechanical_delay``; Cavanagh & Komi 1979,
    doi:10.1007/BF00431022) and minimum-jerk voluntary movements. *ECG* is a PQRST template
    (McSharry et al. 2003, doi:10.1109/TBME.2003.808805) at heart beats with sinus arrhythmia.

    Parameters
    ----------
    profile : str
        One of ``'cortical'``, ``'cortical_subcortical'``, ``'subcortical'``, ``'propriospinal'``,
        ``'segmental'``, ``'essential'``, ``'functional'``, ``'hypnic'``, ``'negative'``,
        ``'healthy'``.
    duration : float
        Seconds (>= 10).
    sfreq : float
        Sampling rate in Hz (>= 1000 so that the 20-450 Hz EMG band fits). Default 2048.
    channels : list of str | None
        Channel labels (parsed by :func:`myoclonus.io.parse_label`: EMG muscles, 10-20 EEG
        electrodes, ``'ACC <site> X/Y/Z'``, ``'ECG'``, ``'Stim'``). None: the profile's montage.
    seed : int | None
        Seed of ``numpy.random.default_rng``; the same seed gives bit-identical data and truth.
        None draws a fresh seed (stored in ``params['seed']``).
    snr : float | None
        Jerk amplitude (envelope RMS) as a multiple of the channel's background EMG RMS. None:
        the profile's default (8-15).
    rate : float | None
        Mean rate of spontaneous jerk episodes per minute over the recording (stimulus-evoked
        jerks come on top). For ``'segmental'`` this sets the rhythm (``rate / 60`` Hz). None: the
        profile's default.
    contamination : None | str | dict | iterable
        Real-world contamination switches ``'ecg'``, ``'mains'``, ``'baseline'``, ``'motion'``,
        ``'pops'``, ``'clipping'``, ``'flat'``. None: the profile default (ECG, mains, baseline);
        ``'none'`` (or an empty list) disables all, ``'all'`` enables all; a dict updates the
        default switch by switch; an iterable of names enables exactly those.
    mains : float
        Mains frequency, 50 or 60 Hz.
    **params
        Any other parameter of the profile (see :data:`~myoclonus.simulate.PROFILES`), e.g.
        ``mechanical_delay=0.04``, ``jerk_duration=[0.02, 0.04]``, ``delays={'EMG R FDI': 0.01}``,
        ``gains={'EMG R FDI': 1.5}``, ``voluntary_rate=0``, ``flat_channel='EMG R ECR'``,
        ``clip_level=2000``.

    Returns
    -------
    result : SimulationResult
        ``rec, truth = result`` also works.
    """
    _check_option("profile", profile, PROFILE_NAMES)
    _validate_type(duration, "numeric", "duration")
    _check_range("duration", duration, 10, 24 * 3600, unit="s")
    _validate_type(sfreq, "numeric", "sfreq")
    _check_range("sfreq", sfreq, 1000, 100000, unit="Hz")
    _check_option("mains", mains, (50, 60))
    if seed is None:
        seed = int(np.random.SeedSequence().entropy % (2**63))
    else:
        _validate_type(seed, "int", "seed")
        _check_range("seed", seed, 0, None)
        seed = int(seed)
    P = copy.deepcopy(PROFILES[profile])
    P.update(copy.deepcopy(_EXTRA))
    tunable = [k for k in P if k not in _FIXED_KEYS]
    for key, val in params.items():
        _check_option("simulation parameter", key, tunable)
        P[key] = copy.deepcopy(val)
    if snr is not None:
        _validate_type(snr, "numeric", "snr")
        P["snr"] = float(snr)
    if rate is not None:
        _validate_type(rate, "numeric", "rate")
        P["rate"] = float(rate)
        if P["timing"] == "rhythmic":
            P["rhythm_hz"] = float(rate) / 60.0
    if P["timing"] == "rhythmic":
        P["rate"] = 60.0 * P["rhythm_hz"]
    _validate_params(P)
    cont = _resolve_contamination(contamination, P["contamination"])
    P["contamination"] = cont
    if channels is None:
        labels = list(P["channels"])
    else:
        if isinstance(channels, str):
            channels = [channels]
        labels = [str(c) for c in channels]
        if not labels:
            raise MyoclonusUsageError("channels must list at least one channel label, but got an empty list.")
        if len(set(labels)) != len(labels):
            raise MyoclonusUsageError(f"Channel labels must be unique, but got {labels}.")
    P["channels"] = labels
    logger.info("Simulating %s myoclonus: %.0f s, %d channels, seed %d", profile, duration, len(labels), seed)
    sim = _Simulator(profile, P, labels, duration, sfreq, seed, P["snr"], cont, float(mains))
    data, truth = sim.run()

    types = sim.types
    meas = P["meas_date"]
    if meas is None:
        meas = _dt.datetime(2024, 1, 1, 23 if sim.hypno is not None else 10, 0, 0)
    elif isinstance(meas, str):
        meas = _dt.datetime.fromisoformat(meas)
    hyp_df = None
    ann = None
    if sim.hypno is not None:
        import pandas as pd

        on, du, st = sim.hypno
        hyp_df = pd.DataFrame({"onset": on, "duration": du, "stage": st})
        ann = Annotations(on, du, [f"Sleep stage {s}" for s in st])
    rec = Recording.from_array(
        data, sfreq, labels, types, meas_date=meas, annotations=ann,
        source={"format": "simulation", "reader": "myoclonus.simulate", "profile": profile, "seed": seed},
    )
    stim_label = labels[sim.stim[0]] if sim.stim else ""
    stimuli = Events(sim.stim_times, np.full(len(sim.stim_times), 0.002), "stimulus", stim_label, source="simulator")
    out_params = {
        "profile": profile,
        "duration": float(duration),
        "sfreq": float(sfreq),
        "seed": seed,
        "mains": float(mains),
        "n_times": sim.n,
        **{k: v for k, v in P.items() if k not in ("meas_date",)},
        "meas_date": meas.isoformat(),
        "channel_types": dict(zip(labels, types)),
        "channel_params": sim.channel_params,
        "flat_channel": sim.flat_channel,
        "clip_channel": sim.clip_channel,
        "n_episodes": len(sim.episodes),
        "references_full": [REFERENCES[r] for r in P["references"] if r in REFERENCES],
    }
    res = SimulationResult(
        rec, truth, profile, _jsonable(out_params), hypnogram=hyp_df, stimuli=stimuli, activity=sim.activity_events
    )
    return res


def demo_recording(seed=0, duration=600.0):
    """The fixed-seed demo polygraphy: 10 min of cortical myoclonus with contamination.

    24 channels at 2048 Hz: EEG (F3, F4, C3, Cz, C4, P3, Pz, P4), EMG of 8 named muscles on both
    sides (FDI, ECR, deltoid left and right, rectus abdominis, right tibialis anterior), two 3-axis
    wrist accelerometers, ECG and a stimulus channel (right median-nerve stimuli evoking C-reflex
    jerks). Multifocal cortical myoclonus at 40 jerks/min, negative myoclonus in posture, ECG in
    proximal and trunk EMG, 50 Hz mains, baseline wander, a few motion artefacts and electrode pops
    and one short clipping episode.

    Parameters
    ----------
    seed : int
        Seed (default 0, the demo).
    duration : float
        Seconds (default 600).

    Returns
    -------
    result : SimulationResult
    """
    return simulate(
        "cortical",
        duration=duration,
        sfreq=2048.0,
        channels=list(DEMO_MONTAGE),
        seed=seed,
        contamination=["ecg", "mains", "baseline", "motion", "pops", "clipping"],
        mains=50.0,
    )


# =========================================================================== methods text
def _methods_text(res):
    p = res.params
    prof = PROFILES[res.profile]
    cont = [k for k, v in p["contamination"].items() if v]
    lo, hi = p["jerk_duration"]
    refs = "; ".join(p.get("references_full", []))
    parts = [
        f"A {p['duration']:.0f}-s polygraphy ({len(p['channels'])} channels, {p['sfreq']:g} Hz) was simulated "
        f"with myoclonus.simulate (profile '{res.profile}', seed {p['seed']}). {prof['description']}",
        "Surface EMG was modelled as band-limited Gaussian motor-unit interference (sEMG spectrum peaking "
        "near 80 Hz, 20-450 Hz; De Luca 1997; Merletti & Parker 2004) whose variance was modulated by a "
        f"{p['background_uv'][0]:g}-{p['background_uv'][1]:g} uV RMS background, tonic posture activity, "
        "voluntary bursts and myoclonic burst envelopes (rise 2-8 ms).",
    ]
    if p["recruitment"] != "none":
        rate_s = f"{p['rate']:g} per minute" if p.get("rate") else "at sleep onset"
        parts.append(
            f"Jerks ({lo * 1000:.0f}-{hi * 1000:.0f} ms, median {p['jerk_duration_median'] * 1000:.0f} ms, "
            f"amplitude {p['snr']:g} x background RMS) occurred {rate_s} with '{p['recruitment']}' recruitment."
        )
    if p.get("silent_rate"):
        parts.append(
            f"Silent periods ({p['silent_duration'][0] * 1000:.0f}-{p['silent_duration'][1] * 1000:.0f} ms) "
            "interrupted tonic EMG only."
        )
    parts.append(
        "EEG was 1/f background with alpha rhythm (Donoghue et al. 2020) plus the profile's cortical "
        "correlates; accelerometers followed EMG jerks after a "
        f"{p['mechanical_delay'] * 1000:.0f}-ms electromechanical delay (Cavanagh & Komi 1979); ECG used a "
        "PQRST template (McSharry et al. 2003)."
    )
    parts.append("Contamination: " + (", ".join(cont) if cont else "none") + ".")
    if refs:
        parts.append("Profile sources: " + refs + ".")
    return " ".join(parts)
