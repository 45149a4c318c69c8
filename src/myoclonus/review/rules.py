"""Validation rules of the review app: edits of events and signing (no web code here).

An edit is checked on the event it would produce (the stored event with the change applied):

1. ``onset`` is a number inside the recording: 0 <= onset < recording duration;
2. the offset (``onset + duration``, or ``offset`` when the client sends it) comes after the
   onset and inside the recording;
3. ``channel`` is one of the recording's channels, an accelerometer sensor (the axes' common
   name, e.g. ``ACC L wrist``) or a channel the detector marked events on;
4. ``kind`` is one of :data:`myoclonus.events.EVENT_KINDS` and fits the channel: ``acc_jerk``
   only on accelerometers, ``jerk``/``sustained``/``silent_period`` never on them;
5. the duration is within the kind's limits, taken from the detector's own parameters (the ones
   of the run whose events are reviewed when known, else :data:`myoclonus.detect.DEFAULTS`):

   ============== ========================================= ========================
   kind           shortest                                  longest
   ============== ========================================= ========================
   jerk           ``min_duration``                          ``jerk_max``
   sustained      ``slow_rise_min_duration`` (the detector  (recording)
                  classes bursts from this long as sustained
                  when they rise slowly, and all beyond
                  ``jerk_max``)
   silent_period  ``sp_min_duration``                       ``sp_max_duration``
   acc_jerk       > 0                                       ``acc_max_duration``
   artifact       > 0                                       (recording)
   ============== ========================================= ========================

   Clinical basis of the jerk and silent-period limits: Shibasaki & Hallett 2005,
   doi:10.1002/mus.20234 (the citations are on the parameters in ``myoclonus.detect``).

Each rule raises :class:`~myoclonus._validate.MyoclonusFieldError` naming the field, what was
allowed and what was given; the web app answers HTTP 422 with them. The detector's own events are
not re-checked when a reviewer only accepts or rejects them.
"""
from __future__ import annotations

import math

from .._validate import MyoclonusFieldError
from ..events import EVENT_KINDS

__all__ = ["STATUSES", "detector_parameters", "duration_limits", "check_event", "check_changes", "check_reason",
           "check_reviewer"]

STATUSES = ("unreviewed", "accepted", "rejected")
#: Kinds that belong on EMG (or other electrophysiological) channels, not on accelerometers.
_EMG_KINDS = ("jerk", "sustained", "silent_period")
#: Names a human reviewer may not take (they author the detector's entries of the audit trail).
RESERVED_NAMES = ("detector",)
#: Longest reason for signing with undecided detections (characters).
MAX_REASON = 2000
#: Slack (s) on the recording bounds: float rounding of onsets read from TSV files.
_EPS = 1e-9


def detector_parameters(params=None):
    """The detector parameter values the limits derive from.

    The one place that reads the detector's parameter table (:data:`myoclonus.detect.DEFAULTS`,
    ``{name: (value, reason)}``); ``params`` (e.g. the ``parameters`` of the analysis whose events
    are reviewed) override its values.
    """
    from ..detect import DEFAULTS

    out = {k: v[0] for k, v in DEFAULTS.items()}
    out.update({k: v for k, v in (params or {}).items() if k in out and isinstance(v, (int, float))})
    return out


def duration_limits(params=None):
    """``{kind: (shortest, longest)}`` in seconds (None: no bound beyond the recording's).

    See the module docstring for where each bound comes from.
    """
    p = detector_parameters(params)
    return {
        "jerk": (p["min_duration"], p["jerk_max"]),
        "sustained": (p["slow_rise_min_duration"], None),
        "silent_period": (p["sp_min_duration"], p["sp_max_duration"]),
        "acc_jerk": (None, p["acc_max_duration"]),
        "artifact": (None, None),
    }


def _num(value, field):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(float(value)):
        raise MyoclonusFieldError(field, f"'{field}' must be a finite number of seconds, but got {value!r}.",
                                  allowed="a finite number (s)", given=value)
    return float(value)


def check_changes(fields):
    """Types and allowed values of the fields a client sent; returns them normalised.

    ``fields`` may hold ``onset``, ``duration``, ``offset`` (seconds), ``kind``, ``status`` and
    ``channel``. A given ``offset`` is kept (``check_event`` turns it into a duration).
    """
    out = {}
    for k in ("onset", "duration", "offset"):
        if fields.get(k) is not None:
            out[k] = _num(fields[k], k)
    if "duration" in out and "offset" in out:
        raise MyoclonusFieldError("offset", "Send either 'duration' or 'offset', not both.", given=fields["offset"])
    if fields.get("kind") is not None:
        if fields["kind"] not in EVENT_KINDS:
            raise MyoclonusFieldError("kind", f"Unknown kind {fields['kind']!r}; allowed: {', '.join(EVENT_KINDS)}.",
                                      allowed=list(EVENT_KINDS), given=fields["kind"])
        out["kind"] = fields["kind"]
    if fields.get("status") is not None:
        if fields["status"] not in STATUSES:
            raise MyoclonusFieldError("status", f"Unknown status {fields['status']!r}; allowed: "
                                      f"{', '.join(STATUSES)}.", allowed=list(STATUSES), given=fields["status"])
        out["status"] = fields["status"]
    if fields.get("channel") is not None:
        if not isinstance(fields["channel"], str):
            raise MyoclonusFieldError("channel", f"'channel' must be a channel name, but got {fields['channel']!r}.",
                                      given=fields["channel"])
        out["channel"] = fields["channel"]
    return out


