"""The three habits (backward, grad, value_and_grad), grad mode, detach, accumulation, errors,
higher order and the plan cache of a training step."""
import numpy as np
import pytest

import mnnx
import mnnx.numpy as mnp
from mnnx.nn import functional as NF
from ag_check import gradgradcheck

R = np.random.default_rng(7)


def leaf(*shape, dtype=np.float64):
    return mnnx.tensor(R.standard_normal(shape).astype(dtype), requires_grad=True)


def test_issue_example_three_habits_agree():
    w = mnnx.tensor(R.standard_normal((4, 3)).astype(np.float32), requires_grad=True)
    x = mnp.ones((8, 4), dtype=mnp.float32)
    loss = mnp.tanh(x @ w).sum()
    loss.backward()
    gw, = mnnx.grad(mnp.tanh(x @ w).sum(), [w])
    v, g2 = mnnx.value_and_grad(lambda w: mnp.tanh(x @ w).sum())(w)
    want = 8 * (1 - np.tanh(np.ones((1, 4), np.float32) @ np.asarray(w)) ** 2) * np.ones((4, 1))
    for g in (w.grad, gw, g2):
        assert g.dtype == np.float32
        np.testing.assert_allclose(np.asarray(g), want, rtol=1e-5)
    assert float(v) == pytest.approx(float(loss), rel=1e-6)


def test_grad_mode_context_decorator_and_propagation():
    x = leaf(3)
    assert (x * 2).requires_grad and not (x * 2).is_leaf
    with mnnx.no_grad():
        y = x * 2
        assert not mnnx.is_grad_enabled()
        with mnnx.enable_grad():
            assert (x * 2).requires_grad
    assert mnnx.is_grad_enabled() and not y.requires_grad and y.is_leaf

    @mnnx.no_grad()
    def f(v):
        return v + 1
    assert not f(x).requires_grad and mnnx.is_grad_enabled()

    @mnnx.no_grad
    def f2(v):
        with mnnx.enable_grad():
            return v + 1, v + 2
    a, _ = f2(x)
    assert a.requires_grad and mnnx.is_grad_enabled()
    assert not mnnx.no_grad(lambda v: v + 1)(x).requires_grad
    assert not mnnx.no_grad()(lambda v: v * 2)(x).requires_grad
    with mnnx.set_grad_enabled(False):
        assert not (x + 1).requires_grad
    assert mnnx.is_grad_enabled()
    # integer and boolean results never require grad
    assert not (x > 0).requires_grad and not mnp.argmax(x).requires_grad and not x.astype(np.int32).requires_grad
    assert not x.detach().requires_grad and not (x * 3).detach().requires_grad
    np.testing.assert_array_equal(np.asarray((x * 3).detach()), np.asarray(x) * 3)


def test_detach_stops_gradient():
    x = leaf(4)
    y = (x * x.detach()).sum()  # d/dx = x (the detached factor is a constant)
    g, = mnnx.grad(y, [x])
    np.testing.assert_allclose(np.asarray(g), np.asarray(x))


def test_accumulation_and_zero_grad():
    x = leaf(3)
    for _ in range(3):
        (x * 2.0).sum().backward()
    np.testing.assert_array_equal(np.asarray(x.grad), [6.0, 6.0, 6.0])
    x.grad = None
    (x * x).sum().backward()
    np.testing.assert_allclose(np.asarray(x.grad), 2 * np.asarray(x))


def test_nonscalar_backward_needs_gradient():
    x = leaf(2, 3)
    y = x * 3.0
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        y.backward()
    y.backward(mnp.asarray(np.arange(6.0).reshape(2, 3)))
    np.testing.assert_array_equal(np.asarray(x.grad), 3 * np.arange(6.0).reshape(2, 3))
    with pytest.raises(RuntimeError, match="Mismatch in shape"):
        (x * 3.0).backward(mnp.ones(3))


