"""mnnx.cv findContours and contour measurements against cv2."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mnnx.numpy as mnp
from mnnx.cv import _contours as mcv

cv2 = pytest.importorskip("cv2")
skdata = pytest.importorskip("skimage.data")


def _nested():
    z = np.zeros((30, 30), np.uint8)
    z[2:28, 2:28] = 1
    z[5:25, 5:25] = 0
    z[8:22, 8:22] = 1
    z[10:20, 10:20] = 0
    z[14, 14] = 1
    z[0, :] = 1  # touching the image edge
    return z


IMAGES = {
    "coins": (skdata.coins() > 100).astype(np.uint8) * 255,
    "camera": (skdata.camera()[::2, ::2] > 128).astype(np.uint8),
    "horse": (~skdata.horse()).astype(np.uint8) if skdata.horse().dtype == bool else (skdata.horse() == 0).astype(
        np.uint8),
    "noise": (np.random.RandomState(1).rand(41, 53) > 0.5).astype(np.uint8),
    "nested": _nested(),
    "full": np.ones((5, 5), np.uint8),
    "empty": np.zeros((3, 3), np.uint8),
    "pixel": np.ones((1, 1), np.uint8),
}


def same_contours(ours, theirs):
    (ca, ha), (cb, hb) = ours, theirs
    assert len(ca) == len(cb)
    for a, b in zip(ca, cb):
        assert a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b)
    assert (ha is None and hb is None) or np.array_equal(ha, hb)


@pytest.mark.parametrize("name", list(IMAGES))
@pytest.mark.parametrize("mode", [cv2.RETR_EXTERNAL, cv2.RETR_LIST, cv2.RETR_CCOMP, cv2.RETR_TREE])
@pytest.mark.parametrize("method", [cv2.CHAIN_APPROX_NONE, cv2.CHAIN_APPROX_SIMPLE])
def test_find_contours(name, mode, method):
    img = IMAGES[name]
    same_contours(mcv.findContours(img, mode, method), cv2.findContours(img, mode, method))


def test_find_contours_offset_and_var():
    img = IMAGES["nested"]
    same_contours(mcv.findContours(img, cv2.RETR_TREE, cv2.CHAIN_APPROX_SIMPLE, offset=(3, -2)),
                  cv2.findContours(img, cv2.RETR_TREE, cv2.CHAIN_APPROX_SIMPLE, offset=(3, -2)))
    same_contours(mcv.findContours(mnp.asarray(img), cv2.RETR_TREE, cv2.CHAIN_APPROX_NONE),
                  cv2.findContours(img, cv2.RETR_TREE, cv2.CHAIN_APPROX_NONE))


@given(st.integers(1, 24), st.integers(1, 24), st.integers(0, 2 ** 31), st.floats(0.2, 0.8),
       st.sampled_from([0, 1, 2, 3]), st.sampled_from([1, 2]))
def test_find_contours_any_size(h, w, seed, density, mode, method):
    img = (np.random.RandomState(seed).rand(h, w) < density).astype(np.uint8)
    same_contours(mcv.findContours(img, mode, method), cv2.findContours(img, mode, method))


CONTOURS = cv2.findContours(IMAGES["coins"], cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)[0][::7]


def test_measurements():
    for c in CONTOURS:
        for oriented in (False, True):
            assert mcv.contourArea(c, oriented) == pytest.approx(cv2.contourArea(c, oriented), abs=1e-9)
        for closed in (False, True):
            assert mcv.arcLength(c, closed) == pytest.approx(cv2.arcLength(c, closed), rel=1e-6)
        assert mcv.boundingRect(c) == cv2.boundingRect(c)
        f = c.astype(np.float32) * 0.7
        assert mcv.boundingRect(f) == cv2.boundingRect(f)
        assert mcv.contourArea(f) == pytest.approx(cv2.contourArea(f), rel=1e-5)
    assert mcv.boundingRect(IMAGES["coins"]) == cv2.boundingRect(IMAGES["coins"])


def test_min_area_rect():
    for c in CONTOURS:
        if len(c) < 3:
            continue
        (cx, cy), (w, h), _ = ours = mcv.minAreaRect(c)
        (tx, ty), (tw, th), _ = cv2.minAreaRect(c)
        assert w * h == pytest.approx(tw * th, rel=1e-4, abs=1e-3)
        if w * h > 1:  # ties between equal-area boxes of tiny contours are broken differently
            assert (cx, cy) == pytest.approx((tx, ty), abs=1e-3)
        box = mcv.boxPoints(ours)
        # every point lies inside (or on) our box
        inside = cv2.pointPolygonTest(box.reshape(-1, 1, 2), (float(c[0, 0, 0]), float(c[0, 0, 1])), True)
        assert inside >= -1e-3
    rect = np.array([[0, 0], [10, 0], [10, 5], [0, 5]], np.int32)
    ours, theirs = mcv.minAreaRect(rect), cv2.minAreaRect(rect)
    assert ours[0] == pytest.approx(theirs[0]) and ours[2] == pytest.approx(theirs[2])
    assert ours[1] == pytest.approx(theirs[1])
    np.testing.assert_allclose(mcv.boxPoints(theirs), cv2.boxPoints(theirs), atol=1e-5)


def test_approx_poly_dp():
    for c in CONTOURS:
        for eps in (0.5, 1.0, 3.0, 10.0):
            ours, theirs = mcv.approxPolyDP(c, eps, True), cv2.approxPolyDP(c, eps, True)
            assert np.array_equal(ours, theirs)
            # open curves: kept points are curve points, every dropped point lies within eps of the result
            ours = mcv.approxPolyDP(c, eps, False).reshape(-1, 2)
            assert np.array_equal(ours[0], c[0, 0]) and np.array_equal(ours[-1], c[-1, 0])
            assert set(map(tuple, ours.tolist())) <= set(map(tuple, c.reshape(-1, 2).tolist()))


@pytest.mark.parametrize("call", [
    lambda: mcv.findContours(np.zeros((4, 4, 3), np.uint8), 0, 1),
    lambda: mcv.findContours(np.zeros((4, 4), np.float32), 0, 1),
    lambda: mcv.findContours(np.zeros((4, 4), np.uint8), 9, 1),
    lambda: mcv.findContours(np.zeros((4, 4), np.uint8), 0, 3),
    lambda: mcv.contourArea(np.zeros((4, 3), np.int32)),
    lambda: mcv.minAreaRect(np.zeros((0, 2), np.float32)),
    lambda: mcv.approxPolyDP(CONTOURS[0], -1, True),
])
def test_bad_input_raises_cv_error(call):
    from mnnx.cv._fcommon import error
    with pytest.raises(error):
        call()
