"""mnnx.numpy.random: numpy.random's Generator API and the legacy module functions.

Bit generator: xoshiro256** seeded through SplitMix64 (core/random.h). A seed gives the same stream on
every machine and every mnnx build, but not numpy's stream (numpy uses PCG64 / MT19937): bit-equality with
numpy is not a goal; the distributions are the same. Methods: ziggurat normals, inversion exponentials,
Marsaglia-Tsang gammas, Johnk/gamma-ratio betas, PTRS Poisson, BTRS binomial, Lemire bounded integers;
the other Generator distributions (lognormal, chisquare, laplace, logistic, rayleigh, weibull, pareto,
power, standard_cauchy/t, f, triangular, geometric, negative_binomial, dirichlet, multinomial) are exact
transformations of those.

Scalars come back as numpy does (Python float/int, or a numpy integer from integers/choice); arrays come
back as mnnx arrays. The legacy functions (seed, rand, randn, randint, ...) share one global Generator."""
import operator

import numpy as _np

from .. import _C
from .._tensor import Var, asarray as _wrap
from ._random_base import _check, _finish, _params, _seed_word, _size
from ._random_more import MoreDistributions

__all__ = ["default_rng", "Generator", "RandomState", "seed", "rand", "randn", "randint", "random", "random_sample",
           "uniform", "normal", "standard_normal", "exponential", "gamma", "beta", "poisson", "binomial", "choice",
           "permutation", "shuffle"]


