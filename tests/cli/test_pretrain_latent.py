"""``distill pretrain-latent`` writes a loadable checkpoint whose config records the command."""

import json

from distill.cli import main
from distill.latent.checkpoint import load_autoencoder


def test_pretrain_latent_writes_checkpoint(tmp_path, capsys):
    out = tmp_path / "ck"
    rc = main(
        [
            "pretrain-latent",
            "--steps",
            "2",
            "--batch-size",
            "8",
            "--max-length",
            "8",
            "--n-features",
            "2",
            "--unary-operators",
            "sin",
            "--hidden-dim",
            "16",
            "--embed-dim",
            "8",
            "--latent-dim",
            "4",
            "--output",
            str(out),
            "--quiet",
        ]
    )
    assert rc == 0
    doc = json.loads((out / "config.json").read_text())
    assert "--steps 2" in doc["command"] and "--unary-operators sin" in doc["command"]
    assert doc["grammar"]["n_features"] == 2 and doc["grammar"]["max_length"] == 8
    model, _ = load_autoencoder(out)
    assert model.latent_dim == 4
    assert "saved to" in capsys.readouterr().out


def test_default_output_is_the_user_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    rc = main(
        [
            "pretrain-latent",
            "--steps",
            "1",
            "--batch-size",
            "4",
            "--max-length",
            "5",
            "--n-features",
            "1",
            "--unary-operators",
            "--hidden-dim",
            "8",
            "--embed-dim",
            "4",
            "--latent-dim",
            "2",
            "--quiet",
        ]
    )
    assert rc == 0
    found = list((tmp_path / "distill" / "latent").glob("*/config.json"))
    assert len(found) == 1


def test_training_is_deterministic(tmp_path):
    """The same command gives the same weights (how the shipped checkpoint is reproducible)."""
    from safetensors.torch import load_file

    args = [
        "pretrain-latent",
        "--steps",
        "3",
        "--batch-size",
        "8",
        "--max-length",
        "6",
        "--n-features",
        "1",
        "--hidden-dim",
        "8",
        "--embed-dim",
        "4",
        "--latent-dim",
        "2",
        "--quiet",
        "--output",
    ]
    assert main([*args, str(tmp_path / "a")]) == 0 and main([*args, str(tmp_path / "b")]) == 0
    a, b = (load_file(str(tmp_path / d / "model.safetensors")) for d in "ab")
    assert all(bool((a[k] == b[k]).all()) for k in a)
