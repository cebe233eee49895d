"""Geometric transforms with cv2's names, signatures and pixel conventions. Sampling runs natively;
flip/rotate/transpose are pure data movement (lazy views on mnnx arrays)."""
import math

import numpy as np

from .. import _C
from .._tensor import Var
from ._core import (BORDER_CONSTANT, BORDER_DEFAULT, BORDER_REFLECT_101, BORDER_TRANSPARENT, INTER_AREA,
                    INTER_CUBIC, INTER_LINEAR, INTER_NEAREST, WARP_INVERSE_MAP, as_size, channels, check_border,
                    error, image_in, image_out, new_image, scalar4)

__all__ = ["resize", "warpAffine", "warpPerspective", "remap", "getRotationMatrix2D", "getAffineTransform",
           "getPerspectiveTransform", "invertAffineTransform", "flip", "transpose", "rotate", "copyMakeBorder",
           "pyrDown", "pyrUp"]

_INTER_NAMES = {INTER_NEAREST: "INTER_NEAREST", INTER_LINEAR: "INTER_LINEAR", INTER_CUBIC: "INTER_CUBIC",
                INTER_AREA: "INTER_AREA"}


def _interp(flag, fn, allow_area=True):
    interp = int(flag) & 7
    if interp not in _INTER_NAMES or (interp == INTER_AREA and not allow_area):
        raise error(f"{fn}: unsupported interpolation {flag} (mnnx.cv supports INTER_NEAREST, INTER_LINEAR, "
                    f"INTER_CUBIC{', INTER_AREA' if allow_area else ''})")
    return interp


def resize(src, dsize, dst=None, fx=0, fy=0, interpolation=INTER_LINEAR):
    """cv2.resize. dsize is (width, height); when it is None or (0, 0), fx and fy scale the source."""
    a, was_var = image_in(src, "resize", max_cn=512)
    h, w = a.shape[:2]
    dw, dh = (0, 0) if dsize is None else as_size(dsize, "resize")
    if dw < 0 or dh < 0:
        raise error(f"resize: dsize must not be negative, got {(dw, dh)}")
    if dw * dh == 0:
        if not (fx > 0 and fy > 0):
            raise error("resize: dsize is empty, so fx and fy must both be positive")
        inv_x, inv_y = float(fx), float(fy)
        dw, dh = round(w * inv_x), round(h * inv_y)  # cv2's saturate_cast rounds half to even, as round() does
        if dw <= 0 or dh <= 0:
            raise error(f"resize: the destination size {(dw, dh)} is empty")
    else:
        inv_x, inv_y = dw / w, dh / h
    interp = _interp(interpolation, "resize")
    out = new_image(dh, dw, channels(a), a.dtype)
    _C.cv_resize(a, out, inv_x, inv_y, interp)
    return image_out(out, was_var, dst)


def _warp_args(src, M, dsize, flags, borderMode, fn, shape):
    a, was_var = image_in(src, fn)
    m = np.asarray(np.asarray(M) if isinstance(M, Var) else M, dtype=np.float64)
    if m.shape != shape:
        raise error(f"{fn}: the transformation matrix must have shape {shape}, got {m.shape}")
    w, h = as_size(dsize, fn)
    if w < 0 or h < 0:
        raise error(f"{fn}: dsize must not be negative, got {(w, h)}")
    if w * h == 0:  # cv2: an empty dsize means the source size
        h, w = a.shape[:2]
    return a, was_var, m, (w, h), _interp(flags, fn), check_border(borderMode, fn)


def warpAffine(src, M, dsize, dst=None, flags=INTER_LINEAR, borderMode=BORDER_CONSTANT, borderValue=0):  # noqa: N802
    """cv2.warpAffine: dst(x, y) = src(M @ (x, y, 1)) with M inverted first unless WARP_INVERSE_MAP."""
    a, was_var, m, (w, h), interp, border = _warp_args(src, M, dsize, flags, borderMode, "warpAffine", (2, 3))
    if not flags & WARP_INVERSE_MAP:
        m = invertAffineTransform(m)
    out = _border_canvas(dst, h, w, a, border)
    _C.cv_warp_affine(a, out, m.ravel().tolist(), interp, border, scalar4(borderValue, "warpAffine"))
    return image_out(out, was_var, dst)


def warpPerspective(src, M, dsize, dst=None, flags=INTER_LINEAR, borderMode=BORDER_CONSTANT,  # noqa: N802
                    borderValue=0):
    """cv2.warpPerspective: dst(x, y) = src of the projective map M (inverted unless WARP_INVERSE_MAP)."""
    a, was_var, m, (w, h), interp, border = _warp_args(src, M, dsize, flags, borderMode, "warpPerspective", (3, 3))
    if not flags & WARP_INVERSE_MAP:
        m = np.linalg.inv(m) if np.linalg.det(m) != 0 else np.zeros((3, 3))  # cv2: a singular M gives zeros
    out = _border_canvas(dst, h, w, a, border)
    _C.cv_warp_perspective(a, out, m.ravel().tolist(), interp, border, scalar4(borderValue, "warpPerspective"))
    return image_out(out, was_var, dst)


