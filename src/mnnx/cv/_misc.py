"""cv2's threshold family, histograms, normalization and per-pixel arithmetic. threshold runs on a native
kernel (cv/threshold.cpp); the rest are short numpy compositions with cv2's rounding and saturation."""
import math

import numpy as np

from .. import _C
from ._fcommon import BORDER_REPLICATE, CV_32F, CV_32S, CV_64F, Img, as_numpy, dtype_of, error, wrap_like

THRESH_BINARY, THRESH_BINARY_INV, THRESH_TRUNC, THRESH_TOZERO, THRESH_TOZERO_INV = range(5)
THRESH_MASK, THRESH_OTSU, THRESH_TRIANGLE = 7, 8, 16
ADAPTIVE_THRESH_MEAN_C, ADAPTIVE_THRESH_GAUSSIAN_C = 0, 1
NORM_INF, NORM_L1, NORM_L2, NORM_MINMAX = 1, 2, 4, 32


def _hist256(a):
    a = np.ascontiguousarray(a)
    h = np.empty(256, np.int64)
    _C.cv_histogram_u8(a.reshape(a.shape[0], -1, 1), h)
    return h


def _otsu(a):
    h = _hist256(a).tolist()  # Python floats: the 256-step loop below runs on scalars
    scale = 1.0 / a.size
    mu = float(sum(i * c for i, c in enumerate(h))) * scale
    mu1 = q1 = 0.0
    max_sigma = max_val = 0.0
    eps = float(np.finfo(np.float32).eps)
    for i in range(256):  # cv2's loop, including its order of updates
        p_i = h[i] * scale
        mu1 *= q1
        q1 += p_i
        q2 = 1.0 - q1
        if min(q1, q2) < eps or max(q1, q2) > 1.0 - eps:
            continue
        mu1 = (mu1 + i * p_i) / q1
        mu2 = (mu - q1 * mu1) / q2
        sigma = q1 * q2 * (mu1 - mu2) * (mu1 - mu2)
        if sigma > max_sigma:
            max_sigma, max_val = sigma, float(i)
    return max_val


def _triangle(a):
    h = _hist256(a)
    nz = np.nonzero(h)[0]
    left, right = int(nz[0]), int(nz[-1]) if nz[-1] > 0 else 0
    left = max(left - 1, 0) if left > 0 else 0
    right = right + 1 if right < 255 else right
    max_ind = int(np.argmax(h))
    flipped = max_ind - left < right - max_ind
    if flipped:
        h = h[::-1]
        left, max_ind = 255 - right, 255 - max_ind
    thresh, dist = float(left), 0.0
    a_, b_ = float(h[max_ind]), float(left - max_ind)
    for i in range(left + 1, max_ind + 1):
        d = a_ * i + b_ * h[i]
        if d > dist:
            dist, thresh = d, float(i)
    thresh -= 1
    return 255 - thresh if flipped else thresh


def threshold(src, thresh, maxval, type, dst=None):  # noqa: A002 (cv2's name)
    im = Img(src, "threshold", (np.uint8, np.float32))
    type = int(type)
    base, auto = type & THRESH_MASK, type & ~THRESH_MASK
    if base > THRESH_TOZERO_INV or auto not in (0, THRESH_OTSU, THRESH_TRIANGLE):
        raise error(f"threshold: unknown threshold type {type}")
    thresh, maxval = float(thresh), float(maxval)
    if auto:
        if im.dtype != np.uint8 or im.c != 1:
            raise error("threshold: THRESH_OTSU and THRESH_TRIANGLE need a single-channel uint8 image")
        thresh = _otsu(im.a) if auto == THRESH_OTSU else _triangle(im.a)
    out = im.empty()
    if im.dtype == np.uint8:
        t = math.floor(thresh)
        m = round(maxval) if base != THRESH_TRUNC else t  # round: half to even, as np.rint
        m = min(max(m, 0), 255)
        thresh = float(t)
        if t < 0 or t >= 255:  # cv2's constant or copy shortcuts
            if base in (THRESH_BINARY, THRESH_BINARY_INV) or (base in (THRESH_TRUNC, THRESH_TOZERO_INV) and t < 0) \
                    or (base == THRESH_TOZERO and t >= 255):
                v = (0 if t >= 255 else m) if base == THRESH_BINARY else \
                    (m if t >= 255 else 0) if base == THRESH_BINARY_INV else 0
                out[...] = v
            else:
                out[...] = im.a
            return thresh, im.wrap(out)
        _C.cv_threshold(im.a, out, t, m, base)
    else:
        _C.cv_threshold(im.a, out, thresh, maxval, base)
    return thresh, im.wrap(out)


