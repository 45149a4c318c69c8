"""Browser tests (Playwright driving Debian's Chromium) of the review workflow of issue 21: sign-off
with and without undecided detections, an out-of-range edit refused, the audit entries' authors,
display filters changing the drawn trace, and ``myoclonus review results/`` after ``myoclonus
analyze rec.edf --out results/`` into a separate folder (with a bad input beside it)."""
from __future__ import annotations

import json

import httpx
import numpy as np
import pytest

pytestmark = pytest.mark.slow  # Chromium (pyproject: markers)

READY = "() => window.myoReview && window.myoReview.ready && window.myoReview.data"


def api(srv, who="Dr Ada"):
    c = httpx.Client(base_url=srv.url, timeout=30)
    c.get("/")
    c.headers.update({"X-CSRF-Token": c.cookies["myo_csrf"], "X-Reviewer": who})
    return c


def open_page(chromium, url, who="Dr Ada", errors=None):
    ctx = chromium.new_context(viewport={"width": 1400, "height": 900})
    ctx.add_init_script(f"localStorage.setItem('myo_reviewer', {json.dumps(who)})")
    page = ctx.new_page()
    if errors is not None:
        page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_function(READY)
    page.focus("#traces")
    return page


def idle(page):
    page.wait_for_function("() => window.myoReview.pending === 0")


def test_sign_off_with_undecided_detections(db_url, analysis_dir, live_server, chromium):
    srv = live_server(db_url, [analysis_dir])
    c = api(srv)
    rv = c.post("/api/recordings/1/reviews", json={"name": "main"}).json()["id"]
    errors = []
    page = open_page(chromium, f"{srv.url}/review/{rv}", errors=errors)
    for key in ("a", "r"):
        page.keyboard.press("n")
        page.keyboard.press(key)
        idle(page)
    page.wait_for_function("() => window.myoReview.counts.rejected === 1 && window.myoReview.counts.accepted === 1")
    n_events = page.evaluate("() => window.myoReview.events.size")
    n_und = n_events - 2
    page.click("#sign")
    assert page.is_visible("#sign-dialog") and page.is_visible("#sign-reason")
    assert f"{n_und} event(s) are undecided" in page.inner_text("#sign-text")
    assert page.inner_text("#sign-confirm") == f"Sign with {n_und} undecided"
    page.click("#sign-confirm")  # no reason: refused, nothing signed
    page.wait_for_function("() => document.getElementById('sign-error').textContent.length > 0")
    assert page.inner_text("#sign-error").startswith("Refused (reason)")
    assert c.get(f"/api/reviews/{rv}").json()["status"] != "signed"
    page.fill("#sign-reason", "left arm EMG unreadable after 20 s")
    page.click("#sign-confirm")
    page.wait_for_function("() => document.getElementById('state').textContent.startsWith('signed')")
    state = page.inner_text("#state")
    assert f"with {n_und} undecided" in state and "left arm EMG unreadable after 20 s" in state
    assert not page.is_visible("#sign-dialog") and page.is_disabled("#sign")
    side = c.get(f"/api/reviews/{rv}/export.json").json()["Review"]
    assert side["signed_by"] == "Dr Ada" and side["undecided_reason"] == "left arm EMG unreadable after 20 s"
    assert side["counts"]["undecided"] == n_und and side["counts"]["accepted"] == 1 and side["counts"]["rejected"] == 1
    assert not errors, errors
    page.context.close()


def test_sign_off_with_every_detection_decided(db_url, analysis_dir, live_server, chromium):
    srv = live_server(db_url, [analysis_dir])
    c = api(srv)
    rv = c.post("/api/recordings/1/reviews", json={"name": "main"}).json()["id"]
    for i, e in enumerate(c.get(f"/api/reviews/{rv}/events").json()["events"]):
        r = c.patch(f"/api/reviews/{rv}/events/{e['id']}", json={"version": 1, "status": "rejected" if i % 3 else "accepted"})
        assert r.status_code == 200
    page = open_page(chromium, f"{srv.url}/review/{rv}")
    assert page.evaluate("() => window.myoReview.counts.unreviewed") == 0
    page.click("#sign")
    assert page.inner_text("#sign-text").startswith("Every detection is decided")
    assert not page.is_visible("#sign-reason") and page.inner_text("#sign-confirm") == "Sign"
    page.click("#sign-confirm")
    page.wait_for_function("() => document.getElementById('state').textContent.startsWith('signed')")
    assert "undecided" not in page.inner_text("#state")
    got = c.get(f"/api/reviews/{rv}").json()
    assert got["signed_by"] == "Dr Ada" and got["n_undecided_at_signing"] == 0 and got["undecided_reason"] is None
    page.context.close()


