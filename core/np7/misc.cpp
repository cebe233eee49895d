// Small numeric kernels numpy implements in C and that do not compose well from lazy ops:
// sliding dot products, piecewise-linear interpolation, counting.
#include <algorithm>
#include <cmath>

#include "core/errors.h"
#include "core/np7/np7.h"
#include "core/threadpool.h"

namespace mnnx::np7 {

namespace {

template <class T>
void correlate_typed(const T* a, int64_t na, const T* v, int64_t nv, int64_t lo, int64_t nout, T* out) {
  parallel_for(nout, std::max<int64_t>(1, 8192 / std::max<int64_t>(nv, 1)), [&](int64_t b, int64_t e, int) {
    for (int64_t k = b; k < e; ++k) {
      const int64_t s = k + lo;  // a index paired with v[0]
      const int64_t j0 = std::max<int64_t>(0, -s), j1 = std::min<int64_t>(nv, na - s);
      T acc = 0;
      for (int64_t j = j0; j < j1; ++j) acc += a[s + j] * v[j];
      out[k] = acc;
    }
  });
}

}  // namespace

void correlate(char type, const void* a, int64_t na, const void* v, int64_t nv, int64_t lo, int64_t nout, void* out) {
  switch (type) {
    case 'f': return correlate_typed(static_cast<const float*>(a), na, static_cast<const float*>(v), nv, lo, nout, static_cast<float*>(out));
    case 'd': return correlate_typed(static_cast<const double*>(a), na, static_cast<const double*>(v), nv, lo, nout, static_cast<double*>(out));
    case 'l': case 'q': {
      // wrap-around products and sums as numpy's integer loops (computed unsigned: no signed overflow)
      return correlate_typed(static_cast<const uint64_t*>(a), na, static_cast<const uint64_t*>(v), nv, lo, nout, static_cast<uint64_t*>(out));
    }
    default: fail(ErrKind::TYPE, std::string("correlate: unsupported type '") + type + "'");
  }
}

void interp(const double* x, int64_t m, const double* xp, const double* fp, int64_t n, double left, double right,
            double* out) {
  parallel_for(m, 4096, [&](int64_t b, int64_t e, int) {
    for (int64_t i = b; i < e; ++i) {
      const double xv = x[i];
      if (n == 1) {  // numpy's one-knot case: plain comparisons (a NaN x gets the knot's value)
        out[i] = xv < xp[0] ? left : xv > xp[0] ? right : fp[0];
        continue;
      }
      if (std::isnan(xv)) { out[i] = xv; continue; }
      // j: the last knot with xp[j] <= xv (-1 below the first)
      const int64_t j = std::upper_bound(xp, xp + n, xv) - xp - 1;
      if (j < 0) out[i] = left;
      else if (j == n - 1) out[i] = xv == xp[n - 1] ? fp[n - 1] : right;
      else if (xp[j] == xv) out[i] = fp[j];
      else {
        const double slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
        double r = slope * (xv - xp[j]) + fp[j];
        if (std::isnan(r)) {  // numpy: try from the other end, then a flat segment's value
          r = slope * (xv - xp[j + 1]) + fp[j + 1];
          if (std::isnan(r) && fp[j] == fp[j + 1]) r = fp[j];
        }
        out[i] = r;
      }
    }
  });
}

void bincount(const int64_t* x, int64_t n, const double* w, int64_t nbins, double* out_w, int64_t* out_c) {
  if (w) {
    std::fill(out_w, out_w + nbins, 0.0);
    for (int64_t i = 0; i < n; ++i) out_w[x[i]] += w[i];
  } else {
    std::fill(out_c, out_c + nbins, int64_t(0));
    for (int64_t i = 0; i < n; ++i) ++out_c[x[i]];
  }
}

}  // namespace mnnx::np7
