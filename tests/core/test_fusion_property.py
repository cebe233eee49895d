"""Property tests of the scheduler: hypothesis builds random expression graphs (elementwise ops,
broadcasting, movement ops, reductions, scans) over random shapes including 0-d and empty ones,
realizes some intermediates and holds others, and compares every array with numpy."""
import math
import warnings

import numpy as np
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import mnnx
import mnnx.numpy as mnp
from conftest import assert_matches


class Node:
    __slots__ = ("a", "x", "scale")

    def __init__(self, a, x, scale):
        self.a, self.x, self.scale = np.asarray(a), x, float(scale)


def leaf(data, dtype, shape=None):
    if shape is None:
        shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4), label="leaf shape")
    if np.dtype(dtype).kind == "f":
        elements = st.floats(-2, 2, width=64 if dtype == np.float64 else 32)
    else:
        elements = st.integers(-100, 100)
    a = data.draw(hnp.arrays(dtype, shape, elements=elements), label="leaf")
    how = data.draw(st.sampled_from(["realized", "lazy", "strided"]), label="leaf kind")
    if how == "realized":
        x = mnp.asarray(a)
    elif how == "lazy":
        x = mnp.copy(mnp.asarray(a))
    else:  # a realized strided view: reversed along every axis
        rev = a[(slice(None, None, -1),) * a.ndim].copy()
        x = mnp.asarray(rev)[(slice(None, None, -1),) * a.ndim]
    return Node(a, x, 2.0 if np.dtype(dtype).kind == "f" else 100.0)


def broadcastable(s1, s2):
    try:
        np.broadcast_shapes(s1, s2)
        return True
    except ValueError:
        return False


def random_axes(data, ndim):
    if ndim == 0:
        return data.draw(st.sampled_from([None, ()]), label="axes")
    kind = data.draw(st.sampled_from(["none", "int", "tuple"]), label="axes kind")
    if kind == "none":
        return None
    if kind == "int":
        return data.draw(st.integers(-ndim, ndim - 1), label="axis")
    return tuple(data.draw(st.lists(st.integers(0, ndim - 1), unique=True, max_size=ndim), label="axes"))


def reduced_count(shape, axes):
    if axes is None:
        return max(1, math.prod(shape))
    axes = (axes,) if isinstance(axes, int) else axes
    return max(1, math.prod(shape[a] for a in axes))


