// Lowering: expressions with movement pushed down to strided loads, fused into blocked-VM programs;
// reductions, scans, row kernels and joins around them; then a memory plan for the intermediates.
#include <algorithm>
#include <functional>
#include <numeric>
#include <sstream>
#include <unordered_map>

#include "core/collect.h"

namespace mnnx {

namespace {


// ---- 2. lower: expressions with movement pushed down to loads ----
struct Step {
  Op op;
  std::vector<int64_t> args;
  Shape shape;
};
using Chain = std::vector<Step>;

struct Expr {
  Instr::Kind kind;
  Op op;
  DType dt;
  int a = -1, b = -1, c = -1;
  int arg = -1;  // LOAD: source; SCALAR: slot
};

struct ProgramBuilder {
  Shape shape;
  std::vector<Source> srcs;
  std::vector<Expr> exprs;
  std::unordered_map<std::string, int> memo;

  int add(const Expr& e, const std::string& key) {
    auto it = memo.find(key);
    if (it != memo.end()) return it->second;
    exprs.push_back(e);
    return memo[key] = static_cast<int>(exprs.size()) - 1;
  }
  int load(const Source& s) {
    std::ostringstream k;
    k << "L" << int(s.buf.kind) << ":" << s.buf.index << ":" << int(s.dt) << ":" << s.offset;
    for (auto st : s.strides) k << "," << st;
    auto it = memo.find(k.str());
    if (it != memo.end()) return it->second;
    srcs.push_back(s);
    Expr e{Instr::LOAD, Op::LEAF, s.dt};
    e.arg = static_cast<int>(srcs.size()) - 1;
    return add(e, k.str());
  }
  int scalar(int slot, DType dt) {
    Expr e{Instr::SCALAR, Op::SCALAR, dt};
    e.arg = slot;
    return add(e, "S" + std::to_string(slot));
  }
  int op(Instr::Kind kind, Op op, DType dt, int a, int b = -1, int c = -1) {
    Expr e{kind, op, dt, a, b, c};
    return add(e, "O" + std::to_string(int(kind)) + ":" + std::to_string(int(op)) + ":" + std::to_string(int(dt)) + ":" +
                      std::to_string(a) + ":" + std::to_string(b) + ":" + std::to_string(c));
  }
};

class Lowering {
 public:
  Lowering(const Collected& c, Plan& p) : c_(c), plan_(p) {
    for (Node* n : c.order)
      if (!n->realized())
        for (auto& in : n->inputs) ++uses_[in.get()];
  }

  BufRef materialize(Node* n) {
    auto it = done_.find(n);
    if (it != done_.end()) return it->second;
    BufRef out = c_.kept(n) >= 0 ? BufRef{BufRef::KEPT, c_.kept(n)} : new_intermediate(n);
    switch (op_kind(n->op)) {
      case OpKind::REDUCE: reduce_kernel(n, out); break;
      case OpKind::SCAN: scan_kernel(n, out); break;
      case OpKind::ROWNORM: row_kernel(n, out); break;
      case OpKind::CONCAT: n->op == Op::ASSIGN ? assign_kernels(n, out) : concat_kernels(n, out); break;
      case OpKind::DENSE: plan_.kernels.push_back(dense_kernel(n, out)); break;
      default: {
        // a dense producer this expression can finish in place: it writes n's buffer, then the
        // expression runs over each finished piece (bias + activation while the tile is in cache)
        Node* d = epilogue_producer(n);
        if (d) done_[d] = out;
        ProgramBuilder pb;
        pb.shape = n->shape;
        int r = lower_body(pb, n, {});
        if (d) {
          Kernel k = dense_kernel(d, out);
          k.has_epilogue = true;
          k.prog = finish(pb, r, {});
          plan_.kernels.push_back(std::move(k));
        } else {
          ew_kernel(std::move(pb), r, out, n->dtype, contiguous_strides(n->shape), 0);
        }
      }
    }
    done_[n] = out;
    return out;
  }

 private:
  BufRef new_intermediate(Node* n) {
    plan_.arena_size.push_back(static_cast<size_t>(n->size()) * dtype_size(n->dtype));
    return BufRef{BufRef::ARENA, static_cast<int32_t>(plan_.arena_size.size()) - 1};
  }

