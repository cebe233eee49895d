"""The ndarray methods of the indexing, sorting and searching functions (in-place ones rebind the array)."""
from .._tensor import Var
from . import _select as S, _sorting as O


def _sort(self, axis=-1, kind=None, order=None, *, stable=None):
    self._rebind(O.sort(self, axis=axis, kind=kind, order=order))


def _partition(self, kth, axis=-1, kind="introselect", order=None):
    self._rebind(O.partition(self, kth, axis=axis, kind=kind, order=order))


METHODS = {
    "sort": _sort,
    "argsort": lambda self, axis=-1, kind=None, order=None, *, stable=None: O.argsort(self, axis, kind, order),
    "partition": _partition,
    "argpartition": lambda self, kth, axis=-1, kind="introselect", order=None: O.argpartition(self, kth, axis, kind, order),
    "searchsorted": lambda self, v, side="left", sorter=None: O.searchsorted(self, v, side, sorter),
    "nonzero": lambda self: S.nonzero(self),
    "diagonal": lambda self, offset=0, axis1=0, axis2=1: S.diagonal(self, offset, axis1, axis2),
    "trace": lambda self, offset=0, axis1=0, axis2=1, dtype=None, out=None: S.trace(self, offset, axis1, axis2, dtype, out),
    "take": lambda self, indices, axis=None, out=None, mode="raise": S.take(self, indices, axis, out, mode),
    "put": lambda self, indices, values, mode="raise": S.put(self, indices, values, mode),
    "compress": lambda self, condition, axis=None, out=None: S.compress(condition, self, axis, out),
    "choose": lambda self, choices, out=None, mode="raise": S.choose(self, choices, out, mode),
}
for _name, _fn in METHODS.items():
    setattr(Var, _name, _fn)
