"""The backward graph recorded per forward structure and replayed on later steps (autograd/replay.h):
replayed gradients against torch and against the rules walked afresh, and the cases where the
recording must not be reused (other structure, buffers shared differently, retain_graph=False)."""
import io

import numpy as np
import pytest

import mnnx
import mnnx.numpy as mnp
from mnnx import expr as F
from mnnx.nn import functional as NF


def _replays():
    return mnnx._C.ag_replay_info()[0]


def _mlp_params(rng, sizes=(12, 8, 5, 3)):
    ps = []
    for i, o in zip(sizes[:-1], sizes[1:]):
        ps += [(rng.standard_normal((i, o)) / np.sqrt(i)).astype(np.float32), rng.standard_normal(o).astype(np.float32)]
    return ps


def _mlp_loss(x, y, ps):
    h = x
    for k in range(0, len(ps), 2):
        h = h @ ps[k] + ps[k + 1]
        if k + 2 < len(ps):
            h = F.relu(h)
    return NF.cross_entropy(h, y)


@pytest.mark.parametrize("habit", ["grad", "backward"])
def test_mlp_steps_replay_and_match_torch(habit):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    start = _replays()
    for step in range(4):  # new data and parameter values every step, one structure
        x = rng.standard_normal((6, 12)).astype(np.float32)
        y = rng.integers(0, 3, 6)
        ps = _mlp_params(rng)
        pm = [mnnx.tensor(p, requires_grad=True) for p in ps]
        loss = _mlp_loss(mnp.asarray(x), mnp.asarray(y), pm)
        if habit == "grad":
            gs = mnnx.grad(loss, pm)
        else:
            loss.backward()
            gs = [p.grad for p in pm]
        pt = [torch.tensor(p, requires_grad=True) for p in ps]
        h = torch.from_numpy(x)
        for k in range(0, len(pt), 2):
            h = h @ pt[k] + pt[k + 1]
            if k + 2 < len(pt):
                h = torch.relu(h)
        lt = torch.nn.functional.cross_entropy(h, torch.from_numpy(y))
        lt.backward()
        np.testing.assert_allclose(float(loss), float(lt.detach()), rtol=1e-5)
        for g, p in zip(gs, pt):
            np.testing.assert_allclose(np.asarray(g), p.grad.numpy(), rtol=1e-4, atol=1e-5)
    assert _replays() - start >= 3


def _fresh(fn):
    """fn() with every recording dropped first: the rules walked again."""
    mnnx._C.ag_replay_clear()
    return fn()


def test_views_of_realized_inputs_follow_the_new_buffers():
    # matmul's rule transposes the realized x and w: the replay must view the new step's buffers
    rng = np.random.default_rng(1)

    def step(seed):
        r = np.random.default_rng(seed)
        data = mnp.asarray(r.standard_normal((5, 9)))
        w = mnnx.tensor(r.standard_normal((6, 4)), requires_grad=True)
        x = data[:, 2:8]  # a view at an offset into data's buffer
        loss = mnp.sum(mnp.tanh(x @ w) * data[:, :4])
        return [np.asarray(g) for g in mnnx.grad(loss, [w])]
    step(0)
    before = _replays()
    for seed in rng.integers(0, 1000, 3):
        got = step(seed)
        assert _replays() > before
        before = _replays()
        want = _fresh(lambda: step(seed))
        np.testing.assert_array_equal(got[0], want[0])


def test_inputs_sharing_a_buffer_differently_are_not_replayed_wrongly():
    def step(shared, seed):
        r = np.random.default_rng(seed)
        if shared:
            d = r.standard_normal((4, 6))
            a, b = mnp.asarray(d)[:, :3], mnp.asarray(d)[:, 3:]
        else:
            a, b = mnp.asarray(r.standard_normal((4, 3))), mnp.asarray(r.standard_normal((4, 3)))
        w = mnnx.tensor(r.standard_normal((3, 3)), requires_grad=True)
        loss = mnp.sum((a @ w) * (b @ w))
        return np.asarray(mnnx.grad(loss, [w])[0])
    for order in ((True, False, True), (False, True, False)):
        mnnx._C.ag_replay_clear()
        for k, shared in enumerate(order):
            got = step(shared, k)
            want = _fresh(lambda: step(shared, k))
            np.testing.assert_array_equal(got, want)


