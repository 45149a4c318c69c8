"""Input validation helpers and the package's exception types.

Messages say what was allowed and what was given, e.g.
``Allowed values are 'a' and 'b', but got 'c'.`` Never ``assert`` on user input.
"""
from __future__ import annotations

import difflib
import os
from numbers import Integral, Real
from pathlib import Path

__all__ = [
    "MAX_SFREQ",
    "MAX_SECONDS",
    "MyoclonusError",
    "MyoclonusInputError",
    "MyoclonusUsageError",
    "MyoclonusFieldError",
    "_validate_type",
    "_check_option",
    "_check_range",
    "_check_path_exists",
    "_suggest",
]


#: Highest sampling rate (Hz) a file may give a channel; above it the rate field is corrupt (no
#: polygraphy or EMG system samples faster than 1 MHz).
MAX_SFREQ = 1e6
#: Longest time (s) a file may give (about 116 days): recording durations, record durations, annotation
#: onsets and durations, and the gaps of discontinuous files beyond it come from corrupt fields.
MAX_SECONDS = 1e7
#: Largest magnitude a sample value (in the file's unit) may have: EDF's 8-character decimal fields hold
#: at most 99999999, and values near the float range overflow the filters (squares, sums). Beyond it the
#: file's scaling or values are corrupt.
MAX_PHYSICAL = 1e10


class MyoclonusError(Exception):
    """Base class of every error raised on purpose by myoclonus."""

    exit_code = 1


class MyoclonusInputError(MyoclonusError, ValueError):
    """Bad input data: missing, unreadable, corrupt or implausible file (CLI exit code 3)."""

    exit_code = 3


class MyoclonusUsageError(MyoclonusError, ValueError):
    """Bad arguments or options (CLI exit code 2)."""

    exit_code = 2


class MyoclonusFieldError(MyoclonusUsageError):
    """A bad value of one named field of a request (the review app answers HTTP 422 naming it).

    Attributes ``field`` (e.g. ``'onset'``, ``'types.emg.hp'``), ``allowed`` and ``given``.
    """

    def __init__(self, field, message, *, allowed=None, given=None):
        super().__init__(message)
        self.field, self.allowed, self.given = field, allowed, given


_TYPE_NAMES = {
    "int": (Integral,),
    "numeric": (Real,),
    "path-like": (str, Path, os.PathLike),
    "str": (str,),
    "callable": (),
}


def _join_allowed(allowed):
    allowed = [repr(a) for a in allowed]
    if len(allowed) == 1:
        return allowed[0]
    return ", ".join(allowed[:-1]) + " and " + allowed[-1]


def _suggest(value, allowed):
    """Return ' Did you mean X?' for the closest allowed string, or ''."""
    if not isinstance(value, str):
        return ""
    close = difflib.get_close_matches(value, [str(a) for a in allowed], n=1, cutoff=0.5)
    return f" Did you mean {close[0]!r}?" if close else ""


def _validate_type(item, types, item_name="item", type_name=None):
    """Raise TypeError naming the allowed types and the type given."""
    if isinstance(types, str) or not isinstance(types, (tuple, list)):
        types = (types,)
    check = []
    names = []
    for t in types:
        if t is None:
            check.append(type(None))
            names.append("None")
        elif isinstance(t, str):
            if t == "callable":
                if callable(item):
                    return item
                names.append("callable")
            else:
                check.extend(_TYPE_NAMES[t])
                names.append(t)
        else:
            check.append(t)
            names.append(t.__name__)
    if check and isinstance(item, tuple(check)) and not (
        isinstance(item, bool) and bool not in check and "int" in names
    ):
        return item
    type_name = type_name or " or ".join(names)
    raise TypeError(f"{item_name} must be an instance of {type_name}, but got {type(item).__name__}.")


def _check_option(parameter, value, allowed_values, *, extra=""):
    """Return ``value`` if it is one of ``allowed_values``, else raise a clear ValueError."""
    if value in allowed_values:
        return value
    extra = f" {extra}" if extra else ""
    raise MyoclonusUsageError(
        f"Invalid value for the '{parameter}' parameter{extra}. Allowed values are "
        f"{_join_allowed(list(allowed_values))}, but got {value!r}.{_suggest(value, allowed_values)}"
    )


def _check_range(parameter, value, low=None, high=None, *, unit="", inclusive=True):
    """Return ``value`` if ``low <= value <= high`` (bounds optional), else raise."""
    _validate_type(value, "numeric", parameter)
    unit_s = f" {unit}" if unit else ""
    bad = (low is not None and (value < low if inclusive else value <= low)) or (
        high is not None and (value > high if inclusive else value >= high)
    )
    if bad:
        lo = "-inf" if low is None else f"{low}"
        hi = "inf" if high is None else f"{high}"
        raise MyoclonusUsageError(
            f"'{parameter}' must be within [{lo}, {hi}]{unit_s}, but got {value}{unit_s}."
        )
    return value


def _check_path_exists(path, what="recording"):
    """Return a Path that exists and is a file, else raise MyoclonusInputError with a fix."""
    _validate_type(path, "path-like", f"{what} path")
    p = Path(path).expanduser()
    if not p.exists():
        hint = ""
        if p.parent.exists():
            near = difflib.get_close_matches(p.name, [c.name for c in p.parent.iterdir()], n=1)
            if near:
                hint = f" Did you mean {str(p.parent / near[0])!r}?"
        raise MyoclonusInputError(f"{what.capitalize()} file not found: '{p}'.{hint} Check the path.")
    if p.is_dir():
        raise MyoclonusInputError(
            f"'{p}' is a folder; give the path of a {what} file (for WFDB, the .hea file)."
        )
    return p
