// The lazy graph. A Node is one op applied to input nodes; shape and dtype are inferred (and bad
// input rejected) when it is built. A realized node holds a strided view of a buffer.
#pragma once
#include <memory>
#include <vector>

#include "core/dtype.h"
#include "core/errors.h"
#include "core/shape.h"

namespace mnnx {

enum class Op : uint8_t {
#define OP(N, P, K, R) N,
#include "core/ops.def"
#undef OP
  COUNT
};
constexpr int kNumOps = static_cast<int>(Op::COUNT);

enum class OpKind : uint8_t { SOURCE, UNARY, BINARY, TERNARY, CAST, REDUCE, SCAN, ROWNORM, MOVE, CONCAT, COPY, DENSE };
enum class DRule : uint8_t { SAME, FLOAT, DIV, CMP, BITS, NUM, INT8B, NONE };

OpKind op_kind(Op op);
DRule op_rule(Op op);
const char* op_name(Op op);
inline bool is_elementwise(Op op) {
  OpKind k = op_kind(op);
  return k == OpKind::UNARY || k == OpKind::BINARY || k == OpKind::TERNARY || k == OpKind::CAST;
}

// Memory that realized nodes view. `owner` keeps foreign memory (a numpy array) alive.
struct Buffer {
  void* data = nullptr;
  size_t bytes = 0;
  std::shared_ptr<void> owner;  // null: data came from mnnx's allocator
  static std::shared_ptr<Buffer> allocate(size_t bytes);
  ~Buffer();
};

union Scalar {
  double f;
  int64_t i;
  uint64_t u;
};

struct Node;
using NodeP = std::shared_ptr<Node>;

struct Node {
  Op op;
  DType dtype;
  Shape shape;
  std::vector<NodeP> inputs;
  std::vector<int64_t> args;  // op attributes: axes, permutation, slice starts/steps, ...
  Scalar value{};             // SCALAR: the constant; LAYERNORM: eps
  bool weak = false;          // SCALAR from a Python number: numpy's weak promotion
  int8_t huge = 0;            // weak SCALAR: a Python int beyond 64 bits (+1 or -1), value held as a double
  int32_t depth = 0;          // longest unrealized path below; bounds graph growth
  int32_t py_refs = 0;        // Python objects holding this node: these are kept when realized
  // autograd (src/mnnx/autograd): LEAF is set by the user (requires_grad_); OP at construction when
  // an input requires grad and grad mode is on. An OP node keeps its inputs when realized, so the
  // backward pass can still walk the graph.
  enum class Grad : uint8_t { NONE, LEAF, OP } grad_role = Grad::NONE;
  NodeP grad;  // a leaf's accumulated .grad (backward() fills it), else null
  bool requires_grad() const { return grad_role != Grad::NONE; }

  // realized state (LEAF): a strided view of a buffer
  std::shared_ptr<Buffer> buf;
  Shape strides;
  int64_t offset = 0;

  bool realized() const { return buf != nullptr; }
  int ndim() const { return static_cast<int>(shape.size()); }
  int64_t size() const;
  View view() const { return View{shape, strides, offset}; }
  void* data_ptr() const;  // first element of the view
};

// Autograd's grad mode (per thread): off, new nodes never require grad (mnnx.no_grad()).
bool grad_enabled();
void set_grad_enabled(bool on);

// Past this depth an unrealized node realizes itself when built: bounded memory for long loops.
constexpr int kMaxDepth = 400;

// ---- construction: each checks its input and infers shape and dtype ----
NodeP make_leaf(std::shared_ptr<Buffer> buf, DType dt, const Shape& shape, const Shape& strides, int64_t offset);
NodeP make_empty(DType dt, const Shape& shape);  // a fresh contiguous realized buffer
NodeP make_scalar_f(double v, DType dt, bool weak);
NodeP make_scalar_i(int64_t v, DType dt, bool weak);
NodeP make_scalar_u(uint64_t v, DType dt, bool weak);
NodeP make_scalar_huge_int(double v);  // a Python int no 64-bit type holds
NodeP make_iota(const Shape& shape, int axis, DType dt);  // index along `axis`

NodeP make_unary(Op op, const NodeP& x);
NodeP make_binary(Op op, const NodeP& a, const NodeP& b);
NodeP make_where(const NodeP& c, const NodeP& a, const NodeP& b);
NodeP make_cast(const NodeP& x, DType dt);
// DType of a binary op's inputs after numpy's promotion (weak scalars included).
DType result_dtype(const NodeP& a, const NodeP& b);

NodeP make_reduce(Op op, const NodeP& x, std::vector<int64_t> axes, bool keepdims);
NodeP make_scan(Op op, const NodeP& x, int64_t axis);
NodeP make_rownorm(Op op, const NodeP& x, const NodeP& w, const NodeP& b, double eps);

NodeP make_reshape(const NodeP& x, const Shape& shape);  // shape may hold one -1
NodeP make_permute(const NodeP& x, const std::vector<int64_t>& perm);
NodeP make_expand(const NodeP& x, const Shape& shape);
NodeP make_slice(const NodeP& x, const std::vector<int64_t>& start, const std::vector<int64_t>& step,
                 const Shape& shape);
NodeP make_concat(const std::vector<NodeP>& xs, int64_t axis);
NodeP make_copy(const NodeP& x);
// The same value with no autograd history (Var.detach()): a view of a realized buffer, else a copy node.
NodeP make_detach(const NodeP& x);
// x with the region x[start::step] (lengths `shape`) replaced by v, which broadcasts to the region.
NodeP make_assign(const NodeP& x, const NodeP& v, const std::vector<int64_t>& start, const std::vector<int64_t>& step,
                  const Shape& shape);

// (..., M, K) @ (..., K, N) with numpy's batch broadcasting; 1-D operands are the caller's business.
NodeP make_matmul(const NodeP& a, const NodeP& b);
// A dense-kernel node whose inputs, attributes, shape and dtype the op's own constructor checked.
NodeP make_dense(Op op, DType dt, const Shape& shape, std::vector<NodeP> inputs, std::vector<int64_t> args);

// Realize: compute `outs` and every unrealized node below them that Python holds.
void realize(const std::vector<NodeP>& outs);

}  // namespace mnnx
