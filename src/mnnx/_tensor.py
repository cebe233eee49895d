"""The array type: mnnx.Tensor is mnnx.numpy.ndarray is mnnx.expr.Var, one lazy graph node.

Methods are attached here to the native class so that every face shares one object. Numerics
live in the engine; this module only converts Python arguments."""
import builtins

import numpy as _np

from . import _C

Var = _C.Var
OPS = _C.op_table()

_SUPPORTED = {"?", "b", "h", "i", "l", "q", "B", "H", "I", "L", "Q", "e", "f", "d"}
_CHAR = {}  # numpy type char -> canonical char used by the engine
for _c in _SUPPORTED:
    _CHAR[_c] = {"q": "l", "Q": "L"}.get(_c, _c)
if _np.dtype("l").itemsize != 8:  # LLP64 platforms: int64 is 'q'
    _CHAR["q"], _CHAR["Q"] = "l", "L"


class ComplexInput(TypeError):
    """Complex data, which mnnx arrays cannot hold: mnnx.numpy functions hand such calls to numpy."""


def dtype_char(dtype):
    """The engine's type char for anything numpy accepts as a dtype; TypeError if unsupported."""
    dt = _np.dtype(dtype)
    if dt.kind == "c":
        raise ComplexInput(f"mnnx does not support data type {dt!r} (complex data stays numpy's)")
    if dt.char not in _CHAR or not dt.isnative:
        raise TypeError(f"mnnx does not support data type {dt!r}")
    return _CHAR[dt.char]


_DTYPES = {c: _np.dtype(c if c not in "lL" else ("int64" if c == "l" else "uint64")) for c in set(_CHAR.values())}


def asarray(a, dtype=None):
    if isinstance(a, Var):
        return a if dtype is None or dtype_char(dtype) == a._dtype_char else cast(a, dtype)
    if isinstance(a, _np.ndarray) and dtype is None and a.dtype.char in _CHAR and a.dtype.isnative:
        return _C.from_array(a) if a.flags.aligned else _C.from_array(a.copy())
    arr = _np.asarray(a, dtype=dtype)
    if arr.dtype.char not in _CHAR:
        if dtype is None and arr.dtype.kind in "iu" and arr.dtype.itemsize > 8:
            raise OverflowError("Python integer out of bounds for int64 and uint64")
        dtype_char(arr.dtype)  # raises a TypeError naming the type
    if not arr.dtype.isnative or not arr.flags.aligned:
        arr = arr.astype(arr.dtype.newbyteorder("="))
    return _C.from_array(arr)


def operand(x):
    """A Python number becomes a weak scalar (numpy 2 promotion); anything else an array."""
    if isinstance(x, Var):
        return x
    if isinstance(x, (_np.ndarray, _np.generic)):
        return asarray(x)
    if isinstance(x, bool):
        return _C.scalar_bool(x)
    if isinstance(x, int):
        if -(2**63) <= x < 2**63:
            return _C.scalar_int(x)
        if 0 <= x < 2**64:
            return _C.scalar_uint(x)
        return _C.scalar_huge_int(float(x))  # fine with float arrays and in comparisons, as in numpy
    if isinstance(x, float):
        return _C.scalar_float(x)
    if isinstance(x, complex):
        raise ComplexInput("mnnx does not support complex numbers (complex data stays numpy's)")
    return asarray(x)


def cast(x, dtype):
    return _C.cast(x, dtype_char(dtype))


def _inplace(fwd):
    # x += y writes x as numpy does: the handle (and every view sharing x's data) takes the new value;
    # numpy refuses results it cannot cast back 'same_kind' or that do not fit x's shape
    def inplace(self, other):
        r = fwd(self, other)
        if r is NotImplemented:
            return r
        if r._dtype_char != self._dtype_char:
            if not _np.can_cast(_DTYPES[r._dtype_char], _DTYPES[self._dtype_char], "same_kind"):
                raise TypeError(f"Cannot cast ufunc output from dtype('{_DTYPES[r._dtype_char]}') to "
                                f"dtype('{_DTYPES[self._dtype_char]}') with casting rule 'same_kind'")
            r = _C.cast(r, self._dtype_char)
        if r.shape != self.shape:
            raise ValueError(f"non-broadcastable output operand with shape {self.shape} doesn't match the "
                             f"broadcast shape {r.shape}")
        self._rebind(r)
        return self
    return inplace


# The binary dunders are native (mnnx/_C) for speed; Python numbers become weak scalars there and
# every other operand comes here.
_C._set_operand(operand)


def _complex_operand(name, x, c, reflected):
    """x <op> c for a Python complex c: numpy's result (complex data stays numpy's)."""
    f = getattr(_np, name)
    return f(c, _export(x)) if reflected else f(_export(x), c)


_C._set_complex_operand(_complex_operand)
_BINARY_DUNDERS = [("add", "add"), ("sub", "subtract"), ("mul", "multiply"), ("truediv", "true_divide"),
                   ("floordiv", "floor_divide"), ("mod", "remainder"), ("and", "bitwise_and"), ("or", "bitwise_or"),
                   ("xor", "bitwise_xor"), ("lshift", "left_shift"), ("rshift", "right_shift")]
for _dunder, _name in _BINARY_DUNDERS:
    setattr(Var, f"__i{_dunder}__", _inplace(getattr(Var, f"__{_dunder}__")))
Var.__hash__ = None


def _pow(self, other):
    from . import numpy as mnp
    try:
        operand(other)
    except (TypeError, ValueError):
        return NotImplemented
    return mnp.power(self, other)  # the raw operand: a Python exponent has numpy's fast paths


