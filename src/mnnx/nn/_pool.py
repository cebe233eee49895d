"""Pooling with torch.nn.functional's names, signatures and semantics (NCHW, or unbatched CHW).

Each call is one dense node (nn/pool.cpp), checked when it is built; an elementwise consumer fuses
into it. return_indices adds a second node computing torch's flat h * W + w indices (int64), so the
values path stays lean. Global pooling (output size 1) is an ordinary reduction, which also fuses
its elementwise producers."""
import builtins

from .. import _C
from .._tensor import operand, OPS
from ..numpy import _reductions as _red

__all__ = ["max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d", "adaptive_avg_pool1d", "adaptive_avg_pool2d",
           "adaptive_max_pool1d", "adaptive_max_pool2d"]


def _int(v, what, name):
    if isinstance(v, bool) or not hasattr(v, "__index__"):
        raise TypeError(f"{name}: {what} must be an int or a tuple of ints, got {v!r}")
    return v.__index__()


def _pair(v, what, name, n=2):
    """torch's _pair/_single: an int repeats; a sequence must have n (or, like torch, 1) entries."""
    if isinstance(v, (tuple, list)):
        if len(v) == 1:
            v = tuple(v) * n
        if len(v) != n:
            raise ValueError(f"{name}: {what} must be an int or a tuple of {n} ints, got {v!r}")
        return [_int(x, what, name) for x in v]
    return [_int(v, what, name)] * n


def _stride(stride, kernel, name, n=2):
    if stride is None or (isinstance(stride, (tuple, list)) and len(stride) == 0):
        return list(kernel)
    return _pair(stride, "stride", name, n)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    x = operand(input)
    k = _pair(kernel_size, "kernel_size", "max_pool2d")
    args = (k, _stride(stride, k, "max_pool2d"), _pair(padding, "padding", "max_pool2d"),
            _pair(dilation, "dilation", "max_pool2d"), bool(ceil_mode))
    values = _C.max_pool2d(x, *args, False)
    if return_indices:
        return values, _C.max_pool2d(x, *args, True)
    return values


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    x = operand(input)
    k = _pair(kernel_size, "kernel_size", "avg_pool2d")
    div = 0 if divisor_override is None else _int(divisor_override, "divisor_override", "avg_pool2d")
    if divisor_override is not None and div == 0:
        raise ValueError("avg_pool2d: divisor_override must be nonzero")
    return _C.avg_pool2d(x, k, _stride(stride, k, "avg_pool2d"), _pair(padding, "padding", "avg_pool2d"),
                         bool(ceil_mode), bool(count_include_pad), div)


def _output_size(output_size, x, name, n=2):
    sizes = list(output_size) if isinstance(output_size, (tuple, list)) else [output_size] * n
    if len(sizes) != n:
        raise ValueError(f"{name}: output_size must be an int or a tuple of {n}, got {output_size!r}")
    # None keeps the input's size along that axis (torch)
    return [x.shape[x.ndim - n + i] if s is None else _int(s, "output_size", name) for i, s in enumerate(sizes)]


def _global_ok(x, out):
    """Output 1x1 of a valid input: a reduction over H and W does it (and fuses with producers)."""
    return (out == [1, 1] and x.ndim in (3, 4) and x.dtype.char in "fd"
            and builtins.all(d > 0 for d in x.shape[-3:]))


def adaptive_avg_pool2d(input, output_size):
    x = operand(input)
    out = _output_size(output_size, x, "adaptive_avg_pool2d")
    if _global_ok(x, out):
        return _red.mean(x, axis=(-2, -1), keepdims=True)
    return _C.adaptive_pool2d(OPS["avg_pool2d"], x, *out)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    x = operand(input)
    out = _output_size(output_size, x, "adaptive_max_pool2d")
    if _global_ok(x, out) and not return_indices:
        return _red.max(x, axis=(-2, -1), keepdims=True)
    values = _C.adaptive_pool2d(OPS["max_pool2d"], x, *out)
    if return_indices:
        return values, _C.adaptive_pool2d(OPS["max_pool2d_indices"], x, *out)
    return values


# 1-D pooling: (N, C, L) or (C, L) as a 2-D pool over (.., 1, L); the flat indices are then l.
def _as_2d(x, name):
    if x.ndim not in (2, 3):
        raise ValueError(f"{name}: expected a 2-D (C, L) or 3-D (N, C, L) input, got shape {x.shape}")
    return _C.reshape(x, list(x.shape[:-1]) + [1, x.shape[-1]])


def _as_1d(y):
    return _C.reshape(y, list(y.shape[:-2]) + [y.shape[-1]])


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    x = operand(input)
    name = "max_pool1d"
    k = _pair(kernel_size, "kernel_size", name, 1)
    r = max_pool2d(_as_2d(x, name), [1] + k, [1] + _stride(stride, k, name, 1), [0] + _pair(padding, "padding", name, 1),
                   [1] + _pair(dilation, "dilation", name, 1), ceil_mode, return_indices)
    return (_as_1d(r[0]), _as_1d(r[1])) if return_indices else _as_1d(r)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    x = operand(input)
    name = "avg_pool1d"
    k = _pair(kernel_size, "kernel_size", name, 1)
    return _as_1d(avg_pool2d(_as_2d(x, name), [1] + k, [1] + _stride(stride, k, name, 1),
                             [0] + _pair(padding, "padding", name, 1), ceil_mode, count_include_pad))


def adaptive_avg_pool1d(input, output_size):
    x = operand(input)
    out = _output_size(output_size, x, "adaptive_avg_pool1d", 1)
    return _as_1d(adaptive_avg_pool2d(_as_2d(x, "adaptive_avg_pool1d"), [1] + out))


def adaptive_max_pool1d(input, output_size, return_indices=False):
    x = operand(input)
    out = _output_size(output_size, x, "adaptive_max_pool1d", 1)
    r = adaptive_max_pool2d(_as_2d(x, "adaptive_max_pool1d"), [1] + out, return_indices)
    return (_as_1d(r[0]), _as_1d(r[1])) if return_indices else _as_1d(r)
