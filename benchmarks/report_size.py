"""Report size and opening time for a 1-hour, 8-channel, 2048 Hz recording (issue 8 targets).

Analyses the cached benchmark EDF of ``speed.py`` (``--minutes`` x ``--channels``), then measures the
size of ``report.html`` and the time headless Chromium takes to load it (``load`` event, median of 3),
and exits 1 when the report is over 10 MB or takes over 3 s to open.

Usage: ``python benchmarks/report_size.py [--minutes 60] [--channels 8]``
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--channels", type=int, default=8)
    args = ap.parse_args(argv)
    from speed import make_file

    from myoclonus.pipeline import analyze

    path = make_file(args.minutes, args.channels)
    out = HERE / ".cache" / f"report_{args.minutes:g}min"
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = analyze(path, out=out)
    t_an = time.perf_counter() - t0
    size_mb = (out / "report.html").stat().st_size / 1e6
    print(f"analyze: {t_an:.1f} s for {args.channels} channels x {args.minutes:g} min; "
          f"{res.summary['counts']['jerk']} jerks")
    print(f"report.html: {size_mb:.2f} MB (target < 10 MB)")
    ok = size_mb < 10
    chromium = shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if chromium and sync_playwright:
        times = []
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu",
                                  "--disable-background-networking", "--no-first-run"])
            for _ in range(3):
                page = b.new_page()
                t = time.perf_counter()
                page.goto((out / "report.html").as_uri(), wait_until="load")
                page.wait_for_selector("#viewer[data-ready='1']")
                times.append(time.perf_counter() - t)
                page.close()
            b.close()
        t_open = statistics.median(times)
        print(f"open in headless Chromium (load + viewer ready): median {t_open:.2f} s of {['%.2f' % x for x in times]} (target < 3 s)")
        ok &= t_open < 3
    else:
        print("chromium or playwright missing: opening time not measured")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
