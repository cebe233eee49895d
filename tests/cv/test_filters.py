"""mnnx.cv filters and morphology against cv2 on scikit-image photographs and hypothesis-drawn images."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mnnx.numpy as mnp
from mnnx.cv import _filters as mcv

cv2 = pytest.importorskip("cv2")
skdata = pytest.importorskip("skimage.data")


def _photos():
    bgr = np.ascontiguousarray(skdata.astronaut()[::2, ::2, ::-1])
    gray = np.ascontiguousarray(skdata.camera()[::2, ::2])
    coins = np.ascontiguousarray(skdata.coins()[:151, :203])  # odd sizes
    bgra = np.dstack([bgr, gray[:bgr.shape[0], :bgr.shape[1]]])
    return {"bgr": bgr, "gray": gray, "coins": coins, "bgra": bgra, "bgr_f32": bgr.astype(np.float32) / 255,
            "gray_f32": gray.astype(np.float32)}


PHOTOS = _photos()
U8 = ["bgr", "gray", "coins", "bgra"]
BORDERS = [cv2.BORDER_CONSTANT, cv2.BORDER_REPLICATE, cv2.BORDER_REFLECT, cv2.BORDER_REFLECT_101]


def same(ours, theirs, atol=0):
    ours = np.asarray(ours)
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape, (ours.dtype, ours.shape, theirs.dtype,
                                                                       theirs.shape)
    if ours.dtype.kind == "f":
        scale = max(1.0, float(np.abs(theirs).max()))  # float sums cancel: compare against the data's scale
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=max(atol, 2e-6 * scale))
    else:
        d = np.abs(ours.astype(np.int64) - theirs.astype(np.int64))
        assert d.max() <= atol, f"max |diff| {d.max()} at {np.unravel_index(d.argmax(), d.shape)}"


@pytest.mark.parametrize("name", list(PHOTOS))
@pytest.mark.parametrize("ksize,sigma", [((3, 3), 0), ((5, 5), 0), ((7, 3), 0), ((9, 9), 0), ((0, 0), 1.7),
                                         ((5, 5), 2.5), ((11, 11), 0)])
def test_gaussian_blur_photos(name, ksize, sigma):
    img = PHOTOS[name]
    same(mcv.GaussianBlur(img, ksize, sigma), cv2.GaussianBlur(img, ksize, sigma))  # bit-exact for uint8


@pytest.mark.parametrize("border", BORDERS + [cv2.BORDER_WRAP, cv2.BORDER_REFLECT_101 | cv2.BORDER_ISOLATED])
def test_gaussian_blur_borders(border):
    for name in ("bgr", "gray_f32") if border != cv2.BORDER_WRAP else ("bgr",):
        img = PHOTOS[name]
        same(mcv.GaussianBlur(img, (5, 7), 0, sigmaY=1.1, borderType=border),
             cv2.GaussianBlur(img, (5, 7), 0, sigmaY=1.1, borderType=border))


@pytest.mark.parametrize("n,sigma,ktype", [(1, 0, cv2.CV_64F), (3, 0, cv2.CV_64F), (7, 0, cv2.CV_32F),
                                           (9, 0, cv2.CV_64F), (11, 0, cv2.CV_64F), (4, 1.0, cv2.CV_64F),
                                           (15, 3.3, cv2.CV_32F)])
def test_get_gaussian_kernel(n, sigma, ktype):
    same(mcv.getGaussianKernel(n, sigma, ktype), cv2.getGaussianKernel(n, sigma, ktype=ktype), atol=1e-15)


@pytest.mark.parametrize("border", BORDERS)
def test_box_filters(border):
    for name in ("bgr", "coins", "bgr_f32"):
        img = PHOTOS[name]
        same(mcv.blur(img, (5, 3), borderType=border), cv2.blur(img, (5, 3), borderType=border), atol=1)
        same(mcv.blur(img, (4, 4), anchor=(0, 3), borderType=border),
             cv2.blur(img, (4, 4), anchor=(0, 3), borderType=border), atol=1)
    g = PHOTOS["gray"]
    same(mcv.boxFilter(g, cv2.CV_32F, (3, 3), normalize=False, borderType=border),
         cv2.boxFilter(g, cv2.CV_32F, (3, 3), normalize=False, borderType=border))


@pytest.mark.parametrize("ksize", [1, 3, 5, 7, -1])
@pytest.mark.parametrize("dx,dy", [(1, 0), (0, 1), (1, 1), (2, 0), (0, 2)])
def test_sobel(ksize, dx, dy):
    if ksize == -1 and dx + dy != 1 or ksize == 1 and max(dx, dy) > 2:
        return
    g = PHOTOS["coins"]
    same(mcv.Sobel(g, cv2.CV_16S, dx, dy, ksize=ksize), cv2.Sobel(g, cv2.CV_16S, dx, dy, ksize=ksize))
    f = PHOTOS["bgr_f32"]
    same(mcv.Sobel(f, -1, dx, dy, ksize=ksize, scale=0.5, delta=1), cv2.Sobel(f, -1, dx, dy, ksize=ksize, scale=0.5,
                                                                               delta=1))


def test_derivative_filters_depths():
    img, g = PHOTOS["bgr"], PHOTOS["gray"]
    same(mcv.Sobel(img, -1, 1, 0), cv2.Sobel(img, -1, 1, 0))
    same(mcv.Sobel(g, cv2.CV_64F, 0, 1, ksize=5), cv2.Sobel(g, cv2.CV_64F, 0, 1, ksize=5))
    same(mcv.Scharr(img, cv2.CV_32F, 0, 1), cv2.Scharr(img, cv2.CV_32F, 0, 1))
    for k in (1, 3, 5):
        same(mcv.Laplacian(g, cv2.CV_16S, ksize=k), cv2.Laplacian(g, cv2.CV_16S, ksize=k))
    same(mcv.Laplacian(PHOTOS["bgr_f32"], -1, ksize=3, scale=2, delta=0.5),
         cv2.Laplacian(PHOTOS["bgr_f32"], -1, ksize=3, scale=2, delta=0.5))
    kx, ky = mcv.getDerivKernels(2, 1, 5, normalize=True)
    ox, oy = cv2.getDerivKernels(2, 1, 5, normalize=True)
    same(kx, ox)
    same(ky, oy)


@pytest.mark.parametrize("border", BORDERS)
def test_filter2d_and_sep(border):
    k = np.random.RandomState(0).randn(3, 5).astype(np.float32)
    for name in ("bgr", "gray_f32", "bgra"):
        img = PHOTOS[name]
        same(mcv.filter2D(img, -1, k, delta=3, borderType=border), cv2.filter2D(img, -1, k, delta=3,
                                                                                 borderType=border), atol=1)
        same(mcv.filter2D(img, cv2.CV_32F, k, anchor=(0, 2), borderType=border),
             cv2.filter2D(img, cv2.CV_32F, k, anchor=(0, 2), borderType=border), atol=1e-4)
        kx, ky = np.array([1, 2, 3.0]), np.array([1, -1.0])
        same(mcv.sepFilter2D(img, cv2.CV_32F, kx, ky, borderType=border),
             cv2.sepFilter2D(img, cv2.CV_32F, kx, ky, borderType=border), atol=1e-4)


@pytest.mark.parametrize("k", [3, 5, 7, 11])
def test_median(k):
    for name in ("bgr", "gray", "bgra"):
        same(mcv.medianBlur(PHOTOS[name], k), cv2.medianBlur(PHOTOS[name], k))
    if k <= 5:
        same(mcv.medianBlur(PHOTOS["bgr_f32"], k), cv2.medianBlur(PHOTOS["bgr_f32"], k))


def test_bilateral():
    same(mcv.bilateralFilter(PHOTOS["bgr"], 9, 75, 75), cv2.bilateralFilter(PHOTOS["bgr"], 9, 75, 75), atol=1)
    same(mcv.bilateralFilter(PHOTOS["gray"], 0, 30, 3), cv2.bilateralFilter(PHOTOS["gray"], 0, 30, 3), atol=1)
    f = PHOTOS["bgr_f32"]
    same(mcv.bilateralFilter(f, 5, 0.3, 3), cv2.bilateralFilter(f, 5, 0.3, 3), atol=1e-4)


@pytest.mark.parametrize("aperture", [3, 5, 7])
@pytest.mark.parametrize("l2", [False, True])
def test_canny(aperture, l2):
    for name, lo, hi in (("coins", 50, 150), ("bgr", 80, 160), ("gray", 150, 60)):
        same(mcv.Canny(PHOTOS[name], lo, hi, apertureSize=aperture, L2gradient=l2),
             cv2.Canny(PHOTOS[name], lo, hi, apertureSize=aperture, L2gradient=l2))
    g = PHOTOS["coins"]
    dx, dy = cv2.Sobel(g, cv2.CV_16S, 1, 0), cv2.Sobel(g, cv2.CV_16S, 0, 1)
    same(mcv.Canny(dx, dy, 40, 120, L2gradient=l2), cv2.Canny(dx, dy, 40, 120, L2gradient=l2))


@pytest.mark.parametrize("shape", [cv2.MORPH_RECT, cv2.MORPH_CROSS, cv2.MORPH_ELLIPSE])
@pytest.mark.parametrize("ksize", [(1, 1), (3, 3), (5, 7), (6, 4), (9, 9)])
def test_structuring_element(shape, ksize):
    same(mcv.getStructuringElement(shape, ksize), cv2.getStructuringElement(shape, ksize))
    same(mcv.getStructuringElement(shape, ksize, (0, 0)), cv2.getStructuringElement(shape, ksize, (0, 0)))


@pytest.mark.parametrize("op", range(7))
def test_morphology(op):
    el = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
    for name in ("bgr", "gray", "bgr_f32", "bgra"):
        img = PHOTOS[name]
        same(mcv.morphologyEx(img, op, el), cv2.morphologyEx(img, op, el))
        same(mcv.morphologyEx(img, op, None, iterations=2), cv2.morphologyEx(img, op, None, iterations=2))


@pytest.mark.parametrize("border", BORDERS)
def test_erode_dilate_borders(border):
    el = np.ones((3, 4), np.uint8)
    img = PHOTOS["bgr"]
    same(mcv.erode(img, el, anchor=(0, 1), iterations=3, borderType=border),
         cv2.erode(img, el, anchor=(0, 1), iterations=3, borderType=border))
    cross = cv2.getStructuringElement(cv2.MORPH_CROSS, (5, 5))
    same(mcv.dilate(img, cross, iterations=2, borderType=border),
         cv2.dilate(img, cross, iterations=2, borderType=border))
    same(mcv.dilate(img, cross, borderType=border, borderValue=(255, 0, 100)),
         cv2.dilate(img, cross, borderType=border, borderValue=(255, 0, 100)))


def test_hitmiss():
    b = (PHOTOS["coins"] > 128).astype(np.uint8) * 255
    k = np.array([[0, 1, 0], [1, -1, 1], [0, 1, 0]])
    same(mcv.morphologyEx(b, cv2.MORPH_HITMISS, k), cv2.morphologyEx(b, cv2.MORPH_HITMISS, k))


@st.composite
def images(draw, dtypes=(np.uint8, np.float32)):
    h, w = draw(st.integers(1, 23)), draw(st.integers(1, 23))
    c = draw(st.sampled_from([0, 1, 3, 4]))
    dtype = draw(st.sampled_from(dtypes))
    seed = draw(st.integers(0, 2 ** 31))
    rng = np.random.RandomState(seed)
    shape = (h, w) if c == 0 else (h, w, c)
    a = rng.randint(0, 256, shape).astype(np.uint8)
    return a if dtype == np.uint8 else (a.astype(np.float32) / 7)


@given(images(), st.sampled_from([1, 3, 5, 7]), st.sampled_from([1, 3, 5]), st.sampled_from(BORDERS + [3]))
def test_gaussian_any_size(img, kw, kh, border):
    if border == cv2.BORDER_WRAP and img.dtype != np.uint8:
        return
    same(mcv.GaussianBlur(img, (kw, kh), 0, borderType=border), cv2.GaussianBlur(img, (kw, kh), 0, borderType=border))


@given(images(), st.integers(1, 6), st.integers(1, 6), st.sampled_from(BORDERS))
def test_box_and_morph_any_size(img, kw, kh, border):
    if not (kw * kh == 2 and img.dtype == np.uint8):  # cv2's 2-tap uint8 box wraps: blur of [255, 255] is 0
        same(mcv.blur(img, (kw, kh), borderType=border), cv2.blur(img, (kw, kh), borderType=border), atol=1)
    el = np.ones((kh, kw), np.uint8)
    same(mcv.erode(img, el, borderType=border), cv2.erode(img, el, borderType=border))
    el[0, 0] = el.size == 1  # keep one cell: cv2's result for an empty element is not meaningful
    same(mcv.dilate(img, el, borderType=border), cv2.dilate(img, el, borderType=border))


@given(images(), st.sampled_from([3, 5]))
def test_median_sobel_any_size(img, k):
    same(mcv.medianBlur(img, k), cv2.medianBlur(img, k))
    ddepth = cv2.CV_16S if img.dtype == np.uint8 else -1
    same(mcv.Sobel(img, ddepth, 1, 1, ksize=k), cv2.Sobel(img, ddepth, 1, 1, ksize=k), atol=1e-3)


def test_var_in_var_out():
    img = PHOTOS["bgr"]
    out = mcv.GaussianBlur(mnp.asarray(img), (5, 5), 0)
    assert isinstance(out, mnp.ndarray)
    same(np.asarray(out), cv2.GaussianBlur(img, (5, 5), 0))
    out = mcv.erode(mnp.asarray(PHOTOS["gray"]), None)
    assert isinstance(out, mnp.ndarray) and out.shape == PHOTOS["gray"].shape


def test_dst_argument_is_filled():
    img = PHOTOS["gray"]
    dst = np.empty_like(img)
    res = mcv.GaussianBlur(img, (3, 3), 0, dst)
    assert res is dst
    same(dst, cv2.GaussianBlur(img, (3, 3), 0))


@pytest.mark.parametrize("call", [
    lambda: mcv.GaussianBlur(PHOTOS["gray"], (4, 4), 0),  # even ksize
    lambda: mcv.GaussianBlur(PHOTOS["gray"], (0, 0), 0),  # nothing to size the kernel from
    lambda: mcv.GaussianBlur(np.zeros((0, 5), np.uint8), (3, 3), 0),  # empty
    lambda: mcv.GaussianBlur(np.zeros((5, 5), np.int32), (3, 3), 0),  # dtype
    lambda: mcv.GaussianBlur(np.zeros((5, 5, 5), np.uint8), (3, 3), 0),  # channels
    lambda: mcv.blur(PHOTOS["gray"], (3, 3), borderType=cv2.BORDER_WRAP),
    lambda: mcv.GaussianBlur(PHOTOS["gray_f32"], (3, 3), 0, borderType=cv2.BORDER_WRAP),
    lambda: mcv.medianBlur(PHOTOS["gray"], 4),
    lambda: mcv.medianBlur(PHOTOS["bgr_f32"], 7),
    lambda: mcv.Sobel(PHOTOS["gray"], -1, 0, 0),
    lambda: mcv.Sobel(PHOTOS["gray"], -1, 3, 0, ksize=3),
    lambda: mcv.Scharr(PHOTOS["gray"], -1, 1, 1),
    lambda: mcv.Canny(PHOTOS["bgr_f32"], 10, 20),
    lambda: mcv.Canny(PHOTOS["gray"], 10, 20, apertureSize=4),
    lambda: mcv.bilateralFilter(PHOTOS["bgra"], 5, 10, 10),
    lambda: mcv.filter2D(PHOTOS["gray"], -1, np.ones((3, 3)), anchor=(3, 0)),
    lambda: mcv.getStructuringElement(7, (3, 3)),
    lambda: mcv.morphologyEx(PHOTOS["bgr"], cv2.MORPH_HITMISS, np.ones((3, 3))),
    lambda: mcv.GaussianBlur(None, (3, 3), 0),
])
def test_bad_input_raises_cv_error(call):
    from mnnx.cv._fcommon import error
    assert issubclass(error, Exception)
    with pytest.raises(error):
        call()


@pytest.fixture(params=["native", "generic"])
def cv_isa(request):
    """The AVX2 kernels and the baseline ones (CPUs without AVX2), each against cv2."""
    import mnnx.debug
    original = mnnx.debug.isa()
    if request.param == "generic":
        mnnx.debug.force_isa("generic")
    yield request.param
    mnnx.debug.force_isa(original)


@pytest.mark.parametrize("ksize", [(1, 1), (3, 3), (5, 5), (7, 3), (3, 9), (11, 11), (15, 1)])
def test_gaussian_u8_both_paths(cv_isa, ksize):
    rng = np.random.RandomState(5)
    for img in (PHOTOS["bgr"], PHOTOS["coins"], PHOTOS["bgra"], rng.randint(0, 256, (9, 4, 3)).astype(np.uint8),
                np.full((3, 70), 255, np.uint8)):
        for border in BORDERS + [cv2.BORDER_WRAP]:
            same(mcv.GaussianBlur(img, ksize, 0, borderType=border), cv2.GaussianBlur(img, ksize, 0, borderType=border))
