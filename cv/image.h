// The image view every cv kernel takes: rows of h x w pixels of cn interleaved channels, uint8 or
// float32 (cv2's CV_8U / CV_32F depths). Shapes are checked before a kernel sees them.
#pragma once
#include <cmath>
#include <cstdint>
#include <type_traits>

namespace mnnx::cv {

// Hot loops are compiled for AVX2 and the baseline, chosen at load time (GCC/Clang ifuncs),
// so the auto-vectorizer can use byte shuffles and wide lanes without per-ISA source files.
// Byte-shuffling loops (3-channel deinterleave) gain most from AVX-512 VBMI's vpermb, which
// target_clones cannot name: those get an explicit VBMI copy chosen by cpu_has_vbmi().
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(MNNX_NO_CLONES)
#define MNNX_CV_CLONES __attribute__((target_clones("avx2", "default")))
#define MNNX_CV_VBMI __attribute__((target("avx512f,avx512bw,avx512vl,avx512vbmi")))
inline bool cpu_has_vbmi() {
  static const bool has = __builtin_cpu_supports("avx512vbmi") && __builtin_cpu_supports("avx512bw") &&
                          __builtin_cpu_supports("avx512vl");
  return has;
}
#else
#define MNNX_CV_CLONES
#define MNNX_CV_VBMI
inline bool cpu_has_vbmi() { return false; }
#endif

enum Depth : int { U8 = 0, F32 = 5 };

struct Image {
  void* data = nullptr;
  int h = 0, w = 0, cn = 1;
  int64_t step = 0;  // bytes from one row to the next
  int depth = U8;

  template <class T> T* row(int y) const { return reinterpret_cast<T*>(static_cast<char*>(data) + y * step); }
  int64_t row_elems() const { return int64_t(w) * cn; }
};

// Keys' cubic convolution weights with cv2's a = -0.75 for the 4 taps around fraction x in [0, 1).
inline void cubic_coeffs(float x, float* c) {
  const float A = -0.75f;
  c[0] = ((A * (x + 1) - 5 * A) * (x + 1) + 8 * A) * (x + 1) - 4 * A;
  c[1] = ((A + 2) * x - (A + 3)) * x * x + 1;
  c[2] = ((A + 2) * (1 - x) - (A + 3)) * (1 - x) * (1 - x) + 1;
  c[3] = 1.f - c[0] - c[1] - c[2];
}

inline uint8_t sat_u8(int v) { return uint8_t(v < 0 ? 0 : v > 255 ? 255 : v); }

}  // namespace mnnx::cv