def test_out_of_range_edit_refused(analysis_dir, live_server, chromium, tmp_path):
    srv = live_server(f"sqlite:///{tmp_path / 'r.db'}", [analysis_dir])
    c = api(srv)
    rv = c.post("/api/recordings/1/reviews", json={"name": "main"}).json()["id"]
    page = open_page(chromium, f"{srv.url}/review/{rv}")
    statuses = []
    page.on("response", lambda r: statuses.append(r.status) if "/events/" in r.url else None)
    jerk = page.evaluate("""() => { const S = window.myoReview;
        const e = [...S.events.values()].filter(e => e.kind === 'jerk' && e.channel.startsWith('EMG')
                  && e.duration >= 0.02).sort((a, b) => a.duration - b.duration)[0];
        S.select(e.id); return Object.assign({}, e); }""")
    dur = page.evaluate("() => window.myoReview.rec.duration_s")
    page.evaluate(f"() => window.myoReview.edit({{ onset: {dur + 970} }})")
    page.wait_for_function("() => document.getElementById('msg').textContent.startsWith('Refused')")
    assert page.inner_text("#msg").startswith("Refused (onset): 'onset' must be inside the recording")
    assert statuses[-1] == 422
    # with the keyboard: shortening the jerk below the detector's min_duration is refused too
    from myoclonus.review.rules import duration_limits

    lo = duration_limits()["jerk"][0]
    n_presses = int(np.ceil((jerk["duration"] - lo) / 0.005)) + 1
    for _ in range(n_presses):
        page.keyboard.press("{")
        idle(page)
    assert page.inner_text("#msg").startswith("Refused (duration): A jerk lasts")
    assert statuses[-1] == 422
    now = [e for e in c.get(f"/api/reviews/{rv}/events").json()["events"] if e["id"] == jerk["id"]][0]
    # the accepted presses shortened it down to the limit; the refused ones left no trace
    assert lo - 1e-9 <= now["duration"] < lo + 0.005 and now["onset"] == jerk["onset"]
    assert now["version"] == 1 + statuses.count(200) and statuses[0] == 422 and statuses.count(422) >= 2
    page.context.close()


def test_audit_entries_authors(db_url, analysis_dir, live_server, chromium):
    srv = live_server(db_url, [analysis_dir])
    rv = api(srv, "dr_opener").post("/api/recordings/1/reviews", json={"name": "main"}).json()["id"]
    page = open_page(chromium, f"{srv.url}/review/{rv}", who="Dr Ada")
    page.keyboard.press("n")
    page.keyboard.press("a")
    idle(page)
    page.keyboard.press("5")
    idle(page)
    page.wait_for_function("() => document.querySelectorAll('#audit li').length === 3")
    items = page.eval_on_selector_all("#audit li", "els => els.map(e => [e.dataset.author, e.textContent])")
    assert [a for a, _ in items] == ["detector", "Dr Ada", "Dr Ada"]
    assert "detector (myoclonus.detect_jerks" in items[0][1] and ": detect" in items[0][1]
    assert "accept (status unreviewed → accepted)" in items[1][1]
    assert ": relabel (kind " in items[2][1] and "→ artifact)" in items[2][1]
    assert all("dr_opener" not in t for _, t in items)
    page.context.close()


@pytest.fixture
def wander_edf(demo_dir, tmp_path):
    """The demo recording with a 1.5 Hz, 150 uV baseline wander added to 'EMG R FDI' (movement
    and electrode drift, as in real surface EMG)."""
    from myoclonus.io import Recording, read_recording, write_recording

    rec = read_recording(demo_dir / "demo.edf", check=False)
    data = [rec._read_channel(i, 0, None) for i in range(rec.n_channels)]
    i = rec.ch_names.index("EMG R FDI")
    t = np.arange(data[i].size) / rec.channels[i].sfreq
    data[i] = data[i] + 150.0 * np.sin(2 * np.pi * 1.5 * t)
    out = Recording.from_array(np.array(data), rec.channels[0].sfreq, rec.ch_names, rec.ch_types,
                               units=[c.unit for c in rec.channels])
    return write_recording(out, tmp_path / "wander.edf")


