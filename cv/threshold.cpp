// Elementwise threshold. Each type is its own branch-free loop so the compiler vectorizes it.
#include <algorithm>
#include <vector>

#include "core/errors.h"
#include "core/threadpool.h"
#include "cv/filter.h"

namespace mnnx::cv {
namespace {

template <class T>
MNNX_CV_CLONES void threshold_run(const T* __restrict s, T* __restrict d, int64_t n, T t, T m, int type) {
  const T z = T(0);
  switch (type) {
    case 0: for (int64_t i = 0; i < n; ++i) d[i] = s[i] > t ? m : z; break;
    case 1: for (int64_t i = 0; i < n; ++i) d[i] = s[i] > t ? z : m; break;
    case 2: for (int64_t i = 0; i < n; ++i) d[i] = s[i] > t ? t : s[i]; break;
    case 3: for (int64_t i = 0; i < n; ++i) d[i] = s[i] > t ? s[i] : z; break;
    case 4: for (int64_t i = 0; i < n; ++i) d[i] = s[i] > t ? z : s[i]; break;
    default: fail(ErrKind::VALUE, "threshold: unknown type");
  }
}

}  // namespace

void threshold(const Image& src, const Image& dst, double thresh, double maxval, int type) {
  const int64_t n = int64_t(src.h) * src.w * src.c;
  // A 1080p frame (2-6 MB in and out) stays in L3, where one core streams at about half the speed of
  // two: split it in chunks of 256 KiB and more (cv2 splits it over its threads too).
  const int64_t grain = int64_t(1) << 18;
  if (src.depth == D_8U) {
    const uint8_t t = uint8_t(thresh), m = uint8_t(maxval);
    parallel_for(n, grain, [&](int64_t b, int64_t e, int) {
      threshold_run<uint8_t>(static_cast<const uint8_t*>(src.data) + b, static_cast<uint8_t*>(dst.data) + b, e - b, t,
                             m, type);
    });
  } else if (src.depth == D_32F) {
    const float t = float(thresh), m = float(maxval);
    parallel_for(n, grain, [&](int64_t b, int64_t e, int) {
      threshold_run<float>(static_cast<const float*>(src.data) + b, static_cast<float*>(dst.data) + b, e - b, t, m,
                           type);
    });
  } else {
    fail(ErrKind::TYPE, "threshold: unsupported depth");
  }
}

void lut_u8(const uint8_t* src, uint8_t* dst, int64_t n, const uint8_t* table) {
  parallel_for(n, 1 << 16, [&](int64_t b, int64_t e, int) {
    for (int64_t i = b; i < e; ++i) dst[i] = table[src[i]];
  });
}

void histogram_u8(const uint8_t* src, int64_t n, int64_t* hist) {
  const int parts = std::max(1, num_threads());
  std::vector<int64_t> local(size_t(parts) * 256, 0);
  parallel_for(n, 1 << 18, [&](int64_t b, int64_t e, int part) {
    // four interleaved tables so runs of equal values do not serialize on one counter; uint32 counts
    // are safe: a chunk is at most max(2 * grain, n / 16) bytes
    uint32_t h[4][256] = {};
    int64_t i = b;
    for (; i + 4 <= e; i += 4) {
      ++h[0][src[i]];
      ++h[1][src[i + 1]];
      ++h[2][src[i + 2]];
      ++h[3][src[i + 3]];
    }
    for (; i < e; ++i) ++h[0][src[i]];
    int64_t* out = &local[size_t(part) * 256];
    for (int v = 0; v < 256; ++v) out[v] += int64_t(h[0][v]) + h[1][v] + h[2][v] + h[3][v];
  });
  for (int v = 0; v < 256; ++v) {
    int64_t t = 0;
    for (int p = 0; p < parts; ++p) t += local[size_t(p) * 256 + v];
    hist[v] = t;
  }
}

}  // namespace mnnx::cv
