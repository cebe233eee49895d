"""Advanced indexing: integer arrays and boolean masks, mixed with ints, slices, None and Ellipsis.

Eager: the indexed array and the indices are realized, the basic part of the key is applied as a
view, the advanced dims are moved to the front and merged into one, and a native kernel gathers
(or scatters into a copy of) whole rows of the rest. numpy's placement rule: the broadcast index
dims replace the advanced dims in place when the advanced indices are adjacent in the key, else
they go first."""
import numpy as _np

from .. import _C
from .._tensor import Var, operand, cast, _export
from . import _alias

_INVALID = ("only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) and integer or boolean "
            "arrays are valid indices")


def contig(a):
    """a as a C-contiguous numpy array, 0-d kept 0-d (numpy's ascontiguousarray makes it 1-d)."""
    return a if a.flags.c_contiguous else _np.array(a, order="C")


def is_advanced(key):
    keys = key if isinstance(key, tuple) else (key,)
    return any(isinstance(k, (Var, _np.ndarray, list, bool, _np.bool_)) and not
               (isinstance(k, (_np.ndarray, Var)) and k.ndim == 0 and k.dtype.kind in "iu") for k in keys)


def _entry(k):
    """One key entry -> ('none'|'ellipsis'|'slice'|'int'|'array'|'mask'|'bool0', value)."""
    if k is None:
        return ("none", None)
    if k is Ellipsis:
        return ("ellipsis", None)
    if isinstance(k, slice):
        return ("slice", k)
    if isinstance(k, (bool, _np.bool_)):
        return ("bool0", bool(k))
    if isinstance(k, (Var, _np.ndarray, list, tuple)):
        arr = _export(k) if isinstance(k, Var) else _np.asarray(k)
        if isinstance(k, (list, tuple)) and arr.size == 0 and arr.dtype.kind == "f":
            arr = arr.astype(_np.intp)  # numpy: an empty list indexes as an empty integer array
        if arr.dtype == _np.bool_:
            return ("bool0", bool(arr)) if arr.ndim == 0 else ("mask", arr)
        if arr.dtype.kind not in "iu":
            raise IndexError(_INVALID if isinstance(k, (list, tuple)) else
                             "arrays used as indices must be of integer (or boolean) type")
        if arr.ndim == 0:
            return ("int", int(arr))
        if arr.dtype != _np.int64:
            if arr.dtype.kind == "u" and arr.size and int(arr.max()) > _np.iinfo(_np.int64).max:
                raise IndexError(f"index {int(arr.max())} is out of bounds")
            arr = arr.astype(_np.int64)
        return ("array", arr)
    try:
        return ("int", int(k.__index__()))
    except (AttributeError, TypeError):
        raise IndexError(_INVALID) from None


