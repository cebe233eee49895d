"""mnnx.cv against MNN.cv (pip package `mnn`, MNN 3.6.1) and cv2 on the 1080p rows of the cv issue:
cvtColor BGR2GRAY, GaussianBlur 5x5, resize to 960x540 (AREA, LINEAR), warpAffine, threshold.

MNN is given its best case: 2 threads (MNN.expr.set_thread_number), the image converted to an MNN
Var once outside the timed call, and each call's result read back (`.read()`) so it is computed.
MNN's results are not checked (PEERS.md lists its known wrong results, e.g. AREA resize); cv2's and
mnnx's are checked against each other in tests/cv. Skips when `mnn` is not installed."""
import numpy as np

import mnnx.cv as mcv

from common import Row, compare, setup_threads


def run():
    try:
        import MNN.cv as mnn_cv
        import MNN.expr as mnn_F
    except ImportError:
        print("MNN is not installed (pip install mnn): skipped")
        return []
    import cv2
    setup_threads()
    cv2.setNumThreads(2)
    mnn_F.set_thread_number(2)
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (1080, 1920, 3), dtype=np.uint8)
    v = mnn_F.const(img, list(img.shape), mnn_F.NHWC, mnn_F.uint8)
    M = cv2.getRotationMatrix2D((960, 540), 10, 1.0)
    Mm = mnn_cv.getRotationMatrix2D([960, 540], 10, 1.0)
    rows = []
    cases = [
        ("cvtColor BGR2GRAY", lambda: mcv.cvtColor(img, mcv.COLOR_BGR2GRAY), lambda: cv2.cvtColor(img, cv2.COLOR_BGR2GRAY),
         lambda: mnn_cv.cvtColor(v, mnn_cv.COLOR_BGR2GRAY).read()),
        ("GaussianBlur 5x5", lambda: mcv.GaussianBlur(img, (5, 5), 0), lambda: cv2.GaussianBlur(img, (5, 5), 0),
         lambda: mnn_cv.GaussianBlur(v, [5, 5], 0).read()),
        ("resize 960x540 AREA", lambda: mcv.resize(img, (960, 540), interpolation=mcv.INTER_AREA),
         lambda: cv2.resize(img, (960, 540), interpolation=cv2.INTER_AREA),
         lambda: mnn_cv.resize(v, [960, 540], 0, 0, mnn_cv.INTER_AREA).read()),
        ("resize 960x540 LINEAR", lambda: mcv.resize(img, (960, 540), interpolation=mcv.INTER_LINEAR),
         lambda: cv2.resize(img, (960, 540), interpolation=cv2.INTER_LINEAR),
         lambda: mnn_cv.resize(v, [960, 540], 0, 0, mnn_cv.INTER_LINEAR).read()),
        ("warpAffine rotate 10 deg", lambda: mcv.warpAffine(img, M, (1920, 1080)), lambda: cv2.warpAffine(img, M, (1920, 1080)),
         lambda: mnn_cv.warpAffine(v, Mm, [1920, 1080]).read()),
        ("threshold BINARY", lambda: mcv.threshold(img, 127, 255, mcv.THRESH_BINARY),
         lambda: cv2.threshold(img, 127, 255, cv2.THRESH_BINARY),
         lambda: mnn_cv.threshold(v, 127, 255, mnn_cv.THRESH_BINARY).read()),
    ]
    for name, f_mx, f_cv, f_mnn in cases:
        t = compare({"mnnx": f_mx, "cv2": f_cv, "MNN.cv": f_mnn})
        rows.append(Row(f"{name}, 1080p BGR u8", t.pop("mnnx"), t, {"cv2": 0.8, "MNN.cv": 2.0}))
    return rows


if __name__ == "__main__":
    from common import run_standalone
    run_standalone(run)
