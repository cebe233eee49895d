// Bindings of the nn kernels' graph constructors (nn/): argument unpacking only.
#include <nanobind/nanobind.h>
#include <nanobind/stl/array.h>

#include <array>

#include "nn/pool.h"
#include "src/mnnx/_C/var.h"

namespace nb = nanobind;

namespace mnnx {

namespace {

using Pair = std::array<int64_t, 2>;

Pool2d pool2d(Pair k, Pair s, Pair p, Pair d, bool ceil_mode) {
  return Pool2d{{k[0], k[1]}, {s[0], s[1]}, {p[0], p[1]}, {d[0], d[1]}, ceil_mode};
}

}  // namespace

void init_nn(nb::module_& m) {
  m.def("max_pool2d", [](const Var& x, Pair k, Pair s, Pair p, Pair d, bool ceil_mode, bool indices) {
    return Var(make_max_pool2d(x.node, pool2d(k, s, p, d, ceil_mode), indices));
  });
  m.def("avg_pool2d", [](const Var& x, Pair k, Pair s, Pair p, bool ceil_mode, bool count_include_pad, int64_t divisor) {
    return Var(make_avg_pool2d(x.node, pool2d(k, s, p, {1, 1}, ceil_mode), count_include_pad, divisor));
  });
  m.def("pool2d_grad", [](const Var& y, const Var& g) { return Var(make_pool2d_grad(y.node, g.node)); });
  m.def("avg_pool2d_grad_adjoint", [](const Var& d, const Var& gg) { return Var(make_avg_pool2d_grad_adjoint(d.node, gg.node)); });
  m.def("adaptive_pool2d", [](int op, const Var& x, int64_t oh, int64_t ow) {
    return Var(make_adaptive_pool2d(static_cast<Op>(op), x.node, oh, ow));
  });
}

}  // namespace mnnx
