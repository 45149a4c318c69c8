"""The top-level API: functions that share their name with a subpackage stay callable."""
import importlib

import myoclonus


def test_simulate_and_characterize_callable_before_and_after_subpackage_import():
    r1 = myoclonus.simulate("cortical", duration=10, seed=3)
    importlib.import_module("myoclonus.simulate")
    importlib.import_module("myoclonus.characterize")
    r2 = myoclonus.simulate("cortical", duration=10, seed=3)
    assert r1.truth == r2.truth and len(r1.truth.select("jerk")) > 0
    c = myoclonus.characterize(r2.truth, r2.recording)
    assert c.to_dict()["n_bursts"] == len(r2.truth.select("jerk"))
    import myoclonus.simulate as ms

    assert "demo_recording" in ms.__all__


def test_all_exports_exist():
    for name in myoclonus.__all__:
        assert hasattr(myoclonus, name), name
