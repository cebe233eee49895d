"""Gradient checks: analytic gradients (mnnx.grad) against central finite differences in float64."""
import numpy as np

import mnnx
import mnnx.numpy as mnp


def _leaves(arrays):
    xs = []
    for a in arrays:
        x = mnp.asarray(np.array(a, dtype=np.float64))
        x.requires_grad_()
        xs.append(x)
    return xs


def numeric_grads(f, arrays, cotangent, eps=1e-6):
    """d sum(f(*arrays) * cotangent) / d arrays by central differences, one element at a time."""
    def scalar(vals):
        with mnnx.no_grad():
            y = f(*[mnp.asarray(v) for v in vals])
            return float(np.sum(np.asarray(y, dtype=np.float64) * cotangent))
    vals = [np.array(a, dtype=np.float64) for a in arrays]
    out = []
    for v in vals:
        g = np.zeros_like(v)
        for i in np.ndindex(v.shape):
            old = v[i]
            v[i] = old + eps
            up = scalar(vals)
            v[i] = old - eps
            down = scalar(vals)
            v[i] = old
            g[i] = (up - down) / (2 * eps)
        out.append(g)
    return out


def analytic_grads(f, arrays, cotangent, create_graph=False):
    xs = _leaves(arrays)
    y = f(*xs)
    assert y.dtype == np.float64, f"test premise: float64 output, got {y.dtype}"
    gs = mnnx.grad(y, xs, grad_outputs=mnp.asarray(cotangent), allow_unused=True, create_graph=create_graph)
    return [np.zeros(x.shape) if g is None else np.asarray(g) for x, g in zip(xs, gs)]


def gradcheck(f, *arrays, rtol=1e-5, atol=1e-7, eps=1e-6, seed=0):
    """f maps float64 mnnx arrays to one float64 array; its VJP with a random cotangent must match
    finite differences for every input element."""
    rng = np.random.default_rng(seed)
    with mnnx.no_grad():
        shape = f(*[mnp.asarray(np.array(a, dtype=np.float64)) for a in arrays]).shape
    cot = rng.standard_normal(shape)
    got = analytic_grads(f, arrays, cot)
    want = numeric_grads(f, arrays, cot, eps)
    for k, (g, w) in enumerate(zip(got, want)):
        assert g.shape == w.shape, f"input {k}: gradient shape {g.shape}, expected {w.shape}"
        np.testing.assert_allclose(g, w, rtol=rtol, atol=atol, err_msg=f"gradient of input {k}")
    replay_check(f, arrays, cot)


def replay_check(f, arrays, cot):
    """The same graph structure with other values: the backward graph recorded by the first call and
    replayed now (autograd/replay.h) gives what the VJP rules give when walked afresh."""
    other = [np.asarray(a, dtype=np.float64) * 0.9 + 0.05 for a in arrays]
    replayed = analytic_grads(f, other, cot)
    mnnx._C.ag_replay_clear()
    fresh = analytic_grads(f, other, cot)
    for k, (g, w) in enumerate(zip(replayed, fresh)):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=0, err_msg=f"replayed gradient of input {k}")


def gradgradcheck(f, *arrays, rtol=1e-4, atol=1e-6, eps=1e-6, seed=1):
    """The gradient of f (with a fixed cotangent) is itself checked against finite differences:
    second derivatives through the VJP rules."""
    rng = np.random.default_rng(seed)
    with mnnx.no_grad():
        shape = f(*[mnp.asarray(np.array(a, dtype=np.float64)) for a in arrays]).shape
    cot = mnp.asarray(rng.standard_normal(shape))

    def first(*xs):
        with mnnx.enable_grad():
            leaves = []
            for x in xs:
                x = x.detach().requires_grad_() if not x.requires_grad else x
                leaves.append(x)
            y = f(*leaves)
            gs = mnnx.grad(y, leaves, grad_outputs=cot, create_graph=True, allow_unused=True)
        # sum of all first derivatives: one output whose gradient mixes every second derivative
        total = None
        for g in gs:
            if g is not None:
                s = mnp.sum(g * g)
                total = s if total is None else total + s
        return total
    gradcheck(first, *arrays, rtol=rtol, atol=atol, eps=eps)
