// cv2.resize: nearest, separable linear/cubic (and INTER_AREA upscaling, a linear with other weights),
// area averaging (integer-factor fast path and the general weighted path). uint8 uses cv2's fixed
// point (weights scaled by 2048, its rounding shifts) so results agree with cv2 to within 1.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "core/threadpool.h"
#include "cv/geometry.h"
#include "cv/resize_avx2.h"

namespace mnnx::cv {

namespace {

constexpr int kCoefBits = 11, kCoefScale = 1 << kCoefBits;  // INTER_RESIZE_COEF_SCALE

// Rows of output per parallel task: about 32K output elements.
int64_t row_grain(const Image& dst) { return std::max<int64_t>(1, (32 << 10) / std::max<int64_t>(1, dst.row_elems())); }

inline short coef_i16(float c) {
  long v = lrintf(c * kCoefScale);
  return short(std::clamp<long>(v, -32768, 32767));
}

template <class T>
void resize_nearest(const Image& src, const Image& dst, double inv_sx, double inv_sy) {
  const double ifx = 1. / inv_sx, ify = 1. / inv_sy;
  const int cn = src.cn;
  std::vector<int> xofs(dst.w);
  for (int x = 0; x < dst.w; ++x) xofs[x] = std::min(int(std::floor(x * ifx)), src.w - 1) * cn;
  parallel_for(dst.h, row_grain(dst), [&](int64_t y0, int64_t y1, int) {
    for (int64_t y = y0; y < y1; ++y) {
      const int sy = std::min(int(std::floor(y * ify)), src.h - 1);
      const T* S = src.row<T>(sy);
      T* D = dst.row<T>(int(y));
      for (int x = 0; x < dst.w; ++x)
        for (int c = 0; c < cn; ++c) D[x * cn + c] = S[xofs[x] + c];
    }
  });
}

// Separable interpolation with K taps per axis (2: linear and area-upscale, 4: cubic). Tables hold,
// per output element (x) or row (y), the clamped source taps (BORDER_REPLICATE) and their weights.
struct Axis {
  std::vector<int> tap;   // n*K
  std::vector<float> w;   // n*K
  std::vector<short> iw;  // n*K, scaled by 2048
};

// cv2 computes the first tap and the fraction per output index. clamp_frac (linear along x): at the
// edges the fraction becomes 0 and the tap the edge pixel; otherwise (cubic, and every y axis) only
// the taps are clamped. area_mode: INTER_AREA when enlarging.
Axis axis_table(int dlen, int slen, double scale, double inv_scale, int K, bool area_mode, bool clamp_frac, int cn) {
  Axis a;
  a.tap.resize(size_t(dlen) * cn * K);
  a.w.resize(size_t(dlen) * cn * K);
  a.iw.resize(size_t(dlen) * cn * K);
  for (int d = 0; d < dlen; ++d) {
    float f;
    int s;
    if (!area_mode) {
      f = float((d + 0.5) * scale - 0.5);
      s = int(std::floor(f));
      f -= s;
    } else {
      s = int(std::floor(d * scale));
      f = float((d + 1) - (s + 1) * inv_scale);
      f = f <= 0 ? 0.f : f - std::floor(f);
    }
    if (clamp_frac) {
      if (s < 0) f = 0, s = 0;
      if (s >= slen - 1) f = 0, s = slen - 1;
    }
    float c[4];
    if (K == 4) cubic_coeffs(f, c);
    else c[0] = 1.f - f, c[1] = f;
    for (int ch = 0; ch < cn; ++ch)
      for (int k = 0; k < K; ++k) {
        const size_t i = (size_t(d) * cn + ch) * K + k;
        a.w[i] = c[k];
        a.iw[i] = coef_i16(c[k]);
        a.tap[i] = std::clamp(s + k - (K / 2 - 1), 0, slen - 1) * cn + ch;
      }
  }
  return a;
}

template <class T, class WT, int K>
void hresize(const T* S, WT* D, const Axis& x, int n) {
  for (int i = 0; i < n; ++i) {
    const int* tp = &x.tap[size_t(i) * K];
    WT acc = 0;
    #pragma GCC unroll 4  // K taps: straight-line code per element
    for (int k = 0; k < K; ++k) {
      if constexpr (std::is_same_v<T, uint8_t>) acc += WT(S[tp[k]]) * x.iw[size_t(i) * K + k];
      else acc += S[tp[k]] * x.w[size_t(i) * K + k];
    }
    D[i] = acc;
  }
}

// Linear uint8 rows for the common channel counts: per output pixel two source pixels and one pair
// of weights (the per-element tables of hresize hold the same values repeated per channel).
template <int CN>
MNNX_CV_CLONES void hresize_linear_u8(const uint8_t* __restrict S, int* __restrict D, const int* __restrict t0,
                                      const int* __restrict t1, const short* __restrict a, int w) {
  for (int x = 0; x < w; ++x)
    for (int c = 0; c < CN; ++c) D[x * CN + c] = S[t0[x] + c] * a[2 * x] + S[t1[x] + c] * a[2 * x + 1];
}

// One output row of a linear uint8 shrink straight from its two source rows (no row buffers: when
// shrinking more than 2x, rows are not shared between output rows). Same arithmetic as hresize +
// vresize_linear_u8.
template <int CN>
void shrink_row_u8(const uint8_t* S0, const uint8_t* S1, const int* t0, const int* t1, const short* a, short b0,
                   short b1, int w, int src_w, uint8_t* D) {
  int x = 0;
#if defined(__x86_64__) && defined(__GNUC__)
  static const bool avx2 = __builtin_cpu_supports("avx2");
  // A gather at the right tap reads 4 - CN bytes beyond it.
  const int safe = (src_w - 2 - (CN == 1 ? 2 : CN == 3 ? 1 : 0)) * CN;
  if (avx2) x = shrink_run_u8<CN>(S0, S1, t0, t1, a, b0, b1, safe, D, w);
#endif
  for (; x < w; ++x)
    for (int c = 0; c < CN; ++c) {
      const int h0 = S0[t0[x] + c] * a[2 * x] + S0[t1[x] + c] * a[2 * x + 1];
      const int h1 = S1[t0[x] + c] * a[2 * x] + S1[t1[x] + c] * a[2 * x + 1];
      const int v = ((int(b0) * int16_t(h0 >> 4)) >> 16) + ((int(b1) * int16_t(h1 >> 4)) >> 16);
      D[x * CN + c] = sat_u8((v + 2) >> 2);
    }
}

// cv2's vectorized uint8 linear rows: (S >> 4) as int16, high halves of the products, then (+2) >> 2.
MNNX_CV_CLONES void vresize_linear_u8(const int* __restrict S0, const int* S1, short b0, short b1, uint8_t* D, int n) {
  for (int i = 0; i < n; ++i) {
    const int a = ((int(b0) * int16_t(S0[i] >> 4)) >> 16) + ((int(b1) * int16_t(S1[i] >> 4)) >> 16);
    D[i] = sat_u8((a + 2) >> 2);
  }
}

template <class T, class WT, int K>
void resize_separable(const Image& src, const Image& dst, double inv_sx, double inv_sy, bool cubic, bool area_mode) {
  const int cn = src.cn, n = dst.w * cn;
  const Axis ax = axis_table(dst.w, src.w, 1. / inv_sx, inv_sx, K, area_mode, !cubic, cn);
  const Axis ay = axis_table(dst.h, src.h, 1. / inv_sy, inv_sy, K, area_mode, false, 1);
  // Per-pixel tables for the specialized linear uint8 rows.
  const bool fast_u8 = std::is_same_v<T, uint8_t> && K == 2 && (cn == 1 || cn == 3 || cn == 4);
  std::vector<int> t0(dst.w), t1(dst.w);
  std::vector<short> a2(size_t(dst.w) * 2);
  for (int x = 0; fast_u8 && x < dst.w; ++x) {
    const size_t e = size_t(x) * cn * K;
    t0[x] = ax.tap[e], t1[x] = ax.tap[e + 1], a2[2 * x] = ax.iw[e], a2[2 * x + 1] = ax.iw[e + 1];
  }
  if constexpr (std::is_same_v<T, uint8_t> && K == 2) {
    if (fast_u8 && inv_sy < 0.5) {
      parallel_for(dst.h, row_grain(dst), [&](int64_t y0, int64_t y1, int) {
        for (int64_t y = y0; y < y1; ++y) {
          const uint8_t* S0 = src.row<uint8_t>(ay.tap[size_t(y) * 2]);
          const uint8_t* S1 = src.row<uint8_t>(ay.tap[size_t(y) * 2 + 1]);
          const short b0 = ay.iw[size_t(y) * 2], b1 = ay.iw[size_t(y) * 2 + 1];
          uint8_t* D = dst.row<uint8_t>(int(y));
          if (cn == 1) shrink_row_u8<1>(S0, S1, t0.data(), t1.data(), a2.data(), b0, b1, dst.w, src.w, D);
          else if (cn == 3) shrink_row_u8<3>(S0, S1, t0.data(), t1.data(), a2.data(), b0, b1, dst.w, src.w, D);
          else shrink_row_u8<4>(S0, S1, t0.data(), t1.data(), a2.data(), b0, b1, dst.w, src.w, D);
        }
      });
      return;
    }
  }
  auto hrow = [&](const T* S, WT* D) {
    if constexpr (std::is_same_v<T, uint8_t> && K == 2) {
      if (fast_u8) {
        if (cn == 1) return hresize_linear_u8<1>(S, D, t0.data(), t1.data(), a2.data(), dst.w);
        if (cn == 3) return hresize_linear_u8<3>(S, D, t0.data(), t1.data(), a2.data(), dst.w);
        return hresize_linear_u8<4>(S, D, t0.data(), t1.data(), a2.data(), dst.w);
      }
    }
    hresize<T, WT, K>(S, D, ax, n);
  };
  parallel_for(dst.h, row_grain(dst), [&](int64_t y0, int64_t y1, int) {
    // A ring of K horizontally resized rows, tagged by source row, reused while dst rows advance.
    std::vector<WT> buf(static_cast<size_t>(K) * n);
    int have[K];
    std::fill(have, have + K, -1);
    for (int64_t y = y0; y < y1; ++y) {
      const WT* rows[K];
      for (int k = 0; k < K; ++k) {
        const int sy = ay.tap[size_t(y) * K + k];
        int slot = -1;
        for (int j = 0; j < K; ++j)
          if (have[j] == sy) slot = j;
        if (slot < 0) {
          for (int j = 0; j < K && slot < 0; ++j) {
            bool needed = false;
            for (int kk = 0; kk < K; ++kk) needed |= have[j] == ay.tap[size_t(y) * K + kk];
            if (!needed) slot = j;
          }
          hrow(src.row<T>(sy), &buf[size_t(slot) * n]);
          have[slot] = sy;
        }
        rows[k] = &buf[size_t(slot) * n];
      }
      T* D = dst.row<T>(int(y));
      const float* bw = &ay.w[size_t(y) * K];
      const short* ib = &ay.iw[size_t(y) * K];
      if constexpr (std::is_same_v<T, uint8_t>) {
        if constexpr (K == 2) {
          vresize_linear_u8(rows[0], rows[1], ib[0], ib[1], D, n);
        } else {
          for (int i = 0; i < n; ++i) {
            int64_t acc = 0;
            #pragma GCC unroll 4  // K taps: straight-line code per element
            for (int k = 0; k < K; ++k) acc += int64_t(ib[k]) * rows[k][i];
            D[i] = sat_u8(int((acc + (int64_t(1) << 21)) >> 22));
          }
        }
      } else {
        for (int i = 0; i < n; ++i) {
          WT acc = rows[0][i] * bw[0];
          #pragma GCC unroll 4  // K taps: straight-line code per element
          for (int k = 1; k < K; ++k) acc += rows[k][i] * bw[k];
          D[i] = acc;
        }
      }
    }
  });
}

// 2x2 block averages of uint8 rows, (sum + 2) >> 2 as cv2's vector path rounds. Sums of horizontally
// adjacent pixels of both rows are formed for every position (contiguous, so it vectorizes), then
// every second pixel's sum is kept.
template <int CN>
[[gnu::always_inline]] inline void halve_row_loop(const uint8_t* __restrict A, const uint8_t* __restrict B,
                                                  uint8_t* __restrict D, int w, uint16_t* __restrict pair) {
  const int n = 2 * w * CN;
  for (int i = 0; i < n - CN; ++i) pair[i] = uint16_t(A[i] + B[i] + A[i + CN] + B[i + CN] + 2);
  for (int x = 0; x < w - 1; ++x)
#pragma GCC unroll 4  // straight-line channels: the vectorizer then sees one strided group
    for (int c = 0; c < CN; ++c) D[x * CN + c] = uint8_t(pair[2 * x * CN + c] >> 2);
  for (int c = 0; c < CN; ++c) {
    const int o = n - 2 * CN + c;
    D[(w - 1) * CN + c] = uint8_t((A[o] + B[o] + A[o + CN] + B[o + CN] + 2) >> 2);
  }
}

template <int CN>
MNNX_CV_CLONES void halve_row_any(const uint8_t* A, const uint8_t* B, uint8_t* D, int w, uint16_t* pair) {
  halve_row_loop<CN>(A, B, D, w, pair);
}
template <int CN>
MNNX_CV_VBMI void halve_row_vbmi(const uint8_t* A, const uint8_t* B, uint8_t* D, int w, uint16_t* pair) {
  halve_row_loop<CN>(A, B, D, w, pair);
}
template <int CN>
void halve_row_fixed(const uint8_t* A, const uint8_t* B, uint8_t* D, int w, uint16_t* pair) {
  if (cpu_has_vbmi()) halve_row_vbmi<CN>(A, B, D, w, pair);
  else halve_row_any<CN>(A, B, D, w, pair);
}

void halve_row_u8(const uint8_t* A, const uint8_t* B, uint8_t* D, int w, int cn, uint16_t* pair) {
  switch (cn) {
    case 1: return halve_row_fixed<1>(A, B, D, w, pair);
    case 3: return halve_row_fixed<3>(A, B, D, w, pair);
    case 4: return halve_row_fixed<4>(A, B, D, w, pair);
    default:
      for (int i = 0; i < w * cn; ++i) {
        const int o = 2 * (i / cn) * cn + i % cn;
        D[i] = uint8_t((A[o] + A[o + cn] + B[o] + B[o + cn] + 2) >> 2);
      }
  }
}

// Integer factors (cv2's resizeAreaFast): block averages; partial blocks at the right/bottom edge
// average what exists.
template <class T>
void resize_area_fast(const Image& src, const Image& dst, int sx, int sy) {
  const int cn = src.cn, n = dst.w * cn;
  const int full = (src.w / sx) * cn;  // output elements whose block lies inside the row
  const float scale = 1.f / float(sx * sy);
  parallel_for(dst.h, row_grain(dst), [&](int64_t y0, int64_t y1, int) {
    std::vector<uint16_t> pair(size_t(src.w) * cn);
    for (int64_t y = y0; y < y1; ++y) {
      T* D = dst.row<T>(int(y));
      const int r0 = int(y) * sy;
      if (r0 >= src.h) {
        std::fill(D, D + n, T(0));
        continue;
      }
      int i = 0;
      if (r0 + sy <= src.h) {
        if (std::is_same_v<T, uint8_t> && sx == 2 && sy == 2 && full > 0) {
          halve_row_u8(src.row<uint8_t>(r0), src.row<uint8_t>(r0 + 1), reinterpret_cast<uint8_t*>(D), full / cn, cn,
                       pair.data());
          i = full;
        } else {
          for (; i < full; ++i) {
            const int px = i / cn, c = i % cn;
            float sum = 0;
            for (int r = 0; r < sy; ++r) {
              const T* S = src.row<T>(r0 + r) + px * sx * cn + c;
              for (int k = 0; k < sx; ++k) sum += float(S[k * cn]);
            }
            if constexpr (std::is_same_v<T, uint8_t>) D[i] = sat_u8(int(lrintf(sum * scale)));
            else D[i] = sum * scale;
          }
        }
      }
      for (; i < n; ++i) {
        const int px = i / cn, c = i % cn;
        float sum = 0;
        int count = 0;
        for (int r = r0; r < std::min(r0 + sy, src.h); ++r)
          for (int k = px * sx; k < std::min(px * sx + sx, src.w); ++k) sum += float(src.row<T>(r)[k * cn + c]), ++count;
        const float v = count ? sum / float(count) : 0.f;
        if constexpr (std::is_same_v<T, uint8_t>) D[i] = sat_u8(int(lrintf(v)));
        else D[i] = v;
      }
    }
  });
}

// Non-integer shrinking (cv2's resizeArea): each output cell averages the source cells it covers,
// partially covered ones weighted by the covered fraction.
struct AreaTap {
  int d, s;
  float w;
};

std::vector<AreaTap> area_table(int slen, int dlen, double scale) {
  std::vector<AreaTap> t;
  for (int d = 0; d < dlen; ++d) {
    const double f1 = d * scale, f2 = f1 + scale;
    const double cell = std::min(scale, slen - f1);
    int s1 = int(std::ceil(f1)), s2 = int(std::floor(f2));
    s2 = std::min(s2, slen - 1);
    s1 = std::min(s1, s2);
    if (s1 - f1 > 1e-3) t.push_back({d, s1 - 1, float((s1 - f1) / cell)});
    for (int s = s1; s < s2; ++s) t.push_back({d, s, float(1.0 / cell)});
    if (f2 - s2 > 1e-3) t.push_back({d, s2, float(std::min(std::min(f2 - s2, 1.), cell) / cell)});
  }
  return t;
}

template <class T>
void resize_area(const Image& src, const Image& dst, double scale_x, double scale_y) {
  const int cn = src.cn, n = dst.w * cn;
  const std::vector<AreaTap> xt = area_table(src.w, dst.w, scale_x), yt = area_table(src.h, dst.h, scale_y);
  std::vector<int> ystart(dst.h + 1, int(yt.size()));
  for (int j = int(yt.size()) - 1; j >= 0; --j) ystart[yt[j].d] = j;
  for (int d = dst.h - 1; d >= 0; --d) ystart[d] = std::min(ystart[d], ystart[d + 1]);
  parallel_for(dst.h, row_grain(dst), [&](int64_t y0, int64_t y1, int) {
    std::vector<float> buf(n), sum(n);
    for (int64_t y = y0; y < y1; ++y) {
      std::fill(sum.begin(), sum.end(), 0.f);
      for (int j = ystart[y]; j < ystart[y + 1]; ++j) {
        const T* S = src.row<T>(yt[j].s);
        std::fill(buf.begin(), buf.end(), 0.f);
        for (const AreaTap& x : xt)
          for (int c = 0; c < cn; ++c) buf[x.d * cn + c] += float(S[x.s * cn + c]) * x.w;
        const float beta = yt[j].w;
        for (int i = 0; i < n; ++i) sum[i] += beta * buf[i];
      }
      T* D = dst.row<T>(int(y));
      for (int i = 0; i < n; ++i) {
        if constexpr (std::is_same_v<T, uint8_t>) D[i] = sat_u8(int(lrintf(sum[i])));
        else D[i] = sum[i];
      }
    }
  });
}

template <class T, class WT>
void resize_t(const Image& src, const Image& dst, double inv_sx, double inv_sy, int interp) {
  if (dst.w == src.w && dst.h == src.h) {
    for (int y = 0; y < src.h; ++y) std::memcpy(dst.row<T>(y), src.row<T>(y), size_t(src.row_elems()) * sizeof(T));
    return;
  }
  if (interp == INTER_NEAREST) return resize_nearest<T>(src, dst, inv_sx, inv_sy);
  const double sx = 1. / inv_sx, sy = 1. / inv_sy;
  const int isx = int(lrint(sx)), isy = int(lrint(sy));
  const bool area_fast = std::abs(sx - isx) < 2.220446049250313e-16 && std::abs(sy - isy) < 2.220446049250313e-16;
  if (interp == INTER_LINEAR && area_fast && isx == 2 && isy == 2) interp = INTER_AREA;
  if (interp == INTER_AREA && sx >= 1 && sy >= 1) {
    if (area_fast) return resize_area_fast<T>(src, dst, isx, isy);
    return resize_area<T>(src, dst, sx, sy);
  }
  if (interp == INTER_CUBIC) return resize_separable<T, WT, 4>(src, dst, inv_sx, inv_sy, true, false);
  resize_separable<T, WT, 2>(src, dst, inv_sx, inv_sy, false, interp == INTER_AREA);
}

}  // namespace

void resize(const Image& src, const Image& dst, double inv_scale_x, double inv_scale_y, int interp) {
  if (src.depth == U8) resize_t<uint8_t, int>(src, dst, inv_scale_x, inv_scale_y, interp);
  else resize_t<float, float>(src, dst, inv_scale_x, inv_scale_y, interp);
}

}  // namespace mnnx::cv
