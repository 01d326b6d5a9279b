"""The distillation pipeline: from a trained run to re-optimised equations and a report.

    record -> select -> align -> fit edges -> switches -> factors -> siblings -> fit node ->
    node siblings -> node choice -> compose & re-optimise -> report

The edge formulas are fitted to the kept message components, or with
``edge_target="contributions"`` to what each edge adds to its receiver's prediction
(:mod:`distill.record.contributions`), one per output.

Every step saves its result under ``<out>/steps``; running again skips finished steps (a
step reruns when the options it depends on change, or its version in :data:`STEP_VERSIONS`),
so an interrupted run resumes.
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from distill.expr import parse
from distill.pipeline import plots
from distill.pipeline.alignment import align_components, true_pull
from distill.pipeline.compose import EdgeFeatures, HybridGraphModel, SymbolicGraphModel
from distill.pipeline.factors import offer_factors
from distill.pipeline.fit import fit_function
from distill.pipeline.inputs import edge_inputs, relevant_inputs
from distill.pipeline.law import formula_values, judge_edge_fits
from distill.pipeline.node_choice import choose_on_fresh
from distill.pipeline.options import REOPT_OPTIONS, ExplainOptions
from distill.pipeline.record import contribution_columns, receivers, record_edges
from distill.pipeline.reoptimise import held_out_mae, node_mae, non_finite_warning, reoptimise
from distill.pipeline.report import readable, write_report
from distill.pipeline.samples import split_samples
from distill.pipeline.select import (
    SILENT_FRACTION,
    component_scores,
    keep_components,
    left_out_warning,
    message_columns,
    silent_components,
    strong_left_out,
)
from distill.pipeline.siblings import offer_siblings
from distill.pipeline.state import StepStore, source_fingerprint
from distill.pipeline.switches import behind_switches
from distill.simulate.dataset import NBodyData, load_data
from distill.train.checkpoint import load_model, read_config
from distill.train.device import pick_device
from models.batch import make_batch

#: Each step's code version (:class:`StepStore`). Raise a step's number with a change to its
#: code that changes what it returns for the same inputs: a resumed explain then computes that
#: step again rather than taking the old code's result, and the steps after it too when its
#: formulas change. (``fit`` covers ``fit_e1``, ``fit_c0``...; ``fit_node`` the node fits.)
STEP_VERSIONS = {
    "record": 1, "select": 1, "align": 1, "align_contributions": 1, "edge_inputs": 1, "fit": 1,
    "switches": 1, "factors": 1, "siblings": 1, "fit_node": 1, "node_siblings": 1, "node_choice": 1,
    "reoptimise": 1, "reoptimise_hybrid": 1,
}


def explain(run_dir, data=None, out=None, options: ExplainOptions | None = None, log=print) -> dict:
    """Explain the model trained in ``run_dir``; returns the report (also written to disk).

    Parameters
    ----------
    run_dir : path
        A run folder written by ``distill train`` (config.json + safetensors weights).
    data : NBodyData or path, optional
        The data to explain it on; default: the file the run was trained on (``data_path`` in
        its config).
    out : path, optional
        Output folder; default ``<run_dir>/explain``.
    options : ExplainOptions, optional
    """
    run_dir = Path(run_dir)
    options = options or ExplainOptions()
    out = Path(out) if out is not None else run_dir / "explain"
    config = read_config(run_dir)
    data, data_label = _load_data(data, config, run_dir)
    network = load_model(run_dir, "best")
    if config["model"] != "gn":
        raise ValueError(f"run_dir: explain supports graph-network runs ('gn'), got {config['model']!r}")
    dim = data.dim
    n_comp = options.n_components or dim
    newton = bool(getattr(network, "newton", False))
    if newton and n_comp != dim:
        raise ValueError(f"n_components: a run with Newton's law built in sends the force itself, one "
                         f"component per axis: expected {dim}, got {n_comp}")
    if not newton and not options.fit_node:
        raise ValueError("fit_node: False leaves the symbolic model without its node function; only a "
                         "run with Newton's law built in (no node model) can skip it")
    store = StepStore(out, source=source_fingerprint(network, data), versions=STEP_VERSIONS)
    contributions = options.edge_target == "contributions"
    if contributions and newton:
        raise ValueError("edge_target: 'contributions' needs a node model to read; this run has "
                         "Newton's law built in, so its messages already are the forces (use "
                         "'messages')")

    table = out / "messages.csv"

    def do_record():
        frame, samples = record_edges(network, data, options.n_edges, options.seed, contributions,
                                      options.contribution_reference)
        tmp = table.with_suffix(".tmp")
        frame.to_csv(tmp, index=False)
        tmp.replace(table)
        return {"samples": samples.tolist(), "n_rows": len(frame), "sha256": _file_hash(table)}

    fp_record = options.fingerprint("n_edges", "seed", "edge_target", "contribution_reference")
    rec = store.run("record", fp_record, do_record, log)
    if not table.exists() or rec.get("sha256") != _file_hash(table):
        # The table was rewritten (or lost) since this step was saved: record again.
        store.forget("record")
        rec = store.run("record", fp_record, do_record, log)
    frame = pd.read_csv(table)
    samples = np.asarray(rec["samples"])
    sub = data.subset(samples)

    sel = store.run("select", options.fingerprint("n_edges", "seed", "n_components"), lambda: {
        "ranking": (ranking := component_scores(frame)), "kept": keep_components(ranking, n_comp)}, log)
    kept_messages = sel["kept"]
    kept = contribution_columns(frame) if contributions else kept_messages
    warnings = []
    silent = silent_components(frame, kept, float(np.std(data.targets)))
    if silent:
        what = "edge contributions" if contributions else "message components"
        warnings.append(f"{what} {', '.join(silent)} are silent (standard deviation "
                        f"below {SILENT_FRACTION:g} x the targets'): the network predicts "
                        "without them, so their formulas cannot be the law; retrain (a weaker "
                        "L1 penalty, longer) before reading them")
        log(f"[select] warning: {warnings[-1]}")
    # With contributions every message enters each fit; only the messages' fits leave some out.
    left_out = [] if contributions else strong_left_out(sel["ranking"], kept_messages)
    if left_out:
        warnings.append(left_out_warning(left_out, len(kept_messages)))
        log(f"[select] warning: {warnings[-1]}")
    force = None if sub.true_force is None else sub.true_force.reshape(-1, dim)
    alignment = {} if force is None else store.run(
        "align", options.fingerprint("n_edges", "seed", "n_components"),
        lambda: align_components(frame, kept_messages, force), log)
    # An edge's contribution to an acceleration is the pull F_ij / m_i (the true m_i).
    pull = true_pull(sub, force) if contributions and force is not None else None
    if pull is not None:
        alignment_contributions = store.run(
            "align_contributions", options.fingerprint("n_edges", "seed", "edge_target",
                                                       "contribution_reference"),
            lambda: align_components(frame, kept, pull), log)
    else:
        alignment_contributions = {}

    def do_inputs():
        cands = edge_inputs(frame)
        if not options.select_inputs:
            return {"inputs": cands, "receiver_only": [], "importance": {}}
        chosen = relevant_inputs(frame, cands, kept, options.seed)
        if contributions:
            # A contribution carries its receiver's own part (the 1 / m_i of an acceleration);
            # no node model can take it over, so receiver-only inputs stay in the search.
            chosen["inputs"] += chosen["receiver_only"]
            chosen["receiver_only"] = []
        return chosen

    fp_fit = options.edge_search_fingerprint()
    chosen = store.run("edge_inputs", fp_fit, do_inputs, log)
    inputs = chosen["inputs"]
    edge_fits = {}
    for k, c in enumerate(kept):
        edge_fits[c] = store.run(f"fit_{c}", fp_fit, lambda c=c, k=k: fit_function(
            frame[inputs].to_numpy(np.float64), frame[c].to_numpy(np.float64), inputs, options,
            options.seed + k, f"{'contribution' if contributions else 'message'} {c}",
            options.edge_timeout(k)), log)
    edge_fits, fp_fit = _revise(store, "switches", fp_fit, edge_fits, log, lambda: behind_switches(
        edge_fits, frame, options, options.seed))
    edge_fits, fp_fit = _revise(store, "factors", fp_fit, edge_fits, log, lambda: offer_factors(
        edge_fits, frame, options.selection_tolerance, options.maxsize,
        options.complexity_of_operators))
    if len(edge_fits) > 1:
        edge_fits, fp_fit = _revise(store, "siblings", fp_fit, edge_fits, log, lambda: offer_siblings(
            edge_fits, frame, options.selection_tolerance))

    fit_idx, test_idx, held_out = split_samples(data.n_samples, options.reopt_samples, options.seed,
                                                config.get("train"), samples)
    node_fits, node_check = [], None
    if node_fp := options.node_options_fingerprint():
        fp_fit = _chain(fp_fit, node_fp)  # the node searches on
    if not newton and options.fit_node:
        node_fits, fp_fit, node_check = _fit_nodes(store, network, data, sub, frame, kept, edge_fits,
                                                   options, fp_fit, fit_idx, log)

    symbolic, hybrid = _compose(network, data, edge_fits, node_fits, frame, kept, newton,
                                with_hybrid=not contributions)
    device = pick_device(options.device)

    def do_reopt():
        nodes, targets = _tensors(data, fit_idx, device)
        model = copy.deepcopy(symbolic).to(device)
        result = reoptimise(model, nodes, targets, options.reopt_steps, options.reopt_lr,
                            options.progress, seed=options.seed,
                            fix_log10_mass=options.fix_log10_mass)
        result["formulas"] = model.formulas()
        result["log10_mass"] = (None if model.edges.log10_mass is None
                                else model.edges.log10_mass.detach().cpu().tolist())
        return result

    fp_reopt = _chain(fp_fit, options.fingerprint(*REOPT_OPTIONS))
    reopt = store.run("reoptimise", fp_reopt, do_reopt, log)
    # Losses on held-out samples: network, symbolic and hybrid before / after re-optimisation.
    nodes, targets = _tensors(data, test_idx, torch.device("cpu"))
    before = _compose(network, data, edge_fits, node_fits, frame, kept, newton)[0]
    after = _with_reoptimised(before, reopt)
    losses, non_finite = {}, {}
    for name, model in (("network", _NetworkOnGraphs(network, data)),
                        ("symbolic, before re-optimisation", before),
                        ("symbolic, after re-optimisation", after)):
        losses[name], non_finite[name] = held_out_mae(model, nodes, targets)
    hybrid_formulas = None
    if hybrid is not None:
        def do_hybrid():
            return _reoptimise_hybrid(hybrid, data, fit_idx, test_idx, options, device, out)

        hyb = store.run("reoptimise_hybrid", fp_reopt, do_hybrid, log)
        for when in ("before", "after"):
            losses[f"hybrid, {when} re-optimisation"] = hyb[when]
            non_finite[f"hybrid, {when} re-optimisation"] = hyb.get(f"non_finite_{when}", 0)
        hybrid_formulas = hyb["formulas"]
    for name, bad in non_finite.items():
        if bad:
            warnings.append(non_finite_warning(name, bad, nodes.shape[0] * nodes.shape[1]))
            log(f"[report] warning: {warnings[-1]}")

    report = {
        "run_dir": str(run_dir), "data": data_label,
        "model": {"name": config["model"], "variant": config["model_config"].get("variant"),
                  "newton": newton},
        "options": options.to_dict(), "ranking": sel["ranking"], "kept": kept,
        "alignment": alignment, "edge_target": options.edge_target, "edge_inputs": inputs,
        "receiver_only_inputs": chosen.get("receiver_only", []),
        "input_importance": chosen.get("importance", {}),
        "edge_fits": {c: dict(f, readable=readable(f["equation"], f["variables"]))
                      for c, f in edge_fits.items()},
        "node_fits": [dict(f, readable=readable(f["equation"], f["variables"])) for f in node_fits],
        "reoptimised_formulas": reopt["formulas"], "losses": losses, "held_out": held_out,
        "warnings": warnings,
    }
    if hybrid_formulas is not None:
        report["hybrid_edge_formulas"] = hybrid_formulas
    if alignment_contributions:
        report["contribution_alignment"] = alignment_contributions
    if node_check is not None:
        report["node_siblings_check"] = node_check
    if reopt.get("log10_mass") is not None:
        report["masses"] = [
            {"body": i, "network": float(a), "symbolic": float(b)}
            for i, (a, b) in enumerate(zip(network.log10_mass.detach().tolist(), reopt["log10_mass"]))
        ]
    formulas = {c: parse(f["equation"], f["variables"]) for c, f in edge_fits.items()}
    variables = {c: f["variables"] for c, f in edge_fits.items()}
    if force is not None:
        # Every receiver-side column the formulas were not given (the damped law's v_i, which
        # the network may handle in its node model and never send): nuisance in the check. A
        # contribution holds whatever share of a receiver-only term the network sent, so
        # there every receiver-side column is.
        receiver_side = [c for c in frame.columns if c.endswith("_i")
                         and (contributions or c not in inputs)]
        report.update(judge_edge_fits(edge_fits, reopt["formulas"], frame, force, receiver_side))
    figures = [plots.messages_vs_formula(out, frame, formula_values(formulas, variables, frame), kept),
               plots.pareto_fronts(out, {**{f"edge {c}": f for c, f in edge_fits.items()},
                                         **{f"node {j}": f for j, f in enumerate(node_fits)}}),
               plots.loss_curves(out, config.get("history", []), reopt["curve"])]
    if alignment:
        figures.insert(1, plots.messages_vs_force(out, frame, force, alignment))
    report["figures"] = figures
    report["step_seconds"] = store.seconds()  # compute time per step, the same after a resume
    write_report(out, report)
    log(f"[report] {out / 'report.md'}")
    return report


def _revise(store, step: str, fp_fit: str, fits: dict, log, revise) -> tuple[dict, str]:
    """A step that offers candidates to fits already made (switches, factors, siblings, node
    siblings): ``revise()`` returns the fits with candidates merged into their fronts. The
    steps after it rerun when it changed a formula: their fingerprint then also covers the
    chosen equations."""
    revised = store.run(step, fp_fit, revise, log)
    if all(revised[c]["equation"] == f["equation"] for c, f in fits.items()):
        return revised, fp_fit
    chosen = json.dumps({c: f["equation"] for c, f in revised.items()}, sort_keys=True)
    return revised, _chain(fp_fit, chosen)


def _file_hash(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path.exists() else None


def _chain(fingerprint: str, more: str) -> str:
    """A step's fingerprint from the one before it and what this step adds."""
    return hashlib.sha256((fingerprint + more).encode()).hexdigest()[:16]


