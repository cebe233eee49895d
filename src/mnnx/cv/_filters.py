"""cv2's linear and non-linear filters and morphology on native kernels (cv/filter_*.cpp, cv/morph.cpp).

Every function takes a numpy array or an mnnx Var (2-D gray or (h, w, c) with 1..4 channels) and returns
the same kind; arguments are checked here, before native code runs, and bad ones raise mnnx.cv.error."""
import functools
import math

import numpy as np

from .. import _C
from ._fcommon import (BORDER_CONSTANT, BORDER_DEFAULT, BORDER_REFLECT, BORDER_REFLECT_101, BORDER_REPLICATE,
                       BORDER_WRAP, CV_16S, CV_32F, CV_64F, Img, anchor_of, check_border, dtype_of, error,
                       ksize_pair)
from ._misc import *  # noqa: F401,F403  (threshold, histograms, arithmetic: exported from here)
from ._misc import __all__ as _misc_all

MORPH_ERODE, MORPH_DILATE, MORPH_OPEN, MORPH_CLOSE, MORPH_GRADIENT, MORPH_TOPHAT, MORPH_BLACKHAT, MORPH_HITMISS = \
    range(8)
MORPH_RECT, MORPH_CROSS, MORPH_ELLIPSE = range(3)
FILTER_SCHARR = -1

_LINEAR_DTYPES = (np.uint8, np.uint16, np.int16, np.float32, np.float64)
_FILTER_BORDERS = (BORDER_CONSTANT, BORDER_REPLICATE, BORDER_REFLECT, BORDER_REFLECT_101)
_NATIVE_PAIRS = {(np.uint8, np.uint8), (np.uint8, np.int16), (np.uint8, np.float32), (np.float32, np.float32)}


def _saturate(x, dtype):
    dtype = np.dtype(dtype)
    if dtype.kind in "ui":
        info = np.iinfo(dtype)
        return np.clip(np.rint(x), info.min, info.max).astype(dtype)
    return x.astype(dtype)


def _into(res, dst):
    """cv2's optional dst argument: filled in place when it fits, and returned."""
    if dst is None or not isinstance(dst, np.ndarray) or dst.size != res.size or dst.dtype != res.dtype or \
            dst.shape[:2] != res.shape[:2]:
        return res
    dst[...] = res.reshape(dst.shape)
    return dst


def _linear(im, ddepth, func, call):
    """Runs call(src, dst) on the native (source, destination) pairs; other depths go through float32."""
    ddt = im.dtype if ddepth is None or ddepth < 0 else dtype_of(ddepth)
    if ddt == np.int8 or ddt == np.int32:
        raise error(f"{func}: unsupported ddepth {ddt.name} for a {im.dtype.name} source")
    src = im.a if im.dtype in (np.uint8, np.float32) else im.a.astype(np.float32)
    if (src.dtype.type, ddt.type) in _NATIVE_PAIRS:
        out = im.empty(ddt)
        call(src, out)
        return out
    tmp = im.empty(np.float32)
    call(src, tmp)
    return _saturate(tmp, ddt)


def _kernel_1d(k, func, name):
    k = np.asarray(k, dtype=np.float64).ravel()
    if k.size == 0:
        raise error(f"{func}: {name} is empty")
    return [float(v) for v in k]


def sepFilter2D(src, ddepth, kernelX, kernelY, dst=None, anchor=None, delta=0, borderType=BORDER_DEFAULT):
    im = Img(src, "sepFilter2D", _LINEAR_DTYPES)
    kx, ky = _kernel_1d(kernelX, "sepFilter2D", "kernelX"), _kernel_1d(kernelY, "sepFilter2D", "kernelY")
    ax, ay = anchor_of(anchor, len(kx), len(ky), "sepFilter2D")
    b = check_border(borderType, "sepFilter2D", _FILTER_BORDERS)
    out = _linear(im, ddepth, "sepFilter2D", lambda s, d: _C.cv_sep_filter(s, d, kx, ky, ax, ay, float(delta), b))
    return im.wrap(_into(out, dst))


