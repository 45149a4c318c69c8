"""Command line of the assessment: ``myoclonus assess`` / ``python -m myoclonus.assess``.

``add_arguments`` and ``run`` let the package CLI mount the sub-command; ``main`` runs it alone.
"""
from __future__ import annotations

import argparse
import sys

from .._validate import MyoclonusError
from ._engine import assess
from ._html import assessment_html

__all__ = ["add_arguments", "run", "main"]


def add_arguments(parser):
    """Add ``--history``, ``--summary``, ``--out`` and ``--html`` to an argparse parser.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The (sub)parser to extend.

    Returns
    -------
    parser : argparse.ArgumentParser
    """
    parser.add_argument("--history", required=True, help="clinical history (.yaml, .yml or .json)")
    parser.add_argument("--summary", default=None, help="summary.json of 'myoclonus analyze' (optional)")
    parser.add_argument("--out", "-o", default="assessment.json", help="output JSON (default assessment.json)")
    parser.add_argument("--html", default=None, help="also write the report section as an HTML fragment")
    return parser


def run(args):
    """Run the assessment for parsed ``args``; print key findings; return exit code 0.

    Parameters
    ----------
    args : argparse.Namespace
        With ``history``, ``summary``, ``out`` and ``html``.

    Returns
    -------
    code : int
        0 on success (errors are raised as :class:`~myoclonus.MyoclonusError`).
    """
    a = assess(args.history, summary=args.summary)
    path = a.to_json(args.out)
    if args.html:
        with open(args.html, "w", encoding="utf-8") as fh:
            fh.write(assessment_html(a) + "\n")
    for line in a.summary_lines():
        print(line)
    print(f"Wrote {path}")
    return 0


def main(argv=None):
    """Stand-alone entry point; returns the exit code (3 for bad input files, 2 for bad usage)."""
    parser = add_arguments(argparse.ArgumentParser(
        prog="python -m myoclonus.assess",
        description="Clinical decision support for myoclonus (not a diagnosis)."))
    args = parser.parse_args(argv)
    try:
        return run(args)
    except MyoclonusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