def test_display_filters_change_the_drawn_trace(wander_edf, live_server, chromium, tmp_path, artifacts_dir):
    srv = live_server(f"sqlite:///{tmp_path / 'r.db'}", [wander_edf])
    c = api(srv)
    rv = c.post("/api/recordings/1/reviews", json={"name": "main"}).json()["id"]
    errors = []
    page = open_page(chromium, f"{srv.url}/review/{rv}", errors=errors)
    ch = "EMG R FDI"
    idx = page.evaluate(f"() => window.myoReview.rec.channels.findIndex(c => c.name === {ch!r})")

    def drawn():
        return page.evaluate(f"""() => {{ const S = window.myoReview, d = S.drawn[{ch!r}], w = S.data[{ch!r}];
            return {{ y: Array.from(d.y), v: Array.from(w.v), centre: d.centre, k: d.pxPerUnit, top: d.top,
                     bottom: d.bottom, filter: w.filter, mode: w.mode, view: S.view }}; }}""")

    def wait_filter(hp):
        page.wait_for_function(f"() => {{ const w = window.myoReview.data[{ch!r}]; return w && "
                               f"w.mode === 'raw' && w.filter[0] === {json.dumps(hp)}; }}")
        page.wait_for_function("() => window.myoReview.pending === 0")

    def inside(d):
        """Share of the drawn samples inside the channel's lane (the rest is clipped at its edges)."""
        y = np.array(d["y"])
        return float(np.mean((y >= d["top"]) & (y <= d["bottom"])))

    def server(f):
        v = on["view"]
        r = c.get("/api/recordings/1/window", params={"t0": v["t0"], "t1": v["t0"] + v["span"], "px": 4000,
                                                       "ch": str(idx), "f": f})
        return np.frombuffer(r.content, "<f4")

    page.evaluate("() => window.myoReview.setView(10, 1)")  # 1 s page: samples, not envelopes
    wait_filter(20.0)
    on = drawn()
    assert on["filter"] == [20.0, None, None] and on["centre"] == 0
    assert page.evaluate(f"() => window.myoReview.cal[{ch!r}]") == {"px": 20, "value": 50, "unit": "uV"}
    assert abs(on["k"] - 20 / 50) < 1e-12
    # the drawn y are the server's high-passed microvolts at 20 px per 50 uV, around the lane's middle
    y0 = (on["top"] + on["bottom"]) / 2
    np.testing.assert_allclose(on["v"], server("emg:20::"), rtol=1e-6, atol=1e-4)
    np.testing.assert_allclose(on["y"], y0 - np.array(on["v"]) * on["k"], atol=1e-3)
    page.screenshot(path=str(artifacts_dir / "display_emg_hp20.png"))
    # high-pass off: the wander is back (+-150 uV = +-60 px) and most of the trace leaves the lane
    page.select_option("#d-emg-hp", "")
    wait_filter(None)
    off = drawn()
    assert off["filter"] == [None, None, None]
    raw = server("")
    np.testing.assert_allclose(off["y"], y0 - (raw - off["centre"]) * off["k"], atol=1e-3)
    assert inside(on) > 0.99 and inside(off) < 0.6, (inside(on), inside(off))
    wander = np.array(off["y"]) - np.array(on["y"])
    assert np.ptp(wander) > 80  # pixels: the 300 uV peak-to-peak wander at 0.4 px/uV, less what 1 s of it spans
    page.screenshot(path=str(artifacts_dir / "display_emg_hp_off.png"))
    # back to 20 Hz with a 150 Hz low-pass: a smoother trace of smaller spread
    page.select_option("#d-emg-hp", "20")
    page.select_option("#d-emg-lp", "150")
    page.wait_for_function(f"() => window.myoReview.data[{ch!r}].filter.join() === '20,150,'")
    idle(page)
    band = drawn()
    np.testing.assert_allclose(band["v"], server("emg:20:150:"), rtol=1e-6, atol=1e-4)
    assert np.std(np.array(band["y"]) - y0) < 0.9 * np.std(np.array(on["y"]) - y0)
    # gain 50 -> 100 uV/div halves the drawn amplitude; the calibration bar says so
    page.select_option("#d-emg-gain", "100")
    page.wait_for_function(f"() => window.myoReview.cal[{ch!r}].value === 100")
    half = drawn()
    ratio = np.std(np.array(half["y"]) - y0) / np.std(np.array(band["y"]) - y0)
    assert abs(ratio - 0.5) < 0.01, ratio
    # the down arrow steps every calibrated type's gain along 1-2-5 (EMG 100 -> 200, ACC 0.5 -> 1)
    page.focus("#traces")
    page.keyboard.press("ArrowDown")
    page.wait_for_function(f"() => window.myoReview.cal[{ch!r}].value === 200")
    assert page.input_value("#d-emg-gain") == "200" and page.input_value("#d-acc-gain") == "1"
    page.keyboard.press("ArrowUp")
    page.wait_for_function(f"() => window.myoReview.cal[{ch!r}].value === 100")
    # time base and channel order are saved with the review
    page.select_option("#d-timebase", "5")
    page.click("#d-channels-btn")
    page.click("#d-channels [data-preset='emg']")
    idle(page)
    page.wait_for_function("() => document.getElementById('d-note').textContent === 'display saved with the review'")
    saved = c.get(f"/api/reviews/{rv}").json()["display"]
    assert saved["time_base"] == 5 and saved["types"]["emg"] == {"hp": 20.0, "lp": 150.0, "notch": None, "gain": 100.0}
    emg = [x["name"] for x in c.get(f"/api/reviews/{rv}").json()["recording"]["channels"] if x["type"] == "emg"]
    assert saved["channels"] == emg
    page.reload()
    page.wait_for_function(READY)
    assert page.evaluate("() => window.myoReview.lanes.map(c => c.name)") == emg
    assert page.evaluate("() => window.myoReview.view.span") == 5
    assert page.input_value("#d-emg-lp") == "150" and page.input_value("#d-emg-gain") == "100"
    assert not errors, errors
    page.context.close()


