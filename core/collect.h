// What the scheduler's stages share: the collected graph, and the lowering that turns it into a plan.
#pragma once
#include <unordered_map>
#include <vector>

#include "core/plan.h"

namespace mnnx {

// The unrealized graph below the requested nodes, in post order, with the bindings a plan needs
// and the structural key it is cached under.
struct Collected {
  std::vector<Node*> order;
  std::unordered_map<Node*, int> id;
  std::vector<int> slot_of, scalar_of, kept_of;  // by id; -1 where it does not apply
  std::vector<Node*> slots, scalars, kepts;
  std::vector<int64_t> key;
  int slot(Node* n) const { return slot_of[id.at(n)]; }
  int scalar(Node* n) const { return scalar_of[id.at(n)]; }
  int kept(Node* n) const {
    auto it = id.find(n);
    return it == id.end() ? -1 : kept_of[it->second];
  }
};

// Lower a collected graph into kernels with a memory plan (core/lowering.cpp).
std::shared_ptr<Plan> build_plan(const Collected& c);

}  // namespace mnnx
