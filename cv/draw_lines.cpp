// Lines and circles as cv2 rasterizes them: clipped integer Bresenham (LineIterator), the fixed-point
// stepper it uses for sub-pixel endpoints, midpoint circles, and its fixed-point anti-aliased line (LINE_AA).
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

// cv2's LineAA, the anti-aliased line of every LINE_AA shape: a fixed-point walk along the major axis
// that blends three pixels across the line with weights from a 64-entry filter profile indexed by the
// 1/32-pixel offset of the line, scaled by a slope correction and by end-point coverage (4-bit endpoint
// fractions). As in cv2 each pixel is blended twice with the same weight. Only 8-bit 1, 3 or 4 channel
// images get it; others take the plain line.
void line_aa(Canvas& cv, Pt p1, Pt p2) {
  static const uint8_t slope_corr[32] = {181, 181, 181, 182, 182, 183, 184, 185, 187, 188, 190, 192, 194, 196, 198, 201,
                                         203, 206, 209, 211, 214, 218, 221, 224, 227, 231, 235, 238, 242, 246, 250, 254};
  static const uint8_t filter[64] = {168, 177, 185, 194, 202, 210, 218, 224, 231, 236, 241, 246, 249, 252, 254, 254,
                                     254, 254, 252, 249, 246, 241, 236, 231, 224, 218, 210, 202, 194, 185, 177, 168,
                                     158, 149, 140, 131, 122, 114, 105, 97,  89,  82,  75,  68,  62,  56,  50,  45,
                                     40,  36,  32,  28,  25,  22,  19,  16,  14,  12,  11,  9,   8,   7,   5,   5};
  const int nch = cv.img.c;
  if (cv.img.depth != D_8U || (nch != 1 && nch != 3 && nch != 4)) {
    line_int(cv, Pt{p1.x >> XY_SHIFT, p1.y >> XY_SHIFT}, Pt{p2.x >> XY_SHIFT, p2.y >> XY_SHIFT}, 8);
    return;
  }
  if (!clip_line(int64_t(cv.img.w) << XY_SHIFT, int64_t(cv.img.h) << XY_SHIFT, p1, p2)) return;
  // Work in (u, v) = (major, minor) coordinates; swap the ends so u increases.
  const bool steep = std::llabs(p2.y - p1.y) >= std::llabs(p2.x - p1.x);
  int64_t u1 = steep ? p1.y : p1.x, v1 = steep ? p1.x : p1.y, u2 = steep ? p2.y : p2.x, v2 = steep ? p2.x : p2.y;
  if (u2 < u1) std::swap(u1, u2), std::swap(v1, v2);
  const int64_t vstep = ((v2 - v1) * XY_ONE) / ((u2 - u1) | 1);
  u2 += XY_ONE;
  int ecount = int((u2 >> XY_SHIFT) - (u1 >> XY_SHIFT)), scount = 0;
  v1 += ((vstep * -(u1 & (XY_ONE - 1))) >> XY_SHIFT) + (XY_ONE >> 1);
  int slope = int((vstep >> (XY_SHIFT - 5)) & 0x3f) ^ (vstep < 0 ? 0x3f : 0);
  slope = (slope & 0x20) ? 0x100 : slope_corr[slope];
  // End-point coverage: ep[3 * min(steps from start, 2) + min(steps to end, 2)].
  const int fi = int((u1 >> (XY_SHIFT - 7)) & 0x78), fj = int((u2 >> (XY_SHIFT - 7)) & 0x78);
  const int t0 = slope << 7, t1 = ((0x78 - fi) | 4) * slope, t2 = (fj | 4) * slope;
  int ep[9];
  ep[0] = 0;
  ep[8] = slope;
  ep[1] = ep[3] = ((((fj - fi) & 0x78) | 4) * slope >> 8) & 0x1ff;
  ep[2] = (t1 >> 8) & 0x1ff;
  ep[4] = ((((fj - fi) + 0x80) | 4) * slope >> 8) & 0x1ff;
  ep[5] = ((t1 + t0) >> 8) & 0x1ff;
  ep[6] = (t2 >> 8) & 0x1ff;
  ep[7] = ((t2 + t0) >> 8) & 0x1ff;
  uint8_t* base = static_cast<uint8_t*>(cv.img.data);
  const int64_t row = int64_t(cv.img.w) * nch;
  const int64_t du = steep ? row : nch, dv = steep ? nch : row;  // byte steps along u and v
  const uint64_t ulim = steep ? cv.img.h : cv.img.w, vlim = steep ? cv.img.w : cv.img.h;
  const uint8_t* color = cv.color;
  for (int64_t u = u1 >> XY_SHIFT; ecount >= 0; ++u, v1 += vstep, ++scount, --ecount) {
    if (uint64_t(u) >= ulim) continue;
    const int e = ep[std::min(scount, 2) * 3 + std::min(ecount, 2)];
    const int dist = int((v1 >> (XY_SHIFT - 5)) & 31);
    const int w3[3] = {filter[dist + 32], filter[dist], filter[63 - dist]};
    for (int k = 0; k < 3; ++k) {
      const int64_t v = (v1 >> XY_SHIFT) - 1 + k;
      if (uint64_t(v) >= vlim) continue;
      uint8_t* p = base + u * du + v * dv;
      const int a = (e * w3[k] >> 8) & 0xff;
      for (int c = 0; c < nch; ++c)
        for (int twice = 0; twice < 2; ++twice) p[c] = uint8_t(p[c] + (((color[c] - p[c]) * a + 127) >> 8));
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
