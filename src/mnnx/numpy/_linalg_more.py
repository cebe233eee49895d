"""mnnx.numpy.linalg's norms and products: norm / matrix_norm / vector_norm composed from mnnx's lazy
reductions (the 2, -2 and 'nuc' matrix norms on the SVD kernel), and outer, vecdot, cross,
matrix_transpose, multi_dot, tensorinv, tensorsolve. Re-exported by mnnx.numpy.linalg."""
import operator
import sys as _sys

import numpy as _np
from numpy.linalg import LinAlgError

from .._tensor import Var, asarray as _wrap
from .linalg import _arr, _assert_stacked_2d, _out, _svd, inv, matmul, solve

__all__ = ["norm", "matrix_norm", "vector_norm", "matrix_transpose", "outer", "vecdot", "cross", "multi_dot",
           "tensorinv", "tensorsolve"]


def _multi_svd_norm(x, row_axis, col_axis, op):
    y = _np.moveaxis(_arr(x), (row_axis, col_axis), (-2, -1))
    return op(_svd(y, compute_uv=False), axis=-1)


def norm(x, ord=None, axis=None, keepdims=False):
    """Composed from mnnx's lazy reductions; the 2, -2 and 'nuc' matrix norms use the SVD kernel."""
    from . import _reductions as R, _ufuncs as U
    x = x if isinstance(x, Var) else _wrap(_np.asarray(x))
    if x.dtype.kind != "f":
        x = x.astype(_np.float64)
    nd = x.ndim
    if axis is None:
        if ord is None or (ord in ("f", "fro") and nd == 2) or (ord == 2 and nd == 1):
            r = U.sqrt(R.sum(x * x))
            return r.reshape((1,) * nd) if keepdims else r
        axis = tuple(range(nd))
    elif not isinstance(axis, tuple):
        try:
            axis = (operator.index(axis),)
        except TypeError as e:
            raise TypeError("'axis' must be None, an integer or a tuple of integers") from e
    if len(axis) == 1:
        if ord == _np.inf:
            return R.max(U.abs(x), axis=axis, keepdims=keepdims)
        if ord == -_np.inf:
            return R.min(U.abs(x), axis=axis, keepdims=keepdims)
        if ord == 0:
            return R.sum((x != 0).astype(x.dtype), axis=axis, keepdims=keepdims)
        if ord == 1:
            return R.sum(U.abs(x), axis=axis, keepdims=keepdims)
        if ord is None or ord == 2:
            return U.sqrt(R.sum(x * x, axis=axis, keepdims=keepdims))
        if isinstance(ord, str):
            raise ValueError(f"Invalid norm order '{ord}' for vectors")
        r = R.sum(U.power(U.abs(x), ord), axis=axis, keepdims=keepdims)
        return U.power(r, _np.reciprocal(_np.asarray(ord, dtype=x.dtype)))
    if len(axis) == 2:
        row_axis, col_axis = (_np.lib.array_utils.normalize_axis_index(ax, nd) for ax in axis)
        if row_axis == col_axis:
            raise ValueError("Duplicate axes given.")
        if ord == 2:
            ret = _out(_multi_svd_norm(x, row_axis, col_axis, _np.max))
        elif ord == -2:
            ret = _out(_multi_svd_norm(x, row_axis, col_axis, _np.min))
        elif ord == "nuc":
            ret = _out(_multi_svd_norm(x, row_axis, col_axis, _np.sum))
        elif ord in (1, -1):
            red = R.max if ord == 1 else R.min
            ret = red(R.sum(U.abs(x), axis=row_axis), axis=col_axis - (col_axis > row_axis))
        elif ord in (_np.inf, -_np.inf):
            red = R.max if ord == _np.inf else R.min
            ret = red(R.sum(U.abs(x), axis=col_axis), axis=row_axis - (row_axis > col_axis))
        elif ord in (None, "fro", "f"):
            ret = U.sqrt(R.sum(x * x, axis=axis))
        else:
            raise ValueError("Invalid norm order for matrices.")
        if keepdims:
            shp = list(x.shape)
            shp[row_axis] = shp[col_axis] = 1
            ret = ret.reshape(shp)
        return ret
    raise ValueError("Improper number of dimensions to norm.")


def matrix_norm(x, /, *, keepdims=False, ord="fro"):
    _assert_stacked_2d(_arr(x) if not isinstance(x, Var) else x)
    return norm(x, axis=(-2, -1), keepdims=keepdims, ord=ord)