def filter2D(src, ddepth, kernel, dst=None, anchor=None, delta=0, borderType=BORDER_DEFAULT):
    im = Img(src, "filter2D", _LINEAR_DTYPES)
    k = np.asarray(kernel, dtype=np.float64)
    if k.ndim == 1:
        k = k.reshape(1, -1)
    if k.ndim != 2 or k.size == 0:
        raise error(f"filter2D: kernel must be a non-empty single-channel 2-D array, got shape {k.shape}")
    kh, kw = k.shape
    ax, ay = anchor_of(anchor, kw, kh, "filter2D")
    b = check_border(borderType, "filter2D", _FILTER_BORDERS)
    flat = [float(v) for v in k.ravel()]
    out = _linear(im, ddepth, "filter2D",
                  lambda s, d: _C.cv_filter_2d(s, d, flat, kh, kw, ax, ay, float(delta), b))
    return im.wrap(_into(out, dst))


def boxFilter(src, ddepth, ksize, dst=None, anchor=None, normalize=True, borderType=BORDER_DEFAULT):
    im = Img(src, "boxFilter", _LINEAR_DTYPES)
    kw, kh = ksize_pair(ksize, "boxFilter")
    if kw <= 0 or kh <= 0:
        raise error(f"boxFilter: ksize must be positive, got ({kw}, {kh})")
    ax, ay = anchor_of(anchor, kw, kh, "boxFilter")
    b = check_border(borderType, "boxFilter", _FILTER_BORDERS)
    ddt = im.dtype if ddepth is None or ddepth < 0 else dtype_of(ddepth)
    if normalize and im.dtype == np.uint8 and ddt == np.uint8 and kw <= 257:
        out = im.empty()
        _C.cv_box_u8(im.a, out, kw, kh, ax, ay, 1.0 / (kw * kh), b)
        return im.wrap(_into(out, dst))
    ky = [1.0 / (kw * kh)] * kh if normalize else [1.0] * kh
    out = _linear(im, ddepth, "boxFilter", lambda s, d: _C.cv_sep_filter(s, d, [1.0] * kw, ky, ax, ay, 0.0, b))
    return im.wrap(_into(out, dst))


def blur(src, ksize, dst=None, anchor=None, borderType=BORDER_DEFAULT):
    return boxFilter(src, -1, ksize, dst, anchor, True, borderType)


# cv2's tables for sigma <= 0 (in 1/256 units, exact in binary), then its formula otherwise.
_SMALL_GAUSSIAN = {1: [256], 3: [64, 128, 64], 5: [16, 64, 96, 64, 16], 7: [8, 28, 56, 72, 56, 28, 8],
                   9: [4, 13, 30, 51, 60, 51, 30, 13, 4]}


def _gaussian_exact(n, sigma):
    if sigma <= 0 and n in _SMALL_GAUSSIAN:
        return [v / 256.0 for v in _SMALL_GAUSSIAN[n]]
    sigma = sigma if sigma > 0 else n * 0.15 + 0.35
    scale = -0.125 / (sigma * sigma)  # x runs over odd offsets 1-n, 3-n, ... (twice the distance)
    half = (n - 1) // 2
    values = [math.exp(float(x * x) * scale) for x in range(1 - n, 1 - n + 2 * half, 2)]
    total = 2 * sum(values) + 1.0 + (1.0 if n % 2 == 0 else 0.0)
    inv = 1.0 / total
    k = [0.0] * n
    for i, v in enumerate(values):
        k[i] = k[n - 1 - i] = v * inv
    k[half] = inv
    if n % 2 == 0:
        k[half + 1] = inv
    return k


