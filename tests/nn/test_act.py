"""Activations against torch.nn.functional over hypothesis-drawn arrays (including inf, NaN and
values past the overflow points), float32 and float64; bias + activation after a matmul is one
dense kernel; inplace=True rebinds the array."""
import io

import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import mnnx
import mnnx.numpy as mnp
import mnnx.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional

DTYPES = [np.float32, np.float64]
TOL = {np.dtype(np.float32): 1e-5, np.dtype(np.float64): 1e-12}

# name -> extra keyword arguments to try
ACTS = {
    "relu": [{}], "relu6": [{}], "leaky_relu": [{}, {"negative_slope": 0.2}], "hardtanh": [{}, {"min_val": -2.0, "max_val": 0.5}],
    "gelu": [{}, {"approximate": "tanh"}], "silu": [{}], "sigmoid": [{}], "tanh": [{}], "hardswish": [{}],
    "hardsigmoid": [{}], "elu": [{}, {"alpha": 0.5}], "selu": [{}], "celu": [{}, {"alpha": 2.0}],
    "softplus": [{}, {"beta": 2.0, "threshold": 5.0}], "mish": [{}], "logsigmoid": [{}], "softsign": [{}],
    "tanhshrink": [{}],
}


def test_all_names_covered():
    assert sorted(ACTS) == sorted(F._act.__all__)


@pytest.mark.parametrize("name", sorted(ACTS))
@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data())
def test_against_torch(name, dtype, data):
    x = data.draw(hnp.arrays(dtype, hnp.array_shapes(min_dims=0, max_dims=3, max_side=6),
                             elements=st.floats(-120, 120, width=np.dtype(dtype).itemsize * 8)))
    if data.draw(st.booleans()) and x.size >= 3:
        x.reshape(-1)[:3] = [np.nan, np.inf, -np.inf]
    for kw in ACTS[name]:
        got = np.asarray(getattr(F, name)(x, **kw))
        want = getattr(TF, name)(torch.from_numpy(x.copy()), **kw).numpy()
        if name == "gelu":  # torch's vectorized float32 gelu gives NaN at +inf (its float64 gives inf)
            want = np.where(x == np.inf, x, want)
        assert got.dtype == want.dtype and got.shape == want.shape
        t = TOL[np.dtype(dtype)]
        np.testing.assert_allclose(got, want, rtol=4 * t, atol=t, equal_nan=True, err_msg=f"{name} {kw}")


def test_bias_activation_fuses_into_matmul(rng):
    x = rng.standard_normal((16, 32)).astype(np.float32)
    w = rng.standard_normal((32, 8)).astype(np.float32)
    b = rng.standard_normal(8).astype(np.float32)
    xm, wm, bm = mnp.asarray(x), mnp.asarray(w), mnp.asarray(b)
    for name in sorted(ACTS):  # those reading their input twice (gelu, silu, ...) too
        y = getattr(F, name)(xm @ wm + bm)
        text = mnnx.debug.explain(y, file=io.StringIO())
        assert text.count("\n  [") == 1 and "dense matmul" in text and "fused epilogue" in text, (name, text)
        want = getattr(TF, name)(torch.from_numpy(x) @ torch.from_numpy(w) + torch.from_numpy(b)).numpy()
        np.testing.assert_allclose(np.asarray(y), want, rtol=1e-4, atol=1e-4)


def test_inplace_rebinds():
    x = mnp.asarray(np.array([-1.0, 2.0]))
    r = F.relu(x, inplace=True)
    assert r is x
    np.testing.assert_array_equal(np.asarray(x), [0.0, 2.0])
    with pytest.raises(TypeError, match="inplace"):
        F.relu(np.array([1.0]), inplace=True)


def test_errors():
    with pytest.raises(ValueError, match="approximate"):
        F.gelu(np.ones(2), approximate="fast")
    with pytest.raises(ValueError, match="min_val"):
        F.hardtanh(np.ones(2), 1.0, -1.0)
    with pytest.raises(ValueError, match="alpha"):
        F.celu(np.ones(2), alpha=0.0)


def test_epilogue_not_fused_when_read_outside(rng):
    """The epilogue rewrites the GEMM's buffer: a path node also read by another result must not fuse."""
    x, w = rng.standard_normal((16, 8)).astype(np.float32), rng.standard_normal((8, 4)).astype(np.float32)

    def build():
        a = mnp.asarray(x) @ mnp.asarray(w)
        u = a + 1.0
        return F.silu(u) * a, u * 3.0  # u (which reads a) feeds both results

    v, z = build()
    assert "fused epilogue" not in mnnx.debug.explain(v, z, file=io.StringIO())
    a = x @ w
    np.testing.assert_allclose(np.asarray(v), (a + 1) / (1 + np.exp(-(a + 1))) * a, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(np.asarray(z), (a + 1) * 3, rtol=1e-5, atol=1e-5)
