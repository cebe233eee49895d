// Symmetric eigen (cyclic two-sided Jacobi) and SVD (one-sided Jacobi, Hestenes). Both are slower than
// tridiagonal/bidiagonal methods for large n but accurate to working precision, small and robust.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "core/linalg.h"
#include "core/linalg_blas1.h"

namespace mnnx::la {

namespace {
constexpr int MAX_SWEEPS = 100;

// Rotation (c, s) that zeroes the off-diagonal of [[app, apq], [apq, aqq]] (Numerical Recipes' form).
template <class T> void rotation(T app, T aqq, T apq, T* c, T* s) {
  T theta = (aqq - app) / (2 * apq);
  T t = (theta >= 0 ? T(1) : T(-1)) / (std::fabs(theta) + std::hypot(T(1), theta));
  *c = T(1) / std::sqrt(1 + t * t);
  *s = t * *c;
}

template <class T> void rotate_rows(T* x, T* y, int64_t n, T c, T s) {
  for (int64_t k = 0; k < n; ++k) {
    T a = x[k], b = y[k];
    x[k] = c * a - s * b;
    y[k] = s * a + c * b;
  }
}

// Rows [have, rows) of q (rows x len, row-major) get orthonormal vectors orthogonal to every earlier row
// and to each other; rows with zero norm among the first `have` (flagged in keep) are replaced too.
template <class T> void complete_rows(T* q, int64_t rows, int64_t len, const std::vector<char>& keep) {
  // Each missing row: the next unit vector e_j that keeps more than half its norm after projecting out
  // the rows already there; if none does, the one that keeps the most (some e_j always keeps at least
  // sqrt(1 - (rows - 1) / len), so the result is never noise)
  std::vector<T> best(len), v(len);
  int64_t next = 0;
  for (int64_t r = 0; r < rows; ++r) {
    if (keep[r]) continue;
    T best_norm = -1;
    for (int64_t tried = 0; tried < len; ++tried, next = (next + 1) % len) {
      std::fill(v.begin(), v.end(), T(0));
      v[next] = 1;
      for (int pass = 0; pass < 2; ++pass)
        for (int64_t o = 0; o < rows; ++o)
          if (o != r && (keep[o] || o < r)) axpy_sub(dot(q + o * len, v.data(), len), q + o * len, v.data(), len);
      const T nv = std::sqrt(dot(v.data(), v.data(), len));
      if (nv > best_norm) {
        best_norm = nv;
        best.swap(v);
      }
      if (nv > T(0.5)) {
        next = (next + 1) % len;
        break;
      }
    }
    T* out = q + r * len;
    for (int64_t k = 0; k < len; ++k) out[k] = best[k] / best_norm;
  }
}
}  // namespace

template <class T> bool eigh_jacobi(T* a, int64_t n, T* w, T* v) {
  const T eps = std::numeric_limits<T>::epsilon();
  std::vector<T> vt(v ? n * n : 0, T(0));
  for (int64_t i = 0; v && i < n; ++i) vt[i * n + i] = 1;
  T fro = 0;
  for (int64_t i = 0; i < n * n; ++i) fro = std::fmax(fro, std::fabs(a[i]));
  const T tiny = std::numeric_limits<T>::min() / eps;
  bool converged = false;
  for (int sweep = 0; sweep < MAX_SWEEPS && !converged; ++sweep) {
    converged = true;
    for (int64_t p = 0; p < n; ++p)
      for (int64_t q = p + 1; q < n; ++q) {
        T apq = a[p * n + q], app = a[p * n + p], aqq = a[q * n + q];
        if (std::fabs(apq) <= eps * std::sqrt(std::fabs(app)) * std::sqrt(std::fabs(aqq)) ||
            std::fabs(apq) <= tiny || std::fabs(apq) <= eps * eps * fro) {
          a[p * n + q] = a[q * n + p] = 0;
          continue;
        }
        converged = false;
        T c, s;
        rotation(app, aqq, apq, &c, &s);
        for (int64_t k = 0; k < n; ++k) {
          T x = a[k * n + p], y = a[k * n + q];
          a[k * n + p] = c * x - s * y;
          a[k * n + q] = s * x + c * y;
        }
        rotate_rows(a + p * n, a + q * n, n, c, s);
        a[p * n + q] = a[q * n + p] = 0;
        if (v) rotate_rows(&vt[p * n], &vt[q * n], n, c, s);
      }
  }
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t i, int64_t j) { return a[i * n + i] < a[j * n + j]; });
  for (int64_t i = 0; i < n; ++i) w[i] = a[order[i] * n + order[i]];
  for (int64_t i = 0; v && i < n; ++i)
    for (int64_t k = 0; k < n; ++k) v[k * n + i] = vt[order[i] * n + k];
  return converged;
}

