"""Laziness and realization: what realizes and what does not, held intermediates realized once,
the plan cache, explain, bounded memory for very long chains, thread-count independence."""
import gc
import io
import threading
import time

import numpy as np
import pytest

import mnnx
import mnnx.numpy as mnp
from conftest import assert_matches, statm_rss_bytes


def fresh_lazy():
    x = mnp.asarray(np.arange(12.0).reshape(3, 4))
    return x, mnp.tanh(x * 0.5) + 1.0


def cache_calls():
    info = mnnx.debug.plan_cache_info()
    return info.hits + info.misses


# --------------------------------------------------------------------------------- what realizes
def test_building_does_not_realize():
    x = mnp.asarray(np.arange(12.0).reshape(3, 4))
    assert x._realized  # a wrapped ndarray is a realized leaf
    built = [x * 2, mnp.exp(x), x.sum(axis=0), x.T, x[::-1, 1:], x.reshape(4, 3), mnp.broadcast_to(x, (2, 3, 4)),
             mnp.concatenate([x, x]), mnp.cumsum(x, axis=1), x.astype(mnp.float32), mnp.where(x > 3, x, 0),
             mnp.zeros((3, 3)), mnp.arange(10), x.mean(), x.argmax(), mnnx.expr.softmax(x)]
    for v in built:
        assert isinstance(v, mnnx.Var)
    lazy = [v for v in built if not v._realized]
    # views of a realized buffer may be realized for free; everything that computes must not be
    for v in (built[0], built[1], built[2], built[7], built[8], built[9], built[10], built[13], built[14],
              built[15]):
        assert not v._realized
    assert len(lazy) >= 10


@pytest.mark.parametrize("trigger", ["print", "repr", "str", "np.asarray", "numpy()", "item", "float", "int", "bool",
                                     "tolist", "iter", "dlpack", "mnnx.eval", "realize", "np.array", "format"])
def test_realizing_triggers(trigger, capsys):
    x, y = fresh_lazy()
    y = y.sum() if trigger in ("item", "float", "int", "bool", "format") else y
    assert not y._realized
    if trigger == "print":
        print(y)
        assert capsys.readouterr().out.strip() == str(np.tanh(np.arange(12.0).reshape(3, 4) * 0.5) + 1.0)
    elif trigger == "repr":
        repr(y)
    elif trigger == "str":
        str(y)
    elif trigger == "np.asarray":
        np.asarray(y)
    elif trigger == "numpy()":
        y.numpy()
    elif trigger == "item":
        y.item()
    elif trigger == "float":
        float(y)
    elif trigger == "int":
        int(y)
    elif trigger == "bool":
        bool(y)
    elif trigger == "tolist":
        y.tolist()
    elif trigger == "iter":
        [float(v) for v in y[0]]
    elif trigger == "dlpack":
        np.from_dlpack(y)
    elif trigger == "mnnx.eval":
        mnnx.eval(y)
    elif trigger == "realize":
        assert y.realize() is y
    elif trigger == "np.array":
        np.array(y)
    elif trigger == "format":
        f"{float(y):.3f}"
    assert y._realized


def test_realized_value_is_computed_once():
    x, y = fresh_lazy()
    a1 = np.asarray(y)
    calls = cache_calls()
    a2 = np.asarray(y)
    assert cache_calls() == calls  # no second plan run
    assert np.shares_memory(a1, a2)


# --------------------------------------------------------------------------------- held intermediates
def test_held_intermediates_are_realized_alongside():
    x = mnp.asarray(np.linspace(-2, 2, 20).reshape(4, 5))
    t = mnp.exp(x) * 2           # held by Python
    s = t.sum(axis=1)            # held
    y = (t / s[:, None]).max()   # requested
    assert not t._realized and not s._realized
    np.asarray(y)
    assert t._realized and s._realized
    calls = cache_calls()
    et = np.exp(np.linspace(-2, 2, 20).reshape(4, 5)) * 2
    assert_matches(t, et, rtol=1e-12)            # no recomputation: nothing new to plan or run
    assert_matches(s, et.sum(axis=1), rtol=1e-12)
    assert cache_calls() == calls
    assert_matches(y, (et / et.sum(axis=1)[:, None]).max(), rtol=1e-12)


def test_dropped_intermediates_are_fused_away():
    x = mnp.asarray(np.ones((8, 8), np.float32))
    y = mnp.tanh(x * 2 + 1) * 0.5 + mnp.exp(-x)   # no intermediate held
    buf = io.StringIO()
    text = mnnx.debug.explain(y, file=buf)
    assert buf.getvalue() == text
    assert "1 kernel" in text, text
    assert not y._realized
    t = x * 2                      # now hold one intermediate: it must be an output too
    y2 = mnp.tanh(t + 1)
    np.asarray(y2)
    assert t._realized
    assert_matches(t, np.full((8, 8), 2.0, np.float32), rtol=0)


def test_held_view_intermediate():
    a = np.arange(20.0)
    x = mnp.copy(mnp.asarray(a))
    v = x[::-3]                    # a held view of an unrealized node
    y = v * 2
    np.asarray(y)
    assert_matches(v, a[::-3], rtol=0)
    assert_matches(x, a, rtol=0)
    assert_matches(y, a[::-3] * 2, rtol=0)


