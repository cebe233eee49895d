"""Movement, joining, splitting and basic indexing (get and set) against numpy, on realized
arrays (zero-copy views) and on lazy ones (index remapping inside fused kernels)."""
import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import mnnx.numpy as mnp
from conftest import ALL_DTYPES, assert_matches, array_strategy, dtype_id, np_oracle, public_exception_type, \
    sample_values


def both(a, lazy):
    """The same values as a realized leaf or as an unrealized graph node."""
    x = mnp.asarray(a)
    return mnp.copy(x) if lazy else x


def check(np_fn, mnnx_fn):
    status, exp = np_oracle(np_fn)
    if status == "raise":
        with pytest.raises(public_exception_type(exp)):
            mnnx_fn()
        return
    got = mnnx_fn()
    if isinstance(exp, (list, tuple)):
        assert isinstance(got, (list, tuple)) and len(got) == len(exp), (type(got), len(got), len(exp))
        for g, e in zip(got, exp):
            assert_matches(g, e, rtol=0)
    else:
        assert_matches(got, exp, rtol=0)


# --------------------------------------------------------------------------------- basic indexing: get
@given(data=st.data())
def test_getitem_hypothesis(data):
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=6), label="shape")
    dt = data.draw(st.sampled_from([np.dtype(np.int32), np.dtype(np.float64), np.dtype(np.bool_),
                                    np.dtype(np.uint8)]), label="dtype")
    a = data.draw(array_strategy(dt, shape), label="a")
    key = data.draw(hnp.basic_indices(shape, min_dims=0, allow_newaxis=True, allow_ellipsis=True), label="key")
    lazy = data.draw(st.booleans(), label="lazy")
    x = both(a, lazy)
    assert_matches(x[key], a[key], rtol=0)
    # and a second index on the view (views of views)
    v = a[key]
    key2 = data.draw(hnp.basic_indices(v.shape, min_dims=0, allow_newaxis=True, allow_ellipsis=True), label="key2")
    assert_matches(x[key][key2], v[key2], rtol=0)
    # and the view consumed by an elementwise kernel
    if dt.kind in "iuf":
        with np.errstate(all="ignore"):
            ev = v * 2 + 1
        assert_matches(x[key] * 2 + 1, ev, rtol=0)


@given(data=st.data())
def test_negative_step_slices_hypothesis(data):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=9), label="shape")
    a = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)
    key = []
    for d in shape:
        start = data.draw(st.none() | st.integers(-d - 3, d + 3))
        stop = data.draw(st.none() | st.integers(-d - 3, d + 3))
        step = data.draw(st.integers(-4, -1))
        key.append(slice(start, stop, step))
    key = tuple(key)
    for lazy in (False, True):
        assert_matches(both(a, lazy)[key], a[key])


@pytest.mark.parametrize("lazy", [False, True])
def test_getitem_examples(lazy):
    a = np.arange(2 * 3 * 4 * 5).reshape(2, 3, 4, 5)
    x = both(a, lazy)
    for key in [0, -1, (1, 2), (1, -1, 3, -5), slice(None), (Ellipsis, 0), (0, Ellipsis), (Ellipsis,),
                (None,), (None, Ellipsis, None), (0, None, 1, None), (slice(None, None, -1),),
                (Ellipsis, slice(None, None, -2)), (slice(5, 0, -1), slice(-1, None, -1)),
                (slice(1, 1),), (slice(10, 20),), (slice(-100, 100, 3),), (..., None), (1, ..., 2, None),
                np.int64(1), (np.int32(-1), np.uint8(2)), ()]:
        assert_matches(x[key], a[key], rtol=0)


def test_getitem_on_0d():
    a = np.array(3.5)
    x = mnp.asarray(a)
    assert_matches(x[()], np.asarray(a[()]), rtol=0)
    assert_matches(x[...], a[...], rtol=0)
    assert_matches(x[None], a[None], rtol=0)
    assert_matches(x[..., None], a[..., None], rtol=0)


