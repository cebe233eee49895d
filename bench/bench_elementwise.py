"""W1: y = tanh(a*b + c)*0.5 + exp(-a) on 4M float32 elements, mnnx vs numpy vs torch.

Two variants: a, b, c all 4M arrays; and a 4M array with b, c Python scalars.
mnnx's timing includes building the lazy graph and realizing it (`.realize()`)."""
import numpy as np

import mnnx
import mnnx.numpy as mnp

from common import Row, compare, setup_threads

N = 1 << 22
TARGETS = {"numpy": 3.0, "torch": 1.5}
B_SCALAR, C_SCALAR = 1.5, 0.25


def _check(got, ref, what):
    np.testing.assert_allclose(got, ref, rtol=1e-4, atol=1e-5, err_msg=what)


def run():
    import torch
    setup_threads()
    rng = np.random.default_rng(0)
    a_np, b_np, c_np = (rng.standard_normal(N, dtype=np.float32) for _ in range(3))
    a, b, c = mnp.asarray(a_np), mnp.asarray(b_np), mnp.asarray(c_np)
    a_t, b_t, c_t = torch.from_numpy(a_np), torch.from_numpy(b_np), torch.from_numpy(c_np)
    rows = []

    # --- arrays
    f_mx = lambda: (mnp.tanh(a * b + c) * 0.5 + mnp.exp(-a)).realize()
    f_np = lambda: np.tanh(a_np * b_np + c_np) * 0.5 + np.exp(-a_np)
    f_t = lambda: torch.tanh(a_t * b_t + c_t) * 0.5 + torch.exp(-a_t)
    ref = (np.tanh(a_np.astype(np.float64) * b_np + c_np) * 0.5 + np.exp(-a_np.astype(np.float64)))
    got = np.asarray(f_mx())
    assert got.dtype == np.float32 and got.shape == (N,), (got.dtype, got.shape)
    _check(got, ref, "mnnx W1 arrays")
    _check(f_np(), ref, "numpy W1 arrays")
    _check(f_t().numpy(), ref, "torch W1 arrays")
    t = compare({"mnnx": f_mx, "numpy": f_np, "torch": f_t})
    rows.append(Row("W1 tanh(a*b+c)*0.5+exp(-a), 4M f32, b,c arrays", t.pop("mnnx"), t, TARGETS))

    # --- b, c Python scalars
    g_mx = lambda: (mnp.tanh(a * B_SCALAR + C_SCALAR) * 0.5 + mnp.exp(-a)).realize()
    g_np = lambda: np.tanh(a_np * B_SCALAR + C_SCALAR) * 0.5 + np.exp(-a_np)
    g_t = lambda: torch.tanh(a_t * B_SCALAR + C_SCALAR) * 0.5 + torch.exp(-a_t)
    a64 = a_np.astype(np.float64)
    ref = np.tanh(a64 * B_SCALAR + C_SCALAR) * 0.5 + np.exp(-a64)
    got = np.asarray(g_mx())
    assert got.dtype == np.float32 and got.shape == (N,), (got.dtype, got.shape)
    _check(got, ref, "mnnx W1 scalars")
    _check(g_np(), ref, "numpy W1 scalars")
    _check(g_t().numpy(), ref, "torch W1 scalars")
    t = compare({"mnnx": g_mx, "numpy": g_np, "torch": g_t})
    rows.append(Row("W1 same, b,c Python scalars", t.pop("mnnx"), t, TARGETS))
    return rows


if __name__ == "__main__":
    from common import run_standalone
    run_standalone(run)
