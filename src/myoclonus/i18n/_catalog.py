"""Catalog maintenance with Babel: extract message ids, merge into ``.po``, compile ``.mo``, check.

Message ids come from three kinds of source:

* Python modules (``_("...")``, ``N_("...")``, ``ngettext``) of ``report``, ``assess`` and ``i18n``;
* the Jinja2 templates of ``report/templates`` (``{% trans %}`` blocks and ``_()`` calls);
* the assessment's YAML knowledge files (findings, red flags, next steps, treatment lines,
  "would help" reasons and their plain-language patient versions).
"""
from __future__ import annotations

import io
from pathlib import Path

import yaml

__all__ = ["extract_messages", "template_catalog", "compile_po_bytes", "check_catalog", "update_catalogs",
           "compile_catalogs", "PACKAGE_DIR"]

PACKAGE_DIR = Path(__file__).resolve().parents[1]
_PY_DIRS = ("report", "assess", "i18n")
_PY_FILES = ("cli.py",)
_KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2), "ng": (1, 2)}
#: (file, list key, text fields) of the YAML knowledge files whose texts are translated.
YAML_FIELDS = (
    ("rules.yaml", "rules", ("finding",)),
    ("rules.yaml", "red_flags", ("pattern", "action", "patient")),
    ("workup.yaml", "next_steps", ("text", "patient")),
    ("workup.yaml", "treatment", ("text",)),
    ("workup.yaml", "would_help", ("why",)),
)


def _extract_python(path):
    from babel.messages.extract import extract

    with open(path, "rb") as fh:
        for lineno, msg, _comments, _ctx in extract("python", fh, keywords=_KEYWORDS):
            yield msg, f"{path.relative_to(PACKAGE_DIR)}:{lineno}"


def _extract_jinja(path):
    from babel.messages.extract import extract
    from jinja2.ext import babel_extract

    with open(path, "rb") as fh:
        for lineno, msg, _comments, _ctx in extract(babel_extract, fh, keywords=_KEYWORDS,
                                                    options={"trimmed": "true", "extensions": "jinja2.ext.i18n"}):
            yield msg, f"{path.relative_to(PACKAGE_DIR)}:{lineno}"


def _extract_yaml():
    for fname, key, fields in YAML_FIELDS:
        data = yaml.safe_load((PACKAGE_DIR / "assess" / "data" / fname).read_text(encoding="utf-8"))
        for item in data[key]:
            for f in fields:
                if item.get(f):
                    yield item[f], f"assess/data/{fname}:{item.get('id') or item.get('field')}.{f}"


def extract_messages():
    """Return ``{msgid: [locations]}`` (msgid a str, or a (singular, plural) tuple)."""
    out = {}

    def add(msg, loc):
        if msg and (not isinstance(msg, tuple) or msg[0]):
            out.setdefault(msg, []).append(loc)

    for d in _PY_DIRS:
        for path in sorted((PACKAGE_DIR / d).glob("*.py")):
            for msg, loc in _extract_python(path):
                add(msg, loc)
    for path in _PY_FILES:  # the command line's messages for the clinician
        if (PACKAGE_DIR / path).is_file():
            for msg, loc in _extract_python(PACKAGE_DIR / path):
                add(msg, loc)
    for path in sorted((PACKAGE_DIR / "report" / "templates").glob("*.jinja")):
        for msg, loc in _extract_jinja(path):
            add(msg, loc)
    for msg, loc in _extract_yaml():
        add(msg, loc)
    return out


def template_catalog():
    """Return the extracted messages as a Babel :class:`~babel.messages.catalog.Catalog` (the .pot)."""
    from babel.messages.catalog import Catalog

    cat = Catalog(project="myoclonus", domain="myoclonus", charset="utf-8", fuzzy=False)
    for msg, locs in extract_messages().items():
        cat.add(msg, locations=[(loc.rsplit(":", 1)[0], None) for loc in locs][:3],
                flags=("python-brace-format",) if isinstance(msg, str) and "{" in msg else ())
    return cat


