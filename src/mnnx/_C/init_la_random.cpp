// Bindings of core/random.h. The Python face (mnnx/numpy/random.py) owns the generator state (4 uint64
// words in a numpy array), validates parameters and broadcasts them to 1-D arrays of n or 1 entries.
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>

#include "core/errors.h"
#include "core/random.h"

namespace nb = nanobind;

namespace mnnx {

namespace {
template <class T> using Vec = nb::ndarray<T, nb::ndim<1>, nb::c_contig, nb::device::cpu>;
template <class T> using Par = nb::ndarray<const T, nb::ndim<1>, nb::c_contig, nb::device::cpu>;  // read-only ok
using StateArr = nb::ndarray<uint64_t, nb::shape<4>, nb::c_contig, nb::device::cpu>;

rnd::State* st(StateArr s) { return reinterpret_cast<rnd::State*>(s.data()); }

template <class T> int64_t params(const Par<T>& p, int64_t n) {
  int64_t np = static_cast<int64_t>(p.shape(0));
  if (np != 1 && np != n) fail(ErrKind::VALUE, "parameter array size does not match the output size");
  return np;
}
}  // namespace

void init_la_random(nb::module_& m) {
  m.def("rng_seed", [](StateArr s, uint64_t seed) { rnd::seed(st(s), seed); });
  m.def("rng_random", [](StateArr s, Vec<double> out) {
    nb::gil_scoped_release u;
    rnd::fill_random_f64(st(s), out.data(), out.shape(0));
  });
  m.def("rng_random", [](StateArr s, Vec<float> out) {
    nb::gil_scoped_release u;
    rnd::fill_random_f32(st(s), out.data(), out.shape(0));
  });
  m.def("rng_integers", [](StateArr s, Vec<uint64_t> out, Par<uint64_t> low, Par<uint64_t> count) {
    int64_t n = out.shape(0), np = params(low, n);
    if (params(count, n) != np) fail(ErrKind::VALUE, "low and count differ in size");
    nb::gil_scoped_release u;
    rnd::fill_integers(st(s), out.data(), n, low.data(), count.data(), np);
  });
  m.def("rng_normal", [](StateArr s, Vec<double> out) {
    nb::gil_scoped_release u;
    rnd::fill_normal(st(s), out.data(), out.shape(0));
  });
  m.def("rng_exponential", [](StateArr s, Vec<double> out) {
    nb::gil_scoped_release u;
    rnd::fill_exponential(st(s), out.data(), out.shape(0));
  });
  m.def("rng_gamma", [](StateArr s, Vec<double> out, Par<double> shape) {
    int64_t n = out.shape(0), np = params(shape, n);
    nb::gil_scoped_release u;
    rnd::fill_gamma(st(s), out.data(), n, shape.data(), np);
  });
  m.def("rng_beta", [](StateArr s, Vec<double> out, Par<double> a, Par<double> b) {
    int64_t n = out.shape(0), np = params(a, n);
    if (params(b, n) != np) fail(ErrKind::VALUE, "a and b differ in size");
    nb::gil_scoped_release u;
    rnd::fill_beta(st(s), out.data(), n, a.data(), b.data(), np);
  });
  m.def("rng_poisson", [](StateArr s, Vec<int64_t> out, Par<double> lam) {
    int64_t n = out.shape(0), np = params(lam, n);
    nb::gil_scoped_release u;
    rnd::fill_poisson(st(s), out.data(), n, lam.data(), np);
  });
  m.def("rng_binomial", [](StateArr s, Vec<int64_t> out, Par<int64_t> trials, Par<double> p) {
    int64_t n = out.shape(0), np = params(trials, n);
    if (params(p, n) != np) fail(ErrKind::VALUE, "n and p differ in size");
    nb::gil_scoped_release u;
    rnd::fill_binomial(st(s), out.data(), n, trials.data(), p.data(), np);
  });
  m.def("rng_shuffle", [](StateArr s, Vec<int64_t> idx) { rnd::shuffle(st(s), idx.data(), idx.shape(0)); });
  m.def("rng_shuffle_prefix", [](StateArr s, Vec<int64_t> idx, int64_t k) {
    rnd::shuffle_prefix(st(s), idx.data(), idx.shape(0), k);
  });
}

}  // namespace mnnx
