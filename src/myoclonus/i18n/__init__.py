"""Internationalisation: gettext catalogs (managed with Babel), language choice and number formatting.

English texts are the message ids (in the code, the Jinja2 templates and the assessment's YAML
knowledge files); ``myoclonus/locale/<lang>/LC_MESSAGES/myoclonus.po`` holds the translations and
the compiled ``myoclonus.mo`` next to it is what is loaded at run time (a test checks that the
``.mo`` is up to date with the ``.po``). Maintenance: ``python -m myoclonus.i18n update`` extracts
the message ids and merges them into the ``.po`` files; ``python -m myoclonus.i18n compile``
writes the ``.mo`` files; ``python -m myoclonus.i18n check`` lists missing or fuzzy translations.
"""
from __future__ import annotations

import functools
import gettext as _gettext
import math
import os
from importlib import resources

__all__ = [
    "LANGUAGES",
    "DOMAIN",
    "resolve_lang",
    "translations",
    "gettext_for",
    "ngettext_for",
    "format_number",
    "N_",
    "CLI_MESSAGES",
]

#: Languages with a catalog (English is the source language).
LANGUAGES = ("en", "fr")
DOMAIN = "myoclonus"


def N_(message):
    """Mark ``message`` for extraction without translating it now (translated later with ``_``)."""
    return message


def _normalize(lang):
    if lang is None:
        return None
    code = str(lang).strip().split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    return code or None


def resolve_lang(lang=None):
    """Return the report language: ``lang`` if given, else the locale's language, else ``'en'``.

    Parameters
    ----------
    lang : str | None
        ``'en'``, ``'fr'`` or a locale name such as ``'fr_FR.UTF-8'``; None reads ``LC_ALL``,
        ``LC_MESSAGES`` then ``LANG`` (and ``LANGUAGE``'s first entry) from the environment.

    Returns
    -------
    lang : str
        One of :data:`LANGUAGES`.
    """
    if lang is not None:
        code = _normalize(lang)
        if code not in LANGUAGES:
            from .._validate import MyoclonusUsageError

            raise MyoclonusUsageError(
                f"Invalid language {lang!r}. Allowed values are {', '.join(map(repr, LANGUAGES))}."
            )
        return code
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var)
        if not value:
            continue
        code = _normalize(value.split(":")[0])
        if code in ("c", "posix"):
            continue
        return code if code in LANGUAGES else "en"
    return "en"


def _locale_dir():
    return resources.files("myoclonus").joinpath("locale")


@functools.lru_cache(maxsize=None)
def translations(lang="en"):
    """Return the :class:`gettext.NullTranslations` object for ``lang`` (identity for English)."""
    code = _normalize(lang) or "en"
    if code == "en":
        return _gettext.NullTranslations()
    mo = _locale_dir().joinpath(code, "LC_MESSAGES", f"{DOMAIN}.mo")
    try:
        with mo.open("rb") as fh:
            return _gettext.GNUTranslations(fh)
    except FileNotFoundError:
        po = _locale_dir().joinpath(code, "LC_MESSAGES", f"{DOMAIN}.po")
        if not po.is_file():
            raise ValueError(f"No catalog for language {lang!r}. Available: {', '.join(LANGUAGES)}.") from None
        from ._catalog import compile_po_bytes  # no compiled catalog (source checkout): compile in memory
        import io

        return _gettext.GNUTranslations(io.BytesIO(compile_po_bytes(po.read_bytes())))


def gettext_for(lang="en"):
    """Return a ``_(message)`` function translating English message ids into ``lang``.

    Examples
    --------
    >>> _ = gettext_for("fr")
    >>> _("Open the report: {path}").format(path="out/report.html")
    'Ouvrir le rapport : out/report.html'
    """
    return translations(lang).gettext


def ngettext_for(lang="en"):
    """Return ``ngettext(singular, plural, n)`` for ``lang``."""
    return translations(lang).ngettext


@functools.lru_cache(maxsize=None)
def _babel_locale(lang):
    from babel import Locale

    return Locale.parse({"en": "en_GB", "fr": "fr_FR"}.get(lang, lang))


def format_number(value, digits=None, lang="en", *, default="-"):
    """Format a number for ``lang`` (decimal comma and narrow no-break space grouping in French).

    Parameters
    ----------
    value : float | int | None
        None or NaN gives ``default``.
    digits : int | None
        Fixed number of decimals; None keeps integers as integers and uses up to 3 decimals.
    lang : str
        ``'en'`` or ``'fr'``.
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return default
    code = _normalize(lang) or "en"
    try:
        from babel.numbers import format_decimal
    except ImportError:  # Babel is a dependency; keep reports working without it
        text = f"{value:.{digits}f}" if digits is not None else (f"{value:g}" if isinstance(value, float) else str(value))
        return text.replace(".", ",") if code == "fr" else text

    loc = _babel_locale(code)
    if digits is None:
        return format_decimal(value, locale=loc, group_separator=False)
    fmt = "0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(round(float(value), digits), format=fmt, locale=loc, group_separator=False)


#: Message ids of the lines the command line prints for the clinician (used by ``myoclonus.cli``
#: with ``_ = gettext_for(lang)``; keep them here so that the catalog check covers them).
CLI_MESSAGES = (
    N_("{n} jerks, {m} sustained activations in {s} s."),
    N_("Open the report: {path}"),
    N_("Open the patient summary: {path}"),
    N_("Against the simulation's truth ({n} jerks): precision {precision}, recall {recall}, F1 {f1}."),
    N_("Wrote {path}"),
)
