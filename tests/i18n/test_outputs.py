"""French and English reports and patient summaries: no untranslated English, same numbers,
the right clinical type and red flags in plain words, readability, headless Chromium."""
from __future__ import annotations

import html as _html
import importlib.util
import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from myoclonus.assess import assess
from myoclonus.i18n import gettext_for
from myoclonus.pipeline import analyze
from myoclonus.report import render_patient_summary, write_patient_summary
from myoclonus.report.patient import TYPE_TEXTS, patient_document, patient_text
from myoclonus.simulate import demo_recording

HISTORY = {"age": 70, "course": "rapidly_progressive", "cognition": "rapid_decline",
           "eeg": ["periodic_sharp_wave_complexes"], "medications": ["sertraline"]}

#: Readability targets of the patient summary (measured on every vignette; see test_readability).
EN_MAX_GRADE = 8.0  # Coleman-Liau index and Automated Readability Index: US school grade
FR_MIN_EASE = 80.0  # textstat French Flesch reading ease (Kandel & Moles): 80+ = "easy"


def _load_vignettes():
    path = Path(__file__).resolve().parents[1] / "assess" / "test_vignettes.py"
    spec = importlib.util.spec_from_file_location("_myoclonus_vignettes", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.VIGNETTES


VIGNETTES = _load_vignettes()


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    sim = demo_recording(seed=0, duration=30.0)
    out = {}
    for lang in ("en", "fr"):
        d = tmp_path_factory.mktemp(f"demo_{lang}")
        res = analyze(sim.recording, out=d, truth=sim.truth, history=HISTORY, lang=lang, pdf=(lang == "fr"),
                      patient_note="Rendez-vous dans 3 mois. <b>Appelez</b> si besoin." if lang == "fr" else None)
        out[lang] = (d, res)
    return out


@pytest.fixture(scope="module")
def base_result():
    """One analysed demo recording (no history) reused with each vignette's assessment."""
    sim = demo_recording(seed=0, duration=30.0)
    return analyze(sim.recording, physiology=False)


def _visible_text(page, *, drop_lang_en=True):
    t = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    if drop_lang_en:  # machine-generated English kept on purpose and marked lang="en"
        t = re.sub(r'<(?!html\b)(\w+)\b[^>]*\blang="en"[^>]*>.*?</\1>', " ", t, flags=re.S)
    t = re.sub(r"<[^>]+>", " ", t)
    return re.sub(r"\s+", " ", _html.unescape(t))


def _catalog_pairs():
    from babel.messages.pofile import read_po

    from myoclonus.i18n._catalog import PACKAGE_DIR

    with open(PACKAGE_DIR / "locale" / "fr" / "LC_MESSAGES" / "myoclonus.po", "rb") as fh:
        po = read_po(fh)
    for m in po:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strs = m.string if isinstance(m.string, tuple) else (m.string,)
        for i, s in zip(ids, strs):
            yield i, s


def _english_fragments():
    """Literal English fragments of every catalog entry whose French differs (placeholders cut out)."""
    frags = set()
    for msgid, msgstr in _catalog_pairs():
        if msgid == msgstr:
            continue
        for frag in re.split(r"\{\w*\}|%\(\w+\)s|%%", msgid):
            frag = frag.strip(" :;,.()")
            words = re.findall(r"[A-Za-z][A-Za-z'-]*", frag)
            if len(words) >= 2:  # single words are often spelled alike (muscle, score, distribution)
                frags.add(frag)
    return frags


def _untranslated(text):
    found = []
    for frag in _english_fragments():
        if re.search(r"(?<![\w-])" + re.escape(frag) + r"(?![\w-])", text):
            found.append(frag)
    return sorted(found)


@pytest.mark.parametrize("name", ["report.html", "patient.html"])
def test_french_has_no_untranslated_english(outputs, name):
    d, _ = outputs["fr"]
    page = (d / name).read_text(encoding="utf-8")
    assert '<html lang="fr">' in page
    assert _untranslated(_visible_text(page)) == []
    # the check has teeth: the English page is full of catalog sentences
    en = _visible_text((outputs["en"][0] / name).read_text(encoding="utf-8"))
    assert len(_untranslated(en)) > 10


def test_french_report_parts(outputs):
    d, res = outputs["fr"]
    page = (d / "report.html").read_text(encoding="utf-8")
    for text in ("Compte rendu de polygraphie des myoclonies", "Principaux résultats", "Évaluation clinique",
                 "Signes d'alerte", "Prochaines étapes", "Démence rapidement progressive",
                 "myoclonie symptomatique"):
        assert text in _html.unescape(page), text
    assert (d / "report.pdf").read_bytes()[:5] == b"%PDF-"
    assert (d / "patient.pdf").read_bytes()[:5] == b"%PDF-" and (d / "patient.pdf").stat().st_size > 10_000
    assert res.outputs["patient_html"] == d / "patient.html"


def _data_keys(page):
    return dict(re.findall(r'data-key="([^"]+)">([^<]+)<', page))


def _num(s, lang):
    s = s.strip().replace("\u202f", "").replace("\xa0", "")
    return float(s.replace(",", ".") if lang == "fr" else s)


def test_numbers_agree_between_languages(outputs):
    pages = {lang: (outputs[lang][0] / "report.html").read_text(encoding="utf-8") for lang in ("en", "fr")}
    summary = json.loads((outputs["en"][0] / "summary.json").read_text())
    keys = {lang: _data_keys(p) for lang, p in pages.items()}
    assert set(keys["en"]) == set(keys["fr"]) and len(keys["en"]) >= 6
    for k in keys["en"]:
        if k == "origin.class":
            assert keys["en"][k] == keys["fr"][k]
            continue
        assert _num(keys["en"][k], "en") == pytest.approx(_num(keys["fr"][k], "fr")), k
    assert keys["fr"]["recording.duration_s"] == "30,0"  # decimal comma
    assert _num(keys["fr"]["recording.duration_s"], "fr") == pytest.approx(summary["recording"]["duration_s"])
    for kind in ("jerk", "sustained", "silent_period", "acc_jerk", "artifact"):
        assert int(keys["fr"][f"counts.{kind}"]) == summary["counts"][kind]
    rows = {lang: re.findall(r'<tr data-channel="([^"]+)">.*?data-key="per_channel.jerks">(\d+)<', p, flags=re.S)
            for lang, p in pages.items()}
    assert rows["en"] == rows["fr"] and rows["en"]
    # key findings and the patient summary state the same numbers in both languages
    for name, sel in (("report.html", r'id="key-findings">(.*?)</div>'), ("patient.html", r'id="patient-found">(.*?)</section>')):
        nums = {}
        for lang in ("en", "fr"):
            block = re.search(sel, (outputs[lang][0] / name).read_text(encoding="utf-8"), flags=re.S).group(1)
            text = _visible_text(re.sub(r'src="data:[^"]+"', "", block), drop_lang_en=False)
            nums[lang] = sorted(_num(x, lang) for x in re.findall(r"\d+(?:[.,]\d+)?" if lang == "fr" else r"\d+(?:\.\d+)?", text))
        assert nums["en"] == nums["fr"], name
    fr_found = _visible_text((outputs["fr"][0] / "patient.html").read_text(encoding="utf-8"))
    rate = summary["rate_per_min"]["jerk"]
    assert f"{rate:.1f}".replace(".", ",") + " secousses par minute" in fr_found


def test_patient_summary_content(outputs):
    d, res = outputs["fr"]
    page = (d / "patient.html").read_text(encoding="utf-8")
    text = _visible_text(page, drop_lang_en=False)
    assert "Qu'est-ce qu'une myoclonie" in text and "en s'endormant" in text
    assert "Myoclonie symptomatique" in text
    assert 'data-type="symptomatic"' in page
    assert 'data-flag="RF-CJD"' in page and "Allez aux urgences" in text
    assert "Votre médecin décide" in text and "Ce n'est pas un diagnostic" in text
    # the clinician's message, escaped and verbatim
    assert "Rendez-vous dans 3 mois. &lt;b&gt;Appelez&lt;/b&gt; si besoin." in page
    # one simple picture, embedded
    assert page.count("data:image/png;base64,") == 1
    assert not re.search(r'(src|href)="(https?:)?//', page)
    # English version exists with the same structure
    en = (outputs["en"][0] / "patient.html").read_text(encoding="utf-8")
    assert "Symptomatic myoclonus" in en and 'data-flag="RF-CJD"' in en and "A message from your doctor" not in en


def test_patient_summary_has_no_identifiers(base_result, tmp_path):
    res = base_result
    rec = res.summary["recording"]
    saved = json.dumps(rec)
    rec["source"]["file"] = "DUPONT_Jean_1950-03-02.edf"
    rec["identity"] = {"name": "Jean Dupont", "birthdate": "1950-03-02"}
    try:
        for lang in ("en", "fr"):
            page = render_patient_summary(res, lang=lang)
            assert "DUPONT" not in page and "Dupont" not in page and ".edf" not in page
            assert not re.search(r"\b(19|20)\d\d-\d\d-\d\d\b", page)  # no dates at all
            assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b", page)
    finally:
        res.summary["recording"] = json.loads(saved)


def test_patient_summary_without_assessment(base_result, tmp_path):
    for lang, sentence in (("en", "Your doctor will tell you what kind of myoclonus this is after the full evaluation."),
                           ("fr", "Votre médecin vous dira de quel type de myoclonie il s'agit après le bilan complet.")):
        p = write_patient_summary(base_result, tmp_path / f"patient_{lang}.html", lang=lang)
        page = p.read_text(encoding="utf-8")
        assert _html.unescape(page).count(sentence) == 1
        assert "data-type=" not in page and "data-flag=" not in page
        for title, _text in TYPE_TEXTS.values():
            assert gettext_for(lang)(title) not in _html.unescape(page)


def _with_assessment(base, a):
    return SimpleNamespace(summary={**base.summary, "assessment": a.to_dict()}, assessment=a)


@pytest.mark.parametrize("vid, citation, history, summary, top, subtype, flags", VIGNETTES,
                         ids=[v[0] for v in VIGNETTES])
def test_vignette_patient_summary(base_result, vid, citation, history, summary, top, subtype, flags):
    a = assess(history, summary=summary)
    assert a.top_type == top
    res = _with_assessment(base_result, a)
    for lang in ("en", "fr"):
        _ = gettext_for(lang)
        page = render_patient_summary(res, lang=lang, figure=False)
        text = _html.unescape(page)
        title, explanation = TYPE_TEXTS[top]
        assert f'data-type="{top}"' in page
        assert _(title) in text and _(explanation) in text
        for other, (t, _e) in TYPE_TEXTS.items():
            if other != top:
                assert _(t) not in text
        assert set(re.findall(r'data-flag="([^"]+)"', page)) == flags
        from myoclonus.assess._data import load_data

        plain = {r["id"]: r["patient"] for r in load_data("rules.yaml")["red_flags"]}
        for fid in flags:
            assert _(plain[fid]) in text
        assert _("When to get help quickly") in text


def test_vignette_through_analyze(tmp_path):
    """The pipeline path: analyze(history=vignette) writes patient.html naming the type and red flags."""
    sim = demo_recording(seed=0, duration=30.0)
    by_id = {v[0]: v for v in VIGNETTES}
    vid = next(v for v in by_id if by_id[v][6])  # a vignette with a red flag
    _vid, _c, history, _s, _top, _sub, flags = by_id[vid]
    res = analyze(sim.recording, out=tmp_path, history=history, physiology=False, lang="fr")
    page = (tmp_path / "patient.html").read_text(encoding="utf-8")
    top = res.summary["assessment"]["clinical_type"]["ranking"][0]["type"]
    assert gettext_for("fr")(TYPE_TEXTS[top][0]) in _html.unescape(page)
    assert set(re.findall(r'data-flag="([^"]+)"', page)) == set(res.assessment.red_flag_ids) == flags


def _readability(text, lang):
    import textstat

    textstat.set_lang("en" if lang == "en" else "fr")
    try:
        if lang == "en":
            # syllable-free grade formulas (textstat's Flesch-Kincaid needs NLTK's cmudict download)
            return max(textstat.coleman_liau_index(text), textstat.automated_readability_index(text))
        return textstat.flesch_reading_ease(text)
    finally:
        textstat.set_lang("en")


def test_readability(base_result):
    pytest.importorskip("textstat")
    results = {"en": [], "fr": []}
    cases = [base_result] + [_with_assessment(base_result, assess(v[2], summary=v[3])) for v in VIGNETTES]
    for res in cases:
        for lang in ("en", "fr"):
            results[lang].append(_readability(patient_text(patient_document(res, lang=lang)), lang))
    assert max(results["en"]) <= EN_MAX_GRADE, results["en"]
    assert min(results["fr"]) >= FR_MIN_EASE, results["fr"]


@pytest.mark.slow
def test_french_documents_render_in_headless_chromium(outputs):
    from _browser import ARTIFACTS, chromium_page, image_sizes

    d, _ = outputs["fr"]
    with chromium_page() as (page, errors):
        page.goto((d / "report.html").as_uri(), wait_until="load")
        sizes = image_sizes(page)
        assert len(sizes) >= 4 and all(c and w > 0 and h > 0 for c, w, h in sizes)
        assert page.get_attribute("#viewer", "data-ready") == "1"
        page.click("#viewer-next")
        info = page.inner_text("#viewer-info")
        assert "Fenêtre pleine résolution 1 sur" in info and "," in info
        assert "secousses en" in page.inner_text("#key-findings")
        page.screenshot(path=str(ARTIFACTS / "report_fr.png"), full_page=True)
        page.goto((d / "patient.html").as_uri(), wait_until="load")
        sizes = image_sizes(page)
        assert len(sizes) == 1 and all(c and w > 0 and h > 0 for c, w, h in sizes)
        assert "Quand demander de l'aide vite" in page.inner_text("body")
        page.emulate_media(media="print")
        page.screenshot(path=str(ARTIFACTS / "patient_fr.png"), full_page=True)
    assert errors == []
    assert (ARTIFACTS / "patient_fr.png").stat().st_size > 10_000
