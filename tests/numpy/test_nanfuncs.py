"""nan-ignoring reductions and the order statistics (quantile/percentile/median, nan forms) against numpy."""
import warnings

import numpy as np
import pytest
from hypothesis import given, strategies as st

import mnnx.numpy as mnp
from conftest import assert_matches, np_oracle, public_exception_type, sample_values, shapes

NAN_REDUCTIONS = ["nansum", "nanprod", "nanmean", "nanvar", "nanstd", "nanmax", "nanmin"]
RTOL = {np.dtype(np.float32): 2e-4, np.dtype(np.float64): 1e-9, np.dtype(np.float16): 1e-2}


def _with_nans(dt, shape, seed):
    rng = np.random.default_rng(seed)
    a = sample_values(dt, shape, rng, low=-3, high=3)
    if a.dtype.kind == "f" and a.size:
        a[rng.random(shape) < 0.3] = np.nan
        if a.ndim == 2 and rng.random() < 0.5:
            a[0] = np.nan  # an all-NaN slice
    return a


def check(np_fn, mnnx_fn, rtol=None, loose_dtype=False):
    status, exp = np_oracle(np_fn)
    if status == "raise":
        with pytest.raises(public_exception_type(exp)):
            mnnx_fn()
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = mnnx_fn()
    e = np.asarray(exp)
    if loose_dtype:  # numpy's all-NaN paths answer float32 or float64 depending on the path taken
        got = mnp.asarray(np.asarray(got).astype(e.dtype))
    assert_matches(got, exp, rtol=RTOL.get(e.dtype, 0) if rtol is None else rtol, atol=1e-6 if e.dtype.kind == "f" else 0)


@given(shape=shapes(min_dims=0, max_dims=2, max_side=5), dt=st.sampled_from(["float32", "float64", "int16", "uint8"]),
       seed=st.integers(0, 99), axis=st.sampled_from([None, 0, -1]), keepdims=st.booleans())
def test_nan_reductions(shape, dt, seed, axis, keepdims):
    a = _with_nans(dt, shape, seed)
    x = mnp.asarray(a)
    for name in NAN_REDUCTIONS:
        check(lambda: getattr(np, name)(a, axis=axis, keepdims=keepdims), lambda: getattr(mnp, name)(x, axis=axis, keepdims=keepdims))
    check(lambda: np.nanvar(a, axis=axis, ddof=1), lambda: mnp.nanvar(x, axis=axis, ddof=1))
    for name in ("nancumsum", "nancumprod", "nanargmax", "nanargmin"):
        check(lambda: getattr(np, name)(a, axis=axis), lambda: getattr(mnp, name)(x, axis=axis))


@given(shape=shapes(min_dims=0, max_dims=3, max_side=5), dt=st.sampled_from(["float32", "float64", "int32"]),
       seed=st.integers(0, 99), axis=st.sampled_from([None, 0, -1, (0, -1)]), keepdims=st.booleans(),
       q=st.sampled_from([0.0, 0.37, 1.0, [0.25, 0.5], [[0.1], [0.9]]]),
       method=st.sampled_from(["linear", "lower", "higher", "nearest", "midpoint", "inverted_cdf", "averaged_inverted_cdf",
                               "closest_observation", "interpolated_inverted_cdf", "hazen", "weibull", "median_unbiased",
                               "normal_unbiased"]), nan_free=st.booleans())
def test_quantiles(shape, dt, seed, axis, keepdims, q, method, nan_free):
    a = _with_nans(dt, shape, seed)
    if nan_free and a.dtype.kind == "f":
        a = np.nan_to_num(a)
    if a.size == 0 and isinstance(axis, tuple):
        axis = None  # numpy 2.4 fails on its own reshape there
    all_nan_slices = a.dtype.kind == "f" and np.isnan(a).any()
    for np_f, m_f in ((np.quantile, mnp.quantile), (np.nanquantile, mnp.nanquantile)):
        if np_f is np.nanquantile and np.ndim(q) == 2 and (all_nan_slices or isinstance(axis, tuple)):
            continue  # numpy 2.4 scrambles a 2-d q's dims on these paths: not a behaviour to copy
        check(lambda: np_f(a, q, axis=axis, method=method, keepdims=keepdims),
              lambda: m_f(mnp.asarray(a), q, axis=axis, method=method, keepdims=keepdims),
              loose_dtype=all_nan_slices and np_f is np.nanquantile)
    qp = np.multiply(q, 100).tolist() if isinstance(q, list) else q * 100
    check(lambda: np.percentile(a, qp, axis=axis), lambda: mnp.percentile(a, qp, axis=axis))
    if not (np.ndim(q) == 2 and (all_nan_slices or isinstance(axis, tuple))):
        check(lambda: np.nanpercentile(a, qp, axis=axis), lambda: mnp.nanpercentile(a, qp, axis=axis),
              loose_dtype=all_nan_slices)
    check(lambda: np.median(a, axis=axis, keepdims=keepdims), lambda: mnp.median(a, axis=axis, keepdims=keepdims))
    check(lambda: np.nanmedian(a, axis=axis, keepdims=keepdims), lambda: mnp.nanmedian(a, axis=axis, keepdims=keepdims))


def test_quantile_errors():
    a = np.arange(5.0)
    check(lambda: np.quantile(a, 1.5), lambda: mnp.quantile(a, 1.5))
    check(lambda: np.percentile(a, -1), lambda: mnp.percentile(a, -1))
    check(lambda: np.quantile(a, 0.5, axis=1), lambda: mnp.quantile(a, 0.5, axis=1))
    with pytest.raises(ValueError):
        mnp.nanargmax(np.array([np.nan, np.nan]))