def test_integer_arrays_refuse_gradients():
    with pytest.raises(RuntimeError, match="only Tensors of floating point dtype can require gradients"):
        mnnx.tensor([1, 2, 3], requires_grad=True)
    with pytest.raises(RuntimeError, match="floating point"):
        mnp.arange(3).requires_grad_()
    i = mnp.arange(3)
    x = leaf(3)
    with pytest.raises(TypeError, match="only floating-point arrays have gradients"):
        mnnx.grad((x * i).sum(), [i])
    with pytest.raises(RuntimeError, match="does not require grad"):
        mnnx.grad((x * 2).sum(), [mnp.ones(3)])
    with pytest.raises(RuntimeError, match="does not require grad"):
        mnp.ones(3).sum().backward()
    with pytest.raises(TypeError, match="only floating-point"):
        mnnx.value_and_grad(lambda a: a.sum())(np.arange(3))


def test_unused_inputs():
    x, z = leaf(2), leaf(2)
    with pytest.raises(RuntimeError, match="allow_unused"):
        mnnx.grad((x * 2).sum(), [x, z])
    gx, gz = mnnx.grad((x * 2).sum(), [x, z], allow_unused=True)
    assert gz is None
    np.testing.assert_array_equal(np.asarray(gx), [2.0, 2.0])


def test_requires_grad_flags():
    x = leaf(2)
    y = x * 2
    with pytest.raises(RuntimeError, match="only change requires_grad flags of leaf variables"):
        y.requires_grad = False
    x.requires_grad = False
    assert not (x * 2).requires_grad
    z = mnp.ones(3).requires_grad_()  # a computed (lazy) array becomes a leaf
    assert z.is_leaf and z.requires_grad
    (z * 5).sum().backward()
    np.testing.assert_array_equal(np.asarray(z.grad), [5.0, 5.0, 5.0])
    with pytest.raises(RuntimeError, match="different size"):
        z.grad = mnp.ones(2)
    with pytest.raises(RuntimeError, match="different type"):
        z.grad = mnp.ones(3, dtype=np.float32)


def test_backward_after_the_forward_was_realized_and_retain_graph():
    x = leaf(3)
    h = mnp.exp(x)
    loss = (h * h).sum()
    float(loss)  # realized first: the graph below it is kept for backward
    loss.backward(retain_graph=False)  # PyTorch's default: the graph is freed
    np.testing.assert_allclose(np.asarray(x.grad), 2 * np.exp(2 * np.asarray(x)))
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        loss.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        mnnx.grad(loss, [x])
    x.grad = None
    loss = (mnp.exp(x) * 2).sum()
    loss.backward()  # mnnx's default keeps the graph: the habits can be mixed on one loss
    g, = mnnx.grad(loss, [x])
    loss.backward()
    np.testing.assert_allclose(np.asarray(x.grad), 4 * np.exp(np.asarray(x)))
    np.testing.assert_allclose(np.asarray(g), 2 * np.exp(np.asarray(x)))


def test_realized_intermediate_held_by_python():
    x = leaf(3)
    h = mnp.sin(x)
    h.realize()
    loss = (h * 2).sum()
    loss.backward()
    np.testing.assert_allclose(np.asarray(x.grad), 2 * np.cos(np.asarray(x)))
    np.testing.assert_allclose(np.asarray(h), np.sin(np.asarray(x)))  # values untouched


def test_leaf_in_place_updates():
    w = leaf(3)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        w += 1
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        w[0] = 1.0
    (w * w).sum().backward()
    old = np.array(w)
    with mnnx.no_grad():  # the PyTorch SGD habit
        w -= 0.1 * w.grad
        w[1] = 0.0
    assert w.requires_grad and w.is_leaf and w.grad is not None
    np.testing.assert_allclose(np.asarray(w), [old[0] * 0.8, 0.0, old[2] * 0.8])
    w.grad = None
    (w * 3).sum().backward()
    np.testing.assert_array_equal(np.asarray(w.grad), [3.0, 3.0, 3.0])
    # the PyTorch loop over a parameter list updates the list's arrays themselves
    params = [leaf(2), leaf(3)]
    before = [np.array(p) for p in params]
    sum((p * p).sum() for p in params).backward()
    with mnnx.no_grad():
        for p in params:
            p -= 0.25 * p.grad
    for p, b in zip(params, before):
        assert p.requires_grad and p.is_leaf
        np.testing.assert_allclose(np.asarray(p), 0.5 * b)


