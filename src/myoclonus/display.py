"""Display settings of trace viewers: per signal type filters and gains, time base, channel order.

These filters shape what a reviewer *sees*, never what is analysed (the detector's own band is in
:data:`myoclonus.detect.DEFAULTS`). They follow the controls of clinical viewers (EDFbrowser,
Spike2): per signal type a high-pass, a low-pass and a mains notch, a gain in units per vertical
division (uV/div; m/s^2/div for accelerometers) drawn as a calibration bar, and a time base in
seconds per page.

Used by the review app's viewer (:mod:`myoclonus.review`); the settings dict, its validation
and :func:`filtered_segment` (one channel's stretch, read with enough margin for the filter to
settle) are meant for any trace viewer of the package (the report's included).

Defaults
--------
EMG 20 Hz high-pass (removes movement artefact and baseline drift below surface-EMG content: De
Luca et al. 2010, doi:10.1016/j.jbiomech.2010.01.027); EEG 0.5-70 Hz (the usual clinical EEG
display band); accelerometers 0.5-30 Hz (removes gravity and posture, keeps the mechanical
transient of a jerk and tremor); ECG 0.5-40 Hz; EOG 0.5-30 Hz. No notch by default: the mains
frequency differs between countries (50 or 60 Hz).
"""
from __future__ import annotations

import copy
import math

import numpy as np
from scipy import signal

from . import _iir
from ._validate import MyoclonusFieldError

__all__ = [
    "DISPLAY_TYPES",
    "DIV_PX",
    "GAIN_UNITS",
    "NOTCH_FREQS",
    "TIME_BASES",
    "TYPE_DEFAULTS",
    "channel_filter",
    "default_display",
    "filtered_segment",
    "format_filter_query",
    "parse_filter_query",
    "settle_samples",
    "validate_display",
]

#: CSS pixels of one vertical division: the calibration bar of each lane is one division tall.
DIV_PX = 20
#: Signal types with their own display settings (the recording model's channel types).
DISPLAY_TYPES = ("emg", "eeg", "acc", "ecg", "eog", "resp", "stim", "misc")
#: Unit of the gain (per division) of each type; types without one are scaled to their own range.
GAIN_UNITS = {"emg": "uV", "eeg": "uV", "ecg": "uV", "eog": "uV", "acc": "m/s^2"}
#: Display filters (Hz; None: off) and gain (unit per division; None: each trace scaled to its own
#: range in the window) per type.
TYPE_DEFAULTS = {
    "emg": {"hp": 20.0, "lp": None, "notch": None, "gain": 50.0},
    "eeg": {"hp": 0.5, "lp": 70.0, "notch": None, "gain": 50.0},
    "acc": {"hp": 0.5, "lp": 30.0, "notch": None, "gain": 0.5},
    "ecg": {"hp": 0.5, "lp": 40.0, "notch": None, "gain": 500.0},
    "eog": {"hp": 0.5, "lp": 30.0, "notch": None, "gain": 100.0},
    "resp": {"hp": None, "lp": None, "notch": None, "gain": None},
    "stim": {"hp": None, "lp": None, "notch": None, "gain": None},
    "misc": {"hp": None, "lp": None, "notch": None, "gain": None},
}
#: Time bases offered (seconds per page).
TIME_BASES = (0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0)
DEFAULT_TIME_BASE = 10.0
#: Mains frequencies the display notch accepts (Hz).
NOTCH_FREQS = (50.0, 60.0)
#: Butterworth order of the display filters (applied forward and backward).
ORDER = 4
#: Quality factor of the display notch (bandwidth 1.7 Hz at 50 Hz).
NOTCH_Q = 30.0
#: Relative residual of the filters' start-up transient accepted at the edge of a displayed
#: stretch (the margin read around it lets the transient decay below this).
SETTLE_TOL = 1e-3


def default_display():
    """The default display settings: ``{'time_base', 'types': {type: {...}}, 'channels': None}``.

    ``channels`` is the ordered list of shown channel names (None: all, in file order).
    """
    return {"time_base": DEFAULT_TIME_BASE, "types": copy.deepcopy(TYPE_DEFAULTS), "channels": None}


