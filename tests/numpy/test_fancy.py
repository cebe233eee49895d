"""Advanced indexing (integer arrays, boolean masks, 0-d bools, mixed with ints, slices, None and
Ellipsis) against numpy: random index expressions, get and set, errors and messages."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import mnnx.numpy as mnp
from conftest import assert_matches, np_oracle, public_exception_type, sample_values, shapes

DTYPES = [np.dtype(t) for t in (np.float32, np.float64, np.int64, np.int8, np.bool_, np.uint16)]


@st.composite
def index_exprs(draw, shape):
    """A random index tuple over shape: slices, ints, integer arrays (broadcastable among
    themselves), boolean masks over one or more dims, None, 0-d bools and at most one Ellipsis.
    Out-of-range ints and unbroadcastable arrays appear too: numpy's error is then the oracle."""
    nd = len(shape)
    base = draw(st.lists(st.integers(1, 3), min_size=0, max_size=2))
    entries, d, used_ellipsis = [], 0, False
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["slice", "int", "array", "array", "mask", "none", "ellipsis", "bool0", "list"]))
        if kind == "none":
            entries.append(None)
        elif kind == "bool0":
            entries.append(draw(st.sampled_from([True, False, np.bool_(True), np.array(False)])))
        elif kind == "ellipsis":
            if not used_ellipsis:
                used_ellipsis = True
                entries.append(Ellipsis)
        elif d < nd:
            n = shape[d]
            if kind == "slice":
                lo = draw(st.none() | st.integers(-n - 2, n + 2))
                hi = draw(st.none() | st.integers(-n - 2, n + 2))
                step = draw(st.none() | st.sampled_from([1, 2, -1, -2, 3]))
                entries.append(slice(lo, hi, step))
                d += 1
            elif kind == "int":
                if n == 0:
                    continue
                entries.append(draw(st.integers(-n, n - 1) | st.just(n)) if draw(st.integers(0, 9)) == 0
                               else draw(st.integers(-n, n - 1)))
                d += 1
            elif kind in ("array", "list"):
                bs = list(base)
                drop = draw(st.integers(0, len(bs)))
                bs = [1 if draw(st.booleans()) else s for s in bs[drop:]]
                hi = max(n, 1)
                vals = draw(st.lists(st.integers(-hi, hi - 1), min_size=int(np.prod(bs)), max_size=int(np.prod(bs))))
                arr = np.array(vals, dtype=draw(st.sampled_from([np.int64, np.int32, np.uint8])) if
                               all(v >= 0 for v in vals) else np.int64).reshape(bs)
                entries.append(arr.tolist() if kind == "list" and arr.ndim == 1 else arr)
                d += 1
            else:  # mask over k dims
                k = draw(st.integers(1, min(2, nd - d)))
                mshape = shape[d:d + k]
                bits = draw(st.lists(st.booleans(), min_size=int(np.prod(mshape)), max_size=int(np.prod(mshape))))
                entries.append(np.array(bits, dtype=bool).reshape(mshape))
                d += k
    return tuple(entries)


def _check_get_set(a, key, value_seed):
    x = mnp.asarray(a)
    status, exp = np_oracle(lambda: a[key])
    if status == "raise":
        with pytest.raises(public_exception_type(exp)):
            x[key]
        return
    assert_matches(x[key], exp, rtol=0, err_msg=f"get {key!r}")
    # set: a value of the result's shape, then a broadcast one (a scalar, or the last dim only)
    rng = np.random.default_rng(value_seed)
    values = [sample_values(a.dtype, exp.shape, rng), sample_values(a.dtype, (), rng)]
    if exp.ndim:
        values.append(sample_values(a.dtype, exp.shape[-1:], rng))
    for v in values:
        b = a.copy()
        b[key] = v
        y = mnp.asarray(a.copy())
        y[key] = v
        assert_matches(y, b, rtol=0, err_msg=f"set {key!r} value shape {np.shape(v)}")