  // The value of n (shaped by chain) inside pb; n itself is never treated as materialized.
  int lower_body(ProgramBuilder& pb, Node* n, const Chain& chain) {
    OpKind k = op_kind(n->op);
    if (n->op == Op::SCALAR) return pb.scalar(c_.scalar(n), n->dtype);
    if (k == OpKind::MOVE) {
      Chain ch;
      ch.push_back(Step{n->op, n->args, n->shape});
      ch.insert(ch.end(), chain.begin(), chain.end());
      return lower(pb, n->inputs[0].get(), ch);
    }
    if (k == OpKind::COPY) return lower(pb, n->inputs[0].get(), chain);
    int in[3] = {-1, -1, -1};
    for (size_t i = 0; i < n->inputs.size(); ++i) {
      Node* x = n->inputs[i].get();
      if (x->shape == n->shape) {
        in[i] = lower(pb, x, chain);
      } else {
        Chain ch;
        ch.push_back(Step{Op::EXPAND, {}, n->shape});
        ch.insert(ch.end(), chain.begin(), chain.end());
        in[i] = lower(pb, x, ch);
      }
    }
    Instr::Kind ik = k == OpKind::UNARY ? Instr::UNARY : k == OpKind::BINARY ? Instr::BINARY
                   : k == OpKind::TERNARY ? Instr::WHERE : Instr::CAST;
    return pb.op(ik, n->op, n->dtype, in[0], in[1], in[2]);
  }

  int lower(ProgramBuilder& pb, Node* n, const Chain& chain) {
    if (n->realized()) return load(pb, BufRef{BufRef::SLOT, c_.slot(n)}, View{n->shape, n->strides, 0}, chain, n->dtype);
    if (n->op == Op::SCALAR) return pb.scalar(c_.scalar(n), n->dtype);
    OpKind k = op_kind(n->op);
    bool fusable = k == OpKind::MOVE || k == OpKind::COPY || is_elementwise(n->op);
    if (!fusable || c_.kept(n) >= 0 || done_.count(n)) {
      BufRef r = materialize(n);
      return load(pb, r, View{n->shape, contiguous_strides(n->shape), 0}, chain, n->dtype);
    }
    return lower_body(pb, n, chain);
  }

  int load(ProgramBuilder& pb, BufRef ref, View v, const Chain& chain, DType dt) {
    auto [r, w] = apply_chain(ref, v, chain, dt);
    return pb.load(Source{r, dt, w.strides, w.offset});
  }

  // Apply the chain to a view; a reshape no view can express copies what it has so far.
  std::pair<BufRef, View> apply_chain(BufRef ref, View v, const Chain& chain, DType dt) {
    for (const Step& s : chain) {
      switch (s.op) {
        case Op::RESHAPE: {
          View r;
          if (!view_reshape(v, s.shape, &r)) {
            ref = copy_kernel(ref, v, dt);
            view_reshape(View{v.shape, contiguous_strides(v.shape), 0}, s.shape, &r);
          }
          v = r;
          break;
        }
        case Op::PERMUTE: v = view_permute(v, s.args); break;
        case Op::EXPAND: v = view_expand(v, s.shape); break;
        case Op::SLICE: {
          size_t nd = s.shape.size();
          std::vector<int64_t> start(s.args.begin(), s.args.begin() + nd), step(s.args.begin() + nd, s.args.end());
          v = view_slice(v, start, step, s.shape);
          break;
        }
        default: break;
      }
    }
    return {ref, v};
  }

  // x as a strided view of a buffer: realized arrays and movement over computed values cost
  // nothing (a transposed matmul operand is read through its strides); the rest is computed first.
  std::pair<BufRef, View> operand(Node* x) {
    Chain ch;
    Node* n = x;
    while (!n->realized() && op_kind(n->op) == OpKind::MOVE && c_.kept(n) < 0 && !done_.count(n)) {
      ch.insert(ch.begin(), Step{n->op, n->args, n->shape});
      n = n->inputs[0].get();
    }
    if (n->realized()) return apply_chain(BufRef{BufRef::SLOT, c_.slot(n)}, View{n->shape, n->strides, 0}, ch, n->dtype);
    if (n->op == Op::SCALAR) return {materialize(x), View{x->shape, contiguous_strides(x->shape), 0}};
    return apply_chain(materialize(n), View{n->shape, contiguous_strides(n->shape), 0}, ch, n->dtype);
  }

