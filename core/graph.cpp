// Building graph nodes: every check and all shape/dtype inference happen here, before any kernel runs.
#include "core/graph.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/allocator.h"
#include "core/cast.h"

namespace mnnx {

static const OpKind kKinds[] = {
#define OP(N, P, K, R) OpKind::K,
#include "core/ops.def"
#undef OP
};
static const DRule kRules[] = {
#define OP(N, P, K, R) DRule::R,
#include "core/ops.def"
#undef OP
};
static const char* kNames[] = {
#define OP(N, P, K, R) P,
#include "core/ops.def"
#undef OP
};
OpKind op_kind(Op op) { return kKinds[static_cast<int>(op)]; }
DRule op_rule(Op op) { return kRules[static_cast<int>(op)]; }
const char* op_name(Op op) { return kNames[static_cast<int>(op)]; }

std::shared_ptr<Buffer> Buffer::allocate(size_t bytes) {
  auto b = std::make_shared<Buffer>();
  b->data = pool_alloc(bytes);
  b->bytes = bytes;
  return b;
}
Buffer::~Buffer() {
  if (!owner && data) pool_free(data, bytes);
}

int64_t Node::size() const { return numel(shape); }
void* Node::data_ptr() const { return static_cast<char*>(buf->data) + offset * static_cast<int64_t>(dtype_size(dtype)); }

static NodeP new_node(Op op, DType dt, Shape shape, std::vector<NodeP> inputs) {
  auto n = std::make_shared<Node>();
  n->op = op;
  n->dtype = dt;
  n->shape = std::move(shape);
  n->inputs = std::move(inputs);
  return n;
}

static thread_local bool g_grad_enabled = true;
bool grad_enabled() { return g_grad_enabled; }
void set_grad_enabled(bool on) { g_grad_enabled = on; }

// A node built from inputs that require grad requires it too (integer and bool results never do).
static bool inherits_grad(const Node& n) {
  if (!g_grad_enabled || !is_float(n.dtype)) return false;
  for (auto& in : n.inputs)
    if (in->requires_grad()) return true;
  return false;
}

// Every unrealized node goes through here: its depth bounds how long lazy chains may grow.
static NodeP finish(NodeP n) {
  if (inherits_grad(*n)) n->grad_role = Node::Grad::OP;
  int32_t d = 0;
  for (auto& in : n->inputs) d = std::max(d, in->realized() ? 0 : in->depth);
  n->depth = d + 1;
  if (n->depth > kMaxDepth) realize({n});
  return n;
}

NodeP make_leaf(std::shared_ptr<Buffer> buf, DType dt, const Shape& shape, const Shape& strides, int64_t offset) {
  auto n = new_node(Op::LEAF, dt, shape, {});
  n->buf = std::move(buf);
  n->strides = strides;
  n->offset = offset;
  return n;
}

NodeP make_empty(DType dt, const Shape& shape) {
  int64_t count = numel(shape);
  size_t esz = dtype_size(dt);
  if (count > static_cast<int64_t>(SIZE_MAX / esz / 2)) fail(ErrKind::MEMORY, "Unable to allocate array with shape " + shape_str(shape));
  return make_leaf(Buffer::allocate(static_cast<size_t>(count) * esz), dt, shape, contiguous_strides(shape), 0);
}

static NodeP scalar_node(Scalar v, DType dt, bool weak) {
  auto n = new_node(Op::SCALAR, dt, {}, {});
  n->value = v;
  n->weak = weak;
  return n;
}
NodeP make_scalar_f(double v, DType dt, bool weak) { Scalar s; s.f = v; return scalar_node(cast_scalar(s, DType::FLOAT64, dt), dt, weak); }
NodeP make_scalar_i(int64_t v, DType dt, bool weak) { Scalar s; s.i = v; return scalar_node(cast_scalar(s, DType::INT64, dt), dt, weak); }
NodeP make_scalar_u(uint64_t v, DType dt, bool weak) { Scalar s; s.u = v; return scalar_node(cast_scalar(s, DType::UINT64, dt), dt, weak); }
NodeP make_scalar_huge_int(double v) {
  NodeP n = make_scalar_f(v, DType::FLOAT64, true);
  n->huge = v > 0 ? 1 : -1;
  return n;
}

// Index along `axis`, filled at once: creation is cheap and every later view of it is then zero-copy.
NodeP make_iota(const Shape& shape, int axis, DType dt) {
  int ax = normalize_axis(axis, static_cast<int>(shape.size()));
  NodeP n = make_empty(DType::INT64, shape);
  int64_t* p = static_cast<int64_t*>(n->buf->data);
  int64_t count = n->size(), inner = 1;
  for (size_t d = ax + 1; d < shape.size(); ++d) inner *= shape[d];
  for (int64_t i = 0; i < count; ++i) p[i] = (i / inner) % shape[ax];
  return make_cast(n, dt);
}

NodeP make_cast(const NodeP& x, DType dt) {
  if (x->dtype == dt) return x;
  if (x->op == Op::SCALAR && !x->realized()) return scalar_node(cast_scalar(x->value, x->dtype, dt), dt, false);
  return finish(new_node(Op::CAST, dt, x->shape, {x}));
}

// numpy 2 (NEP 50): a Python scalar adopts the array's dtype unless its kind is higher.
DType result_dtype(const NodeP& a, const NodeP& b) {
  bool wa = a->op == Op::SCALAR && a->weak, wb = b->op == Op::SCALAR && b->weak;
  if (wa == wb) return promote(a->dtype, b->dtype);
  const NodeP& w = wa ? a : b;
  DType s = wa ? b->dtype : a->dtype;
  if (w->dtype == DType::BOOL) return s;
  if (is_int(w->dtype) || w->huge) return s == DType::BOOL ? DType::INT64 : is_float(s) ? s : s;
  return is_float(s) ? s : DType::FLOAT64;
}

// Where a weak Python int lies against the integer dtype it is about to become.
static int weak_int_range(const NodeP& w, DType dt) {  // 0 fits, 1 above the range, -1 below
  if (w->op == Op::SCALAR && w->huge && is_int(dt)) return w->huge;
  if (!(w->op == Op::SCALAR && w->weak && is_int(w->dtype) && is_int(dt))) return 0;
  bool neg = w->dtype == DType::INT64 && w->value.i < 0;
  int bits = static_cast<int>(dtype_size(dt)) * 8;
  if (neg) {
    if (is_unsigned(dt)) return -1;
    return bits == 64 || w->value.i >= -(int64_t(1) << (bits - 1)) ? 0 : -1;
  }
  uint64_t mag = w->value.u;
  uint64_t max = is_unsigned(dt) ? (bits == 64 ? UINT64_MAX : (uint64_t(1) << bits) - 1) : (uint64_t(1) << (bits - 1)) - 1;
  return mag <= max ? 0 : 1;
}

static void check_weak_fits(const NodeP& w, DType dt) {
  if (weak_int_range(w, dt) == 0) return;
  bool neg = w->dtype == DType::INT64 && w->value.i < 0;
  std::string v = w->huge ? "" : neg ? std::to_string(w->value.i) + " " : std::to_string(w->value.u) + " ";
  fail(ErrKind::OVERFLOW, "Python integer " + v + "out of bounds for " + dtype_name(dt));
}

// numpy 2 compares integer arrays with any Python int exactly: out of range, the answer is constant.
static NodeP out_of_range_compare(Op op, const NodeP& a, const NodeP& b, DType in, const Shape& shape) {
  int ra = weak_int_range(a, in), rb = weak_int_range(b, in);
  if (!ra && !rb) return nullptr;
  int sense = rb ? rb : -ra;  // +1: the right operand is larger than anything on the left
  bool v = false;
  switch (op) {
    case Op::EQ: v = false; break;
    case Op::NE: v = true; break;
    case Op::LT: case Op::LE: v = sense > 0; break;
    default: v = sense < 0; break;  // GT, GE
  }
  return make_expand(make_scalar_i(v, DType::BOOL, false), shape);
}

static void type_error(Op op, DType a) {
  fail(ErrKind::TYPE, std::string("ufunc '") + op_name(op) + "' not supported for the input types (" + dtype_name(a) +
                          "), and the inputs could not be safely coerced to any supported types according to the casting rule ''safe''");
}

// The dtype an elementwise op computes in and the dtype it returns, for promoted input dtype `in`.
struct Typing {
  DType compute, out;
};
static Typing typing(Op op, DType in) {
  DRule r = op_rule(op);
  DType out = in;
  switch (r) {
    case DRule::FLOAT: out = float_for(in); break;
    case DRule::DIV: out = is_float(in) ? in : DType::FLOAT64; break;
    case DRule::CMP: out = DType::BOOL; break;
    case DRule::BITS:
      if (is_float(in)) type_error(op, in);
      if (in == DType::BOOL && (op == Op::LSHIFT || op == Op::RSHIFT)) out = DType::INT8;
      break;
    case DRule::NUM:
      if (in == DType::BOOL)
        fail(ErrKind::TYPE, std::string("numpy boolean ") + op_name(op) + " is not supported, use the bitwise_xor, the `^` operator, or the logical_xor / logical_not function instead.");
      break;
    case DRule::INT8B: if (in == DType::BOOL) out = DType::INT8; break;
    default: break;
  }
  DType compute = r == DRule::CMP ? in : out;
  if (compute == DType::FLOAT16) compute = DType::FLOAT32;  // float16 is storage: compute in float32, round per op
  return {compute, out};
}

NodeP make_unary(Op op, const NodeP& x) {
  DType in = x->dtype;
  if (op == Op::INVERT && in == DType::BOOL) return make_binary(Op::BITXOR, x, make_scalar_i(1, DType::BOOL, false));
  if ((op == Op::FLOOR || op == Op::CEIL || op == Op::TRUNC) && !is_float(in)) return x;
  if (op == Op::ABS && (in == DType::BOOL || is_unsigned(in))) return x;
  Typing t = typing(op, in);
  DType node_dt = op_rule(op) == DRule::CMP ? DType::BOOL : t.compute;
  NodeP n = finish(new_node(op, node_dt, x->shape, {make_cast(x, t.compute)}));
  return make_cast(n, t.out);
}

NodeP make_binary(Op op, const NodeP& a, const NodeP& b) {
  DType in = result_dtype(a, b);
  Shape shape = broadcast_shapes(a->shape, b->shape);
  DRule rule = op_rule(op);
  // (a bool array meets a Python int as int64, where numpy raises for what does not fit)
  bool bool_side = (a->dtype == DType::BOOL && !a->weak) || (b->dtype == DType::BOOL && !b->weak);
  if (rule == DRule::CMP && !bool_side)
    if (NodeP c = out_of_range_compare(op, a, b, in, shape)) return c;
  // numpy casts operands to the loop's type: for float loops on integers (true_divide, arctan2) a
  // Python int goes straight to that float, unchecked against the integer type
  bool float_loop = (rule == DRule::FLOAT || rule == DRule::DIV) && !is_float(in);
  if (!float_loop) {
    check_weak_fits(a, in);
    check_weak_fits(b, in);
  }
  if (in == DType::BOOL) {  // numpy's bool loops: add is or, multiply is and
    if (op == Op::ADD || op == Op::MAXIMUM || op == Op::FMAX) op = Op::BITOR;
    else if (op == Op::MUL || op == Op::MINIMUM || op == Op::FMIN) op = Op::BITAND;
  }
  Typing t = typing(op, in);
  if (float_loop && rule == DRule::FLOAT) {  // numpy's loop: the smallest float both sides cast to safely
    bool wa = a->op == Op::SCALAR && a->weak, wb = b->op == Op::SCALAR && b->weak;
    DType fa = float_for(wa ? b->dtype : a->dtype), fb = float_for(wb ? a->dtype : b->dtype);
    t.out = promote(fa, fb);
    t.compute = t.out == DType::FLOAT16 ? DType::FLOAT32 : t.out;
  }
  DType node_dt = rule == DRule::CMP ? DType::BOOL : t.compute;
  // through the loop type first: a weak scalar rounds to it (65535 -> float16 inf) as numpy's does
  DType via = float_loop ? t.out : in;
  NodeP n = finish(new_node(op, node_dt, shape, {make_cast(make_cast(a, via), t.compute), make_cast(make_cast(b, via), t.compute)}));
  return make_cast(n, t.out);
}

NodeP make_where(const NodeP& c, const NodeP& a, const NodeP& b) {
  DType dt = result_dtype(a, b);
  check_weak_fits(a, dt);
  check_weak_fits(b, dt);
  Shape shape = broadcast_shapes(broadcast_shapes(c->shape, a->shape), b->shape);
  NodeP cb = c->dtype == DType::BOOL ? c : make_binary(Op::NE, c, make_scalar_i(0, DType::INT64, true));
  return finish(new_node(Op::WHERE, dt, shape, {cb, make_cast(a, dt), make_cast(b, dt)}));
}

// ---- reductions, scans, row kernels ----

static std::vector<int64_t> normalize_axes(std::vector<int64_t> axes, int ndim) {
  for (auto& a : axes) a = normalize_axis(a, ndim);
  std::vector<int64_t> s = axes;
  std::sort(s.begin(), s.end());
  if (std::adjacent_find(s.begin(), s.end()) != s.end()) fail(ErrKind::VALUE, "duplicate value in 'axis'");
  return s;
}

NodeP make_reduce(Op op, const NodeP& x, std::vector<int64_t> axes, bool keepdims) {
  axes = normalize_axes(std::move(axes), x->ndim());
  Shape out;
  int64_t reduced = 1;
  for (int d = 0; d < x->ndim(); ++d) {
    bool r = std::find(axes.begin(), axes.end(), d) != axes.end();
    if (r) reduced *= x->shape[d];
    if (!r) out.push_back(x->shape[d]);
    else if (keepdims) out.push_back(1);
  }
  bool arg = op == Op::RARGMAX || op == Op::RARGMIN;
  if (reduced == 0 && (op == Op::RMAX || op == Op::RMIN || arg)) {
    if (arg) fail(ErrKind::VALUE, std::string("attempt to get ") + op_name(op) + " of an empty sequence");
    fail(ErrKind::VALUE, std::string("zero-size array to reduction operation ") + (op == Op::RMAX ? "maximum" : "minimum") + " which has no identity");
  }
  if (arg && axes.size() > 1 && static_cast<int>(axes.size()) != x->ndim())
    fail(ErrKind::VALUE, "argmax/argmin take one axis, or all of them (the flattened index)");
  DType compute = x->dtype == DType::FLOAT16 ? DType::FLOAT32 : x->dtype;
  NodeP n = new_node(op, arg ? DType::INT64 : compute, out, {make_cast(x, compute)});
  n->args = axes;
  n->args.push_back(keepdims);
  n = finish(n);
  return arg ? n : make_cast(n, x->dtype);
}

NodeP make_scan(Op op, const NodeP& x, int64_t axis) {
  int ax = normalize_axis(axis, x->ndim());
  DType compute = x->dtype == DType::FLOAT16 ? DType::FLOAT32 : x->dtype;
  NodeP n = new_node(op, compute, x->shape, {make_cast(x, compute)});
  n->args = {ax};
  return make_cast(finish(n), x->dtype);
}

NodeP make_rownorm(Op op, const NodeP& x, const NodeP& w, const NodeP& b, double eps) {
  if (x->ndim() == 0) fail(ErrKind::VALUE, std::string(op_name(op)) + " needs at least one dimension");
  if (!is_float(x->dtype)) fail(ErrKind::TYPE, std::string(op_name(op)) + " needs a floating-point input, got " + dtype_name(x->dtype));
  DType compute = x->dtype == DType::FLOAT16 ? DType::FLOAT32 : x->dtype;
  std::vector<NodeP> ins = {make_cast(x, compute)};
  int64_t D = x->shape.back();
  for (const NodeP& p : {w, b}) {
    if (!p) continue;
    if (!(p->ndim() == 1 && p->shape[0] == D))
      fail(ErrKind::VALUE, std::string(op_name(op)) + ": weight and bias must have shape (" + std::to_string(D) + ",), got " + shape_str(p->shape));
    ins.push_back(make_cast(p, compute));
  }
  if (ins.size() == 2) fail(ErrKind::VALUE, "layer_norm takes both weight and bias or neither");
  NodeP n = new_node(op, compute, x->shape, ins);
  n->value.f = eps;
  return make_cast(finish(n), x->dtype);
}

NodeP make_dense(Op op, DType dt, const Shape& shape, std::vector<NodeP> inputs, std::vector<int64_t> args) {
  NodeP n = new_node(op, dt, shape, std::move(inputs));
  n->args = std::move(args);
  return finish(n);
}

// ---- movement: a realized input gives a realized view at once; otherwise a lazy node ----

// A view of a realized node that requires grad keeps its op, attributes and input, so gradients
// flow through it like through the lazy movement node it stands for.
static NodeP view_of(const NodeP& x, const View& v, Op op, std::vector<int64_t> args = {}) {
  NodeP n = make_leaf(x->buf, x->dtype, v.shape, v.strides, v.offset);
  if (x->requires_grad() && g_grad_enabled) {
    n->op = op;
    n->args = std::move(args);
    n->inputs = {x};
    n->grad_role = Node::Grad::OP;
  }
  return n;
}

NodeP make_reshape(const NodeP& x, const Shape& req) {
  Shape shape = req;
  int unknown = -1;
  int64_t known = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      if (unknown >= 0) fail(ErrKind::VALUE, "can only specify one unknown dimension");
      unknown = static_cast<int>(i);
    } else if (shape[i] < 0) {
      fail(ErrKind::VALUE, "negative dimensions not allowed");
    } else {
      known = known * shape[i];
    }
  }
  int64_t n = x->size();
  if (unknown >= 0 && known != 0 && n % known == 0) shape[unknown] = n / known;
  if ((unknown >= 0 && (known == 0 || n % known != 0)) || numel(shape) != n) {
    Shape shown = req;
    fail(ErrKind::VALUE, "cannot reshape array of size " + std::to_string(n) + " into shape " + shape_str(shown));
  }
  if (shape == x->shape) return x;
  View v;
  if (x->realized() && view_reshape(x->view(), shape, &v)) return view_of(x, v, Op::RESHAPE, shape);
  NodeP r = new_node(Op::RESHAPE, x->dtype, shape, {x});
  r->args = shape;
  return finish(r);
}

