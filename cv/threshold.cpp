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
struct Rule {
  T a, b;
  bool src_a, src_b, nan_gt;
};

template <class T>
Rule<T> rule(int type, T t, T m) {
  const T z = T(0);
  switch (type) {
    case 0: return {m, z, false, false, false};
    case 1: return {z, m, false, false, true};
    case 2: return {t, z, false, true, false};
    case 3: return {z, z, true, false, true};
    default: return {z, z, false, true, false};
  }
}

// The baseline loop (CPUs without AVX2, and the vector loops' tails).
template <class T>
void threshold_run(const T* s, T* d, int64_t n, T t, const Rule<T>& r) {
  for (int64_t i = 0; i < n; ++i) {
    const bool gt = r.nan_gt ? !(s[i] <= t) : s[i] > t;
    d[i] = gt ? (r.src_a ? s[i] : r.a) : (r.src_b ? s[i] : r.b);
  }
}

#if defined(__x86_64__) && defined(__GNUC__)
#define MNNX_THRESH_AVX2 1
#define MNNX_AVX2 __attribute__((target("avx2")))
// The same in AVX2, one loop per type (no per-vector selects), two vectors per step.
// uint8: s > t  <=>  max(s, t + 1) == s, for t < 255 (the caller routes t == 255 elsewhere).
template <int TYPE>
MNNX_AVX2 inline __m256i thresh_u8x32(__m256i v, __m256i t1, __m256i t, __m256i m) {
  if (TYPE == 2) return _mm256_min_epu8(v, t);
  const __m256i gt = _mm256_cmpeq_epi8(_mm256_max_epu8(v, t1), v);
  if (TYPE == 0) return _mm256_and_si256(gt, m);
  if (TYPE == 1) return _mm256_andnot_si256(gt, m);
  if (TYPE == 3) return _mm256_and_si256(gt, v);
  return _mm256_andnot_si256(gt, v);
}

template <int TYPE>
MNNX_AVX2 void threshold_avx2_u8(const uint8_t* s, uint8_t* d, int64_t n, uint8_t t, uint8_t m) {
  const __m256i t1 = _mm256_set1_epi8(char(t + 1)), vt = _mm256_set1_epi8(char(t)), vm = _mm256_set1_epi8(char(m));
  int64_t i = 0;
  for (; i + 64 <= n; i += 64) {
    const __m256i v0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + i));
    const __m256i v1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + i + 32));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(d + i), thresh_u8x32<TYPE>(v0, t1, vt, vm));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(d + i + 32), thresh_u8x32<TYPE>(v1, t1, vt, vm));
  }
  const Rule<uint8_t> r = rule<uint8_t>(TYPE, t, m);
  threshold_run(s + i, d + i, n - i, t, r);
}

// float: cv2 tests s <= t for BINARY_INV and TOZERO, so there NaN is "above" (not <=).
template <int TYPE>
MNNX_AVX2 inline __m256 thresh_f32x8(__m256 v, __m256 t, __m256 m) {
  if (TYPE == 2) return _mm256_blendv_ps(v, t, _mm256_cmp_ps(v, t, _CMP_GT_OQ));
  if (TYPE == 0) return _mm256_and_ps(_mm256_cmp_ps(v, t, _CMP_GT_OQ), m);
  if (TYPE == 1) return _mm256_andnot_ps(_mm256_cmp_ps(v, t, _CMP_NLE_UQ), m);
  if (TYPE == 3) return _mm256_and_ps(_mm256_cmp_ps(v, t, _CMP_NLE_UQ), v);
  return _mm256_andnot_ps(_mm256_cmp_ps(v, t, _CMP_GT_OQ), v);
}

template <int TYPE>
MNNX_AVX2 void threshold_avx2_f32(const float* s, float* d, int64_t n, float t, float m) {
  const __m256 vt = _mm256_set1_ps(t), vm = _mm256_set1_ps(m);
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    _mm256_storeu_ps(d + i, thresh_f32x8<TYPE>(_mm256_loadu_ps(s + i), vt, vm));
    _mm256_storeu_ps(d + i + 8, thresh_f32x8<TYPE>(_mm256_loadu_ps(s + i + 8), vt, vm));
  }
  const Rule<float> r = rule<float>(TYPE, t, m);
  threshold_run(s + i, d + i, n - i, t, r);
}

template <class T>
using Run = void (*)(const T*, T*, int64_t, T, T);
constexpr Run<uint8_t> kAvx2U8[5] = {threshold_avx2_u8<0>, threshold_avx2_u8<1>, threshold_avx2_u8<2>,
                                     threshold_avx2_u8<3>, threshold_avx2_u8<4>};
constexpr Run<float> kAvx2F32[5] = {threshold_avx2_f32<0>, threshold_avx2_f32<1>, threshold_avx2_f32<2>,
                                    threshold_avx2_f32<3>, threshold_avx2_f32<4>};
#endif

template <class T>
void threshold_split(const HwcImage& src, const HwcImage& dst, T t, T m, int type, void (*avx2_run)(const T*, T*, int64_t, T, T)) {
  const int64_t n = int64_t(src.h) * src.w * src.c;
  // A 1080p frame (2-6 MB in and out) stays in L3, where one core streams at about half the speed of
  // two: split it over both threads (cv2 does too), in chunks of >= 64 KiB so that a 2 MB gray frame
  // still makes 16 chunks and the threads end together (with 256 KiB it made 7: a 4:3 split).
  const int64_t grain = int64_t(1) << 16;
  const Rule<T> r = rule<T>(type, t, m);
  const T* S = static_cast<const T*>(src.data);
  T* D = static_cast<T*>(dst.data);
  parallel_for(n, grain, [&](int64_t lo, int64_t hi, int) {
    if (avx2_run) avx2_run(S + lo, D + lo, hi - lo, t, m);
    else threshold_run<T>(S + lo, D + lo, hi - lo, t, r);
  });
}

}  // namespace

void threshold(const HwcImage& src, const HwcImage& dst, double thresh, double maxval, int type) {
  if (type < 0 || type > 4) fail(ErrKind::VALUE, "threshold: unknown type");
  // the engine's ISA choice: mnnx.debug.force_isa("generic") selects the baseline loop for tests
  const bool avx2 = std::strcmp(isa_name(), "generic") != 0;
  if (src.depth == D_8U) {
    const uint8_t t = uint8_t(thresh), m = uint8_t(maxval);
    void (*run)(const uint8_t*, uint8_t*, int64_t, uint8_t, uint8_t) = nullptr;
#ifdef MNNX_THRESH_AVX2
    if (avx2 && t != 255) run = kAvx2U8[type];
#endif
    threshold_split<uint8_t>(src, dst, t, m, type, run);
  } else if (src.depth == D_32F) {
    void (*run)(const float*, float*, int64_t, float, float) = nullptr;
#ifdef MNNX_THRESH_AVX2
    if (avx2) run = kAvx2F32[type];
#endif
    threshold_split<float>(src, dst, float(thresh), float(maxval), type, run);
  } else {
    fail(ErrKind::TYPE, "threshold: unsupported depth");
  }
  (void)avx2;
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
