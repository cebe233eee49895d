"""mnnx.numpy.random: seed reproducibility, numpy's signatures/return types/errors, and distributions
checked by moments, Kolmogorov-Smirnov tests (exact CDFs, or two-sample against numpy's own sampler) and
exact probability mass functions. Seeds are fixed, so every check is deterministic."""
import math

import numpy as np
import pytest

import mnnx.numpy as mnp
from conftest import to_numpy

R = mnp.random
N = 40000


def ks_stat(x, cdf):
    x = np.sort(np.asarray(x, dtype=np.float64))
    f = cdf(x)
    n = x.size
    return max(np.max(np.arange(1, n + 1) / n - f), np.max(f - np.arange(n) / n))


def ks_two(x, y):
    x, y = np.sort(np.asarray(x, np.float64)), np.sort(np.asarray(y, np.float64))
    allv = np.concatenate([x, y])
    return np.max(np.abs(np.searchsorted(x, allv, "right") / x.size - np.searchsorted(y, allv, "right") / y.size))


def ks_limit(n, m=None):
    # critical value at alpha = 1e-4 (the asymptotic Kolmogorov distribution)
    c = math.sqrt(-0.5 * math.log(1e-4 / 2))
    return c * math.sqrt(1 / n + (1 / m if m else 0))


NORMAL_CDF = np.vectorize(lambda v: 0.5 * (1 + math.erf(v / math.sqrt(2))))


def test_seed_reproducibility_and_independence():
    a = to_numpy(R.default_rng(123).random(1000))
    b = to_numpy(R.default_rng(123).random(1000))
    c = to_numpy(R.default_rng(124).random(1000))
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    g = R.default_rng(7)
    assert R.default_rng(g) is g
    big = to_numpy(R.default_rng(2**70 + 5).random(4))
    assert not np.array_equal(big, to_numpy(R.default_rng(5).random(4)))
    assert np.array_equal(to_numpy(R.default_rng([1, 2, 3]).integers(100, size=8)),
                          to_numpy(R.default_rng([1, 2, 3]).integers(100, size=8)))
    with pytest.raises(ValueError):
        R.default_rng(-1)
    R.seed(5)
    x = to_numpy(R.rand(3, 2))
    R.seed(5)
    assert np.array_equal(x, to_numpy(R.rand(3, 2))) and x.shape == (3, 2)


def test_stream_is_pinned():
    # The bit stream is part of mnnx's contract (same on every machine): these values must never change.
    g = R.default_rng(0)
    assert [int(v) for v in to_numpy(g.integers(0, 1000, size=6))] == [729, 715, 712, 511, 339, 987]
    assert R.default_rng(0).random() == 0.7293091977479449


def test_return_types_match_numpy():
    g, ng = R.default_rng(0), np.random.default_rng(0)
    for name, args in [("random", ()), ("standard_normal", ()), ("normal", ()), ("uniform", ()),
                       ("exponential", ()), ("gamma", (2.0,)), ("beta", (1.0, 2.0)), ("poisson", (3.0,)),
                       ("binomial", (5, 0.5)), ("integers", (5,)), ("choice", (5,)), ("choice", ([1.5, 2.5],))]:
        assert type(getattr(g, name)(*args)) is type(getattr(ng, name)(*args)), name
    assert type(g.integers(5, dtype=np.int8)) is np.int8
    for name, args in [("random", ()), ("normal", (0, 1)), ("poisson", (3.0,)), ("integers", (0, 5))]:
        v = getattr(g, name)(*args, size=(2, 3))
        assert isinstance(v, mnp.ndarray) and v.shape == (2, 3)
        assert v.dtype == getattr(ng, name)(*args, size=(2, 3)).dtype
    assert g.random(4, dtype=np.float32).dtype == np.float32
    assert g.standard_normal(4, dtype=np.float32).dtype == np.float32
    assert g.normal([0, 10], 1).shape == (2,)
    assert g.integers([0, 10], [5, 20], size=(3, 2)).shape == (3, 2)


