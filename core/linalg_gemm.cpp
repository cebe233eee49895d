// The factorizations' trailing updates, C -= A*B, through the engine's packed GEMM (core/gemm.h):
// one GEMM implementation for matmul, conv and linalg.
#include "core/gemm.h"
#include "core/linalg.h"

namespace mnnx::la {

namespace {
thread_local int serial_depth = 0;

template <class T>
void sub(DType dt, int64_t m, int64_t n, int64_t k, const T* a, int64_t lda, const T* b, int64_t ldb, T* c, int64_t ldc) {
  GemmArgs g{dt, m, n, k, a, lda, 1, b, ldb, 1, c, ldc};
  g.accumulate = true;
  g.negate = true;
  gemm(g, serial_depth == 0);
}
}  // namespace

SerialGemm::SerialGemm() { ++serial_depth; }
SerialGemm::~SerialGemm() { --serial_depth; }

void gemm_sub(int64_t m, int64_t n, int64_t k, const float* a, int64_t lda, const float* b, int64_t ldb, float* c,
              int64_t ldc) {
  sub(DType::FLOAT32, m, n, k, a, lda, b, ldb, c, ldc);
}
void gemm_sub(int64_t m, int64_t n, int64_t k, const double* a, int64_t lda, const double* b, int64_t ldb, double* c,
              int64_t ldc) {
  sub(DType::FLOAT64, m, n, k, a, lda, b, ldb, c, ldc);
}

}  // namespace mnnx::la
