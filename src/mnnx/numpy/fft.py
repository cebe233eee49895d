"""mnnx.numpy.fft: numpy.fft's names, arguments (n / s, axis / axes, norm) and dtypes on mnnx's own
mixed-radix transforms (core/fft.cpp: radix 4/2/3 and generic odd radices up to 61, Bluestein beyond).

mnnx arrays have no complex dtype, so every transform whose result is complex (fft, ifft, rfft, fft2,
fftn, ifftn, rfft2, rfftn, ihfft) returns a numpy ndarray of complex64 (from float16/float32/complex64 input)
or complex128; those functions accept numpy complex arrays as input, so fft -> ifft round trips work.
Real results (irfft, irfft2, irfftn, hfft, fftfreq, rfftfreq) are mnnx arrays; fftshift/ifftshift
return the kind of array they are given. Transforms compute in float64 and round to the output dtype."""
import math
import operator

import numpy as _np

from .. import _C
from .._tensor import Var, asarray as _wrap

__all__ = ["fft", "ifft", "rfft", "irfft", "fft2", "ifft2", "fftn", "ifftn", "rfft2", "irfft2", "rfftn", "irfftn",
           "hfft", "ihfft", "fftfreq", "rfftfreq", "fftshift", "ifftshift"]

_SWAP = {None: "forward", "backward": "forward", "ortho": "ortho", "forward": "backward"}


def _scale(norm, n, forward):
    if norm is None or norm == "backward":
        return 1.0 if forward else 1.0 / n
    if norm == "ortho":
        return 1.0 / math.sqrt(n)
    if norm == "forward":
        return 1.0 / n if forward else 1.0
    raise ValueError(f'Invalid norm value {norm}; should be "backward","ortho" or "forward".')


def _single(dt):
    return dt in (_np.float16, _np.float32, _np.complex64)


def _prep(a, n, axis, length_default=None):
    """(numpy array with the axis moved last, n, normalized axis)."""
    a = _np.asarray(a)
    if a.ndim == 0:
        raise _np.exceptions.AxisError(f"axis {axis} is out of bounds for array of dimension 0")
    axis = _np.lib.array_utils.normalize_axis_index(axis, a.ndim)
    if n is None:
        n = a.shape[axis] if length_default is None else length_default(a.shape[axis])
    n = operator.index(n)
    if n < 1:
        raise ValueError(f"Invalid number of FFT data points ({n}) specified.")
    return _np.moveaxis(a, axis, -1), n, axis


def _fit(x, m):
    """Truncate or zero-pad the last axis to m entries."""
    k = x.shape[-1]
    if k == m:
        return x
    if k > m:
        return x[..., :m]
    pad = _np.zeros(x.shape[:-1] + (m - k,), x.dtype)
    return _np.concatenate([x, pad], axis=-1)


def _rows(x, width, dtype):
    r = _np.ascontiguousarray(x, dtype=dtype)
    return r.reshape(-1, width) if r.size else r.reshape(0, width)


def _deliver(res, axis, out):
    res = _np.moveaxis(res, -1, axis)
    if out is not None:
        out[...] = res
        return out
    return _np.ascontiguousarray(res)


def _c2c(a, n, axis, norm, inverse, out):
    x, n, axis = _prep(a, n, axis)
    cdt = _np.complex64 if _single(x.dtype) else _np.complex128
    rows = _rows(_fit(x, n), n, _np.complex128)
    res = _np.empty_like(rows)
    if rows.shape[0]:
        _C.fft_c2c(rows.view(_np.float64), res.view(_np.float64), inverse, _scale(norm, n, not inverse))
    return _deliver(res.reshape(x.shape[:-1] + (n,)).astype(cdt, copy=False), axis, out)


