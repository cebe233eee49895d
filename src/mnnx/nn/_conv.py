"""Convolutions (torch.nn.functional spellings, NCHW). Bias is an ordinary broadcast add, which the
scheduler fuses into the convolution's epilogue together with any activation that follows."""
from .. import _C
from .._tensor import operand
from ..numpy import concatenate, zeros

__all__ = ["conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d"]


def reshape(x, shape):
    """A graph reshape: these operands are the conv's own, never a view the caller holds (numpy's
    view-tracking reshape cost a third of a small conv2d call)."""
    return _C.reshape(x, list(shape))


def _pair(v, name, n=2):
    if type(v) is int:  # the common case first: this is on every call's path
        return (v,) * n
    if isinstance(v, (tuple, list)):
        if len(v) == 1:
            v = tuple(v) * n
        if len(v) != n:
            raise ValueError(f"{name} must be an int or a tuple of {n} ints, got {v!r}")
        return tuple(int(x) for x in v)
    return (int(v),) * n


def _pad_end(x, axis, n):
    """Zeros appended along an axis: 'same' padding that is not symmetric."""
    if n == 0:
        return x
    shape = list(x.shape)
    shape[axis] = n
    return concatenate([x, zeros(tuple(shape), dtype=x.dtype)], axis=axis)


def _callers_shapes(fn, x, w, *args):
    """Run a conv on reshaped operands; errors name the shapes the caller passed."""
    try:
        return fn(*args)
    except ValueError as e:
        msg = str(e).split("; input (")[0]
        raise ValueError(f"{msg}; input {tuple(x.shape)}, weight {tuple(w.shape)}") from None


def _bias(y, bias, out_channels, name):
    if bias is None:
        return y
    b = operand(bias)
    if b.ndim != 1 or b.shape[0] != out_channels:
        raise ValueError(f"{name}: bias must have shape ({out_channels},), got {tuple(b.shape)}")
    return y + _C.reshape(b, [1, out_channels] + [1] * (y.ndim - 2))


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):  # noqa: A002
    x, w = operand(input), operand(weight)
    if x.ndim not in (3, 4):
        raise ValueError(f"conv2d: expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, got shape {tuple(x.shape)}")
    if x.ndim == 3:
        y = _callers_shapes(conv2d, x, w, reshape(x, (1,) + x.shape), w, bias, stride, padding, dilation, groups)
        return reshape(y, y.shape[1:])
    s, d = _pair(stride, "stride"), _pair(dilation, "dilation")
    if w.ndim != 4:
        raise ValueError(f"conv2d: expected a 4-D weight (O, C/groups, KH, KW), got shape {tuple(w.shape)}")
    extra = (0, 0)
    if isinstance(padding, str):
        if padding == "valid":
            p = (0, 0)
        elif padding == "same":
            if s != (1, 1):
                raise ValueError("padding='same' is not supported for strided convolutions")
            tot = [d[i] * (w.shape[2 + i] - 1) for i in range(2)]
            p = (tot[0] // 2, tot[1] // 2)
            extra = (tot[0] - 2 * p[0], tot[1] - 2 * p[1])
        else:
            raise ValueError(f"Invalid padding string {padding!r}, should be one of ('valid', 'same')")
    else:
        p = _pair(padding, "padding")
    if extra != (0, 0):
        x = _pad_end(_pad_end(x, 2, extra[0]), 3, extra[1])
    y = _C.conv2d(x, w, [s[0], s[1], p[0], p[1], d[0], d[1], int(groups)])
    return _bias(y, bias, w.shape[0], "conv2d")


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):  # noqa: A002
    x, w = operand(input), operand(weight)
    if x.ndim not in (2, 3):
        raise ValueError(f"conv1d: expected a 2-D (C, L) or 3-D (N, C, L) input, got shape {tuple(x.shape)}")
    if w.ndim != 3:
        raise ValueError(f"conv1d: expected a 3-D weight (O, C/groups, K), got shape {tuple(w.shape)}")
    squeeze = x.ndim == 2
    if squeeze:
        x = reshape(x, (1,) + x.shape)
    p = padding if isinstance(padding, str) else (0, _pair(padding, "padding", 1)[0])
    y = _callers_shapes(conv2d, operand(input), w, reshape(x, x.shape[:2] + (1, x.shape[2])),
                        reshape(w, w.shape[:2] + (1, w.shape[2])), bias, (1, _pair(stride, "stride", 1)[0]), p,
                        (1, _pair(dilation, "dilation", 1)[0]), groups)
    y = reshape(y, y.shape[:2] + y.shape[3:])
    return reshape(y, y.shape[1:]) if squeeze else y


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):  # noqa: A002
    x, w = operand(input), operand(weight)
    if x.ndim not in (3, 4):
        raise ValueError(f"conv_transpose2d: expected a 3-D or 4-D input, got shape {tuple(x.shape)}")
    if x.ndim == 3:
        y = _callers_shapes(conv_transpose2d, x, w, reshape(x, (1,) + x.shape), w, bias, stride, padding,
                            output_padding, groups, dilation)
        return reshape(y, y.shape[1:])
    if w.ndim != 4:
        raise ValueError(f"conv_transpose2d: expected a 4-D weight (C, O/groups, KH, KW), got shape {tuple(w.shape)}")
    s, p, op, d = (_pair(v, n) for v, n in ((stride, "stride"), (padding, "padding"), (output_padding, "output_padding"),
                                              (dilation, "dilation")))
    y = _C.conv_transpose2d(x, w, [s[0], s[1], p[0], p[1], d[0], d[1], int(groups), op[0], op[1]])
    return _bias(y, bias, w.shape[1] * int(groups), "conv_transpose2d")


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):  # noqa: A002
    x, w = operand(input), operand(weight)
    if x.ndim not in (2, 3):
        raise ValueError(f"conv_transpose1d: expected a 2-D or 3-D input, got shape {tuple(x.shape)}")
    if w.ndim != 3:
        raise ValueError(f"conv_transpose1d: expected a 3-D weight (C, O/groups, K), got shape {tuple(w.shape)}")
    squeeze = x.ndim == 2
    if squeeze:
        x = reshape(x, (1,) + x.shape)
    one = lambda v, n: (0 if n in ("padding", "output_padding") else 1, _pair(v, n, 1)[0])  # noqa: E731
    y = _callers_shapes(conv_transpose2d, operand(input), w, reshape(x, x.shape[:2] + (1, x.shape[2])),
                        reshape(w, w.shape[:2] + (1, w.shape[2])), bias, one(stride, "stride"), one(padding, "padding"),
                        one(output_padding, "output_padding"), groups, one(dilation, "dilation"))
    y = reshape(y, y.shape[:2] + y.shape[3:])
    return reshape(y, y.shape[1:]) if squeeze else y
