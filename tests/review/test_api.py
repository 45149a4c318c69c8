"""API tests of the review app (FastAPI TestClient), against SQLite and PostgreSQL."""
from __future__ import annotations

import io
import threading

import numpy as np
import pandas as pd
import pytest

from myoclonus.events import Events


def open_review(c, name="main", who="alice"):
    r = c.post("/api/recordings/1/reviews", json={"name": name}, headers={"X-Reviewer": who})
    assert r.status_code == 200, r.text
    return r.json()["id"]


def events_of(c, rv):
    return c.get(f"/api/reviews/{rv}/events").json()["events"]


def test_list_and_status(client, analysis_dir):
    recs = client.get("/api/recordings").json()
    assert len(recs) == 1 and recs[0]["name"] == "demo.edf"
    assert recs[0]["status"] == "not started"
    n_det = len(Events.from_tsv(analysis_dir / "events.tsv"))
    assert recs[0]["n_detections"] == n_det
    rv = open_review(client)
    assert client.get("/api/recordings").json()[0]["status"] == "not started"
    e = events_of(client, rv)[0]
    assert client.patch(f"/api/reviews/{rv}/events/{e['id']}", json={"version": 1, "status": "accepted"}).status_code == 200
    rec = client.get("/api/recordings").json()[0]
    assert rec["status"] == "in progress"
    main = [v for v in rec["reviews"] if v["name"] == "main"][0]
    assert main["counts"]["accepted"] == 1 and main["counts"]["undecided"] == n_det - 1
    assert client.post(f"/api/reviews/{rv}/sign", json={"undecided": n_det - 1, "reason": "first pass only"}
                       ).status_code == 200
    assert client.get("/api/recordings").json()[0]["status"] == "signed"
    # pages render
    for url in ("/", f"/review/{rv}", "/agreement/1", "/static/viewer.js"):
        assert client.get(url).status_code == 200


def test_window_envelope_and_raw(client):
    meta = client.get("/api/recordings/1").json()
    n_ch = len(meta["channels"])
    r = client.get("/api/recordings/1/window", params={"t0": 0, "t1": 30, "px": 500})
    assert r.status_code == 200
    import json

    w = json.loads(r.headers["x-window"])
    assert [c["mode"] for c in w["channels"]] == ["envelope"] * n_ch
    vals = np.frombuffer(r.content, "<f4")
    assert vals.size == sum(2 * c["n"] for c in w["channels"]) and all(c["n"] <= 500 for c in w["channels"])
    # zoomed in: full resolution, exact samples
    r = client.get("/api/recordings/1/window", params={"t0": 1.0, "t1": 1.25, "px": 800, "ch": "8"})
    w = json.loads(r.headers["x-window"])
    assert w["channels"][0]["mode"] == "raw" and w["channels"][0]["n"] == 512
    from myoclonus.io import read_recording

    rec = read_recording(client.app_.state.engine and _rec_path(client), check=False)
    x = rec._read_channel(8, 2048, 2048 + 512).astype(np.float32)
    np.testing.assert_allclose(np.frombuffer(r.content, "<f4"), x, rtol=1e-6)
    # envelope bounds the raw data
    r = client.get("/api/recordings/1/window", params={"t0": 0, "t1": 30, "px": 100, "ch": "8"})
    env = np.frombuffer(r.content, "<f4").reshape(-1, 2)
    full = rec._read_channel(8, 0, None)
    assert np.isclose(env[:, 0].min(), full.min(), rtol=1e-5) and np.isclose(env[:, 1].max(), full.max(), rtol=1e-5)
    assert client.get("/api/recordings/1/window", params={"t0": 0, "t1": 1, "ch": "999"}).status_code == 400
    assert client.get("/api/recordings/99/window", params={"t0": 0, "t1": 1}).status_code == 404


def _rec_path(client):
    from myoclonus.review import db as _db

    with client.app_.state.engine.connect() as conn:
        return conn.execute(_db.sa.select(_db.recordings.c.path)).scalar()


