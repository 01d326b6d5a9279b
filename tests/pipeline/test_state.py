"""StepStore: saved step results, keyed by fingerprint and by what the steps start from."""

from distill.pipeline.state import StepStore


def test_a_step_is_reused_only_with_the_same_fingerprint_and_source(tmp_path):
    calls = []

    def compute():
        calls.append(1)
        return {"value": len(calls)}

    assert StepStore(tmp_path, source="net-a").run("fit", "fp1", compute, log=lambda m: None) == {"value": 1}
    assert StepStore(tmp_path, source="net-a").run("fit", "fp1", compute, log=lambda m: None) == {"value": 1}
    assert StepStore(tmp_path, source="net-b").run("fit", "fp1", compute, log=lambda m: None) == {"value": 2}
    assert StepStore(tmp_path, source="net-b").run("fit", "fp2", compute, log=lambda m: None) == {"value": 3}
    assert len(calls) == 3


def test_seconds_cover_the_steps_this_run_used(tmp_path):
    first = StepStore(tmp_path)
    first.run("fit_e3", "fp", lambda: {}, log=lambda m: None)  # from a run with other options
    second = StepStore(tmp_path)
    second.run("record", "fp", lambda: {}, log=lambda m: None)
    assert set(second.seconds()) == {"record"}
    second.forget("record")
    assert second.seconds() == {}


def test_a_step_of_another_code_version_is_computed_again(tmp_path):
    calls = []

    def compute():
        calls.append(1)
        return {"value": len(calls)}

    quiet = {"log": lambda m: None}
    # Version 1 keeps the key results had before steps had versions.
    StepStore(tmp_path, source="net").run("fit_e1", "fp", compute, **quiet)
    v1 = StepStore(tmp_path, source="net", versions={"fit": 1, "fit_node": 3})
    assert v1.run("fit_e1", "fp", compute, **quiet) == {"value": 1}
    # fit_node0 is a node fit, of its own version; fit_c0 a fit
    assert v1.version("fit_node0") == 3 and v1.version("fit_c0") == 1 and v1.version("fit") == 1
    v2 = StepStore(tmp_path, source="net", versions={"fit": 2})
    assert v2.run("fit_e1", "fp", compute, **quiet) == {"value": 2}
    assert v2.run("fit_e1", "fp", compute, **quiet) == {"value": 2}
    assert v1.run("fit_e1", "fp", compute, **quiet) == {"value": 3}


def test_a_step_without_a_version_is_an_error(tmp_path):
    import pytest

    store = StepStore(tmp_path, versions={"fit": 1})
    with pytest.raises(KeyError, match="'fitness'.*expected a kind among"):
        store.run("fitness", "fp", lambda: {}, log=lambda m: None)
    with pytest.raises(KeyError, match="'record'"):
        store.run("record", "fp", lambda: {}, log=lambda m: None)
