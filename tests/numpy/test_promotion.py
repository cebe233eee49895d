"""numpy 2 promotion (NEP 50): array dtype pairs, weak Python scalars, strong numpy scalars and 0-d
arrays, casts between every dtype pair, in-place casting rules."""
import math
import operator

import numpy as np
import pytest
from hypothesis import given, strategies as st

import mnnx.numpy as mnp
from conftest import (ALL_DTYPES, FLOATS, INTS, assert_matches, dtype_id, np_oracle, public_exception_type,
                      sample_values)

OPS = {"add": operator.add, "subtract": operator.sub, "multiply": operator.mul, "true_divide": operator.truediv,
       "floor_divide": operator.floordiv, "maximum": np.maximum, "less": operator.lt, "equal": operator.eq,
       "bitwise_or": operator.or_, "power": operator.pow}
MNNX_OPS = {"maximum": mnp.maximum}


def mnnx_op(name):
    return MNNX_OPS.get(name, OPS[name])


def check(np_fn, mnnx_fn, rtol=None):
    status, exp = np_oracle(np_fn)
    if status == "raise":
        with pytest.raises(public_exception_type(exp)):
            mnnx_fn()
        return
    exp = np.asarray(exp)
    if rtol is None and exp.dtype.kind == "f":
        rtol = {np.float16: 1e-3, np.float32: 1e-6, np.float64: 1e-13}[exp.dtype.type]
    assert_matches(mnnx_fn(), exp, rtol=rtol)


