"""Browser review of detections: a local (or lab-server) web app.

A neurophysiologist scrolls the traces (display filters, gains and time base per signal type,
:mod:`myoclonus.display`), accepts or rejects each detection, relabels it, moves its
onset/offset, adds missed jerks and signs the review. Edits are checked by
:mod:`myoclonus.review.rules`; every change is an append-only revision (who, when, before/after;
the detector authors its own events); signing needs every detection decided or a stated reason
for the undecided ones, and freezes the review; reviewed events export to BIDS TSV and EDF+ and
feed a re-run of the summary and report, all citing the review. Needs
``pip install 'myoclonus[review]'`` (FastAPI, uvicorn, SQLAlchemy, Alembic; psycopg for PostgreSQL).

Command line: ``myoclonus review RECORDING_OR_ANALYSIS_DIR ... [--recording FILE] [--db URL]
[--host] [--port]`` and ``myoclonus review-user`` (accounts and tokens for shared servers).
"""
from __future__ import annotations

from .cli import add_cli, main

__all__ = ["add_cli", "create_app", "main"]


def create_app(*, db_url, recordings=(), keep_identity=False, token=None, **kwargs):
    """Build the FastAPI app; see :func:`myoclonus.review.app.create_app`."""
    from .app import create_app as _create

    return _create(db_url=db_url, recordings=recordings, keep_identity=keep_identity, token=token, **kwargs)
