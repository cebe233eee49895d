"""Gradients of pooling: the backward kernels against torch, and the average pooling's adjoint
(second derivative) by finite differences."""
import numpy as np
import pytest

import mnnx
import mnnx.numpy as mnp
import mnnx.nn.functional as F

torch = pytest.importorskip("torch")

CASES = [dict(kernel_size=3, stride=2, padding=1), dict(kernel_size=2), dict(kernel_size=(2, 3), stride=(2, 1)),
         dict(kernel_size=3, stride=1, padding=1, ceil_mode=True), dict(kernel_size=3, stride=2, ceil_mode=True)]


@pytest.mark.parametrize("kw", CASES, ids=str)
@pytest.mark.parametrize("name", ["max_pool2d", "avg_pool2d", "avg_pool2d_nopad"])
@pytest.mark.parametrize("shape", [(2, 3, 9, 8), (3, 7, 7)])
def test_pool_grad_matches_torch(name, kw, shape):
    rng = np.random.default_rng(3)
    x = rng.standard_normal(shape)
    k = dict(kw)
    fn = name.replace("_nopad", "")
    if name.endswith("_nopad"):
        k["count_include_pad"] = False
    X = mnnx.tensor(x, requires_grad=True)
    y = getattr(F, fn)(X, **k)
    gy = rng.standard_normal(tuple(y.shape))
    gx, = mnnx.grad((y * mnp.asarray(gy)).sum(), [X])
    T = torch.tensor(x, requires_grad=True)
    (getattr(torch.nn.functional, fn)(T, **k) * torch.tensor(gy)).sum().backward()
    np.testing.assert_allclose(np.asarray(gx), T.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_adaptive_and_global_pool_grads_match_torch():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((2, 3, 10, 7))
    for fn, arg in [("adaptive_avg_pool2d", (3, 4)), ("adaptive_max_pool2d", (4, 3)), ("adaptive_avg_pool2d", 1)]:
        X = mnnx.tensor(x, requires_grad=True)
        out = getattr(F, fn)(X, arg)
        gx, = mnnx.grad((out ** 2).sum(), [X])
        T = torch.tensor(x, requires_grad=True)
        (getattr(torch.nn.functional, fn)(T, arg) ** 2).sum().backward()
        np.testing.assert_allclose(np.asarray(gx), T.grad.numpy(), rtol=1e-10, atol=1e-12, err_msg=fn)


def test_avg_pool_second_derivative_by_finite_differences():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((1, 2, 6, 5))
    v = rng.standard_normal((1, 2, 6, 5))

    def grad_dot_v(xv):  # d/dx of sum(avg_pool(x)^3), contracted with v
        X = mnnx.tensor(xv, requires_grad=True)
        g, = mnnx.grad((F.avg_pool2d(X, 3, 2, 1) ** 3).sum(), [X], create_graph=True)
        return X, (g * mnp.asarray(v)).sum()

    X, s = grad_dot_v(x)
    hv, = mnnx.grad(s, [X])
    eps = 1e-6
    num = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        d = np.zeros_like(x)
        d[i] = eps
        num[i] = (float(grad_dot_v(x + d)[1]) - float(grad_dot_v(x - d)[1])) / (2 * eps)
    np.testing.assert_allclose(np.asarray(hv), num, rtol=1e-5, atol=1e-7)


def test_max_pool_second_derivative_says_unsupported():
    X = mnnx.tensor(np.ones((1, 1, 4, 4)), requires_grad=True)
    g, = mnnx.grad((F.max_pool2d(X, 2) ** 2).sum(), [X], create_graph=True)
    with pytest.raises(NotImplementedError, match="max_pool2d"):
        mnnx.grad(g.sum(), [X])
