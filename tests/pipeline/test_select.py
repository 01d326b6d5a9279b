"""Ranking message components, and the warning for components a network does not use."""

import numpy as np
import pandas as pd

from distill.pipeline.report import markdown
from distill.pipeline.select import component_scores, keep_components, silent_components


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
