// The Python handle on a graph node. Counting handles tells realize which nodes Python holds.
#pragma once
#include "core/graph.h"

namespace mnnx {

struct Var {
  NodeP node;
  // false for a handle that keeps a node alive without counting as held by Python (a view family's
  // private root, src/mnnx/numpy/_alias.py): realize need not materialize what only it holds
  bool counted = true;
  explicit Var(NodeP n, bool counted_ = true) : node(std::move(n)), counted(counted_) {
    if (node && counted) ++node->py_refs;
  }
  Var(const Var& o) : node(o.node) { if (node) ++node->py_refs; }
  Var(Var&& o) noexcept : node(std::move(o.node)), counted(o.counted) {}
  Var& operator=(const Var&) = delete;
  ~Var() { if (node && counted) --node->py_refs; }
};

}  // namespace mnnx
