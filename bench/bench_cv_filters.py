"""mnnx.cv filters and threshold on a 1920x1080 BGR uint8 frame, against cv2 (cv2.setNumThreads(2)).

Targets (issue 6): GaussianBlur 5x5 and threshold each >= 0.8x cv2. The other rows are informational:
they show where the simple kernels (float box filter, direct morphology, histogram median) stand."""
import numpy as np

from common import Row, compare, setup_threads

TARGET = {"cv2": 0.8}


def run():
    import cv2
    from mnnx.cv import _filters as mcv
    setup_threads()
    cv2.setNumThreads(2)
    rng = np.random.default_rng(3)
    try:  # a real photograph resized to 1080p: smooth regions and edges, like a camera frame
        import skimage.data
        img = cv2.resize(np.ascontiguousarray(skimage.data.astronaut()[:, :, ::-1]), (1920, 1080))
    except ImportError:
        img = rng.integers(0, 256, (1080, 1920, 3), dtype=np.uint8)
    gray = np.ascontiguousarray(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY))
    cases = [
        ("GaussianBlur 5x5, 1080p BGR u8", lambda m: m.GaussianBlur(img, (5, 5), 0), TARGET, 0),
        ("threshold BINARY, 1080p BGR u8", lambda m: m.threshold(img, 127, 255, m.THRESH_BINARY)[1], TARGET, 0),
        ("threshold BINARY, 1080p gray u8", lambda m: m.threshold(gray, 127, 255, m.THRESH_BINARY)[1], TARGET, 0),
        ("threshold OTSU, 1080p gray u8", lambda m: m.threshold(gray, 0, 255, m.THRESH_OTSU)[1], {}, 0),
        ("GaussianBlur 5x5, 1080p BGR f32", lambda m: m.GaussianBlur(img32, (5, 5), 0), {}, 1e-4),
        ("blur 5x5, 1080p BGR u8", lambda m: m.blur(img, (5, 5)), {}, 1),
        ("Sobel dx 16S, 1080p gray u8", lambda m: m.Sobel(gray, cv2.CV_16S, 1, 0), {}, 0),
        ("erode 3x3, 1080p BGR u8", lambda m: m.erode(img, None), {}, 0),
        ("medianBlur 5, 1080p BGR u8", lambda m: m.medianBlur(img, 5), {}, 0),
        ("Canny 50/150, 1080p gray u8", lambda m: m.Canny(gray, 50, 150), {}, 0),
    ]
    img32 = img.astype(np.float32) / 255
    rows = []
    for label, fn, targets, tol in cases:
        ours, theirs = np.asarray(fn(mcv)), fn(cv2)
        assert ours.shape == theirs.shape and ours.dtype == theirs.dtype, label
        assert np.abs(ours.astype(np.float64) - theirs).max() <= tol, label
        t = compare({"mnnx": lambda fn=fn: fn(mcv), "cv2": lambda fn=fn: fn(cv2)})
        rows.append(Row(label, t.pop("mnnx"), t, targets))
    return rows


if __name__ == "__main__":
    from common import run_standalone
    run_standalone(run)