class Generator(MoreDistributions):
    """numpy.random.Generator's methods over mnnx's xoshiro256** stream (see the module docstring)."""

    def __init__(self, seed=None):
        self._state = _np.zeros(4, _np.uint64)
        _C.rng_seed(self._state, _seed_word(seed))

    def __repr__(self):
        return "Generator(xoshiro256**)"

    # ---- uniform bits ----
    def random(self, size=None, dtype=_np.float64, out=None):
        dt = _np.dtype(dtype)
        if dt not in (_np.float32, _np.float64):
            raise TypeError(f"Unsupported dtype {dt!r} for random")
        shp = _size(size)
        if out is not None:
            if isinstance(out, Var):  # generated as for a numpy out, then written in
                if out.dtype != dt or (shp is not None and out.shape != shp):
                    raise ValueError("Supplied output array has the wrong dtype or shape")
                out[...] = self.random(out.shape, dt)
                return out
            if not isinstance(out, _np.ndarray):
                raise TypeError("out must be a numpy or mnnx array")
            if out.dtype != dt or not out.flags.c_contiguous or (shp is not None and out.shape != shp):
                raise ValueError("Supplied output array is not contiguous, writable or aligned, or has the wrong "
                                 "dtype or shape")
            _C.rng_random(self._state, out.reshape(-1))
            return out
        r = _np.empty(_np.prod(shp or (), dtype=_np.int64), dt)
        _C.rng_random(self._state, r)
        return _finish(r.reshape(shp or ()), shp, True, float)

    def integers(self, low, high=None, size=None, dtype=_np.int64, endpoint=False):
        dt = _np.dtype(dtype)
        if dt.kind not in "biu":
            raise TypeError(f"Unsupported dtype {dt!r} for integers")
        one_bound = high is None
        if one_bound:
            low, high = 0, low
        shp = _size(size)
        lo, hi = _np.asarray(low, dtype=object), _np.asarray(high, dtype=object)
        info = (0, 1) if dt.kind == "b" else (int(_np.iinfo(dt).min), int(_np.iinfo(dt).max))
        hi_incl = hi if endpoint else hi - 1
        if _np.any(lo < info[0]):
            raise ValueError(f"low is out of bounds for {dt.name}")
        if _np.any(hi_incl > info[1]):
            raise ValueError(f"high is out of bounds for {dt.name}")
        empty = shp is not None and 0 in shp
        if _np.any(lo > hi_incl) and not empty:  # numpy lets an empty draw through
            raise ValueError(("high < 0" if endpoint else "high <= 0") if one_bound else
                             ("low > high" if endpoint else "low >= high"))
        count = _np.asarray((hi_incl - lo + 1) % (1 << 64), dtype=object)  # 0 encodes the full 2^64 range
        shape, (lo64, cnt64), _ = _params(shp, _np.asarray(lo % (1 << 64), dtype=object).astype(_np.uint64),
                                          count.astype(_np.uint64), dtype=_np.uint64)
        r = _np.empty(_np.prod(shape, dtype=_np.int64), _np.uint64)
        _C.rng_integers(self._state, r, lo64, cnt64)
        r = r.view(_np.int64).astype(dt) if dt.kind != "u" else r.astype(dt)
        return _finish(r.reshape(shape), shp, lo.ndim == 0 and hi.ndim == 0, None)

    def choice(self, a, size=None, replace=True, p=None, axis=0, shuffle=True):
        pop = None
        if isinstance(a, (int, _np.integer)) or (_np.ndim(a) == 0 and _np.asarray(a).dtype.kind in "iu"):
            n = operator.index(a)
            if n < 0:
                raise ValueError("a must be a positive integer unless no samples are taken")
        else:
            pop = _np.asarray(a)
            if pop.ndim == 0:
                raise ValueError("a must be a sequence or an integer, not a scalar")
            axis = operator.index(axis)
            n = pop.shape[axis]
        shp = _size(size)
        k = int(_np.prod(shp)) if shp is not None else 1
        if n == 0 and k:
            raise ValueError("a must be a positive integer unless no samples are taken" if pop is None else
                             "a cannot be empty unless no samples are taken")
        if p is not None:
            p = _np.asarray(p, dtype=_np.float64)
            if p.ndim != 1:
                raise ValueError("p must be 1-dimensional")
            if p.size != n:
                raise ValueError("a and p must have same size")
            if _np.any(p < 0) or _np.isnan(p).any():
                raise ValueError("Probabilities are not non-negative")
            if abs(p.sum() - 1.0) > _np.sqrt(_np.finfo(_np.float64).eps):
                raise ValueError("Probabilities do not sum to 1. See Notes section of docstring for more "
                                 "information.")
        if replace:
            if p is None:
                idx = _np.asarray(self.integers(0, max(n, 1), size=k))
            else:
                cdf = _np.cumsum(p)
                cdf /= cdf[-1]
                idx = _np.searchsorted(cdf, _np.asarray(self.random(k)), side="right")
                idx = _np.minimum(idx, n - 1)
        else:
            if k > n:
                raise ValueError("Cannot take a larger sample than population when replace is False")
            if p is None:
                perm = _np.arange(n, dtype=_np.int64)
                _C.rng_shuffle_prefix(self._state, perm, k)
                idx = perm[:k]
            else:
                if _np.count_nonzero(p) < k:
                    raise ValueError("Fewer non-zero entries in p than size")
                # Efraimidis-Spirakis keys E/p: the k smallest are a sequential weighted draw, in draw order
                e = _np.empty(n)
                _C.rng_exponential(self._state, e)
                with _np.errstate(divide="ignore"):
                    keys = e / p
                idx = _np.argsort(keys, kind="stable")[:k]
            if not shuffle:
                idx = _np.sort(idx)
        idx = idx.reshape(shp if shp is not None else ())
        if pop is None:
            return int(idx) if shp is None else _wrap(_np.ascontiguousarray(idx.astype(_np.int64)))
        r = _np.take(pop, idx, axis=axis)
        return r[()] if shp is None and r.ndim == 0 else _wrap(_np.ascontiguousarray(r))

    def permutation(self, x, axis=0):
        if isinstance(x, (int, _np.integer)):
            idx = _np.arange(x, dtype=_np.int64)
            _C.rng_shuffle(self._state, idx)
            return _wrap(idx)
        arr = _np.asarray(x)
        if arr.ndim == 0:
            raise _np.exceptions.AxisError("x must be an integer or at least 1-dimensional")
        axis = _np.lib.array_utils.normalize_axis_index(axis, arr.ndim)
        idx = _np.arange(arr.shape[axis], dtype=_np.int64)
        _C.rng_shuffle(self._state, idx)
        return _wrap(_np.ascontiguousarray(_np.take(arr, idx, axis=axis)))

    def shuffle(self, x, axis=0):
        """In place, as numpy: mnnx arrays (and every view of their data), numpy arrays and lists are
        shuffled along `axis` and None is returned."""
        if isinstance(x, Var):
            if x.ndim == 0:
                raise TypeError("shuffle requires an array with at least one dimension")
            x[...] = self.permutation(x, axis=axis)
            return None
        if isinstance(x, _np.ndarray):
            if x.ndim == 0:
                raise TypeError("shuffle requires an array with at least one dimension")
            axis = _np.lib.array_utils.normalize_axis_index(axis, x.ndim)
            idx = _np.arange(x.shape[axis], dtype=_np.int64)
            _C.rng_shuffle(self._state, idx)
            moved = _np.moveaxis(x, axis, 0)
            moved[...] = moved[idx]
            return None
        if isinstance(x, list):
            if axis != 0:
                raise _np.exceptions.AxisError("Axis argument is only supported on ndarray objects")
            idx = _np.arange(len(x), dtype=_np.int64)
            _C.rng_shuffle(self._state, idx)
            x[:] = [x[i] for i in idx]
            return None
        raise TypeError(f"shuffle needs a numpy array or a list, not {type(x).__name__}")

    # ---- continuous distributions ----
    def standard_normal(self, size=None, dtype=_np.float64, out=None):
        dt = _np.dtype(dtype)
        if dt not in (_np.float32, _np.float64):
            raise TypeError(f"Unsupported dtype {dt!r} for standard_normal")
        shp = _size(size)
        r = _np.empty(_np.prod(shp or (), dtype=_np.int64))
        _C.rng_normal(self._state, r)
        r = r.astype(dt, copy=False).reshape(shp or ())
        if out is not None:
            if not isinstance(out, _np.ndarray):
                raise TypeError("out must be a writable numpy array")
            out[...] = r.reshape(out.shape)
            return out
        return _finish(r, shp, True, float)

    def normal(self, loc=0.0, scale=1.0, size=None):
        shp = _size(size)
        shape, _, (loc, scale) = _params(shp, loc, scale)
        _check(scale < 0, "scale < 0")
        z = _np.empty(_np.prod(shape, dtype=_np.int64))
        _C.rng_normal(self._state, z)
        return _finish(loc + scale * z.reshape(shape), shp, loc.ndim == scale.ndim == 0, float)

    def uniform(self, low=0.0, high=1.0, size=None):
        shp = _size(size)
        shape, _, (low, high) = _params(shp, low, high)
        with _np.errstate(over="ignore", invalid="ignore"):
            rng_ = high - low
        if not _np.all(_np.isfinite(rng_)):
            raise OverflowError("high - low range exceeds valid bounds")
        u = _np.empty(_np.prod(shape, dtype=_np.int64))
        _C.rng_random(self._state, u)
        return _finish(low + rng_ * u.reshape(shape), shp, low.ndim == high.ndim == 0, float)

    def exponential(self, scale=1.0, size=None):
        shp = _size(size)
        shape, _, (scale,) = _params(shp, scale)
        _check(scale < 0, "scale < 0")
        e = _np.empty(_np.prod(shape, dtype=_np.int64))
        _C.rng_exponential(self._state, e)
        return _finish(scale * e.reshape(shape), shp, scale.ndim == 0, float)

    def gamma(self, shape, scale=1.0, size=None):
        shp = _size(size)
        oshape, (k, _), (k0, scale) = _params(shp, shape, scale)
        _check(k0 < 0, "shape < 0")
        _check(scale < 0, "scale < 0")
        g = _np.empty(_np.prod(oshape, dtype=_np.int64))
        _C.rng_gamma(self._state, g, k)
        return _finish(scale * g.reshape(oshape), shp, k0.ndim == scale.ndim == 0, float)

    def beta(self, a, b, size=None):
        shp = _size(size)
        shape, (fa, fb), (a0, b0) = _params(shp, a, b)
        _check(a0 <= 0, "a <= 0")
        _check(b0 <= 0, "b <= 0")
        r = _np.empty(_np.prod(shape, dtype=_np.int64))
        _C.rng_beta(self._state, r, fa, fb)
        return _finish(r.reshape(shape), shp, a0.ndim == b0.ndim == 0, float)

    # ---- discrete distributions ----
    def poisson(self, lam=1.0, size=None):
        shp = _size(size)
        shape, (fl,), (lam0,) = _params(shp, lam)
        _check(~(lam0 >= 0), "lam < 0 or lam is NaN")
        _check(lam0 > _np.iinfo(_np.int64).max - 10 * _np.sqrt(_np.iinfo(_np.int64).max), "lam value too large")
        r = _np.empty(_np.prod(shape, dtype=_np.int64), _np.int64)
        _C.rng_poisson(self._state, r, fl)
        return _finish(r.reshape(shape), shp, lam0.ndim == 0, int)

    def binomial(self, n, p, size=None):
        shp = _size(size)
        shape, (fn, fp), (n0, p0) = _params(shp, _np.asarray(n).astype(_np.int64), p)
        _check(n0 < 0, "n < 0")
        _check(~((p0 >= 0) & (p0 <= 1)), "p < 0, p > 1 or p is NaN")
        fn = fn.astype(_np.int64)
        r = _np.empty(_np.prod(shape, dtype=_np.int64), _np.int64)
        _C.rng_binomial(self._state, r, fn, fp)
        return _finish(r.reshape(shape), shp, n0.ndim == p0.ndim == 0, int)


