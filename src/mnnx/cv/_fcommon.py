"""What the filter and drawing modules of mnnx.cv share: cv2's constants they use, the error class, and
turning a numpy array or mnnx Var into a C-contiguous (h, w, c) numpy image and back.

Private to _filters.py and _draw.py; the package face (mnnx.cv) exports the constants from _core."""
import numpy as np

from .. import numpy as _mnp
from .._tensor import Var
from ._core import (error, BORDER_CONSTANT, BORDER_REPLICATE, BORDER_REFLECT, BORDER_WRAP,  # noqa: F401
                    BORDER_REFLECT_101, BORDER_TRANSPARENT, BORDER_REFLECT101, BORDER_DEFAULT, BORDER_ISOLATED, CV_8U,
                    CV_8S, CV_16U, CV_16S, CV_32S, CV_32F, CV_64F)

_DTYPE_OF_DEPTH = {CV_8U: np.uint8, CV_8S: np.int8, CV_16U: np.uint16, CV_16S: np.int16, CV_32S: np.int32,
                   CV_32F: np.float32, CV_64F: np.float64}
_DEPTH_OF_DTYPE = {np.dtype(v): k for k, v in _DTYPE_OF_DEPTH.items()}


def depth_of(dtype):
    return _DEPTH_OF_DTYPE.get(np.dtype(dtype), -1)


def dtype_of(depth, name="ddepth"):
    if depth not in _DTYPE_OF_DEPTH:
        raise error(f"{name}={depth} is not a valid depth (CV_8U..CV_64F)")
    return np.dtype(_DTYPE_OF_DEPTH[depth])


_DTYPE_SETS = {}  # dtypes tuple -> the set of np.dtype it names (built once per call site)


class Img:
    """A checked input image: `a` is a C-contiguous (h, w, c) numpy array; `wrap` turns an (h, w, c)
    or (h, w) result back into the caller's kind (Var in, Var out); single-channel results are (h, w) as in cv2.
    Per-call cost matters on the fast kernels (threshold streams 1080p in ~80 us), so the checks avoid
    building objects."""

    __slots__ = ("is_var", "gray", "a", "h", "w", "c", "dtype")

    def __init__(self, src, func, dtypes=(np.uint8, np.float32), channels=(1, 2, 3, 4)):
        self.is_var = isinstance(src, Var)
        if src is None:
            raise error(f"{func}: the source image is None (!_src.empty())")
        a = src if type(src) is np.ndarray else np.asarray(src)
        dt = a.dtype
        if dt.kind == "b":
            raise error(f"{func}: boolean arrays are not images; convert to uint8 first")
        nd = a.ndim
        if (nd != 2 and nd != 3) or a.size == 0:
            raise error(f"{func}: expected a non-empty 2-D (h, w) or 3-D (h, w, c) image, got shape {a.shape}")
        allowed = _DTYPE_SETS.get(dtypes)
        if allowed is None:
            allowed = _DTYPE_SETS[dtypes] = frozenset(np.dtype(d) for d in dtypes)
        if dt not in allowed:
            names = ", ".join(np.dtype(d).name for d in dtypes)
            raise error(f"{func}: unsupported image dtype {dt} (supported: {names})")
        shape = a.shape
        c = 1 if nd == 2 else shape[2]
        if c not in channels:
            raise error(f"{func}: unsupported number of channels {c} (supported: {channels})")
        self.gray = nd == 2
        if nd == 2:
            a = a.reshape(shape[0], shape[1], 1)
        if not a.flags.c_contiguous:
            a = np.ascontiguousarray(a)
        self.a = a
        self.h, self.w, self.c = shape[0], shape[1], c
        self.dtype = dt

    def empty(self, dtype=None, channels=None):
        return np.empty((self.h, self.w, self.c if channels is None else channels), dtype or self.dtype)

    def wrap(self, out):
        if out.ndim == 3 and out.shape[2] == 1:  # cv2 hands every single-channel image back as (h, w)
            out = out.reshape(out.shape[:2])
        if self.is_var:
            return _mnp.asarray(out)
        return out


def as_numpy(x):
    """Realize a Var (or pass a numpy array / sequence through) as a numpy array."""
    return np.asarray(x)


def wrap_like(src, out):
    return _mnp.asarray(out) if isinstance(src, Var) else out


def check_border(border, func, allowed=(BORDER_CONSTANT, BORDER_REPLICATE, BORDER_REFLECT, BORDER_REFLECT_101)):
    b = int(border) & ~BORDER_ISOLATED
    if b not in allowed:
        raise error(f"{func}: unsupported borderType={border}")
    return b


def ksize_pair(ksize, func):
    if np.isscalar(ksize):
        ksize = (ksize, ksize)
    try:
        kw, kh = (int(v) for v in ksize)
    except (TypeError, ValueError):
        raise error(f"{func}: ksize must be a (width, height) pair of ints, got {ksize!r}") from None
    return kw, kh


def anchor_of(anchor, kw, kh, func):
    ax, ay = (-1, -1) if anchor is None else (int(anchor[0]), int(anchor[1]))
    ax = kw // 2 if ax == -1 else ax
    ay = kh // 2 if ay == -1 else ay
    if not (0 <= ax < kw and 0 <= ay < kh):
        raise error(f"{func}: anchor ({ax}, {ay}) is outside the {kw}x{kh} kernel")
    return ax, ay
