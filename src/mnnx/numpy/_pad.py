"""numpy.pad: every mode, one axis after another as numpy does (so corners come from the axes padded
before). Constant, statistic and ramp pads are lazy concatenations; index-based modes gather."""
import numpy as _np

from .. import _C
from .._tensor import Var, operand, cast, _export
from ._reductions import max as _max, min as _min, mean as _mean
from ._shape import concatenate, broadcast_to
from ._ufuncs import rint
from . import _fancy

__all__ = ["pad"]


def _along(x, axis, s):
    key = [slice(None)] * x.ndim
    key[axis] = s
    return x[tuple(key)]


def _stat(mode, part, ax, dtype):
    if mode == "median":
        from ._quantile import median
        r = median(part, axis=ax, keepdims=True)
    else:
        r = {"maximum": _max, "minimum": _min, "mean": _mean}[mode](part, axis=ax, keepdims=True)
    if _np.dtype(dtype).kind in "iub" and mode in ("mean", "median"):
        r = rint(r)  # numpy rounds a mean of integers before casting it back
    return cast(r, dtype)


_STATS = ("maximum", "minimum", "mean", "median")


def _pad_stat(x, widths, mode, stat_length):
    lengths = _pairs(stat_length if stat_length is not None else 0, x.ndim, "stat_length") if stat_length is not None else None
    for ax, (b, e) in enumerate(widths):
        if b == 0 and e == 0:
            continue
        n = x.shape[ax]
        if n == 0:
            raise ValueError(f"can't extend empty axis {ax} using modes other than 'constant' or 'empty'")
        lb, le = (n, n) if lengths is None else (min(int(lengths[ax][0]), n), min(int(lengths[ax][1]), n))
        if ((lb == 0 and b) or (le == 0 and e)) and mode in ("maximum", "minimum"):
            raise ValueError("stat_length of 0 yields no value for padding")  # (a mean of nothing is NaN)
        parts = []
        if b:
            shp = list(x.shape)
            shp[ax] = b
            parts.append(broadcast_to(_stat(mode, _along(x, ax, slice(0, lb)), ax, x.dtype), shp))
        parts.append(x)
        if e:
            shp = list(x.shape)
            shp[ax] = e
            parts.append(broadcast_to(_stat(mode, _along(x, ax, slice(n - le, n)), ax, x.dtype), shp))
        x = concatenate(parts, axis=ax)
    return x


def _pad_ramp(x, widths, end_values):
    from ._creation import linspace
    ends = _pairs(end_values, x.ndim, "end_values")
    for ax, ((b, e), (vb, ve)) in enumerate(zip(widths, ends)):
        if b == 0 and e == 0:
            continue
        n = x.shape[ax]
        if n == 0:
            raise ValueError(f"can't extend empty axis {ax} using modes other than 'constant' or 'empty'")
        squeeze = [d for i, d in enumerate(x.shape) if i != ax]
        parts = []
        if b:
            edge = _C.reshape(_along(x, ax, slice(0, 1)), squeeze)
            parts.append(linspace(vb, edge, b, endpoint=False, dtype=x.dtype, axis=ax))
        parts.append(x)
        if e:
            edge = _C.reshape(_along(x, ax, slice(n - 1, n)), squeeze)
            parts.append(_along(linspace(ve, edge, e, endpoint=False, dtype=x.dtype, axis=ax), ax, slice(None, None, -1)))
        x = concatenate(parts, axis=ax)
    return x


def _pairs(width, ndim, name):
    w = _np.asarray(_export(width) if isinstance(width, Var) else width)
    if w.dtype.kind not in "iu" and name == "pad_width":
        raise TypeError("`pad_width` must be of integral type.")
    try:
        w = _np.broadcast_to(w, (ndim, 2))
    except ValueError:
        raise ValueError(f"operands could not be broadcast together with remapped shapes [original->remapped]: "
                         f"{w.shape} and requested shape ({ndim},2)") from None
    if name == "pad_width" and (w < 0).any():
        raise ValueError("index can't contain negative values")
    return [tuple(p) for p in w.tolist()]


