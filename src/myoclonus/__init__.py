"""myoclonus: clinical neurophysiology of myoclonus.

Read polygraphy recordings, detect myoclonic jerks, characterize them and report.
This is decision support for clinicians, not a diagnosis.
"""
from ._version import __version__

from ._logging import set_log_level, use_log_level  # noqa: E402
from ._validate import MyoclonusError, MyoclonusInputError, MyoclonusUsageError  # noqa: E402
from .events import EVENT_KINDS, Events, read_events, write_events  # noqa: E402
from .io import Annotations, BodySite, Channel, Recording, parse_label, read_recording, write_recording  # noqa: E402
from .detect import DetectionResult, detect_jerks  # noqa: E402


def simulate(*args, **kwargs):
    """Simulate a polygraphy recording with ground truth; see :func:`myoclonus.simulate.simulate`."""
    from .simulate import simulate as _simulate

    return _simulate(*args, **kwargs)


def characterize(*args, **kwargs):
    """Characterize jerks (rates, series, rhythm, distribution...); see
    :func:`myoclonus.characterize.characterize`."""
    from .characterize import characterize as _characterize

    return _characterize(*args, **kwargs)


def classify_origin(*args, **kwargs):
    """Likely origin of the jerks with its evidence; see :func:`myoclonus.physiology.classify_origin`."""
    from .physiology import classify_origin as _classify_origin

    return _classify_origin(*args, **kwargs)


def analyze(*args, **kwargs):
    """Run the whole pipeline; see :func:`myoclonus.pipeline.analyze`."""
    from .pipeline import analyze as _analyze

    return _analyze(*args, **kwargs)


__all__ = [
    "Annotations",
    "BodySite",
    "Channel",
    "DetectionResult",
    "EVENT_KINDS",
    "Events",
    "MyoclonusError",
    "MyoclonusInputError",
    "MyoclonusUsageError",
    "Recording",
    "__version__",
    "analyze",
    "characterize",
    "classify_origin",
    "detect_jerks",
    "parse_label",
    "read_events",
    "read_recording",
    "set_log_level",
    "simulate",
    "use_log_level",
    "write_events",
    "write_recording",
]
