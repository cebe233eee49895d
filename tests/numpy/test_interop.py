"""Interop with numpy: zero-copy export of realized buffers (read-only), zero-copy wrapping of
ndarrays, DLPack both ways, __array__, repr/str, Python scalar conversions, iteration,
__array_ufunc__ and __array_function__."""
import gc
import operator

import numpy as np
import pytest

import mnnx
import mnnx.numpy as mnp
from conftest import ALL_DTYPES, assert_matches, dtype_id, sample_values


# --------------------------------------------------------------------------------- export
@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
def test_asarray_of_realized_result_is_zero_copy_and_read_only(dtype, rng):
    a = sample_values(dtype, (5, 7), rng)
    x = mnp.copy(mnp.asarray(a))  # a computed (engine-owned) buffer
    e1 = np.asarray(x)
    e2 = np.asarray(x)
    e3 = x.numpy()
    assert np.shares_memory(e1, e2) and np.shares_memory(e1, e3)
    assert e1.dtype == np.dtype(dtype) and e1.shape == (5, 7)
    np.testing.assert_array_equal(e1, a)
    assert not e1.flags.writeable and not e3.flags.writeable
    with pytest.raises(ValueError):
        e1[0, 0] = e1[0, 1]
    with pytest.raises(ValueError):
        e1.setflags(write=True)  # a view of a buffer numpy does not own cannot be made writable


def test_np_array_is_a_writable_copy():
    x = mnp.arange(6.0) * 2
    c = np.array(x)
    assert c.flags.writeable
    assert not np.shares_memory(c, np.asarray(x))
    c[0] = 100
    assert float(x[0]) == 0.0
    c2 = np.asarray(x, copy=True)
    assert c2.flags.writeable and not np.shares_memory(c2, np.asarray(x))


def test_dunder_array_dtype_and_copy():
    x = mnp.arange(4, dtype=mnp.int32)
    a = x.__array__(np.float64)
    assert a.dtype == np.float64 and a.tolist() == [0.0, 1.0, 2.0, 3.0]
    b = x.__array__(copy=True)
    assert b.flags.writeable and not np.shares_memory(b, np.asarray(x))
    assert np.asarray(x, dtype=np.int8).dtype == np.int8


def test_exported_array_outlives_the_var():
    x = mnp.arange(1000.0) * 3.0
    a = np.asarray(x)
    del x
    gc.collect()
    _ = [mnp.ones(1000) * 7 for _ in range(5)]  # reuse of freed memory would show here
    for v in _:
        np.asarray(v)
    np.testing.assert_array_equal(a, np.arange(1000.0) * 3.0)


@pytest.mark.parametrize("view", ["contiguous", "transposed", "negative_steps", "sliced", "broadcast", "0-d"])
def test_export_of_views_has_numpy_strides_and_values(view, rng):
    base = sample_values(np.int32, (6, 8), rng)
    x = mnp.copy(mnp.asarray(base)).realize()
    f = {"contiguous": lambda t: t, "transposed": lambda t: t.T, "negative_steps": lambda t: t[::-1, ::-3],
         "sliced": lambda t: t[1:4, 2:7], "broadcast": lambda t: (mnp if isinstance(t, mnnx.Var) else np).broadcast_to(t[2:3], (3, 8)),
         "0-d": lambda t: t[3, 4]}[view]
    got = np.asarray(f(x))
    np.testing.assert_array_equal(got, f(base))
    assert got.shape == f(base).shape


# --------------------------------------------------------------------------------- import
@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
def test_asarray_of_ndarray_does_not_copy(dtype, rng):
    a = sample_values(dtype, (4, 5), rng)
    x = mnp.asarray(a)
    assert x.dtype == a.dtype and x.shape == a.shape
    assert x._realized
    assert np.shares_memory(np.asarray(x), a)
    np.testing.assert_array_equal(np.asarray(x), a)
    # strided ndarrays are wrapped as they are
    for v in (a.T, a[::-1, 1::2], a[2]):
        xv = mnp.asarray(v)
        np.testing.assert_array_equal(np.asarray(xv), v)
        assert np.shares_memory(np.asarray(xv), a)


def test_asarray_keeps_the_ndarray_alive():
    x = mnp.asarray(np.arange(10000.0))
    gc.collect()
    _ = np.ones(10000) * 5  # noqa: F841  (would reuse a freed buffer)
    assert float(x.sum()) == float(np.arange(10000.0).sum())


