"""Match free-text drug names against the curated table of myoclonus-associated drugs."""
from __future__ import annotations

import difflib
import functools
import re

from .._validate import MyoclonusInputError
from ._data import load_data, reference

__all__ = ["match_drugs", "drug_table"]

_FLAGS = ("serotonergic", "maoi", "worsens_myoclonic_epilepsy", "renal_accumulation")


def _norm(name):
    name = re.sub(r"[®™]", "", str(name)).strip().lower()
    return re.sub(r"\s+", " ", name)


@functools.lru_cache(maxsize=1)
def _index():
    table = load_data("drugs.yaml")
    index = {}
    for entry in table:
        for f in _FLAGS:
            entry.setdefault(f, False)
        index[_norm(entry["generic"])] = (entry, "generic")
        for alias in entry.get("aliases", []):
            index.setdefault(_norm(alias), (entry, "alias"))
        for brand in entry.get("brands", []):
            index.setdefault(_norm(brand), (entry, "brand"))
    return table, index


def drug_table():
    """Return the curated drug table (a list of dict, one per generic drug).

    Returns
    -------
    table : list of dict
        Entries with ``generic``, ``brands``, ``class``, the flags ``serotonergic``, ``maoi``,
        ``worsens_myoclonic_epilepsy``, ``renal_accumulation``, ``notes`` and ``ref``.
    """
    table, _ = _index()
    return [dict(e) for e in table]


def _candidates(text):
    """The full name, then the name without doses/forms ('sertraline 50 mg' -> 'sertraline')."""
    yield text
    words = text.replace(",", " ").split(" ")
    kept = []
    for w in words:
        if re.search(r"\d", w) or w in {"mg", "g", "mcg", "ug", "ml", "tablet", "tablets", "iv", "po", "sr", "xr", "er"}:
            break
        kept.append(w)
    for n in range(len(kept), 0, -1):
        yield " ".join(kept[:n])


def _match_one(given):
    _, index = _index()
    text = _norm(given)
    for cand in _candidates(text):
        if cand in index:
            entry, how = index[cand]
            ref = reference(entry["ref"])
            return {
                "given": given,
                "matched": True,
                "generic": entry["generic"],
                "matched_as": how,
                "class": entry["class"],
                "serotonergic": bool(entry["serotonergic"]),
                "maoi": bool(entry["maoi"]),
                "worsens_myoclonic_epilepsy": bool(entry["worsens_myoclonic_epilepsy"]),
                "renal_accumulation": bool(entry["renal_accumulation"]),
                "notes": entry.get("notes", ""),
                "reference": ref["text"],
                "reference_id": ref["id"],
                "suggestion": None,
            }
    close = difflib.get_close_matches(text, list(index), n=1, cutoff=0.75)
    suggestion = None
    if close:
        entry, how = index[close[0]]
        suggestion = close[0] if how == "generic" else f"{close[0]} ({entry['generic']})"
    msg = "not in the table of myoclonus-associated drugs"
    if suggestion:
        msg += f"; did you mean '{suggestion}'?"
    return {"given": given, "matched": False, "generic": None, "matched_as": None, "class": None,
            "serotonergic": False, "maoi": False, "worsens_myoclonic_epilepsy": False,
            "renal_accumulation": False, "notes": msg, "reference": None, "reference_id": None,
            "suggestion": suggestion}


def match_drugs(names):
    """Match drug names (generic or brand, any case) to the myoclonus drug table.

    Parameters
    ----------
    names : str | list of (str | dict)
        Drug names as written in a history (``'Zoloft'``, ``'tramadol 50 mg'``), or history
        ``medications`` items (``{'name': ..., ...}``).

    Returns
    -------
    matches : list of dict
        One per name, in order: ``given``, ``matched`` (bool), ``generic``, ``matched_as``
        (``'generic'``, ``'brand'`` or ``'alias'``), ``class``, the flags ``serotonergic``,
        ``maoi``, ``worsens_myoclonic_epilepsy``, ``renal_accumulation``, ``notes``,
        ``reference`` (citation text), ``reference_id`` and ``suggestion`` (closest table name
        for an unmatched, possibly misspelt name; a suggestion is never used as a match).

    Notes
    -----
    A name absent from the table is not necessarily safe: the table lists drugs with published
    reports of myoclonus (Janssen et al. 2017, J Neurol, doi:10.1007/s00415-016-8357-z).
    """
    if isinstance(names, (str, dict)):
        names = [names]
    if not isinstance(names, (list, tuple)):
        raise MyoclonusInputError(f"Drug names must be a string or a list of strings, but got {type(names).__name__}.")
    out = []
    for item in names:
        given = item.get("name") if isinstance(item, dict) else item
        if not isinstance(given, str) or not given.strip():
            raise MyoclonusInputError(f"Each drug name must be a non-empty string, but got {given!r}.")
        out.append(_match_one(given))
    return out
