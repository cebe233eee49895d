"""Every VJP rule against central finite differences in float64 (ag_check.gradcheck)."""
import numpy as np
import pytest

import mnnx
import mnnx.numpy as mnp
from mnnx import expr as F
from mnnx.nn import functional as NF
from mnnx.autograd._rules import RULES, NONDIFFERENTIABLE
from ag_check import gradcheck

R = np.random.default_rng(1234)


def u(*shape, lo=-2.0, hi=2.0):
    return R.uniform(lo, hi, size=shape)


UNARY = [
    ("negative", u(3, 4)), ("absolute", u(3, 4)), ("sqrt", u(3, 4, lo=0.5)), ("exp", u(3, 4)), ("exp2", u(3, 4)),
    ("expm1", u(3, 4)), ("log", u(3, 4, lo=0.5)), ("log2", u(3, 4, lo=0.5)), ("log10", u(3, 4, lo=0.5)),
    ("log1p", u(3, 4, lo=-0.5)), ("sin", u(3, 4)), ("cos", u(3, 4)), ("tan", u(3, 4, lo=-1.2, hi=1.2)),
    ("arcsin", u(3, 4, lo=-0.9, hi=0.9)), ("arccos", u(3, 4, lo=-0.9, hi=0.9)), ("arctan", u(3, 4)),
    ("sinh", u(3, 4)), ("cosh", u(3, 4)), ("tanh", u(3, 4)), ("erf", u(3, 4)), ("sigmoid", u(3, 4)),
    ("floor", u(3, 4) + 0.01), ("ceil", u(3, 4) + 0.01), ("trunc", u(3, 4) + 0.01), ("rint", np.round(u(3, 4)) + 0.2),
]


@pytest.mark.parametrize("name,x", UNARY, ids=[n for n, _ in UNARY])
def test_unary(name, x):
    f = getattr(mnp, name)
    # keep abs and the piecewise-constant ops away from their kinks
    if name == "absolute":
        x = np.where(np.abs(x) < 0.1, 0.5, x)
    gradcheck(f, x)


BINARY = [
    ("add", u(3, 1), u(4)), ("subtract", u(3, 1), u(4)), ("multiply", u(2, 3, 4), u(3, 1)),
    ("true_divide", u(3, 4), u(4, lo=0.5)), ("power", u(3, 4, lo=0.5), u(3, 1)), ("arctan2", u(3, 4), u(1, 4)),
    ("maximum", u(3, 4), u(3, 4)), ("minimum", u(3, 1), u(4)), ("fmax", u(3, 4), u(4)), ("fmin", u(3, 4), u(4)),
    ("remainder", u(3, 4, lo=0.1, hi=0.9), u(4, lo=1.0, hi=1.5)),
]


@pytest.mark.parametrize("name,a,b", BINARY, ids=[n for n, _, _ in BINARY])
def test_binary_broadcasting(name, a, b):
    gradcheck(getattr(mnp, name), a, b)


def test_floor_divide_is_flat():
    gradcheck(mnp.floor_divide, u(3, 4, lo=0.1, hi=0.9), u(4, lo=1.0, hi=1.5))


def test_scalar_operands_and_power_with_python_exponent():
    gradcheck(lambda x: (2.0 * x - 1) / 3 + x ** 3 + 2 ** x + x ** 0.5, u(5, lo=0.5))


def test_where_and_clip():
    c = u(3, 4) > 0
    gradcheck(lambda a, b: mnp.where(mnp.asarray(c), a, b), u(3, 4), u(4))
    x = u(3, 4)
    x = np.where(np.abs(np.abs(x) - 1) < 0.05, 0.0, x)
    gradcheck(lambda v: mnp.clip(v, -1.0, 1.0), x)


def test_casts():
    # through float32 and back: the gradient is the cotangent cast (exact, no finite differences)
    x = mnp.asarray(u(4)).requires_grad_()
    v = np.arange(1.0, 5.0)
    g, = mnnx.grad((x.astype(np.float32) * mnp.asarray(v, dtype=np.float32)).sum(), [x])
    assert g.dtype == np.float64
    np.testing.assert_array_equal(np.asarray(g), v)


@pytest.mark.parametrize("axis,keepdims", [(None, False), (0, False), (1, True), ((0, 2), False), (-1, True)])
@pytest.mark.parametrize("name", ["sum", "prod", "max", "min", "mean", "var", "std"])
def test_reductions(name, axis, keepdims):
    x = u(2, 3, 4, lo=0.5, hi=1.5) * np.where(R.random((2, 3, 4)) < 0.5, 1, -1)
    gradcheck(lambda v: getattr(mnp, name)(v, axis=axis, keepdims=keepdims), x)


def test_prod_with_zeros():
    x = u(3, 4)
    x[0, 1] = 0.0
    x[1, 0] = x[1, 3] = 0.0
    gradcheck(lambda v: mnp.prod(v, axis=1), x)
    gradcheck(lambda v: mnp.prod(v), x[2:])