def test_asarray_of_byteswapped_and_unaligned_data():
    a = np.arange(6, dtype=">i4")
    assert_matches(mnp.asarray(a), a.astype("=i4"))
    buf = np.zeros(8 * 4 + 1, np.uint8)
    u = buf[1:].view(np.float64)  # unaligned
    u[:] = [1.5, 2.5, -3.0, 4.0]
    assert not u.flags.aligned
    assert_matches(mnp.asarray(u), np.array([1.5, 2.5, -3.0, 4.0]), rtol=0)
    assert_matches(mnp.asarray(u) * 2, np.array([3.0, 5.0, -6.0, 8.0]), rtol=0)


def test_asarray_of_var_is_identity_and_dtype_casts():
    x = mnp.arange(3)
    assert mnp.asarray(x) is x
    assert_matches(mnp.asarray(x, dtype=np.float32), np.arange(3, dtype=np.float32), rtol=0)


# --------------------------------------------------------------------------------- DLPack
@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
def test_dlpack_export_to_numpy(dtype, rng):
    a = sample_values(dtype, (3, 4), rng)
    x = mnp.copy(mnp.asarray(a))
    d = np.from_dlpack(x)
    np.testing.assert_array_equal(d, a)
    assert d.dtype == a.dtype
    assert np.shares_memory(d, np.asarray(x))
    assert x.__dlpack_device__() == (1, 0)
    t = np.from_dlpack(x.T)  # strided
    np.testing.assert_array_equal(t, a.T)


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
def test_dlpack_import_from_numpy(dtype, rng):
    a = sample_values(dtype, (3, 4), rng)
    x = mnp.from_dlpack(a)
    assert isinstance(x, mnnx.Var)
    assert_matches(x, a, rtol=0)
    assert np.shares_memory(np.asarray(x), a)
    xt = mnp.from_dlpack(a[:, ::-1])
    assert_matches(xt, a[:, ::-1], rtol=0)


def test_dlpack_with_torch():
    torch = pytest.importorskip("torch")
    x = mnp.arange(12, dtype=mnp.float32).reshape(3, 4) * 2
    t = torch.from_dlpack(x)
    np.testing.assert_array_equal(t.numpy(), np.arange(12, dtype=np.float32).reshape(3, 4) * 2)
    back = mnp.from_dlpack(torch.arange(5, dtype=torch.int64))
    assert_matches(back, np.arange(5))


# --------------------------------------------------------------------------------- repr, str, scalars
REPR_CASES = [np.arange(5.0), np.arange(6).reshape(2, 3), np.array([True, False]), np.array(3.5), np.array(7),
              np.zeros((0, 3)), np.zeros((2, 0), np.int8), np.array([1e-10, 1e10]), np.array([np.nan, -np.inf, 0.1]),
              np.arange(2000.0), np.arange(24).reshape(2, 3, 4), np.array([1.5, 2], np.float16),
              np.array([1, 2], np.uint64), np.array([0.1], np.float32), np.array(True), np.array([-0.0])]


@pytest.mark.parametrize("a", REPR_CASES, ids=lambda a: f"{a.dtype}{a.shape}")
def test_repr_and_str_match_numpy(a):
    for x in (mnp.asarray(a), mnp.copy(mnp.asarray(a))):
        assert repr(x) == repr(a)
        assert str(x) == str(a)


def test_printing_realizes():
    x = mnp.arange(3.0) + 1
    assert not x._realized
    assert repr(x) == repr(np.arange(3.0) + 1)
    assert x._realized


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
def test_python_scalar_conversions(dtype):
    a = np.array([[5]], dtype=dtype)
    x = mnp.asarray(a) * 1 if dtype != np.bool_ else mnp.asarray(a) & True
    assert x.item() == a.item() and type(x.item()) is type(a.item())
    assert float(x) == float(a[0, 0])
    assert int(x) == int(a[0, 0])
    assert bool(x) == bool(a)
    assert x.tolist() == a.tolist()
    z = x.reshape(())
    assert z.item() == a.item()
    if np.dtype(dtype).kind in "iu":
        assert operator.index(z) == a.item()
        assert [10, 20, 30, 40, 50, 60][z] == 60
    else:
        with pytest.raises(TypeError):
            operator.index(z)


