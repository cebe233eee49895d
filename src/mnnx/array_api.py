"""The Python Array API standard (2023.12) namespace of mnnx arrays: ``x.__array_namespace__()``.

Names come from mnnx.numpy where numpy's semantics already are the standard's; the wrappers below cover
the places where the standard differs (keyword-only ``device``/``correction``/``axis`` arguments,
``cumulative_sum``, ``vecdot``, ``can_cast``/``result_type``/``finfo`` on arrays, ``sort(descending=)``).
A standard name mnnx.numpy does not provide is absent rather than stubbed: mnnx has no complex dtype
(complex64/complex128, real, imag, conj and the fft extension are absent) and, in this build, neither
inverse-hyperbolic functions, copysign, hypot, logaddexp nor signbit. Every array lives on "cpu"."""
import builtins as _b
import sys
import types

import numpy as _np

from . import numpy as _mnp
from ._tensor import Var

__array_api_version__ = "2023.12"
_VERSIONS = ("2021.12", "2022.12", "2023.12")

_STANDARD = """e inf nan newaxis pi
arange asarray empty empty_like eye from_dlpack full full_like linspace meshgrid ones ones_like tril triu zeros
zeros_like astype isdtype
abs acos acosh add asin asinh atan atan2 atanh bitwise_and bitwise_left_shift bitwise_invert bitwise_or
bitwise_right_shift bitwise_xor ceil clip copysign cos cosh divide equal exp expm1 floor floor_divide greater
greater_equal hypot isfinite isinf isnan less less_equal log log1p log2 log10 logaddexp logical_and logical_not
logical_or logical_xor maximum minimum multiply negative not_equal positive pow remainder round sign signbit sin
sinh square sqrt subtract tan tanh trunc take matrix_transpose tensordot broadcast_arrays broadcast_to concat
expand_dims flip moveaxis permute_dims repeat reshape roll squeeze stack tile unstack argmax argmin nonzero
searchsorted where unique_all unique_counts unique_inverse unique_values max mean min prod sum all any""".split()

_LINALG = """cholesky cross det diagonal eigh eigvalsh inv matrix_norm matrix_power matrix_rank outer pinv qr slogdet
solve svd svdvals trace vector_norm""".split()

this = sys.modules[__name__]
for _name in _STANDARD:
    if hasattr(_mnp, _name):
        setattr(this, _name, getattr(_mnp, _name))

bool = _np.bool_  # noqa: A001 (the standard's name)
int8, int16, int32, int64 = _np.int8, _np.int16, _np.int32, _np.int64
uint8, uint16, uint32, uint64 = _np.uint8, _np.uint16, _np.uint32, _np.uint64
float32, float64 = _np.float32, _np.float64
isdtype = _np.isdtype


def _device(device):
    if device not in (None, "cpu"):
        raise ValueError(f"mnnx arrays live on 'cpu', not {device!r}")


def _dt(x):
    return x.dtype if isinstance(x, Var) else x


def can_cast(from_, to, /):
    return _np.can_cast(_dt(from_), to)


def result_type(*arrays_and_dtypes):
    return _np.result_type(*[_dt(a) for a in arrays_and_dtypes])


def finfo(type, /):  # noqa: A002
    return _np.finfo(_dt(type))


def iinfo(type, /):  # noqa: A002
    return _np.iinfo(_dt(type))


def arange(start, /, stop=None, step=1, *, dtype=None, device=None):
    _device(device)
    return _mnp.arange(start, stop, step, dtype=dtype)


def _creation(fn):
    def create(shape, *, dtype=None, device=None):
        _device(device)
        return fn(shape, dtype=_np.float64 if dtype is None else dtype)
    create.__name__ = fn.__name__
    return create


empty, zeros, ones = _creation(_mnp.empty), _creation(_mnp.zeros), _creation(_mnp.ones)


def full(shape, fill_value, *, dtype=None, device=None):
    _device(device)
    return _mnp.full(shape, fill_value, dtype=dtype)


def _like(fn):
    def create(x, /, *, dtype=None, device=None):
        _device(device)
        return fn(x, dtype=dtype)
    create.__name__ = fn.__name__
    return create


empty_like, zeros_like, ones_like = _like(_mnp.empty_like), _like(_mnp.zeros_like), _like(_mnp.ones_like)


def full_like(x, /, fill_value, *, dtype=None, device=None):
    _device(device)
    return _mnp.full_like(x, fill_value, dtype=dtype)


def eye(n_rows, n_cols=None, /, *, k=0, dtype=None, device=None):
    _device(device)
    return _mnp.eye(n_rows, n_cols, k=k, dtype=_np.float64 if dtype is None else dtype)


def linspace(start, stop, /, num, *, dtype=None, device=None, endpoint=True):
    _device(device)
    return _mnp.linspace(start, stop, num, endpoint=endpoint, dtype=dtype)


def asarray(obj, /, *, dtype=None, device=None, copy=None):
    _device(device)
    if copy is False and not isinstance(obj, Var) and not isinstance(obj, _np.ndarray):
        raise ValueError("asarray(copy=False) needs an object whose memory can be shared")
    return _mnp.asarray(obj, dtype=dtype, copy=copy)


def expand_dims(x, /, *, axis=0):
    return _mnp.expand_dims(x, axis)


def squeeze(x, /, axis):
    return _mnp.squeeze(x, axis)


def clip(x, /, min=None, max=None):  # noqa: A002
    if min is None and max is None:
        return _mnp.asarray(x)
    return _mnp.clip(x, min, max)


def std(x, /, *, axis=None, correction=0.0, keepdims=False):
    return _mnp.std(x, axis=axis, ddof=correction, keepdims=keepdims)


