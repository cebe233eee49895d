"""Elementwise functions of mnnx.numpy against numpy: every dtype, dtype pairs, broadcasting,
special values, operators and the functions numpy composes (where, clip, round, sign, ...)."""
import operator

import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import mnnx.numpy as mnp
from conftest import (ALL_DTYPES, FLOATS, INTS, NUMERIC, SINT, TRANSCENDENTAL_RTOL, assert_matches, array_strategy,
                      dtype_id, np_oracle, public_exception_type, sample_values)

TRANSCENDENTAL = {"sqrt", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sin", "cos", "tan", "arcsin",
                  "arccos", "arctan", "sinh", "cosh", "tanh", "arctan2", "power", "deg2rad", "rad2deg"}
EXACT_FLOAT = {"negative", "absolute", "floor", "ceil", "trunc", "rint", "sign", "positive", "maximum", "minimum",
               "fmax", "fmin"}

UNARY = ["negative", "positive", "absolute", "sign", "sqrt", "square", "reciprocal", "exp", "exp2", "expm1", "log",
         "log2", "log10", "log1p", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "floor",
         "ceil", "trunc", "rint", "isnan", "isinf", "isfinite", "invert", "logical_not", "deg2rad", "rad2deg"]
BINARY = ["add", "subtract", "multiply", "true_divide", "floor_divide", "remainder", "power", "maximum", "minimum",
          "fmax", "fmin", "arctan2", "equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
          "bitwise_and", "bitwise_or", "bitwise_xor", "left_shift", "right_shift", "logical_and", "logical_or",
          "logical_xor"]


def float_tol(name, dtype):
    """(rtol, atol) for comparing a float result of ``name`` in ``dtype``."""
    dt = np.dtype(dtype)
    if name in EXACT_FLOAT:
        return 0.0, 0.0
    if name in TRANSCENDENTAL:
        atol = {np.float16: 1e-3, np.float32: 1e-6, np.float64: 1e-14}[dt.type]
        return TRANSCENDENTAL_RTOL[dt], atol
    return None, 0.0


def compare_with_numpy(name, np_fn, mnnx_fn, *np_args, mnnx_args=None):
    """numpy raises -> mnnx raises the same type at construction; else same dtype/shape/values."""
    status, expected = np_oracle(np_fn, *np_args)
    margs = np_args if mnnx_args is None else mnnx_args
    if status == "raise":
        with pytest.raises(public_exception_type(expected)):
            mnnx_fn(*margs)
        return
    got = mnnx_fn(*margs)
    exp = np.asarray(expected)
    if exp.dtype.kind == "f":
        rtol, atol = float_tol(name, exp.dtype)
        assert_matches(got, exp, rtol=rtol, atol=atol, err_msg=f"{name}{tuple(a.dtype for a in np_args)}")
    else:
        assert_matches(got, exp, err_msg=f"{name}{tuple(a.dtype for a in np_args)}")


# ------------------------------------------------------------------------------------------ unary
def unary_domain(name, dtype, rng, shape=(5, 7)):
    dt = np.dtype(dtype)
    if dt.kind == "f":
        lo, hi = {"arcsin": (-1.2, 1.2), "arccos": (-1.2, 1.2), "log1p": (-1.5, 50.0), "exp": (-60, 60),
                  "exp2": (-60, 60), "expm1": (-60, 60), "sinh": (-60, 60), "cosh": (-60, 60),
                  "sin": (-50, 50), "cos": (-50, 50), "tan": (-50, 50)}.get(name, (-100.0, 100.0))
        return sample_values(dt, shape, rng, special=True, low=lo, high=hi)
    a = sample_values(dt, shape, rng)
    if name == "reciprocal" and dt.kind in "iu":
        a[a == 0] = 1  # integer 1/0 is implementation-defined in numpy
    return a


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("name", UNARY)
def test_unary_every_dtype(name, dtype, rng):
    a = unary_domain(name, dtype, rng)
    compare_with_numpy(name, getattr(np, name), getattr(mnp, name), a, mnnx_args=(mnp.asarray(a),))


