"""Differences, sliding products, interpolation, binning, padding, rolling and closeness tests.
Lazy compositions of slices and elementwise ops where numpy's definition is one; native kernels for
correlate, interp and bincount."""
import builtins

import numpy as _np

from .. import _C
from .._tensor import ComplexInput, Var, operand, cast, _export
from ._fancy import contig
from ._reductions import _index, all as _all, sum as _sum, min as _min, max as _max, mean, std
from ._shape import _norm_axis, reshape, concatenate, broadcast_to, flip, transpose, broadcast_shapes
from ._ufuncs import absolute, isfinite, isnan, where
from ._sorting import searchsorted
from . import _fancy

__all__ = ["diff", "ediff1d", "gradient", "convolve", "correlate", "interp", "histogram", "histogram_bin_edges",
           "bincount", "digitize", "roll", "rot90", "isclose", "allclose", "array_equal", "array_equiv"]


def _along(x, axis, s):
    key = [slice(None)] * x.ndim
    key[axis] = s
    return x[tuple(key)]


def diff(a, n=1, axis=-1, prepend=_np._NoValue, append=_np._NoValue):
    n = _index(n)
    if n == 0:
        return operand(a)
    if n < 0:
        raise ValueError(f"order must be non-negative but got {n}")
    x = operand(a)
    if x.ndim == 0:
        raise ValueError("diff requires input that is at least one dimensional")
    ax = _norm_axis(axis, x.ndim)
    parts = []
    for extra in (prepend, x, append):
        if extra is x:
            parts.append(x)
        elif extra is not _np._NoValue:
            e = operand(extra)
            if e.ndim == 0:
                shp = list(x.shape)
                shp[ax] = 1
                e = broadcast_to(e, shp)
            parts.append(e)
    if len(parts) > 1:
        x = concatenate(parts, axis=ax)
    for _ in range(n):
        hi, lo = _along(x, ax, slice(1, None)), _along(x, ax, slice(None, -1))
        x = (hi != lo) if x._dtype_char == "?" else hi - lo
    return x


def ediff1d(ary, to_end=None, to_begin=None):
    x = reshape(operand(ary), -1)
    parts = []
    for name, extra in (("to_begin", to_begin), (None, None), ("to_end", to_end)):
        if name is None:
            parts.append(x[1:] - x[:-1])
        elif extra is not None:
            e = reshape(operand(extra), -1)
            if not _np.can_cast(e.dtype, x.dtype, casting="same_kind"):
                raise TypeError(f"dtype of `{name}` must be compatible with input `ary` under the `same_kind` rule.")
            parts.append(cast(e, x.dtype))
    return concatenate(parts) if len(parts) > 1 else parts[0]


def _gradient_1d(f, ax, dx, edge_order):
    """numpy's second-order central differences inside, one-sided ones of edge_order at the ends."""
    sl = lambda s: _along(f, ax, s)  # noqa: E731
    if not isinstance(dx, Var):  # uniform spacing
        inner = (sl(slice(2, None)) - sl(slice(None, -2))) / (2.0 * dx)
        if edge_order == 1:
            first = (sl(slice(1, 2)) - sl(slice(0, 1))) / dx
            last = (sl(slice(-1, None)) - sl(slice(-2, -1))) / dx
        else:
            first = sl(slice(0, 1)) * (-1.5 / dx) + sl(slice(1, 2)) * (2.0 / dx) + sl(slice(2, 3)) * (-0.5 / dx)
            last = sl(slice(-3, -2)) * (0.5 / dx) + sl(slice(-2, -1)) * (-2.0 / dx) + sl(slice(-1, None)) * (1.5 / dx)
        return concatenate([first, inner, last], axis=ax)
    shape = [1] * f.ndim
    shape[ax] = -1
    dx1, dx2 = dx[:-1], dx[1:]
    a = -dx2 / (dx1 * (dx1 + dx2))
    b = (dx2 - dx1) / (dx1 * dx2)
    c = dx1 / (dx2 * (dx1 + dx2))
    inner = (reshape(a, shape) * sl(slice(None, -2)) + reshape(b, shape) * sl(slice(1, -1))
             + reshape(c, shape) * sl(slice(2, None)))
    if edge_order == 1:
        first = (sl(slice(1, 2)) - sl(slice(0, 1))) / dx[0]
        last = (sl(slice(-1, None)) - sl(slice(-2, -1))) / dx[-1]
    else:
        d1, d2 = dx[0], dx[1]
        first = (sl(slice(0, 1)) * (-(2.0 * d1 + d2) / (d1 * (d1 + d2))) + sl(slice(1, 2)) * ((d1 + d2) / (d1 * d2))
                 + sl(slice(2, 3)) * (-d1 / (d2 * (d1 + d2))))
        d1, d2 = dx[-2], dx[-1]
        last = (sl(slice(-3, -2)) * (d2 / (d1 * (d1 + d2))) + sl(slice(-2, -1)) * (-(d2 + d1) / (d1 * d2))
                + sl(slice(-1, None)) * ((2.0 * d2 + d1) / (d2 * (d1 + d2))))
    return concatenate([first, inner, last], axis=ax)