def _fit_nodes(store, network, data: NBodyData, sub: NBodyData, frame, kept, edge_fits: dict,
               options: ExplainOptions, fp_fit: str, fit_idx, log) -> tuple[list, str, dict | None]:
    """Step 5: a formula per node output, on the per-body features and the sums of the fitted
    edge formulas, then the node-siblings offer (:func:`offer_siblings` with the sums as the
    basis). Returns the node fits, the fingerprint for the steps after, and the check that
    decided on the offer (None when it changed nothing)."""
    node_X, node_inputs, node_y = _node_table(network, sub, frame, kept,
                                              _edge_values(edge_fits, frame, log))
    searched = [store.run(f"fit_node{j}", fp_fit, lambda j=j: fit_function(
        node_X, node_y[:, j], node_inputs, options, options.seed + 100 + j, f"prediction {j}",
        options.node_timeout_per_fit), log) for j in range(node_y.shape[1])]
    # The summed messages mix the force's components as the messages do.
    keyed = {f"prediction {j}": f for j, f in enumerate(searched)}
    node_frame = pd.DataFrame(node_X, columns=node_inputs).assign(
        **{k: node_y[:, j] for j, k in enumerate(keyed)})
    offered, fp_offered = _revise(store, "node_siblings", fp_fit, keyed, log, lambda: offer_siblings(
        keyed, node_frame, options.selection_tolerance, basis=[n for n in node_inputs if n.startswith("E")],
        own=True, mix_with=[n for n in node_inputs if n in ("vx", "vy", "vz")]))
    nodes, targets = _tensors(data, fit_idx, torch.device("cpu"))
    fits, fp, check = list(offered.values()), fp_fit, None
    if fp_offered != fp_fit:
        # Mixtures carry more constants: kept only if the composed model does better on the
        # re-optimisation samples, which the node formulas were not fitted on.
        check = {name: node_mae(_compose(network, data, edge_fits, f, frame, kept, False)[0], nodes, targets)
                 for name, f in (("offered", fits), ("searched", searched))}
        check["kept"] = bool(check["offered"] < check["searched"])
        if check["kept"]:
            fp = fp_offered
        else:
            log("[node_siblings] the offered node formulas compose worse on the re-optimisation "
                "samples; the search's are kept")
            fits = searched

    def fresh_loss(j: int, equation: str) -> float:
        trial = [dict(f, equation=equation) if k == j else f for k, f in enumerate(fits)]
        with torch.no_grad():
            pred = _compose(network, data, edge_fits, trial, frame, kept, False)[0](nodes)
        return float((pred[..., j] - targets[..., j]).abs().mean())

    keyed = {f"prediction {j}": f for j, f in enumerate(fits)}
    # Chosen on the re-optimisation samples: their count enters the fingerprint from here on.
    fp = _chain(fp, options.fingerprint("reopt_samples"))
    chosen, fp = _revise(store, "node_choice", fp, keyed, log, lambda: choose_on_fresh(
        keyed, fresh_loss, options.selection_tolerance))
    return list(chosen.values()), fp, check