@pytest.mark.parametrize("name", ["sqrt", "exp", "log", "sin", "tanh", "floor", "rint", "negative", "isnan", "abs"])
@given(data=st.data())
def test_unary_hypothesis(name, data):
    dt = data.draw(st.sampled_from(FLOATS + SINT), label="dtype")
    a = data.draw(array_strategy(dt, hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=6),
                                 allow_special=True), label="a")
    compare_with_numpy(name, getattr(np, name), getattr(mnp, name), a, mnnx_args=(mnp.asarray(a),))


@pytest.mark.parametrize("alias,canonical", [("abs", "absolute"), ("divide", "true_divide"), ("mod", "remainder"),
                                             ("bitwise_not", "invert"), ("asin", "arcsin"), ("acos", "arccos"),
                                             ("atan", "arctan"), ("atan2", "arctan2"), ("fix", "trunc"),
                                             ("bitwise_left_shift", "left_shift"), ("pow", "power"),
                                             ("bitwise_right_shift", "right_shift"), ("around", "round")])
def test_aliases_compute_the_same(alias, canonical, rng):
    a = sample_values(np.float64, (6,), rng, low=-0.9, high=0.9) if canonical not in (
        "invert", "left_shift", "right_shift") else sample_values(np.int32, (6,), rng, low=0, high=20)
    f = getattr(mnp, alias)
    g = getattr(mnp, canonical)
    args = (mnp.asarray(a),) if canonical in ("absolute", "invert", "arcsin", "arccos", "arctan", "trunc",
                                              "round") else (mnp.asarray(a), mnp.asarray(a[::-1].copy()))
    assert_matches(f(*args), np.asarray(g(*args)))


# ------------------------------------------------------------------------------------------ binary
def binary_operands(name, dt1, dt2, rng, s1=(3, 1, 4), s2=(5, 4)):
    a = sample_values(dt1, s1, rng, special=True)
    b = sample_values(dt2, s2, rng, special=True)
    return sanitize_binary(name, a, b)


def sanitize_binary(name, a, b):
    """Avoid the inputs numpy leaves implementation-defined (it warns): integer division by zero,
    MIN // -1, negative integer powers, shift counts >= the bit width."""
    with np.errstate(all="ignore"):
        rt = np.result_type(a, b)
    a, b = np.array(a), np.array(b)
    if name in ("floor_divide", "remainder", "true_divide") and rt.kind in "iub" and b.dtype.kind in "iub":
        if b.dtype.kind == "b":
            b = np.ones_like(b)
        else:
            b[b == 0] = 1
            if b.dtype.kind == "i":
                b[b == -1] = 1
    if name == "power" and rt.kind in "iub":
        if b.dtype.kind in "iu":
            b = (np.abs(b.astype(np.int64)) % 9).astype(b.dtype)
    if name in ("left_shift", "right_shift") and rt.kind in "iu":
        bits = rt.itemsize * 8
        if b.dtype.kind in "iu":
            b = (np.abs(b.astype(np.int64)) % bits).astype(b.dtype)
    return a, b


@pytest.mark.parametrize("dt2", ALL_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("dt1", ALL_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("name", BINARY)
def test_binary_dtype_pairs(name, dt1, dt2, rng):
    a, b = binary_operands(name, dt1, dt2, rng)
    compare_with_numpy(name, getattr(np, name), getattr(mnp, name), a, b,
                       mnnx_args=(mnp.asarray(a), mnp.asarray(b)))


BIN_DTYPES = [np.dtype(t) for t in (np.bool_, np.int8, np.uint8, np.int32, np.int64, np.uint64, np.float16,
                                    np.float32, np.float64)]


@given(data=st.data())
def test_binary_broadcasting_hypothesis(data):
    name = data.draw(st.sampled_from(BINARY), label="op")
    dt1 = data.draw(st.sampled_from(BIN_DTYPES), label="dt1")
    dt2 = data.draw(st.sampled_from(BIN_DTYPES), label="dt2")
    shp = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, min_side=0,
                                                      max_side=4), label="shapes")
    a = data.draw(array_strategy(dt1, shp.input_shapes[0], allow_special=True), label="a")
    b = data.draw(array_strategy(dt2, shp.input_shapes[1], allow_special=True), label="b")
    a, b = sanitize_binary(name, a, b)
    ma, mb = mnp.asarray(a), mnp.asarray(b)
    if data.draw(st.booleans(), label="lazy inputs"):  # the same values as unrealized graph nodes
        ma, mb = mnp.copy(ma), mnp.flip(mnp.flip(mb))
    compare_with_numpy(name, getattr(np, name), getattr(mnp, name), a, b, mnnx_args=(ma, mb))


