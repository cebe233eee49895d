// LU with partial pivoting (right-looking, blocked: unblocked panel, triangular solve of the block row,
// gemm_sub for the trailing matrix), the matching solve, and Cholesky.
#include <algorithm>
#include <cmath>

#include "core/linalg.h"
#include "core/linalg_blas1.h"

namespace mnnx::la {

namespace {
constexpr int64_t NB = 64;

template <class T> void swap_rows(T* a, int64_t i, int64_t j, int64_t w) {
  T* x = a + i * w;
  T* y = a + j * w;
  for (int64_t c = 0; c < w; ++c) std::swap(x[c], y[c]);
}
}  // namespace

template <class T> bool lu_factor(T* a, int64_t n, int64_t* piv) {
  bool ok = true;
  for (int64_t k0 = 0; k0 < n; k0 += NB) {
    int64_t kb = std::min(NB, n - k0), c0 = k0 + kb;
    for (int64_t j = k0; j < c0; ++j) {
      int64_t p = j;
      T best = std::fabs(a[j * n + j]);
      for (int64_t i = j + 1; i < n; ++i) {
        T v = std::fabs(a[i * n + j]);
        if (v > best || (std::isnan(v) && !std::isnan(best))) best = v, p = i;
      }
      piv[j] = p;
      if (p != j) swap_rows(a, j, p, n);
      T d = a[j * n + j];
      if (d == 0) {
        ok = false;
        continue;
      }
      for (int64_t i = j + 1; i < n; ++i) {
        T& l = a[i * n + j];
        l /= d;
        if (l != 0) axpy_sub(l, a + j * n + j + 1, a + i * n + j + 1, c0 - j - 1);
      }
    }
    if (c0 < n) {
      for (int64_t i = 1; i < kb; ++i)
        for (int64_t p = 0; p < i; ++p)
          axpy_sub(a[(k0 + i) * n + k0 + p], a + (k0 + p) * n + c0, a + (k0 + i) * n + c0, n - c0);
      gemm_sub(n - c0, n - c0, kb, a + c0 * n + k0, n, a + k0 * n + c0, n, a + c0 * n + c0, n);
    }
  }
  return ok;
}

template <class T> void lu_solve(const T* lu, const int64_t* piv, int64_t n, T* b, int64_t nrhs) {
  for (int64_t i = 0; i < n; ++i)
    if (piv[i] != i) swap_rows(b, i, piv[i], nrhs);
  for (int64_t i0 = 0; i0 < n; i0 += NB) {
    int64_t i1 = std::min(n, i0 + NB);
    gemm_sub(i1 - i0, nrhs, i0, lu + i0 * n, n, b, nrhs, b + i0 * nrhs, nrhs);
    for (int64_t i = i0 + 1; i < i1; ++i)
      for (int64_t p = i0; p < i; ++p) axpy_sub(lu[i * n + p], b + p * nrhs, b + i * nrhs, nrhs);
  }
  for (int64_t i0 = ((n - 1) / NB) * NB; i0 >= 0; i0 -= NB) {
    int64_t i1 = std::min(n, i0 + NB);
    gemm_sub(i1 - i0, nrhs, n - i1, lu + i0 * n + i1, n, b + i1 * nrhs, nrhs, b + i0 * nrhs, nrhs);
    for (int64_t i = i1 - 1; i >= i0; --i) {
      T* bi = b + i * nrhs;
      for (int64_t p = i + 1; p < i1; ++p) axpy_sub(lu[i * n + p], b + p * nrhs, bi, nrhs);
      T d = lu[i * n + i];
      for (int64_t c = 0; c < nrhs; ++c) bi[c] /= d;
    }
  }
}

template <class T> bool cholesky(T* a, int64_t n) {
  for (int64_t j = 0; j < n; ++j) {
    T* rj = a + j * n;
    T d = rj[j] - dot(rj, rj, j);
    if (d <= 0) return false;  // NaN propagates, as LAPACK's potrf
    d = std::sqrt(d);
    rj[j] = d;
    for (int64_t i = j + 1; i < n; ++i) {
      T* ri = a + i * n;
      ri[j] = (ri[j] - dot(ri, rj, j)) / d;
    }
  }
  for (int64_t i = 0; i < n; ++i)
    for (int64_t c = i + 1; c < n; ++c) a[i * n + c] = 0;
  return true;
}

template bool lu_factor<float>(float*, int64_t, int64_t*);
template bool lu_factor<double>(double*, int64_t, int64_t*);
template void lu_solve<float>(const float*, const int64_t*, int64_t, float*, int64_t);
template void lu_solve<double>(const double*, const int64_t*, int64_t, double*, int64_t);
template bool cholesky<float>(float*, int64_t);
template bool cholesky<double>(double*, int64_t);

}  // namespace mnnx::la
