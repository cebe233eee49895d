"""mnnx.numpy.linalg against numpy.linalg (LAPACK) on well- and ill-conditioned, batched and empty inputs."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import mnnx.numpy as mnp
from conftest import to_numpy

LA = mnp.linalg
FLOATS = [np.float32, np.float64]


def tol(dt, scale=1.0):
    return dict(rtol=(2e-4 if dt == np.float32 else 1e-10) * scale, atol=(2e-4 if dt == np.float32 else 1e-10) * scale)


def well(rng, shape, dt):
    """Diagonally dominant (condition number near 1) stacks."""
    n = shape[-1]
    return (rng.standard_normal(shape) + 2 * np.sqrt(max(n, 1)) * np.eye(n)).astype(dt)


def spd(rng, shape, dt):
    a = rng.standard_normal(shape)
    return (a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])).astype(dt)


def check(got, exp, **kw):
    g = to_numpy(got)
    assert g.dtype == exp.dtype and g.shape == exp.shape, (g.dtype, g.shape, exp.dtype, exp.shape)
    np.testing.assert_allclose(g, exp, **kw)


batch_shapes = st.lists(st.integers(1, 3), max_size=2).map(tuple)


@given(batch=batch_shapes, n=st.integers(1, 9), k=st.integers(1, 3), dt=st.sampled_from(FLOATS),
       seed=st.integers(0, 2**16))
def test_solve_inv_det_batched(batch, n, k, dt, seed):
    rng = np.random.default_rng(seed)
    a = well(rng, batch + (n, n), dt)
    b = rng.standard_normal(batch + (n, k)).astype(dt)
    check(LA.solve(a, b), np.linalg.solve(a, b), **tol(dt))
    check(LA.solve(mnp.asarray(a), b[..., 0] if not batch else b), np.linalg.solve(a, b[..., 0] if not batch else b),
          **tol(dt))
    check(LA.inv(a), np.linalg.inv(a), **tol(dt))
    check(LA.det(a), np.linalg.det(a), **tol(dt, 10))
    s, l = LA.slogdet(a)
    es, el = np.linalg.slogdet(a)
    check(s, es)
    check(l, el, **tol(dt, 10))


def test_solve_vector_rhs_broadcasts_over_stacks(rng):
    a = well(rng, (4, 3, 3), np.float64)
    b = rng.standard_normal(3)
    check(LA.solve(a, b), np.linalg.solve(a, b), **tol(np.float64))
    b2 = rng.standard_normal((1, 3, 2))
    check(LA.solve(a, b2), np.linalg.solve(a, b2), **tol(np.float64))


@pytest.mark.parametrize("n", [5, 8])
def test_ill_conditioned_hilbert(n):
    h = 1.0 / (np.arange(n)[:, None] + np.arange(n)[None, :] + 1)
    x = np.ones(n)
    b = h @ x
    cond = np.linalg.cond(h)
    got = to_numpy(LA.solve(h, b))
    assert np.abs(got - np.linalg.solve(h, b)).max() < 1e-16 * cond * 100
    inv = to_numpy(LA.inv(h))
    assert np.abs(inv @ h - np.eye(n)).max() < 1e-16 * cond * 100
    np.testing.assert_allclose(to_numpy(LA.det(h)), np.linalg.det(h), rtol=1e-6)
    np.testing.assert_allclose(to_numpy(LA.cond(h)), cond, rtol=1e-4)


def test_large_blocked_lu_float32(rng):
    # larger than the 64-wide panel and the 32-wide gemm strips, odd size so every tail path runs
    n = 203
    a = well(rng, (n, n), np.float32)
    b = rng.standard_normal((n, 7)).astype(np.float32)
    check(LA.solve(a, b), np.linalg.solve(a, b), rtol=1e-4, atol=1e-5)
    check(LA.inv(a), np.linalg.inv(a), rtol=1e-4, atol=1e-5)
    a64 = rng.standard_normal((n, n))
    check(LA.inv(a64), np.linalg.inv(a64), rtol=1e-7, atol=1e-9 * np.linalg.cond(a64))


def test_singular_and_shape_errors():
    with pytest.raises(np.linalg.LinAlgError, match="Singular"):
        LA.inv(np.zeros((3, 3)))
    with pytest.raises(np.linalg.LinAlgError):
        LA.solve(np.array([[1.0, 2.0], [2.0, 4.0]]), np.ones(2))
    with pytest.raises(np.linalg.LinAlgError, match="square"):
        LA.inv(np.ones((2, 3)))
    with pytest.raises(np.linalg.LinAlgError, match="two-dimensional"):
        LA.det(np.ones(3))
    with pytest.raises(TypeError):
        LA.inv(np.eye(2, dtype=np.float16))
    with pytest.raises(ValueError):
        LA.solve(np.eye(3), np.ones(4))
    with pytest.raises(np.linalg.LinAlgError, match="positive definite"):
        LA.cholesky(np.array([[1.0, 2.0], [2.0, 1.0]]))
    assert LA.LinAlgError is np.linalg.LinAlgError
    bad = np.array([[np.nan, 0.0], [0.0, 1.0]])
    with pytest.raises(np.linalg.LinAlgError, match="SVD did not converge"):
        LA.svd(bad)
    with pytest.raises(np.linalg.LinAlgError):
        LA.svd(bad, compute_uv=False)
    assert np.isnan(to_numpy(LA.cholesky(bad))).any()  # LAPACK lets NaN through instead of raising
    w = to_numpy(LA.eigh(bad)[0])
    assert np.isnan(w).any()
    assert to_numpy(LA.det(np.zeros((2, 2)))) == 0.0
    s, l = LA.slogdet(np.zeros((2, 2)))
    assert to_numpy(s) == 0 and to_numpy(l) == -np.inf


def test_integer_input_promotes_to_float64():
    a = np.array([[2, 1], [1, 3]])
    check(LA.inv(a), np.linalg.inv(a), **tol(np.float64))
    check(LA.det(a), np.linalg.det(a), **tol(np.float64))
    check(LA.cholesky(a), np.linalg.cholesky(a), **tol(np.float64))
    check(LA.solve(a.astype(np.float32), np.ones(2)), np.linalg.solve(a.astype(np.float32), np.ones(2)),
          **tol(np.float64, 1e5))


def test_empty_matrices():
    for f in (LA.inv, LA.det):
        check(f(np.zeros((2, 0, 0))), getattr(np.linalg, f.__name__)(np.zeros((2, 0, 0))))
    check(LA.solve(np.zeros((0, 0)), np.zeros((0, 3))), np.linalg.solve(np.zeros((0, 0)), np.zeros((0, 3))))


@given(batch=batch_shapes, n=st.integers(1, 8), dt=st.sampled_from(FLOATS), upper=st.booleans(),
       seed=st.integers(0, 2**16))
def test_cholesky(batch, n, dt, upper, seed):
    a = spd(np.random.default_rng(seed), batch + (n, n), dt)
    check(LA.cholesky(a, upper=upper), np.linalg.cholesky(a, upper=upper), **tol(dt, 10))


@given(batch=batch_shapes, m=st.integers(1, 7), n=st.integers(1, 7), dt=st.sampled_from(FLOATS),
       mode=st.sampled_from(["reduced", "complete", "r", "raw"]), seed=st.integers(0, 2**16))
def test_qr_matches_lapack_conventions(batch, m, n, dt, mode, seed):
    a = np.random.default_rng(seed).standard_normal(batch + (m, n)).astype(dt)
    got, exp = LA.qr(a, mode), np.linalg.qr(a, mode)
    if mode == "r":
        check(got, exp, **tol(dt, 10))
    else:
        for g, e in zip(got, exp):
            check(g, e, **tol(dt, 10))


def test_qr_rank_deficient_reconstructs(rng):
    a = np.outer(rng.standard_normal(5), rng.standard_normal(4))
    q, r = (to_numpy(x) for x in LA.qr(a, "complete"))
    np.testing.assert_allclose(q @ r, a, atol=1e-12)
    np.testing.assert_allclose(q.T @ q, np.eye(5), atol=1e-12)


@given(batch=batch_shapes, n=st.integers(1, 8), dt=st.sampled_from(FLOATS), uplo=st.sampled_from("LU"),
       seed=st.integers(0, 2**16))
def test_eigh(batch, n, dt, uplo, seed):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(batch + (n, n)).astype(dt)  # not symmetric: only the UPLO triangle counts
    w, v = LA.eigh(a, uplo)
    ew, ev = np.linalg.eigh(a, uplo)
    check(w, ew, **tol(dt, 20))
    check(LA.eigvalsh(a, uplo), ew, **tol(dt, 20))
    w, v = to_numpy(w), to_numpy(v)
    sym = np.tril(a) + np.swapaxes(np.tril(a, -1), -1, -2) if uplo == "L" else \
        np.triu(a) + np.swapaxes(np.triu(a, 1), -1, -2)
    t = 1e-3 if dt == np.float32 else 1e-10
    np.testing.assert_allclose(sym @ v, v * w[..., None, :], atol=t * max(1, np.abs(ew).max()))
    np.testing.assert_allclose(np.swapaxes(v, -1, -2) @ v, np.broadcast_to(np.eye(n), v.shape), atol=t)


def test_eigh_repeated_eigenvalues():
    a = np.diag([2.0, 2.0, 2.0, 5.0])
    q = np.linalg.qr(np.random.default_rng(1).standard_normal((4, 4)))[0]
    a = q @ a @ q.T
    w, v = (to_numpy(x) for x in LA.eigh(a))
    np.testing.assert_allclose(w, [2, 2, 2, 5], atol=1e-12)
    np.testing.assert_allclose(a @ v, v * w, atol=1e-12)


def _check_svd(a, full, dt):
    u, s, vt = (to_numpy(x) for x in LA.svd(a, full_matrices=full))
    eu, es, evt = np.linalg.svd(a, full_matrices=full)
    assert u.shape == eu.shape and vt.shape == evt.shape and u.dtype == eu.dtype
    check(LA.svd(a, compute_uv=False), es, **tol(dt, 20))
    np.testing.assert_allclose(s, es, **tol(dt, 20))
    k = s.shape[-1]
    t = 1e-3 if dt == np.float32 else 1e-10
    np.testing.assert_allclose((u[..., :, :k] * s[..., None, :]) @ vt[..., :k, :], a, atol=t * max(1, es.max()))
    uc, vc = u.shape[-1], vt.shape[-2]
    np.testing.assert_allclose(np.swapaxes(u, -1, -2) @ u, np.broadcast_to(np.eye(uc), u.shape[:-2] + (uc, uc)), atol=t)
    np.testing.assert_allclose(vt @ np.swapaxes(vt, -1, -2), np.broadcast_to(np.eye(vc), vt.shape[:-2] + (vc, vc)),
                               atol=t)


@given(batch=batch_shapes, m=st.integers(1, 7), n=st.integers(1, 7), dt=st.sampled_from(FLOATS),
       full=st.booleans(), seed=st.integers(0, 2**16))
def test_svd(batch, m, n, dt, full, seed):
    _check_svd(np.random.default_rng(seed).standard_normal(batch + (m, n)).astype(dt), full, np.dtype(dt))


@pytest.mark.parametrize("shape", [(6, 3), (3, 6), (5, 5)])
def test_svd_rank_deficient(rng, shape):
    a = np.outer(rng.standard_normal(shape[0]), rng.standard_normal(shape[1]))
    _check_svd(a, True, np.dtype(np.float64))
    _check_svd(np.zeros(shape), True, np.dtype(np.float64))
    assert LA.matrix_rank(a) == np.linalg.matrix_rank(a) == 1


def test_singular_values_of_ill_conditioned_matrices():
    for n in (6, 10):
        h = 1.0 / (np.arange(n)[:, None] + np.arange(n)[None, :] + 1)
        exp = np.linalg.svd(h, compute_uv=False)
        for got in (LA.svdvals(h), LA.svd(h)[1]):
            np.testing.assert_allclose(to_numpy(got), exp, rtol=0, atol=1e-15 * exp[0])
        assert LA.matrix_rank(h) == np.linalg.matrix_rank(h)


def test_svd_hermitian(rng):
    a = rng.standard_normal((3, 5, 5))
    a = a + np.swapaxes(a, -1, -2)
    u, s, vt = (to_numpy(x) for x in LA.svd(a, hermitian=True))
    np.testing.assert_allclose(s, np.linalg.svd(a, compute_uv=False), rtol=1e-10)
    np.testing.assert_allclose((u * s[..., None, :]) @ vt, a, atol=1e-10)


@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (3, 5, 5)])
def test_pinv_lstsq(rng, shape):
    a = rng.standard_normal(shape)
    check(LA.pinv(a), np.linalg.pinv(a), rtol=1e-9, atol=1e-12)
    check(LA.pinv(a, rtol=None), np.linalg.pinv(a, rtol=None), rtol=1e-9, atol=1e-12)
    check(LA.pinv(a.astype(np.float32)), np.linalg.pinv(a.astype(np.float32)), rtol=1e-3, atol=1e-4)
    if len(shape) == 2:
        for b in (rng.standard_normal(shape[0]), rng.standard_normal((shape[0], 3))):
            got, exp = LA.lstsq(a, b), np.linalg.lstsq(a, b)
            check(got[0], exp[0], rtol=1e-9, atol=1e-12)
            check(got[1], exp[1], rtol=1e-9, atol=1e-12)
            assert got[2] == exp[2]
            check(got[3], exp[3], rtol=1e-10)
    with pytest.raises(ValueError):
        LA.pinv(a, rcond=1e-3, rtol=1e-3)


def test_lstsq_rank_deficient_and_errors(rng):
    a = np.outer(rng.standard_normal(6), rng.standard_normal(3))
    b = rng.standard_normal(6)
    got, exp = LA.lstsq(a, b), np.linalg.lstsq(a, b)
    check(got[0], exp[0], rtol=1e-8, atol=1e-12)
    assert got[2] == exp[2] == 1 and to_numpy(got[1]).shape == exp[1].shape == (0,)
    with pytest.raises(np.linalg.LinAlgError):
        LA.lstsq(a, np.ones(5))
    for a, b in [(np.zeros((0, 3)), np.zeros(0)), (np.zeros((3, 0)), np.ones(3)), (np.zeros((3, 0)), np.ones((3, 2)))]:
        got, exp = LA.lstsq(a, b), np.linalg.lstsq(a, b)
        for g, e in zip(got, exp):
            assert np.asarray(g).shape == np.asarray(e).shape and np.asarray(g).dtype == np.asarray(e).dtype
            np.testing.assert_allclose(np.asarray(g), np.asarray(e))


@pytest.mark.parametrize("p", [0, 1, 2, 3, 7, -1, -2])
def test_matrix_power(rng, p):
    a = well(rng, (2, 4, 4), np.float64) / 4
    check(LA.matrix_power(a, p), np.linalg.matrix_power(a, p), rtol=1e-10, atol=1e-12)
    ai = np.arange(9).reshape(3, 3)
    if p >= 0:
        check(LA.matrix_power(ai, p), np.linalg.matrix_power(ai, p))
    with pytest.raises(TypeError):
        LA.matrix_power(a, 1.5)


def test_matrix_rank_and_cond(rng):
    a = rng.standard_normal((3, 5, 4))
    a[1, :, 3] = a[1, :, 0]
    assert to_numpy(LA.matrix_rank(a)).tolist() == np.linalg.matrix_rank(a).tolist()
    assert LA.matrix_rank(np.zeros(3)) == 0 and LA.matrix_rank(np.ones(3)) == 1
    assert LA.matrix_rank(a[0], tol=0.5) == np.linalg.matrix_rank(a[0], tol=0.5)
    sq = rng.standard_normal((2, 4, 4))
    for p in (None, 1, -1, 2, -2, np.inf, -np.inf, "fro", "nuc"):
        check(LA.cond(sq, p), np.linalg.cond(sq, p), rtol=1e-9)
    check(LA.cond(np.zeros((3, 3)), 1), np.asarray(np.linalg.cond(np.zeros((3, 3)), 1)))
    with pytest.raises(np.linalg.LinAlgError):
        LA.cond(np.zeros((0, 0)))


VECTOR_ORDS = [None, 0, 1, 2, 3, 0.5, -1, -2, np.inf, -np.inf]
MATRIX_ORDS = [None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf]


@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple), dt=st.sampled_from(FLOATS + [np.int64]),
       ord=st.sampled_from(VECTOR_ORDS), keepdims=st.booleans(), seed=st.integers(0, 2**16))
def test_vector_norm(shape, dt, ord, keepdims, seed):
    x = (np.random.default_rng(seed).standard_normal(shape) * 5).astype(dt)
    ax = len(shape) - 1
    exp = np.linalg.norm(x, ord, axis=ax, keepdims=keepdims)
    check(LA.norm(mnp.asarray(x), ord, axis=ax, keepdims=keepdims), exp, **tol(exp.dtype, 10))
    if len(shape) == 1:
        exp = np.asarray(np.linalg.norm(x, ord, keepdims=keepdims))
        check(LA.norm(x, ord, keepdims=keepdims), exp, **tol(exp.dtype, 10))


@given(shape=st.lists(st.integers(1, 4), min_size=2, max_size=3).map(tuple), dt=st.sampled_from(FLOATS),
       ord=st.sampled_from(MATRIX_ORDS), keepdims=st.booleans(), swap=st.booleans(), seed=st.integers(0, 2**16))
def test_matrix_norm(shape, dt, ord, keepdims, swap, seed):
    x = np.random.default_rng(seed).standard_normal(shape).astype(dt)
    axis = (-1, -2) if swap else (-2, -1)
    exp = np.asarray(np.linalg.norm(x, ord, axis=axis, keepdims=keepdims))
    check(LA.norm(x, ord, axis=axis, keepdims=keepdims), exp, **tol(exp.dtype, 20))
    if len(shape) == 2:
        exp = np.asarray(np.linalg.norm(x, ord, keepdims=keepdims))
        check(LA.norm(x, ord, keepdims=keepdims), exp, **tol(exp.dtype, 20))


def test_norm_errors():
    x = np.ones((2, 3))
    with pytest.raises(ValueError):
        LA.norm(x, "bad")
    with pytest.raises(ValueError):
        LA.norm(x[0], "fro", axis=0)
    with pytest.raises(ValueError):
        LA.norm(x, axis=(1, 1))
    with pytest.raises(ValueError):
        LA.norm(np.ones((2, 2, 2)), 1)
    with pytest.raises(TypeError):
        LA.norm(x, axis=1.5)


def test_array_api_linalg_extras(rng):
    a = rng.standard_normal((2, 3, 4)).astype(np.float32)
    b = rng.standard_normal((4, 5)).astype(np.float32)
    check(LA.matmul(a, b), np.matmul(a, b), rtol=1e-5, atol=1e-5)
    check(LA.matmul(a, b[:, 0]), np.matmul(a, b[:, 0]), rtol=1e-5, atol=1e-5)
    check(LA.matrix_norm(a), np.linalg.matrix_norm(a), rtol=1e-5)
    check(LA.vector_norm(a), np.asarray(np.linalg.vector_norm(a)), rtol=1e-5)
    check(LA.vector_norm(a, axis=(0, 2), ord=1), np.linalg.vector_norm(a, axis=(0, 2), ord=1), rtol=1e-5)
    check(LA.svdvals(a), np.linalg.svdvals(a), rtol=1e-4)


def test_products_and_tensor_solvers(rng):
    x, y = rng.standard_normal(4), rng.standard_normal(5)
    check(LA.outer(x, y), np.linalg.outer(x, y), rtol=1e-12)
    with pytest.raises(ValueError):
        LA.outer(np.ones((2, 2)), y)
    u, v = rng.standard_normal((2, 3, 4)), rng.standard_normal((3, 4))
    check(LA.vecdot(u, v), np.linalg.vecdot(u, v), rtol=1e-12)
    c1, c2 = rng.standard_normal((4, 3)), rng.standard_normal((1, 3))
    check(LA.cross(c1, c2), np.linalg.cross(c1, c2), rtol=1e-12, atol=1e-14)
    check(LA.cross(c1.T, c2.T, axis=0), np.cross(c1.T, c2.T, axis=0), rtol=1e-12, atol=1e-14)
    with pytest.raises(ValueError):
        LA.cross(np.ones(2), np.ones(2))
    check(LA.matrix_transpose(u), np.linalg.matrix_transpose(u))
    ms = [rng.standard_normal(s) for s in [(10,), (10, 30), (30, 5), (5, 60), (60,)]]
    check(LA.multi_dot(ms), np.asarray(np.linalg.multi_dot(ms)), rtol=1e-10)
    check(LA.multi_dot(ms[1:4]), np.linalg.multi_dot(ms[1:4]), rtol=1e-10)
    check(LA.multi_dot(ms[:2]), np.linalg.multi_dot(ms[:2]), rtol=1e-10)
    t = well(rng, (24, 24), np.float64).reshape(4, 6, 8, 3)
    check(LA.tensorinv(t, ind=2), np.linalg.tensorinv(t, ind=2), rtol=1e-9, atol=1e-12)
    a = well(rng, (6, 6), np.float64).reshape(2, 3, 6)
    b = rng.standard_normal((2, 3))
    check(LA.tensorsolve(a, b), np.linalg.tensorsolve(a, b), rtol=1e-9, atol=1e-12)
    a3 = np.moveaxis(a, 2, 0)
    check(LA.tensorsolve(a3, b, axes=(0,)), np.linalg.tensorsolve(a3, b, axes=(0,)), rtol=1e-9, atol=1e-12)
    with pytest.raises(np.linalg.LinAlgError):
        LA.tensorsolve(np.ones((2, 3, 4)), np.ones((2, 3)))


@pytest.mark.parametrize("m,n,rank", [(6, 5, 5), (6, 5, 2), (9, 3, 1), (5, 8, 2), (12, 4, 0), (7, 7, 3)])
def test_svd_full_matrices_is_orthogonal_even_when_rows_must_be_completed(m, n, rank):
    """full_matrices=True completes U (or Vt) with directions orthogonal to the singular vectors; every
    completed row must be a unit vector orthogonal to the rest (regression: one came back with norm 0.1)."""
    rng = np.random.default_rng(m * 100 + n * 10 + rank)
    for _ in range(40):
        a = (rng.standard_normal((m, rank)) @ rng.standard_normal((rank, n))).astype(np.float32)
        u, s, vt = (np.asarray(t) for t in mnp.linalg.svd(mnp.asarray(a), full_matrices=True))
        np.testing.assert_allclose(u.T @ u, np.eye(m), atol=1e-4)
        np.testing.assert_allclose(vt @ vt.T, np.eye(n), atol=1e-4)
        np.testing.assert_allclose((u[:, :len(s)] * s) @ vt[:len(s)], a, atol=1e-4 * max(1.0, np.abs(a).max()))