@pytest.mark.parametrize("call", [
    "normal(0, -1)", "exponential(-1)", "gamma(-1)", "gamma(1, -1)", "beta(0, 1)", "beta(1, 0)", "poisson(-1)",
    "poisson(1e20)", "poisson(np.nan)", "binomial(-1, 0.5)", "binomial(3, 1.5)", "integers(5, 3)", "integers(0)",
    "integers(-1, 5, dtype=np.uint8)", "integers(0, 300, dtype=np.uint8)", "random(dtype=np.int32)", "choice(0)",
    "choice(5, 6, replace=False)", "choice(5, p=[0.5, 0.6, 0, 0, 0])", "choice(3, p=[0.5, 0.5])",
    "choice(3, p=[1.5, -0.5, 0])", "uniform(0, np.inf)", "normal(0, [1, 1], size=3)", "choice(-1)",
    "choice(5, size=(3,), p=[1, 0, 0, 0, 0], replace=False)", "random(size=-1)"])
def test_errors_match_numpy(call):
    ng, g = np.random.default_rng(0), R.default_rng(0)
    with pytest.raises(Exception) as exp:
        eval("ng." + call)
    with pytest.raises(type(exp.value)) as got:
        eval("g." + call)
    assert str(got.value).split(".")[0] == str(exp.value).split(".")[0]


def test_uniform_and_integers():
    g = R.default_rng(1)
    u = to_numpy(g.random(N))
    assert u.min() >= 0 and u.max() < 1
    assert ks_stat(u, lambda x: x) < ks_limit(N)
    u32 = to_numpy(g.random(N, dtype=np.float32))
    assert ks_stat(u32, lambda x: x) < ks_limit(N) and u32.max() < 1
    v = to_numpy(g.uniform(-2, 3, N))
    assert ks_stat(v, lambda x: (x + 2) / 5) < ks_limit(N)
    k = to_numpy(g.integers(-3, 4, size=N))
    assert k.min() == -3 and k.max() == 3
    freq = np.bincount(k + 3) / N
    assert np.all(np.abs(freq - 1 / 7) < 5 * math.sqrt(1 / 7 * 6 / 7 / N))
    e = to_numpy(g.integers(0, 3, size=N, endpoint=True, dtype=np.uint8))
    assert e.dtype == np.uint8 and set(np.unique(e)) == {0, 1, 2, 3}
    full = to_numpy(g.integers(0, 2**64 - 1, size=N, dtype=np.uint64, endpoint=True))
    assert abs((full >> 63).mean() - 0.5) < 0.02  # the top bit is used
    b = to_numpy(g.integers(0, 2, size=1000, dtype=bool))
    assert b.dtype == bool and 400 < b.sum() < 600


def test_normal_exponential_ks():
    g = R.default_rng(2)
    z = to_numpy(g.standard_normal(N))
    assert ks_stat(z, NORMAL_CDF) < ks_limit(N)
    assert abs(z.mean()) < 5 / math.sqrt(N) and abs(z.std() - 1) < 0.02
    y = to_numpy(g.normal(3, 2, N))
    assert ks_stat((y - 3) / 2, NORMAL_CDF) < ks_limit(N)
    e = to_numpy(g.exponential(2.0, N))
    assert ks_stat(e, lambda x: 1 - np.exp(-x / 2)) < ks_limit(N)
    assert abs(e.mean() - 2) < 0.05


@pytest.mark.parametrize("shape", [0.3, 1.0, 4.5])
def test_gamma_two_sample_ks_against_numpy(shape):
    g, ng = R.default_rng(3), np.random.default_rng(3)
    x = to_numpy(g.gamma(shape, 2.0, N))
    assert ks_two(x, ng.gamma(shape, 2.0, N)) < ks_limit(N, N)
    assert abs(x.mean() - 2 * shape) < 5 * 2 * math.sqrt(shape / N)


@pytest.mark.parametrize("a,b", [(0.5, 0.5), (2.0, 5.0), (0.2, 3.0)])
def test_beta_two_sample_ks_against_numpy(a, b):
    g, ng = R.default_rng(4), np.random.default_rng(4)
    x = to_numpy(g.beta(a, b, N))
    assert x.min() >= 0 and x.max() <= 1
    assert ks_two(x, ng.beta(a, b, N)) < ks_limit(N, N)


