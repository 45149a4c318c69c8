"""The command-line interface: subcommands, exit codes, messages, de-identification."""
from __future__ import annotations

import json
import subprocess
import sys

import mne
import numpy as np
import pytest

from myoclonus import EVENT_KINDS, Events, read_recording
from myoclonus.cli import main
from myoclonus.io.edf import write_edf

FAKE_PATIENT = "MCH-0234567 F 02-MAY-1951 Haagse_Harry"
FAKE_RECORDING = "Startdate 02-MAR-2002 EMR-9876543 Dr_Jekyll Nihon_Kohden_EEG-1200"
SECRETS = ("MCH-0234567", "Haagse", "Harry", "1951", "EMR-9876543", "Jekyll", "Nihon")


def _run(argv, capsys):
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def identified_edf(tmp_path):
    """An EDF+ with a fake patient name, birth date, hospital code and equipment, and 3 bursts."""
    rng = np.random.default_rng(4)
    sf = 1000.0
    x = rng.normal(0, 3, int(20 * sf))
    for o in (3.0, 8.0, 14.0):
        i = int(o * sf)
        x[i : i + 40] += rng.normal(0, 40, 40)
    path = tmp_path / "patient.edf"
    import datetime as dt

    write_edf(
        path,
        [x, rng.normal(0, 10, int(20 * sf))],
        [sf, sf],
        ["EMG R Deltoid", "C3"],
        physical_dims=["uV", "uV"],
        start=dt.datetime(2002, 3, 2, 10, 0, 0),
        annotations=[(1.0, 0.0, "lights on")],
        patient=FAKE_PATIENT,
        recording=FAKE_RECORDING,
    )
    return path


