"""mnnx.expr: MNN.expr's spellings (``import mnnx.expr as F``) over the same lazy Var.

Data formats are accepted for compatibility; arrays are NCHW/row-major throughout."""
import builtins as _b

import numpy as _np

from . import _C
from ._tensor import Var, OPS as _OPS, operand, cast as _cast
from . import numpy as _mnp
from .numpy import _shape as _S

NCHW, NHWC, NC4HW4 = "NCHW", "NHWC", "NC4HW4"
float, double, int, int64, uint8 = _np.float32, _np.float64, _np.int32, _np.int64, _np.uint8  # noqa: A001
data_format = NCHW


def const(value, shape=None, data_format=NCHW, dtype=None):
    """A constant Var from a number, list or ndarray (copied, so later changes to it do not leak in)."""
    arr = _np.array(value, dtype=dtype)
    if shape is not None:
        arr = arr.reshape(shape)
    return _mnp.asarray(arr)


def scalar(value, dtype=None):
    return const(value, dtype=dtype)


def placeholder(shape=(), data_format=NCHW, dtype=float):
    """An input to fill with ``var.write(ndarray)``; expressions built on it and not yet computed
    read whatever was written last."""
    return _mnp.zeros(tuple(shape), dtype).realize()


def _write(self, value):
    arr = _np.ascontiguousarray(value, dtype=self.dtype)
    if arr.shape != self.shape:
        arr = arr.reshape(self.shape)
    _C.write(self, arr)


def _read(self):
    return self._numpy()


Var.write = _write
Var.read = _read

# elementwise
add, subtract, multiply, divide = _mnp.add, _mnp.subtract, _mnp.multiply, _mnp.divide
pow, minimum, maximum = _mnp.power, _mnp.minimum, _mnp.maximum  # noqa: A001
greater, greater_equal, less, less_equal, equal, not_equal = (
    _mnp.greater, _mnp.greater_equal, _mnp.less, _mnp.less_equal, _mnp.equal, _mnp.not_equal)
floor_div, floor_mod = _mnp.floor_divide, _mnp.remainder
abs, negative, sign, floor, ceil, round = _mnp.abs, _mnp.negative, _mnp.sign, _mnp.floor, _mnp.ceil, _mnp.rint  # noqa: A001
square, sqrt, exp, log, log1p, expm1 = _mnp.square, _mnp.sqrt, _mnp.exp, _mnp.log, _mnp.log1p, _mnp.expm1
sin, cos, tan, asin, acos, atan, atan2 = _mnp.sin, _mnp.cos, _mnp.tan, _mnp.arcsin, _mnp.arccos, _mnp.arctan, _mnp.arctan2
sinh, cosh, tanh, sigmoid, erf = _mnp.sinh, _mnp.cosh, _mnp.tanh, _mnp.sigmoid, _mnp.erf
reciprocal = _mnp.reciprocal
logical_or, logical_and, logical_not = _mnp.logical_or, _mnp.logical_and, _mnp.logical_not


def rsqrt(x):
    return 1.0 / _mnp.sqrt(x)


def squared_difference(x, y):
    d = operand(x) - operand(y)
    return d * d


def bias_add(value, bias):
    """value + bias along the channel axis (axis 1 of NCHW, the last axis of a 2-D value)."""
    v, b = operand(value), operand(bias)
    if v.ndim >= 3:
        return v + _C.reshape(b, [-1] + [1] * (v.ndim - 2))
    return v + b


def relu(x, slope=0.0):
    x = operand(x)
    # torch's gradient at 0 is 0 (maximum would split it); NaN passes through
    return _mnp.where(x > 0, x, x * slope) if slope else _mnp.where(x <= 0, 0, x)


def relu6(x, min_value=0.0, max_value=6.0):
    return _mnp.clip(operand(x), min_value, max_value)


def softplus(x):
    x = operand(x)
    return _mnp.maximum(x, 0) + _mnp.log1p(_mnp.exp(-_mnp.abs(x)))


def softsign(x):
    x = operand(x)
    return x / (1 + _mnp.abs(x))


def hardswish(x):
    x = operand(x)
    return x * _mnp.clip(x + 3.0, 0.0, 6.0) / 6.0


def _rownorm(op, x, axis, w=None, b=None, eps=0.0):
    x = operand(x)
    ax = _S._norm_axis(axis, x.ndim)
    last = ax == x.ndim - 1
    y = x if last else _S.moveaxis(x, ax, -1)
    r = _C.rownorm(_OPS[op], y, w, b, eps)
    return r if last else _S.moveaxis(r, -1, ax)


def softmax(x, axis=-1):
    """exp(x - max) / sum over `axis`, in one two-pass kernel."""
    return _rownorm("softmax", x, axis)


def log_softmax(x, axis=-1):
    return _rownorm("log_softmax", x, axis)