@pytest.mark.parametrize("dtype", INTS, ids=dtype_id)
def test_shift_by_bit_width_or_more(dtype):
    # numpy defines these: left shifts past the width give 0, right shifts give 0 or -1 (sign fill)
    dt = np.dtype(dtype)
    bits = dt.itemsize * 8
    info = np.iinfo(dt)
    a = np.array([1, 5, info.max, info.min, info.min + 1], dtype=dt)
    b = np.array([bits, bits + 1, bits + 7, bits, 2 * bits], dtype=dt)
    for name in ("left_shift", "right_shift"):
        compare_with_numpy(name, getattr(np, name), getattr(mnp, name), a, b,
                           mnnx_args=(mnp.asarray(a), mnp.asarray(b)))


def test_integer_overflow_wraps_like_numpy():
    a = np.array([127, -128, 100], np.int8)
    assert_matches(mnp.asarray(a) + mnp.asarray(a), a + a)
    assert_matches(mnp.asarray(a) * mnp.asarray(a), a * a)
    assert_matches(-mnp.asarray(a), -a)
    assert_matches(mnp.abs(mnp.asarray(a)), np.abs(a))
    u = np.array([0, 1, 255], np.uint8)
    assert_matches(mnp.asarray(u) - mnp.asarray(np.array([1, 2, 0], np.uint8)), u - np.array([1, 2, 0], np.uint8))
    i64 = np.array([np.iinfo(np.int64).max], np.int64)
    assert_matches(mnp.asarray(i64) + 1, i64 + 1)


def test_float_division_by_zero_is_ieee():
    a = np.array([1.0, -1.0, 0.0, np.inf, np.nan, 5.0])
    z = np.array([0.0, 0.0, 0.0, 0.0, 0.0, -0.0])
    for name in ("true_divide", "floor_divide", "remainder"):
        with np.errstate(all="ignore"):
            expected = getattr(np, name)(a, z)
        assert_matches(getattr(mnp, name)(mnp.asarray(a), mnp.asarray(z)), expected, rtol=0)


def test_true_divide_int_by_zero_is_inf_nan():
    # true division of ints goes through float64, where x/0 is IEEE (numpy warns but the result is defined)
    a = np.array([1, -1, 0], np.int32)
    with np.errstate(all="ignore"):
        expected = a / np.zeros(3, np.int32)
    assert_matches(mnp.asarray(a) / mnp.zeros(3, dtype=np.int32), expected)


def test_float_remainder_and_floor_divide_signs():
    a = np.array([5.5, -5.5, 5.5, -5.5, 1e-300, -0.0, 7.0, -7.0, 3.0, 1e16])
    b = np.array([2.0, 2.0, -2.0, -2.0, 1.0, 3.0, np.inf, np.inf, 0.1, 3.0])
    with np.errstate(all="ignore"):
        for name in ("floor_divide", "remainder"):
            exp = getattr(np, name)(a, b)
            got = getattr(mnp, name)(mnp.asarray(a), mnp.asarray(b))
            assert_matches(got, exp, rtol=1e-15)
            assert (np.signbit(np.asarray(got)) == np.signbit(exp)).all(), name


@pytest.mark.parametrize("dtype", FLOATS, ids=dtype_id)
def test_nan_propagation_of_max_min_fmax_fmin(dtype):
    a = np.array([np.nan, 1.0, np.nan, -np.inf, 0.0], dtype)
    b = np.array([1.0, np.nan, np.nan, np.inf, -0.0], dtype)
    for name in ("maximum", "minimum", "fmax", "fmin"):
        exp = getattr(np, name)(a, b)
        assert_matches(getattr(mnp, name)(mnp.asarray(a), mnp.asarray(b)), exp, rtol=0, err_msg=name)