def test_review_audit_sign_export(client, analysis_dir):
    rv = open_review(client)
    evs = events_of(client, rv)
    det = Events.from_tsv(analysis_dir / "events.tsv")
    assert len(evs) == len(det)
    a, b, c = evs[0], evs[1], evs[2]
    d = [e for e in evs[3:] if e["kind"] == "jerk"][0]
    p = lambda e, **kw: client.patch(f"/api/reviews/{rv}/events/{e['id']}", json={"version": e["version"], **kw})
    assert p(a, status="accepted").json()["version"] == 2
    assert p(b, status="rejected").status_code == 200
    r = p(c, kind="artifact")
    assert r.json()["kind"] == "artifact"
    new_onset = round(d["onset"] + 0.010, 6)
    assert p(d, onset=new_onset, duration=0.05).status_code == 200
    r = client.post(f"/api/reviews/{rv}/events", json={"onset": 12.5, "duration": 0.04, "kind": "jerk", "channel": "EMG R FDI"})
    assert r.status_code == 200 and r.json()["origin"] == "reviewer"
    # validation (each rule in test_rules.py)
    assert p(evs[5], kind="nonsense").status_code == 422
    assert client.post(f"/api/reviews/{rv}/events", json={"onset": 1, "duration": 0.1, "channel": "../../etc"}).status_code == 422
    # audit trail: every revision, with author and time; nothing overwritten
    au = client.get(f"/api/reviews/{rv}/audit").json()["entries"]
    edits = [x for x in au if x["action"] != "detect"]
    assert [x["action"] for x in edits] == ["accept", "reject", "relabel", "move", "add"]
    assert all(x["author"] == "alice" and x["created_at"] for x in edits)
    first = [x for x in au if x["event_id"] == c["id"]]
    assert [x["kind"] for x in first] == [c["kind"], "artifact"]
    # export TSV: rejected dropped, changes applied, the rest identical to the detector
    tsv = pd.read_csv(io.StringIO(client.get(f"/api/reviews/{rv}/export.tsv").text), sep="\t", na_values="n/a")
    assert len(tsv) == len(det) - 1 + 1
    assert (tsv["review_status"] == "accepted").sum() == 4  # a, relabelled c, moved d, added one
    side = client.get(f"/api/reviews/{rv}/export.json").json()
    assert "review_status" in side and side["onset"]["Units"] == "s"
    # sign freezes
    n_open = client.get(f"/api/reviews/{rv}").json()["counts"]["undecided"]
    s = client.post(f"/api/reviews/{rv}/sign", json={"undecided": n_open, "reason": "test"}).json()
    assert s["status"] == "signed" and s["signed_by"] == "alice"
    cur = [e for e in events_of(client, rv) if e["id"] == evs[6]["id"]][0]
    assert p(cur, status="accepted").status_code == 423
    assert client.post(f"/api/reviews/{rv}/events", json={"onset": 1, "duration": 0.1, "channel": "EMG R FDI"}).status_code == 423
    # EDF+ export carries the reviewed events as annotations
    r = client.get(f"/api/reviews/{rv}/export.edf")
    assert r.status_code == 200 and r.content[:1] == b"0"
    edf = analysis_dir / "exported.edf"
    edf.write_bytes(r.content)
    from myoclonus.io import read_recording

    ann = read_recording(edf, check=False).annotations
    assert sum("jerk@@EMG R FDI" == x for x in ann.description) >= 1
    assert any(abs(o - 12.5) < 1e-3 for o in ann.onset)


def test_concurrent_edit_conflict(client):
    """Two clients edit the same event: one wins, the other gets a conflict, nothing is lost."""
    from fastapi.testclient import TestClient

    rv = open_review(client)
    e = events_of(client, rv)[3]
    last = client.get(f"/api/reviews/{rv}/events").json()["last_revision"]
    bob = TestClient(client.app_, base_url="http://127.0.0.1")
    bob.get("/")
    bob.headers.update({"X-CSRF-Token": bob.cookies["myo_csrf"], "X-Reviewer": "bob"})
    barrier = threading.Barrier(2)
    results = {}

    def go(cl, who, body):
        barrier.wait()
        results[who] = cl.patch(f"/api/reviews/{rv}/events/{e['id']}", json={"version": e["version"], **body})

    ts = [threading.Thread(target=go, args=(client, "alice", {"status": "accepted"})),
          threading.Thread(target=go, args=(bob, "bob", {"kind": "artifact"}))]
    [t.start() for t in ts]
    [t.join() for t in ts]
    codes = sorted(r.status_code for r in results.values())
    assert codes == [200, 409], {k: (r.status_code, r.text) for k, r in results.items()}
    winner = [k for k, r in results.items() if r.status_code == 200][0]
    loser = [k for k, r in results.items() if r.status_code == 409][0]
    body = results[loser].json()
    assert "Conflict" in body["detail"] and winner in body["detail"] and body["current"]["version"] == 2
    # the loser redoes the change on the new version: both changes are kept, in the audit trail too
    redo = {"status": "accepted"} if loser == "alice" else {"kind": "artifact"}
    cl = client if loser == "alice" else bob
    r = cl.patch(f"/api/reviews/{rv}/events/{e['id']}", json={"version": 2, **redo})
    assert r.status_code == 200
    final = r.json()
    assert final["status"] == "accepted" and final["kind"] == "artifact" and final["version"] == 3
    au = client.get(f"/api/reviews/{rv}/audit", params={"event_id": e["id"]}).json()["entries"]
    assert [x["rev"] for x in au] == [1, 2, 3] and {x["author"] for x in au[1:]} == {"alice", "bob"}
    # the other client sees the change through the change feed
    seen = bob.get(f"/api/reviews/{rv}/events", params={"since": last}).json()["events"]
    assert [x["id"] for x in seen] == [e["id"]] and seen[0]["version"] == 3