def _pad_index(n, before, after, mode):
    i = _np.arange(-before, n + after, dtype=_np.int64)
    return i % n if mode == "wrap" else _np.clip(i, 0, n - 1)


def _reflect_axis(x, ax, left, right, symmetric, odd):
    """numpy's reflection, chunk by chunk: each chunk mirrors the current array about its edge (with
    the edge for 'symmetric'), at most a whole multiple of the original period long."""
    n = x.shape[ax]
    if n == 1:  # numpy's legacy: a single element is repeated
        return _fancy.getitem(x, (slice(None),) * ax + (_pad_index(1, left, right, "edge"),))
    off = 1 if symmetric else 0
    while left > 0 or right > 0:
        cur = x.shape[ax]
        length = cur // n * n if symmetric else (cur - 1) // (n - 1) * (n - 1)
        parts = []
        if left > 0:
            k = min(length, left)
            chunk = _along(_along(x, ax, slice(1 - off, k + 1 - off)), ax, slice(None, None, -1))
            if odd:
                chunk = cast(2 * _along(x, ax, slice(0, 1)) - chunk, x.dtype)
            parts.append(chunk)
            left -= k
        parts.append(x)
        if right > 0:
            k = min(length, right)
            chunk = _along(_along(x, ax, slice(cur - 1 - k + off, cur - 1 + off)), ax, slice(None, None, -1))
            if odd:
                chunk = cast(2 * _along(x, ax, slice(cur - 1, cur)) - chunk, x.dtype)
            parts.append(chunk)
            right -= k
        x = concatenate(parts, axis=ax)
    return x


def pad(array, pad_width, mode="constant", **kwargs):
    x = operand(array)
    modes = {"constant": {"constant_values"}, "edge": set(), "wrap": set(), "reflect": {"reflect_type"},
             "symmetric": {"reflect_type"}, "empty": set(), "linear_ramp": {"end_values"},
             "maximum": {"stat_length"}, "minimum": {"stat_length"}, "mean": {"stat_length"}, "median": {"stat_length"}}
    if callable(mode) or mode not in modes:
        raise ValueError(f"mode '{mode}' is not supported")
    unsupported = set(kwargs) - modes[mode]
    if unsupported:
        raise ValueError(f"unsupported keyword arguments for mode '{mode}': {unsupported}")
    widths = _pairs(pad_width, x.ndim, "pad_width")
    if mode in ("constant", "empty"):
        cv = _pairs(kwargs.get("constant_values", 0), x.ndim, "constant_values")
        for ax, ((b, e), (cb, ce)) in enumerate(zip(widths, cv)):
            if b == 0 and e == 0:
                continue
            parts = []
            for w, c in ((b, cb), (None, None), (e, ce)):
                if w is None:
                    parts.append(x)
                elif w:
                    shp = list(x.shape)
                    shp[ax] = w
                    parts.append(broadcast_to(cast(operand(_np.asarray(c).astype(x.dtype)), x.dtype), shp))
            x = concatenate(parts, axis=ax)
        return x
    if mode in _STATS:
        return _pad_stat(x, widths, mode, kwargs.get("stat_length"))
    if mode == "linear_ramp":
        return _pad_ramp(x, widths, kwargs.get("end_values", 0))
    odd = kwargs.get("reflect_type", "even") == "odd"
    if kwargs.get("reflect_type", "even") not in ("even", "odd"):
        raise ValueError(f"reflect_type must be 'even' or 'odd' (got {kwargs['reflect_type']!r})")
    for ax, (b, e) in enumerate(widths):
        if b == 0 and e == 0:
            continue
        if x.shape[ax] == 0:
            raise ValueError(f"can't extend empty axis {ax} using modes other than 'constant' or 'empty'")
        if mode in ("reflect", "symmetric"):
            x = _reflect_axis(x, ax, b, e, mode == "symmetric", odd)
        else:
            x = _fancy.getitem(x, (slice(None),) * ax + (_pad_index(x.shape[ax], b, e, mode),))
    return x
