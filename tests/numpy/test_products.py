"""Products against numpy: matmul (and @, @=), dot, vdot, inner, outer, tensordot, einsum.

Shapes come from hypothesis (1-D operands, broadcast batches, size-0 and size-1 dims); dtypes cover
floats, ints, bool and mixed pairs (the result dtype must be numpy's). Float results are checked
against the rounding-error bound of a K-term dot product: |mnnx - numpy| <= (2K + 8) eps (|a| @ |b|),
which holds for any summation order and is tight enough to catch a wrong term. Also: transposed,
sliced and lazy operands, fused epilogues (and where they must not fuse), errors, and sizes that
exercise partial GEMM tiles."""
import io

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import mnnx
import mnnx.numpy as mnp
from conftest import assert_matches, assert_same_exception, dtype_id, np_oracle, sample_values, to_numpy

F16, F32, F64 = np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64)
I8, I32, I64, U8, B = (np.dtype(t) for t in (np.int8, np.int32, np.int64, np.uint8, np.bool_))
SAME = [F32, F64, I32, I64, U8, B, F16]
MIXED = [(I32, F32), (F32, I32), (I64, F32), (U8, I8), (B, I32), (F16, F32), (F32, F64), (B, F16), (U8, F64),
         (I32, I64), (B, B)]
DTYPE_PAIRS = [(d, d) for d in SAME] + MIXED


def values(dtype, shape, rng):
    """Floats in [-4, 4] (a quarter of them integers), ints over their full range (matmul wraps)."""
    dt = np.dtype(dtype)
    if dt.kind == "f":
        v = rng.uniform(-4, 4, size=shape)
        v = np.where(rng.random(shape) < 0.25, np.round(v), v)
        return v.astype(dt)
    return sample_values(dt, shape, rng)


def assert_product(got, expected, bound, k, err_msg=""):
    """dtype and shape equal numpy's; ints/bools exact; floats within the K-term dot-product bound.

    ``bound`` is the same product over |operands| in float64; float16 results are accumulated in
    float32 by numpy, so their budget is float32's plus rounding each side to float16."""
    assert isinstance(got, mnnx.Var), f"expected a mnnx array, got {type(got).__name__} {err_msg}"
    g, e = to_numpy(got), np.asarray(expected)
    assert g.dtype == e.dtype, f"dtype: mnnx {g.dtype} vs numpy {e.dtype} {err_msg}"
    assert g.shape == e.shape, f"shape: mnnx {g.shape} vs numpy {e.shape} {err_msg}"
    if e.dtype.kind in "biu":
        assert np.array_equal(g, e), f"values differ {err_msg}\nmnnx {g!r}\nnumpy {e!r}"
        return
    acc_eps = float(np.finfo(F32 if e.dtype == F16 else e.dtype).eps)
    res_eps = float(np.finfo(e.dtype).eps)
    e64 = e.astype(np.float64)
    tol = (2 * max(k, 1) + 8) * acc_eps * np.asarray(bound, np.float64) + 2 * res_eps * np.abs(e64)
    diff = np.abs(g.astype(np.float64) - e64)
    bad = ~(diff <= tol)
    if bad.any():
        i = tuple(np.argwhere(bad)[0])
        raise AssertionError(f"{int(bad.sum())} of {e.size} values out of tolerance; first at {i}: mnnx {g[i]!r} "
                             f"vs numpy {e[i]!r} (tol {tol[i]:.3g}) {err_msg}")


def abs64(a):
    return np.abs(np.asarray(a).astype(np.float64))


def compare(np_fn, mnnx_fn, arrays, m_arrays=None, *, k, err_msg=""):
    """mnnx_fn(mnnx operands) against np_fn(numpy operands), with the bound np_fn(|operands|)."""
    m_arrays = [mnp.asarray(a) for a in arrays] if m_arrays is None else m_arrays
    status, exp = np_oracle(np_fn, *arrays)
    assert status == "ok", f"test premise: numpy raised {exp!r} {err_msg}"
    bound = np_fn(*[abs64(a) for a in arrays]) if np.asarray(exp).dtype.kind == "f" else None
    assert_product(mnnx_fn(*m_arrays), exp, bound, k, err_msg)


# ------------------------------------------------------------------------------------------ operand forms
FORMS = ["plain", "transposed", "sliced", "reversed", "expr"]


