// Linear uint8 shrinking in one pass per output row, 8 output pixels at a time with AVX2 gathers:
// both source rows are interpolated horizontally at the needed columns and blended vertically with
// the fixed-point steps of the two-pass path (so results are identical). A gather reads 4 bytes at a
// tap; groups whose taps are not all safely inside (t1 != t0 + cn, or too near the row end) report
// false and are done by the scalar path.
#pragma once
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#include <cstdint>

namespace mnnx::cv {

__attribute__((target("avx2"))) inline __m256i byte_epi32(__m256i g, int c) {
  return _mm256_and_si256(_mm256_srli_epi32(g, 8 * c), _mm256_set1_epi32(0xFF));
}

template <int CN>
__attribute__((target("avx2"))) inline bool shrink8_u8(const uint8_t* S0, const uint8_t* S1, const int* t0, const int* t1,
                                                       const short* a, short b0, short b1, int safe, uint8_t* D) {
  const __m256i v0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(t0));
  const __m256i v1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(t1));
  const __m256i adjacent = _mm256_cmpeq_epi32(_mm256_add_epi32(v0, _mm256_set1_epi32(CN)), v1);
  const __m256i in_row = _mm256_cmpgt_epi32(_mm256_set1_epi32(safe + 1), v0);
  if (_mm256_movemask_epi8(_mm256_and_si256(adjacent, in_row)) != -1) return false;
  // weights: 8 (a0, a1) pairs of int16 -> two int32 vectors
  const __m256i ap = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a));
  const __m256i a0 = _mm256_srai_epi32(_mm256_slli_epi32(ap, 16), 16), a1 = _mm256_srai_epi32(ap, 16);
  const int* p0 = reinterpret_cast<const int*>(S0);
  const int* p1 = reinterpret_cast<const int*>(S1);
  const __m256i g00 = _mm256_i32gather_epi32(p0, v0, 1), g10 = _mm256_i32gather_epi32(p1, v0, 1);
  __m256i g01, g11;
  if (CN == 1) {
    g01 = _mm256_srli_epi32(g00, 8), g11 = _mm256_srli_epi32(g10, 8);
  } else {
    g01 = _mm256_i32gather_epi32(p0, v1, 1), g11 = _mm256_i32gather_epi32(p1, v1, 1);
  }
  const __m256i vb0 = _mm256_set1_epi32(b0), vb1 = _mm256_set1_epi32(b1), two = _mm256_set1_epi32(2);
  __m256i packed = _mm256_setzero_si256();
  for (int c = 0; c < CN; ++c) {
    const __m256i h0 = _mm256_add_epi32(_mm256_mullo_epi32(byte_epi32(g00, c), a0), _mm256_mullo_epi32(byte_epi32(g01, c), a1));
    const __m256i h1 = _mm256_add_epi32(_mm256_mullo_epi32(byte_epi32(g10, c), a0), _mm256_mullo_epi32(byte_epi32(g11, c), a1));
    const __m256i m0 = _mm256_srai_epi32(_mm256_mullo_epi32(vb0, _mm256_srai_epi32(h0, 4)), 16);
    const __m256i m1 = _mm256_srai_epi32(_mm256_mullo_epi32(vb1, _mm256_srai_epi32(h1, 4)), 16);
    __m256i v = _mm256_srai_epi32(_mm256_add_epi32(_mm256_add_epi32(m0, m1), two), 2);
    v = _mm256_min_epi32(_mm256_max_epi32(v, _mm256_setzero_si256()), _mm256_set1_epi32(255));
    packed = _mm256_or_si256(packed, _mm256_slli_epi32(v, 8 * c));
  }
  alignas(32) uint32_t px[8];
  _mm256_store_si256(reinterpret_cast<__m256i*>(px), packed);
  for (int k = 0; k < 8; ++k)
    for (int c = 0; c < CN; ++c) D[k * CN + c] = uint8_t(px[k] >> (8 * c));
  return true;
}

}  // namespace mnnx::cv
#endif
