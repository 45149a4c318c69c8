"""Accelerometer jerks detected chunk by chunk (memory flat in the recording's length, issue 9)."""
from __future__ import annotations

import numpy as np
import pytest
from _reads import spy_reads

from myoclonus.detect import detect_jerks
from myoclonus.detect.acc import detect_acc_jerks, detect_acc_streamed
from myoclonus.io import Recording

SF = 200.0
#: Jerk onsets (s): across, just before and just after the 60 s chunk borders, and inside chunks
#: (>= 0.25 s apart: closer ones are one merged transient, ACC_DEFAULTS["acc_merge_gap"]).
JERKS = (12.0, 59.95, 60.2, 119.9, 180.1, 299.95, 333.3, 420.0, 479.98, 610.5)


def _sensor(duration=700.0, seed=0):
    """Three axes (m/s^2): gravity on z, sensor noise, slow voluntary sways and brief myoclonic pulses."""
    rng = np.random.default_rng(seed)
    n = int(duration * SF)
    t = np.arange(n) / SF
    a = rng.standard_normal((3, n)) * 0.01
    a[2] += 9.81
    a[0] += 0.3 * np.sin(2 * np.pi * 0.2 * t)  # smooth movement: low jerk
    pulse = np.sin(np.pi * np.arange(int(0.03 * SF)) / (0.03 * SF))  # 30 ms half-sine
    for k, t0 in enumerate(t0 for t0 in JERKS if t0 < duration - 0.1):
        i0 = int(round(t0 * SF))
        a[k % 2, i0:i0 + pulse.size] += 2.0 * pulse
    return a


def _reader(a, spans):
    def read(lo, hi):
        spans.append(hi - lo)
        return a[:, lo:hi].copy()
    return read


def test_chunked_equals_whole_and_reads_are_bounded():
    a = _sensor()
    spans_c, spans_w = [], []
    sc, ec, pc, fc = detect_acc_streamed(_reader(a, spans_c), a.shape[1], SF, chunk_duration=60.0)
    sw, ew, pw, fw = detect_acc_streamed(_reader(a, spans_w), a.shape[1], SF, chunk_duration=None)
    assert fc == fw > 0
    np.testing.assert_array_equal(sc, sw)
    np.testing.assert_array_equal(ec, ew)
    np.testing.assert_allclose(pc, pw, rtol=1e-9)
    # every pulse found once, onset within 50 ms (filter spread), nothing else
    assert len(sc) == len(JERKS)
    assert np.max(np.abs(sc / SF - np.array(JERKS))) < 0.05
    # chunked: no read longer than a chunk and its two 10 s overlaps (the whole path reads it all)
    assert max(spans_c) <= int((60.0 + 2 * 10.0) * SF) + 1
    assert max(spans_w) == a.shape[1]


def test_short_sensor_is_detected_as_one_array():
    a = _sensor(duration=250.0, seed=1)  # within the 300 s statistics sample: one piece
    spans = []
    got = detect_acc_streamed(_reader(a, spans), a.shape[1], SF, chunk_duration=60.0)
    ref = detect_acc_jerks(a, SF)
    assert spans == [a.shape[1]]
    for g, r in zip(got[:3], ref[:3]):
        np.testing.assert_array_equal(g, r)
    assert got[3] == ref[3]
    assert len(got[0]) == sum(t < 249.9 for t in JERKS)


@pytest.mark.parametrize("chunk", [60.0, None])
def test_detect_jerks_streams_accelerometers(chunk, monkeypatch):
    a = _sensor(duration=400.0, seed=2)
    rng = np.random.default_rng(3)
    emg = rng.standard_normal((1, a.shape[1] * 5)) * 5.0  # 1000 Hz EMG, same 400 s
    rec = Recording.from_array([emg[0], *a], [1000.0, SF, SF, SF], ["EMG R FDI", "ACC R x", "ACC R y", "ACC R z"],
                               ["emg", "acc", "acc", "acc"])
    spans = spy_reads(monkeypatch, rec, types=("acc",))
    res = detect_jerks(rec, chunk_duration=chunk)
    if chunk is not None:  # never the whole 400 s sensor at once
        assert max(spans) <= int((chunk + 2 * 10.0) * SF) + 1
    acc_ev = res.events.select("acc_jerk")
    expect = [t for t in JERKS if t < 399.9]
    assert len(acc_ev) == len(expect)
    assert np.max(np.abs(np.sort(acc_ev.onset) - np.array(expect))) < 0.05
    assert res.acc_thresholds["ACC R"]["noise_floor"] > 0
