// Linear filters: separable (row pass into a ring of filtered rows, then a column pass per output row)
// and general 2-D correlation. Threads take bands of output rows; each band keeps its own ring.
#include <cstring>

#include "core/errors.h"
#include "core/threadpool.h"
#include "cv/filter.h"

namespace mnnx::cv {
namespace {

constexpr int64_t kRowGrain = 16;

inline int ring_slot(int v, int n) { return ((v % n) + n) % n; }

template <class S, class D>
void sep_run(const Image& src, const Image& dst, const float* kx, int kw, const float* ky, int kh, int ax, int ay,
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
        const float* e = ext.data();
        for (int i = 0; i < WC; ++i) r[i] = kx[0] * e[i];
        for (int k = 1; k < kw; ++k) {
          const float* ek = e + k * C;
          const float c = kx[k];
          for (int i = 0; i < WC; ++i) r[i] += c * ek[i];
        }
      }
      for (int k = 0; k < kh; ++k) rows[k] = &ring[size_t(ring_slot(y - ay + k, kh)) * WC];
      D* out = dst.row<D>(y);
      float* acc = ext.data();  // the extended row is free until the next row pass
      for (int i = 0; i < WC; ++i) acc[i] = ky[0] * rows[0][i];
      for (int k = 1; k < kh; ++k) {
        const float* r = rows[k];
        const float c = ky[k];
        for (int i = 0; i < WC; ++i) acc[i] += c * r[i];
      }
      for (int i = 0; i < WC; ++i) out[i] = saturate_from<D>(acc[i] + delta);
    }
  });
}

template <class S, class D>
void f2d_run(const Image& src, const Image& dst, const float* k, int kh, int kw, int ax, int ay, float delta,
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
          if (c == 0.f) continue;
          const float* ei = e + i * C;
          for (int t = 0; t < WC; ++t) acc[t] += c * ei[t];
        }
      }
      D* out = dst.row<D>(y);
      for (int t = 0; t < WC; ++t) out[t] = saturate_from<D>(acc[t] + delta);
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

void sep_filter(const Image& src, const Image& dst, const std::vector<float>& kx, const std::vector<float>& ky,
                int ax, int ay, float delta, int border) {
  MNNX_LINEAR_DISPATCH(sep_run, src, dst, kx.data(), int(kx.size()), ky.data(), int(ky.size()), ax, ay, delta,
                       border);
}

void filter_2d(const Image& src, const Image& dst, const std::vector<float>& k, int kh, int kw, int ax, int ay,
               float delta, int border) {
  MNNX_LINEAR_DISPATCH(f2d_run, src, dst, k.data(), kh, kw, ax, ay, delta, border);
}

void gaussian_u8(const Image& src, const Image& dst, const std::vector<uint16_t>& kx,
                 const std::vector<uint16_t>& ky, int border) {
  const int C = src.c, WC = src.w * C, kw = int(kx.size()), kh = int(ky.size());
  const int ax = kw / 2, ay = kh / 2;
  parallel_for(src.h, kRowGrain, [&](int64_t y0, int64_t y1, int) {
    std::vector<uint8_t> ext(size_t(src.w + kw - 1) * C);
    std::vector<uint16_t> ring(size_t(kh) * WC);
    std::vector<uint32_t> acc(WC);
    std::vector<const uint16_t*> rows(kh);
    int next = int(y0) - ay;
    for (int y = int(y0); y < int(y1); ++y) {
      for (; next < y - ay + kh; ++next) {
        extend_row<uint8_t, uint8_t>(src, next, ax, kw - 1 - ax, border, uint8_t(0), ext.data());
        uint16_t* r = &ring[size_t(ring_slot(next, kh)) * WC];
        const uint8_t* e = ext.data();
        // Exact: the kernel sums to 256, so a sum never exceeds 255 * 256.
        for (int i = 0; i < WC; ++i) r[i] = uint16_t(kx[0] * e[i]);
        for (int k = 1; k < kw; ++k) {
          const uint8_t* ek = e + k * C;
          const uint16_t c = kx[k];
          for (int i = 0; i < WC; ++i) r[i] = uint16_t(r[i] + c * ek[i]);
        }
      }
      for (int k = 0; k < kh; ++k) rows[k] = &ring[size_t(ring_slot(y - ay + k, kh)) * WC];
      uint32_t* a = acc.data();
      for (int i = 0; i < WC; ++i) a[i] = uint32_t(ky[0]) * rows[0][i];
      for (int k = 1; k < kh; ++k) {
        const uint16_t* r = rows[k];
        const uint32_t c = ky[k];
        for (int i = 0; i < WC; ++i) a[i] += c * r[i];
      }
      uint8_t* out = dst.row<uint8_t>(y);
      for (int i = 0; i < WC; ++i) out[i] = uint8_t((a[i] + (1u << 15)) >> 16);
    }
  });
}

}  // namespace mnnx::cv
