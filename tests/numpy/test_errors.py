"""Everything numpy rejects is rejected here with the same exception type, when the expression is
built (before anything is realized); unsupported dtypes are a TypeError; nothing crashes."""
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import mnnx.numpy as mnp
from conftest import assert_same_exception

AxisError = np.exceptions.AxisError


def lazy(a):
    """An unrealized mnnx array with a's values (errors must not need realization)."""
    return mnp.copy(mnp.asarray(np.asarray(a)))


A23 = np.ones((2, 3))
A6 = np.arange(6.0)
B3 = np.array([True, False, True])
I8 = np.array([1, 2, 3], np.int8)
U8 = np.array([1, 2, 3], np.uint8)
I64 = np.array([1, 2, 3], np.int64)
U64 = np.array([1, 2, 3], np.uint64)
F3 = np.array([1.0, 2.0, 3.0])
EMPTY = np.zeros((0, 3))
SCALAR = np.array(5.0)


def _setitem(x, key, v):
    x[key] = v
    return x


def _iop(x, op, v):
    if op == "+=":
        x += v
    elif op == "-=":
        x -= v
    elif op == "*=":
        x *= v
    elif op == "/=":
        x /= v
    elif op == "//=":
        x //= v
    elif op == "<<=":
        x <<= v
    return x