def make_operand(form, dtype, shape, rng):
    """(numpy operand, mnnx operand) of ``shape`` given as a transposed/sliced view or a lazy expression."""
    if form == "transposed" and len(shape) >= 2:
        base = values(dtype, shape[:-2] + (shape[-1], shape[-2]), rng)
        return np.swapaxes(base, -1, -2), mnp.swapaxes(mnp.asarray(base), -1, -2)
    if form == "sliced" and len(shape) >= 1:
        base = values(dtype, shape[:-1] + (2 * shape[-1],), rng)
        first = (slice(None, None, 2),) + (slice(None),) * (len(shape) - 1)
        if len(shape) >= 2:  # stride the first axis as well
            base = np.concatenate([base, base], axis=0) if shape[0] else base
            return base[first][..., ::2], mnp.asarray(base)[first][..., ::2]
        return base[::2], mnp.asarray(base)[::2]
    if form == "reversed" and len(shape) >= 1:
        base = values(dtype, shape, rng)
        return base[..., ::-1], mnp.asarray(base)[..., ::-1]
    base = values(dtype, shape, rng)
    if form == "expr" and np.dtype(dtype).kind != "b" and np.dtype(dtype) != F16:
        return base * 2 + 1, mnp.asarray(base) * 2 + 1
    return base, mnp.asarray(base)


MATMUL_SIG = "(m?,n),(n,p?)->(m?,p?)"


# ------------------------------------------------------------------------------------------ matmul
@settings(max_examples=400)
@given(shapes=hnp.mutually_broadcastable_shapes(signature=MATMUL_SIG, max_dims=3, min_side=0, max_side=6),
       pair=st.sampled_from(DTYPE_PAIRS), forms=st.tuples(st.sampled_from(FORMS), st.sampled_from(FORMS)),
       how=st.sampled_from(["func", "op", "np_left"]), seed=st.integers(0, 2**32 - 1))
def test_matmul(shapes, pair, forms, how, seed):
    rng = np.random.default_rng(seed)
    (sa, sb), _ = shapes
    a, ma = make_operand(forms[0], pair[0], sa, rng)
    b, mb = make_operand(forms[1], pair[1], sb, rng)
    if how == "func":
        fn = mnp.matmul
    elif how == "op":
        fn = lambda x, y: x @ y
    else:  # a numpy array on the left hands over to mnnx's __rmatmul__
        fn = lambda x, y: a @ y
    compare(np.matmul, fn, [a, b], [ma, mb], k=sa[-1], err_msg=f"{a.dtype}{sa} @ {b.dtype}{sb} {forms} {how}")


@pytest.mark.parametrize("sa,sb", [((3,), (3,)), ((3,), (3, 4)), ((2, 3), (3,)), ((3,), (2, 3, 4)), ((2, 3, 4), (4,)),
                                   ((0,), (0,)), ((0,), (0, 5)), ((4, 0), (0,)), ((2, 1, 3, 4), (5, 4, 6)),
                                   ((1, 3, 4), (5, 4, 2)), ((5, 0, 4), (4, 3)), ((3, 0), (0, 2)), ((0, 3), (3, 2)),
                                   ((3, 2), (2, 0)), ((1, 1), (1, 1)), ((1, 7), (7, 1)), ((7, 1), (1, 7)),
                                   ((0, 2, 3), (1, 3, 4)), ((2, 1, 1, 3), (1, 4, 3, 1))],
                         ids=str)
@pytest.mark.parametrize("dtype", [F32, F64, I64, B], ids=dtype_id)
def test_matmul_shape_rules(sa, sb, dtype, rng):
    a, b = values(dtype, sa, rng), values(dtype, sb, rng)
    compare(np.matmul, mnp.matmul, [a, b], k=sa[-1], err_msg=f"{sa} @ {sb}")


# Shapes around the GEMM's tiles and blocks: partial row and column tiles, both tile heights (8 and
# 12 rows on AVX-512), several K slices (1024 deep for float32, 512 for float64), several row blocks,
# two column blocks (N over 3072), a single row or column.
GEMM_SHAPES = [(1, 1, 1), (7, 3, 5), (64, 513, 64), (13, 1100, 33), (100, 37, 3100), (200, 2049, 70), (1, 700, 300),
               (300, 700, 1)]


