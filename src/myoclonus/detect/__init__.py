"""Detection of jerks, sustained activity, artifacts, silent periods and accelerometer jerks."""
from .engine import DEFAULTS, METHODS, MIN_SFREQ, WARN_SFREQ, DetectionResult, detect_bursts, detect_channel, detect_jerks

__all__ = ["DEFAULTS", "METHODS", "MIN_SFREQ", "WARN_SFREQ", "DetectionResult", "detect_bursts", "detect_channel", "detect_jerks"]
