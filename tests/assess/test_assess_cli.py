"""The assessment command line (stand-alone entry point)."""
from __future__ import annotations

import json

from myoclonus.assess._cli import main


def test_cli_writes_json_and_html(tmp_path, capsys):
    h = tmp_path / "h.yaml"
    h.write_text("age: 66\nonset_age: 66\ncourse: rapidly_progressive\ncognition: rapid_decline\n"
                 "eeg: periodic_sharp_wave_complexes\nnotes: 'seen in clinic <today>'\n")
    s = tmp_path / "summary.json"
    s.write_text(json.dumps({"origin": {"class": "cortical"}}))
    out, html = tmp_path / "assessment.json", tmp_path / "a.html"
    code = main(["--history", str(h), "--summary", str(s), "--out", str(out), "--html", str(html)])
    assert code == 0
    d = json.loads(out.read_text())
    assert d["clinical_type"]["top"] == "symptomatic" and d["clinical_type"]["subtype"] == "prion_cjd"
    assert [r["id"] for r in d["red_flags"]] == ["RF-CJD"]
    assert d["notes"] == "seen in clinic <today>"
    assert "seen in clinic &lt;today&gt;" in html.read_text()
    printed = capsys.readouterr().out
    assert "Red flag (urgent)" in printed and f"Wrote {out}" in printed


def test_cli_bad_history_exit_code_3(tmp_path, capsys):
    h = tmp_path / "h.yaml"
    h.write_text("cours: static\n")
    assert main(["--history", str(h), "--out", str(tmp_path / "a.json")]) == 3
    err = capsys.readouterr().err
    assert "unknown field 'cours'" in err and "Did you mean 'course'?" in err
    assert not (tmp_path / "a.json").exists()