def _load_data(data, config: dict, run_dir: Path) -> tuple[NBodyData, str]:
    if isinstance(data, NBodyData):
        return data, "in-memory data"
    path = data if data is not None else config.get("data_path")
    if path is None:
        raise ValueError("data: this run does not record its data file; pass data= (or --data)")
    path = Path(path)
    if not path.is_absolute() and not path.exists():
        path = run_dir / path
    return load_data(path), str(path)


def _edge_values(edge_fits: dict, frame: pd.DataFrame, log) -> dict:
    """Each kept component's fitted formula on the recorded edges (finite ones only).

    The node function is fitted on the sums of these, not of the network's messages: the
    messages may carry a factor of receiver-only inputs (``m_i``) that the edge formulas leave
    to the node model (:mod:`distill.pipeline.inputs`); fitted on the network's sums, the node
    formula would expect that factor and the composed model would not get it.
    """
    values = {}
    for c, f in edge_fits.items():
        v = formula_values({c: parse(f["equation"], f["variables"])}, {c: f["variables"]}, frame)[:, 0]
        if np.all(np.isfinite(v)):
            values[c] = v
        else:
            log(f"[fit_node] formula of {c} is not finite on every edge; the node fit sums "
                "the network's messages for it")
    return values


def _node_table(network, sub: NBodyData, frame: pd.DataFrame, kept: list[str],
                edge_values: dict | None = None):
    """Node inputs [per-body features, E<k> = summed kept messages] and targets, per node.

    ``edge_values`` (component -> value per recorded edge) replaces the network's messages.
    """
    n_nodes = sub.n_samples * sub.n_bodies
    recv = receivers(sub, sub.n_samples)
    nodes = sub.nodes.reshape(n_nodes, -1).astype(np.float64)
    names, cols = [], []
    for k, n in enumerate(sub.feature_names):
        if n in ("x", "y", "z"):
            continue
        names.append(n)
        cols.append(nodes[:, k])
    if getattr(network, "log10_mass", None) is not None and sub.body_id is not None:
        mass = 10.0 ** network.log10_mass.detach().double().numpy()[np.tile(sub.body_id, sub.n_samples)]
        if "m" in names:
            cols[names.index("m")] = mass
        else:
            names.append("m")
            cols.append(mass)
    for c in kept:
        names.append(f"E{c[1:]}")
        v = (edge_values or {}).get(c)
        v = frame[c].to_numpy(np.float64) if v is None else v
        cols.append(np.bincount(recv, weights=v, minlength=n_nodes))
    return np.column_stack(cols), names, sub.targets.reshape(n_nodes, -1).astype(np.float64)


