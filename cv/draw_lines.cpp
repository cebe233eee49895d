// Lines and circles as cv2 rasterizes them: clipped integer Bresenham (LineIterator), the fixed-point
// stepper it uses for sub-pixel endpoints, midpoint circles, and a Wu-style anti-aliased line for LINE_AA.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "cv/draw.h"

namespace mnnx::cv {

namespace {

inline void put(Canvas& cv, int x, int y) {
  if (unsigned(x) < unsigned(cv.img.w) && unsigned(y) < unsigned(cv.img.h))
    std::memcpy(static_cast<uint8_t*>(cv.img.data) + (int64_t(y) * cv.img.w + x) * cv.pix, cv.color, cv.pix);
}

// Blends the color into an 8U pixel with weight a in [0, 1].
inline void blend(Canvas& cv, int x, int y, double a) {
  if (unsigned(x) >= unsigned(cv.img.w) || unsigned(y) >= unsigned(cv.img.h) || a <= 0) return;
  if (cv.img.depth != D_8U) {
    if (a >= 0.5) put(cv, x, y);
    return;
  }
  uint8_t* p = static_cast<uint8_t*>(cv.img.data) + (int64_t(y) * cv.img.w + x) * cv.img.c;
  for (int k = 0; k < cv.img.c; ++k) {
    double v = p[k] + (cv.color[k] - p[k]) * std::min(a, 1.0);
    p[k] = uint8_t(std::lrint(std::min(std::max(v, 0.0), 255.0)));
  }
}

}  // namespace

// cv2's clipLine: Cohen-Sutherland against [0, w-1] x [0, h-1]; false when nothing is left.
bool clip_line(int64_t w, int64_t h, Pt& p1, Pt& p2) {
  if (w <= 0 || h <= 0) return false;
  const int64_t right = w - 1, bottom = h - 1;
  int64_t &x1 = p1.x, &y1 = p1.y, &x2 = p2.x, &y2 = p2.y;
  int c1 = (x1 < 0) + (x1 > right) * 2 + (y1 < 0) * 4 + (y1 > bottom) * 8;
  int c2 = (x2 < 0) + (x2 > right) * 2 + (y2 < 0) * 4 + (y2 > bottom) * 8;
  if ((c1 & c2) == 0 && (c1 | c2) != 0) {
    int64_t a;
    if (c1 & 12) {
      a = c1 < 8 ? 0 : bottom;
      x1 += int64_t(double(a - y1) * (x2 - x1) / (y2 - y1));
      y1 = a;
      c1 = (x1 < 0) + (x1 > right) * 2;
    }
    if (c2 & 12) {
      a = c2 < 8 ? 0 : bottom;
      x2 += int64_t(double(a - y2) * (x2 - x1) / (y2 - y1));
      y2 = a;
      c2 = (x2 < 0) + (x2 > right) * 2;
    }
    if ((c1 & c2) == 0 && (c1 | c2) != 0) {
      if (c1) {
        a = c1 == 1 ? 0 : right;
        y1 += int64_t(double(a - x1) * (y2 - y1) / (x2 - x1));
        x1 = a;
        c1 = 0;
      }
      if (c2) {
        a = c2 == 1 ? 0 : right;
        y2 += int64_t(double(a - x2) * (y2 - y1) / (x2 - x1));
        x2 = a;
        c2 = 0;
      }
    }
  }
  return (c1 | c2) == 0;
}

// cv2's Line: LineIterator (left to right) over the clipped segment, 8- or 4-connected.
void line_int(Canvas& cv, Pt p1, Pt p2, int connectivity) {
  const int W = cv.img.w, H = cv.img.h;
  if (uint64_t(p1.x) >= uint64_t(W) || uint64_t(p2.x) >= uint64_t(W) || uint64_t(p1.y) >= uint64_t(H) ||
      uint64_t(p2.y) >= uint64_t(H)) {
    if (!clip_line(W, H, p1, p2)) return;
  }
  int64_t dx = p2.x - p1.x, dy = p2.y - p1.y;
  if (dx < 0) {  // left to right
    std::swap(p1, p2);
    dx = -dx;
    dy = -dy;
  }
  // Steps in pixels: along x (+1) and along y (+-1); the major axis is the longer one.
  const int sy = dy < 0 ? -1 : 1;
  dy = dy < 0 ? -dy : dy;
  int64_t x = p1.x, y = p1.y;
  const bool steep = dy > dx;
  const int64_t major = steep ? dy : dx, minor = steep ? dx : dy;
  if (connectivity == 8) {
    int64_t err = major - (minor + minor);
    const int64_t plus = major + major, minus = -(minor + minor);
    for (int64_t i = 0; i <= major; ++i) {
      put(cv, int(x), int(y));
      const bool m = err < 0;
      err += minus + (m ? plus : 0);
      // minusStep moves along the major axis; a negative error adds a step along the minor one.
      if (steep) {
        y += sy;
        if (m) x += 1;
      } else {
        x += 1;
        if (m) y += sy;
      }
    }
  } else {
    int64_t err = 0;
    const int64_t plus = (major + major) + (minor + minor), minus = -(minor + minor);
    for (int64_t i = 0; i <= major + minor; ++i) {
      put(cv, int(x), int(y));
      const bool m = err < 0;
      err += minus + (m ? plus : 0);
      // plusStep = minor-axis step minus the major step: with a negative error move on the minor axis only.
      if (m) {
        if (steep) x += 1;
        else y += sy;
      } else {
        if (steep) y += sy;
        else x += 1;
      }
    }
  }
}

// cv2's Line2, which outlines polygons with sub-pixel vertices: one pixel per step of the major axis.
void line_fixed(Canvas& cv, Pt p1, Pt p2) {
  if (!clip_line(int64_t(cv.img.w) << XY_SHIFT, int64_t(cv.img.h) << XY_SHIFT, p1, p2)) return;
  int64_t dx = p2.x - p1.x, dy = p2.y - p1.y;
  const int64_t ax = dx < 0 ? -dx : dx, ay = dy < 0 ? -dy : dy;
  int64_t xs, ys, count;
  if (ax > ay) {
    if (dx < 0) {
      std::swap(p1, p2);
      dy = -dy;
    }
    xs = XY_ONE;
    ys = (dy * XY_ONE) / (ax | 1);
    count = (p2.x - p1.x) >> XY_SHIFT;
  } else {
    if (dy < 0) {
      std::swap(p1, p2);
      dx = -dx;
    }
    xs = (dx * XY_ONE) / (ay | 1);
    ys = XY_ONE;
    count = (p2.y - p1.y) >> XY_SHIFT;
  }
  p1.x += XY_ONE >> 1;
  p1.y += XY_ONE >> 1;
  put(cv, int((p2.x + (XY_ONE >> 1)) >> XY_SHIFT), int((p2.y + (XY_ONE >> 1)) >> XY_SHIFT));
  if (ax > ay) {
    int64_t x = p1.x >> XY_SHIFT, y = p1.y;
    for (; count >= 0; --count, ++x, y += ys) put(cv, int(x), int(y >> XY_SHIFT));
  } else {
    int64_t x = p1.x, y = p1.y >> XY_SHIFT;
    for (; count >= 0; --count, x += xs, ++y) put(cv, int(x >> XY_SHIFT), int(y));
  }
}

// Anti-aliased line. Like cv2's LineAA it paints three pixels across the line per step of the major
// axis, weighted by their distance d from the line along the minor axis; the weight profile
// 0.91 (1 - (d / 1.45)^2)^2, brightened up to 10% as the line turns diagonal, follows the ink cv2
// leaves (not its exact tables, so pixels can differ by a few levels). Other depths get the pixels a
// blend would mostly cover.
void line_aa(Canvas& cv, Pt p1, Pt p2) {
  double x0 = double(p1.x) / XY_ONE, y0 = double(p1.y) / XY_ONE, x1 = double(p2.x) / XY_ONE,
         y1 = double(p2.y) / XY_ONE;
  const bool steep = std::fabs(y1 - y0) > std::fabs(x1 - x0);
  if (steep) {
    std::swap(x0, y0);
    std::swap(x1, y1);
  }
  if (x0 > x1) {
    std::swap(x0, x1);
    std::swap(y0, y1);
  }
  const double dx = x1 - x0, grad = dx == 0 ? 0 : (y1 - y0) / dx;
  const double corr = 1.0 + 0.1 * std::fabs(grad);
  const int64_t xa = std::llround(x0), xb = std::llround(x1);
  const int64_t lim = steep ? cv.img.h : cv.img.w;  // the major axis never needs to leave the canvas
  for (int64_t x = std::max<int64_t>(xa, -1); x <= std::min<int64_t>(xb, lim); ++x) {
    const double y = y0 + grad * (double(x) - x0);
    const int64_t iy = std::llround(y);
    for (int64_t k = iy - 1; k <= iy + 1; ++k) {
      const double d = std::fabs(double(k) - y) / 1.45;
      if (d >= 1) continue;
      const double w = 0.91 * corr * (1 - d * d) * (1 - d * d);
      if (steep) blend(cv, int(k), int(x), w);
      else blend(cv, int(x), int(k), w);
    }
  }
}

// cv2's Circle: the midpoint circle, outline or filled with horizontal spans.
void circle_mid(Canvas& cv, Pt c, int64_t radius, bool fill) {
  const int64_t W = cv.img.w, H = cv.img.h;
  int64_t err = 0, dx = radius, dy = 0, plus = 1, minus = (radius << 1) - 1;
  auto hline = [&](int64_t y, int64_t x1, int64_t x2) {
    if (y < 0 || y >= H) return;
    x1 = std::max<int64_t>(x1, 0);
    x2 = std::min<int64_t>(x2, W - 1);
    for (int64_t x = x1; x <= x2; ++x) put(cv, int(x), int(y));
  };
  auto pair = [&](int64_t y, int64_t x1, int64_t x2) {
    if (fill) hline(y, x1, x2);
    else if (y >= 0 && y < H) {
      if (x1 >= 0 && x1 < W) put(cv, int(x1), int(y));
      if (x2 >= 0 && x2 < W) put(cv, int(x2), int(y));
    }
  };
  while (dx >= dy) {
    pair(c.y - dy, c.x - dx, c.x + dx);
    pair(c.y + dy, c.x - dx, c.x + dx);
    pair(c.y - dx, c.x - dy, c.x + dy);
    pair(c.y + dx, c.x - dy, c.x + dy);
    dy++;
    err += plus;
    plus += 2;
    const int64_t mask = (err <= 0) - 1;
    err -= minus & mask;
    dx += mask;
    minus -= mask & 2;
  }
}

}  // namespace mnnx::cv
