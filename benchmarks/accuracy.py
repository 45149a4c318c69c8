"""Accuracy benchmark of the jerk detector (issue 4).

Runs :func:`myoclonus.detect_jerks` on simulated recordings of every profile (ground truth from
:mod:`myoclonus.simulate`) and on the real recordings of ``../shared/data/real``, prints the tables
and exits with status 1 when a target is missed. NeuroKit2 ``emg_activation`` (threshold and mixture
methods) runs on the same simulated EMG when NeuroKit2 is installed (it is not a dependency).

Usage::

    PYTHONPATH=src python benchmarks/accuracy.py [--duration 180] [--seeds 1 2] [--method rms]
                                                 [--contamination default|all] [--no-nk]

Scoring: a detection matches a truth event of the same channel when the onsets are within 20 ms
(:func:`myoclonus.scoring.score_events`). Jerk targets are computed on truth jerks of 10-500 ms with
amplitude >= 3x the background RMS (``snr_db >= 9.54``); detections matched to other truth jerks
(weaker or longer) are neither hits nor false positives.
"""
from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from myoclonus.detect import detect_jerks  # noqa: E402
from myoclonus.events import Events  # noqa: E402
from myoclonus.scoring import match_events, score_events  # noqa: E402

JERK_PROFILES = (
    "cortical", "cortical_subcortical", "subcortical", "propriospinal", "segmental",
    "essential", "functional", "hypnic",
)
BINS = ((0.010, 0.050), (0.050, 0.100), (0.100, 0.200), (0.200, 0.500))
MIN_SNR_DB = 20 * np.log10(3.0)
TARGETS = {
    "f1": 0.95, "f1_10_50": 0.95, "onset_median_ms": 3.0, "onset_p95_ms": 10.0, "duration_ok": 0.9,
    "healthy_fp_per_10min": 1.0, "qrs_as_jerk": 0.05, "silent_f1": 0.9,
}
REAL = ROOT.parent / "shared" / "data" / "real"


def local_snr_db(truth_jerks, sustained):
    """Jerk amplitude against the background at its time: rest RMS plus any tonic/voluntary activity.

    The simulator gives ``rms_uv`` and ``snr_db`` (against the channel's resting background) of each
    jerk and the level (``rms_uv``) of every sustained activity (posture, voluntary movement); the
    local background is ``sqrt(rest^2 + sum of overlapping activity levels^2)``.
    """
    rms = truth_jerks.measures["rms_uv"]
    rest = rms / 10 ** (truth_jerks.measures["snr_db"] / 20)
    var = rest**2
    for i, (o, d, ch) in enumerate(zip(truth_jerks.onset, truth_jerks.duration, truth_jerks.channel)):
        if not len(sustained):
            break
        m = (sustained.channel == ch) & (sustained.onset < o + d) & (sustained.onset + sustained.duration > o)
        if m.any():
            var[i] = var[i] + np.sum(sustained.measures["rms_uv"][m] ** 2)
    return 20 * np.log10(rms / np.sqrt(var))


def _eligible(truth):
    snr = truth.measures.get("local_snr_db", truth.measures.get("snr_db", np.full(len(truth), np.inf)))
    return (truth.duration >= BINS[0][0] - 1e-9) & (truth.duration <= BINS[-1][1] + 1e-9) & (snr >= MIN_SNR_DB)


