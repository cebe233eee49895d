"""Convolutions against torch.nn.functional: conv2d, conv1d, conv_transpose2d, conv_transpose1d.

hypothesis draws shapes, strides, paddings (ints and 'same'/'valid'), dilations, groups (incl.
depthwise with channel multipliers 1 and 2), kernel sizes (non-square), batched and unbatched
inputs and non-contiguous input views. The oracle is torch in float64 on the same values; results
must lie within the rounding bound of a K-term dot product, (2K + 8) eps (|x| * |w|), K the terms per
output. Where torch refuses a configuration, mnnx must raise ValueError."""
import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch")
import torch.nn.functional as TF

import mnnx
import mnnx.nn.functional as F
import mnnx.numpy as mnp
from conftest import to_numpy

F32, F64 = np.dtype(np.float32), np.dtype(np.float64)
# torch's note that 'same' with an even kernel pads a copy of the input: expected, not a problem
pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same':UserWarning")


def values(dtype, shape, rng):
    v = rng.uniform(-2, 2, size=shape)
    return np.where(rng.random(shape) < 0.25, np.round(v), v).astype(dtype)


def t64(a):
    return None if a is None else torch.from_numpy(np.array(a, dtype=np.float64, order="C"))


def torch_ref(fn, x, w, b, **kw):
    """(value, bound) in float64: torch on the values and on their absolute values."""
    with torch.no_grad():
        exp = fn(t64(x), t64(w), t64(b), **kw).numpy()
        bound = fn(t64(np.abs(x)), t64(np.abs(w)), t64(None if b is None else np.abs(b)), **kw).numpy()
    return exp, bound


def assert_conv(got, exp, bound, k, dtype, err_msg=""):
    assert isinstance(got, mnnx.Var), f"expected a mnnx array, got {type(got).__name__} {err_msg}"
    g = to_numpy(got)
    assert g.dtype == dtype, f"dtype: mnnx {g.dtype} vs torch {dtype} {err_msg}"
    assert g.shape == exp.shape, f"shape: mnnx {g.shape} vs torch {exp.shape} {err_msg}"
    eps = float(np.finfo(dtype).eps)
    tol = (2 * max(k, 1) + 8) * eps * bound
    diff = np.abs(g.astype(np.float64) - exp)
    bad = ~(diff <= tol)
    if bad.any():
        i = tuple(np.argwhere(bad)[0])
        raise AssertionError(f"{int(bad.sum())} of {exp.size} values out of tolerance; first at {i}: mnnx {g[i]!r} "
                             f"vs torch {exp[i]!r} (tol {tol[i]:.3g}) {err_msg}")


def torch_refuses(fn, x, w, b, **kw):
    try:
        with torch.no_grad():
            fn(t64(x), t64(w), t64(b), **kw)
    except (RuntimeError, ValueError):
        return True
    return False


def check(torch_fn, mnnx_fn, x, w, b, mx, k, dtype, **kw):
    """mnnx_fn(mx, w, b, **kw) against torch_fn on float64 copies; ValueError where torch refuses."""
    msg = f"x{x.shape} w{w.shape} bias={b is not None} {kw}"
    mw, mb = mnp.asarray(w), None if b is None else mnp.asarray(b)
    # torch skips its size checks for an empty batch: ask it about a batch of one
    probe = np.zeros((1,) + x.shape[1:], x.dtype) if x.ndim == w.ndim and x.shape[0] == 0 else x
    if torch_refuses(torch_fn, probe, w, b, **kw):
        with pytest.raises(ValueError):
            mnnx_fn(mx, mw, mb, **kw)
        return
    exp, bound = torch_ref(torch_fn, x, w, b, **kw)
    assert_conv(mnnx_fn(mx, mw, mb, **kw), exp, bound, k, dtype, msg)


