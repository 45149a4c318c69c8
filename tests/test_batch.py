"""Cohort runs on a Dask LocalCluster: a corrupt file is reported, resume skips, results match analyze."""
from __future__ import annotations

import pandas as pd
import pytest

pytest.importorskip("distributed")
pytestmark = pytest.mark.slow  # a Dask LocalCluster (pyproject: markers)

from myoclonus.batch import _out_dir, run_batch  # noqa: E402
from myoclonus.io import write_recording  # noqa: E402
from myoclonus.pipeline import analyze  # noqa: E402
from myoclonus.simulate import simulate  # noqa: E402


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    d = tmp_path_factory.mktemp("cohort")
    files = []
    for seed in (1, 2):
        sim = simulate("cortical", duration=20.0, seed=seed)
        files.append(write_recording(sim.recording.pick("emg"), d / f"rec{seed}.edf"))
    bad = d / "broken.edf"
    bad.write_bytes(b"0       " + b"garbage" * 20)
    files.append(bad)
    return d, files


def test_batch_reports_failure_and_matches_analyze(cohort, tmp_path):
    d, files = cohort
    out = tmp_path / "out"
    table = run_batch(files, out, workers=2, progress=False)
    assert list(table["recording"]) == [str(f) for f in files]
    assert list(table["status"]) == ["ok", "ok", "failed"]
    assert "broken.edf" in table.loc[2, "error"]
    assert (out / "cohort.csv").exists() and (out / "cohort.parquet").exists()
    assert pd.read_parquet(out / "cohort.parquet")["status"].tolist() == ["ok", "ok", "failed"]
    # identical to running analyze on the file directly
    ref = analyze(files[0], out=tmp_path / "ref", report=False)
    got = pd.read_csv(_out_dir(out, files[0]) / "events.tsv", sep="\t")
    exp = pd.read_csv(tmp_path / "ref" / "events.tsv", sep="\t")
    pd.testing.assert_frame_equal(got, exp)
    assert table.loc[0, "jerks"] == ref.summary["counts"]["jerk"]

    # resume: finished recordings are skipped, the broken one is tried again
    again = run_batch(files, out, workers=1, progress=False)
    assert list(again["status"]) == ["skipped (up to date)", "skipped (up to date)", "failed"]
    assert again.loc[1, "jerks"] == table.loc[1, "jerks"]


def test_huge_recordings_run_as_chunk_tasks_with_the_same_result(tmp_path):
    """Above ``split_above`` channel-hours a recording is detected as chunk-level tasks: same events."""
    sim = simulate("subcortical", duration=330.0, seed=4)
    emg = sim.recording.pick("emg")
    path = write_recording(emg.pick(emg.ch_names[:2]), tmp_path / "long.edf")
    from myoclonus.batch import _split_plan

    plan = _split_plan(str(path), False, tmp_path / "x", {}, 0.0)
    assert plan is not None and len(plan) == 2 and all(len(chunks) == 2 for _, chunks in plan)
    assert _split_plan(str(path), False, tmp_path / "x", {}, 1.0) is None  # 0.18 channel-hours: one task
    table = run_batch([path], tmp_path / "split", workers=2, progress=False, split_above=0.0,
                      analyze_kwargs={"report": False})
    assert table.loc[0, "status"] == "ok", table.loc[0, "error"]
    ref = analyze(path, out=tmp_path / "ref", report=False)
    got = pd.read_csv(_out_dir(tmp_path / "split", path) / "events.tsv", sep="\t")
    exp = pd.read_csv(tmp_path / "ref" / "events.tsv", sep="\t")
    assert (exp["trial_type"] == "jerk").sum() > 50
    pd.testing.assert_frame_equal(got, exp)
    assert table.loc[0, "jerks"] == ref.summary["counts"]["jerk"]
