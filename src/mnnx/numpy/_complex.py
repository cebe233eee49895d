"""Complex numbers. mnnx arrays have no complex dtype, so complex data is numpy's own arrays (mnp.fft
returns them). So that a numpy script still runs with `import mnnx.numpy as np`, every mnnx.numpy
function given complex input (or asked for a complex dtype) hands the whole call to numpy's function
of the same name: same results, computed eagerly by numpy; real array results come back as mnnx
arrays. The check costs nothing on real input: the engine's dtype conversion raises ComplexInput
and only then does the wrapper step in."""
import functools
import types

import numpy as _np

from .. import _C
from .._tensor import ComplexInput, Var, _unwrap as _to_numpy, asarray, operand
from . import _creation

__all__ = ["real", "imag", "conj", "conjugate", "angle", "iscomplexobj", "isrealobj", "iscomplex", "isreal"]


def _from_numpy(r):
    if isinstance(r, _np.ndarray) and r.dtype.kind != "c":
        try:
            return asarray(r)
        except TypeError:  # object, strings, ...: numpy's
            return r
    if isinstance(r, tuple):
        return tuple(_from_numpy(v) for v in r)
    return r


def numpy_fallback(name, f, module=_np):
    """f, or numpy's `name` when f meets complex data."""
    np_f = getattr(module, name)

    @functools.wraps(f)
    def call(*args, **kw):
        try:
            return f(*args, **kw)
        except ComplexInput:
            return _from_numpy(np_f(*_to_numpy(args), **{k: _to_numpy(v) for k, v in kw.items()}))
    return call


def wrap_namespace(ns, names, module=_np):
    for n in names:
        f = ns.get(n)
        if isinstance(f, types.FunctionType) and hasattr(module, n):
            ns[n] = numpy_fallback(n, f, module)


# ---- the complex-number functions, on real mnnx arrays (complex input goes to numpy, above) ----

def real(val):
    return operand(val)


def imag(val):
    x = operand(val)
    return _creation.zeros(x.shape, x.dtype)


def conjugate(x, /):
    return _C.copy(operand(x))


conj = conjugate


def angle(z, deg=False):
    from ._ufuncs import arctan2
    x = operand(z)
    a = arctan2(_creation.zeros(x.shape, _np.float64 if x.dtype.kind in "biu" else x.dtype), x)  # pi for x < 0 (and -0.0)
    return a * (180.0 / _np.pi) if deg else a


def iscomplexobj(x):
    return not isinstance(x, Var) and _np.iscomplexobj(x)


def isrealobj(x):
    return not iscomplexobj(x)


def iscomplex(x):
    v = operand(x)
    return _creation.zeros(v.shape, bool)


def isreal(x):
    v = operand(x)
    return _creation.ones(v.shape, bool)