def default_rng(seed=None):
    """A Generator; passing a Generator returns it unchanged (numpy's rule)."""
    return seed if isinstance(seed, Generator) else Generator(seed)


class RandomState:
    """numpy's legacy RandomState interface (rand, randn, randint, random_sample, ...) over this module's
    xoshiro256** stream: the same methods and argument conventions, not MT19937's numbers."""

    def __init__(self, seed=None):
        self._g = Generator(seed)

    def seed(self, seed=None):
        self._g = Generator(seed)

    def rand(self, *shape):
        return self._g.random(shape if shape else None)

    def randn(self, *shape):
        return self._g.standard_normal(shape if shape else None)

    def randint(self, low, high=None, size=None, dtype=int):
        return self._g.integers(low, high, size=size, dtype=dtype)

    def random_sample(self, size=None):
        return self._g.random(size)

    random = random_sample

    def choice(self, a, size=None, replace=True, p=None):
        return self._g.choice(a, size, replace, p)

    def permutation(self, x):
        return self._g.permutation(x)

    def shuffle(self, x):
        return self._g.shuffle(x)

    def bytes(self, length):
        return self._g.bytes(length)

    def __getattr__(self, name):  # the distributions share Generator's signatures
        if name in _SHARED:
            return getattr(self._g, name)
        raise AttributeError(f"'RandomState' object has no attribute '{name}'")


