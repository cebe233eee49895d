"""Normalization and softmax with torch.nn.functional's names and semantics.

layer_norm, group_norm, instance_norm, softmax and log_softmax run on the engine's two-pass row
kernels (over the last axis: normalized dims are flattened into it, other softmax dims moved to it);
batch_norm is a fused elementwise expression in inference and mnnx.numpy reductions in training.

Running statistics: in training mode batch_norm / instance_norm write the updated statistics into a
mnnx array passed as running_mean / running_var (lazily, as every mnnx write) or into a numpy array
(which computes them then), as torch updates its buffers in place."""
import math
import warnings

import numpy as _np

from .. import _C
from .._tensor import Var, OPS, operand, cast
from .. import numpy as _mnp

__all__ = ["batch_norm", "instance_norm", "layer_norm", "group_norm", "rms_norm", "softmax", "log_softmax",
           "softmin", "normalize"]


def _per_channel(p, C, ndim, what, name):
    """A (C,) parameter as (C, 1, ..., 1), broadcasting against (N, C, *)."""
    p = operand(p)
    if p.size != C:
        raise ValueError(f"{name}: {what} should contain {C} elements, got shape {p.shape}")
    return _C.reshape(p, [C] + [1] * (ndim - 2))


def _once(e):
    """e (a small array) computed in its own kernel. Otherwise the scheduler inlines it, broadcast,
    into the large elementwise kernel that reads it and evaluates its sqrt and divide per element
    (measured: 8x slower batch_norm); a reduction is always a kernel of its own, so summing over a
    new axis of length 1 computes e once per channel."""
    return _C.reduce(OPS["sum"], _C.reshape(e, [1] + list(e.shape)), [0], False)


def _update(stat, new, what, name):
    """torch updates running statistics in place; so do we (a mnnx write reaches the array's views too)."""
    if isinstance(stat, Var):
        stat._rebind(cast(_C.reshape(new, list(stat.shape)), stat.dtype))
    elif isinstance(stat, _np.ndarray) and stat.flags.writeable:
        _np.copyto(stat, _np.asarray(new).reshape(stat.shape), casting="unsafe")
    else:
        raise TypeError(f"{name}: {what} must be a mnnx array or a writable numpy array to be updated in training mode, "
                        f"got {type(stat).__name__}")


def _check_momentum(momentum, name):
    if momentum is None or isinstance(momentum, bool) or not isinstance(momentum, (int, float)):
        raise TypeError(f"{name}: momentum must be a float, got {momentum!r}")


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    x = operand(input)
    name = "batch_norm"
    if x.ndim < 2:
        raise ValueError(f"{name}: expected an input of shape (N, C, *) with at least 2 dimensions, got shape {x.shape}")
    C, nd = x.shape[1], x.ndim
    w = None if weight is None else _per_channel(weight, C, nd, "weight", name)
    b = None if bias is None else _per_channel(bias, C, nd, "bias", name)
    if training:
        n = x.size // C if C else 0
        if n <= 1:
            raise ValueError(f"{name}: expected more than 1 value per channel when training, got input of shape {x.shape}")
        rm = None if running_mean is None else _per_channel(running_mean, C, nd, "running_mean", name)
        rv = None if running_var is None else _per_channel(running_var, C, nd, "running_var", name)
        _check_momentum(momentum, name)
        axes = (0,) + tuple(range(2, nd))
        mean = _mnp.mean(x, axis=axes, keepdims=True)
        d = x - mean
        var = _mnp.mean(d * d, axis=axes, keepdims=True)  # biased, as torch normalizes with
        mu = mean
        if rm is not None:
            _update(running_mean, (1.0 - momentum) * rm + momentum * mean, "running_mean", name)
        if rv is not None:
            _update(running_var, (1.0 - momentum) * rv + (momentum * n / (n - 1)) * var, "running_var", name)
    else:
        if running_mean is None or running_var is None:
            raise ValueError(f"{name}: running_mean and running_var must be given when training=False")
        mu = _per_channel(running_mean, C, nd, "running_mean", name)
        var = _per_channel(running_var, C, nd, "running_var", name)
    # torch's form: x * scale + shift, scale and shift computed once per channel
    scale = 1.0 / _mnp.sqrt(var + eps)
    if w is not None:
        scale = scale * w
    shift = -mu * scale
    if b is not None:
        shift = shift + b
    return x * _once(scale) + _once(shift)