def var(x, /, *, axis=None, correction=0.0, keepdims=False):
    return _mnp.var(x, axis=axis, ddof=correction, keepdims=keepdims)


def cumulative_sum(x, /, *, axis=None, dtype=None, include_initial=False):
    x = _mnp.asarray(x)
    if axis is None:
        if x.ndim != 1:
            raise ValueError("axis must be given for arrays of more than one dimension")
        axis = 0
    r = _mnp.cumsum(x, axis=axis, dtype=dtype)
    if include_initial:
        shape = list(r.shape)
        shape[axis] = 1
        r = _mnp.concatenate([_mnp.zeros(shape, dtype=r.dtype), r], axis=axis)
    return r


def matmul(x1, x2, /):
    return _mnp.linalg.matmul(x1, x2)  # the engine's lazy matmul when mnnx.numpy has one


def vecdot(x1, x2, /, *, axis=-1):
    a, b = _mnp.asarray(x1), _mnp.asarray(x2)
    if a.shape[axis] != b.shape[axis]:
        raise ValueError(f"vecdot: sizes {a.shape[axis]} and {b.shape[axis]} of the contracted axis differ")
    return _mnp.sum(a * b, axis=axis)


def _tensordot(x1, x2, /, *, axes=2):
    """Contracts with moves and reshapes around one matmul (float32/float64 on mnnx's GEMM)."""
    a, b = _mnp.asarray(x1), _mnp.asarray(x2)
    if isinstance(axes, int):
        if axes < 0:
            raise ValueError("axes must be a non-negative integer")
        ax_a, ax_b = list(range(a.ndim - axes, a.ndim)), list(range(axes))
    else:
        ax_a, ax_b = ([v] if isinstance(v, int) else list(v) for v in axes)
    ax_a = [v % a.ndim for v in ax_a]
    ax_b = [v % b.ndim for v in ax_b]
    if len(ax_a) != len(ax_b) or _b.any(a.shape[i] != b.shape[j] for i, j in zip(ax_a, ax_b)):
        raise ValueError("shape-mismatch for sum")
    free_a = [i for i in range(a.ndim) if i not in ax_a]
    free_b = [j for j in range(b.ndim) if j not in ax_b]
    k = int(_np.prod([a.shape[i] for i in ax_a]))
    am = _mnp.reshape(_mnp.permute_dims(a, free_a + ax_a), (-1, k))
    bm = _mnp.reshape(_mnp.permute_dims(b, ax_b + free_b), (k, -1))
    return _mnp.reshape(matmul(am, bm), [a.shape[i] for i in free_a] + [b.shape[j] for j in free_b])


tensordot = _mnp.tensordot if hasattr(_mnp, "tensordot") else _tensordot

if hasattr(_mnp, "argsort") and hasattr(_mnp, "sort"):
    def argsort(x, /, *, axis=-1, descending=False, stable=True):
        if not descending:
            return _mnp.argsort(x, axis=axis, kind="stable")
        # stable descending: sort the reversed array stably, then map positions back
        n = _mnp.asarray(x).shape[axis]
        return (n - 1) - _mnp.flip(_mnp.argsort(_mnp.flip(x, axis=axis), axis=axis, kind="stable"), axis=axis)

    def sort(x, /, *, axis=-1, descending=False, stable=True):
        r = _mnp.sort(x, axis=axis, kind="stable")
        return _mnp.flip(r, axis=axis) if descending else r


class _Info:
    """__array_namespace_info__(): what this namespace supports."""

    def capabilities(self):
        return {"boolean indexing": True, "data-dependent shapes": True, "max dimensions": 64}

    def default_device(self):
        return "cpu"

    def devices(self):
        return ["cpu"]

    def default_dtypes(self, *, device=None):
        _device(device)
        return {"real floating": _np.dtype(_np.float64), "complex floating": None,
                "integral": _np.dtype(_np.int64), "indexing": _np.dtype(_np.int64)}

    def dtypes(self, *, device=None, kind=None):
        _device(device)
        all_dt = [_np.dtype(t) for t in (bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float32,
                                         float64)]
        names = {"bool": "bool", "int8": "int8", "int16": "int16", "int32": "int32", "int64": "int64",
                 "uint8": "uint8", "uint16": "uint16", "uint32": "uint32", "uint64": "uint64",
                 "float32": "float32", "float64": "float64"}
        return {names[d.name]: d for d in all_dt if kind is None or _np.isdtype(d, kind)}


def __array_namespace_info__():
    return _Info()


linalg = types.ModuleType(__name__ + ".linalg", "The Array API linalg extension on mnnx.numpy.linalg.")
for _name in _LINALG:
    if hasattr(_mnp.linalg, _name):
        setattr(linalg, _name, getattr(_mnp.linalg, _name))
linalg.matmul, linalg.tensordot, linalg.vecdot = matmul, tensordot, vecdot
linalg.matrix_transpose = _mnp.matrix_transpose
if hasattr(_mnp, "diagonal"):  # the standard's diagonal and trace act on the last two axes
    linalg.diagonal = lambda x, /, *, offset=0: _mnp.diagonal(x, offset, axis1=-2, axis2=-1)
if hasattr(_mnp, "trace"):
    linalg.trace = lambda x, /, *, offset=0, dtype=None: _mnp.trace(x, offset, axis1=-2, axis2=-1, dtype=dtype)

__all__ = sorted(n for n in dir(this) if not n.startswith("_") and n not in ("sys", "types", "this", "Var")) + \
    ["__array_api_version__", "__array_namespace_info__"]


def _namespace(self, /, *, api_version=None):
    if api_version is not None and api_version not in _VERSIONS:
        raise ValueError(f"Unrecognized array API version: {api_version!r}; mnnx implements {_VERSIONS[-1]}")
    return this


Var.__array_namespace__ = _namespace
