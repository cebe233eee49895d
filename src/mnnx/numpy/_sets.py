"""unique and the set operations, following numpy's algorithms (sort, compare neighbours, select) on
the native sort and searchsorted, so results, order and dtypes are numpy's."""
from collections import namedtuple

import numpy as _np

from .. import _C
from .._tensor import operand, cast, _export
from ._fancy import contig
from ._reductions import cumsum
from ._shape import _norm_axis, moveaxis, reshape, concatenate
from ._sorting import sort, argsort, searchsorted, lexsort
from ._ufuncs import minimum
from . import _fancy

__all__ = ["unique", "isin", "intersect1d", "union1d", "setdiff1d", "setxor1d", "unique_values", "unique_counts",
           "unique_inverse", "unique_all"]

# numpy 2's (and the Array API's) result types: NaNs are distinct values there (equal_nan=False)
UniqueAllResult = namedtuple("UniqueAllResult", ["values", "indices", "inverse_indices", "counts"])
UniqueCountsResult = namedtuple("UniqueCountsResult", ["values", "counts"])
UniqueInverseResult = namedtuple("UniqueInverseResult", ["values", "inverse_indices"])


def _take(x, idx):
    return _fancy.getitem(x, (idx,))


def _run_starts(s, equal_nan):
    """Starts of the runs of equal values of sorted 1-D s (numpy int64 array)."""
    arr = contig(_export(s))
    starts = _C.np7_run_starts(s._dtype_char, arr)
    if not equal_nan and arr.dtype.kind == "f" and arr.size and _np.isnan(arr[-1]):
        first_nan = int(starts[-1])  # NaNs sort last, in one run: split it into singletons
        starts = _np.concatenate([starts[:-1], _np.arange(first_nan, arr.size, dtype=_np.int64)])
    return starts


def _counts(starts, n):
    ends = _C.from_array(_np.append(starts[1:], _np.int64(n)))
    return ends - _C.from_array(starts)


def _inverse(starts, perm, n):
    """Run number of every element, scattered back through the sort permutation."""
    mark = _fancy.setitem(_C.full_int(0, [n], "l"), (starts,), 1)
    runid = cumsum(mark) - 1
    return _fancy.setitem(_C.full_int(0, [n], "l"), (_export(perm),), runid)


def unique(ar, return_index=False, return_inverse=False, return_counts=False, axis=None, *, equal_nan=True,
           sorted=True):
    x = operand(ar)
    if axis is not None:
        return _unique_axis(x, _norm_axis(axis, x.ndim), return_index, return_inverse, return_counts)
    flat = reshape(x, -1)
    n = flat.shape[0]
    if return_index or return_inverse:
        perm = argsort(flat, kind="stable")  # stable: each run starts at the first occurrence
        s = _take(flat, _export(perm))
    else:
        s = sort(flat)
    starts = _run_starts(s, equal_nan)
    out = [_take(s, starts)]
    if return_index:
        out.append(_take(perm, starts))
    if return_inverse:
        out.append(reshape(_inverse(starts, perm, n), x.shape))
    if return_counts:
        out.append(_counts(starts, n))
    return out[0] if len(out) == 1 else tuple(out)


def _unique_axis(x, ax, return_index, return_inverse, return_counts):
    y = moveaxis(x, ax, 0)
    n = y.shape[0]
    rows = reshape(y, [n, int(_np.prod(y.shape[1:], dtype=_np.int64))])
    if rows.shape[1] == 0 or n == 0:
        starts = _np.zeros(min(n, 1), _np.int64)
        perm = _C.iota([n], 0, "l")
    else:
        cols = [rows[:, j] for j in range(rows.shape[1] - 1, -1, -1)]  # lexsort: the last key is primary
        perm = lexsort(cols)
        srows = _take(rows, _export(perm))
        differs = (srows[1:] != srows[:-1]).any(axis=1)
        starts = _np.concatenate([_np.zeros(1, _np.int64), _export(_fancy.getitem(_C.iota([n - 1], 0, "l"), (differs,))) + 1])
    uniq = moveaxis(_take(y, _export(_take(perm, starts))), 0, ax)
    out = [uniq]
    if return_index:
        out.append(_take(perm, starts))
    if return_inverse:
        out.append(_inverse(starts, perm, n))
    if return_counts:
        out.append(_counts(starts, n))
    return out[0] if len(out) == 1 else tuple(out)


def isin(element, test_elements, assume_unique=False, invert=False, *, kind=None):
    if kind not in (None, "sort", "table"):
        raise ValueError(f"Invalid kind: '{kind}'. Please use None, 'sort' or 'table'.")
    e, t = operand(element), operand(test_elements)
    tu = unique(t)
    k = tu.shape[0]
    if k == 0:
        r = _C.full_int(0, list(e.shape), "?")
    else:
        pos = minimum(searchsorted(tu, e), k - 1)
        r = _fancy.getitem(tu, (_export(pos),)) == e
    return r == False if invert else r  # noqa: E712 (elementwise)


def _neighbours_equal(aux):
    return aux[1:] == aux[:-1]


def intersect1d(ar1, ar2, assume_unique=False, return_indices=False):
    a1, a2 = reshape(operand(ar1), -1), reshape(operand(ar2), -1)
    if not assume_unique:
        if return_indices:
            a1, ind1 = unique(a1, return_index=True)
            a2, ind2 = unique(a2, return_index=True)
        else:
            a1, a2 = unique(a1), unique(a2)
    aux = concatenate((a1, a2))
    if return_indices:
        order = argsort(aux, kind="stable")
        aux = _take(aux, _export(order))
    else:
        aux = sort(aux)
    mask = _export(_neighbours_equal(aux))
    common = _fancy.getitem(aux[:-1], (mask,))
    if not return_indices:
        return common
    i1 = _fancy.getitem(order[:-1], (mask,))
    i2 = _fancy.getitem(order[1:], (mask,)) - a1.shape[0]
    if not assume_unique:
        i1, i2 = _take(ind1, _export(i1)), _take(ind2, _export(i2))
    return common, i1, i2


def union1d(ar1, ar2):
    return unique(concatenate((reshape(operand(ar1), -1), reshape(operand(ar2), -1))))


def setdiff1d(ar1, ar2, assume_unique=False):
    a1 = reshape(operand(ar1), -1) if assume_unique else unique(ar1)
    return _fancy.getitem(a1, (_export(isin(a1, ar2, assume_unique=assume_unique, invert=True)),))


def setxor1d(ar1, ar2, assume_unique=False):
    a1 = reshape(operand(ar1), -1) if assume_unique else unique(ar1)
    a2 = reshape(operand(ar2), -1) if assume_unique else unique(ar2)
    aux = sort(concatenate((a1, a2)))
    if aux.shape[0] == 0:
        return aux
    edge = cast(operand(_np.ones(1, bool)), bool)
    flag = concatenate((edge, aux[1:] != aux[:-1], edge))
    return _fancy.getitem(aux, (_export(flag[1:] & flag[:-1]),))


def unique_values(x):
    """The distinct values, sorted (numpy leaves their order unspecified)."""
    return unique(x, equal_nan=False)


def unique_counts(x):
    return UniqueCountsResult(*unique(x, return_counts=True, equal_nan=False))


def unique_inverse(x):
    return UniqueInverseResult(*unique(x, return_inverse=True, equal_nan=False))


def unique_all(x):
    return UniqueAllResult(*unique(x, return_index=True, return_inverse=True, return_counts=True, equal_nan=False))
