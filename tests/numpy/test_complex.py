"""Complex data is numpy's: mnnx.numpy functions given complex input compute it with numpy, so numpy
scripts that use fft results keep running with the same values."""
import numpy as np
import pytest

import mnnx
import mnnx.numpy as mnp

rng = np.random.default_rng(0)
X = rng.standard_normal(16)
C = np.fft.fft(X)


@pytest.mark.parametrize("expr", ["abs(F)", "real(F)", "imag(F)", "conj(F)", "angle(F)", "sum(F)", "mean(abs(F) ** 2)",
                                  "F * conj(F)", "exp(1j * angle(F))", "add(F, 1)", "concatenate([F, F])",
                                  "sqrt(F)", "zeros(3, dtype=complex)", "asarray([1j, 2])", "iscomplexobj(F)",
                                  "isrealobj(F)", "linalg.norm(F)", "linalg.inv(outer(F[:2], F[:2]) + eye(2))",
                                  "real(fft.ifft(F))", "x * 2j", "1j * x - x", "where(abs(F) > 1, F, 0)"])
def test_complex_input_gives_numpys_result(expr):
    env_np = {n: getattr(np, n) for n in dir(np) if not n.startswith("_")}
    env_mx = {n: getattr(mnp, n) for n in dir(mnp) if not n.startswith("_")}
    ref = eval(expr, env_np, {"F": C, "x": X})
    got = eval(expr, env_mx, {"F": mnp.fft.fft(mnp.asarray(X)), "x": mnp.asarray(X)})
    if isinstance(ref, np.ndarray) and ref.dtype.kind != "c":
        assert isinstance(got, mnnx.Var)  # real results are mnnx arrays again
    np.testing.assert_allclose(np.asarray(got), ref, rtol=1e-12, atol=1e-12)


def test_the_complex_functions_on_real_arrays_match_numpy():
    x = np.array([-2.0, -0.0, 0.0, 3.0])
    m = mnp.asarray(x)
    for name in ["real", "imag", "conj", "conjugate", "angle", "iscomplex", "isreal"]:
        np.testing.assert_array_equal(np.asarray(getattr(mnp, name)(m)), getattr(np, name)(x), err_msg=name)
        assert getattr(mnp, name)(m).dtype == getattr(np, name)(x).dtype, name
    np.testing.assert_allclose(np.asarray(mnp.angle(m, deg=True)), np.angle(x, deg=True))
    assert mnp.real(m) is m  # a view, numpy's x.real
    assert not mnp.iscomplexobj(m) and mnp.isrealobj(m)
    i = mnp.arange(3)
    assert mnp.angle(i).dtype == np.angle(np.arange(3)).dtype


def test_other_unsupported_dtypes_still_raise():
    with pytest.raises(TypeError):
        mnp.zeros(3, dtype="U3")
