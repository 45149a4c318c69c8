"""Preprocessing: filters, mains detection, notch, TKEO, accelerometer signals."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import signal

from myoclonus._validate import MyoclonusUsageError
from myoclonus.preprocess import (
    acc_magnitude,
    bandpass,
    clamp_band,
    detect_mains,
    jerk_signal,
    moving_rms,
    notch,
    preprocess_emg,
    robust_noise_floor,
    tkeo,
)

SF = 2048.0


def _line_power(x, f0, sf=SF):
    f, p = signal.welch(x, sf, nperseg=int(sf))
    return p[np.argmin(np.abs(f - f0))]


@pytest.mark.parametrize("f0", [50.0, 60.0])
def test_detect_mains_and_notch(f0):
    rng = np.random.default_rng(0)
    t = np.arange(int(20 * SF)) / SF
    x = rng.normal(0, 5, t.size) + 20 * np.sin(2 * np.pi * f0 * t) + 5 * np.sin(2 * np.pi * 3 * f0 * t)
    freq, db = detect_mains(x, SF)
    assert freq == f0 and db > 20
    log = []
    y = notch(x, SF, f0, log=log)
    assert _line_power(y, f0) < 1e-3 * _line_power(x, f0)
    assert _line_power(y, 3 * f0) < 1e-2 * _line_power(x, 3 * f0)
    assert f"{f0:g}" in log[0] and "notch" in log[0]
    # the rest of the band is untouched
    assert _line_power(y, 80.0) == pytest.approx(_line_power(x, 80.0), rel=0.3)


def test_detect_mains_none_on_noise():
    x = np.random.default_rng(1).normal(0, 5, int(20 * SF))
    assert detect_mains(x, SF)[0] is None


def test_preprocess_emg_logs_every_filter_and_removes_drift():
    rng = np.random.default_rng(2)
    t = np.arange(int(10 * SF)) / SF
    x = 500 + 300 * np.sin(2 * np.pi * 0.3 * t) + rng.normal(0, 5, t.size) + 30 * np.sin(2 * np.pi * 50 * t)
    log = []
    y = preprocess_emg(x, SF, log=log, baseline_hp=1.0)
    assert any("high-pass 1 Hz" in s for s in log)
    assert any("mains detected at 50 Hz" in s for s in log)
    assert any("notch" in s for s in log)
    assert any("band-pass 20-450 Hz" in s for s in log)
    assert abs(np.mean(y)) < 0.5
    assert np.std(y) < 5  # drift and mains gone, band-limited noise left
    log = []
    preprocess_emg(x, 250.0, log=log, notch_freq=None)
    assert any("band-pass 20-112.5 Hz" in s for s in log)


def test_clamp_band_and_bandpass_errors():
    assert clamp_band(20, 450, 250) == (20.0, 112.5)
    assert clamp_band(20, 450, 30)[1] is None
    with pytest.raises(MyoclonusUsageError, match="Nyquist"):
        bandpass(np.zeros(100), 30.0, 20.0, None)


def test_tkeo_sinusoid():
    n = np.arange(2000)
    a, w = 3.0, 0.2
    x = a * np.sin(w * n)
    psi = tkeo(x)
    # TKEO of A sin(w n) is A^2 sin^2(w)
    np.testing.assert_allclose(psi[1:-1], a**2 * np.sin(w) ** 2, rtol=1e-9)
    assert psi.shape == x.shape


def test_moving_rms_and_noise_floor():
    rng = np.random.default_rng(3)
    x = rng.normal(0, 2, int(30 * SF))
    x[int(5 * SF): int(25 * SF): int(0.3 * SF)] += 200  # many spikes
    env = moving_rms(x, SF, 0.005)
    assert env.shape == x.shape
    level, spread = robust_noise_floor(env, SF)
    assert 1.5 < level < 2.5
    assert spread > 0


def test_acc_magnitude_and_jerk_signal():
    t = np.arange(int(10 * 200.0)) / 200.0
    acc = np.vstack([np.zeros_like(t), np.zeros_like(t), np.full_like(t, 9.81)])
    np.testing.assert_allclose(acc_magnitude(acc), 9.81)
    acc[0, 1000:1010] += 5.0  # a 50 ms knock
    j = jerk_signal(acc, 200.0, log=(log := []))
    assert np.argmax(j) in range(990, 1020)
    assert j[:800].max() < 0.05 * j.max()  # gravity gives no jerk
    assert "band-pass" in log[0]


def test_mains_harmonics_notches_only_lines_present():
    """'auto' notches 50 Hz and 150 Hz when only those lines are in the signal, not every harmonic."""
    from myoclonus.preprocess import detect_mains, mains_harmonics, preprocess_emg

    sf = 2048.0
    rng = np.random.default_rng(3)
    t = np.arange(int(30 * sf)) / sf
    x = rng.standard_normal(t.size) * 5 + 20 * np.sin(2 * np.pi * 50 * t) + 8 * np.sin(2 * np.pi * 150 * t)
    f0, _ = detect_mains(x, sf)
    assert f0 == 50.0
    assert mains_harmonics(x, sf, f0, top=450.0) == [50.0, 150.0]
    log = []
    y = preprocess_emg(x, sf, log=log)
    assert any(e.startswith("IIR notch 50, 150 Hz") for e in log), log
    # both lines are removed: the residual is the noise (RMS 5 uV, minus what the band-pass removes)
    mid = slice(int(2 * sf), int(28 * sf))
    assert np.std(y[mid]) < 5.0
    # a numeric notch still notches every harmonic up to h_freq
    log = []
    preprocess_emg(x, sf, notch_freq=50.0, log=log)
    assert any(e.startswith("IIR notch 50, 100, 150, 200, 250, 300, 350, 400, 450 Hz") for e in log), log
