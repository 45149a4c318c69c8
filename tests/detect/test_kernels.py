"""Compiled (numba) and NumPy paths of the per-burst detection loops give the same results."""
from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest

import myoclonus._numba as mnumba
from myoclonus.detect import _kernels, _ramp_kernels, _rise_kernels, _silent_kernels
from myoclonus.detect.bursts import (
    DECAY_GRID,
    ar_whiten,
    fit_ramps,
    fit_ramps_whitened,
    refine_offsets,
    refine_onsets,
    rise_times,
    slow_rise_glr,
)
from myoclonus.detect.silent import detect_silent_periods
from myoclonus.simulate import simulate

SF = 2048.0


def _both(monkeypatch, fn):
    """``fn()`` with the NumPy path and with the compiled path (numba required for the latter)."""
    pytest.importorskip("numba")
    monkeypatch.setenv("MYOCLONUS_NUMBA", "0")
    ref = fn()
    monkeypatch.setenv("MYOCLONUS_NUMBA", "1")
    assert mnumba.use_numba()
    return ref, fn()


def _assert_same(ref, got):
    """Integer arrays identical, float arrays within 1e-9 relative (NaN where NaN)."""
    ref = ref if isinstance(ref, tuple) else (ref,)
    got = got if isinstance(got, tuple) else (got,)
    assert len(ref) == len(got)
    for r, g in zip(ref, got):
        r, g = np.asarray(r), np.asarray(g)
        assert r.shape == g.shape
        if r.dtype.kind == "f":
            np.testing.assert_allclose(g, r, rtol=1e-9, atol=0, equal_nan=True)
        else:
            assert g.dtype.kind == r.dtype.kind
            np.testing.assert_array_equal(g, r)


