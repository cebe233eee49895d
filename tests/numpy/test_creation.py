"""Creating arrays: from Python data, constants, ranges, eye/tri, *_like, with numpy's dtype
defaults (float64 / int64 / bool) and values."""
import numpy as np
import pytest
from hypothesis import assume, given, strategies as st

import mnnx
import mnnx.numpy as mnp
from conftest import ALL_DTYPES, assert_matches, dtype_id, np_oracle, public_exception_type


def check(np_fn, mnnx_fn, rtol=None, atol=0.0):
    status, exp = np_oracle(np_fn)
    if status == "raise":
        with pytest.raises(public_exception_type(exp)):
            mnnx_fn()
        return
    got = mnnx_fn()
    if isinstance(exp, tuple):
        assert isinstance(got, tuple) and len(got) == len(exp)
        for g, e in zip(got, exp):
            if isinstance(e, np.ndarray):
                assert_matches(g, e, rtol=rtol, atol=atol)
            else:
                np.testing.assert_allclose(float(g), float(e), rtol=1e-12, equal_nan=True)
        return
    assert_matches(got, np.asarray(exp), rtol=rtol, atol=atol)


DATA = [1, 2.5, True, -3, [], [1, 2, 3], [1, 2.5], [True, False], [True, 2], [[1, 2], [3, 4]], [[[1.5]]],
        (1, 2), [[], []], [1, -1.0, True], 2**40, -(2**63), 2**63, [0, 2**64 - 1], [1e300, -1e-300], [np.inf, np.nan],
        [np.int8(1), np.int8(2)], [np.float32(1.5), 2], np.float16(3)]


@pytest.mark.parametrize("data", DATA, ids=repr)
def test_array_from_python_data(data):
    check(lambda: np.array(data), lambda: mnp.array(data), rtol=0)
    check(lambda: np.asarray(data), lambda: mnp.asarray(data), rtol=0)


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
def test_array_with_dtype(dtype):
    data = [[0, 1, 2], [3, 4, 5]]
    check(lambda: np.array(data, dtype=dtype), lambda: mnp.array(data, dtype=dtype), rtol=0)
    check(lambda: np.array(data, dtype=dtype, ndmin=4), lambda: mnp.array(data, dtype=dtype, ndmin=4), rtol=0)
    check(lambda: np.asarray(data, dtype=dtype), lambda: mnp.asarray(data, dtype=dtype), rtol=0)
    check(lambda: np.array(np.arange(6).reshape(2, 3), dtype=dtype),
          lambda: mnp.array(mnp.arange(6).reshape(2, 3), dtype=dtype), rtol=0)
    assert mnnx.tensor(data, dtype=dtype).dtype == np.dtype(dtype)


def test_array_copies_its_input():
    a = np.arange(4.0)
    x = mnp.array(a)
    a[0] = 100
    assert_matches(x, np.arange(4.0), rtol=0)
    y = mnp.array(x)
    assert y is not x
    assert_matches(y, np.arange(4.0), rtol=0)


def test_array_of_vars():
    vals = [mnp.ones(3), mnp.zeros(3), mnp.arange(3.0)]
    check(lambda: np.array([np.ones(3), np.zeros(3), np.arange(3.0)]), lambda: mnp.array(vals), rtol=0)


@pytest.mark.parametrize("shape", [(), 0, 3, (0,), (2, 3), [2, 3], (1, 0, 2), (2, 1, 1, 3), np.int64(4)],
                         ids=repr)
@pytest.mark.parametrize("fn", ["zeros", "ones", "empty"])
def test_constants_default_float64(fn, shape):
    got = getattr(mnp, fn)(shape)
    exp = getattr(np, fn)(shape)
    assert got.dtype == exp.dtype and got.shape == exp.shape
    if fn != "empty":
        assert_matches(got, exp, rtol=0)


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
def test_constants_every_dtype(dtype):
    for fn in ("zeros", "ones"):
        check(lambda: getattr(np, fn)((2, 3), dtype=dtype), lambda: getattr(mnp, fn)((2, 3), dtype=dtype), rtol=0)
        check(lambda: getattr(np, fn)((2, 3), dtype), lambda: getattr(mnp, fn)((2, 3), dtype), rtol=0)
    got = mnp.empty((4,), dtype=dtype)
    assert got.dtype == np.dtype(dtype) and got.shape == (4,)
    for fill in (0, 1, 7, True, 2.75, -1.5, -3):
        check(lambda: np.full((2, 2), fill, dtype=dtype), lambda: mnp.full((2, 2), fill, dtype=dtype), rtol=0)


