// pyrDown / pyrUp: the 5-tap binomial kernel [1 4 6 4 1] applied separably, in integers for uint8
// with cv2's rounding shifts (8 bits down, 6 bits up).
#include <cmath>
#include <vector>

#include "core/threadpool.h"
#include "cv/border.h"
#include "cv/geometry.h"

namespace mnnx::cv {

namespace {

template <class T> using Acc = std::conditional_t<std::is_same_v<T, uint8_t>, int, float>;

template <class T>
inline void store_scaled(T* d, Acc<T> v, int shift) {
  if constexpr (std::is_same_v<T, uint8_t>) *d = sat_u8((v + (1 << (shift - 1))) >> shift);
  else *d = v * (1.f / float(1 << shift));
}

template <class T>
void pyr_down_t(const Image& src, const Image& dst, int border) {
  const int cn = src.cn, n = dst.w * cn;
  std::vector<int> xt(size_t(dst.w) * 5);
  for (int x = 0; x < dst.w; ++x)
    for (int k = 0; k < 5; ++k) xt[x * 5 + k] = border_index(2 * x + k - 2, src.w, border) * cn;
  parallel_for(dst.h, std::max(1, 4096 / std::max(1, n)), [&](int64_t y0, int64_t y1, int) {
    std::vector<Acc<T>> rows(static_cast<size_t>(5) * n);
    for (int64_t y = y0; y < y1; ++y) {
      for (int k = 0; k < 5; ++k) {
        const T* S = src.row<T>(border_index(int(2 * y) + k - 2, src.h, border));
        Acc<T>* R = &rows[size_t(k) * n];
        for (int x = 0; x < dst.w; ++x) {
          const int* t = &xt[x * 5];
          for (int c = 0; c < cn; ++c)
            R[x * cn + c] = Acc<T>(S[t[0] + c]) + Acc<T>(S[t[4] + c]) + (Acc<T>(S[t[1] + c]) + Acc<T>(S[t[3] + c])) * 4 +
                            Acc<T>(S[t[2] + c]) * 6;
        }
      }
      T* D = dst.row<T>(int(y));
      const Acc<T>*r0 = &rows[0], *r1 = r0 + n, *r2 = r1 + n, *r3 = r2 + n, *r4 = r3 + n;
      for (int i = 0; i < n; ++i) store_scaled(D + i, r0[i] + r4[i] + (r1[i] + r3[i]) * 4 + r2[i] * 6, 8);
    }
  });
}

// Upsampling doubles the grid: source index p reads like index 2p of a REFLECT_101 image twice as
// long, so the far edge repeats its last pixel and the near edge reflects.
inline int up_index(int p, int len) { return border_index(2 * p, 2 * len, BORDER_REFLECT_101) / 2; }

template <class T>
void pyr_up_t(const Image& src, const Image& dst) {
  const int cn = src.cn, n = dst.w * cn;
  parallel_for(dst.h, std::max(1, 4096 / std::max(1, n)), [&](int64_t y0, int64_t y1, int) {
    std::vector<Acc<T>> rows(static_cast<size_t>(3) * n);
    for (int64_t y = y0; y < y1; ++y) {
      const int sy = int(y / 2);
      const int taps = (y % 2) ? 2 : 3;
      const int first = (y % 2) ? sy : sy - 1;
      for (int k = 0; k < taps; ++k) {
        const T* S = src.row<T>(up_index(first + k, src.h));
        Acc<T>* R = &rows[size_t(k) * n];
        for (int x = 0; x < dst.w; ++x) {
          const int sx = x / 2;
          for (int c = 0; c < cn; ++c) {
            if (x % 2)
              R[x * cn + c] = (Acc<T>(S[up_index(sx, src.w) * cn + c]) + Acc<T>(S[up_index(sx + 1, src.w) * cn + c])) * 4;
            else
              R[x * cn + c] = Acc<T>(S[up_index(sx - 1, src.w) * cn + c]) + Acc<T>(S[up_index(sx, src.w) * cn + c]) * 6 +
                              Acc<T>(S[up_index(sx + 1, src.w) * cn + c]);
          }
        }
      }
      T* D = dst.row<T>(int(y));
      const Acc<T>*r0 = &rows[0], *r1 = r0 + n, *r2 = r1 + n;
      for (int i = 0; i < n; ++i) store_scaled(D + i, taps == 2 ? (r0[i] + r1[i]) * 4 : r0[i] + r1[i] * 6 + r2[i], 6);
    }
  });
}

}  // namespace

void pyr_down(const Image& src, const Image& dst, int border) {
  if (src.depth == U8) pyr_down_t<uint8_t>(src, dst, border);
  else pyr_down_t<float>(src, dst, border);
}

void pyr_up(const Image& src, const Image& dst, int border) {
  if (src.depth == U8) pyr_up_t<uint8_t>(src, dst);
  else pyr_up_t<float>(src, dst);
}

}  // namespace mnnx::cv
