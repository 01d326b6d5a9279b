"""Training lowers the loss quickly, checkpoints, resumes, and refuses mismatched data."""

import json

import numpy as np
import pytest
import torch

from distill.simulate import simulate
from distill.train import TrainConfig, load_model, train
from distill.train.loop import evaluate


@pytest.fixture(scope="module")
def spring():
    return simulate("spring", n_bodies=3, dim=2, n_sims=8, n_steps=40, seed=0)


def tiny(**kw):
    options = {"hidden": 32, "layers": 2}
    options.update(kw.pop("model_options", {}))
    base = dict(epochs=6, batch_size=16, lr=1e-2, augment="none", progress=False, threads=1,
                model_options=options)
    base.update(kw)
    return TrainConfig(**base)


def untrained_val(data, config):
    from distill.train.config import model_config
    from distill.train.loop import _to_tensors, train_val_split
    from models import build_model

    torch.manual_seed(config.seed)
    model = build_model(config.model, model_config(config, data))
    _, val = train_val_split(data.n_samples, config.val_fraction, config.seed)
    return evaluate(model, _to_tensors(data, "cpu"), torch.from_numpy(val))


@pytest.mark.parametrize(
    ("model", "variant"),
    [("gn", "standard"), ("gn", "l1"), ("gn", "bottleneck"), ("gn", "kl"), ("hgn", "standard"),
     ("mlp", "l1")],
)
def test_training_lowers_validation_loss_within_seconds(spring, tmp_path, model, variant):
    # ~100 Adam steps on 288 samples: seconds on an idle 2-core CPU.
    config = tiny(model=model, variant=variant, epochs=8)
    before = untrained_val(spring, config)
    result = train(spring, tmp_path / "run", config)
    assert result.best_val < 0.7 * before, (before, result.history)
    assert result.samples_per_s > 0


def test_checkpoint_files_and_reload_give_same_predictions(spring, tmp_path):
    result = train(spring, tmp_path / "run", tiny(epochs=2))
    files = {p.name for p in (tmp_path / "run").iterdir()}
    assert {"config.json", "model.safetensors", "best.safetensors",
            "optimizer.safetensors"} <= files
    saved = json.loads((tmp_path / "run" / "config.json").read_text())
    assert saved["model"] == "gn" and saved["epoch"] == 1
    assert saved["feature_names"] == list(spring.feature_names)
    reloaded = load_model(tmp_path / "run")
    x = torch.as_tensor(spring.nodes[0], dtype=torch.float32)
    edges = torch.as_tensor(spring.graph_edges())
    torch.testing.assert_close(reloaded(x, edges), result.model(x, edges))


def test_resume_continues_from_the_saved_epoch(spring, tmp_path):
    first = train(spring, tmp_path / "run", tiny(epochs=2))
    resumed = train(spring, tmp_path / "run", tiny(epochs=4), resume=True)
    assert [h["epoch"] for h in resumed.history] == [0, 1, 2, 3]
    assert resumed.history[:2] == first.history
    assert resumed.best_val <= first.best_val


def train_cut_after_epoch_1(data, run_dir, config, monkeypatch):
    """Train until epoch 1's checkpoint is saved, then stop as an interrupted run does."""
    import distill.train.loop as loop

    real = loop.save_checkpoint

    def interrupt_after_epoch_1(run_dir, model, optimizer, scheduler, state, *rng):
        real(run_dir, model, optimizer, scheduler, state, *rng)
        if state["epoch"] == 1:
            raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(loop, "save_checkpoint", interrupt_after_epoch_1)
        with pytest.raises(KeyboardInterrupt):
            train(data, run_dir, config)


