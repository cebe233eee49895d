"""imread/imwrite/imdecode/imencode with cv2's conventions (BGR order, IMREAD_* flags, None for an
unreadable file or undecodable buffer), using Pillow for the codecs: JPEG, PNG, BMP, WebP."""
import io
import os

import numpy as np

from .._tensor import Var
from ._core import (IMREAD_ANYCOLOR, IMREAD_ANYDEPTH, IMREAD_COLOR_RGB, IMREAD_GRAYSCALE, IMREAD_IGNORE_ORIENTATION,
                    IMREAD_UNCHANGED, IMWRITE_JPEG_QUALITY, IMWRITE_PNG_COMPRESSION, IMWRITE_WEBP_QUALITY, error)

__all__ = ["imread", "imwrite", "imdecode", "imencode"]

_KNOWN_READ_FLAGS = IMREAD_ANYDEPTH | IMREAD_ANYCOLOR | IMREAD_IGNORE_ORIENTATION | IMREAD_COLOR_RGB | 1
_FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".jpe": "JPEG", ".png": "PNG", ".bmp": "BMP", ".dib": "BMP",
            ".webp": "WEBP"}


def _pil():
    try:
        from PIL import Image, ImageOps
    except ImportError as e:  # pragma: no cover - Pillow is a dependency of mnnx.cv's I/O
        raise ImportError("mnnx.cv image I/O needs Pillow (pip install pillow)") from e
    return Image, ImageOps


def imread(filename, flags=1):
    """The image at filename (BGR uint8 by default), or None when it cannot be read or decoded."""
    try:
        with open(os.fspath(filename), "rb") as f:
            data = f.read()
    except (OSError, TypeError, ValueError):
        return None
    return _decode(data, int(flags))


def imdecode(buf, flags):
    """The image encoded in a uint8 buffer, or None when it cannot be decoded."""
    a = np.asarray(buf)
    if a.size == 0:
        raise error("imdecode: the buffer is empty")
    if a.dtype != np.uint8:
        raise error(f"imdecode: the buffer must be uint8, got {a.dtype}")
    return _decode(np.ascontiguousarray(a).tobytes(), int(flags))


def _decode(data, flags):
    if flags != IMREAD_UNCHANGED and flags & ~_KNOWN_READ_FLAGS:
        raise error(f"imread: unsupported flags {flags} (reduced-size decoding is not available)")
    Image, ImageOps = _pil()
    gray = flags != IMREAD_UNCHANGED and not flags & (1 | IMREAD_ANYCOLOR | IMREAD_COLOR_RGB)
    try:
        im = Image.open(io.BytesIO(data))
        if gray and im.format == "JPEG":
            im.draft("L", im.size)  # libjpeg decodes luma only, as cv2's JPEG reader does
        im.load()
    except Exception:  # noqa: BLE001 - any decoder failure means "not an image", as in cv2
        return None
    if flags != IMREAD_UNCHANGED and not flags & IMREAD_IGNORE_ORIENTATION:
        im = ImageOps.exif_transpose(im)
    return _to_array(im, flags, gray)


def _to_array(im, flags, gray):
    keep_depth = flags == IMREAD_UNCHANGED or flags & IMREAD_ANYDEPTH
    mode = im.mode
    if mode in ("I;16", "I;16B", "I;16L", "I"):
        a = np.asarray(im).astype(np.uint16) if mode != "I" else np.asarray(im).clip(0, 65535).astype(np.uint16)
        if not keep_depth:
            a = (a >> 8).astype(np.uint8)
        is_gray, alpha = True, False
    else:
        if mode == "P":
            im = im.convert("RGBA" if "transparency" in im.info else "RGB")
        elif mode == "1":
            im = im.convert("L")
        elif mode not in ("L", "LA", "RGB", "RGBA"):
            im = im.convert("RGBA" if "A" in mode else "RGB")
        a = np.asarray(im)
        is_gray, alpha = im.mode in ("L", "LA"), im.mode in ("LA", "RGBA")
    if is_gray and a.ndim == 3:  # LA
        a = a[:, :, 0] if flags != IMREAD_UNCHANGED else np.dstack([a[:, :, 0]] * 3 + [a[:, :, 1]])
        is_gray = flags != IMREAD_UNCHANGED
    if gray or (is_gray and flags != IMREAD_UNCHANGED and flags & IMREAD_ANYCOLOR and not flags & 1):
        return np.ascontiguousarray(a) if is_gray else _gray(a[:, :, :3], png=im.format == "PNG")
    if is_gray:
        return np.ascontiguousarray(a) if flags == IMREAD_UNCHANGED else np.ascontiguousarray(np.dstack([a] * 3))
    rgb_out = flags != IMREAD_UNCHANGED and flags & IMREAD_COLOR_RGB
    if alpha and flags != IMREAD_UNCHANGED:
        a = a[:, :, :3]
    if not rgb_out:
        a = a[:, :, [2, 1, 0, 3][:a.shape[2]]]
    return np.ascontiguousarray(a)


