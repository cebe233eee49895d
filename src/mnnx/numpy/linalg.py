"""mnnx.numpy.linalg: numpy.linalg's names and semantics on mnnx's own kernels (core/linalg*.cpp: blocked
LU, Cholesky, Householder QR, Jacobi eigen and SVD; no LAPACK/BLAS).

These are eager: inputs are realized, the kernel runs on the buffers, results are wrapped as arrays.
float32 stays float32; integers and bools are computed in float64 as numpy does; float16 and complex
are refused with numpy's TypeError. LinAlgError is numpy's own class."""
import operator
import sys as _sys

import numpy as _np
from numpy.linalg import LinAlgError
from numpy.linalg._linalg import EighResult, QRResult, SlogdetResult, SVDResult

from .. import _C
from .._tensor import ComplexInput, asarray as _wrap

__all__ = ["LinAlgError", "inv", "solve", "det", "slogdet", "norm", "qr", "cholesky", "eigh", "eigvalsh", "svd",
           "svdvals", "pinv", "lstsq", "matrix_power", "matrix_rank", "cond", "matmul", "matrix_norm",
           "vector_norm", "matrix_transpose", "outer", "vecdot", "cross", "multi_dot", "tensorinv", "tensorsolve",
           "EighResult", "QRResult", "SlogdetResult", "SVDResult"]

_NoValue = _np._NoValue


def _arr(a):
    return _np.asarray(a)  # realizes a Var (read-only view) or converts anything else


def _common_type(*arrays):
    """numpy's _commonType: float32 only if every input is float32, else float64."""
    single = True
    for a in arrays:
        k = a.dtype.kind
        if k == "c":
            raise ComplexInput("mnnx does not support complex numbers (complex data stays numpy's)")
        if k == "f":
            if a.dtype.itemsize not in (4, 8):
                raise TypeError(f"array type {a.dtype.name} is unsupported in linalg")
            single &= a.dtype.itemsize == 4
        elif k in "biu":
            single = False
        else:
            raise TypeError(f"array type {a.dtype.name} is unsupported in linalg")
    return _np.dtype(_np.float32 if single and arrays else _np.float64)


def _assert_stacked_2d(*arrays):
    for a in arrays:
        if a.ndim < 2:
            raise LinAlgError(f"{a.ndim}-dimensional array given. Array must be at least two-dimensional")


def _assert_stacked_square(*arrays):
    for a in arrays:
        if a.shape[-1] != a.shape[-2]:
            raise LinAlgError("Last 2 dimensions of the array must be square")


def _batch(a, t):
    """A writable C-contiguous (batch, m, n) copy in dtype t (the kernels work in place)."""
    return _np.array(a, dtype=t, order="C", copy=True).reshape((int(_np.prod(a.shape[:-2])),) + a.shape[-2:])


def _out(x, shape=None, t=None):
    if t is not None:
        x = x.astype(t, copy=False)
    x = _np.asarray(x)
    return _wrap(_np.asarray(x.reshape(shape) if shape is not None else x, order="C"))


def _solve_nd(a, b, t):
    """Solves the stacks a (..., n, n) x = b (..., n, k) (batch shapes already equal); NaN where singular."""
    n, k = a.shape[-1], b.shape[-1]
    bx = _batch(b, t)
    if n and k and bx.shape[0]:
        bad = _C.la_solve(_batch(a, t), bx)
    else:
        bad = -1
    return bx.reshape(b.shape), bad


def solve(a, b):
    a, b = _arr(a), _arr(b)
    _assert_stacked_2d(a)
    _assert_stacked_square(a)
    t = _common_type(a, b)
    n = a.shape[-1]
    if b.ndim == 1:
        if b.shape[0] != n:
            raise ValueError(f"solve1: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature "
                             f"(m,m),(m)->(m) (size {b.shape[0]} is different from {n})")
        shp = a.shape[:-2]
        bb = _np.broadcast_to(b[:, None], shp + (n, 1))
        x, bad = _solve_nd(a, bb, t)
        x = x[..., 0]
    else:
        if b.shape[-2] != n:
            raise ValueError(f"solve: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature "
                             f"(m,m),(m,n)->(m,n) (size {b.shape[-2]} is different from {n})")
        shp = _np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
        x, bad = _solve_nd(_np.broadcast_to(a, shp + a.shape[-2:]), _np.broadcast_to(b, shp + b.shape[-2:]), t)
    if bad >= 0:
        raise LinAlgError("Singular matrix")
    return _out(x)


