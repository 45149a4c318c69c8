"""Keep large temporaries inside the process while detecting (glibc's allocator only).

Detection allocates and frees many chunk-sized arrays (a 5-minute chunk at 2048 Hz is 5 MB per
float64 array). With its default settings glibc gives freed memory back to the kernel (blocks
above its mmap threshold, and free space at the top of the heap above its trim threshold), so the
next array is page-faulted in again, 4 KB at a time. On the 1-hour, 8-channel file of
``benchmarks/speed.py`` (two threads) that was 137 000 page faults per detection, against 33 500
inside this context.
:func:`recycled_memory` sets the mmap threshold to 32 MiB and the trim threshold to 64 MiB (the
largest values glibc's own dynamic adjustment reaches; once set, the adjustment cannot be handed
back to glibc) for the duration of a call, so that freed chunk arrays are reused by the next
chunk, and leaving the outermost call returns the free memory to the kernel (``malloc_trim``).
Memory kept for reuse adds to the peak: ``speed.py --long`` (24 h x 16 channels) peaked at
386-390 MB (339 MB before this context existed; 541 MB with a 1 GiB trim threshold).

The allocator's settings are the whole process's, so a library must not change them behind its
host's back: tuning is opt-in. It happens only inside :func:`allow_memory_tuning` (which the
``myoclonus`` command wraps around its own process's work) or with ``MYOCLONUS_MALLOC=1``;
``MYOCLONUS_MALLOC=0`` switches it off everywhere. Elsewhere (macOS, Windows, musl) it does nothing.
"""
from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import os
import sys
import threading

__all__ = ["allow_memory_tuning", "recycled_memory"]

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
#: Blocks up to this size come from the heap (bytes): glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64-bit,
#: the largest value its dynamic threshold reaches by itself.
_MMAP_THRESHOLD = 32 * 1024 * 1024
#: Free memory kept at the top of the heap (bytes): glibc's largest dynamic value (2 x the above).
_TRIM_THRESHOLD = 2 * _MMAP_THRESHOLD

_lock = threading.Lock()
_depth = 0


@functools.lru_cache(maxsize=1)
def _libc():
    """glibc's ``mallopt`` and ``malloc_trim``, or None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt, trim = libc.mallopt, libc.malloc_trim
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return None
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return mallopt, trim


_allowed = 0


def _enabled():
    """``MYOCLONUS_MALLOC`` (1/0) decides when set; else only inside :func:`allow_memory_tuning`."""
    env = os.environ.get("MYOCLONUS_MALLOC", "").strip().lower()
    if env in ("0", "false", "no", "off"):
        return False
    if env in ("1", "true", "yes", "on"):
        return True
    return _allowed > 0


@contextlib.contextmanager
def allow_memory_tuning():
    """Let :func:`recycled_memory` tune glibc's allocator while this context is open.

    For a process that owns its allocator (the ``myoclonus`` command); a library caller who wants
    the speed-up in their own process opens it too. Re-entrant and thread-safe.
    """
    global _allowed
    with _lock:
        _allowed += 1
    try:
        yield
    finally:
        with _lock:
            _allowed -= 1


@contextlib.contextmanager
def recycled_memory():
    """Context in which freed large arrays are reused by the process instead of returned to the
    kernel (see the module docstring). Re-entrant and thread-safe: only the outermost context
    changes and restores the allocator's settings."""
    global _depth
    fns = _libc() if _enabled() else None
    if fns is None:
        yield
        return
    mallopt, trim = fns
    with _lock:
        _depth += 1
        if _depth == 1:
            mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)
            mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD)
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                trim(0)
