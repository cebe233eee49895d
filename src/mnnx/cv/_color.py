"""cvtColor with cv2's COLOR_* codes. Each code maps to one native kernel kind plus its channel counts,
the position of blue, and a parameter (hue range, YUV flavour, YUV 4:2:0 layout)."""
import numpy as np

from .. import _C
from .._tensor import Var
from ._core import channels, error, image_in, image_out, new_image

# kernel kinds (cv/color.h)
_SHUFFLE, _TO_GRAY, _FROM_GRAY, _TO_YCC, _FROM_YCC, _TO_HSV, _FROM_HSV, _TO_HLS, _FROM_HLS, _TO_LAB, _FROM_LAB, \
    _FROM_YUV420 = range(12)

# code: (name, kind, accepted source channels, destination channels, blue index, param, shuffle order)
# (blue index 2 on a shuffle: swap R and B)
_CODES = {
    # codes 0-5 are one conversion in cv2: 3 or 4 channels in, dstCn (default per code) out, R and B
    # swapped for codes 2-5, alpha copied when the source has one and 255 (1.0) otherwise
    0: ("BGR2BGRA", _SHUFFLE, (3, 4), 4, 0, 0, ()),
    1: ("BGRA2BGR", _SHUFFLE, (3, 4), 3, 0, 0, ()),
    2: ("BGR2RGBA", _SHUFFLE, (3, 4), 4, 2, 0, ()),
    3: ("RGBA2BGR", _SHUFFLE, (3, 4), 3, 2, 0, ()),
    4: ("BGR2RGB", _SHUFFLE, (3, 4), 3, 2, 0, ()),
    5: ("BGRA2RGBA", _SHUFFLE, (3, 4), 4, 2, 0, ()),
    6: ("BGR2GRAY", _TO_GRAY, (3, 4), 1, 0, 0, ()),
    7: ("RGB2GRAY", _TO_GRAY, (3, 4), 1, 2, 0, ()),
    8: ("GRAY2BGR", _FROM_GRAY, (1,), 3, 0, 0, ()),
    9: ("GRAY2BGRA", _FROM_GRAY, (1,), 4, 0, 0, ()),
    10: ("BGRA2GRAY", _TO_GRAY, (4,), 1, 0, 0, ()),
    11: ("RGBA2GRAY", _TO_GRAY, (4,), 1, 2, 0, ()),
    36: ("BGR2YCrCb", _TO_YCC, (3, 4), 3, 0, 0, ()),
    37: ("RGB2YCrCb", _TO_YCC, (3, 4), 3, 2, 0, ()),
    38: ("YCrCb2BGR", _FROM_YCC, (3,), 3, 0, 0, ()),
    39: ("YCrCb2RGB", _FROM_YCC, (3,), 3, 2, 0, ()),
    82: ("BGR2YUV", _TO_YCC, (3, 4), 3, 0, 1, ()),
    83: ("RGB2YUV", _TO_YCC, (3, 4), 3, 2, 1, ()),
    84: ("YUV2BGR", _FROM_YCC, (3,), 3, 0, 1, ()),
    85: ("YUV2RGB", _FROM_YCC, (3,), 3, 2, 1, ()),
    40: ("BGR2HSV", _TO_HSV, (3, 4), 3, 0, 180, ()),
    41: ("RGB2HSV", _TO_HSV, (3, 4), 3, 2, 180, ()),
    66: ("BGR2HSV_FULL", _TO_HSV, (3, 4), 3, 0, 256, ()),
    67: ("RGB2HSV_FULL", _TO_HSV, (3, 4), 3, 2, 256, ()),
    54: ("HSV2BGR", _FROM_HSV, (3,), 3, 0, 180, ()),
    55: ("HSV2RGB", _FROM_HSV, (3,), 3, 2, 180, ()),
    70: ("HSV2BGR_FULL", _FROM_HSV, (3,), 3, 0, 255, ()),
    71: ("HSV2RGB_FULL", _FROM_HSV, (3,), 3, 2, 255, ()),
    52: ("BGR2HLS", _TO_HLS, (3, 4), 3, 0, 180, ()),
    53: ("RGB2HLS", _TO_HLS, (3, 4), 3, 2, 180, ()),
    68: ("BGR2HLS_FULL", _TO_HLS, (3, 4), 3, 0, 255, ()),  # cv2 5 scales this hue by 255/360
    69: ("RGB2HLS_FULL", _TO_HLS, (3, 4), 3, 2, 255, ()),
    60: ("HLS2BGR", _FROM_HLS, (3,), 3, 0, 180, ()),
    61: ("HLS2RGB", _FROM_HLS, (3,), 3, 2, 180, ()),
    72: ("HLS2BGR_FULL", _FROM_HLS, (3,), 3, 0, 255, ()),
    73: ("HLS2RGB_FULL", _FROM_HLS, (3,), 3, 2, 255, ()),
    44: ("BGR2Lab", _TO_LAB, (3, 4), 3, 0, 0, ()),
    45: ("RGB2Lab", _TO_LAB, (3, 4), 3, 2, 0, ()),
    56: ("Lab2BGR", _FROM_LAB, (3,), 3, 0, 0, ()),
    57: ("Lab2RGB", _FROM_LAB, (3,), 3, 2, 0, ()),
    74: ("LBGR2Lab", _TO_LAB, (3, 4), 3, 0, 1, ()),  # linear RGB: no sRGB gamma
    75: ("LRGB2Lab", _TO_LAB, (3, 4), 3, 2, 1, ()),
    78: ("Lab2LBGR", _FROM_LAB, (3,), 3, 0, 1, ()),
    79: ("Lab2LRGB", _FROM_LAB, (3,), 3, 2, 1, ()),
}
# YUV 4:2:0 camera frames, (h*3/2, w) uint8: layouts NV12 0, NV21 1, I420 2, YV12 3.
for _code, _name, _dcn, _bidx, _layout in [
        (90, "YUV2RGB_NV12", 3, 2, 0), (91, "YUV2BGR_NV12", 3, 0, 0), (92, "YUV2RGB_NV21", 3, 2, 1),
        (93, "YUV2BGR_NV21", 3, 0, 1), (94, "YUV2RGBA_NV12", 4, 2, 0), (95, "YUV2BGRA_NV12", 4, 0, 0),
        (96, "YUV2RGBA_NV21", 4, 2, 1), (97, "YUV2BGRA_NV21", 4, 0, 1), (98, "YUV2RGB_YV12", 3, 2, 3),
        (99, "YUV2BGR_YV12", 3, 0, 3), (100, "YUV2RGB_I420", 3, 2, 2), (101, "YUV2BGR_I420", 3, 0, 2),
        (102, "YUV2RGBA_YV12", 4, 2, 3), (103, "YUV2BGRA_YV12", 4, 0, 3), (104, "YUV2RGBA_I420", 4, 2, 2),
        (105, "YUV2BGRA_I420", 4, 0, 2)]:
    _CODES[_code] = (_name, _FROM_YUV420, (1,), _dcn, _bidx, _layout, ())
