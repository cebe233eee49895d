"""W7: per-op overhead. `a = a + 1`, 10,000 times, on 16 float32 elements.

mnnx (a) lazy: the chain is built op by op and realized once at the end (the engine also realizes
by itself every 400 ops, see README); (b) realized every step: `a = (a + 1).realize()`.
Peers: numpy `a = a + 1` and torch eager `a = a + 1`. Reported as µs per op (one `+`)."""
import numpy as np

import mnnx
import mnnx.numpy as mnp

from common import Row, compare, setup_threads

STEPS = 10_000
SIZE = 16


def run():
    import torch
    setup_threads()
    a0 = mnp.zeros(SIZE, dtype=mnp.float32).realize()
    a0_np = np.zeros(SIZE, dtype=np.float32)
    a0_t = torch.zeros(SIZE, dtype=torch.float32)

    def mx_lazy():
        a = a0
        for _ in range(STEPS):
            a = a + 1
        return a.realize()

    def mx_realized():
        a = a0
        for _ in range(STEPS):
            a = (a + 1).realize()
        return a

    def np_loop():
        a = a0_np
        for _ in range(STEPS):
            a = a + 1
        return a

    def torch_loop():
        a = a0_t
        for _ in range(STEPS):
            a = a + 1
        return a

    expect = np.full(SIZE, STEPS, dtype=np.float32)
    for name, fn in (("mnnx lazy", mx_lazy), ("mnnx realized", mx_realized), ("numpy", np_loop),
                     ("torch", torch_loop)):
        got = np.asarray(fn())
        assert got.dtype == np.float32, (name, got.dtype)
        np.testing.assert_array_equal(got, expect, err_msg=name)

    # single-threaded µs-scale loops: alternate single calls (see compare) so the VM's slow phases
    # hit every implementation alike
    t = compare({"mnnx lazy": mx_lazy, "mnnx realized": mx_realized, "numpy": np_loop, "torch": torch_loop},
                repeat=12, passes=12, block_warmup=False)
    peers = {"numpy": t["numpy"], "torch": t["torch"]}
    w = f"W7 a=a+1 x{STEPS // 1000}k, {SIZE} f32"
    return [
        Row(w, t["mnnx lazy"], peers, {"numpy": 1.0}, unit="us", per=STEPS,
            mnnx_label="lazy, realized at end"),
        Row(w, t["mnnx realized"], peers, {"torch": 1.0}, unit="us", per=STEPS,
            mnnx_label="realized every step"),
    ]


if __name__ == "__main__":
    from common import run_standalone
    run_standalone(run)
