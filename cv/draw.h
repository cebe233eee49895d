// Raster primitives behind mnnx.cv's drawing functions, following cv2's own algorithms (integer
// Bresenham with cv2's clipping, midpoint circles, fixed-point polygon edges with 16 fractional bits) so
// thin and filled shapes land on the same pixels as cv2's.
#pragma once
#include <cstdint>
#include <vector>

#include "cv/filter_common.h"

namespace mnnx::cv {

constexpr int XY_SHIFT = 16;
constexpr int64_t XY_ONE = int64_t(1) << XY_SHIFT;

struct Pt {
  int64_t x, y;
};

// The canvas: an (h, w, c) image of any depth and the color already converted to one pixel's bytes.
struct Canvas {
  HwcImage img;
  int pix;               // bytes per pixel
  uint8_t color[32];     // one pixel
  double color_f[4];     // the color as given, for anti-aliased blending (8U only)
};

// cv2's drawing entry points; points are in 1/2^shift pixel units, line_type is 4, 8 or 16 (LINE_AA).
void draw_polyline(Canvas& cv, const Pt* v, int n, bool closed, int thickness, int line_type, int shift);
void draw_line(Canvas& cv, Pt p0, Pt p1, int thickness, int line_type, int shift);
void draw_circle(Canvas& cv, Pt center, int64_t radius, int thickness, int line_type, int shift);
void draw_ellipse(Canvas& cv, Pt center, Pt axes, double angle, double start, double end, int thickness,
                  int line_type, int shift);
void fill_convex_poly(Canvas& cv, const Pt* v, int n, int line_type, int shift);
// Even-odd fill of several polygons at once (cv2.fillPoly); counts[i] points each, shifted by offset.
void fill_poly(Canvas& cv, const Pt* v, const int* counts, int ncontours, int line_type, int shift, Pt offset);
// cv2.putText / cv2.getTextSize with the Hershey Simplex font (bytes outside ASCII 32..126 draw as '?').
void put_text(Canvas& cv, const unsigned char* text, int n, int64_t ox, int64_t oy, double scale, int thickness,
              int line_type, bool bottom_left);
void text_size(const unsigned char* text, int n, double scale, int thickness, int* w, int* h, int* baseline);
// cv2.ellipse2Poly in double precision: points of the arc in the units of center and axes.
void ellipse_points(double cx, double cy, double ax, double ay, int angle, int arc_start, int arc_end, int delta,
                    std::vector<double>& xy);

}  // namespace mnnx::cv
