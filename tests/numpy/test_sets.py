"""unique (all return flags, axis, equal_nan) and the set functions against numpy."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import mnnx.numpy as mnp
from conftest import assert_matches, sample_values, shapes

DTYPES = ["float32", "float64", "int64", "int8", "uint16", "bool", "float16"]


def _vals(dt, shape, seed, special=True):
    rng = np.random.default_rng(seed)
    a = sample_values(dt, shape, rng, special=special)
    if a.size and np.dtype(dt).kind != "b":
        a = a.flat[rng.integers(0, a.size, a.shape)]  # repeats
    return a


def _same(got, exp):
    if isinstance(exp, tuple) and len(exp) == 1:
        got, exp = got[0], exp[0]
    if isinstance(exp, tuple):
        assert isinstance(got, tuple) and len(got) == len(exp)
        for g, e in zip(got, exp):
            assert_matches(g, e, rtol=0)
    else:
        assert_matches(got, exp, rtol=0)


@given(shape=shapes(min_dims=0, max_dims=3, max_side=6), dt=st.sampled_from(DTYPES), seed=st.integers(0, 99),
       flags=st.tuples(st.booleans(), st.booleans(), st.booleans()), equal_nan=st.booleans())
def test_unique(shape, dt, seed, flags, equal_nan):
    a = _vals(dt, shape, seed)
    ri, rv, rc = flags
    got = mnp.unique(mnp.asarray(a), return_index=ri, return_inverse=rv, return_counts=rc, equal_nan=equal_nan)
    exp = np.unique(a, return_index=ri, return_inverse=rv, return_counts=rc, equal_nan=equal_nan)
    if rv and not equal_nan and np.isnan(a).any():
        # which of the distinct NaNs an element maps to follows numpy's unstable sort: compare values
        inv = 1 + ri
        assert_matches(got[0][got[inv]], exp[0][exp[inv]], rtol=0)
        got, exp = got[:inv] + got[inv + 1:], exp[:inv] + exp[inv + 1:]
    _same(got, exp)


@given(shape=shapes(min_dims=1, max_dims=3, max_side=5), seed=st.integers(0, 99), axis=st.integers(-1, 2))
def test_unique_axis(shape, seed, axis):
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 2, shape).astype(np.int32)
    if axis >= len(shape):
        with pytest.raises(np.exceptions.AxisError):
            mnp.unique(a, axis=axis)
        return
    _same(mnp.unique(a, axis=axis, return_index=True, return_inverse=True, return_counts=True),
          np.unique(a, axis=axis, return_index=True, return_inverse=True, return_counts=True))
    _same(mnp.unique(a, axis=axis), np.unique(a, axis=axis))


@given(n1=st.integers(0, 12), n2=st.integers(0, 12), dts=st.sampled_from([("int64", "int64"), ("float32", "float64"),
                                                                          ("int8", "float32"), ("bool", "bool")]),
       seed=st.integers(0, 99))
def test_set_functions(n1, n2, dts, seed):
    a = _vals(dts[0], (n1,), seed)
    b = _vals(dts[1], (n2,), seed + 1)
    for name in ("intersect1d", "union1d", "setdiff1d", "setxor1d"):
        _same(getattr(mnp, name)(a, b), getattr(np, name)(a, b))
    _same(mnp.intersect1d(a, b, return_indices=True), np.intersect1d(a, b, return_indices=True))
    ua, ub = np.unique(a), np.unique(b)
    _same(mnp.intersect1d(ua, ub, assume_unique=True, return_indices=True),
          np.intersect1d(ua, ub, assume_unique=True, return_indices=True))
    _same(mnp.setdiff1d(ua, ub, assume_unique=True), np.setdiff1d(ua, ub, assume_unique=True))


@given(shape=shapes(min_dims=0, max_dims=2, max_side=5), n=st.integers(0, 6), seed=st.integers(0, 99),
       invert=st.booleans(), dt=st.sampled_from(["int64", "float64", "float32"]))
def test_isin(shape, n, seed, invert, dt):
    a = _vals(dt, shape, seed)
    t = _vals("int64", (n,), seed + 2, special=False)
    _same(mnp.isin(mnp.asarray(a), t, invert=invert), np.isin(a, t, invert=invert))


def test_unique_nan_and_zero():
    a = np.array([np.nan, 0.0, -0.0, np.nan, 1.0, np.nan], np.float32)
    _same(mnp.unique(a), np.unique(a))
    _same(mnp.unique(a, equal_nan=False), np.unique(a, equal_nan=False))
    _same(mnp.unique(a, return_counts=True, return_index=True), np.unique(a, return_counts=True, return_index=True))