def remap(src, map1, map2, interpolation, dst=None, borderMode=BORDER_CONSTANT, borderValue=0):
    """cv2.remap with float32 maps: map1 (h, w, 2) of (x, y) with map2 None, or map1 = x and map2 = y
    (h, w). An int16 (h, w, 2) map of whole-pixel coordinates is accepted too."""
    a, was_var = image_in(src, "remap")
    m1 = np.asarray(map1)
    m2 = None if map2 is None or (isinstance(map2, np.ndarray) and map2.size == 0) else np.asarray(map2)
    if m2 is None and m1.ndim == 3 and m1.shape[2] == 2 and m1.dtype in (np.float32, np.int16):
        xy = np.ascontiguousarray(m1, dtype=np.float32)
    elif m2 is not None and m1.dtype == np.float32 and m2.dtype == np.float32 and m1.ndim == 2 and m1.shape == m2.shape:
        xy = np.stack((m1, m2), axis=-1)
    else:
        raise error("remap: maps must be one float32 (h, w, 2) map, or float32 x and y maps of one (h, w) shape "
                    "(fixed-point maps from convertMaps are not supported)")
    if xy.shape[0] == 0 or xy.shape[1] == 0:
        raise error("remap: the maps are empty")
    border = check_border(borderMode, "remap")
    interp = _interp(interpolation, "remap")
    interp = INTER_LINEAR if interp == INTER_AREA else interp
    out = _border_canvas(dst, xy.shape[0], xy.shape[1], a, border)
    _C.cv_remap(a, out, xy, interp, border, scalar4(borderValue, "remap"))
    return image_out(out, was_var, dst)


def _border_canvas(dst, h, w, a, border):
    """BORDER_TRANSPARENT leaves destination pixels as they were: start from dst when one is given."""
    out = new_image(h, w, channels(a), a.dtype)
    if border == BORDER_TRANSPARENT:
        if isinstance(dst, np.ndarray) and dst.size == out.size and dst.dtype == out.dtype:
            out[...] = dst.reshape(out.shape)
        else:
            out[...] = 0
    return out


def getRotationMatrix2D(center, angle, scale):  # noqa: N802
    """The 2x3 float64 matrix rotating by angle degrees (counter-clockwise) about center, then scaling."""
    cx, cy = (float(v) for v in center)
    t = math.radians(float(angle))
    alpha, beta = math.cos(t) * scale, math.sin(t) * scale
    return np.array([[alpha, beta, (1 - alpha) * cx - beta * cy],
                     [-beta, alpha, beta * cx + (1 - alpha) * cy]], dtype=np.float64)


def _points(p, n, fn):
    a = np.asarray(p, dtype=np.float64)
    if a.size != 2 * n:
        raise error(f"{fn}: expected {n} points of (x, y), got an array of shape {a.shape}")
    return a.reshape(n, 2)


def getAffineTransform(src, dst):  # noqa: N802
    """The 2x3 affine map taking the 3 src points to the 3 dst points (float64)."""
    s, d = _points(src, 3, "getAffineTransform"), _points(dst, 3, "getAffineTransform")
    A = np.hstack([s, np.ones((3, 1))])
    try:
        return np.linalg.solve(A, d).T.copy()
    except np.linalg.LinAlgError:
        return np.zeros((2, 3))  # cv2 returns zeros for collinear points


def getPerspectiveTransform(src, dst, solveMethod=0):  # noqa: N802
    """The 3x3 projective map taking the 4 src points to the 4 dst points (float64, M[2, 2] = 1)."""
    s, d = _points(src, 4, "getPerspectiveTransform"), _points(dst, 4, "getPerspectiveTransform")
    A = np.zeros((8, 8))
    b = np.zeros(8)
    for i, ((x, y), (u, v)) in enumerate(zip(s, d)):
        A[i] = [x, y, 1, 0, 0, 0, -x * u, -y * u]
        A[i + 4] = [0, 0, 0, x, y, 1, -x * v, -y * v]
        b[i], b[i + 4] = u, v
    try:
        h = np.linalg.solve(A, b)
    except np.linalg.LinAlgError:
        return np.zeros((3, 3))
    return np.append(h, 1.0).reshape(3, 3)


def invertAffineTransform(M, iM=None):  # noqa: N802
    """The inverse of a 2x3 affine map, in the input's float dtype (a singular map gives zeros)."""
    m = np.asarray(M)
    if m.shape != (2, 3):
        raise error(f"invertAffineTransform: M must have shape (2, 3), got {m.shape}")
    dtype = m.dtype if m.dtype in (np.float32, np.float64) else np.float64
    m = m.astype(np.float64)
    D = m[0, 0] * m[1, 1] - m[0, 1] * m[1, 0]
    D = 1.0 / D if D != 0 else 0.0
    A11, A22, A12, A21 = m[1, 1] * D, m[0, 0] * D, -m[0, 1] * D, -m[1, 0] * D
    b1 = -A11 * m[0, 2] - A12 * m[1, 2]
    b2 = -A21 * m[0, 2] - A22 * m[1, 2]
    return np.array([[A11, A12, b1], [A21, A22, b2]], dtype=dtype)