def test_help_lists_subcommands(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for cmd in ("info", "detect", "analyze", "demo", "simulate"):
        assert cmd in out


def test_no_command_is_usage_error(capsys):
    assert main([]) == 2


def test_info(identified_edf, capsys):
    code, out, _ = _run(["info", str(identified_edf)], capsys)
    assert code == 0
    assert "EMG R Deltoid" in out and "emg" in out and "right deltoid" in out
    assert "Duration:   20.000 s" in out and "Annotations: 1" in out
    assert not any(s in out for s in SECRETS)
    code, out, _ = _run(["info", str(identified_edf), "--keep-identity"], capsys)
    assert "Haagse Harry" in out


def test_detect_finds_bursts_and_deidentifies(identified_edf, tmp_path, capsys):
    tsv = tmp_path / "ev.tsv"
    code, out, err = _run(["-q", "detect", str(identified_edf), "--out", str(tsv)], capsys)
    assert code == 0, err
    ev = Events.from_tsv(tsv)
    jerks = ev.select("jerk")
    assert len(jerks) == 3
    np.testing.assert_allclose(jerks.onset, [3.0, 8.0, 14.0], atol=0.010)
    edf_out = tmp_path / "ev.edf"
    assert main(["-q", "detect", str(identified_edf), "--out", str(edf_out)]) == 0
    raw = mne.io.read_raw_edf(edf_out, verbose="error")
    assert sorted(set(raw.annotations.description)) == ["jerk", "lights on"]
    out_dir = tmp_path / "an"
    assert main(["-q", "analyze", str(identified_edf), "--out", str(out_dir)]) == 0
    files = [tsv, tsv.with_suffix(".json"), edf_out] + sorted(out_dir.iterdir())
    assert {p.name for p in out_dir.iterdir()} >= {"events.tsv", "events.json", "summary.json", "report.html"}
    for f in files:
        blob = f.read_bytes()
        for s in SECRETS:
            assert s.encode() not in blob, (f.name, s)
    summary = json.loads((out_dir / "summary.json").read_text())
    assert summary["counts"]["jerk"] == 3
    assert summary["per_channel"]["EMG R Deltoid"]["rate_per_min"]["jerk"] == pytest.approx(9.0)
    assert summary["version"] and summary["parameters"]["min_duration"] == 0.01


def test_keep_identity_writes_identity(identified_edf, tmp_path):
    out = tmp_path / "id.edf"
    assert main(["-q", "detect", str(identified_edf), "--out", str(out), "--keep-identity"]) == 0
    assert b"Haagse_Harry" in out.read_bytes()


@pytest.mark.parametrize("rel", ["physionet_emgdb/emg_healthy.hea", "mne_testing_data/multiple_annotation_chans.bdf"])
def test_real_roundtrip_through_edf(real_dir, tmp_path, rel, capsys):
    src = real_dir / rel
    out = tmp_path / "x.edf"
    code, _, err = _run(["-q", "detect", str(src), "--out", str(out)], capsys)
    assert code == 0, err
    rec_in = read_recording(src, check=False)
    raw = mne.io.read_raw_edf(out, verbose="error")
    assert raw.ch_names == rec_in.ch_names
    assert raw.info["sfreq"] == rec_in.sfreqs[0]
    n_file_ann = len(rec_in.annotations)
    descs = list(raw.annotations.description)
    # detections are '<kind>' (MNE strips '@@<channel>' for known channels) or '<kind>@@<virtual channel>'
    # (MNE merges simultaneous identical annotations on several channels into one with several ch_names)
    is_det = [d.split("@@")[0] in EVENT_KINDS for d in descs]
    n_det = sum(max(1, len(ch)) for ch, det in zip(raw.annotations.ch_names, is_det) if det)
    assert main(["-q", "detect", str(src), "--out", str(tmp_path / "x.tsv")]) == 0
    assert n_det == len(Events.from_tsv(tmp_path / "x.tsv")) > 0
    assert len(descs) - sum(is_det) == n_file_ann
    # the file's own annotations survive with their onsets
    orig = [(round(o, 3), d) for o, d in zip(rec_in.annotations.onset, rec_in.annotations.description)]
    kept = [(round(o, 3), d) for o, d, det in zip(raw.annotations.onset, descs, is_det) if not det]
    assert kept == orig
    # signal preserved (within EDF 16-bit quantisation of the range)
    x_in = rec_in.get_data(tmin=0, tmax=2)[0]
    x_out = raw.get_data(picks=[0], start=0, stop=len(x_in))[0] * 1e6
    step = np.ptp(rec_in.get_data()[0]) / 65535
    assert np.max(np.abs(x_out - x_in)) <= 2 * step + 1e-6


def _bad_inputs(tmp_path):
    trunc = tmp_path / "trunc.edf"
    write_edf(tmp_path / "ok.edf", [np.zeros(100)], [100.0], ["EMG"], physical_dims=["uV"])
    trunc.write_bytes((tmp_path / "ok.edf").read_bytes()[:120])
    zero = tmp_path / "zero.edf"
    zero.write_bytes((tmp_path / "ok.edf").read_bytes()[: 256 * 3])
    lowrate = tmp_path / "lowrate.csv"
    np.savetxt(lowrate, np.random.default_rng(0).normal(size=(500, 1)), header="EMG R FDI", comments="")
    eeg_only = tmp_path / "eeg.csv"
    np.savetxt(eeg_only, np.random.default_rng(0).normal(size=(5000, 1)), header="Cz", comments="")
    (tmp_path / "rec.xyz").write_text("x")
    return {
        "missing": (["info", str(tmp_path / "missing.edf")], 3, "not found"),
        "extension": (["info", str(tmp_path / "rec.xyz")], 3, "Unknown file extension"),
        "truncated": (["info", str(trunc)], 3, "trunc.edf"),
        "zero_length": (["info", str(zero)], 3, "no data"),
        "no_emg": (["detect", str(eeg_only), "--sfreq", "1000"], 3, "No channel of the requested kind"),
        "low_rate": (["detect", str(lowrate), "--sfreq", "50"], 3, "--force"),
        "bad_channel": (["detect", str(eeg_only), "--sfreq", "1000", "--channels", "Cx"], 2, "Did you mean 'Cz'"),
        "bad_option": (["detect", str(eeg_only), "--sfreq", "abc"], 2, "invalid float value"),
    }


@pytest.mark.parametrize(
    "case", ["missing", "extension", "truncated", "zero_length", "no_emg", "low_rate", "bad_channel", "bad_option"]
)
def test_bad_input_exit_codes(tmp_path, case, capsys):
    argv, code, match = _bad_inputs(tmp_path)[case]
    if case == "bad_option":
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == code
        err = capsys.readouterr().err
    else:
        got, _, err = _run(argv, capsys)
        assert got == code, err
    assert match in err
    assert "Traceback" not in err


def test_low_rate_forced_runs(tmp_path, capsys):
    f = tmp_path / "low.csv"
    np.savetxt(f, np.random.default_rng(0).normal(size=(500, 1)), header="EMG R FDI", comments="")
    code, out, err = _run(["detect", str(f), "--sfreq", "50", "--force", "--out", str(tmp_path / "e.tsv")], capsys)
    assert code == 0 and "coarser" in err


def test_subprocess_no_traceback(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "myoclonus", "info", str(tmp_path / "absent.bdf")], capture_output=True, text=True
    )
    assert proc.returncode == 3
    assert "not found" in proc.stderr and "Traceback" not in proc.stderr