def _compose(network, data: NBodyData, edge_fits: dict, node_fits: list, frame, kept, newton,
             with_hybrid: bool = True):
    log10_mass = getattr(network, "log10_mass", None)
    edges = EdgeFeatures(data.feature_names, data.graph_edges(),
                         None if log10_mass is None else log10_mass.detach(),
                         None if log10_mass is None else data.body_id)
    formulas = {c: parse(f["equation"], f["variables"]) for c, f in edge_fits.items()}
    variables = {c: f["variables"] for c, f in edge_fits.items()}
    node_formulas = [parse(f["equation"], f["variables"]) for f in node_fits] or None
    node_vars = [f["variables"] for f in node_fits] or None
    symbolic = SymbolicGraphModel(edges, formulas, variables, node_formulas, node_vars,
                                  data.targets.shape[-1], newton=newton)
    hybrid = None
    if with_hybrid and not newton and getattr(network, "node_mlp", None) is not None:
        means = np.array([frame[c].mean() for c in message_columns(frame)])
        hybrid = HybridGraphModel(network, symbolic, means)
    return symbolic, hybrid


def _reoptimise_hybrid(hybrid, data: NBodyData, fit_idx, test_idx, options: ExplainOptions,
                       device, out: Path) -> dict:
    """Re-optimise the hybrid: edge constants and the node MLP (at a tenth of the rate).

    The node MLP was trained on the network's messages, which may carry factors of
    receiver-only inputs that the edge formulas leave out; it adapts here. The weights go to
    ``hybrid.safetensors``; returns held-out losses before and after, and the edge formulas.
    """
    from safetensors.torch import save_file

    test_nodes, test_targets = _tensors(data, test_idx, torch.device("cpu"))
    model = copy.deepcopy(hybrid)
    before, bad_before = held_out_mae(model, test_nodes, test_targets)
    nodes, targets = _tensors(data, fit_idx, device)
    model.to(device)
    result = reoptimise(model, nodes, targets, options.reopt_steps, options.reopt_lr,
                        options.progress, seed=options.seed, network_lr=0.1 * options.reopt_lr,
                        fix_log10_mass=options.fix_log10_mass, desc="re-optimise hybrid")
    model.cpu()
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(out / "hybrid.safetensors"))
    after, bad_after = held_out_mae(model, test_nodes, test_targets)
    return {"before": before, "after": after, "non_finite_before": bad_before, "non_finite_after": bad_after,
            "formulas": {c: f for c, f in model.symbolic.formulas().items() if not c.startswith("node")},
            "curve": result["curve"]}


