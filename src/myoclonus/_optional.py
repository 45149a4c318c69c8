"""Soft imports of optional dependencies, with an install hint."""
from __future__ import annotations

import importlib

from ._validate import MyoclonusUsageError

__all__ = ["soft_import"]

_EXTRAS = {
    "wfdb": "physionet",
    "dask": "cluster",
    "distributed": "cluster",
    "pyarrow": "cluster",
    "fastapi": "review",
    "uvicorn": "review",
    "sqlalchemy": "review",
    "alembic": "review",
    "psycopg": "review",
    "numba": "fast",
}


def soft_import(name, purpose):
    """Import ``name`` or raise a clear error saying how to install it.

    Parameters
    ----------
    name : str
        Module name, e.g. ``"wfdb"``.
    purpose : str
        What it is needed for, used in the message (e.g. "reading WFDB records").
    """
    try:
        return importlib.import_module(name)
    except ImportError:
        extra = _EXTRAS.get(name)
        hint = f"pip install 'myoclonus[{extra}]'" if extra else f"pip install {name}"
        raise MyoclonusUsageError(
            f"The optional package '{name}' is needed for {purpose} but is not installed. "
            f"Install it with: {hint}"
        ) from None