class _Plan:
    """The key resolved against x: x with None/0-d-bool dims inserted (xs), the basic slices over
    it, the advanced terms, where their dims are, and where the result's index dims go."""

    def __init__(self, x, key):
        entries = [_entry(k) for k in (key if isinstance(key, tuple) else (key,))]
        if sum(1 for kind, _ in entries if kind == "ellipsis") > 1:
            raise IndexError("an index can only have a single ellipsis ('...')")
        used = sum(v.ndim if kind == "mask" else 1 for kind, v in entries if kind in ("slice", "int", "array", "mask"))
        if used > x.ndim:
            raise IndexError(f"too many indices for array: array is {x.ndim}-dimensional, but {used} were indexed")
        if not any(kind == "ellipsis" for kind, _ in entries):
            entries.append(("ellipsis", None))
        shape, basic, terms, adv_pos = [], [], [], []
        d = 0  # dim of x
        for pos, (kind, v) in enumerate(entries):
            if kind == "ellipsis":
                for _ in range(x.ndim - used):
                    shape.append(x.shape[d]); basic.append(slice(None)); d += 1
                continue
            if kind in ("none", "bool0"):
                shape.append(1)
                if kind == "none":
                    basic.append(slice(None))
                    continue
                basic.append(None)
                terms.append([_np.zeros(1 if v else 0, _np.int64), [len(shape) - 1], None, None])
                adv_pos.append(pos)
                continue
            if kind == "slice":
                shape.append(x.shape[d]); basic.append(v); d += 1
                continue
            if kind == "mask":
                for i, n in enumerate(v.shape):
                    if x.shape[d + i] != n and n:  # numpy lets a mismatch pass only along a mask's empty axes
                        raise IndexError(f"boolean index did not match indexed array along axis {d + i}; size of "
                                         f"axis is {x.shape[d + i]} but size of corresponding boolean axis is {n}")
                dims = list(range(len(shape), len(shape) + v.ndim))
                for i in range(v.ndim):
                    shape.append(x.shape[d + i]); basic.append(None)
                if v.shape == tuple(x.shape[d:d + v.ndim]):
                    terms.append([None, dims, d, contig(v)])  # its positions are found only if needed
                else:  # an empty mask of another shape: selects nothing
                    terms.append([_np.zeros(0, _np.int64), dims, d, None])
                d += v.ndim
            else:  # int or array: one dim
                if kind == "int" and not -x.shape[d] <= v < x.shape[d]:  # checked even if the result is empty
                    raise IndexError(f"index {v} is out of bounds for axis {d} with size {x.shape[d]}")
                arr = _np.asarray(v, dtype=_np.int64)
                terms.append([arr, [len(shape)], d, None])
                shape.append(x.shape[d]); basic.append(None)
                d += 1
            adv_pos.append(pos)
        self.xs_shape = shape
        self.basic = basic          # per xs dim: a slice, or None for an advanced dim
        self.terms = terms          # [index array, xs dims it covers, x axis for messages, mask or None]
        self.adjacent = bool(adv_pos) and adv_pos[-1] - adv_pos[0] == len(adv_pos) - 1
        self.mask = terms[0][3] if len(terms) == 1 else None  # a lone mask: gathered without indices
        for t in terms:
            if t[3] is not None and self.mask is None:
                t[0] = _C.np7_flatnonzero(t[3])
        try:
            self.bshape = ((_C.np7_count_mask(self.mask.reshape(-1)),) if self.mask is not None else
                           tuple(_np.broadcast_shapes(*[t[0].shape for t in terms])))
        except ValueError:
            shapes = " ".join(str(t[0].shape) for t in terms)
            raise IndexError(f"shape mismatch: indexing arrays could not be broadcast together with shapes {shapes}") from None

    def source(self, x):
        """(x with the basic part applied and the advanced dims first, as a contiguous numpy array;
        x with the None/0-d-bool dims inserted; the permutation that moved the advanced dims)."""
        xs = _C.reshape(x, self.xs_shape) if list(x.shape) != self.xs_shape else x
        sub = xs[tuple(slice(None) if b is None else b for b in self.basic)] if self.sliced() else xs
        adv = [d for t in self.terms for d in t[1]]
        rest = [d for d in range(len(self.xs_shape)) if d not in adv]
        perm = adv + rest
        arr = _export(sub)
        if perm != sorted(perm):
            arr = arr.transpose(perm)
        return contig(arr), xs, perm

    def rows(self, src_shape):
        """Flat row index over the merged advanced dims (checked) and the number of rows there."""
        nadv = sum(len(t[1]) for t in self.terms)
        adv_sizes = list(src_shape[:nadv])
        n_rows = int(_np.prod(adv_sizes, dtype=_np.int64))
        if len(self.terms) == 1:
            idx, _, axis, _ = self.terms[0]
            return contig(idx.reshape(-1)), n_rows, axis or 0
        m = int(_np.prod(self.bshape, dtype=_np.int64))
        out = _np.empty(m, _np.int64)
        specs, k = [], 0
        for idx, dims, axis, _ in self.terms:
            n = int(_np.prod(adv_sizes[k:k + len(dims)], dtype=_np.int64))
            stride = int(_np.prod(adv_sizes[k + len(dims):], dtype=_np.int64))
            specs.append((contig(_np.broadcast_to(idx, self.bshape).reshape(-1)), n, stride,
                          0 if axis is None else axis))
            k += len(dims)
        _C.np7_ravel_index(specs, out)
        return out, n_rows, 0

    def sliced(self):
        return any(b is not None and b != slice(None) for b in self.basic)

    def place(self, ndim_rest_before):
        """Where the index dims go in the result (numpy's adjacency rule)."""
        return ndim_rest_before if self.adjacent else 0


def _first_adv_rest_before(plan):
    first = min(d for t in plan.terms for d in t[1])
    return sum(1 for d in range(first) if plan.basic[d] is not None)


