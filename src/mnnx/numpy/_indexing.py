"""Basic indexing: integers, slices (negative steps too), None and Ellipsis become one strided
view that shares x's data (_alias); assignment through them builds a new node (x with the region
replaced) that x is rebound to. Keys with integer arrays or booleans go to _fancy."""
import numpy as _np

from .. import _C
from .._tensor import Var, operand
from . import _alias, _fancy


def _parse(x, key):
    """-> (start, step, length) per dim of x, and the result shape (ints dropped, None added)."""
    if not isinstance(key, tuple):
        key = (key,)
    n_real = sum(1 for k in key if k is not None and k is not Ellipsis)
    if sum(1 for k in key if k is Ellipsis) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    if n_real > x.ndim:
        raise IndexError(f"too many indices for array: array is {x.ndim}-dimensional, but {n_real} were indexed")
    expanded = []
    for k in key:
        if k is Ellipsis:
            expanded += [slice(None)] * (x.ndim - n_real)
        else:
            expanded.append(k)
    if Ellipsis not in key:
        expanded += [slice(None)] * (x.ndim - n_real)
    start, step, length, out_shape = [], [], [], []
    d = 0
    for k in expanded:
        if k is None:
            out_shape.append(1)
            continue
        n = x.shape[d]
        if isinstance(k, slice):
            b, e, s = k.indices(n)
            ln = len(range(b, e, s))
            start.append(b if ln else 0)
            step.append(s)
            length.append(ln)
            out_shape.append(ln)
        else:
            try:
                i = k.__index__()
            except AttributeError:
                raise IndexError("only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) and "
                                 "integer or boolean arrays are valid indices") from None
            if not -n <= i < n:
                raise IndexError(f"index {i} is out of bounds for axis {d} with size {n}")
            start.append(i + n if i < 0 else i)
            step.append(1)
            length.append(1)
        d += 1
    return start, step, length, out_shape


def _is_scalar_key(x, key):
    """numpy gives a scalar (a copy), not a view, when every dim gets an integer."""
    key = key if isinstance(key, tuple) else (key,)
    return len(key) == x.ndim and not any(k is None or k is Ellipsis or isinstance(k, slice) for k in key)


def getitem(x, key):
    if _fancy.is_advanced(key):
        return _fancy.getitem(x, key)
    start, step, length, out_shape = _parse(x, key)
    if _is_scalar_key(x, key):
        return _C.reshape(_C.slice(x, start, step, length), out_shape)
    return _alias.slice_view(x, start, step, length, out_shape)


def setitem(x, key, value):
    """x with the indexed region replaced, as a new node; the caller rebinds x to it (see _alias)."""
    if _fancy.is_advanced(key):
        return _fancy.setitem(x, key, value)
    start, step, length, out_shape = _parse(x, key)
    if not isinstance(value, Var):  # numpy's checks: 300 into int8 raises, 1.7 into int truncates
        value = _np.asarray(value, dtype=x.dtype) if isinstance(value, (int, float, bool)) else value
    v = operand(value)
    v = _C.reshape(_C.expand(v, out_shape), length) if list(v.shape) != length else v
    return _C.assign(x, v, start, step, length)
