// Thick lines, polylines, ellipses and polygon fills as cv2 builds them from its line primitives: a
// thick segment is a filled quadrilateral plus round caps, an ellipse a polyline through ellipse2Poly,
// a polygon an outline plus even-odd spans between fixed-point edges.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "cv/draw.h"

namespace mnnx::cv {

bool clip_line(int64_t w, int64_t h, Pt& p1, Pt& p2);
void line_int(Canvas& cv, Pt p1, Pt p2, int connectivity);
void line_fixed(Canvas& cv, Pt p1, Pt p2);
void line_aa(Canvas& cv, Pt p1, Pt p2);
void circle_mid(Canvas& cv, Pt c, int64_t radius, bool fill);

namespace {

constexpr int LINE_AA = 16;

float sin_deg(int d) {  // cv2 tabulates sin per whole degree in float
  static float table[451];
  static bool ready = [] {
    // cv2's table holds sin rounded to 7 decimals, then to float.
    for (int i = 0; i <= 450; ++i) table[i] = float(std::round(std::sin(i * M_PI / 180.0) * 1e7) / 1e7);
    return true;
  }();
  (void)ready;
  return table[d];
}

void hline(Canvas& cv, int64_t y, int64_t x1, int64_t x2) {
  if (y < 0 || y >= cv.img.h) return;
  x1 = std::max<int64_t>(x1, 0);
  x2 = std::min<int64_t>(x2, cv.img.w - 1);
  uint8_t* row = static_cast<uint8_t*>(cv.img.data) + y * cv.img.w * cv.pix;
  for (int64_t x = x1; x <= x2; ++x) std::memcpy(row + x * cv.pix, cv.color, cv.pix);
}

// A line between fixed-point (XY_SHIFT) points, the way the thin branch of cv2's ThickLine draws it.
void thin_line(Canvas& cv, Pt p0, Pt p1, int line_type, int shift) {
  if (line_type == LINE_AA) return line_aa(cv, p0, p1);
  // Whole-pixel endpoints keep the requested connectivity. Sub-pixel ones (ellipse arcs, shift > 0):
  // cv2 5.x rounds them and joins them 8-connected for LINE_8, and walks them with its fixed-point
  // stepper (Line2) for LINE_4.
  Pt a{(p0.x + (XY_ONE >> 1)) >> XY_SHIFT, (p0.y + (XY_ONE >> 1)) >> XY_SHIFT};
  Pt b{(p1.x + (XY_ONE >> 1)) >> XY_SHIFT, (p1.y + (XY_ONE >> 1)) >> XY_SHIFT};
  if (shift != 0 && line_type == 4) return line_fixed(cv, p0, p1);
  line_int(cv, a, b, shift == 0 && line_type == 4 ? 4 : 8);
}

void ellipse_fixed(Canvas& cv, Pt center, Pt axes, int angle, int start, int end, int thickness, int line_type);

// cv2's ThickLine; p0, p1 in 1/2^shift units; flags bit 0/1: round cap at p0/p1.
void thick_line(Canvas& cv, Pt p0, Pt p1, int thickness, int line_type, int flags, int shift) {
  if (thickness > 1 && shift == 0) {
    // cv2 5.x first clips a thick segment to the image grown by the thickness (whole pixels).
    const int64_t t = thickness;
    Pt a{p0.x + t, p0.y + t}, b{p1.x + t, p1.y + t};
    if (!clip_line(cv.img.w + 2 * t, cv.img.h + 2 * t, a, b)) return;
    p0 = Pt{a.x - t, a.y - t};
    p1 = Pt{b.x - t, b.y - t};
  }
  p0.x *= int64_t(1) << (XY_SHIFT - shift);
  p0.y *= int64_t(1) << (XY_SHIFT - shift);
  p1.x *= int64_t(1) << (XY_SHIFT - shift);
  p1.y *= int64_t(1) << (XY_SHIFT - shift);
  if (thickness <= 1) return thin_line(cv, p0, p1, line_type, shift);
  const double dx = double(p0.x - p1.x) / XY_ONE, dy = double(p1.y - p0.y) / XY_ONE;
  double r = dx * dx + dy * dy;
  const int odd = thickness & 1;
  const int64_t th = int64_t(thickness) << (XY_SHIFT - 1);
  if (std::fabs(r) > 2.220446049250313e-16) {
    r = (double(th) + odd * XY_ONE * 0.5) / std::sqrt(r);
    const int64_t dpx = std::llrint(dy * r), dpy = std::llrint(dx * r);
    Pt q[4] = {{p0.x + dpx, p0.y + dpy}, {p0.x - dpx, p0.y - dpy}, {p1.x - dpx, p1.y - dpy}, {p1.x + dpx, p1.y + dpy}};
    fill_convex_poly(cv, q, 4, line_type, XY_SHIFT);
  }
  for (int i = 0; i < 2; ++i, p0 = p1) {
    if (!(flags & (i + 1))) continue;
    if (line_type != LINE_AA) {
      Pt c{(p0.x + (XY_ONE >> 1)) >> XY_SHIFT, (p0.y + (XY_ONE >> 1)) >> XY_SHIFT};
      circle_mid(cv, c, (th + (XY_ONE >> 1)) >> XY_SHIFT, true);
    } else {
      ellipse_fixed(cv, p0, Pt{th, th}, 0, 0, 360, -1, line_type);
    }
  }
}

void ellipse_fixed(Canvas& cv, Pt center, Pt axes, int angle, int start, int end, int thickness, int line_type) {
  axes.x = std::llabs(axes.x);
  axes.y = std::llabs(axes.y);
  int delta = int((std::max(axes.x, axes.y) + (XY_ONE >> 1)) >> XY_SHIFT);
  delta = delta < 3 ? 90 : delta < 10 ? 30 : delta < 15 ? 18 : 5;
  std::vector<double> xy;
  ellipse_points(double(center.x), double(center.y), double(axes.x), double(axes.y), angle, start, end, delta, xy);
  std::vector<Pt> v;
  for (size_t i = 0; i + 1 < xy.size(); i += 2) {
    Pt p{std::llrint(xy[i]), std::llrint(xy[i + 1])};
    if (v.empty() || p.x != v.back().x || p.y != v.back().y) v.push_back(p);
  }
  if (v.size() == 1) v.assign(2, center);
  if (thickness >= 0) {
    draw_polyline(cv, v.data(), int(v.size()), false, thickness, line_type, XY_SHIFT);
  } else if (end - start >= 360) {
    fill_convex_poly(cv, v.data(), int(v.size()), line_type, XY_SHIFT);
  } else {
    v.push_back(center);
    int n = int(v.size());
    fill_poly(cv, v.data(), &n, 1, line_type, XY_SHIFT, Pt{0, 0});
  }
}

}  // namespace

void ellipse_points(double cx, double cy, double ax, double ay, int angle, int arc_start, int arc_end, int delta,
                    std::vector<double>& xy) {
  while (angle < 0) angle += 360;
  while (angle > 360) angle -= 360;
  if (arc_start > arc_end) std::swap(arc_start, arc_end);
  while (arc_start < 0) {
    arc_start += 360;
    arc_end += 360;
  }
  while (arc_end > 360) {
    arc_end -= 360;
    arc_start -= 360;
  }
  if (arc_end - arc_start > 360) {
    arc_start = 0;
    arc_end = 360;
  }
  const double alpha = sin_deg(450 - angle), beta = sin_deg(angle);
  xy.clear();
  for (int i = arc_start; i < arc_end + delta; i += delta) {
    int a = std::min(i, arc_end);
    if (a < 0) a += 360;
    const double x = ax * sin_deg(450 - a), y = ay * sin_deg(a);
    xy.push_back(cx + x * alpha - y * beta);
    xy.push_back(cy + x * beta + y * alpha);
  }
  if (xy.size() == 2) {
    xy = {cx, cy, cx, cy};
  }
}

void draw_polyline(Canvas& cv, const Pt* v, int n, bool closed, int thickness, int line_type, int shift) {
  if (n <= 0) return;
  int flags = 2 + !closed;
  Pt p0 = v[closed ? n - 1 : 0];
  for (int i = !closed; i < n; ++i) {
    thick_line(cv, p0, v[i], thickness, line_type, flags, shift);
    p0 = v[i];
    flags = 2;
  }
}

void draw_line(Canvas& cv, Pt p0, Pt p1, int thickness, int line_type, int shift) {
  thick_line(cv, p0, p1, thickness, line_type, 3, shift);
}

void draw_circle(Canvas& cv, Pt center, int64_t radius, int thickness, int line_type, int shift) {
  if (thickness > 1 || line_type != 8 || shift > 0) {
    const int64_t s = int64_t(1) << (XY_SHIFT - shift);
    ellipse_fixed(cv, Pt{center.x * s, center.y * s}, Pt{radius * s, radius * s}, 0, 0, 360, thickness, line_type);
  } else {
    circle_mid(cv, center, radius, thickness < 0);
  }
}

void draw_ellipse(Canvas& cv, Pt center, Pt axes, double angle, double start, double end, int thickness,
                  int line_type, int shift) {
  const int64_t s = int64_t(1) << (XY_SHIFT - shift);
  ellipse_fixed(cv, Pt{center.x * s, center.y * s}, Pt{axes.x * s, axes.y * s}, int(std::lrint(angle)),
                int(std::lrint(start)), int(std::lrint(end)), thickness, line_type);
}

// cv2's FillConvexPoly: the outline with its line primitive, then spans between a left and a right edge
// walked from the top vertex.
void fill_convex_poly(Canvas& cv, const Pt* v, int n, int line_type, int shift) {
  struct Edge {
    int idx, di;
    int64_t x, dx;
    int64_t ye;
  } edge[2];
  const int64_t delta = (int64_t(1) << shift) >> 1;
  const int64_t d1 = line_type != LINE_AA ? XY_ONE >> 1 : XY_ONE - 1, d2 = line_type != LINE_AA ? XY_ONE >> 1 : 0;
  const int64_t s = int64_t(1) << (XY_SHIFT - shift);
  if (n <= 0) return;
  int imin = 0;
  int64_t xmin = v[0].x, xmax = v[0].x, ymin = v[0].y, ymax = v[0].y;
  Pt p0{v[n - 1].x * s, v[n - 1].y * s};
  for (int i = 0; i < n; ++i) {
    Pt p = v[i];
    if (p.y < ymin) {
      ymin = p.y;
      imin = i;
    }
    ymax = std::max(ymax, p.y);
    xmax = std::max(xmax, p.x);
    xmin = std::min(xmin, p.x);
    p.x *= s;
    p.y *= s;
    if (line_type != LINE_AA) {
      if (shift == 0) line_int(cv, Pt{p0.x >> XY_SHIFT, p0.y >> XY_SHIFT}, Pt{p.x >> XY_SHIFT, p.y >> XY_SHIFT},
                               line_type == 4 ? 4 : 8);
      else line_fixed(cv, p0, p);
    } else {
      line_aa(cv, p0, p);
    }
    p0 = p;
  }
  xmin = (xmin + delta) >> shift;
  xmax = (xmax + delta) >> shift;
  ymin = (ymin + delta) >> shift;
  ymax = (ymax + delta) >> shift;
  if (n < 3 || xmax < 0 || ymax < 0 || xmin >= cv.img.w || ymin >= cv.img.h) return;
  ymax = std::min<int64_t>(ymax, cv.img.h - 1);
  edge[0].idx = edge[1].idx = imin;
  edge[0].ye = edge[1].ye = ymin;
  edge[0].di = 1;
  edge[1].di = n - 1;
  edge[0].x = edge[1].x = -XY_ONE;
  edge[0].dx = edge[1].dx = 0;
  int edges = n;
  int64_t y = ymin;
  do {
    if (line_type != LINE_AA || y < ymax || y == ymin) {
      for (int i = 0; i < 2; ++i) {
        if (y < edge[i].ye) continue;
        int idx0 = edge[i].idx, di = edge[i].di;
        int idx = idx0 + di;
        if (idx >= n) idx -= n;
        for (; edges-- > 0;) {
          const int64_t ty = (v[idx].y + delta) >> shift;
          if (ty > y) {
            const int64_t xs = v[idx0].x * s, xe = v[idx].x * s;
            edge[i].ye = ty;
            edge[i].dx = ((xe - xs) * 2 + (ty - y)) / (2 * (ty - y));
            edge[i].x = xs;
            edge[i].idx = idx;
            break;
          }
          idx0 = idx;
          idx += di;
          if (idx >= n) idx -= n;
        }
      }
    }
    if (edges < 0) break;
    if (y >= 0) {
      const int l = edge[0].x > edge[1].x ? 1 : 0, r = 1 - l;
      const int64_t x1 = (edge[l].x + d1) >> XY_SHIFT, x2 = (edge[r].x + d2) >> XY_SHIFT;
      if (x2 >= 0 && x1 < cv.img.w) hline(cv, y, x1, x2);
    }
    edge[0].x += edge[0].dx;
    edge[1].x += edge[1].dx;
  } while (++y <= ymax);
}

// cv2's fillPoly: every edge drawn as a line, then even-odd spans between the edges crossing each row.
void fill_poly(Canvas& cv, const Pt* v, const int* counts, int ncontours, int line_type, int shift, Pt offset) {
  struct Edge {
    int64_t y0, y1, x, dx;
  };
  std::vector<Edge> edges;
  const int64_t delta = offset.y + ((int64_t(1) << shift) >> 1);
  const int64_t s = int64_t(1) << (XY_SHIFT - shift);
  for (int c = 0; c < ncontours; v += counts[c], ++c) {
    const int n = counts[c];
    if (n <= 0) continue;
    Pt p0{(v[n - 1].x + offset.x) * s, (v[n - 1].y + delta) >> shift};
    for (int i = 0; i < n; ++i) {
      Pt p1{(v[i].x + offset.x) * s, (v[i].y + delta) >> shift};
      Pt c0 = p0, c1 = p1;  // the ends the edge's slope is taken from
      if (line_type != LINE_AA) {
        Pt t0{(p0.x + (XY_ONE >> 1)) >> XY_SHIFT, p0.y}, t1{(p1.x + (XY_ONE >> 1)) >> XY_SHIFT, p1.y};
        line_int(cv, t0, t1, line_type == 4 ? 4 : 8);
        // cv2 5.x rebuilds the edge from the drawn segment: whole-pixel x, clipped to the image
        if (uint64_t(t0.x) >= uint64_t(cv.img.w) || uint64_t(t1.x) >= uint64_t(cv.img.w) ||
            uint64_t(t0.y) >= uint64_t(cv.img.h) || uint64_t(t1.y) >= uint64_t(cv.img.h)) {
          clip_line(cv.img.w, cv.img.h, t0, t1);
          if (t0.y != t1.y) c0.y = t0.y, c1.y = t1.y;
        }
        c0.x = t0.x * XY_ONE, c1.x = t1.x * XY_ONE;
      } else {
        line_aa(cv, Pt{p0.x, p0.y * XY_ONE}, Pt{p1.x, p1.y * XY_ONE});
      }
      if (p0.y != p1.y) {
        Edge e;
        e.dx = (c1.x - c0.x) / (c1.y - c0.y);
        if (p0.y < p1.y) e.y0 = p0.y, e.y1 = p1.y, e.x = c0.x + (p0.y - c0.y) * e.dx;
        else e.y0 = p1.y, e.y1 = p0.y, e.x = c1.x + (p1.y - c1.y) * e.dx;
        edges.push_back(e);
      }
      p0 = p1;
    }
  }
  if (edges.size() < 2) return;
  // Spans run from ceil(left) to floor(right); the outline drew the boundary pixels already.
  const int64_t d = XY_ONE - 1;
  int64_t ymin = INT64_MAX, ymax = INT64_MIN;
  for (auto& e : edges) ymin = std::min(ymin, e.y0), ymax = std::max(ymax, e.y1);
  ymin = std::max<int64_t>(ymin, 0);
  ymax = std::min<int64_t>(ymax, cv.img.h);
  std::vector<int64_t> xs;
  for (int64_t y = ymin; y < ymax; ++y) {
    xs.clear();
    for (auto& e : edges)
      if (e.y0 <= y && y < e.y1) xs.push_back(e.x + e.dx * (y - e.y0));
    std::sort(xs.begin(), xs.end());
    for (size_t i = 0; i + 1 < xs.size(); i += 2) {
      const int64_t x1 = (xs[i] + d) >> XY_SHIFT, x2 = xs[i + 1] >> XY_SHIFT;
      if (x1 < cv.img.w && x2 >= 0) hline(cv, y, x1, x2);
    }
  }
}

}  // namespace mnnx::cv
