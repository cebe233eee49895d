// Shared by the AVX2 resize and warp paths.
#pragma once
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#include <cstdint>
#include <cstring>

namespace mnnx::cv {

// Writes 8 pixels held one per 32-bit lane (channel c in byte c) as CN interleaved bytes each, never
// past D + 8 * CN (the next bytes may belong to another thread's rows).
template <int CN>
__attribute__((target("avx2"))) inline void store8_u8(__m256i packed, uint8_t* D) {
  if (CN == 4) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(D), packed);
  } else if (CN == 3) {  // 3 bytes of each lane, 12 per 128-bit half
    const __m256i m = _mm256_setr_epi8(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1,
                                       0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1);
    alignas(32) uint8_t tmp[32];
    _mm256_store_si256(reinterpret_cast<__m256i*>(tmp), _mm256_shuffle_epi8(packed, m));
    std::memcpy(D, tmp, 12);
    std::memcpy(D + 12, tmp + 16, 12);
  } else {
    alignas(32) uint32_t px[8];
    _mm256_store_si256(reinterpret_cast<__m256i*>(px), packed);
    for (int k = 0; k < 8; ++k)
      for (int c = 0; c < CN; ++c) D[k * CN + c] = uint8_t(px[k] >> (8 * c));
  }
}

}  // namespace mnnx::cv
#endif
