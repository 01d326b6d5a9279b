"""The demo's printed summary: formulas, both R^2 figures, and the verdict from the check."""

from distill.demo import print_summary


def _report(recovered: bool) -> dict:
    return {
        "edge_fits": {"e22": {"readable": "0.00794*dx + 0.00875*dy - 0.00794*(dx + dy)/r"}},
        "force_law": {"r2": {"e22": 0.99669}, "r2_refit": {"e22": 0.99995}, "basis": "force",
                      "recovered": recovered, "recovered_as_fitted": False,
                      "in_force_components": {"F_x": "2.0*dx - 2.0*dx/r"}},
        "losses": {"network": 0.0915}, "seconds": 400.0, "run_dir": "runs/demo/run",
    }


def test_summary_prints_both_r2_and_follows_the_check(capsys):
    assert print_summary(_report(True)) is True
    out = capsys.readouterr().out
    assert "e22: 0.99669" in out and "refitted within the messages' noise: e22: 0.99995" in out
    assert "spring law RECOVERED in 6.7 minutes" in out
    assert print_summary(_report(False)) is False
    assert "NOT recovered" in capsys.readouterr().out