# --------------------------------------------------------------------------------- basic indexing: set
@given(data=st.data())
def test_setitem_hypothesis(data):
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=5), label="shape")
    dt = data.draw(st.sampled_from([np.dtype(np.int16), np.dtype(np.float32), np.dtype(np.bool_),
                                    np.dtype(np.uint64)]), label="dtype")
    a = data.draw(array_strategy(dt, shape), label="a")
    key = data.draw(hnp.basic_indices(shape, min_dims=0, allow_newaxis=True, allow_ellipsis=True), label="key")
    target_shape = a[key].shape
    nv = data.draw(st.integers(0, len(target_shape)), label="value ndim")
    vshape = tuple(d if data.draw(st.booleans()) else 1 for d in target_shape[len(target_shape) - nv:])
    vdt = data.draw(st.sampled_from([dt, np.dtype(np.int8), np.dtype(np.float64)]), label="value dtype")
    v = data.draw(array_strategy(vdt, vshape, min_value=0, max_value=100) if vdt.kind != "b" else
                  array_strategy(vdt, vshape), label="value")
    scalar = data.draw(st.booleans(), label="python scalar value")
    exp = a.copy()
    x = both(a, data.draw(st.booleans(), label="lazy"))
    if scalar:
        value = v.reshape(-1)[0].item() if v.size else 7
        with np.errstate(all="ignore"):
            exp[key] = value
        x[key] = value
    else:
        with np.errstate(all="ignore"):
            exp[key] = v
        x[key] = mnp.asarray(v)
    assert_matches(x, exp, rtol=0)


@pytest.mark.parametrize("lazy", [False, True])
def test_setitem_examples(lazy):
    a = np.arange(24, dtype=np.float64).reshape(4, 6)
    for key, value in [((0,), 5.0), ((slice(None, None, -1), 2), np.array([1.0, 2, 3, 4])),
                       ((Ellipsis, slice(None, None, -2)), np.array([9.0, 8, 7])), ((1, slice(1, 5, 2)), -1),
                       ((None, 2, Ellipsis), np.arange(6.0)), ((slice(3, 0, -2), slice(-1, 0, -3)), np.ones((2, 2))),
                       ((slice(2, 2),), 100.0), ((), 0.5), ((Ellipsis,), np.arange(6.0))]:
        x = both(a, lazy)
        exp = a.copy()
        exp[key] = value
        x[key] = mnp.asarray(value) if isinstance(value, np.ndarray) else value
        assert_matches(x, exp, rtol=0)


def test_setitem_repeated_and_then_used():
    a = np.zeros((3, 3), np.int32)
    x = mnp.asarray(a.copy())  # asarray wraps without copying: a's later changes must not reach x
    for i in range(3):
        a[i, i] = i + 1
        x[i, i] = i + 1
        a[:, -1 - i] += 10
        x[:, -1 - i] += 10
    assert_matches(x, a)
    assert_matches(x.sum(axis=0), a.sum(axis=0))


def test_setitem_casts_value_into_array_dtype():
    a = np.zeros(4, np.int8)
    x = mnp.asarray(a)
    a[1:3] = np.array([1.9, -2.9])
    x[1:3] = mnp.asarray(np.array([1.9, -2.9]))
    assert_matches(x, a)
    b = np.zeros(3, bool)
    y = mnp.asarray(b)
    b[0] = 2.5
    y[0] = 2.5
    assert_matches(y, b)


def test_setitem_does_not_modify_the_wrapped_ndarray():
    a = np.arange(5.0)
    x = mnp.asarray(a)
    x[0] = 100.0
    assert a[0] == 0.0
    assert float(x[0]) == 100.0


