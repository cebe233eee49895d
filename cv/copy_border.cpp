// copyMakeBorder: the source placed at (top, left) of a larger image whose margin follows a border mode.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "core/threadpool.h"
#include "cv/border.h"
#include "cv/geometry.h"

namespace mnnx::cv {

namespace {

template <class T>
void copy_make_border_t(const Image& src, const Image& dst, int top, int left, int border, const double value[4]) {
  const int cn = src.cn;
  const std::vector<int> xt = border_table(-left, dst.w - left, src.w, border);
  T fill[4];
  for (int c = 0; c < 4; ++c) fill[c] = std::is_same_v<T, uint8_t> ? T(sat_u8(int(lrint(value[c])))) : T(value[c]);
  parallel_for(dst.h, 16, [&](int64_t y0, int64_t y1, int) {
    for (int64_t y = y0; y < y1; ++y) {
      T* D = dst.row<T>(int(y));
      const int sy = border_index(int(y) - top, src.h, border);
      for (int x = 0; x < dst.w; ++x) {
        if (sy < 0 || xt[x] < 0) {
          for (int c = 0; c < cn; ++c) D[x * cn + c] = fill[c];
        } else if (x == left && xt[x] == 0) {
          std::memcpy(D + x * cn, src.row<T>(sy), size_t(src.row_elems()) * sizeof(T));  // the interior, at once
          x += src.w - 1;
        } else {
          const T* S = src.row<T>(sy) + xt[x] * cn;
          for (int c = 0; c < cn; ++c) D[x * cn + c] = S[c];
        }
      }
    }
  });
}

}  // namespace

void copy_make_border(const Image& src, const Image& dst, int top, int left, int border, const double value[4]) {
  if (src.depth == U8) copy_make_border_t<uint8_t>(src, dst, top, left, border, value);
  else copy_make_border_t<float>(src, dst, top, left, border, value);
}

}  // namespace mnnx::cv