def gradient(f, *varargs, axis=None, edge_order=1):
    x = operand(f)
    axes = list(range(x.ndim)) if axis is None else (
        [_norm_axis(a, x.ndim) for a in axis] if isinstance(axis, (tuple, list)) else [_norm_axis(axis, x.ndim)])
    if len(set(axes)) != len(axes):
        raise ValueError("duplicate value in 'axis'")
    if edge_order not in (1, 2):
        raise ValueError("'edge_order' greater than 2 not supported")
    if len(varargs) == 0:
        spacing = [1.0] * len(axes)
    elif len(varargs) == 1 and operand(varargs[0]).ndim == 0:
        spacing = [varargs[0]] * len(axes)
    elif len(varargs) == len(axes):
        spacing = list(varargs)
    else:
        raise TypeError("invalid number of arguments")
    otype = x.dtype if x.dtype.kind == "f" else _np.dtype(_np.float64)
    xf = cast(x, otype)
    dxs = []
    for ax, d in zip(axes, spacing):  # spacings first: numpy checks them before the shapes
        dv = operand(d)
        if dv.ndim == 0:
            dxs.append(float(_export(dv)))
            continue
        if dv.ndim != 1:
            raise ValueError("distances must be either scalars or 1d")
        if dv.shape[0] != x.shape[ax]:
            raise ValueError("when 1d, distances must match the length of the corresponding dimension")
        dv = cast(dv, _np.float64) if dv.dtype.kind in "iub" else dv
        if dv.shape[0] < 2:  # where numpy fails, looking at the first step
            raise IndexError("index 0 is out of bounds for axis 0 with size 0")
        steps = _export(dv[1:] - dv[:-1])
        dxs.append(float(steps[0]) if (steps == steps[0]).all() else _C.from_array(contig(steps)))
    out = []
    for ax, dx in zip(axes, dxs):
        if x.shape[ax] < edge_order + 1:
            raise ValueError("Shape of array too small to calculate a numerical gradient, at least (edge_order + 1) "
                             "elements are required.")
        out.append(cast(_gradient_1d(xf, ax, dx, edge_order), otype))
    return out[0] if len(out) == 1 else tuple(out)


def _correlate_full(a, v):
    """numpy's correlate in 'full' mode: c[k] = sum_n a[n + k] * v[n], k from 1 - len(v) to len(a) - 1."""
    dt = _np.result_type(a.dtype, v.dtype)
    kdt = dt if dt.kind == "f" and dt.itemsize >= 4 else (_np.dtype(_np.float32) if dt.kind == "f" else _np.dtype(_np.int64))
    aa = contig(_export(cast(a, kdt)))
    vv = contig(_export(cast(v, kdt)))
    out = _np.empty(aa.size + vv.size - 1, kdt)
    _C.np7_correlate("f" if kdt == _np.float32 else "d" if kdt == _np.float64 else "l", aa, vv, 1 - vv.size, out)
    r = _C.from_array(out)
    return (r != 0) if dt == _np.bool_ else cast(r, dt)


def _vectors(a, v):
    x, y = reshape(operand(a), -1), reshape(operand(v), -1)
    if x.shape[0] == 0:
        raise ValueError("a cannot be empty")
    if y.shape[0] == 0:
        raise ValueError("v cannot be empty")
    return x, y


