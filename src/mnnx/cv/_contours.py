"""cv2's findContours (native border following, cv/contours.cpp) and the contour measurements."""
import math

import numpy as np

from .. import _C
from ._fcommon import as_numpy, error

RETR_EXTERNAL, RETR_LIST, RETR_CCOMP, RETR_TREE = range(4)
CHAIN_APPROX_NONE, CHAIN_APPROX_SIMPLE = 1, 2


def findContours(image, mode, method, contours=None, hierarchy=None, offset=None):
    """cv2 4.x/5.x: returns (contours, hierarchy); contours as (n, 1, 2) int32 arrays, hierarchy as a
    (1, count, 4) int32 array of [next, previous, first child, parent] or None when nothing was found."""
    a = as_numpy(image)
    if a.ndim == 3 and a.shape[2] == 1:
        a = a[:, :, 0]
    if a.ndim != 2 or a.dtype != np.uint8 or a.size == 0:
        raise error(f"findContours: expected a non-empty single-channel uint8 image, got {a.dtype} {a.shape}")
    if mode not in (RETR_EXTERNAL, RETR_LIST, RETR_CCOMP, RETR_TREE):
        raise error(f"findContours: unsupported mode {mode}")
    if method not in (CHAIN_APPROX_NONE, CHAIN_APPROX_SIMPLE):
        raise error(f"findContours: unsupported method {method} (CHAIN_APPROX_NONE or CHAIN_APPROX_SIMPLE)")
    ox, oy = (0, 0) if offset is None else (int(offset[0]), int(offset[1]))
    pts, info = _C.cv_find_contours(np.ascontiguousarray(a).reshape(a.shape + (1,)), method == CHAIN_APPROX_SIMPLE,
                                    ox, oy)
    info = info.reshape(-1, 4)
    n = len(info)
    holes, parents = info[:, 2].astype(bool), info[:, 3].tolist()
    if mode == RETR_EXTERNAL:
        keep = [k for k in range(n) if not holes[k] and parents[k] == -1]
        parent = {k: -1 for k in keep}
    elif mode == RETR_LIST:
        keep = list(range(n))
        parent = {k: -1 for k in keep}
    elif mode == RETR_CCOMP:  # outer borders on top, each with its holes
        keep = list(range(n))
        parent = {k: (parents[k] if holes[k] else -1) for k in keep}
    else:
        keep = list(range(n))
        parent = dict(zip(keep, parents))
    # cv2 inserts each new contour at the head of its parent's child list, then lists the tree depth first.
    children = {-1: []}
    for k in keep:
        children.setdefault(k, [])
        children.setdefault(parent[k], []).insert(0, k)
    order, stack = [], list(reversed(children[-1]))
    while stack:
        k = stack.pop()
        order.append(k)
        stack.extend(reversed(children[k]))
    if not order:
        return (), None
    pos = {k: i for i, k in enumerate(order)}
    hier = np.full((1, len(order), 4), -1, np.int32)
    for k in order:
        sib = children[parent[k]]
        j = sib.index(k)
        h = hier[0, pos[k]]
        h[0] = pos[sib[j + 1]] if j + 1 < len(sib) else -1
        h[1] = pos[sib[j - 1]] if j > 0 else -1
        h[2] = pos[children[k][0]] if children[k] else -1
        h[3] = pos[parent[k]] if parent[k] != -1 else -1
    pts = pts.reshape(-1, 1, 2)
    out = tuple(pts[info[k, 0]:info[k, 0] + info[k, 1]].copy() for k in order)
    return out, hier


def _points(curve, func):
    p = as_numpy(curve)
    if p.dtype not in (np.int32, np.float32, np.float64, np.int64):
        raise error(f"{func}: points must be int32 or float32, got {p.dtype}")
    if p.size % 2 or (p.ndim >= 2 and p.shape[-1] != 2):
        raise error(f"{func}: expected an (n, 2) or (n, 1, 2) array of points, got shape {p.shape}")
    return p.reshape(-1, 2)


def contourArea(contour, oriented=False):
    p = _points(contour, "contourArea").astype(np.float64)
    if len(p) < 3:
        return 0.0
    x, y = p[:, 0], p[:, 1]
    a = 0.5 * float(np.sum(np.roll(x, 1) * y - x * np.roll(y, 1)))
    return a if oriented else abs(a)


def arcLength(curve, closed):
    p = _points(curve, "arcLength").astype(np.float64)
    if len(p) < 2:
        return 0.0
    d = np.diff(np.vstack([p, p[:1]]) if closed else p, axis=0)
    return float(np.sum(np.sqrt(np.sum(d * d, axis=1))))


def boundingRect(array):
    a = as_numpy(array)
    if a.dtype == np.uint8 and a.ndim == 2:  # a mask: the box of its nonzero pixels
        ys, xs = np.nonzero(a)
        if len(xs) == 0:
            return (0, 0, 0, 0)
        return (int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1))
    p = _points(a, "boundingRect")
    if len(p) == 0:
        return (0, 0, 0, 0)
    lo, hi = np.floor(p.min(axis=0)).astype(np.int64), np.floor(p.max(axis=0)).astype(np.int64)
    return (int(lo[0]), int(lo[1]), int(hi[0] - lo[0] + 1), int(hi[1] - lo[1] + 1))