@pytest.mark.parametrize("m,k,n", GEMM_SHAPES, ids=lambda v: str(v))
@pytest.mark.parametrize("dtype", [F32, F64], ids=dtype_id)
def test_gemm_on_every_isa(isa, m, k, n, dtype, rng):
    """The packed GEMM of each kernel variant: plain, transposed A (the strided packing path), a
    column-reversed B, and with a bias + relu epilogue fused into the tile stores."""
    a, b = rng.uniform(-1, 1, (m, k)).astype(dtype), rng.uniform(-1, 1, (k, n)).astype(dtype)
    bias = rng.uniform(-1, 1, n).astype(dtype)
    at, bt = mnp.asarray(a), mnp.asarray(b)
    bound = np.abs(a).astype(np.float64) @ np.abs(b)
    assert_product(at @ bt, a @ b, bound, k, f"[{isa}] plain")
    assert_product(mnp.asarray(a.T.copy()).T @ bt, a @ b, bound, k, f"[{isa}] transposed A")
    rb = b[:, ::-1].copy()
    assert_product(at @ mnp.asarray(rb)[:, ::-1], a @ b, bound, k, f"[{isa}] reversed B")
    got = mnp.maximum(at @ bt + mnp.asarray(bias), 0)
    assert_product(got, np.maximum(a @ b + bias, 0), bound + np.abs(bias), k + 1, f"[{isa}] bias + relu")


def test_matmul_k0_gives_zeros():
    for dt in (F32, F64, I32, B):
        r = mnp.matmul(mnp.asarray(np.ones((3, 0), dt)), mnp.asarray(np.ones((0, 4), dt)))
        assert_matches(r, np.zeros((3, 4), dt))


def test_matmul_dtype_keyword(rng):
    a, b = values(I32, (3, 4), rng), values(I32, (4, 2), rng)
    for dt in (F32, F64, I64):
        compare(lambda x, y, d=dt: np.matmul(x, y, dtype=d), lambda x, y, d=dt: mnp.matmul(x, y, dtype=d), [a, b], k=4)


def test_matmul_accepts_numpy_and_lists(rng):
    a, b = values(F64, (3, 4), rng), values(F64, (4, 2), rng)
    compare(np.matmul, mnp.matmul, [a, b], [a, mnp.asarray(b)], k=4)
    compare(np.matmul, mnp.matmul, [a, b], [mnp.asarray(a), b.tolist()], k=4)
    compare(np.matmul, lambda x, y: x @ y, [a, b], [mnp.asarray(a), b], k=4)


def test_transposed_and_sliced_2d(rng):
    a = values(F64, (5, 3), rng)
    b = values(F64, (5, 4), rng)
    ma, mb = mnp.asarray(a), mnp.asarray(b)
    assert_product(ma.T @ mb, a.T @ b, abs64(a).T @ abs64(b), 5)
    c = values(F32, (6, 10), rng)
    d = values(F32, (10, 3), rng)
    mc, md = mnp.asarray(c), mnp.asarray(d)
    assert_product(mc[:, ::2] @ md[::2], c[:, ::2] @ d[::2], abs64(c)[:, ::2] @ abs64(d)[::2], 5)
    assert_product(mc[::-1, 1::3] @ md[1::3, ::-1].T.T, c[::-1, 1::3] @ d[1::3, ::-1],
                   abs64(c)[::-1, 1::3] @ abs64(d)[1::3, ::-1], 4)


def test_lazy_operands(rng):
    x, y = values(F32, (4, 6), rng), values(F32, (6, 3), rng)
    mx, my = mnp.asarray(x), mnp.asarray(y)
    assert_product((mx * 2 + 1) @ my, (x * 2 + 1) @ y, abs64(x * 2 + 1) @ abs64(y), 6)
    assert_product(mnp.exp(mx / 4) @ (my - 1), np.exp(x / 4) @ (y - 1), abs64(np.exp(x / 4)) @ abs64(y - 1), 6)
    # a matmul of matmuls, and a transposed lazy expression
    assert_product((mx @ my).T @ (mx * 2).T.T.T[:3].T, (x @ y).T @ (x * 2)[:, :3],
                   (abs64(x) @ abs64(y)).T @ abs64(x * 2)[:, :3], 24)


@pytest.mark.parametrize("dt,other", [(F32, F64), (F64, F32), (I64, I32), (F32, I32), (F64, I64)], ids=str)
def test_imatmul(dt, other, rng):
    a, b = values(dt, (3, 3), rng), values(other, (3, 3), rng)
    x = a.copy()
    x @= b
    m = mnp.asarray(a)
    m @= mnp.asarray(b)
    assert_product(m, x, abs64(a) @ abs64(b), 3)


