"""mnnx.numpy.fft against numpy.fft (pocketfft): every length kind (powers of 2, 3, 5, odd primes handled by
the generic radix, large primes through Bluestein), n / axis / s / axes / norm arguments, dtypes, errors."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import mnnx.numpy as mnp
from conftest import to_numpy

F = mnp.fft
NORMS = [None, "backward", "ortho", "forward"]
LENGTHS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 15, 16, 25, 27, 30, 49, 60, 61, 64, 67, 97, 100, 121, 128, 210, 243,
           256, 509, 1000, 1024, 2 * 509, 3 * 127, 4096, 4099]


def close(got, exp, rtol=1e-12):
    got = to_numpy(got) if isinstance(got, mnp.ndarray) else got
    assert got.dtype == exp.dtype and got.shape == exp.shape, (got.dtype, exp.dtype, got.shape, exp.shape)
    scale = max(1.0, np.abs(exp).max()) if exp.size else 1.0
    assert np.abs(got - exp).max(initial=0) <= rtol * scale, np.abs(got - exp).max()


@pytest.mark.parametrize("n", LENGTHS)
def test_all_lengths(n, rng):
    x = rng.standard_normal((2, n)) + 1j * rng.standard_normal((2, n))
    close(F.fft(x), np.fft.fft(x))
    close(F.ifft(x), np.fft.ifft(x))
    r = x.real
    close(F.rfft(r), np.fft.rfft(r))
    close(F.rfft(mnp.asarray(r[0])), np.fft.rfft(r[0]))
    spec = np.fft.rfft(r)
    close(F.irfft(spec, n), np.fft.irfft(spec, n))
    close(F.hfft(spec, n), np.fft.hfft(spec, n))
    close(F.ihfft(r), np.fft.ihfft(r))


@given(shape=st.lists(st.integers(1, 9), min_size=1, max_size=3).map(tuple), data=st.data(),
       norm=st.sampled_from(NORMS), dt=st.sampled_from([np.float32, np.float64, np.int32, np.complex64]))
def test_n_axis_norm(shape, data, norm, dt):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape) * 4
    x = (x + 1j * rng.standard_normal(shape)).astype(dt) if dt == np.complex64 else x.astype(dt)
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    n = data.draw(st.one_of(st.none(), st.integers(1, 12)))
    rtol = 1e-5 if dt in (np.float32, np.complex64) else 1e-12
    close(F.fft(x, n, axis, norm), np.fft.fft(x, n, axis, norm), rtol)
    close(F.ifft(x, n, axis, norm), np.fft.ifft(x, n, axis, norm), rtol)
    if dt != np.complex64:
        close(F.rfft(x, n, axis, norm), np.fft.rfft(x, n, axis, norm), rtol)
    if n is None and shape[axis] == 1:
        return  # numpy refuses irfft's default length 0
    close(F.irfft(x, n, axis, norm), np.fft.irfft(x, n, axis, norm), rtol)


@given(shape=st.lists(st.integers(1, 6), min_size=2, max_size=3).map(tuple), norm=st.sampled_from(NORMS),
       use_s=st.booleans())
def test_nd_transforms(shape, norm, use_s):
    rng = np.random.default_rng(1)
    x = rng.standard_normal(shape)
    s = tuple(d + 1 for d in shape[-2:]) if use_s else None
    ax = (-2, -1)
    close(F.fft2(x, s, ax, norm), np.fft.fft2(x, s, ax, norm))
    close(F.ifft2(x, s, ax, norm), np.fft.ifft2(x, s, ax, norm))
    close(F.rfft2(x, s, ax, norm), np.fft.rfft2(x, s, ax, norm))
    close(F.fftn(x, norm=norm), np.fft.fftn(x, norm=norm))
    close(F.ifftn(x, norm=norm), np.fft.ifftn(x, norm=norm))
    close(F.rfftn(x, norm=norm), np.fft.rfftn(x, norm=norm))
    spec = np.fft.rfftn(x)
    axes = tuple(range(x.ndim))
    close(F.irfftn(spec, x.shape, axes, norm=norm), np.fft.irfftn(spec, x.shape, axes, norm=norm))
    s2 = s or x.shape[-2:]
    close(F.irfft2(spec, s2, ax, norm), np.fft.irfft2(spec, s2, ax, norm))
    close(F.fftn(x, axes=(0,)), np.fft.fftn(x, axes=(0,)))


def test_round_trip_and_dtypes(rng):
    x = rng.standard_normal(1000).astype(np.float32)
    y = F.fft(x)
    assert isinstance(y, np.ndarray) and y.dtype == np.complex64
    assert F.rfft(mnp.asarray(x)).dtype == np.complex64
    back = F.irfft(F.rfft(x), 1000)
    assert isinstance(back, mnp.ndarray) and back.dtype == np.float32
    np.testing.assert_allclose(to_numpy(back), x, atol=1e-5)
    np.testing.assert_allclose(F.ifft(F.fft(x.astype(np.float64))).real, x, atol=1e-12)
    assert F.fft(np.arange(4)).dtype == np.complex128 and F.fft([1, 2, 3]).dtype == np.complex128
    assert F.irfft(np.ones(3, np.float16)).dtype == np.float16
    out = np.empty(8, np.complex128)
    assert F.fft(np.ones(8), out=out) is out and np.allclose(out, np.fft.fft(np.ones(8)))


def test_large_real_transform_multithreaded_path(rng):
    x = rng.standard_normal(1 << 17)
    close(F.rfft(x), np.fft.rfft(x), 1e-11)
    spec = np.fft.rfft(x)
    close(F.irfft(spec), np.fft.irfft(spec), 1e-11)


def test_irfft_ignores_imaginary_self_conjugate_terms():
    spec = np.array([1 + 2j, 3 + 4j, 5 + 6j])
    close(F.irfft(spec), np.fft.irfft(spec))
    close(F.irfft(spec, 5), np.fft.irfft(spec, 5))


def test_freqs_and_shifts():
    for n in (1, 4, 7, 10):
        for d in (1.0, 0.25):
            close(F.fftfreq(n, d), np.fft.fftfreq(n, d))
            close(F.rfftfreq(n, d), np.fft.rfftfreq(n, d))
    x = np.arange(24.0).reshape(4, 6)
    for axes in (None, 0, 1, (0, 1), (1,)):
        close(F.fftshift(mnp.asarray(x), axes), np.fft.fftshift(x, axes))
        close(F.ifftshift(x, axes), np.fft.ifftshift(x, axes))
    assert isinstance(F.fftshift(mnp.asarray(x)), mnp.ndarray)
    c = np.fft.fft(x)
    assert isinstance(F.fftshift(c), np.ndarray) and F.fftshift(c).dtype == np.complex128


def test_errors():
    with pytest.raises(ValueError, match="Invalid number of FFT data points"):
        F.fft(np.ones(4), n=0)
    with pytest.raises(ValueError, match="Invalid norm"):
        F.fft(np.ones(4), norm="bad")
    with pytest.raises(ValueError, match="Invalid number of FFT data points"):
        F.irfft(np.ones(1))
    with pytest.raises(np.exceptions.AxisError):
        F.fft(np.ones((2, 2)), axis=2)
    with pytest.raises(ValueError):
        F.fftn(np.ones((2, 2)), s=(2, 2), axes=(0,))
    with pytest.raises(TypeError):
        F.rfft(np.ones(4, complex))


def test_empty_batches_and_no_axes():
    for call in ["fft(np.zeros((0, 8)))", "rfft(np.zeros((0, 8)))", "irfft(np.zeros((0, 5)))",
                 "fft2(np.zeros((0, 4, 4)))", "fftn(np.zeros((2, 3)), axes=())", "fft(np.arange(8.0), n=3)"]:
        e, g = eval("np.fft." + call), eval("F." + call)
        g = to_numpy(g) if isinstance(g, mnp.ndarray) else g
        assert g.shape == e.shape and g.dtype == e.dtype and np.allclose(g, e), call