NodeP make_permute(const NodeP& x, const std::vector<int64_t>& perm_in) {
  int nd = x->ndim();
  if (static_cast<int>(perm_in.size()) != nd) fail(ErrKind::VALUE, "axes don't match array");
  std::vector<int64_t> perm(nd);
  std::vector<bool> seen(nd, false);
  bool ident = true;
  for (int i = 0; i < nd; ++i) {
    perm[i] = normalize_axis(perm_in[i], nd);
    if (seen[perm[i]]) fail(ErrKind::VALUE, "repeated axis in transpose");
    seen[perm[i]] = true;
    ident = ident && perm[i] == i;
  }
  if (ident) return x;
  if (x->realized()) return view_of(x, view_permute(x->view(), perm), Op::PERMUTE, perm);
  Shape shape(nd);
  for (int i = 0; i < nd; ++i) shape[i] = x->shape[perm[i]];
  NodeP r = new_node(Op::PERMUTE, x->dtype, shape, {x});
  r->args = perm;
  return finish(r);
}

NodeP make_expand(const NodeP& x, const Shape& shape) {
  numel(shape);
  bool ok = shape.size() >= x->shape.size();
  for (size_t i = 0; ok && i < x->shape.size(); ++i) {
    int64_t d = x->shape[i], t = shape[shape.size() - x->shape.size() + i];
    ok = d == t || d == 1;
  }
  if (!ok)
    fail(ErrKind::VALUE, "operands could not be broadcast together with remapped shapes [original->remapped]: " +
                             shape_str(x->shape) + " and requested shape " + shape_str(shape));
  if (shape == x->shape) return x;
  if (x->realized()) return view_of(x, view_expand(x->view(), shape), Op::EXPAND);
  NodeP r = new_node(Op::EXPAND, x->dtype, shape, {x});
  return finish(r);
}