_YUV2GRAY_420 = 106

# Every spelling cv2 offers for the codes above.
_ALIASES = {
    "RGB2RGBA": 0, "RGBA2RGB": 1, "RGB2BGRA": 2, "BGRA2RGB": 3, "RGB2BGR": 4, "RGBA2BGRA": 5,
    "GRAY2RGB": 8, "GRAY2RGBA": 9, "BGR2YCR_CB": 36, "RGB2YCR_CB": 37, "YCR_CB2BGR": 38, "YCR_CB2RGB": 39,
    "BGR2LAB": 44, "RGB2LAB": 45, "LAB2BGR": 56, "LAB2RGB": 57,
    "LBGR2LAB": 74, "LRGB2LAB": 75, "LAB2LBGR": 78, "LAB2LRGB": 79,
    "YUV420sp2RGB": 92, "YUV420sp2BGR": 93, "YUV420sp2RGBA": 96, "YUV420sp2BGRA": 97,
    "YUV420p2RGB": 98, "YUV420p2BGR": 99, "YUV420p2RGBA": 102, "YUV420p2BGRA": 103,
    "YUV2RGB_IYUV": 100, "YUV2BGR_IYUV": 101, "YUV2RGBA_IYUV": 104, "YUV2BGRA_IYUV": 105,
    "YUV2GRAY_420": 106, "YUV2GRAY_NV21": 106, "YUV2GRAY_NV12": 106, "YUV2GRAY_YV12": 106,
    "YUV2GRAY_IYUV": 106, "YUV2GRAY_I420": 106, "YUV420sp2GRAY": 106, "YUV420p2GRAY": 106,
}
COLOR_CODES = {"COLOR_" + spec[0]: code for code, spec in _CODES.items()}
COLOR_CODES.update({"COLOR_" + name: code for name, code in _ALIASES.items()})
globals().update(COLOR_CODES)
__all__ = ["cvtColor"] + sorted(COLOR_CODES)

