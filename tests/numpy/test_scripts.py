"""Whole numpy scripts, run once with numpy and once with `import mnnx.numpy as np`: the promise of
issue 7 is that changing the import is all it takes. Each script leans on views, in-place writes,
out=, fancy indexing and complex fft results the way ordinary numpy code does."""
import numpy
import pytest

import mnnx.numpy

LIFE = """
rng = np.random.default_rng(0)
board = np.zeros((34, 34), dtype=np.int64)
board[1:-1, 1:-1] = np.asarray(rng_np.integers(0, 2, (32, 32)))
inner = board[1:-1, 1:-1]          # a view: the loop below writes through it
for _ in range(12):
    n = (board[:-2, :-2] + board[:-2, 1:-1] + board[:-2, 2:] + board[1:-1, :-2] + board[1:-1, 2:]
         + board[2:, :-2] + board[2:, 1:-1] + board[2:, 2:])
    alive = (n == 3) | ((inner == 1) & (n == 2))
    inner[...] = 0
    inner[alive] = 1
result = board
"""

JACOBI = """
u = np.zeros((24, 24))
u[0, :] = 1.0                       # boundary rows and columns through views
left = u[:, 0]
left += 0.5
for _ in range(40):
    interior = u[1:-1, 1:-1]
    interior[...] = 0.25 * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:])
np.clip(u, 0.0, 1.0, out=u)
result = u
"""

KMEANS = """
pts = np.asarray(rng_np.standard_normal((200, 2))) + np.repeat(np.asarray([[0.0, 0.0], [4.0, 4.0], [0.0, 5.0]]), [70, 70, 60], axis=0)
centers = pts[[0, 80, 150]].copy()
for _ in range(8):
    d = ((pts[:, None, :] - centers[None, :, :]) ** 2).sum(axis=-1)
    label = d.argmin(axis=1)
    for k in range(3):
        centers[k] = pts[label == k].mean(axis=0)
order = np.argsort(centers[:, 0] + 10 * centers[:, 1])
result = centers[order]
"""

SPECTRUM = """
t = np.linspace(0.0, 1.0, 256, endpoint=False)
sig = np.sin(2 * np.pi * 12 * t) + 0.5 * np.cos(2 * np.pi * 40 * t)
F = np.fft.rfft(sig)
power = np.abs(F) ** 2
phase = np.angle(F)
F[np.abs(F) < 10] = 0                 # denoise in frequency space
back = np.fft.irfft(F, n=256)
top = np.argsort(power)[-2:]
result = np.concatenate([np.sort(top).astype(np.float64), back[:8], phase[[12, 40]]])
"""

STATS = """
x = np.asarray(rng_np.standard_normal((50, 4)))
x[::7, 1] = np.nan
col = x[:, 1]
col[np.isnan(col)] = np.nanmean(col)  # fills x's column too
x -= x.mean(axis=0)
x /= x.std(axis=0)
cov = x.T @ x / (len(x) - 1)
w, v = np.linalg.eigh(cov)
flat = x.ravel()
flat[:3] = -1.0                        # ravel of a contiguous array is a view
result = np.concatenate([w, np.abs(v[:, -1]), x[0], np.percentile(x, [10, 50, 90])])
"""


@pytest.mark.parametrize("script", [LIFE, JACOBI, KMEANS, SPECTRUM, STATS], ids=["life", "jacobi", "kmeans", "spectrum",
                                                                                 "stats"])
def test_a_numpy_script_runs_unchanged_with_the_same_result(script):
    out = {}
    for name, lib in (("numpy", numpy), ("mnnx", mnnx.numpy)):
        env = {"np": lib, "rng_np": numpy.random.default_rng(1)}
        exec(script, env)
        out[name] = numpy.asarray(env["result"])
    assert out["mnnx"].shape == out["numpy"].shape
    numpy.testing.assert_allclose(out["mnnx"], out["numpy"], rtol=1e-9, atol=1e-9)
