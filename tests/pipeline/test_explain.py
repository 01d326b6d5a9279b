"""The pipeline's plumbing end to end on a small spring data set (seconds, tiny budgets)."""

import json

import numpy as np
import pytest
import torch

from distill.expr import parse
from distill.pipeline import ExplainOptions, explain
from distill.pipeline.compose import EdgeFeatures, SymbolicGraphModel
from distill.pipeline.reoptimise import held_out_mae, node_mae, non_finite_warning, reoptimise
from distill.simulate import save_data, simulate_samples
from distill.train import TrainConfig, train

TINY = dict(n_edges=400, timeout_per_fit=3, niterations=2, populations=2, reopt_steps=20,
            progress=False, binary_operators=["+", "-", "*", "/"], unary_operators=[], procs=0)


@pytest.fixture(scope="module")
def spring_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("spring")
    data = simulate_samples(300, steps_per_sim=100, law="spring", dim=2, n_bodies=4, seed=0)
    save_data(folder / "data.npz", data)
    train(data, folder / "run", TrainConfig(variant="bottleneck", epochs=2, progress=False,
                                            model_options={"hidden": 32, "layers": 2}))
    return folder, data


def test_explain_writes_reports_and_resumes(spring_run, capsys):
    folder, data = spring_run
    out = folder / "explain"
    report = explain(folder / "run", data=folder / "data.npz", out=out, options=ExplainOptions(**TINY))
    # The recorded table reloads with the samples it covers: its rows are those samples' edges.
    from distill.pipeline.record import load_recorded
    from distill.simulate.dataset import full_edge_index

    frame, recorded = load_recorded(out, data)
    send, recv = full_edge_index(4)
    pos = recorded.nodes[..., :2]
    np.testing.assert_allclose(frame["dx"], (pos[:, send, 0] - pos[:, recv, 0]).ravel(), atol=1e-5)
    assert report["kept"] == [r["component"] for r in report["ranking"][:2]]
    assert set(report["alignment"]) == set(report["kept"])
    loaded = json.loads((out / "report.json").read_text())
    assert loaded["losses"].keys() == report["losses"].keys()
    assert all(np.isfinite(v) for v in loaded["losses"].values())
    assert {"hybrid, before re-optimisation", "hybrid, after re-optimisation"} <= set(report["losses"])
    assert (out / "hybrid.safetensors").stat().st_size > 1000
    md = (out / "report.md").read_text()
    assert "## Formulas" in md and "Pareto" in md
    # The law check also runs on the re-optimised edge formulas, constants as they are.
    after = report["force_law_reoptimised"]
    assert set(after["r2"]) == set(report["force_law"]["r2"]) and after["r2"] == after["r2_refit"]
    assert "With the constants re-optimised end to end" in md
    for fig in report["figures"]:
        assert (out / fig).stat().st_size > 1000
    # Node formulas are chosen on the re-optimisation samples, through the composed model:
    # every front entry carries that loss, and the chosen one is within the band of the best.
    assert report["node_fits"]
    for fit in report["node_fits"]:
        fresh = {p["equation"]: p["fresh_loss"] for p in fit["pareto"]}
        finite = [v for v in fresh.values() if v is not None]
        assert fresh[fit["equation"]] <= 1.1 * min(finite)
    # every fitted equation parses back with its variables
    for fit in report["edge_fits"].values():
        parse(fit["equation"], fit["variables"])
    # every front formula was offered times and over each input (the factors step)
    for fit in report["edge_fits"].values():
        assert fit["factors_tried"] >= 2 * len(fit["variables"])
    # resume: every step is found on disk, nothing refitted
    capsys.readouterr()
    again = explain(folder / "run", data=folder / "data.npz", out=out, options=ExplainOptions(**TINY))
    log = capsys.readouterr().out
    assert "[fit_" in log and "...\n" not in log.replace("[report]", ""), log
    assert log.count("skipped") >= 6
    assert "[factors] done before, skipped" in log
    # compute time per step is that of the first run, not of the resume
    assert again["step_seconds"] == report["step_seconds"]
    assert report["step_seconds"]["fit_" + report["kept"][0]] > 0