# --------------------------------------------------------------------------------- movement
@given(data=st.data())
def test_reshape_transpose_chain_hypothesis(data):
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=4), label="shape")
    a = np.arange(int(np.prod(shape)), dtype=np.int32).reshape(shape)
    x = both(a, data.draw(st.booleans(), label="lazy"))
    for _ in range(data.draw(st.integers(1, 4), label="steps")):
        kind = data.draw(st.sampled_from(["reshape", "transpose", "flip", "expand", "squeeze", "slice", "bcast"]))
        if kind == "reshape":
            n = a.size
            dims, rest = [], n
            for _ in range(data.draw(st.integers(0, 3))):
                if n == 0:
                    d = data.draw(st.integers(0, 3))
                else:
                    d = data.draw(st.sampled_from([k for k in range(1, min(rest, 6) + 1) if rest % k == 0]))
                    rest //= d
                dims.append(d)
            dims.append(0 if n == 0 else (-1 if data.draw(st.booleans()) else rest))
            dims.insert(data.draw(st.integers(0, len(dims) - 1)), dims.pop())
            a, x = a.reshape(dims), x.reshape(dims)
        elif kind == "transpose":
            perm = data.draw(st.permutations(range(a.ndim)))
            a, x = a.transpose(perm), mnp.transpose(x, perm)
        elif kind == "flip":
            ax = data.draw(st.none() | st.integers(-max(a.ndim, 1), max(a.ndim, 1) - 1)) if a.ndim else None
            a, x = np.flip(a, ax), mnp.flip(x, ax)
        elif kind == "expand":
            ax = data.draw(st.integers(-a.ndim - 1, a.ndim))
            a, x = np.expand_dims(a, ax), mnp.expand_dims(x, ax)
        elif kind == "squeeze":
            a, x = np.squeeze(a), mnp.squeeze(x)
        elif kind == "slice":
            key = data.draw(hnp.basic_indices(a.shape, allow_newaxis=False, allow_ellipsis=True))
            a, x = a[key], x[key]
        else:
            target = data.draw(hnp.array_shapes(min_dims=a.ndim, max_dims=a.ndim + 2, min_side=0, max_side=3))
            target = tuple(target[: len(target) - a.ndim]) + tuple(
                s if s != 1 else t for s, t in zip(a.shape, target[len(target) - a.ndim:]))
            a, x = np.broadcast_to(a, target), mnp.broadcast_to(x, target)
        assert_matches(x, a, rtol=0)
    assert_matches(x + 1, a + 1, rtol=0)