def _new(shape, x):
    """A fresh array in mnnx's memory and a writable numpy view of it for a kernel to fill."""
    r = _C.np7_empty(list(shape), x._dtype_char)
    return r, r._numpy(True)


def getitem(x, key):
    plan = _Plan(x, key)
    src, _, perm = plan.source(x)
    nadv = sum(len(t[1]) for t in plan.terms)
    rest = src.shape[nadv:]
    row_bytes = int(_np.prod(rest, dtype=_np.int64)) * src.itemsize
    r, out = _new(plan.bshape + rest, x)
    if plan.mask is not None:
        _C.np7_compress(src.reshape(-1), plan.mask.reshape(-1), row_bytes, out.reshape(-1))
    else:
        idx, n_rows, axis = plan.rows(src.shape)
        _C.np7_gather(src.reshape(-1), n_rows, row_bytes, idx, axis, out.reshape(-1))
    del out
    p = plan.place(_first_adv_rest_before(plan))
    if p:
        nb = len(plan.bshape)
        r = _C.permute(r, list(range(nb, nb + p)) + list(range(nb)) + list(range(nb + p, r.ndim)))
    return r


def _value_rows(value, dtype, res_shape, nb, p, row_elems):
    """The value broadcast to the result shape, as (rows, step in bytes) with the index dims first."""
    if isinstance(value, Var):
        v = _export(cast(value, dtype))
    elif isinstance(value, (int, float, bool)):
        v = _np.asarray(value, dtype=dtype)  # numpy's checks: 300 into int8 raises, 1.7 into int truncates
    else:
        v = _export(cast(operand(value), dtype))
    while v.ndim > len(res_shape) and v.shape[0] == 1:
        v = v[0]
    try:
        vb = _np.broadcast_to(v, res_shape)
    except ValueError:
        raise ValueError(f"shape mismatch: value array of shape {v.shape} could not be broadcast to indexing result "
                         f"of shape {res_shape}") from None
    if p:  # back to index dims first
        order = list(range(p, p + nb)) + list(range(p)) + list(range(p + nb, len(res_shape)))
        vb = vb.transpose(order)
    if all(s == 0 for s in vb.strides[:nb]) or vb.size == 0:
        block = contig(vb[(0,) * nb] if vb.size else _np.zeros(vb.shape[nb:], vb.dtype))
        return block.reshape(-1), 0
    return contig(vb).reshape(-1), row_elems * vb.itemsize


def setitem(x, key, value):
    """x with the indexed elements replaced: a new array (the caller rebinds its name), or x itself
    updated in place when nothing else can see its memory (no other node, view or exported array)."""
    _alias.settle(x)  # a family whose other members are gone no longer shares x's buffer
    alone = _C.np7_exclusive(x)  # asked first: what follows takes views of x
    plan = _Plan(x, key)
    src, xs, perm = plan.source(x)
    nadv = sum(len(t[1]) for t in plan.terms)
    rest = src.shape[nadv:]
    row_elems = int(_np.prod(rest, dtype=_np.int64))
    nb = len(plan.bshape)
    p = plan.place(_first_adv_rest_before(plan))
    res_shape = tuple(rest[:p]) + plan.bshape + tuple(rest[p:])
    val, step = _value_rows(value, src.dtype, res_shape, nb, p, row_elems)
    basic = plan.sliced()
    if alone and not basic and perm == sorted(perm) and xs is x:
        new, dst = x, None
        src = dst = x._numpy(True)
    else:
        new, dst = _new(src.shape, x)
    if plan.mask is not None:
        _C.np7_masked_assign(src.reshape(-1), dst.reshape(-1), plan.mask.reshape(-1), row_elems * src.itemsize, val, step)
    else:
        idx, n_rows, axis = plan.rows(src.shape)
        _C.np7_scatter(src.reshape(-1), dst.reshape(-1), n_rows, row_elems * src.itemsize, idx, axis, val, step)
    del src, dst
    if new is x:
        return x
    if perm != sorted(perm):
        new = _C.permute(new, [perm.index(d) for d in range(len(perm))])
    if basic:
        from ._indexing import setitem as basic_setitem
        new = basic_setitem(xs, tuple(slice(None) if b is None else b for b in plan.basic), new)
    return _C.reshape(new, list(x.shape)) if list(new.shape) != list(x.shape) else new