def input_view(form, dtype, shape, rng):
    """(numpy values, mnnx operand) of ``shape`` given contiguous or as a non-contiguous view."""
    if form == "transposed":  # last two axes swapped in memory
        base = values(dtype, shape[:-2] + (shape[-1], shape[-2]), rng)
        return np.swapaxes(base, -1, -2), mnp.swapaxes(mnp.asarray(base), -1, -2)
    if form == "sliced":  # every other row and column of a larger image
        base = values(dtype, shape[:-2] + (2 * shape[-2], 2 * shape[-1] + 1), rng)
        return base[..., ::2, 1::2], mnp.asarray(base)[..., ::2, 1::2]
    if form == "flipped":  # channels reversed: a negative stride
        base = values(dtype, shape, rng)
        return base[..., ::-1, :, :], mnp.asarray(base)[..., ::-1, :, :]
    if form == "expr":  # a lazy expression as input
        base = values(dtype, shape, rng)
        return base * 2 - 1, mnp.asarray(base) * 2 - 1
    base = values(dtype, shape, rng)
    return base, mnp.asarray(base)


@st.composite
def channels(draw):
    """(in_channels, out_channels, groups): plain, two groups, depthwise with multiplier 1 or 2."""
    mode = draw(st.sampled_from(["plain", "two", "depthwise1", "depthwise2"]))
    if mode == "plain":
        return draw(st.integers(1, 4)), draw(st.integers(1, 4)), 1
    if mode == "two":
        return 2 * draw(st.integers(1, 2)), 2 * draw(st.integers(1, 2)), 2
    c = draw(st.integers(1, 4))
    return c, c * (1 if mode == "depthwise1" else 2), c


pairs = lambda lo, hi: st.tuples(st.integers(lo, hi), st.integers(lo, hi))
one_or_pair = lambda lo, hi: st.one_of(st.integers(lo, hi), pairs(lo, hi))


def as_pair(v):
    return v if isinstance(v, tuple) else (v, v)


# ------------------------------------------------------------------------------------------ conv2d
@settings(max_examples=250)
@given(ch=channels(), n=st.integers(0, 2), hw=pairs(1, 7), ksize=pairs(1, 4), stride=one_or_pair(1, 3),
       padding=st.one_of(one_or_pair(0, 2), st.sampled_from(["valid", "same"])), dilation=one_or_pair(1, 2),
       bias=st.booleans(), unbatched=st.booleans(), dtype=st.sampled_from([F32, F64]),
       form=st.sampled_from(["contiguous", "transposed", "sliced", "flipped", "expr"]), seed=st.integers(0, 2**32 - 1))