def adaptiveThreshold(src, maxValue, adaptiveMethod, thresholdType, blockSize, C, dst=None):
    from ._filters import GaussianBlur, boxFilter
    im = Img(src, "adaptiveThreshold", (np.uint8,), (1,))
    block = int(blockSize)
    if block % 2 != 1 or block <= 1:
        raise error(f"adaptiveThreshold: blockSize must be odd and > 1, got {block}")
    if thresholdType not in (THRESH_BINARY, THRESH_BINARY_INV):
        raise error("adaptiveThreshold: thresholdType must be THRESH_BINARY or THRESH_BINARY_INV")
    a = im.a[:, :, 0]
    if maxValue < 0:
        return im.wrap(np.zeros_like(a))
    if adaptiveMethod == ADAPTIVE_THRESH_MEAN_C:
        mean = boxFilter(a, -1, (block, block), None, None, True, BORDER_REPLICATE)
    elif adaptiveMethod == ADAPTIVE_THRESH_GAUSSIAN_C:
        # cv2 blurs a float copy here (not its bit-exact 8-bit Gaussian) and rounds once.
        mean = np.rint(GaussianBlur(a.astype(np.float32), (block, block), 0, None, 0, BORDER_REPLICATE))
    else:
        raise error(f"adaptiveThreshold: unknown adaptiveMethod {adaptiveMethod}")
    m = int(min(max(np.rint(maxValue), 0), 255))
    diff = a.astype(np.int16) - mean.astype(np.int16)
    if thresholdType == THRESH_BINARY:
        res = np.where(diff > -int(np.ceil(C)), m, 0)
    else:
        res = np.where(diff <= -int(np.floor(C)), m, 0)
    return im.wrap(res.astype(np.uint8))


def _bound(b, im, name):
    """A bound of inRange: an image of the source's shape, or a cv2 Scalar (missing channels are 0)."""
    arr = as_numpy(b)
    if arr.ndim >= 2 and arr.shape[:2] == (im.h, im.w):
        return arr.reshape(im.h, im.w, -1).astype(np.float64)
    v = np.zeros(4, np.float64)
    flat = np.ravel(arr).astype(np.float64)
    if flat.size > 4:
        raise error(f"inRange: {name} must be a scalar, a tuple of up to 4 values or an array of the image's size")
    v[:flat.size] = flat
    v = v[:im.c]
    if im.dtype.kind in "ui":
        info = np.iinfo(im.dtype)
        v = np.clip(np.rint(v), info.min, info.max)
    return v


def inRange(src, lowerb, upperb, dst=None):
    im = Img(src, "inRange", (np.uint8, np.int8, np.uint16, np.int16, np.int32, np.float32, np.float64))
    lo, hi = _bound(lowerb, im, "lowerb"), _bound(upperb, im, "upperb")
    res = np.all((im.a >= lo) & (im.a <= hi), axis=2).astype(np.uint8) * 255
    return wrap_like(src, res)