def _bursty(seed, n=120_000):
    """White background with ramped bursts, a tonic stretch with dips, bursts at both signal ends."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n) * rng.uniform(0.5, 3.0)
    ons = np.sort(rng.choice(np.arange(2000, n - 3000), 40, replace=False))
    ons = ons[np.r_[True, np.diff(ons) > 1500]]
    ends = ons + rng.integers(6, 1200, ons.size)
    for a, b in zip(ons, ends):
        m = b - a
        env = np.full(m, rng.uniform(2.0, 20.0))
        r = min(int(rng.integers(1, 60)), m)
        env[:r] *= np.linspace(0.0, 1.0, r)
        x[a:b] += rng.standard_normal(m) * env
    t0 = int(rng.integers(0, n // 2))
    x[t0:t0 + 40_000] *= 4.0
    for k in range(8):
        s = t0 + 2000 + k * 4500
        x[s:s + int(rng.integers(100, 900))] *= 0.1
    # edge bursts: at the first and last samples
    starts = np.r_[0, ons, n - 30]
    stops = np.r_[25, ends, n]
    peaks = np.minimum(starts + rng.integers(0, 40, starts.size), stops - 1)
    floor = rng.uniform(0.5, 2.0, starts.size) if seed % 2 else 1.0
    return x, starts, stops, peaks, floor


CASES = [0, 1, 2, 3]


@pytest.mark.parametrize("seed", CASES)
def test_refine_edges_agree(monkeypatch, seed):
    x, s, e, pk, fl = _bursty(seed)
    for search in (0.03, 0.005):
        _assert_same(*_both(monkeypatch, lambda: refine_onsets(x, SF, s, pk, fl, search=search)))
        _assert_same(*_both(monkeypatch, lambda: refine_offsets(x, SF, e, pk, fl, search=search)))


@pytest.mark.parametrize("seed", CASES)
@pytest.mark.parametrize(
    "kw",
    [
        dict(grid=DECAY_GRID, search=0.005, outward=0.032, margin=1.0, reverse=True),
        dict(grid=DECAY_GRID, reverse=True),
        dict(search=0.005, outward=0.004),
        dict(search=0.01, margin=2.0),
    ],
)
def test_fit_ramps_agree(monkeypatch, seed, kw):
    x, s, e, _, fl = _bursty(seed)
    _assert_same(*_both(monkeypatch, lambda: fit_ramps(x, SF, s, e, fl, **kw)))


@pytest.mark.parametrize("seed", CASES)
@pytest.mark.parametrize(
    "kw",
    [
        dict(grid=DECAY_GRID, search=0.005, outward=0.032, margin=1.0, reverse=True),
        dict(search=0.005, outward=0.004),
    ],
)
def test_fit_ramps_whitened_agree(monkeypatch, seed, kw):
    x, s, e, _, fl = _bursty(seed)
    _assert_same(*_both(monkeypatch, lambda: fit_ramps_whitened(x, SF, s, e, fl, **kw)))
    # order 0 is the plain fit
    _assert_same(fit_ramps(x, SF, s, e, fl, **kw), fit_ramps_whitened(x, SF, s, e, fl, order=0, **kw))


def test_ar_whiten():
    """An AR(2) process comes out white; causal / anti-causal filters do not spread a burst outwards."""
    rng = np.random.default_rng(3)
    w = rng.standard_normal(50_000)
    x = np.zeros_like(w)
    for t in range(2, w.size):  # resonant AR(2): a band-limited, strongly correlated process
        x[t] = 1.6 * x[t - 1] - 0.8 * x[t - 2] + w[t]
    assert abs(np.corrcoef(x[1:], x[:-1])[0, 1]) > 0.8
    e, g = ar_whiten(x, 3)
    assert abs(np.corrcoef(e[1:], e[:-1])[0, 1]) < 0.02
    np.testing.assert_allclose(e[10:], w[10:], atol=0.05)
    assert 0 < g < 1
    b = np.zeros(400)
    b[100:200] = rng.standard_normal(100)
    ec, _ = ar_whiten(b, 3)
    ea, _ = ar_whiten(b, 3, reverse=True)
    assert not ec[:100].any() and not ea[200:].any()
    z, gz = ar_whiten(np.zeros(100), 3)  # degenerate: returned unchanged
    assert gz == 1.0 and not z.any()
    y, g0 = ar_whiten(x, 0)
    assert g0 == 1.0 and np.array_equal(y, x)


@pytest.mark.parametrize("seed", CASES)
def test_slow_rise_glr_agree(monkeypatch, seed):
    x, s, e, _, fl = _bursty(seed)
    ref, got = _both(monkeypatch, lambda: slow_rise_glr(x, SF, s, e, fl))
    assert np.isfinite(ref).sum() > 10
    _assert_same(ref, got)


def _post_jerk(seed, n=80_000):
    """Tonic white EMG with jerks, each followed by a silence: right after it, or after a decaying tail."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n) * 5.0
    starts, stops = [], []
    for k, t in enumerate(range(6000, n - 6000, 7000)):
        d = int(rng.integers(20, 80))
        x[t:t + d] += rng.standard_normal(d) * 60.0
        tail = 0 if k % 2 else int(rng.integers(5, 60))
        x[t + d:t + d + tail] *= np.linspace(1.0, 0.1, tail) if tail else 1.0
        quiet = int(rng.integers(110, 600))
        x[t + d + tail:t + d + tail + quiet] *= 0.1
        starts.append(t)
        stops.append(t + d)
    return x, np.array(starts), np.array(stops)