def test_imatmul_refuses_unsafe_cast(rng):
    def np_fn():
        x = values(I32, (3, 3), rng)
        x @= values(F32, (3, 3), rng)

    def m_fn():
        x = mnp.asarray(values(I32, (3, 3), rng))
        x @= mnp.asarray(values(F32, (3, 3), rng))

    assert_same_exception(np_fn, m_fn)


# ------------------------------------------------------------------------------------------ dot, vdot, inner, outer
@st.composite
def dot_shapes(draw):
    k = draw(st.integers(0, 5))
    nda, ndb = draw(st.integers(0, 3)), draw(st.integers(0, 3))
    side = st.integers(0, 4)
    sa = () if nda == 0 else tuple(draw(side) for _ in range(nda - 1)) + (k,)
    if ndb == 0:
        sb = ()
    elif ndb == 1:
        sb = (k,)
    else:
        sb = tuple(draw(side) for _ in range(ndb - 2)) + (k, draw(side))
    return sa, sb, k


@settings(max_examples=120)
@given(shapes=dot_shapes(), pair=st.sampled_from(DTYPE_PAIRS), method=st.booleans(), seed=st.integers(0, 2**32 - 1))
def test_dot(shapes, pair, method, seed):
    rng = np.random.default_rng(seed)
    sa, sb, k = shapes
    a, b = values(pair[0], sa, rng), values(pair[1], sb, rng)
    fn = (lambda x, y: x.dot(y)) if method else mnp.dot
    compare(np.dot, fn, [a, b], k=k, err_msg=f"dot({a.dtype}{sa}, {b.dtype}{sb})")


@settings(max_examples=60)
@given(shapes=st.sampled_from([((6,), (6,)), ((2, 3), (6,)), ((2, 3), (3, 2)), ((0,), (0, 4)), ((1,), (1, 1, 1)),
                               ((4, 5), (20,))]),
       pair=st.sampled_from(DTYPE_PAIRS), seed=st.integers(0, 2**32 - 1))
def test_vdot(shapes, pair, seed):
    rng = np.random.default_rng(seed)
    a, b = values(pair[0], shapes[0], rng), values(pair[1], shapes[1], rng)
    compare(np.vdot, mnp.vdot, [a, b], k=a.size, err_msg=f"vdot({a.dtype}{a.shape}, {b.dtype}{b.shape})")


@st.composite
def inner_shapes(draw):
    k = draw(st.integers(0, 5))
    side = st.integers(0, 4)
    sa, sb = [(() if nd == 0 else tuple(draw(side) for _ in range(nd - 1)) + (k,))
              for nd in (draw(st.integers(0, 3)), draw(st.integers(0, 3)))]
    return sa, sb, k


@settings(max_examples=100)
@given(shapes=inner_shapes(), pair=st.sampled_from(DTYPE_PAIRS), seed=st.integers(0, 2**32 - 1))
def test_inner(shapes, pair, seed):
    rng = np.random.default_rng(seed)
    sa, sb, k = shapes
    a, b = values(pair[0], sa, rng), values(pair[1], sb, rng)
    compare(np.inner, mnp.inner, [a, b], k=k, err_msg=f"inner({a.dtype}{sa}, {b.dtype}{sb})")


@settings(max_examples=60)
@given(sa=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4),
       sb=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4),
       pair=st.sampled_from(DTYPE_PAIRS), seed=st.integers(0, 2**32 - 1))
def test_outer(sa, sb, pair, seed):
    rng = np.random.default_rng(seed)
    a, b = values(pair[0], sa, rng), values(pair[1], sb, rng)
    compare(np.outer, mnp.outer, [a, b], k=1, err_msg=f"outer({a.dtype}{sa}, {b.dtype}{sb})")


@pytest.mark.parametrize("fn,sa,sb", [("inner", (0,), (0,)), ("inner", (2, 0), (3, 0)), ("dot", (2, 2, 0), (0, 3)),
                                      ("dot", (2, 0), (4, 0, 3)), ("tensordot1", (0,), (0,)),
                                      ("tensordot1", (2, 0), (0, 3))], ids=str)
def test_contraction_over_empty_axis(fn, sa, sb, rng):
    a, b = values(F64, sa, rng), values(F64, sb, rng)
    if fn == "tensordot1":
        compare(lambda x, y: np.tensordot(x, y, 1), lambda x, y: mnp.tensordot(x, y, 1), [a, b], k=0)
    else:
        compare(getattr(np, fn), getattr(mnp, fn), [a, b], k=0)


