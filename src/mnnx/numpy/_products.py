"""Products: matmul and the numpy functions that are matmuls in disguise (dot, vdot, inner, outer,
tensordot, einsum). Each becomes movement ops around one batched GEMM node, so transposes are read
through strides and an elementwise consumer (bias, activation) fuses into the GEMM's epilogue."""
import builtins
import string

import numpy as _np

from .. import _C
from .._tensor import Var, operand, cast
from ._reductions import _index
from ._shape import reshape, transpose, expand_dims, squeeze
from ._reductions import sum as _sum
from ._ufuncs import store

__all__ = ["matmul", "dot", "vdot", "inner", "outer", "tensordot", "einsum"]


def _arr(x):
    return operand(x)


def matmul(x1, x2, /, out=None, *, dtype=None, **kw):
    if out is not None:
        return store(matmul(x1, x2, dtype=dtype, **kw), out)
    if kw:
        raise TypeError(f"matmul() got an unexpected keyword argument '{next(iter(kw))}'")
    a, b = _arr(x1), _arr(x2)
    for i, v in enumerate((a, b)):
        if v.ndim == 0:
            raise ValueError(f"matmul: Input operand {i} does not have enough dimensions (has 0, gufunc core with "
                             "signature (n?,k),(k,m?)->(n?,m?) requires 1)")
    if dtype is not None:
        a, b = cast(a, dtype), cast(b, dtype)
    va, vb = a.ndim == 1, b.ndim == 1
    if va:
        a = reshape(a, (1, a.shape[0]))
    if vb:
        b = reshape(b, (b.shape[0], 1))
    if a.shape[-1] != b.shape[-2]:
        raise ValueError(f"matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature "
                         f"(n?,k),(k,m?)->(n?,m?) (size {b.shape[-2]} is different from {a.shape[-1]})")
    r = _C.matmul(a, b)
    if va and vb:
        return reshape(r, r.shape[:-2])
    if va:
        return reshape(r, r.shape[:-2] + r.shape[-1:])
    if vb:
        return reshape(r, r.shape[:-1])
    return r


def dot(a, b, out=None):
    if out is not None:  # numpy's dot wants out of exactly the result's type
        return store(dot(a, b), out, "equiv")
    a, b = _arr(a), _arr(b)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if b.ndim <= 2:
        if a.shape[-1] != b.shape[0]:
            raise ValueError(f"shapes {a.shape} and {b.shape} not aligned: {a.shape[-1]} (dim {a.ndim - 1}) != "
                             f"{b.shape[0]} (dim 0)")
        if a.ndim <= 2:
            return matmul(a, b)
        lead = a.shape[:-1]
        r = matmul(reshape(a, (int(_np.prod(lead, dtype=_np.int64)), a.shape[-1])), b)
        return reshape(r, lead + b.shape[1:])
    if a.shape[-1] != b.shape[-2]:
        raise ValueError(f"shapes {a.shape} and {b.shape} not aligned: {a.shape[-1]} (dim {a.ndim - 1}) != "
                         f"{b.shape[-2]} (dim {b.ndim - 2})")
    return tensordot(a, b, axes=([a.ndim - 1], [b.ndim - 2]))


def vdot(a, b, /):
    a, b = _arr(a), _arr(b)
    if a.size != b.size:
        raise ValueError("cannot reshape array: vdot needs operands of the same size")
    return matmul(reshape(a, (-1,)), reshape(b, (-1,)))


def inner(a, b, /):
    a, b = _arr(a), _arr(b)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if a.shape[-1] != b.shape[-1]:
        raise ValueError(f"shapes {a.shape} and {b.shape} not aligned: {a.shape[-1]} (dim {a.ndim - 1}) != "
                         f"{b.shape[-1]} (dim {b.ndim - 1})")
    return tensordot(a, b, axes=([a.ndim - 1], [b.ndim - 1]))


def outer(a, b, out=None):
    if out is not None:
        return store(outer(a, b), out)
    a, b = reshape(_arr(a), (-1,)), reshape(_arr(b), (-1,))
    return reshape(a, (-1, 1)) * reshape(b, (1, -1))


