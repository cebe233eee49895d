"""Elementwise functions: one wrapper per op-table entry, plus the ones numpy composes from them."""
import math as _math

import numpy as _np

from .. import _C
from .._tensor import OPS, operand, cast, _DTYPES, Var

__all__ = []


def _export(name, f):
    f.__name__ = name
    f.__qualname__ = name
    globals()[name] = f
    __all__.append(name)
    return f


def _check_kw(name, kw):
    for k in kw:
        if k not in ("out", "dtype", "casting", "order", "subok", "where") or (k == "where" and kw[k] is not True):
            raise TypeError(f"{name}() got an unexpected keyword argument '{k}'")


def store(r, out, casting="same_kind"):
    """numpy's out=: r written into `out` (an mnnx or numpy array, cast by `casting`), which is returned."""
    if isinstance(out, tuple):
        if len(out) != 1:
            raise ValueError("The 'out' tuple must have exactly one entry")
        out = out[0]
    if not isinstance(out, (Var, _np.ndarray)):
        raise TypeError("return arrays must be of ArrayType")
    rt = _DTYPES[r._dtype_char]
    if not _np.can_cast(rt, out.dtype, casting):
        raise TypeError(f"Cannot cast ufunc output from dtype('{rt}') to dtype('{out.dtype}') with casting rule "
                        f"'{casting}'")
    if _np.broadcast_shapes(r.shape, out.shape) != tuple(out.shape):
        raise ValueError(f"non-broadcastable output operand with shape {tuple(out.shape)} doesn't match the broadcast "
                         f"shape {_np.broadcast_shapes(r.shape, out.shape)}")
    out[...] = cast(r, out.dtype) if isinstance(out, Var) else _np.asarray(r)
    return out


def _with_dtype(r, kw):
    dt = kw.get("dtype")
    r = r if dt is None else cast(r, dt)
    out = kw.get("out")
    return r if out is None else store(r, out)


def _unary(name, op):
    code = OPS[op]

    def f(x, /, **kw):
        _check_kw(name, kw)
        return _with_dtype(_C.unary(code, operand(x)), kw)
    return _export(name, f)


def _binary_fn(name, op):
    code = OPS[op]

    def f(x1, x2, /, **kw):
        _check_kw(name, kw)
        return _with_dtype(_C.binary(code, operand(x1), operand(x2)), kw)
    return _export(name, f)


_UNARY = ["negative", "absolute", "sqrt", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sin", "cos", "tan",
          "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "floor", "ceil", "trunc", "rint", "isnan", "isinf",
          "isfinite", "invert"]
_BINARY = ["add", "subtract", "multiply", "true_divide", "floor_divide", "remainder", "maximum", "minimum", "fmax",
           "fmin", "arctan2", "equal", "not_equal", "less", "less_equal", "greater", "greater_equal", "bitwise_and",
           "bitwise_or", "bitwise_xor", "left_shift", "right_shift"]
for _n in _UNARY:
    _unary(_n, _n)
for _n in _BINARY:
    _binary_fn(_n, _n)

# numpy's other spellings of the same ufuncs
for _alias, _n in [("abs", "absolute"), ("divide", "true_divide"), ("mod", "remainder"), ("bitwise_not", "invert"),
                   ("bitwise_invert", "invert"), ("asin", "arcsin"), ("acos", "arccos"), ("atan", "arctan"),
                   ("atan2", "arctan2"), ("bitwise_left_shift", "left_shift"), ("bitwise_right_shift", "right_shift"),
                   ("fix", "trunc")]:
    _export(_alias, (lambda f: (lambda *a, **k: f(*a, **k)))(globals()[_n]))

_POW = OPS["power"]


def power(x1, x2, /, **kw):
    _check_kw("power", kw)
    a, b = operand(x1), operand(x2)
    if b._op == "scalar" and not isinstance(x2, Var):
        e = x2 if not isinstance(x2, _np.generic) else x2.item()
        is_int_base = _DTYPES[_C.result_type(a, b)].kind in "iub"
        if is_int_base and isinstance(e, int) and e < 0:
            raise ValueError("Integers to negative integer powers are not allowed.")
        if e == 2 and not isinstance(e, bool):  # numpy's fast paths: the same values, no pow()
            return _with_dtype(cast(a * a, _DTYPES[_C.result_type(a, b)]) if is_int_base else a * a, kw)
        if e == 1 and not isinstance(e, bool) and not is_int_base:
            return _with_dtype(cast(a, _DTYPES[_C.result_type(a, b)]), kw)
    if b._realized and b.ndim and b.dtype.kind == "i" and _DTYPES[_C.result_type(a, b)].kind in "iu":
        if bool((b < 0).any()):  # numpy checks realized exponents; a lazy one yields 0 there
            raise ValueError("Integers to negative integer powers are not allowed.")
    return _with_dtype(_C.binary(_POW, a, b), kw)


_export("power", power)
_export("pow", lambda x1, x2, /, **kw: power(x1, x2, **kw))


def positive(x, /, **kw):
    _check_kw("positive", kw)
    x = operand(x)
    if x._dtype_char == "?":
        raise TypeError("The numpy boolean positive is not supported")
    return _with_dtype(x, kw)


