// Realize: collect the unrealized graph, look its structure up in the plan cache, and on a miss
// lower it into fused kernels (movement ops pushed down to strided loads) with a memory plan.
#include <algorithm>
#include <cstring>
#include <mutex>
#include <numeric>
#include <sstream>
#include <unordered_map>

#include "core/cast.h"
#include "core/collect.h"

namespace mnnx {

static void run_direct(void (*fn)(void*), void* ctx) { fn(ctx); }
void (*run_unlocked)(void (*fn)(void*), void* ctx) = run_direct;

namespace {

// ---- 1. collect: post-order walk; the key encodes everything the plan depends on ----
void collect(Node* n, Collected& c, const std::unordered_map<Node*, bool>& requested) {
  if (c.id.count(n)) return;
  std::vector<std::pair<Node*, size_t>> stack{{n, 0}};
  while (!stack.empty()) {
    auto& [m, i] = stack.back();
    bool leaf = m->realized() || m->op == Op::SCALAR;
    if (!leaf && i < m->inputs.size()) {
      Node* in = m->inputs[i++].get();
      if (!c.id.count(in)) stack.push_back({in, 0});
      continue;
    }
    if (!c.id.count(m)) {
      int id = static_cast<int>(c.order.size());
      c.id[m] = id;
      c.order.push_back(m);
      c.slot_of.push_back(-1);
      c.scalar_of.push_back(-1);
      c.kept_of.push_back(-1);
      auto& k = c.key;
      if (m->realized()) {
        c.slot_of[id] = static_cast<int>(c.slots.size());
        c.slots.push_back(m);
        k.push_back(-1);
        k.push_back(static_cast<int64_t>(m->dtype));
        k.push_back(m->ndim());
        k.insert(k.end(), m->shape.begin(), m->shape.end());
        k.insert(k.end(), m->strides.begin(), m->strides.end());
      } else if (m->op == Op::SCALAR) {
        // equal constants share a slot (and so one register); which ones are equal is part of the key
        int slot = -1;
        for (size_t j = 0; j < c.scalars.size() && j < 64 && slot < 0; ++j)
          if (c.scalars[j]->dtype == m->dtype && c.scalars[j]->value.u == m->value.u) slot = static_cast<int>(j);
        if (slot < 0) {
          slot = static_cast<int>(c.scalars.size());
          c.scalars.push_back(m);
        }
        c.scalar_of[id] = slot;
        k.push_back(-2);
        k.push_back(static_cast<int64_t>(m->dtype));
        k.push_back(slot);
      } else {
        bool keep = m->py_refs > 0 || requested.count(m);
        if (keep) {
          c.kept_of[id] = static_cast<int>(c.kepts.size());
          c.kepts.push_back(m);
        }
        k.push_back(static_cast<int64_t>(m->op) * 2 + keep);
        k.push_back(static_cast<int64_t>(m->dtype));
        k.push_back(m->ndim());
        k.insert(k.end(), m->shape.begin(), m->shape.end());
        k.push_back(static_cast<int64_t>(m->args.size()));
        k.insert(k.end(), m->args.begin(), m->args.end());
        if (op_kind(m->op) == OpKind::ROWNORM) {
          int64_t bits;
          std::memcpy(&bits, &m->value.f, 8);
          k.push_back(bits);
        }
        k.push_back(static_cast<int64_t>(m->inputs.size()));
        for (auto& in : m->inputs) k.push_back(c.id.at(in.get()));
      }
    }
    stack.pop_back();
  }
}
struct Cache {
  std::unordered_map<uint64_t, std::vector<std::pair<std::vector<int64_t>, std::shared_ptr<Plan>>>> map;
  int64_t hits = 0, misses = 0, plans = 0;
};
Cache& cache() {
  static Cache* c = new Cache;
  return *c;
}
constexpr int64_t kMaxPlans = 4096;

uint64_t hash_key(const std::vector<int64_t>& k) {
  uint64_t h = 1469598103934665603ull;
  for (int64_t v : k) h = (h ^ static_cast<uint64_t>(v)) * 1099511628211ull + (h >> 29);
  return h;
}

std::shared_ptr<Plan> get_plan(const Collected& c) {
  Cache& ca = cache();
  uint64_t h = hash_key(c.key);
  auto& bucket = ca.map[h];
  for (auto& [k, p] : bucket)
    if (k == c.key) { ++ca.hits; return p; }
  ++ca.misses;
  if (ca.plans >= kMaxPlans) { ca.map.clear(); ca.plans = 0; }
  auto p = build_plan(c);
  ca.map[h].push_back({c.key, p});
  ++ca.plans;
  return p;
}

struct RunCtx {
  const Plan* plan;
  const Bindings* b;
};

}  // namespace

CacheInfo plan_cache_info() { return {cache().hits, cache().misses, cache().plans}; }
void plan_cache_clear() {
  cache().map.clear();
  cache().plans = 0;
}

static Collected collect_outputs(const std::vector<NodeP>& outs) {
  Collected c;
  std::unordered_map<Node*, bool> req;
  for (auto& o : outs)
    if (!o->realized() && o->op != Op::SCALAR) req[o.get()] = true;
  for (auto& o : outs)
    if (!o->realized() && o->op != Op::SCALAR) collect(o.get(), c, req);
  return c;
}

void realize(const std::vector<NodeP>& outs) {
  // A requested bare scalar becomes a 0-d buffer directly.
  for (auto& o : outs)
    if (!o->realized() && o->op == Op::SCALAR) {
      o->buf = Buffer::allocate(8);
      scalar_to_bytes(o->value, o->dtype, o->buf->data);
      o->strides = {};
      o->offset = 0;
    }
  Collected c = collect_outputs(outs);
  if (c.kepts.empty()) return;
  std::shared_ptr<Plan> plan = get_plan(c);
  Bindings b;
  for (Node* s : c.slots) b.slots.push_back(s->data_ptr());
  for (Node* s : c.scalars) b.scalars.push_back(s->value);
  std::vector<std::shared_ptr<Buffer>> bufs;
  for (auto& [dt, shape] : plan->kept) {
    bufs.push_back(Buffer::allocate(static_cast<size_t>(numel(shape)) * dtype_size(dt)));
    b.kept.push_back(bufs.back()->data);
  }
  std::shared_ptr<Buffer> arena;
  if (plan->arena_bytes) {
    if (plan->arena_busy || !plan->arena) arena = Buffer::allocate(plan->arena_bytes);
    else arena = plan->arena;
    if (!plan->arena) plan->arena = arena;
    b.arena = static_cast<char*>(arena->data);
  }
  plan->arena_busy = true;
  RunCtx ctx{plan.get(), &b};
  try {
    run_unlocked([](void* p) { auto* r = static_cast<RunCtx*>(p); execute(*r->plan, *r->b); }, &ctx);
  } catch (...) {
    plan->arena_busy = false;
    throw;
  }
  plan->arena_busy = false;
  for (size_t i = 0; i < c.kepts.size(); ++i) {
    Node* n = c.kepts[i];
    n->buf = bufs[i];
    n->strides = contiguous_strides(n->shape);
    n->offset = 0;
    n->depth = 0;
    if (n->grad_role != Node::Grad::OP) n->inputs.clear();  // autograd walks these inputs later
  }
}

std::string explain(const std::vector<NodeP>& outs) {
  Collected c = collect_outputs(outs);
  std::ostringstream s;
  if (c.kepts.empty()) return "nothing to compute: every requested value is realized\n";
  bool cached = false;
  for (auto& [k, p] : cache().map[hash_key(c.key)]) cached = cached || k == c.key;
  auto plan = build_plan(c);
  s << "plan: " << plan->kernels.size() << " kernel(s), " << c.order.size() << " graph node(s), "
    << c.slots.size() << " input buffer(s), " << c.kepts.size() << " output(s), arena " << plan->arena_bytes
    << " bytes, " << (cached ? "cached" : "not cached yet") << ", isa " << isa_name() << "\n";
  static const char* kinds[] = {"fused elementwise", "reduce", "scan", "row", "dense"};
  auto ref = [&](const BufRef& r) {
    std::string k = r.kind == BufRef::SLOT ? "input" : r.kind == BufRef::KEPT ? "output" : "arena";
    std::string extra = r.kind == BufRef::ARENA ? "@" + std::to_string(plan->arena_offset[r.index]) : "";
    return k + "#" + std::to_string(r.index) + extra;
  };
  for (size_t i = 0; i < plan->kernels.size(); ++i) {
    const Kernel& k = plan->kernels[i];
    int ops = 0;
    for (auto& in : k.prog.code) ops += in.kind != Instr::LOAD && in.kind != Instr::SCALAR;
    s << "  [" << i << "] " << kinds[k.kind];
    if (k.kind != Kernel::EW) s << " " << op_name(k.op);
    if (k.kind == Kernel::DENSE) {
      s << " -> " << shape_str(k.out_shape) << " " << dtype_name(k.out_dt) << ", reads";
      for (auto& src : k.ins) s << " " << ref(src.buf);
      if (k.has_epilogue) s << ", fused epilogue of " << ops << " op(s)";
      s << " -> " << ref(k.out) << "\n";
      continue;
    }
    s << " over " << shape_str(k.prog.shape) << " " << dtype_name(k.out_dt) << ": " << ops << " fused op(s), "
      << k.prog.nregs << " register(s), reads";
    for (auto& src : k.prog.srcs) s << " " << ref(src.buf);
    s << " -> " << ref(k.out) << "\n";
  }
  return s.str();
}

}  // namespace mnnx