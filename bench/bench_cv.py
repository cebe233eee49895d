"""mnnx.cv against cv2 (2 threads) and torch: the preprocessing chain and the 1080p kernels of issue 6.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python bench/bench_cv.py
    python bench/bench_cv.py --cpu-time    # 1 thread each, best process CPU time per call: a
                                           # comparison that survives a busy machine

Each mnnx timing includes building the lazy graph and realizing it. MNN (MNN.cv) is not installed on
this machine, so its column is absent."""
import io

import numpy as np

import mnnx
import mnnx.cv as mcv
import mnnx.numpy as mnp

from common import BENCH_THREADS, Row, compare, setup_threads

MEAN = np.array([0.485, 0.456, 0.406], np.float32)
STD = np.array([0.229, 0.224, 0.225], np.float32)


def _frame():
    """A 1080p BGR frame: a photograph scaled up over noise (so no kernel sees a constant image)."""
    import cv2
    from skimage import data
    img = np.random.default_rng(0).integers(0, 256, (1080, 1920, 3), dtype=np.uint8)
    photo = cv2.resize(np.ascontiguousarray(data.astronaut()[:, :, ::-1]), (1440, 1080))
    img[:, 240:1680] = photo
    return img


def _close(got, ref, atol, what):
    got = np.asarray(got)
    assert got.shape == ref.shape and got.dtype == ref.dtype, (what, got.shape, ref.shape, got.dtype, ref.dtype)
    assert np.abs(got.astype(np.float64) - ref).max() <= atol, what


def _chains(img, cv2):
    """The preprocessing chain written with mnnx.cv on mnnx arrays, and with cv2 + numpy."""
    mean_v, std_v = mnp.asarray(MEAN), mnp.asarray(STD)

    def f_mx():  # one expression: a lazy intermediate still referenced when realizing is computed too
        rgb = mcv.cvtColor(mcv.resize(mnp.asarray(img), (224, 224)), mcv.COLOR_BGR2RGB)
        return ((rgb.astype(mnp.float32) / 255 - mean_v) / std_v).transpose(2, 0, 1)[None]

    def f_mx_realized():
        return f_mx().realize()

    def f_cv():
        x = cv2.cvtColor(cv2.resize(img, (224, 224)), cv2.COLOR_BGR2RGB)
        return np.ascontiguousarray(((x.astype(np.float32) / 255 - MEAN) / STD).transpose(2, 0, 1)[None])

    return f_mx, f_mx_realized, f_cv


def _kernels(img, cv2):
    """(name, mnnx call, cv2 call) for the 1080p kernels, numpy in -> numpy out as cv2 users call them."""
    M = cv2.getRotationMatrix2D((960, 540), 10, 1.0)
    return [
        ("cv cvtColor BGR2GRAY 1080p u8", lambda: mcv.cvtColor(img, mcv.COLOR_BGR2GRAY),
         lambda: cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)),
        ("cv resize 1080p -> 960x540 INTER_AREA", lambda: mcv.resize(img, (960, 540), interpolation=mcv.INTER_AREA),
         lambda: cv2.resize(img, (960, 540), interpolation=cv2.INTER_AREA)),
        ("cv resize 1080p -> 960x540 INTER_LINEAR", lambda: mcv.resize(img, (960, 540)),
         lambda: cv2.resize(img, (960, 540))),
        ("cv warpAffine 1080p rotate 10 deg, linear", lambda: mcv.warpAffine(img, M, (1920, 1080)),
         lambda: cv2.warpAffine(img, M, (1920, 1080))),
    ]


def run():
    import cv2
    import torch
    setup_threads()
    cv2.setNumThreads(BENCH_THREADS)
    img = _frame()
    rows = []

    # --- the preprocessing chain: 1080p BGR uint8 -> (1, 3, 224, 224) float32 RGB, normalized
    f_mx, f_mx_realized, f_cv = _chains(img, cv2)
    t_img = torch.from_numpy(img).permute(2, 0, 1)[None]  # channels-last uint8, as torchvision decodes
    t_mean, t_std = torch.from_numpy(MEAN)[:, None, None], torch.from_numpy(STD)[:, None, None]

    def f_t():
        x = torch.nn.functional.interpolate(t_img, size=(224, 224), mode="bilinear", align_corners=False,
                                            antialias=False)
        return ((x.flip(1).float() / 255 - t_mean) / t_std).contiguous()

    ref = f_cv()
    _close(f_mx(), ref, 1.0001 / 255 / STD.min(), "mnnx chain")
    plan = io.StringIO()
    mnnx.debug.explain(f_mx(), file=plan)
    assert "1 kernel(s)" in plan.getvalue(), plan.getvalue()
    _close(f_t().numpy(), ref, 2.0001 / 255 / STD.min(), "torch chain")
    t = compare({"mnnx": f_mx_realized, "cv2+numpy": f_cv, "torch": f_t})
    rows.append(Row("cv preprocess 1080p BGR u8 -> 1x3x224x224 f32 RGB normalized", t.pop("mnnx"), t,
                    {"cv2+numpy": 2.0, "torch": 1.0}))

    # --- blobFromImage (cv2.dnn's spelling of the same chain with a scalar scale)
    b_mx = lambda: mcv.blobFromImage(img, 1 / 255, (224, 224), (104, 117, 123), swapRB=True)  # noqa: E731
    b_cv = lambda: cv2.dnn.blobFromImage(img, 1 / 255, (224, 224), (104, 117, 123), swapRB=True)  # noqa: E731
    _close(b_mx(), b_cv(), 1.0001 / 255, "blobFromImage")
    t = compare({"mnnx": b_mx, "cv2": b_cv})
    rows.append(Row("cv blobFromImage 1080p -> 1x3x224x224 (numpy in/out)", t.pop("mnnx"), t))

    # --- 1080p kernels
    for name, f_m, f_c in _kernels(img, cv2):
        _close(f_m(), f_c(), 1, name)
        t = compare({"mnnx": f_m, "cv2": f_c})
        rows.append(Row(name, t.pop("mnnx"), t, {"cv2": 0.8}))
    assert mnnx.get_num_threads() == BENCH_THREADS
    return rows


def run_cpu_time():
    """1 thread each; the best of 5 blocks of process CPU time per call (other processes' load does
    not count, unlike wall time)."""
    import time

    import cv2
    mnnx.set_num_threads(1)
    cv2.setNumThreads(1)
    img = _frame()
    f_mx, f_mx_realized, f_cv = _chains(img, cv2)

    def cpu(f, n):
        f()
        best = float("inf")
        for _ in range(5):
            t = time.process_time()
            for _ in range(n):
                f()
            best = min(best, (time.process_time() - t) / n)
        return best

    print("| workload (1 thread, CPU time per call) | mnnx | peer | peer time | ratio peer/mnnx |")
    print("|---|---|---|---|---|")
    cases = [("cv preprocess 1080p -> 1x3x224x224 (vs cv2+numpy)", f_mx_realized, f_cv, 40)]
    cases += [(name, f_m, f_c, 3 if "warp" in name else 20) for name, f_m, f_c in _kernels(img, cv2)]
    for name, f_m, f_c, n in cases:
        tm, tc = cpu(f_m, n), cpu(f_c, n)
        print(f"| {name} | {tm * 1e3:.3f} ms | cv2 | {tc * 1e3:.3f} ms | **{tc / tm:.2f}x** |")


if __name__ == "__main__":
    import sys
    if "--cpu-time" in sys.argv:
        run_cpu_time()
    else:
        from common import run_standalone
        run_standalone(run)
