"""mnnx.cv threshold family, histograms, normalization and per-pixel arithmetic against cv2."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mnnx.numpy as mnp
from mnnx.cv import _filters as mcv

cv2 = pytest.importorskip("cv2")
skdata = pytest.importorskip("skimage.data")

BGR = np.ascontiguousarray(skdata.astronaut()[::2, ::2, ::-1])
GRAY = np.ascontiguousarray(skdata.camera()[::2, ::2])
COINS = skdata.coins()
PAGE = skdata.page()


def same(ours, theirs, tol=0.0):
    ours = np.asarray(ours)
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape, (ours.dtype, ours.shape, theirs.dtype,
                                                                       theirs.shape)
    d = np.abs(ours.astype(np.float64) - theirs.astype(np.float64))
    assert d.max() <= tol, f"max |diff| {d.max()}"


@pytest.mark.parametrize("type_", range(5))
@pytest.mark.parametrize("thresh", [-3, 0, 100.7, 127, 254.2, 255, 300])
def test_threshold_types(type_, thresh):
    for img in (BGR, GRAY, BGR.astype(np.float32) / 3, np.dstack([BGR, GRAY[:, :, None]])):
        r1, r2 = mcv.threshold(img, thresh, 200.6, type_), cv2.threshold(img, thresh, 200.6, type_)
        assert r1[0] == r2[0]
        same(r1[1], r2[1])


@pytest.mark.parametrize("flag", [cv2.THRESH_OTSU, cv2.THRESH_TRIANGLE])
@pytest.mark.parametrize("base", [cv2.THRESH_BINARY, cv2.THRESH_BINARY_INV, cv2.THRESH_TOZERO])
def test_threshold_automatic(flag, base):
    for img in (GRAY, COINS, PAGE, np.full((4, 5), 7, np.uint8)):
        r1, r2 = mcv.threshold(img, 0, 255, base | flag), cv2.threshold(img, 0, 255, base | flag)
        assert r1[0] == r2[0]
        same(r1[1], r2[1])


@given(st.integers(1, 30), st.integers(1, 30), st.sampled_from([1, 3, 4]), st.integers(0, 2 ** 31),
       st.floats(-10, 270), st.sampled_from(range(5)), st.booleans())
def test_threshold_any_size(h, w, c, seed, thresh, type_, floating):
    img = np.random.RandomState(seed).randint(0, 256, (h, w, c)).astype(np.uint8)
    if floating:
        img = img.astype(np.float32) * 0.37
    r1, r2 = mcv.threshold(img, thresh, 99, type_), cv2.threshold(img, thresh, 99, type_)
    assert r1[0] == r2[0]
    same(r1[1], r2[1])


@pytest.mark.parametrize("method", [cv2.ADAPTIVE_THRESH_MEAN_C, cv2.ADAPTIVE_THRESH_GAUSSIAN_C])
@pytest.mark.parametrize("type_", [cv2.THRESH_BINARY, cv2.THRESH_BINARY_INV])
@pytest.mark.parametrize("block,C", [(3, 2), (11, -3.5), (31, 5)])
def test_adaptive_threshold(method, type_, block, C):
    ours, theirs = mcv.adaptiveThreshold(GRAY, 255, method, type_, block, C), \
        cv2.adaptiveThreshold(GRAY, 255, method, type_, block, C)
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
    # cv2 sums its float Gaussian in another order: a pixel exactly on the mean may flip.
    assert np.mean(ours != theirs) < 1e-4


def test_in_range():
    same(mcv.inRange(BGR, (10, 20, 30), (200, 150, 250)), cv2.inRange(BGR, (10, 20, 30), (200, 150, 250)))
    same(mcv.inRange(BGR, 10, 200), cv2.inRange(BGR, 10, 200))  # a scalar bounds channel 0, the rest to 0
    same(mcv.inRange(GRAY, 10.5, 200.5), cv2.inRange(GRAY, 10.5, 200.5))
    lo, hi = np.zeros_like(BGR), np.full_like(BGR, 128)
    same(mcv.inRange(BGR, lo, hi), cv2.inRange(BGR, lo, hi))
    f = BGR.astype(np.float32)
    same(mcv.inRange(f, (0.5, 0, 0), (99.5, 255, 255)), cv2.inRange(f, (0.5, 0, 0), (99.5, 255, 255)))


def test_equalize_hist():
    for img in (GRAY, COINS, PAGE, np.full((3, 3), 9, np.uint8)):
        same(mcv.equalizeHist(img), cv2.equalizeHist(img))


@pytest.mark.parametrize("args", [
    ([BGR], [0], None, [256], [0, 256]),
    ([BGR], [0, 2], None, [16, 8], [0, 256, 0, 200]),
    ([BGR.astype(np.float32) / 255], [1], None, [10], [0, 1]),
    ([GRAY], [0], (GRAY > 100).astype(np.uint8), [32], [10, 250]),
    ([GRAY, BGR], [0, 3], None, [4, 4], [0, 256, 0, 256]),
])
def test_calc_hist(args):
    same(mcv.calcHist(*args), cv2.calcHist(*args))


@pytest.mark.parametrize("norm", [cv2.NORM_INF, cv2.NORM_L1, cv2.NORM_L2, cv2.NORM_MINMAX])
def test_normalize(norm):
    a, b = (0, 255) if norm == cv2.NORM_MINMAX else (1, 0)
    for img in (BGR, BGR.astype(np.float32)):
        same(mcv.normalize(img, None, a, b, norm), cv2.normalize(img, None, a, b, norm),
             tol=0 if img.dtype == np.uint8 else 1e-6)
    same(mcv.normalize(GRAY, None, 0, 1, cv2.NORM_MINMAX, cv2.CV_32F),
         cv2.normalize(GRAY, None, 0, 1, cv2.NORM_MINMAX, cv2.CV_32F), tol=1e-6)


def test_arithmetic_and_channels():
    s = cv2.Sobel(GRAY, cv2.CV_16S, 1, 0)
    same(mcv.convertScaleAbs(s, alpha=0.7, beta=3), cv2.convertScaleAbs(s, alpha=0.7, beta=3))
    other = np.ascontiguousarray(BGR[::-1])
    same(mcv.addWeighted(BGR, 0.3, other, 0.7, 2.5), cv2.addWeighted(BGR, 0.3, other, 0.7, 2.5), tol=1)
    f, g = BGR.astype(np.float32), other.astype(np.float32)
    same(mcv.addWeighted(f, 0.3, g, 0.7, 2.5), cv2.addWeighted(f, 0.3, g, 0.7, 2.5), tol=1e-4)
    for a, b in zip(mcv.split(BGR), cv2.split(BGR)):
        same(a, b)
    same(mcv.merge(mcv.split(BGR)), cv2.merge(cv2.split(BGR)))
    for img in (BGR, GRAY, BGR.astype(np.float32)):
        same(mcv.integral(img), cv2.integral(img))
    same(mcv.integral(GRAY, sdepth=cv2.CV_64F), cv2.integral(GRAY, sdepth=cv2.CV_64F))


def test_var_in_var_out():
    t, out = mcv.threshold(mnp.asarray(GRAY), 100, 255, cv2.THRESH_BINARY)
    assert isinstance(out, mnp.ndarray)
    same(np.asarray(out), cv2.threshold(GRAY, 100, 255, cv2.THRESH_BINARY)[1])
    assert isinstance(mcv.equalizeHist(mnp.asarray(GRAY)), mnp.ndarray)


@pytest.mark.parametrize("call", [
    lambda: mcv.threshold(BGR, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU),  # Otsu needs one channel
    lambda: mcv.threshold(GRAY.astype(np.int32), 0, 255, 0),
    lambda: mcv.threshold(GRAY, 0, 255, 6),
    lambda: mcv.threshold(np.zeros((0, 3), np.uint8), 0, 255, 0),
    lambda: mcv.adaptiveThreshold(GRAY, 255, 0, 0, 4, 0),
    lambda: mcv.adaptiveThreshold(BGR, 255, 0, 0, 3, 0),
    lambda: mcv.equalizeHist(BGR),
    lambda: mcv.addWeighted(BGR, 1, GRAY, 1, 0),
    lambda: mcv.calcHist([GRAY], [0], None, [16], [0]),
    lambda: mcv.normalize(GRAY, None, 1, 0, 3),
])
def test_bad_input_raises_cv_error(call):
    from mnnx.cv._fcommon import error
    with pytest.raises(error):
        call()


@pytest.mark.parametrize("isa", ["native", "generic"])
def test_threshold_nan_and_both_paths(isa):
    """cv2 tests s <= t for BINARY_INV and TOZERO, s > t for the others: NaN lands accordingly."""
    import mnnx.debug
    original = mnnx.debug.isa()
    if isa == "generic":
        mnnx.debug.force_isa("generic")
    try:
        f = (BGR.astype(np.float32) - 100).ravel()[:1001].reshape(7, 143)
        f[::2, ::5] = np.nan
        for img in (f, BGR, GRAY):
            for type_ in range(5):
                r1, r2 = mcv.threshold(img, 20.5, 200, type_), cv2.threshold(img, 20.5, 200, type_)
                np.testing.assert_array_equal(np.asarray(r1[1]), r2[1])
    finally:
        mnnx.debug.force_isa(original)
