"""Self-contained HTML report (figures embedded, no network needed to open it)."""
from .builder import render_report, write_report

__all__ = ["render_report", "write_report"]
