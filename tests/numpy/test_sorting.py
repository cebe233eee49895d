"""sort/argsort/partition/argpartition/searchsorted/lexsort against numpy (stable kinds: the radix
sort is stable, so argsort must equal numpy's kind='stable' exactly; NaNs last)."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import mnnx.numpy as mnp
from conftest import ALL_DTYPES, assert_matches, sample_values, shapes


def _values(dt, shape, seed):
    rng = np.random.default_rng(seed)
    a = sample_values(dt, shape, rng, special=True)
    if a.size and np.dtype(dt).kind in "iu":  # many ties: stability matters
        a = np.where(rng.random(a.shape) < 0.5, a, a.flat[0])
    return a


@given(shape=shapes(min_dims=1, max_dims=3, max_side=6), dt=st.sampled_from(ALL_DTYPES), seed=st.integers(0, 99),
       axis=st.sampled_from([-1, 0, None]))
def test_sort_argsort(shape, dt, seed, axis):
    a = _values(dt, shape, seed)
    x = mnp.asarray(a)
    assert_matches(mnp.sort(x, axis=axis), np.sort(a, axis=axis, kind="stable"), rtol=0)
    assert_matches(mnp.argsort(x, axis=axis), np.argsort(a, axis=axis, kind="stable"), rtol=0)


@pytest.mark.parametrize("dt", ["float32", "float64", "float16", "int64", "uint8", "int32", "bool"])
@pytest.mark.parametrize("n", [383, 384, 5000, 70_000, 300_001])
def test_sort_large(dt, n):
    """Sizes around the comparison-sort cutoff, cache-sized buckets and the parallel MSD passes."""
    rng = np.random.default_rng(n)
    a = (rng.standard_normal(n) * 1000).astype(dt)
    if a.dtype.kind == "f":
        a[::17] = np.nan
        a[::23] = -0.0
        a[1::29] = np.inf
    x = mnp.asarray(a)
    assert_matches(mnp.sort(x), np.sort(a), rtol=0)
    assert_matches(mnp.argsort(x), np.argsort(a, kind="stable"), rtol=0)


def test_sort_rows_and_negative_zero_stable():
    a = np.array([[0.0, -0.0, np.nan, -np.nan, 1.0, -1.0, 0.0]] * 3, np.float32)
    x = mnp.asarray(a)
    assert_matches(mnp.argsort(x, axis=1), np.argsort(a, axis=1, kind="stable"), rtol=0)
    s = np.asarray(mnp.sort(x, axis=1))
    assert np.array_equal(np.signbit(s), np.signbit(np.sort(a, axis=1, kind="stable")))  # -0.0 kept in place
    assert_matches(mnp.sort(x, axis=0), np.sort(a, axis=0), rtol=0)


def test_sort_errors():
    x = mnp.asarray(np.arange(5))
    with pytest.raises(np.exceptions.AxisError):
        mnp.sort(x, axis=1)
    with pytest.raises(ValueError):
        mnp.sort(x, kind="bogus")
    with pytest.raises(ValueError, match=r"kth\(=5\) out of bounds \(5\)"):
        mnp.partition(x, 5)


@given(shape=shapes(min_dims=1, max_dims=2, min_side=1, max_side=8), seed=st.integers(0, 99),
       dt=st.sampled_from(["float64", "int16", "float32"]))
def test_partition_contract(shape, seed, dt):
    a = _values(dt, shape, seed)
    n = a.shape[-1]
    kth = [0, n - 1, n // 2, -1, [n // 2, 0], [-1, n // 3, n // 3]]
    for k in kth:
        p = np.asarray(mnp.partition(mnp.asarray(a), k))
        e = np.partition(a, k)
        idx = np.asarray(mnp.argpartition(mnp.asarray(a), k))
        got = np.take_along_axis(a, idx, -1)
        assert np.array_equal(np.sort(idx, axis=-1), np.broadcast_to(np.arange(n), idx.shape))  # a permutation
        for j in np.atleast_1d(k):
            j = j % n
            for q in (p, got):  # the contract: kth in place, nothing larger before, nothing smaller after
                np.testing.assert_array_equal(q[..., j], e[..., j])
                pivot = q[..., j:j + 1]
                assert np.all((q[..., :j] <= pivot) | np.isnan(pivot))
                assert np.all((q[..., j:] >= pivot) | np.isnan(q[..., j:]))


@given(n=st.integers(0, 50), m=st.integers(0, 20), seed=st.integers(0, 99),
       dts=st.sampled_from([("float64", "float64"), ("int64", "float32"), ("float32", "int8"), ("uint8", "int64"),
                            ("bool", "bool")]),
       side=st.sampled_from(["left", "right"]), use_sorter=st.booleans())
def test_searchsorted(n, m, seed, dts, side, use_sorter):
    rng = np.random.default_rng(seed)
    a = sample_values(dts[0], (n,), rng, special=True)
    v = sample_values(dts[1], (m,), rng, special=True)
    if use_sorter:
        s = np.argsort(a, kind="stable")
        assert_matches(mnp.searchsorted(a, v, side=side, sorter=s), np.searchsorted(a, v, side=side, sorter=s), rtol=0)
    else:
        a = np.sort(a)
        assert_matches(mnp.searchsorted(mnp.asarray(a), v, side=side), np.searchsorted(a, v, side=side), rtol=0)
    assert_matches(mnp.searchsorted(np.sort(a), 3), np.searchsorted(np.sort(a), 3), rtol=0)


def test_searchsorted_errors():
    with pytest.raises(ValueError):
        mnp.searchsorted(np.ones((2, 2)), 1)
    with pytest.raises(ValueError):
        mnp.searchsorted([1, 2, 3], 1, side="middle")
    with pytest.raises(ValueError):
        mnp.searchsorted([1, 2, 3], 1, sorter=[0, 1, 7])


@given(n=st.integers(0, 30), k=st.integers(1, 3), seed=st.integers(0, 99))
def test_lexsort(n, k, seed):
    rng = np.random.default_rng(seed)
    keys = [rng.integers(0, 3, n) for _ in range(k)]
    assert_matches(mnp.lexsort(keys), np.lexsort(keys), rtol=0)
    arr = np.stack(keys)
    assert_matches(mnp.lexsort(mnp.asarray(arr)), np.lexsort(arr), rtol=0)
    two = rng.integers(0, 3, (k, 4, n))
    assert_matches(mnp.lexsort(two, axis=-1), np.lexsort(two, axis=-1), rtol=0)
