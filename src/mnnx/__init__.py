"""mnnx: numpy-style code, MNN-style expressions and PyTorch-style training on one lazy graph,
compiled into fused, memory-planned, multi-threaded native kernels."""
from . import _C
from ._tensor import Var, Var as Tensor
from . import numpy, debug, expr, nn, cv  # noqa: F401
from .autograd import tensor, grad, value_and_grad, no_grad, enable_grad, set_grad_enabled, is_grad_enabled  # noqa: F401

__version__ = "0.1.0"


def eval(*vars):  # noqa: A001 (MNN and MLX spell it so)
    """Realize every given array in one plan."""
    _C.realize([v for v in vars if isinstance(v, Var)])
    return vars[0] if len(vars) == 1 else vars


def set_num_threads(n):
    """Threads the kernels split their work over (default: the machine's cores)."""
    _C.set_num_threads(int(n))


def get_num_threads():
    return _C.get_num_threads()


__all__ = ["Var", "Tensor", "eval", "set_num_threads", "get_num_threads", "tensor", "numpy", "debug", "expr", "nn",
           "cv", "grad", "value_and_grad", "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled"]
