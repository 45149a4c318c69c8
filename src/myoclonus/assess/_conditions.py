"""The small condition language of the rule tables (three-valued: True, False, None=unknown)."""
from __future__ import annotations

import re

__all__ = ["evaluate", "MISSING"]

MISSING = object()

_CMP = re.compile(r"^\s*([A-Za-z_][A-Za-z_0-9.]*)\s*(==|!=|<=|>=|<|>|:)\s*(.+?)\s*$")
_NAME = re.compile(r"^\s*([A-Za-z_][A-Za-z_0-9.]*)\s*$")


def _truthy(value):
    if value is MISSING or value is None:
        return None
    if isinstance(value, (set, frozenset, list, tuple, dict, str)):
        return len(value) > 0
    return bool(value)


def _num(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _compare(value, op, target):
    if value is MISSING or value is None:
        return None
    if op == ":":
        options = {t.strip() for t in target.split("|")}
        if isinstance(value, (set, frozenset, list, tuple)):
            return bool(options & set(value))
        return str(value) in options
    tnum = _num(target)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or tnum is None:
        if op in ("==", "!="):
            same = str(value) == target
            return same if op == "==" else not same
        return None
    return {
        "==": value == tnum,
        "!=": value != tnum,
        "<": value < tnum,
        "<=": value <= tnum,
        ">": value > tnum,
        ">=": value >= tnum,
    }[op]


def _and(values):
    if any(v is False for v in values):
        return False
    if any(v is None for v in values):
        return None
    return True


def _or(values):
    if any(v is True for v in values):
        return True
    if any(v is None for v in values):
        return None
    return False


def evaluate(cond, facts, present, used=None):
    """Evaluate a rule condition.

    Parameters
    ----------
    cond : str | dict | None
        Condition in the rule-table language (see ``data/rules.yaml``); ``None`` is true.
    facts : dict
        Fact name -> value (absent or ``None`` = unknown).
    present : set of str
        Input fields that were given (for ``{missing: field}``).
    used : set | None
        If given, collects the fact names the condition looked at.

    Returns
    -------
    value : bool | None
        ``None`` when the answer depends on unknown facts.
    """
    if cond is None:
        return True
    if isinstance(cond, bool):
        return cond
    if isinstance(cond, str):
        m = _CMP.match(cond)
        if m:
            name, op, target = m.groups()
            if used is not None:
                used.add(name)
            return _compare(facts.get(name, MISSING), op, target)
        m = _NAME.match(cond)
        if not m:
            raise ValueError(f"Malformed rule condition {cond!r}.")
        if used is not None:
            used.add(m.group(1))
        return _truthy(facts.get(m.group(1), MISSING))
    if not isinstance(cond, dict) or len(cond) not in (1, 2):
        raise ValueError(f"Malformed rule condition {cond!r}.")
    if "all" in cond:
        return _and([evaluate(c, facts, present, used) for c in cond["all"]])
    if "any" in cond:
        return _or([evaluate(c, facts, present, used) for c in cond["any"]])
    if "not" in cond:
        v = evaluate(cond["not"], facts, present, used)
        return None if v is None else not v
    if "at_least" in cond:
        vals = [evaluate(c, facts, present, used) for c in cond["of"]]
        n_true = sum(v is True for v in vals)
        n_unknown = sum(v is None for v in vals)
        if n_true >= cond["at_least"]:
            return True
        return False if n_true + n_unknown < cond["at_least"] else None
    if "only" in cond:
        m = _CMP.match(cond["only"])
        if not m or m.group(2) != ":":
            raise ValueError(f"Malformed 'only' condition {cond!r}.")
        name, _, target = m.groups()
        if used is not None:
            used.add(name)
        value = facts.get(name, MISSING)
        if value is MISSING or value is None:
            return None
        options = {t.strip() for t in target.split("|")}
        value = set(value) if isinstance(value, (set, frozenset, list, tuple)) else {value}
        return bool(value) and value <= options
    if "missing" in cond:
        return cond["missing"] not in present
    if "known_any" in cond:
        vals = [evaluate(c, facts, present, used) for c in cond["known_any"]]
        if all(v is None for v in vals):
            return None
        return any(v is True for v in vals)
    raise ValueError(f"Malformed rule condition {cond!r}.")