@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
@pytest.mark.parametrize("axis", [0, 1, None])
def test_scans(name, axis):
    x = u(3, 4)
    x[1, 1] = 0.0
    x[2, 0] = x[2, 2] = 0.0
    gradcheck(lambda v: getattr(mnp, name)(v, axis=axis), x)


@pytest.mark.parametrize("axis", [-1, 0])
def test_softmax_log_softmax(axis):
    gradcheck(lambda v: F.softmax(v, axis), u(3, 5))
    gradcheck(lambda v: F.log_softmax(v, axis), u(3, 5))


def test_layer_norm():
    gradcheck(lambda v: F.layer_norm(v, eps=1e-5), u(3, 5))
    gradcheck(lambda v, w, b: F.layer_norm(v, w, b, eps=1e-3), u(2, 3, 5), u(5), u(5))


def test_movement():
    x, m = u(2, 3, 4), mnp.asarray(u(4, 6))
    gradcheck(lambda v: mnp.reshape(v, (4, 6)) * m, x)
    gradcheck(lambda v: mnp.transpose(v, (2, 0, 1)), x)
    gradcheck(lambda v: mnp.broadcast_to(v[:, :1, :], (5, 2, 3, 4)), x)
    gradcheck(lambda v: v[1, ::-2, 1:4:2], x)
    gradcheck(lambda v: v[..., None, 2], x)
    gradcheck(lambda v: mnp.flip(v, 1) * v, x)
    gradcheck(lambda v: mnp.tile(v[0], (2, 1)), x)
    gradcheck(lambda v: mnp.repeat(v[0], 2, axis=1), x)
    gradcheck(lambda v: mnp.expand_dims(mnp.squeeze(v[:, :1]), 0), x)
    gradcheck(lambda v: v.copy() * v, x)


def test_movement_of_realized_leaf_keeps_the_graph():
    # views of a realized array that requires grad are zero-copy and still differentiable
    x = mnp.asarray(u(2, 3)).requires_grad_()
    v = mnp.broadcast_to(x.T[::2], (4, 2, 2))
    assert v._realized  # still a zero-copy view
    g, = mnnx.grad((v * 3.0).sum(), [x])
    np.testing.assert_array_equal(np.asarray(g), [[12.0, 0.0, 12.0], [12.0, 0.0, 12.0]])


def test_joins():
    gradcheck(lambda a, b: mnp.concatenate([a, b * 2, a], axis=1), u(2, 3), u(2, 1))
    gradcheck(lambda a, b: mnp.stack([a, b], axis=-1), u(2, 3), u(2, 3))
    gradcheck(lambda a: mnp.split(a, [1, 3], axis=1)[1] * mnp.split(a, [1, 3], axis=1)[2][:, :2], u(2, 5))


def test_setitem():
    def f(x, v):
        y = x * 1.0
        y[1:, ::2] = v
        return y * x
    gradcheck(f, u(3, 4), u(2, 1))
    gradcheck(lambda x: x.reshape(-1)[3] + x, u(2, 3))


@pytest.mark.parametrize("sa,sb", [((3, 4), (4, 5)), ((2, 3, 4), (4, 2)), ((2, 1, 3, 4), (5, 4, 2)), ((4,), (4, 3)),
                                   ((3, 4), (4,)), ((4,), (4,))])
def test_matmul(sa, sb):
    gradcheck(mnp.matmul, u(*sa), u(*sb))


def test_einsum_tensordot_dot():
    gradcheck(lambda a, b: mnp.einsum("bij,bjk->bik", a, b), u(2, 3, 4), u(2, 4, 2))
    gradcheck(lambda a, b: mnp.einsum("ij,ij->i", a, b), u(3, 4), u(3, 4))
    gradcheck(lambda a, b: mnp.tensordot(a, b, axes=([0, 2], [1, 0])), u(2, 3, 4), u(4, 2, 3))
    gradcheck(lambda a, b: mnp.outer(a, b) + mnp.dot(a[:2], b[:2]), u(3), u(4))


CONV = [  # stride, padding, dilation, groups, input shape, weight shape
    (1, 0, 1, 1, (2, 3, 5, 5), (4, 3, 3, 3)),
    (2, 1, 1, 1, (1, 2, 6, 7), (3, 2, 3, 2)),
    (2, 0, 1, 1, (1, 2, 6, 6), (2, 2, 3, 3)),  # the stride skips the last row: output padding
    (1, 2, 2, 1, (1, 2, 6, 5), (2, 2, 3, 3)),
    ((2, 1), (1, 0), (1, 2), 2, (2, 4, 5, 6), (6, 2, 2, 3)),
    (1, 1, 1, 3, (1, 3, 4, 4), (3, 1, 3, 3)),  # depthwise
]