@pytest.mark.parametrize("dt2", ALL_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("dt1", ALL_DTYPES, ids=dtype_id)
def test_array_array_result_type(dt1, dt2):
    a = np.ones((2,), dt1)
    b = np.zeros((2,), dt2)
    r = mnp.asarray(a) + mnp.asarray(b) if not (dt1 == dt2 == np.bool_) else mnp.asarray(a) | mnp.asarray(b)
    assert r.dtype == np.result_type(dt1, dt2)
    assert mnp.result_type(mnp.asarray(a), mnp.asarray(b)) == np.result_type(dt1, dt2)
    assert mnp.where(mnp.asarray(a), mnp.asarray(a), mnp.asarray(b)).dtype == np.result_type(dt1, dt2)


PY_SCALARS = [True, False, 0, 1, -1, 127, 128, -129, 255, 256, 300, -300, 65535, 65536, 2**31, -(2**31) - 1,
              2**63 - 1, 2**63, 2**64 - 1, -(2**63), 0.0, -0.0, 1.5, -2.25, 1e30, 1e300, math.inf, -math.inf]


@pytest.mark.parametrize("scalar", PY_SCALARS, ids=repr)
@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("name", ["add", "subtract", "multiply", "true_divide", "maximum", "less", "equal",
                                  "bitwise_or"])
def test_python_scalars_are_weak(name, dtype, scalar, rng):
    a = sample_values(dtype, (7,), rng, low=0, high=20) if np.dtype(dtype).kind != "b" else \
        np.array([True, False, True, True, False, False, True])
    np_op, m_op = OPS[name], mnnx_op(name)
    check(lambda: np_op(a, scalar), lambda: m_op(mnp.asarray(a), scalar))
    check(lambda: np_op(scalar, a), lambda: m_op(scalar, mnp.asarray(a)))


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
def test_python_nan_scalar(dtype):
    a = np.arange(5).astype(dtype)
    for name in ("add", "multiply", "less", "equal", "maximum"):
        check(lambda: OPS[name](a, math.nan), lambda: mnnx_op(name)(mnp.asarray(a), math.nan))


@pytest.mark.parametrize("dtype", INTS + [np.dtype(np.bool_)], ids=dtype_id)
@pytest.mark.parametrize("value", [300, -1, 2**63, -(2**63) - 1, 2**64, 10**30])
def test_comparison_with_out_of_range_python_int(dtype, value):
    # numpy 2 compares integer arrays with any Python int exactly (no OverflowError for comparisons)
    info = np.iinfo(dtype) if np.dtype(dtype).kind != "b" else None
    a = np.array([0, 1, 5] + ([info.min, info.max] if info else []), dtype=dtype)
    for op in (operator.eq, operator.ne, operator.lt, operator.le, operator.gt, operator.ge):
        check(lambda: op(a, value), lambda: op(mnp.asarray(a), value))
        check(lambda: op(value, a), lambda: op(value, mnp.asarray(a)))


@pytest.mark.parametrize("dtype", FLOATS, ids=dtype_id)
def test_huge_python_int_with_float_array(dtype):
    a = np.array([1.0, -2.0], dtype)
    for v in (2**64, 2**100, -(2**70)):
        check(lambda: a + v, lambda: mnp.asarray(a) + v)
        check(lambda: a * v, lambda: mnp.asarray(a) * v)


@pytest.mark.parametrize("scalar_type", [np.int8, np.int64, np.uint64, np.float16, np.float32, np.float64, np.bool_])
@pytest.mark.parametrize("dtype", [np.dtype(t) for t in (np.bool_, np.int8, np.uint8, np.int32, np.float16,
                                                           np.float32)], ids=dtype_id)
def test_numpy_scalars_and_0d_arrays_are_strong(dtype, scalar_type):
    a = np.arange(4).astype(dtype)
    s = scalar_type(1)
    check(lambda: a + s, lambda: mnp.asarray(a) + s)
    check(lambda: s * a, lambda: s * mnp.asarray(a))
    z = np.asarray(s)  # 0-d array
    check(lambda: a - z if dtype != np.bool_ or z.dtype != np.bool_ else a ^ z,
          lambda: mnp.asarray(a) - mnp.asarray(z) if dtype != np.bool_ or z.dtype != np.bool_ else
          mnp.asarray(a) ^ mnp.asarray(z))
    check(lambda: np.maximum(a, z), lambda: mnp.maximum(mnp.asarray(a), mnp.asarray(z)))


def test_python_scalar_with_python_scalar():
    check(lambda: np.add(1, 2), lambda: mnp.add(1, 2))
    check(lambda: np.add(1, 2.5), lambda: mnp.add(1, 2.5))
    check(lambda: np.multiply(True, 3), lambda: mnp.multiply(True, 3))
    check(lambda: np.exp(1), lambda: mnp.exp(1))
    check(lambda: np.true_divide(7, 2), lambda: mnp.true_divide(7, 2))
    check(lambda: np.asarray(2**63), lambda: mnp.asarray(2**63))
    check(lambda: np.asarray(-5), lambda: mnp.asarray(-5))
    check(lambda: np.asarray(True), lambda: mnp.asarray(True))


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
def test_unary_result_dtypes_on_ints_follow_numpy(dtype):
    a = np.ones(3, dtype)
    for name in ("exp", "sqrt", "sin", "log1p", "tanh", "negative", "absolute", "floor", "ceil", "trunc", "rint",
                 "isnan", "invert", "square", "sign", "reciprocal", "logical_not", "deg2rad"):
        status, exp = np_oracle(getattr(np, name), a)
        if status == "raise":
            with pytest.raises(public_exception_type(exp)):
                getattr(mnp, name)(mnp.asarray(a))
        else:
            assert getattr(mnp, name)(mnp.asarray(a)).dtype == exp.dtype, name


# --------------------------------------------------------------------------------- casts
def cast_source(src, dst, rng):
    """Values of ``src`` whose conversion to ``dst`` numpy defines (no float->int overflow or NaN)."""
    src, dst = np.dtype(src), np.dtype(dst)
    a = sample_values(src, (64,), rng, special=dst.kind == "f" or dst.kind == "b")
    if src.kind == "f" and dst.kind in "iu":
        info = np.iinfo(dst)
        lo = max(float(info.min), -60000.0)
        hi = min(float(info.max), 60000.0)
        a = rng.uniform(lo, hi, size=64).astype(src)
        with np.errstate(all="ignore"):
            a = np.where((a.astype(np.float64) >= info.min) & (a.astype(np.float64) < float(info.max)) &
                         np.isfinite(a), a, 0).astype(src)
        a[:4] = np.array([0.9, -0.9, 2.5, -0.0]).astype(src) if dst.kind == "i" else np.array([0.9, 0, 2.5, 7.99]).astype(src)
    return a


@pytest.mark.parametrize("dst", ALL_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("src", ALL_DTYPES, ids=dtype_id)
def test_astype_every_pair(src, dst, rng):
    a = cast_source(src, dst, rng)
    with np.errstate(all="ignore"):
        exp = a.astype(dst)
    assert_matches(mnp.asarray(a).astype(dst), exp, rtol=0)
    assert_matches(mnp.astype(mnp.asarray(a), dst), exp, rtol=0)
    # the same cast inside a fused kernel (the input is an unrealized node)
    assert_matches(mnp.copy(mnp.asarray(a)).astype(dst), exp, rtol=0)


@given(st.integers(-(2**63), 2**64 - 1), st.sampled_from([np.float16, np.float32, np.float64]))
def test_int_to_float_rounds_to_nearest(v, fdt):
    src = np.dtype(np.int64) if v < 2**63 else np.dtype(np.uint64)
    a = np.array([v], src)
    with np.errstate(all="ignore"):
        exp = a.astype(fdt)
    assert_matches(mnp.asarray(a).astype(fdt), exp, rtol=0)


@given(st.floats(width=64, allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6))
def test_float64_to_narrow_floats_rounds_to_nearest(v):
    a = np.array([v, -v, v * 1e-30, v * 1e30])
    with np.errstate(all="ignore"):
        for fdt in (np.float16, np.float32):
            assert_matches(mnp.asarray(a).astype(fdt), a.astype(fdt), rtol=0)


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int32, np.int64], ids=lambda t: np.dtype(t).name)
def test_inplace_casting_rules(dtype):
    a = np.arange(1, 5, dtype=dtype)

    def np_iadd(v):
        x = a.copy()
        x += v
        return x

    def m_iadd(v):
        x = mnp.asarray(a)
        x += v
        return x

    for v in (1, 2.5, 300, -1, np.float32(1), np.ones(4, np.int64), np.ones(4, np.float16)):
        check(lambda: np_iadd(v), lambda: m_iadd(v))


@pytest.mark.parametrize("dtypes", [(np.int8, np.uint16, np.float32), (np.uint8, np.int8, np.float16),
                                    (np.float32, np.int16, np.uint8), (np.int32, np.int8, np.uint8)],
                         ids=lambda ds: "-".join(np.dtype(d).name for d in ds))
def test_clip_promotes_all_three_at_once(dtypes):
    a = np.arange(5).astype(dtypes[0])
    lo = np.ones(5).astype(dtypes[1])
    hi = np.full(5, 3).astype(dtypes[2])
    check(lambda: np.clip(a, lo, hi), lambda: mnp.clip(mnp.asarray(a), mnp.asarray(lo), mnp.asarray(hi)))