@functools.lru_cache(maxsize=64)  # a tuple: cached results must not be mutable
def _gaussian_fixed(n, sigma):
    """cv2's 8-bit kernel: 1/256 units chosen with error diffusion, the center taking the remainder."""
    k = _gaussian_exact(n, sigma)
    out = [0] * n
    err, total = 0.0, 0
    for i in range(n // 2):
        adj = k[i] * 256.0 + err
        v = round(adj)
        err = adj - v
        out[i] = out[n - 1 - i] = v
        total += v
    out[n // 2] = 256 - 2 * total
    return tuple(out)


def getGaussianKernel(ksize, sigma, ktype=CV_64F):
    ksize = int(ksize)
    if ksize <= 0:
        raise error(f"getGaussianKernel: ksize must be positive, got {ksize}")
    if ktype not in (CV_32F, CV_64F):
        raise error("getGaussianKernel: ktype must be CV_32F or CV_64F")
    return np.array(_gaussian_exact(ksize, float(sigma)), dtype=dtype_of(ktype)).reshape(ksize, 1)


def GaussianBlur(src, ksize, sigmaX, dst=None, sigmaY=0, borderType=BORDER_DEFAULT, hint=0):
    im = Img(src, "GaussianBlur", _LINEAR_DTYPES)
    kw, kh = ksize_pair(ksize, "GaussianBlur")
    sx, sy = float(sigmaX), float(sigmaY)
    if sy <= 0:
        sy = sx
    mult = 3 if im.dtype == np.uint8 else 4
    if kw <= 0 and sx > 0:
        kw = round(sx * mult * 2 + 1) | 1
    if kh <= 0 and sy > 0:
        kh = round(sy * mult * 2 + 1) | 1
    if kw <= 0 or kw % 2 == 0 or kh <= 0 or kh % 2 == 0:
        raise error(f"GaussianBlur: ksize ({kw}, {kh}) must be positive and odd (or zero with sigma > 0)")
    # cv2's bit-exact 8-bit path wraps; its generic float path rejects BORDER_WRAP.
    b = check_border(borderType, "GaussianBlur", _FILTER_BORDERS + ((BORDER_WRAP,) if im.dtype == np.uint8 else ()))
    sx, sy = max(sx, 0.0), max(sy, 0.0)
    if im.dtype == np.uint8:
        out = im.empty()
        _C.cv_gaussian_u8(im.a, out, _gaussian_fixed(kw, sx), _gaussian_fixed(kh, sy), b)
    else:
        kx, ky = _gaussian_exact(kw, sx), _gaussian_exact(kh, sy)
        out = _linear(im, -1, "GaussianBlur", lambda s, d: _C.cv_sep_filter(s, d, kx, ky, kw // 2, kh // 2, 0.0, b))
    return im.wrap(_into(out, dst))


def _deriv_kernel(order, ksize):
    """cv2's getSobelKernels for one axis: smoothing binomial convolved `order` times with [-1, 1]."""
    if ksize == -1:
        return [3, 10, 3] if order == 0 else [-1, 0, 1]
    if ksize == 1 and order > 0:
        ksize = 3
    if ksize <= order:
        raise error(f"Sobel: ksize {ksize} must exceed the derivative order {order}")
    if ksize == 1:
        return [1]
    k = [1]
    for _ in range(ksize - order - 1):
        k = [a + b for a, b in zip(k + [0], [0] + k)]
    for _ in range(order):
        k = [b - a for a, b in zip(k + [0], [0] + k)]
    return k


def getDerivKernels(dx, dy, ksize, normalize=False, ktype=CV_32F):
    kx, ky = _deriv_kernel(int(dx), int(ksize)), _deriv_kernel(int(dy), int(ksize))
    if normalize:
        kx = [v / 2.0 ** (len(kx) - int(dx) - 1) for v in kx]
        ky = [v / 2.0 ** (len(ky) - int(dy) - 1) for v in ky]
    dt = dtype_of(ktype, "ktype")
    return np.array(kx, dt).reshape(-1, 1), np.array(ky, dt).reshape(-1, 1)


def _derivative(func, src, ddepth, dx, dy, ksize, scale, delta, borderType, dst):
    im = Img(src, func, _LINEAR_DTYPES)
    dx, dy = int(dx), int(dy)
    if dx < 0 or dy < 0 or dx + dy <= 0:
        raise error(f"{func}: dx={dx}, dy={dy} must be >= 0 with dx + dy > 0")
    if ksize == -1 and dx + dy != 1:
        raise error(f"{func}: Scharr needs exactly one first derivative (dx + dy == 1)")
    if ksize not in (-1, 1, 3, 5, 7):
        raise error(f"{func}: ksize must be 1, 3, 5, 7 or -1 (Scharr), got {ksize}")
    kx, ky = _deriv_kernel(dx, ksize), _deriv_kernel(dy, ksize)
    kx = [float(v) * scale for v in kx]
    ky = [float(v) for v in ky]
    b = check_border(borderType, func, _FILTER_BORDERS)
    out = _linear(im, ddepth, func,
                  lambda s, d: _C.cv_sep_filter(s, d, kx, ky, len(kx) // 2, len(ky) // 2, float(delta), b))
    return im.wrap(_into(out, dst))


def Sobel(src, ddepth, dx, dy, dst=None, ksize=3, scale=1, delta=0, borderType=BORDER_DEFAULT):
    return _derivative("Sobel", src, ddepth, dx, dy, int(ksize), float(scale), delta, borderType, dst)


def Scharr(src, ddepth, dx, dy, dst=None, scale=1, delta=0, borderType=BORDER_DEFAULT):
    return _derivative("Scharr", src, ddepth, dx, dy, -1, float(scale), delta, borderType, dst)


def Laplacian(src, ddepth, dst=None, ksize=1, scale=1, delta=0, borderType=BORDER_DEFAULT):
    ksize = int(ksize)
    if ksize not in (1, 3, 5, 7):
        raise error(f"Laplacian: ksize must be 1, 3, 5 or 7, got {ksize}")
    if ksize <= 3:
        k = [[0, 1, 0], [1, -4, 1], [0, 1, 0]] if ksize == 1 else [[2, 0, 2], [0, -8, 0], [2, 0, 2]]
        return filter2D(src, ddepth, np.array(k, np.float64) * scale, dst, None, delta, borderType)
    im = Img(src, "Laplacian", _LINEAR_DTYPES)
    d2x = _derivative("Laplacian", src, CV_32F, 2, 0, ksize, float(scale), 0, borderType, None)
    d2y = _derivative("Laplacian", src, CV_32F, 0, 2, ksize, float(scale), 0, borderType, None)
    s = np.asarray(d2x).reshape(im.a.shape) + np.asarray(d2y).reshape(im.a.shape) + np.float32(delta)
    ddt = im.dtype if ddepth < 0 else dtype_of(ddepth)
    return im.wrap(_into(_saturate(s, ddt), dst))


def Canny(image, threshold1, threshold2=None, edges=None, apertureSize=3, L2gradient=False):
    from .._tensor import Var
    if isinstance(threshold1, (np.ndarray, Var)):
        # Canny(dx, dy, threshold1, threshold2[, edges[, L2gradient]]): derivatives given as 16S.
        dx_im, dy_im = Img(image, "Canny", (np.int16,)), Img(threshold1, "Canny", (np.int16,))
        if dx_im.a.shape != dy_im.a.shape:
            raise error("Canny: dx and dy must have the same shape")
        t1, t2 = float(threshold2), float(edges)
        out = _canny(dx_im, dx_im.a, dy_im.a, t1, t2, bool(L2gradient))
        return dx_im.wrap(_into(out, apertureSize if isinstance(apertureSize, np.ndarray) else None))
    im = Img(image, "Canny", (np.uint8,))
    ap = int(apertureSize)
    if ap not in (3, 5, 7):
        raise error(f"Canny: apertureSize must be odd between 3 and 7, got {ap}")
    t1, t2 = float(threshold1), float(threshold2)
    scale = 1.0 / 16 if ap == 7 else 1.0  # cv2 keeps aperture-7 derivatives inside 16 bits
    dx = np.asarray(_derivative("Canny", im.a, CV_16S, 1, 0, ap, scale, 0, BORDER_REPLICATE, None)).reshape(im.a.shape)
    dy = np.asarray(_derivative("Canny", im.a, CV_16S, 0, 1, ap, scale, 0, BORDER_REPLICATE, None)).reshape(im.a.shape)
    if ap == 7:
        t1, t2 = t1 / 16, t2 / 16
    out = _canny(im, dx, dy, t1, t2, bool(L2gradient))
    return im.wrap(_into(out, edges))


def _canny(im, dx, dy, low, high, l2):
    if low > high:
        low, high = high, low
    if l2:
        low, high = min(32767.0, low), min(32767.0, high)
        low, high = (low * low if low > 0 else low), (high * high if high > 0 else high)
    out = np.empty((im.h, im.w, 1), np.uint8)
    _C.cv_canny(dx, dy, out, math.floor(low), math.floor(high), l2)
    return out.reshape(im.h, im.w)


def medianBlur(src, ksize, dst=None):
    k = int(ksize)
    im = Img(src, "medianBlur", (np.uint8, np.uint16, np.int16, np.float32),
             (1, 3, 4) if k > 5 else (1, 2, 3, 4))
    if k < 1 or k % 2 == 0:
        raise error(f"medianBlur: ksize must be odd and > 1, got {k}")
    if k == 1:
        return im.wrap(_into(im.a.copy(), dst))
    if im.dtype != np.uint8 and k > 5:
        raise error(f"medianBlur: ksize {k} > 5 needs a uint8 image, got {im.dtype}")
    src_a = im.a if im.dtype in (np.uint8, np.float32) else im.a.astype(np.float32)
    out = np.empty_like(src_a)
    _C.cv_median(src_a, out, k)
    return im.wrap(_into(out.astype(im.dtype, copy=False), dst))


def bilateralFilter(src, d, sigmaColor, sigmaSpace, dst=None, borderType=BORDER_DEFAULT):
    im = Img(src, "bilateralFilter", (np.uint8, np.float32), (1, 3))
    b = check_border(borderType, "bilateralFilter", _FILTER_BORDERS + (BORDER_WRAP,))
    out = im.empty()
    _C.cv_bilateral(im.a, out, int(d), float(sigmaColor), float(sigmaSpace), b)
    return im.wrap(_into(out, dst))


def getStructuringElement(shape, ksize, anchor=None):
    kw, kh = ksize_pair(ksize, "getStructuringElement")
    if kw <= 0 or kh <= 0:
        raise error(f"getStructuringElement: ksize must be positive, got ({kw}, {kh})")
    shape = int(shape)
    if shape not in (MORPH_RECT, MORPH_CROSS, MORPH_ELLIPSE):
        raise error(f"getStructuringElement: unknown shape {shape} (MORPH_RECT, MORPH_CROSS or MORPH_ELLIPSE)")
    ax, ay = anchor_of(anchor, kw, kh, "getStructuringElement")
    if (kw, kh) == (1, 1):
        shape = MORPH_RECT
    el = np.zeros((kh, kw), np.uint8)
    r, c = kh // 2, kw // 2
    inv_r2 = 1.0 / (r * r) if r else 0.0
    for i in range(kh):
        j1, j2 = 0, 0
        if shape == MORPH_RECT or (shape == MORPH_CROSS and i == ay):
            j2 = kw
        elif shape == MORPH_CROSS:
            j1, j2 = ax, ax + 1
        elif abs(i - r) <= r:
            dx = round(c * math.sqrt((r * r - (i - r) ** 2) * inv_r2))
            j1, j2 = max(c - dx, 0), min(c + dx + 1, kw)
        el[i, j1:j2] = 1
    return el


_MORPH_DEFAULT = object()


def _morph(func, src, kernel, anchor, iterations, borderType, borderValue, dilate):
    im = Img(src, func, (np.uint8, np.float32))
    iterations = int(iterations)
    if kernel is None or np.asarray(kernel).size == 0:
        el, (ax, ay) = np.ones((3, 3), np.uint8), (1, 1)
    else:
        el = (np.asarray(kernel) != 0).astype(np.uint8)
        if el.ndim != 2:
            raise error(f"{func}: kernel must be a 2-D array, got shape {el.shape}")
        ax, ay = anchor_of(anchor, el.shape[1], el.shape[0], func)
    if iterations <= 0 or el.size == 1:  # cv2 copies for a 1x1 element, whatever its value
        return im.wrap(im.a.copy())
    if iterations > 1 and el.all():  # cv2 grows a full rectangle instead of repeating it
        kh, kw = el.shape
        el = np.ones((kh + (iterations - 1) * (kh - 1), kw + (iterations - 1) * (kw - 1)), np.uint8)
        ax, ay, iterations = ax * iterations, ay * iterations, 1
    b = check_border(borderType, func, _FILTER_BORDERS)
    if borderValue is _MORPH_DEFAULT:
        values = [float("inf")]
    else:
        values = [float(v) for v in np.ravel(borderValue)] or [0.0]
    kh, kw = el.shape
    flat = [int(v) for v in el.ravel()]
    cur = im.a
    for _ in range(iterations):
        out = np.empty_like(cur)
        if len(set(values[:im.c])) <= 1 or b != BORDER_CONSTANT:
            _C.cv_morph(cur, out, flat, kh, kw, ax, ay, dilate, b, values[0])
        else:  # a per-channel border value
            for ch in range(im.c):
                v = values[ch] if ch < len(values) else 0.0
                o = np.empty((im.h, im.w, 1), cur.dtype)
                _C.cv_morph(np.ascontiguousarray(cur[:, :, ch:ch + 1]), o, flat, kh, kw, ax, ay, dilate, b, v)
                out[:, :, ch] = o[:, :, 0]
        cur = out
    return im.wrap(cur)


def erode(src, kernel, dst=None, anchor=None, iterations=1, borderType=BORDER_CONSTANT, borderValue=_MORPH_DEFAULT):
    return _morph("erode", src, kernel, anchor, iterations, borderType, borderValue, False)


def dilate(src, kernel, dst=None, anchor=None, iterations=1, borderType=BORDER_CONSTANT,
           borderValue=_MORPH_DEFAULT):
    return _morph("dilate", src, kernel, anchor, iterations, borderType, borderValue, True)


def morphologyEx(src, op, kernel, dst=None, anchor=None, iterations=1, borderType=BORDER_CONSTANT,
                 borderValue=_MORPH_DEFAULT):
    im = Img(src, "morphologyEx", (np.uint8, np.float32))
    a = im.a if not im.gray else im.a[:, :, 0]
    args = (anchor, iterations, borderType, borderValue)
    op = int(op)
    if op in (MORPH_ERODE, MORPH_DILATE):
        res = _morph("morphologyEx", a, kernel, *args, op == MORPH_DILATE)
    elif op == MORPH_OPEN:
        res = _morph("morphologyEx", _morph("morphologyEx", a, kernel, *args, False), kernel, *args, True)
    elif op == MORPH_CLOSE:
        res = _morph("morphologyEx", _morph("morphologyEx", a, kernel, *args, True), kernel, *args, False)
    elif op == MORPH_GRADIENT:
        res = _morph("morphologyEx", a, kernel, *args, True) - _morph("morphologyEx", a, kernel, *args, False)
    elif op == MORPH_TOPHAT:
        res = a - morphologyEx(a, MORPH_OPEN, kernel, None, *args)
    elif op == MORPH_BLACKHAT:
        res = morphologyEx(a, MORPH_CLOSE, kernel, None, *args) - a
    elif op == MORPH_HITMISS:
        if im.dtype != np.uint8 or im.c != 1:
            raise error("morphologyEx: MORPH_HITMISS needs a single-channel uint8 image")
        k = np.asarray(kernel)
        k1, k2 = (k == 1).astype(np.uint8), (k == -1).astype(np.uint8)
        full = np.full(a.shape, 255, np.uint8)
        e1 = _morph("morphologyEx", a, k1, *args, False) if k1.any() else full
        e2 = _morph("morphologyEx", 255 - a, k2, *args, False) if k2.any() else full
        res = e1 & e2
    else:
        raise error(f"morphologyEx: unknown operation {op}")
    return im.wrap(_into(np.asarray(res), dst))


__all__ = ["MORPH_ERODE", "MORPH_DILATE", "MORPH_OPEN", "MORPH_CLOSE", "MORPH_GRADIENT", "MORPH_TOPHAT",
           "MORPH_BLACKHAT", "MORPH_HITMISS", "MORPH_RECT", "MORPH_CROSS", "MORPH_ELLIPSE", "FILTER_SCHARR",
           "sepFilter2D", "filter2D", "boxFilter", "blur", "getGaussianKernel", "GaussianBlur", "getDerivKernels",
           "Sobel", "Scharr", "Laplacian", "Canny", "medianBlur", "bilateralFilter", "getStructuringElement",
           "erode", "dilate", "morphologyEx"] + list(_misc_all)