# ------------------------------------------------------------------------------------------ tensordot
@st.composite
def tensordot_case(draw):
    sa = draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=4))
    form = draw(st.sampled_from(["int", "pair", "scalar_pair"]))
    side = st.integers(0, 4)
    if form == "int":
        n = draw(st.integers(0, len(sa)))
        sb = sa[len(sa) - n:] + tuple(draw(side) for _ in range(draw(st.integers(0, 2))))
        return sa, sb, n
    if form == "scalar_pair":
        assume(len(sa) >= 1)
        i = draw(st.integers(-len(sa), len(sa) - 1))
        nb = draw(st.integers(1, 3))
        j = draw(st.integers(-nb, nb - 1))
        sb = [draw(side) for _ in range(nb)]
        sb[j] = sa[i]
        return sa, tuple(sb), (i, j)
    n = draw(st.integers(0, len(sa)))
    ax_a = draw(st.permutations(range(len(sa))))[:n]
    nb = n + draw(st.integers(0, 2))
    ax_b = draw(st.permutations(range(nb)))[:n]
    sb = [draw(side) for _ in range(nb)]
    for i, j in zip(ax_a, ax_b):
        sb[j] = sa[i]
    neg = lambda ax, nd: [x - nd if draw(st.booleans()) else x for x in ax]
    return sa, tuple(sb), (neg(ax_a, len(sa)), tuple(neg(ax_b, nb)))


@settings(max_examples=120)
@given(case=tensordot_case(), pair=st.sampled_from([(F64, F64), (F32, F32), (I64, I64), (I32, F32), (U8, U8)]),
       seed=st.integers(0, 2**32 - 1))
def test_tensordot(case, pair, seed):
    rng = np.random.default_rng(seed)
    sa, sb, axes = case
    ax_a = range(len(sa) - axes, len(sa)) if isinstance(axes, int) else np.atleast_1d(axes[0]).tolist()
    a, b = values(pair[0], sa, rng), values(pair[1], sb, rng)
    k = int(np.prod(sa)) if sa else 1
    compare(lambda x, y: np.tensordot(x, y, axes), lambda x, y: mnp.tensordot(x, y, axes), [a, b], k=k,
            err_msg=f"tensordot({a.dtype}{sa}, {b.dtype}{sb}, axes={axes})")


def test_tensordot_default_axes(rng):
    a, b = values(F64, (2, 3, 4), rng), values(F64, (3, 4, 5), rng)
    compare(np.tensordot, mnp.tensordot, [a, b], k=12)


# ------------------------------------------------------------------------------------------ einsum
EINSUM_SPECS = [
    "ij,jk->ik", "ij,jk", "ij,kj->ik", "ji,jk->ki", "bij,bjk->bik", "bij,bkj->bik", "ij,j->i", "j,ij", "i,i->", "i,i",
    "i,i->i", "i,j->ij", "i,j", "ij->ji", "ji", "ij", "ii", "ii->i", "ii->", "iij->j", "iji->j", "ijj->ij", "ij->",
    "ij->j", "ij->i", "ijk->kji", "ijk->jk", "ij,ij->ij", "ij,ij->", "ij,ij->i", "ij,kl->ik", "ij,jk,kl->il",
    "i,j,k->ijk", "ij,jk,ki->", "ij,jk,ki", "ijk,jil->kl", "ab,cd->abcd", "ii,jj->ij", "bn,anm,bm->ba",
    "...ij,...jk->...ik", "...ij,...jk", "i...->...", "...i,...i->...", "ij...,jk...->ik...", "...->...", "...ii->...i",
    "i...i", "...,...->...",
]


def einsum_shapes(spec, sizes, ell, ell_forms):
    """Operand shapes for ``spec``: letters from ``sizes``, '...' from ``ell`` (per operand either full,
    with leading dims dropped, or with some dims set to 1, to exercise broadcasting)."""
    terms = spec.split("->")[0].split(",")
    out = []
    for t, form in zip(terms, ell_forms):
        e = ell
        if form == "drop":
            e = ell[1:]
        elif form == "ones":
            e = tuple(1 if i % 2 == 0 else s for i, s in enumerate(ell))
        shape = ()
        for part_i, part in enumerate(t.split("...")):
            if part_i:
                shape += e
            shape += tuple(sizes[c] for c in part)
        out.append(shape)
    return out


