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

namespace mnnx::cv {

namespace {

constexpr float kCoordLimit = float(1 << 30);

inline float safe_coord(float v) {  // NaN and far-away points read as outside, without int overflow
  return v == v ? std::min(std::max(v, -kCoordLimit), kCoordLimit) : -kCoordLimit;
}

inline void cubic_weights(float x, float* c) {
  const float A = -0.75f;
  c[0] = ((A * (x + 1) - 5 * A) * (x + 1) + 8 * A) * (x + 1) - 4 * A;
  c[1] = ((A + 2) * x - (A + 3)) * x * x + 1;
  c[2] = ((A + 2) * (1 - x) - (A + 3)) * (1 - x) * (1 - x) + 1;
  c[3] = 1.f - c[0] - c[1] - c[2];
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

// One destination row from its source coordinates. K taps per axis starting K/2-1 left of floor(x);
// linear pixels whose taps are all inside take the short path.
template <class T, int CN, int K>
MNNX_CV_CLONES void sample_row(const Image& src, T* D, const float* xs, const float* ys, int n, const Sampling& s) {
  const int cn = CN ? CN : src.cn;
  for (int i = 0; i < n; ++i, D += cn) {
    const float fx = safe_coord(xs[i]), fy = safe_coord(ys[i]);
    int x0, y0;
    float wx[4] = {1, 0, 0, 0}, wy[4] = {1, 0, 0, 0};
    if (K == 1) {
      x0 = int(lrintf(fx)), y0 = int(lrintf(fy));
    } else {
      const int ix = int(std::floor(fx)), iy = int(std::floor(fy));
      const float ax = fx - float(ix), ay = fy - float(iy);
      if (K == 2) wx[0] = 1.f - ax, wx[1] = ax, wy[0] = 1.f - ay, wy[1] = ay;
      else cubic_weights(ax, wx), cubic_weights(ay, wy);
      x0 = ix - (K / 2 - 1), y0 = iy - (K / 2 - 1);
    }
    const bool inside = src.w >= K && src.h >= K && unsigned(x0) <= unsigned(src.w - K) && unsigned(y0) <= unsigned(src.h - K);
    if (K == 2 && inside) {
      const T* r0 = src.row<T>(y0) + x0 * cn;
      const T* r1 = src.row<T>(y0 + 1) + x0 * cn;
      for (int c = 0; c < cn; ++c) {
        const float p00 = float(r0[c]), p01 = float(r0[cn + c]), p10 = float(r1[c]), p11 = float(r1[cn + c]);
        const float v0 = p00 + wx[1] * (p01 - p00), v1 = p10 + wx[1] * (p11 - p10);
        store(D + c, v0 + wy[1] * (v1 - v0));
      }
    } else {
      sample_pixel<T, K>(src, D, x0, y0, wx, wy, s);
    }
  }
}

// Channel counts are compiled in only for linear sampling (the common, speed-critical case).
template <class T, int K>
void sample_cn(const Image& src, T* D, const float* xs, const float* ys, int n, const Sampling& s) {
  if (K != 2) return sample_row<T, 0, K>(src, D, xs, ys, n, s);
  switch (src.cn) {
    case 1: return sample_row<T, 1, K>(src, D, xs, ys, n, s);
    case 3: return sample_row<T, 3, K>(src, D, xs, ys, n, s);
    case 4: return sample_row<T, 4, K>(src, D, xs, ys, n, s);
    default: return sample_row<T, 0, K>(src, D, xs, ys, n, s);
  }
}

// Runs coords(y, xs, ys) for every destination row, then samples it; rows split over the pool.
template <class T, class Coords>
void warp_rows(const Image& src, const Image& dst, const Sampling& s, Coords&& coords) {
  const int64_t grain = std::max<int64_t>(1, 8192 / std::max(1, dst.w));
  parallel_for(dst.h, grain, [&](int64_t y0, int64_t y1, int) {
    std::vector<float> xs(dst.w), ys(dst.w);
    for (int64_t y = y0; y < y1; ++y) {
      coords(int(y), xs.data(), ys.data());
      T* D = dst.row<T>(int(y));
      if (s.interp == INTER_LINEAR) sample_cn<T, 2>(src, D, xs.data(), ys.data(), dst.w, s);
      else if (s.interp == INTER_CUBIC) sample_cn<T, 4>(src, D, xs.data(), ys.data(), dst.w, s);
      else sample_cn<T, 1>(src, D, xs.data(), ys.data(), dst.w, s);
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
  warp_rows<T>(src, dst, s, [&](int y, float* xs, float* ys) {
    const double bx = m[1] * y + m[2], by = m[4] * y + m[5];
    for (int x = 0; x < dst.w; ++x) {
      xs[x] = float(m[0] * x + bx);
      ys[x] = float(m[3] * x + by);
    }
  });
}

template <class T>
void warp_perspective_t(const Image& src, const Image& dst, const double M[9], const Sampling& s) {
  warp_rows<T>(src, dst, s, [&](int y, float* xs, float* ys) {
    const double X0 = M[1] * y + M[2], Y0 = M[4] * y + M[5], W0 = M[7] * y + M[8];
    for (int x = 0; x < dst.w; ++x) {
      double W = W0 + M[6] * x;
      W = W != 0 ? 1. / W : 0.;
      xs[x] = float((X0 + M[0] * x) * W);
      ys[x] = float((Y0 + M[3] * x) * W);
    }
  });
}

template <class T>
void remap_t(const Image& src, const Image& dst, const float* mx, const float* my, int64_t rs, int ps, const Sampling& s) {
  warp_rows<T>(src, dst, s, [&](int y, float* xs, float* ys) {
    for (int x = 0; x < dst.w; ++x) {
      xs[x] = mx[y * rs + int64_t(x) * ps];
      ys[x] = my[y * rs + int64_t(x) * ps];
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
