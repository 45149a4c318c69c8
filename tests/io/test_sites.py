"""Channel types and body sites from common labels."""
import pytest

from myoclonus.io.sites import SEGMENTS, parse_label


@pytest.mark.parametrize(
    "label,ctype,side,segment,muscle",
    [
        ("EMG L Deltoid", "emg", "left", "upper_limb", "deltoid"),
        ("Chin", "emg", "midline", "cranial", "mentalis"),
        ("SCM R", "emg", "right", "neck", "sternocleidomastoid"),
        ("TibAnt R", "emg", "right", "lower_limb", "tibialis_anterior"),
        ("FDI_R", "emg", "right", "upper_limb", "first_dorsal_interosseous"),
        ("lDelt", "emg", "left", "upper_limb", "deltoid"),
        ("RBiceps", "emg", "right", "upper_limb", "biceps_brachii"),
        ("Rectus abd", "emg", None, "trunk", "rectus_abdominis"),
        ("EMG T8 paraspinal", "emg", None, "trunk", "paraspinal"),
        ("Masseter L", "emg", "left", "cranial", "masseter"),
        ("Fp1", "eeg", "left", "scalp", None),
        ("EEG C4-Ref", "eeg", "right", "scalp", None),
        ("Cz", "eeg", "midline", "scalp", None),
        ("ACC_X", "acc", None, None, None),
        ("ACC R wrist X", "acc", "right", "upper_limb", None),
        ("ECG", "ecg", None, "trunk", None),
        ("EOG", "eog", None, "cranial", None),
        ("Trigger", "stim", None, None, None),
        ("Resp Thor", "resp", None, None, None),
        ("POL DC01", "misc", None, None, None),
    ],
)
def test_parse_label(label, ctype, side, segment, muscle):
    t, site = parse_label(label)
    assert (t, site.side, site.segment, site.muscle) == (ctype, side, segment, muscle)


def test_segments_order():
    assert SEGMENTS.index("neck") < SEGMENTS.index("trunk")
    _, s = parse_label("EMG R Deltoid")
    assert s.proximal == "proximal" and parse_label("EMG R FDI")[1].proximal == "distal"
    assert s.describe() == "right deltoid (upper limb, proximal)"