def test_conv2d(ch, n, hw, ksize, stride, padding, dilation, bias, unbatched, dtype, form, seed):
    rng = np.random.default_rng(seed)
    cin, cout, groups = ch
    if padding == "same" and as_pair(stride) != (1, 1):
        stride = 1
    unbatched = unbatched and n == 1
    shape = ((cin,) if unbatched else (n, cin)) + hw
    x, mx = input_view(form, dtype, shape, rng)
    w = values(dtype, (cout, cin // groups) + ksize, rng)
    b = values(dtype, (cout,), rng) if bias else None
    check(TF.conv2d, F.conv2d, x, w, b, mx, cin // groups * ksize[0] * ksize[1], dtype,
          stride=stride, padding=padding, dilation=dilation, groups=groups)


@pytest.mark.parametrize("dtype", [F32, F64], ids=str)
def test_conv2d_defaults_and_positional(dtype, rng):
    x, w, b = values(dtype, (2, 3, 9, 8), rng), values(dtype, (5, 3, 3, 2), rng), values(dtype, (5,), rng)
    exp, bound = torch_ref(TF.conv2d, x, w, None)
    assert_conv(F.conv2d(mnp.asarray(x), mnp.asarray(w)), exp, bound, 18, dtype)
    exp, bound = torch_ref(TF.conv2d, x, w, b, stride=2, padding=1, dilation=2, groups=1)
    assert_conv(F.conv2d(mnp.asarray(x), mnp.asarray(w), mnp.asarray(b), 2, 1, 2, 1), exp, bound, 18, dtype)
    # numpy arrays are accepted as operands
    assert_conv(F.conv2d(x, w, b, (2, 2), [1, 1], (2, 2)), exp, bound, 18, dtype)


@pytest.mark.parametrize("shape,wshape,kw", [
    ((1, 16, 33, 31), (24, 16, 3, 3), {"padding": 1}),
    ((2, 8, 20, 20), (8, 1, 5, 5), {"padding": 2, "groups": 8}),
    ((1, 3, 40, 37), (16, 3, 7, 7), {"stride": 2, "padding": 3}),
    ((1, 32, 13, 13), (64, 32, 1, 1), {}),
    ((3, 6, 17, 11), (12, 3, 3, 4), {"stride": (2, 1), "padding": (1, 2), "dilation": (1, 2), "groups": 2}),
], ids=str)
def test_conv2d_larger(shape, wshape, kw, rng):
    x, w, b = values(F32, shape, rng), values(F32, wshape, rng), values(F32, wshape[:1], rng)
    k = int(np.prod(wshape[1:]))
    exp, bound = torch_ref(TF.conv2d, x, w, b, **kw)
    assert_conv(F.conv2d(mnp.asarray(x), mnp.asarray(w), mnp.asarray(b), **kw), exp, bound, k, F32, str(kw))


def test_conv2d_noncontiguous_weight(rng):
    x = values(F64, (2, 4, 7, 6), rng)
    wbase = values(F64, (4, 6, 2, 3), rng)
    w = wbase.transpose(1, 0, 3, 2)[::-1]  # (6, 4, 3, 2), no axis contiguous in order
    mw = mnp.transpose(mnp.asarray(wbase), (1, 0, 3, 2))[::-1]
    exp, bound = torch_ref(TF.conv2d, x, w, None, padding=1)
    assert_conv(F.conv2d(mnp.asarray(x), mw, padding=1), exp, bound, 24, F64)


# ------------------------------------------------------------------------------------------ fused epilogue
@pytest.mark.parametrize("dtype", [F32, F64], ids=str)
def test_conv2d_bias_relu_fuses(dtype, rng):
    x, w, b = values(dtype, (2, 3, 9, 10), rng), values(dtype, (4, 3, 3, 3), rng), values(dtype, (4,), rng)
    y = mnp.maximum(F.conv2d(mnp.asarray(x), mnp.asarray(w), mnp.asarray(b), padding=1), 0)
    text = mnnx.debug.explain(y, file=io.StringIO())
    lines = [ln for ln in text.splitlines() if ln.lstrip().startswith("[")]
    assert len(lines) == 1, text
    assert "dense conv2d" in lines[0] and "fused epilogue" in lines[0], text
    with torch.no_grad():
        exp = torch.relu(TF.conv2d(t64(x), t64(w), t64(b), padding=1)).numpy()
    _, bound = torch_ref(TF.conv2d, x, w, b, padding=1)
    assert_conv(y, exp, bound, 27, dtype)


def test_conv2d_held_result_not_overwritten(rng):
    x, w, b = values(F32, (1, 3, 6, 6), rng), values(F32, (4, 3, 3, 3), rng), values(F32, (4,), rng)
    y = F.conv2d(mnp.asarray(x), mnp.asarray(w), padding=1)
    z = mnp.maximum(y + mnp.asarray(b).reshape(1, 4, 1, 1), 0)
    z2 = y * 2
    mnnx.eval(z, z2)
    exp, bound = torch_ref(TF.conv2d, x, w, None, padding=1)
    assert_conv(y, exp, bound, 27, F32)
    assert_conv(z2, exp * 2, bound * 2, 27, F32)
    assert_conv(z, np.maximum(exp + b.reshape(1, 4, 1, 1), 0), bound + np.abs(b).reshape(1, 4, 1, 1), 27, F32)


# ------------------------------------------------------------------------------------------ conv1d
@settings(max_examples=120)
@given(ch=channels(), n=st.integers(0, 2), length=st.integers(1, 9), ksize=st.integers(1, 4),
       stride=st.integers(1, 3), padding=st.one_of(st.integers(0, 2), st.sampled_from(["valid", "same"])),
       dilation=st.integers(1, 2), bias=st.booleans(), unbatched=st.booleans(), dtype=st.sampled_from([F32, F64]),
       tuple_args=st.booleans(), seed=st.integers(0, 2**32 - 1))
def test_conv1d(ch, n, length, ksize, stride, padding, dilation, bias, unbatched, dtype, tuple_args, seed):
    rng = np.random.default_rng(seed)
    cin, cout, groups = ch
    if padding == "same":
        stride = 1
    unbatched = unbatched and n == 1
    x = values(dtype, ((cin,) if unbatched else (n, cin)) + (length,), rng)
    w = values(dtype, (cout, cin // groups, ksize), rng)
    b = values(dtype, (cout,), rng) if bias else None
    if tuple_args:
        stride, dilation = (stride,), (dilation,)
        padding = padding if isinstance(padding, str) else (padding,)
    check(TF.conv1d, F.conv1d, x, w, b, mnp.asarray(x)[..., ::1], cin // groups * ksize, dtype,
          stride=stride, padding=padding, dilation=dilation, groups=groups)


def test_conv1d_strided_view(rng):
    base = values(F64, (2, 6, 21), rng)
    x = base[:, ::2, ::3]
    w = values(F64, (4, 3, 2), rng)
    exp, bound = torch_ref(TF.conv1d, x, w, None, padding=1)
    assert_conv(F.conv1d(mnp.asarray(base)[:, ::2, ::3], mnp.asarray(w), padding=1), exp, bound, 6, F64)


# ------------------------------------------------------------------------------------------ transposed convolutions
@st.composite
def transpose_params(draw, dims):
    """stride, padding, output_padding, dilation per spatial dim, output_padding < max(stride, dilation)."""
    s = tuple(draw(st.integers(1, 3)) for _ in range(dims))
    d = tuple(draw(st.integers(1, 2)) for _ in range(dims))
    p = tuple(draw(st.integers(0, 2)) for _ in range(dims))
    op = tuple(draw(st.integers(0, max(si, di) - 1)) for si, di in zip(s, d))
    return s, p, op, d


@settings(max_examples=200)
@given(ch=channels(), n=st.integers(0, 2), hw=pairs(1, 6), ksize=pairs(1, 4), params=transpose_params(2),
       bias=st.booleans(), unbatched=st.booleans(), dtype=st.sampled_from([F32, F64]),
       form=st.sampled_from(["contiguous", "transposed", "sliced", "flipped"]), seed=st.integers(0, 2**32 - 1))
def test_conv_transpose2d(ch, n, hw, ksize, params, bias, unbatched, dtype, form, seed):
    rng = np.random.default_rng(seed)
    cin, cout, groups = ch
    s, p, op, d = params
    unbatched = unbatched and n == 1
    x, mx = input_view(form, dtype, ((cin,) if unbatched else (n, cin)) + hw, rng)
    w = values(dtype, (cin, cout // groups) + ksize, rng)
    b = values(dtype, (cout,), rng) if bias else None
    check(TF.conv_transpose2d, F.conv_transpose2d, x, w, b, mx, cin // groups * ksize[0] * ksize[1], dtype,
          stride=s, padding=p, output_padding=op, groups=groups, dilation=d)


@settings(max_examples=100)
@given(ch=channels(), n=st.integers(0, 2), length=st.integers(1, 8), ksize=st.integers(1, 4),
       params=transpose_params(1), bias=st.booleans(), unbatched=st.booleans(), dtype=st.sampled_from([F32, F64]),
       ints=st.booleans(), seed=st.integers(0, 2**32 - 1))
def test_conv_transpose1d(ch, n, length, ksize, params, bias, unbatched, dtype, ints, seed):
    rng = np.random.default_rng(seed)
    cin, cout, groups = ch
    s, p, op, d = params
    if ints:
        s, p, op, d = s[0], p[0], op[0], d[0]
    unbatched = unbatched and n == 1
    x = values(dtype, ((cin,) if unbatched else (n, cin)) + (length,), rng)
    w = values(dtype, (cin, cout // groups, ksize), rng)
    b = values(dtype, (cout,), rng) if bias else None
    check(TF.conv_transpose1d, F.conv_transpose1d, x, w, b, mnp.asarray(x), cin // groups * ksize, dtype,
          stride=s, padding=p, output_padding=op, groups=groups, dilation=d)


def test_conv_transpose2d_positional_and_larger(rng):
    x, w, b = values(F32, (2, 8, 9, 7), rng), values(F32, (8, 3, 4, 3), rng), values(F32, (6,), rng)
    exp, bound = torch_ref(TF.conv_transpose2d, x, w, b, stride=2, padding=1, output_padding=1, groups=2, dilation=1)
    got = F.conv_transpose2d(mnp.asarray(x), mnp.asarray(w), mnp.asarray(b), 2, 1, 1, 2, 1)
    assert_conv(got, exp, bound, 48, F32)


# ------------------------------------------------------------------------------------------ errors
Z = lambda *shape: np.zeros(shape, np.float32)


@pytest.mark.parametrize("fn,x,w,kw,names", [
    (F.conv2d, Z(1, 3, 5, 5), Z(4, 2, 3, 3), {}, ["(1, 3, 5, 5)", "(4, 2, 3, 3)"]),              # channel mismatch
    (F.conv2d, Z(1, 4, 5, 5), Z(4, 2, 3, 3), {"groups": 3}, ["groups"]),                        # groups do not divide
    (F.conv2d, Z(1, 4, 5, 5), Z(3, 2, 3, 3), {"groups": 2}, ["groups", "(3, 2, 3, 3)"]),         # ... nor outputs
    (F.conv2d, Z(1, 3, 4, 4), Z(2, 3, 5, 5), {}, ["(1, 3, 4, 4)", "(2, 3, 5, 5)"]),              # kernel > input
    (F.conv2d, Z(1, 3, 4, 4), Z(2, 3, 3, 3), {"dilation": 2}, ["(1, 3, 4, 4)", "(2, 3, 3, 3)"]),  # dilated kernel
    (F.conv2d, Z(1, 3, 3, 3), Z(2, 3, 6, 2), {"padding": 1}, ["(1, 3, 3, 3)", "(2, 3, 6, 2)"]),  # padded still short
    (F.conv2d, Z(3, 5), Z(2, 3, 3, 3), {}, ["(3, 5)"]),                                          # 2-D input
    (F.conv2d, Z(1, 1, 3, 5, 5), Z(2, 3, 3, 3), {}, ["(1, 1, 3, 5, 5)"]),                        # 5-D input
    (F.conv2d, Z(1, 3, 5, 5), Z(2, 3, 3), {}, ["(2, 3, 3)"]),                                    # 3-D weight
    (F.conv2d, Z(1, 3, 5, 5), Z(2, 3, 3, 3), {"padding": "same", "stride": 2}, ["same"]),
    (F.conv2d, Z(1, 3, 5, 5), Z(2, 3, 3, 3), {"padding": "full"}, ["full"]),
    (F.conv2d, Z(1, 3, 5, 5), Z(2, 3, 3, 3), {"stride": 0}, ["stride"]),
    (F.conv2d, Z(1, 3, 5, 5), Z(2, 3, 3, 3), {"padding": -1}, ["padding"]),
    (F.conv2d, Z(1, 3, 5, 5), Z(2, 3, 3, 3), {"bias": Z(3)}, ["bias"]),
    (F.conv1d, Z(1, 3, 5), Z(4, 2, 3), {}, ["(1, 3", "(4, 2"]),
    (F.conv1d, Z(1, 3, 5, 5), Z(4, 3, 3), {}, ["(1, 3, 5, 5)"]),
    (F.conv1d, Z(1, 3, 5), Z(4, 3, 3), {"padding": "same", "stride": 2}, ["same"]),
    (F.conv_transpose2d, Z(1, 3, 5, 5), Z(4, 2, 3, 3), {}, ["(1, 3, 5, 5)", "(4, 2, 3, 3)"]),
    (F.conv_transpose2d, Z(1, 3, 5, 5), Z(3, 2, 3, 3), {"groups": 2}, ["groups"]),
    (F.conv_transpose2d, Z(1, 3, 5, 5), Z(3, 2, 3, 3), {"output_padding": 1}, ["output padding"]),
    (F.conv_transpose2d, Z(1, 3, 1, 1), Z(3, 2, 1, 1), {"padding": 1}, ["(1, 3, 1, 1)", "(3, 2, 1, 1)"]),
    (F.conv_transpose2d, Z(3, 5), Z(3, 2, 3, 3), {}, ["(3, 5)"]),
    (F.conv_transpose2d, Z(1, 3, 5, 5), Z(3, 2, 3), {}, ["(3, 2, 3)"]),
    (F.conv_transpose1d, Z(1, 3, 5), Z(4, 2, 3), {}, ["(1, 3", "(4, 2"]),
], ids=lambda v: getattr(v, "__name__", None) if callable(v) else None)
def test_errors(fn, x, w, kw, names):
    """Torch refuses each case too; mnnx raises ValueError naming the shapes (or the bad argument)."""
    tfn = getattr(TF, fn.__name__)
    tkw = {k: (t64(v) if isinstance(v, np.ndarray) else v) for k, v in kw.items()}
    with pytest.raises((RuntimeError, ValueError)):
        tfn(t64(x), t64(w), **tkw)
    with pytest.raises(ValueError) as info:
        fn(mnp.asarray(x), mnp.asarray(w), **kw)
    for name in names:
        assert name in str(info.value), f"{name!r} not in {str(info.value)!r}"


@pytest.mark.parametrize("fn,x,w,names", [
    (F.conv1d, Z(1, 3, 5), Z(4, 2, 3), ["(1, 3, 5)", "(4, 2, 3)"]),
    (F.conv_transpose1d, Z(1, 3, 5), Z(4, 2, 3), ["(1, 3, 5)", "(4, 2, 3)"]),
    (F.conv2d, Z(3, 5, 5), Z(4, 2, 3, 3), ["(3, 5, 5)", "(4, 2, 3, 3)"]),
    (F.conv_transpose2d, Z(3, 5, 5), Z(4, 2, 3, 3), ["(3, 5, 5)", "(4, 2, 3, 3)"]),
], ids=lambda v: getattr(v, "__name__", None) if callable(v) else None)
def test_error_names_callers_shapes(fn, x, w, names):
    with pytest.raises((RuntimeError, ValueError)):
        getattr(TF, fn.__name__)(t64(x), t64(w))
    with pytest.raises(ValueError) as info:
        fn(mnp.asarray(x), mnp.asarray(w))
    for name in names:
        assert name in str(info.value), f"{name!r} not in {str(info.value)!r}"


@pytest.mark.parametrize("fn", [F.conv2d, F.conv_transpose2d])
@pytest.mark.parametrize("xdt,wdt", [(np.int32, np.int32), (np.int64, np.int64), (np.uint8, np.uint8),
                                     (np.int64, np.float32),
                                     (np.float32, np.uint8),
                                     (np.bool_, np.bool_)], ids=str)
def test_non_float_inputs_raise_type_error(fn, xdt, wdt):
    x, w = np.ones((1, 2, 4, 4), xdt), np.ones((2, 2, 3, 3), wdt)
    with pytest.raises(TypeError):
        fn(mnp.asarray(x), mnp.asarray(w))


@pytest.mark.parametrize("n,c,o,h,w,pad", [(1, 16, 16, 8, 8, 1), (2, 32, 24, 13, 11, 0), (1, 20, 17, 9, 14, 2),
                                            (3, 16, 32, 5, 4, 1)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_winograd_3x3_matches_torch(n, c, o, h, w, pad, dtype):
    # 3x3 stride-1 convolutions with >= 16 channels take a Winograd path (tests/nn/test_winograd.py): odd sizes
    # exercise partial tiles, and the fused bias + relu runs on its output rows
    rng = np.random.default_rng(7)
    x = rng.standard_normal((n, c, h, w)).astype(dtype)
    wt = rng.standard_normal((o, c, 3, 3)).astype(dtype)
    b = rng.standard_normal(o).astype(dtype)
    got = np.asarray(mnp.maximum(F.conv2d(mnp.asarray(x), mnp.asarray(wt), mnp.asarray(b), padding=pad), 0))
    want = torch.relu(TF.conv2d(t64(x), t64(wt), t64(b), padding=pad)).numpy()
    tol = 2e-4 if dtype == np.float32 else 1e-10
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol * np.sqrt(9 * c))
