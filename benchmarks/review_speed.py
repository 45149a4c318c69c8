"""Viewer speed of the review app: window requests while panning a long recording.

Writes a 1-hour, 16-channel, 2048 Hz EDF (streamed to disk, ~240 MB, EMG-like noise with bursts),
starts the review app on 127.0.0.1 (uvicorn, SQLite) and measures the wall time of each window
request (HTTP round trip on loopback, including reading the file and decimating) while panning at
several zoom levels: 10 s and 60 s views (read from the file: raw or min/max from raw), and 10-min
and 1-h views (min/max envelope pyramid, built once on the first wide request; its build time is
reported separately). Target: every request under 150 ms.

Run: ``PYTHONPATH=src python benchmarks/review_speed.py [--keep DIR] [--hours 1]``
"""
from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

SF = 2048
N_CH = 16


def write_edf(path, hours=1.0, seed=0):
    """Stream a plain EDF file: 1-s records, int16, EMG-like noise with sparse bursts."""
    n_rec = int(round(hours * 3600))
    rng = np.random.default_rng(seed)
    labels = [f"EMG {s} M{i // 2 + 1}" for i, s in zip(range(N_CH), "RL" * (N_CH // 2))]
    pmin, pmax, dmin, dmax = -3276.8, 3276.7, -32768, 32767

    def field(vals, width):
        return "".join(str(v)[:width].ljust(width) for v in vals).encode("ascii")

    hdr = b"0".ljust(8) + b"X X X X".ljust(80) + b"Startdate X X X X".ljust(80)
    hdr += b"01.01.24" + b"00.00.00" + str(256 * (N_CH + 1)).ljust(8).encode() + b"".ljust(44)
    hdr += str(n_rec).ljust(8).encode() + b"1".ljust(8) + str(N_CH).ljust(4).encode()
    hdr += field(labels, 16) + field(["AgAgCl electrode"] * N_CH, 80) + field(["uV"] * N_CH, 8)
    hdr += field([pmin] * N_CH, 8) + field([pmax] * N_CH, 8) + field([dmin] * N_CH, 8) + field([dmax] * N_CH, 8)
    hdr += field(["HP:10Hz LP:500Hz"] * N_CH, 80) + field([SF] * N_CH, 8) + field([""] * N_CH, 32)
    assert len(hdr) == 256 * (N_CH + 1)
    with open(path, "wb") as f:
        f.write(hdr)
        for r in range(n_rec):
            x = rng.normal(0, 300, (N_CH, SF))  # 30 uV noise (x10 digital units)
            if r % 3 == 0:
                ch, o = rng.integers(N_CH), rng.integers(0, SF - 100)
                x[ch, o : o + 80] += rng.normal(0, 3000, 80)
            f.write(np.clip(x, dmin, dmax).astype("<i2").tobytes())
    return path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--keep", default=None, help="folder for the EDF and database (kept; reused if present)")
    ap.add_argument("--hours", type=float, default=1.0)
    ap.add_argument("--px", type=int, default=1600, help="canvas width in pixels")
    args = ap.parse_args(argv)
    import httpx
    import uvicorn

    from myoclonus.review import create_app

    d = Path(args.keep or tempfile.mkdtemp(prefix="myo_bench_"))
    d.mkdir(parents=True, exist_ok=True)
    edf = d / f"long_{args.hours:g}h.edf"
    if not edf.exists():
        t = time.perf_counter()
        write_edf(edf, args.hours)
        print(f"wrote {edf} ({edf.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t:.1f} s")
    app = create_app(db_url=f"sqlite:///{d / 'bench.db'}", recordings=[edf], detect=False)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    th = threading.Thread(target=server.run, daemon=True)
    th.start()
    while not server.started:
        time.sleep(0.05)
    c = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60)
    dur = args.hours * 3600
    ch = ",".join(map(str, range(N_CH)))

    def get(t0, span):
        t = time.perf_counter()
        r = c.get("/api/recordings/1/window", params={"t0": t0, "t1": t0 + span, "px": args.px, "ch": ch})
        r.raise_for_status()
        n = len(r.content)
        return (time.perf_counter() - t) * 1000, n, r.headers["x-window"]

    t = time.perf_counter()
    _, _, meta = get(0, dur)  # first wide request builds the envelope pyramid
    print(f"envelope pyramid build (one-off, first wide view): {time.perf_counter() - t:.2f} s")
    rows = []
    worst = 0.0
    rng = np.random.default_rng(1)
    for span in (1.0, 10.0, 60.0, 600.0, dur):
        times = []
        t0 = float(rng.uniform(0, max(0, dur - span)))
        for k in range(40):
            ms, n, meta = get(t0, span)
            times.append(ms)
            t0 = (t0 + span / 4) % max(1e-9, dur - span) if span < dur else 0.0  # pan by a quarter view
        mode = "raw" if '"raw"' in meta else "envelope"
        worst = max(worst, max(times))
        rows.append((span, mode, statistics.median(times), float(np.percentile(times, 95)), max(times), n))
    print(f"\n{N_CH} channels x {args.hours:g} h at {SF} Hz, {args.px}-px canvas, 40 pans per zoom level")
    print(f"{'view':>10} {'mode':>9} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'bytes':>9}")
    for span, mode, med, p95, mx, n in rows:
        print(f"{span:>9.0f}s {mode:>9} {med:>10.1f} {p95:>8.1f} {mx:>8.1f} {n:>9}")
    ok = worst < 150
    print(f"\nworst window request: {worst:.1f} ms -> {'OK' if ok else 'SLOW'} (target < 150 ms)")
    server.should_exit = True
    th.join(10)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
