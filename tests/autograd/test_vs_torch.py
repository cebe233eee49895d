"""Gradients against torch: tie conventions, zeros in products, losses, conv, an MLP step."""
import numpy as np
import pytest

import mnnx
import mnnx.numpy as mnp
from mnnx import expr as F
from mnnx.nn import functional as NF

torch = pytest.importorskip("torch")
TF = torch.nn.functional
R = np.random.default_rng(99)


def both(f_m, f_t, *arrays, grad_out=None, rtol=1e-6, atol=1e-9):
    """Value and gradients of f on every input, mnnx against torch."""
    xs = [mnnx.tensor(a, requires_grad=True) for a in arrays]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    ym, yt = f_m(*xs), f_t(*ts)
    np.testing.assert_allclose(np.asarray(ym), yt.detach().numpy(), rtol=rtol, atol=atol, err_msg="value")
    go = R.standard_normal(yt.shape) if grad_out is None else grad_out
    ym.backward(mnp.asarray(np.asarray(go, dtype=arrays[0].dtype)))
    yt.backward(torch.tensor(np.asarray(go, dtype=arrays[0].dtype)))
    for k, (x, t) in enumerate(zip(xs, ts)):
        want = np.zeros(t.shape) if t.grad is None else t.grad.numpy()
        got = np.zeros(t.shape) if x.grad is None else np.asarray(x.grad)
        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, err_msg=f"gradient of input {k}")


TIES_A = np.array([1.0, 2.0, 3.0, np.nan, 0.0, -1.0])
TIES_B = np.array([1.0, 1.0, 4.0, 1.0, np.nan, -1.0])


@pytest.mark.parametrize("name", ["maximum", "minimum", "fmax", "fmin"])
def test_binary_ties_and_nan(name):
    both(getattr(mnp, name), getattr(torch, name), TIES_A, TIES_B)


def test_clip_bounds_relu_abs_at_kinks():
    x = np.array([-2.0, -1.0, 0.0, 0.5, 1.0, 3.0])
    both(lambda v: mnp.clip(v, -1.0, 1.0), lambda v: torch.clamp(v, -1.0, 1.0), x)
    lo, hi = np.array([-1.0, -1, 0, 1, 0, 4]), np.array([1.0, 0, 0, 2, 1, 2])
    both(lambda v, a, b: mnp.clip(v, a, b), lambda v, a, b: torch.clamp(v, a, b), x, lo, hi)
    both(F.relu, torch.relu, x)
    both(lambda v: F.relu(v, 0.1), lambda v: TF.leaky_relu(v, 0.1), x)
    both(mnp.abs, torch.abs, x)
    both(lambda v: mnp.where(v > 0, v, v * v), lambda v: torch.where(v > 0, v, v * v), x)


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_max_min_ties_spread_evenly(axis):
    x = np.array([[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, 2.0, -5.0], [0.0, 0.0, -1.0, -1.0]])
    for m, t in ((mnp.max, torch.amax), (mnp.min, torch.amin)):
        dims = () if axis is None else axis
        both(lambda v: m(v, axis=axis), lambda v: t(v, dim=dims), x)


def test_prod_cumprod_with_zeros():
    x = np.array([[0.0, 2.0, 3.0, 0.0], [1.5, 0.0, -2.0, 3.0], [1.0, 2.0, 3.0, 4.0], [0.0, 0.0, 0.0, 1.0]])
    both(lambda v: mnp.prod(v, axis=1), lambda v: torch.prod(v, 1), x)
    both(lambda v: mnp.prod(v, axis=0), lambda v: torch.prod(v, 0), x)
    both(lambda v: mnp.cumprod(v, axis=1), lambda v: torch.cumprod(v, 1), x)
    both(lambda v: mnp.cumprod(v, axis=0), lambda v: torch.cumprod(v, 0), x)


def test_power_edges_and_sqrt_at_zero():
    a = np.array([0.0, 0.0, 2.0, 0.0, 1.5])
    b = np.array([0.0, 2.0, 0.0, 0.5, -1.0])
    both(mnp.power, torch.pow, a, b)
    both(mnp.sqrt, torch.sqrt, np.array([0.0, 1.0, 4.0]), grad_out=np.ones(3))


