"""The evolution loop compiled: tournament, mutation, evaluation and replacement for every
island, many cycles per call, with no Python in between.

This is the fast path of :func:`distill.search.regularized_evolution.evolve` for the
built-in losses (L2, L1, Huber) and operators; it follows the same algorithm step for step.
Islands are stored as arrays ``(islands, members, nodes)``; see :mod:`distill.search.packed`.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from distill.expr.kernels import eval_tree, finish_rows
from distill.search import tree_kernels as tk
from distill.search.rng import randint, uniform

# Mutation indices, in the order of distill.search.mutate.NAMES.
M_CONST, M_OP, M_FEAT, M_SWAP, M_ROT, M_ADD, M_INS, M_DEL, M_SIMP, M_RAND, M_NOTHING = range(11)
L2, L1, HUBER = 0, 1, 2


@njit(cache=True)
def tournament(k, cost, cx, n, tour_n, tour_cdf, freq, scaling, rs, perm, adj, order_buf):
    for i in range(n):
        perm[i] = i
    for i in range(tour_n):
        j = i + randint(rs, k, n - i)
        t = perm[i]
        perm[i] = perm[j]
        perm[j] = t
    nf = freq.size - 1
    for i in range(tour_n):
        m = perm[i]
        c = cost[k, m]
        if scaling > 0:
            f = freq[min(cx[k, m], nf)]
            c = c * math.exp(min(scaling * f, 700.0))
        adj[i] = c
    u = uniform(rs, k)
    r = 0
    while r < tour_n - 1 and tour_cdf[r] < u:
        r += 1
    if r == 0:
        best = 0
        for i in range(1, tour_n):
            if adj[i] < adj[best]:
                best = i
        return perm[best]
    order = np.argsort(adj[:tour_n], kind="mergesort")
    return perm[order[r]]


@njit(cache=True)
def complexity_of(codes, n, cx_table):
    s = 0.0
    for i in range(n):
        s += cx_table[codes[i]]
    return int(round(s))


@njit(cache=True)
def row_loss(pred, y, w, kind):
    """Mean (weighted) loss of one prediction row; inf when any value is invalid."""
    m = y.size
    total = 0.0
    wsum = 0.0
    for r in range(m):
        d = pred[r] - y[r]
        if kind == L2:
            e = d * d
        elif kind == L1:
            e = abs(d)
        else:
            a = abs(d)
            e = 0.5 * a * a if a <= 1.0 else a - 0.5
        if w.size > 0:
            total += w[r] * e
            wsum += w[r]
        else:
            total += e
    v = total / (wsum if w.size > 0 else m)
    return v if math.isfinite(v) else np.inf


@njit(cache=True)
def _mutation_weights(base, pc, n, arity, cx, maxsize, out):
    for i in range(base.size):
        out[i] = base[i]
    n_const = 0
    n_var = 0
    n_bin = 0
    for i in range(n):
        c = pc[i]
        if c == tk.CONST:
            n_const += 1
        elif c == tk.VAR:
            n_var += 1
        elif arity[c] == 2:
            n_bin += 1
    if n == 1:
        out[M_OP] = 0.0
        out[M_SWAP] = 0.0
        out[M_ROT] = 0.0
        out[M_SIMP] = 0.0
    if n_bin == 0:
        out[M_SWAP] = 0.0
    if n_const == 0:
        out[M_CONST] = 0.0
    if n_var == 0:
        out[M_FEAT] = 0.0
    if cx >= maxsize:
        out[M_ADD] = 0.0
        out[M_INS] = 0.0
    total = 0.0
    for i in range(out.size):
        total += out[i]
        out[i] = total
    return total


@njit(cache=True)
def run_cycles(
    P_c,
    P_a,
    P_v,
    P_n,
    P_loss,
    P_cost,
    P_cx,
    P_birth,
    B_c,
    B_a,
    B_v,
    B_n,
    B_loss,
    Xt,
    y,
    w,
    loss_kind,
    norm,
    arity,
    binary,
    unary,
    nfeat,
    cx_table,
    maxsize,
    maxdepth,
    arg_lim,
    has_lim,
    nested,
    inner_codes,
    fparams,
    base_weights,
    tour_n,
    tour_cdf,
    freq,
    batch_size,
    max_attempts,
    rs,
    ncycles,
    steps,
    counters,
):
    """Run ``ncycles`` cycles of ``steps`` steps on every island, in place.

    ``fparams`` = (crossover probability, parsimony, adaptive parsimony scaling,
    use_frequency, constant factor base, probability of negating a constant).
    ``counters`` = (birth, evaluations) in and out. Returns the lowest child loss seen.
    """
    n_isl, n_mem, L = P_c.shape
    p_cross, parsimony, scaling, use_freq, fbase, p_neg = (
        fparams[0],
        fparams[1],
        fparams[2],
        fparams[3] > 0,
        fparams[4],
        fparams[5],
    )
    C = 2 * n_isl
    Cc = np.empty((C, L), np.int16)
    Ca = np.empty((C, L), np.int32)
    Cv = np.empty((C, L), np.float64)
    Cn = np.zeros(C, np.int64)
    C_isl = np.zeros(C, np.int64)
    C_kind = np.zeros(C, np.int64)  # 0 same as parent, 1 mutation, 2 crossover
    C_pcx = np.zeros(C, np.int64)
    C_loss = np.zeros(C)
    C_cx = np.zeros(C, np.int64)
    n_rows = Xt.shape[1]
    use_batch = batch_size > 0 and batch_size < n_rows
    bs = batch_size if use_batch else n_rows
    out = np.empty((C, bs), Xt.dtype)
    Xb = np.empty((Xt.shape[0], bs), Xt.dtype)
    yb = np.empty(bs)
    wb = np.empty(bs if w.size > 0 else 0)
    rows = np.arange(n_rows)
    starts = np.empty(L + 4, np.int64)
    stack = np.empty(L + 4, np.int64)
    cand = np.empty(L + 4, np.int64)
    fstack = np.empty(L + 4)
    istack = np.empty(L + 4, np.int64)
    nstack = np.zeros((L + 4, max(inner_codes.size, 1)), np.int64)
    sc = np.empty(L, np.int16)
    sa = np.empty(L, np.int32)
    sv = np.empty(L)
    perm = np.empty(n_mem, np.int64)
    adj = np.empty(n_mem)
    order_buf = np.empty(n_mem, np.int64)
    wcdf = np.empty(base_weights.size)
    birth = counters[0]
    evals = counters[1]
    lowest = np.inf
    for _cycle in range(ncycles):
        for _step in range(steps):
            if use_batch:
                for i in range(bs):
                    j = i + randint(rs, 0, n_rows - i)
                    t = rows[i]
                    rows[i] = rows[j]
                    rows[j] = t
                for i in range(bs):
                    r = rows[i]
                    for f in range(Xt.shape[0]):
                        Xb[f, i] = Xt[f, r]
                    yb[i] = y[r]
                    if w.size > 0:
                        wb[i] = w[r]
            nc = 0
            for k in range(n_isl):
                if uniform(rs, k) < p_cross:
                    a = tournament(
                        k, P_cost, P_cx, n_mem, tour_n, tour_cdf, freq, scaling, rs, perm, adj, order_buf
                    )
                    b = tournament(
                        k, P_cost, P_cx, n_mem, tour_n, tour_cdf, freq, scaling, rs, perm, adj, order_buf
                    )
                    ok = False
                    for _ in range(max_attempts):
                        s1, s2 = tk.crossover(
                            P_c[k, a],
                            P_a[k, a],
                            P_v[k, a],
                            P_n[k, a],
                            P_c[k, b],
                            P_a[k, b],
                            P_v[k, b],
                            P_n[k, b],
                            Cc[nc],
                            Ca[nc],
                            Cv[nc],
                            Cc[nc + 1],
                            Ca[nc + 1],
                            Cv[nc + 1],
                            rs,
                            k,
                            arity,
                            starts,
                            stack,
                        )
                        if (
                            s1 > 0
                            and s2 > 0
                            and tk.satisfies(
                                Cc[nc],
                                s1,
                                arity,
                                cx_table,
                                maxsize,
                                maxdepth,
                                arg_lim,
                                has_lim,
                                nested,
                                inner_codes,
                                fstack,
                                istack,
                                nstack,
                            )
                            and tk.satisfies(
                                Cc[nc + 1],
                                s2,
                                arity,
                                cx_table,
                                maxsize,
                                maxdepth,
                                arg_lim,
                                has_lim,
                                nested,
                                inner_codes,
                                fstack,
                                istack,
                                nstack,
                            )
                        ):
                            ok = True
                            break
                    if ok:
                        Cn[nc] = s1
                        Cn[nc + 1] = s2
                        for q in range(2):
                            C_isl[nc + q] = k
                            C_kind[nc + q] = 2
                            C_cx[nc + q] = complexity_of(Cc[nc + q], Cn[nc + q], cx_table)
                        nc += 2
                    continue
                j = tournament(
                    k, P_cost, P_cx, n_mem, tour_n, tour_cdf, freq, scaling, rs, perm, adj, order_buf
                )
                pc, pa, pv, pn = P_c[k, j], P_a[k, j], P_v[k, j], P_n[k, j]
                total = _mutation_weights(base_weights, pc, pn, arity, P_cx[k, j], maxsize, wcdf)
                m = -1
                kind = 1
                for _ in range(max_attempts):
                    u = uniform(rs, k) * total
                    which = 0
                    while which < wcdf.size - 1 and wcdf[which] <= u:
                        which += 1
                    dc, da, dv = Cc[nc], Ca[nc], Cv[nc]
                    if which == M_NOTHING or which == M_SIMP:
                        # simplify runs on every member at the end of the iteration
                        m = tk.put(pc, pa, pv, 0, pn - 1, dc, da, dv, 0, L)
                        kind = 0
                        break
                    if which == M_CONST:
                        m = tk.mutate_constant(pc, pa, pv, pn, dc, da, dv, rs, k, fbase, p_neg)
                    elif which == M_OP:
                        m = tk.mutate_operator(pc, pa, pv, pn, dc, da, dv, rs, k, arity, binary, unary)
                    elif which == M_FEAT:
                        m = tk.mutate_feature(pc, pa, pv, pn, dc, da, dv, rs, k, nfeat)
                    elif which == M_SWAP:
                        m = tk.swap_operands(pc, pa, pv, pn, dc, da, dv, rs, k, arity, starts, stack)
                    elif which == M_ROT:
                        m = tk.rotate_tree(pc, pa, pv, pn, dc, da, dv, rs, k, arity, starts, stack, cand)
                    elif which == M_ADD:
                        m = tk.add_node(pc, pa, pv, pn, dc, da, dv, rs, k, arity, binary, unary, nfeat)
                    elif which == M_INS:
                        m = tk.insert_node(
                            pc, pa, pv, pn, dc, da, dv, rs, k, arity, binary, unary, nfeat, starts, stack
                        )
                    elif which == M_DEL:
                        m = tk.delete_node(pc, pa, pv, pn, dc, da, dv, rs, k, arity, nfeat, starts, stack)
                    else:
                        m = tk.random_tree(
                            1 + randint(rs, k, maxsize),
                            dc,
                            da,
                            dv,
                            rs,
                            k,
                            arity,
                            binary,
                            unary,
                            nfeat,
                            sc,
                            sa,
                            sv,
                        )
                    if m > 0 and tk.satisfies(
                        dc,
                        m,
                        arity,
                        cx_table,
                        maxsize,
                        maxdepth,
                        arg_lim,
                        has_lim,
                        nested,
                        inner_codes,
                        fstack,
                        istack,
                        nstack,
                    ):
                        break
                    m = -1
                if m <= 0:
                    continue
                Cn[nc] = m
                C_isl[nc] = k
                C_kind[nc] = kind
                C_pcx[nc] = P_cx[k, j]
                if kind == 0:
                    C_loss[nc] = P_loss[k, j]
                    C_cx[nc] = P_cx[k, j]
                else:
                    C_cx[nc] = complexity_of(Cc[nc], m, cx_table)
                nc += 1
            # evaluate the new children
            X = Xb if use_batch else Xt
            yy = yb if use_batch else y
            ww = wb if use_batch else w
            for c in range(nc):
                if C_kind[c] == 0:
                    continue
                ok = eval_tree(Cc[c], Ca[c], Cv[c], 0, Cn[c], X, out[c], False)
                finish_rows(out[c])
                C_loss[c] = row_loss(out[c], yy, ww, loss_kind) if ok else np.inf
                evals += 1
            # replacement of the oldest
            for c in range(nc):
                k = C_isl[c]
                loss = C_loss[c]
                cxc = C_cx[c]
                if C_kind[c] != 0 and not math.isfinite(loss):
                    continue
                if C_kind[c] == 1 and use_freq:
                    nf = freq.size - 1
                    if freq[min(C_pcx[c], nf)] / freq[min(cxc, nf)] < uniform(rs, k):
                        continue
                old = 0
                for i in range(1, n_mem):
                    if P_birth[k, i] < P_birth[k, old]:
                        old = i
                birth += 1
                tk.put(Cc[c], Ca[c], Cv[c], 0, Cn[c] - 1, P_c[k, old], P_a[k, old], P_v[k, old], 0, L)
                P_n[k, old] = Cn[c]
                P_loss[k, old] = loss
                P_cost[k, old] = loss / norm + parsimony * cxc
                P_cx[k, old] = cxc
                P_birth[k, old] = birth
                if not use_batch and C_kind[c] != 0:
                    if loss < lowest:
                        lowest = loss
                    if cxc < B_loss.shape[1] and loss < B_loss[k, cxc]:
                        B_loss[k, cxc] = loss
                        tk.put(Cc[c], Ca[c], Cv[c], 0, Cn[c] - 1, B_c[k, cxc], B_a[k, cxc], B_v[k, cxc], 0, L)
                        B_n[k, cxc] = Cn[c]
    counters[0] = birth
    counters[1] = evals
    return lowest
