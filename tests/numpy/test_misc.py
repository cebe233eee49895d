"""diff/gradient/convolve/interp/histogram/bincount/digitize/pad/roll/rot90/closeness against numpy."""
import warnings

import numpy as np
import pytest
from hypothesis import given, strategies as st

import mnnx.numpy as mnp
from conftest import assert_matches, np_oracle, public_exception_type, sample_values, shapes


def check(np_fn, mnnx_fn, rtol=None, atol=0.0):
    status, exp = np_oracle(np_fn)
    if status == "raise":
        with pytest.raises(public_exception_type(exp)):
            mnnx_fn()
        return
    with warnings.catch_warnings():  # numpy's own warnings (e.g. the 'stone' estimator's), silenced for both
        warnings.simplefilter("ignore")
        got = mnnx_fn()
    if isinstance(exp, (tuple, list)):
        assert len(got) == len(exp)
        for g, e in zip(got, exp):
            assert_matches(g, e, rtol=rtol, atol=atol)
    else:
        assert_matches(got, exp, rtol=rtol, atol=atol)


@given(shape=shapes(min_dims=0, max_dims=3, max_side=5), n=st.integers(-1, 3), axis=st.integers(-2, 1),
       dt=st.sampled_from(["float32", "int16", "bool", "uint8"]), seed=st.integers(0, 99))
def test_diff(shape, n, axis, dt, seed):
    a = sample_values(dt, shape, np.random.default_rng(seed))
    check(lambda: np.diff(a, n, axis), lambda: mnp.diff(mnp.asarray(a), n, axis), rtol=0)
    if len(shape) == 1 and dt != "bool":
        check(lambda: np.diff(a, 1, prepend=3, append=a[:2]), lambda: mnp.diff(a, 1, prepend=3, append=a[:2]), rtol=0)
        check(lambda: np.ediff1d(a, to_begin=[1], to_end=2), lambda: mnp.ediff1d(a, to_begin=[1], to_end=2), rtol=0)


@given(shape=shapes(min_dims=1, max_dims=3, min_side=1, max_side=6), dt=st.sampled_from(["float64", "float32", "int32"]),
       edge=st.sampled_from([1, 2]), seed=st.integers(0, 99), spacing=st.sampled_from(["none", "scalar", "coords"]))
def test_gradient(shape, dt, edge, seed, spacing):
    rng = np.random.default_rng(seed)
    a = sample_values(dt, shape, rng, low=-50, high=50)
    if spacing == "none":
        args = ()
    elif spacing == "scalar":
        args = (0.5,)
    else:
        args = tuple(np.cumsum(rng.random(n) + 0.1) for n in shape)
    check(lambda: np.gradient(a, *args, edge_order=edge), lambda: mnp.gradient(mnp.asarray(a), *args, edge_order=edge),
          rtol=1e-4 if dt == "float32" else 1e-9, atol=1e-3 if dt == "float32" else 1e-9)


@given(na=st.integers(1, 9), nv=st.integers(1, 9), mode=st.sampled_from(["full", "same", "valid"]),
       dt=st.sampled_from(["float64", "float32", "int32", "int8", "bool"]), seed=st.integers(0, 99))
def test_convolve_correlate(na, nv, mode, dt, seed):
    rng = np.random.default_rng(seed)
    a = sample_values(dt, (na,), rng, low=-20, high=20)
    v = sample_values(dt, (nv,), rng, low=-20, high=20)
    check(lambda: np.convolve(a, v, mode), lambda: mnp.convolve(a, mnp.asarray(v), mode), rtol=1e-5, atol=1e-4)
    check(lambda: np.correlate(a, v, mode), lambda: mnp.correlate(mnp.asarray(a), v, mode), rtol=1e-5, atol=1e-4)


def test_convolve_errors():
    for f in (mnp.convolve, mnp.correlate):
        with pytest.raises(ValueError):
            f([], [1])
        with pytest.raises(ValueError):
            f([1], [])
        with pytest.raises(ValueError):
            f([1], [1], "bogus")


