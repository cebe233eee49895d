"""The Generator distributions beyond issue 7's core set (lognormal, chisquare, laplace, ..., dirichlet,
multinomial, permuted, bytes): exact transformations of the native kernels' uniform, exponential, normal,
gamma, Poisson and binomial streams. Mixed into mnnx.numpy.random.Generator."""
import operator

import numpy as _np

from .. import _C
from .._tensor import asarray as _wrap
from ._random_base import _check, _finish, _params, _size


class MoreDistributions:
    """Needs self._state (the generator's 4-word state array)."""

    def _fill(self, kernel, shape, *params, dtype=_np.float64):
        r = _np.empty(_np.prod(shape, dtype=_np.int64), dtype)
        kernel(self._state, r, *params)
        return r.reshape(shape)

    def _unit(self, shape):
        return self._fill(_C.rng_random, shape)

    def _std_exp(self, shape):
        return self._fill(_C.rng_exponential, shape)

    def _std_normal(self, shape):
        return self._fill(_C.rng_normal, shape)

    def _std_gamma(self, shape, k):
        return self._fill(_C.rng_gamma, shape, _np.ascontiguousarray(_np.broadcast_to(k, shape), dtype=_np.float64)
                          .reshape(-1) if _np.ndim(k) else _np.array([float(k)]))

    def _dist(self, size, params, checks, make, pytype=float):
        shp = _size(size)
        shape, _, ps = _params(shp, *params)
        for cond, msg in checks:
            _check(cond(*ps), msg)
        return _finish(_np.asarray(make(shape, *ps)), shp, all(p.ndim == 0 for p in ps), pytype)

    def standard_exponential(self, size=None, dtype=_np.float64, method="zig", out=None):
        dt = _np.dtype(dtype)
        if dt not in (_np.float32, _np.float64):
            raise TypeError(f"Unsupported dtype {dt!r} for standard_exponential")
        shp = _size(size)
        r = self._std_exp(shp or ()).astype(dt, copy=False)
        if out is not None:
            out[...] = r.reshape(out.shape)
            return out
        return _finish(r, shp, True, float)

    def standard_gamma(self, shape, size=None, dtype=_np.float64, out=None):
        r = self._dist(size, (shape,), [(lambda k: k < 0, "shape < 0")],
                       lambda shp, k: self._std_gamma(shp, k).astype(dtype, copy=False))
        if out is not None:
            out[...] = _np.asarray(r)
            return out
        return r

    def lognormal(self, mean=0.0, sigma=1.0, size=None):
        return self._dist(size, (mean, sigma), [(lambda m, s: s < 0, "sigma < 0")],
                          lambda shp, m, s: _np.exp(m + s * self._std_normal(shp)))

    def chisquare(self, df, size=None):
        return self._dist(size, (df,), [(lambda d: ~(d > 0), "df <= 0")],
                          lambda shp, d: 2.0 * self._std_gamma(shp, d / 2.0))

    def laplace(self, loc=0.0, scale=1.0, size=None):
        def make(shp, loc, scale):
            u = self._unit(shp)
            with _np.errstate(divide="ignore"):
                return _np.where(u < 0.5, loc + scale * _np.log(2 * u), loc - scale * _np.log(2 * (1 - u)))
        return self._dist(size, (loc, scale), [(lambda l_, s: s < 0, "scale < 0")], make)

    def logistic(self, loc=0.0, scale=1.0, size=None):
        def make(shp, loc, scale):
            u = self._unit(shp)
            with _np.errstate(divide="ignore"):
                return loc + scale * _np.log(u / (1 - u))
        return self._dist(size, (loc, scale), [(lambda l_, s: s < 0, "scale < 0")], make)

    def rayleigh(self, scale=1.0, size=None):
        return self._dist(size, (scale,), [(lambda s: s < 0, "scale < 0")],
                          lambda shp, s: s * _np.sqrt(2.0 * self._std_exp(shp)))

    def weibull(self, a, size=None):
        def make(shp, a):
            e = self._std_exp(shp)
            with _np.errstate(divide="ignore"):
                return _np.where(a == 0, 0.0, _np.power(e, 1.0 / _np.where(a == 0, 1.0, a)))
        return self._dist(size, (a,), [(lambda a: a < 0, "a < 0")], make)

    def pareto(self, a, size=None):
        return self._dist(size, (a,), [(lambda a: ~(a > 0), "a <= 0")],
                          lambda shp, a: _np.expm1(self._std_exp(shp) / a))

    def power(self, a, size=None):
        return self._dist(size, (a,), [(lambda a: ~(a > 0), "a <= 0")],
                          lambda shp, a: _np.power(-_np.expm1(-self._std_exp(shp)), 1.0 / a))

    def standard_cauchy(self, size=None):
        shp = _size(size)
        r = self._std_normal(shp or ()) / self._std_normal(shp or ())
        return _finish(r, shp, True, float)

    def standard_t(self, df, size=None):
        def make(shp, d):
            z = self._std_normal(shp)
            return z / _np.sqrt(2.0 * self._std_gamma(shp, d / 2.0) / d)
        return self._dist(size, (df,), [(lambda d: ~(d > 0), "df <= 0")], make)

    def f(self, dfnum, dfden, size=None):
        def make(shp, a, b):
            return (self._std_gamma(shp, a / 2.0) / a) / (self._std_gamma(shp, b / 2.0) / b)
        return self._dist(size, (dfnum, dfden), [(lambda a, b: ~(a > 0), "dfnum <= 0"),
                                                 (lambda a, b: ~(b > 0), "dfden <= 0")], make)

    def triangular(self, left, mode, right, size=None):
        def make(shp, lo, mo, hi):
            u = self._unit(shp)
            base = hi - lo
            left_part = (mo - lo) / base
            return _np.where(u <= left_part, lo + _np.sqrt(u * base * (mo - lo)),
                             hi - _np.sqrt((1 - u) * base * (hi - mo)))
        return self._dist(size, (left, mode, right), [(lambda lo, mo, hi: lo > mo, "left > mode"),
                                                       (lambda lo, mo, hi: mo > hi, "mode > right"),
                                                       (lambda lo, mo, hi: lo == hi, "left == right")], make)

    def geometric(self, p, size=None):
        def make(shp, p):
            u = self._unit(shp)  # inversion: the number of trials up to the first success
            with _np.errstate(divide="ignore"):
                k = _np.where(p == 1, 1.0, _np.ceil(_np.log1p(-u) / _np.log1p(-p)))
            return _np.maximum(k, 1).astype(_np.int64)
        return self._dist(size, (p,), [(lambda p: ~((p > 0) & (p <= 1)), "p <= 0, p > 1 or p contains NaNs")],
                          make, int)

    def negative_binomial(self, n, p, size=None):
        def make(shp, n, p):
            with _np.errstate(divide="ignore", invalid="ignore"):
                lam = self._std_gamma(shp, n) * ((1 - p) / p)
            r = _np.empty(_np.prod(shp, dtype=_np.int64), _np.int64)
            _C.rng_poisson(self._state, r, _np.ascontiguousarray(lam, dtype=_np.float64).reshape(-1))
            return r.reshape(shp)
        return self._dist(size, (n, p), [(lambda n, p: ~(n > 0), "n <= 0"),
                                         (lambda n, p: ~((p > 0) & (p <= 1)), "p <= 0, p > 1 or p contains NaNs")],
                          make, int)

    def dirichlet(self, alpha, size=None):
        alpha = _np.asarray(alpha, dtype=_np.float64)
        if alpha.ndim != 1:
            raise ValueError("alpha must be a one-dimensional sequence of floats")
        _check(alpha < 0, "alpha < 0")
        _check(_np.isnan(alpha), "alpha contains NaNs")
        shp = _size(size)
        shape = (shp or ()) + alpha.shape
        g = self._std_gamma(shape, _np.broadcast_to(alpha, shape))
        with _np.errstate(invalid="ignore"):
            return _wrap(_np.ascontiguousarray(g / g.sum(axis=-1, keepdims=True)))

    def multinomial(self, n, pvals, size=None):
        """Counts from n trials over len(pvals) categories: a chain of conditional binomials."""
        pv = _np.asarray(pvals, dtype=_np.float64)
        if pv.ndim != 1:
            raise ValueError("pvals must be a 1-d sequence")
        _check(_np.asarray(n) < 0, "n < 0")
        _check(~((pv >= 0) & (pv <= 1)), "pvals < 0, pvals > 1 or pvals contains NaNs")
        if pv[:-1].sum() > 1.0 + 1e-12:
            raise ValueError("sum(pvals[:-1]) > 1.0")
        shp = _size(size)
        shape = _np.broadcast_shapes(_np.shape(n), shp or ())
        left = _np.ascontiguousarray(_np.broadcast_to(_np.asarray(n, dtype=_np.int64), shape)).reshape(-1)
        out = _np.zeros((left.size, pv.size), _np.int64)
        rest = 1.0
        for k in range(pv.size - 1):
            p = min(max(pv[k] / rest, 0.0), 1.0) if rest > 0 else 0.0
            draw = _np.empty(left.size, _np.int64)
            _C.rng_binomial(self._state, draw, left.copy(), _np.full(left.size, p))
            out[:, k] = draw
            left = left - draw
            rest -= pv[k]
        if pv.size:
            out[:, -1] = left
        return _wrap(out.reshape(shape + (pv.size,)))

    def bytes(self, length):
        n = operator.index(length)
        words = _np.empty((n + 7) // 8, _np.uint64)
        _C.rng_integers(self._state, words, _np.zeros(1, _np.uint64), _np.zeros(1, _np.uint64))
        return words.tobytes()[:n]

    def permuted(self, x, *, axis=None, out=None):
        """Each 1-d slice along axis shuffled independently (all elements when axis is None); a new array."""
        arr = _np.array(x, copy=True)
        if axis is None:
            flat = arr.reshape(-1)
            idx = _np.arange(flat.size, dtype=_np.int64)
            _C.rng_shuffle(self._state, idx)
            arr = flat[idx].reshape(arr.shape)
        else:
            moved = _np.moveaxis(arr, axis, -1)
            rows = moved.reshape(-1, moved.shape[-1])
            for i in range(rows.shape[0]):
                idx = _np.arange(rows.shape[1], dtype=_np.int64)
                _C.rng_shuffle(self._state, idx)
                rows[i] = rows[i][idx]
            arr = _np.moveaxis(rows.reshape(moved.shape), -1, axis)
        if out is not None:
            out[...] = arr
            return out
        return _wrap(_np.ascontiguousarray(arr))
