"""Validation rules of review edits: one test per rule on the pure checks, then every rule through
the API (HTTP 422 naming the field, nothing stored) on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest

from myoclonus._validate import MyoclonusFieldError
from myoclonus.detect import DEFAULTS
from myoclonus.review import rules

CHANNELS = {"EMG R FDI": "emg", "EEG C3": "eeg", "ACC R wrist X": "acc", "ACC R wrist": "acc"}


def check(onset=1.0, duration=0.05, kind="jerk", channel="EMG R FDI", changed=("onset", "duration"), params=None,
          offset=None):
    ev = {"onset": onset, "kind": kind, "channel": channel}
    ev["offset" if offset is not None else "duration"] = offset if offset is not None else duration
    return rules.check_event(ev, set(changed), recording_duration=30.0, channels=CHANNELS, params=params)


def refused(field, **kw):
    with pytest.raises(MyoclonusFieldError) as e:
        check(**kw)
    assert e.value.field == field, (e.value.field, str(e.value))
    return e.value


def test_limits_come_from_the_detector_parameters():
    p = {k: v[0] for k, v in DEFAULTS.items()}
    lim = rules.duration_limits()
    assert lim["jerk"] == (p["min_duration"], p["jerk_max"])
    assert lim["sustained"] == (p["slow_rise_min_duration"], None)
    assert lim["silent_period"] == (p["sp_min_duration"], p["sp_max_duration"])
    assert lim["acc_jerk"] == (None, p["acc_max_duration"])
    assert lim["artifact"] == (None, None)
    # the parameters of the reviewed run override the defaults
    assert rules.duration_limits({"jerk_max": 0.3, "unknown": 1})["jerk"] == (p["min_duration"], 0.3)


def test_valid_event_is_returned_normalised():
    assert check(onset=2, duration=0.1) == {"onset": 2.0, "duration": 0.1, "kind": "jerk", "channel": "EMG R FDI"}
    assert check(onset=2.0, offset=2.25)["duration"] == pytest.approx(0.25)
    assert check(onset=29.9, duration=0.1)["onset"] == 29.9  # ends exactly at the end of the recording


def test_rule_onset_inside_recording():
    assert refused("onset", onset=-0.001).allowed == [0.0, 30.0]
    e = refused("onset", onset=1000.0)
    assert e.given == 1000.0 and "within [0, 30) s" in str(e)
    refused("onset", onset=30.0)
    refused("onset", onset=float("nan"))
    refused("onset", onset="12")
    refused("onset", onset=True)


def test_rule_offset_after_onset():
    refused("duration", duration=0.0)
    refused("duration", duration=-0.02)
    e = refused("offset", onset=2.0, offset=1.9, changed=("offset",))
    assert "after the onset" in str(e)


def test_rule_offset_inside_recording():
    e = refused("duration", onset=29.99, duration=0.05)
    assert "end inside the recording" in str(e) and e.allowed == [29.99, 30.0]
    refused("offset", onset=29.0, offset=30.2, changed=("offset",))


def test_rule_channel_exists():
    e = refused("channel", channel="../../etc/passwd")
    assert e.given == "../../etc/passwd" and "EMG R FDI" in str(e)
    assert check(channel="ACC R wrist", kind="acc_jerk", duration=0.1)["channel"] == "ACC R wrist"  # sensor


def test_rule_kind_allowed_and_fits_the_channel():
    with pytest.raises(MyoclonusFieldError) as e:
        rules.check_changes({"kind": "nonsense"})
    assert e.value.field == "kind" and e.value.allowed == ["jerk", "sustained", "silent_period", "acc_jerk", "artifact"]
    refused("kind", kind="acc_jerk", duration=0.1, changed=("kind",))
    refused("kind", kind="jerk", channel="ACC R wrist X", changed=("kind",))
    refused("channel", kind="silent_period", duration=0.1, channel="ACC R wrist X", changed=("channel",))
    assert check(kind="artifact", channel="ACC R wrist X", duration=2.0)["kind"] == "artifact"
    assert check(kind="jerk", channel="EEG C3")["kind"] == "jerk"  # an electrode channel


@pytest.mark.parametrize("kind, channel, short, long", [
    ("jerk", "EMG R FDI", DEFAULTS["min_duration"][0] * 0.9, DEFAULTS["jerk_max"][0] * 1.01),
    ("silent_period", "EMG R FDI", DEFAULTS["sp_min_duration"][0] * 0.9, DEFAULTS["sp_max_duration"][0] * 1.01),
    ("sustained", "EMG R FDI", DEFAULTS["slow_rise_min_duration"][0] * 0.9, None),
    ("acc_jerk", "ACC R wrist", None, DEFAULTS["acc_max_duration"][0] * 1.01),
])
def test_rule_duration_within_the_kinds_limits(kind, channel, short, long):
    lo, hi = rules.duration_limits()[kind]
    for d in (x for x in (lo, hi) if x is not None):  # the limits themselves are allowed
        assert check(kind=kind, channel=channel, duration=d)["duration"] == pytest.approx(d)
    for d in (x for x in (short, long) if x is not None):
        e = refused("duration", kind=kind, channel=channel, duration=d)
        assert kind in str(e) and "ms" in str(e) and e.allowed == [lo, hi]
        # a relabel that the duration does not fit names the kind
        refused("kind", kind=kind, channel=channel, duration=d, changed=("kind",))
    assert check(kind="sustained", duration=25.0)["duration"] == 25.0  # no upper bound but the recording


def test_status_and_reviewer_rules():
    with pytest.raises(MyoclonusFieldError) as e:
        rules.check_changes({"status": "maybe"})
    assert e.value.field == "status"
    with pytest.raises(MyoclonusFieldError) as e:
        rules.check_changes({"duration": 0.1, "offset": 2.0})
    assert e.value.field == "offset"
    with pytest.raises(MyoclonusFieldError) as e:
        rules.check_reviewer("detector")
    assert e.value.field == "reviewer"
    assert rules.check_reviewer("Dr Ada") == "Dr Ada"
    for bad in (None, "", "   ", "x" * (rules.MAX_REASON + 1)):
        with pytest.raises(MyoclonusFieldError) as e:
            rules.check_reason(bad, 3)
        assert e.value.field == "reason"
    assert rules.check_reason("  noisy night  ", 3) == "noisy night"


# ------------------------------------------------------------------------------ through the API
def test_api_refuses_each_rule_with_422(client):
    rv = client.post("/api/recordings/1/reviews", json={"name": "main"}).json()["id"]
    evs = client.get(f"/api/reviews/{rv}/events").json()["events"]
    jerk = next(e for e in evs if e["kind"] == "jerk" and e["channel"].startswith("EMG"))
    acc = next(e for e in evs if e["kind"] == "acc_jerk")
    dur = client.get(f"/api/reviews/{rv}").json()["recording"]["duration_s"]
    before = client.get(f"/api/reviews/{rv}/audit").json()["entries"]
    jmin, jmax = rules.duration_limits()["jerk"]
    patches = [
        (jerk, {"onset": 1000.0}, "onset"),
        (jerk, {"onset": -1.0}, "onset"),
        (jerk, {"onset": "soon"}, "onset"),
        (jerk, {"duration": 0.0}, "duration"),
        (jerk, {"offset": jerk["onset"] - 0.01}, "offset"),
        (jerk, {"onset": dur - 0.005, "duration": 0.05}, "duration"),
        (jerk, {"channel": "EMG nowhere"}, "channel"),
        (jerk, {"kind": "twitch"}, "kind"),
        (jerk, {"kind": "acc_jerk"}, "kind"),
        (acc, {"kind": "jerk"}, "kind"),
        (jerk, {"duration": jmin / 2}, "duration"),
        (jerk, {"duration": jmax + 0.1}, "duration"),
        (jerk, {"status": "maybe"}, "status"),
        (jerk, {"version": "one", "status": "accepted"}, "version"),
    ]
    for e, body, field in patches:
        r = client.patch(f"/api/reviews/{rv}/events/{e['id']}", json={"version": e["version"], **body})
        assert r.status_code == 422, (body, r.status_code, r.text)
        assert r.json()["field"] == field, (body, r.json())
        assert field in r.json()["detail"] or field in ("channel", "kind", "duration", "offset"), r.json()
    adds = [
        ({"onset": 1000, "duration": 0.05, "channel": "EMG R FDI"}, "onset"),
        ({"onset": 1, "channel": "EMG R FDI"}, "duration"),
        ({"duration": 0.05, "channel": "EMG R FDI"}, "onset"),
        ({"onset": 1, "duration": 0.05, "channel": "../../etc"}, "channel"),
        ({"onset": 1, "duration": 0.6, "channel": "EMG R FDI"}, "duration"),  # a jerk longer than jerk_max
        ({"onset": 1, "duration": 0.05, "kind": "acc_jerk", "channel": "EMG R FDI"}, "kind"),
    ]
    for body, field in adds:
        r = client.post(f"/api/reviews/{rv}/events", json=body)
        assert r.status_code == 422 and r.json()["field"] == field, (body, r.text)
    r = client.post("/api/recordings/1/reviews", json={"name": "x"}, headers={"X-Reviewer": "detector"})
    assert r.status_code == 422 and r.json()["field"] == "reviewer"
    # nothing was stored: same events, same audit trail
    assert client.get(f"/api/reviews/{rv}/events").json()["events"] == evs
    assert client.get(f"/api/reviews/{rv}/audit").json()["entries"] == before
    # the refused onset of the issue (1000 s on a shorter recording) is accepted inside it
    ok = client.patch(f"/api/reviews/{rv}/events/{jerk['id']}", json={"version": 1, "onset": dur - 1.0})
    assert ok.status_code == 200 and ok.json()["onset"] == dur - 1.0 and ok.json()["status"] == "accepted"
