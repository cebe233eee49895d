"""ndarray methods, attached to the one array type."""
import numpy as _np

from .. import _C
from .._tensor import Var, cast
from . import _alias, _creation, _indexing, _reductions as R, _shape as S, _ufuncs as U


def _shape_args(args):
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        return list(args[0])
    return list(args)


def _reshape(self, *shape, order="C", copy=None):
    return S.reshape(self, _shape_args(shape), order=order)


def _transpose(self, *axes):
    return S.transpose(self, _shape_args(axes) if axes and axes != (None,) else None)


def _astype(self, dtype, order="K", casting="unsafe", subok=True, copy=True):
    return cast(self, dtype)


def _setitem(self, key, value):
    self._rebind(_indexing.setitem(self, key, value))


def _fill(self, value):
    self._rebind(_creation.full(self.shape, value, self.dtype))


METHODS = {
    "reshape": _reshape,
    "transpose": _transpose,
    "ravel": lambda self, order="C": S.ravel(self, order),
    "flatten": lambda self, order="C": _C.copy(S.ravel(self, order)),
    "swapaxes": S.swapaxes,
    "squeeze": lambda self, axis=None: S.squeeze(self, axis),
    "astype": _astype,
    "copy": lambda self, order="C": _C.copy(self),
    "repeat": lambda self, repeats, axis=None: S.repeat(self, repeats, axis),
    "sum": R.sum, "prod": R.prod, "max": R.max, "min": R.min, "mean": R.mean, "var": R.var, "std": R.std,
    "any": R.any, "all": R.all, "argmax": R.argmax, "argmin": R.argmin, "cumsum": R.cumsum, "cumprod": R.cumprod,
    "ptp": R.ptp,
    "clip": lambda self, min=None, max=None, out=None, **kw: U.clip(self, min, max, out=out, **kw),
    "round": lambda self, decimals=0, out=None: U.round(self, decimals, out),
    "__getitem__": _indexing.getitem,
    "__setitem__": _setitem,
    "fill": _fill,
}
for name, fn in METHODS.items():
    setattr(Var, name, fn)
Var.T = property(lambda self: S.transpose(self))
Var.mT = property(lambda self: S.matrix_transpose(self))
Var.real = property(lambda self: self)
Var.flat = property(lambda self: _alias.reshape_view(self, [-1], always=True))  # x.flat[i] = v writes x
del _np