def test_changed_option_reruns_dependent_steps(spring_run, capsys):
    folder, _ = spring_run
    out = folder / "explain2"
    explain(folder / "run", data=folder / "data.npz", out=out, options=ExplainOptions(**TINY))
    capsys.readouterr()
    explain(folder / "run", data=folder / "data.npz", out=out,
            options=ExplainOptions(**dict(TINY, reopt_steps=5)))
    log = capsys.readouterr().out
    assert "[record] done before, skipped" in log
    assert "[reoptimise] ..." in log
    # re-optimisation's settings leave the searches alone
    assert "[fit_" in log and "[fit_node0] done before, skipped" in log
    assert not any(line.startswith("[fit_") and line.endswith("...") for line in log.splitlines())


def test_a_new_version_of_a_step_reruns_it(spring_run, monkeypatch, capsys):
    # A step whose code changed (its version raised) is computed again on resume; the steps
    # after it rerun only when its formulas changed (here the same code: they did not).
    import importlib

    explain_module = importlib.import_module("distill.pipeline.explain")  # not the function

    folder, _ = spring_run
    out = folder / "explain_versions"  # a folder of its own: steps resume from it
    explain(folder / "run", data=folder / "data.npz", out=out, options=ExplainOptions(**TINY))
    capsys.readouterr()
    monkeypatch.setitem(explain_module.STEP_VERSIONS, "factors", 2)
    explain(folder / "run", data=folder / "data.npz", out=out, options=ExplainOptions(**TINY))
    log = capsys.readouterr().out
    assert "[factors] ...\n" in log
    assert "[switches] done before, skipped" in log and "[siblings] done before, skipped" in log
    assert "[reoptimise] done before, skipped" in log


def test_another_node_search_time_keeps_the_edge_searches(spring_run, capsys):
    folder, _ = spring_run
    out = folder / "explain_node_time"  # a folder of its own: steps resume from it
    explain(folder / "run", data=folder / "data.npz", out=out, options=ExplainOptions(**TINY))
    capsys.readouterr()
    explain(folder / "run", data=folder / "data.npz", out=out,
            options=ExplainOptions(**dict(TINY, node_timeout_per_fit=2)))
    log = capsys.readouterr().out
    assert "[edge_inputs] done before, skipped" in log and "[factors] done before, skipped" in log
    assert not any(line.startswith("[fit_") and "node" not in line and line.endswith("...")
                   for line in log.splitlines()), log
    assert "[fit_node0] ...\n" in log and "[reoptimise] ...\n" in log


def test_another_network_or_other_data_reruns_every_step(spring_run, tmp_path, capsys):
    # Retraining a run or explaining it on another file must not reuse steps computed from
    # the old network or data.
    import shutil

    from safetensors.torch import load_file, save_file

    from distill.simulate.dataset import NBodyData

    folder, data = spring_run
    run = tmp_path / "run"
    shutil.copytree(folder / "run", run)
    out = tmp_path / "explain"
    explain(run, data=folder / "data.npz", out=out, options=ExplainOptions(**TINY))
    weights = load_file(str(run / "best.safetensors"))
    first = sorted(weights)[0]
    weights[first] = weights[first] * 1.01
    save_file(weights, str(run / "best.safetensors"))
    capsys.readouterr()
    explain(run, data=folder / "data.npz", out=out, options=ExplainOptions(**TINY))
    log = capsys.readouterr().out
    assert "[record] ..." in log and "skipped" not in log, log
    other = NBodyData(data.nodes[:250], data.targets[:250], data.feature_names,
                      true_force=data.true_force[:250])
    explain(run, data=other, out=out, options=ExplainOptions(**TINY))
    log = capsys.readouterr().out
    assert "[record] ..." in log and "skipped" not in log, log