def score_jerks(truth, det):
    """Counts per duration bin and overall for eligible truth jerks; returns a dict of arrays."""
    ok = _eligible(truth)
    pairs = match_events(truth, det)
    # detections matched to ineligible truth jerks are ignored
    ignore = np.zeros(len(det), bool)
    if len(pairs):
        ignore[pairs[~ok[pairs[:, 0]], 1]] = True
        pairs = pairs[ok[pairs[:, 0]]]
    tdur = truth.duration
    ddur = det.duration.copy()
    if len(pairs):
        ddur[pairs[:, 1]] = tdur[pairs[:, 0]]  # a hit is binned by its truth duration
    out = {"n_truth": [], "n_det": [], "n_hit": []}
    for lo, hi in BINS:
        tb = ok & (tdur >= lo - 1e-9) & (tdur < hi + (1e-9 if hi == BINS[-1][1] else 0))
        db = ~ignore & (ddur >= lo - 1e-9) & (ddur < hi + (1e-9 if hi == BINS[-1][1] else 0))
        hits = np.sum(tb[pairs[:, 0]]) if len(pairs) else 0
        out["n_truth"].append(int(tb.sum()))
        out["n_det"].append(int(db.sum()))
        out["n_hit"].append(int(hits))
    err = np.abs(det.onset[pairs[:, 1]] - truth.onset[pairs[:, 0]]) * 1000 if len(pairs) else np.zeros(0)
    derr = np.abs(det.duration[pairs[:, 1]] - tdur[pairs[:, 0]]) if len(pairs) else np.zeros(0)
    dok = (derr <= 0.15 * tdur[pairs[:, 0]]) | (derr <= 0.005) if len(pairs) else np.zeros(0, bool)
    out["onset_err_ms"] = err
    out["dur_ok"] = dok
    out["n_truth_all"] = int(ok.sum())
    out["n_det_all"] = int((~ignore).sum())
    out["n_hit_all"] = int(len(pairs))
    return out


def _merge(acc, new):
    if acc is None:
        return {k: (list(v) if isinstance(v, list) else v) for k, v in new.items()}
    for k, v in new.items():
        if isinstance(v, list):
            acc[k] = [a + b for a, b in zip(acc[k], v)]
        elif isinstance(v, np.ndarray):
            acc[k] = np.concatenate([acc[k], v])
        else:
            acc[k] += v
    return acc


def _f1(h, t, d):
    return 2 * h / (t + d) if (t + d) else float("nan")


def _emg_truth(sim, names, local=True):
    tj = sim.truth.select("jerk")
    tj = tj[np.isin(tj.channel.astype(str), names)] if len(tj) else tj
    if local and len(tj):
        tj.measures["local_snr_db"] = local_snr_db(tj, sim.truth.select("sustained"))
    return tj