@pytest.mark.parametrize("variant", ["standard", "kl"])
def test_interrupted_run_resumes_to_the_same_weights(spring, tmp_path, monkeypatch, variant):
    # An interruption after an epoch's checkpoint, then a resume, ends where an uninterrupted
    # run does: the same shuffles and augmentation draws (the shuffling generator), the same
    # KL samples (torch's own generator) and the same early-stopping count.
    from safetensors.torch import load_file

    config = tiny(variant=variant, epochs=5, augment="translate", patience=2)
    straight = train(spring, tmp_path / "straight", config)
    train_cut_after_epoch_1(spring, tmp_path / "cut", config, monkeypatch)
    resumed = train(spring, tmp_path / "cut", config, resume=True)
    assert [h["val_loss"] for h in resumed.history] == [h["val_loss"] for h in straight.history]
    assert resumed.stopped == straight.stopped
    a = load_file(str(tmp_path / "straight" / "model.safetensors"))
    b = load_file(str(tmp_path / "cut" / "model.safetensors"))
    for k in a:
        torch.testing.assert_close(a[k], b[k], rtol=0, atol=0)


def test_resume_keeps_the_early_stopping_count(spring, tmp_path, monkeypatch):
    # lr 0: no epoch after the first improves; patience 2 stops after epoch 2 whether or not
    # the run was cut after epoch 1.
    config = tiny(epochs=50, lr=0.0, patience=2)
    train_cut_after_epoch_1(spring, tmp_path / "cut", config, monkeypatch)
    resumed = train(spring, tmp_path / "cut", config, resume=True)
    assert resumed.stopped == "early stopping" and len(resumed.history) == 3


def test_resumed_timed_run_keeps_to_what_is_left_of_its_time(spring, tmp_path):
    # A time-scheduled run whose saved clock shows its budget spent: the resume runs one step
    # (one more epoch record), not another full time_limit.
    config = tiny(epochs=2, schedule="time", time_limit=30.0)
    first = train(spring, tmp_path / "run", config)
    saved = json.loads((tmp_path / "run" / "config.json").read_text())
    assert 0 < saved["scheduler"]["elapsed"] < 30
    saved["scheduler"]["elapsed"] = 30.0
    (tmp_path / "run" / "config.json").write_text(json.dumps(saved))
    resumed = train(spring, tmp_path / "run", tiny(epochs=10_000, schedule="time", time_limit=30.0),
                    resume=True)
    assert len(resumed.history) == len(first.history) + 1
    assert resumed.stopped == "time limit"


def test_resume_refuses_data_with_other_features(spring, tmp_path):
    train(spring, tmp_path / "run", tiny(epochs=1))
    other = simulate("spring", n_bodies=3, dim=3, n_sims=2, n_steps=10)
    with pytest.raises(ValueError, match="feature_names"):
        train(other, tmp_path / "run", tiny(epochs=2), resume=True)


def test_early_stopping_and_time_limit(spring, tmp_path):
    stopped = train(spring, tmp_path / "a", tiny(epochs=50, lr=0.0, patience=2))
    assert stopped.stopped == "early stopping" and len(stopped.history) == 3
    limited = train(spring, tmp_path / "b", tiny(epochs=50, time_limit=0.0))
    assert limited.stopped == "time limit" and len(limited.history) == 1


def test_config_errors_are_named():
    with pytest.raises(ValueError, match="variant"):
        TrainConfig(variant="l2")
    with pytest.raises(ValueError, match="model"):
        TrainConfig(model="cnn")
    with pytest.raises(ValueError, match="val_fraction"):
        TrainConfig(val_fraction=1.5)


def test_penalty_warmup_ramps_the_penalty_in(spring, tmp_path):
    from distill.train.loop import penalty_scale

    assert penalty_scale(0.0, 0.2) == 0.0 and penalty_scale(0.1, 0.2) == pytest.approx(0.5)
    assert penalty_scale(0.5, 0.2) == 1.0 and penalty_scale(0.0, 0.0) == 1.0
    with pytest.raises(ValueError, match="penalty_warmup"):
        TrainConfig(penalty_warmup=1.0)
    # A penalty strong enough to switch the messages off from the first step: the first
    # epoch's training loss (data + penalty) is lower while the penalty is still ramping in.
    strong = {"penalty_weight": 50.0}
    at_once = train(spring, tmp_path / "a", tiny(variant="l1", epochs=2, model_options=strong))
    ramped = train(spring, tmp_path / "b", tiny(variant="l1", epochs=2, model_options=strong,
                                                penalty_warmup=0.9))
    assert ramped.history[0]["train_loss"] < at_once.history[0]["train_loss"]


