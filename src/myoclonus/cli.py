"""Command-line interface: a thin shell over the public Python API.

Exit codes: 0 success, 1 bug (unexpected error), 2 usage error, 3 input error (bad file).
"""
from __future__ import annotations

import argparse
import contextlib
import json
import logging
import re
import sys
import traceback
import warnings
from pathlib import Path

from ._version import __version__
from ._logging import logger
from ._malloc import allow_memory_tuning
from ._validate import MyoclonusError, MyoclonusInputError, MyoclonusUsageError

__all__ = ["main"]

EXIT_OK, EXIT_BUG, EXIT_USAGE, EXIT_INPUT = 0, 1, 2, 3

# C0/C1 control characters but newline and tab: labels and annotations of a file may hold ANSI
# escapes, NUL or BEL, which must never reach the terminal raw
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _printable(text):
    """``text`` with control characters shown as ``\\xNN`` escapes (what the terminal gets)."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(text))


class _SafeStream:
    """Text stream wrapper writing :func:`_printable` text (every print of a command goes through it).

    A carriage return opening or closing a write is kept: progress bars redraw their line with it.
    """

    def __init__(self, stream):
        self._stream = stream

    def write(self, text):
        text = str(text)
        body = text.strip("\r")
        if not body:
            return self._stream.write(text)
        head, tail = text[: text.index(body)], text[text.index(body) + len(body):]
        return self._stream.write(head + _printable(body) + tail)

    def __getattr__(self, name):
        return getattr(self._stream, name)


def _kv(text):
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    k, v = text.split("=", 1)
    return k.strip(), v.strip()


def _add_read_options(p):
    p.add_argument("recording", nargs="?", default=None,
                   help="recording file (EDF/BDF, WFDB .hea, CSV/TXT, BrainVision, FIF...)")
    p.add_argument("--sfreq", type=float, help="sampling rate in Hz for text files without one")
    p.add_argument(
        "--channel-type",
        action="append",
        type=_kv,
        default=[],
        metavar="NAME=TYPE",
        help="override a channel's type (emg, eeg, acc, ecg, eog, resp, stim, misc); repeatable",
    )
    p.add_argument(
        "--units",
        action="append",
        type=_kv,
        default=[],
        metavar="NAME=UNIT",
        help="unit of a channel's values in the file (uV, mV, V, g, m/s^2); repeatable",
    )
    p.add_argument("--keep-identity", action="store_true", help="keep patient-identifying header fields in outputs")


def _add_detect_options(p):
    p.add_argument(
        "--channels", nargs="+", default=None, metavar="NAME_OR_GLOB", help="EMG channels to analyse (default: all EMG)"
    )
    p.add_argument("--force", action="store_true", help="analyse EMG sampled under 100 Hz anyway")
    p.add_argument("--jobs", type=int, default=1, metavar="N", help="EMG channels detected in parallel threads (default 1)")
    p.add_argument("--sensitivity", choices=("low", "normal", "high"), default=None,
                   help="detection thresholds x4/3 (low), x1 (normal, default) or x5/6 (high)")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", dest="settings",
                   help="set one detection parameter (e.g. k_on=3.5, notch=60, slow_rise_llr=none); repeatable; "
                        "`myoclonus detect --list-params` lists them with units and defaults")
    p.add_argument("--list-params", action="store_true",
                   help="list the detection parameters (default, unit, why, reference) and exit")


def _detect_settings(args):
    """The detection keywords of ``--sensitivity`` and ``--set`` (validated)."""
    from .detect import DetectionParams
    from .detect.params import parse_setting

    values = dict(parse_setting(t) for t in getattr(args, "settings", []) or [])
    DetectionParams(sensitivity=getattr(args, "sensitivity", None), **values)  # validate now: exit 2 on a bad value
    if getattr(args, "sensitivity", None) is not None:
        values["sensitivity"] = args.sensitivity
    return values


def _print_params():
    from .detect import PARAMS

    for p in PARAMS.values():
        unit = f" {p.unit}" if p.unit else ""
        ref = f" [{p.ref}]" if p.ref else ""
        print(f"{p.name} = {p.default!r}{unit}\n    {p.doc}\n    why: {p.reason}{ref}")


def _add_lang_options(p):
    p.add_argument("--lang", choices=("en", "fr"), default=None, help="language of the reports (default: from the locale, else English)")
    p.add_argument("--note-for-patient", default=None, help="free-text message for the patient summary")


def _lang(args):
    lang = getattr(args, "lang", None)
    try:
        from .i18n import resolve_lang
    except ImportError:
        return lang or "en"
    return resolve_lang(lang)


def build_parser():
    """Return the argparse parser (all subcommands)."""
    parser = argparse.ArgumentParser(
        prog="myoclonus",
        description="Clinical neurophysiology of myoclonus: read polygraphy, detect jerks, report. "
        "Decision support, not a diagnosis.",
    )
    parser.add_argument("--version", action="version", version=f"myoclonus {__version__}")
    g = parser.add_mutually_exclusive_group()
    g.add_argument("-q", "--quiet", action="store_true", help="only errors")
    g.add_argument("-v", "--verbose", action="store_true", help="detailed log (and tracebacks of bugs)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("info", help="channels, types, sites, rates, duration, annotations (de-identified)")
    _add_read_options(p)
    p.add_argument("--json", action="store_true", help="print JSON instead of text")

    p = sub.add_parser("detect", help="detect jerks and write an events file")
    _add_read_options(p)
    _add_detect_options(p)
    p.add_argument(
        "--out", "-o", default="events.tsv", help="events file: .tsv (BIDS), .csv, .json, or .edf/.bdf (copy with annotations)"
    )
    p.add_argument("--overwrite", action="store_true", help="replace the --out file if it exists")

    p = sub.add_parser("analyze", help="full analysis: events.tsv, summary.json, report.html")
    _add_read_options(p)
    _add_detect_options(p)
    p.add_argument("--out", "-o", default="myoclonus_out", help="output folder")
    p.add_argument("--history", default=None, help="structured clinical history (YAML or JSON) for the assessment")
    p.add_argument("--hypnogram", default=None,
                   help="sleep stages for the sleep context: EDF+/BDF+ annotations as in Sleep-EDF ('Sleep stage W/1/2/"
                        "3/4/R'), or TSV/CSV (onset/duration/stage columns, or one stage per 30-s epoch)")
    p.add_argument("--plm-standard", choices=("wasm2016", "aasm"), default="wasm2016",
                   help="rules for leg movements and periodic leg movements scored on the leg EMG with --hypnogram: "
                        "WASM 2016 (Ferri et al. 2016, default) or the AASM manual")
    p.add_argument("--pdf", action="store_true", help="also write report.pdf (and patient.pdf)")
    _add_lang_options(p)

    p = sub.add_parser("demo", help="analyse the built-in simulated recording")
    p.add_argument("--out", "-o", default="myoclonus_demo", help="output folder")
    p.add_argument("--seed", type=int, default=0, help="simulation seed")
    p.add_argument("--duration", type=float, default=600.0, help="seconds of simulated polygraphy")
    p.add_argument("--pdf", action="store_true", help="also write report.pdf (and patient.pdf)")
    _add_lang_options(p)

    p = sub.add_parser("assess", help="clinical decision support from a structured history (+ summary.json)")
    p.add_argument("--history", required=True, help="structured history, YAML or JSON")
    p.add_argument("--summary", default=None, help="summary.json of an analysed recording")
    p.add_argument("--out", "-o", default=None, help="write assessment.json here (default: print)")
    p.add_argument("--lang", choices=("en", "fr"), default=None, help="language of the texts (default: locale, else English)")

    p = sub.add_parser("compare", help="change in jerk rate between two analyses (summary.json), with a 95%% CI")
    p.add_argument("a", help="summary.json (or its folder) of the first recording")
    p.add_argument("b", help="summary.json (or its folder) of the second recording")

    p = sub.add_parser("physiology", help="jerk-locked back-averaging, Bereitschaftspotential, coherence, origin")
    _add_read_options(p)
    _add_detect_options(p)
    p.add_argument("--events", default=None, help="events.tsv to use instead of detecting")
    p.add_argument("--out", "-o", default="myoclonus_physiology", help="output folder")

    p = sub.add_parser("batch", help="analyse a cohort of recordings on Dask (resumable)")
    p.add_argument("inputs", nargs="+", help="recording files")
    p.add_argument("--out", "-o", required=True, help="output folder (per-recording folders, cohort.csv/.parquet)")
    g2 = p.add_mutually_exclusive_group()
    g2.add_argument("--scheduler", default=None, help="address of a running Dask scheduler (tcp://host:8786)")
    g2.add_argument("--workers", type=int, default=None, help="workers of the local cluster (default: cores)")
    p.add_argument("--no-resume", action="store_true", help="re-run recordings whose outputs are up to date")
    p.add_argument("--split-above", type=float, default=None, metavar="HOURS",
                   help="EMG channel-hours above which a recording is detected as chunk-level tasks (default 8)")

    p = sub.add_parser("simulate", help="write a simulated recording and its ground truth")
    p.add_argument("--profile", default="cortical", help="myoclonus profile (e.g. cortical, subcortical, healthy)")
    p.add_argument("--duration", type=float, default=60.0, help="seconds")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--sfreq", type=float, default=2048.0, help="Hz")
    p.add_argument("--snr", type=float, default=None, help="jerk amplitude as a multiple of the background RMS")
    p.add_argument("--out", "-o", required=True, help="recording file: .edf, .bdf or .fif")
    p.add_argument("--overwrite", action="store_true", help="replace the recording and its truth file if they exist")
    p.add_argument("--plot", default=None, help="also save a figure (PNG)")
    try:  # the review app is an optional extra
        from .review import add_cli as _add_review_cli
    except ImportError:
        _add_review_cli = None
    if _add_review_cli is not None:
        _add_review_cli(sub)
    return parser


def _read(args):
    from .io import read_recording

    if args.recording is None:
        raise MyoclonusUsageError(f"myoclonus {args.command}: the recording file is missing. Give its path, e.g. "
                                  f"`myoclonus {args.command} rec.edf`.")
    ct = dict(args.channel_type) or None
    units = dict(args.units) or None
    return read_recording(args.recording, sfreq=args.sfreq, channel_types=ct, units=units, keep_identity=args.keep_identity)


def _cmd_info(args):
    rec = _read(args)
    desc = rec.describe(keep_identity=args.keep_identity)
    if args.json:
        print(json.dumps(desc, indent=2, default=str))
        return EXIT_OK
    src = desc["source"]
    print(f"File:       {src.get('file')}  ({src.get('format')})")
    print(f"Start:      {desc['meas_date'] or 'unknown'}")
    print(f"Duration:   {desc['duration_s']:.3f} s")
    print(f"Channels:   {desc['n_channels']}  (" + ", ".join(f"{n} {t}" for t, n in desc["channel_types"].items()) + ")")
    print("Rates:      " + (", ".join(f"{r:g} Hz" for r in desc["sampling_rates_hz"]) or "none (annotations only)"))
    if desc.get("discontinuous"):
        print(f"Segments:   {len(desc['segments'])} (discontinuous: {desc['recorded_duration_s']:.3f} s recorded; "
              "gaps kept, each segment detected on its own)")
        for k, sg in enumerate(desc["segments"]):
            print(f"  {k + 1:>3}  {sg['onset_s']:10.3f} s  {sg['duration_s']:10.3f} s")
    if args.keep_identity and desc.get("identity"):
        print("Identity:   " + "; ".join(f"{k}={v}" for k, v in desc["identity"].items() if v))
    print()
    print(f"{'#':>3}  {'name':<18} {'type':<5} {'rate (Hz)':>9} {'unit':<6} site")
    for i, c in enumerate(rec.channels):
        unit = c.unit + ("" if c.calibrated else "?")
        print(f"{i + 1:>3}  {c.name:<18} {c.type:<5} {c.sfreq:>9g} {unit:<6} {c.site.describe()}")
    print()
    print(f"Annotations: {len(rec.annotations)}")
    for o, d, t in zip(rec.annotations.onset, rec.annotations.duration, rec.annotations.description):
        print(f"  {o:10.3f} s  {d:7.3f} s  {t}")
    return EXIT_OK


def _cmd_detect(args):
    from .events import write_events
    from .segments import detect_jerks_by_segment

    if args.list_params:
        _print_params()
        return EXIT_OK
    settings = _detect_settings(args)
    _check_new_file(args.out, args.overwrite)
    rec = _read(args)
    res = detect_jerks_by_segment(rec, picks=args.channels or "emg", force=args.force, progress=not args.quiet,
                                  n_jobs=args.jobs, **settings)
    path = write_events(res.events, args.out, recording=rec, keep_identity=args.keep_identity, overwrite=args.overwrite)
    counts = res.events.counts()
    print(f"{len(res.events)} events ({', '.join(f'{v} {k}' for k, v in counts.items()) or 'none'}) -> {path}")
    return EXIT_OK


def _cmd_analyze(args):
    from .pipeline import analyze

    if args.list_params:
        _print_params()
        return EXIT_OK
    settings = _detect_settings(args)
    rec = _read(args)
    res = analyze(
        rec, out=args.out, picks=args.channels or "emg", keep_identity=args.keep_identity, force=args.force,
        progress=not args.quiet, history=args.history, hypnogram=args.hypnogram, plm_standard=args.plm_standard,
        pdf=args.pdf, lang=_lang(args), patient_note=args.note_for_patient,
        detect_kwargs={"n_jobs": args.jobs, **settings}, recording_path=args.recording,
    )
    _print_outputs(res, _lang(args))
    return EXIT_OK


def _print_outputs(res, lang="en"):
    from .i18n import format_number, gettext_for

    _ = gettext_for(lang)
    c = res.summary["counts"]
    print(_("{n} jerks, {m} sustained activations in {s} s.").format(
        n=c["jerk"], m=c["sustained"], s=format_number(res.recording.duration, 1, lang)))
    for k, v in res.outputs.items():
        print(f"  {k:<12} {v}")
    if "report_html" in res.outputs:
        print(_("Open the report: {path}").format(path=Path(res.outputs["report_html"]).resolve()))
    if "patient_html" in res.outputs:
        print(_("Open the patient summary: {path}").format(path=Path(res.outputs["patient_html"]).resolve()))


def _cmd_demo(args):
    from .i18n import format_number, gettext_for
    from .pipeline import analyze
    from .simulate import demo_recording

    lang = _lang(args)
    _ = gettext_for(lang)
    sim = demo_recording(seed=args.seed, duration=args.duration)
    res = analyze(sim.recording, out=args.out, truth=sim.truth, progress=not args.quiet, pdf=args.pdf,
                  hypnogram=getattr(sim, "hypnogram", None), lang=lang, patient_note=args.note_for_patient)
    _print_outputs(res, lang)
    sc = res.summary.get("truth", {}).get("jerk_scores", {})
    if sc.get("f1") is not None:
        print(_("Against the simulation's truth, on the {n} of its {total} jerks that last 10-500 ms and reach at least "
                "3 times the background EMG at their time (the detection limit the benchmarks score; detections of "
                "weaker or longer jerks count neither way): precision {precision}, recall {recall}, F1 {f1}.").format(
            n=sc["n_truth"], total=sc["n_truth_all"], precision=format_number(sc["precision"], 3, lang),
            recall=format_number(sc["recall"], 3, lang), f1=format_number(sc["f1"], 3, lang)))
    return EXIT_OK


def _check_new_file(path, overwrite):
    """Refuse an existing output file before any work is done, unless --overwrite."""
    if Path(path).exists() and not overwrite:
        raise MyoclonusUsageError(f"'{path}' exists; pass --overwrite to replace it, or choose another --out.")


def _cmd_simulate(args):
    from .io import write_recording
    from .simulate import simulate

    out = Path(args.out)
    if out.suffix.lower() not in (".edf", ".bdf", ".fif"):
        raise MyoclonusUsageError(
            f"Invalid value for --out. Allowed extensions are '.edf', '.bdf' and '.fif', but got {out.suffix!r}."
        )
    truth_path = out.with_name(out.stem + "_truth.tsv")
    for p in (out, truth_path):
        _check_new_file(p, args.overwrite)
    sim = simulate(args.profile, duration=args.duration, sfreq=args.sfreq, seed=args.seed, snr=args.snr)
    write_recording(sim.recording, out, overwrite=args.overwrite)
    sim.truth.to_tsv(truth_path)
    print(f"{out}  ({sim.recording.n_channels} channels, {sim.recording.duration:.1f} s)")
    print(f"{truth_path}  ({len(sim.truth)} truth events)")
    if args.plot:
        from .simulate import plot_simulation

        plot_simulation(sim, fname=args.plot)
        print(args.plot)
    return EXIT_OK


def _summary_path(p):
    p = Path(p)
    return p / "summary.json" if p.is_dir() else p


def _cmd_assess(args):
    from .assess import assess

    summary = None
    if args.summary:
        sp = _summary_path(args.summary)
        if not sp.exists():
            raise MyoclonusInputError(f"Summary file not found: '{sp}'. Run 'myoclonus analyze' first.")
        summary = json.loads(sp.read_text(encoding="utf-8"))
    lang = _lang(args)
    res = assess(args.history, summary=summary, **({"lang": lang} if lang != "en" else {}))
    doc = res.to_dict()
    if args.out:
        Path(args.out).write_text(json.dumps(doc, indent=2, default=str) + "\n", encoding="utf-8")
        for line in res.summary_lines():
            print(line)
        print(f"-> {args.out}")
    else:
        print(json.dumps(doc, indent=2, default=str))
    return EXIT_OK


def _cmd_compare(args):
    from .characterize import compare, compare_text

    a, b = _summary_path(args.a), _summary_path(args.b)
    for p in (a, b):
        if not p.exists():
            raise MyoclonusInputError(f"Summary file not found: '{p}'. Run 'myoclonus analyze' on both recordings first.")
    print(compare_text(compare(a, b)))
    return EXIT_OK


def _cmd_physiology(args):
    from .events import read_events
    from .physiology import run_physiology
    from .segments import detect_jerks_by_segment

    if args.list_params:
        _print_params()
        return EXIT_OK
    settings = _detect_settings(args)
    rec = _read(args)
    if args.events:
        events = read_events(args.events)
    else:
        events = detect_jerks_by_segment(rec, picks=args.channels or "emg", force=args.force, progress=not args.quiet,
                                         n_jobs=args.jobs, **settings).events
    char = None
    try:
        from .characterize import characterize

        char = characterize(events, rec).to_dict()
    except ImportError:
        pass
    res = run_physiology(rec, events, characterization=char, out=args.out)
    d = res.to_dict()
    origin = d.get("origin", {})
    print(f"Origin: {origin.get('class')} (scores: " + ", ".join(f"{k} {v:.2f}" for k, v in (origin.get('scores') or {}).items()) + ")")
    print(f"Outputs in {args.out}")
    return EXIT_OK


def _cmd_batch(args):
    from .batch import run_batch

    kw = {} if args.split_above is None else {"split_above": args.split_above}
    table = run_batch(args.inputs, args.out, scheduler=args.scheduler, workers=args.workers,
                      resume=not args.no_resume, progress=not args.quiet, **kw)
    counts = table["status"].value_counts().to_dict()
    print(", ".join(f"{v} {k}" for k, v in counts.items()))
    for _, row in table[table["status"] == "failed"].iterrows():
        print(f"  failed: {row['recording']}: {row['error']}")
    print(f"Cohort table: {Path(args.out) / 'cohort.csv'}")
    return EXIT_OK if (table["status"] != "failed").all() else EXIT_INPUT


_COMMANDS = {
    "info": _cmd_info,
    "detect": _cmd_detect,
    "analyze": _cmd_analyze,
    "demo": _cmd_demo,
    "simulate": _cmd_simulate,
    "assess": _cmd_assess,
    "compare": _cmd_compare,
    "physiology": _cmd_physiology,
    "batch": _cmd_batch,
}


@contextlib.contextmanager
def _cli_logging(args):
    """The command's own stderr handler on the package logger, removed (and the logger's level and
    propagation restored) when the command ends, so that ``main()`` called in a process leaves the
    logger as it found it."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("myoclonus: %(levelname)s: %(message)s"))
    old_level, old_propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.ERROR if args.quiet else (logging.DEBUG if args.verbose else logging.WARNING))
    logger.propagate = False
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        logger.propagate = old_propagate