@pytest.mark.parametrize("dtype", FLOATS, ids=dtype_id)
def test_signed_zero_results(dtype):
    z = np.array([-0.0, 0.0], dtype)
    for name in ("negative", "sqrt", "sin", "tan", "arcsin", "arctan", "sinh", "tanh", "expm1", "log1p", "trunc",
                 "floor", "ceil", "rint"):
        exp = getattr(np, name)(z)
        got = np.asarray(getattr(mnp, name)(mnp.asarray(z)))
        assert got.dtype == exp.dtype
        assert (got == 0).all() and (np.signbit(got) == np.signbit(exp)).all(), (name, got, exp)


# ------------------------------------------------------------------------------------------ operators
OPERATORS = [(operator.add, "add"), (operator.sub, "subtract"), (operator.mul, "multiply"),
             (operator.truediv, "true_divide"), (operator.floordiv, "floor_divide"), (operator.mod, "remainder"),
             (operator.pow, "power"), (operator.and_, "bitwise_and"), (operator.or_, "bitwise_or"),
             (operator.xor, "bitwise_xor"), (operator.lshift, "left_shift"), (operator.rshift, "right_shift"),
             (operator.eq, "equal"), (operator.ne, "not_equal"), (operator.lt, "less"), (operator.le, "less_equal"),
             (operator.gt, "greater"), (operator.ge, "greater_equal")]


@pytest.mark.parametrize("dt", [np.dtype(np.int32), np.dtype(np.uint8), np.dtype(np.float32), np.dtype(np.bool_)],
                         ids=dtype_id)
@pytest.mark.parametrize("op,name", OPERATORS, ids=[n for _, n in OPERATORS])
def test_operators_match_numpy(op, name, dt, rng):
    a, b = binary_operands(name, dt, np.dtype(np.int16), rng, (4, 3), (3,))
    # var op var, var op ndarray, ndarray op var (numpy defers to mnnx), var op python scalar
    compare_with_numpy(name, op, op, a, b, mnnx_args=(mnp.asarray(a), mnp.asarray(b)))
    compare_with_numpy(name, op, op, a, b, mnnx_args=(mnp.asarray(a), b))
    compare_with_numpy(name, op, op, a, b, mnnx_args=(a, mnp.asarray(b)))  # numpy defers to mnnx
    s = 3
    compare_with_numpy(name, lambda x: op(x, s), lambda x: op(x, s), a, mnnx_args=(mnp.asarray(a),))
    if name in ("power", "left_shift", "right_shift") and dt.kind in "iu":  # a is the exponent / shift count
        a = (np.abs(a.astype(np.int64)) % 7).astype(dt)
    compare_with_numpy(name, lambda x: op(s, x), lambda x: op(s, x), a, mnnx_args=(mnp.asarray(a),))


@pytest.mark.parametrize("dt", [np.dtype(np.int8), np.dtype(np.uint16), np.dtype(np.float32), np.dtype(np.bool_)],
                         ids=dtype_id)
@pytest.mark.parametrize("op", [operator.neg, operator.pos, operator.abs, operator.invert])
def test_unary_operators(op, dt, rng):
    a = sample_values(dt, (3, 4), rng)
    compare_with_numpy(op.__name__, op, op, a, mnnx_args=(mnp.asarray(a),))


@pytest.mark.parametrize("op,name", [(operator.iadd, "add"), (operator.isub, "subtract"), (operator.imul, "multiply"),
                                     (operator.itruediv, "true_divide"), (operator.ifloordiv, "floor_divide"),
                                     (operator.imod, "remainder"), (operator.ipow, "power"),
                                     (operator.iand, "bitwise_and"), (operator.ior, "bitwise_or"),
                                     (operator.ilshift, "left_shift")])
@pytest.mark.parametrize("dt", [np.dtype(np.int16), np.dtype(np.float32), np.dtype(np.uint8)], ids=dtype_id)
@pytest.mark.parametrize("other_dt", [np.dtype(np.int8), np.dtype(np.float64)], ids=dtype_id)
def test_inplace_operators(op, name, dt, other_dt, rng):
    a, b = binary_operands(name, dt, other_dt, rng, (3, 4), (4,))

    def np_fn(x, y):
        x = x.copy()
        return op(x, y)

    def mnnx_fn(x, y):
        return op(x, y)

    compare_with_numpy(name, np_fn, mnnx_fn, a, b, mnnx_args=(mnp.asarray(a), mnp.asarray(b)))


