"""mnnx.numpy.linalg / fft / random against numpy (LAPACK/OpenBLAS, pocketfft, PCG64) and torch.

Targets (issue 7): float32 inv and solve 512x512 >= numpy; rfft of 2^20 float64 >= numpy. The other rows
are informational. linalg and fft are eager in mnnx: a timing is the whole call on realized inputs."""
import numpy as np

import mnnx.numpy as mnp

from common import Row, compare, setup_threads

TARGET = {"numpy": 1.0}


def _close(got, exp, rtol, atol, what):
    got = np.asarray(got)
    np.testing.assert_allclose(got, exp, rtol=rtol, atol=atol, err_msg=what)


def run():
    import torch
    setup_threads()
    rng = np.random.default_rng(7)
    rows = []
    n = 512
    a32 = (rng.standard_normal((n, n)) + 2 * np.sqrt(n) * np.eye(n)).astype(np.float32)
    b32 = rng.standard_normal(n).astype(np.float32)
    B32 = rng.standard_normal((n, n)).astype(np.float32)
    a64 = a32.astype(np.float64)
    ta, tb, tB = torch.from_numpy(a32), torch.from_numpy(b32), torch.from_numpy(B32)

    _close(mnp.linalg.inv(a32), np.linalg.inv(a64), 1e-4, 1e-6, "inv")
    t = compare({"mnnx": lambda: mnp.linalg.inv(a32), "numpy": lambda: np.linalg.inv(a32),
                 "torch": lambda: torch.linalg.inv(ta)})
    rows.append(Row("linalg.inv 512x512 f32", t.pop("mnnx"), t, TARGET))

    _close(mnp.linalg.solve(a32, b32), np.linalg.solve(a64, b32), 1e-4, 1e-6, "solve")
    t = compare({"mnnx": lambda: mnp.linalg.solve(a32, b32), "numpy": lambda: np.linalg.solve(a32, b32),
                 "torch": lambda: torch.linalg.solve(ta, tb)})
    rows.append(Row("linalg.solve 512x512 f32, 1 rhs", t.pop("mnnx"), t, TARGET))

    _close(mnp.linalg.solve(a32, B32), np.linalg.solve(a64, B32), 1e-4, 1e-5, "solve B")
    t = compare({"mnnx": lambda: mnp.linalg.solve(a32, B32), "numpy": lambda: np.linalg.solve(a32, B32),
                 "torch": lambda: torch.linalg.solve(ta, tB)})
    rows.append(Row("linalg.solve 512x512 f32, 512 rhs", t.pop("mnnx"), t, TARGET))

    x = rng.standard_normal(1 << 20)
    tx = torch.from_numpy(x)
    _close(mnp.fft.rfft(x), np.fft.rfft(x), 1e-10, 1e-8, "rfft")
    t = compare({"mnnx": lambda: mnp.fft.rfft(x), "numpy": lambda: np.fft.rfft(x),
                 "torch": lambda: torch.fft.rfft(tx)})
    rows.append(Row("fft.rfft 2^20 f64", t.pop("mnnx"), t, TARGET))

    # informational rows
    spd = a64 @ a64.T
    ad = a64 / 40  # keeps the determinant finite
    t = compare({"mnnx": lambda: mnp.linalg.det(ad), "numpy": lambda: np.linalg.det(ad)})
    rows.append(Row("linalg.det 512x512 f64", t.pop("mnnx"), t))
    t = compare({"mnnx": lambda: mnp.linalg.cholesky(spd), "numpy": lambda: np.linalg.cholesky(spd)})
    rows.append(Row("linalg.cholesky 512x512 f64", t.pop("mnnx"), t))
    m = rng.standard_normal((256, 256))
    t = compare({"mnnx": lambda: mnp.linalg.qr(m), "numpy": lambda: np.linalg.qr(m)})
    rows.append(Row("linalg.qr 256x256 f64", t.pop("mnnx"), t))
    s = m + m.T
    t = compare({"mnnx": lambda: mnp.linalg.eigh(s), "numpy": lambda: np.linalg.eigh(s)})
    rows.append(Row("linalg.eigh 256x256 f64", t.pop("mnnx"), t))
    t = compare({"mnnx": lambda: mnp.linalg.svd(m), "numpy": lambda: np.linalg.svd(m)})
    rows.append(Row("linalg.svd 256x256 f64", t.pop("mnnx"), t))
    c = rng.standard_normal(3 ** 12) + 1j * rng.standard_normal(3 ** 12)
    t = compare({"mnnx": lambda: mnp.fft.fft(c), "numpy": lambda: np.fft.fft(c)})
    rows.append(Row("fft.fft 3^12 complex128", t.pop("mnnx"), t))
    g, ng = mnp.random.default_rng(0), np.random.default_rng(0)
    t = compare({"mnnx": lambda: g.standard_normal(1 << 20), "numpy": lambda: ng.standard_normal(1 << 20)})
    rows.append(Row("random standard_normal 2^20", t.pop("mnnx"), t))
    t = compare({"mnnx": lambda: g.random(1 << 20), "numpy": lambda: ng.random(1 << 20)})
    rows.append(Row("random random 2^20", t.pop("mnnx"), t))
    return rows


if __name__ == "__main__":
    from common import run_standalone
    run_standalone(run)
