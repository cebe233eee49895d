"""Autograd: forward + backward of a training step against torch (2 threads each).

  MLP 784-256-128-10, batch 64, relu, cross_entropy: gradients of the 6 parameters
      mnnx (grad):     loss, grads = ..., mnnx.grad(loss, params); mnnx.eval(loss, *grads)  (one plan)
      mnnx (backward): loss.backward() (fills .grad, realizes loss and grads in one plan)
      torch:           loss.backward() after zeroing .grad
  conv (a) 64->64 56x56 3x3 pad 1 batch 1 and (b) batch 8 32->64 32x32 3x3 pad 1: gradients of
      input and weight for a given output gradient (torch.autograd.grad vs mnnx.grad)

Every mnnx gradient is checked against torch before timing. Peak memory of the MLP step: each
library runs 20 steps in a fresh subprocess; the figure is the rise of the process's peak RSS
(VmHWM, reset to the current RSS by writing 5 to /proc/self/clear_refs just before the first step,
with data and parameters already allocated) over that RSS. It counts whatever the step keeps
resident: intermediates, gradients, allocator caches (mnnx's block cache, glibc's heap)."""
import json
import os
import subprocess
import sys

import numpy as np

from common import Row, compare, setup_threads

MLP = (784, 256, 128, 10)
BATCH = 64
CONVS = {"(a) 64->64 56x56 3x3 pad 1": (1, 64, 56, 64), "(b) batch 8, 32->64 32x32 3x3 pad 1": (8, 32, 32, 64)}


def _mlp_data(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((BATCH, MLP[0])).astype(np.float32)
    y = rng.integers(0, MLP[-1], BATCH)
    params = []
    for i, o in zip(MLP[:-1], MLP[1:]):
        params += [(rng.standard_normal((i, o)) / np.sqrt(i)).astype(np.float32), np.zeros(o, np.float32)]
    return x, y, params


def _mnnx_mlp(x, y, params):
    import mnnx
    import mnnx.numpy as mnp
    from mnnx import expr as F
    from mnnx.nn import functional as NF
    xm, ym = mnp.asarray(x), mnp.asarray(y)
    ps = [mnnx.tensor(p, requires_grad=True) for p in params]

    def loss_of():
        h = xm
        for k in range(0, len(ps), 2):
            h = h @ ps[k] + ps[k + 1]
            if k + 2 < len(ps):
                h = F.relu(h)
        return NF.cross_entropy(h, ym)

    def step_grad():
        loss = loss_of()
        gs = mnnx.grad(loss, ps)
        mnnx.eval(loss, *gs)
        return loss, gs

    def step_backward():
        for p in ps:
            p.grad = None
        loss = loss_of()
        loss.backward()
        return loss, [p.grad for p in ps]
    return step_grad, step_backward


def _torch_mlp(x, y, params):
    import torch
    import torch.nn.functional as TF
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    ps = [torch.tensor(p, requires_grad=True) for p in params]

    def step():
        for p in ps:
            p.grad = None
        h = xt
        for k in range(0, len(ps), 2):
            h = h @ ps[k] + ps[k + 1]
            if k + 2 < len(ps):
                h = torch.relu(h)
        loss = TF.cross_entropy(h, yt)
        loss.backward()
        return loss, [p.grad for p in ps]
    return step


def _check(got, want, rtol=1e-3, atol=1e-4):
    for g, w in zip(got, want):
        np.testing.assert_allclose(np.asarray(g), w.detach().numpy(), rtol=rtol, atol=atol)


def _conv_fns(N, C, H, O, rng):
    import torch
    import torch.nn.functional as TF
    import mnnx
    import mnnx.numpy as mnp
    from mnnx.nn import functional as NF
    x = rng.standard_normal((N, C, H, H)).astype(np.float32)
    w = (rng.standard_normal((O, C, 3, 3)) / np.sqrt(9 * C)).astype(np.float32)
    go = rng.standard_normal((N, O, H, H)).astype(np.float32)
    xm, wm, gm = mnnx.tensor(x, requires_grad=True), mnnx.tensor(w, requires_grad=True), mnp.asarray(go)
    xt, wt, gt = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True), torch.from_numpy(go)

    def f_m():
        gs = mnnx.grad(NF.conv2d(xm, wm, padding=1), [xm, wm], grad_outputs=gm)
        mnnx.eval(*gs)
        return gs

    def f_t():
        return torch.autograd.grad(TF.conv2d(xt, wt, padding=1), [xt, wt], gt)
    return f_m, f_t