def tensordot(a, b, axes=2):
    a, b = _arr(a), _arr(b)
    if isinstance(axes, (int, _np.integer)):
        n = int(axes)
        if n < 0 or n > a.ndim or n > b.ndim:
            raise ValueError("tensordot: axes exceeds the operands' dimensions")
        ax_a, ax_b = list(range(a.ndim - n, a.ndim)), list(range(n))
    else:
        try:
            ax_a, ax_b = axes
        except (TypeError, ValueError):
            raise ValueError("tensordot: axes must be an int or a pair of axis sequences") from None
        ax_a = [_index(ax_a)] if not isinstance(ax_a, (list, tuple)) else [_index(x) for x in ax_a]
        ax_b = [_index(ax_b)] if not isinstance(ax_b, (list, tuple)) else [_index(x) for x in ax_b]
    if len(ax_a) != len(ax_b):
        raise ValueError("shape-mismatch for sum")
    ax_a = [_norm_axis(x, a.ndim) for x in ax_a]
    ax_b = [_norm_axis(x, b.ndim) for x in ax_b]
    for i, j in zip(ax_a, ax_b):
        if a.shape[i] != b.shape[j]:
            raise ValueError("shape-mismatch for sum")
    free_a = [d for d in range(a.ndim) if d not in ax_a]
    free_b = [d for d in range(b.ndim) if d not in ax_b]
    k = m = n = 1  # explicit sizes: -1 is ambiguous when a size is 0
    for d in ax_a:
        k *= a.shape[d]
    for d in free_a:
        m *= a.shape[d]
    for d in free_b:
        n *= b.shape[d]
    ma = reshape(transpose(a, free_a + ax_a), (m, k))
    mb = reshape(transpose(b, ax_b + free_b), (k, n))
    r = matmul(ma, mb)
    return reshape(r, tuple(a.shape[d] for d in free_a) + tuple(b.shape[d] for d in free_b))


def _norm_axis(ax, ndim):
    if not -ndim <= ax < ndim:
        raise _np.exceptions.AxisError(f"axis {ax} is out of bounds for array of dimension {ndim}")
    return ax % ndim


# ---- einsum ----

def _parse(subscripts, operands):
    """Explicit per-operand index strings and the output string, with '...' expanded to letters."""
    s = subscripts.replace(" ", "")
    if "->" in s:
        ins, out = s.split("->")
        explicit = True
    else:
        ins, out, explicit = s, None, False
    terms = ins.split(",")
    if len(terms) != len(operands):
        raise ValueError("einsum: the number of subscripts does not match the number of operands")
    used = set(c for c in s if c.isalpha())
    spare = [c for c in string.ascii_letters if c not in used]
    ell_nd = 0
    for t, x in zip(terms, operands):
        if "..." in t:
            ell_nd = builtins.max(ell_nd, x.ndim - (len(t) - 3))
    ell = "".join(spare[:ell_nd])
    res = []
    for t, x in zip(terms, operands):
        if t.count(".") not in (0, 3) or (t.count(".") == 3 and "..." not in t):
            raise ValueError("einsum: invalid ellipsis in subscripts")
        if "..." in t:
            k = x.ndim - (len(t) - 3)
            if k < 0:
                raise ValueError("einsum: operand has fewer dimensions than its subscripts")
            t = t.replace("...", ell[ell_nd - k:])
        for c in t:
            if not c.isalpha():
                raise ValueError(f"einsum: invalid subscript '{c}' (letters only)")
        if len(t) != x.ndim:
            raise ValueError(f"einsum: operand has {x.ndim} dimensions but its subscripts '{t}' name {len(t)}")
        res.append(t)
    if explicit:
        out = out.replace("...", ell)
        for c in out:
            if not c.isalpha():
                raise ValueError(f"einsum: invalid output subscript '{c}'")
            if not any(c in t for t in res):
                raise ValueError(f"einsum: output subscript '{c}' does not appear in the inputs")
        if len(set(out)) != len(out):
            raise ValueError("einsum: output subscript appears more than once")
    else:
        counts = {}
        for t in res:
            for c in t:
                counts[c] = counts.get(c, 0) + 1
        out = ell + "".join(sorted(c for c, n in counts.items() if n == 1 and c not in ell))
    return res, out


def _diag(x, t):
    """Take the diagonal of every index repeated within one operand: 'ii' -> 'i'."""
    while True:
        dup = next((c for c in t if t.count(c) > 1), None)
        if dup is None:
            return x, t
        i = t.index(dup)
        j = t.index(dup, i + 1)
        if x.shape[i] != x.shape[j]:
            raise ValueError(f"einsum: dimensions of repeated subscript '{dup}' differ ({x.shape[i]} and {x.shape[j]})")
        n = x.shape[i]
        rest = [d for d in range(x.ndim) if d not in (i, j)]
        y = reshape(transpose(x, rest + [i, j]), tuple(x.shape[d] for d in rest) + (n * n,))
        x = y[(builtins.slice(None),) * len(rest) + (builtins.slice(None, None, n + 1),)]
        t = "".join(t[d] for d in rest) + dup