def test_agreement_two_reviewers(client):
    r1, r2 = open_review(client, "alice", "alice"), open_review(client, "bob", "bob")
    evs = [e for e in events_of(client, r1) if e["kind"] == "jerk"][:6]
    for i, e in enumerate(evs):
        client.patch(f"/api/reviews/{r1}/events/{e['id']}", json={"version": 1, "status": "accepted"})
    ev2 = {(e["onset"], e["channel"]): e for e in events_of(client, r2)}
    for i, e in enumerate(evs):
        e2 = ev2[(e["onset"], e["channel"])]
        st = "accepted" if i < 4 else "rejected"
        client.patch(f"/api/reviews/{r2}/events/{e2['id']}", json={"version": 1, "status": st},
                     headers={"X-Reviewer": "bob"})
    ag = client.get("/api/recordings/1/agreement").json()
    row = [r for r in ag["rows"] if r["reference"] == "alice" and r["compared"] == "bob"][0]
    assert row["n_reference"] == 6 and row["n_compared"] == 4 and row["n_matched"] == 4
    assert row["precision"] == 1.0 and abs(row["recall"] - 4 / 6) < 1e-9 and row["onset_diff_ms_median"] == 0
    assert row["kappa"] is not None and 0 < row["kappa"] < 1
    assert any(r["reference"] == "detector" for r in ag["rows"])
    assert client.get("/agreement/1").status_code == 200


def test_rerun_summary_report(db_url, client, tmp_path):
    if "postgresql" in db_url:
        pytest.skip("re-run is independent of the database back-end (tested with SQLite)")
    rv = open_review(client)
    e = events_of(client, rv)
    jerks = [x for x in e if x["kind"] == "jerk"]
    client.patch(f"/api/reviews/{rv}/events/{jerks[0]['id']}", json={"version": 1, "status": "rejected"})
    r = client.post(f"/api/reviews/{rv}/rerun")
    assert r.status_code == 200, r.text
    summ = client.get(f"/api/reviews/{rv}/summary.json").json()
    n_jerk_kept = len(jerks) - 1
    assert summ["counts"]["jerk"] == n_jerk_kept
    assert client.get(f"/api/reviews/{rv}/report.html").status_code == 200


def test_csrf_and_paths(client):
    from fastapi.testclient import TestClient

    rv = open_review(client)
    e = events_of(client, rv)[0]
    raw = TestClient(client.app_, base_url="http://127.0.0.1")
    r = raw.patch(f"/api/reviews/{rv}/events/{e['id']}", json={"version": 1, "status": "accepted"})
    assert r.status_code == 403 and "CSRF" in r.json()["detail"]
    raw.get("/")
    r = raw.patch(f"/api/reviews/{rv}/events/{e['id']}", json={"version": 1, "status": "accepted"},
                  headers={"X-CSRF-Token": "forged"})
    assert r.status_code == 403
    for url in ("/static/../db.py", "/static/..%2Fdb.py", "/static/%2e%2e/store.py", "/api/recordings/..%2F..%2Fetc/window"):
        r = client.get(url)
        assert r.status_code in (400, 404, 422), url
        assert b"sqlalchemy" not in r.content
    assert client.get("/api/reviews/999/export.tsv").status_code == 404


def test_identity_hidden(client, analysis_dir):
    page = client.get("/api/reviews/%d" % open_review(client)).json()
    assert "identity" not in page["recording"]


