"""Losses (torch.nn.functional's names, arguments and reductions), composed from engine ops so that
autograd differentiates them like anything else. Cross-entropy goes through log_softmax (one
two-pass row kernel), never through log(softmax)."""
import numpy as _np

from .. import _C
from .._tensor import OPS, operand, cast
from .. import numpy as mnp
from ..expr import log_softmax

__all__ = ["cross_entropy", "nll_loss", "mse_loss", "l1_loss", "smooth_l1_loss", "binary_cross_entropy",
           "binary_cross_entropy_with_logits"]


def _reduce(loss, reduction):
    if reduction == "none":
        return loss
    if reduction == "sum":
        return mnp.sum(loss)
    if reduction == "mean":
        return mnp.mean(loss)
    raise ValueError(f"{reduction} is not a valid value for reduction")


def _check_reduction(reduction):
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")


def _float_input(x, name):
    x = operand(x)
    if x.dtype.kind != "f":
        raise TypeError(f"{name}: expected a floating-point input, got {x.dtype}")
    return x


def _class_weight(weight, n_classes, ndim, dtype):
    """weight (C,) shaped to broadcast along the class axis (1, or 0 for an unbatched input)."""
    w = cast(operand(weight), dtype)
    if w.ndim != 1 or w.shape[0] != n_classes:
        raise RuntimeError(f"weight tensor should be defined either for all {n_classes} classes or no classes but got "
                           f"weight tensor of shape: {list(w.shape)}")
    return _C.reshape(w, [n_classes] + [1] * (ndim - 1)) if ndim == 1 else \
        _C.reshape(w, [1, n_classes] + [1] * (ndim - 2))


