"""The report's sleep section (report/sleep.py): indices, series and transitions as in summary.json,
the hypnogram strip and the log-scale interval histogram, in English and French, and in the PDF."""
from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from myoclonus import Recording
from myoclonus.pipeline import analyze
from myoclonus.report.sleep import fig_imi_histogram, fig_sleep_strip, sleep_section

LEGS = ["EMG L TibAnt", "EMG R TibAnt"]


def _night():
    """20 min, two legs at 500 Hz: 12 LMs 25 s apart in N2 (every third bilateral), a W -> N1 transition."""
    sf = 500.0
    rng = np.random.default_rng(3)
    x = rng.normal(0, 2.0, (2, int(1200 * sf)))
    for k, o in enumerate(400.0 + 25.0 * np.arange(12)):
        i0, i1 = int(o * sf), int((o + 1.5) * sf)
        x[0, i0:i1] += rng.normal(0, 30.0, i1 - i0)
        if k % 3 == 0:
            x[1, i0 + 100:i1 + 100] += rng.normal(0, 30.0, i1 - i0)
    rec = Recording.from_array(x, sf, ch_names=LEGS, ch_types="emg")
    hyp = pd.DataFrame({"onset": np.arange(40) * 30.0, "duration": 30.0, "stage": ["W"] * 10 + ["N1"] * 4 + ["N2"] * 26})
    return rec, hyp


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    rec, hyp = _night()
    out = {}
    for lang in ("en", "fr"):
        d = tmp_path_factory.mktemp(f"sleep_{lang}")
        res = analyze(rec, out=d, hypnogram=hyp, physiology=False, lang=lang, pdf=(lang == "en"))
        out[lang] = (d, res)
    return out


def _section(html, title):
    i = html.index(f"<h2>{title}</h2>")
    return html[i: html.index("<h2>", i + 4)]


def test_sleep_section_numbers_agree_with_summary(outputs):
    d, res = outputs["en"]
    summary = json.loads((d / "summary.json").read_text())
    p = summary["sleep"]["plm"]
    assert (p["n_lm"], p["n_bilateral"], p["n_plms"], p["n_series"]) == (12, 4, 12, 1)
    assert p["standard"] == "wasm2016" and p["standard_name"].startswith("WASM 2016 (Ferri et al. 2016")
    sec = _section((d / "report.html").read_text(), "Sleep")
    keys = dict(re.findall(r'data-key="([^"]+)">([^<]+)<', sec))
    assert keys["sleep.plm.standard"] == p["standard_name"]
    assert int(keys["sleep.plm.n_plms"]) == 12 and float(keys["sleep.plm.plms_index"]) == round(p["plms_index"], 1)
    assert "Leg movements: 12; bilateral: 4; candidate: 12; PLM series: 1." in sec
    rows = re.findall(r"<tr><td>(\d+)</td><td>([\d.]+)</td><td class=\"l\">(\w+)</td><td>(\d+)</td>", sec)
    assert rows == [("1", "400.0", "N2", "12")]
    # resting level per leg, with the thresholds 8 and 2 uV above it
    c = p["channels"][LEGS[0]]
    assert f"<td>{c['resting_uv']:.2f}</td><td>{c['resting_uv'] + 8:.2f}</td><td>{c['resting_uv'] + 2:.2f}</td>" in sec
    # the wake-to-sleep transition at 300 s, judged on its own
    assert re.search(r"<tr><td>300.0</td><td class=\"l\">N1</td><td>0</td>", sec)
    assert sec.count("data:image/png;base64,") == 2
    assert "Inter-movement intervals of the leg movements (log scale)" in sec
    assert "doi:10.1016/j.sleep.2016.10.010" in sec  # the rules, with their sources
    # the PDF: a text page, the other figures, then the two sleep figures
    from myoclonus.report import collect_figures

    pages = len(re.findall(rb"/Type /Page\b", (d / "report.pdf").read_bytes()))
    assert pages == 1 + len(collect_figures(res)) + 2


def test_sleep_section_in_french(outputs):
    d, _ = outputs["fr"]
    sec = _section((d / "report.html").read_text(), "Sommeil")
    assert "Mouvements de jambes : 12 ; bilatéraux : 4 ; candidats : 12 ; séries de mouvements périodiques : 1." in sec
    assert "Indice de périodicité" in sec and "Transition veille-sommeil (s)" in sec
    visible = re.sub(r'<(\w+)\b[^>]*\blang="en"[^>]*>.*?</\1>', " ", sec, flags=re.S)
    visible = re.sub(r"<[^>]+>", " ", visible)
    for english in ("Leg movements", "Periodic leg movements", "Resting level", "Wake-to-sleep", "per hour"):
        assert english not in visible


def test_no_sleep_section_without_hypnogram(outputs):
    _, res = outputs["en"]
    rec, _ = _night()
    plain = analyze(rec, physiology=False)
    assert sleep_section(plain) is None
    sec = sleep_section(res)
    assert [t for t, _ in sec["figures"]] == ["Hypnogram with leg movements and jerks",
                                              "Inter-movement intervals of the leg movements (log scale)"]
    assert sec["channels"][0]["channel"] == LEGS[0] and sec["series"][0]["n"] == 12


def test_figures():
    rec, hyp = _night()
    from myoclonus import Events

    plm = {"movements": [{"onset": 400.0, "duration": 1.5, "legs": LEGS, "bilateral": True, "series": 1},
                         {"onset": 425.0, "duration": 1.5, "legs": LEGS[:1], "bilateral": False, "series": None}]}
    fig = fig_sleep_strip(hyp, plm, Events([310.0], 0.05, "jerk", LEGS[0]), 1200.0)
    ax, axl = fig.axes
    assert [t.get_text() for t in axl.get_yticklabels()] == LEGS
    assert len(axl.collections) == 3  # one bar per leg of each movement
    assert ax.get_xlim()[1] == pytest.approx(20.0) and axl.get_xlabel().startswith("time (min)")
    assert fig_sleep_strip(None, plm, Events(), 10.0) is None
    h = {"edges_s": [1.0, 10.0, 100.0], "counts": [2, 5], "below": 0, "above": 0, "scale": "log"}
    fig = fig_imi_histogram({"imi_histogram": h, "parameters": {"min_imi": 10.0, "max_imi": 90.0}})
    assert fig.axes[0].get_xscale() == "log" and [b.get_height() for b in fig.axes[0].patches] == [2, 5]
    assert fig_imi_histogram({"imi_histogram": {**h, "counts": [0, 0]}}) is None
