"""Browser test (Playwright driving Debian's Chromium): review five detections with the keyboard,
add a missed jerk, sign; the exported TSV holds exactly those changes and the audit trail each
revision with its time. A screenshot of the review page is saved as a test artifact."""
from __future__ import annotations

import datetime as dt
import io
import json

import httpx
import numpy as np
import pandas as pd
import pytest

from myoclonus.events import Events

pytestmark = pytest.mark.slow  # Chromium (pyproject: markers)


def wait_idle(page, eid=None, version=None):
    page.wait_for_function("() => window.myoReview && window.myoReview.pending === 0")
    if eid is not None:
        page.wait_for_function(f"() => window.myoReview.events.get({eid}).version >= {version}")


def test_review_in_browser(db_url, analysis_dir, live_server, chromium, artifacts_dir):
    t_start = dt.datetime.now(dt.timezone.utc)
    srv = live_server(db_url, [analysis_dir])
    ctx = chromium.new_context(viewport={"width": 1400, "height": 900})
    page = ctx.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(srv.url + "/")
    page.fill("#reviewer", "Dr Ada")
    page.press("#reviewer", "Tab")
    page.wait_for_selector("button.open-review")
    page.click("button.open-review")
    page.wait_for_url("**/review/*")
    page.wait_for_function("() => window.myoReview && window.myoReview.ready && window.myoReview.data")
    review_id = int(page.url.rsplit("/", 1)[1])
    page.focus("#traces")

    def selected():
        return page.evaluate("() => { const S = window.myoReview; return Object.assign({}, S.events.get(S.selected)); }")

    def next_event():
        """Press n on the traces and wait until the selection has moved (a re-render after a saved
        decision can take the focus and the key press with it on a loaded machine)."""
        prev = page.evaluate("() => window.myoReview.selected")
        page.focus("#traces")
        page.keyboard.press("n")
        page.wait_for_function(f"() => window.myoReview.selected !== {json.dumps(prev)}")
        return selected()

    done = {}
    # 1: accept
    e1 = next_event()
    page.keyboard.press("a")
    wait_idle(page, e1["id"], 2)
    done[e1["id"]] = "accept"
    # 2: reject
    e2 = next_event()
    assert e2["id"] != e1["id"]
    page.keyboard.press("r")
    wait_idle(page, e2["id"], 2)
    done[e2["id"]] = "reject"
    # 3: relabel as artifact (key 5: any duration fits an artifact)
    e3 = next_event()
    page.keyboard.press("5")
    wait_idle(page, e3["id"], 2)
    done[e3["id"]] = "relabel"
    # 4: drag the onset 12 px to the right
    e4 = next_event()
    box = page.locator("#traces").bounding_box()
    x, y = page.evaluate(f"() => [window.myoReview.xOf({e4['onset']}), window.myoReview.laneY({e4['channel']!r})]")
    assert y is not None, (e4, page.evaluate("() => window.myoReview.lanes.map(c => c.name)"))
    page.mouse.move(box["x"] + x, box["y"] + y)
    page.mouse.down()
    page.mouse.move(box["x"] + x + 6, box["y"] + y, steps=3)
    page.mouse.move(box["x"] + x + 12, box["y"] + y, steps=3)
    page.mouse.up()
    wait_idle(page, e4["id"], 2)
    done[e4["id"]] = "move"
    # 5: offset +5 ms with the keyboard
    e5 = next_event()
    page.keyboard.press("}")
    wait_idle(page, e5["id"], 2)
    done[e5["id"]] = "move"
    assert len(done) == 5
    # add a missed jerk: click-drag on an empty stretch of EMG R FDI
    t_new = page.evaluate("""() => {
        const S = window.myoReview, ch = 'EMG R FDI';
        for (let t = S.view.t0 + 0.5; t < S.view.t0 + S.view.span - 0.5; t += 0.1) {
          if (![...S.events.values()].some(e => e.channel === ch && e.onset < t + 0.3 && e.onset + e.duration > t - 0.2)) return t;
        }
        return null; }""")
    assert t_new is not None
    xa, ya = page.evaluate(f"() => [window.myoReview.xOf({t_new}), window.myoReview.laneY('EMG R FDI')]")
    xb = page.evaluate(f"() => window.myoReview.xOf({t_new + 0.08})")
    page.mouse.move(box["x"] + xa, box["y"] + ya)
    page.mouse.down()
    page.mouse.move(box["x"] + (xa + xb) / 2, box["y"] + ya, steps=3)
    page.mouse.move(box["x"] + xb, box["y"] + ya, steps=3)
    page.mouse.up()
    page.wait_for_function("() => [...window.myoReview.events.values()].some(e => e.origin !== 'detector')")
    wait_idle(page)
    counts = page.evaluate("() => window.myoReview.counts")
    assert counts["accepted"] == 5 and counts["rejected"] == 1 and counts["added"] == 1
    assert "1 rejected" in page.inner_text("#counts")
    shot = artifacts_dir / f"review_page_{db_url.split(':')[0].split('+')[0]}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    print(f"screenshot of the review page: {shot}")
    # sign with the undecided detections acknowledged and a reason
    page.click("#sign")
    page.fill("#sign-reason", "first five reviewed for the test")
    page.click("#sign-confirm")
    page.wait_for_function("() => document.getElementById('state').textContent.startsWith('signed')")
    page.keyboard.press("n")
    page.keyboard.press("a")
    page.wait_for_function("() => document.getElementById('msg').textContent.includes('signed')")
    assert not errors, errors
    ctx.close()

    # ---- the export holds exactly those changes
    c = httpx.Client(base_url=srv.url, timeout=30)
    evs = {e["id"]: e for e in c.get(f"/api/reviews/{review_id}/events").json()["events"]}
    det = Events.from_tsv(analysis_dir / "events.tsv")
    key = lambda o, d, k, ch: (round(o, 4), round(d, 4), k, ch)
    expected = {key(o, d, k, ch): "unreviewed" for o, d, k, ch in zip(det.onset, det.duration, det.kind, det.channel)}
    originals = {i: key(v["onset"], v["duration"], v["kind"], v["channel"]) for i, v in (
        (e1["id"], e1), (e2["id"], e2), (e3["id"], e3), (e4["id"], e4), (e5["id"], e5))}
    for eid, k in originals.items():
        expected.pop(k)
    assert evs[e1["id"]]["status"] == "accepted" and evs[e1["id"]]["kind"] == e1["kind"]
    assert evs[e3["id"]]["kind"] == "artifact"
    assert evs[e4["id"]]["onset"] > e4["onset"] + 0.001 and abs(
        evs[e4["id"]]["onset"] + evs[e4["id"]]["duration"] - e4["onset"] - e4["duration"]) < 1e-9
    assert abs(evs[e5["id"]]["duration"] - e5["duration"] - 0.005) < 1e-9 and evs[e5["id"]]["onset"] == e5["onset"]
    for eid in (e1["id"], e3["id"], e4["id"], e5["id"]):
        v = evs[eid]
        expected[key(v["onset"], v["duration"], v["kind"], v["channel"])] = "accepted"
    added = [v for v in evs.values() if v["origin"] != "detector"]
    assert len(added) == 1 and added[0]["channel"] == "EMG R FDI" and added[0]["kind"] == "jerk"
    assert abs(added[0]["onset"] - t_new) < 0.01 and abs(added[0]["duration"] - 0.08) < 0.01
    expected[key(added[0]["onset"], added[0]["duration"], "jerk", "EMG R FDI")] = "accepted"
    tsv = pd.read_csv(io.StringIO(c.get(f"/api/reviews/{review_id}/export.tsv").text), sep="\t", na_values="n/a",
                      keep_default_na=False)
    got = {key(o, d, k, ch): s for o, d, k, ch, s in zip(tsv.onset, tsv.duration, tsv.trial_type, tsv.channel,
                                                          tsv.review_status)}
    assert len(tsv) == len(det)  # one rejected, one added
    # same events and statuses; times compared to 0.1 ms (the export recomputes durations from the
    # stored onset and offset, so a value can round either side of the 4th decimal)
    assert len(got) == len(expected)
    for (a, sa), (b, sb) in zip(sorted(got.items(), key=lambda kv: (kv[0][3], kv[0][2], kv[0][0])),
                                sorted(expected.items(), key=lambda kv: (kv[0][3], kv[0][2], kv[0][0]))):
        assert a[2:] == b[2:] and sa == sb, (a, sa, b, sb)
        assert abs(a[0] - b[0]) <= 1.5e-4 and abs(a[1] - b[1]) <= 1.5e-4, (a, b)
    assert (tsv.source == "reviewer:Dr Ada").sum() == 1

    # ---- the audit trail holds each revision with its time
    audit = [a for a in c.get(f"/api/reviews/{review_id}/audit").json()["entries"] if a["action"] != "detect"]
    assert sorted(a["action"] for a in audit) == sorted(list(done.values()) + ["add"])
    t_end = dt.datetime.now(dt.timezone.utc)
    for a in audit:
        assert a["author"] == "Dr Ada"
        t = dt.datetime.fromisoformat(a["created_at"])
        assert t_start - dt.timedelta(seconds=1) <= t <= t_end
    assert all(a["rev"] == 2 for a in audit if a["action"] != "add")
    rv = c.get(f"/api/reviews/{review_id}").json()
    assert rv["status"] == "signed" and rv["signed_by"] == "Dr Ada"
    assert np.isfinite(len(audit))


