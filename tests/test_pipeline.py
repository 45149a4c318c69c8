"""pipeline.analyze records where the recording was (absolute path, path relative to the output
folder, content hash) and the review the events come from."""
from __future__ import annotations

import hashlib
import json
import os

import pytest

from myoclonus.cli import main
from myoclonus.io import write_recording
from myoclonus.pipeline import analyze, file_sha256, recording_location
from myoclonus.simulate import simulate


@pytest.fixture(scope="module")
def rec_file(tmp_path_factory):
    d = tmp_path_factory.mktemp("data")
    return write_recording(simulate("cortical", duration=20, seed=4).recording.pick("emg"), d / "rec.edf")


def test_cli_analyze_records_location(rec_file, tmp_path):
    out = tmp_path / "elsewhere" / "results"
    assert main(["-q", "analyze", str(rec_file), "--out", str(out)]) == 0
    loc = json.loads((out / "summary.json").read_text())["recording"]["location"]
    assert loc["path"] == str(rec_file.resolve())
    assert loc["relative_path"] == os.path.relpath(rec_file.resolve(), out.resolve())
    assert (out / loc["relative_path"]).resolve() == rec_file.resolve()
    assert loc["sha256"] == hashlib.sha256(rec_file.read_bytes()).hexdigest() == file_sha256(rec_file)
    assert loc["size_bytes"] == rec_file.stat().st_size


def test_location_only_with_a_file_and_an_output(rec_file, tmp_path):
    from myoclonus.io import read_recording

    rec = read_recording(rec_file, check=False)
    # a Recording without its path: nothing to record
    r = analyze(rec, out=tmp_path / "a", report=False, physiology=False)
    assert "location" not in r.summary["recording"]
    r = analyze(rec, out=tmp_path / "b", report=False, physiology=False, recording_path=rec_file)
    assert r.summary["recording"]["location"]["path"] == str(rec_file.resolve())
    # no output folder: nothing is written, no path either
    assert "location" not in analyze(rec_file, report=False, physiology=False).summary["recording"]
    assert recording_location(rec_file)["relative_path"] is None


def test_review_block_is_kept(rec_file, tmp_path):
    review = {"review": "main", "signed_by": "Dr Ada", "counts": {"detections": 3, "accepted": 2, "rejected": 1,
                                                                 "undecided": 0, "added": 0}}
    r = analyze(rec_file, out=tmp_path, report=True, physiology=False, review=review)
    assert json.loads((tmp_path / "summary.json").read_text())["review"] == review
    html = (tmp_path / "report.html").read_text()
    assert "signed by Dr Ada" in html and "Of 3 detections, 2 were accepted and 1 rejected; 0 events" in html
    assert r.summary["review"]["signed_by"] == "Dr Ada"
