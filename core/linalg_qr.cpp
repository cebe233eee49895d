// Householder QR with LAPACK's conventions (beta = -sign(alpha) * norm, tau = (beta - alpha) / beta), so R
// matches LAPACK's up to rounding, signs included.
#include <algorithm>
#include <cmath>
#include <vector>

#include "core/linalg.h"
#include "core/linalg_blas1.h"

namespace mnnx::la {

namespace {
// M[0:len, 0:cols] = (I - tau v v^T) M, v[0] = 1, v[i] = vcol[i * vstride]; w is scratch of cols entries.
template <class T>
void apply_reflector(const T* vcol, int64_t vstride, int64_t len, T tau, T* mat, int64_t ldm, int64_t cols, T* w) {
  if (tau == 0 || cols <= 0) return;
  for (int64_t c = 0; c < cols; ++c) w[c] = mat[c];
  for (int64_t i = 1; i < len; ++i) {
    T v = vcol[i * vstride];
    const T* row = mat + i * ldm;
    for (int64_t c = 0; c < cols; ++c) w[c] += v * row[c];
  }
  for (int64_t c = 0; c < cols; ++c) w[c] *= tau;
  axpy_sub(T(1), w, mat, cols);
  for (int64_t i = 1; i < len; ++i) axpy_sub(vcol[i * vstride], w, mat + i * ldm, cols);
}
}  // namespace

template <class T> void qr_factor(T* a, int64_t m, int64_t n, T* tau) {
  int64_t k = std::min(m, n);
  std::vector<T> w(n);
  for (int64_t j = 0; j < k; ++j) {
    T alpha = a[j * n + j];
    T xn = norm2(a + (j + 1) * n + j, m - j - 1, n);
    if (xn == 0) {
      tau[j] = 0;
      continue;
    }
    T beta = -std::copysign(std::hypot(alpha, xn), alpha);
    tau[j] = (beta - alpha) / beta;
    T scale = T(1) / (alpha - beta);
    for (int64_t i = j + 1; i < m; ++i) a[i * n + j] *= scale;
    a[j * n + j] = beta;
    apply_reflector(a + j * n + j, n, m - j, tau[j], a + j * n + j + 1, n, n - j - 1, w.data());
  }
}

template <class T> void qr_form_q(const T* a, int64_t m, int64_t n, const T* tau, T* q, int64_t qc) {
  int64_t k = std::min(m, n);
  std::fill(q, q + m * qc, T(0));
  for (int64_t i = 0; i < std::min(m, qc); ++i) q[i * qc + i] = 1;
  std::vector<T> w(qc);
  for (int64_t j = k - 1; j >= 0; --j)
    apply_reflector(a + j * n + j, n, m - j, tau[j], q + j * qc + j, qc, qc - j, w.data());
}

template void qr_factor<float>(float*, int64_t, int64_t, float*);
template void qr_factor<double>(double*, int64_t, int64_t, double*);
template void qr_form_q<float>(const float*, int64_t, int64_t, const float*, float*, int64_t);
template void qr_form_q<double>(const double*, int64_t, int64_t, const double*, double*, int64_t);

}  // namespace mnnx::la
