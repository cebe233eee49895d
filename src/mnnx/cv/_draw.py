"""cv2's drawing functions on native raster kernels (cv/draw_*.cpp). Like cv2 they draw into the numpy
array they are given and return it; a Var is drawn on a copy that is then written back into it (so its
views see the drawing too, as with numpy images)."""
import numpy as np

from .. import _C
from ._contours import *  # noqa: F401,F403  (findContours and the contour measurements: exported from here)
from ._contours import __all__ as _contours_all
from ._fcommon import error

LINE_4, LINE_8, LINE_AA, FILLED = 4, 8, 16, -1
_XY_SHIFT, _MAX_THICKNESS = 16, 32767
_DRAW_DTYPES = (np.uint8, np.int8, np.uint16, np.int16, np.int32, np.float32, np.float64)


class _Canvas:
    """The caller's image as a writable C-contiguous (h, w, c) array, and how to hand the result back."""

    def __init__(self, img, func):
        from .._tensor import Var
        self.src, self.is_var = img, isinstance(img, Var)
        a = np.array(img) if self.is_var else img
        if not isinstance(a, np.ndarray):
            raise error(f"{func}: img must be a numpy array or an mnnx Var, got {type(img).__name__}")
        if a.ndim not in (2, 3) or a.size == 0 or (a.ndim == 3 and not 1 <= a.shape[2] <= 4):
            raise error(f"{func}: expected a non-empty (h, w) or (h, w, 1..4) image, got shape {a.shape}")
        if a.dtype not in _DRAW_DTYPES:
            raise error(f"{func}: unsupported image dtype {a.dtype}")
        if not a.flags.writeable:
            raise error(f"{func}: the image is read-only")
        self.a = a
        self.work = a if a.flags.c_contiguous else np.ascontiguousarray(a)
        self.work = self.work.reshape(a.shape[0], a.shape[1], -1)
        self.c = self.work.shape[2]

    def color(self, color, func):
        vals = np.zeros(4, np.float64)
        flat = np.ravel(np.asarray(color, np.float64)) if not np.isscalar(color) else np.array([float(color)])
        if flat.size > 4:
            raise error(f"{func}: color must be a scalar or up to 4 values, got {color!r}")
        vals[:flat.size] = flat
        vals = vals[:self.c]
        if self.a.dtype.kind in "ui":
            info = np.iinfo(self.a.dtype)
            vals = np.clip(np.rint(vals), info.min, info.max)
        return vals.astype(self.a.dtype).tobytes()

    def line_type(self, line_type, func):
        lt = int(line_type)
        if lt == FILLED:
            lt = LINE_8
        if lt not in (LINE_4, LINE_8, LINE_AA, 1):
            raise error(f"{func}: unknown lineType {line_type}")
        if lt == 1:
            lt = LINE_4
        if lt == LINE_AA and self.a.dtype != np.uint8:
            lt = LINE_8  # cv2 anti-aliases 8-bit images only
        return lt

    def done(self):
        if self.is_var:
            from .. import numpy as mnp
            self.src[...] = mnp.asarray(self.a)
            return self.src
        if self.work.base is not self.a and not np.shares_memory(self.work, self.a):
            self.a[...] = self.work.reshape(self.a.shape)
        return self.a


def _int(v, func, name):
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
        raise error(f"{func}: {name} must be an integer, got {v!r}")
    return int(v)


def _point(p, func, name):
    try:
        x, y = p
    except (TypeError, ValueError):
        raise error(f"{func}: {name} must be an (x, y) pair of integers, got {p!r}") from None
    return _int(x, func, name), _int(y, func, name)


def _shift(shift, func):
    s = int(shift)
    if not 0 <= s <= _XY_SHIFT:
        raise error(f"{func}: shift must be in [0, {_XY_SHIFT}], got {shift}")
    return s


def _thickness(t, func, allow_filled):
    t = int(t)
    if t > _MAX_THICKNESS or (t <= 0 and not (allow_filled and t < 0)):
        raise error(f"{func}: thickness must be in (0, {_MAX_THICKNESS}]" + (" or FILLED" if allow_filled else "")
                    + f", got {t}")
    return t


