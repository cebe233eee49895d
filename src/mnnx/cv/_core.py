"""What every mnnx.cv function shares: the error class, cv2's constants, and turning an argument
(numpy array or mnnx Var) into a checked contiguous numpy image and the result back into the kind
that was given."""
import numpy as np

from .._tensor import Var
from .. import numpy as _mnp


class error(Exception):  # noqa: N801 (cv2 spells it so)
    """Raised where cv2 raises cv2.error: bad images, sizes, flags or conversions."""


# cv2's integer values, so code written against cv2 passes the same numbers.
INTER_NEAREST, INTER_LINEAR, INTER_CUBIC, INTER_AREA = 0, 1, 2, 3
WARP_FILL_OUTLIERS, WARP_INVERSE_MAP = 8, 16

BORDER_CONSTANT, BORDER_REPLICATE, BORDER_REFLECT, BORDER_WRAP = 0, 1, 2, 3
BORDER_REFLECT_101 = BORDER_REFLECT101 = BORDER_DEFAULT = 4
BORDER_TRANSPARENT, BORDER_ISOLATED = 5, 16

ROTATE_90_CLOCKWISE, ROTATE_180, ROTATE_90_COUNTERCLOCKWISE = 0, 1, 2

IMREAD_UNCHANGED, IMREAD_GRAYSCALE, IMREAD_COLOR, IMREAD_COLOR_BGR, IMREAD_COLOR_RGB = -1, 0, 1, 1, 256
IMREAD_ANYDEPTH, IMREAD_ANYCOLOR, IMREAD_IGNORE_ORIENTATION = 2, 4, 128
IMWRITE_JPEG_QUALITY, IMWRITE_PNG_COMPRESSION, IMWRITE_WEBP_QUALITY = 1, 16, 64

CV_8U, CV_8S, CV_16U, CV_16S, CV_32S, CV_32F, CV_64F = range(7)

__all__ = ["error", "INTER_NEAREST", "INTER_LINEAR", "INTER_CUBIC", "INTER_AREA", "WARP_FILL_OUTLIERS",
           "WARP_INVERSE_MAP", "BORDER_CONSTANT", "BORDER_REPLICATE", "BORDER_REFLECT", "BORDER_WRAP",
           "BORDER_REFLECT_101", "BORDER_REFLECT101", "BORDER_DEFAULT", "BORDER_TRANSPARENT", "BORDER_ISOLATED",
           "ROTATE_90_CLOCKWISE", "ROTATE_180", "ROTATE_90_COUNTERCLOCKWISE", "IMREAD_UNCHANGED", "IMREAD_GRAYSCALE",
           "IMREAD_COLOR", "IMREAD_COLOR_BGR", "IMREAD_COLOR_RGB", "IMREAD_ANYDEPTH", "IMREAD_ANYCOLOR",
           "IMREAD_IGNORE_ORIENTATION", "IMWRITE_JPEG_QUALITY", "IMWRITE_PNG_COMPRESSION", "IMWRITE_WEBP_QUALITY",
           "CV_8U", "CV_8S", "CV_16U", "CV_16S", "CV_32S", "CV_32F", "CV_64F"]

_DEPTHS = (np.uint8, np.float32)


def image_in(src, fn, depths=_DEPTHS, min_cn=1, max_cn=4, name="src"):
    """(contiguous numpy image, was_var). Checks dimensions, dtype and channel count like cv2 would."""
    was_var = isinstance(src, Var)
    a = np.asarray(src) if was_var else src
    if not isinstance(a, np.ndarray):
        if a is None:
            raise error(f"{fn}: {name} is None (an empty image)")
        raise TypeError(f"{fn}: {name} must be a numpy array or an mnnx array, not {type(src).__name__}")
    if a.ndim not in (2, 3):
        raise error(f"{fn}: {name} must be a 2-D (gray) or 3-D (h, w, channels) image, got shape {a.shape}")
    if a.size == 0:
        raise error(f"{fn}: {name} is empty (shape {a.shape})")
    if a.dtype.type not in depths:
        names = " or ".join(np.dtype(d).name for d in depths)
        raise error(f"{fn}: unsupported image dtype {a.dtype.name} (mnnx.cv supports {names} here)")
    cn = channels(a)
    if not min_cn <= cn <= max_cn:
        raise error(f"{fn}: {name} has {cn} channels; {min_cn}..{max_cn} are supported")
    return np.ascontiguousarray(a), was_var


def channels(a):
    return 1 if a.ndim == 2 else a.shape[2]


def image_out(a, was_var, dst=None):
    """The result as the kind given (cv2 returns single-channel images as 2-D arrays). A numpy dst of
    the result's shape and dtype receives it, as cv2's dst= does."""
    if a.ndim == 3 and a.shape[2] == 1:
        a = a[:, :, 0]
    if isinstance(dst, np.ndarray) and dst.shape == a.shape and dst.dtype == a.dtype:
        dst[...] = a
        a = dst
    return _mnp.asarray(a) if was_var else a


def new_image(h, w, cn, dtype):
    return np.empty((h, w) if cn == 1 else (h, w, cn), dtype)


def as_size(dsize, fn, name="dsize"):
    """cv2 sizes are (width, height) pairs of ints."""
    try:
        w, h = (int(v) for v in dsize)
    except (TypeError, ValueError):
        raise error(f"{fn}: {name} must be a (width, height) pair, got {dsize!r}") from None
    return w, h


def scalar4(value, fn):
    """A cv2 Scalar: one number or up to four, padded with zeros."""
    if value is None:
        return [0.0] * 4
    v = [float(x) for x in np.atleast_1d(np.asarray(value, dtype=np.float64)).ravel()]
    if len(v) > 4:
        raise error(f"{fn}: a scalar value has at most 4 elements, got {len(v)}")
    return v + [0.0] * (4 - len(v))


def check_border(mode, fn, allow_transparent=True):
    base = int(mode) & ~BORDER_ISOLATED
    if base not in (0, 1, 2, 3, 4, 5) or (base == BORDER_TRANSPARENT and not allow_transparent):
        raise error(f"{fn}: unsupported border mode {mode}")
    return base
