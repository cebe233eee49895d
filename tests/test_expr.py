"""mnnx.expr: MNN.expr's spellings over the same lazy Var, against numpy formulas."""
import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import mnnx
import mnnx.expr as F
import mnnx.numpy as mnp
from conftest import assert_matches

FLOAT_TYPES = [np.float32, np.float64]


def tol(dtype):
    return {np.float32: (2e-5, 2e-6), np.float64: (1e-12, 1e-14)}[np.dtype(dtype).type]


# --------------------------------------------------------------------------------- constants and inputs
def test_const_and_scalar():
    assert_matches(F.const([1, 2, 3]), np.array([1, 2, 3]))
    assert_matches(F.const([1.5, 2.5], dtype=np.float32), np.array([1.5, 2.5], np.float32), rtol=0)
    assert_matches(F.const(np.arange(6.0), shape=[2, 3]), np.arange(6.0).reshape(2, 3), rtol=0)
    assert_matches(F.const(2.5, shape=[1, 1]), np.full((1, 1), 2.5), rtol=0)
    assert_matches(F.scalar(3), np.asarray(3))
    assert_matches(F.scalar(3, dtype=F.float), np.asarray(3, np.float32), rtol=0)
    assert F.float == np.float32 and F.double == np.float64 and F.int == np.int32
    assert F.NCHW == "NCHW" and F.NHWC == "NHWC"


def test_const_copies_its_input():
    a = np.arange(4.0)
    c = F.const(a)
    a[0] = 99
    assert_matches(c, np.arange(4.0), rtol=0)


def test_placeholder_write_and_lazy_reads():
    p = F.placeholder([2, 3], dtype=F.float)
    assert p.shape == (2, 3) and p.dtype == np.float32
    y = p * 2 + 1                        # built before any write: reads what is written last
    p.write(np.ones((2, 3), np.float32))
    assert_matches(y, np.full((2, 3), 3.0, np.float32), rtol=0)
    p.write(np.full((2, 3), 2.0, np.float32))
    assert_matches(y, np.full((2, 3), 3.0, np.float32), rtol=0)  # y was computed: it keeps its value
    assert_matches(p * 2 + 1, np.full((2, 3), 5.0, np.float32), rtol=0)
    r = p.read()  # MNN's read(): the values as a numpy array
    assert isinstance(r, np.ndarray) and r.dtype == np.float32
    np.testing.assert_array_equal(r, np.full((2, 3), 2.0, np.float32))
    p.write(np.arange(6))                # converted to the placeholder's dtype and shape
    assert_matches(p, np.arange(6, dtype=np.float32).reshape(2, 3), rtol=0)


def test_placeholder_in_a_loop_uses_cached_plan_with_new_data():
    p = F.placeholder([4, 5], dtype=F.double)
    y = F.reduce_sum(F.tanh(p) * 3, axis=[1])
    rng = np.random.default_rng(0)
    before = mnnx.debug.plan_cache_info()
    for _ in range(20):
        a = rng.standard_normal((4, 5))
        p.write(a)
        z = F.reduce_sum(F.tanh(p) * 3, axis=[1])
        assert_matches(z, (np.tanh(a) * 3).sum(axis=1), rtol=1e-12)
    after = mnnx.debug.plan_cache_info()
    assert after.misses - before.misses <= 1
    del y


def test_placeholder_write_rejects_wrong_size():
    p = F.placeholder([2, 3])
    with pytest.raises(ValueError):
        p.write(np.ones(5, np.float32))


# --------------------------------------------------------------------------------- reductions
@pytest.mark.parametrize("fn,ref", [(F.reduce_sum, np.sum), (F.reduce_mean, np.mean), (F.reduce_max, np.max),
                                    (F.reduce_min, np.min), (F.reduce_prod, np.prod), (F.reduce_any, np.any),
                                    (F.reduce_all, np.all)])
@pytest.mark.parametrize("axis", [None, [], [0], [1], [-1], [0, 2], [2, 0, 1], 1])
@pytest.mark.parametrize("keepdims", [False, True])
def test_reduce_with_axis_lists(fn, ref, axis, keepdims):
    a = (np.arange(24.0).reshape(2, 3, 4) - 11) / 7
    np_axis = None if axis is None or axis == [] else (tuple(axis) if isinstance(axis, list) else axis)
    assert_matches(fn(F.const(a), axis=axis, keepdims=keepdims), ref(a, axis=np_axis, keepdims=keepdims),
                   rtol=1e-12)