def correlate(a, v, mode="valid"):
    x, y = _vectors(a, v)
    if mode not in ("valid", "same", "full"):
        raise ValueError(f"mode must be one of 'valid', 'same', or 'full' (got {mode!r})")
    full = _correlate_full(x, y)
    na, nv = x.shape[0], y.shape[0]
    if mode == "full":
        return full
    if mode == "same":
        extra = na + nv - 1 - builtins.max(na, nv)
        start = extra // 2 if na >= nv else (extra + 1) // 2
        return full[start:start + builtins.max(na, nv)]
    start = nv - 1 if na >= nv else na - 1
    return full[start:start + abs(na - nv) + 1]


def convolve(a, v, mode="full"):
    x, y = _vectors(a, v)
    if y.shape[0] > x.shape[0]:
        x, y = y, x
    return correlate(x, y[::-1], mode)


def interp(x, xp, fp, left=None, right=None, period=None):
    xv = cast(operand(x), _np.float64)
    xpv, fpv = operand(xp), operand(fp)
    if fpv.dtype.kind == "c":
        raise ComplexInput("mnnx does not support complex numbers (complex data stays numpy's)")
    xpv, fpv = cast(xpv, _np.float64), cast(fpv, _np.float64)
    if xpv.ndim != 1 or fpv.ndim != 1:
        raise ValueError("object too deep for desired array" if period is None else "Data points must be 1-D sequences")
    if xpv.shape[0] != fpv.shape[0]:
        raise ValueError("fp and xp are not of the same length.")
    if xpv.shape[0] == 0:
        raise ValueError("array of sample points is empty")
    if period is not None:
        if period == 0:
            raise ValueError("period must be a non-zero value")
        period = abs(float(period))
        left = right = None
        xv, xpv = xv % period, xpv % period
        from ._sorting import argsort
        order = _export(argsort(xpv))
        xpv, fpv = _fancy.getitem(xpv, (order,)), _fancy.getitem(fpv, (order,))
        xpv = concatenate((xpv[-1:] - period, xpv, xpv[0:1] + period))
        fpv = concatenate((fpv[-1:], fpv, fpv[0:1]))
    fpa = contig(_export(fpv))
    lo = float(fpa[0]) if left is None else float(left)
    hi = float(fpa[-1]) if right is None else float(right)
    xa = contig(_export(xv))
    out = _np.empty(xa.shape, _np.float64)
    _C.np7_interp(xa.reshape(-1), contig(_export(xpv)), fpa, lo, hi, out.reshape(-1))
    return _C.from_array(out)


def bincount(x, weights=None, minlength=0):
    xs = _export(x) if isinstance(x, Var) else _np.asarray(x)
    if xs.dtype.kind == "f":
        if xs.size:
            import warnings
            warnings.warn("Non-integer input passed to bincount. In a future version of NumPy, this will be an error. "
                          "(Deprecated NumPy 2.1)", DeprecationWarning, stacklevel=2)
        xs = xs.astype(_np.int64)
    if xs.ndim != 1:
        raise ValueError("object too deep for desired array" if xs.ndim > 1 else "object of too small depth for desired array")
    if not _np.can_cast(xs.dtype, _np.int64, "safe"):
        raise TypeError(f"Cannot cast array data from {xs.dtype!r} to dtype('int64') according to the rule 'safe'")
    minlength = _index(minlength)
    if minlength < 0:
        raise ValueError("'minlength' must not be negative")
    xs = contig(xs.astype(_np.int64, copy=False))
    if xs.size and int(_export(_min(_C.from_array(xs)))) < 0:
        raise ValueError("'list' argument must have no negative elements")
    nbins = builtins.max(int(_export(_max(_C.from_array(xs)))) + 1 if xs.size else 0, minlength)
    if weights is None:
        out = _np.empty(nbins, _np.int64)
        _C.np7_bincount(xs, None, out)
    else:
        w = contig(_export(cast(operand(weights), _np.float64)))
        if w.shape != xs.shape:
            raise ValueError("The weights and list don't have the same length.")
        out = _np.empty(nbins, _np.float64)
        _C.np7_bincount(xs, w, out)
    return _C.from_array(out)


def digitize(x, bins, right=False):
    b = operand(bins)
    if b.ndim != 1:
        raise ValueError("object too deep for desired array" if b.ndim > 1 else "object of too small depth for desired array")
    ba = _export(b)
    if ba.size > 1:
        d = _export(b[1:] >= b[:-1])
        if d.all():
            return searchsorted(b, x, side="left" if right else "right")
        if not _export(b[1:] <= b[:-1]).all():
            raise ValueError("bins must be monotonically increasing or decreasing")
        return ba.size - searchsorted(b[::-1], x, side="left" if right else "right")
    return searchsorted(b, x, side="left" if right else "right")


