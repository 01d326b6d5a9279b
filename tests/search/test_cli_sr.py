import json

import numpy as np
import pandas as pd

from distill.cli import main


def test_sr_command_prints_and_writes_the_front(tmp_path, capsys):
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"a": rng.uniform(1, 2, 60), "b": rng.uniform(1, 2, 60)})
    df["y"] = df["a"] * df["b"] + 1
    path = tmp_path / "data.csv"
    df.to_csv(path, index=False)
    code = main(
        [
            "sr",
            str(path),
            "--target",
            "y",
            "--niterations",
            "5",
            "--populations",
            "4",
            "--procs",
            "0",
            "--seed",
            "0",
            "--quiet",
            "--output",
            str(tmp_path / "out"),
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "complexity" in out and "equation" in out and "*" in out
    front = pd.read_csv(tmp_path / "out" / "pareto_front.csv")
    assert np.all(np.diff(front["loss"]) < 0)
    doc = json.loads((tmp_path / "out" / "pareto_front.json").read_text())
    assert doc[0]["target"] == "y" and doc[0]["selected"]
    assert (tmp_path / "out" / "hall_of_fame.csv").exists()


def test_sr_command_names_a_missing_column(tmp_path, capsys):
    path = tmp_path / "d.csv"
    pd.DataFrame({"x": [1.0, 2.0], "yy": [1.0, 2.0]}).to_csv(path, index=False)
    assert main(["sr", str(path), "--target", "y", "--quiet"]) == 2
    assert "did you mean 'yy'" in capsys.readouterr().err