  Kernel dense_kernel(Node* n, BufRef out) {
    Kernel k;
    k.kind = Kernel::DENSE;
    k.op = n->op;
    k.out = out;
    k.out_dt = n->dtype;
    k.out_shape = n->shape;
    k.args = n->args;
    for (auto& in : n->inputs) {
      auto [ref, v] = operand(in.get());
      k.ins.push_back(Source{ref, in->dtype, v.strides, v.offset});
      k.in_shapes.push_back(v.shape);
    }
    return k;
  }

  // The dense node that elementwise n can take as its producer: reached through same-shaped
  // elementwise nodes (the expression inlined into n's program), itself not kept, of n's shape and
  // dtype. The epilogue rewrites the dense buffer in place, so every node on a path from n down to
  // it may be read only from inside the expression (gelu(x @ w + b) reads x @ w + b twice).
  Node* epilogue_producer(Node* n) {
    if (!is_elementwise(n->op)) return nullptr;
    std::unordered_map<Node*, int> inside;  // reads of a node from within the expression
    std::vector<Node*> order{n}, dense;     // expression nodes in discovery order; candidates
    for (size_t i = 0; i < order.size(); ++i) {
      for (auto& in : order[i]->inputs) {
        Node* x = in.get();
        if (x->realized() || x->op == Op::SCALAR || x->shape != n->shape || c_.kept(x) >= 0 || done_.count(x)) continue;
        if (inside[x]++) continue;  // seen before
        if (op_kind(x->op) == OpKind::DENSE && x->dtype == n->dtype) dense.push_back(x);
        else if (is_elementwise(x->op)) order.push_back(x);
      }
    }
    std::unordered_map<Node*, bool> in_expr;
    for (Node* m : order) in_expr[m] = true;
    for (Node* d : dense) {
      if (inside[d] != uses_[d]) continue;
      std::unordered_map<Node*, bool> memo;
      std::function<bool(Node*)> reaches = [&](Node* m) {  // m reads d, through the expression
        if (m == d) return true;
        if (!in_expr.count(m)) return false;
        auto it = memo.find(m);
        if (it != memo.end()) return it->second;
        bool r = false;
        for (auto& in : m->inputs) r = r || reaches(in.get());
        return memo[m] = r;
      };
      bool ok = true;
      for (size_t i = 1; i < order.size() && ok; ++i) ok = !reaches(order[i]) || inside[order[i]] == uses_[order[i]];
      if (ok) return d;
    }
    return nullptr;
  }

  BufRef copy_kernel(BufRef ref, const View& v, DType dt) {
    plan_.arena_size.push_back(static_cast<size_t>(numel(v.shape)) * dtype_size(dt));
    BufRef out{BufRef::ARENA, static_cast<int32_t>(plan_.arena_size.size()) - 1};
    ProgramBuilder pb;
    pb.shape = v.shape;
    int r = pb.load(Source{ref, dt, v.strides, v.offset});
    ew_kernel(std::move(pb), r, out, dt, contiguous_strides(v.shape), 0);
    return out;
  }

  void ew_kernel(ProgramBuilder pb, int r, BufRef out, DType dt, Shape out_strides, int64_t out_offset) {
    Kernel k;
    k.kind = Kernel::EW;
    k.op = Op::COPY;
    k.out = out;
    k.out_dt = dt;
    k.out_strides = std::move(out_strides);
    k.out_offset = out_offset;
    k.prog = finish(pb, r, {&k.out_strides});
    plan_.kernels.push_back(std::move(k));
  }