def _pmf_check(samples, pmf, kmax):
    samples = np.asarray(samples)
    for k in range(kmax):
        p = pmf(k)
        assert abs(np.mean(samples == k) - p) < 5 * math.sqrt(p * (1 - p) / samples.size) + 1e-4, k


@pytest.mark.parametrize("lam", [0.0, 2.5, 9.9, 40.0, 1234.5])
def test_poisson_pmf_and_moments(lam):
    x = to_numpy(R.default_rng(5).poisson(lam, N))
    assert x.dtype == np.int64
    assert abs(x.mean() - lam) < 5 * math.sqrt(max(lam, 1e-9) / N) + 1e-12
    assert abs(x.var() - lam) < 0.05 * lam + 1e-12
    if lam:
        c = int(lam)
        _pmf_check(x - max(0, c - 20), lambda k: math.exp((k + max(0, c - 20)) * math.log(lam) - lam
                                                           - math.lgamma(k + max(0, c - 20) + 1)), 40)


@pytest.mark.parametrize("n,p", [(10, 0.3), (1, 0.5), (100, 0.9), (1000, 0.4), (50, 0.0), (50, 1.0)])
def test_binomial_pmf_and_moments(n, p):
    x = to_numpy(R.default_rng(6).binomial(n, p, N))
    assert x.min() >= 0 and x.max() <= n
    assert abs(x.mean() - n * p) < 5 * math.sqrt(n * p * (1 - p) / N) + 1e-12
    lo = max(0, int(n * p) - 20)

    def pmf(k):
        k += lo
        if k > n:
            return 0.0
        if p in (0.0, 1.0):
            return float(k == n * p)
        return math.exp(math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1) + k * math.log(p)
                        + (n - k) * math.log1p(-p))
    _pmf_check(x - lo, pmf, 40)


def test_choice_permutation_shuffle():
    g = R.default_rng(8)
    c = to_numpy(g.choice(4, N, p=[0.1, 0.2, 0.3, 0.4]))
    assert np.all(np.abs(np.bincount(c, minlength=4) / N - [0.1, 0.2, 0.3, 0.4]) < 0.01)
    s = to_numpy(g.choice(10, 10, replace=False))
    assert sorted(s) == list(range(10))
    first = [int(to_numpy(g.choice(3, 2, replace=False, p=[0.6, 0.3, 0.1]))[0]) for _ in range(3000)]
    assert abs(np.mean(np.array(first) == 0) - 0.6) < 0.04
    pop = np.arange(12).reshape(3, 4)
    picked = to_numpy(g.choice(pop, 5, axis=1))
    assert picked.shape == (3, 5) and np.all(np.isin(picked[0], pop[0]))
    assert sorted(to_numpy(g.permutation(mnp.arange(5))).tolist()) == [0, 1, 2, 3, 4]
    p = to_numpy(g.permutation(pop, axis=1))  # whole columns move together
    assert sorted(p[0].tolist()) == pop[0].tolist() and np.array_equal(p - p[0], np.broadcast_to([[0], [4], [8]], p.shape))
    x = np.arange(20)
    assert g.shuffle(x) is None and sorted(x.tolist()) == list(range(20)) and x.tolist() != list(range(20))
    lst = list(range(10))
    g.shuffle(lst)
    assert sorted(lst) == list(range(10))
    m = mnp.arange(20).reshape(10, 2)
    col = m[:, 1]
    assert g.shuffle(m) is None  # an mnnx array is shuffled in place, rows kept whole, views see it
    assert sorted(col.tolist()) == list(range(1, 20, 2)) and np.array_equal(np.asarray(m)[:, 0] + 1, col.tolist())
    assert np.asarray(m)[:, 0].tolist() != list(range(0, 20, 2))
    g1, g2 = mnp.random.default_rng(5), mnp.random.default_rng(5)
    a_np, a_mx = np.arange(8), mnp.arange(8)
    g1.shuffle(a_np)
    g2.shuffle(a_mx)
    assert a_mx.tolist() == a_np.tolist()  # the same stream for either kind of array
    # every permutation of 3 is equally likely
    counts = {}
    for _ in range(6000):
        t = tuple(to_numpy(g.permutation(3)).tolist())
        counts[t] = counts.get(t, 0) + 1
    assert len(counts) == 6 and all(abs(v / 6000 - 1 / 6) < 0.03 for v in counts.values())


