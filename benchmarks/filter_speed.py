"""Zero-phase EMG filtering speed: ``scipy.signal.sosfiltfilt`` vs ``myoclonus._iir.sosfiltfilt``.

The cascade of :func:`myoclonus.preprocess.preprocess_emg`: 50 Hz notch and harmonics up to 450 Hz
(9 biquads, Q=30), then Butterworth 20-450 Hz order 4 (4 biquads), each zero-phase with padlen
``3 * (2 * n_sections + 1)``, on 10 minutes of 2048 Hz noise. Prints seconds per channel-hour
(median of 5 runs, numba warmed up) and the largest difference to SciPy relative to the RMS.

    PYTHONPATH=src python benchmarks/filter_speed.py [--minutes 10] [--repeat 5]
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


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
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
