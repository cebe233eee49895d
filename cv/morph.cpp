// Erode and dilate: min or max over the nonzero cells of a structuring element. A full rectangle runs
// as a row pass and a column pass; any other element reads each of its cells from a ring of extended rows.
#include <cmath>
#include <limits>

#include "core/errors.h"
#include "core/threadpool.h"
#include "cv/filter.h"

namespace mnnx::cv {
namespace {


template <class T, bool kMax>
inline T pick(T a, T b) { return kMax ? std::max(a, b) : std::min(a, b); }

// acc[i] = pick(acc[i], src[i]): the one loop every morphology pass runs; restrict lets it vectorize.
template <class T, bool kMax>
MNNX_CV_CLONES void pick_into(T* __restrict acc, const T* __restrict src, int n) {
  for (int i = 0; i < n; ++i) acc[i] = pick<T, kMax>(acc[i], src[i]);
}

template <class T, bool kMax>
void morph_rect(const HwcImage& src, const HwcImage& dst, int kh, int kw, int ax, int ay, int border, T fill) {
  const int C = src.c, WC = src.w * C;
  parallel_for(src.h, 16, [&](int64_t y0, int64_t y1, int) {
    std::vector<T> ext(size_t(src.w + kw - 1) * C), ring(size_t(kh) * WC);
    int next = int(y0) - ay;
    for (int y = int(y0); y < int(y1); ++y) {
      for (; next < y - ay + kh; ++next) {
        extend_row<T, T>(src, next, ax, kw - 1 - ax, border, fill, ext.data());
        T* r = &ring[size_t(ring_slot(next, kh)) * WC];
        std::copy(ext.begin(), ext.begin() + WC, r);
        for (int k = 1; k < kw; ++k) pick_into<T, kMax>(r, ext.data() + k * C, WC);
      }
      T* out = dst.row<T>(y);
      const T* r0 = &ring[size_t(ring_slot(y - ay, kh)) * WC];
      std::copy(r0, r0 + WC, out);
      for (int k = 1; k < kh; ++k) pick_into<T, kMax>(out, &ring[size_t(ring_slot(y - ay + k, kh)) * WC], WC);
    }
  });
}

template <class T, bool kMax>
void morph_cells(const HwcImage& src, const HwcImage& dst, const std::vector<uint8_t>& el, int kh, int kw, int ax, int ay,
                 int border, T fill) {
  const int C = src.c, WC = src.w * C, EW = (src.w + kw - 1) * C;
  parallel_for(src.h, 16, [&](int64_t y0, int64_t y1, int) {
    std::vector<T> ring(size_t(kh) * EW);
    int next = int(y0) - ay;
    for (int y = int(y0); y < int(y1); ++y) {
      for (; next < y - ay + kh; ++next)
        extend_row<T, T>(src, next, ax, kw - 1 - ax, border, fill, &ring[size_t(ring_slot(next, kh)) * EW]);
      T* out = dst.row<T>(y);
      std::fill(out, out + WC, kMax ? std::numeric_limits<T>::lowest() : std::numeric_limits<T>::max());
      for (int j = 0; j < kh; ++j) {
        const T* e = &ring[size_t(ring_slot(y - ay + j, kh)) * EW];
        for (int i = 0; i < kw; ++i) {
          if (!el[j * kw + i]) continue;
          pick_into<T, kMax>(out, e + i * C, WC);
        }
      }
    }
  });
}

template <class T, bool kMax>
void morph_run(const HwcImage& src, const HwcImage& dst, const std::vector<uint8_t>& el, int kh, int kw, int ax, int ay,
               int border, double border_value) {
  // An infinite border value (cv2's default, DBL_MAX) never wins: the neutral extreme of the type.
  T fill;
  if (std::isinf(border_value))
    fill = kMax ? std::numeric_limits<T>::lowest() : std::numeric_limits<T>::max();
  else if constexpr (std::is_same_v<T, float>)
    fill = float(border_value);
  else
    fill = saturate_from<T>(float(std::min(std::max(border_value, -1e9), 1e9)));
  bool full = true;
  for (uint8_t v : el) full = full && v;
  if (full) morph_rect<T, kMax>(src, dst, kh, kw, ax, ay, border, fill);
  else morph_cells<T, kMax>(src, dst, el, kh, kw, ax, ay, border, fill);
}

}  // namespace

void morph(const HwcImage& src, const HwcImage& dst, const std::vector<uint8_t>& element, int kh, int kw, int ax, int ay,
           bool dilate, int border, double border_value) {
  if (src.depth == D_8U) {
    if (dilate) return morph_run<uint8_t, true>(src, dst, element, kh, kw, ax, ay, border, border_value);
    return morph_run<uint8_t, false>(src, dst, element, kh, kw, ax, ay, border, border_value);
  }
  if (src.depth == D_32F) {
    if (dilate) return morph_run<float, true>(src, dst, element, kh, kw, ax, ay, border, border_value);
    return morph_run<float, false>(src, dst, element, kh, kw, ax, ay, border, border_value);
  }
  fail(ErrKind::TYPE, "morphology: unsupported depth");
}

}  // namespace mnnx::cv
