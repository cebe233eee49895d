// Shapes, strides and strided views; all counts in elements.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace mnnx {

using Shape = std::vector<int64_t>;

int64_t numel(const Shape& s);  // overflow-checked
Shape contiguous_strides(const Shape& s);
bool is_contiguous(const Shape& s, const Shape& strides);
std::string shape_str(const Shape& s);  // numpy's tuple spelling: (3,), (2, 3), ()
Shape broadcast_shapes(const Shape& a, const Shape& b);  // ValueError like numpy's
int normalize_axis(int64_t axis, int ndim);              // AxisError like numpy's

// A strided window on a buffer.
struct View {
  Shape shape, strides;
  int64_t offset = 0;
};

// Movement ops on views. Each returns false when the result is not expressible as a view
// of the same memory (only reshape can fail).
bool view_reshape(const View& v, const Shape& shape, View* out);
View view_permute(const View& v, const std::vector<int64_t>& perm);
View view_expand(const View& v, const Shape& shape);  // right-aligned, numpy broadcasting
View view_slice(const View& v, const std::vector<int64_t>& start, const std::vector<int64_t>& step,
                const Shape& shape);

}  // namespace mnnx
