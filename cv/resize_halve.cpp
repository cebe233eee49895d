// The 2x area shrink's row kernel (resize 1080p -> 960x540, INTER_AREA and INTER_LINEAR alike), apart from
// resize.cpp because it is the one loop there that needs -O3: its strided compaction only vectorizes
// (with VBMI byte permutes) once the channel loop is fully unrolled; at -O2 the resize ran 12% slower.
#include <cstdint>

#include "cv/geometry.h"

namespace mnnx::cv {
namespace {

// 2x2 block averages of uint8 rows, (sum + 2) >> 2 as cv2's vector path rounds. Sums of horizontally
// adjacent pixels of both rows are formed for every position (contiguous, so it vectorizes), then
// every second pixel's sum is kept.
template <int CN>
[[gnu::always_inline]] inline void halve_row_loop(const uint8_t* __restrict A, const uint8_t* __restrict B,
                                                  uint8_t* __restrict D, int w, uint16_t* __restrict pair) {
  const int n = 2 * w * CN;
  for (int i = 0; i < n - CN; ++i) pair[i] = uint16_t(A[i] + B[i] + A[i + CN] + B[i + CN] + 2);
  for (int x = 0; x < w - 1; ++x)
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

}  // namespace

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

}  // namespace mnnx::cv
