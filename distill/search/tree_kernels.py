"""Compiled mutations, crossover and constraint checks on postfix buffers.

The same operations as :mod:`distill.search.mutation_functions`, written for numba so that
the evolution loop runs without Python in the hot path. A tree is ``(codes, args, values,
n)``: the first ``n`` entries of fixed-size buffers. Each mutation writes the child into
the destination buffers and returns its size, or -1 when it does not apply or does not fit.

``ops`` bundles the settings: ``arity`` (per code), ``binary`` and ``unary`` (operator
codes), ``nfeat`` and the constants of constant perturbation.
"""

from __future__ import annotations

from numba import njit

from distill.expr.expression import subtree_starts_kernel as subtree_starts
from distill.search.rng import normal, randint, uniform

CONST = 0
VAR = 1


@njit(cache=True)
def put(sc, sa, sv, lo, hi, dc, da, dv, pos, cap):
    """Copy nodes ``lo..hi`` (inclusive) to ``pos``; returns the new position or -1."""
    m = hi - lo + 1
    if m <= 0:
        return pos
    if pos < 0 or pos + m > cap:
        return -1
    for j in range(m):
        dc[pos + j] = sc[lo + j]
        da[pos + j] = sa[lo + j]
        dv[pos + j] = sv[lo + j]
    return pos + m


@njit(cache=True)
def put_leaf(dc, da, dv, pos, cap, rs, k, nfeat):
    if pos < 0 or pos >= cap:
        return -1
    if uniform(rs, k) < 0.5:
        dc[pos] = CONST
        da[pos] = 0
        dv[pos] = normal(rs, k)
    else:
        dc[pos] = VAR
        da[pos] = randint(rs, k, nfeat)
        dv[pos] = 0.0
    return pos + 1


@njit(cache=True)
def put_node(dc, da, dv, pos, cap, code):
    if pos < 0 or pos >= cap:
        return -1
    dc[pos] = code
    da[pos] = 0
    dv[pos] = 0.0
    return pos + 1


@njit(cache=True)
def random_op(rs, k, binary, unary, want):
    """A random operator code; ``want`` = 1 or 2 forces the arity, 0 picks by counts."""
    nb = binary.size
    nu = unary.size
    if want == 0:
        want = 2 if uniform(rs, k) * (nb + nu) < nb else 1
    if want == 2:
        return binary[randint(rs, k, nb)] if nb > 0 else -1
    return unary[randint(rs, k, nu)] if nu > 0 else -1


@njit(cache=True)
def first_child_ranges(starts, i, a):
    """(l0, l1, r0, r1): the children of node i (l = only child when a == 1)."""
    r1 = i - 1
    r0 = starts[r1]
    if a == 1:
        return r0, r1, -1, -1
    l1 = r0 - 1
    return starts[l1], l1, r0, r1