def equalizeHist(src, dst=None):
    im = Img(src, "equalizeHist", (np.uint8,), (1,))
    a = im.a[:, :, 0]
    h = _hist256(a)
    i = int(np.nonzero(h)[0][0])
    if h[i] == a.size:
        return im.wrap(np.full_like(a, i))
    scale = np.float32(255.0) / np.float32(a.size - h[i])
    lut = np.zeros(256, np.uint8)
    sums = np.cumsum(h[i + 1:]).astype(np.float32)
    lut[i + 1:] = np.clip(np.rint(sums * scale), 0, 255).astype(np.uint8)
    out = np.empty_like(im.a)
    _C.cv_lut_u8(im.a, out, lut)
    return im.wrap(out)


def calcHist(images, channels, mask, histSize, ranges, hist=None, accumulate=False):
    arrays = [as_numpy(i) for i in images]
    if not arrays:
        raise error("calcHist: no images given")
    planes = []
    for a in arrays:
        if a.shape[:2] != arrays[0].shape[:2] or a.dtype != arrays[0].dtype:
            raise error("calcHist: all images must have the same size and dtype")
        planes += [a] if a.ndim == 2 else [a[:, :, k] for k in range(a.shape[2])]
    if arrays[0].dtype not in (np.uint8, np.uint16, np.float32):
        raise error(f"calcHist: unsupported image dtype {arrays[0].dtype}")
    channels, sizes = [int(c) for c in channels], [int(s) for s in histSize]
    ranges = [float(r) for r in np.ravel(ranges)]
    if len(channels) != len(sizes) or len(ranges) != 2 * len(sizes) or any(s <= 0 for s in sizes):
        raise error("calcHist: channels, histSize and ranges (2 per dimension) must agree")
    keep = np.ones(planes[0].shape, bool)
    if mask is not None:
        m = as_numpy(mask)
        if m.shape != planes[0].shape or m.dtype != np.uint8:
            raise error("calcHist: mask must be a uint8 array of the image's size")
        keep &= m != 0
    index = np.zeros(planes[0].shape, np.int64)
    for d, (c, n) in enumerate(zip(channels, sizes)):
        if not 0 <= c < len(planes):
            raise error(f"calcHist: channel {c} does not exist")
        lo, hi = ranges[2 * d], ranges[2 * d + 1]
        v = planes[c].astype(np.float64)
        scale = n / (hi - lo)
        idx = np.floor(v * scale - lo * scale).astype(np.int64)
        if planes[c].dtype == np.float32:
            keep &= (v >= lo) & (v < hi)
            idx = np.clip(idx, 0, n - 1)
        else:
            keep &= (idx >= 0) & (idx < n)
        index = index * n + np.clip(idx, 0, n - 1)
    out = np.bincount(index[keep], minlength=int(np.prod(sizes))).astype(np.float32).reshape(sizes)
    if accumulate and hist is not None:
        out += as_numpy(hist).reshape(out.shape)
    return wrap_like(images[0], out)


def normalize(src, dst=None, alpha=1, beta=0, norm_type=NORM_L2, dtype=-1, mask=None):
    a = as_numpy(src)
    if a.size == 0:
        raise error("normalize: the source is empty")
    odt = a.dtype if dtype is None or dtype < 0 else dtype_of(dtype, "dtype")
    sel = np.ones(a.shape[:2], bool) if mask is None else as_numpy(mask) != 0
    vals = a[sel].astype(np.float64)
    if norm_type == NORM_MINMAX:
        smin, smax = float(vals.min()), float(vals.max())
        dmin, dmax = min(alpha, beta), max(alpha, beta)
        scale = (dmax - dmin) * (1.0 / (smax - smin) if smax - smin > np.finfo(np.float64).eps else 0.0)
        shift = dmin - smin * scale
    elif norm_type in (NORM_INF, NORM_L1, NORM_L2):
        n = {NORM_INF: lambda v: np.abs(v).max(), NORM_L1: lambda v: np.abs(v).sum(),
             NORM_L2: lambda v: np.sqrt((v * v).sum())}[norm_type](vals)
        scale, shift = (alpha / n if n > np.finfo(np.float64).eps else 0.0), 0.0
    else:
        raise error(f"normalize: unknown norm_type {norm_type}")
    res = a.astype(np.float64) * scale + shift
    if np.dtype(odt).kind in "ui":
        info = np.iinfo(odt)
        res = np.clip(np.rint(res), info.min, info.max)
    res = res.astype(odt)
    if mask is not None:
        res[~sel] = 0
    return wrap_like(src, res)


