"""The one parameter source (detect.params): validation, signature, docs, methods text, CLI parsing."""
from __future__ import annotations

import ast
import inspect
from pathlib import Path

import numpy as np
import pytest

from myoclonus import MyoclonusUsageError
from myoclonus.detect import DEFAULTS, PARAMS, SENSITIVITY, DetectionParams, detect_jerks
from myoclonus.detect.methods import methods_text
from myoclonus.detect.params import parse_setting

DETECT = Path(__file__).resolve().parents[2] / "src" / "myoclonus" / "detect"


def _changed_value(p):
    """A valid value different from the default (None for parameters without one here)."""
    special = {"method": "tkeo", "notch": 60.0, "ecg": False, "max_rise": 0.05, "slow_rise_llr": 6.0,
               "rise_evidence": None}
    if p.name in special:
        return special[p.name]
    if p.kind == "bool":
        return not p.default
    if p.kind == "float" and p.default is not None:
        v = p.default * 1.37
        return v if p.hi is None or v <= p.hi else p.default * 0.77
    return None


def test_every_parameter_documented_and_in_the_signature():
    sig = inspect.signature(detect_jerks)
    doc = detect_jerks.__doc__
    for name, p in PARAMS.items():
        assert sig.parameters[name].default == p.default
        assert sig.parameters[name].kind is inspect.Parameter.KEYWORD_ONLY
        assert f"{name} : " in doc, name
        assert DEFAULTS[name] == (p.default, p.reason)
        # a reason of at most two lines (the measurements live in benchmarks/README.md)
        assert 10 < len(p.reason) <= 200, (name, len(p.reason))
        assert p.doc and p.unit is not None
        # the default passes its own check
        assert p.check(p.default) == p.default or p.default is None


def test_methods_text_names_every_parameter_that_ran():
    base = methods_text(DetectionParams().to_dict(), "0")
    for name, p in PARAMS.items():
        v = _changed_value(p)
        if v is None:
            continue
        text = methods_text(DetectionParams(**{name: v}).to_dict(), "0")
        assert text != base, f"the methods paragraph does not depend on {name}"


def test_validation_says_what_was_allowed():
    with pytest.raises(MyoclonusUsageError, match="Allowed values are 'rms' and 'tkeo', but got 'nk'"):
        DetectionParams(method="nk")
    with pytest.raises(MyoclonusUsageError, match=r"'k_on' must be within \[1, inf\], but got 0.5"):
        DetectionParams(k_on=0.5)
    with pytest.raises(MyoclonusUsageError, match="Did you mean 'k_burst'"):
        DetectionParams(k_brust=3)
    with pytest.raises(MyoclonusUsageError, match="must be True or False"):
        DetectionParams(ramp_fit="yes")
    with pytest.raises(MyoclonusUsageError, match="finite number"):
        DetectionParams(k_on=float("nan"))
    p = DetectionParams(k_on=4)
    assert isinstance(p.k_on, float) and p.k_on == 4.0
    with pytest.raises(Exception):
        p.k_on = 5.0
    assert p.replace(k_on=5.0).k_on == 5.0 and p.k_on == 4.0
    assert p.changed() == {"k_on": 4.0}


def test_sensitivity_presets():
    for name, factor in SENSITIVITY.items():
        p = DetectionParams(sensitivity=name)
        for k in ("k_on", "k_burst", "k_flank", "k_superimposed"):
            assert getattr(p, k) == pytest.approx(PARAMS[k].default * factor)
    # explicit values win over the preset
    assert DetectionParams(sensitivity="high", k_on=3.0).k_on == 3.0


def test_parse_setting():
    assert parse_setting("k_on=3.5") == ("k_on", 3.5)
    assert parse_setting("notch=auto") == ("notch", "auto")
    assert parse_setting("slow_rise_llr=none") == ("slow_rise_llr", None)
    assert parse_setting("ramp_fit=false") == ("ramp_fit", False)
    assert parse_setting("ecg=true") == ("ecg", True)
    with pytest.raises(MyoclonusUsageError, match="NAME=VALUE"):
        parse_setting("k_on")


def test_detect_jerks_uses_the_values_given():
    x = np.random.default_rng(0).normal(0, 3, 20000)
    x[8000:8060] += np.random.default_rng(1).normal(0, 40, 60)
    res = detect_jerks(x, sfreq=2000.0, k_on=4.0, sensitivity="low")
    assert res.params["k_on"] == 4.0 and res.params["k_burst"] == pytest.approx(4.0)
    assert res.params["sensitivity"] == "low"
    with pytest.raises(MyoclonusUsageError, match="not both"):
        detect_jerks(x, sfreq=2000.0, params=DetectionParams(), k_on=4.0)


def _imports(path):
    """The modules of ``detect`` a module imports (relative imports at any depth)."""
    tree = ast.parse(path.read_text())
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                out.add(node.module.split(".")[0])
            else:
                out.update(a.name for a in node.names)
    return out


def test_detect_modules_no_cycle_none_too_long():
    mods = {p.stem: p for p in DETECT.glob("*.py") if p.stem != "__init__"}
    graph = {m: {d for d in _imports(p) if d in mods} for m, p in mods.items()}
    # no import cycle inside detect/
    state = {}

    def visit(m, stack):
        state[m] = 1
        for d in graph[m]:
            assert state.get(d) != 1, f"import cycle: {' -> '.join(stack + [m, d])}"
            if d not in state:
                visit(d, stack + [m])
        state[m] = 2

    for m in mods:
        if m not in state:
            visit(m, [])
    # one job per module, none over ~500 lines
    for m, p in mods.items():
        n = len(p.read_text().splitlines())
        assert n <= 560, f"detect/{m}.py has {n} lines"
