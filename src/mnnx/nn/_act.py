"""Activations with torch.nn.functional's names and semantics, composed from mnnx.numpy ufuncs.

They need no kernels of their own: each is a short elementwise expression the scheduler fuses with
its neighbours, so `relu(x @ w + b)` runs as one GEMM whose epilogue adds the bias and clamps.
inplace=True writes the result into the given array (and every view of its data), as torch's does."""
import math

from .._tensor import Var, operand
from .. import numpy as _mnp

__all__ = ["relu", "relu6", "leaky_relu", "hardtanh", "gelu", "silu", "sigmoid", "tanh", "hardswish", "hardsigmoid",
           "elu", "selu", "celu", "softplus", "mish", "logsigmoid", "softsign", "tanhshrink"]

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _done(input, r, inplace):
    if inplace:
        if not isinstance(input, Var):
            raise TypeError("inplace=True needs a mnnx array to rebind")
        input._rebind(r)
        return input
    return r


def relu(input, inplace=False):
    return _done(input, _mnp.maximum(operand(input), 0), inplace)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val ({min_val}) cannot be greater than max_val ({max_val})")
    return _done(input, _mnp.minimum(_mnp.maximum(operand(input), min_val), max_val), inplace)


def relu6(input, inplace=False):
    return hardtanh(input, 0.0, 6.0, inplace)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    x = operand(input)
    return _done(input, _mnp.where(x > 0, x, x * negative_slope), inplace)


def gelu(input, approximate="none"):
    x = operand(input)
    if approximate == "none":
        return x * 0.5 * (1.0 + _mnp.erf(x * (1.0 / math.sqrt(2.0))))
    if approximate == "tanh":
        inner = math.sqrt(2.0 / math.pi) * (x + 0.044715 * (x * x * x))
        return 0.5 * x * (1.0 + _mnp.tanh(inner))
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


def sigmoid(input):
    return _mnp.sigmoid(operand(input))


def tanh(input):
    return _mnp.tanh(operand(input))


def silu(input, inplace=False):
    x = operand(input)
    return _done(input, x * _mnp.sigmoid(x), inplace)


def hardsigmoid(input, inplace=False):
    x = operand(input)
    return _done(input, _mnp.minimum(_mnp.maximum(x + 3.0, 0.0), 6.0) / 6.0, inplace)


def hardswish(input, inplace=False):
    x = operand(input)
    return _done(input, x * _mnp.minimum(_mnp.maximum(x + 3.0, 0.0), 6.0) / 6.0, inplace)


def elu(input, alpha=1.0, inplace=False):
    x = operand(input)
    return _done(input, _mnp.where(x > 0, x, alpha * _mnp.expm1(x)), inplace)


def selu(input, inplace=False):
    x = operand(input)
    return _done(input, _SELU_SCALE * _mnp.where(x > 0, x, _SELU_ALPHA * _mnp.expm1(x)), inplace)


def celu(input, alpha=1.0, inplace=False):
    if alpha == 0:
        raise ValueError("celu: alpha cannot be 0")
    x = operand(input)
    return _done(input, _mnp.where(x > 0, x, alpha * _mnp.expm1(x * (1.0 / alpha))), inplace)


def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + exp(beta x)) / beta, linear where beta x > threshold (torch's numerical cut)."""
    x = operand(input)
    bx = x * beta
    soft = _mnp.log1p(_mnp.exp(bx)) if beta == 1 else _mnp.log1p(_mnp.exp(bx)) / beta
    return _mnp.where(bx > threshold, x, soft)


def mish(input, inplace=False):
    x = operand(input)
    return _done(input, x * _mnp.tanh(_mnp.log1p(_mnp.exp(x))), inplace)


def logsigmoid(input):
    x = operand(input)  # -log(1 + exp(-x)) without overflow on either side
    return _mnp.minimum(x, 0) - _mnp.log1p(_mnp.exp(-_mnp.abs(x)))


def softsign(input):
    x = operand(input)
    return x / (1 + _mnp.abs(x))


def tanhshrink(input):
    x = operand(input)
    return x - _mnp.tanh(x)
