"""Reading and writing recordings."""
from .read import SUPPORTED_EXTENSIONS, read_recording
from .recording import Annotations, Channel, Recording
from .sites import BodySite, parse_label
from .write import write_recording

__all__ = [
    "Annotations",
    "BodySite",
    "Channel",
    "Recording",
    "SUPPORTED_EXTENSIONS",
    "parse_label",
    "read_recording",
    "write_recording",
]
