// Elementwise threshold. Each type is its own branch-free loop so the compiler vectorizes it.
#include "core/errors.h"
#include "core/threadpool.h"
#include "cv/filter.h"

namespace mnnx::cv {
namespace {

template <class T>
void threshold_run(const T* s, T* d, int64_t n, T t, T m, int type) {
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
  const int64_t grain = 1 << 16;
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

}  // namespace mnnx::cv
