"""python -m mnnx.demo: a numpy-style computation, its result, and its speed against numpy."""
import time

import numpy as np

import mnnx
import mnnx.numpy as mnp


def _median_time(fn, repeat=7):
    fn()
    ts = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return sorted(ts)[len(ts) // 2]


def main():
    n = 1 << 22
    rng = np.random.default_rng(0)
    a_np, b_np, c_np = (rng.standard_normal(n, dtype=np.float32) for _ in range(3))
    a, b, c = mnp.asarray(a_np), mnp.asarray(b_np), mnp.asarray(c_np)   # zero-copy wraps

    print(f"mnnx {mnnx.__version__}: kernels for {mnnx.debug.isa()}, {mnnx.get_num_threads()} thread(s)\n")
    print("y = tanh(a*b + c)*0.5 + exp(-a) on 4M float32 elements, built lazily:")
    y = mnp.tanh(a * b + c) * 0.5 + mnp.exp(-a)
    mnnx.debug.explain(y)
    ref = np.tanh(a_np * b_np + c_np) * 0.5 + np.exp(-a_np)
    got = np.asarray(y)
    print(f"  first values: {got[:4]}")
    print(f"  max |mnnx - numpy| = {np.max(np.abs(got - ref)):.2e}")

    t_np = _median_time(lambda: np.tanh(a_np * b_np + c_np) * 0.5 + np.exp(-a_np))
    t_mx = _median_time(lambda: (mnp.tanh(a * b + c) * 0.5 + mnp.exp(-a)).realize())
    print(f"  numpy {t_np * 1e3:.2f} ms, mnnx {t_mx * 1e3:.2f} ms: {t_np / t_mx:.1f}x\n")

    x_np = rng.standard_normal((1024, 4096), dtype=np.float32)
    x = mnp.asarray(x_np)
    print("softmax over the last axis of (1024, 4096) float32:")
    s_np = lambda: (lambda e: e / e.sum(-1, keepdims=True))(np.exp(x_np - x_np.max(-1, keepdims=True)))
    t_np = _median_time(s_np)
    t_mx = _median_time(lambda: mnnx.expr.softmax(x).realize())
    err = np.max(np.abs(np.asarray(mnnx.expr.softmax(x)) - s_np()))
    print(f"  numpy {t_np * 1e3:.2f} ms, mnnx {t_mx * 1e3:.2f} ms: {t_np / t_mx:.1f}x (max error {err:.1e})\n")

    print("a dense layer relu(x @ w + b), (512, 1024) @ (1024, 1024) float32:")
    xd, wd, bd = (rng.standard_normal(s, dtype=np.float32) for s in ((512, 1024), (1024, 1024), (1024,)))
    X, Wm, B = mnp.asarray(xd), mnp.asarray(wd), mnp.asarray(bd)
    layer = lambda: mnp.maximum(X @ Wm + B, 0)  # noqa: E731
    mnnx.debug.explain(layer())
    err = np.max(np.abs(np.asarray(layer()) - np.maximum(xd @ wd + bd, 0)))
    t_np = _median_time(lambda: np.maximum(xd @ wd + bd, 0))
    t_mx = _median_time(lambda: layer().realize())
    print(f"  numpy {t_np * 1e3:.2f} ms, mnnx {t_mx * 1e3:.2f} ms: {t_np / t_mx:.1f}x (max error {err:.1e})\n")

    print("a loop that builds the same graph each step is planned once:")
    mnnx.debug.plan_cache_clear()
    before = mnnx.debug.plan_cache_info()
    w = mnp.zeros(16, dtype=mnp.float32)
    for _ in range(100):
        w = (w * 0.9 + 1.0).realize()
    info = mnnx.debug.plan_cache_info()
    print(f"  100 steps: {info.misses - before.misses} plan built, {info.hits - before.hits} cache hits;"
          f" w[0] = {w[0].item():.4f} (numpy: {sum(0.9 ** k for k in range(100)):.4f})")


if __name__ == "__main__":
    main()
