// Elementwise threshold (one blend loop for all five types), histograms and lookup tables of 8-bit images.
#include <algorithm>
#include <cstring>
#include <type_traits>
#include <vector>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#include "core/errors.h"
#include "core/threadpool.h"
#include "core/vm.h"
#include "cv/filter.h"

namespace mnnx::cv {
namespace {

// Every type is d = s > t ? A : B, with A and B each the source or a constant (0, maxval or t); for
// BINARY_INV and TOZERO cv2 tests s <= t instead, so there a NaN counts as above t (nan_gt).
template <class T>
void threshold_run(const T* s, T* d, int64_t n, T t, T a, T b, bool src_a, bool src_b, bool nan_gt) {
  for (int64_t i = 0; i < n; ++i) {
    const bool gt = nan_gt ? !(s[i] <= t) : s[i] > t;
    d[i] = gt ? (src_a ? s[i] : a) : (src_b ? s[i] : b);
  }
}

#if defined(__x86_64__) && defined(__GNUC__)
#define MNNX_THRESH_AVX2 1
// The same as one AVX2 blend loop per depth.
__attribute__((target("avx2"))) void threshold_avx2_u8(const uint8_t* s, uint8_t* d, int64_t n, uint8_t t, uint8_t a,
                                                      uint8_t b, bool src_a, bool src_b, bool) {
  // s > t  <=>  max(s, t + 1) == s; t < 255 here (the Python face handles t >= 255 without a kernel)
  const __m256i t1 = _mm256_set1_epi8(char(t + 1)), va = _mm256_set1_epi8(char(a)), vb = _mm256_set1_epi8(char(b));
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + i));
    const __m256i gt = _mm256_cmpeq_epi8(_mm256_max_epu8(v, t1), v);
    const __m256i r = _mm256_blendv_epi8(src_b ? v : vb, src_a ? v : va, gt);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(d + i), r);
  }
  threshold_run(s + i, d + i, n - i, t, a, b, src_a, src_b, false);
}

__attribute__((target("avx2"))) void threshold_avx2_f32(const float* s, float* d, int64_t n, float t, float a,
                                                       float b, bool src_a, bool src_b, bool nan_gt) {
  const __m256 vt = _mm256_set1_ps(t), va = _mm256_set1_ps(a), vb = _mm256_set1_ps(b);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 v = _mm256_loadu_ps(s + i);
    const __m256 gt = nan_gt ? _mm256_cmp_ps(v, vt, _CMP_NLE_UQ) : _mm256_cmp_ps(v, vt, _CMP_GT_OQ);
    _mm256_storeu_ps(d + i, _mm256_blendv_ps(src_b ? v : vb, src_a ? v : va, gt));
  }
  threshold_run(s + i, d + i, n - i, t, a, b, src_a, src_b, nan_gt);
}
#endif

template <class T>
using BlendRun = void (*)(const T*, T*, int64_t, T, T, T, bool, bool, bool);

template <class T>
void threshold_split(const Image& src, const Image& dst, T t, T m, int type, BlendRun<T> avx2_run) {
  const int64_t n = int64_t(src.h) * src.w * src.c;
  // A 1080p frame (2-6 MB in and out) stays in L3, where one core streams at about half the speed of
  // two: split it in chunks of 256 KiB and more (cv2 splits it over its threads too).
  const int64_t grain = int64_t(1) << 18;
  if (type < 0 || type > 4) fail(ErrKind::VALUE, "threshold: unknown type");
  // (value where s > t, value elsewhere) per type; src_* marks the side that keeps the pixel
  const T z = T(0);
  const T a[5] = {m, z, t, z, z}, b[5] = {z, m, z, z, z};
  const bool src_a[5] = {false, false, false, true, false}, src_b[5] = {false, false, true, false, true};
  const bool nan_gt = type == 1 || type == 3;
#ifdef MNNX_THRESH_AVX2
  // the engine's ISA choice: mnnx.debug.force_isa("generic") selects the baseline loop for tests
  const bool has_avx2 = std::strcmp(isa_name(), "generic") != 0;
#else
  const bool has_avx2 = false;
#endif
  // (the uint8 blend tests s >= t + 1, which needs t < 255)
  const bool avx2 = has_avx2 && avx2_run && !(std::is_same_v<T, uint8_t> && t == T(255));
  const T* S = static_cast<const T*>(src.data);
  T* D = static_cast<T*>(dst.data);
  parallel_for(n, grain, [&](int64_t lo, int64_t hi, int) {
    if (avx2) avx2_run(S + lo, D + lo, hi - lo, t, a[type], b[type], src_a[type], src_b[type], nan_gt);
    else threshold_run<T>(S + lo, D + lo, hi - lo, t, a[type], b[type], src_a[type], src_b[type], nan_gt);
  });
}

}  // namespace

void threshold(const Image& src, const Image& dst, double thresh, double maxval, int type) {
#ifdef MNNX_THRESH_AVX2
  const BlendRun<uint8_t> run_u8 = threshold_avx2_u8;
  const BlendRun<float> run_f32 = threshold_avx2_f32;
#else
  const BlendRun<uint8_t> run_u8 = nullptr;
  const BlendRun<float> run_f32 = nullptr;
#endif
  if (src.depth == D_8U) {
    threshold_split<uint8_t>(src, dst, uint8_t(thresh), uint8_t(maxval), type, run_u8);
  } else if (src.depth == D_32F) {
    threshold_split<float>(src, dst, float(thresh), float(maxval), type, run_f32);
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
