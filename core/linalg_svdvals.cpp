// Singular values without vectors (see linalg.h): O(mn^2) bidiagonalization plus an O(n^2) tridiagonal
// eigenvalue problem, instead of the O(sweeps * mn^2) Jacobi iteration that the vectors need.
#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include "core/linalg.h"
#include "core/linalg_blas1.h"

namespace mnnx::la {

namespace {
// Householder vector for x (length len, stride inc) in place: returns beta, sets tau; x[0] := 1 implied
template <class T> T house(T* x, int64_t len, int64_t inc, T* tau) {
  T alpha = x[0];
  T xn = norm2(x + inc, len - 1, inc);
  if (xn == 0) {
    *tau = 0;
    return alpha;
  }
  T beta = -std::copysign(std::hypot(alpha, xn), alpha);
  *tau = (beta - alpha) / beta;
  T scale = T(1) / (alpha - beta);
  for (int64_t i = 1; i < len; ++i) x[i * inc] *= scale;
  return beta;
}
}  // namespace

template <class T> bool svdvals(T* a, int64_t m, int64_t n, T* s) {
  // work on a tall matrix g (rows >= cols): A itself, or its transpose
  const bool tall = m >= n;
  const int64_t r = tall ? m : n, c = tall ? n : m;
  std::vector<T> g(r * c);
  for (int64_t i = 0; i < r; ++i)
    for (int64_t j = 0; j < c; ++j) g[i * c + j] = tall ? a[i * n + j] : a[j * n + i];
  std::vector<T> d(c), e(c, T(0)), w(c);
  for (int64_t j = 0; j < c; ++j) {
    T tau;
    d[j] = house(&g[j * c + j], r - j, c, &tau);
    if (tau != 0 && j + 1 < c) {  // left reflector on columns j+1..: row-major friendly w = v^T G
      int64_t cols = c - j - 1;
      for (int64_t k = 0; k < cols; ++k) w[k] = g[j * c + j + 1 + k];
      for (int64_t i = j + 1; i < r; ++i) {
        T v = g[i * c + j];
        const T* row = &g[i * c + j + 1];
        for (int64_t k = 0; k < cols; ++k) w[k] += v * row[k];
      }
      for (int64_t k = 0; k < cols; ++k) w[k] *= tau;
      axpy_sub(T(1), w.data(), &g[j * c + j + 1], cols);
      for (int64_t i = j + 1; i < r; ++i) axpy_sub(g[i * c + j], w.data(), &g[i * c + j + 1], cols);
    }
    if (j + 1 < c) {  // right reflector on row j, columns j+1..
      T* x = &g[j * c + j + 1];
      int64_t len = c - j - 1;
      e[j] = house(x, len, 1, &tau);
      if (tau != 0) {
        T x0 = x[0];
        x[0] = 1;
        for (int64_t i = j + 1; i < r; ++i) {
          T* row = &g[i * c + j + 1];
          axpy_sub(tau * dot(row, x, len), x, row, len);
        }
        x[0] = x0;
      }
    }
  }
  // Golub-Kahan tridiagonal of size 2c: zero diagonal, off-diagonal d0, e0, d1, e1, ..., d_{c-1}
  const int64_t t = 2 * c;
  std::vector<T> td(t, T(0)), te(t, T(0));
  for (int64_t k = 0; k + 1 < t; ++k) te[k + 1] = (k % 2 == 0) ? d[k / 2] : e[k / 2];
  if (t && !tql2<T>(nullptr, t, td.data(), te.data(), false)) return false;
  for (auto& v : td) v = std::fabs(v);
  std::sort(td.begin(), td.end(), std::greater<T>());
  // each singular value appears twice (+-s): take every other one of the sorted magnitudes
  for (int64_t i = 0; i < c; ++i) s[i] = td[2 * i];
  return true;
}

template bool svdvals<float>(float*, int64_t, int64_t, float*);
template bool svdvals<double>(double*, int64_t, int64_t, double*);

}  // namespace mnnx::la
