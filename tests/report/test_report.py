"""The HTML/PDF report: self-contained, numbers agree with summary.json and events.tsv, renders in Chromium."""
from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from myoclonus.pipeline import analyze
from myoclonus.report import key_findings
from myoclonus.simulate import demo_recording



@pytest.fixture(scope="module")
def demo_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    sim = demo_recording(seed=0, duration=60.0)
    res = analyze(sim.recording, out=out, truth=sim.truth, pdf=True)
    return out, res


def _data_keys(html):
    return {k: v for k, v in re.findall(r'data-key="([^"]+)">([^<]+)<', html)}


def test_outputs_exist_and_self_contained(demo_out):
    out, res = demo_out
    html = (out / "report.html").read_text()
    assert {p.name for p in out.iterdir()} >= {"events.tsv", "events.json", "summary.json", "report.html", "report.pdf"}
    # self-contained: no external resource is referenced
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert html.count("data:image/png;base64,") >= 4
    assert (out / "report.pdf").read_bytes()[:5] == b"%PDF-"
    assert (out / "report.pdf").stat().st_size > 20_000


def test_numbers_agree(demo_out):
    out, res = demo_out
    html = (out / "report.html").read_text()
    summary = json.loads((out / "summary.json").read_text())
    events = pd.read_csv(out / "events.tsv", sep="\t")
    keys = _data_keys(html)
    for kind in ("jerk", "sustained", "silent_period", "acc_jerk", "artifact"):
        n_tsv = int((events.trial_type == kind).sum())
        assert summary["counts"][kind] == n_tsv
        assert int(keys[f"counts.{kind}"]) == n_tsv
    assert float(keys["recording.duration_s"]) == pytest.approx(summary["recording"]["duration_s"], abs=0.05)
    assert int(keys["truth.counts.jerk"]) == summary["truth"]["counts"]["jerk"]
    # per-channel table rows agree with events.tsv
    rows = re.findall(r'<tr data-channel="([^"]+)">.*?data-key="per_channel.jerks">(\d+)<', html, flags=re.S)
    assert rows
    for ch, n in rows:
        assert int(n) == int(((events.channel == ch) & (events.trial_type == "jerk")).sum())
    # the first key-findings line states the summary's numbers
    first = key_findings(summary)[0]
    assert first.startswith(f"{summary['counts']['jerk']} jerks in 1.0 min")
    assert f"{summary['rate_per_min']['jerk']:.1f} per minute" in first
    assert first.replace("&", "&amp;") in html


def test_autoescape(demo_out, tmp_path):
    from myoclonus.report import render_report

    _, res = demo_out
    res.summary["recording"]["source"]["file"] = "<script>alert(1)</script>.edf"
    html = render_report(res, figures=[])
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_renders_in_headless_chromium(demo_out):
    from _browser import ARTIFACTS, chromium_page, image_sizes

    out, _ = demo_out
    summary = json.loads((out / "summary.json").read_text())
    with chromium_page() as (page, errors):
        page.goto((out / "report.html").as_uri(), wait_until="load")
        sizes = image_sizes(page)
        assert len(sizes) >= 4 and all(c and w > 0 and h > 0 for c, w, h in sizes)
        assert page.get_attribute("#viewer", "data-ready") == "1"
        page.click("#viewer-next")
        assert "Full-resolution window 1" in page.inner_text("#viewer-info")
        text = page.inner_text("#key-findings")
        assert f"{summary['counts']['jerk']} jerks in" in text
        page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
    assert errors == []
    assert (ARTIFACTS / "report.png").stat().st_size > 10_000


def test_assessment_section_with_history(tmp_path):
    sim = demo_recording(seed=1, duration=20.0)
    history = {"age": 70, "course": "rapidly_progressive", "cognition": "rapid_decline",
               "eeg": ["periodic_sharp_wave_complexes"], "imaging": ["diffusion_restriction_cortical_ribboning"]}
    analyze(sim.recording, out=tmp_path, history=history, physiology=False)
    summary = json.loads((tmp_path / "summary.json").read_text())
    top = summary["assessment"]["clinical_type"]["ranking"][0]
    assert top["type"] == "symptomatic" and summary["assessment"]["clinical_type"]["subtype"] == "prion_cjd"
    html = (tmp_path / "report.html").read_text()
    assert "Clinical assessment" in html and "prion" in html.lower()
    assert any("Red flag" in line for line in key_findings(summary))


def test_patient_summary_written(demo_out):
    """analyze writes patient.html (and patient.pdf with pdf=True) next to the report, in English by default."""
    out, res = demo_out
    page = (out / "patient.html").read_text(encoding="utf-8")
    assert res.outputs["patient_html"] == out / "patient.html"
    assert '<html lang="en">' in page and "What is myoclonus?" in page
    assert "Your doctor will tell you what kind of myoclonus this is" in page  # no history: no type invented
    assert (out / "patient.pdf").read_bytes()[:5] == b"%PDF-"
    assert not re.search(r'(src|href)="(https?:)?//', page)


def test_key_findings_french():
    summary = {"recording": {"duration_s": 90.0}, "counts": {"jerk": 1, "sustained": 2},
               "rate_per_min": {"jerk": 0.6667}, "per_channel": {"a": {"counts": {"jerk": 1}}},
               "duration_ms": {"median": 41.6}}
    assert key_findings(summary)[0] == "1 jerk in 1.5 min (0.7 per minute) over 1 muscle, median duration 42 ms; 2 sustained activations."
    assert key_findings(summary, lang="fr")[0] == (
        "1 secousse en 1,5 min (0,7 par minute) sur 1 muscle, durée médiane 42 ms ; 2 activations soutenues.")