def test_a_rewritten_table_is_recorded_again(spring_run, tmp_path, capsys):
    # messages.csv changed after its step was saved (an interrupted run with other options
    # wrote it): the saved step no longer describes it, so recording runs again.
    folder, _ = spring_run
    out = tmp_path / "explain"
    explain(folder / "run", data=folder / "data.npz", out=out, options=ExplainOptions(**TINY))
    table = out / "messages.csv"
    rows = table.read_text().splitlines()
    table.write_text("\n".join(rows[: len(rows) // 2]) + "\n")
    capsys.readouterr()
    explain(folder / "run", data=folder / "data.npz", out=out, options=ExplainOptions(**TINY))
    log = capsys.readouterr().out
    assert "[record] ..." in log
    assert len(table.read_text().splitlines()) == len(rows)


def test_losses_are_measured_on_validation_samples_nothing_was_fitted_on():
    from distill.pipeline.samples import split_samples
    from distill.train.loop import train_val_split

    train = {"val_fraction": 0.2, "seed": 3}
    recorded = np.arange(0, 1000, 7)
    fit, test, where = split_samples(1000, 300, 0, train, recorded)
    train_idx, val_idx = train_val_split(1000, 0.2, 3)
    assert len(test) == 200 - len(np.intersect1d(val_idx, recorded))
    assert set(test) <= set(val_idx) and not set(test) & set(recorded)
    assert set(fit) <= set(train_idx) and not set(fit) & set(recorded) and len(fit) == 300
    assert "validation split" in where
    # without the run's split: a random subset, still apart from the fit and recorded samples
    fit, test, where = split_samples(1000, 300, 0, None, recorded)
    assert len(test) == 200 and not set(test) & (set(fit) | set(recorded))
    assert "no validation split" in where
    with pytest.raises(ValueError, match="reopt_samples"):
        split_samples(1000, 0, 0, train, recorded)


def test_reoptimisation_recovers_perturbed_constants():
    # A symbolic spring model whose constants were perturbed: re-optimisation must lower the loss.
    data = simulate_samples(200, steps_per_sim=100, law="spring", dim=2, n_bodies=3, seed=1)
    names = ["dx", "dy", "r", "m_i"]
    # U = (r' - 1)^2 with r' = r + 0.01: force on the receiver 2 (r' - 1) d / r, d = x_j - x_i;
    # acceleration a_i = sum_j F_ij / m_i. Written independently of the simulator's code.
    fx = parse("2.0 * (r + 0.01 - 1.0) * dx / r / m_i", names)
    fy = parse("2.0 * (r + 0.01 - 1.0) * dy / r / m_i", names)
    edges = EdgeFeatures(data.feature_names, data.graph_edges())
    node_vars = [["E0"], ["E1"]]
    truth = SymbolicGraphModel(edges, {"e0": fx, "e1": fy}, {"e0": names, "e1": names},
                               [parse("E0", ["E0"]), parse("E1", ["E1"])], node_vars, 2)
    nodes = torch.as_tensor(data.nodes, dtype=torch.float32)
    targets = torch.as_tensor(data.targets, dtype=torch.float32)
    exact = node_mae(truth, nodes, targets)
    assert exact < 1e-3 * float(targets.abs().mean()), exact

    perturbed = {k: e.with_constants(e.constants * np.array([1.3, 1.0, 0.8])) for k, e in
                 {"e0": fx, "e1": fy}.items()}
    model = SymbolicGraphModel(EdgeFeatures(data.feature_names, data.graph_edges()), perturbed,
                               {"e0": names, "e1": names}, [parse("E0", ["E0"]), parse("E1", ["E1"])],
                               node_vars, 2)
    result = reoptimise(model, nodes, targets, steps=300, lr=2e-2, progress=False)
    assert result["after"] < 0.2 * result["before"]


def test_reoptimisation_keeps_progress_from_a_start_that_is_not_finite():
    # sqrt(x - c) with c = 0.1 above the smallest x: the starting loss is NaN; the finite
    # minibatches move c toward the truth (0), past the smallest x, and that state is kept.
    class Root(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.c = torch.nn.Parameter(torch.tensor(0.1))

        def forward(self, nodes):
            return torch.sqrt(nodes - self.c)

    x = torch.linspace(0.05, 4.0, 200).reshape(-1, 1, 1)
    model = Root()
    result = reoptimise(model, x, torch.sqrt(x), steps=300, lr=1e-2, progress=False, batch=8)
    assert not np.isfinite(result["before"])
    assert np.isfinite(result["after"]) and float(model.c.detach()) < 0.05


def test_fixed_reference_mass_stays_and_keeps_ratios():
    # Gravity sees only G m: fixing the Sun's log-mass must shift all masses together and
    # then hold the Sun's exactly while the others and the constant move.
    from distill.pipeline.reoptimise import fix_masses

    log10_mass = torch.nn.Parameter(torch.tensor([0.3, -2.7, -5.7]))
    mask = fix_masses(log10_mass, {0: 0.0})
    assert torch.allclose(log10_mass.detach(), torch.tensor([0.0, -3.0, -6.0]))
    assert mask.tolist() == [0.0, 1.0, 1.0]
    with pytest.raises(ValueError, match="fix_log10_mass"):
        fix_masses(log10_mass, {5: 0.0})
    opts = ExplainOptions.from_dict({"fix_log10_mass": {"0": "0"}})
    assert opts.fix_log10_mass == {0: 0.0}


def test_newton_model_puts_message_k_on_force_component_k():
    # explain lists the formulas by rank (e1 before e0); the force's x must still be e0.
    from distill.simulate.dataset import full_edge_index

    names = ["dx", "dy", "r", "m_i", "m_j"]
    ranked = {"e1": parse("2.0 * dy * m_j", names), "e0": parse("dx * m_i", names)}
    log10_mass = torch.tensor([0.0, 0.5, -0.3], dtype=torch.float64)
    edges = EdgeFeatures(("x", "y"), full_edge_index(3), log10_mass, np.arange(3))
    model = SymbolicGraphModel(edges, ranked, {c: names for c in ranked}, None, None, 2,
                               newton=True)
    nodes = torch.randn(4, 3, 2, dtype=torch.float64)
    got = model(nodes)
    # Independent: a_i = sum_j (dx m_i, 2 dy m_j) / m_i with d = x_j - x_i.
    m = 10.0 ** log10_mass
    d = nodes[:, None, :, :] - nodes[:, :, None, :]  # [g, i, j] = x_j - x_i
    want = torch.stack([(d[..., 0] * m[:, None]).sum(-1) / m,
                        (2 * d[..., 1] * m[None, :]).sum(-1) / m], dim=-1)
    torch.testing.assert_close(got, want)
    with pytest.raises(ValueError, match=r"edge_formulas: newton mode needs .*'e0', 'e1'"):
        SymbolicGraphModel(edges, {"e0": ranked["e0"], "e5": ranked["e1"]},
                           {"e0": names, "e5": names}, None, None, 2, newton=True)


def test_node_inputs_sum_the_edge_formulas_not_the_messages():
    # Messages carrying a receiver-mass factor; the edge formula leaves it out. The node table
    # must sum the formula (what the composed model will feed the node formula).
    import pandas as pd

    from distill.pipeline.explain import _edge_values, _node_table

    data = simulate_samples(20, steps_per_sim=10, law="spring", dim=2, n_bodies=4, seed=2)

    class Net(torch.nn.Module):
        pass

    recv = np.tile(data.graph_edges()[1], 20) + np.repeat(np.arange(20) * 4, 12)
    nodes = data.nodes.reshape(80, -1)
    m = nodes[:, list(data.feature_names).index("m")]
    frame = pd.DataFrame({"dx": np.ones(240), "m_i": m[recv], "e3": 5.0 * m[recv]})
    fits = {"e3": {"equation": "dx * 2.0", "variables": ["dx"]},
            "e4": {"equation": "log(dx - 1.0)", "variables": ["dx"]}}
    frame["e4"] = 1.0
    logged = []
    values = _edge_values(fits, frame, logged.append)
    assert list(values) == ["e3"] and "e4" in logged[0]  # log(0) is not finite: messages kept
    X, names, y = _node_table(Net(), data, frame, ["e3", "e4"], values)
    assert names[-2:] == ["E3", "E4"]
    np.testing.assert_allclose(X[:, -2], 6.0)  # 3 incoming edges of formula value 2
    np.testing.assert_allclose(X[:, -1], 3.0)  # the network's messages, 1 each
    assert y.shape == (80, 2)


def test_hybrid_network_parameters_train_at_their_own_rate():
    class Hybrid(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.network = torch.nn.Linear(2, 2)
            self.scale = torch.nn.Parameter(torch.tensor(0.5))

        def forward(self, nodes):
            return self.network(nodes) * self.scale

    torch.manual_seed(0)
    model = Hybrid()
    w = model.network.weight.detach().clone()
    nodes = torch.randn(64, 3, 2)
    targets = 2.0 * nodes
    out = reoptimise(model, nodes, targets, steps=30, lr=1e-2, progress=False, network_lr=0.0)
    assert torch.equal(model.network.weight, w)  # frozen by its rate
    assert out["after"] < out["before"]  # the constant alone still moved


def test_hybrid_of_a_network_with_learned_masses_has_one_mass_per_body():
    # The edge formulas and the node MLP read the same learned masses: one parameter, which
    # re-optimisation moves once, and fix_log10_mass holds.
    from distill.pipeline.compose import HybridGraphModel
    from models.graph_network import GraphNetwork

    data = simulate_samples(20, steps_per_sim=5, law="spring", dim=2, n_bodies=3, seed=0)
    names = [n for n in data.feature_names if n != "m"]
    nodes = data.nodes[..., [data.feature_names.index(n) for n in names]]
    network = GraphNetwork(names, 2, variant="bottleneck", hidden=8, layers=1, n_body_ids=3)
    body_id = np.arange(3)
    edges = EdgeFeatures(names, data.graph_edges(), network.log10_mass.detach(), body_id)
    vars_ = ["dx", "dy", "r", "m_j"]
    formulas = {"e0": parse("m_j * dx / r", vars_), "e1": parse("m_j * dy / r", vars_)}
    symbolic = SymbolicGraphModel(edges, formulas, {"e0": vars_, "e1": vars_},
                                  [parse("E0", ["E0"]), parse("E1", ["E1"])], [["E0"], ["E1"]], 2)
    hybrid = HybridGraphModel(network, symbolic, np.zeros(2))
    masses = [n for n, _ in hybrid.named_parameters() if "log10_mass" in n]
    assert masses == ["network.log10_mass"]
    assert symbolic.edges.log10_mass is not network.log10_mass  # the symbolic model keeps its own
    x = torch.as_tensor(nodes, dtype=torch.float32)
    start = network.log10_mass.detach().clone()
    reoptimise(hybrid, x, torch.as_tensor(data.targets, dtype=torch.float32), steps=5, lr=1e-1,
               progress=False, fix_log10_mass={0: float(start[0])})
    moved = network.log10_mass.detach()
    assert moved[0] == start[0] and not torch.equal(moved[1:], start[1:])


def test_node_formulas_offered_are_kept_only_if_the_composed_model_does_better(spring_run, monkeypatch):
    import importlib

    explain_module = importlib.import_module("distill.pipeline.explain")  # the package exports
    folder, _ = spring_run                                                 # the function as .explain
    real = explain_module.offer_siblings

    def offered(fits, frame, tolerance, **kw):
        out = real(fits, frame, tolerance, **kw)
        if "basis" in kw:  # the node step: every formula replaced by a far-off constant
            out = {k: dict(f, equation="1000.0", sibling="test") for k, f in out.items()}
        return out

    monkeypatch.setattr(explain_module, "offer_siblings", offered)
    report = explain(folder / "run", data=folder / "data.npz", out=folder / "explain3",
                     options=ExplainOptions(**TINY))
    check = report["node_siblings_check"]
    assert not check["kept"] and check["offered"] > 100 * check["searched"]
    assert all(f["equation"] != "1000.0" for f in report["node_fits"])
    assert "not kept" in (folder / "explain3" / "report.md").read_text()


def test_contributions_target_fits_what_each_edge_adds(spring_run, capsys):
    folder, data = spring_run
    out = folder / "explain_contributions"
    explain(folder / "run", data=folder / "data.npz", out=out, options=ExplainOptions(**TINY))
    capsys.readouterr()
    options = ExplainOptions(**dict(TINY, edge_target="contributions"))
    report = explain(folder / "run", data=folder / "data.npz", out=out, options=options)
    # The recorded table changes with the target, so recording reruns.
    assert "[record] ..." in capsys.readouterr().out
    assert report["edge_target"] == "contributions"
    assert report["kept"] == ["c0", "c1"] and list(report["edge_fits"]) == ["c0", "c1"]
    assert set(report["alignment"]) == {r["component"] for r in report["ranking"][:2]}  # messages
    assert set(report["contribution_alignment"]) == {"c0", "c1"}
    assert report["receiver_only_inputs"] == []  # a contribution keeps its receiver's part
    # The recorded columns are the network's contributions on the recorded samples.
    from distill.pipeline.record import load_recorded
    from distill.record import record_contributions
    from distill.train.checkpoint import load_model

    frame, recorded = load_recorded(out, data)
    # (against the median message: the default for contributions)
    assert options.contribution_reference == "median"
    np.testing.assert_allclose(frame[["c0", "c1"]].to_numpy(),
                               record_contributions(load_model(folder / "run"), recorded,
                                                    reference="median"), atol=1e-6)
    assert not any(k.startswith("hybrid") for k in report["losses"])
    assert np.isfinite(report["losses"]["symbolic, after re-optimisation"])
    md = (out / "report.md").read_text()
    assert "- contribution c0 = `" in md and "F_ij / m_i" in md
    assert "c0" not in report["edge_inputs"]


def test_contributions_need_a_node_model(tmp_path):
    data = simulate_samples(40, steps_per_sim=20, law="spring", dim=2, n_bodies=3, seed=0)
    train(data, tmp_path / "run", TrainConfig(variant="bottleneck", epochs=1, progress=False,
                                              model_options={"hidden": 8, "layers": 1, "newton": True}))
    with pytest.raises(ValueError, match="edge_target: 'contributions' needs a node model"):
        explain(tmp_path / "run", data=data, out=tmp_path / "x",
                options=ExplainOptions(**dict(TINY, edge_target="contributions")))
    # Its messages are the force, one per axis: other counts fail before any search.
    with pytest.raises(ValueError, match="n_components: a run with Newton.s law .* expected 2, got 3"):
        explain(tmp_path / "run", data=data, out=tmp_path / "y",
                options=ExplainOptions(**dict(TINY, n_components=3)))
    assert not (tmp_path / "y" / "steps" / "record.json").exists()


def test_skipping_the_node_fit_needs_a_run_without_node_model(spring_run, tmp_path):
    folder, data = spring_run
    with pytest.raises(ValueError, match="fit_node: False leaves the symbolic model without"):
        explain(folder / "run", data=data, out=tmp_path / "x",
                options=ExplainOptions(**dict(TINY, fit_node=False)))


def test_components_after_the_first_search_for_the_sibling_timeout(spring_run, tmp_path, monkeypatch):
    import importlib

    explain_module = importlib.import_module("distill.pipeline.explain")

    folder, _ = spring_run
    seen = {}
    real = explain_module.fit_function

    def recording(X, y, names, options, seed, label, timeout=None):
        seen[label] = timeout
        return real(X, y, names, options, seed, label, timeout)

    monkeypatch.setattr(explain_module, "fit_function", recording)
    options = ExplainOptions(**dict(TINY, timeout_per_fit=2, sibling_timeout_per_fit=1))
    report = explain(folder / "run", data=folder / "data.npz", out=tmp_path / "x", options=options)
    first, second = report["kept"]
    messages = {k: v for k, v in seen.items() if k.startswith("message")}
    assert messages == {f"message {first}": 2.0, f"message {second}": 1.0}


def test_held_out_loss_is_over_the_finite_predictions_and_counts_the_others():
    # The spring law times dy / dy (a removable singularity the search can leave in a formula):
    # where two bodies share a y coordinate the message is NaN, and every node it reaches.
    data = simulate_samples(50, steps_per_sim=100, law="spring", dim=2, n_bodies=3, seed=2)
    names = ["dx", "dy", "r", "m_i"]
    edges = EdgeFeatures(data.feature_names, data.graph_edges())
    law = {f"e{k}": parse(f"2.0 * (r - 1.0) * {d} / r / m_i * (dy / dy)", names)
           for k, d in enumerate(("dx", "dy"))}
    model = SymbolicGraphModel(edges, law, {c: names for c in law},
                               [parse("E0", ["E0"]), parse("E1", ["E1"])], [["E0"], ["E1"]], 2)
    nodes = torch.as_tensor(data.nodes, dtype=torch.float32).clone()
    targets = torch.as_tensor(data.targets, dtype=torch.float32)
    y = data.feature_names.index("y")
    nodes[7, 1, y] = nodes[7, 0, y]  # bodies 0 and 1 of graph 7 now share y: dy = 0 between them
    assert not np.isfinite(node_mae(model, nodes, targets))
    mae, bad = held_out_mae(model, nodes, targets)
    assert bad == 2  # bodies 0 and 1 of graph 7 (body 2 receives finite messages)
    # Independently: the law without the dy / dy factor, on every node but those two.
    x = data.feature_names.index("x")
    m = data.feature_names.index("m")
    pos = nodes[..., [x, y]].double()
    d = pos[:, None, :, :] - pos[:, :, None, :]  # [graph, receiver i, sender j, axis]: x_j - x_i
    r = d.norm(dim=-1, keepdim=True)
    pull = torch.where(r > 0, 2.0 * (r - 1.0) * d / r.clamp_min(1e-12), torch.zeros_like(d))
    acc = pull.sum(2) / nodes[..., m, None].double()
    err = (acc - targets.double()).abs().sum(-1)
    keep = torch.ones_like(err, dtype=torch.bool)
    keep[7, :2] = False
    assert mae == pytest.approx(float(err[keep].mean()), rel=1e-4)
    assert "2 of 150 held-out nodes" in non_finite_warning("symbolic", bad, 150)