def _bool_as_int8(x):  # numpy has no bool loop for these: bool computes as int8
    return cast(x, _np.int8) if x._dtype_char == "?" else x


def square(x, /, **kw):
    _check_kw("square", kw)
    x = _bool_as_int8(operand(x))
    return _with_dtype(x * x, kw)


def reciprocal(x, /, **kw):
    _check_kw("reciprocal", kw)
    x = _bool_as_int8(operand(x))
    if _DTYPES[x._dtype_char].kind in "iub":  # C integer division of 1 by x
        return _with_dtype(where(absolute(x) == 1, x, cast(_C.scalar_int(0), x.dtype)), kw)
    return _with_dtype(_C.binary(OPS["true_divide"], _C.scalar_float(1.0), x), kw)


def sign(x, /, **kw):
    _check_kw("sign", kw)
    x = operand(x)
    if x._dtype_char == "?":
        raise TypeError("ufunc 'sign' did not contain a loop with signature matching types")
    s = cast(x > 0, x.dtype) - cast(x < 0, x.dtype) if x.dtype.kind != "u" else cast(x > 0, x.dtype)
    return _with_dtype(where(isnan(x), x, s) if x.dtype.kind == "f" else s, kw)


def logical_not(x, /, **kw):
    _check_kw("logical_not", kw)
    return _with_dtype(operand(x) == False, kw)  # noqa: E712 (elementwise comparison)


def _logical(name, op):
    def f(x1, x2, /, **kw):
        _check_kw(name, kw)
        return _with_dtype(_C.binary(OPS[op], cast(operand(x1), bool), cast(operand(x2), bool)), kw)
    return _export(name, f)


_logical("logical_and", "bitwise_and")
_logical("logical_or", "bitwise_or")
_logical("logical_xor", "bitwise_xor")


def where(condition, x=None, y=None, /):
    if x is None and y is None:
        from ._select import nonzero
        return nonzero(condition)
    if x is None or y is None:
        raise ValueError("either both or neither of x and y should be given")
    return _C.where(operand(condition), operand(x), operand(y))


def clip(a, a_min=None, a_max=None, /, out=None, **kw):
    if out is not None:
        return store(clip(a, a_min, a_max, **kw), out)
    lo, hi = kw.pop("min", a_min), kw.pop("max", a_max)
    if lo is None and hi is None:
        raise ValueError("One of max or min must be given")
    r = operand(a)
    if r.dtype.kind in "iu":  # Python int bounds outside the type's range clip nothing (numpy 2)
        info = _np.iinfo(r.dtype)
        lo = None if isinstance(lo, int) and lo <= info.min else lo
        hi = None if isinstance(hi, int) and hi >= info.max else hi
        lo = info.max if isinstance(lo, int) and lo > info.max else lo
        hi = info.min if isinstance(hi, int) and hi < info.min else hi
    # the result type comes from all three at once, as numpy's (Python numbers stay weak)
    bounds = [b.dtype if isinstance(b, Var) else (_np.asarray(b).dtype if isinstance(b, (_np.ndarray, _np.generic, list, tuple)) else b)
              for b in (lo, hi) if b is not None]
    rt = _np.result_type(r.dtype, *bounds)
    r = cast(r, rt)
    if rt.kind == "f":  # torch's clamp gradient: x keeps it on the bounds themselves
        for b, beyond in ((lo, less), (hi, greater)):
            if b is not None:
                b = b if isinstance(b, (int, float)) else cast(operand(b), rt)
                out = beyond(r, b) | isnan(b) if isinstance(b, Var) or _math.isnan(b) else beyond(r, b)
                r = where(out, b, r)
        return r
    if lo is not None:
        r = maximum(r, cast(lo, rt) if isinstance(lo, Var) else lo)
    if hi is not None:
        r = minimum(r, cast(hi, rt) if isinstance(hi, Var) else hi)
    return r


def round(a, decimals=0, out=None):  # noqa: A001 (numpy's name)
    if out is not None:
        return store(round(a, decimals), out)
    x = operand(a)
    if x.dtype.kind in "iub":
        if decimals >= 0:
            return x
        f = 10 ** (-decimals)
        return cast(rint(x / f) * f, x.dtype)
    if decimals == 0:
        return rint(x)
    f = 10.0 ** decimals
    return rint(x * f) / f if decimals > 0 else rint(x / (10.0 ** -decimals)) * (10.0 ** -decimals)


def sigmoid(x):
    return _C.unary(OPS["sigmoid"], operand(x))


def erf(x):
    return _C.unary(OPS["erf"], operand(x))


def _float_of(x):  # the float type numpy's float-valued ufuncs pick for x (int8 -> float16)
    return cast(x, _np.exp(_np.zeros(0, x.dtype)).dtype)


def deg2rad(x, /):
    return _float_of(operand(x)) * (_math.pi / 180.0)


def rad2deg(x, /):
    return _float_of(operand(x)) * (180.0 / _math.pi)


for _n in ["positive", "square", "reciprocal", "sign", "logical_not", "where", "clip", "round", "deg2rad",
           "rad2deg"]:
    __all__.append(_n)
around = round
radians, degrees = deg2rad, rad2deg
__all__ += ["around", "radians", "degrees"]