def test_argmax_argmin_cumsum_cumprod():
    a = np.array([[3.0, 1.0, 4.0], [1.0, 5.0, 9.0]])
    assert_matches(F.argmax(F.const(a), 1), np.argmax(a, 1))
    assert_matches(F.argmin(F.const(a), 0), np.argmin(a, 0))
    assert_matches(F.cumsum(F.const(a)), np.cumsum(a, axis=0), rtol=0)
    assert_matches(F.cumsum(F.const(a), 1), np.cumsum(a, axis=1), rtol=0)
    assert_matches(F.cumprod(F.const(a), 1), np.cumprod(a, axis=1), rtol=0)


# --------------------------------------------------------------------------------- row kernels
def np_softmax(a, axis):
    e = np.exp(a - a.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def np_log_softmax(a, axis):
    m = a.max(axis=axis, keepdims=True)
    return a - m - np.log(np.exp(a - m).sum(axis=axis, keepdims=True))


def np_layer_norm(a, w=None, b=None, eps=1e-5):
    mu = a.mean(axis=-1, keepdims=True)
    var = ((a - mu) ** 2).mean(axis=-1, keepdims=True)
    y = (a - mu) / np.sqrt(var + eps)
    if w is not None:
        y = y * w
    if b is not None:
        y = y + b
    return y


@pytest.mark.parametrize("dtype", FLOAT_TYPES, ids=lambda t: np.dtype(t).name)
@pytest.mark.parametrize("axis", [-1, 0, 1, 2, -2, -3])
def test_softmax_and_log_softmax(dtype, axis, rng):
    a = (rng.standard_normal((3, 5, 17)) * 4).astype(dtype)
    rtol, atol = tol(dtype)
    ref = np_softmax(a.astype(np.float64), axis).astype(dtype)
    assert_matches(F.softmax(F.const(a), axis), ref, rtol=rtol, atol=atol)
    ref = np_log_softmax(a.astype(np.float64), axis).astype(dtype)
    assert_matches(F.log_softmax(F.const(a), axis), ref, rtol=rtol, atol=atol * 10)


@pytest.mark.parametrize("dtype", FLOAT_TYPES, ids=lambda t: np.dtype(t).name)
def test_softmax_is_stable_for_large_inputs(dtype):
    a = np.array([[1000.0, 1000.0, -1000.0], [-1e4, -1e4 + 1, -1e4 + 2], [88.0, 89.0, 90.0]], dtype)
    rtol, atol = tol(dtype)
    got = F.softmax(F.const(a))
    assert np.isfinite(np.asarray(got)).all()
    assert_matches(got, np_softmax(a.astype(np.float64), -1).astype(dtype), rtol=rtol, atol=atol)
    assert_matches(F.log_softmax(F.const(a)), np_log_softmax(a.astype(np.float64), -1).astype(dtype),
                   rtol=rtol, atol=atol * 10)


@given(data=st.data())
def test_softmax_hypothesis(data):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=9))
    a = data.draw(hnp.arrays(np.float32, shape, elements=st.floats(-50, 50, width=32)))
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1))
    x = F.const(a)
    if data.draw(st.booleans()):
        x = x * 1.0 + 0.0  # an unrealized input: the producer fuses into the row kernel
    got = F.softmax(x, axis)
    assert_matches(got, np_softmax(a.astype(np.float64), axis).astype(np.float32), rtol=2e-5, atol=2e-7)
    sums = np.asarray(got).astype(np.float64).sum(axis=axis)
    np.testing.assert_allclose(sums, 1.0, rtol=1e-5)


@pytest.mark.parametrize("dtype", FLOAT_TYPES, ids=lambda t: np.dtype(t).name)
@pytest.mark.parametrize("affine", [False, True])
@pytest.mark.parametrize("eps", [1e-5, 1e-3, 0.0])
def test_layer_norm(dtype, affine, eps):
    rng = np.random.default_rng(4)
    a = (rng.standard_normal((4, 3, 33)) * 3 + 1).astype(dtype)
    w = rng.standard_normal(33).astype(dtype) if affine else None
    b = rng.standard_normal(33).astype(dtype) if affine else None
    ref = np_layer_norm(a.astype(np.float64), None if w is None else w.astype(np.float64),
                        None if b is None else b.astype(np.float64), eps).astype(dtype)
    got = F.layer_norm(F.const(a), None if w is None else F.const(w), None if b is None else F.const(b), eps=eps)
    rtol, atol = tol(dtype)
    assert_matches(got, ref, rtol=rtol * 5, atol=atol * 10)


