// See random.h for the methods and their sources.
#include "core/random.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace mnnx::rnd {

namespace {
inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

inline uint64_t splitmix(uint64_t* x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// unbiased integer in [0, range) (Lemire 2019); range 0 means all 64 bits
inline uint64_t bounded(State* st, uint64_t range) {
  uint64_t x = next(st);
  if (range == 0) return x;
  __uint128_t m = static_cast<__uint128_t>(x) * range;
  uint64_t l = static_cast<uint64_t>(m);
  if (l < range) {
    uint64_t t = (0 - range) % range;
    while (l < t) {
      x = next(st);
      m = static_cast<__uint128_t>(x) * range;
      l = static_cast<uint64_t>(m);
    }
  }
  return static_cast<uint64_t>(m >> 64);
}

inline double open_uniform(State* st) {  // (0, 1): safe for logs
  return ((next(st) >> 11) + 0.5) * 0x1.0p-53;
}

// Ziggurat for the standard normal (Marsaglia & Tsang, in Doornik's formulation): 256 layers of equal
// area v under f(x) = exp(-x^2/2); layer i is [0, x_i] x [f(x_i), f(x_i+1)], layer 0 the base strip
// whose part beyond r = x_1 is the tail. About 99% of draws take one 64-bit word and one compare.
struct Ziggurat {
  static constexpr double r = 3.6541528853610088;
  double x[257], ratio[256], f[257];
  Ziggurat() {
    auto fx = [](double v) { return std::exp(-0.5 * v * v); };
    double v = r * fx(r) + std::sqrt(M_PI / 2) * std::erfc(r / std::sqrt(2.0));
    x[0] = v / fx(r);
    x[1] = r;
    for (int i = 2; i < 256; ++i) x[i] = std::sqrt(-2.0 * std::log(v / x[i - 1] + fx(x[i - 1])));
    x[256] = 0;
    for (int i = 0; i < 256; ++i) ratio[i] = x[i + 1] / x[i];
    for (int i = 0; i <= 256; ++i) f[i] = fx(x[i]);
  }
};
const Ziggurat& zig() {
  static const Ziggurat z;
  return z;
}

double normal(State* st) {
  const Ziggurat& z = zig();
  for (;;) {
    uint64_t bits = next(st);
    int i = static_cast<int>(bits & 0xff);
    double u = static_cast<double>(bits >> 11) * 0x1.0p-52 - 1.0;  // [-1, 1)
    if (std::fabs(u) < z.ratio[i]) return u * z.x[i];
    if (i == 0) {  // the tail beyond r (Marsaglia)
      double a, b;
      do {
        a = -std::log(open_uniform(st)) / Ziggurat::r;
        b = -std::log(open_uniform(st));
      } while (b + b <= a * a);
      return u < 0 ? -(Ziggurat::r + a) : Ziggurat::r + a;
    }
    double xv = u * z.x[i];
    if (z.f[i + 1] + uniform(st) * (z.f[i] - z.f[i + 1]) < std::exp(-0.5 * xv * xv)) return xv;
  }
}

double std_gamma(State* st, double shape) {
  if (shape <= 0) return 0.0;
  if (shape < 1) {  // Marsaglia-Tsang boost: G(a) = G(a + 1) * U^(1/a)
    double g = std_gamma(st, shape + 1.0);
    return g * std::pow(open_uniform(st), 1.0 / shape);
  }
  double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x, v;
    do {
      x = normal(st);
      v = 1.0 + c * x;
    } while (v <= 0);
    v = v * v * v;
    double u = open_uniform(st);
    if (u < 1.0 - 0.0331 * (x * x) * (x * x)) return d * v;
    if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
  }
}

double beta(State* st, double a, double b) {
  if (a <= 1.0 && b <= 1.0) {  // Johnk, with logs when both powers underflow
    for (;;) {
      double u = open_uniform(st), v = open_uniform(st);
      double x = std::pow(u, 1.0 / a), y = std::pow(v, 1.0 / b), xy = x + y;
      if (xy <= 1.0) {
        if (xy > 0) return x / xy;
        double lx = std::log(u) / a, ly = std::log(v) / b, lm = std::max(lx, ly);
        lx -= lm;
        ly -= lm;
        return std::exp(lx - std::log(std::exp(lx) + std::exp(ly)));
      }
    }
  }
  double x = std_gamma(st, a), y = std_gamma(st, b);
  return x / (x + y);
}

int64_t poisson(State* st, double lam) {
  if (lam <= 0) return 0;
  if (lam < 10) {
    double limit = std::exp(-lam), prod = uniform(st);
    int64_t k = 0;
    while (prod > limit) {
      prod *= uniform(st);
      ++k;
    }
    return k;
  }
  double slam = std::sqrt(lam), loglam = std::log(lam);
  double b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
  double invalpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    double u = uniform(st) - 0.5, v = uniform(st), us = 0.5 - std::fabs(u);
    double k = std::floor((2 * a / us + b) * u + lam + 0.43);
    if (us >= 0.07 && v <= vr) return static_cast<int64_t>(k);
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (std::log(v) + std::log(invalpha) - std::log(a / (us * us) + b) <= -lam + k * loglam - std::lgamma(k + 1))
      return static_cast<int64_t>(k);
  }
}

