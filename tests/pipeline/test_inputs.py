"""Edge-input choice: geometry always, per-body pairs by the sender's copy, receiver-only out."""

import numpy as np
import pandas as pd

from distill.pipeline.inputs import choose_inputs, relevant_inputs


def test_pair_kept_by_sender_and_receiver_only_left_out():
    cands = ["dx", "dy", "r", "m_i", "q_i", "vx_i", "m_j", "q_j", "vx_j"]
    imp = {"dx": 0.3, "dy": 0.3, "r": 0.0, "m_i": 0.2, "q_i": 0.0, "vx_i": 0.001,
           "m_j": 0.0, "q_j": 0.15, "vx_j": 0.0}
    keep, receiver_only = choose_inputs(cands, imp)
    assert keep == ["dx", "dy", "r", "q_i", "q_j"]  # q_i enters with its relevant sender copy
    assert receiver_only == ["m_i"]  # relevant, but its sender copy is not; vx_i is irrelevant


def test_on_data_a_receiver_divided_message_keeps_only_geometry():
    # Message = force / m_i (the node model's division moved into the message), force from
    # geometry alone: the receiver's mass matters to the message, the sender's does not.
    rng = np.random.default_rng(0)
    n = 3000
    dx, dy = rng.normal(size=(2, n))
    r = np.hypot(dx, dy)
    m_i, m_j = np.exp(rng.normal(size=(2, n)))
    q_i, q_j = rng.choice([-1.0, 1.0], size=(2, n))
    frame = pd.DataFrame({"dx": dx, "dy": dy, "r": r, "m_i": m_i, "q_i": q_i, "m_j": m_j, "q_j": q_j,
                          "e0": (r - 1) * dx / r / m_i, "e1": q_i * q_j * dy / r**3})
    out = relevant_inputs(frame, ["dx", "dy", "r", "m_i", "q_i", "m_j", "q_j"], ["e0", "e1"], seed=0)
    assert out["receiver_only"] == ["m_i"]
    assert out["inputs"] == ["dx", "dy", "r", "q_i", "q_j"]
    assert out["importance"]["m_j"] < 0.01 < out["importance"]["m_i"]


def test_choose_law_keeps_the_formula_near_the_loss_floor():
    from distill.pipeline.fit import choose_law
    from distill.search.model_selection import pareto_scores

    # A spring-like front: r*dx (complexity 5) wins PySR's 'best' rule, the law (17) sits at
    # the floor 16% below the next simpler formula.
    cx = [1, 3, 5, 7, 11, 17, 19]
    loss = [0.0062, 0.0048, 0.0042, 0.0034, 0.00279, 0.00234, 0.002339]
    scores = pareto_scores(loss, cx)
    assert cx[choose_law(loss, scores, 1.5)] == 7
    assert cx[choose_law(loss, scores, 1.1)] == 17
    assert choose_law(loss, scores, 1.0) == 6  # only the lowest loss is within a factor 1


def test_selection_tolerance_below_one_is_rejected():
    import pytest

    from distill.pipeline import ExplainOptions

    with pytest.raises(ValueError, match="selection_tolerance"):
        ExplainOptions(selection_tolerance=0.9)
