// The Python handle on a graph node. Counting handles tells realize which nodes Python holds.
#pragma once
#include "core/graph.h"

namespace mnnx {

struct Var {
  NodeP node;
  explicit Var(NodeP n) : node(std::move(n)) { if (node) ++node->py_refs; }
  Var(const Var& o) : node(o.node) { if (node) ++node->py_refs; }
  Var(Var&& o) noexcept : node(std::move(o.node)) {}
  Var& operator=(const Var&) = delete;
  ~Var() { if (node) --node->py_refs; }
};

}  // namespace mnnx
