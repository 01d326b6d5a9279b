"""``distill train`` end to end, and its option parsing."""

import json

import pytest

from distill.cli import main
from distill.cli.train import parse_options
from distill.train import load_model


def test_train_command_writes_a_loadable_run(tmp_path, capsys):
    data = tmp_path / "d.npz"
    assert main(["simulate", "--samples", "40", "--steps-per-sim", "10", "--bodies", "3",
                 "--out", str(data)]) == 0
    out = tmp_path / "runs" / "demo"
    code = main(["train", str(data), "--model", "gn", "--variant", "l1", "--out", str(out),
                 "--epochs", "2", "--batch-size", "8", "--quiet", "--threads", "1",
                 "--option", "hidden=16", "--option", "layers=1",
                 "--penalty-warmup", "0.25", "--penalty-delay", "0.5"])
    assert code == 0
    assert "best validation loss" in capsys.readouterr().out
    model = load_model(out)
    assert model.config["hidden"] == 16 and model.variant == "l1"
    saved = json.loads((out / "config.json").read_text())["train"]
    assert (saved["penalty_warmup"], saved["penalty_delay"]) == (0.25, 0.5)


def test_options_are_parsed_as_json():
    assert parse_options(["hidden=128", "newton=true", "activation=tanh"]) == {
        "hidden": 128, "newton": True, "activation": "tanh"}
    with pytest.raises(ValueError, match="--option"):
        parse_options(["hidden"])
