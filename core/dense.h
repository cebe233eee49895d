// Dense kernels (matmul, conv, pooling): ops that are not elementwise programs. The executor hands
// each its operands as strided views and a contiguous output; an elementwise consumer the scheduler
// fused in is applied by the kernel to finished pieces of the output while they are in cache.
#pragma once
#include <cmath>
#include <vector>

#include "core/graph.h"
#include "core/plan.h"

namespace mnnx {

struct DenseIn {
  const char* data;  // element [0, ..., 0]
  DType dt;
  Shape shape, strides;  // strides in elements; any sign or zero
};

struct DenseOut {
  char* data;  // contiguous, row-major
  DType dt;
  Shape shape;
};

// The fused epilogue when it is no more than y = min(max(y + bias, lo), hi) (a conv or linear bias,
// relu, relu6, hardtanh): a kernel may apply it in its own stores, while the values are in registers,
// instead of calling fn. The bias of output element i is bias[((i / inner) % count) * stride] (of the
// output dtype; null: none). lo and hi are never NaN.
struct DenseAffine {
  const void* bias = nullptr;
  int64_t inner = 1, count = 1, stride = 0;
  double lo = -INFINITY, hi = INFINITY;
};

// Applies the fused epilogue to output elements [start, start + n) (linear, row-major), in place.
// Thread-safe on disjoint ranges. affine: the same epilogue in closed form, when it has one.
struct DenseEpilogue {
  void (*fn)(void* ctx, int64_t start, int64_t n);
  void* ctx;
  const DenseAffine* affine = nullptr;
  void operator()(int64_t start, int64_t n) const { fn(ctx, start, n); }
};

// Whether a dense kernel's epilogue program p (run in place on the kernel's output `out`, sources at
// src_base) is a DenseAffine; fills *a if so.
bool match_affine(const Program& p, const BufRef& out, const std::vector<const char*>& src_base,
                  const std::vector<Scalar>& scalars, DenseAffine* a);

// Adapts GEMM pieces (rows x cols of a row-major block with row length ld, starting at linear
// output index base) to the epilogue's linear ranges. Pass &fn and this as a GemmEpilogue.
struct DenseRows {
  const DenseEpilogue* ep;
  int64_t base, ld;
  static void fn(void* ctx, int64_t r0, int64_t rows, int64_t c0, int64_t cols) {
    auto* e = static_cast<DenseRows*>(ctx);
    if (c0 == 0 && cols == e->ld) { (*e->ep)(e->base + r0 * e->ld, rows * cols); return; }
    for (int64_t r = r0; r < r0 + rows; ++r) (*e->ep)(e->base + r * e->ld + c0, cols);
  }
};

using DenseFn = void (*)(const std::vector<int64_t>& args, const std::vector<DenseIn>& in, const DenseOut& out,
                         const DenseEpilogue* ep);

#define OP(N, P, K, R) DENSE_DECL_##K(N)
#define DENSE_DECL_DENSE(N) void run_##N(const std::vector<int64_t>&, const std::vector<DenseIn>&, const DenseOut&, const DenseEpilogue*);
#define DENSE_DECL_SOURCE(N)
#define DENSE_DECL_UNARY(N)
#define DENSE_DECL_BINARY(N)
#define DENSE_DECL_TERNARY(N)
#define DENSE_DECL_CAST(N)
#define DENSE_DECL_REDUCE(N)
#define DENSE_DECL_SCAN(N)
#define DENSE_DECL_ROWNORM(N)
#define DENSE_DECL_MOVE(N)
#define DENSE_DECL_CONCAT(N)
#define DENSE_DECL_COPY(N)
#include "core/ops.def"
#undef OP

inline DenseFn dense_fn(Op op) {
  switch (op) {
#define OP(N, P, K, R) DENSE_CASE_##K(N)
#define DENSE_CASE_DENSE(N) case Op::N: return &run_##N;
#define DENSE_CASE_SOURCE(N)
#define DENSE_CASE_UNARY(N)
#define DENSE_CASE_BINARY(N)
#define DENSE_CASE_TERNARY(N)
#define DENSE_CASE_CAST(N)
#define DENSE_CASE_REDUCE(N)
#define DENSE_CASE_SCAN(N)
#define DENSE_CASE_ROWNORM(N)
#define DENSE_CASE_MOVE(N)
#define DENSE_CASE_CONCAT(N)
#define DENSE_CASE_COPY(N)
#include "core/ops.def"
#undef OP
    default: return nullptr;
  }
}

}  // namespace mnnx
