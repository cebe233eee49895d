"""Order statistics: quantile/percentile/median and their nan-ignoring forms. The reduced axes are
moved last and sorted (NaNs last); the wanted ranks are gathered and interpolated as numpy does."""
import numpy as _np

from .. import _C
from .._tensor import Var, operand, cast, _export
from ._reductions import _axes, sum as _sum, mean as _mean
from ._shape import moveaxis, reshape
from ._sorting import sort
from ._select import take_along_axis
from ._ufuncs import isnan, where, floor

__all__ = ["quantile", "percentile", "median", "nanquantile", "nanpercentile", "nanmedian"]

# continuous methods: the virtual index n*q + alpha + q*(1 - alpha - beta) - 1 (Hyndman & Fan), as numpy
_ALPHA_BETA = {"hazen": (0.5, 0.5), "weibull": (0.0, 0.0), "median_unbiased": (1 / 3, 1 / 3),
               "normal_unbiased": (3 / 8, 3 / 8), "interpolated_inverted_cdf": (0.0, 1.0)}
_DISCRETE = ("lower", "higher", "nearest", "inverted_cdf", "closest_observation")  # an element itself
_METHODS = ("linear", "midpoint", "averaged_inverted_cdf") + tuple(_ALPHA_BETA) + _DISCRETE


def _rows(a, axis):
    """(x with the reduced axes merged last, the keepdims shape)."""
    x = operand(a)
    listed = [ax % x.ndim for ax in _axes(axis, x.ndim, allow_0d=False)]
    if len(set(listed)) != len(listed):
        raise ValueError("repeated axis")
    axes = sorted(listed)
    keep = [1 if d in axes or axis is None else n for d, n in enumerate(x.shape)]
    rest = [d for d in range(x.ndim) if d not in axes]
    y = _C.permute(x, rest + axes) if x.ndim else x
    return reshape(y, [x.shape[d] for d in rest] + [int(_np.prod([x.shape[d] for d in axes], dtype=_np.int64))]), keep


def _q_array(q, scale, name):
    qa = _np.asarray(_export(q) if isinstance(q, Var) else q, dtype=_np.float64) / scale
    if not ((qa >= 0) & (qa <= 1)).all():
        raise ValueError(f"{name} must be in the range [0, {100 if scale == 100 else 1}]")
    return qa


def _result_dtype(x, q):
    if x.dtype.kind != "f":
        return _np.dtype(_np.float64)
    qd = q if isinstance(q, (int, float)) else (_export(q) if isinstance(q, Var) else _np.asarray(q))
    return _np.result_type(x.dtype, qd)


def _virtual_index(method, q, n):
    """(virtual index, interpolation weight) per numpy's definition of each method."""
    from ._ufuncs import ceil, rint
    if method == "linear":
        vi = q * (n - 1)
        return vi, vi - floor(vi)
    if method in _ALPHA_BETA:
        al, be = _ALPHA_BETA[method]
        vi = n * q + (al + q * (1 - al - be)) - 1
        return vi, vi - floor(vi)
    if method == "lower":
        return floor(q * (n - 1)), None
    if method == "higher":
        return ceil(q * (n - 1)), None
    if method == "nearest":
        return rint(q * (n - 1)), None  # half to even, as numpy's around
    if method == "midpoint":
        vi = 0.5 * (floor(q * (n - 1)) + ceil(q * (n - 1)))
        return vi, where(vi == floor(vi), 0.0, 0.5)
    if method == "averaged_inverted_cdf":
        vi = n * q - 1
        return vi, where(vi == floor(vi), 0.5, 1.0)
    # inverted_cdf / closest_observation: the order statistic below or above, by a rule on the index
    idx = n * q - 1 if method == "inverted_cdf" else n * q - 1.5
    prev = floor(idx)
    take_prev = (idx == prev) if method == "inverted_cdf" else (idx == prev) & (prev % 2 == 1)
    r = where(take_prev, prev, prev + 1)
    return where(r < 0, 0.0, r), None


def _lerp(a, b, t):
    d = b - a
    return where(t >= 0.5, b - d * (1 - t), a + d * t)