def _number(value, field, *, low=None, high=None, unit="", allow_none=True, inclusive_low=False):
    if value is None or value == "":
        if allow_none:
            return None
        raise MyoclonusFieldError(field, f"'{field}' is required ({unit or 'a number'}).", given=value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise MyoclonusFieldError(field, f"'{field}' must be a number in {unit}, but got {value!r}.", given=value)
    v = float(value)
    bad = not math.isfinite(v) or (low is not None and (v < low if inclusive_low else v <= low)) or (
        high is not None and v > high)
    if bad:
        lo = "" if low is None else (f">= {low:g}" if inclusive_low else f"> {low:g}")
        hi = "" if high is None else f"<= {high:g}"
        rng = " and ".join(x for x in (lo, hi) if x)
        raise MyoclonusFieldError(field, f"'{field}' must be {rng} {unit}, but got {value!r}.".replace("  ", " "),
                                  allowed=rng, given=value)
    return v


def _check_filter(hp, lp, notch, prefix):
    """Validated ``(hp, lp, notch)`` in Hz (None: off); ``prefix`` names the field in errors."""
    hp = _number(hp, f"{prefix}.hp", low=0.0, unit="Hz")
    lp = _number(lp, f"{prefix}.lp", low=0.0, unit="Hz")
    if hp is not None and lp is not None and lp <= hp:
        raise MyoclonusFieldError(f"{prefix}.lp", f"'{prefix}.lp' ({lp:g} Hz) must be above the high-pass "
                                  f"({hp:g} Hz).", allowed=f"> {hp:g} Hz", given=lp)
    if notch is not None and notch != "":
        notch = _number(notch, f"{prefix}.notch", low=0.0, unit="Hz")
        if notch not in NOTCH_FREQS:
            raise MyoclonusFieldError(f"{prefix}.notch", f"'{prefix}.notch' must be one of "
                                      f"{', '.join(f'{f:g}' for f in NOTCH_FREQS)} Hz or off, but got {notch:g}.",
                                      allowed=list(NOTCH_FREQS), given=notch)
    else:
        notch = None
    return hp, lp, notch


def validate_display(settings, *, channels=None):
    """Check display settings and return them complete (defaults filled in).

    Parameters
    ----------
    settings : dict
        ``{'time_base': s, 'types': {type: {'hp', 'lp', 'notch', 'gain'}}, 'channels': [names]}``;
        missing keys take their defaults.
    channels : list of str | None
        The recording's channel names; ``settings['channels']`` must be a non-empty list of
        distinct names among them (its order is the display order).

    Raises
    ------
    MyoclonusFieldError
        Naming the first wrong field (e.g. ``types.emg.hp``), what was allowed and what was given.
    """
    if not isinstance(settings, dict):
        raise MyoclonusFieldError("display", f"Display settings must be an object, but got {type(settings).__name__}.")
    unknown = set(settings) - {"time_base", "types", "channels"}
    if unknown:
        raise MyoclonusFieldError(sorted(unknown)[0], f"Unknown display setting(s) {sorted(unknown)}; allowed: "
                                  "time_base, types, channels.", given=sorted(unknown))
    out = default_display()
    if settings.get("time_base") is not None:
        tb = _number(settings["time_base"], "time_base", unit="s")
        if tb not in TIME_BASES:
            raise MyoclonusFieldError("time_base", f"'time_base' must be one of {', '.join(f'{t:g}' for t in TIME_BASES)} "
                                      f"s/page, but got {tb:g}.", allowed=list(TIME_BASES), given=tb)
        out["time_base"] = tb
    types = settings.get("types") or {}
    if not isinstance(types, dict):
        raise MyoclonusFieldError("types", "'types' must be an object {type: settings}.", given=types)
    for t, v in types.items():
        if t not in DISPLAY_TYPES:
            raise MyoclonusFieldError(f"types.{t}", f"Unknown signal type {t!r}; allowed: {', '.join(DISPLAY_TYPES)}.",
                                      allowed=list(DISPLAY_TYPES), given=t)
        if not isinstance(v, dict) or set(v) - {"hp", "lp", "notch", "gain"}:
            raise MyoclonusFieldError(f"types.{t}", f"'types.{t}' takes hp, lp, notch (Hz) and gain, but got {v!r}.",
                                      given=v)
        cur = {**out["types"][t], **v}
        hp, lp, notch = _check_filter(cur["hp"], cur["lp"], cur["notch"], f"types.{t}")
        gain = _number(cur["gain"], f"types.{t}.gain", low=0.0, unit=f"{GAIN_UNITS.get(t, 'units')}/div")
        if gain is not None and t not in GAIN_UNITS:
            raise MyoclonusFieldError(f"types.{t}.gain", f"'{t}' channels have no calibrated unit: their gain must "
                                      "be null (each trace scaled to its own range).", allowed=None, given=gain)
        out["types"][t] = {"hp": hp, "lp": lp, "notch": notch, "gain": gain}
    chans = settings.get("channels")
    if chans is not None:
        if not isinstance(chans, list) or not chans or not all(isinstance(c, str) for c in chans):
            raise MyoclonusFieldError("channels", "'channels' must be a non-empty list of channel names (display "
                                      "order).", given=chans)
        if len(set(chans)) != len(chans):
            dup = next(c for c in chans if chans.count(c) > 1)
            raise MyoclonusFieldError("channels", f"Channel {dup!r} is listed twice in 'channels'.", given=dup)
        if channels is not None:
            bad = [c for c in chans if c not in channels]
            if bad:
                raise MyoclonusFieldError("channels", f"Unknown channel {bad[0]!r} in 'channels'; the recording has "
                                          f"{', '.join(channels)}.", allowed=list(channels), given=bad[0])
        out["channels"] = list(chans)
    return out


def format_filter_query(types):
    """``'emg:20::;eeg:0.5:70:50'`` from ``{type: {'hp', 'lp', 'notch'}}`` (the viewer's ``f`` parameter)."""
    fmt = lambda v: "" if v is None else f"{v:g}"  # noqa: E731
    return ";".join(f"{t}:{fmt(v.get('hp'))}:{fmt(v.get('lp'))}:{fmt(v.get('notch'))}" for t, v in types.items())


def parse_filter_query(text):
    """``{type: (hp, lp, notch)}`` from :func:`format_filter_query`'s text; errors name the field."""
    out = {}
    for part in (text or "").split(";"):
        if not part.strip():
            continue
        bits = part.split(":")
        if len(bits) != 4 or bits[0] not in DISPLAY_TYPES:
            raise MyoclonusFieldError("f", f"Display filter {part!r} is not TYPE:HP:LP:NOTCH with TYPE one of "
                                      f"{', '.join(DISPLAY_TYPES)} (empty: off).", given=part)
        vals = []
        for name, b in zip(("hp", "lp", "notch"), bits[1:]):
            try:
                vals.append(None if b == "" else float(b))
            except ValueError:
                raise MyoclonusFieldError(f"f.{bits[0]}.{name}", f"'{name}' of {bits[0]} must be a number in Hz, "
                                          f"but got {b!r}.", given=b) from None
        out[bits[0]] = _check_filter(*vals, f"f.{bits[0]}")
    return out


def channel_filter(hp, lp, notch, sfreq):
    """Second-order sections of the display filter of one channel, or None (no filter).

    The low-pass is dropped when it is at or above 0.45 x ``sfreq`` (nothing to remove below
    Nyquist) and the high-pass when it is at or above that; the notch when the mains frequency is
    above it. Returns ``(sos, applied)`` with ``applied`` the ``(hp, lp, notch)`` really applied.
    """
    top = 0.45 * float(sfreq)
    hp = hp if hp is not None and 0 < hp < top else None
    lp = lp if lp is not None and 0 < lp < top else None
    notch = notch if notch is not None and notch < top else None
    parts = []
    if hp is not None and lp is not None:
        parts.append(signal.butter(ORDER, (hp, lp), btype="bandpass", fs=sfreq, output="sos"))
    elif hp is not None or lp is not None:
        parts.append(signal.butter(ORDER, hp or lp, btype="highpass" if hp else "lowpass", fs=sfreq, output="sos"))
    if notch is not None:
        parts.append(signal.tf2sos(*signal.iirnotch(notch, NOTCH_Q, fs=sfreq)))
    sos = np.concatenate(parts, axis=0) if parts else None
    return sos, (hp, lp, notch)


def settle_samples(sos, *, tol=SETTLE_TOL):
    """Samples for the start-up transient of ``sos`` to decay below ``tol`` (0 without a filter)."""
    if sos is None:
        return 0
    n = _iir._warmup_length(sos, tol)
    return int(n) if n is not None else 0


def filtered_segment(read, start, stop, n_times, sos, *, margin=None):
    """Display-filtered samples ``[start, stop)`` of one channel.

    Parameters
    ----------
    read : callable
        ``read(a, b)`` returns the channel's samples ``[a, b)`` (e.g.
        ``lambda a, b: recording._read_channel(i, a, b)``).
    start, stop : int
        Sample range wanted.
    n_times : int
        Length of the channel (samples).
    sos : ndarray | None
        From :func:`channel_filter`; None returns the raw samples.
    margin : int | None
        Samples read on each side (default :func:`settle_samples`): inside the file the result
        then equals the whole channel filtered at once to ``SETTLE_TOL`` of the transient.

    Returns
    -------
    x : ndarray of float64, shape (stop - start,)
    """
    start, stop = max(0, int(start)), min(int(n_times), int(stop))
    if stop <= start:
        return np.zeros(0)
    if sos is None:
        return np.asarray(read(start, stop), float)
    m = settle_samples(sos) if margin is None else int(margin)
    lo, hi = max(0, start - m), min(int(n_times), stop + m)
    x = np.asarray(read(lo, hi), float)
    pad = 3 * (2 * len(sos) + 1)
    if len(x) <= pad:  # a channel too short to filter is shown as it is
        return x[start - lo : stop - lo]
    return _iir.sosfiltfilt(sos, x, padlen=pad)[start - lo : stop - lo]