  void reduce_kernel(Node* n, BufRef out) {
    Node* x = n->inputs[0].get();
    int nd = x->ndim();
    std::vector<int64_t> axes(n->args.begin(), n->args.end() - 1), keep;
    for (int d = 0; d < nd; ++d)
      if (std::find(axes.begin(), axes.end(), d) == axes.end()) keep.push_back(d);
    Kernel k;
    k.kind = Kernel::REDUCE;
    k.op = n->op;
    k.out = out;
    k.out_dt = n->dtype;
    k.reduce_outer = nd > 0 && std::find(axes.begin(), axes.end(), nd - 1) == axes.end() && !axes.empty();
    std::vector<int64_t> perm = k.reduce_outer ? axes : keep;
    perm.insert(perm.end(), (k.reduce_outer ? keep : axes).begin(), (k.reduce_outer ? keep : axes).end());
    int64_t kept_n = 1, red_n = 1;
    for (auto d : keep) kept_n *= x->shape[d];
    for (auto d : axes) red_n *= x->shape[d];
    k.outer = kept_n;
    k.inner = red_n;
    ProgramBuilder pb;
    pb.shape = view_permute(View{x->shape, x->shape, 0}, perm).shape;
    Chain ch;
    if (!std::is_sorted(perm.begin(), perm.end())) ch.push_back(Step{Op::PERMUTE, perm, pb.shape});
    int r = lower(pb, x, ch);
    k.prog = finish(pb, r, {});
    plan_.kernels.push_back(std::move(k));
  }

  void scan_kernel(Node* n, BufRef out) {
    Node* x = n->inputs[0].get();
    int nd = x->ndim();
    int64_t ax = n->args[0];
    std::vector<int64_t> perm;
    for (int d = 0; d < nd; ++d)
      if (d != ax) perm.push_back(d);
    perm.push_back(ax);
    Kernel k;
    k.kind = Kernel::SCAN;
    k.op = n->op;
    k.out = out;
    k.out_dt = n->dtype;
    k.inner = x->shape[ax];
    k.outer = k.inner ? x->size() / k.inner : 0;
    ProgramBuilder pb;
    pb.shape = view_permute(View{x->shape, x->shape, 0}, perm).shape;
    Chain ch;
    if (ax != nd - 1) ch.push_back(Step{Op::PERMUTE, perm, pb.shape});
    int r = lower(pb, x, ch);
    k.out_strides = view_permute(View{x->shape, contiguous_strides(x->shape), 0}, perm).strides;
    k.prog = finish(pb, r, {&k.out_strides});
    plan_.kernels.push_back(std::move(k));
  }

  void row_kernel(Node* n, BufRef out) {
    Kernel k;
    k.kind = Kernel::ROW;
    k.op = n->op;
    k.out = out;
    k.out_dt = n->dtype;
    k.eps = n->value.f;
    k.inner = n->shape.back();
    k.outer = k.inner ? n->size() / k.inner : 0;
    for (size_t i = 0; i < n->inputs.size(); ++i) {
      ProgramBuilder pb;
      pb.shape = n->inputs[i]->shape;
      int r = lower(pb, n->inputs[i].get(), {});
      Program p = finish(pb, r, {});
      if (i == 0) k.prog = std::move(p);
      else k.extra.push_back(std::move(p));
    }
    plan_.kernels.push_back(std::move(k));
  }

  void concat_kernels(Node* n, BufRef out) {
    int64_t ax = n->args[0], pos = 0;
    Shape st = contiguous_strides(n->shape);
    for (auto& in : n->inputs) {
      ProgramBuilder pb;
      pb.shape = in->shape;
      int r = lower(pb, in.get(), {});
      ew_kernel(std::move(pb), r, out, n->dtype, st, pos * st[ax]);
      pos += in->shape[ax];
    }
  }

  // Copy x, then write the value over its region: the region is a strided view of the output.
  void assign_kernels(Node* n, BufRef out) {
    Shape st = contiguous_strides(n->shape);
    ProgramBuilder pb;
    pb.shape = n->shape;
    int r = lower(pb, n->inputs[0].get(), {});
    ew_kernel(std::move(pb), r, out, n->dtype, st, 0);
    Node* v = n->inputs[1].get();
    size_t nd = n->shape.size();
    std::vector<int64_t> start(n->args.begin(), n->args.begin() + nd), step(n->args.begin() + nd, n->args.end());
    View region = view_slice(View{n->shape, st, 0}, start, step, v->shape);
    ProgramBuilder pv;
    pv.shape = v->shape;
    int rv = lower(pv, v, {});
    ew_kernel(std::move(pv), rv, out, n->dtype, region.strides, region.offset);
  }

