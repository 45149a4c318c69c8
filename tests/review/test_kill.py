"""Kill test: SIGKILL the server in the middle of a burst of edits; after a restart every committed
edit is there and the database passes an integrity check."""
from __future__ import annotations

import threading
import time

import pytest

httpx = pytest.importorskip("httpx")


def session(url, who):
    c = httpx.Client(base_url=url, timeout=10)
    c.get("/")
    c.headers.update({"X-CSRF-Token": c.cookies["myo_csrf"], "X-Reviewer": who})
    return c


def test_kill_during_burst(db_url, analysis_dir, live_server):
    from myoclonus.review import db as _db

    srv = live_server(db_url, [analysis_dir])
    c = session(srv.url, "alice")
    rv = c.post("/api/recordings/1/reviews", json={"name": "main"}).json()["id"]
    evs = c.get(f"/api/reviews/{rv}/events").json()["events"]
    committed = []  # (event_id, version, fields)
    lock = threading.Lock()
    stop = threading.Event()

    def worker(k):
        cl = session(srv.url, f"rev{k}")
        mine = evs[k::4]
        version = {e["id"]: e["version"] for e in mine}
        i = 0
        while not stop.is_set():
            e = mine[i % len(mine)]
            fields = [{"status": "accepted"}, {"status": "rejected"}, {"kind": "artifact"}, {"kind": e["kind"]},
                      {"onset": round(e["onset"] + 0.001 * (i % 7), 6)}][i % 5]
            try:
                r = cl.patch(f"/api/reviews/{rv}/events/{e['id']}", json={"version": version[e["id"]], **fields})
            except httpx.HTTPError:
                break
            if r.status_code == 200:
                d = r.json()
                version[e["id"]] = d["version"]
                with lock:
                    committed.append((e["id"], d["version"], fields, f"rev{k}"))
            elif r.status_code != 409:
                break
            i += 1
        cl.close()

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    [t.start() for t in threads]
    time.sleep(1.5)
    srv.kill()  # SIGKILL, mid-burst
    stop.set()
    [t.join(20) for t in threads]
    assert len(committed) > 20, f"only {len(committed)} edits committed before the kill"

    srv2 = live_server(db_url, [analysis_dir])
    c2 = session(srv2.url, "alice")
    audit = c2.get(f"/api/reviews/{rv}/audit").json()["entries"]
    revs = {(a["event_id"], a["rev"]): a for a in audit}
    for eid, version, fields, who in committed:
        a = revs.get((eid, version))
        assert a is not None, f"committed edit lost: event {eid} v{version} {fields}"
        assert a["author"] == who and a["created_at"]
        for k, v in fields.items():
            assert a[k] == pytest.approx(v) if isinstance(v, float) else a[k] == v
    now = {e["id"]: e for e in c2.get(f"/api/reviews/{rv}/events").json()["events"]}
    for eid, version, _, _ in committed:
        assert now[eid]["version"] >= version
    engine = _db.make_engine(db_url)
    assert _db.integrity_check(engine) == []
    engine.dispose()
    # the restarted server keeps working
    e = now[evs[0]["id"]]
    assert c2.patch(f"/api/reviews/{rv}/events/{e['id']}", json={"version": e["version"], "status": "accepted"}).status_code == 200
    c.close()
    c2.close()
