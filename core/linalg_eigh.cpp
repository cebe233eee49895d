// Symmetric eigen for finite input: Householder reduction to tridiagonal form, then the implicit QL
// algorithm with Wilkinson-style shifts (the EISPACK tred2/tql2 pair). The matrix is held column-major
// (V(r, c) = v[c * n + r]; a symmetric input reads the same either way) so that the inner loops, which
// walk down columns, are contiguous. Non-finite input goes to the Jacobi method (linalg_jacobi.cpp).
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "core/linalg.h"

namespace mnnx::la {

namespace {

template <class T> void tred2(T* vbuf, int64_t n, T* d, T* e) {
  auto V = [&](int64_t r, int64_t c) -> T& { return vbuf[c * n + r]; };
  for (int64_t j = 0; j < n; ++j) d[j] = V(n - 1, j);
  for (int64_t i = n - 1; i > 0; --i) {
    T scale = 0, h = 0;
    for (int64_t k = 0; k < i; ++k) scale += std::fabs(d[k]);
    if (scale == 0) {
      e[i] = d[i - 1];
      for (int64_t j = 0; j < i; ++j) {
        d[j] = V(i - 1, j);
        V(i, j) = 0;
        V(j, i) = 0;
      }
    } else {
      for (int64_t k = 0; k < i; ++k) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      T f = d[i - 1], g = std::sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (int64_t j = 0; j < i; ++j) e[j] = 0;
      for (int64_t j = 0; j < i; ++j) {
        f = d[j];
        V(j, i) = f;
        g = e[j] + V(j, j) * f;
        const T* col = &V(0, j);
        for (int64_t k = j + 1; k <= i - 1; ++k) {
          g += col[k] * d[k];
          e[k] += col[k] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (int64_t j = 0; j < i; ++j) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      T hh = f / (h + h);
      for (int64_t j = 0; j < i; ++j) e[j] -= hh * d[j];
      for (int64_t j = 0; j < i; ++j) {
        f = d[j];
        g = e[j];
        T* col = &V(0, j);
        for (int64_t k = j; k <= i - 1; ++k) col[k] -= (f * e[k] + g * d[k]);
        d[j] = V(i - 1, j);
        V(i, j) = 0;
      }
    }
    d[i] = h;
  }
  for (int64_t i = 0; i < n - 1; ++i) {  // accumulate the transformations
    V(n - 1, i) = V(i, i);
    V(i, i) = 1;
    T h = d[i + 1];
    if (h != 0) {
      const T* ci = &V(0, i + 1);
      for (int64_t k = 0; k <= i; ++k) d[k] = ci[k] / h;
      for (int64_t j = 0; j <= i; ++j) {
        T* cj = &V(0, j);
        T g = 0;
        for (int64_t k = 0; k <= i; ++k) g += ci[k] * cj[k];
        for (int64_t k = 0; k <= i; ++k) cj[k] -= g * d[k];
      }
    }
    for (int64_t k = 0; k <= i; ++k) V(k, i + 1) = 0;
  }
  for (int64_t j = 0; j < n; ++j) {
    d[j] = V(n - 1, j);
    V(n - 1, j) = 0;
  }
  V(n - 1, n - 1) = 1;
  e[0] = 0;
}

}  // namespace

template <class T> bool tql2(T* vbuf, int64_t n, T* d, T* e, bool vectors) {
  for (int64_t i = 1; i < n; ++i) e[i - 1] = e[i];
  e[n - 1] = 0;
  T f = 0, tst1 = 0;
  const T eps = std::numeric_limits<T>::epsilon();
  for (int64_t l = 0; l < n; ++l) {
    tst1 = std::max(tst1, std::fabs(d[l]) + std::fabs(e[l]));
    int64_t m = l;
    while (m < n - 1 && !(std::fabs(e[m]) <= eps * tst1)) ++m;
    if (m > l) {
      int iter = 0;
      do {
        if (++iter > 60) return false;
        T g = d[l];
        T p = (d[l + 1] - g) / (2 * e[l]);
        T r = std::hypot(p, T(1));
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        T dl1 = d[l + 1];
        T h = g - d[l];
        for (int64_t i = l + 2; i < n; ++i) d[i] -= h;
        f += h;
        p = d[m];
        T c = 1, c2 = 1, c3 = 1, el1 = e[l + 1], s = 0, s2 = 0;
        for (int64_t i = m - 1; i >= l; --i) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = std::hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          if (vectors) {
            T* vi = vbuf + i * n;
            T* vj = vbuf + (i + 1) * n;
            for (int64_t k = 0; k < n; ++k) {
              T t = vj[k];
              vj[k] = s * vi[k] + c * t;
              vi[k] = c * vi[k] - s * t;
            }
          }
        }
        p = -s * s2 * c3 * el1 * e[l] / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (std::fabs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
  return true;
}

template <class T> bool eigh_tridiagonal(T* a, int64_t n, T* w, T* v) {
  if (n == 0) return true;
  for (int64_t i = 0; i < n * n; ++i)
    if (!std::isfinite(a[i])) return eigh_jacobi(a, n, w, v);
  std::vector<T> d(n), e(n);
  tred2(a, n, d.data(), e.data());
  if (!tql2(a, n, d.data(), e.data(), v != nullptr)) return false;
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t i, int64_t j) { return d[i] < d[j]; });
  for (int64_t i = 0; i < n; ++i) w[i] = d[order[i]];
  for (int64_t i = 0; v && i < n; ++i)
    for (int64_t k = 0; k < n; ++k) v[k * n + i] = a[order[i] * n + k];
  return true;
}

template bool tql2<float>(float*, int64_t, float*, float*, bool);
template bool tql2<double>(double*, int64_t, double*, double*, bool);
template bool eigh_tridiagonal<float>(float*, int64_t, float*, float*);
template bool eigh_tridiagonal<double>(double*, int64_t, double*, double*);

}  // namespace mnnx::la
