"""Silent periods (negative myoclonus) on synthetic tonic EMG: myoclonus.detect.silent."""
from __future__ import annotations

import numpy as np
import pytest
from _detect_synth import carrier
from scipy import signal

from myoclonus.detect.silent import detect_silent_periods
from myoclonus.events import Events
from myoclonus.scoring import score_events

SF = 2048.0


def _gain(n, silences, edge=0.003):
    """Tonic gain: 1, falling to 0 over ``edge`` s (raised cosine) in each (onset, duration) silence."""
    g = np.ones(n)
    ne = max(1, int(edge * SF))
    ramp = 0.5 - 0.5 * np.cos(np.linspace(0, np.pi, ne))
    for o, d in silences:
        a, c = int(round((o - edge / 2) * SF)), int(round((o + d - edge / 2) * SF))
        g[a:a + ne] = ramp[::-1]
        g[a + ne:c] = 0.0
        g[c:c + ne] = ramp
    return g


def _score(silences, det):
    truth = Events([o for o, _ in silences], [d for _, d in silences], "silent_period", "EMG")
    found = Events(det[0] / SF, (det[1] - det[0]) / SF, "silent_period", "EMG")
    return score_events(truth, found)


def _dense(duration, silences, *, seed=0, rest=1.0, tonic=5.0, start=0.0):
    """Surface-like tonic EMG (band-limited Gaussian) at ``tonic`` x the resting RMS from ``start`` s."""
    rng = np.random.default_rng(seed)
    n = int(duration * SF)
    on = np.arange(n) >= int(start * SF)
    return rest * carrier(rng, n, SF) + tonic * rest * carrier(rng, n, SF) * _gain(n, silences) * on


def test_silences_in_dense_tonic_emg():
    sil = [(1.5 + 1.3 * k, d) for k, d in enumerate(np.geomspace(0.05, 0.4, 12))]
    x = _dense(24.0, sil, seed=1)  # the last 6 s hold no silence
    det = detect_silent_periods(x, SF)
    sc = _score(sil, det)
    assert sc["f1"] == 1.0
    assert sc["onset_error_ms_median"] <= 3.0 and sc["onset_error_ms_p95"] <= 8.0
    assert sc["duration_within_tolerance"] >= 0.9
    assert not np.any(det[0] > 18.0 * SF)
    # the preceding tonic level is the tonic RMS (5x rest, plus the rest underneath), the silence the rest
    assert np.allclose(det[2], np.sqrt(26.0), rtol=0.15)
    assert np.all(det[3] < 1.5)


def test_silence_right_after_a_jerk_opens_at_its_offset():
    """The post-jerk silence of cortical myoclonus: found from the jerk's offset, with the tonic level of
    the EMG before the jerk (the jerk itself does not count as tonic activity)."""
    rng = np.random.default_rng(2)
    n = int(20 * SF)
    sil, jerks = [], []
    for k in range(12):
        j0 = 1.2 + 1.5 * k
        jd = 0.02 + 0.002 * k
        sil.append((j0 + jd, 0.06 + 0.015 * k))
        jerks.append((int(round(j0 * SF)), int(round((j0 + jd) * SF))))
    x = carrier(rng, n, SF) + 5.0 * carrier(rng, n, SF) * _gain(n, sil, edge=0.0005)
    edge = 0.5 - 0.5 * np.cos(np.linspace(0, np.pi, int(0.002 * SF)))  # 2 ms raised-cosine edges
    for a, b in jerks:
        env = np.ones(b - a)
        env[:edge.size], env[-edge.size:] = edge, edge[::-1]
        x[a:b] += 100.0 * rng.standard_normal(b - a) * env
    bursts = (np.array([a for a, _ in jerks]), np.array([b for _, b in jerks]))
    det = detect_silent_periods(x, SF, bursts=bursts)
    assert len(det[0]) == 12
    assert np.all(np.abs(det[0] - bursts[1]) <= 1)
    assert np.allclose(det[2], np.sqrt(26.0), rtol=0.2)  # the tonic level, not raised by the 20x jerks
    # the zero-phase band-pass rings for a few ms after a 20x jerk, louder than the tonic EMG: the
    # silence then opens where the ringing has died out, within 20 ms of the jerk's offset
    sos = signal.butter(4, [20.0, 450.0], btype="bandpass", fs=SF, output="sos")
    filt = detect_silent_periods(signal.sosfiltfilt(sos, x), SF, bursts=bursts)
    assert len(filt[0]) == 12
    lag = (filt[0] - bursts[1]) / SF
    assert np.all((lag >= -0.001) & (lag <= 0.020)) and np.median(np.abs(lag)) <= 0.006


