"""Clinical decision support for myoclonus: rank the clinical type from a structured history.

Types: physiological, essential, epileptic, symptomatic, functional; with subtype, red flags,
next steps, literature treatment summaries and references. Transparent and table-driven:
the rules, drug table and references are YAML files in ``myoclonus/assess/data``.
**Not a diagnosis** (see :data:`DISCLAIMER`).
"""
from ._data import reference
from ._drugs import drug_table, match_drugs
from ._engine import CLINICAL_TYPES, DISCLAIMER, Assessment, assess, load_summary
from ._history import HISTORY_SCHEMA, load_history
from ._html import assessment_html

__all__ = [
    "Assessment",
    "CLINICAL_TYPES",
    "DISCLAIMER",
    "HISTORY_SCHEMA",
    "assess",
    "assessment_html",
    "drug_table",
    "load_history",
    "load_summary",
    "match_drugs",
    "reference",
]
