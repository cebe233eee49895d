// Bindings of the dense linear algebra kernels (core/linalg.h). The Python face (mnnx/numpy/linalg.py)
// passes C-contiguous batches of the exact dtype and owns every check; each function loops over the batch.
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/optional.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <optional>
#include <vector>

#include "core/linalg.h"
#include "core/threadpool.h"

namespace nb = nanobind;

namespace mnnx {

namespace {

template <class T> using Arr = nb::ndarray<T, nb::c_contig, nb::device::cpu>;

// Runs fn(i) for each batch item; matrices too small to use the threaded gemm run in parallel over the batch.
template <class F> void over_batch(int64_t batch, bool parallel, F fn) {
  nb::gil_scoped_release unlocked;
  if (parallel && batch > 1) {
    parallel_for(batch, 1, [&](int64_t b0, int64_t b1, int) {
      la::SerialGemm serial;
      for (int64_t i = b0; i < b1; ++i) fn(i);
    });
  } else {
    for (int64_t i = 0; i < batch; ++i) fn(i);
  }
}

// Lowest batch index for which ok was false, or -1.
struct FirstBad {
  std::atomic<int64_t> idx{INT64_MAX};
  void mark(int64_t i) {
    int64_t cur = idx.load();
    while (i < cur && !idx.compare_exchange_weak(cur, i)) {}
  }
  int64_t get() const { return idx.load() == INT64_MAX ? -1 : idx.load(); }
};

template <class T> int64_t solve(Arr<T> a, Arr<T> b) {
  int64_t batch = a.shape(0), n = a.shape(1), k = b.shape(2);
  FirstBad bad;
  over_batch(batch, n <= 64, [&](int64_t i) {
    std::vector<int64_t> piv(n);
    T* ai = a.data() + i * n * n;
    T* bi = b.data() + i * n * k;
    if (!la::lu_factor(ai, n, piv.data())) {  // numpy's errstate-ignored result for a singular item
      std::fill(bi, bi + n * k, T(NAN));
      return bad.mark(i);
    }
    la::lu_solve(ai, piv.data(), n, bi, k);
  });
  return bad.get();
}

// sign, log|det| and det itself (the product, which may overflow where the logarithm does not)
template <class T> void det(Arr<T> a, Arr<T> sign, Arr<T> logabs, Arr<T> value) {
  int64_t batch = a.shape(0), n = a.shape(1);
  over_batch(batch, n <= 64, [&](int64_t i) {
    std::vector<int64_t> piv(n);
    T* ai = a.data() + i * n * n;
    la::lu_factor(ai, n, piv.data());
    T sg = 1, la = 0, v = 1;
    for (int64_t j = 0; j < n; ++j) {
      T d = ai[j * n + j];
      if (piv[j] != j) sg = -sg, v = -v;
      if (d < 0) sg = -sg;
      la += std::log(std::fabs(d));
      v *= d;
    }
    if (la == -INFINITY) sg = 0;
    sign.data()[i] = sg;
    logabs.data()[i] = la;
    value.data()[i] = v;
  });
}

template <class T> int64_t cholesky(Arr<T> a) {
  int64_t batch = a.shape(0), n = a.shape(1);
  FirstBad bad;
  over_batch(batch, true, [&](int64_t i) {
    if (!la::cholesky(a.data() + i * n * n, n)) bad.mark(i);
  });
  return bad.get();
}

template <class T> void qr(Arr<T> a, Arr<T> tau, std::optional<Arr<T>> q) {
  int64_t batch = a.shape(0), m = a.shape(1), n = a.shape(2), k = tau.shape(1);
  over_batch(batch, true, [&](int64_t i) {
    T* ai = a.data() + i * m * n;
    la::qr_factor(ai, m, n, tau.data() + i * k);
    if (q) {
      int64_t qc = q->shape(2);
      la::qr_form_q(ai, m, n, tau.data() + i * k, q->data() + i * m * qc, qc);
    }
  });
}

template <class T> int64_t eigh(Arr<T> a, Arr<T> w, std::optional<Arr<T>> v) {
  int64_t batch = a.shape(0), n = a.shape(1);
  FirstBad bad;
  over_batch(batch, true, [&](int64_t i) {
    if (!la::eigh_tridiagonal(a.data() + i * n * n, n, w.data() + i * n, v ? v->data() + i * n * n : nullptr)) bad.mark(i);
  });
  return bad.get();
}

template <class T> int64_t svd(Arr<T> a, Arr<T> s, std::optional<Arr<T>> u, std::optional<Arr<T>> vt) {
  int64_t batch = a.shape(0), m = a.shape(1), n = a.shape(2), r = s.shape(1);
  int64_t uc = u ? u->shape(2) : 0, vc = vt ? vt->shape(1) : 0;
  FirstBad bad;
  over_batch(batch, true, [&](int64_t i) {
    bool ok = u ? la::svd(a.data() + i * m * n, m, n, s.data() + i * r, u->data() + i * m * uc, uc,
                          vt->data() + i * vc * n, vc)
                : la::svdvals(a.data() + i * m * n, m, n, s.data() + i * r);
    if (!ok) bad.mark(i);
  });
  return bad.get();
}

// c -= a @ b over a batch (a: batch x m x k, b: batch x k x n, c: batch x m x n)
template <class T> void gemm_sub(Arr<T> a, Arr<T> b, Arr<T> c) {
  int64_t batch = a.shape(0), m = a.shape(1), k = a.shape(2), n = b.shape(2);
  bool small = m * n * k < (int64_t(1) << 18);
  over_batch(batch, small, [&](int64_t i) {
    la::gemm_sub(m, n, k, a.data() + i * m * k, k, b.data() + i * k * n, n, c.data() + i * m * n, n);
  });
}

template <class T> void bind_all(nb::module_& m) {
  m.def("la_solve", &solve<T>);
  m.def("la_det", &det<T>);
  m.def("la_gemm_sub", &gemm_sub<T>);
  m.def("la_cholesky", &cholesky<T>);
  m.def("la_qr", &qr<T>, nb::arg("a"), nb::arg("tau"), nb::arg("q").none());
  m.def("la_eigh", &eigh<T>, nb::arg("a"), nb::arg("w"), nb::arg("v").none());
  m.def("la_svd", &svd<T>, nb::arg("a"), nb::arg("s"), nb::arg("u").none(), nb::arg("vt").none());
}

}  // namespace

void init_la_random(nb::module_& m);
void init_la_fft(nb::module_& m);

// linalg here; random (init_la_random.cpp) and fft (init_la_fft.cpp) register from here too
void init_la(nb::module_& m) {
  bind_all<float>(m);
  bind_all<double>(m);
  init_la_random(m);
  init_la_fft(m);
}

}  // namespace mnnx
