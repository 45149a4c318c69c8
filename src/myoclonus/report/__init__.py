"""Reports: a self-contained HTML page (figures embedded, offline trace viewer), a PDF, and a
plain-language patient summary; in English or French (see :mod:`myoclonus.i18n`)."""
from .builder import DISCLAIMER, collect_figures, key_findings, render_report, write_pdf, write_report
from .patient import render_patient_summary, write_patient_summary

__all__ = ["DISCLAIMER", "collect_figures", "key_findings", "render_patient_summary", "render_report",
           "write_patient_summary", "write_pdf", "write_report"]