def test_other_structures_get_their_own_recording():
    w = mnnx.tensor(np.linspace(-1, 1, 12).reshape(3, 4), requires_grad=True)
    fs = [lambda w: mnp.sum(mnp.tanh(w)), lambda w: mnp.sum(mnp.sin(w)), lambda w: mnp.sum(mnp.tanh(w[:, :2])),
          lambda w: mnp.sum(mnp.tanh(w), axis=0)[1]]
    for _ in range(2):
        for f in fs:
            got = np.asarray(mnnx.grad(f(w), [w])[0])
            want = _fresh(lambda: np.asarray(mnnx.grad(f(w), [w])[0]))
            np.testing.assert_array_equal(got, want)


def test_replayed_backward_accumulates_and_frees_like_the_rules():
    x = mnp.asarray(np.arange(6.0).reshape(2, 3))
    w = mnnx.tensor(np.ones((3, 2)), requires_grad=True)
    for _ in range(3):  # the first call records, the others replay
        loss = mnp.sum((x @ w) ** 2)
        loss.backward()
    one = 2 * np.asarray(x).T @ (np.asarray(x) @ np.ones((3, 2)))
    np.testing.assert_allclose(np.asarray(w.grad), 3 * one)
    loss = mnp.sum((x @ w) ** 2)
    loss.backward(retain_graph=False)
    with pytest.raises(RuntimeError, match="second time"):
        loss.backward()
    w.grad = None


def test_replayed_grad_still_refuses_unused_inputs():
    a = mnnx.tensor(np.ones(3), requires_grad=True)
    b = mnnx.tensor(np.ones(3), requires_grad=True)
    for _ in range(2):
        g = mnnx.grad(mnp.sum(a * 2.0), [a, b], allow_unused=True)
        assert g[1] is None
        np.testing.assert_array_equal(np.asarray(g[0]), [2.0, 2.0, 2.0])
        with pytest.raises(RuntimeError, match="not have been used"):
            mnnx.grad(mnp.sum(a * 2.0), [a, b])


def test_scalar_values_are_part_of_the_structure():
    # constants are read by the replayed graph, not copied into it: new values give new gradients
    w = mnnx.tensor(np.array([1.0, 2.0]), requires_grad=True)
    for c in (2.0, 3.0, 5.0):
        g = mnnx.grad(mnp.sum(w * c), [w])[0]
        np.testing.assert_array_equal(np.asarray(g), [c, c])


def test_where_on_another_arrays_condition_is_not_taken_for_relu():
    # relu's rule reads its output when the condition compares the selected value itself; a condition
    # on another array of the same shape and dtype must neither take that path nor replay its recording
    b = mnnx.tensor(np.array([-1.0, 2.0, -3.0, 4.0]), requires_grad=True)
    o = mnp.asarray(np.array([1.0, -2.0, -3.0, 4.0]))
    for on_self in (True, False, True, False):
        c = (b <= 0) if on_self else (o <= 0)
        g = mnnx.grad(mnp.sum(mnp.where(c, 0.0, b) * 3.0), [b])[0]
        mask = np.asarray(b) <= 0 if on_self else np.asarray(o) <= 0
        np.testing.assert_array_equal(np.asarray(g), np.where(mask, 0.0, 3.0))


def test_relu_backward_reads_the_output_so_bias_and_relu_fuse_into_the_gemm():
    rng = np.random.default_rng(2)
    x = mnp.asarray(rng.standard_normal((8, 5)).astype(np.float32))
    w = mnnx.tensor(rng.standard_normal((5, 6)).astype(np.float32), requires_grad=True)
    b = mnnx.tensor(rng.standard_normal(6).astype(np.float32), requires_grad=True)
    w2 = mnp.asarray(rng.standard_normal((6, 3)).astype(np.float32))
    loss = mnp.sum(F.relu(x @ w + b) @ w2)  # the relu output is a GEMM operand: it is materialized
    gw, gb = mnnx.grad(loss, [w, b])
    text = mnnx.debug.explain(loss, gw, gb, file=io.StringIO())
    first = text.splitlines()[1]
    assert "dense matmul" in first and "fused epilogue" in first, text
    pre = np.asarray(x) @ np.asarray(w) + np.asarray(b)
    np.testing.assert_allclose(np.asarray(gb), np.where(pre > 0, np.asarray(w2).sum(1), 0.0).sum(0), rtol=1e-5)
