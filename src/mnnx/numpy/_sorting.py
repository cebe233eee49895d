"""Sorting and searching: a native stable radix sort (NaNs last, as numpy) over rows of the sorted
axis moved last; eager, like numpy's."""
import numpy as _np

from .. import _C
from .._tensor import Var, operand, _export
from ._fancy import contig, _new
from ._shape import _norm_axis, moveaxis, reshape

__all__ = ["sort", "argsort", "partition", "argpartition", "searchsorted", "lexsort"]

_KINDS = (None, "quicksort", "mergesort", "heapsort", "stable")


def _check_kind(kind, order):
    if kind not in _KINDS:
        raise ValueError(f"sort kind must be one of 'quick', 'heap', or 'stable' (got '{kind}')")
    if order is not None:
        raise ValueError("Cannot specify order when the array has no fields.")


def _rows(a, axis):
    """(x with the axis moved last as a contiguous numpy array, the axis, x) for a sort along axis."""
    x = operand(a)
    if axis is None:
        x, ax = reshape(x, -1), 0
    else:
        if x.ndim == 0:
            raise _np.exceptions.AxisError(f"axis {axis} is out of bounds for array of dimension 0")
        ax = _norm_axis(axis, x.ndim)
    y = moveaxis(x, ax, -1) if ax != x.ndim - 1 else x
    return y, ax, x


def _back(r, ax, ndim):
    return moveaxis(r, -1, ax) if ax != ndim - 1 else r


def sort(a, axis=-1, kind=None, order=None, *, stable=None):
    _check_kind(kind, order)
    y, ax, x = _rows(a, axis)
    r, arr = _new(y.shape, y)  # a private copy, sorted in place
    _np.copyto(arr, _export(y))
    n = arr.shape[-1] if arr.ndim else 1
    if arr.size:
        _C.np7_sort(y._dtype_char, arr.reshape(-1), arr.size // n, n)
    return _back(r, ax, x.ndim)


def argsort(a, axis=-1, kind=None, order=None, *, stable=None):
    _check_kind(kind, order)
    y, ax, x = _rows(a, axis)
    arr = contig(_export(y))
    n = arr.shape[-1] if arr.ndim else 1
    r = _C.np7_empty(list(arr.shape), "l")
    if arr.size:
        _C.np7_argsort(y._dtype_char, arr.reshape(-1), arr.size // n, n, r._numpy(True).reshape(-1))
    return _back(r, ax, x.ndim)


def _kth(kth, n):
    """kth as sorted non-negative positions; numpy's errors."""
    ks = _np.asarray(_export(kth) if isinstance(kth, Var) else kth)
    if ks.dtype.kind not in "iu":
        raise TypeError("Partition index must be integer")
    if ks.ndim > 1:
        raise ValueError("kth array must have dimension <= 1")
    out = []
    for k in ks.reshape(-1).tolist():
        if not -n <= k < n:
            raise ValueError(f"kth(={k}) out of bounds ({n})")
        out.append(k + n if k < 0 else k)
    return sorted(out)


def _check_partition_kind(kind, order):
    if kind != "introselect":
        raise ValueError(f"partition kind must be 'introselect' (got '{kind}')")
    if order is not None:
        raise ValueError("Cannot specify order when the array has no fields.")


def partition(a, kth, axis=-1, kind="introselect", order=None):
    """numpy's contract: each kth element in its sorted place, none larger before it, none smaller
    after (introselect per row; the order inside the parts is unspecified, as in numpy)."""
    _check_partition_kind(kind, order)
    y, ax, x = _rows(a, axis)
    ks = _kth(kth, y.shape[-1] if y.ndim else 1)
    r, arr = _new(y.shape, y)
    _np.copyto(arr, _export(y))
    n = arr.shape[-1] if arr.ndim else 1
    if arr.size:
        _C.np7_partition(y._dtype_char, arr.reshape(-1), arr.size // n, n, ks)
    return _back(r, ax, x.ndim)


def argpartition(a, kth, axis=-1, kind="introselect", order=None):
    _check_partition_kind(kind, order)
    y, ax, x = _rows(a, axis)
    ks = _kth(kth, y.shape[-1] if y.ndim else 1)
    arr = contig(_export(y))
    n = arr.shape[-1] if arr.ndim else 1
    r = _C.np7_empty(list(arr.shape), "l")
    if arr.size:
        _C.np7_argpartition(y._dtype_char, arr.reshape(-1), arr.size // n, n, ks, r._numpy(True).reshape(-1))
    return _back(r, ax, x.ndim)


def searchsorted(a, v, side="left", sorter=None):
    if side not in ("left", "right"):
        raise ValueError(f"side must be 'left' or 'right' (got {side!r})")
    xa, xv = operand(a), operand(v)
    if xa.ndim != 1:
        raise ValueError("object too deep for desired array" if xa.ndim > 1 else "object of too small depth for desired array")
    dt = _C.result_type(xa, xv)
    sa = contig(_export(_C.cast(xa, dt)))
    sv = contig(_export(_C.cast(xv, dt)))
    perm = None
    if sorter is not None:
        perm = contig(_np.asarray(_export(sorter) if isinstance(sorter, Var) else sorter))
        if perm.dtype.kind not in "iu":
            raise TypeError("sorter must only contain integers")
        perm = perm.astype(_np.int64, copy=False)
        if perm.shape != sa.shape:
            raise ValueError("sorter.size must equal a.size")
    out = _np.empty(sv.shape, _np.int64)
    _C.np7_searchsorted(dt, sa, perm, sv.reshape(-1), side == "right", out.reshape(-1))
    return _C.from_array(out)


def lexsort(keys, axis=-1):
    """Stable argsorts from the least significant key (the first) to the most (the last)."""
    if isinstance(keys, (Var, _np.ndarray)):
        ks = [keys[i] for i in range(keys.shape[0])] if keys.ndim > 1 else [keys]
        if keys.ndim == 0:
            raise TypeError("need sequence of keys with len > 0 in lexsort")
    else:
        ks = list(keys)
    if not ks:
        raise TypeError("need sequence of keys with len > 0 in lexsort")
    ks = [operand(k) for k in ks]
    shape = ks[0].shape
    if any(k.shape != shape for k in ks):
        raise ValueError("all keys need to be the same shape")
    if len(shape) == 0:
        return _C.full_int(0, [], "l")
    ax = _norm_axis(axis, len(shape))
    from ._select import take_along_axis
    idx = argsort(ks[0], axis=ax)
    for k in ks[1:]:
        idx = take_along_axis(idx, argsort(take_along_axis(k, idx, ax), axis=ax), ax)
    return idx