@pytest.mark.parametrize("fill", [3, 3.5, True, np.float32(1.5), np.int8(-2), np.uint64(2**63), 2**63, -(2**63),
                                  np.nan, -np.inf, [1, 2, 3], [[1.5], [2.5]], np.array([1, 2, 3], np.int16)],
                         ids=repr)
def test_full_infers_dtype_like_numpy(fill):
    check(lambda: np.full((2, 3), fill), lambda: mnp.full((2, 3), fill), rtol=0)


def test_full_fill_value_overflow():
    check(lambda: np.full(3, 300, dtype=np.int8), lambda: mnp.full(3, 300, dtype=np.int8))
    check(lambda: np.full(3, -1, dtype=np.uint8), lambda: mnp.full(3, -1, dtype=np.uint8))


@pytest.mark.parametrize("dtype", [None, np.int8, np.float32, np.bool_], ids=repr)
def test_like_functions(dtype, rng):
    a = rng.standard_normal((3, 4)).astype(np.float32)
    x = mnp.asarray(a)
    for fn in ("zeros_like", "ones_like"):
        check(lambda: getattr(np, fn)(a, dtype=dtype), lambda: getattr(mnp, fn)(x, dtype=dtype), rtol=0)
        check(lambda: getattr(np, fn)(a, dtype=dtype, shape=(2, 5)),
              lambda: getattr(mnp, fn)(x, dtype=dtype, shape=(2, 5)), rtol=0)
        check(lambda: getattr(np, fn)(a), lambda: getattr(mnp, fn)(a), rtol=0)  # a numpy input
    check(lambda: np.full_like(a, 7, dtype=dtype), lambda: mnp.full_like(x, 7, dtype=dtype), rtol=0)
    check(lambda: np.full_like(a, 2.5), lambda: mnp.full_like(x, 2.5), rtol=0)
    e = mnp.empty_like(x, dtype=dtype)
    assert e.shape == a.shape and e.dtype == np.empty_like(a, dtype=dtype).dtype
    check(lambda: np.zeros_like(np.arange(3)), lambda: mnp.zeros_like(mnp.arange(3)), rtol=0)


@given(st.integers(-50, 50), st.integers(-50, 50), st.integers(-7, 7).filter(bool))
def test_arange_ints(start, stop, step):
    check(lambda: np.arange(start, stop, step), lambda: mnp.arange(start, stop, step))
    check(lambda: np.arange(stop), lambda: mnp.arange(stop))
    check(lambda: np.arange(start, stop), lambda: mnp.arange(start, stop))
    for dt in (np.int8, np.uint16, np.float32, np.float64):
        if dt == np.uint16 and min(start, stop) < 0:
            continue
        check(lambda: np.arange(start, stop, step, dtype=dt), lambda: mnp.arange(start, stop, step, dtype=dt),
              rtol=1e-6)


@given(st.floats(-100, 100), st.floats(-100, 100), st.floats(0.01, 10), st.booleans())
def test_arange_floats(start, stop, step, negative):
    step = -step if negative else step
    assume(abs((stop - start) / step) < 5000)
    n_np = len(np.arange(start, stop, step))
    got = mnp.arange(start, stop, step)
    assert got.shape == (n_np,) and got.dtype == np.float64
    atol = 1e-12 * (abs(start) + abs(stop) + abs(step) * n_np)
    check(lambda: np.arange(start, stop, step), lambda: got, rtol=1e-12, atol=atol)
    # numpy fills float32 ranges with a float32 delta (start + i*delta): allow that delta's rounding error
    eps32 = float(np.finfo(np.float32).eps)
    atol32 = 2 * eps32 * (n_np + 2) * (abs(start) + abs(step)) + 4 * eps32 * (abs(start) + abs(stop))
    check(lambda: np.arange(start, stop, step, dtype=np.float32),
          lambda: mnp.arange(start, stop, step, dtype=np.float32), rtol=1e-5, atol=atol32)


def test_arange_special_cases():
    check(lambda: np.arange(0), lambda: mnp.arange(0))
    check(lambda: np.arange(5, 1), lambda: mnp.arange(5, 1))
    check(lambda: np.arange(0.5, 3), lambda: mnp.arange(0.5, 3), rtol=0)
    check(lambda: np.arange(1, 2, 0.25), lambda: mnp.arange(1, 2, 0.25), rtol=0)
    check(lambda: np.arange(True, 3), lambda: mnp.arange(True, 3))
    check(lambda: np.arange(np.int8(5)), lambda: mnp.arange(np.int8(5)))
    check(lambda: np.arange(np.float32(3)), lambda: mnp.arange(np.float32(3)))
    check(lambda: np.arange(0, 10, 0), lambda: mnp.arange(0, 10, 0))
    check(lambda: np.arange(2**62, 2**62 + 3), lambda: mnp.arange(2**62, 2**62 + 3))
    check(lambda: np.arange(10, dtype=np.uint8)[::3], lambda: mnp.arange(10, dtype=np.uint8)[::3])


