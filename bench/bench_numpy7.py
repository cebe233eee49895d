"""Issue 7 targets for indexing, sorting and sets, mnnx vs numpy (and torch where it has the op).

- fancy get / set of 1M random int64 indices into 4M float32 (x[idx], x[idx] = v)
- boolean-mask get of a 4M float32 array (about half selected)
- sort, argsort and unique of 4M random float32

mnnx's timings include realizing the result. A fancy setitem writes a new buffer (16 MiB more than
numpy's in-place one) when anything else still reads the old one (a lazy consumer, a live view, an
exported numpy array); in this loop nothing does, so it is updated in place as numpy's.

`--threads N` runs mnnx and torch on N threads (default 2): with other processes busy on this 2-vCPU
machine, 1 thread compares the kernels without waiting for a second core."""
import sys

import numpy as np

import mnnx.numpy as mnp

from common import Row, compare, setup_threads

N = 4_000_000
M = 1_000_000
TARGETS = {"numpy": 1.0}


def run():
    import torch
    import mnnx
    setup_threads()
    if "--threads" in sys.argv:
        n = int(sys.argv[sys.argv.index("--threads") + 1])
        mnnx.set_num_threads(n)
        torch.set_num_threads(n)
    rng = np.random.default_rng(7)
    a = rng.random(N, dtype=np.float32)
    idx = rng.integers(0, N, M)
    v = rng.random(M, dtype=np.float32)
    x = mnp.asarray(a)
    x.realize()
    t_a, t_idx, t_v = torch.from_numpy(a.copy()), torch.from_numpy(idx), torch.from_numpy(v)
    rows = []

    assert np.array_equal(np.asarray(x[idx]), a[idx])
    t = compare({"mnnx": lambda: x[idx].realize(), "numpy": lambda: a[idx], "torch": lambda: t_a[t_idx]})
    rows.append(Row("fancy get x[idx], 1M int64 into 4M f32", t.pop("mnnx"), t, TARGETS))

    a_set, x_set = a.copy(), mnp.asarray(a.copy())

    def mx_set():
        x_set[idx] = v
        x_set.realize()

    def t_set():
        t_a[t_idx] = t_v
    ref = a.copy()
    ref[idx] = v
    mx_set()
    assert np.array_equal(np.asarray(x_set), ref)
    t = compare({"mnnx": mx_set, "numpy": lambda: a_set.__setitem__(idx, v), "torch": t_set})
    rows.append(Row("fancy set x[idx] = v, 1M int64 into 4M f32", t.pop("mnnx"), t, TARGETS))

    mask_np = a > 0.5
    mask = mnp.asarray(mask_np)
    t_mask = torch.from_numpy(mask_np)
    assert np.array_equal(np.asarray(x[mask]), a[mask_np])
    t = compare({"mnnx": lambda: x[mask].realize(), "numpy": lambda: a[mask_np], "torch": lambda: t_a[t_mask]})
    rows.append(Row("mask get x[m], 4M f32, half selected", t.pop("mnnx"), t, TARGETS))

    assert np.array_equal(np.asarray(mnp.sort(x)), np.sort(a))
    t = compare({"mnnx": lambda: mnp.sort(x).realize(), "numpy": lambda: np.sort(a),
                 "torch": lambda: torch.sort(t_a, stable=True)})
    rows.append(Row("sort 4M f32", t.pop("mnnx"), t, TARGETS))

    assert np.array_equal(np.asarray(mnp.argsort(x)), np.argsort(a, kind="stable"))
    t = compare({"mnnx": lambda: mnp.argsort(x).realize(), "numpy": lambda: np.argsort(a),
                 "numpy stable": lambda: np.argsort(a, kind="stable")})
    rows.append(Row("argsort 4M f32", t.pop("mnnx"), t, TARGETS))

    assert np.array_equal(np.asarray(mnp.unique(x)), np.unique(a))
    t = compare({"mnnx": lambda: mnp.unique(x).realize(), "numpy": lambda: np.unique(a),
                 "torch": lambda: torch.unique(t_a)})
    rows.append(Row("unique 4M f32", t.pop("mnnx"), t, TARGETS))
    return rows


if __name__ == "__main__":
    from common import run_standalone
    run_standalone(run)
