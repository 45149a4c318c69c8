"""Reports: a self-contained HTML page (figures embedded, offline trace viewer) and a PDF."""
from .builder import DISCLAIMER, collect_figures, key_findings, render_report, write_pdf, write_report

__all__ = ["DISCLAIMER", "collect_figures", "key_findings", "render_report", "write_pdf", "write_report"]
