"""Shared pieces of mnnx.numpy.random: seeding and numpy's size / parameter-broadcasting / return rules."""
import operator
import os

import numpy as _np

from .._tensor import Var, asarray as _wrap

_M64 = (1 << 64) - 1


def _seed_word(seed):
    """numpy-style seeds (non-negative ints, sequences of them, None for OS entropy) folded to 64 bits."""
    if seed is None:
        return int.from_bytes(os.urandom(8), "little")
    if isinstance(seed, (Var, _np.ndarray, list, tuple)):
        words = [int(v) for v in _np.asarray(seed).ravel()]
    else:
        try:
            words = [operator.index(seed)]
        except TypeError as e:
            raise TypeError("SeedSequence expects int or sequence of ints for entropy not " + repr(seed)) from e
    h = 0x243F6A8885A308D3
    for w in words:
        if w < 0:
            raise ValueError("expected non-negative integer")
        while True:  # every 64-bit limb of a big seed contributes
            h = ((h ^ (w & _M64)) * 0x9E3779B97F4A7C15 + 1) & _M64
            w >>= 64
            if not w:
                break
    return h


def _size(size):
    if size is None:
        return None
    shp = tuple(operator.index(s) for s in size) if isinstance(size, (tuple, list)) else (operator.index(size),)
    if any(s < 0 for s in shp):
        raise ValueError("negative dimensions are not allowed")
    return shp


def _params(size, *params, dtype=_np.float64):
    """(output shape, the parameters as 1-entry or flat full-size arrays), numpy's broadcasting rules."""
    arrs = [_np.asarray(p, dtype=dtype) for p in params]
    shape = _np.broadcast_shapes(*[a.shape for a in arrs])
    if size is not None:
        for i, a in enumerate(arrs):
            if _np.broadcast_shapes(a.shape, size) != size:
                raise ValueError("shape mismatch: objects cannot be broadcast to a single shape.  Mismatch is "
                                 f"between arg 0 with shape {size} and arg {i + 1} with shape {a.shape}.")
        shape = size
    if all(a.size == 1 for a in arrs):
        flat = [_np.ascontiguousarray(a.reshape(1)) for a in arrs]
    else:
        flat = [_np.ascontiguousarray(_np.broadcast_to(a, shape)).reshape(-1) for a in arrs]
    return shape, flat, arrs


def _finish(out, size, params_scalar, pytype):
    """numpy's return convention: a Python scalar when no size and scalar parameters, else an array."""
    if size is None and params_scalar:
        return pytype(out.reshape(()).item()) if pytype else out.reshape(())[()]
    return _wrap(out)


def _check(cond, msg):
    if _np.any(cond):
        raise ValueError(msg)
