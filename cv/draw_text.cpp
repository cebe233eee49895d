// putText with the built-in Hershey Simplex font, laid out as cv2 lays it out: glyph units scaled by
// round(fontScale * 2^16), the baseline 9 units under the cap line, each stroke drawn as an open polyline.
#include <cmath>

#include "cv/draw.h"
#include "cv/hershey_simplex.h"

namespace mnnx::cv {

namespace {
constexpr int kBaseLine = 9, kCapLine = 12;

const int8_t* glyph(unsigned char c) {
  if (c < 32 || c > 126) c = '?';  // cv2 draws '?' for characters outside its table
  return kHersheySimplex + kHersheySimplexAt[c - 32];
}
}  // namespace

void put_text(Canvas& cv, const unsigned char* text, int n, int64_t ox, int64_t oy, double scale, int thickness,
              int line_type, bool bottom_left) {
  const int64_t hscale = std::llrint(scale * XY_ONE);
  const int64_t vscale = bottom_left ? -hscale : hscale;
  int64_t view_x = ox * XY_ONE;
  const int64_t view_y = oy * XY_ONE - kBaseLine * vscale;
  std::vector<Pt> pts;
  for (int i = 0; i < n; ++i) {
    const int8_t* g = glyph(text[i]);
    const int left = g[0], right = g[1], strokes = g[2];
    view_x -= left * hscale;
    const int8_t* p = g + 3;
    for (int s = 0; s < strokes; ++s) {
      const int count = *p++;
      pts.clear();
      for (int k = 0; k < count; ++k, p += 2) pts.push_back(Pt{p[0] * hscale + view_x, p[1] * vscale + view_y});
      if (pts.size() > 1) draw_polyline(cv, pts.data(), int(pts.size()), false, thickness, line_type, XY_SHIFT);
    }
    view_x += right * hscale;
  }
}

void text_size(const unsigned char* text, int n, double scale, int thickness, int* w, int* h, int* baseline) {
  double view_x = 0;
  for (int i = 0; i < n; ++i) {
    const int8_t* g = glyph(text[i]);
    view_x += (g[1] - g[0]) * scale;
  }
  *h = int(std::lrint((kCapLine + kBaseLine) * scale + (thickness + 1) / 2));
  *w = int(std::lrint(view_x + thickness));
  *baseline = int(std::lrint(kBaseLine * scale + thickness * 0.5));
}

}  // namespace mnnx::cv
