"""Streaming (chunked) detection gives the whole-array result, to the sample, with flat memory."""
from __future__ import annotations

import tracemalloc
import warnings

import numpy as np
import pytest

import myoclonus
from myoclonus.detect import detect_jerks, stream
from myoclonus.io import Recording, read_recording, write_recording

from _detect_synth import carrier

SF = 2048.0
MEASURES = ["peak_amplitude_uv", "rms_uv", "area_uvs", "snr_db", "confidence"]


@pytest.fixture(autouse=True)
def _short_statistics_sample(monkeypatch):
    """Channels longer than 30 s are chunked, with channel statistics from 3 x 10 s segments."""
    monkeypatch.setattr(stream, "STATS_SECONDS", 30.0)
    monkeypatch.setattr(stream, "STATS_SEGMENT", 10.0)


def _frames(data, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        whole = detect_jerks(data, chunk_duration=None, **kw).events.to_dataframe()
        chunked = detect_jerks(data, chunk_duration=20.0, **kw).events.to_dataframe()
    return whole.reset_index(drop=True), chunked.reset_index(drop=True)


def _assert_same(whole, chunked):
    assert len(whole) == len(chunked)
    for col in ("onset", "duration", "trial_type", "channel", "reason"):
        assert whole[col].tolist() == chunked[col].tolist(), col  # to the sample (same float seconds)
    for col in MEASURES:
        np.testing.assert_allclose(chunked[col], whole[col], rtol=1e-7, atol=1e-9, err_msg=col)


def _border_signal():
    """Two channels, 150 s: jerks straddling the 20 s chunk borders, a 25 s clipped and a 15 s flat stretch."""
    n = int(150 * SF)
    rng = np.random.default_rng(0)
    x = np.vstack([carrier(rng, n, SF), carrier(rng, n, SF)]) * 5.0
    onsets = list(np.arange(1.0, 148, 3.3)) + [19.99, 39.995, 59.98, 99.99]
    burst = carrier(rng, n, SF)
    for t in onsets:
        i, m = int(t * SF), int(0.03 * SF)
        x[:, i:i + m] += burst[i:i + m] * 40
    i0, i1 = int(75 * SF), int(100 * SF)
    x[1, i0:i1] *= 50
    x[1] = np.clip(x[1], -400, 400)
    x[1, int(110 * SF):int(125 * SF)] = 3.0
    return x, onsets


def test_chunked_equals_whole_on_border_cases():
    x, onsets = _border_signal()
    whole, chunked = _frames(x, sfreq=SF)
    _assert_same(whole, chunked)
    jerks = whole[(whole.trial_type == "jerk") & (whole.channel == whole.channel.iloc[0])]
    # the jerks that straddle a chunk border (19.99, 39.995, 59.98 s) are found once each
    for t in (19.99, 39.995, 59.98):
        assert np.sum(np.abs(jerks.onset - t) < 0.01) == 1, t
    # events longer than the 10 s overlap that cross a chunk border (cores of 200 x 205 samples)
    # were joined: a clipped stretch across the 4th border, the flat stretch (110-125 s) across the 6th
    border = 200 * 205 / SF
    art = whole[(whole.trial_type == "artifact")]
    sat = art[(art.reason == "saturation") & (art.onset < 4 * border) & (art.onset + art.duration > 4 * border)]
    assert len(sat) == 1 and sat.duration.iloc[0] > stream.PAD + 1
    flat = art[art.reason == "flat"]
    assert len(flat) == 1 and abs(flat.onset.iloc[0] - 110.0) < 1e-3 and abs(flat.duration.iloc[0] - 15.0) < 1e-3
    assert flat.onset.iloc[0] < 6 * border < flat.onset.iloc[0] + flat.duration.iloc[0]


@pytest.mark.parametrize("profile, kind", [("subcortical", "jerk"), ("negative", "silent_period")])
def test_chunked_equals_whole_on_simulated_profiles(profile, kind):
    rec = myoclonus.simulate(profile, duration=90, seed=5).recording
    whole, chunked = _frames(rec)
    assert (whole.trial_type == kind).sum() > 10
    _assert_same(whole, chunked)


def test_statistics_sample_of_long_channels(monkeypatch):
    """Channels longer than the statistics sample: whole-array and chunked use the same sample."""
    monkeypatch.setattr(stream, "STATS_SECONDS", 40.0)
    assert stream.stats_segments(int(120 * SF), SF) == [(0, 20480), (75093, 95573), (150187, 170667), (225280, 245760)]
    assert stream.stats_segments(int(40 * SF), SF) == [(0, int(40 * SF))]
    rec = myoclonus.simulate("cortical_subcortical", duration=120, seed=2).recording
    whole, chunked = _frames(rec)
    assert (whole.trial_type == "jerk").sum() > 20
    _assert_same(whole, chunked)


def test_threads_give_the_same_result():
    x, _ = _border_signal()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        one = detect_jerks(x, sfreq=SF, chunk_duration=20.0).events.to_dataframe()
        two = detect_jerks(x, sfreq=SF, chunk_duration=20.0, n_jobs=2).events.to_dataframe()
    assert one.equals(two)


def test_plan_chunks_tiles_the_channel():
    n = int(95.3 * SF)
    plan = stream.plan_chunks(n, SF, 20.0, align=205)
    assert plan[0][0] == 0 and plan[0][1] == 0 and plan[-1][2] == n and plan[-1][3] == n
    for (lo, c0, c1, hi), nxt in zip(plan, plan[1:] + [None]):
        assert lo % 205 == 0 and c0 % 205 == 0 and lo <= c0 < c1 <= hi
        assert c0 - lo == min(c0, 20500) and hi - c1 == min(n - c1, 20500)  # 10 s pad, rounded up to 205
        if nxt is not None:
            assert nxt[1] == c1
    assert stream.plan_chunks(n, SF, None) == [(0, 0, n, n)]
    assert stream.plan_chunks(n, SF, 200.0) == [(0, 0, n, n)]


def _peak_traced(path, chunk):
    rec = read_recording(path, check=False)
    tracemalloc.start()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = detect_jerks(rec, chunk_duration=chunk, silent_periods=False)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak, res


def test_memory_does_not_grow_with_length(tmp_path, monkeypatch):
    """Peak memory of chunked detection is that of a chunk, whatever the length (tracemalloc)."""
    monkeypatch.setattr(stream, "STATS_SECONDS", 60.0)
    monkeypatch.setattr(stream, "STATS_SEGMENT", 20.0)
    rng = np.random.default_rng(1)
    peaks = {}
    for minutes in (4, 12):
        n = int(minutes * 60 * 1000)
        x = rng.standard_normal((1, n)) * 10.0
        rec = Recording.from_array(x, 1000.0, ["EMG R FDI"], ["emg"])
        path = tmp_path / f"rec_{minutes}.edf"
        write_recording(rec, path)
        peaks[minutes], _ = _peak_traced(path, 30.0)
    # 3x longer recording, same chunk and statistics sample: peak within 25%
    assert peaks[12] < 1.25 * peaks[4], peaks
    # while whole-array detection of the long one needs more than twice as much
    whole, _ = _peak_traced(tmp_path / "rec_12.edf", None)
    assert whole > 2 * peaks[12], (whole, peaks)
