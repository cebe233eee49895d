"""The documented error bound of the vectorized float32 math: within 4 ulp of the correctly rounded
result (a float64 reference rounded to float32), over a dense sweep of all finite float32 values
including the extremes, on every ISA the CPU supports; special values (inf, -inf, nan, 0, -0)
exactly like numpy."""
import functools
import math

import numpy as np
import pytest

import mnnx
import mnnx.numpy as mnp

MAX_ULP = 4
F32 = np.finfo(np.float32)


def _erf64(x):
    return np.vectorize(math.erf, otypes=[np.float64])(x)


def _sigmoid64(x):
    with np.errstate(all="ignore"):
        return 1.0 / (1.0 + np.exp(-x))


REFERENCE = {
    "exp": np.exp, "exp2": np.exp2, "expm1": np.expm1, "log": np.log, "log2": np.log2, "log10": np.log10,
    "log1p": np.log1p, "sin": np.sin, "cos": np.cos, "tan": np.tan, "arcsin": np.arcsin, "arccos": np.arccos,
    "arctan": np.arctan, "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh, "sqrt": np.sqrt, "erf": _erf64,
    "sigmoid": _sigmoid64,
}
FUNCS = list(REFERENCE)


@functools.lru_cache(maxsize=None)
def sweep():
    """~1.05M finite float32 values spread over every binade (a stride through the bit patterns),
    a dense uniform grid over [-20, 20], and the extremes."""
    bits = (np.arange(0, 2**32, 4093, dtype=np.uint64) & 0xFFFFFFFF).astype(np.uint32)
    strided = bits.view(np.float32)
    grid = np.linspace(-20, 20, 200_001, dtype=np.float64).astype(np.float32)
    extremes = np.array([F32.max, -F32.max, F32.tiny, -F32.tiny, F32.smallest_subnormal, -F32.smallest_subnormal,
                         1.0, -1.0, 0.5, -0.5, 2.0, np.nextafter(np.float32(1), np.float32(2)),
                         np.nextafter(np.float32(1), np.float32(0)), np.nextafter(np.float32(-1), np.float32(0)),
                         88.72283, 88.7228394, -87.33654, -103.97208, -103.972084, 89.41599, -89.41599,
                         1e-8, -1e-8, 1e-20, 3.4e38, 1e30, -1e30, 12345.678, 1.5707964, 3.1415927, 1e7, 8388608.0,
                         1e4, 127.99999, 128.0, -126.0, -149.0, -150.0, 9.0, 4.0, -4.0, 0.9999999, -0.9999999],
                        dtype=np.float32)
    x = np.concatenate([strided, grid, extremes])
    return x[np.isfinite(x)]


@functools.lru_cache(maxsize=None)
def reference(name):
    x = sweep()
    with np.errstate(all="ignore"):
        return REFERENCE[name](x.astype(np.float64)).astype(np.float32)


def ordered(a):
    """float32 -> int64 whose order is the float order (-0 and +0 map to 0)."""
    i = np.asarray(a, np.float32).view(np.int32).astype(np.int64)
    return np.where(i < 0, -(2**31) - i, i)


def ulp_distance(got, ref):
    """ulps between two float32 arrays; nan vs nan is 0, nan vs number is huge."""
    d = np.abs(ordered(got) - ordered(ref)).astype(np.float64)
    gn, rn = np.isnan(got), np.isnan(ref)
    d[gn & rn] = 0
    d[gn ^ rn] = np.inf
    return d


def mnnx_f32(name, x):
    fn = getattr(mnp, name)
    y = np.asarray(fn(mnp.asarray(x)))
    assert y.dtype == np.float32, f"{name}(float32) returned {y.dtype}"
    return y


def report(name, x, got, ref, d, mask):
    bad = np.flatnonzero(mask & (d > MAX_ULP))
    if not len(bad):
        return ""
    worst = bad[np.argmax(d[bad])]
    lo, hi = x[bad].min(), x[bad].max()
    return (f"{name}: {len(bad)} of {mask.sum()} inputs beyond {MAX_ULP} ulp; worst {d[worst]:.0f} ulp at "
            f"x={x[worst]!r} ({x[worst].view(np.uint32):#010x}): mnnx {got[worst]!r} vs reference {ref[worst]!r}; "
            f"bad inputs span [{lo!r}, {hi!r}]")