# ------------------------------------------------------------------------------------------ composed functions
@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
def test_where(dtype, rng):
    c = rng.random((4, 1, 3)) < 0.5
    x = sample_values(dtype, (5, 3), rng)
    y = sample_values(np.int8, (1,), rng)
    assert_matches(mnp.where(mnp.asarray(c), mnp.asarray(x), mnp.asarray(y)), np.where(c, x, y))
    assert_matches(mnp.where(mnp.asarray(c), mnp.asarray(x), 0), np.where(c, x, 0))
    assert_matches(mnp.where(mnp.asarray(c), 1.5, mnp.asarray(x)), np.where(c, 1.5, x))
    # a non-bool condition is truth-tested
    assert_matches(mnp.where(mnp.asarray(x), 1, 2), np.where(x, 1, 2))


@pytest.mark.parametrize("dtype", NUMERIC, ids=dtype_id)
def test_clip(dtype, rng):
    a = sample_values(dtype, (4, 5), rng)
    lo = sample_values(dtype, (5,), rng, low=0, high=10)
    assert_matches(mnp.clip(mnp.asarray(a), 1, 9), np.clip(a, 1, 9))
    assert_matches(mnp.clip(mnp.asarray(a), mnp.asarray(lo), None), np.clip(a, lo, None))
    assert_matches(mnp.clip(mnp.asarray(a), None, 5), np.clip(a, None, 5))
    assert_matches(mnp.asarray(a).clip(2, 3), a.clip(2, 3))


@pytest.mark.parametrize("dtype", NUMERIC, ids=dtype_id)
@pytest.mark.parametrize("decimals", [0, 1, 2, -1, -2])
def test_round(dtype, decimals, rng):
    a = sample_values(dtype, (20,), rng, low=-1000, high=1000) if np.dtype(dtype).kind == "f" else \
        sample_values(dtype, (20,), rng, low=-1000, high=1000)
    a = np.concatenate([a, np.array([0.5, 1.5, 2.5, -0.5, 25, 35, 150, 250]).astype(dtype)]) if \
        np.dtype(dtype).kind == "f" or np.dtype(dtype).itemsize > 1 else a
    with np.errstate(all="ignore"):
        exp = np.round(a, decimals)
    got = mnp.round(mnp.asarray(a), decimals)
    assert_matches(got, exp, rtol=1e-3 if exp.dtype == np.float16 else 1e-12 if exp.dtype == np.float64 else 1e-6)
    assert_matches(mnp.around(mnp.asarray(a), decimals), exp,
                   rtol=1e-3 if exp.dtype == np.float16 else 1e-12 if exp.dtype == np.float64 else 1e-6)


def test_rint_rounds_half_to_even():
    a = np.array([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 4503599627370495.5, 1e300, -3.5])
    assert_matches(mnp.rint(mnp.asarray(a)), np.rint(a), rtol=0)
    with np.errstate(all="ignore"):
        f = a.astype(np.float32)  # 1e300 -> inf
    assert_matches(mnp.rint(mnp.asarray(f)), np.rint(f), rtol=0)


@pytest.mark.parametrize("dtype", [np.dtype(np.float32), np.dtype(np.float64), np.dtype(np.int32)], ids=dtype_id)
def test_dtype_keyword(dtype, rng):
    a = sample_values(np.int16, (6,), rng, low=-50, high=50)
    b = sample_values(np.int16, (6,), rng, low=1, high=50)
    assert_matches(mnp.add(mnp.asarray(a), mnp.asarray(b), dtype=dtype), np.add(a, b, dtype=dtype))
    assert_matches(mnp.negative(mnp.asarray(a), dtype=dtype), np.negative(a, dtype=dtype))


