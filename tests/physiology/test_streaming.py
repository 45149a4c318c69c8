"""Physiology reads and filters EEG/EMG chunk by chunk: same results as the whole record, bounded reads."""
import numpy as np
import pytest
from _helpers import EEG8
from _reads import spy_reads

from myoclonus.io import Recording
from myoclonus.physiology import _common, back_average, beta_erd, bereitschaft, coherence
from myoclonus.physiology._common import _epoch, _filter, _filtered, _settle, _stream_epochs
from myoclonus.simulate import simulate


@pytest.fixture(scope="module")
def sim():
    return simulate("cortical", duration=180, seed=1, rate=40, channels=EEG8 + ["EMG R FDI"])


@pytest.mark.parametrize("q, kw", [(1, dict(l_freq=0.05, h_freq=5.0, order=2)),  # BP: slowest filter
                                   (4, dict(l_freq=3.0, h_freq=100.0, notch=(50.0, 60.0)))])  # JLBA
def test_chunked_filtering_equals_whole(monkeypatch, q, kw):
    rng = np.random.default_rng(0)
    sf = 256.0
    x = np.cumsum(rng.standard_normal((2, int(400 * sf))), axis=1) * 0.1 + rng.standard_normal((2, int(400 * sf))) * 10
    rec = Recording.from_array(x, sf, ["Cz", "C3"], ["eeg", "eeg"])
    whole = _filter(rec.get_data([0, 1]), sf, **kw)[:, ::q]
    monkeypatch.setattr(_common, "PHYS_CHUNK", 50.0)  # 8 chunks of 50 s
    spans = spy_reads(monkeypatch, rec)
    pad = _settle(sf, **kw)  # 124 s for the BP's 0.05 Hz high-pass, 10 s (the floor) for the JLBA's
    got = _filtered(rec, [0, 1], sf, q, lambda y: _filter(y, sf, **kw), pad=pad)
    assert got.shape == whole.shape
    # the edge transients have decayed below 1e-12 within the overlap; on a random walk of RMS ~30
    # (the filter's input) the difference stays under 1e-9 of the output RMS
    assert np.max(np.abs(got - whole)) <= 1e-9 * whole.std()
    assert max(spans) <= int((50.0 + 2 * max(pad, _common.PHYS_PAD)) * sf) + 2 * q + 3  # overlaps rounded up
    # epochs cut chunk by chunk (centres at chunk borders and at the record's ends) = cut from the whole
    centres = np.array([5, 50 * 256 // q, 50 * 256 // q + 1, 100 * 256 // q - 1, whole.shape[1] - 6])
    cols = np.arange(-5, 6)
    ep = _stream_epochs(rec, [0, 1], sf, q, lambda y: _filter(y, sf, **kw), centres, cols, pad=pad)
    ref, ok, _ = _epoch(whole, sf / q, centres * q / sf, -5 * q / sf, 5 * q / sf)
    assert ok.all()
    np.testing.assert_allclose(ep, ref, rtol=0, atol=1e-9 * whole.std())


def test_physiology_chunked_equals_one_chunk(monkeypatch, sim):
    rec = sim.recording
    jerks = sim.truth.select("jerk", channel="EMG R FDI")
    one = dict(jlba=back_average(rec, jerks), coh=coherence(rec), erd=beta_erd(rec, jerks))
    monkeypatch.setattr(_common, "PHYS_CHUNK", 20.0)  # 9 chunks
    spans = spy_reads(monkeypatch, rec)
    many = dict(jlba=back_average(rec, jerks), coh=coherence(rec), erd=beta_erd(rec, jerks))
    # the longest overlap is the coherence EEG high-pass's (0.5 Hz: 23 s); never the whole 180 s
    assert max(spans) <= int((20.0 + 2 * 30.0) * rec.channels[0].sfreq) + 1 < rec.channels[0].n_times
    a, b = one["jlba"], many["jlba"]
    assert a.significant and b.significant and a.n_sweeps == b.n_sweeps >= 100
    np.testing.assert_allclose(b.average, a.average, rtol=0, atol=1e-9 * np.abs(a.average).max())
    assert (a.latency_ms, a.electrode, a.p_value) == (b.latency_ms, b.electrode, b.p_value)
    assert b.min_detectable_uv == pytest.approx(a.min_detectable_uv, rel=1e-9)
    ca, cb = one["coh"].to_dict(), many["coh"].to_dict()
    assert ca["significant"] and ca["n_segments"] == cb["n_segments"] >= 50  # tonic 1 s segments
    for key in ("significant", "peak_hz", "pair", "bands", "cl_corrected"):
        assert ca[key] == cb[key]
    assert cb["peak_coh"] == pytest.approx(ca["peak_coh"], rel=1e-9)
    ea, eb = one["erd"], many["erd"]
    assert ea.n_sweeps == eb.n_sweeps > 0
    assert eb.erd_percent == pytest.approx(ea.erd_percent, rel=1e-4)


def test_bereitschaft_reads_in_chunks(monkeypatch):
    sim = simulate("functional", duration=400, seed=1, rate=12, channels=["C3", "Cz", "C4", "EMG R Deltoid"])
    rec = sim.recording
    one = bereitschaft(rec, sim.truth)
    monkeypatch.setattr(_common, "PHYS_CHUNK", 60.0)
    spans = spy_reads(monkeypatch, rec)
    many = bereitschaft(rec, sim.truth)
    assert max(spans) <= int((60.0 + 2 * 125.0) * rec.channels[0].sfreq) + 1 < rec.channels[0].n_times
    assert one.n_sweeps == many.n_sweeps > 0
    assert many.amplitude_uv == pytest.approx(one.amplitude_uv, rel=1e-6, abs=1e-6)
    assert many.p_value == one.p_value


def test_epochs_longer_than_the_overlap(monkeypatch):
    # a 30 s epoch window (more than the 10 s least overlap): the overlap grows to hold it
    rng = np.random.default_rng(1)
    sf = 100.0
    x = rng.standard_normal((1, int(300 * sf)))
    rec = Recording.from_array(x, sf, ["Cz"], ["eeg"])
    monkeypatch.setattr(_common, "PHYS_CHUNK", 40.0)
    cols = np.arange(-int(30 * sf), int(30 * sf) + 1)
    centres = np.array([int(35 * sf), int(40 * sf), int(200 * sf)])
    filt = lambda y: _filter(y, sf, l_freq=3.0, h_freq=30.0)  # noqa: E731
    ep = _stream_epochs(rec, [0], sf, 1, filt, centres, cols)
    whole = _filter(x, sf, l_freq=3.0, h_freq=30.0)
    np.testing.assert_allclose(ep[:, 0, :], whole[0][centres[:, None] + cols[None, :]], rtol=0, atol=1e-9)
