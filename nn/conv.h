// Convolution nodes: checks and output shapes (the kernels are run_CONV2D / run_CONVT2D).
#pragma once
#include "core/graph.h"

namespace mnnx {

// args: stride h, w; padding h, w; dilation h, w; groups. Input NCHW, weight (O, C/groups, KH, KW).
NodeP make_conv2d(const NodeP& x, const NodeP& w, const std::vector<int64_t>& args);
// args as conv2d, then output padding h, w. Weight (C, O/groups, KH, KW).
NodeP make_conv_transpose2d(const NodeP& x, const NodeP& w, const std::vector<int64_t>& args);

// Winograd F(4x4, 3x3) / F(2x2, 3x3) (nn/winograd.cpp): whether it applies and is estimated
// faster than im2col + GEMM, and the kernel.
struct DenseIn;
struct DenseOut;
struct DenseEpilogue;
bool winograd_fits(int64_t N, int64_t C, int64_t O, int64_t KH, int64_t KW, int64_t OH, int64_t OW,
                   const std::vector<int64_t>& args, DType dt);
void conv_winograd(const std::vector<int64_t>& args, const DenseIn& x, const DenseIn& w, const DenseOut& out,
                   const DenseEpilogue* ep);

}  // namespace mnnx
