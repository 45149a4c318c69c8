"""--hypnogram: Sleep-EDF EDF+ annotations or a TSV/CSV of stages feed the sleep context."""
from __future__ import annotations

import datetime as dt
import json
import warnings
from pathlib import Path

import numpy as np
import pytest

import myoclonus
from myoclonus import MyoclonusInputError
from myoclonus.characterize.sleep import read_hypnogram, stage_of
from myoclonus.cli import main

HYPNO = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "readers" / "edfio__SC4001EC-Hypnogram.edf"
#: Sleep-EDF SC4001: 'Sleep stage W' from 0 to 30630 s, 'Sleep stage 1' to 30750 s, then 'Sleep stage 2'.
START = dt.datetime(1989, 4, 24, 16, 13)


@pytest.fixture(scope="module")
def night(tmp_path_factory):
    """200 s of simulated myoclonus starting 30600 s into the Sleep-EDF night (across W -> N1 -> N2)."""
    sim = myoclonus.simulate("cortical", duration=200, seed=1)
    rec = sim.recording
    rec.meas_date = START + dt.timedelta(seconds=30600)
    path = tmp_path_factory.mktemp("night") / "night.edf"
    myoclonus.write_recording(rec, path)
    return path


def _hypno():
    if not HYPNO.exists():
        pytest.skip(f"{HYPNO} is absent")
    return HYPNO


def test_sleep_edf_hypnogram_on_the_recording_axis(night):
    rec = myoclonus.read_recording(night)
    hyp = read_hypnogram(_hypno(), recording=rec)
    # placed by the two start dates and cut to the recording
    assert list(hyp["stage"]) == ["W", "N1", "N2"]
    np.testing.assert_allclose(hyp["onset"], [0.0, 30.0, 150.0])
    np.testing.assert_allclose(hyp["duration"], [30.0, 120.0, 50.0])
    assert list(stage_of([10.0, 60.0, 160.0], hyp)) == ["W", "N1", "N2"]


def test_cli_analyze_with_sleep_edf_hypnogram(night, tmp_path, capsys):
    out = tmp_path / "res"
    assert main(["-q", "analyze", str(night), "--hypnogram", str(_hypno()), "--out", str(out)]) == 0
    sleep = json.loads((out / "summary.json").read_text())["sleep"]
    assert sleep["available"] and sleep["hypnogram_source"] == "given"
    assert {k: round(v["minutes"], 3) for k, v in sleep["per_stage"].items() if v["minutes"]} == {
        "W": 0.5, "N1": 2.0, "N2": 0.833}
    assert sleep["hypnic_jerks"]["transition_onsets"] == [30.0]


def test_cli_analyze_with_tsv_hypnogram(night, tmp_path):
    tsv = tmp_path / "stages.tsv"
    tsv.write_text("onset\tduration\tstage\n0\t90\tW\n90\t110\tN2\n")
    out = tmp_path / "res"
    assert main(["-q", "analyze", str(night), "--hypnogram", str(tsv), "--out", str(out)]) == 0
    sleep = json.loads((out / "summary.json").read_text())["sleep"]
    assert {k: v["minutes"] for k, v in sleep["per_stage"].items() if v["minutes"]} == {"W": 1.5, "N2": 110 / 60}


@pytest.mark.parametrize("content,match", [
    ("onset\tduration\tstage\n0\t30\tW\nnan\t30\tN2\n", "onset nan s"),
    ("onset\tduration\tstage\n0\t-30\tW\n", "duration -30.0 s"),
    ("onset\tduration\tstage\n5000\t30\tW\n", "covers 5000 to 5030 s .* outside the recording"),
])
def test_bad_hypnograms_exit_3(night, tmp_path, capsys, content, match):
    tsv = tmp_path / "bad.tsv"
    tsv.write_text(content)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code = main(["-q", "analyze", str(night), "--hypnogram", str(tsv), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 3 and "bad.tsv" in err
    with pytest.raises(MyoclonusInputError, match=match):
        read_hypnogram(tsv, recording=myoclonus.read_recording(night))


def test_edf_without_stages_refused(night, tmp_path, capsys):
    code = main(["-q", "analyze", str(night), "--hypnogram", str(night), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 3 and "night.edf' has no sleep-stage annotation" in err


def test_cli_plm_standard_scores_the_leg_emg(tmp_path, capsys):
    """--plm-standard: the leg movements of a two-leg night scored on its EMG by the standard asked for."""
    sf = 500.0
    rng = np.random.default_rng(5)
    x = rng.normal(0, 2.0, (2, int(600 * sf)))
    for o in 200.0 + 7.0 * np.arange(8):  # 8 LMs 7 s apart: a PLM series by the AASM (5-90 s), none by WASM
        i0, i1 = int(o * sf), int((o + 1.0) * sf)
        x[0, i0:i1] += rng.normal(0, 30.0, i1 - i0)
    rec = myoclonus.Recording.from_array(x, sf, ch_names=["EMG L TibAnt", "EMG R TibAnt"], ch_types="emg")
    edf = tmp_path / "legs.edf"
    myoclonus.write_recording(rec, edf)
    tsv = tmp_path / "stages.tsv"
    tsv.write_text("onset\tduration\tstage\n0\t120\tW\n120\t480\tN2\n")
    plm = {}
    for std in ("wasm2016", "aasm"):
        out = tmp_path / std
        assert main(["-q", "analyze", str(edf), "--hypnogram", str(tsv), "--plm-standard", std, "--out", str(out)]) == 0
        plm[std] = json.loads((out / "summary.json").read_text())["sleep"]["plm"]
    assert plm["wasm2016"]["standard"] == "wasm2016" and plm["aasm"]["standard"] == "aasm"
    assert plm["aasm"]["standard_name"].startswith("AASM Manual")
    assert (plm["wasm2016"]["n_lm"], plm["wasm2016"]["n_plms"]) == (8, 0)
    assert (plm["aasm"]["n_lm"], plm["aasm"]["n_plms"], plm["aasm"]["n_series"]) == (8, 8, 1)
    assert plm["aasm"]["plms_index"] == pytest.approx(8 / (480 / 3600))
    with pytest.raises(SystemExit) as e:
        main(["-q", "analyze", str(edf), "--hypnogram", str(tsv), "--plm-standard", "wasm"])
    assert e.value.code == 2 and "invalid choice: 'wasm'" in capsys.readouterr().err
