"""Movement and joining. Views of realized arrays are zero-copy; of lazy ones, index remapping
inside the fused kernel that consumes them."""
import builtins

import numpy as _np

from .. import _C
from .._tensor import operand, cast
from . import _alias
from ._reductions import _index
from ._ufuncs import store

__all__ = ["reshape", "ravel", "transpose", "permute_dims", "swapaxes", "moveaxis", "broadcast_to",
           "broadcast_arrays", "broadcast_shapes", "expand_dims", "squeeze", "concatenate", "concat", "stack",
           "vstack", "hstack", "dstack", "column_stack", "split", "array_split", "hsplit", "vsplit", "dsplit",
           "tile", "repeat", "flip", "fliplr", "flipud", "atleast_1d", "atleast_2d", "atleast_3d", "shape", "ndim",
           "size", "astype", "copy", "ascontiguousarray", "matrix_transpose", "unstack"]


def _norm_axis(axis, ndim):
    axis = _index(axis)
    if not -ndim <= axis < ndim:
        raise _np.exceptions.AxisError(f"axis {axis} is out of bounds for array of dimension {ndim}")
    return axis + ndim if axis < 0 else axis


def _shape_arg(shape):
    if isinstance(shape, (tuple, list)):
        return [_index(s) for s in shape]
    return [_index(shape)]


def reshape(a, /, shape=None, order="C", *, newshape=None, copy=None):
    shape = newshape if shape is None else shape
    if order != "C":
        raise NotImplementedError("mnnx.numpy.reshape supports only order='C'")
    return _alias.reshape_view(operand(a), _shape_arg(shape))


def ravel(a, order="C"):
    x = operand(a)
    if order != "C":
        raise NotImplementedError("mnnx.numpy.ravel supports only order='C'")
    return _alias.reshape_view(x, [-1]) if _alias.is_contiguous(x) else _C.reshape(x, [-1])  # numpy: copy otherwise


def transpose(a, axes=None):
    x = operand(a)
    if axes is None:
        axes = list(range(x.ndim))[::-1]
    return _alias.permute_view(x, [_norm_axis(a, x.ndim) for a in _shape_arg(axes)])


def permute_dims(a, /, axes):
    return transpose(a, axes)


def matrix_transpose(x, /):
    x = operand(x)
    if x.ndim < 2:
        raise ValueError("matrix_transpose needs at least 2 dimensions")
    return swapaxes(x, -1, -2)


def swapaxes(a, axis1, axis2):
    x = operand(a)
    p = list(range(x.ndim))
    i, j = _norm_axis(axis1, x.ndim), _norm_axis(axis2, x.ndim)
    p[i], p[j] = p[j], p[i]
    return _alias.permute_view(x, p)


