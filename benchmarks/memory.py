"""Memory benchmark of the whole analysis (issue 9: memory does not grow with the recording's length).

Writes (once, cached in ``benchmarks/.cache/``) polysomnography-like EDFs of 1 and 4 hours: six EEG
channels (C3, C4, Cz, F3, F4, Pz), two EMG channels (right and left FDI) and a three-axis wrist
accelerometer, all at 1024 Hz, with a 30 ms jerk every 8 s on each EMG channel preceded by a small
EEG transient at C3. Then runs :func:`myoclonus.analyze` (detection, characterization, EEG-EMG
physiology, report) on each in a fresh subprocess and prints the seconds and the peak RSS.

Exits 1 when the 4-hour peak RSS exceeds ``--max-mb`` (default 1000 MB) or 1.5x the 1-hour one.

Usage: ``PYTHONPATH=src python benchmarks/memory.py [--hours 1 4] [--max-mb 1000]``
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
CACHE = HERE / ".cache"
SFREQ = 1024.0

RUNNER = """
import json, resource, sys, time, warnings
warnings.simplefilter('ignore')
from myoclonus import analyze
t0 = time.perf_counter()
res = analyze(sys.argv[1], out=sys.argv[2])
dt = time.perf_counter() - t0
# VmHWM: this process's own peak (ru_maxrss keeps the parent's peak across fork + exec)
hwm = [ln for ln in open('/proc/self/status') if ln.startswith('VmHWM')]
peak = int(hwm[0].split()[1]) / 1024.0 if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
print(json.dumps({'seconds': dt, 'peak_rss_mb': peak,
                  'jerks': int(len(res.events.select('jerk'))), 'acc_jerks': int(len(res.events.select('acc_jerk')))}))
"""


def make_file(hours):
    """Write (once) the benchmark polysomnography of ``hours`` hours; returns its path."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"psg_{hours:g}h.edf"
    if path.exists():
        return path
    import numpy as np

    from myoclonus.io import Recording, write_recording

    n = int(hours * 3600 * SFREQ)
    rng = np.random.default_rng(0)
    eeg = ["EEG C3", "EEG C4", "EEG Cz", "EEG F3", "EEG F4", "EEG Pz"]
    rows = [rng.standard_normal(n).astype(np.float32) * 10.0 for _ in eeg]
    pulse = np.sin(np.pi * np.arange(30) / 30)
    for k in range(2):
        x = rng.standard_normal(n).astype(np.float32) * 5.0
        for t0 in np.arange(5.0 + k, hours * 3600 - 5, 8.0):
            i0 = int(t0 * SFREQ)
            x[i0 : i0 + 30] += (rng.standard_normal(30) * 60 * pulse).astype(np.float32)
            rows[0][i0 - 20 : i0 - 10] += 8.0  # EEG transient 10-20 ms before the jerk
        rows.append(x)
    acc = rng.standard_normal((3, n)).astype(np.float32) * 0.01
    acc[2] += 9.81
    rows.extend(acc)
    names = eeg + ["EMG R FDI", "EMG L FDI", "ACC R x", "ACC R y", "ACC R z"]
    rec = Recording.from_array([r.astype(np.float64) for r in rows], SFREQ, names, ["eeg"] * 6 + ["emg"] * 2 + ["acc"] * 3)
    del rows
    tmp = path.with_suffix(".tmp.edf")
    write_recording(rec, tmp, overwrite=True)  # scratch file, renamed when complete
    tmp.rename(path)
    return path


def run(path):
    env = dict(os.environ)
    env["PYTHONPATH"] = str(HERE.parent / "src") + os.pathsep + env.get("PYTHONPATH", "")
    with tempfile.TemporaryDirectory() as out:
        r = subprocess.run([sys.executable, "-c", RUNNER, str(path), out], capture_output=True, text=True, env=env)
    if r.returncode != 0:
        raise RuntimeError(f"analyze failed on {path}:\n{r.stderr[-2000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hours", type=float, nargs=2, default=[1.0, 4.0], metavar=("SHORT", "LONG"))
    ap.add_argument("--max-mb", type=float, default=1000.0, help="largest peak RSS (MB) allowed for the long file")
    args = ap.parse_args(argv)
    res = {}
    print(f"analyze on a polysomnography-like EDF (6 EEG, 2 EMG, 3 accelerometer axes, {SFREQ:g} Hz)")
    print(f"{'hours':>6} {'file MB':>8} {'seconds':>8} {'peak RSS MB':>12} {'jerks':>6}")
    for h in args.hours:
        path = make_file(h)
        r = res[h] = run(path)
        print(f"{h:6g} {path.stat().st_size / 2**20:8.0f} {r['seconds']:8.1f} {r['peak_rss_mb']:12.0f} {r['jerks']:6d}")
    short, long_ = (res[h]["peak_rss_mb"] for h in args.hours)
    checks = [(f"peak RSS of the {args.hours[1]:g} h file <= {args.max_mb:g} MB", long_ <= args.max_mb),
              (f"peak RSS {args.hours[1]:g} h / {args.hours[0]:g} h = {long_ / short:.2f} <= 1.5", long_ <= 1.5 * short)]
    for text, ok in checks:
        print(f"  [{'PASS' if ok else 'FAIL'}] {text}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
