"""Ranking message components, and the warning for components a network does not use."""

import numpy as np
import pandas as pd
import pytest

from distill.pipeline.report import markdown
from distill.pipeline.select import component_scores, keep_components, silent_components, strong_left_out


def test_silent_components_are_the_ones_that_hardly_vary():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"e0": 1e-3 * rng.normal(size=500), "e1": 1e-24 * rng.normal(size=500),
                          "e2": np.zeros(500)})
    kept = keep_components(component_scores(frame), 3)
    assert kept[0] == "e0"
    # Against targets of std 2: 1e-3 is a (small) signal, 1e-24 and 0 are not.
    assert set(silent_components(frame, kept, scale=2.0)) == {"e1", "e2"}
    assert silent_components(frame, ["e0"], scale=2.0) == []
    assert silent_components(frame, ["e0"], scale=1e4) == ["e0"]


def test_report_shows_warnings_first():
    report = {"run_dir": "runs/x", "model": {"name": "gn", "variant": "l1"}, "data": "d.npz",
              "warnings": ["message components e1 are silent"],
              "ranking": [{"component": "e1", "score": 1e-24, "share": 1.0, "measure": "std"}],
              "kept": ["e1"], "edge_inputs": ["dx"], "edge_fits": {}, "losses": {}}
    md = markdown(report)
    assert md.index("**Warning:** message components e1 are silent") < md.index("## Message components")


def test_report_json_is_strict_json_when_a_loss_is_not_finite(tmp_path):
    import json
    import math

    from distill.pipeline.report import write_report

    report = {"run_dir": "runs/x", "model": {"name": "gn", "variant": "l1"}, "data": "d.npz",
              "ranking": [{"component": "e1", "score": 1.0, "share": 1.0, "measure": "std"}],
              "kept": ["e1"], "edge_inputs": ["dx"], "edge_fits": {},
              "losses": {"network": 0.5, "symbolic, after re-optimisation": math.nan,
                         "hybrid": math.inf}}
    js, md = write_report(tmp_path, report)
    loaded = json.loads(js.read_text(), parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
    assert loaded["losses"] == {"network": 0.5, "symbolic, after re-optimisation": None,
                                "hybrid": None}
    assert "| symbolic, after re-optimisation | nan |" in md.read_text()


def test_kl_scores_are_the_divergence_from_the_prior():
    # A component at the prior (mu 0, sigma 1) scores 0; mu ~ N(0, 2^2) with sigma^2 = 0.25
    # scores E[(mu^2 + s2 - log s2 - 1) / 2] = (4 + 0.25 + log 4 - 1) / 2.
    rng = np.random.default_rng(1)
    n = 200_000
    frame = pd.DataFrame({"e0": np.zeros(n), "e1": 2.0 * rng.normal(size=n),
                          "e0_logvar": np.zeros(n), "e1_logvar": np.full(n, np.log(0.25))})
    ranking = component_scores(frame)
    assert [r["component"] for r in ranking] == ["e1", "e0"]
    assert ranking[0]["measure"] == "kl"
    assert ranking[0]["score"] == pytest.approx((4 + 0.25 + np.log(4) - 1) / 2, rel=0.02)
    assert ranking[1]["score"] == pytest.approx(0.0, abs=1e-12)
    assert ranking[0]["share"] == pytest.approx(1.0)


def test_strong_components_left_out_are_named():
    # Four live components (std 1.0, 0.95, 0.9, 0.7) and a weak fifth (0.1); three kept.
    rng = np.random.default_rng(2)
    stds = [1.0, 0.95, 0.9, 0.7, 0.1]
    frame = pd.DataFrame({f"e{k}": s * rng.normal(size=20_000) for k, s in enumerate(stds)})
    ranking = component_scores(frame)
    kept = keep_components(ranking, 3)
    assert kept == ["e0", "e1", "e2"]
    assert [r["component"] for r in strong_left_out(ranking, kept)] == ["e3"]
    assert strong_left_out(ranking, keep_components(ranking, 4)) == []


def test_left_out_warning_names_the_strongest_and_counts_the_rest():
    from distill.pipeline.select import left_out_warning

    left = [{"component": f"e{k}", "share": 0.03 - 0.001 * k, "measure": "std"} for k in range(8)]
    text = left_out_warning(left, 3)
    assert "e0 (3.0% of the summed std)" in text and "e4 (2.6% of the summed std)" in text
    assert "e5 (" not in text and "and 3 more" in text
    assert "(3 kept)" in text and "n_components=11" in text
    assert "more" not in left_out_warning(left[:2], 2).split("score")[0]
