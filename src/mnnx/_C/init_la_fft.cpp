// Bindings of core/fft.h. Complex rows travel as float64 views of complex128 arrays (2 doubles per
// value); mnnx/numpy/fft.py moves the axis last, pads or truncates to n and applies the norm.
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>

#include "core/errors.h"
#include "core/fft.h"

namespace nb = nanobind;

namespace mnnx {

namespace {
using In = nb::ndarray<const double, nb::ndim<2>, nb::c_contig, nb::device::cpu>;
using Out = nb::ndarray<double, nb::ndim<2>, nb::c_contig, nb::device::cpu>;

void check(bool ok, const char* what) {
  if (!ok) fail(ErrKind::VALUE, std::string("fft: mismatched buffer shapes for ") + what);
}
}  // namespace

void init_la_fft(nb::module_& m) {
  m.def("fft_c2c", [](In in, Out out, bool inverse, double scale) {
    int64_t b = in.shape(0), n2 = in.shape(1);
    check(n2 % 2 == 0 && n2 > 0 && out.shape(0) == size_t(b) && out.shape(1) == size_t(n2), "c2c");
    nb::gil_scoped_release u;
    fft::c2c(in.data(), out.data(), b, n2 / 2, inverse, scale);
  });
  m.def("fft_r2c", [](In in, Out out, double scale) {
    int64_t b = in.shape(0), n = in.shape(1);
    check(n > 0 && out.shape(0) == size_t(b) && out.shape(1) == size_t(2 * (n / 2 + 1)), "r2c");
    nb::gil_scoped_release u;
    fft::r2c(in.data(), out.data(), b, n, scale);
  });
  m.def("fft_c2r", [](In in, Out out, double scale) {
    int64_t b = out.shape(0), n = out.shape(1);
    check(n > 0 && in.shape(0) == size_t(b) && in.shape(1) == size_t(2 * (n / 2 + 1)), "c2r");
    nb::gil_scoped_release u;
    fft::c2r(in.data(), out.data(), b, n, scale);
  });
}

}  // namespace mnnx
