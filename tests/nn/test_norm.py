"""Normalization and softmax against torch.nn.functional over hypothesis-drawn shapes, float32 and
float64: batch_norm (inference, training statistics and the running-statistics update), layer_norm
over several trailing dims, group_norm, instance_norm, rms_norm, softmax / log_softmax / softmin
on every dim, normalize; bad shapes raise ValueError naming them."""
import io

import numpy as np
import pytest
from hypothesis import given, strategies as st

import mnnx
import mnnx.numpy as mnp
import mnnx.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional

DTYPES = [np.float32, np.float64]
TOL = {np.dtype(np.float32): 2e-5, np.dtype(np.float64): 1e-12}


def _close(got, want, dtype, tol_scale=1.0):
    g, w = np.asarray(got), want.detach().numpy()
    assert g.dtype == w.dtype and g.shape == w.shape, (g.dtype, g.shape, w.dtype, w.shape)
    t = TOL[np.dtype(dtype)] * tol_scale
    np.testing.assert_allclose(g, w, rtol=t, atol=t, equal_nan=True)


def _arrays(data, dtype, min_dims=2, max_dims=4):
    nd = data.draw(st.integers(min_dims, max_dims))
    shape = [data.draw(st.integers(1, 5)) for _ in range(nd)]
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    x = (rng.standard_normal(shape) * 3 + rng.standard_normal()).astype(dtype)
    return x, rng


def _t(a):
    return None if a is None else torch.from_numpy(np.asarray(a))


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data())
def test_batch_norm(dtype, data):
    x, rng = _arrays(data, dtype)
    C = x.shape[1]
    w = rng.standard_normal(C).astype(dtype) if data.draw(st.booleans()) else None
    b = rng.standard_normal(C).astype(dtype) if data.draw(st.booleans()) else None
    rm, rv = rng.standard_normal(C).astype(dtype), (rng.random(C) + 0.5).astype(dtype)
    eps = data.draw(st.sampled_from([1e-5, 1e-3]))
    _close(F.batch_norm(x, rm, rv, w, b, eps=eps), TF.batch_norm(_t(x), _t(rm), _t(rv), _t(w), _t(b), eps=eps), dtype)
    if x.size // C <= 1:
        with pytest.raises(ValueError, match="more than 1 value per channel"):
            F.batch_norm(x, rm, rv, w, b, training=True)
        return
    momentum = data.draw(st.sampled_from([0.1, 0.5, 1.0]))
    m_rm, m_rv = mnp.asarray(rm.copy()), mnp.asarray(rv.copy())
    np_rm = rm.copy()  # numpy running stats are written in place
    t_rm, t_rv = _t(rm.copy()), _t(rv.copy())
    y = F.batch_norm(x, m_rm, m_rv, w, b, training=True, momentum=momentum, eps=eps)
    F.batch_norm(x, np_rm, None, w, b, training=True, momentum=momentum, eps=eps)
    want = TF.batch_norm(_t(x), t_rm, t_rv, _t(w), _t(b), training=True, momentum=momentum, eps=eps)
    _close(y, want, dtype, 10)
    _close(m_rm, t_rm, dtype)
    _close(m_rv, t_rv, dtype)
    _close(np_rm, t_rm, dtype)
    assert m_rm.dtype == dtype


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data())
def test_layer_norm(dtype, data):
    x, rng = _arrays(data, dtype, 1, 4)
    k = data.draw(st.integers(1, x.ndim))
    ns = x.shape[x.ndim - k:]
    w = rng.standard_normal(ns).astype(dtype) if data.draw(st.booleans()) else None
    b = rng.standard_normal(ns).astype(dtype) if data.draw(st.booleans()) else None
    spelled = ns[0] if k == 1 and data.draw(st.booleans()) else list(ns)
    # an int normalized_shape (nn.LayerNorm's spelling) is accepted here too
    _close(F.layer_norm(x, spelled, w, b, 1e-5), TF.layer_norm(_t(x), list(ns), _t(w), _t(b), 1e-5), dtype, 10)
    _close(F.rms_norm(x, spelled, w), TF.rms_norm(_t(x), list(ns), _t(w)), dtype, 10)


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data())
def test_group_and_instance_norm(dtype, data):
    x, rng = _arrays(data, dtype, 3, 4)
    C = x.shape[1]
    G = data.draw(st.sampled_from([g for g in range(1, C + 1) if C % g == 0]))
    w, b = rng.standard_normal(C).astype(dtype), rng.standard_normal(C).astype(dtype)
    if x.size // G == 1:
        with pytest.raises(ValueError, match="more than 1 value"):
            F.group_norm(x, G)
        return
    _close(F.group_norm(x, G, w, b), TF.group_norm(_t(x), G, _t(w), _t(b)), dtype, 10)
    _close(F.group_norm(x, G), TF.group_norm(_t(x), G), dtype, 10)
    if x.size // (x.shape[0] * C) <= 1:
        with pytest.raises(ValueError, match="more than 1 spatial element"):
            F.instance_norm(x)
        return
    rm, rv = rng.standard_normal(C).astype(dtype), (rng.random(C) + 0.5).astype(dtype)
    m_rm, m_rv, t_rm, t_rv = mnp.asarray(rm), mnp.asarray(rv), _t(rm.copy()), _t(rv.copy())
    _close(F.instance_norm(x, m_rm, m_rv, w, b), TF.instance_norm(_t(x), t_rm, t_rv, _t(w), _t(b)), dtype, 10)
    _close(m_rm, t_rm, dtype)
    _close(m_rv, t_rv, dtype)
    _close(F.instance_norm(x, rm, rv, use_input_stats=False), TF.instance_norm(_t(x), _t(rm), _t(rv), use_input_stats=False), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data())