@settings(max_examples=300)  # the heart of the indexing tests: more examples than the profile's default
@given(data=st.data())
def test_random_index_expressions(data):
    shape = data.draw(shapes(min_dims=0, max_dims=4, min_side=0, max_side=4), label="shape")
    dt = data.draw(st.sampled_from(DTYPES), label="dtype")
    a = sample_values(dt, shape, np.random.default_rng(len(shape)))
    key = data.draw(index_exprs(tuple(shape)), label="key")
    _check_get_set(a, key, data.draw(st.integers(0, 2**16), label="seed"))


@pytest.mark.parametrize("key", [
    ([0, 2],), (slice(None), [1, 2]), ([0], None, [0]), (Ellipsis, [1, -1]), (slice(None), [[0], [1]], [1, 2]),
    ([0, 1], True), (True,), (False,), (np.array(1), slice(None), [0, 1]), (slice(1, None, -1), [0, 3], slice(None, None, 2)),
    ([[0, 0], [1, 1]],), (slice(None), [0], Ellipsis, [0]), ([1, 0], [3, 2], [4, 0]), (Ellipsis, [[True, False, True, False, True]]),
    (0, slice(None), [1, 2, 1]), (slice(None), 0, [1, 2, 1]), ([], ), (slice(None), []), (np.zeros((3, 4), bool),),
    # empty masks: numpy lets a shape mismatch pass only along the mask's empty axes
    (Ellipsis, np.zeros((0, 1), bool)), (np.zeros((3, 0), bool),), (np.zeros((0, 5), bool),), (np.zeros((0, 4), bool),),
])
def test_index_cases(key):
    a = np.arange(60.0).reshape(3, 4, 5)
    _check_get_set(a, key, 1)


def test_index_with_mnnx_arrays_and_lazy_base():
    a = np.arange(24).reshape(4, 6)
    x = mnp.asarray(a) * 1  # lazy
    i = mnp.asarray(np.array([3, 0, -1]))
    m = mnp.asarray(a[:, 0] > 5)
    assert_matches(x[i], a[[3, 0, -1]], rtol=0)
    assert_matches(x[m, 1:], a[a[:, 0] > 5, 1:], rtol=0)
    assert_matches(x[x > 10], a[a > 10], rtol=0)
    x[x > 10] = 0
    b = a.copy()
    b[b > 10] = 0
    assert_matches(x, b, rtol=0)


def test_repeated_indices_last_write_wins():
    a = np.zeros(10, np.float32)
    idx = np.array([1, 3, 1, 3, 1, 9, -1])
    v = np.arange(7, dtype=np.float32)
    x = mnp.asarray(a)
    x[idx] = v
    a[idx] = v
    assert_matches(x, a, rtol=0)


def test_large_gather_scatter_threads():
    rng = np.random.default_rng(0)
    a = rng.random(300_000).astype(np.float32)
    idx = rng.integers(-300_000, 300_000, 200_000)
    v = rng.random(200_000).astype(np.float32)
    x = mnp.asarray(a)
    assert_matches(x[idx], a[idx], rtol=0)
    x[idx] = v
    b = a.copy()
    b[idx] = v
    assert_matches(x, b, rtol=0)
    rows = rng.random((1000, 7))
    ri = rng.integers(0, 1000, (50, 3))
    assert_matches(mnp.asarray(rows)[ri, 2:], rows[ri, 2:], rtol=0)


def test_views_see_setitem_through_base_value_semantics():
    x = mnp.arange(6)
    y = x  # the same Var: rebinding x's node is visible through y, as for numpy's in-place setitem
    x[[0, 5]] = 9
    assert y.tolist() == [9, 1, 2, 3, 4, 9]