@given(n=st.integers(1, 8), m=st.integers(0, 20), seed=st.integers(0, 99), lr=st.booleans(), period=st.booleans())
def test_interp(n, m, seed, lr, period):
    rng = np.random.default_rng(seed)
    xp = np.sort(rng.integers(0, 10, n).astype(np.float64) + rng.random(n) * (rng.random() < 0.5))
    if period:  # knots equal modulo the period are ordered by numpy's unstable sort: avoid them
        xp = np.sort(rng.random(n) * 10)
    fp = rng.standard_normal(n)
    x = rng.random(m) * 14 - 2
    x[::5] = np.nan if m else x[::5]
    kw = {"left": -1.0, "right": 7.0} if lr else {}
    if period:
        kw = {"period": 3.5}
    check(lambda: np.interp(x, xp, fp, **kw), lambda: mnp.interp(mnp.asarray(x), xp, fp, **kw), rtol=1e-12, atol=1e-12)
    check(lambda: np.interp(2.5, xp, fp), lambda: mnp.interp(2.5, xp, fp), rtol=1e-12)


@given(n=st.integers(0, 60), seed=st.integers(0, 99),
       bins=st.sampled_from([1, 3, 10, [-1.0, 0.0, 0.5, 2.0], "auto", "fd", "doane", "scott", "stone", "rice", "sturges",
                             "sqrt"]),
       rng_arg=st.sampled_from([None, (-1.0, 1.0), (0, 0)]), weights=st.booleans(), density=st.booleans(),
       dt=st.sampled_from(["float64", "float32", "int64"]))
def test_histogram(n, seed, bins, rng_arg, weights, density, dt):
    rng = np.random.default_rng(seed)
    a = (rng.standard_normal(n) * 2).astype(dt)
    w = rng.random(n).astype(np.float32) if weights else None
    check(lambda: np.histogram(a, bins, range=rng_arg, weights=w, density=density),
          lambda: mnp.histogram(mnp.asarray(a), bins, range=rng_arg, weights=w, density=density), rtol=1e-5)
    check(lambda: np.histogram_bin_edges(a, bins, range=rng_arg), lambda: mnp.histogram_bin_edges(a, bins, range=rng_arg))


def test_bincount_digitize():
    x = np.array([0, 3, 3, 9, 1])
    check(lambda: np.bincount(x), lambda: mnp.bincount(mnp.asarray(x)))
    check(lambda: np.bincount(x, weights=x * 0.5, minlength=12), lambda: mnp.bincount(x, weights=x * 0.5, minlength=12))
    check(lambda: np.bincount([]), lambda: mnp.bincount([]))
    for bad in ([-1, 2], [[1]]):
        check(lambda: np.bincount(bad), lambda: mnp.bincount(bad))
    check(lambda: np.bincount(x, minlength=-1), lambda: mnp.bincount(x, minlength=-1))
    v = np.array([-1.0, 0.0, 0.5, 1.0, 2.0, np.nan])
    for bins in ([0.0, 1.0], [1.0, 0.0], [0.0, 0.5, 0.5, 1.0], [1.0], [0.0, 2.0, 1.0]):
        for right in (False, True):
            check(lambda: np.digitize(v, bins, right), lambda: mnp.digitize(mnp.asarray(v), bins, right))


@given(shape=shapes(min_dims=1, max_dims=3, max_side=4), seed=st.integers(0, 99),
       mode=st.sampled_from(["constant", "edge", "reflect", "symmetric", "wrap", "empty", "maximum", "minimum", "mean",
                             "median", "linear_ramp"]),
       width=st.sampled_from([0, 1, 3, (2, 0), ((1, 2),), ((0, 5), (7, 1), (1, 1))]))
def test_pad(shape, seed, mode, width):
    a = sample_values("int16", shape, np.random.default_rng(seed))
    if mode == "empty":  # the padding's values are unspecified: compare the shape only
        check(lambda: np.pad(a, width, mode).shape, lambda: mnp.asarray(mnp.pad(a, width, mode).shape))
        return
    check(lambda: np.pad(a, width, mode), lambda: mnp.pad(mnp.asarray(a), width, mode))


