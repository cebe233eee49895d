// Linear uint8 shrinking in one pass per output row, 8 output pixels at a time with AVX2 gathers:
// both source rows are interpolated horizontally at the needed columns and blended vertically with
// the fixed-point steps of the two-pass path (so results are identical). A gather reads 4 bytes at a
// tap; groups whose taps are not all safely inside (t1 != t0 + cn, or too near the row end) report
// false and are done by the scalar path.
#pragma once
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#include <cstdint>
#include <cstring>

#include "cv/avx2_store.h"

namespace mnnx::cv {

// Channel c of each 32-bit lane of lo (and of hi, shifted into the upper 16 bits): int16 pairs for madd.
__attribute__((target("avx2"))) inline __m256i pair_epi16(__m256i lo, __m256i hi, int c) {
  // pshufb indexes bytes within 128-bit halves: lane k of a half starts at byte 4k
  const __m256i k4 = _mm256_setr_epi32(0, 4, 8, 12, 0, 4, 8, 12);
  const __m256i mlo = _mm256_add_epi32(k4, _mm256_set1_epi32(int(0x80808000u | unsigned(c))));
  const __m256i mhi = _mm256_add_epi32(_mm256_slli_epi32(k4, 16), _mm256_set1_epi32(int(0x80008080u | (unsigned(c) << 16))));
  return _mm256_or_si256(_mm256_shuffle_epi8(lo, mlo), _mm256_shuffle_epi8(hi, mhi));
}

template <int CN>
__attribute__((target("avx2"))) inline bool shrink8_u8(const uint8_t* S0, const uint8_t* S1, const int* t0, const int* t1,
                                                       const short* a, short b0, short b1, int safe, uint8_t* D) {
  const __m256i v0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(t0));
  const __m256i v1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(t1));
  const __m256i adjacent = _mm256_cmpeq_epi32(_mm256_add_epi32(v0, _mm256_set1_epi32(CN)), v1);
  const __m256i in_row = _mm256_cmpgt_epi32(_mm256_set1_epi32(safe + 1), v0);
  if (_mm256_movemask_epi8(_mm256_and_si256(adjacent, in_row)) != -1) return false;
  const __m256i ap = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a));  // 8 (a0, a1) int16 pairs
  const int* p0 = reinterpret_cast<const int*>(S0);
  const int* p1 = reinterpret_cast<const int*>(S1);
  const __m256i g00 = _mm256_i32gather_epi32(p0, v0, 1), g10 = _mm256_i32gather_epi32(p1, v0, 1);
  __m256i g01, g11;
  if (CN == 1) {
    g01 = _mm256_srli_epi32(g00, 8), g11 = _mm256_srli_epi32(g10, 8);
  } else {
    g01 = _mm256_i32gather_epi32(p0, v1, 1), g11 = _mm256_i32gather_epi32(p1, v1, 1);
  }
  // Betas are in [0, 2048] and (h >> 4) < 32768: the int16 high product is exactly (b * (h >> 4)) >> 16.
  const __m256i vb0 = _mm256_set1_epi32(b0), vb1 = _mm256_set1_epi32(b1), two = _mm256_set1_epi32(2);
  __m256i packed = _mm256_setzero_si256();
#pragma GCC unroll 4  // constant shifts and shuffle masks per channel (-O2 would keep the loop)
  for (int c = 0; c < CN; ++c) {
    const __m256i h0 = _mm256_madd_epi16(pair_epi16(g00, g01, c), ap);
    const __m256i h1 = _mm256_madd_epi16(pair_epi16(g10, g11, c), ap);
    const __m256i m0 = _mm256_mulhi_epi16(_mm256_srai_epi32(h0, 4), vb0);
    const __m256i m1 = _mm256_mulhi_epi16(_mm256_srai_epi32(h1, 4), vb1);
    const __m256i v = _mm256_srai_epi32(_mm256_add_epi32(_mm256_add_epi32(m0, m1), two), 2);
    packed = _mm256_or_si256(packed, _mm256_slli_epi32(v, 8 * c));
  }
  store8_u8<CN>(packed, D);
  return true;
}

// shrink8_u8 over the row's groups of 8 until one is not safe; returns the first pixel not written. One
// AVX2 function per row keeps shrink8_u8 inlined.
template <int CN>
__attribute__((target("avx2"))) int shrink_run_u8(const uint8_t* S0, const uint8_t* S1, const int* t0, const int* t1,
                                                  const short* a, short b0, short b1, int safe, uint8_t* D, int w) {
  int x = 0;
  for (; x + 8 <= w; x += 8)
    if (!shrink8_u8<CN>(S0, S1, t0 + x, t1 + x, a + 2 * x, b0, b1, safe, D + x * CN)) break;
  return x;
}

}  // namespace mnnx::cv
#endif