def apply_random_op(data, pool, float_graph):
    n = data.draw(st.sampled_from(pool), label="operand")
    a, x = n.a, n.x
    kind = data.draw(st.sampled_from(["unary", "binary", "binary", "movement", "movement", "reduce", "scan",
                                      "leaf"]), label="op kind")
    if kind == "leaf":  # a new input broadcastable against an existing node
        shp = data.draw(hnp.broadcastable_shapes(a.shape, min_dims=0, max_dims=max(3, a.ndim), min_side=0,
                                                 max_side=max([4, *a.shape])), label="new leaf shape")
        return leaf(data, a.dtype, shp)
    if kind == "unary":
        if float_graph:
            op = data.draw(st.sampled_from(["neg", "abs", "tanh", "sin", "exp_tanh", "sqrt_abs", "square", "affine"]))
            f = {"neg": lambda m, v: -v, "abs": lambda m, v: m.abs(v), "tanh": lambda m, v: m.tanh(v),
                 "sin": lambda m, v: m.sin(v), "exp_tanh": lambda m, v: m.exp(m.tanh(v)),
                 "sqrt_abs": lambda m, v: m.sqrt(m.abs(v)), "square": lambda m, v: v * v,
                 "affine": lambda m, v: v * 0.5 + 0.25}[op]
            scale = {"tanh": 1.0, "sin": 1.0, "exp_tanh": math.e, "sqrt_abs": math.sqrt(n.scale) + 1,
                     "square": n.scale ** 2, "affine": n.scale * 0.5 + 0.25}.get(op, n.scale)
        else:
            op = data.draw(st.sampled_from(["neg", "abs", "invert", "square", "affine"]))
            f = {"neg": lambda m, v: -v, "abs": lambda m, v: m.abs(v), "invert": lambda m, v: ~v,
                 "square": lambda m, v: v * v, "affine": lambda m, v: v * 3 - 7}[op]
            scale = n.scale
        with np.errstate(all="ignore"):
            return Node(f(np, a), f(mnp, x), scale)
    if kind == "binary":
        others = [o for o in pool if broadcastable(o.a.shape, a.shape)]
        o = data.draw(st.sampled_from(others), label="second operand")
        if float_graph:
            op = data.draw(st.sampled_from(["add", "sub", "mul", "maximum", "minimum", "where", "div_safe"]))
        else:
            op = data.draw(st.sampled_from(["add", "sub", "mul", "maximum", "minimum", "where", "and", "xor"]))
        f = {"add": lambda m, u, v: u + v, "sub": lambda m, u, v: u - v, "mul": lambda m, u, v: u * v,
             "maximum": lambda m, u, v: m.maximum(u, v), "minimum": lambda m, u, v: m.minimum(u, v),
             "where": lambda m, u, v: m.where(u > v, u, v * 2), "and": lambda m, u, v: u & v,
             "xor": lambda m, u, v: u ^ v, "div_safe": lambda m, u, v: u / (m.abs(v) + 1.0)}[op]
        scale = {"add": n.scale + o.scale, "sub": n.scale + o.scale, "mul": n.scale * o.scale,
                 "where": max(n.scale, 2 * o.scale)}.get(op, max(n.scale, o.scale))
        with np.errstate(all="ignore"):
            return Node(f(np, a, o.a), f(mnp, x, o.x), scale)
    if kind == "movement":
        op = data.draw(st.sampled_from(["reshape", "transpose", "slice", "broadcast_to", "expand_dims", "flip",
                                        "squeeze", "swapaxes", "concat_self", "setitem", "cast_roundtrip"]),
                       label="movement")
        if op == "concat_self":
            if a.ndim == 0:
                return Node(np.concatenate([a, a], axis=None), mnp.concatenate([x, x], axis=None), n.scale)
            ax = data.draw(st.integers(-a.ndim, a.ndim - 1))
            return Node(np.concatenate([a, a[::-1]], axis=ax), mnp.concatenate([x, x[::-1]], axis=ax), n.scale)
        if op == "setitem":
            key = data.draw(hnp.basic_indices(a.shape, allow_newaxis=True, allow_ellipsis=True), label="set key")
            value = 1.5 if float_graph else 3
            b = a.copy()
            b[key] = value
            y = x  # rebinding: x itself stays the old value for numpy's a
            y = mnp.copy(y) if data.draw(st.booleans()) else y + 0
            y[key] = value
            return Node(b, y, max(n.scale, 1.5))
        if op == "cast_roundtrip":
            narrow = np.float32 if float_graph else np.int8
            with np.errstate(all="ignore"):
                return Node(a.astype(narrow).astype(a.dtype), x.astype(narrow).astype(a.dtype), n.scale)
        if op == "reshape":
            size = a.size
            dims, rest = [], size
            for _ in range(data.draw(st.integers(0, 3))):
                if size == 0:
                    d = data.draw(st.integers(0, 3))
                else:
                    d = data.draw(st.sampled_from([k for k in range(1, min(rest, 5) + 1) if rest % k == 0]))
                    rest //= d
                dims.append(d)
            dims.append(0 if size == 0 else (-1 if data.draw(st.booleans()) else rest))
            dims.insert(data.draw(st.integers(0, len(dims) - 1)), dims.pop())
            return Node(a.reshape(dims), x.reshape(dims), n.scale)
        if op == "transpose":
            perm = data.draw(st.permutations(range(a.ndim)))
            return Node(a.transpose(perm), mnp.transpose(x, perm), n.scale)
        if op == "slice":
            key = data.draw(hnp.basic_indices(a.shape, allow_newaxis=True, allow_ellipsis=True), label="key")
            return Node(a[key], x[key], n.scale)
        if op == "broadcast_to":
            lead = data.draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=3))
            tail = tuple(data.draw(st.integers(0, 3)) if d == 1 else d for d in a.shape)
            target = tuple(lead) + tail
            return Node(np.broadcast_to(a, target), mnp.broadcast_to(x, target), n.scale)
        if op == "expand_dims":
            ax = data.draw(st.integers(-a.ndim - 1, a.ndim))
            return Node(np.expand_dims(a, ax), mnp.expand_dims(x, ax), n.scale)
        if op == "flip":
            ax = None if a.ndim == 0 else data.draw(st.none() | st.integers(-a.ndim, a.ndim - 1))
            return Node(np.flip(a, ax), mnp.flip(x, ax), n.scale)
        if op == "squeeze":
            return Node(np.squeeze(a), mnp.squeeze(x), n.scale)
        if a.ndim < 2:
            return Node(a.T, x.T, n.scale)
        i, j = data.draw(st.integers(0, a.ndim - 1)), data.draw(st.integers(0, a.ndim - 1))
        return Node(np.swapaxes(a, i, j), mnp.swapaxes(x, i, j), n.scale)
    if kind == "reduce":
        op = data.draw(st.sampled_from(["sum", "max", "min", "mean", "prod_small"] if float_graph else
                                       ["sum", "max", "min"]), label="reduction")
        axes = random_axes(data, a.ndim)
        keep = data.draw(st.booleans(), label="keepdims")
        cnt = reduced_count(a.shape, axes)
        if op in ("max", "min") and a.size == 0:
            op = "sum"  # numpy rejects empty max/min (tested elsewhere)
        if op == "prod_small":
            f = lambda m, v: m.prod(m.tanh(v), axis=axes, keepdims=keep)  # noqa: E731
            scale = 1.0
        else:
            f = lambda m, v: getattr(m, op)(v, axis=axes, keepdims=keep)  # noqa: E731
            scale = n.scale * cnt if op == "sum" else n.scale
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # numpy: "Mean of empty slice"
            return Node(f(np, a), f(mnp, x), scale)
    # scan
    if a.ndim == 0:
        return Node(np.cumsum(a), mnp.cumsum(x), n.scale)
    ax = data.draw(st.integers(-a.ndim, a.ndim - 1), label="scan axis")
    return Node(np.cumsum(a, axis=ax), mnp.cumsum(x, axis=ax), n.scale * max(1, a.shape[ax]))