def test_review_results_after_analyze_elsewhere(db_url, demo_dir, live_server, chromium, tmp_path, artifacts_dir):
    """`myoclonus analyze rec.edf --out results/` into a folder away from the recording, then
    `myoclonus review results/ broken/`: the recording is found, the broken input reported."""
    import shutil

    from myoclonus.cli import main

    data = tmp_path / "data"
    data.mkdir()
    rec = shutil.copy(demo_dir / "demo.edf", data / "rec.edf")
    results = tmp_path / "elsewhere" / "results"
    assert main(["-q", "analyze", str(rec), "--out", str(results)]) == 0
    broken = tmp_path / "broken"
    broken.mkdir()
    srv = live_server(db_url, [results, broken])
    ctx = chromium.new_context(viewport={"width": 1400, "height": 900})
    page = ctx.new_page()
    page.goto(srv.url + "/")
    page.wait_for_selector("button.open-review")
    assert page.is_visible("#problems")
    prob = page.inner_text("#problems")
    assert str(broken) in prob and "neither summary.json nor events.tsv" in prob
    row = page.inner_text("tr[data-recording='1']")
    n_det = len(__import__("myoclonus").Events.from_tsv(results / "events.tsv"))
    assert row.startswith("rec.edf") and f"\t{n_det}\t" in row
    page.click("button.open-review")
    page.wait_for_url("**/review/*")
    page.wait_for_function(READY)
    assert page.evaluate("() => window.myoReview.events.size") == n_det
    assert page.evaluate("() => Object.keys(window.myoReview.data).length") > 10  # traces of the recording drawn
    page.screenshot(path=str(artifacts_dir / f"review_after_analyze_{db_url.split(':')[0].split('+')[0]}.png"))
    c = api(srv)
    assert c.get("/api/recordings/1").json()["detector"]["version"] == __import__("myoclonus").__version__
    from myoclonus.review import db as _db

    engine = _db.make_engine(db_url)
    with engine.connect() as conn:
        assert conn.execute(_db.sa.select(_db.recordings.c.path)).scalar() == str(rec.resolve())
    engine.dispose()
    ctx.close()
    assert "1 of 2 input(s) could not be registered" in (tmp_path / f"server_{srv.port}.log").read_text()
    pytest.importorskip("httpx")
