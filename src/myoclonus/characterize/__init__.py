"""Characterization of myoclonic jerks (issue 5).

How often, how long, one at a time or in series, regular or irregular, which parts of the body, in
which order, provoked by what, and when (awake, falling asleep, asleep): numbers and plain-language
lines from the events (and the recording).

Examples
--------
>>> from myoclonus.simulate import simulate
>>> from myoclonus.characterize import characterize
>>> sim = simulate("segmental", duration=60, seed=1)  # doctest: +SKIP
>>> res = characterize(sim.truth, sim.recording)  # doctest: +SKIP
>>> res.to_dict()["rhythm"]["frequency_hz"]  # doctest: +SKIP
"""
from ._core import CharacterizationResult, characterize, compare, compare_text
from .plm import score_leg_emg, score_plm
from .sleep import read_hypnogram

__all__ = ["characterize", "CharacterizationResult", "read_hypnogram", "score_plm", "score_leg_emg", "compare",
           "compare_text"]

from .._callable import make_callable as _make_callable  # noqa: E402

# ``myoclonus.characterize(...)`` calls :func:`characterize` (the subpackage is callable).
_make_callable(__name__, characterize)