def _showwarning(message, category, filename, lineno, file=None, line=None):
    print(f"myoclonus: warning: {_one_line(message)}", file=sys.stderr)


def _one_line(message):
    """A message on one line (a file's bad field may hold line breaks)."""
    return " ".join(str(message).split("\n"))


def main(argv=None):
    """Entry point of the ``myoclonus`` command. Returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return EXIT_USAGE
    old_streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _SafeStream(sys.stdout), _SafeStream(sys.stderr)
    old_show = warnings.showwarning
    warnings.showwarning = _showwarning
    try:
        with _cli_logging(args), warnings.catch_warnings(), allow_memory_tuning():
            warnings.simplefilter("ignore" if args.quiet else "default")
            warnings.filterwarnings("ignore", category=DeprecationWarning)
            warnings.filterwarnings("ignore", module="mne")
            warnings.showwarning = _showwarning
            command = getattr(args, "handler", None) or _COMMANDS[args.command]
            return command(args)
    except MyoclonusError as err:
        print(f"myoclonus: error: {_one_line(err)}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("myoclonus: interrupted", file=sys.stderr)
        return 130
    except Exception as err:  # a bug: say so, traceback only with --verbose
        if args.verbose:
            traceback.print_exc()
        print(
            f"myoclonus: internal error ({type(err).__name__}: {_one_line(err)}). This is a bug; please report it with "
            "the output of the same command run with --verbose.",
            file=sys.stderr,
        )
        return EXIT_BUG
    finally:
        warnings.showwarning = old_show
        sys.stdout, sys.stderr = old_streams


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