def _po_path(lang):
    return PACKAGE_DIR / "locale" / lang / "LC_MESSAGES" / "myoclonus.po"


def compile_po_bytes(po_bytes):
    """Compile ``.po`` content to ``.mo`` bytes with Babel (deterministic)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    cat = read_po(io.BytesIO(po_bytes))
    buf = io.BytesIO()
    write_mo(buf, cat, use_fuzzy=False)
    return buf.getvalue()


def check_catalog(lang):
    """Return a dict of problems: ``missing`` (extracted id absent or untranslated), ``fuzzy``,
    ``obsolete`` (in the .po but no longer in the sources), ``placeholders`` (``{name}`` mismatch)."""
    import re

    from babel.messages.pofile import read_po

    with open(_po_path(lang), "rb") as fh:
        po = read_po(fh)
    ids = set(extract_messages())
    problems = {"missing": [], "fuzzy": [], "obsolete": [], "placeholders": []}
    for msgid in sorted(ids, key=str):
        m = po.get(msgid)
        strings = m.string if m is not None else None
        if m is None or not strings or (isinstance(strings, tuple) and not all(strings)):
            problems["missing"].append(msgid)
            continue
        if m.fuzzy:
            problems["fuzzy"].append(msgid)
        for src, dst in zip((msgid,) if isinstance(msgid, str) else msgid,
                            (strings,) if isinstance(strings, str) else strings):
            if set(re.findall(r"\{\w*\}", src)) != set(re.findall(r"\{\w*\}", dst)):
                problems["placeholders"].append(msgid)
    problems["obsolete"] = sorted((str(m.id) for m in po if m.id and m.id not in ids), key=str)
    problems["obsolete"] += [str(m.id) for m in po.obsolete.values()] if po.obsolete else []
    return problems


def update_catalogs(langs=("fr",)):
    """Merge the extracted ids into each ``.po`` (new ids untranslated, obsolete ones dropped)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    tpl = template_catalog()
    for lang in langs:
        path = _po_path(lang)
        if path.exists():
            with open(path, "rb") as fh:
                po = read_po(fh, locale=lang)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            po = Catalog(locale=lang, project="myoclonus", domain="myoclonus", fuzzy=False)
            if lang == "fr":  # gettext's usual French plural rule (CLDR adds a 'many' form)
                po._num_plurals, po._plural_expr = 2, "(n > 1)"
        po.update(tpl, no_fuzzy_matching=True, update_creation_date=False)
        po.obsolete.clear()
        with open(path, "wb") as fh:
            write_po(fh, po, width=100, omit_header=False, sort_output=False, include_previous=False)
    return [_po_path(lang) for lang in langs]


def compile_catalogs(langs=("fr",)):
    """Write ``myoclonus.mo`` next to each ``myoclonus.po``; return the paths."""
    out = []
    for lang in langs:
        po = _po_path(lang)
        mo = po.with_suffix(".mo")
        mo.write_bytes(compile_po_bytes(po.read_bytes()))
        out.append(mo)
    return out


def main(argv=None):
    import argparse
    import sys

    p = argparse.ArgumentParser(prog="python -m myoclonus.i18n", description="Maintain the gettext catalogs.")
    p.add_argument("action", choices=("extract", "update", "compile", "check"))
    p.add_argument("--lang", nargs="+", default=["fr"])
    args = p.parse_args(argv)
    if args.action == "extract":
        from babel.messages.pofile import write_po

        buf = io.BytesIO()
        write_po(buf, template_catalog(), width=100)
        sys.stdout.write(buf.getvalue().decode("utf-8"))
    elif args.action == "update":
        for path in update_catalogs(args.lang):
            print(path)
    elif args.action == "compile":
        for path in compile_catalogs(args.lang):
            print(path)
    else:
        bad = 0
        for lang in args.lang:
            for kind, items in check_catalog(lang).items():
                for item in items:
                    bad += 1
                    print(f"{lang}: {kind}: {item!r}")
        return 1 if bad else 0
    return 0
