"""``distill train DATA`` then ``distill explain RUN_DIR`` on a file in the data contract."""

import json

from distill.cli import main


def test_train_then_explain_finds_the_data_file(tmp_path, capsys):
    data = tmp_path / "d.npz"
    assert main(["simulate", "--samples", "60", "--steps-per-sim", "20", "--bodies", "3",
                 "--out", str(data)]) == 0
    run = tmp_path / "runs" / "x"
    assert main(["train", str(data), "--variant", "bottleneck", "--out", str(run), "--epochs", "1",
                 "--batch-size", "16", "--quiet", "--option", "hidden=16", "--option", "layers=1"]) == 0
    assert json.loads((run / "config.json").read_text())["data_path"] == str(data.resolve())
    capsys.readouterr()
    code = main(["explain", str(run), "--timeout", "2", "--edges", "120", "--quiet",
                 "--binary-operators", "+", "-", "*", "/", "--unary-operators",
                 "--option", "procs=0", "--option", "niterations=2", "--option", "populations=2",
                 "--option", "reopt_steps=5"])
    assert code == 0
    out = capsys.readouterr().out
    assert "message e" in out and "loss, network" in out and "law recovered" in out
    report = json.loads((run / "explain" / "report.json").read_text())
    assert report["data"] == str(data.resolve())
    assert main(["explain", str(run), "--timeout", "2", "--edges", "120", "--quiet",
                 "--edge-target", "contributions", "--out", str(tmp_path / "c"),
                 "--binary-operators", "+", "-", "*", "/", "--unary-operators",
                 "--option", "procs=0", "--option", "niterations=2", "--option", "populations=2",
                 "--option", "reopt_steps=5"]) == 0
    assert "contribution c0 = " in capsys.readouterr().out
    assert json.loads((tmp_path / "c" / "report.json").read_text())["edge_target"] == "contributions"


def test_unknown_explain_option_suggests_a_name(tmp_path):
    import pytest

    with pytest.raises(ValueError, match="did you mean 'reopt_steps'"):
        main(["explain", str(tmp_path), "--option", "reopt_step=5"])
