"""Detection of jerks, sustained activity, silent periods and accelerometer jerks."""
from .engine import DEFAULTS, DetectionResult, detect_bursts, detect_jerks

__all__ = ["DEFAULTS", "DetectionResult", "detect_bursts", "detect_jerks"]
