"""mnnx.cv image I/O against cv2: decoding files cv2 wrote, cv2 decoding what mnnx wrote, flags, failures."""
import os

import numpy as np
import pytest

import mnnx.cv as mcv
import mnnx.numpy as mnp

cv2 = pytest.importorskip("cv2")
skdata = pytest.importorskip("skimage.data")
pytest.importorskip("PIL")

BGR = np.ascontiguousarray(skdata.astronaut()[::2, ::2, ::-1])
FORMATS = [".png", ".jpg", ".bmp", ".webp"]


def close(ours, theirs, atol=0):
    assert ours is not None and ours.dtype == theirs.dtype and ours.shape == theirs.shape, (
        None if ours is None else (ours.dtype, ours.shape), theirs.dtype, theirs.shape)
    assert np.abs(ours.astype(np.int64) - theirs).max() <= atol


@pytest.mark.parametrize("ext", FORMATS)
@pytest.mark.parametrize("flags", [mcv.IMREAD_UNCHANGED, mcv.IMREAD_GRAYSCALE, mcv.IMREAD_COLOR, mcv.IMREAD_COLOR_RGB])
def test_read_what_cv2_wrote(tmp_path, ext, flags):
    path = str(tmp_path / ("a" + ext))
    assert cv2.imwrite(path, BGR)
    # gray decoding of color files: each codec's own luma rounding, within 1
    close(mcv.imread(path, flags), cv2.imread(path, flags), atol=1 if flags == mcv.IMREAD_GRAYSCALE else 0)
    with open(path, "rb") as f:
        buf = np.frombuffer(f.read(), np.uint8)
    close(mcv.imdecode(buf, flags), cv2.imdecode(buf, flags), atol=1 if flags == mcv.IMREAD_GRAYSCALE else 0)


@pytest.mark.parametrize("ext", FORMATS)
def test_cv2_reads_what_mnnx_wrote(tmp_path, ext):
    path = str(tmp_path / ("b" + ext))
    assert mcv.imwrite(path, BGR) is True
    back = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    lossy = ext == ".jpg"
    assert back.shape == BGR.shape
    if lossy:  # same codec settings as cv2 (quality 95, 4:2:0): the same bytes' worth of error
        ok, theirs = cv2.imencode(ext, BGR)
        assert np.abs(cv2.imdecode(theirs, -1).astype(int) - back).max() <= 1
    else:
        close(back, BGR)
    ok, buf = mcv.imencode(ext, mnp.asarray(BGR))
    assert ok and buf.dtype == np.uint8 and buf.ndim == 1
    if not lossy:
        close(cv2.imdecode(buf, cv2.IMREAD_UNCHANGED), BGR)


def test_params_alpha_gray_and_16_bit(tmp_path):
    ok, small = mcv.imencode(".jpg", BGR, [mcv.IMWRITE_JPEG_QUALITY, 30])
    ok, big = mcv.imencode(".jpg", BGR, [mcv.IMWRITE_JPEG_QUALITY, 100])
    assert len(small) < len(big)
    bgra = np.dstack([BGR, BGR[:, :, 0]])
    ok, buf = mcv.imencode(".png", bgra)
    close(cv2.imdecode(buf, cv2.IMREAD_UNCHANGED), bgra)
    ok, buf = cv2.imencode(".png", bgra)
    for flags in (mcv.IMREAD_UNCHANGED, mcv.IMREAD_COLOR, mcv.IMREAD_GRAYSCALE):
        close(mcv.imdecode(buf, flags), cv2.imdecode(buf, flags), atol=1)
    gray16 = (np.arange(60 * 70).reshape(60, 70) * 13).astype(np.uint16)
    ok, buf = cv2.imencode(".png", gray16)
    for flags in (mcv.IMREAD_UNCHANGED, mcv.IMREAD_GRAYSCALE, mcv.IMREAD_COLOR, mcv.IMREAD_ANYDEPTH):
        close(mcv.imdecode(buf, flags), cv2.imdecode(buf, flags))
    ok, buf = mcv.imencode(".png", gray16)
    close(cv2.imdecode(buf, cv2.IMREAD_UNCHANGED), gray16)
    gray = BGR[:, :, 1].copy()
    path = str(tmp_path / "g.bmp")
    assert mcv.imwrite(path, gray)
    close(cv2.imread(path, cv2.IMREAD_UNCHANGED), gray)


def test_failures(tmp_path):
    assert mcv.imread(str(tmp_path / "missing.png")) is None
    assert cv2.imread(str(tmp_path / "missing.png")) is None
    garbage = np.frombuffer(b"not an image at all" * 10, np.uint8)
    assert mcv.imdecode(garbage, 1) is None and cv2.imdecode(garbage, 1) is None
    ok, jpg = cv2.imencode(".jpg", BGR)
    truncated = jpg[: len(jpg) // 2]
    assert (mcv.imdecode(truncated, 1) is None) == (cv2.imdecode(truncated, 1) is None)
    bad = str(tmp_path / "bad.png")
    with open(bad, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n garbage")
    assert mcv.imread(bad) is None
    with pytest.raises(mcv.error, match="empty"):
        mcv.imdecode(np.zeros(0, np.uint8), 1)
    with pytest.raises(mcv.error, match="writer"):
        mcv.imwrite(str(tmp_path / "x.foo"), BGR)
    with pytest.raises(mcv.error, match="writer"):
        mcv.imencode(".foo", BGR)
    with pytest.raises(mcv.error, match="uint8"):
        mcv.imwrite(str(tmp_path / "x.jpg"), BGR.astype(np.float32))
    assert mcv.imwrite(os.path.join(str(tmp_path), "no", "such", "dir.png"), BGR) is False