@pytest.mark.parametrize("s,p,d,g,xs,ws", CONV)
def test_conv2d(s, p, d, g, xs, ws):
    gradcheck(lambda x, w, b: NF.conv2d(x, w, b, stride=s, padding=p, dilation=d, groups=g), u(*xs), u(*ws),
              u(ws[0]), rtol=1e-5, atol=1e-6)


CONVT = [  # stride, padding, output padding, dilation, groups, input shape, weight shape
    (1, 0, 0, 1, 1, (2, 3, 3, 4), (3, 2, 3, 3)),
    (2, 1, 1, 1, 1, (1, 2, 3, 3), (2, 3, 3, 2)),
    (2, 0, 0, 2, 2, (1, 4, 3, 3), (4, 1, 2, 2)),
    ((2, 3), (1, 0), (1, 2), 1, 1, (1, 2, 2, 3), (2, 2, 3, 3)),
    (1, 0, 1, 2, 1, (1, 1, 3, 3), (1, 2, 2, 2)),  # output padding as large as the stride
]


@pytest.mark.parametrize("s,p,op,d,g,xs,ws", CONVT)
def test_conv_transpose2d(s, p, op, d, g, xs, ws):
    gradcheck(lambda x, w: NF.conv_transpose2d(x, w, None, stride=s, padding=p, output_padding=op, groups=g,
                                               dilation=d), u(*xs), u(*ws), rtol=1e-5, atol=1e-6)


def test_conv1d():
    gradcheck(lambda x, w: NF.conv1d(x, w, stride=2, padding=1), u(2, 3, 7), u(4, 3, 3))
    gradcheck(lambda x, w: NF.conv_transpose1d(x, w, stride=2), u(1, 2, 4), u(2, 3, 3))


POS_W = mnp.asarray(u(4, lo=0.5))
LOSSES = [
    ("mse_loss", lambda x, t: NF.mse_loss(x, t)),
    ("l1_loss", lambda x, t: NF.l1_loss(x, t, reduction="sum")),
    ("smooth_l1_loss", lambda x, t: NF.smooth_l1_loss(x, t, beta=0.7)),
    ("bce_logits", lambda x, t: NF.binary_cross_entropy_with_logits(x, mnp.sigmoid(t), pos_weight=POS_W)),
    ("bce", lambda x, t: NF.binary_cross_entropy(mnp.sigmoid(x), mnp.sigmoid(t))),
    ("cross_entropy_probs", lambda x, t: NF.cross_entropy(x, F.softmax(t), label_smoothing=0.1)),
]


@pytest.mark.parametrize("name,f", LOSSES, ids=[n for n, _ in LOSSES])
def test_losses(name, f):
    gradcheck(f, u(3, 4), u(3, 4))


def test_cross_entropy_indices():
    t = np.array([0, 3, 1, 3])
    w = u(4, lo=0.5)
    gradcheck(lambda x: NF.cross_entropy(x, t, weight=w, label_smoothing=0.2, ignore_index=1), u(4, 4))
    gradcheck(lambda x: NF.cross_entropy(x, np.array([[0, 2], [1, 1]]), reduction="none"), u(2, 3, 2))


def test_every_op_has_a_rule_or_is_nondifferentiable():
    ops = set(mnnx._C.op_table())
    missing = ops - set(RULES) - NONDIFFERENTIABLE
    assert not missing, f"ops without a VJP rule: {sorted(missing)}"
    assert not (set(RULES) & NONDIFFERENTIABLE)
    assert set(RULES) <= ops


@pytest.mark.parametrize("args,xs,gs,k", [
    ([1, 1, 1, 1, 1, 1, 1], (2, 3, 5, 5), (2, 4, 5, 5), (3, 3)),
    ([2, 1, 1, 0, 1, 2, 2], (1, 4, 6, 7), (1, 6, 3, 3), (2, 3)),
    ([2, 2, 0, 0, 2, 2, 1], (1, 2, 7, 7), (1, 3, 2, 2), (2, 2)),  # gy shorter than the conv's output
])
def test_conv2d_weight_grad_op(args, xs, gs, k):
    # the dense weight-gradient op against the definition (a conv2d's VJP) and against finite differences
    x, gy = u(*xs), u(*gs)
    w0 = mnp.asarray(np.zeros((gs[1], xs[1] // args[6]) + k))
    w0.requires_grad_()
    y = mnnx._C.conv2d(mnp.asarray(x), w0, args)
    y = y[:, :, :gs[2], :gs[3]]
    want, = mnnx.grad(y, [w0], grad_outputs=mnp.asarray(gy))
    got = mnnx._C.conv2d_weight_grad(mnp.asarray(x), mnp.asarray(gy), args, *k)
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-12, atol=1e-12)
    gradcheck(lambda a, b: mnnx._C.conv2d_weight_grad(a, b, args, *k), x, gy)
