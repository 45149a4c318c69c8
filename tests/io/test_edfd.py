"""EDF+D (discontinuous) recordings: read as segments on a real time axis, detected per segment."""
from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

import myoclonus
from myoclonus import MyoclonusInputError, read_recording
from myoclonus.cli import main
from myoclonus.scoring import score_events
from myoclonus.io.edf import write_edf
from myoclonus.segments import detect_jerks_by_segment

from _edfd import write_edfd

# 1-s records: 0-20 s, a 30-s gap, 50-70 s, a 5-s gap, one record at 75-76 s
ONSETS = [float(k) for k in range(20)] + [50.0 + k for k in range(20)] + [75.0]


@pytest.fixture(scope="module")
def edfd(tmp_path_factory):
    """40 s of simulated cortical myoclonus (2048 Hz EMG) written as EDF+D with the records of ONSETS;
    the truth's jerk onsets moved to the real time axis."""
    sim = myoclonus.simulate("cortical", duration=41, seed=3)
    rec = sim.recording.pick("emg")
    names = rec.ch_names
    sf = rec.channels[0].sfreq
    data = rec.get_data(names)[:, : int(41 * sf)]
    path = write_edfd(tmp_path_factory.mktemp("edfd") / "d.edf", list(data), sf, names, ONSETS,
                      annotations=[(55.0, "lights off")])
    truth = sim.truth.select("jerk", channel=names)
    record = np.floor(truth.onset).astype(int)
    real = truth.onset - record + np.asarray(ONSETS)[np.minimum(record, len(ONSETS) - 1)]
    return path, myoclonus.Events(real, truth.duration, "jerk", truth.channel), data, sf


def test_segments_and_gaps(edfd):
    path, _, data, sf = edfd
    rec = read_recording(path)
    assert rec.discontinuous and rec.source["format"] == "EDF+D"
    assert rec.segments == [(0.0, 20.0), (50.0, 20.0), (75.0, 1.0)]
    assert rec.recorded_duration == 41.0 and rec.duration == 76.0
    # the gap is kept as time (zeros), never stitched: 50 s on the axis is the file's 20 s
    x = rec.get_data([0], tmin=19.0, tmax=51.0)[0]
    np.testing.assert_allclose(x[: int(sf)], data[0, int(19 * sf): int(20 * sf)], atol=0.02)
    assert np.all(x[int(sf): int(31 * sf)] == 0)
    np.testing.assert_allclose(x[int(31 * sf):], data[0, int(20 * sf): int(21 * sf)], atol=0.02)
    # a segment is a recording of its own, lazily; its annotations shifted to its start
    seg = rec.segment(1)
    assert not seg.discontinuous and seg.duration == 20.0 and seg.source["segment"] == 2
    np.testing.assert_allclose(seg.get_data([0])[0], data[0, int(20 * sf): int(40 * sf)], atol=0.02)
    assert list(seg.annotations.onset) == [5.0] and list(rec.annotations.onset) == [55.0]
    assert (seg.meas_date - rec.meas_date).total_seconds() == 50.0
    d = rec.describe()
    assert d["discontinuous"] and d["recorded_duration_s"] == 41.0 and len(d["segments"]) == 3
    assert "3 segments" in repr(rec)


def test_detection_per_segment_on_real_time(edfd, tmp_path):
    path, truth, data, sf = edfd
    rec_cont = read_recording(write_edf(tmp_path / "c.edf", list(data), [sf] * len(data),
                                                      read_recording(path).ch_names, physical_dims=["uV"] * len(data)))
    seconds = np.concatenate([np.arange(20) + 0.0, np.arange(20) + 20.0, [40.0]])
    record = np.searchsorted(np.asarray(ONSETS), truth.onset, side="right") - 1
    truth_cont = myoclonus.Events(truth.onset - np.asarray(ONSETS)[record] + seconds[record], truth.duration, "jerk",
                                  truth.channel)
    rec = read_recording(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = detect_jerks_by_segment(rec)
    jerks = res.events.select("jerk")
    assert len(jerks) > 20
    # no event in the gaps, every event inside a segment
    inside = np.zeros(len(res.events), bool)
    for a, d in rec.segments:
        inside |= (res.events.onset >= a) & (res.events.offset <= a + d)
    assert inside.all()
    # as good as detection on the same EMG written continuously (same truth, times moved)
    sc = score_events(truth, jerks)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cont = score_events(truth_cont, myoclonus.detect_jerks(rec_cont).events.select("jerk"))
    assert sc["n_matched"] >= cont["n_matched"] - 2 and sc["n_matched"] >= 20, (sc, cont)
    assert sc["onset_error_ms_median"] < 3.0, sc
    assert res.warnings[0].startswith("Discontinuous recording: 3 segments")
    assert set(res.thresholds[rec.ch_names[0]]) >= {"segments", "noise_floor_uv"}
    assert [s["segment"] for s in res.thresholds[rec.ch_names[0]]["segments"]] == [1, 2, 3]


def test_cli_detect_and_analyze_note(edfd, tmp_path, capsys):
    path, truth, _, _ = edfd
    tsv = tmp_path / "ev.tsv"
    assert main(["-q", "detect", str(path), "--out", str(tsv)]) == 0
    ev = myoclonus.Events.from_tsv(tsv).select("jerk")
    assert ev.onset.max() > 50.0 and not np.any((ev.onset > 20.0) & (ev.onset < 50.0))
    assert main(["-q", "info", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Segments:   3 (discontinuous: 41.000 s recorded" in out and "50.000 s" in out
    out_dir = tmp_path / "res"
    assert main(["-q", "analyze", str(path), "--out", str(out_dir)]) == 0
    summary = json.loads((out_dir / "summary.json").read_text())
    assert summary["recording"]["discontinuous"] is True
    assert summary["warnings"][0].startswith("Discontinuous recording: 3 segments")
    # rates count the 41 s recorded, not the 76 s span
    n = summary["counts"]["jerk"]
    assert summary["rate_per_min"]["jerk"] == pytest.approx(n / (41.0 / 60.0))
    assert "Discontinuous recording: 3 segments" in (out_dir / "report.html").read_text()


def test_overlapping_records_refused(tmp_path):
    x = np.zeros(3 * 100)
    path = write_edfd(tmp_path / "overlap.edf", [x], 100, ["EMG"], [0.0, 1.0, 1.5])
    assert main(["info", str(path)]) == 3
    with pytest.raises(MyoclonusInputError, match=r"overlap\.edf.*record 3 starts at \+1\.5 s.*overlap"):
        read_recording(path)


def test_short_segments_left_out(tmp_path, monkeypatch):
    from myoclonus import segments

    x = np.random.default_rng(0).normal(0, 5, 5 * 1000)
    path = write_edfd(tmp_path / "short.edf", [x], 1000, ["EMG R Deltoid"], [0.0, 1.0, 5.0, 9.0, 10.0])
    rec = read_recording(path, check=False)
    assert rec.segments == [(0.0, 2.0), (5.0, 1.0), (9.0, 2.0)]
    monkeypatch.setattr(segments, "MIN_DETECT_DURATION", 1.5)
    with pytest.warns(UserWarning, match=r"Segment\(s\) 2 last\(s\) under 1.5 s"):
        res = detect_jerks_by_segment(rec)
    assert [s["segment"] for s in res.thresholds["EMG R Deltoid"]["segments"]] == [1, 3]
    monkeypatch.setattr(segments, "MIN_DETECT_DURATION", 2.5)
    with pytest.raises(MyoclonusInputError, match=r"short\.edf.*None of the 3 segments .* lasts 2.5 s"):
        detect_jerks_by_segment(rec)
