"""cv2.dnn.blobFromImage(s): images -> one NCHW batch for a network. The resize runs natively (reading
only the source pixels the output needs); the channel swap, float conversion, mean subtraction,
scaling and the HWC->CHW layout change are lazy mnnx ops that fuse into one pass over the output.

The same chain written by hand on an mnnx array fuses the same way, e.g. ImageNet normalization:

    x = mnnx.cv.resize(mnnx.numpy.asarray(bgr), (224, 224))
    x = mnnx.cv.cvtColor(x, mnnx.cv.COLOR_BGR2RGB)             # a lazy reversed slice
    x = ((x.astype("float32") / 255 - mean) / std).transpose(2, 0, 1)[None]

Realizing computes every lazy array Python still references, so drop (or do not name) the lazy
intermediates before realizing the blob; otherwise each is written out as well.
"""
import numpy as np

from .. import numpy as _mnp
from .._tensor import Var
from ._core import CV_8U, CV_32F, INTER_LINEAR, as_size, channels, error
from ._geometry import resize

__all__ = ["blobFromImage", "blobFromImages"]


def _as_var(image, fn):
    if isinstance(image, Var):
        return image
    if not isinstance(image, np.ndarray):
        raise error(f"{fn}: the image must be a numpy array or an mnnx array")
    return _mnp.asarray(image)


def _prepare(image, size, crop, fn):
    x = _as_var(image, fn)
    if x.ndim not in (2, 3) or 0 in x.shape:
        raise error(f"{fn}: expected a non-empty 2-D or 3-D image, got shape {tuple(x.shape)}")
    if x.ndim == 3 and x.shape[2] not in (1, 3, 4):
        raise error(f"{fn}: images must have 1, 3 or 4 channels, got {x.shape[2]}")
    h, w = x.shape[:2]
    tw, th = (0, 0) if size is None else as_size(size, fn, "size")
    if tw and th and (tw, th) != (w, h):
        if crop:
            f = max(np.float32(tw) / np.float32(w), np.float32(th) / np.float32(h))
            x = resize(x, None, fx=float(f), fy=float(f), interpolation=INTER_LINEAR)
            rh, rw = x.shape[:2]
            y0, x0 = (rh - th) // 2, (rw - tw) // 2
            x = x[y0:y0 + th, x0:x0 + tw]
        else:
            x = resize(x, (tw, th), interpolation=INTER_LINEAR)
    return x if x.ndim == 3 else x[:, :, None]


def blobFromImages(images, scalefactor=1.0, size=None, mean=None, swapRB=False, crop=False,  # noqa: N802
                   ddepth=CV_32F):
    """cv2.dnn.blobFromImages: (N, C, H, W) from N images of one size after resizing (and, with
    crop, an aspect-preserving resize then a centre crop). Per image: swap R and B if swapRB,
    subtract mean (in the output's channel order), multiply by scalefactor. Returns the kind given:
    an mnnx array (lazy, fusable) for mnnx inputs, a numpy array otherwise."""
    fn = "blobFromImages"
    images = list(images)
    if not images:
        raise error(f"{fn}: no images")
    if ddepth not in (CV_8U, CV_32F):
        raise error(f"{fn}: ddepth must be CV_32F or CV_8U")
    mean_v = None if mean is None else np.atleast_1d(np.asarray(mean, dtype=np.float64)).ravel()
    if ddepth == CV_8U and (scalefactor != 1.0 or (mean_v is not None and np.any(mean_v))):
        raise error(f"{fn}: scaling and mean subtraction are not supported for CV_8U blobs")
    was_var = any(isinstance(i, Var) for i in images)
    xs = [_prepare(i, size, crop, fn) for i in images]
    if len({tuple(x.shape) for x in xs}) != 1:
        raise error(f"{fn}: all images must have the same size and channels after resizing")
    blobs = [_chw(x, scalefactor, mean_v, swapRB, ddepth) for x in xs]
    del xs  # realizing also computes every lazy array still referenced: keep only the blob
    blob = blobs[0] if len(blobs) == 1 else _mnp.concatenate(blobs, axis=0)
    del blobs
    return blob if was_var else np.asarray(blob.realize()).copy()


def _chw(x, scalefactor, mean_v, swapRB, ddepth):
    """One HWC image (mnnx array) as a lazy (1, C, H, W) blob."""
    cn = x.shape[2]
    if swapRB and cn >= 3:
        x = x[:, :, ::-1] if cn == 3 else _mnp.concatenate([x[:, :, 2::-1], x[:, :, 3:]], axis=2)
    if ddepth == CV_32F:
        x = x.astype(_mnp.float32)
        if mean_v is not None and np.any(mean_v[:cn]):
            m = np.zeros(cn, np.float32)
            m[:min(cn, mean_v.size)] = mean_v[:cn]
            x = x - _mnp.asarray(m)
        if scalefactor != 1.0:
            x = x * np.float32(scalefactor)
    return x.transpose(2, 0, 1)[None]


def blobFromImage(image, scalefactor=1.0, size=None, mean=None, swapRB=False, crop=False, ddepth=CV_32F):  # noqa: N802
    """cv2.dnn.blobFromImage: a (1, C, H, W) blob; see blobFromImages."""
    return blobFromImages([image], scalefactor, size, mean, swapRB, crop, ddepth)
