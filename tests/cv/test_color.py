"""mnnx.cv.cvtColor against cv2 on scikit-image photographs and hypothesis-drawn images."""
import platform

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mnnx
import mnnx.cv as mcv
import mnnx.numpy as mnp

cv2 = pytest.importorskip("cv2")
skdata = pytest.importorskip("skimage.data")


def _photos():
    out = {}
    for name in ("astronaut", "chelsea", "coffee"):
        rgb = getattr(skdata, name)()
        out[name] = np.ascontiguousarray(rgb[::2, ::2, ::-1])  # BGR, halved to keep the suite fast
    out["odd"] = np.ascontiguousarray(out["chelsea"][:71, :93])
    return out


PHOTOS = _photos()


def close(ours, theirs, atol):
    ours = np.asarray(ours)
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape, (ours.dtype, ours.shape, theirs.dtype, theirs.shape)
    diff = np.abs(ours.astype(np.float64) - theirs.astype(np.float64))
    assert diff.max() <= atol, f"max difference {diff.max()} > {atol} at {np.unravel_index(diff.argmax(), diff.shape)}"


FORWARD = ["COLOR_BGR2GRAY", "COLOR_RGB2GRAY", "COLOR_BGR2RGB", "COLOR_BGR2BGRA", "COLOR_BGR2RGBA", "COLOR_BGR2HSV",
           "COLOR_RGB2HSV", "COLOR_BGR2HSV_FULL", "COLOR_BGR2HLS", "COLOR_RGB2HLS", "COLOR_BGR2HLS_FULL",
           "COLOR_BGR2YCrCb", "COLOR_RGB2YCrCb", "COLOR_BGR2YUV", "COLOR_RGB2YUV", "COLOR_BGR2Lab", "COLOR_RGB2Lab",
           "COLOR_LBGR2Lab", "COLOR_LRGB2Lab"]
INVERSE = {"COLOR_BGR2HSV": "COLOR_HSV2BGR", "COLOR_RGB2HSV": "COLOR_HSV2RGB", "COLOR_BGR2HSV_FULL": "COLOR_HSV2BGR_FULL",
           "COLOR_BGR2HLS": "COLOR_HLS2BGR", "COLOR_BGR2HLS_FULL": "COLOR_HLS2BGR_FULL",
           "COLOR_BGR2YCrCb": "COLOR_YCrCb2BGR", "COLOR_RGB2YCrCb": "COLOR_YCrCb2RGB", "COLOR_BGR2YUV": "COLOR_YUV2BGR",
           "COLOR_BGR2Lab": "COLOR_Lab2BGR", "COLOR_RGB2Lab": "COLOR_Lab2RGB", "COLOR_BGR2GRAY": "COLOR_GRAY2BGR",
           "COLOR_LBGR2Lab": "COLOR_Lab2LBGR", "COLOR_LRGB2Lab": "COLOR_Lab2LRGB"}


@pytest.mark.parametrize("photo", sorted(PHOTOS))
@pytest.mark.parametrize("name", FORWARD)
def test_forward_uint8_photos(photo, name):
    code = getattr(cv2, name)
    assert getattr(mcv, name) == code
    img = PHOTOS[photo]
    close(mcv.cvtColor(img, code), cv2.cvtColor(img, code), atol=1)


@pytest.mark.parametrize("name", sorted(INVERSE))
def test_inverse_uint8_photos(name):
    atol = 0 if "Lab" in name else 1  # uint8 Lab follows cv2's integer tables bit for bit
    for img in PHOTOS.values():
        there = cv2.cvtColor(img, getattr(cv2, name))
        back = getattr(cv2, INVERSE[name])
        close(mcv.cvtColor(there, back), cv2.cvtColor(there, back), atol=atol)
        close(mcv.cvtColor(there, back, dstCn=4), cv2.cvtColor(there, back, dstCn=4), atol=atol)


def _all_byte_triples():
    img = np.empty((256, 256, 256, 3), np.uint8)
    levels = np.arange(256, dtype=np.uint8)
    img[..., 0], img[..., 1], img[..., 2] = levels[:, None, None], levels[None, :, None], levels
    return img.reshape(4096, 4096, 3)


