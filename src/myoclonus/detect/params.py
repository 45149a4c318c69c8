"""The detector's parameters: one frozen source for defaults, units, reasons, references and checks.

Every parameter of :func:`myoclonus.detect.detect_jerks` is a :class:`Param` in :data:`PARAMS`. From
it are generated the keyword-only signature and the Parameters section of ``detect_jerks``, the
validation of user values (:class:`DetectionParams`), the ``--set NAME=VALUE`` parsing of the
command line, the methods paragraph (:meth:`~myoclonus.detect.DetectionResult.methods`, which reads
the values that ran) and the reported thresholds. Measurements behind the chosen values are in
``benchmarks/README.md`` (section "Detector parameters"), not here.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from types import MappingProxyType

from .._validate import MyoclonusUsageError, _check_option, _suggest

__all__ = ["Param", "PARAMS", "DEFAULTS", "DetectionParams", "SENSITIVITY", "params_doc", "parse_setting"]

SH2005 = "Shibasaki & Hallett 2005, doi:10.1002/mus.20234"
DELUCA2010 = "De Luca et al. 2010, doi:10.1016/j.jbiomech.2010.01.027"
STAUDE2001 = "Staude et al. 2001, doi:10.1155/S1110865701000191"
PT1985 = "Pan & Tompkins 1985, doi:10.1109/TBME.1985.325532"
MAK2010 = "Mak et al. 2010, doi:10.1016/j.medengphy.2010.05.007"
LI2007 = "Li et al. 2007, doi:10.1007/s10439-007-9320-z"
UGAWA1989 = "Ugawa et al. 1989, doi:10.1093/brain/112.1.175"
FLASH1985 = "Flash & Hogan 1985, doi:10.1523/JNEUROSCI.05-07-01688.1985"
WIDMANN2015 = "Widmann, Schroger & Maess 2015, doi:10.1016/j.jneumeth.2014.08.002"


@dataclass(frozen=True)
class Param:
    """One detector parameter.

    Attributes
    ----------
    name : str
    default : object
    unit : str
        Unit of the value ('s', 'Hz', 'x background RMS', ...; '' when unitless).
    doc : str
        What the parameter does (one sentence).
    reason : str
        Why the default has this value (at most two lines).
    ref : str
        Reference (author, year, DOI) for a clinical or published criterion, or ''.
    kind : str
        'float', 'int', 'bool', 'option' or 'notch' ('auto', None or a frequency).
    lo, hi : float | None
        Allowed range (inclusive unless ``lo_open`` / ``hi_open``).
    none_ok : bool
        None (or 0 where documented) turns the step off.
    options : tuple
        Allowed values of an 'option' parameter.
    group : str
        'emg' (per EMG channel), 'silent' (silent periods) or 'acc' (accelerometers).
    """

    name: str
    default: object
    unit: str
    doc: str
    reason: str
    ref: str = ""
    kind: str = "float"
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    hi_open: bool = False
    none_ok: bool = False
    options: tuple = ()
    group: str = "emg"

    def check(self, value):
        """Return ``value`` (ints as floats for float parameters) if allowed, else raise
        :class:`~myoclonus.MyoclonusUsageError` saying what was allowed and what was given."""
        if value is None and self.none_ok:
            return None
        if self.kind == "notch":
            return _check_notch(value)
        if self.kind == "option":
            return _check_option(self.name, value, self.options)
        if self.kind == "bool":
            if isinstance(value, bool):
                return value
            raise MyoclonusUsageError(f"'{self.name}' must be True or False, but got {value!r}.")
        ok_type = isinstance(value, (int, float)) and not isinstance(value, bool)
        if self.kind == "int":
            ok_type = ok_type and float(value).is_integer()
        if not ok_type or not math.isfinite(value):
            what = "an integer" if self.kind == "int" else "a finite number"
            off = " or None (off)" if self.none_ok else ""
            raise MyoclonusUsageError(f"'{self.name}' must be {what}{off} ({self.unit or 'unitless'}), but got {value!r}.")
        bad = (self.lo is not None and (value <= self.lo if self.lo_open else value < self.lo)) or (
            self.hi is not None and (value >= self.hi if self.hi_open else value > self.hi))
        if bad:
            lo = "-inf" if self.lo is None else f"{self.lo:g}"
            hi = "inf" if self.hi is None else f"{self.hi:g}"
            brackets = ("(" if self.lo_open else "[") + f"{lo}, {hi}" + (")" if self.hi_open else "]")
            unit = f" {self.unit}" if self.unit and not self.unit.startswith("x ") else ""
            raise MyoclonusUsageError(f"'{self.name}' must be within {brackets}{unit}, but got {value!r}.")
        return int(value) if self.kind == "int" else float(value)

    def parse(self, text):
        """The value of a ``NAME=VALUE`` setting of the command line (``none``/``off`` for None)."""
        t = str(text).strip()
        if t.lower() in ("none", "off") and self.none_ok:
            return None
        if self.kind == "bool":
            low = t.lower()
            if low in ("true", "yes", "on", "1"):
                return True
            if low in ("false", "no", "0"):
                return False
            raise MyoclonusUsageError(f"'{self.name}' must be true or false, but got {t!r}.")
        if self.kind == "notch":
            return t if t.lower() == "auto" else self.parse_number(t)
        if self.kind == "option":
            for o in self.options:
                if str(o).lower() == t.lower():
                    return o
            try:
                return float(t)
            except ValueError:
                return t
        return self.parse_number(t)

    def parse_number(self, t):
        """``float(t)``, or an error naming the parameter and its unit."""
        try:
            return float(t)
        except ValueError:
            raise MyoclonusUsageError(f"'{self.name}' takes a number ({self.unit or 'unitless'}), but got {t!r}.") from None

    def describe(self):
        """The numpydoc entry of this parameter (type line and description)."""
        typ = {"float": "float", "int": "int", "bool": "bool", "notch": "'auto' | float"}.get(
            self.kind, " | ".join(repr(o) for o in self.options))
        if self.none_ok:
            typ += " | None"
        unit = f" ({self.unit})" if self.unit else ""
        ref = f" ({self.ref})" if self.ref else ""
        return f"{self.name} : {typ}\n    {self.doc}{unit} Default {self.default!r}: {self.reason}{ref}"


def _p(name, default, unit, doc, reason, **kw):
    return Param(name, default, unit, doc, reason, **kw)


_X = "x background RMS"
_LIST = [
    # ---------------------------------------------------------------- preprocessing
    _p("method", "rms", "", "Envelope of the burst detector: centred moving RMS, or smoothed Teager-Kaiser energy.",
       "the RMS envelope keeps a burst's amplitude in microvolts; TKEO sharpens onsets of high-frequency bursts.",
       ref=LI2007, kind="option", options=("rms", "tkeo")),
    _p("l_freq", 20.0, "Hz", "EMG band-pass low edge.",
       "removes movement artefact and baseline drift, which lie below surface-EMG content.", ref=DELUCA2010,
       lo=0.0, lo_open=True),
    _p("h_freq", 450.0, "Hz", "EMG band-pass high edge (clamped to 0.45 x the sampling rate).",
       "upper edge of surface-EMG power.", ref=DELUCA2010, lo=0.0, lo_open=True),
    _p("notch", "auto", "Hz", "Mains notch: 'auto' (the detected 50/60 Hz line and its harmonics >= 10 dB above their "
       "neighbourhood), a frequency (it and its harmonics), or None.",
       "mains hum is narrow-band and within the EMG band.", kind="notch", none_ok=True),
    _p("envelope_window", 0.005, "s", "Envelope smoothing (at least 3 samples).",
       "short enough that a 10 ms jerk keeps its amplitude and onset.", lo=0.0, lo_open=True),
    # ---------------------------------------------------------------- thresholds
    _p("k_on", 3.0, _X, "A burst's envelope must reach this multiple of the local background.",
       "9.5 dB: jerks of 3x background reach it in the 5 ms envelope; Gaussian background exceeds it in < 1e-6 of "
       "5 ms windows.", lo=1.0),
    _p("k_off", 1.5, _X, "Hysteresis: a burst lasts while its envelope stays above this multiple.",
       "half the on threshold, so a burst's tapered edges stay inside it.", lo=0.0, lo_open=True),
    _p("k_burst", 3.0, _X, "Minimum RMS of a refined burst, over at least burst_window.",
       "rejects noise peaks that crossed k_on and the isolated motor-unit potentials of a resting muscle.", lo=0.0),
    _p("burst_window", 0.025, "s", "The burst RMS tested against k_burst is taken over at least this window, centred.",
       "brief (5-20 ms) fluctuations of tonic EMG do not keep their amplitude over it; a jerk does.", lo=0.0),
    _p("k_flank", 3.0, "x flank RMS", "A burst's RMS must also reach this multiple of the EMG on its quieter side "
       "(0 or None: off).", "a jerk stands out from the EMG it interrupts, ongoing tonic activity included.", ref=SH2005,
       lo=0.0, none_ok=True),
    _p("flank_window", 0.1, "s", "Each flank of the k_flank test spans from 10 ms to this far outside the burst.",
       "a 15-30 Hz drive swells 2-4 times in it; a neighbour of a jerk train covers under half of it.", lo=0.02),
    _p("k_superimposed", 3.0, "x flank RMS", "Jerks superimposed on a sustained activation: found against the "
       "activation's own level and kept when they reach this multiple of the EMG on both sides (0 or None: off).",
       "the action myoclonus of cortical myoclonus rides on voluntary or postural contraction.", ref=SH2005,
       lo=0.0, none_ok=True),
    _p("superimposed_span", 0.5, "s", "Span of the median level of a sustained activation (k_superimposed).",
       "follows a contraction within a quarter of a second; a jerk of <= 50 ms raises at most 2 of its 5 windows.",
       lo=0.2),
    _p("floor_span", 5.0, "s", "Span of the time-varying background (20th percentile of 100 ms window RMS; 0: one "
       "background per channel).", "follows postural tonic activity, while bursts shorter than half the span do not "
       "raise it.", lo=0.0),
    _p("tail_adapt", True, "", "Raise k_on and k_burst by the ratio (1-2) of the observed to the Gaussian 99.9th "
       "envelope percentile in the quiet windows.", "heavy-tailed real background then keeps the Gaussian false-alarm "
       "rate.", kind="bool"),
    # ---------------------------------------------------------------- timing and classes
    _p("edge", 0.05, "s", "Bursts starting this close to the start or end of the record are dropped.",
       "the zero-phase filters settle within 25 ms of a record edge.", lo=0.0),
    _p("min_duration", 0.010, "s", "Shortest jerk (bursts under half of it are dropped).",
       "the shortest myoclonic jerks last 10-20 ms.", ref=SH2005, lo=0.0, lo_open=True),
    _p("merge_gap", 0.010, "s", "Gaps shorter than this inside a burst are ripples of one discharge.",
       "a myoclonic discharge is not interrupted for less than 10 ms.", lo=0.0),
    _p("refractory", 0.020, "s", "A burst starting within this time of the previous onset is the same jerk.",
       "no muscle discharges two separable jerks less than 20 ms apart.", lo=0.0),
    _p("jerk_max", 0.500, "s", "Bursts up to this long are jerks; longer ones are sustained activity.",
       "subcortical and propriospinal jerks reach 300-400 ms.", ref=SH2005, lo=0.0, lo_open=True),
    _p("max_rise", None, "s", "Bursts of at least slow_rise_min_duration rising slower than this to half their plateau "
       "are sustained (None: off).", "off: on simulated and real EMG the rise of detected bursts did not separate "
       "voluntary from myoclonic bursts reliably.", ref=SH2005, lo=0.0, lo_open=True, none_ok=True),
    _p("slow_rise_min_duration", 0.1, "s", "The rise tests apply to bursts at least this long.",
       "shorter bursts cannot show a gradual rise.", lo=0.0),
    _p("slow_rise_llr", None, "", "Log-likelihood ratio of a slow (24-128 ms) over a fast (<= 8 ms) rise above which "
       "a long burst is reclassed sustained (voluntary recruitment); None: off.", "off: on real activation material "
       "the amplitude of a burst's plateau fluctuates and the slow rise fits that too (36 of 241 real jerks lost).",
       ref=SH2005, none_ok=True),
    _p("rise_evidence", 2.0, "log-likelihood", "A burst of at least slow_rise_min_duration gets a confidence of 0.5 or "
       "more only when an abrupt (<= 8 ms) rise beats a gradual (24-128 ms) one by more than this.", "on one channel "
       "a long myoclonic jerk and a voluntary burst differ only by their rise; a likelihood ratio of e^2 (7:1) is "
       "required to call it a jerk with confidence.", ref=SH2005, lo=0.0, none_ok=True),
    _p("sustained_window", 0.050, "s", "RMS window of the slow envelope that reveals activation longer than jerk_max.",
       "long enough to bridge the gaps between motor-unit discharges of a contraction.", lo=0.0, lo_open=True),
    _p("k_sustained", 2.0, _X, "Slow-envelope level of sustained (tonic, voluntary) activation.",
       "bursts inside such an activation are part of it.", lo=0.0, lo_open=True),
    _p("sustained_gap", 1.0, "s", "Sustained activations closer than this with active EMG between are one.",
       "a long contraction raises the time-varying background in its middle.", lo=0.0),
    _p("refine_search", 0.030, "s", "Onset and offset change points are searched this far outside the threshold "
       "crossings.", "covers the delay of threshold crossing and envelope smoothing.", ref=STAUDE2001, lo=0.0),
    _p("ramp_fit", True, "", "Onsets refined on the causally, offsets on the anti-causally high-passed EMG, by a "
       "change point into a raised-cosine rise or decay of fitted length on the AR(3)-whitened stretch.",
       "zero-phase filters ring before a strong burst; the step change point lands part-way up a 2-8 ms rise.",
       ref=WIDMANN2015, kind="bool"),
    _p("ramp_search", 0.005, "s", "The ramped change point may move the step change point this far inwards.",
       "a fitted rise starts before the step change point.", lo=0.0),
    # ---------------------------------------------------------------- artifacts
    _p("ecg", "auto", "", "ECG removal: 'auto' when an ECG channel exists or the EMG shows regular, reproducible QRS "
       "complexes; True/False force it.", "QRS complexes survive the EMG high-pass in trunk and proximal muscles.",
       ref=MAK2010, kind="option", options=("auto", True, False)),
    _p("lf_ratio_max", 1.0, "", "A burst whose low-frequency (1-15 Hz) excursion, from 50 ms before it to 150 ms after, "
       "exceeds this multiple of its EMG-band peak carries a movement wave (flag 'motion').", "a flag, not a veto: a "
       "movement wave at least as large as the burst is worth a reviewer's look.", ref=DELUCA2010, lo=0.0),
    _p("step_k", 10.0, "x local step scale", "An electrode step is a two-sample jump this many times the local (and "
       "channel-wide) robust SD of two-sample differences whose new level persists; it is subtracted before filtering "
       "and flags the bursts it touches.", "EMG oscillates about its baseline within milliseconds; a step stays.",
       lo=1.0),
    _p("evidence_hz", 60.0, "Hz", "Lower edge of the band in which a flagged burst must show EMG (motion, step, "
       "saturation) to stay a jerk.", "movement artefacts and a repaired step's recovery lie below it; most surface-EMG "
       "power lies above it.", ref=DELUCA2010, lo=0.0, lo_open=True),
    _p("k_evidence", 2.0, "x band background RMS", "A burst flagged motion, electrode_step or clipped stays a jerk when "
       "its RMS above evidence_hz reaches this multiple of the background there; below it, it is an artifact.",
       "a jerk of 3x the background keeps over 2x in that band; a movement wave alone leaves it at 1x.", lo=0.0),
    _p("flag_penalty", 1.0, "log-odds", "Confidence of a burst is lowered by this per artefact flag it carries.",
       "a flagged burst is more often an artefact than an unflagged one of the same SNR.", lo=0.0),
    # ---------------------------------------------------------------- silent periods
    _p("silent_periods", True, "", "Detect silent periods (negative myoclonus) inside tonic activity.",
       "negative myoclonus is a lapse of tonic activity.", ref=UGAWA1989, kind="bool", group="silent"),
    _p("sp_min_duration", 0.050, "s", "Shortest silent period.", "negative myoclonus lasts 50-500 ms.", ref=SH2005,
       lo=0.0, lo_open=True, group="silent"),
    _p("sp_max_duration", 0.500, "s", "Longest silent period.", "longer pauses are relaxation, not a myoclonic lapse.",
       ref=SH2005, lo=0.0, lo_open=True, group="silent"),
    _p("sp_ratio", 0.45, "x local RMS", "A candidate silence starts where the 10 ms envelope drops below this multiple "
       "of the 1 s RMS of the EMG outside the jerks.", "7 dB below the local level; the contrast test decides.",
       lo=0.0, hi=1.0, lo_open=True, hi_open=True, group="silent"),
    _p("sp_tonic_window", 0.40, "s", "Tonic EMG (outside jerks, silences and rest) required in the reference "
       "before a silence.", "a silent period is only defined where there is tonic activity to interrupt.",
       ref=SH2005, lo=0.0, lo_open=True, group="silent"),
    _p("sp_min_contrast", 2.0, "x silent RMS", "No stretch of the surrounding tonic EMG as long as the silence (nor "
       "the 100 ms after it) may have an RMS below this multiple of the silent RMS.",
       "6 dB under the tonic EMG's own quietest stretches: a lapse, not one of its usual gaps.",
       ref="Garvey et al. 2001, doi:10.1016/S1388-2457(00)00526-4", lo=1.0, group="silent"),
    _p("sp_gap_ratio", 1.5, "x longest gap", "A silence must outlast this multiple of the longest gap of the "
       "surrounding tonic EMG as quiet as it (10 ms windows).", "sparse tonic EMG pauses 50-100 ms between "
       "discharges at the baseline level: a silence is a longer lapse.", lo=1.0, group="silent"),
    _p("sp_reference", 1.0, "s", "Surrounding EMG (on each side, jerks and other silences left out) a silence "
       "is compared with.", "holds 5-15 discharges of a motor unit firing at 5-15 Hz, so its usual gaps.",
       lo=0.0, lo_open=True, group="silent"),
    # ---------------------------------------------------------------- accelerometers
    _p("acc", True, "", "Detect accelerometer jerks on the acc channels of a Recording.",
       "a jerk moves the limb abruptly.", ref=FLASH1985, kind="bool", group="acc"),
    _p("acc_k_on", 25.0, "x quiet jerk RMS", "A high-jerk transient must reach this multiple of the quiet "
       "jerk-magnitude RMS.", "myoclonic jerks reach 50-300x; tremor and smooth voluntary movement 10-17x.",
       ref=FLASH1985, lo=0.0, lo_open=True, group="acc"),
    _p("acc_k_off", 3.0, "x quiet jerk RMS", "Hysteresis end of the transient.", "the transient's tail.", lo=0.0,
       group="acc"),
    _p("acc_max_duration", 0.3, "s", "Longer high-jerk episodes are voluntary movements.",
       "a myoclonic jerk's mechanical response is brief.", lo=0.0, lo_open=True, group="acc"),
    _p("acc_merge_gap", 0.1, "s", "Oscillations of one mechanical response closer than this are merged.",
       "one jerk's limb oscillation.", lo=0.0, group="acc"),
    _p("acc_max_delay", 0.15, "s", "An EMG jerk up to this long before an accelerometer jerk is its cause.",
       "the electromechanical delay is 10-100 ms.", lo=0.0, group="acc"),
]

#: Every parameter, by name (read-only).
PARAMS = MappingProxyType({p.name: p for p in _LIST})
#: ``{name: (default, reason)}``, derived from :data:`PARAMS` (read-only).
DEFAULTS = MappingProxyType({p.name: (p.default, p.reason) for p in _LIST})

#: Sensitivity presets: the factor applied to the detection thresholds ``k_on``, ``k_burst``,
#: ``k_flank`` and ``k_superimposed``. 'high' finds jerks down to 2.5x the background at a higher
#: false-alarm rate; 'low' keeps only jerks of 4x and more.
SENSITIVITY = MappingProxyType({"low": 4.0 / 3.0, "normal": 1.0, "high": 2.5 / 3.0})
_SENSITIVE = ("k_on", "k_burst", "k_flank", "k_superimposed")


def _relations(v):
    """Checks between parameters (after each one's own)."""
    if not v["k_off"] < v["k_on"]:
        raise MyoclonusUsageError(f"'k_off' ({v['k_off']:g}) must be below 'k_on' ({v['k_on']:g}).")
    if v["sp_min_duration"] > v["sp_max_duration"]:
        raise MyoclonusUsageError(f"'sp_min_duration' ({v['sp_min_duration']:g} s) must not exceed 'sp_max_duration' "
                                  f"({v['sp_max_duration']:g} s).")
    if v["acc_k_off"] > v["acc_k_on"]:
        raise MyoclonusUsageError(f"'acc_k_off' ({v['acc_k_off']:g}) must not exceed 'acc_k_on' ({v['acc_k_on']:g}).")


def _check_notch(value):
    """'auto', None (False: None) or a frequency > 0 Hz."""
    if value is False or value is None:
        return None
    if value == "auto":
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value > 0:
        return float(value)
    raise MyoclonusUsageError(f"'notch' must be 'auto', None or a frequency > 0 Hz, but got {value!r}.")


class DetectionParams:
    """The validated, immutable parameter values of one detection.

    Parameters
    ----------
    sensitivity : 'low' | 'normal' | 'high' | None
        Preset scaling of the detection thresholds (see :data:`SENSITIVITY`), applied to the
        defaults before ``values``; None is 'normal'.
    **values
        Any parameter of :data:`PARAMS` (unknown names are refused, with the closest name).

    Notes
    -----
    Attribute access (``p.k_on``), ``p['k_on']``, :meth:`to_dict` and :meth:`replace`.
    """

    __slots__ = ("_values", "sensitivity")

    def __init__(self, *, sensitivity=None, **values):
        sens = "normal" if sensitivity is None else sensitivity
        _check_option("sensitivity", sens, tuple(SENSITIVITY))
        v = {name: p.default for name, p in PARAMS.items()}
        for name in _SENSITIVE:
            if v[name] is not None:
                v[name] = v[name] * SENSITIVITY[sens]
        for name, value in values.items():
            if name not in PARAMS:
                raise MyoclonusUsageError(
                    f"Unknown detection parameter {name!r}.{_suggest(name, list(PARAMS))} Allowed names are listed "
                    "by `myoclonus detect --list-params` and in myoclonus.detect.PARAMS.")
            p = PARAMS[name]
            v[name] = p.check(value)
        if v["k_flank"] == 0:
            v["k_flank"] = None
        if v["k_superimposed"] == 0:
            v["k_superimposed"] = None
        _relations(v)
        object.__setattr__(self, "_values", MappingProxyType(v))
        object.__setattr__(self, "sensitivity", sens)

    def __getattr__(self, name):
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name, value):
        raise dataclasses.FrozenInstanceError(f"DetectionParams is immutable; use .replace({name}=...)")

    def __getitem__(self, name):
        return self._values[name]

    def __contains__(self, name):
        return name in self._values

    def __eq__(self, other):
        return isinstance(other, DetectionParams) and dict(self._values) == dict(other._values)

    def __hash__(self):
        return hash(tuple(sorted((k, repr(v)) for k, v in self._values.items())))

    def __repr__(self):
        changed = {k: v for k, v in self._values.items() if v != PARAMS[k].default}
        inner = ", ".join(f"{k}={v!r}" for k, v in changed.items())
        return f"<DetectionParams | sensitivity {self.sensitivity!r}{', ' if inner else ''}{inner}>"

    def to_dict(self):
        """All values, by name (a new dict)."""
        return dict(self._values)

    def changed(self):
        """The values that differ from the defaults of :data:`PARAMS` (a dict)."""
        return {k: v for k, v in self._values.items() if v != PARAMS[k].default}

    def replace(self, **values):
        """A copy with some values replaced (validated)."""
        base = dict(self._values)  # the sensitivity preset is already in these values
        base.update(values)
        out = DetectionParams(**base)
        object.__setattr__(out, "sensitivity", self.sensitivity)
        return out

    def group(self, name):
        """The values of one group ('emg', 'silent' or 'acc')."""
        return {k: v for k, v in self._values.items() if PARAMS[k].group == name}


def params_doc(group=None):
    """The numpydoc Parameters entries of :data:`PARAMS` (of one group, or all)."""
    return "\n".join(p.describe() for p in _LIST if group is None or p.group == group)


def parse_setting(text):
    """``'NAME=VALUE'`` (a ``--set`` option) -> ``(name, value)``, the value parsed by its :class:`Param`."""
    if "=" not in str(text):
        raise MyoclonusUsageError(f"--set takes NAME=VALUE (e.g. k_on=3.5), but got {text!r}.")
    name, _, value = str(text).partition("=")
    name = name.strip()
    if name not in PARAMS:
        raise MyoclonusUsageError(f"Unknown detection parameter {name!r} in --set.{_suggest(name, list(PARAMS))} "
                                  "`myoclonus detect --list-params` lists them.")
    return name, PARAMS[name].parse(value)
