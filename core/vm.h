// The blocked VM's kernel table. Fused elementwise programs run as a sequence of these loops over
// blocks of kBlock elements held in per-thread registers. core/vm_kernels.cpp is compiled once per
// ISA; isa.cpp picks the table for this CPU at import.
#pragma once
#include <cstdint>

#include "core/dtype.h"
#include "core/graph.h"

namespace mnnx {

constexpr int64_t kBlock = 128;  // small enough that a whole program's registers stay in L1

using UnaryFn = void (*)(const void* a, void* out, int64_t n);
using BinaryFn = void (*)(const void* a, const void* b, void* out, int64_t n);
using WhereFn = void (*)(const void* c, const void* a, const void* b, void* out, int64_t n);
using CastFn = void (*)(const void* a, void* out, int64_t n);

// Reductions. block: fold n elements into *acc, an accumulator of the op's type (double for float
// sums and products, the element type otherwise). vec: acc[i] op= x[i], in the element type (numpy
// adds the rows of an axis-0 sum in their own type too).
using ReduceBlockFn = void (*)(const void* x, int64_t n, void* acc);
using ReduceVecFn = void (*)(const void* x, int64_t n, void* acc);
using ReduceInitFn = void (*)(void* acc, int64_t n);
using ReduceFinishFn = void (*)(const void* acc, void* out, int64_t n);  // accumulator -> element type
// argmax/argmin: best value (element type) and index per output; base is the index of x[0].
using ArgBlockFn = void (*)(const void* x, int64_t n, int64_t base, void* best, int64_t* idx);
using ArgVecFn = void (*)(const void* x, int64_t n, int64_t r, void* best, int64_t* idx);
using ScanFn = void (*)(const void* x, void* out, int64_t n);  // one row
// Row kernels over the last axis: `rows` rows of n elements; w and b may be null.
using RowFn = void (*)(const void* x, const void* w, const void* b, void* out, int64_t rows, int64_t n, double eps);
constexpr int64_t kMaxRows = 2;  // rows a row kernel takes at once: x and out hold them back to back; 2 keep x in L1

// A micro-tile's fused epilogue: C[i][j] = min(max(C[i][j] + row[i] + col[j], lo), hi), row with mr
// and col with nr values of the element type (zeros where a side has no bias).
struct GemmTileEpi {
  const void* row;
  const void* col;
  double lo, hi;
};
// GEMM micro-kernel: C[mr x nr] (+)= sum over kc of packed A (mr per step) times packed B (nr per step),
// then the epilogue when epi is not null.
using GemmMicroFn = void (*)(int64_t kc, const void* A, const void* B, void* C, int64_t ldc, bool accumulate,
                             const GemmTileEpi* epi);
// Packs mr full rows of a row-major A panel (row stride rsa, kc contiguous values each) into kc steps
// of mr values: a transpose, vectorized per ISA.
using GemmPackAFn = void (*)(const void* A, int64_t rsa, int64_t kc, void* dst);
// Packs nr full columns of a row-major B (row stride rsb, nr contiguous values in each of kc rows)
// into kc steps of nr values: whole-vector copies.
using GemmPackBFn = void (*)(const void* B, int64_t rsb, int64_t kc, void* dst);
struct GemmMicro {
  int mr, nr;
  GemmMicroFn fn;
  GemmPackAFn pack_a;
  GemmPackBFn pack_b;
};

// Depthwise convolution: one output plane (OH x OW) from a zero-padded input plane with rows of PW
// (readable kDepthwiseSlack elements past its end); geo = stride h, w, dilation h, w; scratch holds
// OH * PW elements.
using DepthwiseFn = void (*)(const void* pad, int64_t PW, const void* w, int64_t kh, int64_t kw, const int64_t* geo,
                             int64_t OH, int64_t OW, void* y, void* scratch);
constexpr int64_t kDepthwiseSlack = 64;
// float32 3x3 stride-1 dilation-1 depthwise plane straight from the input (row stride rs, any
// padding, output rows up to kDw3x3MaxWidth), its output clamped to [lo, hi] after adding bias: set
// where the ISA has masked loads (AVX-512), else null.
using Dw3x3Fn = void (*)(const float* x, int64_t rs, int64_t H, int64_t W, int64_t ph, int64_t pw, const float* w, float bias,
                         float lo, float hi, int64_t OH, int64_t OW, float* y);
constexpr int64_t kDw3x3MaxWidth = 1024;

// Winograd F(2x2, 3x3) and F(4x4, 3x3) transforms (nn/conv_kernels.cpp), one tile or kernel per
// vector lane: weights, U = G g G^T of n 3x3 kernels (element e of kernel l at g[e * gs + l], U's
// element k to u[k * us + l]); gather, the elements of n tiles from their a input rows (rs apart)
// to q[k * qs + t]; in, from q to V[k * vs + t]; out, from products M[k * ms + t] to outputs
// z[k * zs + t].
using WinoWeightsFn = void (*)(const void* g, int64_t gs, int64_t n, void* u, int64_t us);
using WinoGatherFn = void (*)(const void* rows, int64_t rs, int64_t n, void* q, int64_t qs);
using WinoInFn = void (*)(const void* q, int64_t qs, int64_t n, void* V, int64_t vs);
using WinoOutFn = void (*)(const void* M, int64_t ms, int64_t n, void* z, int64_t zs);
constexpr int64_t kWinoSlack = 64;  // gather's rows are readable this far past the tiles
// float32 F(4x4, 3x3) straight from the input planes into V, and from M into the output rows
// (AVX-512; nn/conv_kernels.cpp): 16 tiles at a time as pairs of halves of up to 8 consecutive
// tiles of one tile row each.
struct WinoHalf {
  const float* x;   // in: the input plane
  int64_t y0, x0;   // in: row and column of the first tile's patch (negative: zero padding)
  float* y[4];      // out: the output rows at the first tile's column, null past the image
  int64_t ncols;    // out: valid columns from y
  int64_t pos, n;   // the tiles' place in the rows of V or M, and their count (1..8)
};
using Wino4InF32Fn = void (*)(const WinoHalf* h, int64_t nh, int64_t rs, int64_t H, int64_t W, float* V, int64_t vs);
using Wino4OutF32Fn = void (*)(const WinoHalf* h, int64_t nh, const float* M, int64_t ms);

constexpr int kNumReduce = 6;  // RSUM..RARGMIN in op-table order
inline int reduce_index(Op op) { return static_cast<int>(op) - static_cast<int>(Op::RSUM); }

struct KernelTable {
  const char* isa;
  UnaryFn unary[kNumOps][kNumDTypes];
  BinaryFn binary[kNumOps][kNumDTypes];
  WhereFn where[kNumDTypes];
  WhereFn muladd[kNumDTypes];  // a*b + c, rounded twice as numpy's multiply then add (floats only)
  CastFn cast[kNumDTypes][kNumDTypes];
  ReduceInitFn rinit[kNumReduce][kNumDTypes];
  ReduceBlockFn rblock[kNumReduce][kNumDTypes];
  ReduceVecFn rvec[kNumReduce][kNumDTypes];
  ReduceFinishFn rfinish[kNumReduce][kNumDTypes];
  ReduceInitFn rvinit[kNumReduce][kNumDTypes];  // rvec accumulates in the element type, as numpy
  ReduceFinishFn rvfinish[kNumReduce][kNumDTypes];
  size_t racc_size[kNumReduce][kNumDTypes];
  ArgBlockFn argblock[2][kNumDTypes];
  ArgVecFn argvec[2][kNumDTypes];
  ScanFn scan[2][kNumDTypes];
  RowFn row[3][kNumDTypes];  // SOFTMAX, LOGSOFTMAX, LAYERNORM
  GemmMicro gemm[2][2];      // [float32, float64][tall tile, short tile]
  DepthwiseFn depthwise[2];  // float32, float64
  Dw3x3Fn dw3x3;
  WinoWeightsFn wino_weights[2][2];  // [F(2x2, 3x3), F(4x4, 3x3)][float32, float64]
  WinoGatherFn wino_gather[2][2];
  WinoInFn wino_in[2][2];
  WinoOutFn wino_out[2][2];
  Wino4InF32Fn wino4_in_f32;  // null where the ISA lacks them
  Wino4OutF32Fn wino4_out_f32;
};

const KernelTable& kernels();  // the table chosen for this CPU
const char* isa_name();
void force_isa(const char* name);  // "generic", "avx2", "avx512": for tests comparing variants

namespace generic { void fill_table(KernelTable* t); void fill_gemm(KernelTable* t); void fill_conv(KernelTable* t); }
namespace avx2 { void fill_table(KernelTable* t); void fill_gemm(KernelTable* t); void fill_conv(KernelTable* t); }
namespace avx512 { void fill_table(KernelTable* t); void fill_gemm(KernelTable* t); void fill_conv(KernelTable* t); }

}  // namespace mnnx
