// A backward pass recorded once per forward-graph structure and replayed as node clones.
//
// The VJP rules (src/mnnx/autograd/_rules.py) see only the structure of the graph they walk: each
// node's op, attributes, shape and dtype, those of its direct inputs, and for an input that takes
// no gradient, which nodes it reads. So the backward graph the
// rules emit for one structure is the same for every graph of that structure, up to which forward
// nodes it reads. A training step rebuilt each iteration walks the rules once; later steps clone
// the recorded nodes onto the new forward graph (no Python per op), and the clone is structurally
// the recorded graph, so it hits the plan cache too.
#pragma once
#include <cstdint>
#include <vector>

#include "core/graph.h"

namespace mnnx {

// The walk of one backward call: the nodes the rules can see, numbered in a deterministic order
// (the seeds first, then a depth-first walk over the nodes that require grad, each adding its direct
// inputs and the inputs of those that take no gradient), and the structural key of all that.
struct BackwardWalk {
  std::vector<NodeP> known;
  std::vector<int32_t> walked;   // known indices of the nodes that require grad (retain_graph=False frees them)
  std::vector<int32_t> targets;  // grad(): known index per requested input, -1 if the walk never reached it
  bool leaves_mode = false;      // backward(): every leaf reached gets a gradient
  bool cacheable = true;
  std::vector<int64_t> key;
};

BackwardWalk walk_backward(const std::vector<NodeP>& roots, const std::vector<NodeP>& seeds,
                           const std::vector<NodeP>* targets);

// The recorded gradients for this structure: per target (null: none), or in leaves mode (leaf,
// gradient) pairs. False if nothing is recorded for it.
bool replay_backward(const BackwardWalk& w, std::vector<NodeP>& grads, std::vector<NodeP>& leaves);

// Remember what the rules built (`grads`, and in leaves mode the leaf of each). Nothing is recorded
// when the result reads a node the walk cannot name again (a realized buffer of its own).
void record_backward(const BackwardWalk& w, const std::vector<NodeP>& grads, const std::vector<NodeP>& leaves);

// retain_graph=False: realized results walked through forget their inputs (views keep theirs).
void free_graph(Node& n);

struct ReplayInfo {
  int64_t hits, misses, tapes;
};
ReplayInfo replay_info();
void replay_clear();

}  // namespace mnnx
