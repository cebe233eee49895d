"""mnnx.cv drawing against cv2: exact pixels for LINE_8/LINE_4 and LINE_AA shapes (cv2's own rasterization
and anti-aliasing rules); text only by placement (cv2 5.x draws a TrueType face)."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mnnx.numpy as mnp
from mnnx.cv import _draw as mcv

cv2 = pytest.importorskip("cv2")

PTS = np.array([[10, 10], [150, 30], [90, 110], [60, 50], [20, 100]], np.int32)

EXACT = [
    ("line", lambda m, i, lt: m.line(i, (5, 7), (150, 90), (255, 128, 0), 1, lt)),
    ("steep line", lambda m, i, lt: m.line(i, (100, 3), (20, 117), (255, 128, 0), 1, lt)),
    ("clipped line", lambda m, i, lt: m.line(i, (-50, -20), (300, 200), (255, 128, 0), 1, lt)),
    ("thick line", lambda m, i, lt: m.line(i, (5, 7), (150, 90), (255, 128, 0), 5, lt)),
    ("rectangle", lambda m, i, lt: m.rectangle(i, (10, 20), (100, 90), (0, 255, 0), 3, lt)),
    ("filled rectangle", lambda m, i, lt: m.rectangle(i, (10, 20), (100, 90), (0, 255, 0), -1, lt)),
    ("rectangle as rect", lambda m, i, lt: m.rectangle(i, (10, 20, 50, 30), (0, 255, 0), 2, lt)),
    ("filled circle", lambda m, i, lt: m.circle(i, (80, 60), 40, (0, 0, 255), -1, lt)),
    ("thick circle", lambda m, i, lt: m.circle(i, (80, 60), 40, (0, 0, 255), 6, lt)),
    ("circle at edge", lambda m, i, lt: m.circle(i, (150, 10), 40, (0, 0, 255), -1, lt)),
    ("thick arc", lambda m, i, lt: m.ellipse(i, (80, 60), (50, 25), 30, 20, 250, (9, 99, 200), 3, lt)),
    ("filled ellipse", lambda m, i, lt: m.ellipse(i, (80, 60), (50, 25), 30, 0, 360, (9, 99, 200), -1, lt)),
    ("polylines", lambda m, i, lt: m.polylines(i, [PTS], True, (200, 100, 50), 1, lt)),
    ("thick open polylines", lambda m, i, lt: m.polylines(i, [PTS], False, (200, 100, 50), 3, lt)),
    ("fillPoly", lambda m, i, lt: m.fillPoly(i, [PTS], (200, 100, 50), lt)),
    ("fillConvexPoly", lambda m, i, lt: m.fillConvexPoly(i, PTS[[0, 1, 2, 4]], (200, 100, 50), lt)),
]


def draw_both(fn, shape=(120, 160, 3), dtype=np.uint8):
    a = np.zeros(shape, dtype)
    b = a.copy()
    ra, rb = fn(mcv, a), fn(cv2, b)
    assert ra is a  # drawn in place and returned, as cv2 does
    return a, b


@pytest.mark.parametrize("name,fn", EXACT, ids=[e[0] for e in EXACT])
@pytest.mark.parametrize("lt", [cv2.LINE_8, cv2.LINE_4])
def test_shapes_exact(name, fn, lt):
    a, b = draw_both(lambda m, i: fn(m, i, lt))
    assert np.array_equal(a, b), f"{(a != b).any(axis=2).sum()} pixels differ"


@pytest.mark.parametrize("lt", [cv2.LINE_8, cv2.LINE_4])
def test_thin_curves_pies_and_subpixel_lines(lt):
    for fn in (lambda m, i: m.circle(i, (80, 60), 40, (0, 0, 255), 1, lt),
               lambda m, i: m.ellipse(i, (80, 60), (50, 25), 30, 0, 360, (9, 99, 200), 1, lt),
               lambda m, i: m.ellipse(i, (80, 60), (50, 25), 30, 20, 250, (9, 99, 200), -1, lt),
               lambda m, i: m.line(i, (2532, 2407), (1453, 635), (7, 8, 9), 1, lt, 4)):
        a, b = draw_both(fn)
        assert np.array_equal(a, b)


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.float32])
@pytest.mark.parametrize("channels", [1, 3, 4])
def test_dtypes_and_channels(dtype, channels):
    shape = (60, 70) if channels == 1 else (60, 70, channels)
    for fn in (lambda m, i: m.circle(i, (30, 30), 20, (1000.7, 7, 9, 11), -1),
               lambda m, i: m.line(i, (0, 0), (69, 59), 200.5, 3),
               lambda m, i: m.fillPoly(i, [PTS // 3], (5, 6, 7, 8))):
        a, b = draw_both(fn, shape, dtype)
        assert np.array_equal(a, b)


@given(st.lists(st.tuples(st.integers(0, 99), st.integers(0, 79)), min_size=3, max_size=8), st.sampled_from([0, 2]))
def test_fill_poly_exact(points, shift):
    pts = np.array(points, np.int32) << shift  # self-intersecting ones too: even-odd like cv2
    a, b = draw_both(lambda m, i: m.fillPoly(i, [pts], 255, cv2.LINE_8, shift), (80, 100))
    assert np.array_equal(a, b)


@given(st.lists(st.tuples(st.integers(-40, 140), st.integers(-40, 120)), min_size=3, max_size=8),
       st.sampled_from([cv2.LINE_4, cv2.LINE_8, cv2.LINE_AA]), st.sampled_from([0, 3]))
def test_fill_poly_leaving_the_image(points, lt, shift):
    pts = np.array(points, np.int32) << shift
    a, b = draw_both(lambda m, i: m.fillPoly(i, [pts], 255, lt, shift), (80, 100))
    assert np.array_equal(a, b)


@given(st.integers(-30, 130), st.integers(-30, 130), st.integers(-30, 130), st.integers(-30, 130),
       st.sampled_from([1, 2, 5]), st.sampled_from([cv2.LINE_4, cv2.LINE_8]))
def test_lines_any_endpoints(x0, y0, x1, y1, thickness, lt):
    a, b = draw_both(lambda m, i: m.line(i, (x0, y0), (x1, y1), 255, thickness, lt), (90, 100))
    assert np.array_equal(a, b)


@pytest.mark.parametrize("name,fn", EXACT, ids=[e[0] for e in EXACT])
def test_antialiased_exact(name, fn):
    a, b = draw_both(lambda m, i: fn(m, i, cv2.LINE_AA))
    assert np.array_equal(a, b), f"{(a != b).any(axis=2).sum()} pixels differ"
    # blending onto a busy background, 1 and 4 channels
    for shape in ((120, 160), (120, 160, 4)):
        bg = np.random.default_rng(len(name)).integers(0, 256, shape, dtype=np.uint8)
        a, b = bg.copy(), bg.copy()
        fn(mcv, a, cv2.LINE_AA), fn(cv2, b, cv2.LINE_AA)
        assert np.array_equal(a, b)


@given(st.integers(-300, 300), st.integers(-300, 300), st.integers(-300, 300), st.integers(-300, 300),
       st.sampled_from([1, 1, 2, 7]), st.sampled_from([0, 0, 2, 5]), st.integers(0, 2**31))
def test_antialiased_lines_and_ellipses_any_geometry(x0, y0, x1, y1, thickness, shift, seed):
    rng = np.random.default_rng(seed)
    color = tuple(int(v) for v in rng.integers(0, 256, 4))
    bg = rng.integers(0, 256, (40, 50, 3), dtype=np.uint8)
    for fn in (lambda m, i: m.line(i, (x0, y0), (x1, y1), color, thickness, cv2.LINE_AA, shift),
               lambda m, i: m.ellipse(i, (x0 // 4, y0 // 4), (abs(x1) // 6, abs(y1) // 6), x0 % 360, y0 % 90,
                                      y1 % 400, color, thickness if x0 % 3 else -1, cv2.LINE_AA, shift),
               lambda m, i: m.circle(i, (x1 // 4, y1 // 4), abs(x0) // 5, color, thickness, cv2.LINE_AA, shift)):
        a, b = bg.copy(), bg.copy()
        fn(mcv, a), fn(cv2, b)
        assert np.array_equal(a, b)


def test_draw_contours_matches_cv2():
    z = np.zeros((60, 60), np.uint8)
    z[5:55, 5:55] = 1
    z[15:45, 15:45] = 0
    z[25:35, 25:35] = 1
    contours, hierarchy = cv2.findContours(z, cv2.RETR_TREE, cv2.CHAIN_APPROX_SIMPLE)
    for args in ((-1, (0, 255, 0), 1), (-1, (0, 255, 0), -1), (0, (0, 0, 255), 2), (1, (9, 9, 9), -1)):
        a, b = draw_both(lambda m, i: m.drawContours(i, contours, *args), (60, 60, 3))
        assert np.array_equal(a, b)
    for level in (0, 1, 2):
        a, b = draw_both(lambda m, i: m.drawContours(i, contours, 0, 255, -1, cv2.LINE_8, hierarchy, level),
                         (60, 60, 3))
        assert np.array_equal(a, b)
    a, b = draw_both(lambda m, i: m.drawContours(i, contours, -1, 255, 1, offset=(3, -2)), (60, 60, 3))
    assert np.array_equal(a, b)
    for t in (1, 3, -1):  # anti-aliased: the segments blend in cv2's order
        a, b = draw_both(lambda m, i: m.drawContours(i, contours, -1, (40, 200, 90), t, cv2.LINE_AA), (60, 60, 3))
        assert np.array_equal(a, b)


def test_ellipse2poly():
    for args in (((50, 50), (30, 20), 15, 0, 360, 10), ((5, 7), (100, 3), -30, 300, 20, 7), ((0, 0), (1, 1), 0, 0, 90, 45)):
        assert np.array_equal(mcv.ellipse2Poly(*args), cv2.ellipse2Poly(*args))


@pytest.mark.parametrize("text,scale,thickness,lt", [("Hello, World! 123", 1.0, 1, cv2.LINE_8),
                                                      ("mnnx.cv {ok} @#%&", 0.7, 2, cv2.LINE_AA),
                                                      ("gjpqy|", 2.0, 3, cv2.LINE_8)])
def test_put_text(text, scale, thickness, lt):
    (w, h), base = mcv.getTextSize(text, mcv.FONT_HERSHEY_SIMPLEX, scale, thickness)
    org = (12, 70)
    a = np.zeros((130, 560, 3), np.uint8)
    mcv.putText(a, text, org, mcv.FONT_HERSHEY_SIMPLEX, scale, (0, 255, 255), thickness, lt)
    ys, xs = np.nonzero(a.any(axis=2))
    assert len(xs) > 0
    # all ink inside the box getTextSize promises (org is the bottom-left of the text, base below it);
    # as in cv2 the box covers capitals, while brackets and '@' may reach 4 font units higher
    assert xs.min() >= org[0] - thickness and xs.max() <= org[0] + w + thickness
    assert ys.min() >= org[1] - h - thickness - 4 * scale and ys.max() <= org[1] + base + thickness
    # cv2's text lands on the same spot (cv2 5.x draws a TrueType face, so only the placement is comparable)
    b = np.zeros_like(a)
    cv2.putText(b, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 255, 255), thickness, lt)
    yb, xb = np.nonzero(b.any(axis=2))
    ix = min(xs.max(), xb.max()) - max(xs.min(), xb.min())
    assert ix > 0.6 * (xb.max() - xb.min())
    flipped = np.zeros_like(a)
    mcv.putText(flipped, text, (12, 20), mcv.FONT_HERSHEY_SIMPLEX, scale, (0, 255, 255), thickness, lt, True)
    assert flipped.any()


def test_get_text_size_hershey_metrics():
    # cv2 4.x's Hershey metrics: height round(21 * scale + (thickness + 1) // 2), baseline round(9 * scale + t / 2)
    (w, h), base = mcv.getTextSize("A", mcv.FONT_HERSHEY_SIMPLEX, 2.0, 3)
    assert (h, base) == (44, 20) and w == round(18 * 2.0 + 3)


def test_var_and_non_contiguous():
    img = mnp.asarray(np.zeros((40, 50, 3), np.uint8))
    out = mcv.circle(img, (20, 20), 10, (255, 0, 0), -1)
    assert out is img  # drawn in place, as cv2 draws into a numpy image
    ref = cv2.circle(np.zeros((40, 50, 3), np.uint8), (20, 20), 10, (255, 0, 0), -1)
    assert np.array_equal(np.asarray(out), ref)
    base = np.zeros((40, 100, 3), np.uint8)
    view = base[:, ::2]
    res = mcv.line(view, (0, 0), (49, 39), (0, 255, 0), 2)
    assert res is view
    assert np.array_equal(view, cv2.line(np.zeros((40, 50, 3), np.uint8), (0, 0), (49, 39), (0, 255, 0), 2))


@pytest.mark.parametrize("call", [
    lambda: mcv.line(np.zeros((5, 5), np.uint8), (0.5, 0), (3, 3), 255),
    lambda: mcv.line(np.zeros((5, 5), np.uint8), (0, 0), (3, 3), 255, 0),
    lambda: mcv.circle(np.zeros((5, 5), np.uint8), (2, 2), -1, 255),
    lambda: mcv.circle(np.zeros((5, 5), np.uint8), (2, 2), 1, 255, 1, 3),
    lambda: mcv.line(np.zeros((5, 5), np.uint8), (0, 0), (3, 3), 255, 1, 8, 17),
    lambda: mcv.fillPoly(np.zeros((5, 5), np.uint8), [np.zeros((3, 2), np.float32)], 255),
    lambda: mcv.rectangle(np.zeros((0, 5), np.uint8), (0, 0), (3, 3), 255),
    lambda: mcv.putText(np.zeros((5, 5), np.uint8), "x", (0, 4), cv2.FONT_HERSHEY_DUPLEX, 1, 255),
    lambda: mcv.line(np.zeros((5, 5), np.bool_), (0, 0), (3, 3), 1),
    lambda: mcv.drawContours(np.zeros((5, 5), np.uint8), [np.zeros((3, 1, 2), np.int32)], 3, 255),
])
def test_bad_input_raises_cv_error(call):
    from mnnx.cv._fcommon import error
    with pytest.raises(error):
        call()