def _polys(pts, func):
    """cv2's InputArrayOfArrays of points: a list of (n, 2) / (n, 1, 2) int32 arrays (or one array)."""
    if isinstance(pts, np.ndarray) and pts.ndim == 2 and pts.shape[1] == 2:
        pts = [pts]
    elif isinstance(pts, np.ndarray) and pts.ndim == 3 and pts.shape[1:] == (1, 2):
        pts = [pts]
    out = []
    for p in pts:
        a = np.asarray(p)
        if a.dtype != np.int32:
            raise error(f"{func}: points must be int32 arrays, got {a.dtype}")
        if a.size % 2 or (a.ndim >= 2 and a.shape[-1] != 2 and a.size):
            raise error(f"{func}: expected (n, 2) or (n, 1, 2) point arrays, got shape {a.shape}")
        out.append(a.reshape(-1, 2).astype(np.int64))
    xy = np.concatenate(out).ravel().tolist() if out else []
    return xy, [len(a) for a in out]


def line(img, pt1, pt2, color, thickness=1, lineType=LINE_8, shift=0):
    cv = _Canvas(img, "line")
    (x0, y0), (x1, y1) = _point(pt1, "line", "pt1"), _point(pt2, "line", "pt2")
    _C.cv_draw_line(cv.work, x0, y0, x1, y1, cv.color(color, "line"), _thickness(thickness, "line", False),
                    cv.line_type(lineType, "line"), _shift(shift, "line"))
    return cv.done()


def rectangle(img, pt1, pt2=None, color=None, thickness=1, lineType=LINE_8, shift=0):
    if pt2 is None or color is None or (isinstance(pt1, (tuple, list)) and len(pt1) == 4):
        # rectangle(img, rec=(x, y, w, h), color, ...)
        x, y, w, h = (_int(v, "rectangle", "rec") for v in pt1)
        color, thickness, lineType = (pt2, color if color is not None else thickness,
                                      thickness if color is not None else lineType)
        pt1, pt2 = (x, y), (x + w - 1, y + h - 1)
        if w <= 0 or h <= 0:
            return img
    cv = _Canvas(img, "rectangle")
    (x0, y0), (x1, y1) = _point(pt1, "rectangle", "pt1"), _point(pt2, "rectangle", "pt2")
    t, lt, s = _thickness(thickness, "rectangle", True), cv.line_type(lineType, "rectangle"), _shift(shift, "rectangle")
    xy = [x0, y0, x1, y0, x1, y1, x0, y1]
    if t >= 0:
        _C.cv_draw_polylines(cv.work, xy, [4], True, cv.color(color, "rectangle"), t, lt, s)
    else:
        _C.cv_fill_convex_poly(cv.work, xy, cv.color(color, "rectangle"), lt, s)
    return cv.done()


def circle(img, center, radius, color, thickness=1, lineType=LINE_8, shift=0):
    cv = _Canvas(img, "circle")
    cx, cy = _point(center, "circle", "center")
    r = _int(radius, "circle", "radius")
    if r < 0:
        raise error(f"circle: radius must be >= 0, got {r}")
    _C.cv_draw_circle(cv.work, cx, cy, r, cv.color(color, "circle"), _thickness(thickness, "circle", True),
                      cv.line_type(lineType, "circle"), _shift(shift, "circle"))
    return cv.done()


def ellipse(img, center, axes=None, angle=None, startAngle=None, endAngle=None, color=None, thickness=1,
            lineType=LINE_8, shift=0):
    if color is None and axes is not None and angle is None or (
            isinstance(center, (tuple, list)) and len(center) == 3 and not np.isscalar(center[0])):
        # ellipse(img, box=((cx, cy), (w, h), angle), color, thickness, lineType): a rotated rectangle's ellipse
        (bx, by), (bw, bh), bangle = center
        color = axes
        thickness = angle if angle is not None else thickness
        lineType = startAngle if startAngle is not None else lineType
        cv = _Canvas(img, "ellipse")
        one = 1 << _XY_SHIFT
        _C.cv_draw_ellipse(cv.work, round(bx * one), round(by * one), round(bw * one / 2), round(bh * one / 2),
                           float(bangle), 0.0, 360.0, cv.color(color, "ellipse"),
                           _thickness(thickness, "ellipse", True), cv.line_type(lineType, "ellipse"), _XY_SHIFT)
        return cv.done()
    cv = _Canvas(img, "ellipse")
    cx, cy = _point(center, "ellipse", "center")
    ax, ay = _point(axes, "ellipse", "axes")
    if ax < 0 or ay < 0:
        raise error(f"ellipse: axes must be >= 0, got ({ax}, {ay})")
    _C.cv_draw_ellipse(cv.work, cx, cy, ax, ay, float(angle), float(startAngle), float(endAngle),
                       cv.color(color, "ellipse"), _thickness(thickness, "ellipse", True),
                       cv.line_type(lineType, "ellipse"), _shift(shift, "ellipse"))
    return cv.done()