def _reduce_to(x, t, keep):
    """Sum away indices of x not in `keep`."""
    axes = tuple(d for d, c in enumerate(t) if c not in keep)
    if axes:
        x = _sum(x, axis=axes, dtype=x.dtype)  # einsum keeps the operands' type
        t = "".join(c for c in t if c in keep)
    return x, t


def _pair(a, ta, b, tb, keep):
    """Contract two operands: indices in both and kept are batch, in both and not kept are summed."""
    batch = [c for c in ta if c in tb and c in keep]
    contr = [c for c in ta if c in tb and c not in keep]
    fa = [c for c in ta if c not in tb]
    fb = [c for c in tb if c not in ta]
    sa = {c: a.shape[ta.index(c)] for c in ta}
    sb = {c: b.shape[tb.index(c)] for c in tb}
    for c in batch + contr:
        if sa[c] != sb[c] and sa[c] != 1 and sb[c] != 1:
            raise ValueError(f"einsum: operands could not be broadcast together: subscript '{c}' has sizes "
                             f"{sa[c]} and {sb[c]}")
    for c in contr:
        if sa[c] != sb[c]:  # a size-1 contracted dim broadcasts: sum it first on the side that has more
            if sa[c] == 1:
                b, tb = _reduce_to(b, tb, [x for x in tb if x != c])
                a = squeeze(a, axis=ta.index(c))
                ta = ta.replace(c, "")
            else:
                a, ta = _reduce_to(a, ta, [x for x in ta if x != c])
                b = squeeze(b, axis=tb.index(c))
                tb = tb.replace(c, "")
            return _pair(a, ta, b, tb, keep)
    size = lambda s, cs: int(_np.prod([s[c] for c in cs], dtype=_np.int64)) if cs else 1  # noqa: E731
    bshape = tuple(sb[c] if sa[c] == 1 else sa[c] for c in batch)  # broadcasting: 1 yields to any size
    am = transpose(a, [ta.index(c) for c in batch + fa + contr])
    bm = transpose(b, [tb.index(c) for c in batch + contr + fb])
    am = reshape(am, tuple(sa[c] for c in batch) + (size(sa, fa), size(sa, contr)))
    bm = reshape(bm, tuple(sb[c] for c in batch) + (size(sb, contr), size(sb, fb)))
    r = _C.matmul(am, bm) if am.ndim >= 2 else matmul(am, bm)
    r = reshape(r, bshape + tuple(sa[c] for c in fa) + tuple(sb[c] for c in fb))
    return r, "".join(batch + fa + fb)


def einsum(subscripts, *operands, out=None, dtype=None, order="K", casting="safe", optimize=False):
    """Einstein summation: every subscript form numpy accepts with letters and '...' (repeated
    indices take diagonals, contracted pairs become batched GEMMs, lone indices are summed)."""
    if out is not None:
        return store(einsum(subscripts, *operands, dtype=dtype, order=order, casting=casting, optimize=optimize), out,
                     casting)
    if not isinstance(subscripts, str):
        raise TypeError("einsum: only the subscripts-string form is supported by mnnx")
    xs = [_arr(x) for x in operands]
    if dtype is not None:
        xs = [cast(x, dtype) for x in xs]
    terms, out_t = _parse(subscripts, xs)
    # diagonals, then sum indices that appear in one operand only and not in the output
    ops = []
    for i, (x, t) in enumerate(zip(xs, terms)):
        x, t = _diag(x, t)
        others = "".join(terms[j] for j in range(len(terms)) if j != i) + out_t
        x, t = _reduce_to(x, t, [c for c in t if c in others])
        ops.append((x, t))
    x, t = ops[0]
    for k in range(1, len(ops)):
        y, u = ops[k]
        later = "".join(v for _, v in ops[k + 1:]) + out_t
        x, t = _pair(x, t, y, u, [c for c in set(t + u) if c in later])
    x, t = _reduce_to(x, t, out_t)
    return transpose(x, [t.index(c) for c in out_t]) if t != out_t else x


def _matmul(self, other):
    try:
        return matmul(self, other)
    except TypeError:
        return NotImplemented


Var.__matmul__ = _matmul
Var.__rmatmul__ = lambda self, other: matmul(other, self)


def _imatmul(self, other):
    r = matmul(self, other)
    if r.shape != self.shape:
        raise ValueError(f"matmul: in-place result would change the shape from {self.shape} to {r.shape}")
    if r._dtype_char != self._dtype_char and not _np.can_cast(r.dtype, self.dtype, "same_kind"):
        raise TypeError(f"Cannot cast ufunc 'matmul' output from {r.dtype!r} to {self.dtype!r} with casting rule "
                        "'same_kind'")
    return cast(r, self.dtype)


Var.__imatmul__ = _imatmul
Var.dot = lambda self, b, out=None: dot(self, b, out=out)
