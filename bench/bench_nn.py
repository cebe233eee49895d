"""mnnx.nn.functional pooling, normalization and softmax against torch.nn.functional (2 threads each).

- max_pool2d 3x3 stride 2 pad 1, avg_pool2d 3x3/2 pad 1 and 2x2/2, adaptive_avg_pool2d to 1 (global),
  max_pool2d with indices, on (8, 64, 112, 112) float32
- batch_norm inference on (8, 64, 56, 56) float32
- softmax and layer_norm over the last axis of (1024, 4096) float32 (issue 4's target: >= torch),
  softmax over dim 1 of (8, 21, 128, 128), group_norm on (8, 64, 56, 56)

mnnx's timing includes building the lazy graph and realizing it (`.realize()`); every result is checked
against torch before timing. `--cpu`: one thread each, CPU time per call (for a machine others share)."""
import numpy as np

import mnnx
import mnnx.numpy as mnp
import mnnx.nn.functional as F

from common import Row, compare, setup_threads

POOL_SHAPE = (8, 64, 112, 112)
BN_SHAPE = (8, 64, 56, 56)
ROW_SHAPE = (1024, 4096)
TORCH_TARGET = {"torch": 1.0}


def _check(got, want, tol):
    got = [got] if not isinstance(got, tuple) else got
    want = [want] if not isinstance(want, tuple) else want
    for g, w in zip(got, want):
        np.testing.assert_allclose(np.asarray(g), w.numpy(), rtol=tol, atol=tol)


def _row(label, f_mx, f_t, tol=1e-5, targets=TORCH_TARGET):
    _check(f_mx(), f_t(), tol)
    t = _compare[0]({"mnnx": f_mx, "torch": f_t})
    return Row(label, t.pop("mnnx"), t, targets)


_compare = [compare]


def cpu_time_compare(fns, repeat=21):
    """--cpu: one thread each, CPU time of this process per call (median of `repeat`). On a machine
    shared with other jobs, wall-clock 2-thread timings mostly measure the neighbours (torch's
    OpenMP threads suffer most); per-call CPU time of one thread does not."""
    import time
    from common import Timing
    out = {}
    for name, fn in fns.items():
        fn(), fn()
        ts = []
        for _ in range(repeat):
            t = time.process_time()
            fn()
            ts.append(time.process_time() - t)
        out[name] = Timing(median=float(np.median(ts)), min=float(min(ts)), samples=ts, number=1)
    return out


def _realize(r):
    if isinstance(r, tuple):
        mnnx.eval(*r)
    else:
        r.realize()
    return r


def run():
    import torch
    import torch.nn.functional as TF
    setup_threads()
    rng = np.random.default_rng(4)
    rows = []

    x_np = rng.standard_normal(POOL_SHAPE, dtype=np.float32)
    x, x_t = mnp.asarray(x_np), torch.from_numpy(x_np)
    pool = [
        ("max_pool2d 3x3/2 pad 1", lambda v: F.max_pool2d(v, 3, 2, 1), lambda v: TF.max_pool2d(v, 3, 2, 1)),
        ("avg_pool2d 3x3/2 pad 1", lambda v: F.avg_pool2d(v, 3, 2, 1), lambda v: TF.avg_pool2d(v, 3, 2, 1)),
        ("avg_pool2d 2x2/2", lambda v: F.avg_pool2d(v, 2), lambda v: TF.avg_pool2d(v, 2)),
        ("adaptive_avg_pool2d to 1", lambda v: F.adaptive_avg_pool2d(v, 1), lambda v: TF.adaptive_avg_pool2d(v, 1)),
        ("max_pool2d 3x3/2 pad 1 + indices", lambda v: F.max_pool2d(v, 3, 2, 1, return_indices=True),
         lambda v: TF.max_pool2d(v, 3, 2, 1, return_indices=True)),
    ]
    for label, f, g in pool:
        rows.append(_row(f"{label}, (8,64,112,112) f32", lambda f=f: _realize(f(x)), lambda g=g: g(x_t)))

    xb_np = rng.standard_normal(BN_SHAPE, dtype=np.float32)
    c = [rng.standard_normal(BN_SHAPE[1], dtype=np.float32) for _ in range(4)]
    c[1] = np.abs(c[1]) + 0.5
    xb, cm = mnp.asarray(xb_np), [mnp.asarray(v) for v in c]
    xb_t, ct = torch.from_numpy(xb_np), [torch.from_numpy(v) for v in c]
    rows.append(_row("batch_norm inference, (8,64,56,56) f32", lambda: F.batch_norm(xb, *cm).realize(),
                     lambda: TF.batch_norm(xb_t, *ct), 1e-4))
    rows.append(_row("batch_norm inference + relu, (8,64,56,56) f32", lambda: F.relu(F.batch_norm(xb, *cm)).realize(),
                     lambda: TF.relu(TF.batch_norm(xb_t, *ct)), 1e-4))

    xr_np = rng.standard_normal(ROW_SHAPE, dtype=np.float32) * 2 + 0.5
    w_np = rng.standard_normal(ROW_SHAPE[-1], dtype=np.float32)
    b_np = rng.standard_normal(ROW_SHAPE[-1], dtype=np.float32)
    xr, w, b = mnp.asarray(xr_np), mnp.asarray(w_np), mnp.asarray(b_np)
    xr_t, w_t, b_t = torch.from_numpy(xr_np), torch.from_numpy(w_np), torch.from_numpy(b_np)
    rows.append(_row("softmax dim=-1, (1024,4096) f32", lambda: F.softmax(xr, -1).realize(), lambda: TF.softmax(xr_t, -1)))
    rows.append(_row("log_softmax dim=-1, (1024,4096) f32", lambda: F.log_softmax(xr, -1).realize(),
                     lambda: TF.log_softmax(xr_t, -1), 1e-4))
    xs_np = rng.standard_normal((8, 21, 128, 128), dtype=np.float32)
    xs, xs_t = mnp.asarray(xs_np), torch.from_numpy(xs_np)
    rows.append(_row("softmax dim=1, (8,21,128,128) f32", lambda: F.softmax(xs, 1).realize(), lambda: TF.softmax(xs_t, 1)))
    xg_np = rng.standard_normal(BN_SHAPE, dtype=np.float32)
    xg, xg_t = mnp.asarray(xg_np), torch.from_numpy(xg_np)
    rows.append(_row("group_norm 8 groups, (8,64,56,56) f32", lambda: F.group_norm(xg, 8, cm[0], cm[3]).realize(),
                     lambda: TF.group_norm(xg_t, 8, ct[0], ct[3]), 1e-4))
    rows.append(_row("layer_norm (4096,), (1024,4096) f32", lambda: F.layer_norm(xr, (4096,), w, b).realize(),
                     lambda: TF.layer_norm(xr_t, (4096,), w_t, b_t), 1e-4))
    return rows


if __name__ == "__main__":
    import sys
    from common import run_standalone
    if "--cpu" in sys.argv:
        import common
        common.BENCH_THREADS = 1
        common.setup_threads()
        _compare[0] = cpu_time_compare
    run_standalone(run)