def test_legacy_functions():
    R.seed(0)
    assert R.rand().__class__ is float and R.rand(2, 3).shape == (2, 3)
    assert R.randn(4).shape == (4,)
    r = to_numpy(R.randint(3, 9, size=100))
    assert r.min() >= 3 and r.max() < 9 and r.dtype == np.int64
    assert R.random((2,)).shape == (2,) and R.random_sample(3).shape == (3,)
    assert R.uniform(1, 2, 3).shape == (3,) and R.normal(0, 1, 3).shape == (3,)
    assert sorted(to_numpy(R.permutation(5)).tolist()) == list(range(5))
    assert R.choice([3, 4], 3).shape == (3,)
    for f, args in [(R.standard_normal, ()), (R.exponential, ()), (R.gamma, (2.0,)), (R.beta, (1.0, 1.0)),
                    (R.poisson, ()), (R.binomial, (3, 0.5))]:
        assert f(*args, size=4).shape == (4,)
    x = np.arange(5)
    assert R.shuffle(x) is None


@pytest.mark.parametrize("name,args", [
    ("standard_exponential", ()), ("standard_gamma", (0.7,)), ("lognormal", (0.5, 0.8)), ("chisquare", (3.0,)),
    ("laplace", (1.0, 2.0)), ("logistic", (1.0, 2.0)), ("rayleigh", (2.0,)), ("weibull", (1.5,)),
    ("pareto", (3.0,)), ("power", (2.5,)), ("standard_cauchy", ()), ("standard_t", (4.0,)), ("f", (3.0, 7.0)),
    ("triangular", (-1.0, 0.5, 2.0))])
def test_more_continuous_distributions_two_sample_ks(name, args):
    g, ng = R.default_rng(11), np.random.default_rng(11)
    x = to_numpy(getattr(g, name)(*args, size=N))
    assert x.shape == (N,) and x.dtype == np.float64 and np.isfinite(x).all()
    assert ks_two(x, getattr(ng, name)(*args, size=N)) < ks_limit(N, N)
    assert type(getattr(g, name)(*args)) is type(getattr(ng, name)(*args))


