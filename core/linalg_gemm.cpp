// C -= A*B, the trailing update of the blocked LU and triangular solves. A 6 x (2 vectors) register tile
// of accumulators; B rows are read in place (a k-block of a 2-vector strip stays in L1), A is read as
// broadcasts. Compiled per ISA with target_clones; this file alone is built with -ffp-contract=fast so
// that acc += a*b becomes one FMA (a BLAS-style rounding, as LAPACK gets from its BLAS).
#include <algorithm>
#include <cstring>
#include <vector>

#include "core/linalg.h"
#include "core/threadpool.h"

#define MNNX_LA_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))

namespace mnnx::la {
namespace {

template <class T> struct Vec;
template <> struct Vec<float> {
  typedef float type __attribute__((vector_size(64)));
  static constexpr int L = 16;
};
template <> struct Vec<double> {
  typedef double type __attribute__((vector_size(64)));
  static constexpr int L = 8;
};

constexpr int MR = 6;
thread_local int serial_depth = 0;
constexpr int64_t KC = 256;  // k-block: a KC x 2-vector strip of B is 32 KiB (float) and stays in L1/L2

template <class T, int R>
__attribute__((always_inline)) inline void micro(int64_t k, const T* a, int64_t lda, const T* b, int64_t ldb, T* c,
                                                 int64_t ldc) {
  using V = typename Vec<T>::type;
  constexpr int L = Vec<T>::L;
  V acc[R][2];
  for (int r = 0; r < R; ++r) acc[r][0] = acc[r][1] = V{};
  for (int64_t p = 0; p < k; ++p) {
    V b0, b1;
    std::memcpy(&b0, b + p * ldb, sizeof(V));
    std::memcpy(&b1, b + p * ldb + L, sizeof(V));
    for (int r = 0; r < R; ++r) {
      T s = a[r * lda + p];
      acc[r][0] += s * b0;
      acc[r][1] += s * b1;
    }
  }
  for (int r = 0; r < R; ++r) {
    V c0, c1;
    std::memcpy(&c0, c + r * ldc, sizeof(V));
    std::memcpy(&c1, c + r * ldc + L, sizeof(V));
    c0 -= acc[r][0];
    c1 -= acc[r][1];
    std::memcpy(c + r * ldc, &c0, sizeof(V));
    std::memcpy(c + r * ldc + L, &c1, sizeof(V));
  }
}

template <class T>
__attribute__((always_inline)) inline void micro_rows(int r, int64_t k, const T* a, int64_t lda, const T* b,
                                                      int64_t ldb, T* c, int64_t ldc) {
  switch (r) {
    case 6: micro<T, 6>(k, a, lda, b, ldb, c, ldc); break;
    case 5: micro<T, 5>(k, a, lda, b, ldb, c, ldc); break;
    case 4: micro<T, 4>(k, a, lda, b, ldb, c, ldc); break;
    case 3: micro<T, 3>(k, a, lda, b, ldb, c, ldc); break;
    case 2: micro<T, 2>(k, a, lda, b, ldb, c, ldc); break;
    default: micro<T, 1>(k, a, lda, b, ldb, c, ldc); break;
  }
}

// Column strips [s0, s1) of width NR; a partial last strip goes through zero-padded copies of B and C.
template <class T>
__attribute__((always_inline)) inline void strips(int64_t s0, int64_t s1, int64_t m, int64_t n, int64_t k, const T* a,
                                                  int64_t lda, const T* b, int64_t ldb, T* c, int64_t ldc) {
  constexpr int NR = 2 * Vec<T>::L;
  std::vector<T> bt, ct;
  for (int64_t kb = 0; kb < k; kb += KC) {
    int64_t kc = std::min(KC, k - kb);
    for (int64_t s = s0; s < s1; ++s) {
      int64_t j = s * NR, w = std::min<int64_t>(NR, n - j);
      const T* bp = b + kb * ldb + j;
      int64_t ldbp = ldb;
      if (w < NR) {
        bt.assign(kc * NR, T(0));
        for (int64_t p = 0; p < kc; ++p) std::memcpy(&bt[p * NR], bp + p * ldb, w * sizeof(T));
        bp = bt.data();
        ldbp = NR;
        ct.resize(MR * NR);
      }
      for (int64_t i = 0; i < m; i += MR) {
        int r = static_cast<int>(std::min<int64_t>(MR, m - i));
        const T* ap = a + i * lda + kb;
        if (w == NR) {
          micro_rows<T>(r, kc, ap, lda, bp, ldbp, c + i * ldc + j, ldc);
        } else {
          for (int q = 0; q < r; ++q) std::memcpy(&ct[q * NR], c + (i + q) * ldc + j, w * sizeof(T));
          micro_rows<T>(r, kc, ap, lda, bp, ldbp, ct.data(), NR);
          for (int q = 0; q < r; ++q) std::memcpy(c + (i + q) * ldc + j, &ct[q * NR], w * sizeof(T));
        }
      }
    }
  }
}

MNNX_LA_CLONES void strips_f32(int64_t s0, int64_t s1, int64_t m, int64_t n, int64_t k, const float* a, int64_t lda,
                               const float* b, int64_t ldb, float* c, int64_t ldc) {
  strips<float>(s0, s1, m, n, k, a, lda, b, ldb, c, ldc);
}
MNNX_LA_CLONES void strips_f64(int64_t s0, int64_t s1, int64_t m, int64_t n, int64_t k, const double* a, int64_t lda,
                               const double* b, int64_t ldb, double* c, int64_t ldc) {
  strips<double>(s0, s1, m, n, k, a, lda, b, ldb, c, ldc);
}

template <class T, class F>
void run(int64_t m, int64_t n, int64_t k, const T* a, int64_t lda, const T* b, int64_t ldb, T* c, int64_t ldc,
         F body) {
  if (m <= 0 || n <= 0 || k <= 0) return;
  constexpr int NR = 2 * Vec<T>::L;
  int64_t ns = (n + NR - 1) / NR;
  if (m * n * k < (int64_t(1) << 18) || ns < 2 || serial_depth > 0) {
    body(0, ns, m, n, k, a, lda, b, ldb, c, ldc);
    return;
  }
  parallel_for(ns, 1, [&](int64_t s0, int64_t s1, int) { body(s0, s1, m, n, k, a, lda, b, ldb, c, ldc); });
}

}  // namespace

SerialGemm::SerialGemm() { ++serial_depth; }
SerialGemm::~SerialGemm() { --serial_depth; }

void gemm_sub(int64_t m, int64_t n, int64_t k, const float* a, int64_t lda, const float* b, int64_t ldb, float* c,
              int64_t ldc) {
  run(m, n, k, a, lda, b, ldb, c, ldc, strips_f32);
}
void gemm_sub(int64_t m, int64_t n, int64_t k, const double* a, int64_t lda, const double* b, int64_t ldb, double* c,
              int64_t ldc) {
  run(m, n, k, a, lda, b, ldb, c, ldc, strips_f64);
}

}  // namespace mnnx::la
