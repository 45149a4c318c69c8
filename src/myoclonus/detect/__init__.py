"""Detection of jerks, sustained activity, artifacts, silent periods and accelerometer jerks.

Modules, one job each: :mod:`.params` (every parameter: default, unit, reason, reference, check),
:mod:`.api` (:func:`detect_jerks`), :mod:`.plan` (how a recording's channels are detected, whole or
chunk by chunk), :mod:`.channel` (one channel or chunk), :mod:`.stats` (channel-wide quantities),
:mod:`.measures` (event measures), :mod:`.result` (:class:`DetectionResult`), :mod:`.methods`
(the methods paragraph), and the signal pieces :mod:`.bursts`, :mod:`.artifacts`, :mod:`.ecg`,
:mod:`.silent`, :mod:`.acc`, :mod:`.stream`.
"""
from .api import METHODS, MIN_SFREQ, WARN_SFREQ, detect_bursts, detect_jerks
from .channel import detect_channel
from .params import DEFAULTS, PARAMS, SENSITIVITY, DetectionParams
from .result import DetectionResult

__all__ = ["DEFAULTS", "PARAMS", "SENSITIVITY", "DetectionParams", "METHODS", "MIN_SFREQ", "WARN_SFREQ",
           "DetectionResult", "detect_bursts", "detect_channel", "detect_jerks"]
