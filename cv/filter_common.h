// What the filter, morphology, threshold and Canny kernels share: a plain image view, the border rule
// and the ring of border-extended rows that every neighbourhood kernel reads through.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#include "cv/border.h"
#include "cv/image.h"  // MNNX_CV_CLONES

namespace mnnx::cv {

// Element kinds the kernels read and write (cv2 depth codes).
enum CvDepth : int { D_8U = 0, D_8S = 1, D_16U = 2, D_16S = 3, D_32S = 4, D_32F = 5, D_64F = 6 };

// A C-contiguous HWC image (2-D images arrive with c == 1): the filters' view, simpler than Image
// (no row step), and named apart from it so the two never meet under one name at link time.
struct HwcImage {
  void* data;
  int h, w, c;
  int depth;
  template <class T> T* row(int y) const { return static_cast<T*>(data) + int64_t(y) * w * c; }
};

// Slot of virtual row v in a ring of n row buffers (v may be negative: rows above the image).
inline int ring_slot(int v, int n) { return ((v % n) + n) % n; }

// One source row extended left by `left` and right by `right` pixels through the border rule, converted
// to T; a row outside the image under BORDER_CONSTANT is `fill` everywhere.
template <class S, class T>
void extend_row(const HwcImage& src, int y, int left, int right, int border, T fill, T* out) {
  const int c = src.c, w = src.w;
  const int sy = border_index(y, src.h, border);
  const int n = (w + left + right) * c;
  if (sy < 0) { std::fill(out, out + n, fill); return; }
  const S* s = src.row<S>(sy);
  T* mid = out + left * c;
  for (int i = 0; i < w * c; ++i) mid[i] = T(s[i]);
  for (int j = 0; j < left + right; ++j) {  // the edge pixels, left then right: one loop body, one border_index
    const int x = j < left ? j - left : w + j - left;
    const int sx = border_index(x, w, border);
    T* o = out + (x + left) * c;
    for (int k = 0; k < c; ++k) o[k] = sx < 0 ? fill : T(s[sx * c + k]);
  }
}

// Rounds half to even and saturates, as cv2's saturate_cast does. Clamp first, then round with the
// 1.5*2^23 trick: it vectorizes on baseline SSE2, where rintf would be a library call per element.
inline float round_even(float v) { return (v + 12582912.f) - 12582912.f; }
template <class D> inline D saturate_from(float v);
template <> inline uint8_t saturate_from<uint8_t>(float v) {
  return uint8_t(round_even(std::min(std::max(v, 0.f), 255.f)));
}
template <> inline int16_t saturate_from<int16_t>(float v) {
  return int16_t(round_even(std::min(std::max(v, -32768.f), 32767.f)));
}
template <> inline uint16_t saturate_from<uint16_t>(float v) {
  return uint16_t(round_even(std::min(std::max(v, 0.f), 65535.f)));
}
template <> inline float saturate_from<float>(float v) { return v; }
template <> inline double saturate_from<double>(float v) { return v; }

}  // namespace mnnx::cv