def _motor_units(duration, rates, *, seed=0, amplitude=60.0, noise=2.0, cv=0.15, silences=()):
    """Sparse needle-like tonic EMG: motor units firing at ``rates`` (Hz, inter-discharge CV ``cv``),
    biphasic 6 ms potentials, a baseline noise; no discharge inside ``silences``."""
    rng = np.random.default_rng(seed)
    n = int(duration * SF)
    x = noise * rng.standard_normal(n)
    tt = np.arange(-0.006, 0.006, 1 / SF)
    muap = -tt / 0.0015 * np.exp(-0.5 * (tt / 0.0015) ** 2)
    for r in rates:
        shape = amplitude * rng.uniform(0.6, 1.0) * muap
        t = rng.uniform(0, 1 / r)
        while t < duration - 0.02:
            quiet = any(o - 0.006 <= t < o + d + 0.006 for o, d in silences)
            if not quiet:
                i = int(t * SF)
                x[i:i + shape.size] += shape[: n - i]
            t += max(0.02, (1 + cv * rng.standard_normal()) / r)
    return x


def test_gaps_of_sparse_tonic_emg_are_not_silences():
    """Two motor units at 9 and 13 Hz leave 50-100 ms gaps between discharges at the baseline level:
    no silent period, since the tonic EMG shows such gaps all the time (the longest gap of a stretch
    is as quiet as a silence: only its length, against the other gaps, tells them apart)."""
    for seed in (3, 4):
        assert len(detect_silent_periods(_motor_units(120.0, [9.0, 13.0], seed=seed), SF)[0]) == 0
    # silences well beyond those gaps (300-400 ms) are found; a 60 ms one only when it lengthens the gaps
    # around it past 1.5x the usual ones, and then the EMG pause measured is that longer one
    long_ = [(3.0 + 4.0 * k, 0.3 + 0.02 * k) for k in range(6)]
    short = [(5.0 + 4.0 * k, 0.06) for k in range(6)]
    y = _motor_units(30.0, [9.0, 13.0], seed=4, silences=long_ + short)
    on, off, _, _ = detect_silent_periods(y, SF)
    mid = (on + off) / 2 / SF
    near_long = np.array([np.any([abs(m - o - d / 2) < d / 2 for o, d in long_]) for m in mid])
    near_short = np.array([np.any([abs(m - o - d / 2) < 0.05 for o, d in short]) for m in mid])
    assert near_long.sum() == 6 and np.all(near_long | near_short)  # every long one, nothing else
    assert near_short.sum() < 6 and np.all(off[near_short] - on[near_short] > 0.1 * SF)


def test_relaxation_and_rest_are_not_silences():
    # tonic EMG that stops (relaxation) and never resumes
    x = _dense(10.0, [], seed=5)
    x[int(6 * SF):] *= 0.2
    assert len(detect_silent_periods(x, SF)[0]) == 0
    # rest only
    assert len(detect_silent_periods(_dense(10.0, [], seed=6, tonic=0.0), SF)[0]) == 0
    # a silence 0.6 s after the tonic activity began: rest in its reference does not hide it
    sil = [(3.6, 0.12)]
    got = detect_silent_periods(_dense(8.0, sil, seed=7, start=3.0), SF)
    assert _score(sil, got)["f1"] == 1.0


def test_neighbouring_silences_do_not_hide_each_other():
    """A silence found is left out of the reference of the next one (and of the previous one)."""
    sil = [(2.0, 0.15), (2.45, 0.2), (2.9, 0.1), (6.0, 0.3), (6.5, 0.3)]
    det = detect_silent_periods(_dense(10.0, sil, seed=8), SF)
    assert _score(sil, det)["f1"] == 1.0


def test_contrast_duration_and_reference_options():
    sil = [(2.0 + 1.5 * k, 0.15) for k in range(5)]
    shallow = _dense(10.0, sil, seed=9, tonic=3.0)  # silence at 1/3 of... the rest under a 3x tonic
    assert _score(sil, detect_silent_periods(shallow, SF))["recall"] == 1.0
    assert len(detect_silent_periods(shallow, SF, min_contrast=4.0)[0]) == 0
    long_ = [(2.0 + 1.5 * k, 0.4) for k in range(5)]
    x = _dense(10.0, long_, seed=10)
    assert _score(long_, detect_silent_periods(x, SF))["f1"] == 1.0
    assert len(detect_silent_periods(x, SF, max_duration=0.2)[0]) == 0
    assert len(detect_silent_periods(x, SF, min_duration=0.5)[0]) == 0
    # a reference too short to hold the required tonic EMG: nothing is called a silence
    assert len(detect_silent_periods(x, SF, reference=0.2, tonic_window=0.4)[0]) == 0


@pytest.mark.parametrize("n", [0, 10, 800])
def test_short_input(n):
    det = detect_silent_periods(np.ones(n), SF)
    assert all(len(v) == 0 for v in det)