def inv(a):
    a = _arr(a)
    _assert_stacked_2d(a)
    _assert_stacked_square(a)
    t = _common_type(a)
    n = a.shape[-1]
    x, bad = _solve_nd(a, _np.broadcast_to(_np.eye(n, dtype=t), a.shape), t)
    if bad >= 0:
        raise LinAlgError("Singular matrix")
    return _out(x)


def _inv_nan(a, t):
    """inv that leaves NaN for singular items (numpy's result under errstate(all='ignore'))."""
    n = a.shape[-1]
    return _solve_nd(a, _np.broadcast_to(_np.eye(n, dtype=t), a.shape), t)[0]


def _det_parts(a):
    a = _arr(a)
    _assert_stacked_2d(a)
    _assert_stacked_square(a)
    t = _common_type(a)
    bx = _batch(a, t)
    sign, logabs, value = (_np.empty(bx.shape[0], t) for _ in range(3))
    if bx.shape[0]:
        _C.la_det(bx, sign, logabs, value)
    shp = a.shape[:-2]
    return sign.reshape(shp), logabs.reshape(shp), value.reshape(shp)


def det(a):
    return _out(_det_parts(a)[2])


def slogdet(a):
    sign, logabs, _ = _det_parts(a)
    return SlogdetResult(_out(sign), _out(logabs))


def cholesky(a, /, *, upper=False):
    a = _arr(a)
    _assert_stacked_2d(a)
    _assert_stacked_square(a)
    t = _common_type(a)
    src = _np.swapaxes(a, -1, -2) if upper else a  # the upper factor reads the upper triangle
    bx = _batch(src, t)
    if bx.size and _C.la_cholesky(bx) >= 0:
        raise LinAlgError("Matrix is not positive definite")
    r = bx.reshape(a.shape)
    return _out(_np.swapaxes(r, -1, -2) if upper else r)


def qr(a, mode="reduced"):
    if mode not in ("reduced", "complete", "r", "raw"):
        raise ValueError(f"Unrecognized mode '{mode}'")
    a = _arr(a)
    _assert_stacked_2d(a)
    m, n = a.shape[-2:]
    t = _common_type(a)
    k = min(m, n)
    bx = _batch(a, t)
    nb = bx.shape[0]
    tau = _np.zeros((nb, k), t)
    mc = m if (mode == "complete" and m > n) else k
    q = _np.zeros((nb, m, mc), t) if mode in ("reduced", "complete") else None
    if bx.size:
        _C.la_qr(bx, tau, q)
    h = bx.reshape(a.shape)
    if mode == "raw":
        return _out(_np.swapaxes(h, -1, -2)), _out(tau.reshape(a.shape[:-2] + (k,)))
    if mode == "r":
        return _out(_np.triu(h[..., :k, :]))
    if q is not None and not bx.size:  # empty stacks: numpy still returns identity-like Q
        q = _np.broadcast_to(_np.eye(m, mc, dtype=t), (nb, m, mc))
    return QRResult(_out(q.reshape(a.shape[:-2] + (m, mc))), _out(_np.triu(h[..., :mc, :])))


def _symmetric(a, UPLO):
    if UPLO not in ("L", "U", "l", "u"):
        raise ValueError("UPLO argument must be 'L' or 'U'")
    a = _arr(a)
    _assert_stacked_2d(a)
    _assert_stacked_square(a)
    t = _common_type(a)
    tri = _np.tril(a) if UPLO in "Ll" else _np.triu(a)
    off = _np.tril(a, -1) if UPLO in "Ll" else _np.triu(a, 1)
    return (tri + _np.swapaxes(off, -1, -2)).astype(t), t


def _eigh(a, UPLO, vectors):
    s, t = _symmetric(a, UPLO)
    n = s.shape[-1]
    bx = _batch(s, t)
    w = _np.zeros((bx.shape[0], n), t)
    v = _np.zeros(bx.shape, t) if vectors else None
    if bx.size and _C.la_eigh(bx, w, v) >= 0:
        raise LinAlgError("Eigenvalues did not converge")
    w = w.reshape(s.shape[:-1])
    return (w, v.reshape(s.shape)) if vectors else w


def eigh(a, UPLO="L"):
    w, v = _eigh(a, UPLO, True)
    return EighResult(_out(w), _out(v))


def eigvalsh(a, UPLO="L"):
    return _out(_eigh(a, UPLO, False))