# -- constraints ------------------------------------------------------------------------
@njit(cache=True)
def satisfies(
    codes,
    n,
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
    """True when the tree meets size, depth, argument-complexity and nesting limits."""
    if n <= 0:
        return False
    total = 0.0
    for i in range(n):
        total += cx_table[codes[i]]
    if int(round(total)) > maxsize:
        return False
    if maxdepth > 0:
        sp = 0
        for i in range(n):
            a = arity[codes[i]]
            if a == 0:
                istack[sp] = 1
                sp += 1
            elif a == 1:
                istack[sp - 1] += 1
            else:
                r = istack[sp - 1]
                sp -= 1
                istack[sp - 1] = max(istack[sp - 1], r) + 1
        if istack[0] > maxdepth:
            return False
    if has_lim:
        sp = 0
        for i in range(n):
            c = codes[i]
            a = arity[c]
            if a == 0:
                fstack[sp] = cx_table[c]
                sp += 1
            elif a == 1:
                lim = arg_lim[c, 0]
                if lim >= 0 and fstack[sp - 1] > lim:
                    return False
                fstack[sp - 1] += cx_table[c]
            else:
                right = fstack[sp - 1]
                left = fstack[sp - 2]
                if (arg_lim[c, 0] >= 0 and left > arg_lim[c, 0]) or (
                    arg_lim[c, 1] >= 0 and right > arg_lim[c, 1]
                ):
                    return False
                sp -= 1
                fstack[sp - 1] = left + right + cx_table[c]
    nk = inner_codes.size
    if nested.shape[0] > 0:
        sp = 0
        for i in range(n):
            c = codes[i]
            a = arity[c]
            if a == 0:
                for j in range(nk):
                    nstack[sp, j] = 0
                sp += 1
                continue
            if a == 2:
                for j in range(nk):
                    nstack[sp - 2, j] = max(nstack[sp - 2, j], nstack[sp - 1, j])
                sp -= 1
            for r in range(nested.shape[0]):
                if nested[r, 0] == c and nstack[sp - 1, nested[r, 1]] > nested[r, 2]:
                    return False
            for j in range(nk):
                if inner_codes[j] == c:
                    nstack[sp - 1, j] += 1
    return True


# -- mutations ----------------------------------------------------------------------------
@njit(cache=True)
def mutate_constant(pc, pa, pv, n, dc, da, dv, rs, k, factor_base, p_negate):
    count = 0
    for i in range(n):
        if pc[i] == CONST:
            count += 1
    if count == 0:
        return -1
    pick = randint(rs, k, count)
    m = put(pc, pa, pv, 0, n - 1, dc, da, dv, 0, dc.size)
    for i in range(n):
        if pc[i] == CONST:
            if pick == 0:
                factor = factor_base ** uniform(rs, k)
                if uniform(rs, k) < 0.5:
                    dv[i] = pv[i] * factor
                else:
                    dv[i] = pv[i] / factor
                if uniform(rs, k) < p_negate:
                    dv[i] = -dv[i]
                break
            pick -= 1
    return m


@njit(cache=True)
def mutate_operator(pc, pa, pv, n, dc, da, dv, rs, k, arity, binary, unary):
    count = 0
    for i in range(n):
        if arity[pc[i]] > 0:
            count += 1
    if count == 0:
        return -1
    pick = randint(rs, k, count)
    m = put(pc, pa, pv, 0, n - 1, dc, da, dv, 0, dc.size)
    for i in range(n):
        if arity[pc[i]] > 0:
            if pick == 0:
                dc[i] = random_op(rs, k, binary, unary, arity[pc[i]])
                break
            pick -= 1
    return m


@njit(cache=True)
def mutate_feature(pc, pa, pv, n, dc, da, dv, rs, k, nfeat):
    count = 0
    for i in range(n):
        if pc[i] == VAR:
            count += 1
    if count == 0 or nfeat < 2:
        return -1
    pick = randint(rs, k, count)
    m = put(pc, pa, pv, 0, n - 1, dc, da, dv, 0, dc.size)
    for i in range(n):
        if pc[i] == VAR:
            if pick == 0:
                new = randint(rs, k, nfeat - 1)
                da[i] = new + 1 if new >= pa[i] else new
                break
            pick -= 1
    return m


@njit(cache=True)
def swap_operands(pc, pa, pv, n, dc, da, dv, rs, k, arity, starts, stack):
    count = 0
    for i in range(n):
        if arity[pc[i]] == 2:
            count += 1
    if count == 0:
        return -1
    pick = randint(rs, k, count)
    i = 0
    for j in range(n):
        if arity[pc[j]] == 2:
            if pick == 0:
                i = j
                break
            pick -= 1
    subtree_starts(pc, n, arity, starts, stack)
    l0, l1, r0, r1 = first_child_ranges(starts, i, 2)
    cap = dc.size
    pos = put(pc, pa, pv, 0, l0 - 1, dc, da, dv, 0, cap)
    pos = put(pc, pa, pv, r0, r1, dc, da, dv, pos, cap)
    pos = put(pc, pa, pv, l0, l1, dc, da, dv, pos, cap)
    return put(pc, pa, pv, i, n - 1, dc, da, dv, pos, cap)


@njit(cache=True)
def rotate_tree(pc, pa, pv, n, dc, da, dv, rs, k, arity, starts, stack, cand):
    """A random child (the pivot) of a random node takes that node's place; the node takes
    the place of one of the pivot's children."""
    subtree_starts(pc, n, arity, starts, stack)
    count = 0
    for i in range(n):
        a = arity[pc[i]]
        if a == 0:
            continue
        l0, l1, r0, r1 = first_child_ranges(starts, i, a)
        if arity[pc[l1]] > 0 or (a == 2 and arity[pc[r1]] > 0):
            cand[count] = i
            count += 1
    if count == 0:
        return -1
    i = cand[randint(rs, k, count)]
    a = arity[pc[i]]
    l0, l1, r0, r1 = first_child_ranges(starts, i, a)
    # choose the pivot slot among children that are operators
    if a == 1:
        slot = 0
    elif arity[pc[l1]] > 0 and arity[pc[r1]] > 0:
        slot = randint(rs, k, 2)
    else:
        slot = 0 if arity[pc[l1]] > 0 else 1
    p = l1 if slot == 0 else r1
    pa_ = arity[pc[p]]
    g0, g1, h0, h1 = first_child_ranges(starts, p, pa_)
    gslot = randint(rs, k, pa_)
    cap = dc.size
    pos = put(pc, pa, pv, 0, starts[i] - 1, dc, da, dv, 0, cap)
    # pivot's children, with slot gslot replaced by the new root
    for s in range(pa_):
        if s == gslot:
            # new root: R's children with the pivot slot holding the grandchild
            if s == 0:
                x0, x1 = g0, g1
            else:
                x0, x1 = h0, h1
            if a == 1:
                pos = put(pc, pa, pv, x0, x1, dc, da, dv, pos, cap)
            elif slot == 0:
                pos = put(pc, pa, pv, x0, x1, dc, da, dv, pos, cap)
                pos = put(pc, pa, pv, r0, r1, dc, da, dv, pos, cap)
            else:
                pos = put(pc, pa, pv, l0, l1, dc, da, dv, pos, cap)
                pos = put(pc, pa, pv, x0, x1, dc, da, dv, pos, cap)
            pos = put(pc, pa, pv, i, i, dc, da, dv, pos, cap)
        elif s == 0:
            pos = put(pc, pa, pv, g0, g1, dc, da, dv, pos, cap)
        else:
            pos = put(pc, pa, pv, h0, h1, dc, da, dv, pos, cap)
    pos = put(pc, pa, pv, p, p, dc, da, dv, pos, cap)
    return put(pc, pa, pv, i + 1, n - 1, dc, da, dv, pos, cap)


@njit(cache=True)
def _op_with_leaves(dc, da, dv, pos, cap, rs, k, op, a, nfeat, keep_slot, pc, pa, pv, k0, k1):
    """Write ``op`` over random leaves, the child in ``keep_slot`` being nodes k0..k1."""
    for s in range(a):
        if s == keep_slot:
            pos = put(pc, pa, pv, k0, k1, dc, da, dv, pos, cap)
        else:
            pos = put_leaf(dc, da, dv, pos, cap, rs, k, nfeat)
    return put_node(dc, da, dv, pos, cap, op)


@njit(cache=True)
def add_node(pc, pa, pv, n, dc, da, dv, rs, k, arity, binary, unary, nfeat):
    """Append an operator at a random leaf, or prepend one at the root (even odds)."""
    op = random_op(rs, k, binary, unary, 0)
    if op < 0:
        return -1
    a = arity[op]
    cap = dc.size
    if uniform(rs, k) < 0.5:
        count = 0
        for i in range(n):
            if arity[pc[i]] == 0:
                count += 1
        pick = randint(rs, k, count)
        leaf = 0
        for i in range(n):
            if arity[pc[i]] == 0:
                if pick == 0:
                    leaf = i
                    break
                pick -= 1
        pos = put(pc, pa, pv, 0, leaf - 1, dc, da, dv, 0, cap)
        pos = _op_with_leaves(dc, da, dv, pos, cap, rs, k, op, a, nfeat, -1, pc, pa, pv, 0, -1)
        return put(pc, pa, pv, leaf + 1, n - 1, dc, da, dv, pos, cap)
    slot = randint(rs, k, a)
    return _op_with_leaves(dc, da, dv, 0, cap, rs, k, op, a, nfeat, slot, pc, pa, pv, 0, n - 1)


@njit(cache=True)
def insert_node(pc, pa, pv, n, dc, da, dv, rs, k, arity, binary, unary, nfeat, starts, stack):
    """A new operator above a random node, the node becoming one of its children."""
    op = random_op(rs, k, binary, unary, 0)
    if op < 0:
        return -1
    a = arity[op]
    i = randint(rs, k, n)
    subtree_starts(pc, n, arity, starts, stack)
    s = starts[i]
    cap = dc.size
    pos = put(pc, pa, pv, 0, s - 1, dc, da, dv, 0, cap)
    pos = _op_with_leaves(dc, da, dv, pos, cap, rs, k, op, a, nfeat, randint(rs, k, a), pc, pa, pv, s, i)
    return put(pc, pa, pv, i + 1, n - 1, dc, da, dv, pos, cap)


@njit(cache=True)
def delete_node(pc, pa, pv, n, dc, da, dv, rs, k, arity, nfeat, starts, stack):
    """Replace a random node by one of its children (a leaf by a random leaf)."""
    i = randint(rs, k, n)
    a = arity[pc[i]]
    subtree_starts(pc, n, arity, starts, stack)
    cap = dc.size
    pos = put(pc, pa, pv, 0, starts[i] - 1, dc, da, dv, 0, cap)
    if a == 0:
        pos = put_leaf(dc, da, dv, pos, cap, rs, k, nfeat)
    else:
        l0, l1, r0, r1 = first_child_ranges(starts, i, a)
        if a == 2 and uniform(rs, k) < 0.5:
            l0, l1 = r0, r1
        pos = put(pc, pa, pv, l0, l1, dc, da, dv, pos, cap)
    return put(pc, pa, pv, i + 1, n - 1, dc, da, dv, pos, cap)


@njit(cache=True)
def random_tree(size, dc, da, dv, rs, k, arity, binary, unary, nfeat, sc, sa, sv):
    """A random tree grown to about ``size`` nodes (scratch buffers sc/sa/sv)."""
    m = put_leaf(dc, da, dv, 0, dc.size, rs, k, nfeat)
    while m > 0 and m < size:
        room = size - m
        if room < 2 and unary.size == 0:
            break
        want = 1 if (room < 2 or binary.size == 0) else (2 if unary.size == 0 else 0)
        op = random_op(rs, k, binary, unary, want)
        a = arity[op]
        nm = put(dc, da, dv, 0, m - 1, sc, sa, sv, 0, sc.size)
        count = 0
        for i in range(nm):
            if arity[sc[i]] == 0:
                count += 1
        pick = randint(rs, k, count)
        leaf = 0
        for i in range(nm):
            if arity[sc[i]] == 0:
                if pick == 0:
                    leaf = i
                    break
                pick -= 1
        pos = put(sc, sa, sv, 0, leaf - 1, dc, da, dv, 0, dc.size)
        pos = _op_with_leaves(dc, da, dv, pos, dc.size, rs, k, op, a, nfeat, -1, sc, sa, sv, 0, -1)
        pos = put(sc, sa, sv, leaf + 1, nm - 1, dc, da, dv, pos, dc.size)
        if pos < 0:
            return put(sc, sa, sv, 0, nm - 1, dc, da, dv, 0, dc.size)
        m = pos
    return m


@njit(cache=True)
def crossover(ac, aa, av, na, bc, ba, bv, nb, d1c, d1a, d1v, d2c, d2a, d2v, rs, k, arity, starts, stack):
    """Swap a random subtree of a with one of b; returns (size1, size2)."""
    i = randint(rs, k, na)
    j = randint(rs, k, nb)
    subtree_starts(ac, na, arity, starts, stack)
    si = starts[i]
    subtree_starts(bc, nb, arity, starts, stack)
    sj = starts[j]
    cap = d1c.size
    p = put(ac, aa, av, 0, si - 1, d1c, d1a, d1v, 0, cap)
    p = put(bc, ba, bv, sj, j, d1c, d1a, d1v, p, cap)
    p = put(ac, aa, av, i + 1, na - 1, d1c, d1a, d1v, p, cap)
    q = put(bc, ba, bv, 0, sj - 1, d2c, d2a, d2v, 0, cap)
    q = put(ac, aa, av, si, i, d2c, d2a, d2v, q, cap)
    q = put(bc, ba, bv, j + 1, nb - 1, d2c, d2a, d2v, q, cap)
    return p, q


@njit(cache=True)
def factor_base(perturbation_factor, temperature):
    return perturbation_factor * temperature + 1.1