def moveaxis(a, source, destination):
    x = operand(a)
    src = [_norm_axis(s, x.ndim) for s in (source if isinstance(source, (list, tuple)) else [source])]
    dst = [_norm_axis(s, x.ndim) for s in (destination if isinstance(destination, (list, tuple)) else [destination])]
    if len(src) != len(dst):
        raise ValueError("`source` and `destination` arguments must have the same number of elements")
    if len(set(src)) != len(src) or len(set(dst)) != len(dst):
        raise ValueError("repeated axis in `source` or `destination` argument")
    order = [n for n in range(x.ndim) if n not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return _alias.permute_view(x, order)


def broadcast_to(array, shape, subok=False):
    shape = _shape_arg(shape)
    return _alias.readonly_view(operand(array), lambda v: _C.expand(v, shape))


def broadcast_shapes(*shapes):
    out = ()
    for s in shapes:
        s = tuple(_shape_arg(s))
        out = tuple(_np.broadcast_shapes(out, s))
    return out


def broadcast_arrays(*args, subok=False):
    xs = [operand(a) for a in args]
    shp = broadcast_shapes(*[x.shape for x in xs])
    return tuple(_C.expand(x, list(shp)) for x in xs)


def expand_dims(a, axis):
    x = operand(a)
    axes = axis if isinstance(axis, (tuple, list)) else [axis]
    nd = x.ndim + len(axes)
    axes = sorted(_norm_axis(ax, nd) for ax in axes)
    if len(set(axes)) != len(axes):
        raise ValueError("repeated axis")
    shape = list(x.shape)
    for ax in axes:
        shape.insert(ax, 1)
    return _alias.reshape_view(x, shape)


def squeeze(a, axis=None):
    x = operand(a)
    if axis is None:
        return _alias.reshape_view(x, [d for d in x.shape if d != 1])
    axes = {_norm_axis(ax, x.ndim) for ax in (axis if isinstance(axis, (tuple, list)) else [axis])}
    for ax in axes:
        if x.shape[ax] != 1:
            raise ValueError("cannot select an axis to squeeze out which has size not equal to one")
    return _alias.reshape_view(x, [d for i, d in enumerate(x.shape) if i not in axes])


def concatenate(arrays, axis=0, out=None, dtype=None, casting="same_kind"):
    if out is not None:
        if dtype is not None:
            raise TypeError("concatenate() only takes `out` or `dtype` as an argument, but both were provided.")
        return store(concatenate(arrays, axis), out, casting)
    xs = [operand(a) for a in arrays]
    if axis is None:
        xs = [_C.reshape(x, [-1]) for x in xs]
        axis = 0
    if not xs:
        raise ValueError("need at least one array to concatenate")
    # numpy promotes all inputs at once (not pairwise: int8, uint16, float32 -> float32)
    dt = _np.dtype(dtype) if dtype is not None else _np.result_type(*[x.dtype for x in xs])
    xs = [cast(x, dt) for x in xs]
    return _C.concat(xs, _index(axis))


concat = concatenate


def stack(arrays, axis=0, out=None, dtype=None, casting="same_kind"):
    xs = [operand(a) for a in arrays]
    if not xs:
        raise ValueError("need at least one array to stack")
    if any(x.shape != xs[0].shape for x in xs):
        raise ValueError("all input arrays must have the same shape")
    ax = _norm_axis(axis, xs[0].ndim + 1)
    return concatenate([expand_dims(x, ax) for x in xs], axis=ax, out=out, dtype=dtype)


def atleast_1d(*arys):
    r = [operand(a) if operand(a).ndim >= 1 else _alias.reshape_view(operand(a), [1]) for a in arys]
    return r[0] if len(r) == 1 else tuple(r)


def atleast_2d(*arys):
    def one(a):
        x = operand(a)
        return x if x.ndim >= 2 else _alias.reshape_view(x, [1, -1] if x.ndim == 1 else [1, 1])
    r = [one(a) for a in arys]
    return r[0] if len(r) == 1 else tuple(r)


def atleast_3d(*arys):
    def one(a):
        x = operand(a)
        if x.ndim == 0:
            return _alias.reshape_view(x, [1, 1, 1])
        if x.ndim == 1:
            return _alias.reshape_view(x, [1, x.shape[0], 1])
        if x.ndim == 2:
            return _alias.reshape_view(x, list(x.shape) + [1])
        return x
    r = [one(a) for a in arys]
    return r[0] if len(r) == 1 else tuple(r)


def vstack(tup, *, dtype=None, casting="same_kind"):
    return concatenate([atleast_2d(a) for a in tup], axis=0, dtype=dtype)


def hstack(tup, *, dtype=None, casting="same_kind"):
    xs = [atleast_1d(a) for a in tup]
    return concatenate(xs, axis=0 if xs and xs[0].ndim == 1 else 1, dtype=dtype)


def dstack(tup):
    return concatenate([atleast_3d(a) for a in tup], axis=2)


def column_stack(tup):
    xs = [operand(a) for a in tup]
    return concatenate([_C.reshape(x, [-1, 1]) if x.ndim < 2 else x for x in xs], axis=1)


def array_split(ary, indices_or_sections, axis=0):
    x = operand(ary)
    ax = _norm_axis(axis, x.ndim)
    n = x.shape[ax]
    if isinstance(indices_or_sections, (list, tuple)) or (hasattr(indices_or_sections, "ndim") and indices_or_sections.ndim):
        bounds = [0] + [_index(i) for i in indices_or_sections] + [n]
    else:
        sections = _index(indices_or_sections)
        if sections <= 0:
            raise ValueError("number sections must be larger than 0.")
        each, extra = divmod(n, sections)
        sizes = [each + 1] * extra + [each] * (sections - extra)
        bounds = [0]
        for s in sizes:
            bounds.append(bounds[-1] + s)
    out = []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        key = [slice(None)] * x.ndim
        key[ax] = slice(lo, hi)
        out.append(x[tuple(key)])
    return out


def split(ary, indices_or_sections, axis=0):
    x = operand(ary)
    if not isinstance(indices_or_sections, (list, tuple)) and not hasattr(indices_or_sections, "__len__"):
        if x.shape[_norm_axis(axis, x.ndim)] % _index(indices_or_sections):
            raise ValueError("array split does not result in an equal division")
    return array_split(x, indices_or_sections, axis)


def hsplit(ary, indices_or_sections):
    x = operand(ary)
    if x.ndim == 0:
        raise ValueError("hsplit only works on arrays of 1 or more dimensions")
    return split(x, indices_or_sections, axis=1 if x.ndim > 1 else 0)


def vsplit(ary, indices_or_sections):
    if operand(ary).ndim < 2:
        raise ValueError("vsplit only works on arrays of 2 or more dimensions")
    return split(ary, indices_or_sections, axis=0)


def dsplit(ary, indices_or_sections):
    if operand(ary).ndim < 3:
        raise ValueError("dsplit only works on arrays of 3 or more dimensions")
    return split(ary, indices_or_sections, axis=2)


def unstack(x, /, *, axis=0):
    x = operand(x)
    ax = _norm_axis(axis, x.ndim)
    return tuple(_alias.reshape_view(p, [d for i, d in enumerate(x.shape) if i != ax])
                 for p in array_split(x, x.shape[ax], ax))


def tile(A, reps):
    x = operand(A)
    reps = list(reps) if isinstance(reps, (tuple, list)) else [reps]
    reps = [_index(r) for r in reps]
    nd = builtins.max(x.ndim, len(reps))
    reps = [1] * (nd - len(reps)) + reps
    shape = [1] * (nd - x.ndim) + list(x.shape)
    # broadcast each dim against a new leading dim of size reps[i], then merge the pairs
    inter, target = [], []
    for r, d in zip(reps, shape):
        inter += [1, d]
        target += [r, d]
    y = _C.expand(_C.reshape(x, inter), target)
    return _C.reshape(y, [r * d for r, d in zip(reps, shape)])


def repeat(a, repeats, axis=None):
    x = operand(a)
    if axis is None:
        x = _C.reshape(x, [-1])
        axis = 0
    ax = _norm_axis(axis, x.ndim)
    if isinstance(repeats, (list, tuple)) or (hasattr(repeats, "ndim") and getattr(repeats, "ndim", 0) > 0):
        reps = list(_np.asarray(repeats).reshape(-1))
        if len(reps) == 1:
            repeats = reps[0]
        else:
            if len(reps) != x.shape[ax]:
                raise ValueError(f"operands could not be broadcast together with shape ({x.shape[ax]},) ({len(reps)},)")
            parts = [repeat(p, int(r), axis=ax) for p, r in zip(array_split(x, x.shape[ax], ax), reps)]
            return concatenate(parts, axis=ax)
    r = _index(repeats)
    if r < 0:
        raise ValueError("repeats may not contain negative values.")
    shape = list(x.shape)
    y = _C.expand(_C.reshape(x, shape[:ax + 1] + [1] + shape[ax + 1:]), shape[:ax + 1] + [r] + shape[ax + 1:])
    return _C.reshape(y, shape[:ax] + [shape[ax] * r] + shape[ax + 1:])


def flip(m, axis=None):
    x = operand(m)
    axes = range(x.ndim) if axis is None else [_norm_axis(ax, x.ndim) for ax in (axis if isinstance(axis, (tuple, list)) else [axis])]
    key = [slice(None)] * x.ndim
    for ax in axes:
        key[ax] = slice(None, None, -1)
    return x[tuple(key)]


def fliplr(m):
    if operand(m).ndim < 2:
        raise ValueError("Input must be >= 2-d.")
    return flip(m, 1)


def flipud(m):
    if operand(m).ndim < 1:
        raise ValueError("Input must be >= 1-d.")
    return flip(m, 0)


def shape(a):
    return operand(a).shape


def ndim(a):
    return operand(a).ndim


def size(a, axis=None):
    x = operand(a)
    return x.size if axis is None else x.shape[_norm_axis(axis, x.ndim)]


def astype(x, dtype, /, *, copy=True, device=None):
    return cast(operand(x), dtype)


def copy(a, order="K", subok=False):
    return _C.copy(operand(a))


def ascontiguousarray(a, dtype=None):
    x = operand(a)
    return cast(x, dtype) if dtype is not None else x