def _r2c(a, n, axis, norm, out):
    x, n, axis = _prep(a, n, axis)
    if x.dtype.kind == "c":
        raise TypeError("rfft needs real input; drop the imaginary part explicitly (x.real)")
    cdt = _np.complex64 if _single(x.dtype) else _np.complex128
    rows = _rows(_fit(x, n), n, _np.float64)
    res = _np.empty((rows.shape[0], n // 2 + 1), _np.complex128)
    if rows.shape[0]:
        _C.fft_r2c(rows, res.view(_np.float64), _scale(norm, n, True))
    return _deliver(res.reshape(x.shape[:-1] + (n // 2 + 1,)).astype(cdt, copy=False), axis, out)


def _c2r(a, n, axis, norm, forward=False):
    x, n, axis = _prep(a, n, axis, lambda m: 2 * (m - 1))
    rdt = x.dtype if x.dtype in (_np.float16, _np.float32) else \
        _np.dtype(_np.float32) if x.dtype == _np.complex64 else _np.dtype(_np.float64)
    rows = _rows(_fit(x, n // 2 + 1), n // 2 + 1, _np.complex128)
    res = _np.empty((rows.shape[0], n), _np.float64)
    if rows.shape[0]:
        _C.fft_c2r(rows.view(_np.float64), res, _scale(norm, n, forward))
    return _np.moveaxis(res.reshape(x.shape[:-1] + (n,)), -1, axis).astype(rdt, copy=False)


def fft(a, n=None, axis=-1, norm=None, out=None):
    return _c2c(a, n, axis, norm, False, out)


def ifft(a, n=None, axis=-1, norm=None, out=None):
    return _c2c(a, n, axis, norm, True, out)


def rfft(a, n=None, axis=-1, norm=None, out=None):
    return _r2c(a, n, axis, norm, out)


def irfft(a, n=None, axis=-1, norm=None, out=None):
    return _real_out(_c2r(a, n, axis, norm), out)


def hfft(a, n=None, axis=-1, norm=None, out=None):
    """The FFT of a Hermitian-symmetric signal given by its first half: a real mnnx array."""
    return _real_out(_c2r(_np.conjugate(_np.asarray(a)), n, axis, _SWAP[norm] if norm in _SWAP else norm), out)


def ihfft(a, n=None, axis=-1, norm=None, out=None):
    r = _np.conjugate(_r2c(a, n, axis, _SWAP[norm] if norm in _SWAP else norm, None))
    if out is not None:
        out[...] = r
        return out
    return r


def _real_out(r, out):
    if out is not None:
        out[...] = r
        return out
    return _wrap(_np.ascontiguousarray(r))


def _cook(a, s, axes, inverse_real=False):
    a = _np.asarray(a)
    shapeless = s is None
    if s is None:
        axes = list(range(a.ndim)) if axes is None else [operator.index(x) for x in axes]
        s = [a.shape[ax] for ax in axes]
    else:
        s = list(s)
        axes = list(range(-len(s), 0)) if axes is None else [operator.index(x) for x in axes]
        if len(s) != len(axes):
            raise ValueError("Shape and axes have different lengths.")
        s = [a.shape[ax] if v is None else v for v, ax in zip(s, axes)]
    if inverse_real and shapeless and axes:
        s[-1] = (a.shape[axes[-1]] - 1) * 2
    return a, s, axes


def _c2c_nd(a, s, axes, norm, inverse, out):
    a, s, axes = _cook(a, s, axes)
    for ii in reversed(range(len(axes))):
        a = _c2c(a, s[ii], axes[ii], norm, inverse, None)
    return _deliver_nd(a, out)  # no axes: numpy hands the input back unchanged


def fftn(a, s=None, axes=None, norm=None, out=None):
    return _c2c_nd(a, s, axes, norm, False, out)


def ifftn(a, s=None, axes=None, norm=None, out=None):
    return _c2c_nd(a, s, axes, norm, True, out)


def _deliver_nd(r, out):
    if out is not None:
        out[...] = r
        return out
    return r


def fft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    return fftn(a, s, axes, norm, out)


def ifft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    return ifftn(a, s, axes, norm, out)


def rfftn(a, s=None, axes=None, norm=None, out=None):
    a, s, axes = _cook(a, s, axes)
    if not axes:
        raise ValueError("at least 1 axis must be transformed")
    a = _r2c(a, s[-1], axes[-1], norm, None)
    for ii in reversed(range(len(axes) - 1)):
        a = _c2c(a, s[ii], axes[ii], norm, False, None)
    return _deliver_nd(a, out)


def irfftn(a, s=None, axes=None, norm=None, out=None):
    a, s, axes = _cook(a, s, axes, inverse_real=True)
    if not axes:
        raise ValueError("at least 1 axis must be transformed")
    for ii in range(len(axes) - 1):
        a = _c2c(a, s[ii], axes[ii], norm, True, None)
    return _real_out(_c2r(a, s[-1], axes[-1], norm), out)


def rfft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    return rfftn(a, s, axes, norm, out)


def irfft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    return irfftn(a, s, axes, norm, out)


def fftfreq(n, d=1.0, device=None):
    n = operator.index(n)
    val = 1.0 / (n * d)
    k = _np.empty(n, int)
    m = (n - 1) // 2 + 1
    k[:m] = _np.arange(0, m)
    k[m:] = _np.arange(-(n // 2), 0)
    return _wrap(k * val)


def rfftfreq(n, d=1.0, device=None):
    n = operator.index(n)
    val = 1.0 / (n * d)
    return _wrap(_np.arange(0, n // 2 + 1, dtype=int) * val)


def _shift(x, axes, sign):
    arr = _np.asarray(x)
    if axes is None:
        axes = tuple(range(arr.ndim))
        shift = [sign * (dim // 2) for dim in arr.shape]
    elif isinstance(axes, (int, _np.integer)):
        shift = sign * (arr.shape[axes] // 2)
    else:
        shift = [sign * (arr.shape[ax] // 2) for ax in axes]
    r = _np.roll(arr, shift, axes)
    return _wrap(_np.ascontiguousarray(r)) if isinstance(x, Var) or (arr.dtype.kind != "c" and
                                                                    not isinstance(x, _np.ndarray)) else r


def fftshift(x, axes=None):
    return _shift(x, axes, 1)


def ifftshift(x, axes=None):
    return _shift(x, axes, -1)
