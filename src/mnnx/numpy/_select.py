"""Index-producing and index-consuming functions: take/put and friends, nonzero, diagonals, triangles,
grids. They are advanced indexing (see _fancy), native nonzero, or lazy compositions of views and iota."""
import builtins

import numpy as _np

from .. import _C
from .._tensor import Var, operand, cast, _export
from ._fancy import contig
from ._reductions import _index, sum as _sum
from ._shape import _norm_axis, moveaxis, reshape, broadcast_arrays, stack, broadcast_to
from . import _alias, _fancy
from ._ufuncs import store

__all__ = ["take", "take_along_axis", "put", "put_along_axis", "choose", "compress", "nonzero", "argwhere",
           "flatnonzero", "diagonal", "trace", "tril", "triu", "meshgrid", "indices", "ix_"]


def _int_indices(indices, name="indices"):
    arr = _export(indices) if isinstance(indices, Var) else _np.asarray(indices)
    if arr.size == 0 and arr.dtype.kind == "f":
        arr = arr.astype(_np.int64)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"Cannot cast array data from {arr.dtype!r} to dtype('int64') according to the rule 'safe'")
    return arr.astype(_np.int64, copy=False)


def _mode_indices(idx, n, mode):
    if mode == "raise":
        return idx
    if n == 0 and idx.size:
        raise IndexError("cannot do a non-empty take from an empty axes.")
    if mode == "wrap":
        return _export(operand(idx) % n) if n else idx
    if mode == "clip":
        return _export(_C.where(operand(idx) < 0, _C.scalar_int(0), _C.where(operand(idx) >= n, _C.scalar_int(n - 1), operand(idx))))
    raise ValueError(f"clipmode must be one of 'clip', 'raise', or 'wrap' (got '{mode}')")


def take(a, indices, axis=None, out=None, mode="raise"):
    if out is not None:
        return store(take(a, indices, axis, mode=mode), out, "unsafe")
    x = operand(a)
    if axis is None:
        x, ax = reshape(x, -1), 0
    else:
        ax = _norm_axis(axis, x.ndim)
    raw = _int_indices(indices)
    out_shape = list(x.shape[:ax]) + list(raw.shape) + list(x.shape[ax + 1:])
    if int(_np.prod(x.shape[:ax], dtype=_np.int64)) == 0:  # numpy's loop over the outer dims checks nothing
        return _C.full_int(0, out_shape, "l").astype(x.dtype)
    if x.shape[ax] == 0 and int(_np.prod(out_shape, dtype=_np.int64)):
        raise IndexError("cannot do a non-empty take from an empty axes.")
    idx = _mode_indices(raw, x.shape[ax], mode)
    if idx.ndim == 0:
        return x[(slice(None),) * ax + (int(idx),)]
    return _fancy.getitem(x, (slice(None),) * ax + (idx,))


def _along_axis_key(arr, indices, axis):
    idx = _int_indices(indices)
    if idx.ndim != arr.ndim:
        raise ValueError("`indices` and `arr` must have the same number of dimensions")
    shape = _np.broadcast_shapes(tuple(d if i != axis else 1 for i, d in enumerate(arr.shape)),
                                 tuple(d if i != axis else 1 for i, d in enumerate(idx.shape)))
    key = []
    for d in range(arr.ndim):
        if d == axis:
            key.append(idx)
        else:
            n = shape[d]
            key.append(_np.arange(n, dtype=_np.int64).reshape([n if i == d else 1 for i in range(arr.ndim)]))
    return tuple(key)


def take_along_axis(arr, indices, axis=-1):
    x = operand(arr)
    if axis is None:
        x, axis = reshape(x, -1), 0
    ax = _norm_axis(axis, x.ndim)
    return _fancy.getitem(x, _along_axis_key(x, indices, ax))


def _mutable(a, name):
    if not isinstance(a, Var):
        raise TypeError(f"{name}() argument 1 must be mnnx.numpy.ndarray, not {type(a).__name__}")
    return a


