"""Elementwise kernels over long rows, where the executor cuts blocks along the last dimension and
keeps a per-row constant operand (a per-channel scale, a column of a 2-D array) in its register from
one block to the next. Shapes straddle the block lengths (768 and 1024 elements for short
programs), operands broadcast along every axis, outputs may be strided; numpy is the oracle."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import mnnx
import mnnx.numpy as mnp
from conftest import assert_matches

LONG = [767, 768, 769, 1024, 1500, 3136, 4097]


@given(lead=st.lists(st.integers(1, 5), min_size=1, max_size=2), last=st.sampled_from(LONG),
       seed=st.integers(0, 2**31 - 1), dtype=st.sampled_from([np.float32, np.float64, np.int32]))
def test_per_channel_and_row_operands(lead, last, seed, dtype):
    rng = np.random.default_rng(seed)
    shape = tuple(lead) + (last,)
    x = (rng.standard_normal(shape) * 10).astype(dtype)
    chan = (rng.standard_normal(tuple(lead) + (1,)) * 3).astype(dtype)   # constant along each row
    row = (rng.standard_normal((last,)) * 3).astype(dtype)                # varies along the row
    first = (rng.standard_normal((lead[0],) + (1,) * len(lead)) * 2).astype(dtype)  # constant per leading index
    X, C, R, F = (mnp.asarray(a) for a in (x, chan, row, first))
    assert_matches(X * C + R, x * chan + row)
    assert_matches((X - F) * C, (x - first) * chan)
    assert_matches(mnp.maximum(X * C, F), np.maximum(x * chan, first))


@pytest.mark.parametrize("threads", [1, 2])
def test_long_rows_into_strided_output(threads):
    """A transposed write (the output walked element by element) from row-cut blocks."""
    old = mnnx.get_num_threads()
    mnnx.set_num_threads(threads)
    try:
        rng = np.random.default_rng(threads)
        x = rng.standard_normal((6, 3136)).astype(np.float32)
        c = rng.standard_normal((6, 1)).astype(np.float32)
        out = np.zeros((3136, 6), np.float32)
        o = mnp.asarray(out.copy())
        mnp.multiply(mnp.asarray(x), mnp.asarray(c), out=o.T)
        assert_matches(o, (x * c).T.copy())
        assert_matches(mnp.asarray(x) * mnp.asarray(c), x * c)
    finally:
        mnnx.set_num_threads(old)


def test_batch_norm_inference_matches_formula():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 8, 40, 40)).astype(np.float32)
    m, v = rng.standard_normal(8).astype(np.float32), rng.uniform(0.5, 2, 8).astype(np.float32)
    w, b = rng.standard_normal(8).astype(np.float32), rng.standard_normal(8).astype(np.float32)
    got = mnnx.nn.functional.batch_norm(mnp.asarray(x), mnp.asarray(m), mnp.asarray(v), mnp.asarray(w), mnp.asarray(b))
    scale = w / np.sqrt(v + 1e-5)
    want = x * scale[:, None, None] + (b - m * scale)[:, None, None]
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-5, atol=1e-5)
