"""Flank test (``k_flank``) and jerks superimposed on sustained activation (``k_superimposed``)."""
import warnings

import numpy as np
import pytest

import myoclonus
from myoclonus.detect import detect_jerks, stream
from myoclonus.detect.channel import flank_rms
from myoclonus.detect._scan import energy_cumsum
from myoclonus.scoring import match_events


def _score(sim, **kw):
    """(truth jerks matched, detected jerks not matching any truth jerk) on the EMG channels."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = detect_jerks(sim.recording, **kw)
    det = res.events.select("jerk")
    truth = sim.truth.select("jerk")
    truth = truth[np.isin(truth.channel.astype(str), list(res.thresholds))]
    pairs = match_events(truth, det)
    return len(pairs), len(det) - len(pairs)


def test_flank_rms_ignores_a_neighbour_on_one_side():
    sf = 1000.0
    rng = np.random.default_rng(0)
    x = rng.standard_normal(3000)
    x[1500:1530] *= 10  # the burst
    cs2 = energy_cumsum(x)
    quiet = flank_rms(cs2, np.array([1500]), np.array([1530]), sf)[0]
    x[1580:1610] *= 10  # a jerk 50 ms after it (a train)
    x[1420:1450] *= 10  # and one 50 ms before it
    both = flank_rms(cs2 := energy_cumsum(x), np.array([1500]), np.array([1530]), sf)[0]
    assert quiet == pytest.approx(1.0, abs=0.25)
    assert both == pytest.approx(quiet, rel=0.25)  # median of 10 ms windows: a neighbour covers 3 of 9
    x[1000:2000] *= 3  # a swell of the background on both sides does raise it
    assert flank_rms(energy_cumsum(x), np.array([1500]), np.array([1530]), sf)[0] > 2.5 * quiet
    assert flank_rms(cs2, np.array([5]), np.array([20]), sf)[0] == 0.0  # no flank before the record start


def test_flank_rejects_postural_swells_of_cortical_drive():
    # cortical profile: tonic EMG modulated by a 15-30 Hz drive (cmc 0.5) swells for 5-90 ms
    sim = myoclonus.simulate("cortical", duration=60, seed=3)
    hits, false = _score(sim)
    hits0, false0 = _score(sim, k_flank=0)
    assert hits == hits0 >= 35  # no jerk lost to the flank test
    assert false <= 4 and false0 >= false + 4


def test_jerks_superimposed_on_sustained_activation():
    # cortical-subcortical: jerks at the start of postures used to be swallowed by the sustained event
    sim = myoclonus.simulate("cortical_subcortical", duration=60, seed=3)
    hits, false = _score(sim)
    hits0, false0 = _score(sim, k_superimposed=0)
    assert hits - hits0 >= 3
    assert false <= false0


def test_superimposed_jerks_chunked_equals_whole(monkeypatch):
    monkeypatch.setattr(stream, "STATS_SECONDS", 30.0)
    monkeypatch.setattr(stream, "STATS_SEGMENT", 10.0)
    rec = myoclonus.simulate("cortical", duration=60, seed=1).recording
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        whole = detect_jerks(rec, chunk_duration=None).events
        chunked = detect_jerks(rec, chunk_duration=20.0).events
        off = detect_jerks(rec, chunk_duration=None, k_superimposed=0).events
    assert len(whole.select("jerk")) > len(off.select("jerk"))  # the second pass found jerks here
    assert len(whole) == len(chunked)
    np.testing.assert_array_equal(whole.onset, chunked.onset)
    np.testing.assert_array_equal(whole.duration, chunked.duration)
    assert list(whole.kind) == list(chunked.kind)