def test_value_and_grad_argnums_pytree_aux():
    a, b = R.standard_normal(3), R.standard_normal((3, 2))

    def f(p, x):
        return (mnp.tanh(x @ p["w"]) * p["s"][0]).sum(), "aux"
    (v, aux), g = mnnx.value_and_grad(f, argnums=0, has_aux=True)({"w": b, "s": [np.array([2.0])]}, a)
    assert aux == "aux" and set(g) == {"w", "s"} and isinstance(g["s"], list)
    t = np.tanh(a @ b)
    np.testing.assert_allclose(float(v), 2 * t.sum())
    np.testing.assert_allclose(np.asarray(g["w"]), 2 * np.outer(a, np.ones(2)) * (1 - t ** 2))
    np.testing.assert_allclose(np.asarray(g["s"][0]), [t.sum()])
    v, (ga, gb) = mnnx.value_and_grad(lambda x, w: (x @ w).sum(), argnums=(0, 1))(a, b)
    np.testing.assert_allclose(np.asarray(ga), b.sum(1))
    np.testing.assert_allclose(np.asarray(gb), np.outer(a, np.ones(2)))
    with pytest.raises(TypeError, match="scalar"):
        mnnx.value_and_grad(lambda x: x * 2)(a)


def test_grad_of_intermediate_and_multiple_outputs():
    x = leaf(3)
    h = x * 2
    y = (h * h).sum()
    z = h.sum()
    gh, gx = mnnx.grad([y, z], [h, x], grad_outputs=[None, mnp.asarray(3.0)])
    np.testing.assert_allclose(np.asarray(gh), 2 * np.asarray(h) + 3)
    np.testing.assert_allclose(np.asarray(gx), 2 * (2 * np.asarray(h) + 3))


# ---- higher order ----

def test_second_derivative_values():
    x = leaf(4)
    y = (mnp.sin(x) * x).sum()
    g, = mnnx.grad(y, [x], create_graph=True)
    assert g.requires_grad
    gg, = mnnx.grad(g.sum(), [x])
    xv = np.asarray(x)
    np.testing.assert_allclose(np.asarray(gg), 2 * np.cos(xv) - xv * np.sin(xv), rtol=1e-12)
    # third order through backward(create_graph=True)
    x2 = leaf(3)
    (x2 ** 4).sum().backward(create_graph=True)
    g1 = x2.grad
    x2.grad = None
    g2, = mnnx.grad(g1.sum(), [x2], create_graph=True)
    g3, = mnnx.grad(g2.sum(), [x2])
    np.testing.assert_allclose(np.asarray(g3), 24 * np.asarray(x2))


@pytest.mark.parametrize("name,f,shapes", [
    ("elementwise", lambda x: mnp.tanh(x) * mnp.exp(x) / (1 + x * x), [(3, 4)]),
    ("maximum-sigmoid", lambda x, y: mnp.sigmoid(mnp.maximum(x, y) * y), [(3, 4), (4,)]),
    ("sum-prod", lambda x: mnp.prod(x, axis=1) + mnp.sum(x * x, axis=0, keepdims=True).T, [(4, 4)]),
    ("max-var", lambda x: mnp.max(x * x, axis=0) + mnp.std(x, axis=0), [(3, 4)]),
    ("cumprod-softmax", lambda x: mnp.cumprod(x, axis=1) + mnnx.expr.softmax(x, 1) + mnnx.expr.log_softmax(x, 0), [(3, 4)]),
    ("matmul", lambda a, b: mnp.tanh(a @ b) @ b.T, [(3, 4), (4, 2)]),
    ("layer_norm", lambda x, w, b: mnnx.expr.layer_norm(x, w, b), [(3, 4), (4,), (4,)]),
    ("conv", lambda x, w: mnp.tanh(NF.conv2d(x, w, stride=2, padding=1)), [(1, 2, 5, 5), (2, 2, 3, 3)]),
    ("conv-groups", lambda x, w: mnp.tanh(NF.conv2d(x, w, padding=1, groups=2)), [(2, 4, 4, 4), (2, 2, 3, 3)]),
    ("conv-transpose", lambda x, w: mnp.tanh(NF.conv_transpose2d(x, w, stride=2, output_padding=1)),
     [(1, 2, 3, 3), (2, 2, 2, 2)]),
])
def test_gradgrad(name, f, shapes):
    gradgradcheck(f, *[R.uniform(0.3, 1.5, s) * np.where(R.random(s) < 0.5, 1, -1) for s in shapes])