def test_pad_options():
    a = np.arange(12.0).reshape(3, 4)
    check(lambda: np.pad(a, ((1, 2), (3, 0)), constant_values=((1, 2), (3, 4))),
          lambda: mnp.pad(a, ((1, 2), (3, 0)), constant_values=((1, 2), (3, 4))))
    for w in (2, 3, 9, (0, 11), ((7, 1), (13, 2))):
        for m in ("reflect", "symmetric"):
            check(lambda: np.pad(a, w, m, reflect_type="odd"), lambda: mnp.pad(a, w, m, reflect_type="odd"))
            check(lambda: np.pad(a[:1], w, m, reflect_type="odd"), lambda: mnp.pad(a[:1], w, m, reflect_type="odd"))
            check(lambda: np.pad(a[:, :2], w, m), lambda: mnp.pad(a[:, :2], w, m))
    check(lambda: np.pad(a, -1), lambda: mnp.pad(a, -1))
    for mode in ("maximum", "minimum", "mean", "median"):
        for sl in (1, 2, (1, 3), ((2, 1), (1, 2)), 0):
            b = a if sl == 0 else a.astype(np.int32)  # numpy leaves an integer mean of nothing undefined
            check(lambda: np.pad(b, 2, mode, stat_length=sl), lambda: mnp.pad(b, 2, mode, stat_length=sl))
    for ev in (0, 5, (1, -2), ((1, 2), (3, 4))):
        check(lambda: np.pad(a, (2, 3), "linear_ramp", end_values=ev), lambda: mnp.pad(a, (2, 3), "linear_ramp", end_values=ev))
        check(lambda: np.pad(a.astype(np.int16), (3, 2), "linear_ramp", end_values=ev),
              lambda: mnp.pad(a.astype(np.int16), (3, 2), "linear_ramp", end_values=ev))
    check(lambda: np.pad(a, 1, "bogus"), lambda: mnp.pad(a, 1, "bogus"))
    check(lambda: np.pad(np.zeros((0, 2)), 1, "edge"), lambda: mnp.pad(np.zeros((0, 2)), 1, "edge"))


@given(shape=shapes(min_dims=1, max_dims=3, max_side=5), shift=st.integers(-12, 12), seed=st.integers(0, 99),
       axis=st.sampled_from([None, 0, -1, (0, -1)]))
def test_roll(shape, shift, seed, axis):
    a = sample_values("float32", shape, np.random.default_rng(seed))
    sh = (shift, 1) if isinstance(axis, tuple) else shift
    check(lambda: np.roll(a, sh, axis), lambda: mnp.roll(mnp.asarray(a), sh, axis))


@given(shape=shapes(min_dims=1, max_dims=3, max_side=4), k=st.integers(-5, 5),
       axes=st.sampled_from([(0, 1), (1, 0), (0, 2), (-1, 0), (0, 0), (0, 5), (0,)]))
def test_rot90(shape, k, axes):
    a = np.arange(int(np.prod(shape))).reshape(shape)
    check(lambda: np.rot90(a, k, axes), lambda: mnp.rot90(mnp.asarray(a), k, axes))


@given(seed=st.integers(0, 99), equal_nan=st.booleans(), dt=st.sampled_from(["float32", "float64", "int32"]))
def test_closeness(seed, equal_nan, dt):
    rng = np.random.default_rng(seed)
    a = sample_values(dt, (4, 5), rng, special=True)
    b = (a + rng.choice([0, 1e-9, 1e-3, 1], a.shape)).astype(dt) if dt != "int32" else a + rng.integers(0, 2, a.shape)
    check(lambda: np.isclose(a, b, equal_nan=equal_nan), lambda: mnp.isclose(mnp.asarray(a), b, equal_nan=equal_nan))
    check(lambda: np.isclose(a, 3), lambda: mnp.isclose(a, 3))
    assert mnp.allclose(a, b, equal_nan=equal_nan) == np.allclose(a, b, equal_nan=equal_nan)
    assert mnp.array_equal(a, b, equal_nan=equal_nan) == np.array_equal(a, b, equal_nan=equal_nan)
    assert mnp.array_equal(a, a, equal_nan=equal_nan) == np.array_equal(a, a, equal_nan=equal_nan)
    assert mnp.array_equal(a, a[:2]) is False
    assert mnp.array_equiv(a[:1], a) == np.array_equiv(a[:1], a)
    assert mnp.array_equiv(a[:, :2], a) is False
