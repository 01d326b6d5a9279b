"""Checkpoints round-trip; missing or mismatched ones give a message naming the argument."""

import json

import numpy as np
import pytest
import torch
from safetensors.torch import load_file, save_file

from distill.latent.checkpoint import DEFAULT_CHECKPOINT, load_autoencoder, save_autoencoder


def test_round_trip(tiny_model, tmp_path):
    save_autoencoder(tmp_path / "ck", tiny_model, {"command": "test"})
    model, doc = load_autoencoder(tmp_path / "ck")
    assert doc["command"] == "test" and doc["grammar"] == tiny_model.grammar.to_dict()
    for k, v in tiny_model.state_dict().items():
        torch.testing.assert_close(model.state_dict()[k], v)
    z = torch.randn(20, tiny_model.latent_dim, generator=torch.Generator().manual_seed(0))
    assert model.decode(z) == tiny_model.decode(z)


def test_missing_checkpoint_names_argument(tmp_path):
    with pytest.raises(
        ValueError,
        match=r"latent_checkpoint: expected a directory with config.json and "
        r"model.safetensors, got .*missing config.json, model.safetensors",
    ):
        load_autoencoder(tmp_path / "nowhere")


def test_mismatched_weights_name_expected_and_got(tiny_model, tmp_path):
    path = save_autoencoder(tmp_path / "ck", tiny_model)
    state = load_file(str(path / "model.safetensors"))
    state["out.bias"] = torch.zeros(3)
    save_file(state, str(path / "model.safetensors"))
    with pytest.raises(ValueError, match=r"latent_checkpoint: the weights .* do not match .*expected shapes"):
        load_autoencoder(path)


def test_wrong_format_is_refused(tiny_model, tmp_path):
    path = save_autoencoder(tmp_path / "ck", tiny_model)
    doc = json.loads((path / "config.json").read_text())
    doc["format"] = "something-else"
    (path / "config.json").write_text(json.dumps(doc))
    with pytest.raises(
        ValueError, match="expected format 'distill-latent-autoencoder/1'.*got 'something-else'"
    ):
        load_autoencoder(path)


def test_shipped_checkpoint_is_small_and_documented(shipped):
    size = sum(p.stat().st_size for p in DEFAULT_CHECKPOINT.iterdir())
    assert size <= 5 * 2**20
    _, doc = shipped
    assert doc["command"].startswith("distill pretrain-latent ")
    assert 16 <= doc["architecture"]["latent_dim"] <= 32
    assert 200_000 <= doc["parameters"] <= 2_000_000
    assert np.isfinite(doc["metrics"]["reconstruction_rate"])


def test_shuffled_control_keeps_decoding_but_loses_reconstruction(shipped):
    from distill.latent.checkpoint import shuffled_like
    from distill.latent.data import sample_skeletons
    from distill.latent.train import reconstruction_rate

    model, _ = shipped
    control = shuffled_like(model, seed=1)
    skeletons = sample_skeletons(model.grammar, 200, np.random.default_rng(7))
    assert reconstruction_rate(control, skeletons) < 0.2 < reconstruction_rate(model, skeletons)
    z = torch.randn(200, model.latent_dim, generator=torch.Generator().manual_seed(0))
    assert len({tuple(t) for t in control.decode(z)}) > 100  # not collapsed