def test_assess_cli(tmp_path, capsys):
    hist = tmp_path / "h.yaml"
    hist.write_text(
        "age: 17\nonset_age: 15\ncourse: static\nseizures: [generalized_tonic_clonic, myoclonic]\n"
        "circumstances: [morning]\neeg: [generalized_polyspike_wave]\n"
    )
    out = tmp_path / "a.json"
    code, stdout, err = _run(["assess", "--history", str(hist), "--out", str(out)], capsys)
    assert code == 0, err
    doc = json.loads(out.read_text())
    assert doc["clinical_type"]["ranking"][0]["type"] == "epileptic"
    assert "not a diagnosis" in doc["disclaimer"].lower()
    bad = tmp_path / "bad.yaml"
    bad.write_text("agee: 17\n")
    code, _, err = _run(["assess", "--history", str(bad)], capsys)
    assert code == 3 and "Did you mean 'age'" in err and "Traceback" not in err


def test_compare_cli(tmp_path, capsys):
    from myoclonus.pipeline import analyze
    from myoclonus.simulate import simulate

    outs = []
    for seed, rate in ((1, 60.0), (2, 20.0)):
        sim = simulate("cortical", duration=30.0, seed=seed, rate=rate)
        d = tmp_path / f"a{seed}"
        analyze(sim.recording.pick("emg"), out=d, report=False)
        outs.append(d)
    code, out, err = _run(["compare", str(outs[0]), str(outs[1])], capsys)
    assert code == 0, err
    assert "95%" in out or "CI" in out
    code, _, err = _run(["compare", str(outs[0]), str(tmp_path / "none")], capsys)
    assert code == 3 and "not found" in err


def test_simulate_cli_bit_identical(tmp_path, capsys):
    paths = []
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        out = tmp_path / f"{name}.edf"
        code, _, err = _run(["-q", "simulate", "--profile", "subcortical", "--duration", "15", "--seed", str(seed),
                             "--out", str(out)] + (["--plot", str(tmp_path / "fig.png")] if name == "a" else []), capsys)
        assert code == 0, err
        paths.append(out)
    assert paths[0].read_bytes() == paths[1].read_bytes()
    assert paths[0].read_bytes() != paths[2].read_bytes()
    truth = Events.from_tsv(tmp_path / "a_truth.tsv")
    assert len(truth.select("jerk")) > 0
    rec = read_recording(paths[0], check=False)
    assert rec.duration == pytest.approx(15.0, abs=1.0)
    assert (tmp_path / "fig.png").stat().st_size > 10_000
    code, _, err = _run(["simulate", "--profile", "cortcal", "--duration", "10", "--out", str(tmp_path / "x.edf")], capsys)
    assert code == 2 and "Did you mean 'cortical'" in err


