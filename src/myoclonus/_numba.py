"""Optional numba acceleration, with a pure-NumPy fallback for every compiled kernel.

Compiled kernels live next to the NumPy code they replace; each public entry point calls
:func:`use_numba` at call time and takes the compiled path only when it returns True, so both
paths are always available and tested against each other (``MYOCLONUS_NUMBA=0`` forces NumPy).
numba is installed with ``pip install 'myoclonus[fast]'`` (included in ``[all]``).
"""
from __future__ import annotations

import os

__all__ = ["HAVE_NUMBA", "njit", "use_numba"]

try:  # pragma: no cover - depends on the environment
    import numba as _numba

    HAVE_NUMBA = True
except ImportError:  # pragma: no cover
    _numba = None
    HAVE_NUMBA = False


def use_numba():
    """True when numba is installed and not disabled by ``MYOCLONUS_NUMBA=0``."""
    return HAVE_NUMBA and os.environ.get("MYOCLONUS_NUMBA", "1").strip().lower() not in ("0", "false", "no", "off")


def njit(*args, **kwargs):
    """``numba.njit(cache=True, ...)`` when numba is installed, else a no-op decorator.

    Without numba the decorated function stays plain Python; callers must not invoke it then
    (dispatch on :func:`use_numba`), it is only defined so that modules import.
    """
    kwargs.setdefault("cache", True)
    kwargs.setdefault("nogil", True)
    if HAVE_NUMBA:
        return _numba.njit(*args, **kwargs)
    if len(args) == 1 and callable(args[0]):  # bare @njit
        return args[0]
    return lambda f: f
