"""Scoring rule shared by the demo and the benchmarks (myoclonus.scoring)."""
import numpy as np

from myoclonus.events import Events
from myoclonus.scoring import ELIGIBLE_MIN_SNR_DB, eligible_pairs, score_eligible_jerks


def _truth():
    # 1: eligible; 2: too weak; 3: too short; 4: eligible, missed
    return Events([1.0, 2.0, 3.0, 4.0], [0.030, 0.030, 0.004, 0.060], kind="jerk", channel="EMG1",
                  snr_db=[ELIGIBLE_MIN_SNR_DB + 6, ELIGIBLE_MIN_SNR_DB - 6, 20.0, 20.0])


def test_detection_of_an_ineligible_jerk_is_neither_hit_nor_false_positive():
    det = Events([1.005, 2.003, 3.001, 7.0], [0.03, 0.03, 0.01, 0.03], kind="jerk", channel="EMG1")
    te, de, pairs = eligible_pairs(_truth(), det)
    np.testing.assert_allclose(te.onset, [1.0, 4.0])
    np.testing.assert_allclose(de.onset, [1.005, 7.0])  # matches to ineligible truth dropped
    assert pairs.tolist() == [[0, 0]]
    s = score_eligible_jerks(_truth(), det)
    assert (s["n_truth"], s["n_detected"], s["n_matched"], s["n_truth_all"]) == (2, 2, 1, 4)
    assert s["precision"] == 0.5 and s["recall"] == 0.5


def test_tolerance_is_applied():
    det = Events([1.030], [0.03], kind="jerk", channel="EMG1")
    assert len(eligible_pairs(_truth(), det, tolerance=0.020)[2]) == 0
    assert len(eligible_pairs(_truth(), det, tolerance=0.040)[2]) == 1
