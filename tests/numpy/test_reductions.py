"""Reductions and scans against numpy: every dtype, axes (None, int, negative, tuples), keepdims,
dtype=, empty and 0-d inputs, NaN handling, accumulator dtypes, fused and strided inputs."""
import math

import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import mnnx
import mnnx.numpy as mnp
from conftest import (ALL_DTYPES, FLOATS, INTS, assert_matches, array_strategy, dtype_id, np_oracle,
                      public_exception_type, sample_values)

REDUCTIONS = ["sum", "prod", "max", "min", "mean", "var", "std", "any", "all", "argmax", "argmin", "ptp",
              "count_nonzero"]
SINGLE_AXIS_ONLY = {"argmax", "argmin"}


def reduce_tol(name, x, result_dtype):
    """(rtol, atol) for a float reduction: a few ulp per reduced element of the magnitude involved."""
    eps = float(np.finfo(result_dtype).eps)
    n = max(x.size, 1)
    with np.errstate(all="ignore"):
        big = float(np.max(np.abs(x[np.isfinite(x)]), initial=0.0)) if x.dtype.kind == "f" else \
            float(np.max(np.abs(x.astype(np.float64)), initial=0.0))
    if name in ("sum", "mean", "cumsum", "average"):
        return 4 * eps, 4 * eps * n * big
    if name in ("prod", "cumprod"):
        return 4 * eps * n, 0.0
    if name == "var":
        return 8 * eps * n, 8 * eps * n * big * big
    if name == "std":
        return 8 * eps * n, math.sqrt(8 * eps * n) * big
    return 0.0, 0.0


def compare_reduction(name, a, ma=None, **kw):
    np_fn = getattr(np, name)
    mnnx_fn = getattr(mnp, name)
    ma = mnp.asarray(a) if ma is None else ma
    status, exp = np_oracle(np_fn, a, **kw)
    if status == "raise":
        with pytest.raises(public_exception_type(exp)):
            mnnx_fn(ma, **kw)
        return
    got = mnnx_fn(ma, **kw)
    exp = np.asarray(exp)
    if exp.dtype.kind == "f":
        rtol, atol = reduce_tol(name, a, exp.dtype)
        assert_matches(got, exp, rtol=rtol, atol=atol, err_msg=f"{name}({a.dtype}{a.shape}, {kw})")
    else:
        assert_matches(got, exp, err_msg=f"{name}({a.dtype}{a.shape}, {kw})")


def value_range(name, dtype):
    dt = np.dtype(dtype)
    if dt == np.float16:  # numpy accumulates float16 sums and squares in float16: keep them finite
        return {"min_value": -8.0, "max_value": 8.0} if name not in ("prod", "cumprod") else \
            {"min_value": -2.0, "max_value": 2.0}
    if dt.kind == "f":
        if name in ("prod", "cumprod"):
            return {"min_value": -2.0, "max_value": 2.0}
        return {"min_value": -1000.0, "max_value": 1000.0}
    return {}


@st.composite
def axis_spec(draw, ndim, single):
    kind = draw(st.sampled_from(["none", "int", "tuple"] if not single else ["none", "int"]))
    if kind == "none" or ndim == 0:
        return None if kind != "int" or ndim else draw(st.sampled_from([None, 0, -1]))
    if kind == "int":
        return draw(st.integers(-ndim, ndim - 1))
    axes = draw(st.lists(st.integers(0, ndim - 1), unique=True, min_size=0, max_size=ndim))
    return tuple(ax - ndim if draw(st.booleans()) else ax for ax in axes)


@pytest.mark.parametrize("name", REDUCTIONS)
@given(data=st.data())
def test_reductions_hypothesis(name, data):
    dt = data.draw(st.sampled_from(ALL_DTYPES), label="dtype")
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=5), label="shape")
    a = data.draw(array_strategy(dt, shape, **value_range(name, dt)), label="a")
    axis = data.draw(axis_spec(a.ndim, name in SINGLE_AXIS_ONLY), label="axis")
    kw = {"axis": axis, "keepdims": data.draw(st.booleans(), label="keepdims")}
    ma = mnp.asarray(a)
    if data.draw(st.booleans(), label="fused input"):
        ma = mnp.copy(ma)
    compare_reduction(name, a, ma, **kw)


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("name", REDUCTIONS)
def test_reductions_every_dtype_fixed(name, dtype, rng):
    small = name == "prod" or np.dtype(dtype) == np.float16  # float16: numpy's float16 accumulators stay finite
    a = sample_values(dtype, (4, 6, 5), rng, low=-3 if small else None, high=3 if small else None)
    for axis in (None, 0, 1, -1, (0, 2), (2, 0), ()):
        if name in SINGLE_AXIS_ONLY and isinstance(axis, tuple):
            continue
        for keepdims in (False, True):
            compare_reduction(name, a, axis=axis, keepdims=keepdims)