def _trailing(x, shape, name):
    """normalized_shape as a tuple that must end x's shape."""
    ns = (shape,) if isinstance(shape, int) or hasattr(shape, "__index__") else tuple(shape)
    ns = tuple(int(s) for s in ns)
    k = len(ns)
    if k == 0 or x.ndim < k or tuple(x.shape[x.ndim - k:]) != ns:
        raise ValueError(f"{name}: given normalized_shape={list(ns)}, expected an input with shape [*, "
                         f"{', '.join(map(str, ns))}], but got input of shape {x.shape}")
    return ns


def _affine(p, ns, what, name):
    if p is None:
        return None
    p = operand(p)
    if tuple(p.shape) != ns:
        raise ValueError(f"{name}: {what} must have shape {ns} (normalized_shape), got {p.shape}")
    return _C.reshape(p, [math.prod(ns)])


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    x = operand(input)
    ns = _trailing(x, normalized_shape, "layer_norm")
    D = math.prod(ns)
    w, b = _affine(weight, ns, "weight", "layer_norm"), _affine(bias, ns, "bias", "layer_norm")
    if (w is None) != (b is None):  # the row kernel takes both or neither
        w = _mnp.ones(D, dtype=x.dtype) if w is None else w
        b = _mnp.zeros(D, dtype=x.dtype) if b is None else b
    lead = list(x.shape[:x.ndim - len(ns)])
    r = _C.rownorm(OPS["layer_norm"], _C.reshape(x, lead + [D]), w, b, float(eps))
    return _C.reshape(r, list(x.shape))


def rms_norm(input, normalized_shape, weight=None, eps=None):
    x = operand(input)
    ns = _trailing(x, normalized_shape, "rms_norm")
    w = _affine(weight, ns, "weight", "rms_norm")
    if eps is None:
        eps = float(_np.finfo(x.dtype).eps) if x.dtype.kind == "f" else float(_np.finfo(_np.float32).eps)
    axes = tuple(range(x.ndim - len(ns), x.ndim))
    y = x * _once(1.0 / _mnp.sqrt(_mnp.mean(x * x, axis=axes, keepdims=True) + eps))
    return y if w is None else y * _C.reshape(w, list(ns))


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    x = operand(input)
    name = "group_norm"
    if x.ndim < 2:
        raise ValueError(f"{name}: expected an input of shape (N, C, *) with at least 2 dimensions, got shape {x.shape}")
    N, C, nd = x.shape[0], x.shape[1], x.ndim
    G = int(num_groups)
    if G <= 0 or C % G:
        raise ValueError(f"{name}: expected the number of channels in input to be divisible by num_groups, "
                         f"got input of shape {x.shape} and num_groups={num_groups}")
    if N and x.size // G == 1:  # torch's _verify_batch_size on (N * C / G, G, *spatial)
        raise ValueError(f"{name}: expected more than 1 value per channel, got input of shape {x.shape} and "
                         f"num_groups={num_groups}")
    w = None if weight is None else _per_channel(weight, C, nd, "weight", name)
    b = None if bias is None else _per_channel(bias, C, nd, "bias", name)
    per_group = x.size // (N * G) if N else 0
    r = _C.rownorm(OPS["layer_norm"], _C.reshape(x, [N, G, per_group]), None, None, float(eps))
    y = _C.reshape(r, list(x.shape))
    if w is not None:
        y = y * w
    if b is not None:
        y = y + b
    return y


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
                  momentum=0.1, eps=1e-5):
    x = operand(input)
    name = "instance_norm"
    if not use_input_stats:
        return batch_norm(x, running_mean, running_var, weight, bias, False, momentum, eps)
    if x.ndim < 3:
        raise ValueError(f"{name}: expected an input of shape (N, C, *) with at least 3 dimensions, got shape {x.shape}")
    N, C, nd = x.shape[0], x.shape[1], x.ndim
    n = x.size // (N * C) if N * C else 0
    if n <= 1:
        raise ValueError(f"{name}: expected more than 1 spatial element when training, got input of shape {x.shape}")
    if running_mean is not None or running_var is not None:
        _check_momentum(momentum, name)
        axes = tuple(range(2, nd))
        mean = _mnp.mean(x, axis=axes, keepdims=True)
        d = x - mean
        var = _mnp.sum(d * d, axis=axes, keepdims=True) * (1.0 / (n - 1))
        if running_mean is not None:
            rm = _per_channel(running_mean, C, 3, "running_mean", name)
            _update(running_mean, (1.0 - momentum) * rm + momentum * _mnp.mean(_C.reshape(mean, [N, C, 1]), axis=0),
                    "running_mean", name)
        if running_var is not None:
            rv = _per_channel(running_var, C, 3, "running_var", name)
            _update(running_var, (1.0 - momentum) * rv + momentum * _mnp.mean(_C.reshape(var, [N, C, 1]), axis=0),
                    "running_var", name)
    return group_norm(x, C, weight, bias, eps)


