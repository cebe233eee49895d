"""The preprocessing chain: blobFromImage(s) against cv2.dnn, and the hand-written chain on mnnx
arrays against cv2 + numpy, including that it stays one fused kernel after the native resize."""
import io

import numpy as np
import pytest

import mnnx
import mnnx.cv as mcv
import mnnx.numpy as mnp

cv2 = pytest.importorskip("cv2")
skdata = pytest.importorskip("skimage.data")

PHOTOS = [np.ascontiguousarray(getattr(skdata, n)()[:, :, ::-1]) for n in ("astronaut", "chelsea", "coffee")]
MEAN = np.array([0.485, 0.456, 0.406], np.float32)
STD = np.array([0.229, 0.224, 0.225], np.float32)


@pytest.mark.parametrize("kw", [
    dict(),
    dict(scalefactor=1 / 255, size=(224, 224), swapRB=True),
    dict(scalefactor=0.5, size=(300, 200), mean=(104, 117, 123)),
    dict(size=(160, 160), mean=(1, 2, 3), swapRB=True, crop=True),
    dict(size=(96, 128), ddepth=cv2.CV_8U),
])
def test_blob_from_image(kw):
    for img in PHOTOS:
        ours, theirs = mcv.blobFromImage(img, **kw), cv2.dnn.blobFromImage(img, **kw)
        assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
        np.testing.assert_allclose(ours, theirs, atol=1.0001 * kw.get("scalefactor", 1), rtol=0)
    if "size" not in kw:  # the photos differ in size: a batch needs one
        with pytest.raises(mcv.error, match="same size"):
            mcv.blobFromImages(PHOTOS, **kw)
        return
    ours, theirs = mcv.blobFromImages(PHOTOS, **kw), cv2.dnn.blobFromImages(PHOTOS, **kw)
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, atol=1.0001 * kw.get("scalefactor", 1), rtol=0)


def test_blob_on_mnnx_arrays_is_lazy_and_gray():
    img = PHOTOS[1]
    blob = mcv.blobFromImage(mnp.asarray(img), 1 / 255, (64, 48), (0.1, 0.2, 0.3), swapRB=True)
    assert isinstance(blob, mnnx.Var)
    np.testing.assert_allclose(np.asarray(blob), cv2.dnn.blobFromImage(img, 1 / 255, (64, 48), (0.1, 0.2, 0.3), True),
                               atol=1.0001 / 255)
    gray = img[:, :, 0].copy()
    np.testing.assert_allclose(mcv.blobFromImage(gray, size=(32, 32)), cv2.dnn.blobFromImage(gray, size=(32, 32)), atol=1)
    with pytest.raises(mcv.error):
        mcv.blobFromImages([])
    with pytest.raises(mcv.error, match="CV_8U"):
        mcv.blobFromImage(img, 0.5, ddepth=cv2.CV_8U)


def _chain(x):
    x = mcv.resize(x, (224, 224))
    x = mcv.cvtColor(x, mcv.COLOR_BGR2RGB)
    return ((x.astype(mnp.float32) / 255 - mnp.asarray(MEAN)) / mnp.asarray(STD)).transpose(2, 0, 1)[None]


def test_preprocessing_chain_matches_cv2_numpy_and_fuses():
    img = np.random.default_rng(0).integers(0, 256, (1080, 1920, 3), dtype=np.uint8)
    img[100:600, 300:900] = cv2.resize(PHOTOS[0], (600, 500))
    ours = _chain(mnp.asarray(img))
    plan = io.StringIO()
    mnnx.debug.explain(ours, file=plan)
    assert "1 kernel(s)" in plan.getvalue(), plan.getvalue()  # swap, cast, normalize and transpose: one pass
    x = cv2.cvtColor(cv2.resize(img, (224, 224)), cv2.COLOR_BGR2RGB)
    ref = ((x.astype(np.float32) / 255 - MEAN) / STD).transpose(2, 0, 1)[None]
    got = np.asarray(ours)
    assert got.shape == (1, 3, 224, 224) and got.dtype == np.float32
    np.testing.assert_allclose(got, ref, atol=1.0001 / 255 / STD.min(), rtol=0)
    assert np.mean(np.abs(got - ref) > 1e-5) < 0.01  # the resize agrees exactly almost everywhere