def _hull(p):
    """Andrew's monotone chain, counter-clockwise in y-down coordinates; collinear points dropped."""
    p = sorted(set(map(tuple, p.tolist())))
    if len(p) <= 2:
        return np.array(p, np.float64)

    def half(seq):
        out = []
        for q in seq:
            while len(out) >= 2 and (out[-1][0] - out[-2][0]) * (q[1] - out[-2][1]) - \
                    (out[-1][1] - out[-2][1]) * (q[0] - out[-2][0]) <= 0:
                out.pop()
            out.append(q)
        return out
    lower, upper = half(p), half(reversed(p))
    return np.array(lower[:-1] + upper[:-1], np.float64)


def minAreaRect(points):
    """((cx, cy), (w, h), angle) of the smallest enclosing rectangle, rotating calipers over the hull.
    The angle follows cv2 5.x: in [-90, 0), width along the first edge found at that angle."""
    p = _points(points, "minAreaRect").astype(np.float64)
    if len(p) == 0:
        raise error("minAreaRect: no points given")
    hull = _hull(p)
    if len(hull) == 1:
        return ((float(hull[0, 0]), float(hull[0, 1])), (0.0, 0.0), 0.0)
    best = None
    for i in range(len(hull)):
        e = hull[(i + 1) % len(hull)] - hull[i]
        n = math.hypot(e[0], e[1])
        if n == 0:
            continue
        u = e / n
        v = np.array([-u[1], u[0]])
        pu, pv = hull @ u, hull @ v
        area = (pu.max() - pu.min()) * (pv.max() - pv.min())
        if best is None or area < best[0] - 1e-9 * max(1.0, area):
            best = (area, u, v, pu.min(), pu.max(), pv.min(), pv.max())
    _, u, v, u0, u1, v0, v1 = best
    c = u * (u0 + u1) / 2 + v * (v0 + v1) / 2
    w, h = u1 - u0, v1 - v0
    ang = math.degrees(math.atan2(u[1], u[0]))
    # Bring the width direction into [-90, 0): rotating by 90 degrees swaps width and height.
    while ang >= 0:
        ang -= 90
        w, h = h, w
    while ang < -90:
        ang += 90
        w, h = h, w
    return ((float(c[0]), float(c[1])), (float(w), float(h)), float(ang))


def boxPoints(box, points=None):
    (cx, cy), (w, h), ang = box
    a = math.radians(ang)
    b, c = math.cos(a) * 0.5, math.sin(a) * 0.5
    p0 = (cx - c * h - b * w, cy + b * h - c * w)
    p1 = (cx + c * h - b * w, cy - b * h - c * w)
    p2 = (2 * cx - p0[0], 2 * cy - p0[1])
    p3 = (2 * cx - p1[0], 2 * cy - p1[1])
    return np.array([p0, p1, p2, p3], np.float32)


def approxPolyDP(curve, epsilon, closed):
    """Douglas-Peucker: the kept points are a subset of the curve, every dropped one within epsilon."""
    src = as_numpy(curve)
    p = _points(src, "approxPolyDP")
    if epsilon < 0:
        raise error("approxPolyDP: epsilon must be >= 0")
    n = len(p)
    if n == 0:
        return src.reshape(0, 1, 2).copy()
    q = p.astype(np.float64)
    keep = np.zeros(n, bool)

    def simplify(i, j):  # points strictly between index i and j (mod n)
        stack = [(i, j)]
        while stack:
            i, j = stack.pop()
            idx = np.arange(i + 1, j) % n
            if len(idx) == 0:
                continue
            a, b = q[i % n], q[j % n]
            dx, dy = b - a
            d = np.abs((q[idx, 1] - a[1]) * dx - (q[idx, 0] - a[0]) * dy)
            norm = math.hypot(dx, dy)
            d = d / norm if norm > 0 else np.hypot(q[idx, 0] - a[0], q[idx, 1] - a[1])
            k = int(np.argmax(d))
            if d[k] > epsilon:
                m = int(idx[k]) if int(idx[k]) > i % n else int(idx[k]) + n
                m = i + (m - i % n)
                keep[m % n] = True
                stack += [(m, j), (i, m)]
    if closed and n > 2:
        # Split at the point farthest from the first, as cv2 does, and simplify both halves.
        far = int(np.argmax(np.sum((q - q[0]) ** 2, axis=1)))
        keep[0] = keep[far] = True
        simplify(0, far)
        simplify(far, n)
    else:
        keep[0] = keep[n - 1] = True
        simplify(0, n - 1)
    return src.reshape(-1, 1, 2)[keep].copy()


__all__ = ["RETR_EXTERNAL", "RETR_LIST", "RETR_CCOMP", "RETR_TREE", "CHAIN_APPROX_NONE", "CHAIN_APPROX_SIMPLE",
           "findContours", "contourArea", "arcLength", "boundingRect", "minAreaRect", "boxPoints", "approxPolyDP"]
