"""The Events container and its writers."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from myoclonus import Events, MyoclonusUsageError, Recording, read_events, write_events


def _events():
    return Events(
        [2.0, 0.5, 1.0],
        [0.03, 0.02, 0.8],
        ["jerk", "jerk", "sustained"],
        ["EMG R FDI", "EMG L FDI", "EMG R FDI"],
        peak_amplitude_uv=[50.0, 40.0, 80.0],
        reason=["", "", ""],
    )


def test_sorted_and_columns():
    ev = _events()
    np.testing.assert_array_equal(ev.onset, [0.5, 1.0, 2.0])
    np.testing.assert_array_equal(ev.measures["peak_amplitude_uv"], [40.0, 80.0, 50.0])
    df = ev.to_dataframe()
    assert list(df.columns)[:4] == ["onset", "duration", "trial_type", "channel"]
    assert list(df.trial_type) == ["jerk", "sustained", "jerk"]
    np.testing.assert_allclose(ev.offset, [0.52, 1.8, 2.03])
    assert ev.counts() == {"jerk": 2, "sustained": 1}
    assert ev.counts(by="channel") == {"EMG L FDI": {"jerk": 1}, "EMG R FDI": {"sustained": 1, "jerk": 1}}


def test_empty_is_valid():
    ev = Events()
    assert len(ev) == 0 and list(ev.to_dataframe().columns) == ["onset", "duration", "trial_type", "channel"]
    assert len(Events.concatenate([])) == 0


def test_select_and_concatenate():
    ev = _events()
    assert len(ev.select("jerk")) == 2
    assert len(ev.select(channel="EMG R FDI", tmin=1.5)) == 1
    other = Events([0.1], [0.01], "silent_period", "EMG R FDI", tonic_level_uv=[20.0])
    both = Events.concatenate([ev, other])
    assert len(both) == 4 and both.kind[0] == "silent_period"
    assert np.isnan(both.measures["peak_amplitude_uv"][0]) and both.measures["tonic_level_uv"][0] == 20.0


def test_validation_messages():
    with pytest.raises(MyoclonusUsageError, match="2 durations for 3 onsets"):
        Events([1, 2, 3], [0.1, 0.2])
    with pytest.raises(MyoclonusUsageError, match=">= 0"):
        Events([1], [-0.1])
    with pytest.raises(MyoclonusUsageError, match="reserved"):
        Events([1], [0.1], trial_type=["jerk"])


def test_tsv_roundtrip_and_sidecar(tmp_path):
    ev = _events()
    p = ev.to_tsv(tmp_path / "events.tsv")
    text = p.read_text().splitlines()
    assert text[0].split("\t")[:4] == ["onset", "duration", "trial_type", "channel"]
    side = json.loads((tmp_path / "events.json").read_text())
    assert side["onset"]["Units"] == "s" and side["peak_amplitude_uv"]["Units"] == "uV"
    assert set(side["trial_type"]["Levels"]) == {"jerk", "sustained", "silent_period", "acc_jerk", "artifact"}
    back = Events.from_tsv(p)
    assert back == ev
    np.testing.assert_allclose(back.measures["peak_amplitude_uv"], ev.measures["peak_amplitude_uv"])


def test_csv_json_writers(tmp_path):
    ev = _events()
    write_events(ev, tmp_path / "e.csv")
    assert pd.read_csv(tmp_path / "e.csv").shape == (3, 6)
    write_events(ev, tmp_path / "e.json")
    doc = json.loads((tmp_path / "e.json").read_text())
    assert len(doc["events"]) == 3 and doc["events"][0]["onset"] == 0.5
    assert read_events(tmp_path / "e.json") == ev
    with pytest.raises(MyoclonusUsageError, match="Allowed values are"):
        write_events(ev, tmp_path / "e.xlsx")


def test_to_mne_and_edf_roundtrip(tmp_path):
    import mne

    rng = np.random.default_rng(0)
    rec = Recording.from_array(rng.normal(0, 5, (2, 3 * 1000)), 1000.0, ["EMG R FDI", "EMG L FDI"])
    ev = _events()
    ann = ev.to_mne()
    assert list(ann.description) == ["jerk", "sustained", "jerk"] and ann.ch_names[0] == ("EMG L FDI",)
    raw = ev.to_mne(rec.to_mne())
    assert len(raw.annotations) == 3
    out = write_events(ev, tmp_path / "with_events.edf", recording=rec)
    back = mne.io.read_raw_edf(out, verbose="error")
    np.testing.assert_allclose(back.annotations.onset, ev.onset, atol=1e-3)
    assert list(back.annotations.description) == ["jerk", "sustained", "jerk"]
    assert back.annotations.ch_names[1] == ("EMG R FDI",)


def test_writers_never_replace_a_file_silently(tmp_path):
    """write_events, write_recording and SimulationResult.save refuse an existing file unless overwrite=True."""
    import pytest

    from myoclonus import MyoclonusUsageError, read_recording, write_events, write_recording
    from myoclonus.simulate import simulate

    sim = simulate("cortical", duration=10, seed=1)
    rec = sim.recording.pick("emg")
    edf = write_recording(rec, tmp_path / "rec.edf")
    size = edf.stat().st_size
    with pytest.raises(MyoclonusUsageError, match="exists; pass overwrite=True"):
        write_recording(rec.pick(rec.ch_names[:1]), edf)
    assert edf.stat().st_size == size  # untouched
    assert write_recording(rec.pick(rec.ch_names[:1]), edf, overwrite=True).stat().st_size < size
    tsv = write_events(sim.truth, tmp_path / "ev.tsv")
    with pytest.raises(MyoclonusUsageError, match="ev.tsv' exists"):
        write_events(sim.truth[:1], tsv)
    assert len(Events.from_tsv(tsv)) == len(sim.truth)
    write_events(sim.truth[:1], tsv, overwrite=True)
    assert len(Events.from_tsv(tsv)) == 1
    with pytest.raises(MyoclonusUsageError, match="exists"):
        sim.truth.save(tsv)
    sim.save(tmp_path / "sim.edf")
    with pytest.raises(MyoclonusUsageError, match="sim_truth.tsv' exists"):
        (tmp_path / "sim.edf").unlink()
        sim.save(tmp_path / "sim.edf")
    assert not (tmp_path / "sim.edf").exists()  # refused before writing anything
    sim.save(tmp_path / "sim.edf", overwrite=True)
    assert read_recording(tmp_path / "sim.edf").n_channels == sim.recording.n_channels