def test_sigmoid_and_erf(rng):
    import math
    x = sample_values(np.float64, (50,), rng, low=-30, high=30)
    with np.errstate(all="ignore"):
        assert_matches(mnp.sigmoid(mnp.asarray(x)), 1 / (1 + np.exp(-x)), rtol=1e-12, atol=1e-300)
        x32 = x.astype(np.float32)
        assert_matches(mnp.sigmoid(mnp.asarray(x32)), (1 / (1 + np.exp(-x32.astype(np.float64)))).astype(np.float32),
                       rtol=1e-6, atol=1e-38)
    erf = np.vectorize(math.erf, otypes=[np.float64])
    assert_matches(mnp.erf(mnp.asarray(x)), erf(x), rtol=1e-12, atol=1e-300)
    assert_matches(mnp.erf(mnp.asarray(x.astype(np.float32))), erf(x.astype(np.float32)).astype(np.float32),
                   rtol=1e-6, atol=1e-38)
    # integer inputs follow the FLOAT rule like exp: int8 -> float16, int32 -> float64
    assert mnp.sigmoid(mnp.asarray(np.array([1], np.int8))).dtype == np.float16
    assert mnp.erf(mnp.asarray(np.array([1], np.int32))).dtype == np.float64


@pytest.mark.parametrize("dtype", NUMERIC, ids=dtype_id)
def test_logical_functions_on_any_dtype(dtype, rng):
    a = sample_values(dtype, (3, 4), rng)
    b = sample_values(dtype, (4,), rng)
    a.flat[::3] = 0
    for name in ("logical_and", "logical_or", "logical_xor"):
        assert_matches(getattr(mnp, name)(mnp.asarray(a), mnp.asarray(b)), getattr(np, name)(a, b))
    assert_matches(mnp.logical_not(mnp.asarray(a)), np.logical_not(a))


def test_isnan_isinf_isfinite_on_integers_are_false():
    a = np.array([0, -1, 5], np.int32)
    for name in ("isnan", "isinf"):
        assert_matches(getattr(mnp, name)(mnp.asarray(a)), getattr(np, name)(a))
    assert_matches(mnp.isfinite(mnp.asarray(a)), np.isfinite(a))


def test_ufunc_on_python_scalars_and_lists():
    assert_matches(mnp.exp(1.0), np.asarray(np.exp(1.0)))
    assert_matches(mnp.add([1, 2, 3], 1), np.add([1, 2, 3], 1))
    assert_matches(mnp.sqrt([[4, 9]]), np.sqrt([[4, 9]]))
    assert_matches(mnp.maximum(3, [1, 5]), np.maximum(3, [1, 5]))


# ------------------------------------------------------------------------------------------ large arrays
@pytest.mark.parametrize("dtype", [np.dtype(t) for t in (np.float32, np.float64, np.float16, np.int16, np.uint64,
                                                         np.bool_)], ids=dtype_id)
@pytest.mark.parametrize("layout", ["contiguous", "broadcast", "reversed", "transposed", "strided"])
def test_large_elementwise_across_blocks(dtype, layout):
    rng = np.random.default_rng(11)
    a = sample_values(dtype, (1003, 517), rng)
    b = sample_values(dtype, (517,), rng)
    va = {"contiguous": lambda t: t, "broadcast": lambda t: t, "reversed": lambda t: t[::-1, ::-1],
          "transposed": lambda t: t.T.T[:, ::-1].T, "strided": lambda t: t[::2, 3::5]}[layout]
    bb = b if layout != "transposed" else sample_values(dtype, (1003,), rng)
    bb = bb if layout != "strided" else sample_values(dtype, (103,), rng)
    x = va(a)
    ops = [("add", lambda m, u, v: u + v), ("maximum", lambda m, u, v: m.maximum(u, v)),
           ("equal", lambda m, u, v: u == v), ("where", lambda m, u, v: m.where(u > v, u, v))]
    if dtype.kind == "f":
        ops.append(("tanh", lambda m, u, v: m.tanh(u) * v))
    for lazy in (False, True):
        mx = va(mnp.copy(mnp.asarray(a)) if lazy else mnp.asarray(a))
        for name, f in ops:
            with np.errstate(all="ignore"):
                exp = f(np, x, bb)
            got = f(mnp, mx, mnp.asarray(bb))
            rtol = float_tol("tanh", exp.dtype)[0] if name == "tanh" else None
            assert_matches(got, exp, rtol=rtol, atol=float_tol("tanh", exp.dtype)[1] if name == "tanh" else 0,
                           err_msg=f"{name} {layout} lazy={lazy}")