def test_detect_sensitivity_and_settings(identified_edf, tmp_path, capsys):
    # --list-params prints every parameter with its unit, default and reason, without a recording
    code, out, _ = _run(["detect", "--list-params"], capsys)
    assert code == 0
    from myoclonus.detect import PARAMS

    for name in PARAMS:
        assert f"\n{name} = " in "\n" + out
    assert "k_on = 3.0 x background RMS" in out and "why:" in out
    # --set and --sensitivity reach the detector and its methods paragraph in summary.json
    out_dir = tmp_path / "an"
    code, _, err = _run(["-q", "analyze", str(identified_edf), "--out", str(out_dir), "--sensitivity", "high",
                         "--set", "k_flank=2.5", "--set", "notch=none"], capsys)
    assert code == 0, err
    summary = json.loads((out_dir / "summary.json").read_text())
    params = summary["parameters"]
    assert params["sensitivity"] == "high" and params["k_flank"] == 2.5 and params["notch"] is None
    assert params["k_on"] == pytest.approx(2.5) and params["k_burst"] == pytest.approx(2.5)
    assert "on at 2.5x" in summary["methods"] and "2.5x the EMG on its quieter side" in summary["methods"]
    assert "no mains notch" in summary["methods"] and "Sensitivity preset: high" in summary["methods"]
    # bad settings: usage errors (exit 2) that say what was allowed
    for bad, msg in ((["--set", "k_onn=3"], "Did you mean 'k_on'"), (["--set", "k_on=abc"], "takes a number"),
                     (["--set", "k_on"], "NAME=VALUE"), (["--set", "k_off=5"], "must be below 'k_on'")):
        code, _, err = _run(["-q", "detect", str(identified_edf), "--out", str(tmp_path / "e.tsv"), *bad], capsys)
        assert code == 2 and msg in err, (bad, err)
    code, _, err = _run(["detect"], capsys)
    assert code == 2 and "recording file is missing" in err


def test_main_leaves_the_package_logger_as_found(identified_edf, capsys):
    """Calling the command in-process (a notebook, a test) leaves no handler and no changed level."""
    from myoclonus import _malloc
    from myoclonus._logging import logger

    before = (list(logger.handlers), logger.level, logger.propagate)
    for _ in range(2):
        assert main(["-v", "info", str(identified_edf)]) == 0
        assert main(["-q", "info", str(identified_edf)]) == 0
        assert main(["info", str(identified_edf) + ".missing"]) == 3
    assert (list(logger.handlers), logger.level, logger.propagate) == before
    assert _malloc._allowed == 0


def test_memory_tuning_allowed_for_the_command_only(identified_edf, tmp_path, monkeypatch, capsys):
    """The command owns its process and may tune the allocator; a library call may not (issue 23)."""
    from myoclonus import _malloc
    from myoclonus.detect import detect_jerks

    monkeypatch.delenv("MYOCLONUS_MALLOC", raising=False)
    seen = []
    orig = _malloc._enabled
    monkeypatch.setattr(_malloc, "_enabled", lambda: seen.append(orig()) or seen[-1])
    assert main(["-q", "detect", str(identified_edf), "--out", str(tmp_path / "ev.tsv")]) == 0
    assert seen and all(seen)
    seen.clear()
    detect_jerks(read_recording(identified_edf))
    assert seen and not any(seen)


def test_existing_output_refused_before_any_work(identified_edf, tmp_path, capsys):
    out = tmp_path / "ev.tsv"
    out.write_text("keep me")
    code, _, err = _run(["detect", str(identified_edf), "--out", str(out)], capsys)
    assert code == 2 and "exists; pass --overwrite" in err and out.read_text() == "keep me"
    assert main(["-q", "detect", str(identified_edf), "--out", str(out), "--overwrite"]) == 0
    assert len(Events.from_tsv(out).select("jerk")) == 3
    sim = tmp_path / "sim.edf"
    assert main(["-q", "simulate", "--duration", "10", "--seed", "1", "--out", str(sim)]) == 0
    code, _, err = _run(["simulate", "--duration", "10", "--seed", "2", "--out", str(sim)], capsys)
    assert code == 2 and "sim.edf' exists" in err
    assert main(["-q", "simulate", "--duration", "10", "--seed", "2", "--out", str(sim), "--overwrite"]) == 0