def convertScaleAbs(src, dst=None, alpha=1, beta=0):
    a = as_numpy(src)
    if a.size == 0:
        raise error("convertScaleAbs: the source is empty")
    v = np.abs(a.astype(np.float32) * np.float32(alpha) + np.float32(beta))
    return wrap_like(src, np.clip(np.rint(v), 0, 255).astype(np.uint8))


def addWeighted(src1, alpha, src2, beta, gamma, dst=None, dtype=-1):
    a, b = as_numpy(src1), as_numpy(src2)
    if a.shape != b.shape or a.dtype != b.dtype:
        raise error(f"addWeighted: the inputs differ in shape or dtype ({a.shape} {a.dtype} vs {b.shape} {b.dtype})")
    odt = a.dtype if dtype is None or dtype < 0 else dtype_of(dtype, "dtype")
    wt = np.float32 if a.dtype.itemsize <= 2 and a.dtype.kind in "ui" else np.float64
    v = a.astype(wt) * wt(alpha) + b.astype(wt) * wt(beta) + wt(gamma)
    if np.dtype(odt).kind in "ui":
        info = np.iinfo(odt)
        v = np.clip(np.rint(v), info.min, info.max)
    return wrap_like(src1, v.astype(odt))


def split(m, mv=None):
    a = as_numpy(m)
    if a.ndim == 2:
        return (wrap_like(m, a.copy()),)
    return tuple(wrap_like(m, np.ascontiguousarray(a[:, :, k])) for k in range(a.shape[2]))


def merge(mv, dst=None):
    arrays = [as_numpy(x) for x in mv]
    if not arrays:
        raise error("merge: no arrays given")
    planes = []
    for a in arrays:
        if a.shape[:2] != arrays[0].shape[:2] or a.dtype != arrays[0].dtype:
            raise error("merge: all arrays must have the same size and dtype")
        planes += [a] if a.ndim == 2 else [a[:, :, k] for k in range(a.shape[2])]
    out = np.stack(planes, axis=2)
    return wrap_like(mv[0], out)


def integral(src, sum=None, sdepth=-1):  # noqa: A002 (cv2's name)
    a = as_numpy(src)
    if a.ndim not in (2, 3) or a.size == 0:
        raise error(f"integral: expected a non-empty 2-D or 3-D image, got shape {a.shape}")
    if sdepth is None or sdepth < 0:
        odt = np.int32 if a.dtype in (np.uint8, np.int8) else np.float64
    else:
        if sdepth not in (CV_32S, CV_32F, CV_64F):
            raise error("integral: sdepth must be CV_32S, CV_32F or CV_64F")
        odt = dtype_of(sdepth)
    acc = np.float64 if np.dtype(odt).kind == "f" else np.int64
    s = np.cumsum(np.cumsum(a.astype(acc), axis=0), axis=1)
    out = np.zeros((a.shape[0] + 1, a.shape[1] + 1) + a.shape[2:], odt)
    out[1:, 1:] = s
    return wrap_like(src, out)


__all__ = ["THRESH_BINARY", "THRESH_BINARY_INV", "THRESH_TRUNC", "THRESH_TOZERO", "THRESH_TOZERO_INV",
           "THRESH_MASK", "THRESH_OTSU", "THRESH_TRIANGLE", "ADAPTIVE_THRESH_MEAN_C", "ADAPTIVE_THRESH_GAUSSIAN_C",
           "NORM_INF", "NORM_L1", "NORM_L2", "NORM_MINMAX", "threshold", "adaptiveThreshold", "inRange",
           "equalizeHist", "calcHist", "normalize", "convertScaleAbs", "addWeighted", "split", "merge", "integral"]