@pytest.mark.parametrize("seed", CASES)
def test_silent_periods_agree(monkeypatch, seed):
    x, s, e, _, _ = _bursty(seed)
    for bursts in (None, (s, e), (np.zeros(0, int), np.zeros(0, int))):
        ref, got = _both(monkeypatch, lambda: detect_silent_periods(x, SF, bursts=bursts))
        assert len(ref[0]) > 0
        _assert_same(ref, got)
    options = (dict(min_contrast=1.0, reference=0.3, tonic_window=0.1), dict(max_duration=0.2, ratio=0.3),
               dict(tonic_window=2.0), dict(reference=0.02))
    for kw in options:
        _assert_same(*_both(monkeypatch, lambda: detect_silent_periods(x, SF, bursts=(s, e), **kw)))
    # silences 0.6 s after the tonic EMG starts and before it stops: quiet runs cut by the reference
    # edge are followed beyond it (rest, not a gap)
    rng = np.random.default_rng(seed)
    y = rng.standard_normal(int(9 * SF))
    y[int(2 * SF):int(7 * SF)] *= 5.0
    for o, d in ((2.6, 0.12), (6.3, 0.1)):
        y[int(o * SF):int((o + d) * SF)] /= 5.0
    ref, got = _both(monkeypatch, lambda: detect_silent_periods(y, SF))
    assert len(ref[0]) == 2
    _assert_same(ref, got)
    # jerks followed by silences: the post-jerk onset rule, with and without a tail between them
    xj, js, je = _post_jerk(seed)
    ref, got = _both(monkeypatch, lambda: detect_silent_periods(xj, SF, bursts=(js, je)))
    assert np.isin(ref[0], je).sum() >= 3
    _assert_same(ref, got)


@pytest.mark.parametrize("seed", CASES)
def test_quiet_runs_agree(monkeypatch, seed):
    """The candidate runs of the silent periods (envelope under the jerk-free local level)."""
    x, s, e, _, _ = _bursty(seed)
    mask = np.ones(x.size, np.int8)
    for a, b in zip(s, e):
        mask[a:b] = 0
    x2 = x * x
    cs2 = np.r_[0.0, np.cumsum(x2)]
    for ne, h, ratio in ((20, 1024, 0.45), (1, 3, 0.9), (7, 50_000, 0.2)):
        ref, got = _both(monkeypatch, lambda: _silent_kernels.quiet_runs(x2, cs2, mask, ne, h, ratio))
        assert len(ref[0]) > 0
        _assert_same(ref, got)


def test_exact_ties_first_maximum(monkeypatch):
    """Flat (all-zero) stretches make many change points equally likely: the first one wins."""
    x = np.zeros(20_000)
    x[5000:5400] = np.random.default_rng(3).standard_normal(400) * 10
    s, e, pk = np.array([5000, 12_000]), np.array([5400, 12_300]), np.array([5050, 12_100])
    _assert_same(*_both(monkeypatch, lambda: fit_ramps(x, SF, s, e, 1.0, grid=DECAY_GRID, reverse=True)))
    _assert_same(*_both(monkeypatch, lambda: fit_ramps(x, SF, s, e, 1.0)))
    _assert_same(*_both(monkeypatch, lambda: refine_onsets(x, SF, s, pk, 1.0)))
    _assert_same(*_both(monkeypatch, lambda: refine_offsets(x, SF, e, pk, 1.0)))
    _assert_same(*_both(monkeypatch, lambda: slow_rise_glr(x, SF, s, e, 1.0)))


def test_argmax_matches_numpy():
    """The compiled change-point search picks what ``np.argmax`` picks: first maximum, first NaN."""
    pytest.importorskip("numba")
    rng = np.random.default_rng(11)
    cases = [rng.standard_normal(50), np.zeros(9), np.array([1.0, 3.0, 3.0, 2.0]),
             np.array([-np.inf, -np.inf, -5.0]), np.array([1.0, np.nan, 4.0, np.nan]), np.array([7.0])]
    for v in cases:
        assert _kernels._argmax_nb(v) == int(np.argmax(v)), v


def test_empty_and_short(monkeypatch):
    x = np.random.default_rng(0).standard_normal(5000)
    z = np.zeros(0, int)
    for fn in (
        lambda: refine_onsets(x, SF, z, z, 1.0),
        lambda: refine_offsets(x, SF, z, z, 1.0),
        lambda: fit_ramps(x, SF, z, z, 1.0),
        lambda: slow_rise_glr(x, SF, z, z, 1.0),
        lambda: fit_ramps(x, SF, np.array([100, 4997]), np.array([103, 5000]), 1.0, reverse=True),
        lambda: refine_offsets(x, SF, np.array([1, 3]), np.array([0, 1]), 1.0),
        lambda: detect_silent_periods(x[:100], SF),
    ):
        _assert_same(*_both(monkeypatch, fn))


