"""Internationalisation: catalogs complete and compiled, language choice, number formatting, CLI messages."""
from __future__ import annotations

import gettext
import io
import re

import pytest

from myoclonus.i18n import LANGUAGES, format_number, gettext_for, ngettext_for, resolve_lang
from myoclonus.i18n._catalog import PACKAGE_DIR, check_catalog, compile_po_bytes, extract_messages

PO = PACKAGE_DIR / "locale" / "fr" / "LC_MESSAGES" / "myoclonus.po"


def test_catalog_complete():
    """Every message id of the code, templates and YAML knowledge files has a French translation."""
    problems = check_catalog("fr")
    assert problems == {"missing": [], "fuzzy": [], "obsolete": [], "placeholders": []}


def test_catalog_check_detects_missing(tmp_path, monkeypatch):
    """The check fails on an untranslated or fuzzy id (guards the guard)."""
    from babel.messages.pofile import read_po, write_po

    from myoclonus.i18n import _catalog

    with open(PO, "rb") as fh:
        po = read_po(fh)
    po["Key findings"].string = ""
    po["Per channel"].flags.add("fuzzy")
    bad = tmp_path / "locale" / "fr" / "LC_MESSAGES" / "myoclonus.po"
    bad.parent.mkdir(parents=True)
    with open(bad, "wb") as fh:
        write_po(fh, po)
    monkeypatch.setattr(_catalog, "_po_path", lambda lang: bad)
    problems = check_catalog("fr")
    assert problems["missing"] == ["Key findings"] and problems["fuzzy"] == ["Per channel"]


def test_mo_up_to_date():
    """The committed .mo is exactly the Babel compilation of the .po (run `python -m myoclonus.i18n compile`)."""
    mo = PO.with_suffix(".mo")
    assert mo.read_bytes() == compile_po_bytes(PO.read_bytes())
    tr = gettext.GNUTranslations(io.BytesIO(mo.read_bytes()))
    assert tr.gettext("Key findings") == "Principaux résultats"


def test_messages_come_from_every_source():
    locs = {loc.split(":")[0].split("/")[0] for locs in extract_messages().values() for loc in locs}
    assert {"report", "assess", "i18n"} <= locs
    ids = extract_messages()
    assert any(loc.endswith(".jinja:" + loc.rsplit(":", 1)[1]) for locs in ids.values() for loc in locs)
    assert "Myoclonus polygraphy report" in ids
    assert "Rapidly progressive dementia (or CJD-type EEG/MRI) with myoclonus" in ids  # YAML red flag


def test_french_terminology():
    _ = gettext_for("fr")
    from myoclonus.i18n.labels import label

    assert label("origin", "cortical", "fr") == "corticale"
    assert label("origin", "subcortical", "fr") == "sous-corticale"
    assert label("origin", "propriospinal", "fr") == "propriospinale"
    assert label("origin", "functional", "fr") == "fonctionnelle"
    assert label("type", "physiological", "fr") == "myoclonie physiologique"
    assert label("type", "essential", "fr") == "myoclonie essentielle"
    assert label("type", "symptomatic", "fr") == "myoclonie symptomatique"
    assert "potentiel de Bereitschaft" in _("Recording: Bereitschaftspotential before jerks")
    assert "moyennage rétrograde" in _("Recording: significant jerk-locked back-averaged cortical potential")
    assert "secousses isolées" in _("%(pct)s%% of jerks isolated")
    assert _("Series (trains)") == "Salves"


@pytest.mark.parametrize("env, expected", [
    ({"LANG": "fr_FR.UTF-8"}, "fr"),
    ({"LC_ALL": "fr_CA.UTF-8", "LANG": "en_US.UTF-8"}, "fr"),
    ({"LC_MESSAGES": "fr_BE", "LANG": "en_GB.UTF-8"}, "fr"),
    ({"LANG": "de_DE.UTF-8"}, "en"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({}, "en"),
])
def test_resolve_lang_from_locale(monkeypatch, env, expected):
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(var, raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    assert resolve_lang(None) == expected
    assert resolve_lang("en") == "en" and resolve_lang("fr_FR") == "fr"


def test_resolve_lang_rejects_unknown():
    from myoclonus._validate import MyoclonusUsageError

    with pytest.raises(MyoclonusUsageError, match="Allowed values are 'en', 'fr'"):
        resolve_lang("de")
    assert LANGUAGES == ("en", "fr")


def test_format_number():
    assert format_number(12.345, 1, "en") == "12.3"
    assert format_number(12.345, 1, "fr") == "12,3"
    assert format_number(1234.5, 2, "fr") == "1234,50"
    assert format_number(2048.0, None, "fr") == "2048"
    assert format_number(0.25, None, "fr") == "0,25"
    assert format_number(None, 1, "fr") == "-" and format_number(float("nan"), 1, "en") == "-"


def test_cli_messages():
    """The msgids offered to the CLI for its final lines."""
    _ = gettext_for("fr")
    assert _("{n} jerks, {m} sustained activations in {s} s.").format(n=3, m=1, s="30,0") == \
        "3 secousses, 1 activations soutenues en 30,0 s."
    assert _("Open the report: {path}").format(path="r.html") == "Ouvrir le compte rendu : r.html"
    assert _("Open the patient summary: {path}").format(path="p.html") == "Ouvrir le résumé pour le patient : p.html"
    ng = ngettext_for("fr")
    assert ng("{n} jerk in {minutes} min", "{n} jerks in {minutes} min", 1).format(n=1, minutes="1,0") == "1 secousse en 1,0 min"
    assert ng("{n} jerk in {minutes} min", "{n} jerks in {minutes} min", 2).format(n=2, minutes="1,0") == "2 secousses en 1,0 min"
    assert gettext_for("en")("Open the report: {path}") == "Open the report: {path}"