def _nll_from_logp(logp, target, weight, ignore_index, reduction, smoothing=0.0):
    """torch's nll_loss on log-probabilities (class axis 1, or 0 unbatched), with label smoothing."""
    cax = 0 if logp.ndim == 1 else 1
    n_classes = logp.shape[cax]
    t = operand(target)
    if t.dtype.kind not in "iu":
        raise RuntimeError(f"expected scalar type Long but found {t.dtype} (class-index targets are integers)")
    want = tuple(logp.shape[:cax]) + tuple(logp.shape[cax + 1:])
    if tuple(t.shape) != want:
        raise ValueError(f"Expected target of shape {want} for input of shape {tuple(logp.shape)}, got {tuple(t.shape)}")
    tv = _np.asarray(t)  # targets are data: an out-of-range class would silently pick nothing
    lo, hi = (int(tv.min()), int(tv.max())) if tv.size else (0, -1)
    ignored = 0
    if lo < 0 or hi >= n_classes or lo <= ignore_index <= hi:  # the common case needs only the range
        bad = (tv != ignore_index) & ((tv < 0) | (tv >= n_classes))
        if bad.any():
            raise IndexError(f"Target {int(tv[bad].flat[0])} is out of bounds.")
        ignored = int(_np.count_nonzero(tv == ignore_index))
    tk = _C.reshape(t, list(t.shape[:cax]) + [1] + list(t.shape[cax:]))
    classes = _C.iota([1] * cax + [n_classes] + [1] * (logp.ndim - cax - 1), cax, t._dtype_char)  # broadcasts
    hit = classes == tk  # an ignored target matches no class in range, unless ignore_index is a class:
    valid = cast(t != ignore_index, logp.dtype) if ignored else None  # masked then (only when present)

    def masked(v):
        return v if valid is None else v * valid
    w = _class_weight(weight, n_classes, logp.ndim, logp.dtype) if weight is not None else None
    # a selection, not a product with a one-hot: -inf log-probabilities elsewhere stay out of it
    picked = mnp.where(hit, logp if w is None else logp * w, 0.0)
    if valid is None and w is None and not smoothing and reduction != "none":
        # the common case: one reduction over everything (fewer ops to build and differentiate)
        total = _C.reduce(OPS["sum"], picked, list(range(logp.ndim)), False)
        return -total if reduction == "sum" else total / float(-tv.size)
    loss = masked(-_C.reduce(OPS["sum"], picked, [cax], False))
    if smoothing:
        smooth = masked(-_C.reduce(OPS["sum"], logp if w is None else logp * w, [cax], False))
    if reduction == "none":
        return loss * (1.0 - smoothing) + smooth * (smoothing / n_classes) if smoothing else loss
    out = mnp.sum(loss)
    if smoothing:
        out = out * (1.0 - smoothing) + mnp.sum(smooth) * (smoothing / n_classes)
    if reduction == "sum":
        return out
    if w is None:  # the mean over the targets not ignored, a count known here (0 of them: NaN, as torch)
        return out / float(tv.size - ignored)
    return out / mnp.sum(masked(_C.reduce(OPS["sum"], mnp.where(hit, w, 0.0), [cax], False)))


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,  # noqa: A002
             reduction="mean"):
    """Negative log-likelihood of class-index targets given log-probabilities (N, C, ...) or (C,)."""
    _check_reduction(reduction)
    logp = _float_input(input, "nll_loss")
    if logp.ndim == 0:
        raise ValueError("nll_loss: input must have at least one dimension (the classes)")
    return _nll_from_logp(logp, target, weight, ignore_index, reduction)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,  # noqa: A002
                  reduction="mean", label_smoothing=0.0):
    """Cross-entropy of logits (N, C, ...) or (C,) with class-index targets or class probabilities
    (a float target shaped like the input)."""
    _check_reduction(reduction)
    x = _float_input(input, "cross_entropy")
    if x.ndim == 0:
        raise ValueError("cross_entropy: input must have at least one dimension (the classes)")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    cax = 0 if x.ndim == 1 else 1
    logp = log_softmax(x, axis=cax)
    t = operand(target)
    if t.dtype.kind != "f":
        return _nll_from_logp(logp, t, weight, ignore_index, reduction, float(label_smoothing))
    if tuple(t.shape) != tuple(x.shape):
        raise ValueError(f"cross_entropy: probability targets must have the input's shape {tuple(x.shape)}, "
                         f"got {tuple(t.shape)}")
    t = cast(t, x.dtype)
    n_classes = x.shape[cax]
    if label_smoothing:
        t = t * (1.0 - label_smoothing) + label_smoothing / n_classes
    prod = logp * t if weight is None else logp * t * _class_weight(weight, n_classes, x.ndim, x.dtype)
    loss = -_C.reduce(OPS["sum"], prod, [cax], False)
    if reduction == "mean":  # over the batch elements, not the weights (torch)
        return mnp.sum(loss) / (x.size // n_classes)
    return _reduce(loss, reduction)


def _pair(input, target, name):
    x, t = _float_input(input, name), operand(target)
    return x, cast(t, x.dtype) if t.dtype != x.dtype else t


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean"):  # noqa: A002
    _check_reduction(reduction)
    x, t = _pair(input, target, "mse_loss")
    d = x - t
    return _reduce(d * d, reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean"):  # noqa: A002
    _check_reduction(reduction)
    x, t = _pair(input, target, "l1_loss")
    return _reduce(mnp.abs(x - t), reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):  # noqa: A002
    _check_reduction(reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    x, t = _pair(input, target, "smooth_l1_loss")
    d = x - t
    ad = mnp.abs(d)
    if beta == 0:
        return _reduce(ad, reduction)
    return _reduce(mnp.where(ad < beta, d * d * (0.5 / beta), ad - 0.5 * beta), reduction)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):  # noqa: A002
    """-(t log x + (1 - t) log(1 - x)) of probabilities x, each log clamped at -100 as torch does
    (inputs outside [0, 1] give NaN rather than torch's error: checking would compute them early)."""
    _check_reduction(reduction)
    x, t = _pair(input, target, "binary_cross_entropy")
    if tuple(t.shape) != tuple(x.shape):
        raise ValueError(f"Using a target size ({tuple(t.shape)}) that is different to the input size "
                         f"({tuple(x.shape)}) is deprecated. Please ensure they have the same size.")
    loss = -(t * mnp.maximum(mnp.log(x), -100.0) + (1.0 - t) * mnp.maximum(mnp.log1p(-x), -100.0))
    if weight is not None:
        loss = loss * cast(operand(weight), x.dtype)
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,  # noqa: A002
                                     reduction="mean", pos_weight=None):
    """Sigmoid and binary cross-entropy in one stable expression: (1 - t) x + l (log1p(e^-|x|) + max(-x, 0))
    with l = 1 + (pos_weight - 1) t."""
    _check_reduction(reduction)
    x, t = _pair(input, target, "binary_cross_entropy_with_logits")
    if tuple(t.shape) != tuple(x.shape):
        raise ValueError(f"Target size ({tuple(t.shape)}) must be the same as input size ({tuple(x.shape)})")
    soft = mnp.log1p(mnp.exp(-mnp.abs(x))) + mnp.maximum(-x, 0.0)
    if pos_weight is not None:
        soft = soft * ((cast(operand(pos_weight), x.dtype) - 1.0) * t + 1.0)
    loss = (1.0 - t) * x + soft
    if weight is not None:
        loss = loss * cast(operand(weight), x.dtype)
    return _reduce(loss, reduction)