# --------------------------------------------------------------------------------- plan cache
def test_plan_cache_one_miss_then_hits():
    mnnx.debug.plan_cache_clear()
    before = mnnx.debug.plan_cache_info()  # hits and misses count since import
    assert before.plans == 0
    rng = np.random.default_rng(0)
    for step in range(100):
        a = rng.standard_normal((64, 48))
        x = mnp.asarray(a)
        y = (mnp.tanh(x * 2 + 1) - x.mean(axis=0)).sum(axis=1)
        got = np.asarray(y)
        np.testing.assert_allclose(got, (np.tanh(a * 2 + 1) - a.mean(axis=0)).sum(axis=1), rtol=1e-12, atol=1e-12)
    info = mnnx.debug.plan_cache_info()
    assert info.misses - before.misses == 1, (before, info)
    assert info.hits - before.hits == 99, (before, info)
    assert info.plans == 1, info


def test_plan_cache_distinguishes_shapes_and_dtypes():
    mnnx.debug.plan_cache_clear()
    before = mnnx.debug.plan_cache_info()
    for shape, dt in [((4, 4), np.float32), ((4, 5), np.float32), ((4, 4), np.float64), ((4, 4), np.float32)]:
        a = np.arange(np.prod(shape)).reshape(shape).astype(dt)
        y = mnp.asarray(a) * 3 + 1
        assert_matches(y, a * 3 + 1, rtol=0)
    info = mnnx.debug.plan_cache_info()
    assert (info.misses - before.misses, info.hits - before.hits, info.plans) == (3, 1, 3), (before, info)


def test_plan_cache_hit_with_strided_vs_contiguous_leaves_is_correct():
    # the same graph on a contiguous and a strided leaf of the same shape must not share a wrong plan
    base = np.arange(48.0).reshape(6, 8)
    for a in (base[:, :4].copy(), base[:, ::2], base[::-1, 4:], base.T[:4].T.copy(), base[:, 4:]):
        y = mnp.asarray(a) * 2 + 1
        assert_matches(y, a * 2 + 1, rtol=0)


# --------------------------------------------------------------------------------- explain
def test_explain_prints_kernels_without_realizing(capsys):
    x = mnp.asarray(np.ones((16, 16), np.float32))
    y = (mnp.exp(x) * 2).sum(axis=1) + 1
    text = mnnx.debug.explain(y * 2)
    out = capsys.readouterr().out
    assert out == text
    assert "kernel" in text and "float32" in text
    assert not y._realized
    assert mnnx.debug.isa() in text
    assert mnnx.debug.isa() in ("generic", "avx2", "avx512", "neon")


# --------------------------------------------------------------------------------- long chains
def test_million_op_chain_runs_in_bounded_memory():
    gc.collect()
    a = mnp.zeros(4)
    for _ in range(50_000):  # warm up: allocator pools, plan cache
        a = a + 1
    np.asarray(a)
    gc.collect()
    rss0 = statm_rss_bytes()
    peak = rss0
    t0 = time.monotonic()
    for i in range(1_000_000):
        a = a + 1
        if i % 100_000 == 0:
            peak = max(peak, statm_rss_bytes())
    peak = max(peak, statm_rss_bytes())
    elapsed = time.monotonic() - t0
    assert_matches(a, np.full(4, 1_050_000.0), rtol=0)
    growth = peak - rss0
    assert growth < 64 * 2**20, f"RSS grew by {growth / 2**20:.1f} MiB over a 1e6-op chain ({elapsed:.1f}s)"


def test_long_chain_of_mixed_ops_is_correct():
    a = np.linspace(0, 1, 10)
    x = mnp.asarray(a)
    for i in range(2000):
        if i % 3 == 0:
            x = x * 1.0001
            a = a * 1.0001
        elif i % 3 == 1:
            x = x[::-1] + 0.5
            a = a[::-1] + 0.5
        else:
            x = mnp.tanh(x)
            a = np.tanh(a)
    assert_matches(x, a, rtol=1e-12)


# --------------------------------------------------------------------------------- threads
def big_workload(rng_seed=0):
    rng = np.random.default_rng(rng_seed)
    a = rng.standard_normal((513, 2049)).astype(np.float32)
    b = rng.standard_normal(2049).astype(np.float32)
    x, y = mnp.asarray(a), mnp.asarray(b)
    e = mnp.exp(x - x.max(axis=1, keepdims=True))
    return [mnp.tanh(x * y + 1), x.sum(), x.sum(axis=0), x.mean(axis=1), mnp.cumsum(x, axis=1)[:, -1],
            e / e.sum(axis=1, keepdims=True), (x.astype(mnp.float64) ** 2).sum(), x.max(axis=0), x.argmax(axis=1)]


def test_one_and_two_threads_give_identical_results(restore_threads):
    mnnx.set_num_threads(1)
    assert mnnx.get_num_threads() == 1
    r1 = [np.array(v) for v in big_workload()]
    mnnx.set_num_threads(2)
    assert mnnx.get_num_threads() == 2
    r2 = [np.array(v) for v in big_workload()]
    mnnx.set_num_threads(4)
    r4 = [np.array(v) for v in big_workload()]
    for i, (u, v, w) in enumerate(zip(r1, r2, r4)):
        assert u.dtype == v.dtype == w.dtype
        assert np.array_equal(u, v, equal_nan=True), f"output {i} differs between 1 and 2 threads"
        assert np.array_equal(u, w, equal_nan=True), f"output {i} differs between 1 and 4 threads"


def test_concurrent_realization_from_python_threads():
    errors, done = [], []

    def worker(seed):
        try:
            rng = np.random.default_rng(seed)
            for _ in range(30):
                a = rng.standard_normal((97, 131))
                y = (mnp.tanh(mnp.asarray(a) * 2) + 1).sum(axis=0)
                np.testing.assert_allclose(np.asarray(y), (np.tanh(a * 2) + 1).sum(axis=0), rtol=1e-12)
            done.append(seed)
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(s,), daemon=True) for s in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert sorted(done) == [0, 1, 2, 3], "a realization thread did not finish (deadlock?)"
