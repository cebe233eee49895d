"""Views share data with their base, as in numpy: random programs of view-taking and writing,
run on numpy and on mnnx side by side, must leave every array with the same contents."""
import gc
import weakref

import numpy as np
import pytest
from hypothesis import given, strategies as st

import mnnx
import mnnx.numpy as mnp


def _basic_key(data, shape):
    key = []
    for n in shape:
        kind = data.draw(st.sampled_from(["slice", "slice", "int", "none", "all"]))
        if kind == "int" and n > 0:
            key.append(data.draw(st.integers(-n, n - 1)))
        elif kind == "none":
            key.append(None)
            key.append(slice(None))
        elif kind == "slice":
            lo = data.draw(st.none() | st.integers(-n - 1, n + 1))
            hi = data.draw(st.none() | st.integers(-n - 1, n + 1))
            step = data.draw(st.sampled_from([None, 1, 2, -1, -2, 3]))
            key.append(slice(lo, hi, step))
        else:
            key.append(slice(None))
    if data.draw(st.booleans()) and key:  # sometimes an Ellipsis stands for the tail
        cut = data.draw(st.integers(0, len(key)))
        key = key[:cut] + [Ellipsis]
    return tuple(key)


def _reshape_target(data, shape):
    size = int(np.prod(shape))
    divisors = [d for d in range(1, size + 1) if size % d == 0] or [1]
    a = data.draw(st.sampled_from(divisors))
    return data.draw(st.sampled_from([(-1,), (a, -1), (-1, a, 1), (1, size) if size else (0,)]))


def _view(data, arr, lib):
    """One view-taking operation, drawn once and applied to (numpy, mnnx) alike."""
    kind = data.draw(st.sampled_from(["index", "index", "T", "swap", "reshape", "ravel", "expand", "squeeze",
                                      "move", "split"]))
    nd = arr.ndim
    if kind == "index":
        key = _basic_key(data, arr.shape)
        return lambda a: a[key]
    if kind == "T":
        return lambda a: a.T
    if kind == "swap" and nd >= 2:
        i, j = data.draw(st.integers(0, nd - 1)), data.draw(st.integers(0, nd - 1))
        return lambda a: a.swapaxes(i, j)
    if kind == "reshape":
        shp = _reshape_target(data, arr.shape)
        return lambda a: a.reshape(shp)
    if kind == "ravel":
        return lambda a: a.ravel()
    if kind == "expand":
        ax = data.draw(st.integers(0, nd))
        return lambda a: lib(a).expand_dims(a, ax)
    if kind == "squeeze":
        return lambda a: lib(a).squeeze(a)
    if kind == "move" and nd >= 2:
        s, d = data.draw(st.integers(0, nd - 1)), data.draw(st.integers(0, nd - 1))
        return lambda a: lib(a).moveaxis(a, s, d)
    if kind == "split" and nd >= 1 and arr.shape[0] >= 2:
        return lambda a: lib(a).array_split(a, 2)[1]
    return lambda a: a[...]


def _write(data, arr):
    kind = data.draw(st.sampled_from(["set", "set", "iadd", "imul", "fill", "fancy", "mask", "all"]))
    c = data.draw(st.integers(-50, 50))
    if kind == "set" and arr.ndim:
        key = _basic_key(data, arr.shape)

        def w(a):
            a[key] = c
    elif kind == "iadd":
        def w(a):
            a += c
    elif kind == "imul":
        def w(a):
            a *= c
    elif kind == "fill":
        def w(a):
            a.fill(c)
    elif kind == "fancy" and arr.ndim and arr.shape[0]:
        idx = data.draw(st.lists(st.integers(0, arr.shape[0] - 1), min_size=1, max_size=4))

        def w(a):
            a[np.array(idx)] = c
    elif kind == "mask" and arr.size:
        def w(a):
            a[a > 3] = c
    else:
        def w(a):
            a[...] = c
    return w


def _lib(a):
    return mnp if isinstance(a, mnnx.Var) else np


