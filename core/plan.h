// A plan: what a realize runs, built once per graph structure and cached.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/graph.h"
#include "core/vm.h"

namespace mnnx {

// Where a kernel reads or writes: a leaf bound at run time, an output kept for Python, or a
// slice of the plan's arena.
struct BufRef {
  enum Kind : uint8_t { SLOT, KEPT, ARENA } kind;
  int32_t index;
};

// A strided read in the kernel's iteration space.
struct Source {
  BufRef buf;
  DType dt;
  Shape strides;
  int64_t offset;
};

struct Instr {
  enum Kind : uint8_t { LOAD, SCALAR, UNARY, BINARY, WHERE, CAST, MULADD } kind;
  DType dt;  // result dtype
  int16_t out, a, b, c;
  int32_t arg;  // LOAD: source index; SCALAR: scalar slot
  void* fn;
  bool invariant;  // same value for every block: computed once per run and thread
};

// A fused elementwise expression evaluated block by block over `shape`.
struct Program {
  Shape shape;
  std::vector<Source> srcs;
  std::vector<Instr> code;
  int nregs = 0;
  int result = 0;  // register holding the value
  DType dt;
};

struct Kernel {
  enum Kind : uint8_t { EW, REDUCE, SCAN, ROW, DENSE } kind;
  Op op;
  Program prog;
  std::vector<Program> extra;  // ROW: weight and bias
  BufRef out;
  DType out_dt;
  Shape out_strides;  // EW, SCAN: output strides in prog's iteration space
  int64_t out_offset = 0;
  int64_t outer = 0, inner = 0;  // REDUCE: outputs x reduced; SCAN, ROW: rows x cols
  bool reduce_outer = false;     // REDUCE: reduced dims lead, kept dims are contiguous inside
  double eps = 0;
  // DENSE: operands as strided views (shapes alongside), the op's attributes, and the fused
  // elementwise consumer (prog, when has_epilogue) applied in place to the output
  std::vector<Source> ins;
  std::vector<Shape> in_shapes;
  std::vector<int64_t> args;
  Shape out_shape;
  bool has_epilogue = false;
};

struct Plan {
  std::vector<Kernel> kernels;
  std::vector<size_t> arena_offset;  // per intermediate
  std::vector<size_t> arena_size;
  size_t arena_bytes = 0;
  std::shared_ptr<Buffer> arena;
  bool arena_busy = false;
  std::vector<std::pair<DType, Shape>> kept;  // outputs to allocate, in kept-index order
};

// Build the plan for the graph below `outs` (the scheduler), and run one (the executor).
struct Bindings {
  std::vector<void*> slots;
  std::vector<Scalar> scalars;
  std::vector<void*> kept;
  char* arena = nullptr;
};
void execute(const Plan& plan, const Bindings& b);

std::string explain(const std::vector<NodeP>& outs);
struct CacheInfo {
  int64_t hits, misses, plans;
};
CacheInfo plan_cache_info();
void plan_cache_clear();
// How realize leaves the GIL: set by the bindings; the default just calls fn.
extern void (*run_unlocked)(void (*fn)(void*), void* ctx);

}  // namespace mnnx
