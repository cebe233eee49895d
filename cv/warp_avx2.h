// Linear uint8 sampling, 8 destination pixels at a time with AVX2 gathers. Each gather reads 4
// bytes at a tap, so only pixels whose taps and the bytes after them lie inside the source use it
// (the caller passes those limits); arithmetic is the scalar path's, operation for operation.
#pragma once
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#include <cstdint>
#include <cstring>

#include "cv/avx2_store.h"

namespace mnnx::cv {

__attribute__((target("avx2"))) inline __m256 byte_ps(__m256i g, int c) {
  return _mm256_cvtepi32_ps(_mm256_and_si256(_mm256_srli_epi32(g, 8 * c), _mm256_set1_epi32(0xFF)));
}

// Returns true when the 8 pixels were written; false (nothing written) when one is not safe.
template <int CN>
__attribute__((target("avx2"))) inline bool lerp8_u8(const uint8_t* base, int step, const int* ix, const int* iy,
                                                     const float* ax, const float* ay, unsigned xlim, unsigned ylim,
                                                     uint8_t* D) {
  const __m256i vx = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ix));
  const __m256i vy = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(iy));
  const __m256i okx = _mm256_cmpeq_epi32(_mm256_min_epu32(vx, _mm256_set1_epi32(int(xlim))), vx);
  const __m256i oky = _mm256_cmpeq_epi32(_mm256_min_epu32(vy, _mm256_set1_epi32(int(ylim))), vy);
  if (_mm256_movemask_epi8(_mm256_and_si256(okx, oky)) != -1) return false;
  const __m256i off = _mm256_add_epi32(_mm256_mullo_epi32(vy, _mm256_set1_epi32(step)),
                                       _mm256_mullo_epi32(vx, _mm256_set1_epi32(CN)));
  const int* b0 = reinterpret_cast<const int*>(base);
  const int* b1 = reinterpret_cast<const int*>(base + step);
  const __m256i g00 = _mm256_i32gather_epi32(b0, off, 1), g10 = _mm256_i32gather_epi32(b1, off, 1);
  __m256i g01, g11;
  if (CN == 1) {
    g01 = _mm256_srli_epi32(g00, 8), g11 = _mm256_srli_epi32(g10, 8);
  } else {
    g01 = _mm256_i32gather_epi32(reinterpret_cast<const int*>(base + CN), off, 1);
    g11 = _mm256_i32gather_epi32(reinterpret_cast<const int*>(base + step + CN), off, 1);
  }
  const __m256 fx = _mm256_loadu_ps(ax), fy = _mm256_loadu_ps(ay);
  __m256i packed = _mm256_setzero_si256();
#pragma GCC unroll 4  // constant shifts and shuffle masks per channel (-O2 would keep the loop)
  for (int c = 0; c < CN; ++c) {
    const __m256 p00 = byte_ps(g00, c), p01 = byte_ps(g01, c), p10 = byte_ps(g10, c), p11 = byte_ps(g11, c);
    const __m256 v0 = _mm256_add_ps(p00, _mm256_mul_ps(fx, _mm256_sub_ps(p01, p00)));
    const __m256 v1 = _mm256_add_ps(p10, _mm256_mul_ps(fx, _mm256_sub_ps(p11, p10)));
    const __m256 v = _mm256_add_ps(v0, _mm256_mul_ps(fy, _mm256_sub_ps(v1, v0)));
    packed = _mm256_or_si256(packed, _mm256_slli_epi32(_mm256_cvtps_epi32(v), 8 * c));
  }
  store8_u8<CN>(packed, D);
  return true;
}

// lerp8_u8 over groups of 8 from pixel i while they are safe; returns where it stopped (the first
// unsafe group, or fewer than 8 pixels left). One AVX2 function per row keeps lerp8_u8 inlined.
template <int CN>
__attribute__((target("avx2"))) int lerp_run_u8(const uint8_t* base, int step, const int* ix, const int* iy,
                                                const float* ax, const float* ay, unsigned xlim, unsigned ylim,
                                                uint8_t* D, int i, int n) {
  for (; i + 8 <= n; i += 8)
    if (!lerp8_u8<CN>(base, step, ix + i, iy + i, ax + i, ay + i, xlim, ylim, D + i * CN)) break;
  return i;
}

}  // namespace mnnx::cv
#endif
