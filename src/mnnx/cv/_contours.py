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
    """Douglas-Peucker as cv2 runs it: a closed curve starts from a far point found in three sweeps, the
    slices are split depth first, then points on nearly straight runs are dropped."""
    src = as_numpy(curve)
    p = _points(src, "approxPolyDP")
    if epsilon < 0:
        raise error("approxPolyDP: epsilon must be >= 0")
    count = len(p)
    if count == 0:
        return src.reshape(0, 1, 2).copy()
    q = p.astype(np.float64)
    eps = float(epsilon) ** 2
    out, stack = [], []
    is_closed = bool(closed)
    init_iters = 3
    if not is_closed:
        if (q[count - 1] != q[0]).any():
            stack.append((0, count - 1))
        else:
            is_closed, init_iters = True, 1
    if is_closed:
        start, far = 0, 0
        for _ in range(init_iters):
            start = (start + far) % count
            d = np.sum((q[(start + np.arange(1, count)) % count] - q[start]) ** 2, axis=1)
            far = 1 + int(np.argmax(d)) if len(d) and d.max() > 0 else far
            le_eps = (d.max() if len(d) else 0.0) <= eps
        if not le_eps:
            stack += [((start + far) % count, start), (start, (start + far) % count)]
        else:
            out.append(start)
    last_max = False
    while stack:
        s0, s1 = stack.pop()
        between = (s0 + 1 + np.arange((s1 - s0 - 1) % count)) % count
        if len(between):
            dx, dy = q[s1] - q[s0]
            d = np.abs((q[between, 1] - q[s0, 1]) * dx - (q[between, 0] - q[s0, 0]) * dy)
            k = len(d) - 1 - int(np.argmax(d[::-1])) if last_max else int(np.argmax(d))
            le_eps = d[k] * d[k] <= eps * (dx * dx + dy * dy)
        else:
            le_eps = True
        if le_eps:
            out.append(s0)
        else:
            m = int(between[k])
            stack += [(m, s1), (s0, m)]
    if not is_closed:
        out.append(count - 1)
    # Final clean-up, cv2's loop verbatim in effect: drop a point nearly on the line of its neighbours.
    dst = [q[i] for i in out]
    idx = list(out)
    n = len(dst)
    new_count = n
    closed0 = bool(closed)
    pos = n - 1 if closed0 else 0

    def read(pos):
        return pos + 1 if pos + 1 < n else 0
    start_pt, start_i = dst[pos], idx[pos]
    pos = read(pos)
    wpos = pos
    pt, pt_i = dst[pos], idx[pos]
    pos = read(pos)
    i = 0 if closed0 else 1
    while i < n - (0 if closed0 else 1) and new_count > 2:
        end_pt, end_i = dst[pos], idx[pos]
        pos = read(pos)
        dx, dy = end_pt - start_pt
        dist = abs((pt[0] - start_pt[0]) * dy - (pt[1] - start_pt[1]) * dx)
        inner = (pt[0] - start_pt[0]) * (end_pt[0] - pt[0]) + (pt[1] - start_pt[1]) * (end_pt[1] - pt[1])
        if dist * dist <= 0.5 * eps * (dx * dx + dy * dy) and dx != 0 and dy != 0 and inner >= 0:
            new_count -= 1
            dst[wpos], idx[wpos] = end_pt, end_i
            start_pt = end_pt
            wpos = wpos + 1 if wpos + 1 < n else 0
            pt, pt_i = dst[pos], idx[pos]
            pos = read(pos)
            i += 2
            continue
        dst[wpos], idx[wpos] = pt, pt_i
        start_pt = pt
        wpos = wpos + 1 if wpos + 1 < n else 0
        pt, pt_i = end_pt, end_i
        i += 1
    if not closed0:
        dst[wpos], idx[wpos] = pt, pt_i
    return src.reshape(-1, 1, 2)[idx[:new_count]].copy()


__all__ = ["RETR_EXTERNAL", "RETR_LIST", "RETR_CCOMP", "RETR_TREE", "CHAIN_APPROX_NONE", "CHAIN_APPROX_SIMPLE",
           "findContours", "contourArea", "arcLength", "boundingRect", "minAreaRect", "boxPoints", "approxPolyDP"]
