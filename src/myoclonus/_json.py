"""One JSON sanitiser for every result's ``to_dict()`` and for ``summary.json``."""
from __future__ import annotations

import datetime as _dt
from pathlib import Path

import numpy as np

__all__ = ["jsonable"]


def jsonable(obj, *, skip_private=False, stringify=False):
    """Convert numpy scalars/arrays, NaN/inf, dates and paths (recursively) to strict JSON values.

    Parameters
    ----------
    obj : object
    skip_private : bool
        Drop dict keys starting with ``'_'``.
    stringify : bool
        Turn any other object into ``str(obj)`` (else it is returned unchanged).
    """
    if isinstance(obj, dict):
        return {
            str(k): jsonable(v, skip_private=skip_private, stringify=stringify)
            for k, v in obj.items()
            if not (skip_private and str(k).startswith("_"))
        }
    if isinstance(obj, (list, tuple)):
        return [jsonable(v, skip_private=skip_private, stringify=stringify) for v in obj]
    if isinstance(obj, np.ndarray):
        return jsonable(obj.tolist(), skip_private=skip_private, stringify=stringify)
    if isinstance(obj, (np.bool_, bool)):
        return bool(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        v = float(obj)
        return v if np.isfinite(v) else None
    if obj is None or isinstance(obj, (str, int)):
        return obj
    if isinstance(obj, (_dt.datetime, _dt.date)):
        return obj.isoformat()
    if isinstance(obj, Path):
        return str(obj)
    return str(obj) if stringify else obj
