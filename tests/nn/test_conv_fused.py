"""Fused bias + clamp epilogues (relu, relu6, hardtanh) applied inside the depthwise, 1x1 and GEMM
kernels, against torch in float64: odd and narrow widths (< 16, the AVX-512 vector), paddings that
make whole rows of zeros, channel multipliers, batches, strided inputs, NaN propagation, and bias
shapes the kernels cannot take in their stores (which must still give the right values)."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
import torch.nn.functional as TF

import mnnx.nn.functional as F
import mnnx.numpy as mnp

F32, F64 = np.dtype(np.float32), np.dtype(np.float64)

ACTS = {
    "none": (lambda y: y, lambda y: y),
    "relu": (F.relu, torch.relu),
    "relu6": (F.relu6, TF.relu6),
    "hardtanh": (lambda y: F.hardtanh(y, -0.5, 0.75), lambda y: TF.hardtanh(y, -0.5, 0.75)),
    "max_min": (lambda y: mnp.minimum(mnp.maximum(y, -1.0), 2.0), lambda y: torch.clamp(y, -1.0, 2.0)),
    "gelu": (F.gelu, TF.gelu),  # not a clamp: the general epilogue
}


def t64(a):
    return None if a is None else torch.from_numpy(np.array(a, dtype=np.float64))


def check(got, want, dtype, k):
    tol = (4e-6 if dtype == F32 else 1e-13) * k
    np.testing.assert_allclose(np.asarray(got), want, rtol=tol, atol=tol)


@pytest.mark.parametrize("hw", [(1, 1), (2, 3), (5, 7), (6, 15), (9, 16), (4, 17), (13, 31), (8, 33), (12, 56)], ids=str)
@pytest.mark.parametrize("pad", [0, 1, 2])
@pytest.mark.parametrize("act", ["none", "relu", "relu6", "hardtanh"])
def test_depthwise_3x3_fused(hw, pad, act):
    h, w = hw
    if h + 2 * pad < 3 or w + 2 * pad < 3:
        pytest.skip("kernel larger than the padded input")
    rng = np.random.default_rng(h * 100 + w + pad)
    for dtype, bias in ((F32, True), (F32, False), (F64, True)):
        x = rng.uniform(-3, 3, (2, 3, h, w)).astype(dtype)
        wt = rng.uniform(-2, 2, (6, 1, 3, 3)).astype(dtype)  # channel multiplier 2
        b = rng.uniform(-2, 2, 6).astype(dtype) if bias else None
        fm, ft = ACTS[act]
        got = fm(F.conv2d(mnp.asarray(x), mnp.asarray(wt), None if b is None else mnp.asarray(b), padding=pad, groups=3))
        with torch.no_grad():
            want = ft(TF.conv2d(t64(x), t64(wt), t64(b), padding=pad, groups=3)).numpy()
        check(got, want, dtype, 10)


@pytest.mark.parametrize("act", list(ACTS))
def test_depthwise_strided_input_and_general_epilogue(act):
    rng = np.random.default_rng(3)
    x = rng.uniform(-3, 3, (1, 8, 20, 41)).astype(np.float32)
    wt = rng.uniform(-2, 2, (8, 1, 3, 3)).astype(np.float32)
    b = rng.uniform(-2, 2, 8).astype(np.float32)
    fm, ft = ACTS[act]
    xv = mnp.asarray(x)[:, :, 1:, ::2]  # row stride 41, column stride 2
    got = fm(F.conv2d(xv, mnp.asarray(wt), mnp.asarray(b), padding=1, groups=8))
    with torch.no_grad():
        want = ft(TF.conv2d(t64(x)[:, :, 1:, ::2], t64(wt), t64(b), padding=1, groups=8)).numpy()
    check(got, want, F32, 10)
    xv = mnp.asarray(x)[:, ::2, :, 3:]  # channel stride 2 planes, rows of 41 read from column 3
    got = fm(F.conv2d(xv, mnp.asarray(wt[:4]), mnp.asarray(b[:4]), padding=1, groups=4))
    with torch.no_grad():
        want = ft(TF.conv2d(t64(x)[:, ::2, :, 3:], t64(wt[:4]), t64(b[:4]), padding=1, groups=4)).numpy()
    check(got, want, F32, 10)


def test_depthwise_bias_shapes_kernels_cannot_fuse():
    # a bias that varies along the width, one over the whole output, a scalar: the values must be right
    rng = np.random.default_rng(4)
    x = rng.uniform(-3, 3, (2, 4, 7, 18)).astype(np.float32)
    wt = rng.uniform(-2, 2, (4, 1, 3, 3)).astype(np.float32)
    y = F.conv2d(mnp.asarray(x), mnp.asarray(wt), padding=1, groups=4)
    with torch.no_grad():
        ref = TF.conv2d(t64(x), t64(wt), padding=1, groups=4).numpy()
    bw = rng.uniform(-1, 1, 18).astype(np.float32)
    check(mnp.maximum(y + mnp.asarray(bw), 0), np.maximum(ref + bw, 0), F32, 10)
    ball = rng.uniform(-1, 1, (2, 4, 7, 18)).astype(np.float32)
    check(mnp.maximum(y + mnp.asarray(ball), 0), np.maximum(ref + ball, 0), F32, 10)
    bs = np.float32(0.25)
    check(mnp.maximum(y + mnp.asarray(np.array(bs)), 0), np.maximum(ref + bs, 0), F32, 10)
    bn = rng.uniform(-1, 1, (2, 1, 1, 1)).astype(np.float32)  # one bias per image
    check(mnp.minimum(y + mnp.asarray(bn), 1.5), np.minimum(ref + bn, 1.5), F32, 10)


def test_depthwise_relu_propagates_nan():
    x = np.ones((1, 2, 5, 20), np.float32)
    x[0, 0, 2, 7] = np.nan
    wt = np.ones((2, 1, 3, 3), np.float32)
    b = np.array([-100.0, 1.0], np.float32)
    got = np.asarray(F.relu(F.conv2d(mnp.asarray(x), mnp.asarray(wt), mnp.asarray(b), padding=1, groups=2)))
    with torch.no_grad():
        want = torch.relu(TF.conv2d(torch.from_numpy(x), torch.from_numpy(wt), torch.from_numpy(b), padding=1, groups=2)).numpy()
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_allclose(got, want)


@pytest.mark.parametrize("shape", [(1, 256, 28, 28, 256), (2, 7, 5, 9, 13), (1, 40, 3, 11, 50), (1, 1100, 2, 3, 9)], ids=str)
@pytest.mark.parametrize("act", ["none", "relu", "relu6", "hardtanh", "gelu"])
def test_pointwise_conv_fused(shape, act):
    # 1x1 convolutions are one GEMM per image: odd row and column counts give partial tiles, and
    # K = 1100 > one K slice makes the epilogue wait for the last slice
    n, c, h, w, o = shape
    rng = np.random.default_rng(c + o)
    fm, ft = ACTS[act]
    for dtype in (F32, F64):
        x = rng.uniform(-1, 1, (n, c, h, w)).astype(dtype)
        wt = rng.uniform(-1, 1, (o, c, 1, 1)).astype(dtype)
        b = rng.uniform(-1, 1, o).astype(dtype)
        got = fm(F.conv2d(mnp.asarray(x), mnp.asarray(wt), mnp.asarray(b)))
        with torch.no_grad():
            want = ft(TF.conv2d(t64(x), t64(wt), t64(b))).numpy()
        check(got, want, dtype, c)


@pytest.mark.parametrize("groups", [1, 2])
def test_implicit_gemm_conv_fused(groups):
    rng = np.random.default_rng(groups)
    x = rng.uniform(-1, 1, (2, 6, 9, 13)).astype(np.float32)
    wt = rng.uniform(-1, 1, (10, 6 // groups, 3, 2)).astype(np.float32)
    b = rng.uniform(-1, 1, 10).astype(np.float32)
    got = F.relu6(F.conv2d(mnp.asarray(x), mnp.asarray(wt), mnp.asarray(b), stride=(2, 1), padding=1, groups=groups))
    with torch.no_grad():
        want = TF.relu6(TF.conv2d(t64(x), t64(wt), t64(b), stride=(2, 1), padding=1, groups=groups)).numpy()
    check(got, want, F32, 60)


@pytest.mark.parametrize("mnk", [(5, 7, 3), (37, 45, 70), (130, 33, 1030)], ids=str)
@pytest.mark.parametrize("act", ["none", "relu", "max_min"])
def test_matmul_bias_fused(mnk, act):
    # x @ w + b (a linear layer: one bias per column), batched, and a per-row bias (m, 1)
    m, n, k = mnk
    rng = np.random.default_rng(m)
    fm, ft = ACTS[act]
    for dtype in (F32, F64):
        x = rng.uniform(-1, 1, (2, m, k)).astype(dtype)
        wt = rng.uniform(-1, 1, (k, n)).astype(dtype)
        bc = rng.uniform(-1, 1, n).astype(dtype)
        br = rng.uniform(-1, 1, (m, 1)).astype(dtype)
        ref = t64(x) @ t64(wt)
        check(fm(mnp.asarray(x) @ mnp.asarray(wt) + mnp.asarray(bc)), ft(ref + t64(bc)).numpy(), dtype, k)
        check(fm(mnp.asarray(br) + mnp.asarray(x[0]) @ mnp.asarray(wt)), ft(t64(br) + ref[0]).numpy(), dtype, k)
        check(fm(mnp.asarray(x) @ mnp.asarray(wt) + mnp.asarray(br)), ft(ref + t64(br)).numpy(), dtype, k)