def layer_norm(x, weight=None, bias=None, eps=1e-5):
    """Normalize over the last axis: (x - mean) / sqrt(var + eps) * weight + bias."""
    w = operand(weight) if weight is not None else None
    b = operand(bias) if bias is not None else None
    return _rownorm("layer_norm", x, -1, w, b, _b.float(eps))  # module-level `float` is MNN's dtype


# reductions: MNN spells axis as a list, [] meaning all
def _red(f):
    def r(x, axis=None, keepdims=False):
        ax = None if axis is None or (isinstance(axis, (list, tuple)) and len(axis) == 0) else (
            tuple(axis) if isinstance(axis, (list, tuple)) else axis)
        return f(x, axis=ax, keepdims=keepdims)
    return r


reduce_sum, reduce_mean, reduce_max, reduce_min, reduce_prod = map(_red, (_mnp.sum, _mnp.mean, _mnp.max, _mnp.min, _mnp.prod))
reduce_any, reduce_all = _red(_mnp.any), _red(_mnp.all)
argmax, argmin = _mnp.argmax, _mnp.argmin


def cumsum(x, axis=0):
    return _mnp.cumsum(x, axis)


def cumprod(x, axis=0):
    return _mnp.cumprod(x, axis)


# movement
def reshape(x, shape, original_format=NCHW):
    return _mnp.reshape(x, list(shape))


def transpose(x, perm):
    return _mnp.transpose(x, list(perm))


def concat(values, axis):
    return _mnp.concatenate(list(values), axis)


def stack(values, axis=0):
    return _mnp.stack(list(values), axis)


def squeeze(x, axis=None):
    return _mnp.squeeze(x, None if not axis else tuple(axis) if isinstance(axis, (list, tuple)) else axis)


def unsqueeze(x, axis):
    return _mnp.expand_dims(x, tuple(axis) if isinstance(axis, (list, tuple)) else axis)


expand_dims = unsqueeze


def broadcast_to(x, shape):
    return _mnp.broadcast_to(x, list(shape))


def split(x, size_splits, axis=0):
    bounds, acc = [], 0
    for s in list(size_splits)[:-1]:
        acc += s
        bounds.append(acc)
    return _mnp.split(x, bounds, axis)


def tile(x, multiples):
    return _mnp.tile(x, list(multiples))


def cast(x, dtype):
    return _cast(operand(x), dtype)


def select(cond, x, y):
    return _mnp.where(cond, x, y)


def zeros_like(x):
    return _mnp.zeros_like(x)


def ones_like(x):
    return _mnp.ones_like(x)


def range(start, limit, delta=1, dtype=None):  # noqa: A001
    return _mnp.arange(start, limit, delta, dtype=dtype)


def fill(shape, value):
    return _mnp.full(list(_np.asarray(shape).reshape(-1)), value)


def clone(x, deep_copy=False):
    return _C.copy(x) if deep_copy else x


CAFFE, VALID, SAME = "CAFFE", "VALID", "SAME"


def matmul(a, b, transposeA=False, transposeB=False):  # noqa: N803 (MNN's spelling)
    """a @ b with either operand transposed (its last two axes) first; the transposes are read
    through strides, not copied."""
    a, b = operand(a), operand(b)
    if transposeA:
        a = _S.swapaxes(a, -1, -2)
    if transposeB:
        b = _S.swapaxes(b, -1, -2)
    return _mnp.matmul(a, b)


def conv2d(input, weight, bias=None, stride=(1, 1), padding=(0, 0), dilate=(1, 1), group=1,  # noqa: A002
           padding_mode=CAFFE):
    """MNN's conv2d (NCHW input, OIHW weight). padding_mode CAFFE uses `padding`; VALID pads nothing;
    SAME pads so that the output size is ceil(input / stride), the extra row/column at the end."""
    from .nn import _conv
    x, w = operand(input), operand(weight)
    s, d = _conv._pair(stride, "stride"), _conv._pair(dilate, "dilate")
    if padding_mode == SAME:
        if x.ndim != 4 or w.ndim != 4:
            raise ValueError(f"conv2d: expected 4-D input and weight, got {tuple(x.shape)} and {tuple(w.shape)}")
        p = []
        for i in _b.range(2):
            size, k = x.shape[2 + i], d[i] * (w.shape[2 + i] - 1) + 1
            total = _b.max((-(-size // s[i]) - 1) * s[i] + k - size, 0)
            p.append(total // 2)
            x = _conv._pad_end(x, 2 + i, total - 2 * (total // 2))
    elif padding_mode == VALID:
        p = (0, 0)
    elif padding_mode == CAFFE:
        p = _conv._pair(padding, "padding")
    else:
        raise ValueError(f"conv2d: unknown padding_mode {padding_mode!r} (CAFFE, VALID or SAME)")
    from .nn.functional import conv2d as _conv2d
    return _conv2d(x, w, bias, s, tuple(p), d, group)


def lazy_eval(flag=True):
    """mnnx is always lazy; accepted for MNN compatibility."""
    return True


def set_thread_number(n):
    _C.set_num_threads(n)
