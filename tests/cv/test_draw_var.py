"""Drawing on an mnnx array writes it (and its views), as cv2 writes a numpy image."""
import numpy as np
import pytest

import mnnx.cv as mcv
import mnnx.numpy as mnp

cv2 = pytest.importorskip("cv2")


def test_drawing_on_a_var_writes_it_like_cv2_writes_numpy():
    img_np = np.zeros((20, 30, 3), np.uint8)
    img = mnp.asarray(img_np.copy())
    top = img[:10]
    r = mcv.rectangle(img, (2, 3), (25, 15), (255, 0, 0), 2)
    cv2.rectangle(img_np, (2, 3), (25, 15), (255, 0, 0), 2)
    assert r is img
    np.testing.assert_array_equal(np.asarray(img), img_np)
    np.testing.assert_array_equal(np.asarray(top), img_np[:10])
