"""More of numpy's index helpers: diagonals, triangle indices, flat <-> multi-index conversion, select,
extract and the in-place writers (place, putmask, fill_diagonal), composed from indexing and lazy ops."""
import numpy as _np

from .. import _C
from .._tensor import operand, cast, _export
from ._reductions import _index
from ._shape import reshape, broadcast_arrays, broadcast_to
from ._select import nonzero, diagonal, put, _int_indices, _mutable
from . import _fancy

__all__ = ["diag", "diagflat", "tril_indices", "triu_indices", "diag_indices", "unravel_index", "ravel_multi_index",
           "select", "extract", "place", "putmask", "fill_diagonal"]


def diag(v, k=0):
    x = operand(v)
    k = _index(k)
    if x.ndim == 2:
        return diagonal(x, k)
    if x.ndim != 1:
        raise ValueError("Input must be 1- or 2-d.")
    n = x.shape[0] + abs(k)
    i = _np.arange(x.shape[0], dtype=_np.int64)
    from ._creation import zeros
    return _fancy.setitem(zeros((n, n), x.dtype), (i + max(-k, 0), i + max(k, 0)), x)


def diagflat(v, k=0):
    return diag(reshape(operand(v), -1), k)


def _tri_bool(n, m, k):
    rows = _C.iota([n, m], 0, "l")
    cols = _C.iota([n, m], 1, "l")
    return cols <= rows + k


def tril_indices(n, k=0, m=None):
    n, k = _index(n), _index(k)
    return nonzero(_tri_bool(n, n if m is None else _index(m), k))


def triu_indices(n, k=0, m=None):
    n, k = _index(n), _index(k)
    return nonzero(_tri_bool(n, n if m is None else _index(m), k - 1) == False)  # noqa: E712 (elementwise)


def diag_indices(n, ndim=2):
    i = _C.iota([_index(n)], 0, "l")
    return (i,) * _index(ndim)


def _dims(shape):
    dims = [_index(d) for d in (shape if isinstance(shape, (tuple, list)) else (shape,))]
    if any(d < 0 for d in dims):
        raise ValueError("dimensions must be non-negative")
    return dims