@pytest.mark.parametrize("lazy", [False, True])
def test_movement_functions(lazy, rng):
    a = sample_values(np.float32, (2, 3, 4), rng)
    x = both(a, lazy)
    check(lambda: a.reshape(4, -1), lambda: x.reshape(4, -1))
    check(lambda: a.reshape((6, 4)), lambda: x.reshape((6, 4)))
    check(lambda: np.reshape(a, -1), lambda: mnp.reshape(x, -1))
    check(lambda: np.reshape(a, (1, 2, 1, 12)), lambda: mnp.reshape(x, (1, 2, 1, 12)))
    check(lambda: np.reshape(a, shape=(3, 8)), lambda: mnp.reshape(x, shape=(3, 8)))
    check(lambda: np.ravel(a), lambda: mnp.ravel(x))
    check(lambda: a.flatten(), lambda: x.flatten())
    check(lambda: a.T, lambda: x.T)
    check(lambda: a.mT, lambda: x.mT)
    check(lambda: np.transpose(a), lambda: mnp.transpose(x))
    check(lambda: np.transpose(a, (1, 2, 0)), lambda: mnp.transpose(x, (1, 2, 0)))
    check(lambda: np.transpose(a, (-1, 0, -2)), lambda: mnp.transpose(x, (-1, 0, -2)))
    check(lambda: a.transpose(2, 0, 1), lambda: x.transpose(2, 0, 1))
    check(lambda: np.permute_dims(a, (2, 1, 0)), lambda: mnp.permute_dims(x, (2, 1, 0)))
    check(lambda: np.matrix_transpose(a), lambda: mnp.matrix_transpose(x))
    check(lambda: np.swapaxes(a, 0, -1), lambda: mnp.swapaxes(x, 0, -1))
    check(lambda: a.swapaxes(1, 2), lambda: x.swapaxes(1, 2))
    check(lambda: np.moveaxis(a, 0, -1), lambda: mnp.moveaxis(x, 0, -1))
    check(lambda: np.moveaxis(a, [0, 1], [-1, -2]), lambda: mnp.moveaxis(x, [0, 1], [-1, -2]))
    check(lambda: np.broadcast_to(a, (5, 2, 3, 4)), lambda: mnp.broadcast_to(x, (5, 2, 3, 4)))
    check(lambda: np.broadcast_to(a[:, :1], (2, 7, 4)), lambda: mnp.broadcast_to(x[:, :1], (2, 7, 4)))
    check(lambda: np.broadcast_to(a[:, :1], (2, 0, 4)), lambda: mnp.broadcast_to(x[:, :1], (2, 0, 4)))
    check(lambda: np.expand_dims(a, 0), lambda: mnp.expand_dims(x, 0))
    check(lambda: np.expand_dims(a, -1), lambda: mnp.expand_dims(x, -1))
    check(lambda: np.expand_dims(a, (0, 2, -1)), lambda: mnp.expand_dims(x, (0, 2, -1)))
    check(lambda: np.squeeze(a[:, :1, None]), lambda: mnp.squeeze(x[:, :1, None]))
    check(lambda: np.squeeze(a[:, :1, None], axis=1), lambda: mnp.squeeze(x[:, :1, None], axis=1))
    check(lambda: np.squeeze(a[:, :1, None], axis=(1, -2)), lambda: mnp.squeeze(x[:, :1, None], axis=(1, -2)))
    check(lambda: a[:, :1].squeeze(1), lambda: x[:, :1].squeeze(1))
    check(lambda: np.flip(a), lambda: mnp.flip(x))
    check(lambda: np.flip(a, 1), lambda: mnp.flip(x, 1))
    check(lambda: np.flip(a, (0, -1)), lambda: mnp.flip(x, (0, -1)))
    check(lambda: np.fliplr(a), lambda: mnp.fliplr(x))
    check(lambda: np.flipud(a), lambda: mnp.flipud(x))
    check(lambda: np.atleast_1d(a[0, 0, 0]), lambda: mnp.atleast_1d(x[0, 0, 0]))
    check(lambda: np.atleast_2d(a[0, 0]), lambda: mnp.atleast_2d(x[0, 0]))
    check(lambda: np.atleast_3d(a[0]), lambda: mnp.atleast_3d(x[0]))
    check(lambda: np.atleast_3d(a[0, 0]), lambda: mnp.atleast_3d(x[0, 0]))
    check(lambda: np.atleast_3d(a[0, 0, 0]), lambda: mnp.atleast_3d(x[0, 0, 0]))
    check(lambda: np.copy(a), lambda: mnp.copy(x))
    check(lambda: a.copy(), lambda: x.copy())
    check(lambda: np.ascontiguousarray(a.T), lambda: mnp.ascontiguousarray(x.T))
    check(lambda: np.tile(a, 2), lambda: mnp.tile(x, 2))
    check(lambda: np.tile(a, (2, 1, 1, 3)), lambda: mnp.tile(x, (2, 1, 1, 3)))
    check(lambda: np.tile(a[0, 0], (3, 2)), lambda: mnp.tile(x[0, 0], (3, 2)))
    check(lambda: np.tile(a, 0), lambda: mnp.tile(x, 0))
    check(lambda: np.repeat(a, 2), lambda: mnp.repeat(x, 2))
    check(lambda: np.repeat(a, 3, axis=1), lambda: mnp.repeat(x, 3, axis=1))
    check(lambda: np.repeat(a, [1, 0, 2], axis=1), lambda: mnp.repeat(x, [1, 0, 2], axis=1))
    check(lambda: a.repeat(2, axis=-1), lambda: x.repeat(2, axis=-1))
    check(lambda: np.repeat(a, 0, axis=0), lambda: mnp.repeat(x, 0, axis=0))
    assert mnp.shape(x) == np.shape(a) and mnp.ndim(x) == np.ndim(a) and mnp.size(x) == np.size(a)
    assert mnp.size(x, 1) == np.size(a, 1)


