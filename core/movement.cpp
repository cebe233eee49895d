// Shape arithmetic and movement ops on strided views.
#include <algorithm>

#include "core/errors.h"
#include "core/shape.h"

namespace mnnx {

int64_t numel(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) {
    if (d < 0) fail(ErrKind::VALUE, "negative dimensions are not allowed");
    if (d != 0 && n > INT64_MAX / d) fail(ErrKind::VALUE, "array is too big; `arr.size * arr.dtype.itemsize` is larger than the maximum possible size.");
    n *= d;
  }
  return n;
}

Shape contiguous_strides(const Shape& s) {
  Shape st(s.size());
  int64_t acc = 1;
  for (int i = static_cast<int>(s.size()) - 1; i >= 0; --i) {
    st[i] = acc;
    acc *= std::max<int64_t>(s[i], 1);
  }
  return st;
}

bool is_contiguous(const Shape& s, const Shape& strides) {
  int64_t acc = 1;
  for (int i = static_cast<int>(s.size()) - 1; i >= 0; --i) {
    if (s[i] == 0) return true;
    if (s[i] != 1 && strides[i] != acc) return false;
    acc *= s[i];
  }
  return true;
}

std::string shape_str(const Shape& s) {
  std::string r = "(";
  for (size_t i = 0; i < s.size(); ++i) {
    if (i) r += ", ";
    r += std::to_string(s[i]);
  }
  if (s.size() == 1) r += ",";
  return r + ")";
}

Shape broadcast_shapes(const Shape& a, const Shape& b) {
  size_t n = std::max(a.size(), b.size());
  Shape r(n);
  for (size_t i = 0; i < n; ++i) {
    int64_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
    int64_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
    if (da != db && da != 1 && db != 1)
      fail(ErrKind::VALUE, "operands could not be broadcast together with shapes " + shape_str(a) + " " + shape_str(b));
    r[i] = da == 1 ? db : da;
  }
  return r;
}

int normalize_axis(int64_t axis, int ndim) {
  if (axis < -ndim || axis >= ndim)
    fail(ErrKind::AXIS, "axis " + std::to_string(axis) + " is out of bounds for array of dimension " + std::to_string(ndim));
  return static_cast<int>(axis < 0 ? axis + ndim : axis);
}

// numpy's attempt_nocopy_reshape: group old and new dims into runs of equal element count; each
// run of old dims must be mergeable (contiguous among themselves).
bool view_reshape(const View& v, const Shape& shape, View* out) {
  out->shape = shape;
  out->offset = v.offset;
  int64_t n = numel(shape);
  if (n == 0 || n == 1) {
    out->strides = contiguous_strides(shape);
    if (n == 1) std::fill(out->strides.begin(), out->strides.end(), 0);
    return true;
  }
  // drop size-1 old dims: they constrain nothing
  Shape os, ost;
  for (size_t i = 0; i < v.shape.size(); ++i)
    if (v.shape[i] != 1) { os.push_back(v.shape[i]); ost.push_back(v.strides[i]); }
  Shape nst(shape.size(), 0);
  size_t oi = 0, ni = 0;
  while (oi < os.size() && ni < shape.size()) {
    if (shape[ni] == 1) { nst[ni++] = 0; continue; }
    size_t oj = oi + 1, nj = ni + 1;
    int64_t op = os[oi], np_ = shape[ni];
    while (op != np_) {
      if (op < np_) op *= os[oj++];
      else np_ *= shape[nj++];
    }
    for (size_t k = oi; k + 1 < oj; ++k)
      if (ost[k] != ost[k + 1] * os[k + 1]) return false;
    nst[nj - 1] = ost[oj - 1];
    for (size_t k = nj - 1; k > ni; --k) nst[k - 1] = nst[k] * shape[k];
    oi = oj;
    ni = nj;
  }
  for (; ni < shape.size(); ++ni) nst[ni] = 0;
  out->strides = nst;
  return true;
}

View view_permute(const View& v, const std::vector<int64_t>& perm) {
  View r;
  r.offset = v.offset;
  for (int64_t p : perm) {
    r.shape.push_back(v.shape[p]);
    r.strides.push_back(v.strides[p]);
  }
  return r;
}

View view_expand(const View& v, const Shape& shape) {
  View r;
  r.offset = v.offset;
  r.shape = shape;
  r.strides.assign(shape.size(), 0);
  size_t lead = shape.size() - v.shape.size();
  for (size_t i = 0; i < v.shape.size(); ++i)
    r.strides[lead + i] = v.shape[i] == 1 ? 0 : v.strides[i];
  return r;
}

View view_slice(const View& v, const std::vector<int64_t>& start, const std::vector<int64_t>& step,
                const Shape& shape) {
  View r;
  r.offset = v.offset;
  r.shape = shape;
  r.strides.resize(shape.size());
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] > 0) r.offset += start[i] * v.strides[i];
    r.strides[i] = v.strides[i] * step[i];
  }
  return r;
}

}  // namespace mnnx