def _ms(x):
    return f"{x * 1000:g} ms"


def check_event(event, changed, *, recording_duration, channels, params=None):
    """Check the event an edit would produce; return its ``onset``, ``duration``, ``kind``, ``channel``.

    Parameters
    ----------
    event : dict
        The event after the change: ``onset``, ``kind``, ``channel`` and ``duration`` or ``offset``.
    changed : set of str
        Fields the client sent (an error names the field the client can fix: e.g. a relabel to a
        kind the duration does not fit names ``kind``, a move names ``duration`` or ``offset``).
    recording_duration : float
        Seconds.
    channels : dict
        ``{name: type}`` of the channels events may sit on (see the module docstring, rule 3).
    params : dict | None
        Detector parameters of the reviewed run (see :func:`duration_limits`).
    """
    onset = _num(event["onset"], "onset")
    end_field = "offset" if "offset" in changed else "duration"
    if "offset" in event and event["offset"] is not None:
        offset = _num(event["offset"], "offset")
        length = offset - onset
    else:
        length = _num(event["duration"], "duration")  # kept as given (offset - onset would round)
        offset = onset + length
    dur = float(recording_duration)
    if not 0 <= onset < dur:
        raise MyoclonusFieldError("onset", f"'onset' must be inside the recording, within [0, {dur:g}) s, but got "
                                  f"{onset:g} s.", allowed=[0.0, dur], given=onset)
    if not length > 0:
        raise MyoclonusFieldError(end_field, f"The offset must come after the onset ({onset:g} s), but the event "
                                  f"would end at {offset:g} s ({end_field} {event.get(end_field)!r}).",
                                  allowed=f"> {onset:g} s", given=event.get(end_field))
    if offset > dur + _EPS:
        raise MyoclonusFieldError(end_field, f"The event must end inside the recording (at most {dur:g} s), but it "
                                  f"would end at {offset:g} s.", allowed=[onset, dur], given=event.get(end_field))
    channel = event["channel"]
    if channel not in channels:
        raise MyoclonusFieldError("channel", f"Unknown channel {channel!r}; this recording has "
                                  f"{', '.join(sorted(channels))}.", allowed=sorted(channels), given=channel)
    kind = event["kind"]
    ctype = channels[channel]
    field = "kind" if "kind" in changed else "channel"
    if kind == "acc_jerk" and ctype != "acc":
        raise MyoclonusFieldError(field, f"An acc_jerk belongs on an accelerometer, but {channel!r} is {ctype}.",
                                  allowed="accelerometer channels", given=kind if field == "kind" else channel)
    if kind in _EMG_KINDS and ctype == "acc":
        raise MyoclonusFieldError(field, f"A {kind} is marked on EMG, not on the accelerometer {channel!r} "
                                  "(use acc_jerk).", allowed="EMG channels", given=kind if field == "kind" else channel)
    lo, hi = duration_limits(params)[kind]
    shape_field = "kind" if changed & {"kind"} and not changed & {"onset", "duration", "offset"} else end_field
    if (lo is not None and length < lo - _EPS) or (hi is not None and length > hi + _EPS):
        rng = (f"{_ms(lo)}-{_ms(hi)}" if lo is not None and hi is not None
               else f"at least {_ms(lo)}" if lo is not None else f"at most {_ms(hi)}")
        raise MyoclonusFieldError(shape_field, f"A {kind} lasts {rng} (detector parameters), but this one would last "
                                  f"{_ms(round(length, 6))}.", allowed=[lo, hi], given=round(length, 6))
    return {"onset": onset, "duration": length, "kind": kind, "channel": channel}


def check_reason(reason, n_undecided):
    """The stated reason for signing with ``n_undecided`` undecided detections (stripped)."""
    if not isinstance(reason, str) or not reason.strip():
        raise MyoclonusFieldError("reason", f"Signing with {n_undecided} undecided detection(s) needs a reason "
                                  "(e.g. 'artefact-laden night; jerks of the first hour reviewed').",
                                  allowed="a non-empty text", given=reason)
    if len(reason) > MAX_REASON:
        raise MyoclonusFieldError("reason", f"The reason is limited to {MAX_REASON} characters, but got "
                                  f"{len(reason)}.", allowed=MAX_REASON, given=len(reason))
    return reason.strip()


def check_reviewer(name):
    """Refuse the names reserved for the detector's entries of the audit trail."""
    if name in RESERVED_NAMES:
        raise MyoclonusFieldError("reviewer", f"The name {name!r} is reserved for the detector's entries of the "
                                  "audit trail; choose another reviewer name.", given=name)
    return name