def _bin_width(name, x, lo, hi):
    """numpy's bin-width estimators (x: the data inside the range, not empty)."""
    n = x.shape[0]
    ptp = _export(_max(x)) - _export(_min(x))
    if name == "sqrt":
        return ptp / _np.sqrt(n)
    if name == "sturges":
        return ptp / (_np.log2(n) + 1.0)
    if name == "rice":
        return ptp / (2.0 * n ** (1.0 / 3))
    if name == "scott":
        return (24.0 * _np.pi ** 0.5 / n) ** (1.0 / 3.0) * _export(std(x))
    if name == "fd":
        from ._quantile import percentile
        q75, q25 = _export(percentile(x, [75, 25]))
        return 2.0 * (q75 - q25) * n ** (-1.0 / 3.0)
    if name == "auto":
        fd, st, sq = (_bin_width(k, x, lo, hi) for k in ("fd", "sturges", "sqrt"))
        return builtins.min(builtins.max(fd, sq / 2), st)  # numpy 2.4: fd, but no more bins than sqrt's twice
    if name == "doane":
        if n > 2:
            sg1 = _np.sqrt(6.0 * (n - 2) / ((n + 1.0) * (n + 3)))
            sigma = _export(std(x))
            if sigma > 0.0:
                g1 = _export(mean(((x - mean(x)) / sigma) ** 3))
                return ptp / (1.0 + _np.log2(n) + _np.log2(1.0 + _np.absolute(g1) / sg1))
        return 0.0
    # stone: the bin count minimising an estimate of the integrated squared error
    if n <= 1 or ptp == 0:
        return 0

    def jhat(nbins):
        p_k = _export(cast(histogram(x, bins=nbins, range=(lo, hi))[0], _np.float64)) / n
        return (2 - (n + 1) * p_k.dot(p_k)) / (ptp / nbins)
    upper = builtins.max(100, int(_np.sqrt(n)))
    nbins = builtins.min(builtins.range(1, upper + 1), key=jhat)
    if nbins == upper:
        import warnings
        warnings.warn("The number of bins estimated may be suboptimal.", RuntimeWarning, stacklevel=4)
    return ptp / nbins


_ESTIMATORS = ("stone", "auto", "doane", "fd", "rice", "scott", "sqrt", "sturges")


def _outer_edges(x, range):
    if range is not None:
        first, last = range
        if first > last:
            raise ValueError("max must be larger than min in range parameter.")
        if not (_np.isfinite(first) and _np.isfinite(last)):
            raise ValueError(f"supplied range of [{first}, {last}] is not finite")
    elif x.shape[0] == 0:
        first, last = 0, 1
    else:
        first, last = _export(_min(x))[()], _export(_max(x))[()]  # numpy scalars: edges in the data's type
        if not (_np.isfinite(first) and _np.isfinite(last)):
            raise ValueError(f"autodetected range of [{first}, {last}] is not finite")
    if first == last:
        first, last = first - 0.5, last + 0.5
    return first, last


def histogram_bin_edges(a, bins=10, range=None, weights=None):
    x = reshape(operand(a), -1)
    if isinstance(bins, str):
        if bins not in _ESTIMATORS:
            raise ValueError(f"{bins!r} is not a valid estimator for `bins`")
        if weights is not None:
            raise TypeError("Automated estimation of the number of bins is not supported for weighted data")
        first, last = _outer_edges(x, range)
        if range is not None:
            x = _fancy.getitem(x, (_export((x >= first) & (x <= last)),))
        n = 1
        if x.shape[0]:
            width = _bin_width(bins, x, first, last)
            if width:
                if x.dtype.kind in "iu" and width < 1:
                    width = 1
                n = int(_np.ceil((last - first) / width))
        return _equal_edges(x, first, last, n)
    bv = operand(bins)
    if bv.ndim == 1:
        if bv.shape[0] > 1 and not _export(bv[1:] >= bv[:-1]).all():
            raise ValueError("`bins` must increase monotonically, when an array")
        return bv
    if bv.ndim != 0:
        raise ValueError("`bins` must be 1d, when an array")
    n = _index(bins)
    if n < 1:
        raise ValueError("`bins` must be positive, when an integer")
    first, last = _outer_edges(x, range)
    return _equal_edges(x, first, last, n)