@pytest.mark.parametrize("name", FUNCS)
def test_float32_within_4_ulp_normal_range(name, isa):
    x = sweep()
    ref = reference(name)
    with np.errstate(all="ignore"):
        got = mnnx_f32(name, x)
    d = ulp_distance(got, ref)
    # normal inputs and normal (or zero / inf / nan) results; subnormals are checked separately below
    normal_in = (np.abs(x) >= F32.tiny) | (x == 0)
    normal_out = ~((np.abs(ref) < F32.tiny) & (ref != 0))
    mask = normal_in & normal_out
    msg = report(name, x, got, ref, d, mask)
    assert not msg, f"[{isa}] {msg}"


@pytest.mark.parametrize("name", FUNCS)
def test_float32_within_4_ulp_subnormal_inputs_and_results(name, isa):
    x = sweep()
    ref = reference(name)
    with np.errstate(all="ignore"):
        got = mnnx_f32(name, x)
    d = ulp_distance(got, ref)
    sub_in = (np.abs(x) < F32.tiny) & (x != 0)
    sub_out = (np.abs(ref) < F32.tiny) & (ref != 0)
    mask = sub_in | sub_out
    msg = report(name, x, got, ref, d, mask)
    assert not msg, f"[{isa}] {msg}"


SPECIAL = np.array([np.inf, -np.inf, np.nan, 0.0, -0.0, 1.0, -1.0, F32.max, -F32.max, 0.5, -0.5, 2.0, -2.0, 100.0,
                    -100.0], dtype=np.float32)


@pytest.mark.parametrize("name", FUNCS)
def test_special_values(name, isa):
    with np.errstate(all="ignore"):
        ref = REFERENCE[name](SPECIAL.astype(np.float64)).astype(np.float32)
        if hasattr(np, name):  # numpy's own float32 loop agrees on the special values
            np32 = getattr(np, name)(SPECIAL)
            assert np.array_equal(np.isnan(np32), np.isnan(ref))
        got = mnnx_f32(name, SPECIAL)
    for i, (xi, g, r) in enumerate(zip(SPECIAL, got, ref)):
        where = f"[{isa}] {name}({xi!r}): mnnx {g!r} vs numpy {r!r}"
        if np.isnan(r):
            assert np.isnan(g), where
        elif np.isinf(r) or r == 0:
            assert g == r and np.signbit(g) == np.signbit(r), where
        else:
            assert ulp_distance(np.array([g]), np.array([r]))[0] <= MAX_ULP, where


def test_isa_variants_agree_on_elementwise_and_reductions(isa):
    rng = np.random.default_rng(1)
    a = rng.standard_normal((257, 129)).astype(np.float32)
    x = mnp.asarray(a)
    assert np.array_equal(np.asarray(x * 2 + 1), a * 2 + 1)
    np.testing.assert_allclose(np.asarray(x.sum(axis=0)), a.sum(axis=0, dtype=np.float64).astype(np.float32),
                               rtol=1e-5, atol=1e-4)
    assert np.array_equal(np.asarray(x.max(axis=1)), a.max(axis=1))
    i = rng.integers(-1000, 1000, size=(300, 7)).astype(np.int32)
    assert np.array_equal(np.asarray(mnp.asarray(i) * 3 - 5), i * 3 - 5)
    assert np.array_equal(np.asarray(mnp.asarray(i).sum(axis=0)), i.sum(axis=0))


@pytest.mark.parametrize("name", ["exp", "log", "sin", "cos", "tan", "tanh", "expm1", "log1p", "arctan", "sinh",
                                  "erf", "sigmoid"])
def test_float64_close_to_reference(name, isa):
    rng = np.random.default_rng(2)
    x = np.concatenate([rng.uniform(-30, 30, 20000), rng.standard_normal(20000) * 1e-3,
                        np.exp(rng.uniform(-700, 700, 20000)) * rng.choice([-1, 1], 20000)])
    with np.errstate(all="ignore"):
        ref = REFERENCE[name](x)
        got = np.asarray(getattr(mnp, name)(mnp.asarray(x)))
    assert got.dtype == np.float64
    same_nan = np.isnan(got) == np.isnan(ref)
    assert same_nan.all(), f"[{isa}] {name}: NaN mismatch at x={x[~same_nan][:5]}"
    fin = np.isfinite(ref) & (np.abs(ref) >= np.finfo(np.float64).tiny)
    rel = np.abs(got[fin] - ref[fin]) / np.abs(ref[fin])
    worst = np.argmax(rel) if rel.size else None
    assert rel.size == 0 or rel.max() <= 1e-14, \
        f"[{isa}] {name}: rel error {rel.max():.3g} at x={x[fin][worst]!r}: {got[fin][worst]!r} vs {ref[fin][worst]!r}"
    inf = np.isinf(ref)
    assert np.array_equal(got[inf], ref[inf]), f"[{isa}] {name}: overflow mismatch"