def einsum_k(spec, sizes):
    """How many terms each output value sums: the product of the sizes of the summed letters."""
    ins, _, out = spec.partition("->")
    letters = {c for c in ins if c.isalpha()}
    if "->" in spec:
        summed = letters - set(out)
    else:
        summed = {c for c in letters if ins.count(c) > 1}
    return int(np.prod([sizes[c] for c in summed])) if summed else 1


@settings(max_examples=15)
@pytest.mark.parametrize("spec", EINSUM_SPECS)
@given(sizes=st.fixed_dictionaries({c: st.integers(0, 4) for c in "abcdijkl"}).map(lambda d: {**d, "m": 3, "n": 2}),
       ell=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3),
       ell_forms=st.lists(st.sampled_from(["full", "drop", "ones"]), min_size=3, max_size=3),
       dtype=st.sampled_from([F64, F32, I64]), seed=st.integers(0, 2**32 - 1))
def test_einsum(spec, sizes, ell, ell_forms, dtype, seed):
    rng = np.random.default_rng(seed)
    arrays = [values(dtype, s, rng) for s in einsum_shapes(spec, sizes, ell, ell_forms)]
    status, _ = np_oracle(np.einsum, spec, *arrays)
    assume(status == "ok")  # an ellipsis broadcast numpy itself refuses
    compare(lambda *xs: np.einsum(spec, *xs), lambda *xs: mnp.einsum(spec, *xs), arrays, k=einsum_k(spec, sizes),
            err_msg=f"einsum({spec!r}, {[a.shape for a in arrays]})")


@pytest.mark.parametrize("spec,shapes", [("ij,jk->ik", [(3, 4), (4, 2)]), ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
                                         ("ij,j->i", [(3, 4), (4,)]), ("i,j->ij", [(3,), (4,)]),
                                         ("ij->ji", [(3, 4)]), ("ii->i", [(3, 3)])])
@pytest.mark.parametrize("pair", [(I32, I32), (U8, U8), (B, B), (I32, F32), (U8, I8), (F32, F64)], ids=str)
def test_einsum_dtypes(spec, shapes, pair, rng):
    arrays = [values(pair[i % 2], s, rng) for i, s in enumerate(shapes)]
    compare(lambda *xs: np.einsum(spec, *xs), lambda *xs: mnp.einsum(spec, *xs), arrays, k=4,
            err_msg=f"einsum({spec!r}) {[a.dtype for a in arrays]}")


@pytest.mark.parametrize("spec,shapes", [
    ("ij->i", [(3, 4)]), ("ii->", [(3, 3)]), ("ij,kl->ik", [(3, 4), (2, 5)])])
@pytest.mark.parametrize("dtype", [I32, U8, B], ids=dtype_id)
def test_einsum_reduction_keeps_dtype(spec, shapes, dtype, rng):
    arrays = [values(dtype, s, rng) for s in shapes]
    compare(lambda *xs: np.einsum(spec, *xs), lambda *xs: mnp.einsum(spec, *xs), arrays, k=4,
            err_msg=f"einsum({spec!r}) {dtype}")


@pytest.mark.parametrize("spec,sa,sb", [("...ij,...jk->...ik", (0, 2, 3), (1, 3, 4)),
                                        ("...ij,...jk->...ik", (1, 2, 3), (0, 3, 4)),
                                        ("bij,bjk->bik", (0, 2, 3), (1, 3, 4))], ids=str)
def test_einsum_broadcast_one_against_zero(spec, sa, sb, rng):
    a, b = values(F64, sa, rng), values(F64, sb, rng)
    compare(lambda x, y: np.einsum(spec, x, y), lambda x, y: mnp.einsum(spec, x, y), [a, b], k=3)


def test_einsum_dtype_keyword(rng):
    a, b = values(I32, (3, 4), rng), values(I32, (4, 2), rng)
    compare(lambda x, y: np.einsum("ij,jk->ik", x, y, dtype=np.float64),
            lambda x, y: mnp.einsum("ij,jk->ik", x, y, dtype=np.float64), [a, b], k=4)


# ------------------------------------------------------------------------------------------ errors
M = lambda *shape: np.ones(shape)


@pytest.mark.parametrize("sa,sb", [((2, 3), (4, 5)), ((3,), (4,)), ((2, 3), (2,)), ((5,), (4, 2)), ((2, 2, 3), (2, 4, 3))],
                         ids=str)