@pytest.mark.parametrize("shape,axis", [((0,), None), ((0,), 0), ((0, 3), 0), ((0, 3), 1), ((3, 0), 1),
                                        ((3, 0), 0), ((2, 0, 4), (0, 2)), ((2, 0, 4), (1,)), ((), None),
                                        ((), 0), ((1,), 0)])
@pytest.mark.parametrize("name", REDUCTIONS)
def test_reductions_empty_and_0d(name, shape, axis):
    a = np.zeros(shape, np.float32) + 1.5
    if name in SINGLE_AXIS_ONLY and isinstance(axis, tuple):
        axis = axis[0]
    compare_reduction(name, a, axis=axis)
    compare_reduction(name, a.astype(np.int32), axis=axis, keepdims=True)


@pytest.mark.parametrize("dtype", FLOATS, ids=dtype_id)
def test_nan_handling(dtype):
    a = np.array([[1.0, np.nan, 3.0, np.nan], [np.inf, -np.inf, 0.0, 2.0], [5.0, 4.0, -np.inf, np.nan]], dtype)
    for name in ("sum", "prod", "max", "min", "mean", "argmax", "argmin", "any", "all", "count_nonzero", "ptp"):
        for axis in (None, 0, 1):
            compare_reduction(name, a, axis=axis)


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
def test_argmax_argmin_first_occurrence_on_ties(dtype):
    a = np.array([[3, 1, 3, 1], [0, 0, 0, 0], [1, 3, 3, 1]]).astype(dtype)
    for name in ("argmax", "argmin"):
        for axis in (None, 0, 1, -1):
            for keepdims in (False, True):
                compare_reduction(name, a, axis=axis, keepdims=keepdims)


@pytest.mark.parametrize("dtype", INTS + [np.dtype(np.bool_)], ids=dtype_id)
def test_integer_accumulator_dtypes_and_wrapping(dtype):
    info = np.iinfo(dtype) if np.dtype(dtype).kind != "b" else None
    a = np.full((3, 50), info.max if info else True, dtype)
    for name in ("sum", "prod"):
        compare_reduction(name, a)
        compare_reduction(name, a, axis=1)
    for name in ("cumsum", "cumprod"):
        compare_reduction(name, a, axis=1)
    for dt in (np.int8, np.uint8, np.int64, np.float32):
        compare_reduction("sum", a, axis=1, dtype=dt)
        compare_reduction("prod", a[:, :3], axis=1, dtype=dt)
        compare_reduction("mean", a, axis=0, dtype=np.float64)


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
def test_scans(name, dtype, rng):
    a = sample_values(dtype, (3, 4, 5), rng, low=-3 if name == "cumprod" else None,
                      high=3 if name == "cumprod" else None)
    for axis in (None, 0, 1, 2, -1, -3):
        compare_reduction(name, a, axis=axis)
    compare_reduction(name, a, axis=1, dtype=np.float64)
    compare_reduction(name, a[0, 0, 0])  # 0-d
    compare_reduction(name, np.zeros((0, 3), dtype), axis=0)
    compare_reduction(name, np.zeros((0, 3), dtype), axis=1)


@given(data=st.data())
def test_scans_hypothesis(data):
    name = data.draw(st.sampled_from(["cumsum", "cumprod"]))
    dt = data.draw(st.sampled_from([np.dtype(np.int32), np.dtype(np.uint8), np.dtype(np.float64),
                                    np.dtype(np.float32), np.dtype(np.bool_)]))
    a = data.draw(array_strategy(dt, hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=7),
                                 **value_range(name, dt)))
    axis = data.draw(st.none() | st.integers(-max(a.ndim, 1), max(a.ndim, 1) - 1))
    compare_reduction(name, a, axis=axis)


def test_methods_match_functions(rng):
    a = sample_values(np.float64, (4, 5), rng)
    x = mnp.asarray(a)
    assert_matches(x.sum(axis=0), a.sum(axis=0))
    assert_matches(x.sum(0, keepdims=True), a.sum(0, keepdims=True))
    assert_matches(x.mean(axis=1), a.mean(axis=1))
    assert_matches(x.max(), a.max(), rtol=0)
    assert_matches(x.min(axis=-1), a.min(axis=-1), rtol=0)
    assert_matches(x.argmax(), a.argmax())
    assert_matches(x.argmin(axis=0), a.argmin(axis=0))
    assert_matches(x.var(ddof=1), a.var(ddof=1))
    assert_matches(x.std(axis=0), a.std(axis=0))
    assert_matches(x.prod(axis=1), a.prod(axis=1))
    assert_matches(x.cumsum(axis=1), a.cumsum(axis=1))
    assert_matches(x.cumprod(), a.cumprod())
    assert_matches(x.any(axis=0), a.any(axis=0))
    assert_matches(x.all(), a.all())
    assert_matches(x.ptp(axis=0), np.ptp(a, axis=0), rtol=0)
    assert_matches(mnp.amax(x, axis=0), np.amax(a, axis=0), rtol=0)
    assert_matches(mnp.amin(x, axis=0), np.amin(a, axis=0), rtol=0)