  // x*y + z as one pass when the product has no other use (float types; still rounded twice)
  static void fuse_muladd(ProgramBuilder& pb, int result) {
    std::vector<int> uses(pb.exprs.size(), 0);
    for (auto& e : pb.exprs)
      for (int a : {e.a, e.b, e.c})
        if (a >= 0) ++uses[a];
    ++uses[result];
    for (auto& e : pb.exprs) {
      if (!(e.kind == Instr::BINARY && e.op == Op::ADD && (e.dt == DType::FLOAT32 || e.dt == DType::FLOAT64))) continue;
      for (int side = 0; side < 2; ++side) {
        int m = side ? e.b : e.a, other = side ? e.a : e.b;
        Expr& me = pb.exprs[m];
        if (!(me.kind == Instr::BINARY && me.op == Op::MUL && me.dt == e.dt && uses[m] == 1)) continue;
        e = Expr{Instr::MULADD, Op::ADD, e.dt, me.a, me.b, other};
        me.kind = Instr::LOAD;  // dead now: marked so finish() skips it
        me.op = Op::COUNT;
        break;
      }
    }
  }

  // Merge dims that every stride walks contiguously and drop size-1 dims: the linear order of the
  // iteration space is unchanged, so kernels that walk linear ranges see the same elements.
  Program finish(ProgramBuilder& pb, int result, std::vector<Shape*> extra_strides) {
    Program p;
    p.dt = pb.exprs[result].dt;
    std::vector<Shape*> all = extra_strides;
    for (auto& s : pb.srcs) all.push_back(&s.strides);
    const Shape& shape = pb.shape;
    Shape ns;
    std::vector<Shape> nst(all.size());
    for (int d = 0; d < static_cast<int>(shape.size()); ++d) {
      if (shape[d] == 1) continue;
      bool can_merge = !ns.empty();
      for (size_t j = 0; can_merge && j < all.size(); ++j) can_merge = nst[j].back() == (*all[j])[d] * shape[d];
      if (can_merge) {
        ns.back() *= shape[d];
        for (size_t j = 0; j < all.size(); ++j) nst[j].back() = (*all[j])[d];
      } else {
        ns.push_back(shape[d]);
        for (size_t j = 0; j < all.size(); ++j) nst[j].push_back((*all[j])[d]);
      }
    }
    for (size_t j = 0; j < all.size(); ++j) *all[j] = nst[j];
    p.shape = ns;
    p.srcs = pb.srcs;
    fuse_muladd(pb, result);
    // invariance and last use
    int ne = static_cast<int>(pb.exprs.size());
    std::vector<bool> inv(ne);
    std::vector<int> last(ne, -1);
    for (int i = 0; i < ne; ++i) {
      const Expr& e = pb.exprs[i];
      if (e.kind == Instr::LOAD && e.op == Op::COUNT) continue;  // folded into a MULADD
      if (e.kind == Instr::SCALAR) inv[i] = true;
      else if (e.kind == Instr::LOAD) inv[i] = std::all_of(p.srcs[e.arg].strides.begin(), p.srcs[e.arg].strides.end(), [](int64_t s) { return s == 0; });
      else {
        inv[i] = true;
        for (int a : {e.a, e.b, e.c})
          if (a >= 0) { inv[i] = inv[i] && inv[a]; last[a] = i; }
      }
    }
    last[result] = ne;
    auto row_constant = [&](int i) {
      const Expr& e = pb.exprs[i];
      return e.kind == Instr::LOAD && e.op != Op::COUNT && !p.srcs[e.arg].strides.empty() && p.srcs[e.arg].strides.back() == 0;
    };
    // registers: invariant values keep theirs; others are freed at their last use
    std::vector<int> reg(ne, -1), free_regs;
    int nregs = 0;
    const KernelTable& kt = kernels();
    for (int i = 0; i < ne; ++i) {
      const Expr& e = pb.exprs[i];
      if (last[i] < 0) continue;  // dead (deduplicated away)
      if (!inv[i] && !free_regs.empty()) { reg[i] = free_regs.back(); free_regs.pop_back(); }
      else reg[i] = nregs++;
      Instr in{};
      in.kind = e.kind;
      in.dt = e.dt;
      in.out = static_cast<int16_t>(reg[i]);
      in.a = static_cast<int16_t>(e.a >= 0 ? reg[e.a] : -1);
      in.b = static_cast<int16_t>(e.b >= 0 ? reg[e.b] : -1);
      in.c = static_cast<int16_t>(e.c >= 0 ? reg[e.c] : -1);
      in.arg = e.arg;
      in.invariant = inv[i];
      int d = static_cast<int>(e.dt);
      switch (e.kind) {
        case Instr::UNARY: in.fn = reinterpret_cast<void*>(kt.unary[int(e.op)][int(pb.exprs[e.a].dt)]); break;
        case Instr::BINARY: in.fn = reinterpret_cast<void*>(kt.binary[int(e.op)][int(pb.exprs[e.a].dt)]); break;
        case Instr::WHERE: in.fn = reinterpret_cast<void*>(kt.where[d]); break;
        case Instr::MULADD: in.fn = reinterpret_cast<void*>(kt.muladd[d]); break;
        case Instr::CAST: in.fn = reinterpret_cast<void*>(kt.cast[int(pb.exprs[e.a].dt)][d]); break;
        default: in.fn = nullptr;
      }
      if ((e.kind == Instr::UNARY || e.kind == Instr::BINARY || e.kind == Instr::CAST) && !in.fn)
        fail(ErrKind::TYPE, std::string("no kernel for ") + op_name(e.op) + " on " + dtype_name(pb.exprs[e.a].dt));
      p.code.push_back(in);
      // inputs whose last use is this instruction give their registers back (after the output took one,
      // so an instruction never writes over its own input)
      // ... except a load that is constant along the last dim (a per-channel operand): the executor
      // keeps its repeated value in the register from one block to the next if nothing else writes it
      for (int a : {e.a, e.b, e.c})
        if (a >= 0 && last[a] == i && !inv[a] && reg[a] >= 0 && !row_constant(a)) { free_regs.push_back(reg[a]); reg[a] = -2; }
    }
    p.nregs = nregs;
    p.result = reg[result] >= 0 ? reg[result] : 0;
    return p;
  }

