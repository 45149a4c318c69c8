"""Display controls through the API: trace windows filtered per signal type (numbers equal to the
whole channel filtered offline), the settings saved with the review and their validation."""
from __future__ import annotations

import json
import time

import numpy as np
import pytest
from scipy import signal

from myoclonus import display as D


@pytest.fixture
def client(analysis_dir, tmp_path):
    from fastapi.testclient import TestClient

    from myoclonus.review import create_app

    app = create_app(db_url=str(tmp_path / "d.db"), recordings=[analysis_dir])
    with TestClient(app, base_url="http://127.0.0.1") as c:
        c.get("/")
        c.headers.update({"X-CSRF-Token": c.cookies["myo_csrf"], "X-Reviewer": "alice"})
        c.rec = _recording(analysis_dir)
        yield c


def _recording(analysis_dir):
    from myoclonus.io import read_recording

    return read_recording(analysis_dir.parent / "demo.edf", check=False)


def _window(c, **params):
    r = c.get("/api/recordings/1/window", params=params)
    assert r.status_code == 200, r.text
    return json.loads(r.headers["x-window"]), np.frombuffer(r.content, "<f4")


def _whole(rec, i, hp, lp, notch):
    sos, _ = D.channel_filter(hp, lp, notch, rec.channels[i].sfreq)
    return signal.sosfiltfilt(sos, rec._read_channel(i, 0, None))


def test_window_applies_the_type_filters(client):
    rec = client.rec
    emg = rec.ch_names.index("EMG R FDI")
    eeg = rec.ch_names.index("C3")
    f = "emg:20::50;eeg:0.5:70:"
    meta, v = _window(client, t0=10, t1=10.5, px=800, ch=f"{emg},{eeg}", f=f)
    assert [c["mode"] for c in meta["channels"]] == ["raw", "raw"]
    assert meta["channels"][0]["filter"] == [20.0, None, 50.0] and meta["channels"][1]["filter"] == [0.5, 70.0, None]
    n = meta["channels"][0]["n"]
    s0 = int(10 * 2048)
    for (i, spec), x in (((emg, (20.0, None, 50.0)), v[:n]), ((eeg, (0.5, 70.0, None)), v[n:])):
        ref = _whole(rec, i, *spec)[s0:s0 + n]
        assert np.max(np.abs(x - ref)) < 2e-3 * np.std(ref), i
    # unfiltered: the file's samples; the EMG high-pass removes what lies below 20 Hz
    meta0, raw = _window(client, t0=10, t1=10.5, px=800, ch=str(emg))
    assert meta0["channels"][0]["filter"] == [None, None, None]
    np.testing.assert_allclose(raw, rec._read_channel(emg, s0, s0 + n).astype(np.float32), rtol=1e-6)
    assert abs(np.mean(v[:n])) < 0.2 * abs(np.mean(raw)) + 1.0
    assert np.max(np.abs(v[:n] - raw)) > 5.0  # the drawn trace changes by microvolts, not rounding


def test_wide_window_envelope_is_filtered(client):
    rec = client.rec
    emg = rec.ch_names.index("EMG L FDI")
    meta, v = _window(client, t0=0, t1=30, px=100, ch=str(emg), f="emg:20::")
    c = meta["channels"][0]
    assert c["mode"] == "envelope" and c["filtered"] and c["filter"] == [20.0, None, None]
    env = v.reshape(-1, 2)
    whole = _whole(rec, emg, 20.0, None, None)
    # the envelope bounds the filtered channel, to the settling tolerance of the chunked filtering
    tol = 2e-3 * np.std(whole)
    assert abs(env[:, 0].min() - whole.min()) < tol and abs(env[:, 1].max() - whole.max()) < tol
    raw_meta, raw = _window(client, t0=0, t1=30, px=100, ch=str(emg))
    assert raw.reshape(-1, 2)[:, 1].max() - raw.reshape(-1, 2)[:, 0].min() > env[:, 1].max() - env[:, 0].min()


def test_long_channel_envelope_built_in_background(client, monkeypatch):
    from myoclonus.review import traces

    monkeypatch.setattr(traces, "SYNC_SAMPLES", 0)
    eeg = client.rec.ch_names.index("Cz")
    meta, first = _window(client, t0=0, t1=30, px=100, ch=str(eeg), f="eeg:1:30:")
    assert meta["channels"][0]["filtered"] is False  # unfiltered envelope meanwhile, and said so
    for _ in range(100):
        meta, later = _window(client, t0=0, t1=30, px=100, ch=str(eeg), f="eeg:1:30:")
        if meta["channels"][0]["filtered"]:
            break
        time.sleep(0.1)
    assert meta["channels"][0]["filtered"] is True
    whole = _whole(client.rec, eeg, 1.0, 30.0, None)
    assert abs(later.reshape(-1, 2)[:, 1].max() - whole.max()) < 2e-3 * np.std(whole)
    assert not np.allclose(first, later)


def test_bad_filter_query_is_422(client):
    for f, field in (("emg:20:10:", "f.emg.lp"), ("emg:::55", "f.emg.notch"), ("emg:x::", "f.emg.hp"),
                     ("brain:1::", "f")):
        r = client.get("/api/recordings/1/window", params={"t0": 0, "t1": 1, "f": f})
        assert r.status_code == 422 and r.json()["field"] == field, (f, r.text)


def test_display_settings_saved_with_the_review(client):
    rv = client.post("/api/recordings/1/reviews", json={"name": "main"}).json()["id"]
    got = client.get(f"/api/reviews/{rv}").json()
    assert got["display"] == D.default_display()
    assert got["display_options"]["div_px"] == D.DIV_PX and got["display_options"]["gain_units"]["acc"] == "m/s^2"
    order = ["EMG L FDI", "EMG R FDI", "ACC R wrist X"]
    body = {"time_base": 20, "types": {"emg": {"hp": 10, "lp": 400, "notch": 50, "gain": 100}}, "channels": order}
    r = client.put(f"/api/reviews/{rv}/display", json=body)
    assert r.status_code == 200
    saved = client.get(f"/api/reviews/{rv}").json()["display"]
    assert saved["time_base"] == 20 and saved["channels"] == order
    assert saved["types"]["emg"] == {"hp": 10.0, "lp": 400.0, "notch": 50.0, "gain": 100.0}
    assert saved["types"]["eeg"] == D.TYPE_DEFAULTS["eeg"]
    for bad, field in (({"types": {"emg": {"hp": -5}}}, "types.emg.hp"), ({"channels": ["EMG nowhere"]}, "channels"),
                       ({"time_base": 7}, "time_base"), ({"types": {"acc": {"gain": 0}}}, "types.acc.gain")):
        r = client.put(f"/api/reviews/{rv}/display", json=bad)
        assert r.status_code == 422 and r.json()["field"] == field, r.text
    assert client.get(f"/api/reviews/{rv}").json()["display"] == saved  # refused changes left it as it was