def ellipse2Poly(center, axes, angle, arcStart, arcEnd, delta):
    cx, cy = _point(center, "ellipse2Poly", "center")
    ax, ay = _point(axes, "ellipse2Poly", "axes")
    delta = int(delta)
    if not 0 < delta <= 180:
        raise error(f"ellipse2Poly: delta must be in (0, 180], got {delta}")
    xy = np.array(_C.cv_ellipse2poly(cx, cy, ax, ay, int(angle), int(arcStart), int(arcEnd), delta)).reshape(-1, 2)
    pts = np.rint(xy).astype(np.int32)
    keep = np.ones(len(pts), bool)
    keep[1:] = np.any(pts[1:] != pts[:-1], axis=1)
    return pts[keep]


def polylines(img, pts, isClosed, color, thickness=1, lineType=LINE_8, shift=0):
    cv = _Canvas(img, "polylines")
    xy, counts = _polys(pts, "polylines")
    _C.cv_draw_polylines(cv.work, xy, counts, bool(isClosed), cv.color(color, "polylines"),
                         _thickness(thickness, "polylines", False), cv.line_type(lineType, "polylines"),
                         _shift(shift, "polylines"))
    return cv.done()


def fillPoly(img, pts, color, lineType=LINE_8, shift=0, offset=None):
    cv = _Canvas(img, "fillPoly")
    xy, counts = _polys(pts, "fillPoly")
    ox, oy = (0, 0) if offset is None else _point(offset, "fillPoly", "offset")
    _C.cv_fill_poly(cv.work, xy, counts, cv.color(color, "fillPoly"), cv.line_type(lineType, "fillPoly"),
                    _shift(shift, "fillPoly"), ox, oy)
    return cv.done()


def fillConvexPoly(img, points, color, lineType=LINE_8, shift=0):
    cv = _Canvas(img, "fillConvexPoly")
    xy, _ = _polys([points], "fillConvexPoly")
    _C.cv_fill_convex_poly(cv.work, xy, cv.color(color, "fillConvexPoly"), cv.line_type(lineType, "fillConvexPoly"),
                           _shift(shift, "fillConvexPoly"))
    return cv.done()


def drawContours(image, contours, contourIdx, color, thickness=1, lineType=LINE_8, hierarchy=None,
                 maxLevel=2 ** 31 - 1, offset=None):
    cv = _Canvas(image, "drawContours")
    n = len(contours)
    idx = int(contourIdx)
    if idx >= n:
        raise error(f"drawContours: contourIdx {idx} is out of range for {n} contours")
    chosen = list(range(n)) if idx < 0 else [idx]
    if hierarchy is not None and maxLevel > 0 and n:
        h = np.asarray(hierarchy).reshape(-1, 4)
        roots = [i for i in range(n) if h[i, 3] < 0] if idx < 0 else [idx]
        chosen, stack = [], [(r, 0) for r in roots]
        while stack:  # each chosen contour and its descendants down to maxLevel
            i, level = stack.pop()
            chosen.append(i)
            c = h[i, 2]
            while c >= 0 and level < maxLevel:
                stack.append((int(c), level + 1))
                c = h[c, 0]
    elif hierarchy is not None and maxLevel <= 0 and idx < 0:
        chosen = list(range(n))
    ox, oy = (0, 0) if offset is None else _point(offset, "drawContours", "offset")
    t = _thickness(thickness, "drawContours", True)
    lt, col = cv.line_type(lineType, "drawContours"), cv.color(color, "drawContours")
    xy, counts = _polys([contours[i] for i in chosen], "drawContours")
    if t >= 0:
        # cv2 draws a contour's segments from its first point on, the closing one last (a closed polyline
        # starts with the closing one): the same lines, blended in cv2's order under LINE_AA
        pts = np.array(xy, np.int64).reshape(-1, 2) + [ox, oy]
        starts = np.cumsum([0] + counts[:-1])
        pts = np.concatenate([np.roll(pts[s:s + c], -1, axis=0) for s, c in zip(starts, counts)]) if counts else pts
        _C.cv_draw_polylines(cv.work, pts.ravel().tolist(), counts, True, col, t, lt, 0)
    else:
        _C.cv_fill_poly(cv.work, xy, counts, col, lt, 0, ox, oy)
    return cv.done()


from ._text import *  # noqa: E402,F401,F403  (putText, getTextSize and the Hershey fonts)
from ._text import __all__ as _text_all  # noqa: E402

__all__ = ["LINE_4", "LINE_8", "LINE_AA", "FILLED", "line", "rectangle", "circle", "ellipse", "ellipse2Poly",
           "polylines", "fillPoly", "fillConvexPoly", "drawContours"] + list(_contours_all) + list(_text_all)
