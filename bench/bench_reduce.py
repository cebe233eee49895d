"""W2 on a (1024, 4096) float32 array: reductions and row kernels, mnnx vs numpy vs torch.

- sum over the last axis, sum over axis 0, full sum
- softmax over the last axis (mnnx.expr.softmax vs numpy composed vs torch.softmax)
- layer_norm over the last axis (mnnx.expr.layer_norm vs numpy composed vs F.layer_norm)

The array is 16 MiB and stays in the 32 MiB L3 (PEERS.md), so these rows measure cache, not DRAM.
mnnx's timing includes building the lazy graph and realizing it (`.realize()`)."""
import numpy as np

import mnnx
import mnnx.expr
import mnnx.numpy as mnp

from common import Row, compare, setup_threads

SHAPE = (1024, 4096)
EPS = 1e-5
SUM_TARGETS = {"numpy": 1.0}
ROW_TARGETS = {"numpy (composed)": 2.0, "torch": 1.0}


def np_softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def np_layer_norm(x, w, b, eps=EPS):
    mu = x.mean(-1, keepdims=True)
    d = x - mu
    var = (d * d).mean(-1, keepdims=True)
    return d * (1.0 / np.sqrt(var + eps)) * w + b


def _check_sum(got, x64, axis, what):
    ref = x64.sum(axis=axis)
    # float32 accumulation error grows with the number of terms and their magnitude
    tol = 2e-5 * np.abs(x64).sum(axis=axis) + 1e-5
    err = np.abs(np.asarray(got, dtype=np.float64) - ref)
    assert np.all(err <= tol), f"{what}: max error {err.max():.3g} exceeds tolerance {np.min(tol):.3g}"


def run():
    import torch
    import torch.nn.functional as F
    setup_threads()
    rng = np.random.default_rng(1)
    x_np = rng.standard_normal(SHAPE, dtype=np.float32) * 2 + 0.5
    w_np = rng.standard_normal(SHAPE[-1], dtype=np.float32)
    b_np = rng.standard_normal(SHAPE[-1], dtype=np.float32)
    x, w, b = mnp.asarray(x_np), mnp.asarray(w_np), mnp.asarray(b_np)
    x_t, w_t, b_t = torch.from_numpy(x_np), torch.from_numpy(w_np), torch.from_numpy(b_np)
    x64 = x_np.astype(np.float64)
    rows = []

    # --- sums
    for label, axis in (("W2 sum axis=-1", -1), ("W2 sum axis=0", 0), ("W2 sum (all)", None)):
        if axis is None:
            f_mx = lambda: x.sum().realize()
            f_np = lambda: x_np.sum()
            f_t = lambda: x_t.sum()
        else:
            f_mx = lambda axis=axis: x.sum(axis=axis).realize()
            f_np = lambda axis=axis: x_np.sum(axis=axis)
            f_t = lambda axis=axis: x_t.sum(dim=axis)
        got = np.asarray(f_mx())
        assert got.dtype == np.float32, got.dtype
        _check_sum(got, x64, axis, f"mnnx {label}")
        _check_sum(f_np(), x64, axis, f"numpy {label}")
        _check_sum(f_t().numpy(), x64, axis, f"torch {label}")
        t = compare({"mnnx": f_mx, "numpy": f_np, "torch": f_t})
        rows.append(Row(f"{label}, (1024,4096) f32", t.pop("mnnx"), t, SUM_TARGETS))

    # --- softmax
    f_mx = lambda: mnnx.expr.softmax(x).realize()
    f_np = lambda: np_softmax(x_np)
    f_t = lambda: torch.softmax(x_t, dim=-1)
    e = np.exp(x64 - x64.max(-1, keepdims=True))
    ref = e / e.sum(-1, keepdims=True)
    for name, fn in (("mnnx", f_mx), ("numpy", f_np), ("torch", f_t)):
        out = fn()
        got = out.numpy() if hasattr(out, "numpy") and not isinstance(out, np.ndarray) else np.asarray(out)
        assert got.dtype == np.float32 and got.shape == SHAPE, (name, got.dtype, got.shape)
        np.testing.assert_allclose(got, ref, rtol=1e-4, atol=1e-8, err_msg=f"{name} softmax")
    t = compare({"mnnx": f_mx, "numpy (composed)": f_np, "torch": f_t})
    rows.append(Row("W2 softmax axis=-1, (1024,4096) f32", t.pop("mnnx"), t, ROW_TARGETS))

    # --- layer_norm
    f_mx = lambda: mnnx.expr.layer_norm(x, w, b, EPS).realize()
    f_np = lambda: np_layer_norm(x_np, w_np, b_np)
    f_t = lambda: F.layer_norm(x_t, (SHAPE[-1],), w_t, b_t, EPS)
    mu = x64.mean(-1, keepdims=True)
    ref = (x64 - mu) / np.sqrt(x64.var(-1, keepdims=True) + EPS) * w_np + b_np
    for name, fn in (("mnnx", f_mx), ("numpy", f_np), ("torch", f_t)):
        out = fn()
        got = out.numpy() if hasattr(out, "numpy") and not isinstance(out, np.ndarray) else np.asarray(out)
        assert got.dtype == np.float32 and got.shape == SHAPE, (name, got.dtype, got.shape)
        np.testing.assert_allclose(got, ref, rtol=1e-3, atol=1e-4, err_msg=f"{name} layer_norm")
    t = compare({"mnnx": f_mx, "numpy (composed)": f_np, "torch": f_t})
    rows.append(Row("W2 layer_norm axis=-1, (1024,4096) f32", t.pop("mnnx"), t, ROW_TARGETS))
    return rows


if __name__ == "__main__":
    from common import run_standalone
    run_standalone(run)
