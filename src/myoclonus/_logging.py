"""One package logger and a ``verbose`` switch that restores the previous level."""
from __future__ import annotations

import contextlib
import functools
import logging

__all__ = ["logger", "set_log_level", "use_log_level", "verbose"]

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
