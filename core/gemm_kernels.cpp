// GEMM micro-kernels: C[MR x NR] (+)= A-panel * B-panel over kc steps, accumulators held in registers.
// Compiled once per ISA (MNNX_ISA): the vector width and the tile follow the register file
// (AVX-512: 32 registers -> 12 x 2 vectors of accumulators; AVX2: 16 -> 6 x 2; generic SSE2: 4 x 2).
// This file is built with -ffp-contract=fast: a*b+c becomes one FMA, as in every BLAS.
#include <cstring>

#include "core/vm.h"

namespace mnnx {
namespace MNNX_ISA {
namespace {

// Two tile heights per ISA: the driver takes whichever wastes fewer rows on the last row panel
// (M = 64 fits 8-row tiles exactly but leaves a third of the last 12-row tile empty).
#if defined(__AVX512F__)
constexpr int kVecBytes = 64, kMR = 12, kMR2 = 8;
#elif defined(__AVX2__)
constexpr int kVecBytes = 32, kMR = 6, kMR2 = 4;
#else
constexpr int kVecBytes = 16, kMR = 4, kMR2 = 2;
#endif
constexpr int kNV = 2;  // vectors per tile row

template <class T>
struct V {
  typedef T type __attribute__((vector_size(kVecBytes)));
  static constexpr int W = kVecBytes / sizeof(T);
};

// A: kc x MR (packed, MR values per step), B: kc x NR (packed, NR values per step), both aligned.
template <class T, int kMR>
void micro(int64_t kc, const void* Av, const void* Bv, void* Cv, int64_t ldc, bool accumulate, const GemmTileEpi* epi) {
  using Vt = typename V<T>::type;
  constexpr int W = V<T>::W;
  const T* A = static_cast<const T*>(Av);
  const Vt* B = static_cast<const Vt*>(Bv);
  T* C = static_cast<T*>(Cv);
  Vt c[kMR][kNV];
  for (int i = 0; i < kMR; ++i)
    for (int j = 0; j < kNV; ++j) c[i][j] = Vt{} ;
  for (int64_t k = 0; k < kc; ++k) {
    Vt b[kNV];
    for (int j = 0; j < kNV; ++j) b[j] = B[j];
    for (int i = 0; i < kMR; ++i) {
      T a = A[i];
      for (int j = 0; j < kNV; ++j) c[i][j] += a * b[j];
    }
    A += kMR;
    B += kNV;
  }
  if (accumulate)
    for (int i = 0; i < kMR; ++i)
      for (int j = 0; j < kNV; ++j) {
        Vt old;
        std::memcpy(&old, C + i * ldc + j * W, sizeof(Vt));
        c[i][j] += old;
      }
  if (epi) {  // bias, then the clamp: t > lo ? t : lo keeps a NaN t as numpy's maximum does
    const T* rb = static_cast<const T*>(epi->row);
    const Vt* cb = static_cast<const Vt*>(epi->col);
    const Vt lo = Vt{} + static_cast<T>(epi->lo), hi = Vt{} + static_cast<T>(epi->hi);
    for (int i = 0; i < kMR; ++i)
      for (int j = 0; j < kNV; ++j) {
        Vt t = c[i][j] + rb[i] + cb[j];
        t = t < lo ? lo : t;
        c[i][j] = t > hi ? hi : t;
      }
  }
  for (int i = 0; i < kMR; ++i)
    for (int j = 0; j < kNV; ++j) std::memcpy(C + i * ldc + j * W, &c[i][j], sizeof(Vt));
}

// k outer, the mr rows inner with mr a constant: the compiler turns groups of steps into in-register
// transposes (several times faster than copying one row at a time with strided stores).
template <class T, int kMR>
void pack_a(const void* Av, int64_t rsa, int64_t kc, void* dstv) {
  const T* __restrict__ A = static_cast<const T*>(Av);
  T* __restrict__ d = static_cast<T*>(dstv);
  const T* r[kMR];
  for (int i = 0; i < kMR; ++i) r[i] = A + i * rsa;
  for (int64_t k = 0; k < kc; ++k)
#pragma GCC unroll 16
    for (int i = 0; i < kMR; ++i) d[k * kMR + i] = r[i][k];
}

}  // namespace

void fill_gemm(KernelTable* t) {
  t->gemm[0][0] = GemmMicro{kMR, kNV * V<float>::W, &micro<float, kMR>, &pack_a<float, kMR>};
  t->gemm[0][1] = GemmMicro{kMR2, kNV * V<float>::W, &micro<float, kMR2>, &pack_a<float, kMR2>};
  t->gemm[1][0] = GemmMicro{kMR, kNV * V<double>::W, &micro<double, kMR>, &pack_a<double, kMR>};
  t->gemm[1][1] = GemmMicro{kMR2, kNV * V<double>::W, &micro<double, kMR2>, &pack_a<double, kMR2>};
}

}  // namespace MNNX_ISA
}  // namespace mnnx
