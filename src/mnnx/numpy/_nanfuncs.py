"""The nan-ignoring reductions, composed as numpy defines them: NaNs replaced by the operation's
identity, counts of the others where a mean needs them. Integer arrays have no NaNs: plain reductions."""
import numpy as _np

from .. import _C
from .._tensor import operand, cast, _export
from . import _reductions as R
from ._ufuncs import isnan, where

__all__ = ["nansum", "nanprod", "nanmean", "nanvar", "nanstd", "nanmax", "nanmin", "nanargmax", "nanargmin",
           "nancumsum", "nancumprod"]


def _replace(a, value):
    """(a with NaNs replaced by value, the NaN mask or None for non-float arrays)."""
    x = operand(a)
    if x.dtype.kind != "f":
        return x, None
    m = isnan(x)
    return where(m, _C.cast(operand(value), x._dtype_char), x), m


def nansum(a, axis=None, dtype=None, out=None, keepdims=False, **kw):
    return R.sum(_replace(a, 0)[0], axis=axis, dtype=dtype, out=out, keepdims=keepdims, **kw)


def nanprod(a, axis=None, dtype=None, out=None, keepdims=False, **kw):
    return R.prod(_replace(a, 1)[0], axis=axis, dtype=dtype, out=out, keepdims=keepdims, **kw)


def nancumsum(a, axis=None, dtype=None, out=None):
    return R.cumsum(_replace(a, 0)[0], axis=axis, dtype=dtype, out=out)


def nancumprod(a, axis=None, dtype=None, out=None):
    return R.cumprod(_replace(a, 1)[0], axis=axis, dtype=dtype, out=out)


def nanmean(a, axis=None, dtype=None, out=None, keepdims=False, **kw):
    x, m = _replace(a, 0)
    if m is None:
        return R.mean(x, axis=axis, dtype=dtype, out=out, keepdims=keepdims, **kw)
    cnt = R.sum(m == False, axis=axis, keepdims=keepdims)  # noqa: E712
    tot = R.sum(x, axis=axis, dtype=dtype, out=out, keepdims=keepdims, **kw)
    return cast(tot / cnt, tot.dtype)  # numpy divides in place: the sum's type


def nanvar(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, **kw):
    x, m = _replace(a, 0)
    if m is None:
        return R.var(x, axis=axis, dtype=dtype, out=out, ddof=ddof, keepdims=keepdims, **kw)
    cnt = R.sum(m == False, axis=axis, keepdims=True)  # noqa: E712
    tot = R.sum(x, axis=axis, dtype=dtype, keepdims=True)
    avg = cast(tot / cnt, tot.dtype)
    d = where(m, _C.cast(operand(0), (x - avg)._dtype_char), x - avg)
    var = R.sum(d * d, axis=axis, dtype=dtype, keepdims=keepdims)
    dof = R.sum(m == False, axis=axis, keepdims=keepdims) - ddof  # noqa: E712
    return where(dof <= 0, _np.nan, cast(var / dof, var.dtype))


def nanstd(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, **kw):
    from ._ufuncs import sqrt
    return sqrt(nanvar(a, axis=axis, dtype=dtype, out=out, ddof=ddof, keepdims=keepdims, **kw))


def _nan_extreme(red, fill, a, axis, out, keepdims, kw):
    x, m = _replace(a, fill)
    r = red(x, axis=axis, out=out, keepdims=keepdims, **kw)
    if m is None:
        return r
    return where(R.all(m, axis=axis, keepdims=keepdims), _np.nan, r)  # all-NaN slices stay NaN


def nanmax(a, axis=None, out=None, keepdims=False, **kw):
    return _nan_extreme(R.max, -_np.inf, a, axis, out, keepdims, kw)


def nanmin(a, axis=None, out=None, keepdims=False, **kw):
    return _nan_extreme(R.min, _np.inf, a, axis, out, keepdims, kw)


def _nan_arg(red, fill, a, axis, out, keepdims):
    x, m = _replace(a, fill)
    if m is not None and m.size and bool(_export(R.any(R.all(m, axis=axis)))):
        raise ValueError("All-NaN slice encountered")
    return red(x, axis=axis, out=out, keepdims=keepdims)


def nanargmax(a, axis=None, out=None, *, keepdims=False):
    return _nan_arg(R.argmax, -_np.inf, a, axis, out, keepdims)


def nanargmin(a, axis=None, out=None, *, keepdims=False):
    return _nan_arg(R.argmin, _np.inf, a, axis, out, keepdims)
