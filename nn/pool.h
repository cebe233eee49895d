// 2-D pooling over NCHW (or unbatched CHW) float32/float64 input, torch.nn.functional's semantics.
// Each constructor checks everything (rank, dtype, sizes, torch's padding rule, output size) and
// builds one dense node; values and indices are separate nodes so the values path stays lean.
#pragma once
#include "core/graph.h"

namespace mnnx {

struct Pool2d {
  int64_t kernel[2], stride[2], padding[2], dilation[2];
  bool ceil_mode;
};

// indices: torch's flat h * W + w of each maximum within its plane (int64) instead of the values.
NodeP make_max_pool2d(const NodeP& x, const Pool2d& p, bool indices);
// divisor_override 0: none (any other value divides every window, as in torch).
NodeP make_avg_pool2d(const NodeP& x, const Pool2d& p, bool count_include_pad, int64_t divisor_override);
// op: Op::MAX_POOL2D, Op::MAX_POOL2D_INDICES or Op::AVG_POOL2D; torch's adaptive windows.
NodeP make_adaptive_pool2d(Op op, const NodeP& x, int64_t out_h, int64_t out_w);

// The gradient of a pooling node y (MAX_POOL2D or AVG_POOL2D, 4-D) for its 4-D input, given g = dL/dy:
// max sends each g to the input position its window took (torch's indices), average spreads g / the
// window's divisor over the window.
NodeP make_pool2d_grad(const NodeP& y, const NodeP& g);
// The adjoint of an AVG_POOL2D_GRAD node: the average pooling of gg with the same windows.
NodeP make_avg_pool2d_grad_adjoint(const NodeP& grad, const NodeP& gg);

}  // namespace mnnx
