// warpAffine, warpPerspective and remap: every destination pixel samples the source at a float
// coordinate (OpenCV 5 no longer quantizes coordinates to 1/32 pixel). Nearest rounds half to even,
// linear interpolates in float, cubic uses Keys' kernel with a = -0.75; uint8 results are rounded.
// Taps outside the source follow the border mode; BORDER_TRANSPARENT reads the old destination pixel.
#include <algorithm>
#include <cmath>
#include <vector>

#include "core/threadpool.h"
#include "cv/border.h"
#include "cv/geometry.h"
#include "cv/warp_avx2.h"

namespace mnnx::cv {

namespace {

constexpr float kCoordLimit = float(1 << 30);

inline float safe_coord(float v) {  // NaN and far-away points read as outside, without int overflow
  return v == v ? std::min(std::max(v, -kCoordLimit), kCoordLimit) : -kCoordLimit;
}

template <class T>
inline void store(T* d, float v) {
  if constexpr (std::is_same_v<T, uint8_t>) *d = sat_u8(int(lrintf(std::min(std::max(v, -1.f), 256.f))));
  else *d = v;
}

struct Sampling {
  int interp, border;
  float cval[4];
};

// One pixel, any tap position: taps outside the source follow the border mode.
template <class T, int K>
__attribute__((noinline)) void sample_pixel(const Image& src, T* D, int x0, int y0, const float* wx, const float* wy,
                                            const Sampling& s) {
  const int cn = src.cn;
  int xt[4], yt[4];
  for (int k = 0; k < K; ++k) xt[k] = border_index(x0 + k, src.w, s.border), yt[k] = border_index(y0 + k, src.h, s.border);
  for (int c = 0; c < cn; ++c) {
    // BORDER_TRANSPARENT: taps outside the source read what the destination already holds.
    const float outside = s.border == BORDER_TRANSPARENT ? float(D[c]) : s.cval[c];
    auto px = [&](int r, int q) -> float {
      return (xt[q] < 0 || yt[r] < 0) ? outside : float(src.row<T>(yt[r])[xt[q] * cn + c]);
    };
    float v;
    if (K == 1) {
      v = px(0, 0);
    } else if (K == 2) {
      const float p00 = px(0, 0), p01 = px(0, 1), p10 = px(1, 0), p11 = px(1, 1);
      const float v0 = p00 + wx[1] * (p01 - p00), v1 = p10 + wx[1] * (p11 - p10);
      v = v0 + wy[1] * (v1 - v0);
    } else {
      v = 0;
      for (int r = 0; r < 4; ++r) {
        const float row = px(r, 0) * wx[0] + px(r, 1) * wx[1] + px(r, 2) * wx[2] + px(r, 3) * wx[3];
        v += row * wy[r];
      }
    }
    store(D + c, v);
  }
}

// Splits every coordinate into its first tap (K taps per axis starting K/2-1 left of floor(x)) and a
// fraction, overwriting xs/ys with the fractions. The only loop here that vectorizes well, and only
// with SSE4.1's rounding: hence the AVX2 clone (the sampling code around it is scalar or intrinsics).
template <int K>
MNNX_CV_CLONES void split_coords(float* __restrict xs, float* __restrict ys, int* __restrict ix, int* __restrict iy,
                                 int n) {
  for (int i = 0; i < n; ++i) {
    const float fx = safe_coord(xs[i]), fy = safe_coord(ys[i]);
    const float bx = K == 1 ? std::nearbyint(fx) : std::floor(fx), by = K == 1 ? std::nearbyint(fy) : std::floor(fy);
    constexpr int kLead = K == 1 ? 0 : K / 2 - 1;  // taps left of (or above) the sample point
    ix[i] = int(bx) - kLead, iy[i] = int(by) - kLead;
    xs[i] = fx - bx, ys[i] = fy - by;
  }
}

// One destination row from its source coordinates: linear pixels whose taps are all inside take the
// short path (8 at a time with AVX2 gathers for uint8), the others sample_pixel.
template <class T, int CN, int K>
void sample_row(const Image& src, T* D, float* xs, float* ys, int* ix, int* iy, int n, const Sampling& s) {
  const int cn = CN ? CN : src.cn;
  split_coords<K>(xs, ys, ix, iy, n);
  const unsigned xlim = unsigned(src.w - K), ylim = unsigned(src.h - K);
  const bool fits = src.w >= K && src.h >= K;
  auto one = [&](int i) {
    T* d = D + int64_t(i) * cn;
    const int x0 = ix[i], y0 = iy[i];
    const bool inside = fits && unsigned(x0) <= xlim && unsigned(y0) <= ylim;
    if (K == 2 && inside) {
      const T* r0 = src.row<T>(y0) + x0 * cn;
      const T* r1 = src.row<T>(y0 + 1) + x0 * cn;
      const float ax = xs[i], ay = ys[i];
      for (int c = 0; c < cn; ++c) {
        const float p00 = float(r0[c]), p01 = float(r0[cn + c]), p10 = float(r1[c]), p11 = float(r1[cn + c]);
        const float v0 = p00 + ax * (p01 - p00), v1 = p10 + ax * (p11 - p10);
        const float v = v0 + ay * (v1 - v0);
        if constexpr (std::is_same_v<T, uint8_t>) d[c] = uint8_t(int(std::nearbyint(v)));  // a blend stays in [0, 255]
        else d[c] = v;
      }
    } else {
      float wx[4] = {1, 0, 0, 0}, wy[4] = {1, 0, 0, 0};
      if (K == 2) wx[0] = 1.f - xs[i], wx[1] = xs[i], wy[0] = 1.f - ys[i], wy[1] = ys[i];
      if (K == 4) cubic_coeffs(xs[i], wx), cubic_coeffs(ys[i], wy);
      sample_pixel<T, K>(src, d, x0, y0, wx, wy, s);
    }
  };
  int i = 0;
#if defined(__x86_64__) && defined(__GNUC__)
  // The 4-byte gathers read up to 4 - CN bytes past the right tap: keep those inside the row.
  constexpr int kSlack = CN == 1 ? 2 : CN == 3 ? 1 : 0;
  static const bool avx2 = __builtin_cpu_supports("avx2");
  if constexpr (std::is_same_v<T, uint8_t> && K == 2 && CN != 0) {
    if (avx2 && fits && src.w >= 2 + kSlack && src.step * int64_t(src.h) < (int64_t(1) << 31)) {
      const unsigned safe_x = unsigned(src.w - 2 - kSlack);
      for (;;) {  // AVX2 runs of 8-pixel groups; a group with a tap outside goes pixel by pixel
        i = lerp_run_u8<CN>(src.row<uint8_t>(0), int(src.step), ix, iy, xs, ys, safe_x, ylim, D, i, n);
        if (i + 8 > n) break;
        for (int k = i; k < i + 8; ++k) one(k);
        i += 8;
      }
    }
  }
#endif
  for (; i < n; ++i) one(i);
}

// Channel counts are compiled in only for linear uint8 sampling (the common, speed-critical case;
// each copy costs extension size).
template <class T, int K>
void sample_cn(const Image& src, T* D, float* xs, float* ys, int* ix, int* iy, int n, const Sampling& s) {
  if (K != 2 || !std::is_same_v<T, uint8_t>) return sample_row<T, 0, K>(src, D, xs, ys, ix, iy, n, s);
  switch (src.cn) {
    case 1: return sample_row<T, 1, K>(src, D, xs, ys, ix, iy, n, s);
    case 3: return sample_row<T, 3, K>(src, D, xs, ys, ix, iy, n, s);
    case 4: return sample_row<T, 4, K>(src, D, xs, ys, ix, iy, n, s);
    default: return sample_row<T, 0, K>(src, D, xs, ys, ix, iy, n, s);
  }
}

// Runs coords(y, x0, n, xs, ys) for tiles of 4 rows x 2048 columns of the destination, then samples
// them (measured faster than square tiles here); bands of rows go to the pool.
template <class T, class Coords>
void warp_rows(const Image& src, const Image& dst, const Sampling& s, Coords&& coords) {
  constexpr int kTileH = 4, kTileW = 2048;
  const int64_t bands = (dst.h + kTileH - 1) / kTileH;
  parallel_for(bands, 1, [&](int64_t b0, int64_t b1, int) {
    float xs[kTileW], ys[kTileW];
    int ix[kTileW], iy[kTileW];
    for (int64_t b = b0; b < b1; ++b) {
      const int y1 = std::min<int>(dst.h, int(b + 1) * kTileH);
      for (int x0 = 0; x0 < dst.w; x0 += kTileW) {
        const int n = std::min(kTileW, dst.w - x0);
        for (int y = int(b) * kTileH; y < y1; ++y) {
          coords(y, x0, n, xs, ys);
          T* D = dst.row<T>(y) + int64_t(x0) * dst.cn;
          if (s.interp == INTER_LINEAR) sample_cn<T, 2>(src, D, xs, ys, ix, iy, n, s);
          else if (s.interp == INTER_CUBIC) sample_cn<T, 4>(src, D, xs, ys, ix, iy, n, s);
          else sample_cn<T, 1>(src, D, xs, ys, ix, iy, n, s);
        }
      }
    }
  });
}

Sampling make_sampling(int interp, int border, const double value[4]) {
  Sampling s{interp, border, {}};
  for (int c = 0; c < 4; ++c) s.cval[c] = float(value[c]);
  return s;
}

template <class T>
void warp_affine_t(const Image& src, const Image& dst, const double M[6], const Sampling& s) {
  // cv2 applies the matrix in float; the exact sum of its float terms, rounded once, matches its ties.
  double m[6];
  for (int i = 0; i < 6; ++i) m[i] = double(float(M[i]));
  warp_rows<T>(src, dst, s, [&](int y, int x0, int n, float* xs, float* ys) {
    const double bx = m[1] * y + m[2], by = m[4] * y + m[5];
    for (int i = 0; i < n; ++i) {
      xs[i] = float(m[0] * (x0 + i) + bx);
      ys[i] = float(m[3] * (x0 + i) + by);
    }
  });
}

template <class T>
void warp_perspective_t(const Image& src, const Image& dst, const double M[9], const Sampling& s) {
  warp_rows<T>(src, dst, s, [&](int y, int x0, int n, float* xs, float* ys) {
    const double X0 = M[1] * y + M[2], Y0 = M[4] * y + M[5], W0 = M[7] * y + M[8];
    for (int i = 0; i < n; ++i) {
      const int x = x0 + i;
      double W = W0 + M[6] * x;
      W = W != 0 ? 1. / W : 0.;
      xs[i] = float((X0 + M[0] * x) * W);
      ys[i] = float((Y0 + M[3] * x) * W);
    }
  });
}

template <class T>
void remap_t(const Image& src, const Image& dst, const float* mx, const float* my, int64_t rs, int ps, const Sampling& s) {
  warp_rows<T>(src, dst, s, [&](int y, int x0, int n, float* xs, float* ys) {
    for (int i = 0; i < n; ++i) {
      xs[i] = mx[y * rs + int64_t(x0 + i) * ps];
      ys[i] = my[y * rs + int64_t(x0 + i) * ps];
    }
  });
}

}  // namespace

void warp_affine(const Image& src, const Image& dst, const double M[6], int interp, int border, const double value[4]) {
  const Sampling s = make_sampling(interp, border, value);
  if (src.depth == U8) warp_affine_t<uint8_t>(src, dst, M, s);
  else warp_affine_t<float>(src, dst, M, s);
}

void warp_perspective(const Image& src, const Image& dst, const double M[9], int interp, int border,
                      const double value[4]) {
  const Sampling s = make_sampling(interp, border, value);
  if (src.depth == U8) warp_perspective_t<uint8_t>(src, dst, M, s);
  else warp_perspective_t<float>(src, dst, M, s);
}

void remap(const Image& src, const Image& dst, const float* mapx, const float* mapy, int64_t map_row_stride,
           int map_pixel_stride, int interp, int border, const double value[4]) {
  const Sampling s = make_sampling(interp, border, value);
  if (src.depth == U8) remap_t<uint8_t>(src, dst, mapx, mapy, map_row_stride, map_pixel_stride, s);
  else remap_t<float>(src, dst, mapx, mapy, map_row_stride, map_pixel_stride, s);
}

}  // namespace mnnx::cv