def run():
    rows = _run_at(None)
    # the same at one thread each: on a loaded 2-vCPU machine the 2-thread figures mostly measure how
    # each thread pool copes with a busy neighbour; one thread compares the kernels themselves
    import mnnx
    import torch
    mnnx.set_num_threads(1)
    torch.set_num_threads(1)
    rows += _run_at(1)
    setup_threads()
    return rows


def _run_at(threads):
    if threads is None:
        setup_threads()
    tag = "" if threads is None else f", {threads} thread"
    target = {"torch": 1.0} if threads is None else {}  # the targets are at 2 threads
    rows = []
    x, y, params = _mlp_data()
    step_grad, step_backward = _mnnx_mlp(x, y, params)
    step_t = _torch_mlp(x, y, params)
    lt, gt = step_t()
    for f in (step_grad, step_backward):
        lm, gm = f()
        np.testing.assert_allclose(float(lm), float(lt.detach()), rtol=1e-5)
        _check(gm, gt)
    t = compare({"mnnx": step_grad, "mnnx_bw": step_backward, "torch": step_t})
    note = ""
    if threads is None:
        mem = {lib: _peak_memory(lib) for lib in ("mnnx", "torch")}
        note = (f"peak RSS rise over 20 steps: mnnx {mem['mnnx'] / 2**20:.1f} MiB, torch {mem['torch'] / 2**20:.1f} "
                f"MiB (ratio torch/mnnx {mem['torch'] / max(mem['mnnx'], 1):.2f})")
    name = f"MLP 784-256-128-10 b64 fwd+bwd, f32{tag}"
    rows.append(Row(name, t["mnnx"], {"torch": t["torch"]}, target, mnnx_label="mnnx (grad)", note=note))
    rows.append(Row(name, t["mnnx_bw"], {"torch": t["torch"]}, target, mnnx_label="mnnx (backward)"))
    rng = np.random.default_rng(1)
    for name, (N, C, H, O) in CONVS.items():
        f_m, f_t = _conv_fns(N, C, H, O, rng)
        _check(f_m(), f_t(), rtol=2e-3, atol=2e-3)
        t = compare({"mnnx": f_m, "torch": f_t})
        flops = 2 * 2 * N * O * C * 9 * H * H
        rows.append(Row(f"conv2d {name} input+weight grads, f32{tag}", t["mnnx"], {"torch": t["torch"]}, target,
                        note=f"{flops / t['mnnx'].median / 1e9:.0f} GFLOP/s"))
    return rows


# ---- peak memory, one fresh process per library ----

_CHILD = """
import json, sys
sys.path.insert(0, {here!r})
import numpy as np
from bench_autograd import _mlp_data, _mnnx_mlp, _torch_mlp
lib = {lib!r}
x, y, params = _mlp_data()
if lib == "torch":
    import torch
    torch.set_num_threads(2)
    step = _torch_mlp(x, y, params)
else:
    import mnnx
    mnnx.set_num_threads(2)
    step = _mnnx_mlp(x, y, params)[0]
def status(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # the peak RSS (VmHWM) starts again from the current RSS
before = status("VmRSS")
for _ in range(20):
    loss, grads = step()
    float(loss)
print(json.dumps({{"before": before, "peak": status("VmHWM")}}))
"""


def _peak_memory(lib):
    here = os.path.dirname(os.path.abspath(__file__))
    out = subprocess.run([sys.executable, "-c", _CHILD.format(here=here, lib=lib)], capture_output=True, text=True,
                         check=True).stdout
    r = json.loads(out.strip().splitlines()[-1])
    return max(r["peak"] - r["before"], 0)


if __name__ == "__main__":
    from common import run_standalone
    run_standalone(run)
