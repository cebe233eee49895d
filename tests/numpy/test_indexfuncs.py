"""diag/diagflat, triangle and diagonal indices, unravel/ravel_multi_index, select, extract, place,
putmask, fill_diagonal and the unique_* functions against numpy."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import mnnx.numpy as mnp
from conftest import assert_matches, np_oracle, public_exception_type


def check(np_fn, mnnx_fn):
    status, exp = np_oracle(np_fn)
    if status == "raise":
        with pytest.raises(public_exception_type(exp)):
            mnnx_fn()
        return
    got = mnnx_fn()
    if isinstance(exp, tuple):
        assert len(got) == len(exp)
        for g, e in zip(got, exp):
            assert_matches(g, e, rtol=0)
    else:
        assert_matches(got, exp, rtol=0)


@given(n=st.integers(0, 5), m=st.integers(0, 5), k=st.integers(-6, 6))
def test_diag_and_triangle_indices(n, m, k):
    v = np.arange(1, n + 1, dtype=np.float32)
    a = np.arange(n * m).reshape(n, m)
    check(lambda: np.diag(v, k), lambda: mnp.diag(mnp.asarray(v), k))
    check(lambda: np.diag(a, k), lambda: mnp.diag(a, k))
    check(lambda: np.diagflat(a, k), lambda: mnp.diagflat(a, k))
    check(lambda: np.tril_indices(n, k, m), lambda: mnp.tril_indices(n, k, m))
    check(lambda: np.triu_indices(n, k, m), lambda: mnp.triu_indices(n, k, m))
    check(lambda: np.tril_indices(n, k), lambda: mnp.tril_indices(n, k))
    check(lambda: np.diag_indices(n, 3), lambda: mnp.diag_indices(n, 3))
    check(lambda: np.diag(np.zeros((2, 2, 2))), lambda: mnp.diag(np.zeros((2, 2, 2))))


@given(shape=st.lists(st.integers(1, 5), min_size=1, max_size=3), seed=st.integers(0, 99),
       order=st.sampled_from(["C", "F"]), mode=st.sampled_from(["raise", "wrap", "clip"]))
def test_unravel_ravel(shape, seed, order, mode):
    rng = np.random.default_rng(seed)
    size = int(np.prod(shape))
    flat = rng.integers(-1, size + 1, 7)
    check(lambda: np.unravel_index(flat, shape, order=order), lambda: mnp.unravel_index(flat, shape, order=order))
    ok = flat % size
    check(lambda: np.unravel_index(ok, shape, order=order), lambda: mnp.unravel_index(mnp.asarray(ok), shape, order=order))
    coords = tuple(rng.integers(-2, d + 2, (2, 3)) for d in shape)
    check(lambda: np.ravel_multi_index(coords, shape, mode=mode, order=order),
          lambda: mnp.ravel_multi_index(coords, shape, mode=mode, order=order))


def test_select_extract():
    x = np.arange(10)
    conds = [x < 3, x > 5]
    for choices, default in (([x, x ** 2], 0), ([x.astype(np.float32), x], 1.5), ([x.astype(np.int8), 3], -1)):
        check(lambda: np.select(conds, choices, default), lambda: mnp.select(conds, choices, default))
    check(lambda: np.select([x], [x]), lambda: mnp.select([x], [x]))
    check(lambda: np.select(conds, [x]), lambda: mnp.select(conds, [x]))
    check(lambda: np.extract(x % 3 == 0, x * 2), lambda: mnp.extract(mnp.asarray(x % 3 == 0), x * 2))


def test_inplace_writers():
    a = np.arange(12.0).reshape(3, 4)
    for fn, args in ((np.place, (a > 4, [-1, -2])), (np.putmask, (a > 4, [-1, -2, -3])), (np.putmask, (a % 2 == 0, a * 10))):
        b = a.copy()
        fn(b, *args)
        x = mnp.asarray(a.copy())
        getattr(mnp, fn.__name__)(x, *args)
        assert_matches(x, b, rtol=0)
    with pytest.raises(ValueError):
        mnp.place(mnp.asarray(a.copy()), a > 4, [])
    for shape, wrap in (((3, 4), False), ((5, 2), False), ((5, 2), True), ((3, 3, 3), False)):
        b = np.zeros(shape)
        np.fill_diagonal(b, [7, 8], wrap=wrap)
        x = mnp.zeros(shape)
        mnp.fill_diagonal(x, [7, 8], wrap=wrap)
        assert_matches(x, b, rtol=0)


def test_unique_family():
    x = np.array([3.0, np.nan, 1.0, 3.0, np.nan, -0.0, 0.0])
    check(lambda: np.sort(np.unique_values(x)), lambda: mnp.unique_values(x))
    for name in ("unique_counts", "unique_inverse", "unique_all"):
        got = getattr(mnp, name)(mnp.asarray(x))
        exp = getattr(np, name)(x)
        assert type(got).__name__ == type(exp).__name__ and got._fields == exp._fields
        for f in exp._fields:
            if f in ("values", "counts"):
                assert_matches(getattr(got, f), getattr(exp, f), rtol=0)
        if "inverse_indices" in exp._fields:  # which distinct NaN an element maps to is numpy's sort's choice
            assert_matches(got.values[got.inverse_indices], x, rtol=0)
