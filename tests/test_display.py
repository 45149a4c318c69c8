"""Display settings of trace viewers: defaults, validation (errors name the field), the filter
query, and display filtering of a stretch equal to filtering the whole channel."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import signal

from myoclonus import display as D
from myoclonus._validate import MyoclonusFieldError


def test_defaults_follow_the_clinical_conventions():
    d = D.default_display()
    assert d["time_base"] == 10.0 and d["channels"] is None
    t = d["types"]
    assert (t["emg"]["hp"], t["emg"]["lp"]) == (20.0, None)
    assert (t["eeg"]["hp"], t["eeg"]["lp"]) == (0.5, 70.0)
    assert t["acc"]["hp"] is not None and t["acc"]["lp"] is not None  # band-passed
    assert all(v["notch"] is None for v in t.values())
    assert {k for k, v in t.items() if v["gain"] is not None} == set(D.GAIN_UNITS)
    d["types"]["emg"]["hp"] = 1.0  # a copy: the module defaults do not change
    assert D.TYPE_DEFAULTS["emg"]["hp"] == 20.0


def test_validate_fills_defaults_and_keeps_values():
    out = D.validate_display({"time_base": 5, "types": {"emg": {"hp": 10, "notch": 50}}, "channels": ["b", "a"]},
                             channels=["a", "b", "c"])
    assert out["time_base"] == 5.0 and out["channels"] == ["b", "a"]
    assert out["types"]["emg"] == {"hp": 10.0, "lp": None, "notch": 50.0, "gain": 50.0}
    assert out["types"]["eeg"] == D.TYPE_DEFAULTS["eeg"]


@pytest.mark.parametrize("settings, field", [
    ({"time_base": 7}, "time_base"),
    ({"time_base": "10"}, "time_base"),
    ({"types": {"emg": {"hp": -1}}}, "types.emg.hp"),
    ({"types": {"emg": {"hp": 30, "lp": 20}}}, "types.emg.lp"),
    ({"types": {"eeg": {"lp": 0.5}}}, "types.eeg.lp"),  # not above the default 0.5 Hz high-pass
    ({"types": {"emg": {"notch": 55}}}, "types.emg.notch"),
    ({"types": {"emg": {"gain": 0}}}, "types.emg.gain"),
    ({"types": {"emg": {"gain": float("inf")}}}, "types.emg.gain"),
    ({"types": {"stim": {"gain": 2}}}, "types.stim.gain"),
    ({"types": {"emg": {"hp": 20, "colour": "red"}}}, "types.emg"),
    ({"types": {"brain": {"hp": 1}}}, "types.brain"),
    ({"channels": []}, "channels"),
    ({"channels": ["a", "a"]}, "channels"),
    ({"channels": ["a", "zz"]}, "channels"),
    ({"zoom": 2}, "zoom"),
])
def test_validate_names_the_field(settings, field):
    with pytest.raises(MyoclonusFieldError) as e:
        D.validate_display(settings, channels=["a", "b"])
    assert e.value.field == field
    assert field.split(".")[-1] in str(e.value)


def test_filter_query_round_trip_and_errors():
    q = D.format_filter_query(D.default_display()["types"])
    assert q.startswith("emg:20::;eeg:0.5:70:;")
    parsed = D.parse_filter_query(q)
    assert parsed["emg"] == (20.0, None, None) and parsed["eeg"] == (0.5, 70.0, None) and parsed["stim"] == (None, None, None)
    assert D.parse_filter_query("") == {}
    for text, field in (("emg:x::", "f.emg.hp"), ("emg:20:10:", "f.emg.lp"), ("emg:::55", "f.emg.notch"),
                        ("brain:1::", "f"), ("emg:20", "f")):
        with pytest.raises(MyoclonusFieldError) as e:
            D.parse_filter_query(text)
        assert e.value.field == field, text


def test_channel_filter_drops_bands_above_nyquist():
    sos, applied = D.channel_filter(0.5, 70.0, 50.0, 100.0)  # 100 Hz accelerometer: 45 Hz is the top
    assert applied == (0.5, None, None) and sos.shape == (2, 6)  # order-4 high-pass only
    sos, applied = D.channel_filter(20.0, None, 50.0, 2048.0)
    assert applied == (20.0, None, 50.0) and sos.shape == (3, 6)  # order-4 high-pass + 1 notch section
    assert D.channel_filter(None, None, None, 2048.0) == (None, (None, None, None))
    assert D.settle_samples(None) == 0
    # the 0.5 Hz high-pass settles far more slowly than the 20 Hz one
    assert D.settle_samples(D.channel_filter(0.5, None, None, 2048.0)[0]) > 20 * D.settle_samples(
        D.channel_filter(20.0, None, None, 2048.0)[0])


def test_filtered_segment_equals_whole_channel_filtering():
    """A stretch read with the settling margin equals the whole channel filtered at once (to
    SETTLE_TOL of the transient), and a 20 Hz high-pass removes a 2 Hz, 500 uV baseline wander."""
    fs = 2048.0
    rng = np.random.default_rng(3)
    t = np.arange(int(60 * fs)) / fs
    emg = 20 * rng.standard_normal(t.size)
    x = emg + 500 * np.sin(2 * np.pi * 2 * t) + 300
    sos, _ = D.channel_filter(20.0, None, None, fs)
    whole = signal.sosfiltfilt(sos, x)
    a, b = int(30 * fs), int(32 * fs)
    reads = []

    def read(lo, hi):
        reads.append((lo, hi))
        return x[lo:hi]

    seg = D.filtered_segment(read, a, b, x.size, sos)
    assert seg.shape == (b - a,)
    m = D.settle_samples(sos)
    assert reads == [(a - m, b + m)]
    assert np.max(np.abs(seg - whole[a:b])) < D.SETTLE_TOL * np.std(whole)
    # the wander (500 uV sine + 300 uV offset) is gone: what is left is the EMG
    assert abs(np.mean(seg)) < 2.0 and 15 < np.std(seg) < 22
    assert np.std(x[a:b]) > 300
    # no filter: the samples as they are; the edges of the file are clipped, not padded
    np.testing.assert_array_equal(D.filtered_segment(read, -10, 5, x.size, None), x[:5])
    assert D.filtered_segment(read, 10, 10, x.size, sos).size == 0
