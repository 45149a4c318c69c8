"""Finding the recording of an analysis folder: where summary.json says it was, beside it, or by
content hash among --recording files; a bad input is reported and the others are served."""
from __future__ import annotations

import json
import shutil

import pytest

from myoclonus._validate import MyoclonusInputError
from myoclonus.cli import main
from myoclonus.io import write_recording
from myoclonus.review import store
from myoclonus.simulate import simulate


@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    """``data/rec.edf`` analysed with the CLI into the separate folder ``out/results``."""
    d = tmp_path_factory.mktemp("study")
    rec = write_recording(simulate("cortical", duration=20, seed=5).recording.pick(["emg", "acc"]),
                          d / "data" / "rec.edf")
    assert main(["-q", "analyze", str(rec), "--out", str(d / "out" / "results")]) == 0
    return d


@pytest.fixture
def study(analysed, tmp_path):
    """A private copy of the study, its summary.json pointing at the copy's recording."""
    shutil.copytree(analysed, tmp_path / "study")
    _point_elsewhere(tmp_path / "study" / "out" / "results", str(tmp_path / "study" / "data" / "rec.edf"))
    return tmp_path / "study"


def test_found_where_summary_says(study):
    res = study / "out" / "results"
    loc = json.loads((res / "summary.json").read_text())["recording"]["location"]
    assert loc["relative_path"] == "../../data/rec.edf"
    rec, ev, summary, sha = store.locate_recording(res)
    assert rec == (study / "data" / "rec.edf").resolve() and ev == res / "events.tsv" and sha == loc["sha256"]
    # results and recording moved together: found through the relative path
    shutil.move(study, study.parent / "moved_study")
    moved = study.parent / "moved_study"
    loc["path"] = "/nowhere/rec.edf"
    s = json.loads((moved / "out" / "results" / "summary.json").read_text())
    s["recording"]["location"] = loc
    (moved / "out" / "results" / "summary.json").write_text(json.dumps(s))
    rec, *_ = store.locate_recording(moved / "out" / "results")
    assert rec == (moved / "data" / "rec.edf").resolve()


def _point_elsewhere(res, where="/nowhere/rec.edf"):
    s = json.loads((res / "summary.json").read_text())
    s["recording"]["location"]["path"] = where
    (res / "summary.json").write_text(json.dumps(s))
    return s["recording"]["location"]["sha256"]


def test_moved_recording_needs_recording_option(study, tmp_path):
    res = study / "out" / "results"
    _point_elsewhere(res)
    new = tmp_path / "archive" / "renamed.edf"
    new.parent.mkdir()
    shutil.move(study / "data" / "rec.edf", new)
    with pytest.raises(MyoclonusInputError) as e:
        store.locate_recording(res)
    msg = str(e.value)
    assert "--recording" in msg and "/nowhere/rec.edf" in msg and str(res) in msg and "sha256" in msg
    # a --recording file with other content is not taken
    other = write_recording(simulate("cortical", duration=10, seed=9).recording.pick("emg"), tmp_path / "rec.edf")
    with pytest.raises(MyoclonusInputError, match="no --recording file matches it"):
        store.locate_recording(res, candidates=[other])
    rec, ev, _, _ = store.locate_recording(res, candidates=[other, new])  # recognised by its content
    assert rec == new.resolve() and ev == res / "events.tsv"


def test_other_content_at_the_old_place_is_refused(study, tmp_path):
    res = study / "out" / "results"
    write_recording(simulate("cortical", duration=10, seed=9).recording.pick("emg"), study / "data" / "rec.edf",
                    overwrite=True)
    _point_elsewhere(res, str(study / "data" / "rec.edf"))
    with pytest.raises(MyoclonusInputError, match="has other content"):
        store.locate_recording(res)


def test_moved_file_keeps_its_reviews(study, tmp_path):
    from myoclonus.review import db as _db

    res = study / "out" / "results"
    engine = _db.make_engine(f"sqlite:///{tmp_path / 'r.db'}")
    _db.migrate(engine)
    rid = store.register(engine, res)
    rv = store.open_review(engine, rid, "main", "alice")
    _point_elsewhere(res)
    new = tmp_path / "renamed.edf"
    shutil.move(study / "data" / "rec.edf", new)
    assert store.register(engine, res, candidates=[new]) == rid  # same recording, its review kept
    row = store.get_recording_row(engine, rid)
    assert row["path"] == str(new.resolve()) and row["name"] == "renamed.edf"
    assert store.get_review(engine, rv)["name"] == "main"
    # a registered path whose content changed is refused
    write_recording(simulate("cortical", duration=10, seed=9).recording.pick("emg"), new, overwrite=True)
    with pytest.raises(MyoclonusInputError, match="changed since it was registered"):
        store.register(engine, new)


def test_one_bad_input_does_not_stop_the_others(study, tmp_path):
    from fastapi.testclient import TestClient

    from myoclonus.review import create_app

    bad = tmp_path / "empty_results"
    bad.mkdir()
    (bad / "summary.json").write_text("{not json")
    app = create_app(db_url=str(tmp_path / "m.db"), recordings=[bad, tmp_path / "missing", study / "out" / "results"])
    c = TestClient(app, base_url="http://127.0.0.1")
    recs = c.get("/api/recordings").json()
    assert [r["name"] for r in recs] == ["rec.edf"] and recs[0]["n_detections"] > 0
    probs = c.get("/api/problems").json()
    assert [p["input"] for p in probs] == [str(bad), str(tmp_path / "missing")]
    assert "not readable JSON" in probs[0]["error"] and "neither a recording file" in probs[1]["error"]


def test_cli_exits_3_when_nothing_can_be_registered(tmp_path, capsys):
    assert main(["review", str(tmp_path / "nope"), str(tmp_path / "nope2"), "--db", str(tmp_path / "x.db")]) == 3
    err = capsys.readouterr().err
    assert err.count("neither a recording file nor an analysis folder") == 2
    assert "None of the 2 input(s)" in err