def test_uint8_every_triple():
    # every one of the 2^24 byte triples: Lab both directions (sRGB and linear) and gray identical to cv2
    img = _all_byte_triples()
    for name in ("COLOR_Lab2BGR", "COLOR_Lab2LRGB", "COLOR_RGB2Lab", "COLOR_LBGR2Lab", "COLOR_BGR2GRAY"):
        code = getattr(cv2, name)
        assert getattr(mcv, name) == code
        ours, theirs = np.asarray(mcv.cvtColor(img, code)), cv2.cvtColor(img, code)
        if not np.array_equal(ours, theirs):
            bad = np.flatnonzero((ours != theirs).reshape(len(img) ** 2, -1).any(-1))
            raise AssertionError(f"{name}: {bad.size} differ, first at {img.reshape(-1, 3)[bad[0]]}")
    # HSV -> BGR and BGR -> HLS follow cv2 5's x86-64 (AVX2) code: its vector formulas (HSV truncated) and
    # the scalar ones for a row's last pixels; elsewhere cv2 may round differently, within 1
    for w in (4096, 31):
        part = img.reshape(-1, 3)[: (1 << 24) // w * w].reshape(-1, w, 3)
        for code in (cv2.COLOR_HSV2BGR, cv2.COLOR_BGR2HLS):
            ours, theirs = np.asarray(mcv.cvtColor(part, code)), cv2.cvtColor(part, code)
            if not np.array_equal(ours, theirs):
                assert platform.machine().lower() not in ("x86_64", "amd64"), f"code {code}, width {w}"
                assert np.abs(ours.astype(np.int16) - theirs).max() <= 1
    part = img[:256]
    for name in ("COLOR_Lab2RGB", "COLOR_Lab2LBGR"):
        code = getattr(cv2, name)
        close(mcv.cvtColor(part, code, dstCn=4), cv2.cvtColor(part, code, dstCn=4), atol=0)
    bgra = np.dstack([part, part[:, :, :1]])
    for name in ("COLOR_BGR2Lab", "COLOR_LRGB2Lab"):
        code = getattr(cv2, name)
        close(mcv.cvtColor(bgra, code), cv2.cvtColor(bgra, code), atol=0)


def test_four_channel_sources():
    bgr = PHOTOS["astronaut"]
    bgra = np.dstack([bgr, bgr[:, :, 1]])
    for name in ("COLOR_BGRA2GRAY", "COLOR_RGBA2GRAY", "COLOR_BGRA2BGR", "COLOR_BGRA2RGBA", "COLOR_RGBA2BGR",
                 "COLOR_BGR2GRAY", "COLOR_BGR2HSV", "COLOR_BGR2YCrCb", "COLOR_BGR2Lab"):
        code = getattr(cv2, name)
        close(mcv.cvtColor(bgra, code), cv2.cvtColor(bgra, code), atol=1)
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    close(mcv.cvtColor(gray, mcv.COLOR_GRAY2BGRA), cv2.cvtColor(gray, cv2.COLOR_GRAY2BGRA), atol=0)


# float32 follows cv2's ranges. sRGB->Lab follows cv2's 33^3 table interpolation exactly; linear RGB->Lab
# evaluates the formulas where cv2 interpolates a cube-root spline (~0.02 apart).
FLOAT_ATOL = {"COLOR_BGR2Lab": 0, "COLOR_RGB2Lab": 0, "COLOR_LBGR2Lab": 0.03, "COLOR_LRGB2Lab": 0.03,
              "COLOR_BGR2HSV": 1e-3, "COLOR_RGB2HSV": 1e-3, "COLOR_BGR2HSV_FULL": 1e-3, "COLOR_BGR2HLS": 1e-3, "COLOR_RGB2HLS": 1e-3, "COLOR_BGR2HLS_FULL": 1e-3}


@pytest.mark.parametrize("name", FORWARD)
def test_float32(name):
    code = getattr(cv2, name)
    img = PHOTOS["coffee"].astype(np.float32) / 255
    close(mcv.cvtColor(img, code), cv2.cvtColor(img, code), atol=FLOAT_ATOL.get(name, 1e-5))
    if name in INVERSE:
        there = cv2.cvtColor(img, code)
        back = getattr(cv2, INVERSE[name])
        close(mcv.cvtColor(there, back), cv2.cvtColor(there, back), atol=1e-3)


def test_float_lab_exact():
    # sRGB -> Lab in float: cv2's grid interpolation to the last bit, also on grid points, 8-bit levels and
    # values outside [0, 1] (clipped); Lab -> sRGB within 1e-4 (cv2 interpolates its gamma with a spline)
    rng = np.random.default_rng(7)
    img = rng.random((64, 96, 4), dtype=np.float32) * 1.4 - 0.2
    img[:16, :, :3] = rng.integers(0, 33, (16, 96, 3)) / 32
    img[16:32, :, :3] = rng.integers(0, 256, (16, 96, 3)) / 255
    for name in ("COLOR_BGR2Lab", "COLOR_RGB2Lab"):
        code = getattr(cv2, name)
        for x in (img, np.ascontiguousarray(img[:, :, :3])):
            close(mcv.cvtColor(x, code), cv2.cvtColor(x, code), atol=0)
    lab = cv2.cvtColor(np.ascontiguousarray(img[:, :, :3]), cv2.COLOR_BGR2Lab)
    lab[32:] = np.stack([rng.random((32, 96)) * 100, rng.random((32, 96)) * 254 - 127,
                         rng.random((32, 96)) * 254 - 127], -1)
    for name in ("COLOR_Lab2BGR", "COLOR_Lab2RGB"):
        code = getattr(cv2, name)
        close(mcv.cvtColor(lab, code), cv2.cvtColor(lab, code), atol=1e-4)


YUV420 = ["COLOR_YUV2BGR_NV12", "COLOR_YUV2RGB_NV12", "COLOR_YUV2BGR_NV21", "COLOR_YUV2RGB_NV21", "COLOR_YUV2BGRA_NV12",
          "COLOR_YUV2RGBA_NV21", "COLOR_YUV2BGR_I420", "COLOR_YUV2RGB_I420", "COLOR_YUV2BGR_YV12", "COLOR_YUV2RGB_YV12",
          "COLOR_YUV2BGRA_I420", "COLOR_YUV2RGBA_YV12", "COLOR_YUV2GRAY_420", "COLOR_YUV420sp2BGR", "COLOR_YUV420p2RGB"]


@pytest.mark.parametrize("name", YUV420)
def test_yuv420_frames(name):
    code = getattr(cv2, name)
    bgr = PHOTOS["chelsea"][:74, :96]
    frame = cv2.cvtColor(bgr, cv2.COLOR_BGR2YUV_I420)  # a real camera-like frame (h*3/2, w)
    close(mcv.cvtColor(frame, code), cv2.cvtColor(frame, code), atol=1)
    noise = np.random.default_rng(code).integers(0, 256, (30, 22), dtype=np.uint8)
    close(mcv.cvtColor(noise, code), cv2.cvtColor(noise, code), atol=1)


@given(h=st.integers(1, 5), w=st.integers(1, 99), dcn=st.sampled_from([3, 4]), seed=st.integers(0, 2**31))
def test_hsv_hls_any_width(h, w, dcn, seed):
    # which pixels of a row take cv2's vector or scalar formula depends on the width (see above)
    img = np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)
    exact = platform.machine().lower() in ("x86_64", "amd64")
    for name in ("COLOR_HSV2BGR", "COLOR_HSV2RGB", "COLOR_HSV2BGR_FULL", "COLOR_BGR2HLS", "COLOR_RGB2HLS"):
        code, kw = getattr(cv2, name), ({"dstCn": dcn} if name.startswith("COLOR_HSV") else {})
        close(mcv.cvtColor(img, code, **kw), cv2.cvtColor(img, code, **kw), atol=0 if exact and "FULL" not in name else 1)


