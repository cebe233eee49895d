"""save/load/savez/savetxt/loadtxt: files interchangeable with numpy's, mnnx arrays in and out."""
import io

import numpy as np
import pytest

import mnnx.numpy as mnp
from conftest import to_numpy


@pytest.mark.parametrize("dt", [np.float32, np.float64, np.int8, np.uint16, np.int64, np.bool_, np.float16])
def test_npy_round_trip_both_ways(tmp_path, rng, dt):
    a = (rng.standard_normal((3, 4)) * 10).astype(dt)
    f = tmp_path / "a.npy"
    mnp.save(f, mnp.asarray(a) + 0 if dt != np.bool_ else mnp.asarray(a))
    assert np.array_equal(np.load(f), a) and np.load(f).dtype == dt
    np.save(tmp_path / "b.npy", a)
    got = mnp.load(tmp_path / "b.npy")
    assert isinstance(got, mnp.ndarray) and got.dtype == dt and np.array_equal(to_numpy(got), a)


def test_npy_file_objects_and_mmap(tmp_path):
    buf = io.BytesIO()
    mnp.save(buf, mnp.arange(5))
    buf.seek(0)
    assert to_numpy(mnp.load(buf)).tolist() == [0, 1, 2, 3, 4]
    f = tmp_path / "m.npy"
    np.save(f, np.arange(6.0))
    m = mnp.load(f, mmap_mode="r")
    assert isinstance(m, mnp.ndarray) and to_numpy(m * 2).tolist() == [0, 2, 4, 6, 8, 10]


def test_allow_pickle_false(tmp_path):
    f = tmp_path / "o.npy"
    np.save(f, np.array([{"a": 1}, None], dtype=object))
    with pytest.raises(ValueError, match="allow_pickle"):
        mnp.load(f)
    assert mnp.load(f, allow_pickle=True)[0] == {"a": 1}
    with pytest.raises(ValueError):
        mnp.save(tmp_path / "p.npy", np.array([None], dtype=object), allow_pickle=False)


@pytest.mark.parametrize("compressed", [False, True])
def test_npz(tmp_path, compressed):
    f = tmp_path / "z.npz"
    save = mnp.savez_compressed if compressed else mnp.savez
    save(f, mnp.arange(3), np.ones(2, np.float32), w=mnp.eye(2), c=np.array([1 + 2j]))
    with mnp.load(f) as z:
        assert sorted(z.files) == ["arr_0", "arr_1", "c", "w"] and "w" in z and len(z) == 4
        assert isinstance(z["w"], mnp.ndarray) and to_numpy(z["w"]).tolist() == [[1, 0], [0, 1]]
        assert z["arr_1"].dtype == np.float32
        assert isinstance(z["c"], np.ndarray) and z["c"][0] == 1 + 2j  # complex stays numpy
    with np.load(f) as z:
        assert np.array_equal(z["arr_0"], np.arange(3))


def test_savetxt_loadtxt_options(tmp_path, rng):
    a = rng.standard_normal((4, 3))
    f = tmp_path / "t.csv"
    mnp.savetxt(f, mnp.asarray(a), fmt="%.6f", delimiter=",", header="x,y,z", footer="end")
    text = f.read_text()
    assert text.startswith("# x,y,z\n") and text.rstrip().endswith("# end")
    assert text == (np.savetxt(g := io.StringIO(), a, fmt="%.6f", delimiter=",", header="x,y,z", footer="end")
                    or g.getvalue())
    for kw in [dict(delimiter=","), dict(delimiter=",", usecols=(0, 2)), dict(delimiter=",", skiprows=2),
               dict(delimiter=",", dtype=np.float32), dict(delimiter=",", usecols=1, ndmin=2),
               dict(delimiter=",", skiprows=1, max_rows=2)]:
        got, exp = mnp.loadtxt(f, **kw), np.loadtxt(f, **kw)
        assert isinstance(got, mnp.ndarray) and got.dtype == exp.dtype and got.shape == exp.shape
        np.testing.assert_array_equal(to_numpy(got), exp)
    x, y, z = mnp.loadtxt(f, delimiter=",", unpack=True)
    np.testing.assert_allclose(to_numpy(y), np.round(a[:, 1], 6))
    ints = tmp_path / "i.txt"
    mnp.savetxt(ints, mnp.arange(6).reshape(2, 3), fmt="%d")
    assert to_numpy(mnp.loadtxt(ints, dtype=int)).tolist() == [[0, 1, 2], [3, 4, 5]]
    with pytest.raises(ValueError):
        mnp.loadtxt(io.StringIO("1 2\n3 x\n"))