NodeP make_slice(const NodeP& x, const std::vector<int64_t>& start, const std::vector<int64_t>& step, const Shape& shape) {
  int nd = x->ndim();
  if (static_cast<int>(start.size()) != nd || static_cast<int>(step.size()) != nd || static_cast<int>(shape.size()) != nd)
    fail(ErrKind::VALUE, "slice: one start, step and length per dimension");
  for (int i = 0; i < nd; ++i) {
    if (step[i] == 0) fail(ErrKind::VALUE, "slice step cannot be zero");
    if (shape[i] < 0) fail(ErrKind::VALUE, "slice length cannot be negative");
    if (shape[i] == 0) continue;
    int64_t last = start[i] + (shape[i] - 1) * step[i];
    if (start[i] < 0 || start[i] >= x->shape[i] || last < 0 || last >= x->shape[i])
      fail(ErrKind::INDEX, "slice out of bounds for axis " + std::to_string(i) + " with size " + std::to_string(x->shape[i]));
  }
  if (shape == x->shape && std::all_of(step.begin(), step.end(), [](int64_t s) { return s == 1; })) return x;
  if (x->realized()) {
    std::vector<int64_t> a = start;
    a.insert(a.end(), step.begin(), step.end());
    return view_of(x, view_slice(x->view(), start, step, shape), Op::SLICE, a);
  }
  NodeP r = new_node(Op::SLICE, x->dtype, shape, {x});
  r->args = start;
  r->args.insert(r->args.end(), step.begin(), step.end());
  return finish(r);
}

