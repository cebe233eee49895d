// The convolution's weight gradient as one dense op (autograd's conv2d and conv_transpose2d rules).
#pragma once
#include "core/graph.h"

namespace mnnx {

// sum over images and output positions of gy[n, o, p] * im2col(x)[n, (c, ki, kj), p]: the gradient
// of conv2d(x, w) with respect to w, given the output gradient gy. args: the conv's stride h, w;
// padding h, w; dilation h, w; groups. -> (O, C/groups, kh, kw)
NodeP make_conv2d_weight_grad(const NodeP& x, const NodeP& gy, const std::vector<int64_t>& args, int64_t kh, int64_t kw);

}  // namespace mnnx