@given(st.data())
def test_random_view_and_write_programs_match_numpy(data):
    shape = data.draw(st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple))
    base = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)
    pairs = [(base.copy(), mnp.asarray(base.copy()))]
    for _ in range(data.draw(st.integers(1, 8))):
        i = data.draw(st.integers(0, len(pairs) - 1))
        n_arr, m_arr = pairs[i]
        if data.draw(st.booleans()) or len(pairs) == 1:
            f = _view(data, n_arr, _lib)
            try:
                n_new = f(n_arr)
            except (IndexError, ValueError) as e:
                with pytest.raises(type(e)):
                    f(m_arr)
                continue
            m_new = f(m_arr)
            if isinstance(n_new, np.ndarray):  # a full integer index gives numpy an immutable scalar
                pairs.append((n_new, m_new))
        else:
            w = _write(data, n_arr)
            try:
                w(n_arr)
            except (IndexError, ValueError) as e:
                with pytest.raises(type(e)):
                    w(m_arr)
                continue
            w(m_arr)
        for n_a, m_a in pairs:
            assert m_a.shape == n_a.shape
            np.testing.assert_array_equal(np.asarray(m_a), n_a)


def test_a_write_through_a_view_reaches_the_base_and_other_views():
    x = mnp.arange(10.0)
    v = x[2:]
    w = x[::2]
    v[0] = 50.0
    assert x[2] == 50.0 and w[1] == 50.0
    x[4] = -1.0
    assert v[2] == -1.0 and w[2] == -1.0
    x[1:][::2] = 7.0  # chained assignment
    n = np.arange(10.0)
    n[2] = 50.0
    n[4] = -1.0
    n[1:][::2] = 7.0
    np.testing.assert_array_equal(np.asarray(x), n)
    np.testing.assert_array_equal(np.asarray(w), n[::2])


def test_in_place_operators_write_the_array_not_the_name():
    x = mnp.arange(4.0)
    y = x
    x += 1
    assert y is x and y.tolist() == [1.0, 2, 3, 4]
    t = x.reshape(2, 2).T[0]  # x[0] and x[2]
    t *= 10
    assert x.tolist() == [10.0, 2, 30, 4]
    with pytest.raises(ValueError, match="non-broadcastable output operand"):
        x += mnp.ones((2, 4))
    with pytest.raises(TypeError, match="same_kind"):
        i = mnp.arange(3)
        i += 1.5


def test_flat_writes_the_array_in_any_layout():
    x = mnp.arange(6).reshape(2, 3)
    x.flat[4] = 40
    x.T.flat[1] = 10  # x.T's second element in C order is x[1, 0]
    n = np.arange(6).reshape(2, 3)
    n.flat[4] = 40
    n.T.flat[1] = 10
    np.testing.assert_array_equal(np.asarray(x), n)


def test_copies_stay_copies():
    x = mnp.arange(12).reshape(3, 4)
    s = x[1, 1]  # a full integer index is a scalar, not a view
    r = x.T.reshape(-1)  # numpy copies here
    rv = x.T.ravel()
    c = x.copy()
    f = x[[0, 1]]  # fancy indexing copies
    x[...] = 0
    assert int(s) == 5
    assert r.tolist() == np.arange(12).reshape(3, 4).T.reshape(-1).tolist()
    assert rv.tolist() == r.tolist()
    assert c.sum() == 66 and f.sum() == 28


def test_read_only_views_see_writes_and_refuse_their_own():
    x = mnp.arange(9).reshape(3, 3)
    d = mnp.diagonal(x)
    b = mnp.broadcast_to(x[0], (2, 3))
    x[0, 0] = 100
    assert d.tolist() == [100, 4, 8]
    assert b.tolist() == [[100, 1, 2], [100, 1, 2]]
    for ro in (d, b):
        with pytest.raises(ValueError, match="read-only"):
            ro[0] = 1
    assert x[0, 0] == 100


def test_lazy_results_computed_before_a_write_keep_their_value():
    x = mnp.arange(5.0)
    v = x[1:4]
    s = v * 2  # a value: reads v as it is now
    v[0] = 100.0
    assert s.tolist() == [2.0, 4.0, 6.0]
    assert x.tolist() == [0.0, 100.0, 2.0, 3.0, 4.0]


def test_views_do_not_keep_each_other_alive():
    x = mnp.arange(100.0)
    refs = [weakref.ref(x[i:i + 2]) for i in range(50)]
    gc.collect()
    assert all(r() is None for r in refs)
    x[0] = 1.0  # the family prunes its dead members
    fam = x._alias[0]
    assert len(fam.members) == 1
    v = x[5:]
    xr = weakref.ref(x)
    del x
    gc.collect()
    assert xr() is None  # a view keeps the data, not the base's handle
    v[0] = 3.0
    assert v[0] == 3.0


