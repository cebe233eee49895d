"""Reductions and scans. sum/prod/max/min/argmax/argmin/cumsum/cumprod are engine ops; the rest
(mean, var, std, any, all, ...) are composed from them and fuse like any other graph."""
import builtins

import numpy as _np

from .. import _C
from .._tensor import OPS, operand, cast
import functools

from ._ufuncs import sqrt, store

__all__ = ["sum", "prod", "max", "min", "amax", "amin", "argmax", "argmin", "mean", "var", "std", "any", "all",
           "cumsum", "cumprod", "ptp", "count_nonzero", "average"]


def _axes(axis, ndim, allow_0d=True):
    if axis is None:
        return list(range(ndim))
    axes = [_index(a) for a in axis] if isinstance(axis, (tuple, list)) else [_index(axis)]
    if ndim == 0 and allow_0d and builtins.all(a in (0, -1) for a in axes):  # numpy's ufunc reductions allow it
        return []
    for a in axes:
        if not -ndim <= a < builtins.max(ndim, 0) or ndim == 0:
            raise _np.exceptions.AxisError(f"axis {a} is out of bounds for array of dimension {ndim}")
    return axes


def _index(a):
    try:
        return int(a.__index__())
    except AttributeError:
        raise TypeError(f"'{type(a).__name__}' object cannot be interpreted as an integer") from None


def _acc_dtype(x, dtype):
    if dtype is not None:
        return _np.dtype(dtype)
    k = x.dtype.kind
    return _np.dtype(_np.int64) if k in "bi" else _np.dtype(_np.uint64) if k == "u" else x.dtype


def _no_out(name, out, kw):
    if out is not None:  # out= by keyword is handled by _writes_out below
        raise TypeError(f"{name}: pass out= by keyword")
    for k, v in kw.items():
        if not (k == "where" and v is True) and not (k == "initial" and v is _np._NoValue):
            raise TypeError(f"{name}() got an unexpected keyword argument '{k}'")


def sum(a, axis=None, dtype=None, out=None, keepdims=False, **kw):  # noqa: A001
    _no_out("sum", out, kw)
    x = operand(a)
    x = cast(x, _acc_dtype(x, dtype))
    return _C.reduce(OPS["sum"], x, _axes(axis, x.ndim), bool(keepdims))


def prod(a, axis=None, dtype=None, out=None, keepdims=False, **kw):
    _no_out("prod", out, kw)
    x = operand(a)
    x = cast(x, _acc_dtype(x, dtype))
    return _C.reduce(OPS["prod"], x, _axes(axis, x.ndim), bool(keepdims))


def max(a, axis=None, out=None, keepdims=False, **kw):  # noqa: A001
    _no_out("max", out, kw)
    x = operand(a)
    return _C.reduce(OPS["max"], x, _axes(axis, x.ndim), bool(keepdims))


def min(a, axis=None, out=None, keepdims=False, **kw):  # noqa: A001
    _no_out("min", out, kw)
    x = operand(a)
    return _C.reduce(OPS["min"], x, _axes(axis, x.ndim), bool(keepdims))


amax, amin = max, min


def _arg(op, a, axis, keepdims):
    x = operand(a)
    if isinstance(axis, (tuple, list)):
        raise TypeError(f"'{type(axis).__name__}' object cannot be interpreted as an integer")
    if axis is None:
        r = _C.reduce(OPS[op], x, list(range(x.ndim)), False)
        return _C.reshape(r, [1] * x.ndim) if keepdims else r
    axes = _axes(axis, x.ndim)
    if not axes:  # a 0-d array: its only index
        return _C.reduce(OPS[op], _C.reshape(x, [1]), [0], False)
    return _C.reduce(OPS[op], x, axes, bool(keepdims))


def argmax(a, axis=None, out=None, *, keepdims=False):
    _no_out("argmax", out, {})
    return _arg("argmax", a, axis, keepdims)


def argmin(a, axis=None, out=None, *, keepdims=False):
    _no_out("argmin", out, {})
    return _arg("argmin", a, axis, keepdims)


def _count(x, axis):
    n = 1
    for ax in _axes(axis, x.ndim, allow_0d=False):
        n *= x.shape[ax if ax >= 0 else ax + x.ndim] if -x.ndim <= ax < x.ndim else 1
    return n


def _float_dtype(x, dtype):
    if dtype is not None:
        return _np.dtype(dtype)
    return x.dtype if x.dtype.kind == "f" else _np.dtype(_np.float64)


