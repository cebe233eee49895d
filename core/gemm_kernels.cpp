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
// The accumulators live in registers from the first step to the store (C goes through an unaligned
// vector type, not memcpy, so the compiler keeps them there), and C's lines are prefetched for
// writing kPfSteps steps before the end: the tile's stores then hit L1 instead of each waiting for
// its line (C of a large GEMM is long out of cache; ~2% of the kernel's time at kc = 512).
constexpr int64_t kPfSteps = 64;

template <class T, int kMR>
void micro(int64_t kc, const void* Av, const void* Bv, void* Cv, int64_t ldc, bool accumulate, const GemmTileEpi* epi) {
  using Vt = typename V<T>::type;
  typedef T Vu __attribute__((vector_size(kVecBytes), aligned(sizeof(T)), may_alias));  // a C row piece, any alignment
  constexpr int W = V<T>::W;
  const T* A = static_cast<const T*>(Av);
  const Vt* B = static_cast<const Vt*>(Bv);
  T* C = static_cast<T*>(Cv);
  Vt c[kMR][kNV];
  _Pragma("GCC unroll 16") for (int i = 0; i < kMR; ++i)
    _Pragma("GCC unroll 16") for (int j = 0; j < kNV; ++j) c[i][j] = Vt{};
  auto steps = [&](int64_t n) {
    for (int64_t k = 0; k < n; ++k) {
      Vt b[kNV];
      _Pragma("GCC unroll 16") for (int j = 0; j < kNV; ++j) b[j] = B[j];
      _Pragma("GCC unroll 16") for (int i = 0; i < kMR; ++i) {
        T a = A[i];
        _Pragma("GCC unroll 16") for (int j = 0; j < kNV; ++j) c[i][j] += a * b[j];
      }
      A += kMR;
      B += kNV;
    }
  };
  const int64_t tail = kc < kPfSteps ? kc : kPfSteps;
  steps(kc - tail);
  _Pragma("GCC unroll 16") for (int i = 0; i < kMR; ++i) {
    __builtin_prefetch(C + i * ldc, 1, 3);
    __builtin_prefetch(C + i * ldc + kNV * W - 1, 1, 3);
  }
  steps(tail);
  if (accumulate)
    _Pragma("GCC unroll 16") for (int i = 0; i < kMR; ++i)
      _Pragma("GCC unroll 16") for (int j = 0; j < kNV; ++j) c[i][j] += *reinterpret_cast<const Vu*>(C + i * ldc + j * W);
  if (epi) {  // bias, then the clamp: t > lo ? t : lo keeps a NaN t as numpy's maximum does
    const T* rb = static_cast<const T*>(epi->row);
    const Vt* cb = static_cast<const Vt*>(epi->col);
    const Vt lo = Vt{} + static_cast<T>(epi->lo), hi = Vt{} + static_cast<T>(epi->hi);
    _Pragma("GCC unroll 16") for (int i = 0; i < kMR; ++i)
      _Pragma("GCC unroll 16") for (int j = 0; j < kNV; ++j) {
        Vt t = c[i][j] + rb[i] + cb[j];
        t = t < lo ? lo : t;
        c[i][j] = t > hi ? hi : t;
      }
  }
  _Pragma("GCC unroll 16") for (int i = 0; i < kMR; ++i)
    _Pragma("GCC unroll 16") for (int j = 0; j < kNV; ++j) *reinterpret_cast<Vu*>(C + i * ldc + j * W) = c[i][j];
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

template <class T>
void pack_b(const void* Bv, int64_t rsb, int64_t kc, void* dstv) {
  using Vt = typename V<T>::type;
  typedef T Vu __attribute__((vector_size(kVecBytes), aligned(sizeof(T)), may_alias));
  constexpr int W = V<T>::W;
  const T* B = static_cast<const T*>(Bv);
  Vt* d = static_cast<Vt*>(dstv);
  for (int64_t k = 0; k < kc; ++k, B += rsb, d += kNV)
    _Pragma("GCC unroll 4") for (int j = 0; j < kNV; ++j) d[j] = *reinterpret_cast<const Vu*>(B + j * W);
}

}  // namespace

void fill_gemm(KernelTable* t) {
  t->gemm[0][0] = GemmMicro{kMR, kNV * V<float>::W, &micro<float, kMR>, &pack_a<float, kMR>, &pack_b<float>};
  t->gemm[0][1] = GemmMicro{kMR2, kNV * V<float>::W, &micro<float, kMR2>, &pack_a<float, kMR2>, &pack_b<float>};
  t->gemm[1][0] = GemmMicro{kMR, kNV * V<double>::W, &micro<double, kMR>, &pack_a<double, kMR>, &pack_b<double>};
  t->gemm[1][1] = GemmMicro{kMR2, kNV * V<double>::W, &micro<double, kMR2>, &pack_a<double, kMR2>, &pack_b<double>};
}

}  // namespace MNNX_ISA
}  // namespace mnnx