def neurokit_events(rec, method, names, tmax):
    """NeuroKit2 emg_clean -> emg_amplitude -> emg_activation on the given EMG channels, [0, tmax) s.

    The EMG is resampled to 1000 Hz first (NeuroKit2's default rate; its emg_activation loops over
    samples in pandas and takes ~0.5 s per second of 2 kHz data).
    """
    import neurokit2 as nk
    from scipy.signal import resample_poly

    parts = []
    for name in names:
        i = rec.ch_names.index(name)
        c = rec.channels[i]
        x = rec._read_channel(i, 0, int(tmax * c.sfreq))
        sr = 1000
        y = resample_poly(x, sr, int(round(c.sfreq)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cl = nk.emg_clean(y, sampling_rate=sr)
            amp = nk.emg_amplitude(cl)
            try:
                _, info = nk.emg_activation(emg_amplitude=amp, emg_cleaned=cl, sampling_rate=sr, method=method)
            except Exception:  # noqa: BLE001 - a failed run counts as no detection
                continue
        on = np.asarray(info["EMG_Onsets"], float)
        off = np.asarray(info["EMG_Offsets"], float)
        n = min(on.size, off.size)
        if n:
            parts.append(Events(on[:n] / sr, np.maximum(off[:n] - on[:n], 0) / sr, "jerk", name))
    return Events.concatenate(parts) if parts else Events()


def _crop(ev, names, tmax):
    if not len(ev):
        return ev
    return ev[np.isin(ev.channel.astype(str), names) & (ev.onset < tmax)]


def run_simulated(args, have_nk):
    from myoclonus.simulate import simulate

    rows, totals, nk_tot, failures = [], None, {"threshold": None, "mixture": None}, []
    cont = None if args.contamination == "default" else args.contamination
    for prof in JERK_PROFILES:
        acc = None
        for seed in args.seeds:
            sim = simulate(prof, duration=args.duration, sfreq=2048, seed=seed, contamination=cont)
            t0 = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = detect_jerks(sim.recording, method=args.method)
            el = time.perf_counter() - t0
            names = list(res.thresholds)
            truth = _emg_truth(sim, names)
            sc = score_jerks(truth, res.events.select("jerk"))
            acc = _merge(acc, sc)
            if have_nk and seed == args.seeds[0]:
                # same subset for both: the EMG channels with most truth jerks, first nk_seconds
                cnt = {n_: int(np.sum(truth.channel == n_)) for n_ in names}
                sub = sorted(cnt, key=lambda k: -cnt[k])[: args.nk_channels]
                tmax = min(args.nk_seconds, sim.recording.duration)
                t_sub = _crop(truth, sub, tmax)
                ours_sub = score_jerks(t_sub, _crop(res.events.select("jerk"), sub, tmax))
                nk_tot["ours"] = _merge(nk_tot.get("ours"), ours_sub)
                for m in ("threshold", "mixture"):
                    nk_tot[m] = _merge(nk_tot[m], score_jerks(t_sub, neurokit_events(sim.recording, m, sub, tmax)))
        totals = _merge(totals, acc)
        rows.append((prof, acc, el))
    print(f"\n== Jerks on simulated profiles ({args.duration:g} s x {len(args.seeds)} seed(s), contamination "
          f"{args.contamination}, method {args.method!r}; truth jerks 10-500 ms, >= 3x background RMS) ==")
    hdr = f"{'profile':22s} {'n':>5s} {'P':>6s} {'R':>6s} {'F1':>6s} " + " ".join(
        f"{f'F1 {int(lo*1000)}-{int(hi*1000)}':>10s}" for lo, hi in BINS) + f" {'med ms':>7s} {'p95 ms':>7s} {'dur ok':>7s}"
    print(hdr)
    for prof, a, _ in rows + [("ALL", totals, 0)]:
        p = a["n_hit_all"] / a["n_det_all"] if a["n_det_all"] else float("nan")
        r = a["n_hit_all"] / a["n_truth_all"] if a["n_truth_all"] else float("nan")
        f = _f1(a["n_hit_all"], a["n_truth_all"], a["n_det_all"])
        bins = " ".join(f"{_f1(h, t, d):10.3f}" if t else f"{'-':>10s}" for h, t, d in zip(a["n_hit"], a["n_truth"], a["n_det"]))
        med = np.median(a["onset_err_ms"]) if a["onset_err_ms"].size else float("nan")
        p95 = np.percentile(a["onset_err_ms"], 95) if a["onset_err_ms"].size else float("nan")
        dok = np.mean(a["dur_ok"]) if a["dur_ok"].size else float("nan")
        print(f"{prof:22s} {a['n_truth_all']:5d} {p:6.3f} {r:6.3f} {f:6.3f} {bins} {med:7.2f} {p95:7.2f} {dok:7.3f}")
    a = totals
    f_all = _f1(a["n_hit_all"], a["n_truth_all"], a["n_det_all"])
    f_short = _f1(a["n_hit"][0], a["n_truth"][0], a["n_det"][0])
    med = float(np.median(a["onset_err_ms"])) if a["onset_err_ms"].size else np.inf
    p95 = float(np.percentile(a["onset_err_ms"], 95)) if a["onset_err_ms"].size else np.inf
    dok = float(np.mean(a["dur_ok"])) if a["dur_ok"].size else 0.0
    checks = [
        ("jerk F1 (all profiles)", f_all, ">=", TARGETS["f1"]),
        ("jerk F1 10-50 ms bin", f_short, ">=", TARGETS["f1_10_50"]),
        ("median onset error (ms)", med, "<=", TARGETS["onset_median_ms"]),
        ("95th pct onset error (ms)", p95, "<=", TARGETS["onset_p95_ms"]),
        ("durations within 15% or 5 ms", dok, ">=", TARGETS["duration_ok"]),
    ]
    if have_nk:
        o = nk_tot["ours"]
        print(f"\n== Side by side: F1 per duration bin, ours vs NeuroKit2 emg_activation (same data: the "
              f"{args.nk_channels} EMG channels with most jerks, first {args.nk_seconds:g} s of each profile, seed "
              f"{args.seeds[0]}) ==")
        print(f"{'bin (ms)':>10s} {'n':>5s} {'ours':>8s} {'NK threshold':>13s} {'NK mixture':>11s}")
        worse = []
        for k, (lo, hi) in enumerate(BINS):
            ours = _f1(o["n_hit"][k], o["n_truth"][k], o["n_det"][k])
            nks = [_f1(nk_tot[m]["n_hit"][k], nk_tot[m]["n_truth"][k], nk_tot[m]["n_det"][k]) for m in ("threshold", "mixture")]
            print(f"{f'{int(lo*1000)}-{int(hi*1000)}':>10s} {o['n_truth'][k]:5d} {ours:8.3f} {nks[0]:13.3f} {nks[1]:11.3f}")
            if not all(ours > v for v in nks):
                worse.append(f"{int(lo*1000)}-{int(hi*1000)} ms")
        checks.append(("ours better than NeuroKit2 in every bin", float(not worse), ">=", 1.0))
    elif args.no_nk:
        print("\nNeuroKit2 comparison skipped (--no-nk): its target is not checked.")
    else:
        print("\nNeuroKit2 is not installed: skipping the NeuroKit2 comparison (pip install neurokit2).")
    return checks


def run_controls(args):
    from myoclonus.simulate import simulate

    checks = []
    cont = None if args.contamination == "default" else args.contamination
    # negative control
    fp, minutes = 0, 0.0
    for seed in args.seeds:
        sim = simulate("healthy", duration=max(args.duration, 300.0), sfreq=2048, seed=seed, contamination=cont)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = detect_jerks(sim.recording, method=args.method)
        fp += len(res.events.select("jerk"))
        minutes += len(res.thresholds) * sim.recording.duration / 60
    rate = fp / minutes * 10 if minutes else np.nan
    print(f"\n== Negative control (healthy: rest, posture, voluntary movements) ==\n"
          f"false jerks: {fp} in {minutes:.0f} channel-minutes of EMG = {rate:.2f} per 10 min")
    checks.append(("healthy false jerks per 10 min of EMG", rate, "<=", TARGETS["healthy_fp_per_10min"]))
    # ECG
    qrs_hit = qrs_n = 0
    rec_with, rec_without = [], []
    for seed in args.seeds:
        for ecg in (True, False):
            sim = simulate("cortical", duration=args.duration, sfreq=2048, seed=seed,
                           contamination={"ecg": ecg, "mains": True, "baseline": True})
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = detect_jerks(sim.recording, method=args.method)
            names = list(res.thresholds)
            truth = _emg_truth(sim, names)
            det = res.events.select("jerk")
            sc = score_jerks(truth, det)
            (rec_with if ecg else rec_without).append((sc["n_hit_all"], sc["n_truth_all"]))
            if ecg:
                art = sim.truth.select("artifact")
                art = art[art.measures["reason"] == "ecg"] if len(art) else art
                beats = np.unique(np.round(art.onset, 4))
                pairs = match_events(truth, det)
                unmatched = np.setdiff1d(np.arange(len(det)), pairs[:, 1]) if len(pairs) else np.arange(len(det))
                fp_on = det.onset[unmatched]
                for ch in names:
                    fpc = fp_on[det.channel[unmatched] == ch]
                    for b in beats:
                        qrs_n += 1
                        qrs_hit += bool(np.any(np.abs(fpc - (b + 0.045)) < 0.06))
    frac = qrs_hit / qrs_n if qrs_n else np.nan
    r_with = sum(h for h, _ in rec_with) / max(1, sum(t for _, t in rec_with))
    r_without = sum(h for h, _ in rec_without) / max(1, sum(t for _, t in rec_without))
    print(f"\n== ECG-contaminated EMG (cortical) ==\nQRS complexes reported as jerks: {qrs_hit}/{qrs_n} = {frac:.3%}; "
          f"jerk recall {r_with:.3f} with ECG vs {r_without:.3f} without")
    checks.append(("QRS complexes reported as jerks", frac, "<=", TARGETS["qrs_as_jerk"]))
    checks.append(("jerk recall change with ECG", r_with - r_without, ">=", -0.02))
    # silent periods
    h = t = d = 0
    for seed in args.seeds:
        sim = simulate("negative", duration=args.duration, sfreq=2048, seed=seed, contamination=cont)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = detect_jerks(sim.recording, method=args.method)
        sc = score_events(sim.truth.select("silent_period"), res.events.select("silent_period"))
        h, t, d = h + sc["n_matched"], t + sc["n_truth"], d + sc["n_detected"]
    f = _f1(h, t, d)
    print(f"\n== Silent periods (negative profile) ==\ntruth {t}, detected {d}, matched {h}: F1 {f:.3f}")
    checks.append(("silent period F1", f, ">=", TARGETS["silent_f1"]))
    return checks


def run_real(args):
    from myoclonus.io import read_recording

    checks = []
    if not REAL.is_dir():
        print(f"\nReal recordings folder {REAL} absent: skipped.")
        return checks
    print("\n== Real recordings ==")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rec = read_recording(REAL / "biosppy" / "emg_1.txt")
        res = detect_jerks(rec, method=args.method)
    ev = res.events
    quiet = [(3.0, 14.5), (18.5, 23.0), (28.0, 35.0), (47.0, 63.8)]
    activations = [1.5, 15.5, 25.7, 26.4]
    jerks = ev.select("jerk")
    in_quiet = sum(int(np.sum((jerks.onset >= a) & (jerks.onset < b))) for a, b in quiet)
    pos = ev.select(["jerk", "sustained"])
    found = sum(bool(np.any((pos.onset <= t + 0.3) & (pos.onset + pos.duration >= t - 0.3))) for t in activations)
    print(f"biosppy/emg_1.txt: jerks in quiet stretches {in_quiet}; activations found {found}/{len(activations)}; "
          f"counts {ev.counts()}")
    checks.append(("emg_1.txt jerks in quiet stretches", in_quiet, "<=", 0))
    checks.append(("emg_1.txt activations found", found, ">=", len(activations)))
    for name in ("emg_healthy", "emg_myopathy", "emg_neuropathy"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rec = read_recording(REAL / "physionet_emgdb" / f"{name}.hea")
            res = detect_jerks(rec, method=args.method)
        clip = [w for w in res.warnings if "clips" in w]
        print(f"physionet_emgdb/{name}: counts {res.events.counts()}; clipping flagged: {bool(clip)}")
        if name == "emg_neuropathy":
            checks.append(("emg_neuropathy clipping flagged", float(bool(clip)), ">=", 1.0))
    return checks


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--duration", type=float, default=180.0, help="seconds per simulated recording")
    ap.add_argument("--seeds", type=int, nargs="+", default=[1])
    ap.add_argument("--method", default="rms", choices=["rms", "tkeo"])
    ap.add_argument("--contamination", default="default", choices=["default", "all"])
    ap.add_argument("--no-nk", action="store_true", help="skip the NeuroKit2 comparison")
    ap.add_argument("--nk-seconds", type=float, default=60.0, help="seconds per profile run through NeuroKit2")
    ap.add_argument("--nk-channels", type=int, default=2, help="EMG channels per profile run through NeuroKit2")
    args = ap.parse_args(argv)
    have_nk = False
    if not args.no_nk:
        try:
            import neurokit2  # noqa: F401

            have_nk = True
        except ImportError:
            pass
    t0 = time.perf_counter()
    checks = run_simulated(args, have_nk) + run_controls(args) + run_real(args)
    print("\n== Targets ==")
    failed = 0
    for name, value, op, target in checks:
        ok = (value >= target) if op == ">=" else (value <= target)
        ok = bool(ok) and np.isfinite(value)
        failed += not ok
        print(f"[{'PASS' if ok else 'FAIL'}] {name}: {value:.3f} (target {op} {target:g})")
    print(f"\n{len(checks) - failed}/{len(checks)} targets met in {time.perf_counter() - t0:.0f} s.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
