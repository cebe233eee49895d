"""The Array API namespace (mnnx.array_api) against numpy 2's own standard-compliant namespace."""
import numpy as np
import pytest

import mnnx.array_api as xa
import mnnx.numpy as mnp
from conftest import to_numpy


def same(got, exp, **kw):
    g = to_numpy(got)
    exp = np.asarray(exp)
    assert g.dtype == exp.dtype and g.shape == exp.shape, (g.dtype, exp.dtype, g.shape, exp.shape)
    np.testing.assert_allclose(g, exp, **kw)


def test_namespace_protocol():
    x = mnp.ones((2, 3))
    xp = x.__array_namespace__()
    assert xp is xa and xp.__array_api_version__ == "2023.12"
    assert x.__array_namespace__(api_version="2023.12") is xa
    with pytest.raises(ValueError):
        x.__array_namespace__(api_version="1999.01")
    info = xp.__array_namespace_info__()
    assert info.default_device() == "cpu" and info.devices() == ["cpu"]
    assert info.default_dtypes()["real floating"] == np.float64
    assert set(info.dtypes(kind="real floating")) == {"float32", "float64"}


def test_every_exported_name_is_real():
    for name in xa.__all__:
        obj = getattr(xa, name)
        assert obj is not None or name == "newaxis", name
        if callable(obj) and not isinstance(obj, type) and not isinstance(obj, np.dtype):
            assert obj.__doc__ is None or "NotImplemented" not in obj.__doc__
    # absent rather than stubbed: mnnx holds no complex numbers
    assert not hasattr(xa, "complex128") and not hasattr(xa, "real")


def test_standard_semantics_where_numpy_differs(rng):
    a = rng.standard_normal((3, 4))
    x = mnp.asarray(a)
    same(xa.std(x, correction=1, axis=0), np.std(a, correction=1, axis=0), rtol=1e-12)
    same(xa.var(x, correction=0.5), np.var(a, correction=0.5), rtol=1e-12)
    v = np.arange(1, 7).reshape(2, 3)
    same(xa.cumulative_sum(mnp.asarray(v), axis=1, include_initial=True),
         np.cumulative_sum(v, axis=1, include_initial=True))
    same(xa.cumulative_sum(mnp.asarray(v[0])), np.cumulative_sum(v[0]))
    with pytest.raises(ValueError):
        xa.cumulative_sum(mnp.asarray(v))
    same(xa.vecdot(x, x), np.vecdot(a, a), rtol=1e-12)
    same(xa.vecdot(x, x, axis=0), np.vecdot(a, a, axis=0), rtol=1e-12)
    same(xa.expand_dims(x), np.expand_dims(a, 0))
    same(xa.squeeze(mnp.asarray(a[None]), axis=0), a)
    same(xa.astype(x, xa.int32), a.astype(np.int32))
    same(xa.permute_dims(x, (1, 0)), a.T)
    same(xa.matrix_transpose(mnp.asarray(a[None])), np.matrix_transpose(a[None]))
    same(xa.concat([x, x], axis=1), np.concat([a, a], axis=1))
    same(xa.pow(x, 2), np.pow(a, 2), rtol=1e-12)
    same(xa.acos(mnp.asarray(a / 10)), np.acos(a / 10), rtol=1e-12)
    same(xa.bitwise_left_shift(mnp.asarray(v), 2), np.bitwise_left_shift(v, 2))
    same(xa.clip(x, min=-0.5, max=0.5), np.clip(a, min=-0.5, max=0.5))
    same(xa.clip(x), a)
    same(xa.linspace(0, 1, 5, endpoint=False), np.linspace(0, 1, 5, endpoint=False))
    same(xa.eye(3, 4, k=1, dtype=xa.float32), np.eye(3, 4, k=1, dtype=np.float32))
    same(xa.arange(2, 9, 3, dtype=xa.int16), np.arange(2, 9, 3, dtype=np.int16))
    same(xa.full((2,), 3, dtype=xa.int8, device="cpu"), np.full((2,), 3, dtype=np.int8))
    same(xa.zeros((2, 2)), np.zeros((2, 2)))
    same(xa.ones_like(x, dtype=xa.int64), np.ones_like(a, dtype=np.int64))
    with pytest.raises(ValueError):
        xa.zeros(3, device="gpu")


def test_dtype_functions_accept_arrays():
    x = mnp.ones(3, dtype=np.int16)
    assert xa.can_cast(x, xa.int32) and not xa.can_cast(x, xa.int8)
    assert xa.result_type(x, xa.float32) == np.float32
    assert xa.result_type(x, mnp.ones(2, dtype=np.uint8)) == np.int16
    assert xa.iinfo(x).max == 32767 and xa.finfo(mnp.ones(2, dtype=np.float32)).eps == np.finfo(np.float32).eps
    assert xa.isdtype(xa.float32, "real floating") and not xa.isdtype(xa.int8, ("real floating", "bool"))


def test_linear_algebra(rng):
    a = rng.standard_normal((2, 4, 3)).astype(np.float32)
    b = rng.standard_normal((3, 5)).astype(np.float32)
    same(xa.matmul(mnp.asarray(a), b), np.matmul(a, b), rtol=1e-5, atol=1e-6)
    same(xa.linalg.matmul(a, b), np.linalg.matmul(a, b), rtol=1e-5, atol=1e-6)
    same(xa.tensordot(mnp.asarray(a), b, axes=1), np.tensordot(a, b, axes=1), rtol=1e-5, atol=1e-6)
    same(xa.tensordot(mnp.asarray(a), mnp.asarray(a), axes=([0, 2], [0, 2])),
         np.tensordot(a, a, axes=([0, 2], [0, 2])), rtol=1e-5, atol=1e-5)
    same(xa.linalg.matrix_norm(a, ord="nuc"), np.linalg.matrix_norm(a, ord="nuc"), rtol=1e-5)
    same(xa.linalg.vector_norm(a, axis=None, ord=3), np.linalg.vector_norm(a, axis=None, ord=3), rtol=1e-5)
    same(xa.linalg.vector_norm(a, axis=(1, 2), keepdims=True), np.linalg.vector_norm(a, axis=(1, 2), keepdims=True),
         rtol=1e-5)
    same(xa.linalg.svdvals(a), np.linalg.svdvals(a), rtol=1e-4)
    sq = rng.standard_normal((3, 3))
    same(xa.linalg.inv(sq), np.linalg.inv(sq), rtol=1e-10)
    same(xa.linalg.matrix_transpose(mnp.asarray(sq)), sq.T)
    with pytest.raises(ValueError):
        xa.tensordot(mnp.asarray(a), b, axes=2)