NodeP make_concat(const std::vector<NodeP>& xs, int64_t axis) {
  if (xs.empty()) fail(ErrKind::VALUE, "need at least one array to concatenate");
  int nd = xs[0]->ndim();
  if (nd == 0) fail(ErrKind::VALUE, "zero-dimensional arrays cannot be concatenated");
  int ax = normalize_axis(axis, nd);
  DType dt = xs[0]->dtype;
  Shape shape = xs[0]->shape;
  shape[ax] = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    const NodeP& x = xs[i];
    if (x->ndim() != nd)
      fail(ErrKind::VALUE, "all the input arrays must have same number of dimensions, but the array at index 0 has " +
                               std::to_string(nd) + " dimension(s) and the array at index " + std::to_string(i) + " has " +
                               std::to_string(x->ndim()) + " dimension(s)");
    for (int d = 0; d < nd; ++d)
      if (d != ax && x->shape[d] != xs[0]->shape[d])
        fail(ErrKind::VALUE, "all the input array dimensions except for the concatenation axis must match exactly, but along dimension " +
                                 std::to_string(d) + ", the array at index 0 has size " + std::to_string(xs[0]->shape[d]) +
                                 " and the array at index " + std::to_string(i) + " has size " + std::to_string(x->shape[d]));
    shape[ax] += x->shape[ax];
    dt = promote(dt, x->dtype);
  }
  std::vector<NodeP> ins;
  for (auto& x : xs) ins.push_back(make_cast(x, dt));
  NodeP r = new_node(Op::CONCAT, dt, shape, ins);
  r->args = {ax};
  return finish(r);
}

NodeP make_copy(const NodeP& x) { return finish(new_node(Op::COPY, x->dtype, x->shape, {x})); }

NodeP make_detach(const NodeP& x) {
  if (x->realized()) return make_leaf(x->buf, x->dtype, x->shape, x->strides, x->offset);
  struct NoGrad {
    bool was = g_grad_enabled;
    NoGrad() { g_grad_enabled = false; }
    ~NoGrad() { g_grad_enabled = was; }
  } off;
  return make_copy(x);
}

NodeP make_assign(const NodeP& x, const NodeP& v, const std::vector<int64_t>& start, const std::vector<int64_t>& step,
                  const Shape& shape) {
  make_slice(x, start, step, shape);  // validates the region
  NodeP val = make_expand(make_cast(v, x->dtype), shape);
  NodeP r = new_node(Op::ASSIGN, x->dtype, x->shape, {x, val});
  r->args = start;
  r->args.insert(r->args.end(), step.begin(), step.end());
  return finish(r);
}

}  // namespace mnnx