def put(a, ind, v, mode="raise"):
    """In place, as numpy's: the array (a Var) is rebound to the updated value."""
    x = _mutable(a, "put")
    flat = reshape(x, -1)
    idx = _mode_indices(_int_indices(ind).reshape(-1), flat.shape[0], mode)
    vals = reshape(operand(v), -1)
    if idx.size == 0:
        return None
    if vals.shape[0] == 0:
        raise ValueError("cannot put empty values into a non-empty index")
    if vals.shape[0] != idx.size:  # numpy repeats v cyclically
        vals = _fancy.getitem(vals, (_np.arange(idx.size, dtype=_np.int64) % vals.shape[0],))
    x._rebind(reshape(_fancy.setitem(flat, (idx,), vals), x.shape))
    return None


def put_along_axis(arr, indices, values, axis):
    x = _mutable(arr, "put_along_axis")
    if axis is None:
        flat = reshape(x, -1)
        x._rebind(reshape(_fancy.setitem(flat, _along_axis_key(flat, indices, 0), values), x.shape))
        return None
    ax = _norm_axis(axis, x.ndim)
    x._rebind(_fancy.setitem(x, _along_axis_key(x, indices, ax), values))
    return None


def choose(a, choices, out=None, mode="raise"):
    if out is not None:
        raise TypeError("choose: out= is not supported by mnnx")
    cs = [operand(c) for c in (choices if not isinstance(choices, Var) else [choices[i] for i in range(choices.shape[0])])]
    if not cs:
        raise ValueError("0-length sequence.")
    idx = _int_indices(a)
    n = len(cs)
    if mode == "raise":
        if idx.size and (idx.min() < 0 or idx.max() >= n):
            raise ValueError("invalid entry in choice array")
    elif mode == "wrap":
        idx = _export(operand(idx) % n)
    elif mode == "clip":
        idx = _mode_indices(idx, n, "clip")
    else:
        raise ValueError(f"clipmode must be one of 'clip', 'raise', or 'wrap' (got '{mode}')")
    dt = _np.result_type(*[c.dtype for c in cs])
    iv = operand(idx)
    r = cast(cs[-1], dt)
    for k in range(n - 2, -1, -1):  # a chain of selects: lazy, fused into one pass
        r = _C.where(iv == k, cast(cs[k], dt), r)
    return broadcast_to(r, _np.broadcast_shapes(iv.shape, *[c.shape for c in cs]))


def compress(condition, a, axis=None, out=None):
    if out is not None:
        raise TypeError("compress: out= is not supported by mnnx")
    c = _export(cast(operand(condition), bool)) if isinstance(condition, Var) else _np.asarray(condition, dtype=bool)
    if c.ndim != 1:
        raise ValueError("condition must be a 1-d array")
    return take(a, flatnonzero(c), axis=axis)


def flatnonzero(a):
    x = operand(a)
    m = x if x._dtype_char == "?" else x != 0
    return _C.from_array(_C.np7_flatnonzero(contig(_export(reshape(m, -1)))))