template <class T> bool svd(T* a, int64_t m, int64_t n, T* s, T* u, int64_t uc, T* vt, int64_t vc) {
  const T eps = std::numeric_limits<T>::epsilon();
  const bool tall = m >= n;
  const int64_t r = std::min(m, n), len = std::max(m, n);
  // g: r rows of length len whose mutual orthogonalization diagonalizes A (columns of A, or rows if wide)
  std::vector<T> g(r * len), wt(u ? r * r : 0, T(0));
  for (int64_t i = 0; i < r; ++i)
    for (int64_t k = 0; k < len; ++k) g[i * len + k] = tall ? a[k * n + i] : a[i * n + k];
  for (int64_t i = 0; u && i < r; ++i) wt[i * r + i] = 1;
  // squared row norms, exact at each sweep's start and updated through rotations (alpha - t gamma,
  // beta + t gamma) in between: one dot product per pair instead of three
  std::vector<T> sq(r);
  bool converged = false;
  for (int sweep = 0; sweep < MAX_SWEEPS && !converged; ++sweep) {
    converged = true;
    for (int64_t i = 0; i < r; ++i) sq[i] = dot(&g[i * len], &g[i * len], len);
    for (int64_t p = 0; p < r; ++p)
      for (int64_t q = p + 1; q < r; ++q) {
        T* gp = &g[p * len];
        T* gq = &g[q * len];
        T alpha = sq[p], beta = sq[q], gamma = dot(gp, gq, len);
        if (gamma == 0 || std::fabs(gamma) <= eps * std::sqrt(alpha) * std::sqrt(beta)) continue;
        converged = false;
        T c, sn;
        rotation(alpha, beta, gamma, &c, &sn);
        rotate_rows(gp, gq, len, c, sn);
        T t = sn / c;
        sq[p] = std::max(alpha - t * gamma, T(0));
        sq[q] = beta + t * gamma;
        if (u) rotate_rows(&wt[p * r], &wt[q * r], r, c, sn);
      }
  }
  std::vector<T> nrm(r);
  for (int64_t i = 0; i < r; ++i) nrm[i] = norm2(&g[i * len], len, 1);
  std::vector<int64_t> order(r);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t i, int64_t j) { return nrm[i] > nrm[j]; });
  for (int64_t i = 0; i < r; ++i) s[i] = nrm[order[i]];
  if (!u) return converged;
  // left: normalized g rows (len long); right: wt rows (r long), both in sorted order, then completed
  int64_t lrows = tall ? uc : vc;  // vectors wanted of length len
  int64_t rrows = tall ? vc : uc;  // vectors wanted of length r... completed to length r only if square
  std::vector<T> lv(lrows * len, T(0)), rv(rrows * r, T(0));
  std::vector<char> lkeep(lrows, 0), rkeep(rrows, 0);
  const T smax = r ? s[0] : T(0);
  for (int64_t i = 0; i < r; ++i) {
    const T* gi = &g[order[i] * len];
    if (s[i] > 0 && s[i] > smax * eps * T(1e-3)) {
      for (int64_t k = 0; k < len; ++k) lv[i * len + k] = gi[k] / s[i];
      lkeep[i] = 1;
    }
    for (int64_t k = 0; k < r; ++k) rv[i * r + k] = wt[order[i] * r + k];
    rkeep[i] = 1;
  }
  complete_rows(lv.data(), lrows, len, lkeep);
  // the r-long side has exactly r rows: it is already square and orthogonal
  T* uu = u;
  T* vv = vt;
  if (tall) {  // U = lv^T (m x uc), Vt = rv (r x n, r == n)
    for (int64_t k = 0; k < m; ++k)
      for (int64_t i = 0; i < uc; ++i) uu[k * uc + i] = lv[i * len + k];
    for (int64_t i = 0; i < vc; ++i)
      for (int64_t k = 0; k < n; ++k) vv[i * n + k] = rv[i * r + k];
  } else {  // U = rv^T (m x m), Vt = lv (vc x n)
    for (int64_t k = 0; k < m; ++k)
      for (int64_t i = 0; i < uc; ++i) uu[k * uc + i] = rv[i * r + k];
    for (int64_t i = 0; i < vc; ++i)
      for (int64_t k = 0; k < n; ++k) vv[i * n + k] = lv[i * len + k];
  }
  return converged;
}

template bool eigh_jacobi<float>(float*, int64_t, float*, float*);
template bool eigh_jacobi<double>(double*, int64_t, double*, double*);
template bool svd<float>(float*, int64_t, int64_t, float*, float*, int64_t, float*, int64_t);
template bool svd<double>(double*, int64_t, int64_t, double*, double*, int64_t, double*, int64_t);

}  // namespace mnnx::la