@pytest.mark.parametrize("ddof", [0, 1, 2, 5])
def test_var_std_ddof(ddof, rng):
    a = sample_values(np.float64, (4, 5), rng)
    for name in ("var", "std"):
        for axis in (None, 0, 1):
            compare_reduction(name, a, axis=axis, ddof=ddof)
    compare_reduction("var", a.astype(np.float32), axis=1, ddof=ddof)
    compare_reduction("std", a.astype(np.int16), axis=0, ddof=ddof)


def test_mean_of_float16_and_ints(rng):
    a = sample_values(np.float16, (100, 7), rng, low=-60, high=60)
    compare_reduction("mean", a, axis=0)
    compare_reduction("mean", a)
    compare_reduction("var", a, axis=1)
    i = sample_values(np.int64, (5, 9), rng)
    compare_reduction("mean", i, axis=1)
    compare_reduction("mean", i, axis=1, dtype=np.float32)
    compare_reduction("var", i)


def test_average(rng):
    a = sample_values(np.float64, (4, 6), rng)
    w = rng.uniform(0.1, 2.0, size=(4, 6))
    for axis in (None, 0, 1):
        assert_matches(mnp.average(mnp.asarray(a), axis=axis), np.average(a, axis=axis))
        assert_matches(mnp.average(mnp.asarray(a), axis=axis, weights=mnp.asarray(w)),
                       np.average(a, axis=axis, weights=w))
    r, sw = mnp.average(mnp.asarray(a), axis=0, weights=mnp.asarray(w), returned=True)
    er, esw = np.average(a, axis=0, weights=w, returned=True)
    assert_matches(r, er)
    assert_matches(sw, esw)
    # numpy accepts 1-D weights along the given axis
    w1 = rng.uniform(0.1, 2.0, size=6)
    assert_matches(mnp.average(mnp.asarray(a), axis=1, weights=mnp.asarray(w1)), np.average(a, axis=1, weights=w1))