@given(h=st.integers(1, 19), w=st.integers(1, 19), cn=st.sampled_from([3, 4]), seed=st.integers(0, 2**31),
       name=st.sampled_from(["COLOR_BGR2GRAY", "COLOR_BGR2HSV", "COLOR_BGR2HLS", "COLOR_BGR2YCrCb", "COLOR_RGB2YUV",
                             "COLOR_BGR2Lab", "COLOR_BGR2RGB"]))
def test_random_sizes(h, w, cn, seed, name):
    code = getattr(cv2, name)
    img = np.random.default_rng(seed).integers(0, 256, (h, w, cn), dtype=np.uint8)
    if name == "COLOR_BGR2RGB":
        img = img[:, :, :3].copy()
    close(mcv.cvtColor(img, code), cv2.cvtColor(img, code), atol=1)
    f = img.astype(np.float32) / 255
    close(mcv.cvtColor(f, code), cv2.cvtColor(f, code), atol=FLOAT_ATOL.get(name, 1e-4))


def test_vars_in_vars_out():
    img = PHOTOS["odd"]
    v = mnp.asarray(img)
    gray = mcv.cvtColor(v, mcv.COLOR_BGR2GRAY)
    assert isinstance(gray, mnnx.Var)
    close(gray, cv2.cvtColor(img, cv2.COLOR_BGR2GRAY), atol=1)
    rgb = mcv.cvtColor(v, mcv.COLOR_BGR2RGB)  # a lazy reversed slice
    assert isinstance(rgb, mnnx.Var)
    close(rgb, cv2.cvtColor(img, cv2.COLOR_BGR2RGB), atol=0)
    assert isinstance(mcv.cvtColor(img, mcv.COLOR_BGR2RGB), np.ndarray)