def test_softmax_family_layer_norm_float32():
    x = R.standard_normal((4, 7)).astype(np.float32)
    w, b = R.standard_normal(7).astype(np.float32), R.standard_normal(7).astype(np.float32)
    kw = dict(rtol=2e-5, atol=2e-6)
    both(lambda v: F.softmax(v, 1), lambda v: torch.softmax(v, 1), x, **kw)
    both(lambda v: F.log_softmax(v, 0), lambda v: torch.log_softmax(v, 0), x, **kw)
    both(lambda v, a, c: F.layer_norm(v, a, c, 1e-5), lambda v, a, c: TF.layer_norm(v, (7,), a, c, 1e-5), x, w, b, **kw)


@pytest.mark.parametrize("kw", [
    {}, {"reduction": "sum"}, {"reduction": "none"}, {"ignore_index": 2}, {"label_smoothing": 0.3},
    {"weight": True}, {"weight": True, "ignore_index": 0, "label_smoothing": 0.1},
    {"weight": True, "reduction": "none", "label_smoothing": 0.2},
])
def test_cross_entropy_and_nll_class_indices(kw):
    x = R.standard_normal((6, 4))
    t = np.array([0, 2, 3, 2, 1, 0])
    kw = dict(kw)
    wm = wt = None
    if kw.pop("weight", False):
        w = R.uniform(0.2, 2.0, 4)
        wm, wt = mnp.asarray(w), torch.tensor(w)
    both(lambda v: NF.cross_entropy(v, t, weight=wm, **kw), lambda v: TF.cross_entropy(v, torch.tensor(t), weight=wt, **kw),
         x, grad_out=None if kw.get("reduction") == "none" else np.float64(1.0))
    kw.pop("label_smoothing", None)
    both(lambda v: NF.nll_loss(F.log_softmax(v, 1), t, weight=wm, **kw),
         lambda v: TF.nll_loss(torch.log_softmax(v, 1), torch.tensor(t), weight=wt, **kw),
         x, grad_out=None if kw.get("reduction") == "none" else np.float64(1.0))


def test_cross_entropy_spatial_unbatched_and_probabilities():
    x = R.standard_normal((2, 3, 4, 5))
    t = R.integers(0, 3, (2, 4, 5))
    both(lambda v: NF.cross_entropy(v, t), lambda v: TF.cross_entropy(v, torch.tensor(t)), x, grad_out=np.float64(1))
    both(lambda v: NF.cross_entropy(v, np.array(2)), lambda v: TF.cross_entropy(v, torch.tensor(2)), x[0, :, 0, 0],
         grad_out=np.float64(1))
    p = np.abs(R.standard_normal((2, 3, 4, 5)))
    w = R.uniform(0.5, 1.5, 3)
    both(lambda v: NF.cross_entropy(v, p, weight=w, label_smoothing=0.2),
         lambda v: TF.cross_entropy(v, torch.tensor(p), weight=torch.tensor(w), label_smoothing=0.2), x,
         grad_out=np.float64(1))


