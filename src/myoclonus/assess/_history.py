"""Read and validate a structured clinical history (YAML or JSON) against the packaged schema."""
from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import jsonschema
import yaml

from .._validate import MyoclonusInputError, _check_path_exists, _join_allowed, _suggest
from ._data import load_data

__all__ = ["HISTORY_SCHEMA", "load_history", "ARRAY_FIELDS"]

#: The JSON Schema (draft 2020-12) of a history file; also shipped as ``data/history.schema.json``.
HISTORY_SCHEMA = load_data("history.schema.json")

#: Fields that take one value or a list of values (normalised to a list by :func:`load_history`).
ARRAY_FIELDS = tuple(
    k for k, v in HISTORY_SCHEMA["properties"].items() if "oneOf" in v and v["oneOf"][1].get("type") == "array"
)

_EXTENSIONS = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}


def _path_str(path_parts):
    out = ""
    for p in path_parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _explain(error):
    """Turn one jsonschema error into (field, message) with allowed values and a suggestion."""
    if error.validator == "oneOf" and error.context:
        # keep the alternatives whose type matches the value (e.g. the list branch for a list)
        wrong_type = {e.relative_schema_path[0] for e in error.context
                      if e.validator == "type" and len(e.relative_path) == 0}
        kept = [e for e in error.context if e.relative_schema_path[0] not in wrong_type]
        if not kept:
            field = _path_str(error.absolute_path)
            kinds = " or ".join(
                " or ".join(b["type"]) if isinstance(b.get("type"), list) else str(b.get("type"))
                for b in error.validator_value
            )
            return field, (f"field '{field}' must be of type {kinds}, but got "
                           f"{type(error.instance).__name__} {error.instance!r}.")
        ranked = sorted(kept, key=lambda e: {"additionalProperties": 0, "enum": 1, "required": 2}.get(e.validator, 3))
        return _explain(ranked[0])
    field = _path_str(error.absolute_path) or "(top level)"
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = sorted((str(k) for k in error.instance if k not in allowed))
        msgs = []
        for name in extra:
            where = f"unknown field '{name}'" if field == "(top level)" else f"unknown field '{name}' in '{field}'"
            msgs.append(f"{where}.{_suggest(name, allowed)} Allowed fields are {_join_allowed(allowed)}.")
        return field, " ".join(msgs)
    if error.validator == "enum":
        allowed = error.validator_value
        return field, (
            f"field '{field}': {error.instance!r} is not allowed. Allowed values are "
            f"{_join_allowed(allowed)}.{_suggest(error.instance, allowed)}"
        )
    if error.validator == "type":
        want = error.validator_value
        want = " or ".join(want) if isinstance(want, list) else want
        return field, f"field '{field}' must be of type {want}, but got {type(error.instance).__name__} {error.instance!r}."
    if error.validator in ("minimum", "maximum"):
        return field, f"field '{field}' is out of range: {error.message}."
    if error.validator == "required":
        return field, f"field '{field}': {error.message}."
    return field, f"field '{field}': {error.message}."


def _read_file(path):
    p = _check_path_exists(path, what="history")
    kind = _EXTENSIONS.get(p.suffix.lower())
    if kind is None:
        raise MyoclonusInputError(
            f"History file '{p}': unsupported extension {p.suffix!r}. Allowed extensions are "
            f"{_join_allowed(sorted(_EXTENSIONS))}."
        )
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MyoclonusInputError(f"History file '{p}' cannot be read as UTF-8 text: {exc}.") from exc
    try:
        data = yaml.safe_load(text) if kind == "yaml" else json.loads(text)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        raise MyoclonusInputError(f"History file '{p}' is not valid {kind.upper()}: {exc}") from exc
    return data, f"History file '{p}'"


def load_history(path_or_dict):
    """Read and validate a clinical history.

    Parameters
    ----------
    path_or_dict : str | os.PathLike | dict
        A ``.yaml``/``.yml``/``.json`` file, or an already-parsed mapping.

    Returns
    -------
    history : dict
        A validated deep copy; fields that accept one value or a list (e.g.
        ``circumstances``) are always lists. ``notes`` is kept verbatim.

    Raises
    ------
    MyoclonusInputError
        When the file is missing, unreadable or invalid; the message names the file, the
        field, the allowed values, and suggests the closest valid field name or value.
    """
    if isinstance(path_or_dict, dict):
        data, where = copy.deepcopy(path_or_dict), "History"
    elif isinstance(path_or_dict, (str, os.PathLike, Path)):
        data, where = _read_file(path_or_dict)
    else:
        raise MyoclonusInputError(
            f"History must be a path to a YAML/JSON file or a dict, but got {type(path_or_dict).__name__}."
        )
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise MyoclonusInputError(f"{where}: the top level must be a mapping of field names to values, "
                                  f"but got {type(data).__name__}.")
    validator = jsonschema.Draft202012Validator(HISTORY_SCHEMA)
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        msgs = []
        for err in errors:
            _, msg = _explain(err)
            if msg not in msgs:
                msgs.append(msg)
        more = f" (and {len(msgs) - 6} more)" if len(msgs) > 6 else ""
        raise MyoclonusInputError(f"{where} is invalid: " + " | ".join(msgs[:6]) + more)
    if "age" in data and "onset_age" in data and data["onset_age"] > data["age"]:
        raise MyoclonusInputError(
            f"{where} is invalid: field 'onset_age' ({data['onset_age']}) is greater than 'age' ({data['age']})."
        )
    for key in ARRAY_FIELDS:
        if isinstance(data.get(key), str):
            data[key] = [data[key]]
    return data