def test_scalar_conversions_need_size_1():
    x = mnp.arange(3)
    with pytest.raises(ValueError):
        bool(x)
    with pytest.raises(TypeError):
        float(x)
    with pytest.raises(TypeError):
        int(x)
    with pytest.raises(ValueError):
        x.item()
    assert x.item(1) == 1
    assert bool(mnp.zeros((1, 1, 1))) is False
    with pytest.raises(TypeError):
        operator.index(mnp.arange(3)[1:2])


def test_truth_of_empty_array_matches_numpy():
    e = np.zeros((0,))
    try:
        expected = bool(e)
    except Exception as exc:  # noqa: BLE001
        with pytest.raises(type(exc)):
            bool(mnp.asarray(e))
    else:
        assert bool(mnp.asarray(e)) == expected


def test_len_and_iteration():
    a = np.arange(12).reshape(3, 4)
    x = mnp.asarray(a) + 0
    assert len(x) == 3
    rows = list(x)
    assert len(rows) == 3
    for r, e in zip(rows, a):
        assert isinstance(r, mnnx.Var)
        assert_matches(r, e)
    assert [int(v) for v in x[1]] == [4, 5, 6, 7]
    with pytest.raises(TypeError):
        len(mnp.asarray(3.0))
    with pytest.raises(TypeError):
        iter(mnp.asarray(3.0)).__next__()
    assert list(mnp.zeros((0, 2))) == []


def test_attributes():
    a = np.zeros((2, 3, 4), np.float32)
    x = mnp.asarray(a)
    assert x.shape == a.shape and x.ndim == 3 and x.size == 24
    assert x.dtype == np.float32 and x.dtype == mnp.float32
    assert x.itemsize == 4 and x.nbytes == 96
    assert isinstance(x, mnp.ndarray) and isinstance(x, mnnx.Tensor)
    with pytest.raises(TypeError):
        hash(x)


# --------------------------------------------------------------------------------- numpy protocols
def test_array_ufunc_returns_mnnx():
    x = mnp.arange(4.0)
    for f in (np.exp, np.sin, np.negative, np.sqrt, np.isnan):
        r = f(x)
        assert isinstance(r, mnnx.Var), f
        assert_matches(r, f(np.arange(4.0)))
    r = np.add(x, np.ones(4))
    assert isinstance(r, mnnx.Var)
    assert_matches(r, np.arange(4.0) + 1)
    r = np.ones(4) * x
    assert isinstance(r, mnnx.Var)
    assert_matches(r, np.arange(4.0))
    r = np.float64(2.0) * x
    assert isinstance(r, mnnx.Var)
    assert_matches(r, np.arange(4.0) * 2)
    r = np.maximum(x, 2)
    assert isinstance(r, mnnx.Var)
    assert_matches(r, np.maximum(np.arange(4.0), 2))


def test_array_ufunc_result_is_lazy():
    x = mnp.arange(4.0) + 1
    r = np.exp(x)
    assert not r._realized


def test_array_function_dispatch():
    a = np.arange(12.0).reshape(3, 4)
    x = mnp.asarray(a)
    for f, args in [(np.sum, ()), (np.mean, ()), (np.transpose, ()), (np.reshape, ((4, 3),)), (np.max, ()),
                    (np.cumsum, ()), (np.clip, (2, 5)), (np.where, ())]:
        if f is np.where:
            r = np.where(x > 3, x, 0)
            e = np.where(a > 3, a, 0)
        else:
            r = f(x, *args)
            e = f(a, *args)
        assert isinstance(r, mnnx.Var), f.__name__
        assert_matches(r, e)
    r = np.concatenate([x, x])
    assert isinstance(r, mnnx.Var)
    assert_matches(r, np.concatenate([a, a]))
    # functions mnnx does not implement still work through numpy on the realized values
    np.testing.assert_allclose(np.median(x), np.median(a))
    np.testing.assert_allclose(np.percentile(x, 30), np.percentile(a, 30))


def test_mnnx_eval_realizes_all():
    a, b = mnp.arange(3.0) + 1, mnp.ones(2) * 3
    assert not a._realized and not b._realized
    r = mnnx.eval(a, b)
    assert a._realized and b._realized
    assert r[0] is a and r[1] is b
    assert mnnx.eval(a) is a
