// Linear filters: separable (row pass into a ring of filtered rows, then a column pass per output row)
// and general 2-D correlation. Threads take bands of output rows; each band keeps its own ring.
#include <cstring>

#include "core/errors.h"
#include "core/threadpool.h"
#include "cv/filter.h"

namespace mnnx::cv {
namespace {

constexpr int64_t kRowGrain = 16;


// The float passes' loops, kept apart with restrict pointers so they vectorize.
MNNX_CV_CLONES void scale_into(float* __restrict r, const float* __restrict e, float c, int n) {
  for (int i = 0; i < n; ++i) r[i] = c * e[i];
}
MNNX_CV_CLONES void axpy(float* __restrict r, const float* __restrict e, float c, int n) {
  for (int i = 0; i < n; ++i) r[i] += c * e[i];
}
template <class D>
MNNX_CV_CLONES void store_row(D* __restrict out, const float* __restrict acc, float delta, int n) {
  for (int i = 0; i < n; ++i) out[i] = saturate_from<D>(acc[i] + delta);
}

template <class S, class D>
void sep_run(const HwcImage& src, const HwcImage& dst, const float* kx, int kw, const float* ky, int kh, int ax, int ay,
             float delta, int border) {
  const int C = src.c, WC = src.w * C;
  parallel_for(src.h, kRowGrain, [&](int64_t y0, int64_t y1, int) {
    std::vector<float> ext(size_t(src.w + kw - 1) * C), ring(size_t(kh) * WC);
    std::vector<const float*> rows(kh);
    int next = int(y0) - ay;
    for (int y = int(y0); y < int(y1); ++y) {
      for (; next < y - ay + kh; ++next) {
        extend_row<S, float>(src, next, ax, kw - 1 - ax, border, 0.f, ext.data());
        float* r = &ring[size_t(ring_slot(next, kh)) * WC];
        scale_into(r, ext.data(), kx[0], WC);
        for (int k = 1; k < kw; ++k) axpy(r, ext.data() + k * C, kx[k], WC);
      }
      for (int k = 0; k < kh; ++k) rows[k] = &ring[size_t(ring_slot(y - ay + k, kh)) * WC];
      D* out = dst.row<D>(y);
      float* acc = ext.data();  // the extended row is free until the next row pass
      scale_into(acc, rows[0], ky[0], WC);
      for (int k = 1; k < kh; ++k) axpy(acc, rows[k], ky[k], WC);
      store_row<D>(out, acc, delta, WC);
    }
  });
}

template <class S, class D>
void f2d_run(const HwcImage& src, const HwcImage& dst, const float* k, int kh, int kw, int ax, int ay, float delta,
             int border) {
  const int C = src.c, WC = src.w * C, EW = (src.w + kw - 1) * C;
  parallel_for(src.h, kRowGrain, [&](int64_t y0, int64_t y1, int) {
    std::vector<float> ring(size_t(kh) * EW), acc(WC);
    int next = int(y0) - ay;
    for (int y = int(y0); y < int(y1); ++y) {
      for (; next < y - ay + kh; ++next)
        extend_row<S, float>(src, next, ax, kw - 1 - ax, border, 0.f, &ring[size_t(ring_slot(next, kh)) * EW]);
      std::fill(acc.begin(), acc.end(), 0.f);
      for (int j = 0; j < kh; ++j) {
        const float* e = &ring[size_t(ring_slot(y - ay + j, kh)) * EW];
        for (int i = 0; i < kw; ++i) {
          const float c = k[j * kw + i];
          if (c != 0.f) axpy(acc.data(), e + i * C, c, WC);
        }
      }
      store_row<D>(dst.row<D>(y), acc.data(), delta, WC);
    }
  });
}

// The (source, destination) depth pairs a linear filter is compiled for; the Python face converts the rest.
#define MNNX_LINEAR_DISPATCH(RUN, ...)                                                           \
  if (src.depth == D_8U && dst.depth == D_8U) return RUN<uint8_t, uint8_t>(__VA_ARGS__);        \
  if (src.depth == D_8U && dst.depth == D_16S) return RUN<uint8_t, int16_t>(__VA_ARGS__);       \
  if (src.depth == D_8U && dst.depth == D_32F) return RUN<uint8_t, float>(__VA_ARGS__);         \
  if (src.depth == D_32F && dst.depth == D_32F) return RUN<float, float>(__VA_ARGS__);          \
  fail(ErrKind::TYPE, "linear filter: unsupported source/destination depth pair")

}  // namespace

void sep_filter(const HwcImage& src, const HwcImage& dst, const std::vector<float>& kx, const std::vector<float>& ky,
                int ax, int ay, float delta, int border) {
  MNNX_LINEAR_DISPATCH(sep_run, src, dst, kx.data(), int(kx.size()), ky.data(), int(ky.size()), ax, ay, delta,
                       border);
}

void filter_2d(const HwcImage& src, const HwcImage& dst, const std::vector<float>& k, int kh, int kw, int ax, int ay,
               float delta, int border) {
  MNNX_LINEAR_DISPATCH(f2d_run, src, dst, k.data(), kh, kw, ax, ay, delta, border);
}

// 8U normalized box filter: exact integer row sums (16 bits while kw <= 257), a running column sum per
// band of rows (one add and one subtract per pixel, whatever kh), then one rounding of sum * scale.
MNNX_CV_CLONES static void box_row_u8(const uint8_t* __restrict e, uint16_t* __restrict r, int n, int C, int kw) {
  for (int i = 0; i < n; ++i) r[i] = e[i];
  for (int k = 1; k < kw; ++k) {
    const uint8_t* ek = e + k * C;
    for (int i = 0; i < n; ++i) r[i] = uint16_t(r[i] + ek[i]);
  }
}

MNNX_CV_CLONES static void box_col_step(int32_t* __restrict sum, const uint16_t* __restrict add,
                                        const uint16_t* __restrict sub, uint8_t* __restrict out, float scale,
                                        int n) {
  for (int i = 0; i < n; ++i) {
    out[i] = saturate_from<uint8_t>(float(sum[i]) * scale);
    sum[i] += int32_t(add[i]) - int32_t(sub[i]);
  }
}

void box_u8(const HwcImage& src, const HwcImage& dst, int kw, int kh, int ax, int ay, float scale, int border) {
  const int C = src.c, WC = src.w * C;
  parallel_for(src.h, kRowGrain, [&](int64_t y0, int64_t y1, int) {
    std::vector<uint8_t> ext(size_t(src.w + kw - 1) * C);
    std::vector<uint16_t> ring(size_t(kh + 1) * WC);  // kh rows in the window plus the one entering next
    std::vector<int32_t> sum(WC, 0);
    auto row_at = [&](int v) { return &ring[size_t(ring_slot(v, kh + 1)) * WC]; };
    auto fill = [&](int v) {
      extend_row<uint8_t, uint8_t>(src, v, ax, kw - 1 - ax, border, uint8_t(0), ext.data());
      box_row_u8(ext.data(), row_at(v), WC, C, kw);
    };
    const int first = int(y0) - ay;
    for (int v = first; v < first + kh; ++v) {
      fill(v);
      const uint16_t* r = row_at(v);
      for (int i = 0; i < WC; ++i) sum[i] += r[i];
    }
    for (int y = int(y0); y < int(y1); ++y) {
      const int top = y - ay, next = top + kh;
      if (y + 1 < int(y1)) fill(next);
      else std::fill(row_at(next), row_at(next) + WC, uint16_t(0));  // the band ends: nothing enters
      // ring has kh + 1 slots, so the entering row never overwrites the leaving one
      box_col_step(sum.data(), row_at(next), row_at(top), dst.row<uint8_t>(y), scale, WC);
    }
  });
}

}  // namespace mnnx::cv
