"""Physiology-based simulator of polygraphy recordings of myoclonus, with ground truth.

No public recording with annotated myoclonus can be shipped, so accuracy claims, the demo and most
tests rest on this simulator. It builds surface EMG, EEG, accelerometer, ECG and stimulus channels
from physiology (motor-unit interference patterns, conduction delays, cortical correlates, limb
mechanics) for ten clinical profiles, with switchable real-world contamination.

Examples
--------
>>> from myoclonus.simulate import simulate
>>> rec, truth = simulate("cortical", duration=60, seed=1)  # doctest: +SKIP
"""
from .core import SimulationResult, demo_recording, simulate
from .plot import plot_simulation
from .profiles import PROFILES

__all__ = ["simulate", "demo_recording", "SimulationResult", "PROFILES", "plot_simulation"]

from .._callable import make_callable as _make_callable  # noqa: E402

# ``myoclonus.simulate(...)`` calls :func:`simulate` (the subpackage is callable).
_make_callable(__name__, simulate)
