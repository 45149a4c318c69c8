"""Load the packaged knowledge files (schema, drug table, rules, references)."""
from __future__ import annotations

import functools
import json
from importlib import resources

import yaml

__all__ = ["load_data", "reference", "format_reference"]


@functools.lru_cache(maxsize=None)
def _load(name):
    text = resources.files("myoclonus.assess").joinpath("data", name).read_text(encoding="utf-8")
    if name.endswith(".json"):
        return json.loads(text)
    return yaml.safe_load(text)


def load_data(name):
    """Return the parsed content of ``data/<name>`` (a fresh deep copy, safe to modify).

    Parameters
    ----------
    name : str
        File name inside ``myoclonus/assess/data`` (``.json`` or ``.yaml``).

    Returns
    -------
    data : dict | list
        Parsed content.
    """
    return json.loads(json.dumps(_load(name)))


def format_reference(ref_id, entry):
    """Return ``'Citation doi:...'`` (or the citation alone when no DOI is recorded)."""
    doi = entry.get("doi")
    return f"{entry['citation']} doi:{doi}" if doi else entry["citation"]


def reference(ref_id):
    """Return ``{'id', 'citation', 'doi', 'text'}`` for a reference key of ``references.yaml``.

    Parameters
    ----------
    ref_id : str
        Key in ``references.yaml``.

    Returns
    -------
    ref : dict
        The reference; ``doi`` is ``None`` when not recorded.
    """
    refs = _load("references.yaml")
    if ref_id not in refs:  # a packaging bug, not user input
        raise KeyError(f"Unknown reference key {ref_id!r} in the assessment knowledge files.")
    entry = refs[ref_id]
    return {
        "id": ref_id,
        "citation": entry["citation"],
        "doi": entry.get("doi"),
        "text": format_reference(ref_id, entry),
    }