def test_softmax_family(dtype, data):
    x, _ = _arrays(data, dtype, 1, 4)
    dim = data.draw(st.integers(-x.ndim, x.ndim - 1))
    xt = _t(x)
    _close(F.softmax(x, dim), TF.softmax(xt, dim), dtype)
    _close(F.log_softmax(x, dim=dim), TF.log_softmax(xt, dim=dim), dtype, 10)
    _close(F.softmin(x, dim), TF.softmin(xt, dim), dtype)
    p = data.draw(st.sampled_from([2, 1, 3, 0.5, float("inf")]))
    d = data.draw(st.integers(-x.ndim, x.ndim - 1))
    _close(F.normalize(x, p, d), TF.normalize(xt, p, d), dtype, 10)


def test_softmax_details(rng):
    x = rng.standard_normal((3, 4)).astype(np.float32)
    _close(F.softmax(x, 1, dtype=np.float64), TF.softmax(_t(x), 1, dtype=torch.float64), np.float64)
    with pytest.warns(UserWarning, match="Implicit dimension"):
        _close(F.softmax(x), TF.softmax(_t(x), dim=1), np.float32)
    _close(F.softmax(np.float32(2.0), 0), TF.softmax(torch.tensor(2.0), 0), np.float32)
    big = np.array([[1000.0, 0.0, -1000.0]], np.float32)  # stable: no overflow
    _close(F.log_softmax(big, 1), TF.log_softmax(_t(big), 1), np.float32)
    with pytest.raises(IndexError):
        F.softmax(x, 2)
    for dim in (0, 1):  # the row kernel (last dim) and the reductions (other dims)
        with pytest.raises(TypeError):
            F.softmax(np.ones((2, 2), np.int64), dim)
        h = rng.standard_normal((3, 4)).astype(np.float16)
        got = F.log_softmax(h, dim)
        assert got.dtype == np.float16
        np.testing.assert_allclose(np.asarray(got), TF.log_softmax(_t(h).float(), dim).numpy(), atol=2e-3, rtol=2e-3)


def test_inference_is_one_kernel():
    x = mnp.asarray(np.ones((2, 3, 4, 4), np.float32))
    c = mnp.asarray(np.ones(3, np.float32))
    text = mnnx.debug.explain(F.relu(F.batch_norm(x, c, c, c, c)), file=io.StringIO())
    # one pass over the input (x * scale + shift, then relu); scale and shift are per-channel kernels
    assert text.count("over (2, 3, 16)") == 1 and text.count("over (3,)") == 2, text


def test_running_stats_rebind_stays_lazy():
    rm = mnp.zeros(3, dtype=np.float32)
    before = rm
    F.batch_norm(mnp.ones((2, 3, 2), dtype=np.float32), rm, None, training=True, momentum=0.5)
    assert not rm._same_node(mnp.zeros(3)) and not rm._realized
    np.testing.assert_allclose(np.asarray(rm), 0.5)
    assert before is rm


def test_errors():
    x = np.zeros((2, 3, 4, 4), np.float32)
    c = np.ones(3, np.float32)
    with pytest.raises(ValueError, match=r"running_mean should contain 3 elements, got shape \(4,\)"):
        F.batch_norm(x, np.ones(4, np.float32), c)
    with pytest.raises(ValueError, match="weight"):
        F.batch_norm(x, c, c, np.ones(2, np.float32))
    with pytest.raises(ValueError, match="at least 2"):
        F.batch_norm(np.zeros(3, np.float32), c, c)
    with pytest.raises(ValueError, match="running_mean and running_var"):
        F.batch_norm(x, None, None)
    with pytest.raises(TypeError, match="momentum"):
        F.batch_norm(x, mnp.asarray(c), None, training=True, momentum=None)
    with pytest.raises(TypeError, match="writable"):
        F.batch_norm(x, [0.0, 0.0, 0.0], None, training=True)
    with pytest.raises(ValueError, match=r"normalized_shape=\[5\].*\(2, 3, 4, 4\)"):
        F.layer_norm(x, 5)
    with pytest.raises(ValueError, match="weight must have shape"):
        F.layer_norm(x, (4, 4), np.ones(4, np.float32))
    with pytest.raises(ValueError, match=r"divisible by num_groups.*\(2, 3, 4, 4\)"):
        F.group_norm(x, 2)
    with pytest.raises(ValueError, match="divisible"):
        F.group_norm(x, 0)
    with pytest.raises(ValueError, match="at least 3"):
        F.instance_norm(np.zeros((2, 3), np.float32))
    with pytest.raises(TypeError):
        F.normalize(x, out=x)