_VARIABLE_DCN = (_SHUFFLE, _FROM_GRAY, _FROM_YCC, _FROM_HSV, _FROM_HLS, _FROM_LAB, _FROM_YUV420)


def cvtColor(src, code, dst=None, dstCn=0):  # noqa: N802 (cv2's name)
    """cv2.cvtColor for BGR/RGB(A), GRAY, YCrCb, YUV, HSV(_FULL), HLS(_FULL), Lab and YUV 4:2:0 frames.

    uint8 results are cv2 5's bit for bit, except the _FULL hue conversions (within 1); float32 images use
    cv2's float ranges (hue in degrees, S/V/L in [0, 1], Lab L in [0, 100]). On an mnnx array, BGR<->RGB is
    a lazy reversed slice that fuses with what follows; the other conversions run natively and return a
    realized array."""
    code = int(code)
    if code == _YUV2GRAY_420:
        a, was_var = image_in(src, "cvtColor", depths=(np.uint8,), max_cn=1)
        if a.shape[0] % 3 or a.shape[1] % 2:
            raise error(f"cvtColor: a YUV 4:2:0 frame must have a height divisible by 3 and an even width, got {a.shape}")
        return image_out(np.ascontiguousarray(a[: a.shape[0] * 2 // 3]), was_var)
    spec = _CODES.get(code)
    if spec is None:
        raise error(f"cvtColor: unknown or unsupported color conversion code {code}")
    name, kind, scns, dcn, bidx, param, order = spec
    if dstCn:
        if not (dstCn in (3, 4) if kind in _VARIABLE_DCN else dstCn == dcn):
            raise error(f"cvtColor: COLOR_{name} cannot produce {dstCn} channels")
        dcn = dstCn
    if isinstance(src, Var) and code == 4 and dcn == 3 and src.ndim == 3 and src.shape[2] == 3:
        if src.dtype not in (np.uint8, np.float32):
            raise error(f"cvtColor: unsupported image dtype {np.dtype(src.dtype).name}")
        return src[:, :, ::-1]
    depths = (np.uint8,) if kind == _FROM_YUV420 else (np.uint8, np.float32)
    a, was_var = image_in(src, "cvtColor", depths=depths, max_cn=4)
    cn = channels(a)
    if cn not in scns:
        want = " or ".join(str(s) for s in scns)
        raise error(f"cvtColor: COLOR_{name} needs an image with {want} channel(s), got {cn} (shape {a.shape})")
    h, w = a.shape[:2]
    if kind == _FROM_YUV420:
        if h % 3 or w % 2:
            raise error(f"cvtColor: a YUV 4:2:0 frame must have a height divisible by 3 and an even width, got {a.shape}")
        h = h * 2 // 3
    if kind == _SHUFFLE:
        order = ((2, 1, 0) if bidx == 2 else (0, 1, 2)) + ((3 if cn == 4 else -1,) if dcn == 4 else ())
    out = new_image(h, w, dcn, a.dtype)
    _C.cv_cvt_color(a, out, kind, bidx, param, list(order))
    return image_out(out, was_var, dst)