def nonzero(a):
    x = operand(a)
    if x.ndim == 0:
        raise ValueError("Calling nonzero on 0d arrays is not allowed. Use np.atleast_1d(scalar).nonzero() instead.")
    flat = flatnonzero(x)
    if x.ndim == 1:
        return (flat,)
    out, stride = [], 1
    for d in reversed(x.shape):  # unravel, lazily: (flat // stride) % d per dim
        out.append((flat // stride) % d if d else flat)
        stride *= d
    return tuple(reversed(out))


def argwhere(a):
    x = operand(a)
    if x.ndim == 0:
        n = int(bool(_export(x != 0)))
        return _C.full_int(0, [n, 0], "l")
    return stack(nonzero(x), axis=1)


def diagonal(a, offset=0, axis1=0, axis2=1):
    """A strided view: the two axes moved last and merged, then every (cols + 1)-th element."""
    x = operand(a)
    if x.ndim < 2:
        raise ValueError("diag requires an array of at least two dimensions")
    a1, a2 = _norm_axis(axis1, x.ndim), _norm_axis(axis2, x.ndim)
    if a1 == a2:
        raise ValueError("axis1 and axis2 cannot be the same")
    offset = _index(offset)
    perm = [d for d in range(x.ndim) if d not in (a1, a2)] + [a1, a2]

    def diag(v):  # raw ops: this also re-derives the view after writes to x
        y = _C.permute(v, perm)
        rows, cols = y.shape[-2], y.shape[-1]
        r0, c0 = (0, offset) if offset >= 0 else (-offset, 0)
        n = builtins.max(0, builtins.min(rows - r0, cols - c0))
        batch = list(y.shape[:-2])
        flat = _C.reshape(y, batch + [rows * cols])
        if n == 0:
            return _C.reshape(_C.slice(flat, [0] * (len(batch) + 1), [1] * (len(batch) + 1), batch + [0]), batch + [0])
        return _C.slice(flat, [0] * len(batch) + [r0 * cols + c0], [1] * len(batch) + [cols + 1], batch + [n])
    return _alias.readonly_view(x, diag)  # numpy's diagonal is a read-only view


def trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    if out is not None:
        return store(trace(a, offset, axis1, axis2, dtype), out, "unsafe")
    return _sum(diagonal(a, offset, axis1, axis2), axis=-1, dtype=dtype)


def _tri_mask(x, k, lower):
    rows, cols = x.shape[-2], x.shape[-1]
    r = _C.iota([rows, cols], 0, "l")
    c = _C.iota([rows, cols], 1, "l")
    return (c <= r + _index(k)) if lower else (c >= r + _index(k))


def _tri(m, k, lower):
    x = operand(m)
    if x.ndim < 2:
        x = broadcast_to(x, (x.shape[0], x.shape[0]) if x.ndim else (1, 1))
    zero = cast(_C.scalar_int(0), x.dtype)
    return _C.where(_tri_mask(x, k, lower), x, zero)


def tril(m, k=0):
    return _tri(m, k, True)


def triu(m, k=0):
    return _tri(m, k, False)


def meshgrid(*xi, copy=True, sparse=False, indexing="xy"):
    if indexing not in ("xy", "ij"):
        raise ValueError("Valid values for `indexing` are 'xy' and 'ij'.")
    xs = [reshape(operand(x), -1) for x in xi]
    nd = len(xs)
    out = []
    for i, x in enumerate(xs):
        shape = [1] * nd
        shape[i] = x.shape[0]
        out.append(reshape(x, shape))
    if indexing == "xy" and nd > 1:
        for i in range(nd):
            s = list(out[i].shape)
            s[0], s[1] = s[1], s[0]
            out[i] = reshape(out[i], s)
    if not sparse:
        out = list(broadcast_arrays(*out))
        if copy:
            out = [_C.copy(o) for o in out]
    return tuple(out)


def indices(dimensions, dtype=int, sparse=False):
    dims = [_index(d) for d in dimensions]
    nd = len(dims)
    if sparse:
        return tuple(cast(_C.iota([d if j == i else 1 for j, d in enumerate(dims)], i, "l"), dtype) for i in range(nd))
    if nd == 0:
        return _C.full_int(0, [0], "l") if _np.dtype(dtype) == _np.int64 else cast(_C.full_int(0, [0], "l"), dtype)
    return stack([cast(_C.iota(dims, i, "l"), dtype) for i in range(nd)])


def ix_(*args):
    out = []
    nd = len(args)
    for k, a in enumerate(args):
        arr = _export(a) if isinstance(a, Var) else _np.asarray(a)
        if arr.size == 0 and arr.dtype.kind == "f" and not isinstance(a, Var):
            arr = arr.astype(_np.int64)
        if arr.ndim != 1:
            raise ValueError("Cross index must be 1 dimensional")
        if arr.dtype == _np.bool_:
            v = flatnonzero(arr)
        else:
            v = operand(arr)
        out.append(reshape(v, [1] * k + [v.shape[0]] + [1] * (nd - k - 1)))
    return tuple(out)