def test_broadcast_arrays_and_shapes():
    a, b, c = np.ones((3, 1)), np.arange(4), np.zeros((2, 1, 1), np.int8)
    got = mnp.broadcast_arrays(mnp.asarray(a), mnp.asarray(b), mnp.asarray(c))
    exp = np.broadcast_arrays(a, b, c)
    assert len(got) == len(exp)
    for g, e in zip(got, exp):
        assert_matches(g, e, rtol=0)
    assert mnp.broadcast_shapes((3, 1), (4,), (2, 1, 1)) == np.broadcast_shapes((3, 1), (4,), (2, 1, 1))
    assert mnp.broadcast_shapes((0, 1), (1, 5)) == (0, 5)
    assert mnp.broadcast_shapes() == ()


def test_reshape_of_noncontiguous_views(rng):
    a = sample_values(np.int64, (4, 6), rng)
    for lazy in (False, True):
        x = both(a, lazy)
        check(lambda: a.T.reshape(-1), lambda: x.T.reshape(-1))
        check(lambda: a[::-1, ::2].reshape(3, 4), lambda: x[::-1, ::2].reshape(3, 4))
        check(lambda: np.broadcast_to(a[:1], (3, 4, 6))[:, ::-1].reshape(12, 6),
              lambda: mnp.broadcast_to(x[:1], (3, 4, 6))[:, ::-1].reshape(12, 6))
        check(lambda: a.T[1:3].T.reshape(8), lambda: x.T[1:3].T.reshape(8))


# --------------------------------------------------------------------------------- joining and splitting
@given(data=st.data())
def test_concatenate_hypothesis(data):
    ndim = data.draw(st.integers(1, 3), label="ndim")
    base = data.draw(hnp.array_shapes(min_dims=ndim, max_dims=ndim, min_side=0, max_side=4), label="base")
    axis = data.draw(st.integers(-ndim, ndim - 1), label="axis")
    n = data.draw(st.integers(1, 4), label="n")
    arrays = []
    for i in range(n):
        shp = list(base)
        shp[axis] = data.draw(st.integers(0, 4))
        dt = data.draw(st.sampled_from([np.dtype(np.int8), np.dtype(np.int32), np.dtype(np.float32),
                                        np.dtype(np.bool_), np.dtype(np.uint16)]))
        arrays.append(data.draw(array_strategy(dt, tuple(shp))))
    lazy = [data.draw(st.booleans()) for _ in arrays]
    xs = [both(a, lz) for a, lz in zip(arrays, lazy)]
    check(lambda: np.concatenate(arrays, axis=axis), lambda: mnp.concatenate(xs, axis=axis))
    check(lambda: np.concatenate(arrays, axis=None), lambda: mnp.concatenate(xs, axis=None))


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
def test_joining(dtype, rng):
    a = sample_values(dtype, (2, 3), rng)
    b = sample_values(dtype, (2, 3), rng)
    c = sample_values(np.int16, (2, 3), rng)
    xa, xb, xc = mnp.asarray(a), mnp.copy(mnp.asarray(b)), mnp.asarray(c)
    check(lambda: np.concatenate([a, b, c]), lambda: mnp.concatenate([xa, xb, xc]))
    check(lambda: np.concatenate([a, b], axis=1), lambda: mnp.concatenate([xa, xb], axis=1))
    check(lambda: np.concatenate([a, b], axis=-1), lambda: mnp.concat([xa, xb], axis=-1))
    check(lambda: np.concatenate([a, b], axis=None), lambda: mnp.concatenate([xa, xb], axis=None))
    check(lambda: np.concatenate([a, b], dtype=np.float64), lambda: mnp.concatenate([xa, xb], dtype=np.float64))
    check(lambda: np.concatenate([a]), lambda: mnp.concatenate([xa]))
    check(lambda: np.concatenate((a, [[1, 2, 3]])), lambda: mnp.concatenate((xa, [[1, 2, 3]])))
    for axis in (0, 1, 2, -1, -3):
        check(lambda: np.stack([a, b, c], axis=axis), lambda: mnp.stack([xa, xb, xc], axis=axis))
    check(lambda: np.vstack([a, b]), lambda: mnp.vstack([xa, xb]))
    check(lambda: np.vstack([a[0], b[1]]), lambda: mnp.vstack([xa[0], xb[1]]))
    check(lambda: np.hstack([a, b]), lambda: mnp.hstack([xa, xb]))
    check(lambda: np.hstack([a[0], b[1], c[0, 0]]), lambda: mnp.hstack([xa[0], xb[1], xc[0, 0]]))
    check(lambda: np.dstack([a, b]), lambda: mnp.dstack([xa, xb]))
    check(lambda: np.dstack([a[0], b[0]]), lambda: mnp.dstack([xa[0], xb[0]]))
    check(lambda: np.column_stack([a[0], b[0]]), lambda: mnp.column_stack([xa[0], xb[0]]))
    check(lambda: np.column_stack([a, b[:, 0]]), lambda: mnp.column_stack([xa, xb[:, 0]]))
    check(lambda: np.stack([a[0, 0], b[0, 0]]), lambda: mnp.stack([xa[0, 0], xb[0, 0]]))