def _with_reoptimised(model: SymbolicGraphModel, reopt: dict) -> SymbolicGraphModel:
    """The composed model with the re-optimised constants and masses loaded."""
    out = copy.deepcopy(model)
    for c, m, v in zip(out.components, out.edge_modules, out.edge_variables):
        m.constants.data = torch.tensor(parse(reopt["formulas"][c], v).constants,
                                        dtype=m.constants.dtype)
    for k, (m, v) in enumerate(zip(out.node_modules, out.node_variables)):
        m.constants.data = torch.tensor(parse(reopt["formulas"][f"node{k}"], v).constants,
                                        dtype=m.constants.dtype)
    if reopt.get("log10_mass") is not None:
        out.edges.log10_mass.data = torch.tensor(reopt["log10_mass"], dtype=out.edges.log10_mass.dtype)
    return out


def _tensors(data: NBodyData, idx: np.ndarray, device) -> tuple[torch.Tensor, torch.Tensor]:
    dtype = torch.get_default_dtype()
    return (torch.as_tensor(data.nodes[idx], dtype=dtype, device=device),
            torch.as_tensor(data.targets[idx], dtype=dtype, device=device))


class _NetworkOnGraphs(torch.nn.Module):
    """The trained network with the (n_graphs, n_bodies, n_features) calling convention."""

    def __init__(self, network, data: NBodyData):
        super().__init__()
        self.network = network.eval()
        self.edge_index = torch.as_tensor(data.graph_edges(), dtype=torch.long)
        self.body_id = None if data.body_id is None else torch.as_tensor(data.body_id).long()

    def forward(self, nodes):
        batch = make_batch(nodes, self.edge_index, self.body_id)
        out = self.network(batch.x, batch.edge_index, batch.body_id)
        return out.reshape(nodes.shape[0], nodes.shape[1], -1)