def test_token_and_accounts(db_url, analysis_dir):
    from fastapi.testclient import TestClient

    from myoclonus.review import create_app, db as _db, store

    app = create_app(db_url=db_url, recordings=[analysis_dir], token="s3cret-token")
    c = TestClient(app, base_url="http://127.0.0.1")
    assert c.get("/api/recordings").status_code == 401
    assert c.get("/", follow_redirects=False).status_code == 303
    assert c.get("/api/recordings", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
    assert c.get("/api/recordings", headers={"Authorization": "Bearer wrong"}).status_code == 401
    store.add_user(app.state.engine, "carol", "correct horse")
    with app.state.engine.connect() as conn:
        h = conn.execute(_db.sa.select(_db.users.c.password_hash)).scalar()
    assert h.startswith("pbkdf2_sha256$") and "correct horse" not in h
    c.get("/login")
    csrf = c.cookies["myo_csrf"]
    r = c.post("/login", data={"username": "carol", "password": "wrong", "csrf": csrf}, follow_redirects=False)
    assert r.headers["location"].startswith("/login")
    r = c.post("/login", data={"username": "carol", "password": "correct horse"}, follow_redirects=False)
    assert r.status_code == 403  # no CSRF field
    r = c.post("/login", data={"username": "carol", "password": "correct horse", "csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    assert c.get("/api/me").json()["user"] == "carol"
    rv = c.post("/api/recordings/1/reviews", json={"name": "main"}, headers={"X-CSRF-Token": csrf, "X-Reviewer": "mallory"})
    assert rv.json()["created_by"] == "carol"  # identity comes from the login, not a header
    tok = store.add_token(app.state.engine, "dave")
    assert c.get("/api/me", headers={"Authorization": f"Bearer {tok}"}).json()["user"] == "dave"


def test_cli_refuses_public_bind_without_auth(tmp_path, analysis_dir):
    from myoclonus.review import main

    assert main(["review", str(analysis_dir), "--db", str(tmp_path / "x.db"), "--host", "0.0.0.0", "--no-detect"]) == 2
    import argparse

    from myoclonus.review import add_cli

    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    add_cli(sub)
    args = parser.parse_args(["review", "a.edf", "--port", "8123"])
    assert args.host == "127.0.0.1" and args.port == 8123 and callable(args.handler)
    args = parser.parse_args(["review-user", "token", "lab", "--db", str(tmp_path / "u.db")])
    assert args.handler(args) == 0


def test_identity_stays_out_unless_asked(tmp_path, analysis_dir):
    """A patient name in the EDF header never reaches pages, API answers or exports by default."""
    from fastapi.testclient import TestClient

    from myoclonus.review import create_app

    edf = analysis_dir.parent / "demo.edf"
    raw = bytearray(edf.read_bytes())
    raw[8:88] = b"MCH-0123 F 02-MAR-1951 Jane_Doe".ljust(80)
    edf.write_bytes(bytes(raw))
    for keep in (False, True):
        app = create_app(db_url=f"sqlite:///{tmp_path / f'id{keep}.db'}", recordings=[analysis_dir], keep_identity=keep)
        c = TestClient(app, base_url="http://127.0.0.1")
        c.get("/")
        c.headers["X-CSRF-Token"] = c.cookies["myo_csrf"]
        rv = c.post("/api/recordings/1/reviews", json={"name": "main"}).json()["id"]
        text = c.get("/api/recordings").text + c.get(f"/api/reviews/{rv}").text + c.get(f"/api/reviews/{rv}/export.tsv").text
        edf_out = c.get(f"/api/reviews/{rv}/export.edf").content[:256]
        assert ("Jane_Doe" in text) is keep
        assert (b"Jane_Doe" in edf_out) is keep


def test_review_user_cli(tmp_path, monkeypatch):
    import io as _io

    from myoclonus.review import db as _db, main, store

    dbp = tmp_path / "users.db"
    monkeypatch.setattr("sys.stdin", _io.StringIO("long enough pw\n"))
    assert main(["review-user", "add", "ada", "--db", str(dbp), "--password-stdin"]) == 0
    eng = _db.make_engine(str(dbp))
    assert store.check_user(eng, "ada", "long enough pw") and not store.check_user(eng, "ada", "wrong password")
    monkeypatch.setattr("sys.stdin", _io.StringIO("short\n"))
    assert main(["review-user", "add", "bob", "--db", str(dbp), "--password-stdin"]) == 2
    assert store.has_accounts(eng)


def test_host_header_checked(tmp_path, analysis_dir):
    """On 127.0.0.1 the CLI accepts only loopback Host headers (DNS-rebinding protection)."""
    from fastapi.testclient import TestClient

    from myoclonus.review import create_app

    app = create_app(db_url=str(tmp_path / "h.db"), recordings=[analysis_dir], allowed_hosts=["127.0.0.1", "localhost"])
    assert TestClient(app, base_url="http://127.0.0.1:8000").get("/api/recordings").status_code == 200
    assert TestClient(app, base_url="http://evil.example").get("/api/recordings").status_code == 400