def test_matmul_core_mismatch(sa, sb):
    assert_same_exception(lambda: np.matmul(M(*sa), M(*sb)), lambda: mnp.matmul(mnp.asarray(M(*sa)), mnp.asarray(M(*sb))))
    with pytest.raises(ValueError, match="mismatch"):
        mnp.asarray(M(*sa)) @ mnp.asarray(M(*sb))


def test_matmul_batch_mismatch():
    assert_same_exception(lambda: np.matmul(M(2, 3, 4), M(5, 4, 6)),
                          lambda: mnp.matmul(mnp.asarray(M(2, 3, 4)), mnp.asarray(M(5, 4, 6))))


@pytest.mark.parametrize("which", [0, 1, 2])
def test_matmul_0d(which):
    a = np.array(2.0) if which in (0, 2) else M(3)
    b = np.array(3.0) if which in (1, 2) else M(3)
    assert_same_exception(lambda: np.matmul(a, b), lambda: mnp.matmul(mnp.asarray(a), mnp.asarray(b)))
    with pytest.raises(ValueError):
        mnp.asarray(a) @ mnp.asarray(b)


@pytest.mark.parametrize("fn,sa,sb", [("dot", (2, 3), (4, 5)), ("dot", (2, 3), (3, 2, 4)), ("dot", (3,), (4,)),
                                      ("inner", (2, 3), (2, 4)), ("vdot", (2, 3), (5,)),
                                      ("tensordot", (2, 3), (4, 5))], ids=str)
def test_product_mismatch(fn, sa, sb):
    assert_same_exception(lambda: getattr(np, fn)(M(*sa), M(*sb)),
                          lambda: getattr(mnp, fn)(mnp.asarray(M(*sa)), mnp.asarray(M(*sb))))


@pytest.mark.parametrize("axes", [([0], [0]), ([0, 1], [1]), ([5], [0]), ([0], [-4])], ids=str)
def test_tensordot_bad_axes(axes):
    a, b = M(2, 3), M(3, 2)
    assert_same_exception(lambda: np.tensordot(a, b, axes), lambda: mnp.tensordot(mnp.asarray(a), mnp.asarray(b), axes))


@pytest.mark.parametrize("spec,shapes", [
    ("ij,jk->ik", [(2, 3)]),            # fewer operands than terms
    ("ij", [(2, 3), (3, 2)]),           # more operands than terms
    ("ij,jk->ik", [(2, 3), (4, 2)]),    # contracted sizes differ
    ("ijk", [(2, 3)]),                  # too many subscripts for the operand
    ("i", [(2, 3)]),                    # too few
    ("ij->k", [(2, 3)]),                # output letter not in the inputs
    ("ij->ii", [(2, 3)]),               # repeated output letter
    ("ii", [(2, 3)]),                   # diagonal of unequal dims
    ("i2", [(2, 3)]),                   # not a letter
    ("i.j", [(2, 3)]),                  # broken ellipsis
    ("ij->i->j", [(2, 3)]),             # two arrows
    ("...ij,...jk", [(2, 2, 3), (3, 3, 4)]),  # ellipsis dims that do not broadcast
], ids=str)
def test_einsum_bad_subscripts(spec, shapes):
    arrays = [np.ones(s) for s in shapes]
    assert_same_exception(lambda: np.einsum(spec, *arrays), lambda: mnp.einsum(spec, *[mnp.asarray(a) for a in arrays]))


# ------------------------------------------------------------------------------------------ fused epilogues
def kernel_lines(text):
    return [ln for ln in text.splitlines() if ln.lstrip().startswith("[")]


@pytest.mark.parametrize("dtype", [F32, F64], ids=dtype_id)
def test_bias_relu_fuses_into_matmul(dtype, rng):
    x, w, b = values(dtype, (7, 9), rng), values(dtype, (9, 5), rng), values(dtype, (5,), rng)
    mx, mw, mb = mnp.asarray(x), mnp.asarray(w), mnp.asarray(b)
    y = mnp.maximum(mx @ mw + mb, 0)
    text = mnnx.debug.explain(y, file=io.StringIO())
    lines = kernel_lines(text)
    assert len(lines) == 1, text
    assert "dense matmul" in lines[0] and "fused epilogue" in lines[0], text
    assert_product(y, np.maximum(x @ w + b, 0), abs64(x) @ abs64(w) + abs64(b), 9)