def test_two_reviewers_live(db_url, analysis_dir, live_server, chromium):
    """Two reviewers on one review: each sees the other's change; a stale edit gets a clear
    conflict message in the page and nothing is lost."""
    srv = live_server(db_url, [analysis_dir])
    c = httpx.Client(base_url=srv.url, timeout=30)
    c.get("/")
    rv = c.post("/api/recordings/1/reviews", json={"name": "shared"},
                headers={"X-CSRF-Token": c.cookies["myo_csrf"], "X-Reviewer": "A"}).json()["id"]
    pages = {}
    for who in ("A", "B"):
        ctx = chromium.new_context(viewport={"width": 1200, "height": 800})
        ctx.add_init_script(f"localStorage.setItem('myo_reviewer', '{who}')")
        pg = ctx.new_page()
        pg.goto(f"{srv.url}/review/{rv}")
        pg.wait_for_function("() => window.myoReview && window.myoReview.ready")
        pg.focus("#traces")
        pg.keyboard.press("n")
        pages[who] = pg
    a, b = pages["A"], pages["B"]
    eid = a.evaluate("() => window.myoReview.selected")
    assert b.evaluate("() => window.myoReview.selected") == eid
    a.keyboard.press("a")
    # B sees A's acceptance through the live updates
    b.wait_for_function(f"() => window.myoReview.events.get({eid}).status === 'accepted'", timeout=10_000)
    assert "1 accepted" in b.inner_text("#counts")
    # B stops receiving updates (e.g. a slow network) while A relabels: B's next edit is stale
    b.evaluate("() => { window.myoReview.livePaused = true; }")
    a.keyboard.press("5")
    a.wait_for_function(f"() => window.myoReview.events.get({eid}).version === 3")
    b.keyboard.press("r")
    b.wait_for_function("() => document.getElementById('msg').textContent.startsWith('Conflict')")
    text = b.inner_text("#msg")
    assert "changed by A" in text and "not applied" in text
    assert b.evaluate(f"() => window.myoReview.events.get({eid}).kind") == "artifact"  # now shows A's change
    b.keyboard.press("r")  # redo on the current version
    b.wait_for_function(f"() => window.myoReview.events.get({eid}).status === 'rejected'")
    audit = c.get(f"/api/reviews/{rv}/audit", params={"event_id": eid}).json()["entries"]
    assert [(x["rev"], x["action"], x["author"]) for x in audit] == [(1, "detect", "detector"), (2, "accept", "A"),
                                                                      (3, "relabel", "A"), (4, "reject", "B")]
    for pg in pages.values():
        pg.context.close()
