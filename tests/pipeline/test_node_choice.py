"""Step 5c: node formulas chosen again on fresh samples."""

import math

from distill.pipeline.node_choice import choose_on_fresh


def front(*entries):
    return [{"complexity": cx, "loss": loss, "score": 0.0, "equation": eq} for cx, loss, eq in entries]


def test_the_choice_follows_the_fresh_losses():
    # The search chose the product (lowest loss on its own nodes); on fresh samples it is far
    # off and the linear formula, within the band of the best, wins on score.
    fits = {"prediction 0": {"equation": "q*(E0*E1 + E0)/m", "loss": 0.60, "complexity": 9,
                             "pareto": front((3, 3.9, "E0*q"), (7, 0.74, "E0*q/m"),
                                             (9, 0.60, "q*(E0*E1 + E0)/m"))}}
    fresh = {"E0*q": 4.0, "E0*q/m": 0.80, "q*(E0*E1 + E0)/m": 30.0}
    chosen = choose_on_fresh(fits, lambda j, eq: fresh[eq], tolerance=1.1)["prediction 0"]
    assert chosen["equation"] == "E0*q/m" and chosen["complexity"] == 7
    assert chosen["loss"] == 0.74 and chosen["chosen_on"] == "fresh samples"
    assert chosen["searched_equation"] == "q*(E0*E1 + E0)/m"
    assert [p["fresh_loss"] for p in chosen["pareto"]] == [4.0, 0.80, 30.0]
    assert fits["prediction 0"]["equation"] == "q*(E0*E1 + E0)/m"  # input left alone


def test_an_unchanged_choice_and_a_formula_not_finite_on_fresh_samples():
    fits = {"a": {"equation": "E0/m", "loss": 0.5, "complexity": 3,
                  "pareto": front((1, 2.0, "E0"), (3, 0.5, "E0/m"), (5, 0.4, "E0/(m - 1)"))},
            "b": {"equation": "E1", "loss": 1.0, "complexity": 1, "pareto": front((1, 1.0, "E1"))}}
    fresh = {"E0": 2.0, "E0/m": 0.5, "E0/(m - 1)": math.inf, "E1": 1.0}
    seen = []

    def loss(j, eq):
        seen.append(j)
        return fresh[eq]

    chosen = choose_on_fresh(fits, loss, tolerance=1.1)
    assert chosen["a"]["equation"] == "E0/m" and "chosen_on" not in chosen["a"]
    assert chosen["a"]["pareto"][2]["fresh_loss"] is None
    assert chosen["b"]["equation"] == "E1" and sorted(set(seen)) == [0, 1]
