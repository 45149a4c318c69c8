"""The single-pass kernels (numba) agree with the NumPy expressions they replace."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.ndimage import uniform_filter1d

from myoclonus.detect import _scan
from myoclonus.detect.bursts import hysteresis

pytest.importorskip("numba")


@pytest.fixture(params=["numba", "numpy"])
def path(request, monkeypatch):
    monkeypatch.setenv("MYOCLONUS_NUMBA", "1" if request.param == "numba" else "0")
    return request.param


def _signal(n=50_000, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n) * 5.0
    x[1000:1300] = 2.0  # flat 300 samples
    x[5000:5003] = 1.0  # flat 3 samples
    x[20000:20100] += rng.standard_normal(100) * 60  # a burst
    return x


@pytest.mark.parametrize("n", [1, 2, 3, 10, 11, 102, 60_000])
def test_moving_rms(path, n):
    x = _signal()
    ref = np.sqrt(np.maximum(uniform_filter1d(x * x, n, mode="nearest"), 0))
    np.testing.assert_allclose(_scan.moving_rms(x, n), ref, rtol=1e-9, atol=1e-9)


def test_energy_cumsum(path):
    x = _signal()
    out = _scan.energy_cumsum(x)
    assert out.shape == (x.size + 1,) and out[0] == 0.0
    np.testing.assert_allclose(out, np.concatenate([[0.0], np.cumsum(x * x)]), rtol=1e-12)


@pytest.mark.parametrize("on, off", [(15.0, 7.5), (3.0, 1.5), (1e9, 1.0)])
def test_hysteresis_compiled_and_numpy(path, on, off):
    env = _scan.moving_rms(_signal(), 10)
    s, e = hysteresis(env, on, off)
    above = env > off  # reference: runs above off that reach on
    d = np.diff(above.astype(np.int8), prepend=np.int8(0), append=np.int8(0))
    s0, e0 = np.flatnonzero(d == 1), np.flatnonzero(d == -1)
    keep = np.array([env[a:b].max() >= on for a, b in zip(s0, e0)], bool)
    s0, e0 = s0[keep], e0[keep]
    np.testing.assert_array_equal(s, s0)
    np.testing.assert_array_equal(e, e0)
    if on < 1e9:
        assert len(s) > 0 and np.all(e > s)
    # a segment running to the end of the array is closed there
    s, e = hysteresis(np.array([0.0, 5.0, 9.0, 8.0]), 8.5, 1.0)
    assert s.tolist() == [1] and e.tolist() == [4]


def test_flat_runs(path):
    s, e = _scan.flat_runs(_signal(), 204.8)
    assert s.tolist() == [1000] and e.tolist() == [1300]
    s, e = _scan.flat_runs(_signal(), 3)
    assert s.tolist() == [1000, 5000] and e.tolist() == [1300, 5003]
    s, e = _scan.flat_runs(np.ones(10), 3)
    assert s.tolist() == [0] and e.tolist() == [10]
    assert _scan.flat_runs(np.zeros(1), 1)[0].size == 0


def test_scaled_hysteresis_matches_full_arrays(path):
    x = _signal()
    centres = (np.arange(x.size // 205) + 0.5) * 205
    values = 4.0 + np.sin(np.arange(centres.size) / 7.0)
    level = _scan.LevelCurve(centres, values, x.size)
    full = np.interp(np.arange(x.size), centres, values)
    np.testing.assert_array_equal(level[np.array([0, 5, 102, 103, 3000, x.size - 1])],
                                  full[[0, 5, 102, 103, 3000, x.size - 1]])
    assert level.max() == full.max()
    env = _scan.moving_rms(x, 10) / full
    for on, off in ((3.0, 1.5), (2.0, 1.0)):
        s, e, pk, pv = _scan.scaled_hysteresis(x, 10, level, on, off)
        s0, e0 = hysteresis(env, on, off)
        np.testing.assert_array_equal(s, s0)
        np.testing.assert_array_equal(e, e0)
        np.testing.assert_array_equal(pk, [a + np.argmax(env[a:b]) for a, b in zip(s0, e0)])
        np.testing.assert_allclose(pv, env[pk], rtol=1e-12)
        assert len(s) > 0


@pytest.mark.parametrize("n,size", [(1, 300), (2, 3), (10, 5000), (245, 1000), (245, 60_000), (245, 10)])
def test_gradient_energy(path, n, size):
    y = np.random.default_rng(size).standard_normal(size) * 3.0
    ref = uniform_filter1d(np.square(np.gradient(y)) * 2048.0**2, n, mode="nearest")
    got = _scan.gradient_energy(y, 2048.0**2, n)
    assert got.shape == ref.shape
    np.testing.assert_allclose(got, ref, rtol=0, atol=1e-12 * ref.max())