# ---- plan cache: a training step built identically each time is planned once ----

def test_training_steps_hit_the_plan_cache():
    rng = np.random.default_rng(0)
    xs = [mnp.asarray(rng.standard_normal((16, 8)).astype(np.float32)) for _ in range(4)]
    teacher = rng.standard_normal((8, 3))
    ys = [mnp.asarray(np.argmax(np.asarray(x) @ teacher, axis=1)) for x in xs]
    w1 = mnnx.tensor(rng.standard_normal((8, 16)).astype(np.float32) * 0.3, requires_grad=True)
    w2 = mnnx.tensor(rng.standard_normal((16, 3)).astype(np.float32) * 0.3, requires_grad=True)
    b1 = mnnx.tensor(np.zeros(16, np.float32), requires_grad=True)
    params = [w1, b1, w2]
    losses = []
    info = []
    for step in range(100):
        x, y = xs[step % 4], ys[step % 4]
        h = mnp.maximum(x @ params[0] + params[1], 0.0)
        loss = NF.cross_entropy(h @ params[2], y)
        grads = mnnx.grad(loss, params)
        with mnnx.no_grad():
            new = [p - 0.1 * g for p, g in zip(params, grads)]
        mnnx.eval(loss, *new)
        params = [p.detach().requires_grad_() for p in new]
        losses.append(float(loss))
        info.append(mnnx.debug.plan_cache_info())
    assert losses[-1] < losses[0] * 0.7  # it trains
    assert info[-1].misses == info[2].misses, "steps after the first built new plans"
    assert info[-1].hits - info[2].hits >= 97



def test_backward_habit_training_loop_one_plan_per_step_and_graph_freed():
    rng = np.random.default_rng(3)
    x = mnp.asarray(rng.standard_normal((32, 6)).astype(np.float32))
    y = mnp.asarray(np.argmax(np.asarray(x) @ rng.standard_normal((6, 4)), axis=1))
    w = mnnx.tensor(rng.standard_normal((6, 4)).astype(np.float32) * 0.1, requires_grad=True)
    b = mnnx.tensor(np.zeros(4, np.float32), requires_grad=True)
    losses, info = [], []
    for _ in range(60):
        loss = NF.cross_entropy(x @ w + b, y)
        loss.backward(retain_graph=False)
        # the loss was computed in the same plan as the gradients and forgot its graph (retain_graph=False),
        # so keeping old losses does not keep old parameters alive
        assert loss._realized and mnnx._C.ag_inputs(loss) == []
        with mnnx.no_grad():  # PyTorch's manual SGD: the update is realized with the next step's plan
            w -= 0.5 * w.grad
            b -= 0.5 * b.grad
        w.grad = None
        b.grad = None
        losses.append(float(loss))
        info.append(mnnx.debug.plan_cache_info())
    assert losses[-1] < 0.5 * losses[0]
    assert info[-1].misses == info[3].misses
    assert info[-1].hits - info[3].hits == 56  # one plan per step: forward, backward and the last update


def test_the_issue_example_verbatim():
    w = mnnx.tensor(np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32), requires_grad=True)
    x = mnp.ones((8, 4), dtype=mnp.float32)
    loss = mnp.tanh(x @ w).sum()
    loss.backward()
    gw, = mnnx.grad(loss, [w])
    f = mnnx.value_and_grad(lambda w: (mnp.tanh(x @ w) ** 2).mean())
    v, g = f(w)
    t = np.tanh(np.ones((8, 4), np.float32) @ np.asarray(w))
    np.testing.assert_allclose(np.asarray(gw), np.asarray(w.grad), rtol=1e-6)
    np.testing.assert_allclose(float(v), (t ** 2).mean(), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(g), np.ones((4, 8)) @ (2 * t * (1 - t ** 2)) / t.size, rtol=1e-5)
    with mnnx.no_grad():
        assert not (w * 2).requires_grad