def _quantile(a, q, scale, name, axis, method, keepdims, skip_nan):
    if method not in _METHODS:
        raise ValueError(f"mnnx.numpy: quantile method {method!r} is not supported (one of {', '.join(_METHODS)})")
    x = operand(a)
    qa = _q_array(q, scale, name)
    if skip_nan and x.size == 0:  # numpy answers nanmean here, whatever q's shape
        from ._nanfuncs import nanmean
        return nanmean(x, axis=axis, keepdims=keepdims)
    _rows(x, axis)  # the axis checks come first
    if skip_nan and x.dtype.kind == "f" and (axis is None or x.ndim == 1) and bool(_export(isnan(x).all())):
        # numpy's one-slice path answers an all-NaN input in the input's type
        return _C.full(float("nan"), list(qa.shape) + ([1] * x.ndim if keepdims else []), x._dtype_char)
    discrete = method in _DISCRETE
    rdt = x.dtype if discrete else _result_dtype(x, q)
    rows, keep = _rows(x, axis)
    n = rows.shape[-1]
    s = sort(cast(rows, rdt), axis=-1)
    batch = list(rows.shape[:-1])
    qf = operand(qa.reshape(-1))  # (Q,)
    if skip_nan and rdt.kind == "f":
        cnt = _sum(isnan(s) == False, axis=-1, keepdims=True)  # noqa: E712 (elementwise)
    else:
        cnt = _C.full_int(n, batch + [1], "l")
    vi, g = _virtual_index(method, qf, cast(cnt, _np.float64))  # (batch, Q)
    top = cast(cnt - 1, _np.float64)
    lo = floor(vi)
    lo = where(vi < 0, 0.0, where(vi >= top, where(top < 0, 0.0, top), lo))  # numpy: both ends clamp to one element
    hi = where((vi < 0) | (vi >= top), lo, lo + 1)
    lo_i, hi_i = _export(cast(lo, _np.int64)), _export(cast(hi, _np.int64))
    if n == 0:
        if not skip_nan:  # numpy fails looking at the last element of the empty axis
            raise IndexError("index -1 is out of bounds for axis 0 with size 0")
        r = _C.full(float("nan"), batch + [qa.size], rdt.char)
    else:
        va, vb = take_along_axis(s, lo_i, -1), take_along_axis(s, hi_i, -1)
        r = va if discrete else _lerp(va, vb, cast(g, rdt))
        if rdt.kind == "f":  # a NaN in a slice (or an all-NaN slice when skipping them) gives NaN
            bad = (cnt == 0) if skip_nan else isnan(s[..., n - 1:])
            r = where(bad, _np.nan, r)
    r = moveaxis(r, -1, 0)  # q dims first, as numpy
    out_shape = list(qa.shape) + (keep if keepdims else batch)
    return cast(reshape(r, out_shape), rdt)


def quantile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, *, weights=None,
             interpolation=None):
    if out is not None or weights is not None:
        raise TypeError("quantile: out= and weights= are not supported by mnnx")
    return _quantile(a, q, 1, "Quantiles", axis, interpolation or method, keepdims, False)


def percentile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, *, weights=None,
               interpolation=None):
    if out is not None or weights is not None:
        raise TypeError("percentile: out= and weights= are not supported by mnnx")
    return _quantile(a, q, 100, "Percentiles", axis, interpolation or method, keepdims, False)


def nanquantile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, *,
                weights=None, interpolation=None):
    if out is not None or weights is not None:
        raise TypeError("nanquantile: out= and weights= are not supported by mnnx")
    return _quantile(a, q, 1, "Quantiles", axis, interpolation or method, keepdims, True)


def nanpercentile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, *,
                  weights=None, interpolation=None):
    if out is not None or weights is not None:
        raise TypeError("nanpercentile: out= and weights= are not supported by mnnx")
    return _quantile(a, q, 100, "Percentiles", axis, interpolation or method, keepdims, True)


def _median(a, axis, keepdims, skip_nan):
    """The mean of the two middle values (numpy's median is a mean, not a lerp)."""
    x = operand(a)
    if skip_nan and x.size == 0:
        from ._nanfuncs import nanmean
        return nanmean(x, axis=axis, keepdims=keepdims)
    rows, keep = _rows(x, axis)
    n = rows.shape[-1]
    batch = list(rows.shape[:-1])
    rdt = x.dtype if x.dtype.kind == "f" else _np.dtype(_np.float64)
    if n == 0:
        return _C.full(float("nan"), keep if keepdims else batch, rdt.char)
    s = sort(rows, axis=-1)
    if skip_nan and x.dtype.kind == "f":
        cnt = _sum(isnan(s) == False, axis=-1, keepdims=True)  # noqa: E712
    else:
        cnt = _C.full_int(n, batch + [1], "l")
    lo = _export(where(cnt > 0, (cnt - 1) // 2, 0))
    hi = _export(where(cnt > 0, cnt // 2, 0))
    from ._shape import concatenate
    pair = concatenate([take_along_axis(s, lo, -1), take_along_axis(s, hi, -1)], axis=-1)
    r = _mean(pair, axis=-1, keepdims=True)
    if x.dtype.kind == "f":
        r = where((cnt == 0) if skip_nan else isnan(s[..., n - 1:]), _np.nan, r)
    return cast(reshape(r, keep if keepdims else batch), rdt)


def median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    if out is not None:
        raise TypeError("median: out= is not supported by mnnx")
    return _median(a, axis, keepdims, False)


def nanmedian(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    if out is not None:
        raise TypeError("nanmedian: out= is not supported by mnnx")
    return _median(a, axis, keepdims, True)

