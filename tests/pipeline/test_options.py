"""ExplainOptions: validation and the fingerprints that decide which steps rerun."""

import hashlib
import json

import pytest

from distill.pipeline import ExplainOptions


def test_edge_target_is_validated():
    with pytest.raises(ValueError, match="edge_target: expected one of .*'messages'.*got 'forces'"):
        ExplainOptions(edge_target="forces")


def test_edge_target_at_its_default_leaves_fingerprints_as_before():
    # Runs cached before the option existed hashed every other option; they must still resume.
    d = ExplainOptions().to_dict()
    d.pop("progress")
    d.pop("edge_target")
    before = hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest()[:16]
    assert ExplainOptions().fingerprint() == before
    assert ExplainOptions(edge_target="contributions").fingerprint() != before
    assert (ExplainOptions().fingerprint("n_edges", "seed", "edge_target")
            == ExplainOptions().fingerprint("n_edges", "seed"))
    assert (ExplainOptions(edge_target="contributions").fingerprint("n_edges", "seed", "edge_target")
            != ExplainOptions().fingerprint("n_edges", "seed"))
