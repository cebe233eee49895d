// Bindings autograd needs (src/mnnx/autograd): the grad mode, each node's op, inputs and
// attributes to walk the graph backwards, the requires_grad flag and a leaf's .grad.
#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include "autograd/replay.h"
#include "nn/conv_grad.h"
#include "src/mnnx/_C/var.h"

namespace nb = nanobind;

namespace mnnx {

namespace {

std::vector<NodeP> nodes_of(const std::vector<const Var*>& vs) {
  std::vector<NodeP> r;
  for (auto* v : vs) r.push_back(v->node);
  return r;
}

NodeP node_or_null(nb::handle h) { return h.is_none() ? nullptr : nb::cast<const Var&>(h).node; }

}  // namespace

void init_autograd(nb::module_& m) {
  m.def("set_grad_enabled", &set_grad_enabled);
  m.def("is_grad_enabled", &grad_enabled);
  m.def("ag_node_id", [](const Var& v) { return reinterpret_cast<uintptr_t>(v.node.get()); });
  m.def("ag_inputs", [](const Var& v) {
    std::vector<Var> r;
    for (auto& in : v.node->inputs) r.emplace_back(in);
    return r;
  });
  m.def("ag_args", [](const Var& v) { return v.node->args; });
  m.def("ag_eps", [](const Var& v) { return v.node->value.f; });
  m.def("ag_requires_grad", [](const Var& v) { return v.node->requires_grad(); });
  m.def("ag_is_leaf", [](const Var& v) { return v.node->grad_role != Node::Grad::OP; });
  m.def("ag_set_requires_grad", [](const Var& v, bool on) {
    Node& n = *v.node;
    if (on && !is_float(n.dtype)) fail(ErrKind::RUNTIME, "only Tensors of floating point dtype can require gradients");
    if (n.grad_role == Node::Grad::OP) {
      if (!on)
        fail(ErrKind::RUNTIME, "you can only change requires_grad flags of leaf variables. If you want to use a computed "
                               "variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().");
      return;
    }
    n.grad_role = on ? Node::Grad::LEAF : Node::Grad::NONE;
  });
  // backward with retain_graph=False: realized results forget how they were computed (views keep
  // their input: they hold no saved values)
  m.def("ag_free_graph", [](const Var& v) { free_graph(*v.node); });
  // a backward pass recorded per graph structure (autograd/replay.h)
  nb::class_<BackwardWalk>(m, "BackwardWalk")
      .def("replay", [](const BackwardWalk& w) -> nb::object {
        std::vector<NodeP> grads, leaves;
        if (!replay_backward(w, grads, leaves)) return nb::none();
        nb::list r;
        for (size_t i = 0; i < grads.size(); ++i) {
          nb::object g = grads[i] ? nb::cast(Var(grads[i])) : nb::none();
          if (w.leaves_mode) r.append(nb::make_tuple(Var(leaves[i]), g));
          else r.append(g);
        }
        return r;
      })
      .def("record", [](const BackwardWalk& w, nb::list grads, nb::list leaves) {
        std::vector<NodeP> gs, ls;
        for (nb::handle g : grads) gs.push_back(node_or_null(g));
        for (nb::handle l : leaves) ls.push_back(node_or_null(l));
        record_backward(w, gs, ls);
      })
      .def("free_graph", [](const BackwardWalk& w) {
        for (int32_t i : w.walked) free_graph(*w.known[i]);
      });
  m.def("ag_walk", [](std::vector<const Var*> roots, std::vector<const Var*> seeds,
                      std::optional<std::vector<const Var*>> targets) {
    std::vector<NodeP> ts;
    if (targets) ts = nodes_of(*targets);
    return walk_backward(nodes_of(roots), nodes_of(seeds), targets ? &ts : nullptr);
  }, nb::arg("roots"), nb::arg("seeds"), nb::arg("targets").none());
  m.def("ag_replay_info", [] {
    ReplayInfo i = replay_info();
    return std::make_tuple(i.hits, i.misses, i.tapes);
  });
  m.def("ag_replay_clear", &replay_clear);
  m.def("ag_grad", [](const Var& v) -> std::optional<Var> {
    if (!v.node->grad) return std::nullopt;
    return Var(v.node->grad);
  });
  m.def("ag_set_grad", [](const Var& v, const Var* g) { v.node->grad = g ? g->node : nullptr; }, nb::arg("v"),
        nb::arg("g").none());
  m.def("conv2d_weight_grad", [](const Var& x, const Var& gy, std::vector<int64_t> args, int64_t kh, int64_t kw) {
    return Var(make_conv2d_weight_grad(x.node, gy.node, args, kh, kw));
  });
  m.def("ag_detach", [](const Var& v) { return Var(make_detach(v.node)); });
}

}  // namespace mnnx
