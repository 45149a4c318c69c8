"""Small synthetic EMG signals with known events, for the detection tests.

Independent of :mod:`myoclonus.simulate` so the detector tests do not depend on the simulator.
"""
from __future__ import annotations

import numpy as np
from scipy import signal

from myoclonus.events import Events

__all__ = ["carrier", "make_emg", "qrs_train"]


def carrier(rng, n, sfreq, band=(20.0, 450.0)):
    """Unit-RMS band-limited Gaussian noise (EMG interference pattern)."""
    hi = min(band[1], 0.45 * sfreq)
    sos = signal.butter(4, [band[0], hi], btype="bandpass", fs=sfreq, output="sos")
    x = signal.sosfilt(sos, rng.standard_normal(n + 2000))[2000:]
    return x / x.std()


def _ramp_env(n, sfreq, rise):
    env = np.ones(n)
    k = min(max(1, int(rise * sfreq)), n // 2)
    if k > 1:
        r = 0.5 - 0.5 * np.cos(np.linspace(0, np.pi, k))
        env[:k] = r
        env[-k:] = r[::-1]
    return env


def qrs_train(n, sfreq, *, rate=72.0, amplitude=60.0, start=0.5, jitter=0.03, rng=None):
    """QRS-like spikes (biphasic, ~40 ms) at a regular rate; returns (signal, R-peak times in s)."""
    rng = np.random.default_rng(0) if rng is None else rng
    period = 60.0 / rate
    times = []
    t = start
    while t < n / sfreq - 0.2:
        times.append(t)
        t += period * (1 + jitter * rng.standard_normal())
    tt = np.arange(-0.05, 0.05, 1 / sfreq)
    tmpl = amplitude * (np.exp(-0.5 * (tt / 0.006) ** 2) - 0.35 * np.exp(-0.5 * ((tt - 0.016) / 0.008) ** 2)
                        - 0.2 * np.exp(-0.5 * ((tt + 0.014) / 0.006) ** 2))
    x = np.zeros(n)
    for t0 in times:
        i = int(round(t0 * sfreq)) + int(round(-0.05 * sfreq))
        j = i + tmpl.size
        if i >= 0 and j <= n:
            x[i:j] += tmpl * (1 + 0.05 * rng.standard_normal())
    return x, np.array(times)


def make_emg(duration, sfreq, *, seed=0, background=3.0, jerks=(), tonic=(), silent=(), voluntary=(),
             drift=0.0, mains=0.0, mains_freq=50.0, qrs=None):
    """One EMG channel (uV) and its truth.

    Parameters
    ----------
    jerks : sequence of (onset_s, duration_s, amplitude_x_background)
    tonic : sequence of (start_s, stop_s, level_x_background)
    silent : sequence of (onset_s, duration_s) silences inside tonic segments
    voluntary : sequence of (onset_s, duration_s, level_x_background, rise_s)
    qrs : dict | None
        ``qrs_train`` options.

    Returns
    -------
    x : ndarray
    truth : Events
        'jerk', 'sustained' (voluntary) and 'silent_period' events on channel 'EMG'.
    r_times : ndarray
        QRS times (s), empty without ``qrs``.
    """
    rng = np.random.default_rng(seed)
    n = int(round(duration * sfreq))
    x = background * carrier(rng, n, sfreq)
    ons, durs, kinds = [], [], []
    amp_env = np.zeros(n)
    for a, b, lvl in tonic:
        i, j = int(a * sfreq), int(b * sfreq)
        amp_env[i:j] = np.maximum(amp_env[i:j], lvl * background * _ramp_env(j - i, sfreq, 0.1))
    for o, d in silent:
        i, j = int(round(o * sfreq)), int(round((o + d) * sfreq))
        amp_env[i:j] = 0.0
        ons.append(i / sfreq)
        durs.append((j - i) / sfreq)
        kinds.append("silent_period")
    for o, d, lvl, rise in voluntary:
        i, j = int(round(o * sfreq)), int(round((o + d) * sfreq))
        amp_env[i:j] = np.maximum(amp_env[i:j], lvl * background * _ramp_env(j - i, sfreq, rise))
        ons.append(i / sfreq)
        durs.append((j - i) / sfreq)
        kinds.append("sustained")
    if amp_env.any():
        x += amp_env * carrier(rng, n, sfreq)
    for o, d, amp in jerks:
        i, j = int(round(o * sfreq)), int(round((o + d) * sfreq))
        x[i:j] += amp * background * _ramp_env(j - i, sfreq, 0.002) * carrier(rng, j - i, sfreq)
        ons.append(i / sfreq)
        durs.append((j - i) / sfreq)
        kinds.append("jerk")
    r_times = np.zeros(0)
    if qrs is not None:
        q, r_times = qrs_train(n, sfreq, rng=rng, **qrs)
        x += q
    t = np.arange(n) / sfreq
    if drift:
        x += drift * np.sin(2 * np.pi * 0.3 * t) + 0.5 * drift * np.sin(2 * np.pi * 0.07 * t + 1)
    if mains:
        x += mains * np.sin(2 * np.pi * mains_freq * t)
    return x, Events(ons, durs, kinds, "EMG"), r_times