def test_float32_sum_is_accurate_past_2_to_24():
    n = 2**24 + 8
    got = mnp.ones(n, dtype=mnp.float32).sum()
    assert_matches(got, np.ones(n, np.float32).sum(), rtol=0)
    got = (mnp.ones((4, n // 4), dtype=mnp.float32) * 1).sum(axis=1)
    assert_matches(got, np.ones((4, n // 4), np.float32).sum(axis=1), rtol=0)


def test_large_float64_sum_matches_fsum(rng):
    a = rng.standard_normal(1_000_003) * 1e3
    got = float(mnp.asarray(a).sum())
    assert abs(got - math.fsum(a)) <= 1e-9 * np.abs(a).sum()
    got = float(mnp.sum(mnp.asarray(a) * 2.0 + 1.0))
    assert abs(got - math.fsum(a * 2.0 + 1.0)) <= 1e-9 * np.abs(a * 2 + 1).sum()


@pytest.mark.parametrize("view", ["transpose", "negative_steps", "broadcast", "sliced"])
def test_reductions_of_views(view, rng):
    base = sample_values(np.float64, (6, 8, 4), rng)
    np_view = {"transpose": lambda x: x.transpose(2, 0, 1), "negative_steps": lambda x: x[::-2, 1::3, ::-1],
               "broadcast": lambda x: np.broadcast_to(x[:, :1, :], (6, 5, 4)),
               "sliced": lambda x: x[1:5, 2:7, 1:3]}[view]
    m_view = {"transpose": lambda x: x.transpose(2, 0, 1), "negative_steps": lambda x: x[::-2, 1::3, ::-1],
              "broadcast": lambda x: mnp.broadcast_to(x[:, :1, :], (6, 5, 4)),
              "sliced": lambda x: x[1:5, 2:7, 1:3]}[view]
    a = np_view(base)
    for realized in (True, False):
        mb = mnp.asarray(base) if realized else mnp.copy(mnp.asarray(base))
        for name, axis in [("sum", None), ("sum", 1), ("max", (0, 2)), ("argmax", 2), ("cumsum", 0), ("mean", -1),
                           ("prod", 0)]:
            compare_reduction(name, a, m_view(mb), axis=axis)


def test_reduction_of_fused_expression(rng):
    a = sample_values(np.float32, (64, 33), rng, low=-3, high=3)
    b = sample_values(np.float32, (33,), rng, low=-3, high=3)
    x, y = mnp.asarray(a), mnp.asarray(b)
    got = mnp.tanh(x * y + 1).sum(axis=1) / mnp.exp(x).max(axis=1)
    exp = np.tanh(a * b + 1).sum(axis=1) / np.exp(a).max(axis=1)
    assert_matches(got, exp, rtol=1e-5, atol=1e-5)
    got = mnp.exp(x - x.max(axis=1, keepdims=True))
    got = got / got.sum(axis=1, keepdims=True)
    e = np.exp(a - a.max(axis=1, keepdims=True))
    assert_matches(got, e / e.sum(axis=1, keepdims=True), rtol=1e-5, atol=1e-7)


def test_any_all_on_non_bool(rng):
    a = np.array([[0.0, -0.0, np.nan], [0.0, 1e-300, 0.0]])
    for name in ("any", "all"):
        for axis in (None, 0, 1):
            compare_reduction(name, a, axis=axis)
    i = np.array([[0, 0, 3], [0, 0, 0]], np.uint16)
    for name in ("any", "all", "count_nonzero"):
        for axis in (None, 0, 1):
            compare_reduction(name, i, axis=axis)


def test_reduce_result_is_lazy_until_needed(rng):
    a = sample_values(np.float64, (10, 10), rng)
    r = mnp.asarray(a).sum(axis=0)
    assert isinstance(r, mnnx.Var)
    assert not r._realized
    np.testing.assert_allclose(np.asarray(r), a.sum(axis=0), rtol=1e-12)


# --------------------------------------------------------------------------------- sizes past block and thread splits
LARGE_SHAPES = [(100_003,), (3, 70_001), (70_001, 3), (517, 1031), (2, 3, 65_537)]


@pytest.mark.parametrize("shape", LARGE_SHAPES, ids=str)
@pytest.mark.parametrize("dtype", [np.dtype(np.float32), np.dtype(np.float64), np.dtype(np.int32),
                                   np.dtype(np.uint64), np.dtype(np.int8), np.dtype(np.float16)], ids=dtype_id)
def test_large_reductions_across_blocks(shape, dtype):
    rng = np.random.default_rng(sum(shape))
    a = sample_values(dtype, shape, rng, low=-8 if dtype == np.float16 else None, high=8 if dtype == np.float16 else None)
    axes = [None] + list(range(len(shape))) + [-1, tuple(range(len(shape)))[::-1][:2]]
    for axis in axes:
        for name in ("sum", "max", "min"):
            compare_reduction(name, a, axis=axis)
        if not isinstance(axis, tuple):
            compare_reduction("argmax", a, axis=axis)
            compare_reduction("argmin", a, axis=axis)
    compare_reduction("cumsum", a, axis=-1)
    compare_reduction("cumsum", a, axis=0)


@pytest.mark.parametrize("shape", LARGE_SHAPES, ids=str)
def test_large_nan_and_extreme_positions(shape):
    rng = np.random.default_rng(7)
    a = rng.standard_normal(shape)
    flat = a.reshape(-1)
    for pos in (0, flat.size - 1, flat.size // 2, rng.integers(flat.size)):
        b = a.copy()
        b.reshape(-1)[pos] = 1e300  # a unique maximum somewhere, possibly in the last block
        for axis in (None, -1, 0):
            compare_reduction("argmax", b, axis=axis)
            compare_reduction("max", b, axis=axis)
        b.reshape(-1)[pos] = np.nan
        for axis in (None, -1, 0):
            compare_reduction("max", b, axis=axis)
            compare_reduction("argmin", b, axis=axis)
            compare_reduction("sum", b, axis=axis)


@pytest.mark.parametrize("view", ["T", "reversed", "strided", "broadcast"])
def test_large_reductions_of_views(view):
    rng = np.random.default_rng(8)
    base = rng.standard_normal((300, 1001)).astype(np.float32)
    f = {"T": lambda t: t.T, "reversed": lambda t: t[::-1, ::-1], "strided": lambda t: t[::3, 5::7],
         "broadcast": lambda t: t[:, :1] * t[:1]}[view]
    a = f(base)
    for lazy in (False, True):
        x = f(mnp.copy(mnp.asarray(base)) if lazy else mnp.asarray(base))
        for name, axis in [("sum", None), ("sum", 0), ("sum", 1), ("max", 0), ("argmin", 1), ("mean", 0),
                           ("cumsum", 1)]:
            compare_reduction(name, a, x, axis=axis)