def test_dst_argument_receives_the_result():
    img = PHOTOS["odd"]
    dst = np.zeros(img.shape[:2], np.uint8)
    out = mcv.cvtColor(img, mcv.COLOR_BGR2GRAY, dst)
    assert out is dst
    close(dst, cv2.cvtColor(img, cv2.COLOR_BGR2GRAY), atol=1)


def test_errors():
    gray = PHOTOS["odd"][:, :, 0].copy()
    with pytest.raises(mcv.error, match="channel"):
        mcv.cvtColor(gray, mcv.COLOR_BGR2GRAY)
    with pytest.raises(mcv.error, match="channel"):
        mcv.cvtColor(PHOTOS["odd"], mcv.COLOR_GRAY2BGR)
    with pytest.raises(mcv.error, match="code"):
        mcv.cvtColor(PHOTOS["odd"], 9999)
    with pytest.raises(mcv.error, match="dtype"):
        mcv.cvtColor(PHOTOS["odd"].astype(np.float64), mcv.COLOR_BGR2GRAY)
    with pytest.raises(mcv.error, match="empty"):
        mcv.cvtColor(np.zeros((0, 4, 3), np.uint8), mcv.COLOR_BGR2GRAY)
    with pytest.raises(mcv.error, match="None"):
        mcv.cvtColor(None, mcv.COLOR_BGR2GRAY)
    with pytest.raises(mcv.error, match="4:2:0"):
        mcv.cvtColor(np.zeros((31, 22), np.uint8), mcv.COLOR_YUV2BGR_NV12)
    with pytest.raises(mcv.error, match="dtype"):
        mcv.cvtColor(np.zeros((30, 22), np.float32), mcv.COLOR_YUV2BGR_NV12)
    assert issubclass(mcv.error, Exception)


def test_channel_shuffles_with_dst_cn():
    """cv2 treats codes 0-5 as one conversion: 3 or 4 channels in, dstCn out, alpha kept or 255."""
    img3 = PHOTOS["odd"]
    img4 = np.dstack([img3, img3[:, :, 0]])
    for code in range(6):
        for img in (img3, img4, img4.astype(np.float32) / 255):
            for dcn in (0, 3, 4):
                close(mcv.cvtColor(img, code, dstCn=dcn), cv2.cvtColor(img, code, dstCn=dcn), atol=0)
    with pytest.raises(mcv.error, match="channels"):
        mcv.cvtColor(img3, mcv.COLOR_BGR2RGB, dstCn=2)