def _rpow(self, other):
    from . import numpy as mnp
    try:
        operand(other)
    except (TypeError, ValueError):
        return NotImplemented
    return mnp.power(other, self)


Var.__pow__ = _pow
Var.__rpow__ = _rpow
Var.__ipow__ = _inplace(_pow)
Var.__divmod__ = lambda self, o: (self // o, self % o)
Var.__rdivmod__ = lambda self, o: (o // self, o % self)
Var.__neg__ = lambda self: _C.unary(OPS["negative"], self)
Var.__pos__ = lambda self: __import__('mnnx.numpy', fromlist=['positive']).positive(self)
Var.__abs__ = lambda self: _C.unary(OPS["absolute"], self)
Var.__invert__ = lambda self: _C.unary(OPS["invert"], self)


# ---- realization and export ----

def _export(self, writable=False):
    a = self._numpy(writable)
    return a.view(_DTYPES[self._dtype_char]) if a.dtype.char in "qQ" else a  # numpy's own int64 type


def numpy(self):
    """The value as a read-only numpy array sharing the realized buffer (np.array(x) copies)."""
    return _export(self)


def realize(self):
    _C.realize([self])
    return self


def __array__(self, dtype=None, copy=None):
    a = _export(self)
    if dtype is not None and _np.dtype(dtype) != a.dtype:
        return a.astype(dtype)
    if copy:
        return a.copy()
    return a


def item(self, *args):
    return _export(self).item(*args)


def tolist(self):
    return _export(self).tolist()


def _truth(self):
    if self.size != 1:
        raise ValueError("The truth value of an array with more than one element is ambiguous. Use a.any() or a.all()")
    return builtins.bool(_export(self).reshape(()))


def _scalar_conv(kind):
    def conv(self):
        if self.size != 1:
            raise TypeError("only length-1 arrays can be converted to Python scalars")
        return kind(_export(self).reshape(()).item())
    return conv


def __index__(self):
    if self._dtype_char not in "bhilBHIL?" or self._dtype_char == "?":
        raise TypeError("only integer scalar arrays can be converted to a scalar index")
    if self.ndim != 0:
        raise TypeError("only integer scalar arrays can be converted to a scalar index")
    return int(_export(self).item())


def __iter__(self):
    if self.ndim == 0:
        raise TypeError("iteration over a 0-d array")
    for i in range(self.shape[0]):
        yield self[i]


def __repr__(self):
    return repr(_export(self))


def __str__(self):
    return str(_export(self))


def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None):
    a = _export(self, True)
    kw = {}
    if max_version is not None:
        kw["max_version"] = max_version
    if copy is not None:
        kw["copy"] = copy
    return a.__dlpack__(stream=stream, **kw) if stream is not None else a.__dlpack__(**kw)


def _from_pickle(a):
    return asarray(a)


def __reduce__(self):  # pickled as its values (a view's family is not kept, as numpy pickles a view)
    return (_from_pickle, (_np.array(_export(self)),))


def __deepcopy__(self, memo=None):  # a parameter's copy is again a parameter, as torch's deepcopy
    if _C.ag_requires_grad(self) and _C.ag_is_leaf(self):
        r = _C.copy(_C.ag_detach(self))
        _C.ag_set_requires_grad(r, True)
        return r
    return _C.copy(self)


def __dlpack_device__(self):
    return (1, 0)


def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
    from . import numpy as mnp
    f = getattr(mnp, ufunc.__name__, None)
    if method != "__call__" or f is None:
        return NotImplemented
    return f(*inputs, **kwargs)


def _unwrap(x):
    if isinstance(x, Var):
        return _export(x)
    if isinstance(x, (list, tuple)):
        return type(x)(_unwrap(v) for v in x)
    return x


def __array_function__(self, func, types, args, kwargs):
    from . import numpy as mnp
    mod = func.__module__ or ""
    ns = {"numpy": mnp, "numpy.core.fromnumeric": mnp, "numpy.core.multiarray": mnp,
          "numpy.linalg": getattr(mnp, "linalg", None), "numpy.fft": getattr(mnp, "fft", None)}.get(mod)
    impl = getattr(ns, func.__name__, None) if ns is not None else None
    if impl is not None and impl is not func:
        return impl(*args, **kwargs)
    return func._implementation(*_unwrap(args), **{k: _unwrap(v) for k, v in kwargs.items()})


for _n, _f in [("numpy", numpy), ("realize", realize), ("__array__", __array__), ("item", item), ("tolist", tolist),
               ("__bool__", _truth), ("__float__", _scalar_conv(float)), ("__int__", _scalar_conv(int)),
               ("__index__", __index__), ("__iter__", __iter__), ("__repr__", __repr__), ("__str__", __str__),
               ("__dlpack__", __dlpack__), ("__dlpack_device__", __dlpack_device__), ("__reduce__", __reduce__),
               ("__copy__", lambda self: _C.copy(self)), ("__deepcopy__", __deepcopy__),
               ("__array_ufunc__", __array_ufunc__), ("__array_function__", __array_function__)]:
    setattr(Var, _n, _f)

Var.__array_priority__ = 100
Var.dtype = property(lambda self: _DTYPES[self._dtype_char])
Var.itemsize = property(lambda self: _DTYPES[self._dtype_char].itemsize)
Var.nbytes = property(lambda self: self.size * _DTYPES[self._dtype_char].itemsize)
Var.device = property(lambda self: "cpu")