def test_cross_entropy_errors():
    x = mnp.asarray(R.standard_normal((3, 4)))
    with pytest.raises(IndexError, match="out of bounds"):
        NF.cross_entropy(x, np.array([0, 4, 1]))
    with pytest.raises(ValueError, match="not a valid value for reduction"):
        NF.cross_entropy(x, np.array([0, 1, 1]), reduction="avg")
    with pytest.raises(ValueError, match="shape"):
        NF.cross_entropy(x, np.array([0, 1]))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_regression_and_binary_losses(reduction):
    x, t = R.standard_normal((3, 5)), R.standard_normal((3, 5))
    t[0, :2] = x[0, :2]  # ties at the kinks of l1 / smooth l1
    go = None if reduction == "none" else np.float64(1.0)
    for m, tf, kw in ((NF.mse_loss, TF.mse_loss, {}), (NF.l1_loss, TF.l1_loss, {}),
                      (NF.smooth_l1_loss, TF.smooth_l1_loss, {"beta": 0.5}),
                      (NF.smooth_l1_loss, TF.smooth_l1_loss, {"beta": 0.0})):
        both(lambda a, b: m(a, b, reduction=reduction, **kw), lambda a, b: tf(a, b, reduction=reduction, **kw), x, t,
             grad_out=go)
    p, q = R.uniform(0.05, 0.95, (3, 5)), R.uniform(0, 1, (3, 5))
    w, pw = R.uniform(0.5, 2, 5), R.uniform(0.5, 2, 5)
    both(lambda a, b: NF.binary_cross_entropy(a, b, weight=w, reduction=reduction),
         lambda a, b: TF.binary_cross_entropy(a, b, weight=torch.tensor(w), reduction=reduction), p, q, grad_out=go)
    x[1, 1] = 0.0
    both(lambda a, b: NF.binary_cross_entropy_with_logits(a, b, weight=w, pos_weight=pw, reduction=reduction),
         lambda a, b: TF.binary_cross_entropy_with_logits(a, b, weight=torch.tensor(w), pos_weight=torch.tensor(pw),
                                                          reduction=reduction), 30 * x, q, grad_out=go)


@pytest.mark.parametrize("s,p,d,g", [(1, 1, 1, 1), (2, 1, 1, 1), (2, 0, 2, 2), (1, 1, 1, 8)])
def test_conv2d_float32(s, p, d, g):
    x = R.standard_normal((2, 8, 9, 9)).astype(np.float32)
    w = R.standard_normal((8, 8 // g, 3, 3)).astype(np.float32)
    both(lambda a, b: NF.conv2d(a, b, stride=s, padding=p, dilation=d, groups=g),
         lambda a, b: TF.conv2d(a, b, stride=s, padding=p, dilation=d, groups=g), x, w, rtol=2e-4, atol=2e-4)


@pytest.mark.parametrize("s,p,op,d,g", [(1, 0, 0, 1, 1), (2, 1, 1, 1, 1), (2, 1, 0, 1, 2), (3, 2, 1, 2, 1)])
def test_conv_transpose2d_float32(s, p, op, d, g):
    x = R.standard_normal((2, 4, 5, 6)).astype(np.float32)
    w = R.standard_normal((4, 6 // g, 3, 3)).astype(np.float32)
    both(lambda a, b: NF.conv_transpose2d(a, b, stride=s, padding=p, output_padding=op, groups=g, dilation=d),
         lambda a, b: TF.conv_transpose2d(a, b, stride=s, padding=p, output_padding=op, groups=g, dilation=d), x, w,
         rtol=2e-4, atol=2e-4)


def test_mlp_step_float32():
    x = R.standard_normal((16, 12)).astype(np.float32)
    t = R.integers(0, 5, 16)
    ps = [R.standard_normal(s).astype(np.float32) * 0.3 for s in ((12, 10), (10,), (10, 5), (5,))]

    def mlp(lib, w1, b1, w2, b2):
        if lib == "m":
            h = F.relu(mnp.asarray(x) @ w1 + b1)
            return NF.cross_entropy(h @ w2 + b2, t)
        h = torch.relu(torch.tensor(x) @ w1 + b1)
        return TF.cross_entropy(h @ w2 + b2, torch.tensor(t))
    both(lambda *a: mlp("m", *a), lambda *a: mlp("t", *a), *ps, grad_out=np.float32(1.0), rtol=1e-5, atol=1e-6)


def test_conv2d_of_a_summed_output():
    # the output gradient arrives as a broadcast scalar (zero strides) in the weight-gradient kernel
    x = R.standard_normal((3, 4, 6, 6)).astype(np.float32)
    w = R.standard_normal((6, 2, 3, 3)).astype(np.float32)
    both(lambda a, b: (NF.conv2d(a, b, padding=1, groups=2) * 1.0).sum(),
         lambda a, b: (TF.conv2d(a, b, padding=1, groups=2) * 1.0).sum(), x, w, grad_out=np.float32(1.0), rtol=1e-4, atol=1e-4)
