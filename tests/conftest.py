"""Shared settings and helpers for the mnnx test suite.

numpy is the oracle: every value test computes the same thing with numpy (inside
``np.errstate(all="ignore")``) and compares dtype, shape and values with ``assert_matches``."""
import os
import tempfile
import warnings
import zlib

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import mnnx
import mnnx.numpy as mnp

# ---------------------------------------------------------------- hypothesis profile
# Hypothesis keeps caches in ./.hypothesis; keep them out of the repository (in the temp dir).
if "HYPOTHESIS_STORAGE_DIRECTORY" not in os.environ:
    from hypothesis.configuration import set_hypothesis_home_dir
    set_hypothesis_home_dir(os.path.join(tempfile.gettempdir(), "mnnx-hypothesis"))
# database=None: the suite writes nothing outside tests/ (no .hypothesis/ directory).
settings.register_profile(
    "mnnx",
    max_examples=60,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
settings.register_profile("mnnx-quick", parent=settings.get_profile("mnnx"), max_examples=15)
settings.register_profile("mnnx-long", parent=settings.get_profile("mnnx"), max_examples=500)
# CI (CI=true) draws the same examples every run, so that a submission's verdict does not depend on luck;
# local runs keep exploring new ones.
settings.register_profile("mnnx-ci", parent=settings.get_profile("mnnx"), derandomize=True)
settings.load_profile(os.environ.get("MNNX_HYPOTHESIS_PROFILE", "mnnx-ci" if os.environ.get("CI") else "mnnx"))

# ---------------------------------------------------------------- kernel variants
def isa_params():
    """The kernel variants as pytest params (generic, avx2, avx512), skipped where the CPU lacks one."""
    try:
        with open("/proc/cpuinfo") as f:
            flags = set(f.read().split())
    except OSError:
        flags = set()
    return [pytest.param(isa, marks=[] if need is None or need in flags else [pytest.mark.skip(reason=f"CPU lacks {need}")],
                         id=isa) for isa, need in [("generic", None), ("avx2", "avx2"), ("avx512", "avx512f")]]


@pytest.fixture(params=isa_params())
def isa(request):
    """Runs the test on each kernel variant in turn (the plan cache is cleared on every switch)."""
    original = mnnx.debug.isa()
    mnnx.debug.force_isa(request.param)
    assert mnnx.debug.isa() == request.param
    yield request.param
    mnnx.debug.force_isa(original)
    assert mnnx.debug.isa() == original


# ---------------------------------------------------------------- dtypes
BOOL = [np.dtype(np.bool_)]
SINT = [np.dtype(t) for t in (np.int8, np.int16, np.int32, np.int64)]
UINT = [np.dtype(t) for t in (np.uint8, np.uint16, np.uint32, np.uint64)]
INTS = SINT + UINT
FLOATS = [np.dtype(t) for t in (np.float16, np.float32, np.float64)]
ALL_DTYPES = BOOL + INTS + FLOATS
NUMERIC = INTS + FLOATS

DEFAULT_RTOL = {np.dtype(np.float16): 1e-3, np.dtype(np.float32): 1e-5, np.dtype(np.float64): 1e-12}
# Transcendental functions: a few ulp plus conditioning (float16 results are computed in float32 and rounded).
TRANSCENDENTAL_RTOL = {np.dtype(np.float16): 2e-3, np.dtype(np.float32): 2e-6 * 4, np.dtype(np.float64): 1e-12}


def dtype_id(dt):
    return np.dtype(dt).name


def np_oracle(fn, *args, **kwargs):
    """Run numpy with all floating-point warnings silenced; returns ('ok', value) or ('raise', exc)."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return "ok", fn(*args, **kwargs)
        except Exception as e:  # noqa: BLE001 - the exception *is* the oracle's answer
            return "raise", e


def to_numpy(x):
    """The realized value of a mnnx array as a numpy array (numpy values pass through)."""
    if isinstance(x, mnnx.Var):
        return np.asarray(x)
    return np.asarray(x)


def _as_f64(a):
    return np.asarray(a).astype(np.float64)


def assert_matches(got, expected, rtol=None, atol=0.0, *, check_type=True, err_msg=""):
    """``got`` (a mnnx array) has numpy's dtype, shape and values ``expected``.

    Integers and bools compare exactly; floats with a dtype-dependent relative tolerance.
    NaN must be NaN in both; +-inf must match exactly."""
    if check_type:
        assert isinstance(got, mnnx.Var), f"expected a mnnx array, got {type(got).__name__} {err_msg}"
    g = to_numpy(got)
    e = np.asarray(expected)
    assert g.dtype == e.dtype, f"dtype: mnnx {g.dtype} vs numpy {e.dtype} {err_msg}"
    assert g.shape == e.shape, f"shape: mnnx {g.shape} vs numpy {e.shape} {err_msg}"
    if e.dtype.kind in "biu":
        if not np.array_equal(g, e):
            bad = np.argwhere(g != e)
            first = tuple(bad[0]) if len(bad) else ()
            raise AssertionError(
                f"values differ at {len(bad)} of {e.size} positions; first at {first}: "
                f"mnnx {g[first]!r} vs numpy {e[first]!r} {err_msg}")
        return
    if rtol is None:
        rtol = DEFAULT_RTOL[e.dtype]
    np.testing.assert_allclose(_as_f64(g), _as_f64(e), rtol=rtol, atol=atol, equal_nan=True, err_msg=err_msg)


def public_exception_type(exc):
    """The exception class a user would catch: numpy's private subclasses (UFuncTypeError,
    _UFuncOutputCastingError, ...) map to the builtin they derive from; AxisError stays AxisError."""
    for cls in type(exc).__mro__:
        if cls is np.exceptions.AxisError or cls.__module__ == "builtins":
            return cls
    return Exception


def assert_same_exception(np_fn, mnnx_fn):
    """numpy raises; mnnx raises the same exception type (or a subclass of it) when the
    expression is built, i.e. without anything being realized."""
    status, exc = np_oracle(np_fn)
    assert status == "raise", f"test premise: numpy accepted this and returned {exc!r}"
    with pytest.raises(public_exception_type(exc)):
        mnnx_fn()


# ---------------------------------------------------------------- value generation
def sample_values(dtype, shape, rng, *, special=False, low=None, high=None):
    """Deterministic arrays covering each dtype's range: small values, extremes, and (for
    floats, when ``special``) inf/-inf/nan/-0."""
    dt = np.dtype(dtype)
    n = int(np.prod(shape, dtype=np.int64))
    if dt.kind == "b":
        return rng.integers(0, 2, size=shape).astype(bool)
    if dt.kind in "iu":
        info = np.iinfo(dt)
        lo = info.min if low is None else max(low, info.min)
        hi = info.max if high is None else min(high, info.max)
        small = rng.integers(max(lo, -10), min(hi, 10) + 1, size=n, dtype=np.int64).astype(dt)
        full = rng.integers(lo, hi, size=n, dtype=dt, endpoint=True)
        pick = rng.random(n) < 0.5
        vals = np.where(pick, small, full)
        if n >= 4 and low is None and high is None:
            vals[:2] = [lo, hi]
        return vals.reshape(shape)
    lo = -100.0 if low is None else low
    hi = 100.0 if high is None else high
    with np.errstate(all="ignore"):
        vals = rng.uniform(lo, hi, size=n).astype(dt)
        ints = np.round(rng.uniform(lo, hi, size=n)).astype(dt)
    vals = np.where(rng.random(n) < 0.25, ints, vals)
    if special and n >= 5:
        vals[:5] = np.array([np.inf, -np.inf, np.nan, -0.0, 0.0], dtype=dt)
    return vals.reshape(shape)


def element_strategy(dtype, *, allow_special=False, min_value=None, max_value=None):
    dt = np.dtype(dtype)
    if dt.kind == "b":
        return st.booleans()
    if dt.kind in "iu":
        info = np.iinfo(dt)
        lo = info.min if min_value is None else max(int(min_value), info.min)
        hi = info.max if max_value is None else min(int(max_value), info.max)
        return st.integers(lo, hi)
    width = dt.itemsize * 8
    return st.floats(min_value=min_value, max_value=max_value, allow_nan=allow_special,
                     allow_infinity=allow_special and min_value is None and max_value is None,
                     width=width, allow_subnormal=False)


def array_strategy(dtype, shape, **kw):
    """hypothesis numpy arrays of ``dtype`` with the elements above (shape may be a strategy)."""
    return hnp.arrays(np.dtype(dtype), shape, elements=element_strategy(dtype, **kw))


def shapes(min_dims=0, max_dims=4, min_side=0, max_side=5):
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


@pytest.fixture
def rng(request):
    """A numpy Generator seeded from the test's name (deterministic per test)."""
    seed = zlib.crc32(request.node.nodeid.encode())
    return np.random.default_rng(seed)


@pytest.fixture
def restore_threads():
    n = mnnx.get_num_threads()
    yield
    mnnx.set_num_threads(n)


def statm_rss_bytes():
    """Resident set size of this process, from /proc/self/statm (Linux)."""
    with open("/proc/self/statm") as f:
        resident_pages = int(f.read().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE")


__all__ = ["np", "mnp", "mnnx", "ALL_DTYPES", "NUMERIC", "INTS", "SINT", "UINT", "FLOATS", "BOOL",
           "assert_matches", "assert_same_exception", "public_exception_type", "np_oracle", "sample_values", "array_strategy",
           "element_strategy", "shapes", "to_numpy", "dtype_id", "statm_rss_bytes"]