def test_median_squares_matches_numpy():
    pytest.importorskip("numba")
    rng = np.random.default_rng(7)
    for it in range(2000):
        n = int(rng.integers(8, 260))
        kind = it % 4
        if kind == 0:
            x = rng.standard_normal(n)
        elif kind == 1:
            x = rng.integers(-3, 4, n).astype(float)  # many ties
        elif kind == 2:
            x = np.zeros(n)
            x[rng.integers(0, n, 3)] = 1.0
        else:
            x = np.sort(rng.standard_normal(n))[::-1].copy()
        a, b = int(rng.integers(0, 3)), n - int(rng.integers(0, 3))
        assert _kernels._median_squares(x, a, b) == np.median(np.square(x[a:b]))
    x = np.r_[1.0, np.nan, np.ones(10)]
    assert np.isnan(_kernels._median_squares(x, 0, x.size))


def test_dispatch_at_call_time(monkeypatch):
    """The compiled path skips the NumPy loops; without numba (or disabled) the kernels are not used."""
    pytest.importorskip("numba")
    x, s, e, pk, fl = _bursty(1)

    def boom(*args, **kwargs):
        raise AssertionError("wrong path")

    monkeypatch.setenv("MYOCLONUS_NUMBA", "1")
    for mod, name in ((_kernels, "_refine_edges_np"), (_ramp_kernels, "_ramp_fits_np"), (_rise_kernels, "_slow_rise_np"),
                      (_silent_kernels, "_silent_np"), (_silent_kernels, "_quiet_np")):
        monkeypatch.setattr(mod, name, boom)
    refine_onsets(x, SF, s, pk, fl)
    fit_ramps(x, SF, s, e, fl)
    slow_rise_glr(x, SF, s, e, fl)
    detect_silent_periods(x, SF)
    monkeypatch.undo()

    for mod, name in ((_kernels, "_refine_edges_nb"), (_ramp_kernels, "_ramp_fits_nb"), (_rise_kernels, "_slow_rise_nb"),
                      (_silent_kernels, "_silent_nb"), (_silent_kernels, "_quiet_nb")):
        monkeypatch.setattr(mod, name, boom)
    monkeypatch.setattr(mnumba, "HAVE_NUMBA", False)
    monkeypatch.setenv("MYOCLONUS_NUMBA", "1")
    assert not mnumba.use_numba()
    on = refine_onsets(x, SF, s, pk, fl)
    edges, rise = fit_ramps(x, SF, s, e, fl, grid=DECAY_GRID, reverse=True)
    slow_rise_glr(x, SF, s, e, fl)
    sp = detect_silent_periods(x, SF)
    assert on.dtype.kind == "i" and edges.dtype.kind == "i" and rise.dtype.kind == "f" and len(sp[0])
    monkeypatch.setattr(mnumba, "use_numba", lambda: False)
    monkeypatch.setattr(mnumba, "HAVE_NUMBA", True)
    refine_offsets(x, SF, e, pk, fl)


def test_float32_uses_numpy_reference(monkeypatch):
    x, s, e, pk, fl = _bursty(2)
    x32 = x.astype(np.float32)
    _assert_same(*_both(monkeypatch, lambda: fit_ramps(x32, SF, s, e, fl, grid=DECAY_GRID, reverse=True)))
    _assert_same(*_both(monkeypatch, lambda: refine_onsets(x32, SF, s, pk, fl)))


def test_rise_times_unchanged(monkeypatch):
    x, s, e, _, _ = _bursty(0)
    _assert_same(*_both(monkeypatch, lambda: rise_times(x, SF, s, e)))