@pytest.mark.parametrize("num", [0, 1, 2, 5, 50])
@pytest.mark.parametrize("endpoint", [True, False])
def test_linspace(num, endpoint):
    for start, stop in [(0, 1), (-3.5, 7.25), (10, -10), (1e10, 1e10 + 1), (5, 5)]:
        check(lambda: np.linspace(start, stop, num, endpoint=endpoint),
              lambda: mnp.linspace(start, stop, num, endpoint=endpoint), rtol=1e-12, atol=1e-12 * abs(stop - start))
        check(lambda: np.linspace(start, stop, num, endpoint=endpoint, retstep=True),
              lambda: mnp.linspace(start, stop, num, endpoint=endpoint, retstep=True), rtol=1e-12,
              atol=1e-12 * abs(stop - start))
        check(lambda: np.linspace(start, stop, num, endpoint=endpoint, dtype=np.float32),
              lambda: mnp.linspace(start, stop, num, endpoint=endpoint, dtype=np.float32), rtol=1e-6,
              atol=1e-6 * abs(stop - start))
        if abs(start) < 2**31 and abs(stop) < 2**31:  # float -> int32 overflow is implementation-defined
            check(lambda: np.linspace(start, stop, num, endpoint=endpoint, dtype=np.int32),
                  lambda: mnp.linspace(start, stop, num, endpoint=endpoint, dtype=np.int32))


def test_linspace_arrays_and_axis():
    s, e = np.array([0.0, 1.0]), np.array([[10.0, 20.0], [30.0, 40.0]])
    for axis in (0, 1, -1, 2):
        check(lambda: np.linspace(s, e, 4, axis=axis), lambda: mnp.linspace(mnp.asarray(s), mnp.asarray(e), 4, axis=axis),
              rtol=1e-12)
    check(lambda: np.linspace(np.float32(0), np.float32(1), 5), lambda: mnp.linspace(np.float32(0), np.float32(1), 5),
          rtol=1e-6)
    check(lambda: np.linspace(0, 1, -1), lambda: mnp.linspace(0, 1, -1))


def test_logspace():
    check(lambda: np.logspace(0, 3, 4), lambda: mnp.logspace(0, 3, 4), rtol=1e-12)
    check(lambda: np.logspace(0, 3, 4, base=2.0), lambda: mnp.logspace(0, 3, 4, base=2.0), rtol=1e-12)
    check(lambda: np.logspace(-2, 2, 9, endpoint=False), lambda: mnp.logspace(-2, 2, 9, endpoint=False), rtol=1e-12)
    check(lambda: np.logspace(0, 2, 3, dtype=np.float32), lambda: mnp.logspace(0, 2, 3, dtype=np.float32), rtol=1e-6)


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
def test_eye_identity_tri(dtype):
    for n, m, k in [(3, None, 0), (3, 5, 1), (4, 2, -1), (0, 3, 0), (3, 3, 5), (3, 3, -5), (1, 1, 0)]:
        check(lambda: np.eye(n, m, k, dtype=dtype), lambda: mnp.eye(n, m, k, dtype=dtype), rtol=0)
        check(lambda: np.tri(n, m, k, dtype=dtype), lambda: mnp.tri(n, m, k, dtype=dtype), rtol=0)
    check(lambda: np.identity(4, dtype=dtype), lambda: mnp.identity(4, dtype=dtype), rtol=0)
    check(lambda: np.eye(3), lambda: mnp.eye(3), rtol=0)
    check(lambda: np.tri(3), lambda: mnp.tri(3), rtol=0)


def test_frombuffer():
    buf = np.arange(10, dtype=np.int16).tobytes()
    check(lambda: np.frombuffer(buf, dtype=np.int16), lambda: mnp.frombuffer(buf, dtype=np.int16), rtol=0)
    check(lambda: np.frombuffer(buf, dtype=np.int16, count=3, offset=4),
          lambda: mnp.frombuffer(buf, dtype=np.int16, count=3, offset=4), rtol=0)
    check(lambda: np.frombuffer(buf, dtype=np.uint8), lambda: mnp.frombuffer(buf, dtype=np.uint8), rtol=0)
    check(lambda: np.frombuffer(buf), lambda: mnp.frombuffer(buf))  # 20 bytes is no multiple of 8: ValueError


def test_creation_is_lazy_but_correct():
    z = mnp.zeros((1000, 1000))
    assert not z._realized
    assert float(z.sum()) == 0.0
    x = mnp.full((3,), 2.5, dtype=mnp.float32)
    assert_matches(x * 2, np.full((3,), 5.0, np.float32), rtol=0)
