"""Silent periods on real tonic EMG: the tonic cases of the real-material benchmark (issue 18).

The cases are built by ``benchmarks/realmaterial.py`` from ``../shared/data/real`` (skipped when
absent): real tonic EMG gated to the real resting EMG underneath for 50-300 ms, half of the silences
right after a brief real burst, the last third of each recording without silence. Scored as
``benchmarks/accuracy.py`` scores them (onsets within 20 ms).
"""
from __future__ import annotations

import importlib.util
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from myoclonus.detect import detect_jerks
from myoclonus.scoring import match_events, score_events

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture(scope="module")
def results():
    """(source, sfreq) -> (case, silent-period detections on its EMG channels), seed 1, full length."""
    rm = sys.modules.get("realmaterial")
    if rm is None:
        spec = importlib.util.spec_from_file_location("realmaterial", BENCH / "realmaterial.py")
        rm = importlib.util.module_from_spec(spec)
        sys.modules["realmaterial"] = rm
        spec.loader.exec_module(rm)
    msg = rm.missing(rm.REAL)
    if msg:
        pytest.skip(msg)
    out = {}
    for case in rm.build_set(1, families=("tonic",)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ev = detect_jerks(case.recording).events
        out[case.source] = (case, ev[np.isin(ev.channel.astype(str), case.emg_channels)].select("silent_period"))
    return out


def _score(case, sp):
    ctrl = min(v["control_start"] for v in case.info.values())
    sc = score_events(case.truth.select("silent_period", tmax=ctrl), sp.select(tmax=ctrl))
    lo, hi = ctrl + 0.5, case.recording.duration - 0.5
    false = int(np.sum((sp.onset >= lo) & (sp.onset < hi)))
    return sc, false, len(case.emg_channels) * (hi - lo) / 60


#: F1 of the real-material benchmark (seed 1) as measured with this detector, minus a margin: the
#: surface sources meet the issue's 0.90; the needle ones do not (benchmarks/README.md, "Silent periods").
FLOOR = {
    "biosppy/emg (weak tonic) over biosppy/emg_1": 0.90,
    "biosppy/emg_1 (contraction) over biosppy/emg": 0.90,
    "veta_drt+myonset (burst plateaus) over myonset": 0.90,
    "physionet_emgdb/emg_healthy over veta_drt": 0.70,
    "physionet_emgdb/emg_myopathy over veta_drt": 0.70,
    "physionet_emgdb/emg_neuropathy over myonset": 0.45,
}


def test_silent_periods_per_source(results):
    assert set(results) == set(FLOOR)
    for source, (case, sp) in results.items():
        sc, _, _ = _score(case, sp)
        assert sc["n_truth"] >= 15, source
        assert sc["f1"] >= FLOOR[source], (source, sc["f1"])


def test_false_silent_periods_per_minute_of_tonic_emg(results):
    """Target of issue 18: <= 1 false silent period per minute of real tonic EMG without silence."""
    false = minutes = 0.0
    for case, sp in results.values():
        _, f, m = _score(case, sp)
        false, minutes = false + f, minutes + m
    assert minutes > 2.0
    assert false / minutes <= 1.0


def test_silences_after_a_jerk_and_their_tonic_level(results):
    """Half of the silences follow a brief real burst: most are found, from its offset; the preceding
    tonic level reported is that of the tonic EMG (not raised by the burst)."""
    hit = total = 0
    ratios = []
    for case, sp in results.values():
        ts = case.truth.select("silent_period")
        aj = ts[ts.measures["after_jerk"] == 1]
        pairs = match_events(aj, sp)
        hit, total = hit + len(pairs), total + len(aj)
        pairs = match_events(ts, sp)
        ratios += list(sp.measures["tonic_level_uv"][pairs[:, 1]] / ts.measures["tonic_level_uv"][pairs[:, 0]])
    assert total > 50 and hit / total >= 0.7
    assert 0.85 <= np.median(ratios) <= 1.15  # measured 1.02 (10-90%: 0.94-1.18)