def test_layer_norm_constant_rows():
    a = np.ones((2, 8), np.float32)
    assert_matches(F.layer_norm(F.const(a)), np.zeros((2, 8), np.float32), rtol=0, atol=1e-6)


def test_row_kernels_of_views():
    rng = np.random.default_rng(5)
    a = rng.standard_normal((6, 10))
    x = F.const(a)
    assert_matches(F.softmax(x.T), np_softmax(a.T, -1), rtol=1e-12, atol=1e-15)
    assert_matches(F.softmax(x[::-1, ::2]), np_softmax(a[::-1, ::2], -1), rtol=1e-12, atol=1e-15)
    assert_matches(F.layer_norm(x[:, 1:]), np_layer_norm(a[:, 1:]), rtol=1e-10, atol=1e-12)
    assert_matches(F.softmax(F.broadcast_to(x[:1], [3, 10])), np_softmax(np.broadcast_to(a[:1], (3, 10)), -1),
                   rtol=1e-12, atol=1e-15)


# --------------------------------------------------------------------------------- activations and elementwise
ACTIVATIONS = [
    ("relu", lambda x: F.relu(x), lambda a: np.maximum(a, 0)),
    ("leaky relu", lambda x: F.relu(x, 0.1), lambda a: np.where(a > 0, a, a * 0.1)),
    ("relu6", lambda x: F.relu6(x), lambda a: np.clip(a, 0, 6)),
    ("relu6 custom", lambda x: F.relu6(x, -1.0, 2.0), lambda a: np.clip(a, -1, 2)),
    ("softplus", lambda x: F.softplus(x), lambda a: np.logaddexp(0, a)),
    ("softsign", lambda x: F.softsign(x), lambda a: a / (1 + np.abs(a))),
    ("hardswish", lambda x: F.hardswish(x), lambda a: a * np.clip(a + 3, 0, 6) / 6),
    ("sigmoid", lambda x: F.sigmoid(x), lambda a: 1 / (1 + np.exp(-a))),
    ("tanh", lambda x: F.tanh(x), np.tanh),
    ("rsqrt", lambda x: F.rsqrt(F.abs(x) + 1), lambda a: 1 / np.sqrt(np.abs(a) + 1)),
    ("square", lambda x: F.square(x), np.square),
    ("reciprocal", lambda x: F.reciprocal(x + 100), lambda a: 1 / (a + 100)),
    ("round", lambda x: F.round(x), np.rint),
    ("sign", lambda x: F.sign(x), np.sign),
    ("erf", lambda x: F.erf(x), np.vectorize(__import__("math").erf, otypes=[np.float64])),
]


@pytest.mark.parametrize("dtype", FLOAT_TYPES, ids=lambda t: np.dtype(t).name)
@pytest.mark.parametrize("name,f,ref", ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS])
def test_activations(name, f, ref, dtype):
    a = np.concatenate([np.linspace(-40, 40, 161), [-0.0, 0.0, 2.5, -2.5, 3.0, -3.0, 6.0, 1e-7]]).astype(dtype)
    with np.errstate(all="ignore"):
        exp = np.asarray(ref(a.astype(np.float64))).astype(dtype)
    got = f(F.const(a))
    rtol, atol = tol(dtype)
    assert_matches(got, exp, rtol=rtol * 4, atol=atol)


def test_binary_helpers():
    a = np.array([[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]])
    b = np.array([0.5, -1.0, 2.0])
    x, y = F.const(a), F.const(b)
    assert_matches(F.squared_difference(x, y), (a - b) ** 2, rtol=0)
    assert_matches(F.bias_add(x, y), a + b, rtol=0)
    n = np.arange(2 * 3 * 2 * 2.0).reshape(2, 3, 2, 2)
    assert_matches(F.bias_add(F.const(n), y), n + b.reshape(-1, 1, 1), rtol=0)
    assert_matches(F.select(x > 0, x, y), np.where(a > 0, a, b), rtol=0)
    assert_matches(F.floor_div(x, 2.0), np.floor_divide(a, 2.0), rtol=0)
    assert_matches(F.floor_mod(x, 2.0), np.mod(a, 2.0), rtol=0)
    assert_matches(F.atan2(x, y), np.arctan2(a, b), rtol=1e-12)
    assert_matches(F.pow(F.abs(x), y), np.power(np.abs(a), b), rtol=1e-12)
    assert_matches(F.logical_and(x > 0, y > 0), np.logical_and(a > 0, b > 0))
    assert_matches(F.logical_not(x > 0), ~(a > 0))


