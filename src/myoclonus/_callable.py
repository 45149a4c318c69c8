"""Make a subpackage callable, so ``myoclonus.simulate(...)`` works whether or not the
subpackage ``myoclonus.simulate`` has been imported (importing it rebinds the attribute)."""
from __future__ import annotations

import sys
import types

__all__ = ["make_callable"]


def make_callable(module_name, func):
    """Let the module ``module_name`` be called like ``func`` (its attributes stay available)."""

    class _CallableModule(types.ModuleType):
        def __call__(self, *args, **kwargs):
            return func(*args, **kwargs)

    sys.modules[module_name].__class__ = _CallableModule
