"""take/put and friends, nonzero and relatives, diagonals, triangles and grids against numpy."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import mnnx.numpy as mnp
from conftest import assert_matches, np_oracle, public_exception_type, sample_values, shapes


def check(np_fn, mnnx_fn):
    status, exp = np_oracle(np_fn)
    if status == "raise":
        with pytest.raises(public_exception_type(exp)):
            mnnx_fn()
        return
    got = mnnx_fn()
    if isinstance(exp, (tuple, list)):
        assert len(got) == len(exp)
        for g, e in zip(got, exp):
            assert_matches(g, e, rtol=0)
    else:
        assert_matches(got, exp, rtol=0)


@given(shape=shapes(min_dims=1, max_dims=3, max_side=5), seed=st.integers(0, 99), axis=st.sampled_from([None, 0, -1]),
       mode=st.sampled_from(["raise", "wrap", "clip"]))
def test_take(shape, seed, axis, mode):
    if mode != "raise" and 0 in shape:
        shape = tuple(max(d, 1) for d in shape)  # numpy 2.4's take loops forever on an empty axis with wrap/clip
    rng = np.random.default_rng(seed)
    a = sample_values("float32", shape, rng)
    idx = rng.integers(-7, 7, rng.integers(0, 3, rng.integers(0, 3)))
    check(lambda: np.take(a, idx, axis=axis, mode=mode), lambda: mnp.take(mnp.asarray(a), idx, axis=axis, mode=mode))
    check(lambda: np.take(a, 1, axis=axis), lambda: mnp.take(a, 1, axis=axis))


@given(shape=shapes(min_dims=1, max_dims=3, min_side=1, max_side=5), seed=st.integers(0, 99), axis=st.integers(-1, 2))
def test_along_axis(shape, seed, axis):
    rng = np.random.default_rng(seed)
    a = sample_values("int32", shape, rng)
    ax = axis % len(shape) if axis < len(shape) else axis
    ishape = list(shape)
    if ax < len(shape):
        ishape[ax] = int(rng.integers(0, 4))
    idx = rng.integers(-shape[ax % len(shape)], shape[ax % len(shape)], ishape)
    check(lambda: np.take_along_axis(a, idx, axis), lambda: mnp.take_along_axis(mnp.asarray(a), idx, axis))
    check(lambda: np.argsort(a, axis=axis, kind="stable"), lambda: mnp.argsort(a, axis=axis))
    b = a.copy()
    vals = rng.integers(0, 100, idx.shape).astype(np.int32)
    status, _ = np_oracle(lambda: np.put_along_axis(b, idx, vals, axis))
    x = mnp.asarray(a.copy())
    if status == "ok":
        mnp.put_along_axis(x, idx, vals, axis)
        assert_matches(x, b, rtol=0)


def test_put_and_choose_and_compress():
    a = np.arange(10.0)
    x = mnp.asarray(a.copy())
    mnp.put(x, [1, -1, 3], [7, 8])  # values repeat cyclically
    np.put(a, [1, -1, 3], [7, 8])
    assert_matches(x, a, rtol=0)
    mnp.put(x, [12, -13], 5, mode="wrap")
    np.put(a, [12, -13], 5, mode="wrap")
    assert_matches(x, a, rtol=0)
    with pytest.raises(IndexError):
        mnp.put(x, [10], 1)
    with pytest.raises(TypeError):
        mnp.put(np.zeros(3), [0], 1)
    c = [np.arange(4), np.arange(4) * 10, 100]
    for mode in ("raise", "wrap", "clip"):
        check(lambda: np.choose([0, 2, 1, 0], c, mode=mode), lambda: mnp.choose([0, 2, 1, 0], c, mode=mode))
        check(lambda: np.choose([[0], [5]], c, mode=mode), lambda: mnp.choose([[0], [5]], c, mode=mode))
    m = np.arange(12).reshape(3, 4)
    for cond in ([True, False, True], [False, True], [True] * 5, [0, 1, 1, 0]):
        for axis in (None, 0, 1):
            check(lambda: np.compress(cond, m, axis=axis), lambda: mnp.compress(cond, mnp.asarray(m), axis=axis))


@given(shape=shapes(min_dims=0, max_dims=3, max_side=5), seed=st.integers(0, 99),
       dt=st.sampled_from(["float32", "int8", "bool", "float64"]))
def test_nonzero_family(shape, seed, dt):
    rng = np.random.default_rng(seed)
    a = sample_values(dt, shape, rng, special=True)
    a = np.where(rng.random(shape) < 0.5, a, np.zeros((), dt))
    x = mnp.asarray(a)
    check(lambda: np.nonzero(a), lambda: mnp.nonzero(x))
    check(lambda: np.where(a), lambda: mnp.where(x))
    check(lambda: np.argwhere(a), lambda: mnp.argwhere(x))
    check(lambda: np.flatnonzero(a), lambda: mnp.flatnonzero(x))
    check(lambda: np.count_nonzero(a), lambda: mnp.count_nonzero(x))


@given(shape=shapes(min_dims=2, max_dims=4, max_side=5), seed=st.integers(0, 99), offset=st.integers(-6, 6),
       axes=st.sampled_from([(0, 1), (1, 0), (-1, 0), (0, -1), (1, 1)]))
def test_diagonal_trace(shape, seed, offset, axes):
    a = sample_values("int16", shape, np.random.default_rng(seed))
    x = mnp.asarray(a) + 0  # lazy input
    check(lambda: np.diagonal(a, offset, *axes), lambda: mnp.diagonal(x, offset, *axes))
    check(lambda: np.trace(a, offset, *axes), lambda: mnp.trace(x, offset, *axes))
    check(lambda: np.trace(a, offset, *axes, dtype=np.float32), lambda: mnp.trace(x, offset, *axes, dtype=np.float32))


@given(shape=shapes(min_dims=1, max_dims=3, max_side=5), k=st.integers(-5, 5))
def test_tril_triu(shape, k):
    a = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape) + 1
    check(lambda: np.tril(a, k), lambda: mnp.tril(a, k))
    check(lambda: np.triu(a, k), lambda: mnp.triu(a, k))


def test_grids():
    xs = [np.arange(3), np.arange(4.0), np.array([5, 6])]
    for indexing in ("xy", "ij"):
        for sparse in (False, True):
            check(lambda: np.meshgrid(*xs, indexing=indexing, sparse=sparse),
                  lambda: mnp.meshgrid(*xs, indexing=indexing, sparse=sparse))
            check(lambda: np.meshgrid(xs[0], indexing=indexing, sparse=sparse),
                  lambda: mnp.meshgrid(xs[0], indexing=indexing, sparse=sparse))
    check(lambda: np.indices((2, 3, 4)), lambda: mnp.indices((2, 3, 4)))
    check(lambda: np.indices((2, 3), dtype=np.int8, sparse=True), lambda: mnp.indices((2, 3), dtype=np.int8, sparse=True))
    check(lambda: np.ix_([0, 1], [True, False, True], np.array([2])), lambda: mnp.ix_([0, 1], [True, False, True], np.array([2])))
    m = np.arange(24).reshape(4, 6)
    check(lambda: m[np.ix_([3, 0], [5, 1, 1])], lambda: mnp.asarray(m)[mnp.ix_([3, 0], [5, 1, 1])])
    with pytest.raises(ValueError):
        mnp.ix_(np.zeros((2, 2), int))
    with pytest.raises(ValueError):
        mnp.meshgrid([1], indexing="xx")


def test_array_methods():
    a = np.array([[3.0, 1.0, 2.0], [0.5, np.nan, -1.0]])
    x = mnp.asarray(a.copy())
    check(lambda: a.argsort(kind="stable"), lambda: x.argsort())
    check(lambda: a.nonzero(), lambda: x.nonzero())
    check(lambda: a.diagonal(1), lambda: x.diagonal(1))
    check(lambda: a.trace(), lambda: x.trace())
    check(lambda: a.take([0, -1], axis=1), lambda: x.take([0, -1], axis=1))
    check(lambda: a.compress([True, False, True], axis=1), lambda: x.compress([True, False, True], axis=1))
    check(lambda: a[0].searchsorted(2.5), lambda: x[0].searchsorted(2.5))
    check(lambda: np.array([0, 1, 0]).choose([[1, 2, 3], [4, 5, 6]]), lambda: mnp.asarray([0, 1, 0]).choose([[1, 2, 3], [4, 5, 6]]))
    b = a.copy()
    b.sort(axis=0)
    x.sort(axis=0)
    check(lambda: b, lambda: x)
    b.put([0, 5], [9, 8])
    x.put([0, 5], [9, 8])
    check(lambda: b, lambda: x)
    y = mnp.asarray(np.array([5, 1, 4, 2]))
    y.partition(1)
    assert y.tolist()[1] == 2 and sorted(y.tolist()[:1]) == [1]
