"""Pooling against torch.nn.functional: hypothesis-drawn shapes and every combination of kernel,
stride, padding, dilation, ceil_mode, count_include_pad and divisor_override, float32 and float64;
max-pool indices (ties, NaN, -inf); torch's rejections become ValueError/TypeError here."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import mnnx
import mnnx.numpy as mnp
import mnnx.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional

DTYPES = [np.float32, np.float64]
TOL = {np.dtype(np.float32): 2e-6, np.dtype(np.float64): 1e-13}


def _input(data, dtype, min_hw=1, max_hw=9, ndim=4):
    """Small integer values (ties for the indices), sometimes NaN / -inf / +inf."""
    shape = [data.draw(st.integers(1, 2)), data.draw(st.integers(1, 3))][4 - ndim:] + \
        [data.draw(st.integers(min_hw, max_hw)) for _ in range(2)]
    seed = data.draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    x = rng.integers(-4, 5, size=shape).astype(dtype)
    if data.draw(st.booleans()):
        x = x + rng.standard_normal(shape).astype(dtype)
    if data.draw(st.integers(0, 3)) == 0:
        flat = x.reshape(-1)
        idx = rng.integers(0, flat.size, size=3)
        flat[idx] = rng.choice([np.nan, -np.inf, np.inf], size=3)
    return x


def _close(got, want, dtype):
    g, w = np.asarray(got), want.numpy()
    assert g.dtype == w.dtype and g.shape == w.shape, (g.dtype, g.shape, w.dtype, w.shape)
    scale = np.nanmax(np.abs(np.where(np.isfinite(w), w, 0)), initial=1.0)
    np.testing.assert_allclose(g, w, rtol=TOL[np.dtype(dtype)], atol=TOL[np.dtype(dtype)] * scale, equal_nan=True)


def _torch_or_error(fn):
    try:
        return fn(), None
    except RuntimeError as e:  # torch's rejections are RuntimeErrors; ours ValueErrors
        return None, e


pairs = st.one_of(st.integers(1, 4), st.tuples(st.integers(1, 4), st.integers(1, 4)))


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data())
def test_max_pool2d(dtype, data):
    x = _input(data, dtype, ndim=data.draw(st.sampled_from([3, 4])))
    k = data.draw(pairs)
    kk = (k, k) if isinstance(k, int) else k
    stride = data.draw(st.one_of(st.none(), pairs))
    padding = data.draw(st.one_of(st.integers(0, min(kk) // 2), st.tuples(st.integers(0, kk[0] // 2), st.integers(0, kk[1] // 2))))
    dilation = data.draw(pairs)
    ceil_mode = data.draw(st.booleans())
    kw = dict(kernel_size=k, stride=stride, padding=padding, dilation=dilation, ceil_mode=ceil_mode)
    want, err = _torch_or_error(lambda: TF.max_pool2d(torch.from_numpy(x), return_indices=True, **kw))
    if err is not None:
        with pytest.raises(ValueError):
            F.max_pool2d(x, return_indices=True, **kw)
        return
    v, i = F.max_pool2d(mnp.asarray(x), return_indices=True, **kw)
    _close(v, want[0], dtype)
    np.testing.assert_array_equal(np.asarray(i), want[1].numpy())
    _close(F.max_pool2d(x, **kw), want[0], dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data())
def test_avg_pool2d(dtype, data):
    x = _input(data, dtype, ndim=data.draw(st.sampled_from([3, 4])))
    x[~np.isfinite(x)] = 1.5  # inf - inf in a window sum: both give NaN, but not worth the noise
    k = data.draw(pairs)
    kk = (k, k) if isinstance(k, int) else k
    kw = dict(kernel_size=k, stride=data.draw(st.one_of(st.none(), pairs)),
              padding=data.draw(st.tuples(st.integers(0, kk[0] // 2), st.integers(0, kk[1] // 2))),
              ceil_mode=data.draw(st.booleans()), count_include_pad=data.draw(st.booleans()),
              divisor_override=data.draw(st.sampled_from([None, 1, 3, -2])))
    want, err = _torch_or_error(lambda: TF.avg_pool2d(torch.from_numpy(x), **kw))
    if err is not None:
        with pytest.raises(ValueError):
            F.avg_pool2d(x, **kw)
        return
    _close(F.avg_pool2d(x, **kw), want, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data())
def test_adaptive_pool2d(dtype, data):
    x = _input(data, dtype, ndim=data.draw(st.sampled_from([3, 4])), max_hw=12)
    out = data.draw(st.one_of(st.integers(1, 7), st.tuples(st.one_of(st.none(), st.integers(1, 7)), st.integers(1, 7))))
    xt = torch.from_numpy(x)
    v, i = F.adaptive_max_pool2d(x, out, return_indices=True)
    tv, ti = TF.adaptive_max_pool2d(xt, out, return_indices=True)
    _close(v, tv, dtype)
    np.testing.assert_array_equal(np.asarray(i), ti.numpy())
    _close(F.adaptive_max_pool2d(x, out), tv, dtype)
    x[~np.isfinite(x)] = 0.5
    _close(F.adaptive_avg_pool2d(x, out), TF.adaptive_avg_pool2d(torch.from_numpy(x), out), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data())
def test_pool1d(dtype, data):
    x = _input(data, dtype, ndim=4)[:, :, 0]  # (N, C, L)
    if data.draw(st.booleans()):
        x = x[0]  # unbatched (C, L)
    x[~np.isfinite(x)] = 2.5
    k = data.draw(st.integers(1, 4))
    kw = dict(kernel_size=k, stride=data.draw(st.one_of(st.none(), st.integers(1, 3))), padding=data.draw(st.integers(0, k // 2)),
              ceil_mode=data.draw(st.booleans()))
    xt = torch.from_numpy(x)
    want, err = _torch_or_error(lambda: TF.max_pool1d(xt, dilation=2, return_indices=True, **kw))
    if err is None:
        v, i = F.max_pool1d(x, dilation=2, return_indices=True, **kw)
        _close(v, want[0], dtype)
        np.testing.assert_array_equal(np.asarray(i), want[1].numpy())
    want, err = _torch_or_error(lambda: TF.avg_pool1d(xt, count_include_pad=False, **kw))
    if err is None:
        _close(F.avg_pool1d(x, count_include_pad=False, **kw), want, dtype)
    else:
        with pytest.raises(ValueError):
            F.avg_pool1d(x, count_include_pad=False, **kw)
    o = data.draw(st.integers(1, 6))
    _close(F.adaptive_avg_pool1d(x, o), TF.adaptive_avg_pool1d(xt, o), dtype)
    v, i = F.adaptive_max_pool1d(x, o, return_indices=True)
    tv, ti = TF.adaptive_max_pool1d(xt, o, return_indices=True)
    _close(v, tv, dtype)
    np.testing.assert_array_equal(np.asarray(i), ti.numpy())


@pytest.mark.parametrize("dtype", DTYPES)
def test_global_pooling_and_large_planes(dtype, rng):
    """Global pooling (the reduction path) and planes big enough to split over threads."""
    x = rng.standard_normal((3, 5, 40, 33)).astype(dtype)
    xt = torch.from_numpy(x)
    _close(F.adaptive_avg_pool2d(x, 1), TF.adaptive_avg_pool2d(xt, 1), dtype)
    _close(F.adaptive_max_pool2d(x, (1, 1)), TF.adaptive_max_pool2d(xt, (1, 1)), dtype)
    _close(F.max_pool2d(x, 3, 2, 1), TF.max_pool2d(xt, 3, 2, 1), dtype)
    _close(F.avg_pool2d(x, 3, 2, 1), TF.avg_pool2d(xt, 3, 2, 1), dtype)


def test_strided_input_and_fused_neighbours(rng):
    """A transposed (non-contiguous) input, an elementwise producer and an elementwise consumer."""
    x = rng.standard_normal((2, 3, 11, 9)).astype(np.float32)
    xt = torch.from_numpy(x)
    xm = mnp.transpose(mnp.asarray(x), (0, 1, 3, 2))
    got = mnp.maximum(F.max_pool2d(xm * 2.0, 3, 2, 1), 0.5)
    want = torch.clamp_min(TF.max_pool2d(xt.transpose(2, 3) * 2.0, 3, 2, 1), 0.5)
    import io
    assert "fused epilogue" in mnnx.debug.explain(got, file=io.StringIO())
    _close(got, want, np.float32)
    _close(F.avg_pool2d(xm, 2, 1), TF.avg_pool2d(xt.transpose(2, 3), 2, 1), np.float32)  # strided operand, no copy
    _, i = F.max_pool2d(xm, 2, return_indices=True)
    np.testing.assert_array_equal(np.asarray(i), TF.max_pool2d(xt.transpose(2, 3), 2, return_indices=True)[1].numpy())


def test_errors():
    x = np.zeros((1, 2, 5, 5), np.float32)
    with pytest.raises(ValueError, match=r"\(2, 5, 5, 5, 1\)"):
        F.max_pool2d(np.zeros((2, 5, 5, 5, 1), np.float32), 2)
    with pytest.raises(ValueError, match="3-D"):
        F.max_pool2d(np.zeros((5, 5), np.float32), 2)
    with pytest.raises(ValueError, match="too small"):
        F.max_pool2d(x, 6)
    with pytest.raises(ValueError, match="too small"):
        F.avg_pool2d(x, (2, 8), padding=(0, 1))
    with pytest.raises(ValueError, match="half of kernel"):
        F.max_pool2d(x, 3, padding=2)
    with pytest.raises(ValueError, match="positive"):
        F.max_pool2d(x, 0)
    with pytest.raises(ValueError, match="positive"):
        F.max_pool2d(x, 2, stride=0)
    with pytest.raises(ValueError, match="positive"):
        F.max_pool2d(x, 2, dilation=0)
    with pytest.raises(ValueError, match="non-negative"):
        F.max_pool2d(x, 2, padding=-1)
    with pytest.raises(ValueError, match="nonzero"):
        F.avg_pool2d(x, 2, divisor_override=0)
    with pytest.raises(ValueError, match="tuple of 2"):
        F.max_pool2d(x, (2, 2, 2))
    with pytest.raises(ValueError):
        F.max_pool2d(np.zeros((1, 0, 5, 5), np.float32), 2)
    with pytest.raises(ValueError):
        F.adaptive_avg_pool2d(x, (-1, 2))
    with pytest.raises(ValueError, match="2-D"):
        F.max_pool1d(np.zeros(5, np.float32), 2)
    for dt in (np.int32, np.int64, np.float16, np.bool_):
        with pytest.raises(TypeError):
            F.max_pool2d(x.astype(dt), 2)
        with pytest.raises(TypeError):
            F.avg_pool2d(x.astype(dt), 2)
        with pytest.raises(TypeError):
            F.adaptive_avg_pool2d(x.astype(dt), 1)
    with pytest.raises(TypeError):
        F.max_pool2d(x, 2.5)


def test_zero_batch():
    y, i = F.max_pool2d(np.zeros((0, 2, 5, 5), np.float32), 2, return_indices=True)
    assert np.asarray(y).shape == (0, 2, 2, 2) and np.asarray(i).dtype == np.int64
