// Vector helpers of the linalg kernels. The dot keeps 8 independent partial sums so that it vectorizes
// without reassociation flags.
#pragma once
#include <cmath>
#include <cstdint>

namespace mnnx::la {

template <class T> inline T dot(const T* x, const T* y, int64_t n) {
  T s[8] = {};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int l = 0; l < 8; ++l) s[l] += x[i + l] * y[i + l];
  T r = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
  for (; i < n; ++i) r += x[i] * y[i];
  return r;
}

// y -= a * x
template <class T> inline void axpy_sub(T a, const T* x, T* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] -= a * x[i];
}

// sqrt(sum x_i^2) over a strided vector without overflow or underflow
template <class T> inline T norm2(const T* x, int64_t n, int64_t stride) {
  T scale = 0;
  for (int64_t i = 0; i < n; ++i) scale = std::fmax(scale, std::fabs(x[i * stride]));
  if (scale == 0 || !std::isfinite(scale)) return scale;
  T s = 0;
  for (int64_t i = 0; i < n; ++i) {
    T v = x[i * stride] / scale;
    s += v * v;
  }
  return scale * std::sqrt(s);
}

}  // namespace mnnx::la
