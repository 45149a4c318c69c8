"""Zero-phase EMG filtering speed: ``scipy.signal.sosfiltfilt`` vs ``myoclonus._iir.sosfiltfilt``.

The cascade of :func:`myoclonus.preprocess.preprocess_emg`: 50 Hz notch and harmonics up to 450 Hz
(9 biquads, Q=30), then Butterworth 20-450 Hz order 4 (4 biquads), each zero-phase with padlen
``3 * (2 * n_sections + 1)``, on 10 minutes of 2048 Hz noise. Prints seconds per channel-hour
(median of 5 runs, numba warmed up) and the largest difference to SciPy relative to the RMS.

    PYTHONPATH=src python benchmarks/filter_speed.py [--minutes 10] [--repeat 5]

With ``--plans``, instead: ns per sample of one zero-phase cascade (50 Hz notch, 9-harmonic notch,
band-pass) on 5 minutes of one channel (a detection chunk), with the channel cut into k = 1, 2,
4, 8, 16 stretches filtered side by side and with the planner's own choice (the measurements behind
the lane cost model of :mod:`myoclonus._iir`).
"""
from __future__ import annotations

import argparse
import time

import numpy as np
from scipy import signal

from myoclonus import _iir

SF = 2048.0


def cascade(sf=SF):
    notch = np.concatenate([signal.tf2sos(*signal.iirnotch(50.0 * k, 30.0, fs=sf)) for k in range(1, 10)])
    band = signal.butter(4, [20.0, 450.0], btype="bandpass", fs=sf, output="sos")
    return [notch, band]


def run(fn, stages, x):
    for sos in stages:
        x = fn(sos, x, padlen=3 * (2 * len(sos) + 1))
    return x


def scipy_filt(sos, x, padlen):
    return signal.sosfiltfilt(sos, x, axis=-1, padlen=padlen)


def _forced_plan(k):
    """A lane planner that cuts each channel into exactly ``k`` stretches (as _iir._lane_plan does)."""
    def plan(n_ch, m, w, n_sec=None):
        if w is None or k == 1:
            return ORIG_PLAN(n_ch, m, None)
        n_steps = -(-(m + (k - 1) * w) // k)
        q = np.arange(k, dtype=np.int64)
        a_one = np.where(q == 0, 0, n_steps + (q - 1) * (n_steps - w) - w)
        own_one = np.where(q == 0, 0, w)
        return (np.repeat(np.arange(n_ch, dtype=np.int64), k), np.tile(a_one, n_ch), np.tile(own_one, n_ch), int(n_steps))
    return plan


ORIG_PLAN = _iir._lane_plan


def plans(repeat):
    n = int(300 * SF)
    x = np.random.default_rng(0).standard_normal((1, n)) * 20.0
    notch50 = signal.tf2sos(*signal.iirnotch(50.0, 30.0, fs=SF))
    notch9, band = cascade()
    print(f"one channel, 300 s at {SF:g} Hz: ns per sample (both passes), min of {repeat}")
    ks = (1, 2, 4, 8, 16)
    print(f"{'cascade':>22} {'sections':>8}" + "".join(f"{'k=' + str(k):>8}" for k in ks) + f"{'planner':>9}{'its k':>7}")
    for name, sos in (("notch 50 Hz", notch50), ("notch 9 harmonics", notch9), ("band-pass 20-450 Hz", band)):
        t = {}
        for _ in range(repeat):
            for k in ks + (0,):
                _iir._lane_plan = ORIG_PLAN if k == 0 else _forced_plan(k)
                try:
                    t0 = time.perf_counter()
                    _iir.sosfiltfilt(sos, x, padlen=3 * (2 * len(sos) + 1))
                    t.setdefault(k, []).append(time.perf_counter() - t0)
                finally:
                    _iir._lane_plan = ORIG_PLAN
        zi, w = _iir._cascade_setup(np.ascontiguousarray(sos, float).tobytes(), sos.shape, 1e-15)
        m = n + 2 * 3 * (2 * len(sos) + 1)
        k_auto = int((ORIG_PLAN(1, m, w, len(sos))[1] < m).sum())  # stretches (not dummy lanes)
        print(f"{name:>22} {len(sos):>8}" + "".join(f"{min(t[k]) / n * 1e9:8.1f}" for k in ks)
              + f"{min(t[0]) / n * 1e9:9.1f}{k_auto:>7}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--plans", action="store_true", help="ns per sample by number of stretches per channel")
    args = ap.parse_args()
    if args.plans:
        plans(args.repeat)
        return
    stages = cascade()
    n = int(args.minutes * 60 * SF)
    rng = np.random.default_rng(0)
    print(f"notch (9 biquads) + band-pass (4 biquads), {args.minutes:g} min at {SF:g} Hz, median of {args.repeat}")
    print(f"{'channels':>8} {'dtype':>8} {'scipy s/ch-h':>13} {'ours s/ch-h':>12} {'speed-up':>9} {'max err/RMS':>12}")
    for n_ch in (1, 8):
        x64 = rng.standard_normal((n_ch, n)) * 20.0 if n_ch > 1 else rng.standard_normal(n) * 20.0
        ref = run(scipy_filt, stages, x64)
        for dtype in (np.float64, np.float32):
            x = x64.astype(dtype)
            run(_iir.sosfiltfilt, stages, x[..., :5000])  # compile / load the numba cache
            t_sp, t_us = [], []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                run(scipy_filt, stages, x)
                t_sp.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                y = run(_iir.sosfiltfilt, stages, x)
                t_us.append(time.perf_counter() - t0)
            scale = 60.0 / (args.minutes * n_ch)  # seconds per channel-hour
            sp, us = np.median(t_sp) * scale, np.median(t_us) * scale
            err = np.max(np.abs(y - ref)) / np.sqrt(np.mean(ref**2))
            print(f"{n_ch:>8} {np.dtype(dtype).name:>8} {sp:>13.3f} {us:>12.3f} {sp / us:>8.1f}x {err:>12.1e}")


if __name__ == "__main__":
    main()
