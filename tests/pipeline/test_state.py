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
