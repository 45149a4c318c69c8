"""Sign-off rules, the citation of a review in its export and re-run, and the audit trail's
authors (detector vs reviewers, before/after), on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest


@pytest.fixture
def client(client):
    """The shared client (conftest) acting as 'dr_newcomer', who opens the reviews."""
    client.headers["X-Reviewer"] = "dr_newcomer"
    return client


def _review(c, name="main"):
    rv = c.post("/api/recordings/1/reviews", json={"name": name}).json()["id"]
    return rv, c.get(f"/api/reviews/{rv}/events").json()["events"]


def _decide(c, rv, evs, status="accepted", who="dr_newcomer"):
    for e in evs:
        r = c.patch(f"/api/reviews/{rv}/events/{e['id']}", json={"version": e["version"], "status": status},
                    headers={"X-Reviewer": who})
        assert r.status_code == 200, r.text


def test_signing_needs_every_detection_decided_or_a_reason(client):
    rv, evs = _review(client)
    n = len(evs)
    _decide(client, rv, evs[:2])
    _decide(client, rv, evs[2:3], "rejected")
    r = client.post(f"/api/reviews/{rv}/sign")
    assert r.status_code == 409 and r.json()["undecided"] == n - 3 and f"{n - 3} detection(s) are undecided" in r.text
    # acknowledging a stale count is refused (someone decided one meanwhile)
    r = client.post(f"/api/reviews/{rv}/sign", json={"undecided": n - 2, "reason": "ok"})
    assert r.status_code == 409 and r.json()["undecided"] == n - 3
    r = client.post(f"/api/reviews/{rv}/sign", json={"undecided": n - 3, "reason": "  "})
    assert r.status_code == 422 and r.json()["field"] == "reason"
    assert client.get(f"/api/reviews/{rv}").json()["status"] != "signed"
    r = client.post(f"/api/reviews/{rv}/sign", json={"undecided": n - 3, "reason": "EMG of the left arm unreadable"})
    assert r.status_code == 200
    s = r.json()
    assert s["status"] == "signed" and s["signed_by"] == "dr_newcomer"
    assert s["n_undecided_at_signing"] == n - 3 and s["undecided_reason"] == "EMG of the left arm unreadable"
    assert s["counts"] == {"detections": n, "accepted": 2, "rejected": 1, "undecided": n - 3, "added": 0,
                           "total": n, "unreviewed": n - 3}
    # immutable: edits, signing again and display changes are refused
    e = client.get(f"/api/reviews/{rv}/events").json()["events"][5]
    assert client.patch(f"/api/reviews/{rv}/events/{e['id']}", json={"version": e["version"], "status": "accepted"}
                        ).status_code == 423
    assert client.post(f"/api/reviews/{rv}/sign").status_code == 423
    assert client.put(f"/api/reviews/{rv}/display", json={"time_base": 5}).status_code == 423
    # the recordings list shows the undecided count and the reason
    main = [v for v in client.get("/api/recordings").json()[0]["reviews"] if v["name"] == "main"][0]
    assert main["n_undecided_at_signing"] == n - 3 and main["undecided_reason"].startswith("EMG of the left")


def test_signing_with_everything_decided(client):
    rv, evs = _review(client)
    _decide(client, rv, evs[: len(evs) // 2])
    _decide(client, rv, evs[len(evs) // 2:], "rejected")
    added = client.post(f"/api/reviews/{rv}/events", json={"onset": 12.5, "duration": 0.04, "channel": "EMG R FDI"})
    assert added.status_code == 200
    r = client.post(f"/api/reviews/{rv}/sign")
    assert r.status_code == 200
    s = r.json()
    assert s["n_undecided_at_signing"] == 0 and s["undecided_reason"] is None
    assert s["counts"]["accepted"] == len(evs) // 2 and s["counts"]["rejected"] == len(evs) - len(evs) // 2
    assert s["counts"]["added"] == 1 and s["counts"]["undecided"] == 0


def test_export_and_rerun_cite_the_review(client, db_url, tmp_path):
    rv, evs = _review(client)
    jerks = [e for e in evs if e["kind"] == "jerk"]
    _decide(client, rv, jerks[:3])
    _decide(client, rv, jerks[3:4], "rejected", who="dr_second")
    client.post(f"/api/reviews/{rv}/events", json={"onset": 12.5, "duration": 0.04, "channel": "EMG R FDI"})
    n_und = len(evs) - 4
    client.post(f"/api/reviews/{rv}/sign", json={"undecided": n_und, "reason": "trial run"})
    side = client.get(f"/api/reviews/{rv}/export.json").json()
    cite = side["Review"]
    assert cite["signed_by"] == "dr_newcomer" and cite["signed_at"] and cite["undecided_reason"] == "trial run"
    assert cite["counts"] == {"detections": len(evs), "accepted": 3, "rejected": 1, "undecided": n_und, "added": 1}
    assert cite["reviewers"] == ["dr_newcomer", "dr_second"]
    assert cite["detector"]["name"].startswith("myoclonus.detect_jerks") and cite["detector"]["version"]
    assert side["GeneratedBy"][0]["SignedBy"] == "dr_newcomer"
    assert side["GeneratedBy"][1]["Name"] == cite["detector"]["name"]
    # the EDF+ export carries the same citation as an annotation at 0 s, beside the events
    from myoclonus.io import read_recording

    edf = tmp_path / "export.edf"
    edf.write_bytes(client.get(f"/api/reviews/{rv}/export.edf").content)
    ann = read_recording(edf, check=False).annotations
    notes = [(o, d) for o, d in zip(ann.onset, ann.description) if d.startswith("myoclonus review:")]
    assert len(notes) == 1 and notes[0][0] == 0.0
    assert "signed by dr_newcomer" in notes[0][1] and f"{n_und} events were left undecided" in notes[0][1]
    assert "“trial run”" in notes[0][1] and f"version {cite['detector']['version']}" in notes[0][1]
    assert sum(x.startswith("jerk@@") for x in ann.description) == len(jerks) - 1 + 1
    if "postgresql" in db_url:
        return  # the re-run is independent of the database back-end
    assert client.post(f"/api/reviews/{rv}/rerun").status_code == 200
    summ = client.get(f"/api/reviews/{rv}/summary.json").json()
    assert summ["review"]["counts"] == cite["counts"] and summ["review"]["signed_by"] == "dr_newcomer"
    assert summ["counts"]["jerk"] == len(jerks) - 1 + 1  # one rejected, one added
    html = client.get(f"/api/reviews/{rv}/report.html").text
    assert "signed by dr_newcomer" in html
    assert f"Of {len(evs)} detections, 3 were accepted and 1 rejected; {n_und} events were left undecided" in html
    assert "“trial run”" in html and "dr_newcomer, dr_second" in html


def test_audit_authors_detector_and_reviewers(client):
    rv, evs = _review(client)
    e = evs[0]
    client.patch(f"/api/reviews/{rv}/events/{e['id']}", json={"version": 1, "status": "accepted"},
                 headers={"X-Reviewer": "alice"})
    new_on = round(e["onset"] + 0.004, 6)
    r = client.patch(f"/api/reviews/{rv}/events/{e['id']}", json={"version": 2, "onset": new_on},
                     headers={"X-Reviewer": "bob"})
    assert r.status_code == 200
    au = client.get(f"/api/reviews/{rv}/audit", params={"event_id": e["id"]}).json()
    assert au["review"]["created_by"] == "dr_newcomer"
    det = au["detector"]
    assert det["name"].startswith("myoclonus.detect_jerks") and det["version"] and isinstance(det["parameters"], dict)
    assert det["parameters"]["jerk_max"] == 0.5
    first, second, third = au["entries"]
    assert (first["rev"], first["action"], first["author"]) == (1, "detect", "detector")
    assert first["detector_version"] == det["version"] and first["before"] is None and first["changes"] == {}
    assert (second["action"], second["author"], second["changes"]) == ("accept", "alice", {"status": ["unreviewed",
                                                                                                       "accepted"]})
    assert (third["action"], third["author"]) == ("move", "bob")
    assert third["changes"] == {"onset": [e["onset"], new_on]} and third["before"]["onset"] == e["onset"]
    # every detection of the review starts with the detector's entry, never the reviewer's who opened it
    full = client.get(f"/api/reviews/{rv}/audit").json()["entries"]
    firsts = [x for x in full if x["rev"] == 1]
    assert len(firsts) == len(evs) and {x["author"] for x in firsts} == {"detector"}
    assert all(x["author"] != "dr_newcomer" for x in full)
    # events not changed since show the detector as their last author
    now = {x["id"]: x for x in client.get(f"/api/reviews/{rv}/events").json()["events"]}
    assert now[evs[1]["id"]]["updated_by"] == "detector" and now[e["id"]]["updated_by"] == "bob"


def test_kappa_per_kind_unchanged(client):
    """Agreement between two reviewers (per kind) counts decisions, as before."""
    r1, ev1 = _review(client, "alice")
    r2, _ = _review(client, "bob")
    ev2 = {(e["onset"], e["channel"]): e for e in client.get(f"/api/reviews/{r2}/events").json()["events"]}
    for kind in ("jerk", "acc_jerk"):
        picked = [e for e in ev1 if e["kind"] == kind][:4]
        _decide(client, r1, picked)
        _decide(client, r2, [ev2[(e["onset"], e["channel"])] for e in picked[:2]])
        _decide(client, r2, [ev2[(e["onset"], e["channel"])] for e in picked[2:]], "rejected")
        ag = client.get("/api/recordings/1/agreement", params={"kind": kind}).json()
        row = [r for r in ag["rows"] if r["reference"] == "alice" and r["compared"] == "bob"][0]
        assert (row["n_reference"], row["n_compared"], row["n_matched"]) == (4, 2, 2), kind
        assert row["kappa"] is not None and 0 < row["kappa"] < 1


def test_migration_credits_the_detector(db_url, analysis_dir, tmp_path):
    """A database written by the previous version (revision 1 of detector events recorded as
    'create' by the reviewer who opened the review) is migrated: those entries become the
    detector's; edits keep their authors; the new columns exist."""
    from myoclonus.review import db as _db
    from myoclonus.review import store

    alembic_config = pytest.importorskip("alembic.config")
    alembic_command = pytest.importorskip("alembic.command")
    engine = _db.make_engine(db_url)
    cfg = alembic_config.Config()
    cfg.set_main_option("script_location", str(_db.Path(_db.__file__).parent / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        alembic_command.upgrade(cfg, "0001")
    sa = _db.sa
    t = store.now()
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO recordings (id, path, name, duration_s, n_channels, created_at) "
                             "VALUES (1, '/x/rec.edf', 'rec.edf', 30, 2, :t)"), {"t": t})
        conn.execute(sa.text("INSERT INTO reviews (id, recording_id, name, created_by, created_at, version) "
                             "VALUES (2, 1, 'main', 'dr_newcomer', :t, 0)"), {"t": t})
        conn.execute(sa.text("INSERT INTO events (id, review_id, version, onset, duration, kind, channel, status, origin,"
                             " updated_by, updated_at) VALUES (1, 2, 1, 1.0, 0.05, 'jerk', 'EMG', 'unreviewed', "
                             "'detector', 'dr_newcomer', :t), (2, 2, 2, 2.0, 0.05, 'jerk', 'EMG', 'accepted', "
                             "'detector', 'dr_newcomer', :t)"), {"t": t})
        for eid, rev, action in ((1, 1, "create"), (2, 1, "create"), (2, 2, "accept")):
            conn.execute(sa.text("INSERT INTO event_revisions (event_id, review_id, rev, action, onset, duration, kind, "
                                 "channel, status, author, created_at) VALUES (:e, 2, :r, :a, 1.0, 0.05, 'jerk', 'EMG', "
                                 "'unreviewed', 'dr_newcomer', :t)"), {"e": eid, "r": rev, "a": action, "t": t})
    _db.migrate(engine)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT event_id, rev, action, author FROM event_revisions ORDER BY event_id, rev")
                            ).all()
        upd = dict(conn.execute(sa.text("SELECT id, updated_by FROM events")).all())
        cols = {c["name"] for c in sa.inspect(conn).get_columns("reviews")}
    assert [tuple(r) for r in rows] == [(1, 1, "detect", "detector"), (2, 1, "detect", "detector"),
                                        (2, 2, "accept", "dr_newcomer")]
    assert upd == {1: "detector", 2: "dr_newcomer"}
    assert {"n_undecided", "undecided_reason", "display"} <= cols
    engine.dispose()
