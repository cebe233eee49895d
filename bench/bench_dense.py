"""Dense kernels: SGEMM/DGEMM against numpy (OpenBLAS) and torch, and the four conv2d workloads of
the dense-kernels issue against torch (oneDNN). mnnx's time includes building the lazy graph and
realizing it; every result is checked against the peer before timing.

  (a) 64->64, 56x56, 3x3 pad 1, batch 1     (b) batch 8, 32->64, 32x32, 3x3 pad 1
  (c) depthwise 3x3, 128 channels, 56x56    (d) 1x1, 256->256, 28x28
GFLOP/s in the notes are 2*M*N*K (or 2*O*C/g*KH*KW*OH*OW*N) over the median time."""
import numpy as np

import mnnx.numpy as mnp
import mnnx.nn.functional as F

from common import Row, compare, setup_threads

GEMM_N = (256, 512, 1024, 2048)
CONVS = {  # name: (N, C, H, W, O, k, pad, groups)
    "(a) 64->64 56x56 3x3": (1, 64, 56, 56, 64, 3, 1, 1),
    "(b) batch 8, 32->64 32x32 3x3": (8, 32, 32, 32, 64, 3, 1, 1),
    "(c) depthwise 128ch 56x56 3x3": (1, 128, 56, 56, 128, 3, 1, 128),
    "(d) 1x1 256->256 28x28": (1, 256, 28, 28, 256, 1, 0, 1),
}
CONV_TARGETS = {"(c) depthwise 128ch 56x56 3x3": {"torch": 2.0}}


def run():
    import torch
    import torch.nn.functional as TF
    setup_threads()
    rng = np.random.default_rng(0)
    rows = []
    for dt, sizes in ((np.float32, GEMM_N), (np.float64, (1024,))):
        for n in sizes:
            a_np = rng.standard_normal((n, n)).astype(dt)
            b_np = rng.standard_normal((n, n)).astype(dt)
            a, b = mnp.asarray(a_np), mnp.asarray(b_np)
            a_t, b_t = torch.from_numpy(a_np), torch.from_numpy(b_np)
            f_mx = lambda a=a, b=b: (a @ b).realize()
            ref = a_np.astype(np.float64) @ b_np.astype(np.float64)
            tol = 1e-3 if dt == np.float32 else 1e-10
            np.testing.assert_allclose(np.asarray(f_mx()), ref, rtol=tol, atol=tol * np.sqrt(n))
            t = compare({"mnnx": f_mx, "numpy": lambda: a_np @ b_np, "torch": lambda: a_t @ b_t})
            m = t.pop("mnnx")
            name = "SGEMM" if dt == np.float32 else "DGEMM"
            targets = {"numpy": 1.0, "torch": 1.0} if dt == np.float32 else {"numpy": 1.0}
            rows.append(Row(f"{name} n={n}", m, t, targets, note=f"{2 * n**3 / m.median / 1e9:.0f} GFLOP/s"))
    for name, (N, C, H, W, O, k, p, g) in CONVS.items():
        x_np = rng.standard_normal((N, C, H, W)).astype(np.float32)
        w_np = rng.standard_normal((O, C // g, k, k)).astype(np.float32)
        b_np = rng.standard_normal(O).astype(np.float32)
        x, w, b = mnp.asarray(x_np), mnp.asarray(w_np), mnp.asarray(b_np)
        x_t, w_t, b_t = torch.from_numpy(x_np), torch.from_numpy(w_np), torch.from_numpy(b_np)
        f_mx = lambda x=x, w=w, b=b, p=p, g=g: F.conv2d(x, w, b, 1, p, 1, g).realize()
        f_t = lambda x_t=x_t, w_t=w_t, b_t=b_t, p=p, g=g: TF.conv2d(x_t, w_t, b_t, 1, p, 1, g)
        with torch.no_grad():
            np.testing.assert_allclose(np.asarray(f_mx()), f_t().numpy(), rtol=1e-3, atol=1e-3)
            t = compare({"mnnx": f_mx, "torch": f_t})
        m = t.pop("mnnx")
        flops = 2 * N * O * (C // g) * k * k * H * W
        rows.append(Row(f"conv2d {name}, f32", m, t, CONV_TARGETS.get(name, {"torch": 1.0}),
                        note=f"{flops / m.median / 1e9:.0f} GFLOP/s"))
    return rows


if __name__ == "__main__":
    from common import run_standalone
    run_standalone(run)
