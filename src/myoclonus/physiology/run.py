"""One call for the whole physiology step: JLBA, BP, coherence, ERD and the origin."""
from __future__ import annotations

import json
import warnings
from pathlib import Path

from .._logging import logger
from .._validate import MyoclonusError, _validate_type
from ..events import Events
from ._common import _jsonable
from .bp import BPResult, bereitschaft
from .coherence import CoherenceResult, ERDResult, beta_erd, coherence
from .jlba import JLBAResult, back_average
from .origin import REFERENCES, classify_origin

__all__ = ["run_physiology", "PhysiologyResult", "methods"]


class PhysiologyResult:
    """Results of :func:`run_physiology`.

    Attributes
    ----------
    jlba : JLBAResult
    bp : BPResult
    coherence : CoherenceResult
    erd : ERDResult
    origin : OriginResult
    characterization : dict | None
        The features used by the classifier (None when none were available).
    """

    def __init__(self, jlba, bp, coh, erd, origin, characterization=None, notes=()):
        self.jlba = jlba
        self.bp = bp
        self.coherence = coh
        self.erd = erd
        self.origin = origin
        self.characterization = characterization
        self.notes = list(notes)

    def __repr__(self):
        return f"<PhysiologyResult | origin {self.origin.origin}, JLBA {'+' if self.jlba.significant else '-'}, BP {'+' if self.bp.present else '-'}>"

    def methods(self):
        """The methods paragraph of the physiology step (see :func:`methods`)."""
        return methods()

    def to_dict(self):
        """``{'jlba', 'bp', 'coherence', 'erd', 'origin', 'physiology_notes', 'methods'}``.

        The first five are merged into ``summary.json`` by :func:`myoclonus.pipeline.analyze`.
        """
        return _jsonable({
            "jlba": self.jlba.to_dict(),
            "bp": self.bp.to_dict(),
            "coherence": self.coherence.to_dict(),
            "erd": self.erd.to_dict(),
            "origin": self.origin.to_dict(),
            "physiology_notes": self.notes,
            "methods": methods(),
        })

    def figures(self):
        """``{'jlba', 'bp', 'coherence', 'erd'}`` -> matplotlib Figure."""
        return {
            "jlba": self.jlba.plot(),
            "bp": self.bp.plot(),
            "coherence": self.coherence.plot(),
            "erd": self.erd.plot(),
        }

    def save(self, out):
        """Write ``physiology.json`` and ``physiology_<name>.png`` into folder ``out``; returns paths."""
        import matplotlib.pyplot as plt

        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        paths = [out / "physiology.json"]
        paths[0].write_text(json.dumps(self.to_dict(), indent=2))
        for name, fig in self.figures().items():
            p = out / f"physiology_{name}.png"
            fig.savefig(p, dpi=100, bbox_inches="tight")
            plt.close(fig)
            paths.append(p)
        return paths


def _safe(fn, fallback, what, notes):
    try:
        return fn()
    except MyoclonusError as err:  # bad input for this step only: report, go on with the others
        notes.append(f"{what}: {err}")
        logger.info("physiology %s skipped: %s", what, err)
        return fallback(reason=str(err))


def run_physiology(recording, events, *, characterization=None, out=None, seed=0):
    """Run JLBA, BP, coherence and ERD, then classify the origin of the jerks.

    Parameters
    ----------
    recording : Recording
        EEG + EMG polygraphy.
    events : Events
        Detected (or annotated) events; those of kind ``'jerk'`` are the triggers.
    characterization : dict | object with to_dict() | None
        Features for :func:`classify_origin`. None: :func:`myoclonus.characterize.characterize`
        is called when that module is available; otherwise the origin rests on physiology,
        burst durations and counts only (and its confidence is lower).
    out : path-like | None
        Folder where ``physiology.json`` and the PNG figures are written.
    seed : int
        Seed of the random-trigger null of the JLBA.

    Returns
    -------
    result : PhysiologyResult
    """
    _validate_type(events, Events, "events")
    notes = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        jl = _safe(lambda: back_average(recording, events, seed=seed), JLBAResult, "JLBA", notes)
        bp = _safe(lambda: bereitschaft(recording, events), BPResult, "BP", notes)
        coh = _safe(lambda: coherence(recording), CoherenceResult, "coherence", notes)
        erd = _safe(lambda: beta_erd(recording, events), ERDResult, "ERD", notes)
    notes.extend(str(w.message) for w in caught if issubclass(w.category, UserWarning))
    if characterization is None:
        try:
            from ..characterize import characterize  # written in parallel; optional here

            characterization = characterize(events, recording)
        except ImportError:
            notes.append("characterization not available: recruitment, rhythm and distribution not used")
        except MyoclonusError as err:
            notes.append(f"characterization failed: {err}")
    feats = characterization.to_dict() if hasattr(characterization, "to_dict") else characterization
    origin = classify_origin(jlba=jl, bp=bp, coherence=coh, erd=erd, characterization=feats, events=events)
    res = PhysiologyResult(jl, bp, coh, erd, origin, feats, notes)
    if out is not None:
        res.save(out)
    return res


def methods():
    """A methods paragraph of the physiology step, with its references."""
    r = REFERENCES
    return (
        "Jerk-locked back-averaging: EEG band-passed 3-100 Hz (zero phase) and averaged from -300 to "
        "+200 ms around the EMG onsets of the most frequently jerking muscle, baseline -300 to -200 ms, "
        "sweeps over 250 uV peak-to-peak rejected; significance of the largest deflection 60 to 5 ms "
        "before onset against 200 random-trigger averages (max-statistic over electrodes and latencies, "
        f"alpha 0.01), bootstrap 95% bands, minimum detectable amplitude ({r['SH05']}). "
        "Bereitschaftspotential: isolated jerks (no jerk in the preceding 3 s), EEG 0.05-5 Hz at a vertex "
        "region of interest, epochs -3 to +1 s, baseline -3 to -2.5 s, mean -500 to -100 ms amplitude "
        f"tested against 500 circular shifts of the jerk onsets (one-sided, alpha 0.01; {r['vdS12']}). Corticomuscular and intermuscular coherence: EEG against "
        "rectified EMG (high-passed 20 Hz), 1-s disjoint Hann segments of tonic EMG activity, 95% "
        f"confidence limit 1-0.05^(1/(L-1)) ({r['Ha95']}), Bonferroni-corrected over pairs and 12-30 Hz "
        f"bins ({r['Br99']}; {r['Gr03']}); called exaggerated from a peak of 0.5 ({r['heur']}). Beta (13-30 Hz) ERD 1.5-0.1 s before isolated jerks against "
        f"-3.5 to -2.5 s ({r['ERD16']}; {r['Be18']}). Origin: weighted cited criteria (burst duration "
        f"45 ms cut-off, {r['vdV24']}; recruitment, {r['Ha77']}, {r['Br91']}; rhythm, {r['JP86']}; "
        f"functional signs, {r['Th92']}; overview {r['Zu18']}, {r['CB04']})."
    )