def _svd(a, full_matrices=True, compute_uv=True):
    """numpy arrays (u, s, vt) or s."""
    _assert_stacked_2d(a)
    t = _common_type(a)
    m, n = a.shape[-2:]
    k = min(m, n)
    bx = _batch(a, t)
    if not _np.isfinite(bx).all():  # LAPACK's gesdd fails on NaN/inf input, and numpy says so
        raise LinAlgError("SVD did not converge")
    nb = bx.shape[0]
    s = _np.zeros((nb, k), t)
    uc, vc = (m, n) if full_matrices else (k, k)
    u = _np.zeros((nb, m, uc), t) if compute_uv else None
    vt = _np.zeros((nb, vc, n), t) if compute_uv else None
    if bx.size and _C.la_svd(bx, s, u, vt) >= 0:
        raise LinAlgError("SVD did not converge")
    lead = a.shape[:-2]
    s = s.reshape(lead + (k,))
    if not compute_uv:
        return s
    if not bx.size:  # numpy returns identities for the empty side
        u = _np.broadcast_to(_np.eye(m, uc, dtype=t), (nb, m, uc))
        vt = _np.broadcast_to(_np.eye(vc, n, dtype=t), (nb, vc, n))
    return u.reshape(lead + (m, uc)), s, vt.reshape(lead + (vc, n))


def _svd_hermitian(a, compute_uv):
    w, v = _eigh(a, "L", True)
    sgn, s = _np.sign(w), _np.abs(w)
    order = _np.argsort(s, axis=-1, kind="stable")[..., ::-1]
    s = _np.take_along_axis(s, order, axis=-1)
    if not compute_uv:
        return s
    sgn = _np.take_along_axis(sgn, order, axis=-1)
    u = _np.take_along_axis(v, order[..., None, :], axis=-1)
    vt = _np.swapaxes(u * sgn[..., None, :], -1, -2)
    return u, s, vt


def svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    a = _arr(a)
    r = _svd_hermitian(a, compute_uv) if hermitian else _svd(a, full_matrices, compute_uv)
    if not compute_uv:
        return _out(r)
    u, s, vt = r
    return SVDResult(_out(u), _out(s), _out(vt))


def svdvals(x, /):
    return svd(x, compute_uv=False)


def _matmul_np(x, y):
    """x @ y for float32/float64 stacks with numpy's broadcasting, on mnnx's gemm kernel."""
    t = _np.result_type(x, y)
    shp = _np.broadcast_shapes(x.shape[:-2], y.shape[:-2])
    m, k, n = x.shape[-2], x.shape[-1], y.shape[-1]
    nb = int(_np.prod(shp))
    xb = _np.array(-_np.broadcast_to(x, shp + (m, k)), dtype=t, order="C").reshape(nb, m, k)
    yb = _np.array(_np.broadcast_to(y, shp + (k, n)), dtype=t, order="C").reshape(nb, k, n)
    c = _np.zeros((nb, m, n), t)
    if c.size and k:
        _C.la_gemm_sub(xb, yb, c)
    return c.reshape(shp + (m, n))


def matmul(x1, x2, /):
    """numpy.linalg.matmul: mnnx.numpy.matmul (lazy) when the engine has it, else eagerly on the linalg
    gemm kernel for float32/float64 (numpy's matmul for the other dtypes)."""
    engine_matmul = getattr(_sys.modules[__package__], "matmul", None)
    if engine_matmul is not None:
        return engine_matmul(x1, x2)
    a, b = _arr(x1), _arr(x2)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError("matmul: Input operand does not have enough dimensions")
    if a.dtype.kind != "f" or b.dtype.kind != "f" or _np.result_type(a, b).itemsize not in (4, 8):
        return _wrap(_np.matmul(a, b))
    a2 = a[None, :] if a.ndim == 1 else a
    b2 = b[:, None] if b.ndim == 1 else b
    if a2.shape[-1] != b2.shape[-2]:
        raise ValueError(f"matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature "
                         f"(n?,k),(k,m?)->(n?,m?) (size {b2.shape[-2]} is different from {a2.shape[-1]})")
    r = _matmul_np(a2, b2)
    if a.ndim == 1:
        r = r[..., 0, :]
    if b.ndim == 1:
        r = r[..., 0]
    return _out(_np.asarray(r))


def pinv(a, rcond=None, hermitian=False, *, rtol=_NoValue):
    a = _arr(a)
    if rcond is None:
        if rtol is _NoValue:
            rcond = 1e-15
        elif rtol is None:
            rcond = max(a.shape[-2:]) * _np.finfo(_common_type(a)).eps
        else:
            rcond = rtol
    elif rtol is not _NoValue:
        raise ValueError("`rtol` and `rcond` can't be both set.")
    rcond = _np.asarray(rcond)
    _assert_stacked_2d(a)
    t = _common_type(a)
    m, n = a.shape[-2:]
    if m == 0 or n == 0:
        return _out(_np.zeros(a.shape[:-2] + (n, m), t))
    u, s, vt = _svd_hermitian(a, True) if hermitian else _svd(a, False, True)
    cutoff = rcond[..., None] * _np.max(s, axis=-1, keepdims=True)
    large = s > cutoff
    s = _np.divide(1, s, where=large, out=_np.zeros_like(s))
    return _out(_matmul_np(_np.swapaxes(vt, -1, -2), s[..., None] * _np.swapaxes(u, -1, -2)), t=t)