def test_penalty_delay_holds_the_penalty_off_before_its_ramp(spring, tmp_path):
    from distill.train.loop import penalty_scale

    assert penalty_scale(0.19, 0.3, 0.2) == 0.0 and penalty_scale(0.35, 0.3, 0.2) == pytest.approx(0.5)
    assert penalty_scale(0.6, 0.3, 0.2) == 1.0 and penalty_scale(0.5, 0.0, 0.6) == 0.0
    assert penalty_scale(0.6, 0.0, 0.6) == 1.0
    with pytest.raises(ValueError, match="penalty_delay.*0.7"):
        TrainConfig(penalty_warmup=0.3, penalty_delay=0.7)
    # The first of two epochs inside the delay: its training loss carries no penalty at all,
    # so it is below that of the same ramp started at once.
    strong = {"penalty_weight": 50.0}
    ramped = train(spring, tmp_path / "a", tiny(variant="l1", epochs=2, model_options=strong,
                                                penalty_warmup=0.4))
    delayed = train(spring, tmp_path / "b", tiny(variant="l1", epochs=2, model_options=strong,
                                                 penalty_warmup=0.4, penalty_delay=0.55))
    assert delayed.history[0]["train_loss"] < ramped.history[0]["train_loss"]


def test_the_best_model_is_one_trained_with_its_full_penalty(spring, tmp_path):
    # Half the epochs without the penalty, half with a weight strong enough to switch the
    # messages off: the penalty-free epochs validate better, yet the kept model is the
    # best of the penalised ones, and its saved weights give that loss.
    from distill.train.loop import _to_tensors, body_weights, train_val_split

    config = tiny(variant="l1", epochs=4, patience=1, model_options={"penalty_weight": 50.0},
                  penalty_delay=0.5)
    result = train(spring, tmp_path / "run", config)
    scales = [h["penalty_scale"] for h in result.history]
    assert scales[0] == 0.0 and scales[-1] == 1.0
    free = [h["val_loss"] for h in result.history if h["penalty_scale"] < 1.0]
    full = [h["val_loss"] for h in result.history if h["penalty_scale"] >= 1.0]
    assert min(free) < result.best_val == min(full)
    tensors = _to_tensors(spring, torch.device("cpu"))
    train_idx, val_idx = train_val_split(spring.n_samples, config.val_fraction, config.seed)
    weights = body_weights(spring.targets[train_idx], config.loss_scale)
    again = evaluate(result.model, tensors, torch.from_numpy(val_idx), config.batch_size, weights)
    assert again == pytest.approx(result.best_val, rel=1e-5)


def test_learned_masses_train_with_their_own_learning_rate(tmp_path):
    data = simulate("r2", n_bodies=3, dim=2, n_sims=4, n_steps=20, seed=1)
    data.body_id = np.arange(3)
    config = tiny(epochs=2, augment="rotate",
                  model_options={"learn_mass": True, "newton": True})
    result = train(data, tmp_path / "run", config)
    assert result.model.log10_mass.shape == (3,)
    assert not torch.equal(result.model.log10_mass.detach(), torch.zeros(3))


def test_per_body_loss_scale_weights_bodies_by_their_target_size():
    from distill.train.loop import body_weights

    targets = np.zeros((5, 3, 2))
    targets[:, 0] = 1e-4  # a Sun-like body, tiny accelerations
    targets[:, 1] = 1.0
    targets[:, 2] = [3.0, -1.0]
    w = body_weights(targets, "per_body").numpy()
    scale = np.array([2e-4, 2.0, 4.0])  # mean summed |target| per body
    np.testing.assert_allclose(w, scale.mean() / scale, rtol=1e-6)
    np.testing.assert_allclose(w * scale, scale.mean(), rtol=1e-6)  # each body's error counts alike
    np.testing.assert_array_equal(body_weights(targets, "none").numpy(), np.ones(3))
    targets[:, 1] = 0.0
    with pytest.raises(ValueError, match=r"loss_scale.*\[1\]"):
        body_weights(targets, "per_body")
    with pytest.raises(ValueError, match="loss_scale"):
        TrainConfig(loss_scale="per_node")