def _gray(rgb, png):
    if png:  # cv2's PNG reader truncates 16-bit-weighted luma instead of rounding
        i = rgb.astype(np.uint32)
        return ((i[:, :, 0] * 19595 + i[:, :, 1] * 38470 + i[:, :, 2] * 7471) >> 16).astype(np.uint8)
    from ._color import cvtColor
    return cvtColor(np.ascontiguousarray(rgb), 7)  # COLOR_RGB2GRAY


def _params(params, fn):
    p = [] if params is None else [int(v) for v in np.asarray(params).ravel()]
    if len(p) % 2:
        raise error(f"{fn}: params must be (flag, value) pairs")
    return dict(zip(p[::2], p[1::2]))


def imencode(ext, img, params=None):
    """(True, uint8 buffer) holding img encoded in the format named by ext ('.jpg', '.png', ...)."""
    return True, np.frombuffer(_encode(str(ext), img, params, "imencode"), dtype=np.uint8)


def imwrite(filename, img, params=None):
    """Writes img in the format its extension names; True on success, False if the file cannot be written."""
    data = _encode(os.path.splitext(os.fspath(filename))[1], img, params, "imwrite")
    try:
        with open(os.fspath(filename), "wb") as f:
            f.write(data)
    except OSError:
        return False
    return True


def _encode(ext, img, params, fn):
    fmt = _FORMATS.get(ext.lower() if ext.startswith(".") else "." + ext.lower())
    if fmt is None:
        raise error(f"{fn}: could not find a writer for the extension {ext!r} (supported: JPEG, PNG, BMP, WebP)")
    a = np.asarray(img) if isinstance(img, Var) else img
    if not isinstance(a, np.ndarray) or a.size == 0 or a.ndim not in (2, 3):
        raise error(f"{fn}: img must be a non-empty 2-D or 3-D image")
    cn = 1 if a.ndim == 2 else a.shape[2]
    if cn not in (1, 3, 4):
        raise error(f"{fn}: images with {cn} channels cannot be written")
    png16 = a.dtype == np.uint16 and fmt == "PNG" and cn == 1
    if a.dtype != np.uint8 and not png16:
        raise error(f"{fn}: {fmt} images must be uint8 (16-bit only for single-channel PNG), got {a.dtype}")
    if cn == 1 and a.ndim == 3:
        a = a[:, :, 0]
    if cn == 4 and fmt == "JPEG":
        a = a[:, :, :3]
        cn = 3
    if cn >= 3:
        a = a[:, :, [2, 1, 0, 3][:cn]]  # BGR(A) -> RGB(A)
    Image, _ = _pil()
    p = _params(params, fn)
    im = Image.fromarray(np.ascontiguousarray(a))
    out = io.BytesIO()
    if fmt == "JPEG":
        im.save(out, "JPEG", quality=int(np.clip(p.get(IMWRITE_JPEG_QUALITY, 95), 0, 100)), subsampling=2)
    elif fmt == "PNG":
        im.save(out, "PNG", compress_level=int(np.clip(p.get(IMWRITE_PNG_COMPRESSION, 1), 0, 9)))
    elif fmt == "WEBP":
        q = p.get(IMWRITE_WEBP_QUALITY, 101)
        if q > 100:
            im.save(out, "WEBP", lossless=True)
        else:
            im.save(out, "WEBP", quality=max(1, q))
    else:
        im.save(out, "BMP")
    return out.getvalue()