def _movement_in(src, fn):
    if isinstance(src, Var):
        if src.ndim not in (2, 3) or 0 in src.shape:
            raise error(f"{fn}: expected a non-empty 2-D or 3-D image, got shape {tuple(src.shape)}")
        return src
    a = np.asarray(src) if src is not None else None
    if a is None or a.ndim not in (2, 3) or a.size == 0:
        raise error(f"{fn}: expected a non-empty 2-D or 3-D image")
    return a


def _settle(v):
    """numpy results are fresh contiguous arrays like cv2's; mnnx results stay lazy views."""
    return v if isinstance(v, Var) else np.ascontiguousarray(v)


def flip(src, flipCode, dst=None):
    """flipCode 0: upside down, > 0: left-right, < 0: both."""
    a = _movement_in(src, "flip")
    flipCode = int(flipCode)
    out = a[::-1] if flipCode == 0 else a[:, ::-1] if flipCode > 0 else a[::-1, ::-1]
    return _settle(out)


def transpose(src, dst=None):
    a = _movement_in(src, "transpose")
    return _settle(a.transpose((1, 0) if a.ndim == 2 else (1, 0, 2)))


def rotate(src, rotateCode, dst=None):
    """ROTATE_90_CLOCKWISE (0), ROTATE_180 (1), ROTATE_90_COUNTERCLOCKWISE (2)."""
    a = _movement_in(src, "rotate")
    code = int(rotateCode)
    t = (1, 0) if a.ndim == 2 else (1, 0, 2)
    if code == 0:
        out = a.transpose(t)[:, ::-1]
    elif code == 1:
        out = a[::-1, ::-1]
    elif code == 2:
        out = a.transpose(t)[::-1]
    else:
        raise error(f"rotate: rotateCode must be 0, 1 or 2, got {rotateCode}")
    return _settle(out)


def copyMakeBorder(src, top, bottom, left, right, borderType, dst=None, value=None):  # noqa: N802
    """The image framed by top/bottom/left/right pixels of the given border mode."""
    a, was_var = image_in(src, "copyMakeBorder")
    top, bottom, left, right = (int(v) for v in (top, bottom, left, right))
    if min(top, bottom, left, right) < 0:
        raise error("copyMakeBorder: border widths must not be negative")
    border = check_border(borderType, "copyMakeBorder", allow_transparent=False)
    h, w = a.shape[:2]
    out = new_image(h + top + bottom, w + left + right, channels(a), a.dtype)
    _C.cv_copy_make_border(a, out, top, left, border, scalar4(value, "copyMakeBorder"))
    return image_out(out, was_var, dst)


def pyrDown(src, dst=None, dstsize=None, borderType=BORDER_DEFAULT):  # noqa: N802
    """Gaussian blur with the 5x5 binomial kernel, then every second pixel: ((w+1)/2, (h+1)/2)."""
    a, was_var = image_in(src, "pyrDown", max_cn=512)
    h, w = a.shape[:2]
    dw, dh = ((w + 1) // 2, (h + 1) // 2) if dstsize is None else as_size(dstsize, "pyrDown", "dstsize")
    if dw <= 0 or dh <= 0 or abs(dw * 2 - w) > 2 or abs(dh * 2 - h) > 2:
        raise error(f"pyrDown: dstsize {(dw, dh)} is not about half of the source size {(w, h)}")
    border = check_border(borderType, "pyrDown", allow_transparent=False)
    if border == BORDER_CONSTANT:
        raise error("pyrDown: BORDER_CONSTANT is not supported")
    out = new_image(dh, dw, channels(a), a.dtype)
    _C.cv_pyr_down(a, out, border)
    return image_out(out, was_var, dst)


def pyrUp(src, dst=None, dstsize=None, borderType=BORDER_DEFAULT):  # noqa: N802
    """Upsample to twice the size and smooth with the 5x5 binomial kernel (times 4)."""
    a, was_var = image_in(src, "pyrUp", max_cn=512)
    h, w = a.shape[:2]
    dw, dh = (w * 2, h * 2) if dstsize is None else as_size(dstsize, "pyrUp", "dstsize")
    if dw <= 0 or dh <= 0 or abs(dw - w * 2) != dw % 2 or abs(dh - h * 2) != dh % 2:
        raise error(f"pyrUp: dstsize {(dw, dh)} must be twice the source size {(w, h)} (or one less)")
    if check_border(borderType, "pyrUp", allow_transparent=False) != BORDER_REFLECT_101:
        raise error("pyrUp: only BORDER_DEFAULT is supported")
    out = new_image(dh, dw, channels(a), a.dtype)
    _C.cv_pyr_up(a, out, BORDER_REFLECT_101)
    return image_out(out, was_var, dst)