def test_more_discrete_distributions():
    g = R.default_rng(12)
    x = to_numpy(g.geometric(0.3, N))
    assert x.min() >= 1 and type(g.geometric(0.3)) is int
    _pmf_check(x, lambda k: 0.0 if k == 0 else 0.3 * 0.7 ** (k - 1), 25)
    assert to_numpy(g.geometric(1.0, 5)).tolist() == [1] * 5
    nb = to_numpy(g.negative_binomial(3, 0.4, N))
    assert abs(nb.mean() - 3 * 0.6 / 0.4) < 0.1 and abs(nb.var() - 3 * 0.6 / 0.16) < 0.5
    d = to_numpy(g.dirichlet([1.0, 2.0, 3.0], size=N))
    assert d.shape == (N, 3) and np.allclose(d.sum(axis=1), 1)
    assert np.all(np.abs(d.mean(axis=0) - np.array([1, 2, 3]) / 6) < 0.01)
    m = to_numpy(g.multinomial(20, [0.2, 0.3, 0.5], size=(N // 4, 2)))
    assert m.shape == (N // 4, 2, 3) and np.all(m.sum(axis=-1) == 20)
    assert np.all(np.abs(m.reshape(-1, 3).mean(axis=0) - [4, 6, 10]) < 0.1)
    p = to_numpy(g.permuted(np.arange(12).reshape(3, 4), axis=1))
    assert [sorted(r) for r in p.tolist()] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]
    assert sorted(to_numpy(g.permuted(np.arange(12).reshape(3, 4))).ravel().tolist()) == list(range(12))


@pytest.mark.parametrize("call", [
    "lognormal(0, -1)", "chisquare(0)", "laplace(0, -1)", "logistic(0, -1)", "rayleigh(-1)", "weibull(-1)",
    "pareto(0)", "standard_t(0)", "geometric(0)", "geometric(1.5)", "triangular(1, 0, 2)", "triangular(0, 3, 2)",
    "triangular(1, 1, 1)", "dirichlet([1, -1])", "multinomial(-1, [0.5, 0.5])", "multinomial(3, [-0.1, 1.1])",
    "standard_gamma(-1)", "f(0, 1)", "f(1, 0)", "power(0)", "negative_binomial(0, 0.5)", "negative_binomial(1, 0)",
    "standard_exponential(dtype=np.int32)"])
def test_more_errors_match_numpy(call):
    test_errors_match_numpy(call)


def test_array_parameters_broadcast_like_numpy():
    g, ng = R.default_rng(13), np.random.default_rng(13)
    shapes = {}
    for name, args, kw in [("gamma", (np.ones((2, 3)),), {}), ("beta", ([1.0, 2.0], [[3.0], [4.0]]), {}),
                           ("poisson", ([1.0, 100.0],), {"size": (3, 2)}), ("binomial", (np.array([5, 6]), 0.5), {}),
                           ("integers", (np.arange(4), np.arange(4) + 3), {}), ("normal", ([0.0, 10.0], 1.0), {}),
                           ("uniform", (0.0, [[1.0], [2.0]]), {"size": (2, 3)}), ("exponential", ([1.0, 2.0],), {})]:
        got, exp = getattr(g, name)(*args, **kw), getattr(ng, name)(*args, **kw)
        assert got.shape == exp.shape and got.dtype == exp.dtype, name
        shapes[name] = got.shape
    k = to_numpy(g.integers(np.arange(1000), np.arange(1000) + 3))
    assert np.all((k - np.arange(1000) >= 0) & (k - np.arange(1000) < 3))
    lam = np.array([1.0, 1000.0])
    x = to_numpy(g.poisson(lam, size=(N // 2, 2)))
    assert np.all(np.abs(x.mean(axis=0) - lam) < 5 * np.sqrt(lam / (N // 2)))


@pytest.mark.parametrize("call", [
    "random(0)", "random(())", "random((2, 0))", "integers(5, size=0)", "integers(5, size=())", "normal(size=0)",
    "choice(0, 0)", "choice([], 0)", "choice(5, 0)", "choice(5, 0, replace=False)", "poisson(3, size=(0, 2))",
    "binomial(3, 0.5, size=0)", "gamma(2.0, size=0)", "multinomial(3, [0.5, 0.5], size=0)",
    "dirichlet([1, 1], size=0)", "integers(5, 5, size=0)", "choice(np.arange(6).reshape(3, 2), 2, axis=1)"])
def test_empty_and_zero_d_sizes_match_numpy(call):
    e, g = eval("np.random.default_rng(0)." + call), eval("R.default_rng(0)." + call)
    assert np.shape(e) == np.shape(g) and np.asarray(e).dtype == np.asarray(g).dtype


def test_random_state_legacy_class():
    rs, nrs = R.RandomState(3), np.random.RandomState(3)
    for name, args in [("rand", (2, 3)), ("randn", (4,)), ("random_sample", ((2,),)), ("uniform", (0, 1, 3)),
                       ("normal", (0, 1, 3)), ("poisson", (2.0, 3)), ("binomial", (5, 0.5, 3)), ("gamma", (2.0, 1.0, 3)),
                       ("randint", (0, 5, 4)), ("choice", (5, 3)), ("permutation", (5,))]:
        got, exp = getattr(rs, name)(*args), getattr(nrs, name)(*args)
        assert got.shape == exp.shape and got.dtype == exp.dtype, name
    assert type(rs.rand()) is float and type(rs.randn()) is float
    a = to_numpy(R.RandomState(9).rand(5))
    b = R.RandomState(1)
    b.seed(9)
    assert np.array_equal(a, to_numpy(b.rand(5)))
    with pytest.raises(AttributeError):
        rs.no_such_method
    x = np.arange(6)
    assert rs.shuffle(x) is None and sorted(x.tolist()) == list(range(6))
    by = R.default_rng(0).bytes(13)
    assert isinstance(by, bytes) and len(by) == 13 and by == R.default_rng(0).bytes(13) and rs.bytes(3) != b""