def vector_norm(x, /, *, axis=None, keepdims=False, ord=2):
    """The Array API's vector_norm: axis=None means over all elements (flattened), whatever the ndim."""
    x = x if isinstance(x, Var) else _wrap(_np.asarray(x))
    if axis is None:
        r = norm(x.reshape(-1), ord=ord, axis=0)
        return r.reshape((1,) * x.ndim) if keepdims else r
    if isinstance(axis, tuple) and len(axis) != 1:
        from ._shape import moveaxis
        nd = x.ndim
        axes = tuple(_np.lib.array_utils.normalize_axis_index(a, nd) for a in axis)
        rest = [d for d in range(nd) if d not in axes]
        y = moveaxis(x, axes, tuple(range(nd - len(axes), nd)))
        y = y.reshape(tuple(x.shape[d] for d in rest) + (-1,))
        r = norm(y, ord=ord, axis=-1)
        if keepdims:
            r = r.reshape(tuple(1 if d in axes else x.shape[d] for d in range(nd)))
        return r
    return norm(x, ord=ord, axis=axis, keepdims=keepdims)


def _var(x):
    return x if isinstance(x, Var) else _wrap(_np.asarray(x))


def matrix_transpose(x, /):
    from ._shape import matrix_transpose as mt
    return mt(_var(x))


def outer(x1, x2, /):
    a, b = _var(x1), _var(x2)
    if a.ndim != 1 or b.ndim != 1:
        raise ValueError(f"Input arrays must be one-dimensional, but they are x1.ndim={a.ndim} and "
                         f"x2.ndim={b.ndim}.")
    return a.reshape(-1, 1) * b.reshape(1, -1)


def vecdot(x1, x2, /, *, axis=-1):
    from ._reductions import sum as _sum
    a, b = _var(x1), _var(x2)
    if a.shape[axis] != b.shape[axis]:
        raise ValueError(f"vecdot: the contracted axis has sizes {a.shape[axis]} and {b.shape[axis]}")
    return _sum(a * b, axis=axis)


def cross(x1, x2, /, *, axis=-1):
    from ._shape import moveaxis, stack
    a, b = _var(x1), _var(x2)
    if a.shape[axis] != 3 or b.shape[axis] != 3:
        raise ValueError(f"Both input arrays must be (arrays of) 3-dimensional vectors, but they are "
                         f"{a.shape[axis]} and {b.shape[axis]} dimensional instead.")
    a, b = moveaxis(a, axis, -1), moveaxis(b, axis, -1)
    a0, a1, a2 = (a[..., i] for i in range(3))
    b0, b1, b2 = (b[..., i] for i in range(3))
    r = stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], axis=-1)
    return moveaxis(r, -1, axis)


def _mm(x, y):
    engine_matmul = getattr(_sys.modules[__package__], "matmul", None)
    return engine_matmul(x, y) if engine_matmul is not None else matmul(x, y)


def multi_dot(arrays, *, out=None):
    """The chain product in numpy's cost-optimal order (so the rounding matches numpy's)."""
    if out is not None:
        from ._ufuncs import store
        return store(multi_dot(arrays), out, "equiv")
    arrs = [_var(a) for a in arrays]
    n = len(arrs)
    if n < 2:
        raise ValueError("Expecting at least two arrays.")
    first_1d, last_1d = arrs[0].ndim == 1, arrs[-1].ndim == 1
    if first_1d:
        arrs[0] = arrs[0].reshape(1, -1)
    if last_1d:
        arrs[-1] = arrs[-1].reshape(-1, 1)
    for a in arrs:
        if a.ndim != 2:
            raise LinAlgError(f"{a.ndim}-dimensional array given. Array must be two-dimensional")
    if n == 2:
        r = _mm(arrs[0], arrs[1])
    else:
        dims = [arrs[0].shape[0]] + [a.shape[1] for a in arrs]
        cost = [[0] * n for _ in range(n)]
        split = [[0] * n for _ in range(n)]
        for length in range(1, n):
            for i in range(n - length):
                j = i + length
                cost[i][j] = _np.inf
                for k in range(i, j):
                    c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                    if c < cost[i][j]:
                        cost[i][j], split[i][j] = c, k

        def chain(i, j):
            if i == j:
                return arrs[i]
            k = split[i][j]
            return _mm(chain(i, k), chain(k + 1, j))
        r = chain(0, n - 1)
    if first_1d and last_1d:
        return r.reshape(())
    if first_1d:
        return r.reshape(-1)
    if last_1d:
        return r.reshape(-1)
    return r


def tensorinv(a, ind=2):
    a = _arr(a)
    if ind <= 0:
        raise ValueError("Invalid ind argument.")
    old = a.shape
    prod = int(_np.prod(old[ind:]))
    invshape = old[ind:] + old[:ind]
    return inv(a.reshape(prod, -1)).reshape(invshape)


def tensorsolve(a, b, axes=None):
    a, b = _arr(a), _arr(b)
    an = a.ndim
    if axes is not None:
        allaxes = list(range(an))
        for k in axes:
            allaxes.remove(k)
            allaxes.insert(an, k)
        a = a.transpose(allaxes)
    oldshape = a.shape[-(an - b.ndim):]
    prod = int(_np.prod(oldshape))
    if a.size != prod ** 2:
        raise LinAlgError("Input arrays must satisfy the requirement prod(a.shape[b.ndim:]) == "
                          "prod(a.shape[:b.ndim])")
    return solve(a.reshape(prod, prod), b.ravel()).reshape(oldshape)
