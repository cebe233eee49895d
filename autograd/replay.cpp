#include "autograd/replay.h"

#include <memory>
#include <unordered_map>

namespace mnnx {

namespace {

struct Ref {
  enum Kind : int8_t { NONE, KNOWN, MADE } kind = NONE;
  int32_t index = -1;
};

// One node the rules built: a copy of it without inputs (cloned with `ins` resolved), or a
// realized view of a known node's buffer (rules transpose realized weights: views are made at once).
struct TapeNode {
  Node proto;
  std::vector<Ref> ins;
  bool view = false;
  int32_t base = -1;   // view: the known node whose buffer it reads
  int64_t delta = 0;   // view: its offset minus the base's
};

struct Tape {
  std::vector<TapeNode> nodes;
  std::vector<Ref> grads;
  std::vector<int32_t> leaves;  // leaves mode: known index of each gradient's leaf
};

struct Cache {
  std::unordered_map<uint64_t, std::vector<std::pair<std::vector<int64_t>, std::shared_ptr<Tape>>>> map;
  int64_t hits = 0, misses = 0, tapes = 0;
};
Cache& cache() {
  static Cache* c = new Cache;
  return *c;
}
constexpr int64_t kMaxTapes = 1024;

uint64_t hash_key(const std::vector<int64_t>& k) {
  uint64_t h = 1469598103934665603ull;
  for (int64_t v : k) h = (h ^ static_cast<uint64_t>(v)) * 1099511628211ull + (h >> 29);
  return h;
}

// shared: a replay that realizes a long chain lets go of the GIL, and another thread may clear the cache
std::shared_ptr<const Tape> find(const BackwardWalk& w) {
  auto it = cache().map.find(hash_key(w.key));
  if (it == cache().map.end()) return nullptr;
  for (auto& [k, t] : it->second)
    if (k == w.key) return t;
  return nullptr;
}

// Walk state: the known numbering, and for realized nodes the first known node on the same buffer
// (views of one buffer must stay views of one buffer for a recorded view to be valid).
struct Walker {
  BackwardWalk& w;
  std::unordered_map<Node*, int32_t> index;
  std::unordered_map<Buffer*, int32_t> first_on_buf;

