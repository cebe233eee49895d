// GEMM: C = A * B (+ C) for float32 and float64 on strided operands, packed panels around the
// per-ISA register-blocked micro-kernels, split over the thread pool.
#pragma once
#include <cstdint>

#include "core/dtype.h"

namespace mnnx {

// Called on finished pieces of C: apply a fused epilogue to `rows` rows of `cols` elements starting
// at C[row0, col0]. Runs on pool threads, several at once on disjoint pieces.
struct GemmEpilogue {
  void (*fn)(void* ctx, int64_t row0, int64_t rows, int64_t col0, int64_t cols);
  void* ctx;
};

// Fills dst with the packed B panel for rows [k0, k0+kc) and columns [j0, j0+nc): nr-wide column
// panels, each kc steps of nr values, zero past column N. Lets conv pack straight from its input.
using PackBFn = void (*)(void* ctx, int64_t k0, int64_t kc, int64_t j0, int64_t nc, int nr, void* dst);

// A fused C = min(max(C + bias, lo), hi) applied by the micro-kernels as they store the last K slice
// (taking the place of ep): the bias of C[i, j] is row[i * row_stride] + col[j * col_stride], a null
// side contributing nothing. Only with accumulate false.
struct GemmAffine {
  const void* row = nullptr;
  int64_t row_stride = 0;
  const void* col = nullptr;
  int64_t col_stride = 0;
  double lo, hi;
};

struct GemmArgs {
  DType dt;  // FLOAT32 or FLOAT64
  int64_t M, N, K;
  const void* A;
  int64_t rsa, csa;  // element (i, k) of A at A[i*rsa + k*csa]
  const void* B;
  int64_t rsb, csb;  // element (k, j) of B at B[k*rsb + j*csb]; unused with pack_b
  void* C;
  int64_t ldc;  // C is row-major with row stride ldc
  bool accumulate = false;  // C += A*B instead of C = A*B
  bool negate = false;      // -A*B (with accumulate: C -= A*B, the trailing update of a factorization)
  PackBFn pack_b = nullptr;
  void* pack_ctx = nullptr;
  // B already in packed form: nr-wide column panels of all K rows, panel p at b_packed + p*K*nr
  // (nr = gemm_nr(dt)); read in place, nothing is copied
  const void* b_packed = nullptr;
  const GemmEpilogue* ep = nullptr;
  const GemmAffine* affine = nullptr;  // used instead of ep when set
};

struct DenseAffine;
// The DenseAffine of a dense kernel's output (dtype dt) restricted to a row-major M x N block of it
// (row length N) starting at linear output index base, when it is a GemmAffine there (one bias per
// row or per column).
bool gemm_affine(const DenseAffine& a, DType dt, int64_t base, int64_t M, int64_t N, GemmAffine* g);

// Width of B's column panels for this dtype on this CPU (the layout b_packed must have).
int gemm_nr(DType dt);

// threaded: split over the pool (false when the caller already runs one GEMM per thread)
void gemm(const GemmArgs& g, bool threaded = true);

}  // namespace mnnx
