"""Creating arrays. Python lists are parsed by numpy (the same defaults: float64, int64), then
wrapped without a second copy; constant arrays are lazy broadcasts of one scalar."""
import math

import numpy as _np

from .. import _C
from .._tensor import Var, asarray as _asarray, operand, cast, dtype_char
from ._reductions import _index

__all__ = ["array", "asarray", "asanyarray", "zeros", "ones", "full", "empty", "zeros_like", "ones_like", "full_like",
           "empty_like", "arange", "linspace", "logspace", "eye", "identity", "from_dlpack", "frombuffer", "tri"]


def array(object, dtype=None, *, copy=True, ndmin=0):
    if isinstance(object, Var):
        r = cast(object, dtype) if dtype is not None else object
        r = _C.copy(r) if copy and r is object else r
    else:
        arr = _np.array(object, dtype=dtype, copy=True if copy is None else copy)
        r = _asarray(arr)
    if ndmin > r.ndim:
        r = _C.reshape(r, [1] * (ndmin - r.ndim) + list(r.shape))
    return r


def asarray(a, dtype=None, *, copy=None, device=None):
    if copy:
        return array(a, dtype=dtype, copy=True)
    return _asarray(a, dtype)


asanyarray = asarray


def _shape(shape):
    if isinstance(shape, (tuple, list)):
        return [_index(s) for s in shape]
    return [_index(shape)]


def full(shape, fill_value, dtype=None, order="C"):
    """A lazy broadcast of the fill value: nothing is written until the array is needed."""
    shp = _shape(shape)
    if isinstance(fill_value, Var):
        v = fill_value if dtype is None else cast(fill_value, dtype)
        return _C.expand(v, shp)
    f = _np.asarray(fill_value)
    if dtype is not None:  # numpy's own conversion of the fill value (unsafe casts, overflow checks)
        f = _np.full(f.shape, fill_value, dtype=dtype)
    c = dtype_char(f.dtype)
    if f.ndim:
        return _C.expand(_asarray(f), shp)
    if f.dtype.kind == "f":
        return _C.full(float(f), shp, c)
    return _C.full_int(int(f) - (1 << 64) if int(f) >= (1 << 63) else int(f), shp, c)


def zeros(shape, dtype=float, order="C"):
    return full(shape, 0, dtype)


def ones(shape, dtype=float, order="C"):
    return full(shape, 1, dtype)


def empty(shape, dtype=float, order="C"):
    """Like numpy's, its contents are unspecified (here: zeros, computed only when needed)."""
    return full(shape, 0, dtype)


def _like(a, dtype, shape):
    x = operand(a)
    return (x.dtype if dtype is None else dtype), (x.shape if shape is None else shape)


def zeros_like(a, dtype=None, order="K", subok=True, shape=None):
    dt, shp = _like(a, dtype, shape)
    return full(shp, 0, dt)


def ones_like(a, dtype=None, order="K", subok=True, shape=None):
    dt, shp = _like(a, dtype, shape)
    return full(shp, 1, dt)


def empty_like(prototype, dtype=None, order="K", subok=True, shape=None):
    return zeros_like(prototype, dtype=dtype, shape=shape)


def full_like(a, fill_value, dtype=None, order="K", subok=True, shape=None):
    dt, shp = _like(a, dtype, shape)
    return full(shp, fill_value, dt)


def arange(start, stop=None, step=None, dtype=None):
    if stop is None:
        start, stop = 0, start
    step = 1 if step is None else step
    vals = [v.item() if isinstance(v, (_np.generic, Var)) else v for v in (start, stop, step)]
    start, stop, step = vals
    if step == 0:
        raise ZeroDivisionError("division by zero")
    n = max(0, math.ceil((stop - start) / step))
    if dtype is None:
        dtype = _np.result_type(*[_np.asarray(v) for v in vals])
    dt = _np.dtype(dtype)
    i = _C.iota([n], 0, "l")
    if dt.kind in "iu" and all(isinstance(v, int) for v in vals):
        return cast(i * step + start, dt)
    return cast(cast(i, _np.float64) * float(step) + float(start), dt)


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    num = _index(num)
    if num < 0:
        raise ValueError(f"Number of samples, {num}, must be non-negative.")
    a, b = operand(start), operand(stop)
    rdt = _np.result_type(a.dtype if isinstance(start, Var) else _np.asarray(start),
                          b.dtype if isinstance(stop, Var) else _np.asarray(stop), float(num))
    a, b = cast(a, rdt), cast(b, rdt)
    div = (num - 1) if endpoint else num
    delta = b - a
    shp = list(_np.broadcast_shapes(a.shape, b.shape))
    i = cast(_C.reshape(_C.iota([num], 0, "l"), [num] + [1] * len(shp)), rdt)
    if div > 0:
        step = delta / div
        y = i * step + a
    else:
        step = delta * float("nan")
        y = i * delta + a
    if endpoint and num > 1:
        last = _C.reshape(_C.iota([num], 0, "l") == (num - 1), [num] + [1] * len(shp))
        y = _C.where(last, b, y)
    if axis != 0:
        from ._shape import moveaxis
        y = moveaxis(y, 0, axis)
    if dtype is not None:
        dt = _np.dtype(dtype)
        if dt.kind in "iu":
            from ._ufuncs import floor
            y = floor(y)
        y = cast(y, dt)
    return (y, step) if retstep else y


def logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    y = linspace(start, stop, num=num, endpoint=endpoint, axis=axis)
    from ._ufuncs import power
    r = power(base, y)
    return cast(r, dtype) if dtype is not None else r


def eye(N, M=None, k=0, dtype=float, order="C", *, device=None):
    M = N if M is None else M
    rows = _C.iota([_index(N), _index(M)], 0, "l")
    cols = _C.iota([_index(N), _index(M)], 1, "l")
    return cast(rows + _index(k) == cols, dtype)


def identity(n, dtype=float):
    return eye(n, dtype=dtype)


def tri(N, M=None, k=0, dtype=float):
    M = N if M is None else M
    rows = _C.iota([_index(N), _index(M)], 0, "l")
    cols = _C.iota([_index(N), _index(M)], 1, "l")
    return cast(cols <= rows + _index(k), dtype)


def from_dlpack(x, /, *, device=None, copy=None):
    return _asarray(_np.from_dlpack(x))


def frombuffer(buffer, dtype=float, count=-1, offset=0):
    return _asarray(_np.frombuffer(buffer, dtype=dtype, count=count, offset=offset))
