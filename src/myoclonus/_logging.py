"""One package logger and a ``verbose`` switch that restores the previous level."""
from __future__ import annotations

import contextlib
import functools
import logging
import os
import sys
import warnings

__all__ = ["logger", "set_log_level", "use_log_level", "verbose", "warn"]

logger = logging.getLogger("myoclonus")
logger.addHandler(logging.NullHandler())

_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
    "critical": logging.CRITICAL,
}


def _to_level(verbose):
    if verbose is None:
        return None
    if isinstance(verbose, bool):
        return logging.INFO if verbose else logging.WARNING
    if isinstance(verbose, int):
        return verbose
    from ._validate import _check_option

    return _LEVELS[_check_option("verbose", str(verbose).lower(), list(_LEVELS))]


def set_log_level(verbose=None):
    """Set the package log level (bool, int, or one of 'debug', 'info', 'warning', 'error').

    Returns the previous level.
    """
    old = logger.level
    level = _to_level(verbose)
    if level is not None:
        logger.setLevel(level)
    return old


@contextlib.contextmanager
def use_log_level(verbose):
    """Context manager that sets the level for its body and restores it afterwards."""
    old = set_log_level(verbose)
    try:
        yield
    finally:
        logger.setLevel(old)


def verbose(func):
    """Decorator: a ``verbose=`` keyword argument sets the level for the call only."""

    @functools.wraps(func)
    def wrapper(*args, verbose=None, **kwargs):
        if verbose is None:
            return func(*args, **kwargs)
        with use_log_level(verbose):
            return func(*args, **kwargs)

    return wrapper


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def warn(message, category=UserWarning):
    """Emit a warning attributed to the first caller outside the package (as MNE-Python's ``warn``).

    A fixed ``stacklevel`` points at whichever of our own modules happens to sit at that depth; the
    user needs the line of *their* code that led to it.

    Parameters
    ----------
    message : str
    category : type of Warning
    """
    frame = sys._getframe(1)  # the caller of warn()
    level = 2
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE_DIR):
        frame = frame.f_back
        level += 1
    warnings.warn(message, category, stacklevel=level)