  const Collected& c_;
  Plan& plan_;
  std::unordered_map<Node*, BufRef> done_;
  std::unordered_map<Node*, int> uses_;  // consumers of each node inside this graph
};

// ---- 3. memory plan: best-fit offsets for intermediates by liveness ----
void plan_memory(Plan& p) {
  size_t n = p.arena_size.size();
  std::vector<int> first(n, INT32_MAX), lastu(n, -1);
  auto touch = [&](const BufRef& r, int k) {
    if (r.kind != BufRef::ARENA) return;
    first[r.index] = std::min(first[r.index], k);
    lastu[r.index] = std::max(lastu[r.index], k);
  };
  for (int k = 0; k < static_cast<int>(p.kernels.size()); ++k) {
    const Kernel& K = p.kernels[k];
    touch(K.out, k);
    for (auto& s : K.prog.srcs) touch(s.buf, k);
    for (auto& e : K.extra)
      for (auto& s : e.srcs) touch(s.buf, k);
    for (auto& s : K.ins) touch(s.buf, k);
  }
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return p.arena_size[a] > p.arena_size[b]; });
  p.arena_offset.assign(n, 0);
  std::vector<size_t> placed;
  size_t total = 0;
  for (size_t i : order) {
    size_t sz = (p.arena_size[i] + 63) / 64 * 64;
    // gaps between live, placed blocks; take the smallest that fits
    std::vector<std::pair<size_t, size_t>> busy;
    for (size_t j : placed)
      if (!(lastu[j] < first[i] || lastu[i] < first[j])) busy.push_back({p.arena_offset[j], (p.arena_size[j] + 63) / 64 * 64});
    std::sort(busy.begin(), busy.end());
    size_t best = SIZE_MAX, best_gap = SIZE_MAX, pos = 0;
    for (auto& [off, len] : busy) {
      if (off >= pos && off - pos >= sz && off - pos < best_gap) { best = pos; best_gap = off - pos; }
      pos = std::max(pos, off + len);
    }
    if (best == SIZE_MAX) best = pos;
    p.arena_offset[i] = best;
    total = std::max(total, best + sz);
    placed.push_back(i);
  }
  p.arena_bytes = total;
}

// ---- 4. the cache ----
}  // namespace

std::shared_ptr<Plan> build_plan(const Collected& c) {
  auto plan = std::make_shared<Plan>();
  Lowering low(c, *plan);
  for (Node* k : c.kepts) low.materialize(k);
  for (Node* k : c.kepts) plan->kept.push_back({k->dtype, k->shape});
  plan_memory(*plan);
  return plan;
}

}  // namespace mnnx