@pytest.mark.parametrize("key, exc, msg", [
    (([0, 7],), IndexError, "index 7 is out of bounds for axis 0 with size 3"),
    ((slice(None), [-6]), IndexError, "index -6 is out of bounds for axis 1 with size 4"),
    (([0], [0], [5]), IndexError, "index 5 is out of bounds for axis 2 with size 5"),
    ((np.zeros(4, bool),), IndexError, "boolean index did not match indexed array along axis 0; size of axis is 3 "
                                       "but size of corresponding boolean axis is 4"),
    (([1.0],), IndexError, "only integers, slices"),
    ((np.array([1.0]),), IndexError, "arrays used as indices must be of integer (or boolean) type"),
    (([0, 1], [0, 1, 2]), IndexError, "shape mismatch: indexing arrays could not be broadcast together"),
    (([0], Ellipsis, Ellipsis), IndexError, "an index can only have a single ellipsis"),
    (([0], 0, 0, 0), IndexError, "too many indices for array: array is 3-dimensional, but 4 were indexed"),
])
def test_index_errors(key, exc, msg):
    a = np.zeros((3, 4, 5))
    with pytest.raises(exc) as e_np:
        a[key]
    assert msg in str(e_np.value)  # the message we copy is numpy's
    x = mnp.asarray(a)
    with pytest.raises(exc, match=None) as e:
        x[key]
    assert msg in str(e.value)
    with pytest.raises(exc):
        x[key] = 1.0


def test_setitem_value_errors():
    x = mnp.zeros((3, 4))
    with pytest.raises(ValueError, match="could not be broadcast to indexing result of shape"):
        x[[0, 1]] = np.ones(3)
    xi = mnp.zeros(4, dtype=np.int8)
    with pytest.raises(OverflowError):
        xi[[0]] = 300
    xi[[1, 2]] = 2.7  # truncates, as numpy
    assert xi.tolist() == [0, 2, 2, 0]


@pytest.mark.parametrize("dt, inner", [(np.float32, ()), (np.float64, ()), (np.int16, ()), (np.float32, (3,))])
def test_large_masks_threads(dt, inner):
    """The lone-mask kernels (no index array) across thread parts, values per row and broadcast."""
    rng = np.random.default_rng(1)
    a = rng.random((200_003,) + inner).astype(dt)
    m = rng.random(200_003) < 0.3
    m[-50:] = False  # a part ending in false rows
    x = mnp.asarray(a)
    assert_matches(x[m], a[m], rtol=0)
    v = rng.random((int(m.sum()),) + inner).astype(dt)
    for val in (v, dt(7)):
        b = a.copy()
        b[m] = val
        y = mnp.asarray(a.copy())
        y[m] = val
        assert_matches(y, b, rtol=0)


def test_setitem_never_changes_what_others_see():
    """setitem may write in place only when nothing else can see the memory: lazy consumers and
    exported numpy arrays keep the old values, views see the write (numpy's), and the user's numpy
    array is never written."""
    base = np.arange(8.0)
    x = mnp.asarray(base)
    x[[0]] = -1.0  # the first write copies: base is the user's
    assert base[0] == 0.0
    lazy = x + 0
    view = x[2:5]
    exported = np.asarray(x)
    x[[2, 3]] = 100.0  # others hold x's memory now: a copy again
    x[x > 50] = 7.0
    assert lazy.tolist() == [-1.0, 1, 2, 3, 4, 5, 6, 7]
    assert view.tolist() == [7.0, 7, 4]
    assert exported.tolist() == [-1.0, 1, 2, 3, 4, 5, 6, 7]
    del lazy, view, exported
    for _ in range(3):  # alone now: in place, repeatedly
        x[[1, -1]] = x[[1, -1]] + 1  # the value reads x before the write
        x[np.array([True] + [False] * 7)] = 5.0
    assert x.tolist() == [5.0, 4, 7, 7, 4, 5, 6, 10]


def test_failed_setitem_leaves_the_array_unchanged():
    x = mnp.asarray(np.arange(6.0))
    x[[0]] = 9.0  # x now owns its memory: later writes may be in place
    for key in ([1, 99], [-7, 2]):
        with pytest.raises(IndexError):
            x[key] = np.array([5.0, 6.0])
        assert x.tolist() == [9.0, 1, 2, 3, 4, 5]