def _softmax_dim(x, dim, name):
    if dim is None:  # torch's legacy implicit choice
        warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X "
                      "as an argument.", UserWarning, stacklevel=3)
        return 0 if x.ndim in (0, 1, 3) else 1
    return dim


def _row(op, input, dim, dtype, name):
    x = operand(input)
    if dtype is not None:
        x = cast(x, dtype)
    dim = _softmax_dim(x, dim, name)
    if x.ndim == 0:
        if dim not in (0, -1):
            raise IndexError(f"{name}: dimension out of range (expected to be in range of [-1, 0], but got {dim})")
        return _C.reshape(_C.rownorm(OPS[op], _C.reshape(x, [1]), None, None, 0.0), [])
    if isinstance(dim, bool) or not hasattr(dim, "__index__"):
        raise TypeError(f"{name}: dim must be an int, got {dim!r}")
    ax = dim.__index__()
    if not -x.ndim <= ax < x.ndim:
        raise IndexError(f"{name}: dimension out of range (expected to be in range of [{-x.ndim}, {x.ndim - 1}], "
                         f"but got {dim})")
    ax %= x.ndim
    if ax == x.ndim - 1:
        return _C.rownorm(OPS[op], x, None, None, 0.0)
    # another axis: two reductions and a pass over x (the row kernel would read strided rows, ~5x
    # slower than this on (1024, 4096) over axis 0); float16 computes in float32, as the row kernel
    if x.dtype.kind != "f":
        raise TypeError(f"{name} needs a floating-point input, got {x.dtype}")
    y = cast(x, _np.float32) if x.dtype == _np.float16 else x
    d = y - _mnp.max(y, axis=ax, keepdims=True)
    if op == "softmax":
        e = _mnp.exp(d)
        r = e / _mnp.sum(e, axis=ax, keepdims=True)
    else:
        r = d - _mnp.log(_mnp.sum(_mnp.exp(d), axis=ax, keepdims=True))
    return cast(r, x.dtype) if y is not x else r


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    return _row("softmax", input, dim, dtype, "softmax")


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    return _row("log_softmax", input, dim, dtype, "log_softmax")


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    x = operand(input)
    if dtype is not None:
        x = cast(x, dtype)
    return _row("softmax", -x, _softmax_dim(x, dim, "softmin"), None, "softmin")


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """input / max(||input||_p along dim, eps)."""
    if out is not None:
        raise TypeError("normalize: out= is not supported by mnnx")
    x = operand(input)
    if p == 2:
        n = _mnp.sqrt(_mnp.sum(x * x, axis=dim, keepdims=True))
    elif p == 1:
        n = _mnp.sum(_mnp.abs(x), axis=dim, keepdims=True)
    elif p == math.inf:
        n = _mnp.max(_mnp.abs(x), axis=dim, keepdims=True)
    elif p == -math.inf:
        n = _mnp.min(_mnp.abs(x), axis=dim, keepdims=True)
    elif p == 0:
        n = cast(_mnp.sum(x != 0, axis=dim, keepdims=True), x.dtype)
    else:
        n = _mnp.sum(_mnp.abs(x) ** float(p), axis=dim, keepdims=True) ** (1.0 / p)
    return x / _mnp.maximum(n, eps)