int64_t binomial(State* st, int64_t n, double p) {
  if (n == 0 || p == 0) return 0;
  if (p > 0.5) return n - binomial(st, n, 1.0 - p);
  double q = 1.0 - p, np = n * p;
  if (np < 30) {  // inversion
    double qn = std::exp(n * std::log(q)), bound = std::min<double>(n, np + 10.0 * std::sqrt(np * q + 1));
    int64_t x = 0;
    double px = qn, u = uniform(st);
    while (u > px) {
      ++x;
      if (x > bound) {
        x = 0;
        px = qn;
        u = uniform(st);
      } else {
        u -= px;
        px = ((n - x + 1) * p * px) / (x * q);
      }
    }
    return x;
  }
  double spq = std::sqrt(np * q), b = 1.15 + 2.53 * spq, a = -0.0873 + 0.0248 * b + 0.01 * p, c = np + 0.5;
  double vr = 0.92 - 4.2 / b, alpha = (2.83 + 5.1 / b) * spq, lpq = std::log(p / q);
  double m = std::floor((n + 1) * p), h = std::lgamma(m + 1) + std::lgamma(n - m + 1);
  for (;;) {
    double u = uniform(st) - 0.5, v = uniform(st), us = 0.5 - std::fabs(u);
    double k = std::floor((2 * a / us + b) * u + c);
    if (k < 0 || k > n) continue;
    if (us >= 0.07 && v <= vr) return static_cast<int64_t>(k);
    v = std::log(v * alpha / (a / (us * us) + b));
    if (v <= h - std::lgamma(k + 1) - std::lgamma(n - k + 1) + (k - m) * lpq) return static_cast<int64_t>(k);
  }
}
}  // namespace

void seed(State* st, uint64_t s) {
  uint64_t x = s;
  for (auto& w : st->s) w = splitmix(&x);
}

uint64_t next(State* st) {
  uint64_t* s = st->s;
  uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return r;
}

double uniform(State* st) { return (next(st) >> 11) * 0x1.0p-53; }

void fill_random_f64(State* st, double* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = uniform(st);
}
void fill_random_f32(State* st, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = static_cast<float>(next(st) >> 40) * 0x1.0p-24f;
}
void fill_integers(State* st, uint64_t* out, int64_t n, const uint64_t* low, const uint64_t* count, int64_t np) {
  for (int64_t i = 0; i < n; ++i) {
    int64_t j = np == 1 ? 0 : i;
    out[i] = low[j] + bounded(st, count[j]);
  }
}
void fill_normal(State* st, double* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = normal(st);
}
void fill_exponential(State* st, double* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = -std::log1p(-uniform(st));
}
void fill_gamma(State* st, double* out, int64_t n, const double* shape, int64_t np) {
  for (int64_t i = 0; i < n; ++i) out[i] = std_gamma(st, shape[np == 1 ? 0 : i]);
}
void fill_beta(State* st, double* out, int64_t n, const double* a, const double* b, int64_t np) {
  for (int64_t i = 0; i < n; ++i) out[i] = beta(st, a[np == 1 ? 0 : i], b[np == 1 ? 0 : i]);
}
void fill_poisson(State* st, int64_t* out, int64_t n, const double* lam, int64_t np) {
  for (int64_t i = 0; i < n; ++i) out[i] = poisson(st, lam[np == 1 ? 0 : i]);
}
void fill_binomial(State* st, int64_t* out, int64_t n, const int64_t* trials, const double* p, int64_t np) {
  for (int64_t i = 0; i < n; ++i) out[i] = binomial(st, trials[np == 1 ? 0 : i], p[np == 1 ? 0 : i]);
}
void shuffle(State* st, int64_t* idx, int64_t n) {
  for (int64_t i = n - 1; i > 0; --i) std::swap(idx[i], idx[bounded(st, static_cast<uint64_t>(i) + 1)]);
}
void shuffle_prefix(State* st, int64_t* idx, int64_t n, int64_t k) {
  for (int64_t i = 0; i < k && i < n - 1; ++i) std::swap(idx[i], idx[i + bounded(st, static_cast<uint64_t>(n - i))]);
}

}  // namespace mnnx::rnd