_SHARED = {"uniform", "normal", "standard_normal", "exponential", "standard_exponential", "gamma", "standard_gamma",
           "beta", "poisson", "binomial", "lognormal", "chisquare", "laplace", "logistic", "rayleigh", "weibull",
           "pareto", "power", "standard_cauchy", "standard_t", "f", "triangular", "geometric", "negative_binomial",
           "dirichlet", "multinomial"}


# ---- legacy module functions on one global Generator ----
_global = Generator()


def seed(seed=None):
    global _global
    _global = Generator(seed)


def rand(*shape):
    return _global.random(shape if shape else None)


def randn(*shape):
    return _global.standard_normal(shape if shape else None)


def randint(low, high=None, size=None, dtype=int):
    return _global.integers(low, high, size=size, dtype=dtype)


def random(size=None):
    return _global.random(size)


random_sample = random


def uniform(low=0.0, high=1.0, size=None):
    return _global.uniform(low, high, size)


def normal(loc=0.0, scale=1.0, size=None):
    return _global.normal(loc, scale, size)


def standard_normal(size=None):
    return _global.standard_normal(size)


def exponential(scale=1.0, size=None):
    return _global.exponential(scale, size)


def gamma(shape, scale=1.0, size=None):
    return _global.gamma(shape, scale, size)


def beta(a, b, size=None):
    return _global.beta(a, b, size)


def poisson(lam=1.0, size=None):
    return _global.poisson(lam, size)


def binomial(n, p, size=None):
    return _global.binomial(n, p, size)


def choice(a, size=None, replace=True, p=None):
    return _global.choice(a, size, replace, p)


def permutation(x):
    return _global.permutation(x)


def shuffle(x):
    return _global.shuffle(x)
