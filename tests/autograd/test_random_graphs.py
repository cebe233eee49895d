"""Random composite graphs (hypothesis): a few ops drawn from smooth elementwise, broadcasting,
reduction, movement and matmul ops, their gradient against finite differences."""
import numpy as np
from hypothesis import given, strategies as st

import mnnx.numpy as mnp
from mnnx import expr as F
from ag_check import gradcheck

# (smooth everywhere: std of a row that became constant has no derivative)
# each op takes the running value (shape (3, 4) or broadcastable to it) and returns shape (3, 4)
UNARY = {
    "tanh": mnp.tanh, "sin": mnp.sin, "sigmoid": mnp.sigmoid, "exp_small": lambda v: mnp.exp(v * 0.3),
    "square": lambda v: v * v, "softplus": lambda v: mnp.log1p(mnp.exp(v)), "erf": mnp.erf,
    "softmax": lambda v: F.softmax(v, 1), "log_softmax0": lambda v: F.log_softmax(v, 0),
    "layer_norm": lambda v: F.layer_norm(v) * 0.5, "cumsum": lambda v: mnp.cumsum(v, axis=1) * 0.3,
    "flip_T": lambda v: mnp.flip(v.T, 0).T, "roll_slice": lambda v: mnp.concatenate([v[:, 1:], v[:, :1]], axis=1),
    "row_max": lambda v: v - mnp.max(v, axis=1, keepdims=True), "col_mean": lambda v: v - mnp.mean(v, axis=0),
    "var": lambda v: v / mnp.sqrt(0.1 + mnp.var(v, axis=1, keepdims=True)), "matmul": lambda v: v @ W44 * 0.5,
    "outer_sum": lambda v: mnp.sum(v, axis=0) * mnp.sum(v, axis=1, keepdims=True) * 0.1,
}
BINARY = {
    "add": lambda a, b: a + b, "mul": lambda a, b: a * b, "div": lambda a, b: a / (1.5 + mnp.sin(b)),
    "where": lambda a, b: mnp.where(b > 0.1, a, b * 2), "pow": lambda a, b: mnp.power(1.2 + mnp.sin(a), b),
    "arctan2": mnp.arctan2, "hypot": lambda a, b: mnp.sqrt(a * a + b * b + 0.5),
}
W44 = mnp.asarray(np.random.default_rng(5).uniform(-1, 1, (4, 4)))

step = st.one_of(
    st.tuples(st.just("u"), st.sampled_from(sorted(UNARY)), st.just(0)),
    st.tuples(st.just("b"), st.sampled_from(sorted(BINARY)), st.integers(0, 2)),
)


@given(st.lists(step, min_size=1, max_size=5), st.integers(0, 2**31 - 1))
def test_random_graph_gradients(steps, seed):
    rng = np.random.default_rng(seed)
    a = rng.uniform(-1, 1, (3, 4))
    b = rng.uniform(-1, 1, (3, 4))
    c = rng.uniform(-1, 1, (4,))  # a broadcasting operand

    def f(x, y, z):
        vals = [x, y, z]
        v = x
        for kind, name, k in steps:
            v = UNARY[name](v) if kind == "u" else BINARY[name](v, vals[k])
            vals.append(v)  # later steps may reuse intermediates (fan-out)
        return v
    gradcheck(f, a, b, c, rtol=1e-4, atol=1e-6)