def check_node(n, float_graph):
    if float_graph:
        assert_matches(n.x, n.a, rtol=1e-9, atol=1e-9 * max(1.0, n.scale))
    else:
        assert_matches(n.x, n.a)


def run_graph(data, dtype):
    float_graph = np.dtype(dtype).kind == "f"
    pool = [leaf(data, dtype) for _ in range(data.draw(st.integers(1, 3), label="leaves"))]
    steps = data.draw(st.integers(1, 12), label="steps")
    for _ in range(steps):
        pool.append(apply_random_op(data, pool, float_graph))
        if data.draw(st.integers(0, 9), label="realize now?") == 0:
            mnnx.eval(data.draw(st.sampled_from(pool), label="realized").x)
        if len(pool) > 3 and data.draw(st.integers(0, 4), label="drop?") == 0:
            pool.pop(data.draw(st.integers(0, len(pool) - 2), label="dropped"))  # let an intermediate die
    # realize the last node first (the others held by Python are realized alongside), then check all
    last = pool[-1]
    check_node(last, float_graph)
    for n in pool:
        check_node(n, float_graph)


@given(data=st.data())
@settings(max_examples=2 * settings.default.max_examples)
def test_random_float64_graphs(data):
    run_graph(data, np.float64)


@given(data=st.data())
@settings(max_examples=2 * settings.default.max_examples)
def test_random_int32_graphs(data):
    run_graph(data, np.int32)


@given(data=st.data())
@settings(max_examples=settings.default.max_examples)
def test_random_graphs_realized_together(data):
    """mnnx.eval of several outputs at once gives each the value it has alone."""
    pool = [leaf(data, np.float64) for _ in range(2)]
    for _ in range(data.draw(st.integers(2, 8))):
        pool.append(apply_random_op(data, pool, True))
    outs = data.draw(st.lists(st.sampled_from(pool), min_size=1, max_size=4))
    mnnx.eval(*[n.x for n in outs])
    for n in outs:
        check_node(n, True)


def test_diamond_and_shared_subexpressions():
    a = np.linspace(-1, 1, 24).reshape(4, 6)
    x = mnp.asarray(a)
    t = mnp.tanh(x)
    u = t * 2 + t.sum(axis=0)
    v = mnp.transpose(t)[::-1] * t.max()
    w = u[:, ::2].sum() + v.sum()
    et = np.tanh(a)
    eu = et * 2 + et.sum(axis=0)
    ev = et.T[::-1] * et.max()
    assert_matches(w, eu[:, ::2].sum() + ev.sum(), rtol=1e-12)
    assert_matches(u, eu, rtol=1e-12)
    assert_matches(v, ev, rtol=1e-12)


def test_reduction_consumers_and_producers_fuse_correctly():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((33, 65))
    x = mnp.asarray(a)
    m = x.max(axis=1, keepdims=True)
    e = mnp.exp(x - m)
    s = e / e.sum(axis=1, keepdims=True)
    ea = np.exp(a - a.max(axis=1, keepdims=True))
    assert_matches(s, ea / ea.sum(axis=1, keepdims=True), rtol=1e-12)
    mu = x.mean(axis=0)
    var = ((x - mu) ** 2).mean(axis=0)
    y = (x - mu) / mnp.sqrt(var + 1e-5)
    assert_matches(y, (a - a.mean(axis=0)) / np.sqrt(a.var(axis=0) + 1e-5), rtol=1e-10, atol=1e-12)
