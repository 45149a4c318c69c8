"""The report viewer's data are computed chunk by chunk: the same as from the whole filtered channels."""
import base64

import numpy as np
from _reads import spy_reads

from myoclonus import analyze
from myoclonus.preprocess import bandpass
from myoclonus.report import viewer
from myoclonus.simulate import simulate


def _unpack(b64, scale):
    return np.frombuffer(base64.b64decode(b64), "<i2").astype(float) * scale


def test_viewer_payload_chunked_equals_whole(monkeypatch):
    sim = simulate("cortical", duration=60, seed=3, channels=["EMG R FDI", "EMG R ECR"])
    res = analyze(sim.recording, report=False, physiology=False)
    rec = res.recording
    monkeypatch.setattr(viewer, "CHUNK", 7.0)  # 9 pieces per channel, bins straddling their borders
    read = rec._read_channel
    spans = spy_reads(monkeypatch, rec)
    pay = viewer.viewer_payload(res, overview_bins=500, window=1.0, max_windows=5)
    sf = rec.channels[0].sfreq
    assert max(spans) <= int((7.0 + 2 * viewer.VIEW_PAD) * sf) + 1 < rec.channels[0].n_times
    p = res.detection.params
    for ch in pay["channels"]:
        i = rec.ch_names.index(ch["name"])
        y = bandpass(read(i, 0, None), sf, p["l_freq"], p["h_freq"])  # the whole filtered channel
        edges = np.linspace(0, y.size, ch["bins"] + 1).astype(int)
        ref = np.concatenate([np.minimum.reduceat(y, edges[:-1]), np.maximum.reduceat(y, edges[:-1])])
        got = _unpack(ch["minmax"], ch["scale"])
        assert ch["bins"] == 500
        np.testing.assert_allclose(got, ref, rtol=0, atol=ch["scale"])  # within one int16 step
        assert abs(ch["peak"] - np.abs(ref).max()) <= 1e-9 * ch["peak"]  # filter rounding
    assert len(pay["windows"]) == 5
    for w in pay["windows"]:
        for name, d in zip([c["name"] for c in pay["channels"]], w["data"]):
            y = bandpass(read(rec.ch_names.index(name), 0, None), sf, p["l_freq"], p["h_freq"])
            seg = _unpack(d["b64"], d["scale"])
            assert seg.size == int(sf)
            a = int(w["t0"] * sf)  # t0 is rounded to 0.1 ms in the payload: the window starts within a sample
            err = min(np.abs(seg - y[a + k : a + k + seg.size]).max() for k in (-1, 0, 1))
            assert err <= d["scale"]  # within one int16 step