def mean(a, axis=None, dtype=None, out=None, keepdims=False, **kw):
    _no_out("mean", out, kw)
    x = operand(a)
    _count(x, axis)  # mean's axis check is numpy's strict one (no axis=0 on a 0-d array)
    rdt = _float_dtype(x, dtype)
    acc = _np.dtype(_np.float32) if rdt == _np.float16 else rdt  # numpy sums float16 in float32
    s = _C.reduce(OPS["sum"], cast(x, acc), _axes(axis, x.ndim), bool(keepdims))
    return cast(s / _count(x, axis), rdt)


def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, **kw):
    _no_out("var", out, kw)
    x = operand(a)
    _count(x, axis)
    rdt = _float_dtype(x, dtype)
    acc = _np.dtype(_np.float32) if rdt == _np.float16 else rdt
    xf = cast(x, acc)
    axes = _axes(axis, x.ndim)
    m = _C.reduce(OPS["sum"], xf, axes, True) / _count(x, axis)
    d = xf - m
    return cast(_C.reduce(OPS["sum"], d * d, axes, bool(keepdims)) / builtins.max(_count(x, axis) - ddof, 0), rdt)


def std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, **kw):
    return sqrt(var(a, axis=axis, dtype=dtype, out=out, ddof=ddof, keepdims=keepdims, **kw))


def any(a, axis=None, out=None, keepdims=False, **kw):  # noqa: A001
    _no_out("any", out, kw)
    x = cast(operand(a), bool)
    return _C.reduce(OPS["max"], x, _axes(axis, x.ndim), bool(keepdims)) if x.size else \
        _C.cast(_C.reduce(OPS["sum"], cast(x, _np.int64), _axes(axis, x.ndim), bool(keepdims)), "?")


def all(a, axis=None, out=None, keepdims=False, **kw):  # noqa: A001
    _no_out("all", out, kw)
    x = cast(operand(a), bool)
    if x.size:
        return _C.reduce(OPS["min"], x, _axes(axis, x.ndim), bool(keepdims))
    return _C.reduce(OPS["sum"], cast(x, _np.int64), _axes(axis, x.ndim), bool(keepdims)) == 0


def ptp(a, axis=None, out=None, keepdims=False):
    return max(a, axis, out, keepdims) - min(a, axis, out, keepdims)


def count_nonzero(a, axis=None, *, keepdims=False):
    return sum(cast(operand(a), bool), axis=axis, dtype=_np.int64, keepdims=keepdims)


def average(a, axis=None, weights=None, returned=False, *, keepdims=False):
    if weights is None:
        r = mean(a, axis=axis, keepdims=keepdims)
        n = _count(operand(a), axis)
        return (r, cast(operand(float(n)), r.dtype) + r * 0) if returned else r
    x, w = operand(a), operand(weights)
    if w.shape != x.shape:
        if axis is None:
            raise TypeError("Axis must be specified when shapes of a and weights differ.")
        if w.ndim != 1:
            raise TypeError("1D weights expected when shapes of a and weights differ.")
        ax = _axes(axis, x.ndim)
        if len(ax) != 1 or w.shape[0] != x.shape[ax[0]]:
            raise ValueError("Length of weights not compatible with specified axis.")
        w = _C.reshape(w, [w.shape[0] if d == ax[0] % x.ndim else 1 for d in range(x.ndim)])
        w = _C.expand(w, list(x.shape))
    sw = sum(w, axis=axis, keepdims=keepdims)
    r = sum(x * w, axis=axis, keepdims=keepdims) / sw
    return (r, sw + r * 0) if returned else r


def _scan(op, a, axis, dtype):
    x = operand(a)
    if axis is None or x.ndim == 0:
        x = _C.reshape(x, [-1])
        axis = 0 if axis is None else (_axes(axis, 0), 0)[1]
    x = cast(x, _acc_dtype(x, dtype))
    return _C.scan(OPS[op], x, _index(axis))


def cumsum(a, axis=None, dtype=None, out=None):
    _no_out("cumsum", out, {})
    return _scan("cumsum", a, axis, dtype)


def cumprod(a, axis=None, dtype=None, out=None):
    _no_out("cumprod", out, {})
    return _scan("cumprod", a, axis, dtype)


def _writes_out(f, casting):
    """numpy's out= for a reduction: the result cast into `out` ('unsafe' as numpy's reductions do; the
    index reductions want an int64 out)."""
    @functools.wraps(f)
    def g(*args, out=None, **kw):
        r = f(*args, **kw)
        return r if out is None else store(r, out, casting)
    return g


for _f in (sum, prod, max, min, mean, var, std, any, all, ptp, cumsum, cumprod):
    globals()[_f.__name__] = _writes_out(_f, "unsafe")
for _f in (argmax, argmin):
    globals()[_f.__name__] = _writes_out(_f, "equiv")
amax, amin = max, min
