// Bindings of the eager kernels behind mnnx.numpy's advanced indexing, sorting and misc functions.
// Arrays arrive C-contiguous; the Python face has computed every size, checked here only as a guard.
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include <string>

#include "core/dtype.h"
#include "core/errors.h"
#include "core/graph.h"
#include "core/np7/np7.h"
#include "src/mnnx/_C/var.h"

namespace nb = nanobind;

namespace mnnx {

namespace {

using In = nb::ndarray<nb::ro, nb::c_contig, nb::device::cpu>;
using Out = nb::ndarray<nb::c_contig, nb::device::cpu>;
using I64 = nb::ndarray<const int64_t, nb::ro, nb::c_contig, nb::device::cpu>;

void need(bool ok, const char* what) {
  if (!ok) fail(ErrKind::VALUE, std::string("mnnx internal: bad arguments to ") + what);
}

int64_t bytes(const nb::ndarray<nb::ro, nb::c_contig, nb::device::cpu>& a) { return int64_t(a.nbytes()); }

// The kernels read elements by the type char: it must name the arrays' element size.
void need_type(char type, size_t itemsize, const char* what) {
  DType d;
  need(dtype_from_char(type, &d) && dtype_size(d) == itemsize, what);
}

nb::object vector_array(std::vector<int64_t>&& v) {
  auto* heap = new std::vector<int64_t>(std::move(v));
  nb::capsule owner(heap, [](void* p) noexcept { delete static_cast<std::vector<int64_t>*>(p); });
  size_t shape[1] = {heap->size()};
  return nb::ndarray<nb::numpy, int64_t>(heap->data(), 1, shape, owner).cast();
}

}  // namespace

void init_np7(nb::module_& m) {
  // Results of the eager kernels live in mnnx's own memory (cached large blocks, no page faults).
  m.def("np7_empty", [](std::vector<int64_t> shape, const std::string& c) {
    DType d;
    if (c.size() != 1 || !dtype_from_char(c[0], &d)) fail(ErrKind::TYPE, "data type '" + c + "' not understood by mnnx");
    return Var(make_empty(d, shape));
  });
  // True when nothing but this handle can see v's memory: a realized, contiguous buffer of mnnx's own
  // that no other node, view or exported array shares. A setitem may then write it in place, unseen.
  m.def("np7_exclusive", [](const Var& v) {
    const Node& n = *v.node;
    if (!n.realized() || n.buf->owner || v.node.use_count() != 1 || n.buf.use_count() != 1 || n.offset != 0) return false;
    int64_t expect = 1;
    for (int d = n.ndim() - 1; d >= 0; --d) {
      if (n.shape[d] != 1 && n.strides[d] != expect) return false;
      expect *= n.shape[d];
    }
    return n.buf->bytes >= size_t(n.size()) * dtype_size(n.dtype);
  });
  m.def("np7_ravel_index", [](std::vector<std::tuple<I64, int64_t, int64_t, int64_t>> terms, Out out) {
    const int64_t mcount = int64_t(out.size());
    need(out.dtype() == nb::dtype<int64_t>(), "ravel_index");
    std::vector<np7::IndexTerm> ts;
    for (auto& [a, n, stride, axis] : terms) {
      need(int64_t(a.size()) == mcount, "ravel_index");
      ts.push_back({a.data(), n, stride, axis});
    }
    nb::gil_scoped_release unlocked;
    np7::ravel_index(ts, mcount, static_cast<int64_t*>(out.data()));
  });
  m.def("np7_gather", [](In src, int64_t n_rows, int64_t row_bytes, I64 idx, int64_t axis, Out out) {
    need(bytes(src) >= n_rows * row_bytes && int64_t(out.nbytes()) == int64_t(idx.size()) * row_bytes, "gather");
    nb::gil_scoped_release unlocked;
    np7::gather_rows(static_cast<const char*>(src.data()), n_rows, row_bytes, idx.data(), int64_t(idx.size()), axis,
                     static_cast<char*>(out.data()));
  });
  m.def("np7_scatter", [](In src, Out dst, int64_t n_rows, int64_t row_bytes, I64 idx, int64_t axis, In val,
                          int64_t val_step) {
    const int64_t mcount = int64_t(idx.size());
    need(bytes(src) == n_rows * row_bytes && int64_t(dst.nbytes()) == n_rows * row_bytes, "scatter");
    need(mcount == 0 || bytes(val) >= (mcount - 1) * val_step + row_bytes, "scatter");
    nb::gil_scoped_release unlocked;
    np7::scatter_rows(static_cast<const char*>(src.data()), static_cast<char*>(dst.data()), n_rows, row_bytes, idx.data(),
                      mcount, axis, static_cast<const char*>(val.data()), val_step);
  });
  using Mask = nb::ndarray<const bool, nb::ro, nb::c_contig, nb::device::cpu>;
  m.def("np7_count_mask", [](Mask mask) {
    nb::gil_scoped_release unlocked;
    return np7::count_mask(reinterpret_cast<const uint8_t*>(mask.data()), int64_t(mask.size()));
  });
  m.def("np7_compress", [](In src, Mask mask, int64_t row_bytes, Out out) {
    const int64_t n = int64_t(mask.size());
    need(bytes(src) == n * row_bytes, "compress");
    const uint8_t* mk = reinterpret_cast<const uint8_t*>(mask.data());
    need(int64_t(out.nbytes()) == np7::count_mask(mk, n) * row_bytes, "compress");
    nb::gil_scoped_release unlocked;
    np7::compress_rows(static_cast<const char*>(src.data()), mk, n, row_bytes, static_cast<char*>(out.data()));
  });
  m.def("np7_masked_assign", [](In src, Out dst, Mask mask, int64_t row_bytes, In val, int64_t val_step) {
    const int64_t n = int64_t(mask.size());
    const uint8_t* mk = reinterpret_cast<const uint8_t*>(mask.data());
    need(bytes(src) == n * row_bytes && int64_t(dst.nbytes()) == n * row_bytes, "masked_assign");
    const int64_t k = np7::count_mask(mk, n);
    need(k == 0 || bytes(val) >= (k - 1) * val_step + row_bytes, "masked_assign");
    nb::gil_scoped_release unlocked;
    np7::masked_assign(static_cast<const char*>(src.data()), static_cast<char*>(dst.data()), mk, n, row_bytes,
                       static_cast<const char*>(val.data()), val_step);
  });
  m.def("np7_flatnonzero", [](In mask) {
    need(mask.itemsize() == 1, "flatnonzero");
    std::vector<int64_t> r;
    {
      nb::gil_scoped_release unlocked;
      r = np7::flatnonzero(static_cast<const char*>(mask.data()), int64_t(mask.size()), 1);
    }
    return vector_array(std::move(r));
  });
  m.def("np7_sort", [](char type, Out data, int64_t rows, int64_t n) {
    need(int64_t(data.size()) == rows * n, "sort");
    need_type(type, data.itemsize(), "sort");
    nb::gil_scoped_release unlocked;
    np7::sort_rows(type, data.data(), rows, n);
  });
  m.def("np7_argsort", [](char type, In data, int64_t rows, int64_t n, Out out) {
    need(int64_t(data.size()) == rows * n && int64_t(out.size()) == rows * n && out.itemsize() == 8, "argsort");
    need_type(type, data.itemsize(), "argsort");
    nb::gil_scoped_release unlocked;
    np7::argsort_rows(type, data.data(), rows, n, static_cast<int64_t*>(out.data()));
  });
  m.def("np7_partition", [](char type, Out data, int64_t rows, int64_t n, std::vector<int64_t> kth) {
    need(int64_t(data.size()) == rows * n, "partition");
    need_type(type, data.itemsize(), "partition");
    for (size_t j = 0; j < kth.size(); ++j) need(kth[j] >= 0 && kth[j] < n && (j == 0 || kth[j] >= kth[j - 1]), "partition");
    nb::gil_scoped_release unlocked;
    np7::partition_rows(type, data.data(), rows, n, kth);
  });
  m.def("np7_argpartition", [](char type, In data, int64_t rows, int64_t n, std::vector<int64_t> kth, Out out) {
    need(int64_t(data.size()) == rows * n && int64_t(out.size()) == rows * n && out.itemsize() == 8, "argpartition");
    need_type(type, data.itemsize(), "argpartition");
    for (size_t j = 0; j < kth.size(); ++j) need(kth[j] >= 0 && kth[j] < n && (j == 0 || kth[j] >= kth[j - 1]), "argpartition");
    nb::gil_scoped_release unlocked;
    np7::argpartition_rows(type, data.data(), rows, n, kth, static_cast<int64_t*>(out.data()));
  });
  m.def("np7_searchsorted", [](char type, In a, std::optional<I64> perm, In v, bool right, Out out) {
    need(a.itemsize() == v.itemsize() && out.size() == v.size() && out.itemsize() == 8, "searchsorted");
    need(!perm || perm->size() == a.size(), "searchsorted");
    need_type(type, a.itemsize(), "searchsorted");
    nb::gil_scoped_release unlocked;
    np7::searchsorted(type, a.data(), int64_t(a.size()), perm ? perm->data() : nullptr, v.data(), int64_t(v.size()),
                      right, static_cast<int64_t*>(out.data()));
  });
  m.def("np7_run_starts", [](char type, In sorted) {
    need_type(type, sorted.itemsize(), "run_starts");
    std::vector<int64_t> r(sorted.size());
    {
      nb::gil_scoped_release unlocked;
      r.resize(size_t(np7::run_starts(type, sorted.data(), int64_t(sorted.size()), r.data())));
    }
    return vector_array(std::move(r));
  });
  m.def("np7_correlate", [](char type, In a, In v, int64_t lo, Out out) {
    need(a.itemsize() == v.itemsize() && out.itemsize() == a.itemsize(), "correlate");
    need(type == 'f' || type == 'd' || type == 'l', "correlate");
    need_type(type, a.itemsize(), "correlate");
    nb::gil_scoped_release unlocked;
    np7::correlate(type, a.data(), int64_t(a.size()), v.data(), int64_t(v.size()), lo, int64_t(out.size()), out.data());
  });
  using F64 = nb::ndarray<const double, nb::ro, nb::c_contig, nb::device::cpu>;
  m.def("np7_interp", [](F64 x, F64 xp, F64 fp, double left, double right, Out out) {
    need(xp.size() == fp.size() && xp.size() > 0 && out.size() == x.size() && out.itemsize() == 8, "interp");
    nb::gil_scoped_release unlocked;
    np7::interp(x.data(), int64_t(x.size()), xp.data(), fp.data(), int64_t(xp.size()), left, right,
                static_cast<double*>(out.data()));
  });
  m.def("np7_bincount", [](I64 x, std::optional<F64> w, Out out) {
    const int64_t nbins = int64_t(out.size());
    need(!w || w->size() == x.size(), "bincount");
    for (size_t i = 0; i < x.size(); ++i) need(x.data()[i] >= 0 && x.data()[i] < nbins, "bincount");
    nb::gil_scoped_release unlocked;
    np7::bincount(x.data(), int64_t(x.size()), w ? w->data() : nullptr, nbins,
                  w ? static_cast<double*>(out.data()) : nullptr, w ? nullptr : static_cast<int64_t*>(out.data()));
  });
}

}  // namespace mnnx