def lstsq(a, b, rcond=None):
    a, b = _arr(a), _arr(b)
    is_1d = b.ndim == 1
    if is_1d:
        b = b[:, None]
    for x in (a, b):
        if x.ndim != 2:
            raise LinAlgError(f"{x.ndim}-dimensional array given. Array must be two-dimensional")
    m, n = a.shape
    m2, nrhs = b.shape
    if m != m2:
        raise LinAlgError("Incompatible dimensions")
    t = _common_type(a, b)
    if rcond is None:
        rcond = _np.finfo(t).eps * max(n, m)
    k = min(m, n)
    if k == 0:
        x = _np.zeros((n, nrhs), t)
        s = _np.zeros((0,), t)
        rank = 0
    else:
        u, s, vt = _svd(a, False, True)
        large = s > rcond * s[0]
        rank = int(_np.count_nonzero(large))
        sinv = _np.divide(1, s, where=large, out=_np.zeros_like(s))
        utb = _matmul_np(_np.swapaxes(u, -1, -2), b.astype(t))
        x = _matmul_np(_np.swapaxes(vt, -1, -2), sinv[:, None] * utb)
    if rank == n and m > n:
        r = _matmul_np(a.astype(t), x) - b.astype(t)
        resids = _np.sum(r * r, axis=0).astype(t)
    else:
        resids = _np.empty((0,), t)
    if is_1d:
        x = x[:, 0]
    return _out(x), _out(resids), _np.int32(rank), _out(s.astype(t))


def matrix_power(a, n):
    a = _arr(a)
    _assert_stacked_2d(a)
    _assert_stacked_square(a)
    try:
        n = operator.index(n)
    except TypeError as e:
        raise TypeError("exponent must be an integer") from e
    if a.dtype.kind == "f" and a.dtype.itemsize in (4, 8):
        mul = _matmul_np
    else:  # integer and other dtypes keep numpy's exact integer products
        _common_type(a) if a.dtype.kind not in "biu" else None
        mul = _np.matmul
    if n == 0:
        r = _np.empty_like(a)
        r[...] = _np.eye(a.shape[-2], dtype=a.dtype)
        return _out(r)
    if n < 0:
        a = _arr(inv(a))
        n = -n
        mul = _matmul_np
    result, z = None, a
    while True:  # binary decomposition, as numpy (same association order, so same rounding)
        n, bit = divmod(n, 2)
        if bit:
            result = z if result is None else mul(result, z)
        if n == 0:
            break
        z = mul(z, z)
    return _out(_np.array(result))


def matrix_rank(A, tol=None, hermitian=False, *, rtol=None):
    A = _arr(A)
    if A.ndim < 2:
        return int(not _np.all(A == 0))
    S = _svd_hermitian(A, False) if hermitian else _svd(A, compute_uv=False)
    if tol is None:
        if rtol is None:
            rtol = max(A.shape[-2:]) * _np.finfo(S.dtype).eps
        else:
            rtol = _np.asarray(rtol)[..., None]
        tol = S.max(axis=-1, keepdims=True, initial=0) * rtol
    else:
        tol = _np.asarray(tol)[..., None]
    r = _np.count_nonzero(S > tol, axis=-1)
    return _out(_np.asarray(r)) if _np.ndim(r) else int(r)


def cond(x, p=None):
    x = _arr(x)
    _assert_stacked_2d(x)
    if x.shape[-1] == 0 or x.shape[-2] == 0:
        raise LinAlgError("cond is not defined on empty arrays")
    t = _common_type(x)
    with _np.errstate(all="ignore"):
        if p is None or p in (2, -2):
            s = _svd(x, compute_uv=False)
            r = s[..., -1] / s[..., 0] if p == -2 else s[..., 0] / s[..., -1]
        else:
            _assert_stacked_square(x)
            invx = _inv_nan(x, t)
            r = _np.asarray(norm(x, p, axis=(-2, -1))) * _np.asarray(norm(invx, p, axis=(-2, -1)))
            r = r.astype(t, copy=False)
    r = _np.array(r)
    nan_mask = _np.isnan(r) & ~_np.isnan(x).any(axis=(-2, -1))
    r[nan_mask] = _np.inf
    return _out(r)


from ._linalg_more import *  # noqa: E402,F401,F403  (norms and products, which use the functions above)