def test_numpy_arrays_handed_to_mnnx_are_never_written():
    a = np.arange(6.0)
    x = mnp.asarray(a)
    v = x[1:3]
    v[0] = 99.0
    assert x[1] == 99.0 and a[1] == 1.0


def test_autograd_through_a_view_write_matches_torch():
    torch = pytest.importorskip("torch")
    w_np = np.random.default_rng(0).standard_normal(6)
    w = mnnx.tensor(w_np, requires_grad=True)
    y = w * 1.0
    v = y[2:5]
    v *= 3.0
    loss = (y * y).sum()
    gw, = mnnx.grad(loss, [w])
    wt = torch.tensor(w_np, requires_grad=True)
    yt = wt * 1.0
    yt[2:5] *= 3.0
    (yt * yt).sum().backward()
    np.testing.assert_allclose(np.asarray(gw), wt.grad.numpy(), rtol=1e-12)


def test_a_view_of_a_parameter_is_written_only_without_grad():
    w = mnnx.tensor(np.ones(4), requires_grad=True)
    v = w[1:]
    with pytest.raises(RuntimeError, match="leaf"):
        v[0] = 5.0
    with mnnx.no_grad():
        v[0] = 5.0
    assert w.tolist() == [1.0, 5.0, 1.0, 1.0]
    assert w.requires_grad and w.is_leaf


@pytest.mark.parametrize("name,args", [("add", (1.5,)), ("multiply", (2.0,)), ("sqrt", ()), ("negative", ()),
                                       ("maximum", (3.0,)), ("power", (2,))])
def test_out_writes_the_given_array_and_its_views(name, args):
    n = np.arange(8.0)
    nv = n[2:6]
    x = mnp.asarray(n.copy())
    v = x[2:6]
    r = getattr(mnp, name)(v, *args, out=v)
    getattr(np, name)(nv, *args, out=nv)
    assert r is v
    np.testing.assert_allclose(np.asarray(x), n)
    np.add(x, 1, out=x)  # through numpy's dispatch too
    n += 1
    np.testing.assert_allclose(np.asarray(x), n)


def test_out_follows_numpys_casting_and_shape_rules():
    x = mnp.arange(6.0).reshape(2, 3)
    o = mnp.zeros((2, 3))
    mnp.add(x[0], 1, out=o)  # the result broadcasts into out
    assert o.tolist() == [[1.0, 2, 3], [1.0, 2, 3]]
    host = np.zeros(3)
    mnp.multiply(x[1], 2, out=host)  # a numpy out is written as numpy would
    assert host.tolist() == [6.0, 8, 10]
    mnp.clip(x, 1, 4, out=x)
    assert x.tolist() == [[1.0, 1, 2], [3.0, 4, 4]]
    with pytest.raises(TypeError, match="same_kind"):
        mnp.add(mnp.arange(3), 0.5, out=mnp.arange(3))
    with pytest.raises(ValueError, match="non-broadcastable output operand"):
        mnp.add(x, 1, out=mnp.zeros(3))
    with pytest.raises(TypeError, match="ArrayType"):
        mnp.add(x, 1, out=[0, 0, 0])


def test_out_of_the_other_functions_matches_numpy():
    rng = np.random.default_rng(1)
    a_np = rng.standard_normal((3, 3))
    a = mnp.asarray(a_np)
    for name, args, kw in [("matmul", (a_np, a_np), {}), ("dot", (a_np, a_np), {}), ("outer", (a_np[0], a_np[1]), {}),
                           ("einsum", ("ij,jk->ik", a_np, a_np), {}), ("concatenate", ([a_np[0], a_np[1]],), {}),
                           ("take", (a_np, [0, 4, 8]), {}), ("trace", (a_np,), {})]:
        ref = getattr(np, name)(*args, **kw)
        o_np = np.zeros_like(ref)
        getattr(np, name)(*args, out=o_np, **kw)
        o = mnp.zeros(ref.shape)
        m_args = tuple(mnp.asarray(x) if isinstance(x, np.ndarray) else
                       [mnp.asarray(y) for y in x] if isinstance(x, list) and isinstance(x[0], np.ndarray) else x
                       for x in args)
        assert getattr(mnp, name)(*m_args, out=o, **kw) is o, name
        np.testing.assert_allclose(np.asarray(o), o_np, rtol=1e-12, err_msg=name)
    g = mnp.random.default_rng(3)
    o = mnp.zeros(5)
    assert g.random(out=o) is o and 0 < float(o.min()) and float(o.max()) < 1
