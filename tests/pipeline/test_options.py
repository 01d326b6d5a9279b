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


def test_siblings_can_search_shorter_than_the_first_component():
    assert [ExplainOptions(timeout_per_fit=40).edge_timeout(k) for k in range(3)] == [40, 40, 40]
    short = ExplainOptions(timeout_per_fit=40, sibling_timeout_per_fit=10)
    assert [short.edge_timeout(k) for k in range(3)] == [40, 10, 10]
    assert short.search_fingerprint() != ExplainOptions(timeout_per_fit=40).search_fingerprint()
    with pytest.raises(ValueError, match="sibling_timeout_per_fit: expected seconds > 0, got 0"):
        ExplainOptions(sibling_timeout_per_fit=0)


def test_the_node_search_options_leave_the_edge_searches_alone():
    base = ExplainOptions(timeout_per_fit=40)
    longer = ExplainOptions(timeout_per_fit=40, node_timeout_per_fit=30)
    # at their defaults, the fingerprint saved runs have
    assert base.edge_search_fingerprint() == base.search_fingerprint()
    assert base.node_options_fingerprint() == ""
    assert longer.edge_search_fingerprint() == base.edge_search_fingerprint()
    assert longer.node_options_fingerprint() not in ("", ExplainOptions(
        node_timeout_per_fit=5).node_options_fingerprint())
    # every other search option still keys the edge searches
    assert ExplainOptions(timeout_per_fit=41, node_timeout_per_fit=30).edge_search_fingerprint() \
        != longer.edge_search_fingerprint()


def test_fingerprints_of_runs_saved_before_sibling_timeouts_are_unchanged():
    # The defaults' fingerprints as written by the code before the option existed (7fee8b2):
    # explain runs saved then resume without searching again.
    assert ExplainOptions().search_fingerprint() == "59d9089ec194b16a"
    assert ExplainOptions().fingerprint() == "e76bc1d21d64daf4"


def test_contribution_reference_is_validated_and_keys_the_searches():
    median = ExplainOptions(edge_target="contributions", contribution_reference="median")
    plain = ExplainOptions(edge_target="contributions", contribution_reference="none")
    # the default: the median for contributions, nothing for messages
    assert ExplainOptions(edge_target="contributions").contribution_reference == "median"
    assert ExplainOptions(edge_target="contributions").search_fingerprint() == median.search_fingerprint()
    assert ExplainOptions().contribution_reference == "none"
    assert ExplainOptions.from_dict(median.to_dict()) == median
    assert median.search_fingerprint() != plain.search_fingerprint()
    assert (median.fingerprint("n_edges", "edge_target", "contribution_reference")
            != plain.fingerprint("n_edges", "edge_target", "contribution_reference"))
    with pytest.raises(ValueError, match="contribution_reference: expected one of .*got 'mean'"):
        ExplainOptions(edge_target="contributions", contribution_reference="mean")
    with pytest.raises(ValueError, match="contribution_reference: 'median' applies to "
                                         "edge_target='contributions'; got edge_target='messages'"):
        ExplainOptions(contribution_reference="median")