# (id, fn(m, x)): m is the module (numpy or mnnx.numpy), x turns a numpy input into that module's array
CASES = [
    # broadcasting
    ("broadcast add", lambda m, x: x(A23) + x(np.ones(4))),
    ("broadcast mul 2d", lambda m, x: x(A23) * x(np.ones((3, 2)))),
    ("broadcast where", lambda m, x: m.where(x(np.ones(2, bool)), x(np.ones(3)), x(np.ones(4)))),
    ("broadcast maximum", lambda m, x: m.maximum(x(np.ones((2, 3))), x(np.ones((4, 1, 2))))),
    ("broadcast comparison", lambda m, x: x(np.ones(3)) < x(np.ones(2))),
    ("broadcast_to smaller", lambda m, x: m.broadcast_to(x(A23), (3,))),
    ("broadcast_to mismatch", lambda m, x: m.broadcast_to(x(np.ones(3)), (2, 4))),
    ("broadcast_to negative", lambda m, x: m.broadcast_to(x(np.ones(3)), (-1, 3))),
    ("broadcast_arrays", lambda m, x: m.broadcast_arrays(x(np.ones(3)), x(np.ones(4)))),
    ("setitem value shape", lambda m, x: _setitem(x(np.ones((3, 3))), 0, x(np.ones(4)))),
    ("setitem value too many dims", lambda m, x: _setitem(x(np.ones((3, 3))), 0, x(np.ones((2, 3))))),
    ("concatenate shapes", lambda m, x: m.concatenate([x(A23), x(np.ones((2, 4)))])),
    ("concatenate ndim", lambda m, x: m.concatenate([x(A23), x(np.ones(3))])),
    ("concatenate 0-d", lambda m, x: m.concatenate([x(SCALAR), x(SCALAR)])),
    ("concatenate nothing", lambda m, x: m.concatenate([])),
    ("stack shapes", lambda m, x: m.stack([x(np.ones(3)), x(np.ones(4))])),
    ("stack nothing", lambda m, x: m.stack([])),
    ("linspace broadcast", lambda m, x: m.linspace(x(np.ones(2)), x(np.ones(3)), 5)),
    # reshape and friends
    ("reshape size", lambda m, x: x(A6).reshape(4, 2)),
    ("reshape two -1", lambda m, x: x(A6).reshape(-1, -1)),
    ("reshape -1 indivisible", lambda m, x: x(A6).reshape(-1, 4)),
    ("reshape empty -1", lambda m, x: x(EMPTY).reshape(-1, 0)),
    ("reshape non-int", lambda m, x: x(A6).reshape(2, "a")),
    ("reshape float", lambda m, x: x(A6).reshape(2.0, 3)),
    ("squeeze non-1", lambda m, x: m.squeeze(x(A23), axis=1)),
    ("split unequal", lambda m, x: m.split(x(A6), 4)),
    ("split zero sections", lambda m, x: m.array_split(x(A6), 0)),
    ("repeat negative", lambda m, x: m.repeat(x(A6), -1)),
    ("repeat wrong count", lambda m, x: m.repeat(x(A6), [1, 2])),
    ("tile negative", lambda m, x: m.tile(x(A6), -2)),
    ("zeros negative", lambda m, x: m.zeros(-1)),
    ("ones negative dim", lambda m, x: m.ones((2, -3))),
    ("full negative", lambda m, x: m.full((-1,), 2.0)),
    ("zeros too big", lambda m, x: m.zeros((2**62, 2**62))),
    ("zeros too big int64", lambda m, x: m.zeros((2**40, 2**40), dtype=m.int64)),
    ("eye negative", lambda m, x: m.eye(-1)),
    ("linspace negative num", lambda m, x: m.linspace(0, 1, -1)),
    ("arange zero step", lambda m, x: m.arange(0, 10, 0)),
    ("moveaxis lengths", lambda m, x: m.moveaxis(x(A23), [0, 1], [0])),
    ("moveaxis repeated", lambda m, x: m.moveaxis(x(A23), [0, 0], [0, 1])),
    ("transpose too few axes", lambda m, x: m.transpose(x(A23), (0,))),
    ("transpose repeated axes", lambda m, x: m.transpose(x(A23), (0, 0))),
    ("matrix_transpose 1-d", lambda m, x: m.matrix_transpose(x(A6))),
    ("fliplr 1-d", lambda m, x: m.fliplr(x(A6))),
    ("vsplit 1-d", lambda m, x: m.vsplit(x(A6), 2)),
    ("expand_dims repeated", lambda m, x: m.expand_dims(x(A23), (0, 0))),
    # axes
    ("sum axis 2", lambda m, x: m.sum(x(A23), axis=2)),
    ("sum axis -3", lambda m, x: m.sum(x(A23), axis=-3)),
    ("sum axis tuple out", lambda m, x: m.sum(x(A23), axis=(0, 2))),
    ("sum axis duplicate", lambda m, x: m.sum(x(A23), axis=(0, 0))),
    ("sum axis duplicate negative", lambda m, x: m.sum(x(A23), axis=(1, -1))),
    ("sum axis float", lambda m, x: m.sum(x(A23), axis=1.0)),
    ("mean axis", lambda m, x: m.mean(x(A23), axis=5)),
    ("var axis", lambda m, x: m.var(x(A23), axis=-5)),
    ("max axis", lambda m, x: m.max(x(A23), axis=2)),
    ("prod axis", lambda m, x: m.prod(x(A23), axis=(3,))),
    ("any axis", lambda m, x: m.any(x(A23), axis=2)),
    ("argmax axis", lambda m, x: m.argmax(x(A23), axis=2)),
    ("argmax tuple axis", lambda m, x: m.argmax(x(A23), axis=(0, 1))),
    ("cumsum axis", lambda m, x: m.cumsum(x(A23), axis=2)),
    ("cumprod axis", lambda m, x: m.cumprod(x(A23), axis=-3)),
    ("expand_dims axis", lambda m, x: m.expand_dims(x(A23), 3)),
    ("expand_dims axis negative", lambda m, x: m.expand_dims(x(A23), -4)),
    ("squeeze axis", lambda m, x: m.squeeze(x(A23), axis=2)),
    ("concatenate axis", lambda m, x: m.concatenate([x(A23), x(A23)], axis=2)),
    ("stack axis", lambda m, x: m.stack([x(A23), x(A23)], axis=3)),
    ("transpose axis", lambda m, x: m.transpose(x(A23), (0, 2))),
    ("swapaxes axis", lambda m, x: m.swapaxes(x(A23), 0, 2)),
    ("moveaxis axis", lambda m, x: m.moveaxis(x(A23), 0, 2)),
    ("flip axis", lambda m, x: m.flip(x(A23), 2)),
    ("repeat axis", lambda m, x: m.repeat(x(A23), 2, axis=2)),
    ("split axis", lambda m, x: m.split(x(A23), 2, axis=2)),
    ("unstack axis", lambda m, x: m.unstack(x(A23), axis=2)),
    ("size axis", lambda m, x: m.size(x(A23), 2)),
    # empty reductions
    ("max of empty", lambda m, x: m.max(x(EMPTY))),
    ("min of empty axis 0", lambda m, x: m.min(x(EMPTY), axis=0)),
    ("argmax of empty", lambda m, x: m.argmax(x(EMPTY))),
    ("argmin of empty axis 0", lambda m, x: m.argmin(x(EMPTY), axis=0)),
    ("ptp of empty", lambda m, x: m.ptp(x(EMPTY))),
    # indexing
    ("index past end", lambda m, x: x(F3)[3]),
    ("index before start", lambda m, x: x(F3)[-4]),
    ("index second axis", lambda m, x: x(A23)[0, 3]),
    ("too many indices", lambda m, x: x(A23)[0, 0, 0]),
    ("index 0-d", lambda m, x: x(SCALAR)[0]),
    ("two ellipses", lambda m, x: x(A23)[..., ...]),
    ("float index", lambda m, x: x(F3)[1.0]),
    ("string index", lambda m, x: x(F3)["a"]),
    ("float slice", lambda m, x: x(F3)[0.5:2]),
    ("zero step slice", lambda m, x: x(F3)[::0]),
    ("setitem past end", lambda m, x: _setitem(x(F3), 3, 1.0)),
    ("setitem too many", lambda m, x: _setitem(x(A23), (0, 0, 0), 1.0)),
    # type errors numpy raises
    ("bool subtract", lambda m, x: x(B3) - x(B3)),
    ("bool subtract scalar", lambda m, x: x(B3) - True),
    ("bool negative", lambda m, x: -x(B3)),
    ("bool negative function", lambda m, x: m.negative(x(B3))),
    ("bool positive", lambda m, x: m.positive(x(B3))),
    ("bool unary plus", lambda m, x: +x(B3)),
    ("bool sign", lambda m, x: m.sign(x(B3))),
    ("float bitwise and", lambda m, x: x(F3) & 1),
    ("float bitwise or arrays", lambda m, x: x(F3) | x(I8)),
    ("float invert", lambda m, x: ~x(F3)),
    ("float shift", lambda m, x: x(F3) << 1),
    ("int shift by float", lambda m, x: x(I8) >> 1.5),
    ("ptp of bool", lambda m, x: m.ptp(x(B3))),
    ("int power negative", lambda m, x: x(I64) ** -1),
    ("int power negative function", lambda m, x: m.power(x(I8), -2)),
    ("int8 inplace float", lambda m, x: _iop(x(I8), "+=", 1.5)),
    ("int inplace true divide", lambda m, x: _iop(x(I64), "/=", 2)),
    ("int inplace float array", lambda m, x: _iop(x(I64), "*=", x(F3))),
    ("bool inplace int", lambda m, x: _iop(x(B3), "+=", x(I8))),
    ("uint8 inplace shift by float", lambda m, x: _iop(x(U8), "<<=", x(F3))),
    # Python integers out of range (NEP 50)
    ("int8 + 300", lambda m, x: x(I8) + 300),
    ("300 + int8", lambda m, x: 300 + x(I8)),
    ("int8 * -129", lambda m, x: x(I8) * -129),
    ("uint8 + -1", lambda m, x: x(U8) + (-1)),
    ("uint8 - -1", lambda m, x: x(U8) - (-1)),
    ("uint8 maximum 256", lambda m, x: m.maximum(x(U8), 256)),
    ("int64 + 2**63", lambda m, x: x(I64) + 2**63),
    ("uint64 + 2**64", lambda m, x: x(U64) + 2**64),
    ("uint64 & -1", lambda m, x: x(U64) & -1),
    ("int64 + 2**64", lambda m, x: x(I64) + 2**64),
    ("int8 inplace 300", lambda m, x: _iop(x(I8), "+=", 300)),
    ("int8 setitem 300", lambda m, x: _setitem(x(I8), 0, 300)),
    ("uint8 setitem -1", lambda m, x: _setitem(x(U8), slice(None), -1)),
    ("full int8 300", lambda m, x: m.full(3, 300, dtype=m.int8)),
    ("full uint16 -1", lambda m, x: m.full((2,), -1, dtype=m.uint16)),
    ("array int8 300", lambda m, x: m.array([1, 300], dtype=m.int8)),
    ("asarray uint8 -1", lambda m, x: m.asarray([-1], dtype=m.uint8)),
    # scalar conversion
    ("item of size 3", lambda m, x: x(F3).item()),
    ("float of size 3", lambda m, x: float(x(F3))),
    ("int of size 3", lambda m, x: int(x(F3))),
    ("bool of size 3", lambda m, x: bool(x(F3))),
    ("len of 0-d", lambda m, x: len(x(SCALAR))),
    ("iter of 0-d", lambda m, x: iter(x(SCALAR)).__next__()),
    ("index of float", lambda m, x: [1, 2][x(np.array(1.0))]),
    ("index of 1-d", lambda m, x: [1, 2][x(np.array([1]))]),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_rejected_like_numpy(case):
    _, fn = case
    assert_same_exception(lambda: fn(np, np.asarray), lambda: fn(mnp, lazy))


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_rejected_like_numpy_with_realized_inputs(case):
    _, fn = case
    assert_same_exception(lambda: fn(np, np.asarray), lambda: fn(mnp, mnp.asarray))


def test_errors_are_raised_before_realizing():
    a = mnp.asarray(np.ones((2, 3))) * 2
    assert not a._realized
    with pytest.raises(ValueError):
        a + mnp.ones(4)
    with pytest.raises(AxisError):
        a.sum(axis=3)
    with pytest.raises(IndexError):
        a[5]
    with pytest.raises(ValueError):
        a.reshape(4, 2)
    with pytest.raises(OverflowError):
        mnp.asarray(np.ones(3, np.int8)) + 300
    assert not a._realized
    assert_same = np.asarray(a)  # the graph is still usable
    np.testing.assert_array_equal(assert_same, np.full((2, 3), 2.0))


def test_axis_error_is_also_value_and_index_error():
    with pytest.raises(ValueError):
        mnp.sum(mnp.ones((2, 2)), axis=2)
    with pytest.raises(IndexError):
        mnp.sum(mnp.ones((2, 2)), axis=2)


UNSUPPORTED = [object, "U3", "S3", "datetime64[s]", "timedelta64[s]", np.longdouble,
               "V8", ">f8"]


@pytest.mark.parametrize("dtype", UNSUPPORTED, ids=str)
def test_unsupported_dtypes_raise_type_error(dtype):
    if np.dtype(dtype) == np.float64 and dtype == np.longdouble:
        pytest.skip("longdouble is float64 on this platform")
    if dtype == ">f8":
        # non-native byte order is accepted as a value (converted), like numpy
        assert_same = mnp.asarray(np.arange(3, dtype=">f8"))
        np.testing.assert_array_equal(np.asarray(assert_same), np.arange(3.0))
        return
    with pytest.raises(TypeError):
        mnp.zeros(3, dtype=dtype)
    with pytest.raises(TypeError):
        mnp.asarray(np.zeros(3, dtype=dtype))
    with pytest.raises(TypeError):
        mnp.ones(3).astype(dtype)
    with pytest.raises(TypeError):
        mnp.full((2,), 1, dtype=dtype)


def test_python_ints_numpy_stores_as_object_are_rejected():
    # numpy makes object arrays of these; mnnx has no object dtype
    with pytest.raises((TypeError, OverflowError)):
        mnp.array([2**64])
    with pytest.raises((TypeError, OverflowError)):
        mnp.asarray(-(2**63) - 1)


def test_out_of_range_python_ints_numpy_accepts():
    # numpy 2 clips/compares with out-of-range Python ints without raising; so must mnnx
    u8 = np.array([1, 2, 3], np.uint8)
    np.testing.assert_array_equal(np.asarray(mnp.clip(mnp.asarray(u8), -1, 2)), np.clip(u8, -1, 2))
    assert mnp.clip(mnp.asarray(u8), -1, 2).dtype == np.uint8
    np.testing.assert_array_equal(np.asarray(mnp.asarray(u8) > -1), u8 > -1)
    np.testing.assert_array_equal(np.asarray(mnp.asarray(u8) == 256), u8 == 256)


def test_unsupported_values_raise_type_error():
    with pytest.raises(TypeError):
        mnp.array(["a", "b"])
    with pytest.raises(TypeError):
        mnp.asarray([object()])
    with pytest.raises(TypeError):
        mnp.ones(3) + "a"
    with pytest.raises(TypeError):
        mnp.exp("a")


def test_out_keyword_is_written_not_ignored():
    out = mnp.zeros(3)
    assert mnp.add(mnp.ones(3), 1, out=out) is out and out.tolist() == [2.0, 2, 2]
    o2 = mnp.zeros((), dtype=mnp.int64)
    mnp.sum(mnp.ones(3) * 1.5, out=o2)  # reductions cast 'unsafe', as numpy's
    assert int(o2) == 4
    host = np.zeros(3)
    np.add(mnp.ones(3), 1, out=host)
    assert host.tolist() == [2.0, 2, 2]
    with pytest.raises(TypeError):
        mnp.argmax(mnp.ones((3, 2)), axis=0, out=mnp.zeros(2))
    with pytest.raises(ValueError):
        mnp.sum(mnp.ones((3, 2)), axis=0, out=mnp.zeros(3))


def run_isolated(code, limit_bytes=8 * 2**30):
    """Run code in a fresh interpreter with an address-space limit; return (returncode, stdout, stderr)."""
    prog = textwrap.dedent(f"""
        import resource
        resource.setrlimit(resource.RLIMIT_AS, ({limit_bytes}, {limit_bytes}))
    """) + textwrap.dedent(code)
    p = subprocess.run([sys.executable, "-c", prog], capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def test_huge_allocation_raises_memory_error_not_a_crash():
    rc, out, err = run_isolated("""
        import numpy as np, mnnx.numpy as mnp
        x = mnp.ones(2**40) * 2          # 8 TiB: numpy raises MemoryError creating it
        try:
            np.asarray(x)
        except MemoryError:
            print("MemoryError")
        y = mnp.arange(10) * 3           # the engine still works afterwards
        print(int(y.sum()))
    """)
    assert rc == 0, f"process died with {rc}: {err[-2000:]}"
    assert out.split() == ["MemoryError", "135"], (out, err[-2000:])


@pytest.mark.parametrize("fn", [lambda m: m.zeros((2**32, 2**32, 2**32)),
                                lambda m: m.broadcast_to(m.ones(1), (2**62, 4)),
                                lambda m: m.ones((2**31, 2**31)).reshape(-1, 2**63 - 1),
                                lambda m: m.full((2**40, 2**40, 2**40), 1.0)],
                         ids=["zeros", "broadcast_to", "reshape", "full"])
def test_size_overflow_is_checked(fn):
    # shapes whose element count overflows int64 must be rejected, never wrap around
    assert_same_exception(lambda: fn(np), lambda: fn(mnp))