def test_import_and_run_without_numba():
    """The package imports and the NumPy path runs when numba cannot be imported."""
    code = (
        "import sys; sys.modules['numba'] = None\n"
        "import numpy as np\n"
        "import myoclonus._numba as m\n"
        "from myoclonus.detect.bursts import fit_ramps, refine_onsets\n"
        "from myoclonus.detect.silent import detect_silent_periods\n"
        "assert not m.HAVE_NUMBA and not m.use_numba()\n"
        "x = np.random.default_rng(0).standard_normal(20000); x[5000:5400] *= 10\n"
        "s, e = np.array([5000]), np.array([5400])\n"
        "print(fit_ramps(x, 2048.0, s, e, 1.0)[0][0], refine_onsets(x, 2048.0, s, s + 50, 1.0)[0])\n"
        "detect_silent_periods(x, 2048.0)\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert len(res.stdout.split()) == 2


@pytest.fixture(scope="module")
def sim_channels():
    rec = simulate("subcortical", duration=60, seed=1).recording
    names = [c for c in rec.ch_names if c.startswith("EMG")][:4]
    return rec.get_data(names), rec.sfreq


def test_detect_channel_end_to_end(monkeypatch, sim_channels):
    from myoclonus.detect import detect_channel

    data, sfreq = sim_channels

    def run():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return [detect_channel(x, sfreq) for x in data]

    ref, got = _both(monkeypatch, run)
    assert sum(len(r["onset"]) for r in ref) > 10
    for r, g in zip(ref, got):
        _assert_nested(r, g)


def _assert_nested(r, g):
    """Equal structure; floats within 1e-9 relative, everything else identical."""
    if isinstance(r, dict):
        assert isinstance(g, dict) and r.keys() == g.keys()
        for k in r:
            _assert_nested(r[k], g[k])
    elif isinstance(r, (list, tuple)):
        assert type(g) is type(r) and len(g) == len(r)
        for u, v in zip(r, g):
            _assert_nested(u, v)
    elif isinstance(r, np.ndarray) and r.dtype.kind == "f":
        np.testing.assert_allclose(g, r, rtol=1e-9, atol=0, equal_nan=True)
    elif isinstance(r, np.ndarray):
        np.testing.assert_array_equal(g, r)
    elif isinstance(r, float):
        assert g == pytest.approx(r, rel=1e-9, abs=0, nan_ok=True)
    else:
        assert g == r


@pytest.mark.parametrize("seed", CASES)
def test_low_frequency_ratio_agrees(monkeypatch, seed):
    from myoclonus.detect.artifacts import low_frequency_ratio

    x, s, e, _, _ = _bursty(seed)
    raw = x + np.cumsum(np.random.default_rng(seed).standard_normal(x.size)) * 0.05  # a wandering baseline
    raw[5000] += 80.0  # a pop
    # bursts at both signal ends too (their windows are clipped)
    s2, e2 = np.r_[0, s, x.size - 50], np.r_[30, e, x.size]
    keep = (e2 < 4900) | (s2 > 5200)
    s2, e2 = np.sort(np.r_[s2[keep], 4990]), np.sort(np.r_[e2[keep], 5040])  # and one around the pop
    ref, got = _both(monkeypatch, lambda: low_frequency_ratio(raw, x, SF, s2, e2))
    assert (ref[1] > 0).all() and ref[1][s2 == 4990][0] > 10  # the pop is a big step
    _assert_same(ref, got)  # the 1-15 Hz signal itself differs by rounding between the two filter paths
    np.testing.assert_array_equal(got[1], ref[1])  # steps of the raw signal: identical


def _rising_burst(seed, rise, amp=6.0, dur=0.3):
    """1 s of band-passed white background with one burst of ``amp`` x background and a raised-cosine
    rise of ``rise`` s starting at sample 1000; the onset given to the score is half-way up a slow
    rise (where the detector's onset of a voluntary burst lands)."""
    from myoclonus.preprocess import bandpass

    rng = np.random.default_rng(seed)
    x = rng.standard_normal(int(SF))
    a, n, r = 1000, int(dur * SF), int(rise * SF)
    env = np.ones(n)
    env[:r] = 0.5 - 0.5 * np.cos(np.pi * np.arange(1, r + 1) / (r + 1))
    x[a:a + n] *= np.sqrt(1 + (amp * env) ** 2)
    on = a + (r // 2 if rise > 0.01 else 0)
    return bandpass(x, SF, 20.0, 450.0), on, a + n


def test_slow_rise_glr_separates_rises(monkeypatch):
    """Fast (4 ms) rises score below 6, 100 ms rises above it (40 seeds; measured 1/40 and 35/40
    above 6), and most fast rises below -DEFAULTS['rise_evidence'] (a confidence of 0.5 or more is
    allowed); both paths give the same scores."""
    from myoclonus.detect import DEFAULTS

    thr = 6.0
    bursts = {rise: [_rising_burst(seed, rise) for seed in range(40)] for rise in (0.004, 0.1)}

    def scores():
        return tuple(np.array([slow_rise_glr(x, SF, np.array([on]), np.array([off]), 1.0)[0]
                               for x, on, off in bursts[rise]]) for rise in (0.004, 0.1))

    ref, got = _both(monkeypatch, scores)
    _assert_same(ref, got)
    fast, slow = ref
    assert np.sum(fast > thr) <= 2
    assert np.sum(slow > thr) >= 30
    assert np.median(slow) - np.median(fast) > 10
    assert np.median(fast) < -DEFAULTS["rise_evidence"][0]


@pytest.mark.parametrize("mode", ["0", "1"])
def test_slow_rise_coarse_to_fine_exact(monkeypatch, mode):
    """The coarse-to-fine search of the slow ramps (_rise_kernels.COARSE_DIV) finds the same maximum as
    trying every change point (also measured on 3437 simulated bursts of 100 ms or more: identical)."""
    if mode == "1":
        pytest.importorskip("numba")
    monkeypatch.setenv("MYOCLONUS_NUMBA", mode)
    data = [_rising_burst(seed, rise) for seed in range(6) for rise in (0.004, 0.03, 0.06, 0.1)]

    def scores():
        return np.array([slow_rise_glr(x, SF, np.array([on]), np.array([off]), 1.0)[0] for x, on, off in data])

    coarse = scores()
    monkeypatch.setattr(_rise_kernels, "COARSE_DIV", 10**6)
    np.testing.assert_allclose(scores(), coarse, rtol=1e-12, atol=0)


def test_step_detection_paths_agree(monkeypatch):
    """Electrode steps (artifacts.detect_steps): compiled candidate pass = NumPy; steps found at their
    sample with their size, none inside EMG bursts of 25x the background."""
    from myoclonus.detect.artifacts import detect_steps, step_scale

    rng = np.random.default_rng(1)
    x = rng.normal(0, 3, 200000)
    for i in range(0, 200000, 7000):
        x[i:i + 60] += rng.normal(0, 80, 60)
    for i, h in ((15500, 500.0), (77500, -300.0), (150500, 800.0)):
        x[i:] += h * np.exp(-np.arange(x.size - i) / SF / 0.2)
    ref, got = _both(monkeypatch, lambda: detect_steps(x, SF, k=10.0, sd=step_scale(x, span=2)))
    _assert_same(ref, got)
    at, shift = ref
    assert np.all(np.abs(at - np.array([15499, 77499, 150499])) <= 1)  # the jump lies within its 2-sample span
    np.testing.assert_allclose(shift, [500.0, -300.0, 800.0], atol=15.0)


def test_directional_spans_paths_agree(monkeypatch):
    """The causal/anti-causal span filter (edges._sosfilt_spans_nb) equals scipy's sosfilt per span."""
    from myoclonus.detect.edges import directional, directional_band

    x = np.random.default_rng(2).normal(0, 5, 30000).cumsum()
    sos = directional_band(SF, 20.0, 450.0)
    spans = (np.array([100, 5000, 20000]), np.array([3000, 9000, 29990]))
    for reverse in (False, True):
        ref, got = _both(monkeypatch, lambda: directional(x, sos, reverse=reverse, spans=spans))
        _assert_same(ref, got)
        assert np.all(ref[3000:5000] == 0) and np.any(ref[100:3000] != 0)
