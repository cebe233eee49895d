"""The Winograd paths of conv2d (3x3, stride 1, >= 16 channels) against torch in float64.

A cost estimate picks F(4x4, 3x3), F(2x2, 3x3) or im2col per shape; MNNX_WINOGRAD_TILE forces each
tile here, on every ISA's transform kernels, plus hypothesis-drawn shapes. The shapes hit partial
tiles at the right and bottom edges, blocks of tile rows that span images, tile rows split across
GEMM panels, output channels that do not fill the micro-kernel's rows, strided input views and the
fused bias + relu epilogue. Results must lie within the rounding bound of the K-term dot product,
(2K + 8) eps (|x| * |w|), as for direct convolution, with |x| * |w| taken over the outputs of the
tile."""
import os

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

torch = pytest.importorskip("torch")
import torch.nn.functional as TF

import mnnx
import mnnx.nn.functional as F
import mnnx.numpy as mnp


def t64(a):
    return None if a is None else torch.from_numpy(np.array(a, dtype=np.float64))


def check(x, w, b, pad, relu, dtype, xv=None):
    with torch.no_grad():
        exp = TF.conv2d(t64(x), t64(w), t64(b), padding=pad)
        bound = TF.conv2d(t64(np.abs(x)), t64(np.abs(w)), None if b is None else t64(np.abs(b)), padding=pad)
    if relu:
        exp = torch.relu(exp)
    y = F.conv2d(mnp.asarray(x) if xv is None else xv, mnp.asarray(w), None if b is None else mnp.asarray(b), padding=pad)
    got = np.asarray(mnp.maximum(y, 0) if relu else y)
    assert got.dtype == dtype and got.shape == tuple(exp.shape)
    # Winograd's rounding error follows the magnitudes of the whole tile, not of each output's own
    # terms (an output whose inputs are all padding is not exactly its bias): the bound is taken
    # over the outputs within a tile's reach
    k = 9 * x.shape[1]
    tile_bound = TF.max_pool2d(bound, 7, stride=1, padding=3)
    tol = (2 * k + 8) * np.finfo(dtype).eps * tile_bound.numpy()
    diff = np.abs(got.astype(np.float64) - exp.numpy())
    assert (diff <= tol).all(), f"max excess {np.max(diff - tol):.3g} at {np.unravel_index(np.argmax(diff - tol), diff.shape)}"


SHAPES = [  # n, c, o, h, w, pad
    (1, 64, 64, 56, 56, 1),   # benchmark (a): tile rows of 14 split across 32-wide panels
    (3, 16, 17, 9, 13, 1),    # partial 4x4 tiles, O not a multiple of the micro-kernel height
    (2, 20, 24, 10, 8, 0),    # 8x6 output, padding 0
    (2, 24, 32, 12, 12, 0),   # F(4x4) on 10x10 outputs, blocks spanning the two images
    (1, 16, 16, 6, 7, 1),     # odd width
    (1, 16, 16, 4, 7, 0),     # 2x5 output: F(4x4) does not fit, F(2x2) does
    (4, 32, 20, 11, 9, 2),    # padding 2, odd sizes
    (1, 16, 16, 5, 6, 5),     # padding past a whole tile
    (2, 32, 64, 32, 32, 1),   # like benchmark (b): tile rows of 8, two per vector of tiles
    (1, 16, 24, 37, 40, 1),   # tile rows of 10 (8 + 2), rows split across panels
]


@pytest.fixture(params=["4", "2", None], ids=["F4", "F2", "auto"])
def tile(request, monkeypatch):
    if request.param:
        monkeypatch.setenv("MNNX_WINOGRAD_TILE", request.param)
    else:
        monkeypatch.delenv("MNNX_WINOGRAD_TILE", raising=False)
    return request.param


@pytest.mark.parametrize("n,c,o,h,w,pad", SHAPES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["f32", "f64"])
def test_winograd_vs_torch(isa, tile, n, c, o, h, w, pad, dtype):
    rng = np.random.default_rng(n * 1000 + c * 10 + h)
    x = rng.uniform(-2, 2, (n, c, h, w)).astype(dtype)
    wt = rng.uniform(-2, 2, (o, c, 3, 3)).astype(dtype)
    b = rng.uniform(-2, 2, o).astype(dtype)
    check(x, wt, b, pad, True, dtype)
    check(x, wt, None, pad, False, dtype)


@pytest.mark.parametrize("form", ["transposed", "sliced"])
def test_winograd_strided_input(tile, form):
    rng = np.random.default_rng(3)
    if form == "transposed":  # last two axes swapped in memory: column stride != 1
        base = rng.standard_normal((2, 16, 15, 10)).astype(np.float32)
        x, xv = np.swapaxes(base, -1, -2), mnp.swapaxes(mnp.asarray(base), -1, -2)
    else:
        base = rng.standard_normal((1, 32, 20, 27)).astype(np.float32)
        x, xv = base[..., ::2, 1::2], mnp.asarray(base)[..., ::2, 1::2]
    wt = rng.standard_normal((24, x.shape[1], 3, 3)).astype(np.float32)
    check(x, wt, rng.standard_normal(24).astype(np.float32), 1, False, np.float32, xv)


@given(n=st.integers(1, 3), c=st.integers(16, 40), o=st.integers(16, 40), h=st.integers(3, 21), w=st.integers(3, 21),
       pad=st.integers(0, 2), bias=st.booleans(), relu=st.booleans(), tile=st.sampled_from(["2", "4", ""]),
       dtype=st.sampled_from([np.float32, np.float64]), seed=st.integers(0, 2**32 - 1))
def test_winograd_drawn_shapes(n, c, o, h, w, pad, bias, relu, tile, dtype, seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, (n, c, h, w)).astype(dtype)
    wt = rng.uniform(-2, 2, (o, c, 3, 3)).astype(dtype)
    b = rng.uniform(-2, 2, o).astype(dtype) if bias else None
    old = os.environ.pop("MNNX_WINOGRAD_TILE", None)
    try:
        if tile:
            os.environ["MNNX_WINOGRAD_TILE"] = tile
        check(x, wt, b, pad, relu, dtype)
    finally:
        os.environ.pop("MNNX_WINOGRAD_TILE", None)
        if old is not None:
            os.environ["MNNX_WINOGRAD_TILE"] = old
