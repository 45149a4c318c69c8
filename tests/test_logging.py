"""The package logger and warnings attributed to the user's own line."""
from __future__ import annotations

import logging
import warnings

import numpy as np

from myoclonus import Recording, detect_jerks, use_log_level
from myoclonus._logging import logger, warn


def _caught(fn):
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        fn()
    return rec


def test_warn_points_at_the_first_caller_outside_the_package():
    # deep inside detection (api -> check_rates) at 200 Hz: the warning names this file and line
    x = np.random.default_rng(0).standard_normal((1, 200 * 20)) * 5.0
    rec = _caught(lambda: detect_jerks(x, sfreq=200.0, force=True))
    ours = [w for w in rec if "sampling" in str(w.message).lower() or "Hz" in str(w.message)]
    assert ours, [str(w.message) for w in rec]
    assert all(w.filename == __file__ for w in ours), {w.filename for w in ours}
    # and a direct call from outside the package names the caller
    rec = _caught(lambda: warn("from a test"))
    assert rec[0].filename == __file__ and rec[0].category is UserWarning


def test_use_log_level_restores():
    old = logger.level
    with use_log_level("debug"):
        assert logger.level == logging.DEBUG
    assert logger.level == old
    assert isinstance(Recording, type)