  int32_t discover(const NodeP& n) {
    auto it = index.find(n.get());
    if (it != index.end()) return it->second;
    int32_t id = static_cast<int32_t>(w.known.size());
    index.emplace(n.get(), id);
    w.known.push_back(n);
    auto& k = w.key;
    k.push_back(static_cast<int64_t>(n->op));
    k.push_back(static_cast<int64_t>(n->dtype));
    k.push_back(n->ndim());
    k.insert(k.end(), n->shape.begin(), n->shape.end());
    k.push_back(static_cast<int64_t>(n->args.size()));
    k.insert(k.end(), n->args.begin(), n->args.end());
    k.push_back(static_cast<int64_t>(n->value.u));
    k.push_back(n->weak * 4 + n->huge + 1);
    k.push_back(static_cast<int64_t>(n->grad_role));
    if (n->realized()) {
      auto [b, fresh] = first_on_buf.emplace(n->buf.get(), id);
      const Node& first = *w.known[b->second];
      k.push_back(b->second);
      k.push_back(n->offset - first.offset);
      k.insert(k.end(), n->strides.begin(), n->strides.end());
    } else {
      k.push_back(-1);
    }
    return id;
  }
};

}  // namespace

BackwardWalk walk_backward(const std::vector<NodeP>& roots, const std::vector<NodeP>& seeds,
                           const std::vector<NodeP>* targets) {
  BackwardWalk w;
  w.known.reserve(64);
  w.key.reserve(1024);
  Walker s{w, {}, {}};
  s.index.reserve(128);
  w.key.push_back(static_cast<int64_t>(seeds.size()));
  for (auto& sd : seeds) s.discover(sd);
  w.key.push_back(-3);
  std::vector<Node*> stack;
  std::unordered_map<Node*, bool> expanded;
  for (auto& r : roots) {
    w.key.push_back(s.discover(r));
    if (r->requires_grad()) stack.push_back(r.get());
  }
  while (!stack.empty()) {
    Node* n = stack.back();
    stack.pop_back();
    if (!expanded.emplace(n, true).second) continue;
    int32_t id = s.index.at(n);
    w.walked.push_back(id);
    if (n->grad_role != Node::Grad::OP) continue;
    if (n->inputs.empty()) w.cacheable = false;  // its graph was freed: the rules' walk raises
    w.key.push_back(-4);
    w.key.push_back(id);
    w.key.push_back(static_cast<int64_t>(n->inputs.size()));
    for (auto& in : n->inputs) w.key.push_back(s.discover(in));
    for (auto& in : n->inputs) {
      // a rule may look one level into an input that takes no gradient (where's rule asks whether
      // its condition compares the selected value), so that level is part of the structure too
      if (in->requires_grad() || !expanded.emplace(in.get(), true).second) continue;
      w.key.push_back(-7);
      w.key.push_back(s.index.at(in.get()));
      w.key.push_back(static_cast<int64_t>(in->inputs.size()));
      for (auto& sub : in->inputs) w.key.push_back(s.discover(sub));
    }
    for (auto it = n->inputs.rbegin(); it != n->inputs.rend(); ++it)
      if ((*it)->requires_grad() && !expanded.count(it->get())) stack.push_back(it->get());
  }
  w.key.push_back(-5);
  if (targets) {
    for (auto& t : *targets) {
      auto it = s.index.find(t.get());
      w.targets.push_back(it == s.index.end() ? -1 : it->second);
      w.key.push_back(w.targets.back());
    }
  } else {
    w.leaves_mode = true;
    w.key.push_back(-6);
  }
  return w;
}

bool replay_backward(const BackwardWalk& w, std::vector<NodeP>& grads, std::vector<NodeP>& leaves) {
  if (!w.cacheable) return false;
  std::shared_ptr<const Tape> t = find(w);
  if (!t) {
    ++cache().misses;
    return false;
  }
  ++cache().hits;
  std::vector<NodeP> made(t->nodes.size());
  auto resolve = [&](const Ref& r) -> NodeP {
    if (r.kind == Ref::KNOWN) return w.known[r.index];
    if (r.kind == Ref::MADE) return made[r.index];
    return nullptr;
  };
  for (size_t i = 0; i < t->nodes.size(); ++i) {
    const TapeNode& tn = t->nodes[i];
    if (tn.view) {
      const NodeP& base = w.known[tn.base];
      made[i] = make_leaf(base->buf, tn.proto.dtype, tn.proto.shape, tn.proto.strides, base->offset + tn.delta);
      continue;
    }
    auto n = std::make_shared<Node>(tn.proto);
    int32_t depth = 0;
    n->inputs.reserve(tn.ins.size());
    for (const Ref& r : tn.ins) {
      n->inputs.push_back(resolve(r));
      const Node& in = *n->inputs.back();
      depth = std::max(depth, in.realized() ? 0 : in.depth);
    }
    n->depth = depth + 1;
    if (n->depth > kMaxDepth) realize({n});  // as when the rules built it: long chains stay bounded
    made[i] = std::move(n);
  }
  grads.clear();
  leaves.clear();
  for (const Ref& r : t->grads) grads.push_back(resolve(r));
  for (int32_t l : t->leaves) leaves.push_back(w.known[l]);
  return true;
}

void record_backward(const BackwardWalk& w, const std::vector<NodeP>& grads, const std::vector<NodeP>& leaves) {
  if (!w.cacheable || find(w)) return;
  auto t = std::make_shared<Tape>();
  std::unordered_map<Node*, Ref> ref;
  std::unordered_map<Buffer*, int32_t> on_buf;
  for (size_t i = 0; i < w.known.size(); ++i) {
    Node* n = w.known[i].get();
    ref.emplace(n, Ref{Ref::KNOWN, static_cast<int32_t>(i)});
    if (n->realized()) on_buf.emplace(n->buf.get(), static_cast<int32_t>(i));
  }
  // post order over what the rules built, stopping at known nodes
  bool ok = true;
  auto map = [&](auto&& self, const NodeP& n) -> Ref {
    if (!n) return Ref{};
    auto it = ref.find(n.get());
    if (it != ref.end()) return it->second;
    TapeNode tn;
    if (n->realized()) {
      auto b = on_buf.find(n->buf.get());
      if (b == on_buf.end()) {
        ok = false;  // a buffer of its own (a constant, or a chain realized past kMaxDepth)
        return Ref{};
      }
      tn.view = true;
      tn.base = b->second;
      tn.delta = n->offset - w.known[b->second]->offset;
    } else {
      if (n->grad_role != Node::Grad::NONE) ok = false;  // built in grad mode: not replayed
      for (auto& in : n->inputs) tn.ins.push_back(self(self, in));
    }
    if (!ok) return Ref{};
    tn.proto.op = n->op;
    tn.proto.dtype = n->dtype;
    tn.proto.shape = n->shape;
    tn.proto.args = n->args;
    tn.proto.value = n->value;
    tn.proto.weak = n->weak;
    tn.proto.huge = n->huge;
    tn.proto.strides = n->strides;
    Ref r{Ref::MADE, static_cast<int32_t>(t->nodes.size())};
    t->nodes.push_back(std::move(tn));
    ref.emplace(n.get(), r);
    return r;
  };
  for (auto& g : grads) {
    t->grads.push_back(map(map, g));
    if (!ok) return;
  }
  for (auto& l : leaves) {
    auto it = ref.find(l.get());
    if (it == ref.end() || it->second.kind != Ref::KNOWN) return;
    t->leaves.push_back(it->second.index);
  }
  Cache& c = cache();
  if (c.tapes >= kMaxTapes) {
    c.map.clear();
    c.tapes = 0;
  }
  c.map[hash_key(w.key)].push_back({w.key, std::move(t)});
  ++c.tapes;
}

void free_graph(Node& n) {
  if (n.realized() && n.grad_role == Node::Grad::OP && op_kind(n.op) != OpKind::MOVE) n.inputs.clear();
}

ReplayInfo replay_info() { return {cache().hits, cache().misses, cache().tapes}; }
void replay_clear() {
  cache().map.clear();
  cache().tapes = 0;
}

}  // namespace mnnx
