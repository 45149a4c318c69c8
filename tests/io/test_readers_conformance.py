"""Every file of ../shared/data/readers (test files of pyedflib, edfio and MNE; SOURCES.md there)
read by our reader and compared with MNE, as MNE's own reader tests compare with EDFbrowser exports.

Signals: our physical values (:meth:`EdfReader.read`) against MNE's data converted back to the
file's unit, channel by channel; a channel MNE resampled to the file's highest rate is compared at
the sample times the two grids share (MNE interpolates between them). The figure is the largest
difference over the channel's physical range. Annotations: onsets and texts. Annotation-only files
(Sleep-EDF hypnograms) are compared with ``mne.read_annotations``.

Run ``python tests/io/test_readers_conformance.py`` for the per-file figures.
"""
from __future__ import annotations

import warnings
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

READERS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "readers"
FILES = sorted(p.name for p in READERS.glob("*") if p.suffix.lower() in (".edf", ".bdf")) if READERS.is_dir() else []
#: Agreement asked of every signal: largest difference / physical range.
TOLERANCE = 1e-12
#: MNE reads text that Nihon Kohden runs on after a time-keeping TAL without its NUL ('+1.000000\x14\x14
#: +1.140000\x14A1+A2 OFF\x14') as an annotation of its own ('+1.140000') at the record's onset; we split it
#: into the annotation 'A1+A2 OFF' at 1.14 s. Descriptions MNE reads that we do not, per file.
MNE_EXTRA_TEXTS = {"mne__MB0400FU.EDF": {"+0.000000", "+1.140000"}}
_UNIT = {"uv": 1e-6, "µv": 1e-6, "mv": 1e-3, "v": 1.0, "nv": 1e-9}


def compare_with_mne(path):
    """``{'kind', 'n_signals', 'max_rel_diff', 'n_annotations', 'annotations_agree'}`` for one file."""
    import mne

    from myoclonus import read_recording
    from myoclonus.io.edf import EdfReader

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rec = read_recording(path, check=False)
        edf = EdfReader(path)
    ours_ann = [(round(float(o), 6), str(d)) for o, d in zip(rec.annotations.onset, rec.annotations.description)]
    out = {"kind": rec.source["format"], "n_signals": len(edf.signals), "n_annotations": len(ours_ann),
           "n_segments": len(rec.segments) if rec.channels else 0}
    if not edf.signals:
        ann = mne.read_annotations(path)
        theirs = [(round(float(o), 6), str(d)) for o, d in zip(ann.onset, ann.description)]
        out.update(max_rel_diff=None, annotations_agree=sorted(theirs) == sorted(ours_ann))
        edf.close()
        return out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raw = mne.io.read_raw_edf(path, preload=True, stim_channel=None, verbose="error") if path.suffix.lower() == ".edf" \
            else mne.io.read_raw_bdf(path, preload=True, stim_channel=None, verbose="error")
    orig = getattr(raw, "_orig_units", {}) or {}
    worst = 0.0
    for i, sig in enumerate(edf.signals):
        name = raw.ch_names[i]
        x = edf.read(i)
        y = raw.get_data(picks=[i])[0] / _UNIT.get(str(orig.get(name, "")).lower(), 1.0)
        if y.size != x.size:  # resampled by MNE: the samples at the times both grids share
            r = Fraction(raw.info["sfreq"]).limit_denominator() / Fraction(sig["sfreq"]).limit_denominator()
            n = np.arange(0, x.size, r.denominator)
            x, y = x[n], y[n * r.numerator // r.denominator]
        span = abs(sig["physical_max"] - sig["physical_min"])
        worst = max(worst, float(np.max(np.abs(x - y))) / span)
    extra = MNE_EXTRA_TEXTS.get(path.name)
    theirs = [(round(float(o), 6), str(d)) for o, d in zip(raw.annotations.onset, raw.annotations.description)]
    if extra:  # the texts agree; the onsets of the split TALs differ (see MNE_EXTRA_TEXTS)
        agree = sorted(d for _, d in theirs if d not in extra) == sorted(d for _, d in ours_ann)
    else:
        agree = sorted(theirs) == sorted(ours_ann)
    out.update(max_rel_diff=worst, annotations_agree=agree)
    edf.close()
    return out


@pytest.mark.parametrize("name", FILES)
def test_reader_agrees_with_mne(name):
    pytest.importorskip("mne")
    res = compare_with_mne(READERS / name)
    if res["n_signals"]:
        assert res["max_rel_diff"] <= TOLERANCE, res
    else:  # annotation-only: read as annotations
        assert res["n_annotations"] > 0
    assert res["annotations_agree"], res


def test_all_twenty_files_present():
    if not READERS.is_dir():
        pytest.skip(f"{READERS} is absent")
    assert len(FILES) == 20


def test_nihon_kohden_runs_on_tals_split():
    path = READERS / "mne__MB0400FU.EDF"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    from myoclonus import read_recording

    rec = read_recording(path)
    assert rec.source["format"] == "EDF+D" and rec.segments == [(0.0, 29.0)] and not rec.discontinuous
    assert list(zip(rec.annotations.onset, rec.annotations.description)) == [
        (0.0, "Segment: REC START ALLE EEG"), (1.14, "A1+A2 OFF")]


if __name__ == "__main__":  # per-file figures for the report
    for name in FILES:
        r = compare_with_mne(READERS / name)
        diff = "annotations only" if r["max_rel_diff"] is None else f"max |ours - MNE| / range = {r['max_rel_diff']:.3g}"
        print(f"{name:<52} {r['kind']:<6} {r['n_signals']:>3} signals  {diff:<40} "
              f"{r['n_annotations']:>4} annotations, agree: {r['annotations_agree']}")