# --------------------------------------------------------------------------------- movement
def test_movement_spellings():
    a = np.arange(24.0).reshape(2, 3, 4)
    x = F.const(a)
    assert_matches(F.reshape(x, [4, -1]), a.reshape(4, -1), rtol=0)
    assert_matches(F.reshape(x, (6, 4), F.NCHW), a.reshape(6, 4), rtol=0)
    assert_matches(F.transpose(x, [2, 0, 1]), a.transpose(2, 0, 1), rtol=0)
    assert_matches(F.concat([x, x], 1), np.concatenate([a, a], 1), rtol=0)
    assert_matches(F.stack([x, x], 2), np.stack([a, a], 2), rtol=0)
    assert_matches(F.unsqueeze(x, [0, 3]), np.expand_dims(a, (0, 3)), rtol=0)
    assert_matches(F.squeeze(F.unsqueeze(x, [0, 3]), [0, 3]), a, rtol=0)
    assert_matches(F.squeeze(F.unsqueeze(x, [0])), a, rtol=0)
    assert_matches(F.expand_dims(x, 1), np.expand_dims(a, 1), rtol=0)
    assert_matches(F.broadcast_to(x[:, :1], [2, 5, 4]), np.broadcast_to(a[:, :1], (2, 5, 4)), rtol=0)
    parts = F.split(x, [1, 3], axis=2)
    exp = np.split(a, [1], axis=2)
    assert len(parts) == 2
    for p, e in zip(parts, exp):
        assert_matches(p, e, rtol=0)
    assert_matches(F.tile(x, [1, 2, 1]), np.tile(a, (1, 2, 1)), rtol=0)
    assert_matches(F.cast(x, F.int), a.astype(np.int32))
    assert_matches(F.cast(x, np.uint8), a.astype(np.uint8))
    assert_matches(F.zeros_like(x), np.zeros_like(a), rtol=0)
    assert_matches(F.ones_like(x), np.ones_like(a), rtol=0)
    assert_matches(F.range(0, 10, 3), np.arange(0, 10, 3))
    assert_matches(F.range(0.0, 1.0, 0.25), np.arange(0.0, 1.0, 0.25), rtol=0)
    assert_matches(F.fill([2, 3], 7.5), np.full((2, 3), 7.5), rtol=0)
    assert_matches(F.fill(np.array([2, 2]), 1), np.full((2, 2), 1))
    c = F.clone(x, deep_copy=True)
    assert c is not x
    assert_matches(c, a, rtol=0)
    assert F.clone(x) is x


def test_switches():
    assert F.lazy_eval(True) is True
    n = mnnx.get_num_threads()
    try:
        F.set_thread_number(1)
        assert mnnx.get_num_threads() == 1
    finally:
        mnnx.set_num_threads(n)


def test_expr_and_numpy_faces_share_one_type():
    x = F.const([1.0, 2.0])
    assert isinstance(x, mnp.ndarray) and isinstance(x, mnnx.Var) and isinstance(x, mnnx.Tensor)
    y = mnp.exp(x) + F.relu(x)
    assert_matches(y, np.exp([1.0, 2.0]) + np.array([1.0, 2.0]), rtol=1e-12)


@pytest.mark.parametrize("shape,axis", [((2, 100_003), -1), ((70_001, 3), 0), ((517, 1031), -1), ((517, 1031), 0)],
                         ids=str)
def test_row_kernels_on_large_rows(shape, axis):
    rng = np.random.default_rng(12)
    a = (rng.standard_normal(shape) * 5).astype(np.float32)
    a64 = a.astype(np.float64)
    assert_matches(F.softmax(F.const(a), axis), np_softmax(a64, axis).astype(np.float32), rtol=5e-5, atol=1e-9)
    assert_matches(F.log_softmax(F.const(a), axis), np_log_softmax(a64, axis).astype(np.float32), rtol=2e-5,
                   atol=2e-5)
    if axis in (-1, len(shape) - 1):
        assert_matches(F.layer_norm(F.const(a)), np_layer_norm(a64).astype(np.float32), rtol=1e-4, atol=2e-5)
