"""recycled_memory: freed chunk-sized arrays are reused instead of page-faulted in again."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from myoclonus import _malloc

# Twenty rounds of allocating six 8 MB arrays (48 MB, every page written) and freeing them, as
# detection does chunk after chunk; prints the page faults taken. Run in a fresh interpreter so that
# glibc starts from its default settings.
_WORK = """
import contextlib, resource, sys
import numpy as np
from myoclonus._malloc import allow_memory_tuning, recycled_memory
ctx = contextlib.ExitStack()
if sys.argv[1] == "allowed":
    ctx.enter_context(allow_memory_tuning())
if sys.argv[1] in ("allowed", "library"):
    ctx.enter_context(recycled_memory())
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
with ctx:
    for _ in range(20):
        arrays = [np.ones(1 << 20) for _ in range(6)]
        del arrays
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _faults(mode):
    env = {k: v for k, v in os.environ.items() if k != "MYOCLONUS_MALLOC"}
    out = subprocess.run([sys.executable, "-c", _WORK, mode], capture_output=True, text=True, check=True,
                         env=env)
    return int(out.stdout.strip())


@pytest.mark.skipif(_malloc._libc() is None, reason="glibc's mallopt is not available here")
def test_recycled_memory_avoids_page_faults():
    default, recycled = _faults("none"), _faults("allowed")
    # a library call does not tune the host process's allocator unless allowed
    assert _faults("library") > 4 * 12_288
    # 48 MB is 12 288 pages: with glibc's defaults the freed arrays go back to the kernel each round
    assert default > 4 * 12_288
    # recycled: faulted in once, then reused
    assert recycled < 1.5 * 12_288
    assert recycled < default / 5


def test_recycled_memory_is_reentrant_and_can_be_switched_off(monkeypatch):
    monkeypatch.setenv("MYOCLONUS_MALLOC", "1")
    with _malloc.recycled_memory():
        with _malloc.recycled_memory():
            assert _malloc._depth == (2 if _malloc._libc() else 0)
        assert _malloc._depth == (1 if _malloc._libc() else 0)
    assert _malloc._depth == 0
    monkeypatch.setenv("MYOCLONUS_MALLOC", "0")
    with _malloc.recycled_memory():
        assert _malloc._depth == 0


def test_memory_tuning_is_opt_in(monkeypatch):
    monkeypatch.delenv("MYOCLONUS_MALLOC", raising=False)
    assert not _malloc._enabled()
    with _malloc.allow_memory_tuning():
        assert _malloc._enabled()
        with _malloc.allow_memory_tuning():
            assert _malloc._enabled()
        assert _malloc._enabled()
        monkeypatch.setenv("MYOCLONUS_MALLOC", "0")
        assert not _malloc._enabled()
    monkeypatch.setenv("MYOCLONUS_MALLOC", "1")
    assert _malloc._enabled()
    monkeypatch.delenv("MYOCLONUS_MALLOC")
    assert not _malloc._enabled() and _malloc._allowed == 0