def test_matmul_result_used_twice(rng):
    a, b = values(F32, (6, 4), rng), values(F32, (4, 5), rng)
    y = mnp.asarray(a) @ mnp.asarray(b)
    z1, z2 = y + 1, y * 2
    mnnx.eval(z1, z2)
    e = a @ b
    bound = abs64(a) @ abs64(b)
    assert_product(z1, e + 1, bound + 1, 4)
    assert_product(z2, e * 2, bound * 2, 4)
    assert_product(y, e, bound, 4)


def test_matmul_consumers_not_held(rng):
    """Two consumers of an unheld matmul: neither may fuse in a way that corrupts the other."""
    a, b = values(F64, (6, 4), rng), values(F64, (4, 5), rng)
    ma, mb = mnp.asarray(a), mnp.asarray(b)
    y = ma @ mb
    z1, z2 = mnp.maximum(y + 1, 0), mnp.exp(y / 8)
    del y
    mnnx.eval(z1, z2)
    e = a @ b
    assert_product(z1, np.maximum(e + 1, 0), abs64(a) @ abs64(b) + 1, 4)
    np.testing.assert_allclose(to_numpy(z2), np.exp(e / 8), rtol=1e-13)


@pytest.mark.parametrize("realize_first", [True, False])
def test_held_matmul_then_epilogue(realize_first, rng):
    """A matmul result held by Python and then used in an expression keeps its own value."""
    x, w, b = values(F32, (5, 8), rng), values(F32, (8, 3), rng), values(F32, (3,), rng)
    y = mnp.asarray(x) @ mnp.asarray(w)
    if realize_first:
        np.asarray(y)
    z = mnp.maximum(y + mnp.asarray(b), 0)
    e = x @ w
    bound = abs64(x) @ abs64(w)
    assert_product(z, np.maximum(e + b, 0), bound + abs64(b), 8)
    assert_product(y, e, bound, 8)   # the epilogue did not write into y's buffer
    z2 = y * 3
    assert_product(z2, e * 3, bound * 3, 8)
    assert_product(y, e, bound, 8)


def test_epilogue_with_broadcast_and_cast(rng):
    x, w = values(F32, (2, 4, 6), rng), values(F32, (6, 3), rng)
    c = values(F64, (4, 1), rng)
    mx, mw = mnp.asarray(x), mnp.asarray(w)
    y = mnp.tanh(mx @ mw) * mnp.asarray(c)
    e = np.tanh(x @ w) * c
    assert y.dtype == e.dtype
    np.testing.assert_allclose(to_numpy(y), e, rtol=1e-5, atol=1e-5)


# ------------------------------------------------------------------------------------------ larger sizes
@pytest.mark.parametrize("sa,sb,dtype", [((300, 500), (500, 257), F32), ((513, 129), (129, 257), F64),
                                         ((1, 1000), (1000, 33), F32), ((97, 1), (1, 131), F64),
                                         ((3, 65, 70), (70, 33), F32), ((67, 131), (131, 35), I32),
                                         ((33, 200), (200, 17), F16), ((129, 7), (7, 1), F32)],
                         ids=str)
def test_large(sa, sb, dtype, rng):
    a, b = values(dtype, sa, rng), values(dtype, sb, rng)
    compare(np.matmul, mnp.matmul, [a, b], k=sa[-1], err_msg=f"{sa} @ {sb}")


def test_large_transposed_operands(rng):
    a, b = values(F32, (200, 131), rng), values(F32, (77, 200), rng)
    ma, mb = mnp.asarray(a), mnp.asarray(b)
    assert_product(ma.T @ mb.T, a.T @ b.T, abs64(a).T @ abs64(b).T, 200)
    c = values(F64, (260, 90), rng)
    assert_product(mnp.asarray(c)[::2, ::-1].T @ ma[::-1, 5:135:1].T.T[:130],
                   c[::2, ::-1].T @ a[::-1, 5:135][:130], abs64(c)[::2, ::-1].T @ abs64(a)[::-1, 5:135][:130], 130)


def test_large_fused_epilogue(rng):
    x, w, b = values(F32, (300, 500), rng), values(F32, (500, 257), rng), values(F32, (257,), rng)
    y = mnp.maximum(mnp.asarray(x) @ mnp.asarray(w) + mnp.asarray(b), 0)
    assert_product(y, np.maximum(x @ w + b, 0), abs64(x) @ abs64(w) + abs64(b), 500)
