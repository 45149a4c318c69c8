"""The benchmark modules (benchmarks/ is not a package): loaded by path, once."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"


def _load(name, alias):
    if alias in sys.modules:
        return sys.modules[alias]
    spec = importlib.util.spec_from_file_location(alias, BENCH / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[alias] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="session")
def rm():
    """benchmarks/realmaterial.py (under its own name: accuracy.py imports it as ``realmaterial``)."""
    return _load("realmaterial", "realmaterial")


@pytest.fixture(scope="session")
def acc(rm):
    """benchmarks/accuracy.py."""
    return _load("accuracy", "benchmarks_accuracy")


@pytest.fixture(scope="session")
def real(rm):
    msg = rm.missing(rm.REAL)
    if msg:
        pytest.skip(msg)
    return rm.REAL
