"""The README's Python examples run as written."""
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_python_blocks_run(tmp_path, monkeypatch):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert len(blocks) >= 2
    monkeypatch.chdir(tmp_path)
    ns = {}
    for code in blocks:
        exec(compile(code, "README.md", "exec"), ns)  # noqa: S102 - our own documentation
    assert (tmp_path / "events.tsv").exists() and (tmp_path / "rec.edf").exists()
    assert (tmp_path / "results" / "report.html").exists()
    assert ns["char"].to_dict()["recruitment"]["order"][0].endswith("SCM")