def _equal_edges(x, first, last, n):
    bin_type = _np.result_type(first, last, x.dtype)
    if bin_type.kind in "iub":
        bin_type = _np.dtype(_np.float64)
    from ._creation import linspace
    return linspace(first, last, n + 1, dtype=bin_type)


def histogram(a, bins=10, range=None, density=None, weights=None):
    x = reshape(operand(a), -1)
    edges = histogram_bin_edges(x, bins, range, weights)
    nb = edges.shape[0] - 1
    # bin i holds edges[i] <= v < edges[i + 1]; the last bin also holds its right edge
    idx = searchsorted(edges, x, side="right") - 1
    idx = where(x == edges[-1], nb - 1, idx)
    keep = _export((idx >= 0) & (idx < nb))
    sel = _fancy.getitem(idx, (keep,))
    if weights is None:
        counts = bincount(sel, minlength=nb)
    else:
        w = reshape(operand(weights), -1)
        if w.shape != x.shape:
            raise ValueError("weights should have the same shape as a.")
        counts = cast(bincount(sel, _fancy.getitem(w, (keep,)), minlength=nb), w.dtype)
    if density:
        db = cast(edges[1:] - edges[:-1], _np.float64)
        return counts / db / _sum(counts), edges
    return counts, edges


def roll(a, shift, axis=None):
    x = operand(a)
    if axis is None:
        return reshape(roll(reshape(x, -1), shift, 0), x.shape)
    shifts = shift if isinstance(shift, (tuple, list)) else (shift,)
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    pairs = _np.broadcast_arrays(_np.asarray(shifts), _np.asarray(axes))
    total = {}
    for s, ax in zip(pairs[0].reshape(-1).tolist(), pairs[1].reshape(-1).tolist()):
        ax = _norm_axis(ax, x.ndim)
        total[ax] = total.get(ax, 0) + int(s)
    for ax, s in total.items():
        n = x.shape[ax]
        if n == 0:
            continue
        s %= n
        if s:
            x = concatenate([_along(x, ax, slice(n - s, None)), _along(x, ax, slice(0, n - s))], axis=ax)
    return x


def rot90(m, k=1, axes=(0, 1)):
    x = operand(m)
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError("len(axes) must be 2.")
    if x.ndim < 2 or axes[0] == axes[1] or builtins.abs(axes[0] - axes[1]) == x.ndim:
        raise ValueError("Axes must be different.")
    if not all(-x.ndim <= a < x.ndim for a in axes):
        raise ValueError(f"Axes={axes} out of range for array of ndim={x.ndim}.")
    k = _index(k) % 4
    if k == 0:
        return x
    if k == 2:
        return flip(flip(x, axes[0]), axes[1])
    perm = list(range(x.ndim))
    a0, a1 = axes[0] % x.ndim, axes[1] % x.ndim
    perm[a0], perm[a1] = perm[a1], perm[a0]
    return transpose(flip(x, axes[1]), perm) if k == 1 else flip(transpose(x, perm), axes[1])


def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    x = operand(a)
    if isinstance(b, (int, bool)):  # numpy compares against float(b)
        y = operand(float(b))
    elif isinstance(b, float):
        y = operand(b)
    else:
        y = operand(b)
        y = cast(y, _np.result_type(y.dtype, 1.0))
    r = ((absolute(x - y) <= atol + rtol * absolute(y)) & isfinite(y)) | (x == y)
    if equal_nan:
        r = r | (isnan(x) & isnan(y))
    return r


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    return bool(_export(_all(isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))))


def array_equal(a1, a2, equal_nan=False):
    try:
        x, y = operand(a1), operand(a2)
    except (TypeError, ValueError):
        return False
    if x.shape != y.shape:
        return False
    eq = x == y
    if equal_nan and x.dtype.kind == "f" or equal_nan and y.dtype.kind == "f":
        eq = eq | (isnan(x) & isnan(y))
    return bool(_export(_all(eq)))


def array_equiv(a1, a2):
    try:
        x, y = operand(a1), operand(a2)
        broadcast_shapes(x.shape, y.shape)
    except (TypeError, ValueError):
        return False
    return bool(_export(_all(x == y)))

