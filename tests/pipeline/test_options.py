"""ExplainOptions: validation and the fingerprints that decide which steps rerun."""


import pytest

from distill.pipeline import ExplainOptions


def test_edge_target_is_validated():
    with pytest.raises(ValueError, match="edge_target: expected one of .*'messages'.*got 'forces'"):
        ExplainOptions(edge_target="forces")


def test_searches_are_keyed_on_the_search_options_only():
    base = ExplainOptions()
    assert ExplainOptions(reopt_steps=5, reopt_lr=0.1, reopt_samples=10, device="cpu",
                          procs=1).search_fingerprint() == base.search_fingerprint()
    assert ExplainOptions(reopt_steps=5).fingerprint() != base.fingerprint()
    for changed in (dict(maxsize=12), dict(seed=1), dict(edge_target="contributions"),
                    dict(n_components=3), dict(timeout_per_fit=5.0)):
        assert ExplainOptions(**changed).search_fingerprint() != base.search_fingerprint(), changed


@pytest.mark.parametrize("name, value", [("reopt_samples", 0), ("reopt_steps", -1), ("seed", -2)])
def test_counts_and_seed_are_validated(name, value):
    with pytest.raises(ValueError, match=f"{name}: expected"):
        ExplainOptions(**{name: value})