def unravel_index(indices, shape, order="C"):
    if order not in ("C", "F"):
        raise ValueError("only 'C' or 'F' order is permitted")
    dims = _dims(shape)
    idx = _int_indices(indices)
    size = int(_np.prod(dims, dtype=_np.int64))
    if idx.size:
        lo, hi = int(idx.min()), int(idx.max())
        bad = lo if lo < 0 else hi if hi >= size else None
        if bad is not None:
            raise ValueError(f"index {bad} is out of bounds for array with size {size}")
    flat = operand(idx)
    out, stride = [], 1
    for d in (reversed(dims) if order == "C" else dims):  # lazily: (flat // stride) % d per dim
        out.append((flat // stride) % d if d else flat)
        stride *= d
    return tuple(reversed(out)) if order == "C" else tuple(out)


def ravel_multi_index(multi_index, dims, mode="raise", order="C"):
    if order not in ("C", "F"):
        raise ValueError("only 'C' or 'F' order is permitted")
    ds = _dims(dims)
    coords = [_int_indices(c) for c in multi_index]
    if len(coords) != len(ds):
        raise ValueError(f"parameter multi_index must be a sequence of length {len(ds)}")
    modes = list(mode) if isinstance(mode, (tuple, list)) else [mode] * len(ds)
    strides, s = [], 1
    for d in (reversed(ds) if order == "C" else ds):
        strides.append(s)
        s *= d
    if order == "C":
        strides.reverse()
    total = None
    for c, d, st, md in zip(broadcast_arrays(*[operand(c) for c in coords]), ds, strides, modes):
        if md == "raise":
            cv = _export(c)
            if cv.size and (cv.min() < 0 or cv.max() >= d):
                raise ValueError("invalid entry in coordinates array")
        elif md == "wrap":
            c = c % d
        elif md == "clip":
            c = _C.where(c < 0, _C.scalar_int(0), _C.where(c >= d, _C.scalar_int(d - 1), c))
        else:
            raise ValueError(f"clipmode must be one of 'clip', 'raise', or 'wrap' (got '{md}')")
        term = c * st
        total = term if total is None else total + term
    return cast(total, _np.int64)


def select(condlist, choicelist, default=0):
    if len(condlist) != len(choicelist):
        raise ValueError("list of cases must be same length as list of conditions")
    if len(choicelist) == 0:
        raise ValueError("select with an empty condition list is not possible")
    conds = [operand(c) for c in condlist]
    for i, c in enumerate(conds):
        if c._dtype_char != "?":
            raise TypeError(f"invalid entry {i} in condlist: should be boolean ndarray")
    choices = [operand(c) for c in choicelist]
    dflt = operand(default)
    def kind(v, op):  # Python numbers stay weak in numpy's promotion
        return v if isinstance(v, (int, float, bool)) else op.dtype
    dt = _np.result_type(*[kind(v, c) for v, c in zip(choicelist, choices)], kind(default, dflt))
    r = cast(dflt, dt)
    for c, v in zip(reversed(conds), reversed(choices)):  # the first true condition wins
        r = _C.where(c, cast(v, dt), r)
    shape = _np.broadcast_shapes(*[c.shape for c in conds], *[c.shape for c in choices], dflt.shape)
    return broadcast_to(r, shape)


def extract(condition, arr):
    c = reshape(cast(operand(condition), bool), -1)
    return _fancy.getitem(reshape(operand(arr), -1), (_export(c),))


def place(arr, mask, vals):
    """In place, as numpy's: masked positions take vals in order, repeated as needed."""
    x = _mutable(arr, "place")
    m = reshape(cast(operand(mask), bool), -1)
    if m.shape[0] != x.size:
        raise ValueError("place: mask and data must be the same size")
    k = int(_export(m).sum())
    v = reshape(operand(vals), -1)
    if k == 0:
        return None
    if v.shape[0] == 0:
        raise ValueError("Cannot insert from an empty array!")
    v = _fancy.getitem(cast(v, x.dtype), (_np.arange(k, dtype=_np.int64) % v.shape[0],))
    x._rebind(reshape(_fancy.setitem(reshape(x, -1), (_export(m),), v), x.shape))
    return None


def putmask(a, mask, values):
    """In place, as numpy's: a.flat[n] = values[n % len(values)] where mask.flat[n]."""
    x = _mutable(a, "putmask")
    m = reshape(cast(operand(mask), bool), -1)
    if m.shape[0] != x.size:
        raise ValueError("putmask: mask and data must be the same size")
    v = reshape(cast(operand(values), x.dtype), -1)
    if v.shape[0] == 0:
        return None
    mk = _export(m)
    pos = _C.np7_flatnonzero(mk) % v.shape[0] if v.shape[0] != x.size else None
    vals = _fancy.getitem(v, (mk,)) if pos is None else _fancy.getitem(v, (pos,))
    x._rebind(reshape(_fancy.setitem(reshape(x, -1), (mk,), vals), x.shape))
    return None


def fill_diagonal(a, val, wrap=False):
    x = _mutable(a, "fill_diagonal")
    if x.ndim < 2:
        raise ValueError("array must be at least 2-d")
    if x.ndim == 2:
        step = x.shape[1] + 1
        end = x.size if wrap else min(x.size, x.shape[1] * x.shape[1])
    else:
        if len(set(x.shape)) != 1:
            raise ValueError("All dimensions of input must be of equal length")
        step = 1 + int(_np.cumprod(x.shape[:-1]).sum())
        end = x.size
    pos = _np.arange(0, end, step, dtype=_np.int64)
    if pos.size:
        put(x, pos, val)
    return None