@pytest.mark.parametrize("lazy", [False, True])
def test_splitting(lazy):
    a = np.arange(60).reshape(6, 10)
    x = both(a, lazy)
    check(lambda: np.split(a, 2), lambda: mnp.split(x, 2))
    check(lambda: np.split(a, 5, axis=1), lambda: mnp.split(x, 5, axis=1))
    check(lambda: np.split(a, [1, 4]), lambda: mnp.split(x, [1, 4]))
    check(lambda: np.split(a, [3, 1, 20], axis=1), lambda: mnp.split(x, [3, 1, 20], axis=1))
    check(lambda: np.split(a, [-2], axis=-1), lambda: mnp.split(x, [-2], axis=-1))
    check(lambda: np.array_split(a, 4), lambda: mnp.array_split(x, 4))
    check(lambda: np.array_split(a, 3, axis=1), lambda: mnp.array_split(x, 3, axis=1))
    check(lambda: np.array_split(a, 8), lambda: mnp.array_split(x, 8))
    check(lambda: np.hsplit(a, 2), lambda: mnp.hsplit(x, 2))
    check(lambda: np.vsplit(a, 3), lambda: mnp.vsplit(x, 3))
    check(lambda: np.dsplit(a.reshape(2, 3, 10), 5), lambda: mnp.dsplit(x.reshape(2, 3, 10), 5))
    check(lambda: np.hsplit(a[0], [2, 5]), lambda: mnp.hsplit(x[0], [2, 5]))
    check(lambda: np.unstack(a), lambda: mnp.unstack(x))
    check(lambda: np.unstack(a, axis=1), lambda: mnp.unstack(x, axis=1))
    check(lambda: np.split(a, 4), lambda: mnp.split(x, 4))  # ValueError: not an equal division


def test_views_after_realize_share_memory_with_base():
    # zero-copy stride changes on realized buffers
    x = mnp.arange(24.0).reshape(4, 6).realize()
    base = np.asarray(x)
    for view in (x[::-1, 1::2], x.T, x.reshape(6, 4), mnp.broadcast_to(x[:1], (3, 6)), x[None, 2], x[..., 3]):
        v = np.asarray(view)
        assert np.shares_memory(v, base), view.shape


@pytest.mark.parametrize("dtypes", [(np.int8, np.uint16, np.float32), (np.uint8, np.int8, np.float16),
                                    (np.int16, np.uint16, np.float32), (np.float16, np.int8, np.uint8),
                                    (np.bool_, np.int8, np.uint8), (np.uint32, np.int8, np.float64)],
                         ids=lambda ds: "-".join(np.dtype(d).name for d in ds))
def test_joining_promotes_all_inputs_at_once(dtypes):
    # numpy's result_type over n inputs is not a pairwise fold: int8, uint16, float32 -> float32
    arrays = [np.arange(3).astype(d) for d in dtypes]
    xs = [mnp.asarray(a) for a in arrays]
    check(lambda: np.concatenate(arrays), lambda: mnp.concatenate(xs))
    check(lambda: np.stack(arrays), lambda: mnp.stack(xs))
    check(lambda: np.vstack(arrays), lambda: mnp.vstack(xs))
    check(lambda: np.hstack(arrays), lambda: mnp.hstack(xs))
