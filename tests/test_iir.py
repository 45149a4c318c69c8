"""Zero-phase IIR kernel (myoclonus._iir) against scipy.signal.sosfiltfilt, numba and SciPy paths."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import signal

from myoclonus import _iir
from myoclonus._numba import HAVE_NUMBA
from myoclonus.preprocess import bandpass, notch, preprocess_emg

SF = 2048.0
NOTCH = np.concatenate([signal.tf2sos(*signal.iirnotch(50.0 * k, 30.0, fs=SF)) for k in range(1, 10)])
BAND = signal.butter(4, [20.0, 450.0], btype="bandpass", fs=SF, output="sos")
HP = signal.butter(2, 0.5, btype="highpass", fs=100.0, output="sos")
CASCADES = {"notch": NOTCH, "band": BAND, "both": np.concatenate([NOTCH, BAND]), "hp": HP}


@pytest.fixture(params=["numba", "scipy"])
def path(request, monkeypatch):
    if request.param == "numba":
        if not HAVE_NUMBA:
            pytest.skip("numba is not installed")
        monkeypatch.setenv("MYOCLONUS_NUMBA", "1")
    else:
        monkeypatch.setenv("MYOCLONUS_NUMBA", "0")
    return request.param


def _signal(shape, seed=0):
    rng = np.random.default_rng(seed)
    n = shape[-1]
    drift = np.linspace(-30.0, 50.0, n)  # a DC step at the edges exercises the initial conditions
    t = np.arange(n) / SF
    return rng.standard_normal(shape) * 10.0 + drift + 20.0 * np.sin(2 * np.pi * 50.0 * t)


def _rel_err(y, ref):
    return np.max(np.abs(y - ref)) / np.sqrt(np.mean(ref**2))


@pytest.mark.parametrize("name", list(CASCADES))
@pytest.mark.parametrize("shape", [(int(120 * SF),), (3, int(40 * SF)), (2, 2, 5000), (int(6 * SF),)])
@pytest.mark.parametrize("padlen", [None, "preprocess", 0])
def test_matches_scipy(path, name, shape, padlen):
    sos = CASCADES[name]
    x = _signal(shape)
    if padlen == "preprocess":
        padlen = 3 * (2 * len(sos) + 1)
    ref = signal.sosfiltfilt(sos, x, axis=-1, padtype="odd", padlen=padlen)
    y = _iir.sosfiltfilt(sos, x, padlen=padlen)
    assert y.shape == x.shape and y.dtype == np.float64
    assert _rel_err(y, ref) <= 1e-9
    # the edges (where the initial conditions matter) on their own
    assert np.max(np.abs(y[..., :200] - ref[..., :200])) <= 1e-9 * np.sqrt(np.mean(ref**2))
    assert np.max(np.abs(y[..., -200:] - ref[..., -200:])) <= 1e-9 * np.sqrt(np.mean(ref**2))


def test_long_multichannel_stretches(path):
    # long enough that the numba path splits every channel into stretches with warm-up
    x = _signal((2, int(300 * SF)), seed=3)
    sos = np.concatenate([NOTCH, BAND])
    ref = signal.sosfiltfilt(sos, x, axis=-1, padlen=81)
    assert _rel_err(_iir.sosfiltfilt(sos, x, padlen=81), ref) <= 1e-11
    assert _rel_err(_iir.sosfiltfilt(sos, x[0], padlen=81), ref[0]) <= 1e-11


@pytest.mark.parametrize("shape", [(20, 4000), (3, int(100 * SF)), (int(90 * SF),)])
def test_lane_plans(path, shape):
    # 20 channels: a vectorised group of 16 and 4 scalar lanes; 3 x 100 s: 5 stretches per
    # channel and a dummy lane; 90 s: 16 stretches
    x = _signal(shape, seed=5)
    for sos in (NOTCH, BAND):
        ref = signal.sosfiltfilt(sos, x, axis=-1)
        assert _rel_err(_iir.sosfiltfilt(sos, x), ref) <= 1e-11


def test_plan_covers_signal():
    for n_ch, m, w, n_sec in [(1, 10**6, 14881, None), (3, 204800, 2000, None), (1, 30000, 14881, None),
                              (20, 5000, 100, None), (2, 500, None, None), (1, 614418, 14881, 1), (1, 10**6, 14881, 4)]:
        ch, a, own, n_steps = _iir._lane_plan(n_ch, m, w, n_sec)
        if n_sec == 1:  # a short cascade: at most 8 stretches
            assert 1 < int((a < m).sum()) <= _iir._SHORT_MAX_STRETCHES
        assert ch.size % _iir._GROUP == 0 or ch.size == n_ch or (n_sec is not None and ch.size < _iir._GROUP)
        for c in range(n_ch):
            sel = (ch == c) & (a < m)
            owned = np.zeros(m, int)
            for a0, o0 in zip(a[sel], own[sel]):
                owned[a0 + o0 : min(a0 + n_steps, m)] += 1
            assert np.all(owned == 1)  # every position owned by exactly one stretch
            assert np.all(own[sel][a[sel] == 0] == 0) and np.sum(a[sel] == 0) == 1


def test_non_contiguous_and_int_input(path):
    x = _signal((4, 6000))[::2, ::-1]
    ref = signal.sosfiltfilt(BAND, x, axis=-1)
    assert _rel_err(_iir.sosfiltfilt(BAND, x), ref) <= 1e-9
    xi = np.round(x[0]).astype(np.int32)
    y = _iir.sosfiltfilt(BAND, xi)
    assert y.dtype == np.float64
    assert _rel_err(y, signal.sosfiltfilt(BAND, xi)) <= 1e-9


@pytest.mark.parametrize("n_extra", [1, 2, 50])
def test_short_signals(path, n_extra):
    for sos in (BAND, NOTCH):
        edge = 3 * (2 * len(sos) + 1)
        x = _signal((2, edge + n_extra), seed=n_extra)
        ref = signal.sosfiltfilt(sos, x, axis=-1)
        assert _rel_err(_iir.sosfiltfilt(sos, x), ref) <= 1e-9
        ref = signal.sosfiltfilt(sos, x[0], padlen=edge)
        assert _rel_err(_iir.sosfiltfilt(sos, x[0], padlen=edge), ref) <= 1e-9


def test_too_short_raises_like_scipy(path):
    x = np.ones(27)
    with pytest.raises(ValueError, match="greater than padlen, which is 27"):
        signal.sosfiltfilt(BAND, x)
    with pytest.raises(ValueError, match="greater than padlen, which is 27"):
        _iir.sosfiltfilt(BAND, x)
    with pytest.raises(ValueError, match="greater than padlen, which is 10"):
        _iir.sosfiltfilt(BAND, np.ones(10), padlen=10)
    with pytest.raises(ValueError, match="shape"):
        _iir.sosfiltfilt(np.ones((2, 5)), np.ones(100))
    bad = BAND.copy()
    bad[0, 3] = 2.0
    with pytest.raises(ValueError, match="ones"):
        _iir.sosfiltfilt(bad, np.ones(100))
    # padlen 0 and very short signals: no extension, like SciPy
    for n in (1, 2, 5):
        x = _signal((n,))
        assert _rel_err(_iir.sosfiltfilt(BAND, x, padlen=0) + 1e-300, signal.sosfiltfilt(BAND, x, padlen=0) + 1e-300) <= 1e-9


def test_float32(path):
    x64 = _signal((2, int(60 * SF)))
    x = x64.astype(np.float32)
    for sos in (NOTCH, BAND):
        ref = signal.sosfiltfilt(sos, x64, axis=-1, padlen=3 * (2 * len(sos) + 1))
        y = _iir.sosfiltfilt(sos, x, padlen=3 * (2 * len(sos) + 1))
        assert y.dtype == np.float32 and y.shape == x.shape
        # float32 state and coefficients near the unit circle: ~1e-4 of the RMS (docstring)
        assert _rel_err(y.astype(np.float64), ref) <= 5e-4


def test_numba_equals_scipy_path(monkeypatch):
    if not HAVE_NUMBA:
        pytest.skip("numba is not installed")
    x = _signal((2, int(100 * SF)), seed=7)
    monkeypatch.setenv("MYOCLONUS_NUMBA", "1")
    a = _iir.sosfiltfilt(NOTCH, x, padlen=57)
    monkeypatch.setenv("MYOCLONUS_NUMBA", "0")
    b = _iir.sosfiltfilt(NOTCH, x, padlen=57)
    assert _rel_err(a, b) <= 1e-11


@pytest.mark.parametrize("shape", [(int(200 * SF),), (2, int(30 * SF)), (5000,)])
def test_preprocess_unchanged(monkeypatch, shape):
    if not HAVE_NUMBA:
        pytest.skip("numba is not installed")
    x = _signal(shape, seed=11)
    out = {}
    for flag in ("0", "1"):
        monkeypatch.setenv("MYOCLONUS_NUMBA", flag)
        log = []
        out[flag] = (
            preprocess_emg(x, SF, notch_freq=50.0, baseline_hp=1.0, log=log),
            preprocess_emg(x, SF, notch_freq="auto"),
            notch(x, SF, 60.0),
            bandpass(x, SF, 0.5, 30.0, order=2),
            log,
        )
    for a, b in zip(out["0"][:4], out["1"][:4]):
        assert a.shape == b.shape == x.shape
        assert np.max(np.abs(a - b)) <= 1e-9 * np.sqrt(np.mean(a**2))
    assert out["0"][4] == out["1"][4]
