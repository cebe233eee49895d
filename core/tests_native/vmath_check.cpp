// core/tests_native/vmath_check.cpp -- accuracy / special-value / speed check
// for core/vmath.h.  Standalone, no dependencies.
//
// Build and run (from core/tests_native):
//   g++ -O3 -fno-math-errno -fno-trapping-math -mavx512f -mavx512bw -mavx512dq
//       -mavx512vl -mfma -std=c++17 vmath_check.cpp -o vmath_check && ./vmath_check
// Options: --full         sweep all 2^32 float patterns (default: every 7th + specials)
//          --stride N     sweep every N-th float pattern
//          --dsamples N   random inputs per double function (default 10,000,000)
//          --only NAME    check only functions whose name contains NAME
//          --no-bench     skip the throughput measurement
//
// Float functions: every swept bit pattern x is compared with the double-precision
// libm result rounded to float; the error is the distance in ulps (ordered bit
// patterns) to that rounded reference.  NaN must map to NaN, zeros must carry the
// reference's sign.  sin/cos/tan are accurate only for |x| < TRIG_BOUND; above it
// they must be finite, |sin|,|cos| <= 1, with sin/tan odd and cos even.
// Double functions: random inputs over wide domains vs. long double libm, error in
// double ulps (fractional).  Special values (limits, +-0, +-inf, NaN) must match
// libm exactly for both precisions.  Exit status is non-zero on any failure.
#include "../vmath.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace vm = mnnx::vm;

static const double kMaxUlp = 4.0;
static const float kTrigBound = 0x1p31f;  // documented accuracy bound of float trig

// ---------------------------------------------------------------------------
// Vectorized call sites: the loops below are the shape the library uses.
#define DEF_LOOPS(f)                                                              \
  __attribute__((noinline)) static void vf_##f(const float* x, float* y, int64_t n) { \
    for (int64_t i = 0; i < n; ++i) y[i] = vm::f(x[i]);                           \
  }                                                                               \
  __attribute__((noinline)) static void vd_##f(const double* x, double* y, int64_t n) { \
    for (int64_t i = 0; i < n; ++i) y[i] = vm::f(x[i]);                           \
  }
DEF_LOOPS(exp) DEF_LOOPS(exp2) DEF_LOOPS(expm1) DEF_LOOPS(log) DEF_LOOPS(log2)
DEF_LOOPS(log10) DEF_LOOPS(log1p) DEF_LOOPS(sin) DEF_LOOPS(cos) DEF_LOOPS(tan)
DEF_LOOPS(asin) DEF_LOOPS(acos) DEF_LOOPS(atan) DEF_LOOPS(sinh) DEF_LOOPS(cosh)
DEF_LOOPS(tanh) DEF_LOOPS(erf) DEF_LOOPS(sigmoid)
__attribute__((noinline)) static void vf_atan2(const float* y, const float* x, float* r, int64_t n) {
  for (int64_t i = 0; i < n; ++i) r[i] = vm::atan2(y[i], x[i]);
}
__attribute__((noinline)) static void vd_atan2(const double* y, const double* x, double* r, int64_t n) {
  for (int64_t i = 0; i < n; ++i) r[i] = vm::atan2(y[i], x[i]);
}

// References.
static double rsig(double x) { return 1.0 / (1.0 + std::exp(-x)); }
static long double rsigl(long double x) { return 1.0L / (1.0L + std::exp(-x)); }
#define D(f) [](double x) { return std::f(x); }
#define LD(f) [](long double x) { return std::f(x); }

struct Unary {
  const char* name;
  void (*vf)(const float*, float*, int64_t);
  void (*vd)(const double*, double*, int64_t);
  double (*ref)(double);
  long double (*refl)(long double);
  // double test domain: uniform part [ulo, uhi] and log-uniform |x| in [2^elo, 2^ehi]
  double ulo, uhi;
  int elo, ehi;
  bool neg;  // log-uniform part also takes negative values
  bool trig;
};

static const Unary kUnary[] = {
    {"exp", vf_exp, vd_exp, D(exp), LD(exp), -746, 710, -60, 9, true, false},
    {"exp2", vf_exp2, vd_exp2, D(exp2), LD(exp2), -1080, 1025, -60, 10, true, false},
    {"expm1", vf_expm1, vd_expm1, D(expm1), LD(expm1), -40, 710, -1074, 9, true, false},
    {"log", vf_log, vd_log, D(log), LD(log), 0.5, 2, -1074, 1023, false, false},
    {"log2", vf_log2, vd_log2, D(log2), LD(log2), 0.5, 2, -1074, 1023, false, false},
    {"log10", vf_log10, vd_log10, D(log10), LD(log10), 0.5, 2, -1074, 1023, false, false},
    {"log1p", vf_log1p, vd_log1p, D(log1p), LD(log1p), -1, 1, -1074, 1023, false, false},
    {"sin", vf_sin, vd_sin, D(sin), LD(sin), -10, 10, -40, 26, true, true},
    {"cos", vf_cos, vd_cos, D(cos), LD(cos), -10, 10, -40, 26, true, true},
    {"tan", vf_tan, vd_tan, D(tan), LD(tan), -10, 10, -40, 26, true, true},
    {"asin", vf_asin, vd_asin, D(asin), LD(asin), -1, 1, -1074, 0, true, false},
    {"acos", vf_acos, vd_acos, D(acos), LD(acos), -1, 1, -1074, 0, true, false},
    {"atan", vf_atan, vd_atan, D(atan), LD(atan), -10, 10, -1074, 1023, true, false},
    {"sinh", vf_sinh, vd_sinh, D(sinh), LD(sinh), -711, 711, -1074, 9, true, false},
    {"cosh", vf_cosh, vd_cosh, D(cosh), LD(cosh), -711, 711, -1074, 9, true, false},
    {"tanh", vf_tanh, vd_tanh, D(tanh), LD(tanh), -25, 25, -1074, 5, true, false},
    {"erf", vf_erf, vd_erf, D(erf), LD(erf), -6, 6, -1074, 3, true, false},
    {"sigmoid", vf_sigmoid, vd_sigmoid, rsig, rsigl, -750, 750, -1074, 9, true, false},
};

// ---------------------------------------------------------------------------
static uint32_t fbits(float x) { uint32_t u; std::memcpy(&u, &x, 4); return u; }
static float ffrom(uint32_t u) { float x; std::memcpy(&x, &u, 4); return x; }
static int64_t ford(float x) {  // monotone integer image of a float (+0 == -0)
  uint32_t u = fbits(x);
  return (u & 0x80000000u) ? -int64_t(u & 0x7fffffffu) : int64_t(u);
}

static std::vector<float> special_floats() {
  const float inf = INFINITY, mx = std::numeric_limits<float>::max();
  std::vector<float> v = {0.f, inf, NAN, 1.f, 2.f, 0.5f, 3.f, 10.f, 1000.f, mx, 0x1p-149f,
                          0x1p-126f, 0x1.fffffep-127f, 1e-30f, 1e-20f, 0x1p-25f, 0x1p-24f,
                          0.875f, 3.95f, 4.f, 9.f, 20.f, 87.f, 88.f, 88.72283f, 88.72284f,
                          89.f, 89.4159851f, 90.f, 100.f, 103.9f, 104.f, 126.f, 127.f, 128.f,
                          149.f, 150.f, 151.f, 1.0000001f, 0.99999994f, 0x1.921fb6p0f,
                          0x1.921fb6p1f, 1e5f, 1e8f, 1e30f};
  size_t n = v.size();
  for (size_t i = 0; i < n; ++i) v.push_back(-v[i]);
  v.push_back(ffrom(0xffc00000u));  // -NaN
  return v;
}
static std::vector<double> special_doubles() {
  const double inf = INFINITY, mx = std::numeric_limits<double>::max();
  std::vector<double> v = {0.0, inf, NAN, 1.0, 2.0, 0.5, mx, 0x1p-1074, 0x1p-1022, 1e-300,
                           0x1p-54, 0x1p-53, 20.0, 22.0, 40.0, 709.78, 709.79, 710.0, 710.4758,
                           710.48, 711.0, 745.0, 746.0, 1024.0, 1025.0, 1074.0, 1075.0, 1e8};
  size_t n = v.size();
  for (size_t i = 0; i < n; ++i) v.push_back(-v[i]);
  return v;
}

// Exact agreement at a special point: same NaN-ness, same value, same sign of zero.
template <class T> static bool same(T a, T b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return a == b && std::signbit(a) == std::signbit(b);
}
// Special points are where the result must be exact: limits, zeros, inf, nan and
// exactly representable results.  Others in the list are checked to 4 ulp.
template <class T> static bool must_be_exact(T x, T r) {
  return !std::isfinite(x) || x == 0 || !std::isfinite(r) || r == 0 ||
         (std::fabs(r) <= 1024 && r == std::nearbyint(r));
}

static int g_fail = 0;
static unsigned g_threads = 2;

struct FloatStats {
  double max_ulp = 0;
  float at = 0;
  long special_bad = 0;
  float special_x = 0;
  double beyond_bad = 0;  // trig beyond bound: count of non-finite / out-of-range
  float beyond_x = 0;
};

static void merge(FloatStats& a, const FloatStats& b) {
  if (b.max_ulp > a.max_ulp) { a.max_ulp = b.max_ulp; a.at = b.at; }
  if (b.special_bad) { if (!a.special_bad) a.special_x = b.special_x; a.special_bad += b.special_bad; }
  if (b.beyond_bad) { if (!a.beyond_bad) a.beyond_x = b.beyond_x; a.beyond_bad += b.beyond_bad; }
}

static void check_float_value(const Unary& u, float x, float y, FloatStats& st, bool special) {
  if (u.trig && !(std::fabs(x) < kTrigBound)) {
    if (std::isnan(x) || std::isinf(x)) {
      if (!std::isnan(y)) { if (!st.special_bad++) st.special_x = x; }
    } else {
      bool ok = std::isfinite(y) && (u.name[0] == 't' || std::fabs(y) <= 1.0f);  // tan unbounded
      if (!ok) { if (!st.beyond_bad++) st.beyond_x = x; }
    }
    return;
  }
  float rf = std::isnan(x) ? x : float(u.ref(double(x)));
  bool bad_special = false;
  if (std::isnan(rf) || std::isnan(y)) {
    bad_special = !(std::isnan(rf) && std::isnan(y));
  } else {
    if (rf == 0 && y == 0 && std::signbit(rf) != std::signbit(y)) bad_special = true;
    double ulp = double(std::llabs(ford(y) - ford(rf)));
    if (special && must_be_exact(x, rf) && !same(y, rf)) bad_special = true;
    if (ulp > st.max_ulp) { st.max_ulp = ulp; st.at = x; }
  }
  if (bad_special) { if (!st.special_bad++) st.special_x = x; }
}

static FloatStats sweep_float(const Unary& u, uint64_t stride) {
  const uint64_t total = (0x100000000ull + stride - 1) / stride;  // patterns i*stride
  const int64_t B = 1 << 14;
  std::vector<FloatStats> per(g_threads);
  std::atomic<uint64_t> next{0};
  auto work = [&](unsigned t) {
    std::vector<float> x(B), y(B);
    FloatStats st;
    for (;;) {
      uint64_t i0 = next.fetch_add(B);
      if (i0 >= total) break;
      int64_t n = int64_t(std::min<uint64_t>(B, total - i0));
      for (int64_t j = 0; j < n; ++j) x[j] = ffrom(uint32_t((i0 + j) * stride));
      u.vf(x.data(), y.data(), n);
      for (int64_t j = 0; j < n; ++j) check_float_value(u, x[j], y[j], st, false);
    }
    per[t] = st;
  };
  std::vector<std::thread> th;
  for (unsigned t = 0; t < g_threads; ++t) th.emplace_back(work, t);
  for (auto& t : th) t.join();
  FloatStats all;
  for (auto& s : per) merge(all, s);
  // special values
  std::vector<float> sx = special_floats(), sy(sx.size());
  u.vf(sx.data(), sy.data(), int64_t(sx.size()));
  for (size_t j = 0; j < sx.size(); ++j) check_float_value(u, sx[j], sy[j], all, true);
  if (u.trig) {  // symmetry beyond the bound: sin, tan odd; cos even
    std::vector<float> bx, by(2), bm(2);
    for (float v : {3e8f, 1e10f, 1e20f, 3e38f}) {
      float xs[2] = {v, -v}, ys[2];
      u.vf(xs, ys, 2);
      bool odd = std::string(u.name) != "cos";
      if (!(odd ? ys[1] == -ys[0] : ys[1] == ys[0])) { if (!all.beyond_bad++) all.beyond_x = v; }
    }
  }
  return all;
}

// atan2(float): random pairs plus a grid of special values.
static FloatStats check_atan2_float(uint64_t samples) {
  FloatStats st;
  std::mt19937_64 rng(12345);
  const int64_t B = 1 << 14;
  std::vector<float> ya(B), xa(B), ra(B);
  auto one = [&](float y, float x, float r, bool special) {
    double rd = std::atan2(double(y), double(x));
    float rf = float(rd);
    if (std::isnan(rf) || std::isnan(r)) {
      if (!(std::isnan(rf) && std::isnan(r))) { if (!st.special_bad++) st.special_x = y; }
      return;
    }
    if ((rf == 0 && r == 0 && std::signbit(rf) != std::signbit(r)) || (special && !same(r, rf))) {
      if (!st.special_bad++) st.special_x = y;
    }
    double ulp = double(std::llabs(ford(r) - ford(rf)));
    if (ulp > st.max_ulp) { st.max_ulp = ulp; st.at = y / x; }  // at_x shows y/x
  };
  for (uint64_t done = 0; done < samples; done += B) {
    for (int64_t j = 0; j < B; ++j) {
      uint64_t r = rng();
      if (j & 1) {  // arbitrary bit patterns
        ya[j] = ffrom(uint32_t(r)); xa[j] = ffrom(uint32_t(r >> 32));
      } else {      // moderate ratios
        ya[j] = ffrom((uint32_t(r) & 0x807fffffu) | (uint32_t(117 + (r >> 32) % 20) << 23));
        xa[j] = ffrom((uint32_t(r >> 23) & 0x807fffffu) | (uint32_t(117 + (r >> 40) % 20) << 23));
      }
    }
    vf_atan2(ya.data(), xa.data(), ra.data(), B);
    for (int64_t j = 0; j < B; ++j) one(ya[j], xa[j], ra[j], false);
  }
  std::vector<float> sp = {0.f, -0.f, 1.f, -1.f, 0x1p-149f, -0x1p-149f, 3e38f, -3e38f,
                           INFINITY, -INFINITY, NAN};
  for (float y : sp)
    for (float x : sp) {
      float r;
      vf_atan2(&y, &x, &r, 1);
      one(y, x, r, true);
    }
  return st;
}

// ---------------------------------------------------------------------------
struct DoubleStats {
  double max_ulp = 0;
  double at = 0;
  long special_bad = 0;
  double special_x = 0;
};

static double ulp_err(double y, long double ref) {
  double rd = double(ref);
  if (std::isnan(rd) || std::isnan(y)) return (std::isnan(rd) && std::isnan(y)) ? 0 : 1e30;
  if (std::isinf(rd) || std::isinf(y)) return y == rd ? 0 : 1e30;
  int e = rd == 0 ? -1074 : std::max(std::ilogb(rd) - 52, -1074);
  return double(std::fabs((long double)y - ref) / std::ldexp(1.0L, e));
}

static DoubleStats check_double(const Unary& u, uint64_t samples) {
  DoubleStats st;
  std::mt19937_64 rng(777);
  std::uniform_real_distribution<double> uni(u.ulo, u.uhi), e01(0.0, 1.0);
  const bool is_log1p = std::string(u.name) == "log1p";
  const int64_t B = 1 << 14;
  std::vector<double> x(B), y(B);
  for (uint64_t done = 0; done < samples; done += B) {
    for (int64_t j = 0; j < B; ++j) {
      if (j & 1) {
        x[j] = uni(rng);
      } else {
        double e = u.elo + (u.ehi - u.elo) * e01(rng);
        x[j] = std::exp2(e) * (1 + e01(rng));
        if (std::isinf(x[j])) x[j] = std::numeric_limits<double>::max();
        if (u.neg && (rng() & 1)) x[j] = -x[j];
        if (is_log1p && (rng() & 3) == 0) x[j] = -e01(rng);  // (-1, 0)
      }
    }
    u.vd(x.data(), y.data(), B);
    for (int64_t j = 0; j < B; ++j) {
      double err = ulp_err(y[j], u.refl((long double)x[j]));
      if (err > st.max_ulp) { st.max_ulp = err; st.at = x[j]; }
    }
  }
  std::vector<double> sx = special_doubles(), sy(sx.size());
  u.vd(sx.data(), sy.data(), int64_t(sx.size()));
  for (size_t j = 0; j < sx.size(); ++j) {
    if (u.trig && !(std::fabs(sx[j]) < 0x1p27) && std::isfinite(sx[j])) continue;
    double r = double(u.refl((long double)sx[j]));
    bool bad = (must_be_exact(sx[j], r) && !same(sy[j], r)) || ulp_err(sy[j], u.refl(sx[j])) > kMaxUlp;
    if (bad) { if (!st.special_bad++) st.special_x = sx[j]; }
  }
  return st;
}

static DoubleStats check_atan2_double(uint64_t samples) {
  DoubleStats st;
  std::mt19937_64 rng(99);
  std::uniform_real_distribution<double> e01(0.0, 1.0);
  const int64_t B = 1 << 14;
  std::vector<double> ya(B), xa(B), ra(B);
  for (uint64_t done = 0; done < samples; done += B) {
    for (int64_t j = 0; j < B; ++j) {
      int span = (j & 1) ? 2000 : 20;  // wide and moderate magnitudes
      ya[j] = std::exp2(span * (e01(rng) - 0.5)) * ((rng() & 1) ? -1 : 1);
      xa[j] = std::exp2(span * (e01(rng) - 0.5)) * ((rng() & 1) ? -1 : 1);
    }
    vd_atan2(ya.data(), xa.data(), ra.data(), B);
    for (int64_t j = 0; j < B; ++j) {
      double err = ulp_err(ra[j], std::atan2((long double)ya[j], (long double)xa[j]));
      if (err > st.max_ulp) { st.max_ulp = err; st.at = ya[j] / xa[j]; }
    }
  }
  std::vector<double> sp = {0.0, -0.0, 1.0, -1.0, 0x1p-1074, -0x1p-1074, 1e308, -1e308,
                            INFINITY, -INFINITY, NAN};
  for (double y : sp)
    for (double x : sp) {
      double r;
      vd_atan2(&y, &x, &r, 1);
      if (!same(r, std::atan2(y, x))) { if (!st.special_bad++) st.special_x = y; }
    }
  return st;
}

// ---------------------------------------------------------------------------
static void bench() {
  const int64_t n = 4 << 20;
  std::vector<float> x(n), y(n);
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> d(-10.f, 10.f);
  for (auto& v : x) v = d(rng);
  struct B { const char* name; void (*f)(const float*, float*, int64_t); } bs[] = {
      {"exp", vf_exp}, {"tanh", vf_tanh}, {"sigmoid", vf_sigmoid}, {"log", vf_log},
      {"sin", vf_sin}, {"erf", vf_erf}};
  std::printf("\nthroughput, float, one thread (best of 7):\n");
  std::printf("%-8s %14s %14s\n", "function", "4M ns/elem", "16K ns/elem");
  for (auto& b : bs) {
    double best_big = 1e30, best_small = 1e30;
    for (int rep = 0; rep < 7; ++rep) {
      auto t0 = std::chrono::steady_clock::now();
      b.f(x.data(), y.data(), n);
      auto t1 = std::chrono::steady_clock::now();
      best_big = std::min(best_big, std::chrono::duration<double, std::nano>(t1 - t0).count() / n);
      const int64_t m = 16384;  // cache-resident: pure compute throughput
      t0 = std::chrono::steady_clock::now();
      for (int k = 0; k < 256; ++k) b.f(x.data() + (k & 7) * m, y.data(), m);
      t1 = std::chrono::steady_clock::now();
      best_small = std::min(best_small, std::chrono::duration<double, std::nano>(t1 - t0).count() / (256.0 * m));
    }
    std::printf("%-8s %14.3f %14.3f\n", b.name, best_big, best_small);
  }
}

int main(int argc, char** argv) {
  uint64_t stride = 7, dsamples = 10000000;
  std::string only;
  bool do_bench = true;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--full") stride = 1;
    else if (a == "--stride" && i + 1 < argc) stride = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--dsamples" && i + 1 < argc) dsamples = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--only" && i + 1 < argc) only = argv[++i];
    else if (a == "--no-bench") do_bench = false;
    else { std::fprintf(stderr, "unknown option %s\n", a.c_str()); return 2; }
  }
  g_threads = std::max(1u, std::min(8u, std::thread::hardware_concurrency()));
  auto t_start = std::chrono::steady_clock::now();

  std::printf("float: every %" PRIu64 "-th of 2^32 bit patterns + special values; limit %.0f ulp\n",
              stride, kMaxUlp);
  std::printf("%-8s %10s %16s  %s\n", "function", "max_ulp", "at_x", "status");
  auto report_f = [&](const char* name, const FloatStats& st, bool trig) {
    bool ok = st.max_ulp <= kMaxUlp && st.special_bad == 0 && st.beyond_bad == 0;
    std::printf("%-8s %10.0f %16.9g  %s", name, st.max_ulp, double(st.at), ok ? "ok" : "FAIL");
    if (st.special_bad) std::printf("  [%ld special-value mismatches, first x=%.9g]", st.special_bad, double(st.special_x));
    if (st.beyond_bad) std::printf("  [%.0f bad results beyond |x|=2^31, first x=%.9g]", st.beyond_bad, double(st.beyond_x));
    if (trig) std::printf("  (|x| < 2^31)");
    std::printf("\n");
    std::fflush(stdout);
    if (!ok) ++g_fail;
  };
  for (const Unary& u : kUnary) {
    if (!only.empty() && std::string(u.name).find(only) == std::string::npos) continue;
    report_f(u.name, sweep_float(u, stride), u.trig);
  }
  if (only.empty() || std::string("atan2").find(only) != std::string::npos)
    report_f("atan2", check_atan2_float(std::max<uint64_t>(dsamples, 1 << 20) * 4), false);
  auto t_float = std::chrono::steady_clock::now();

  std::printf("\ndouble: %" PRIu64 " random inputs each vs long double; limit %.0f ulp\n", dsamples, kMaxUlp);
  std::printf("%-8s %10s %16s  %s\n", "function", "max_ulp", "at_x", "status");
  auto report_d = [&](const char* name, const DoubleStats& st, const char* note) {
    bool ok = st.max_ulp <= kMaxUlp && st.special_bad == 0;
    std::printf("%-8s %10.3f %16.9g  %s", name, st.max_ulp, st.at, ok ? "ok" : "FAIL");
    if (st.special_bad) std::printf("  [%ld special-value mismatches, first x=%.17g]", st.special_bad, st.special_x);
    std::printf("%s\n", note);
    std::fflush(stdout);
    if (!ok) ++g_fail;
  };
  for (const Unary& u : kUnary) {
    if (!only.empty() && std::string(u.name).find(only) == std::string::npos) continue;
    report_d(u.name, check_double(u, dsamples),
             u.trig ? "  (|x| < 2^27)" : std::string(u.name) == "erf" ? "  (std::erf fallback)" : "");
  }
  if (only.empty() || std::string("atan2").find(only) != std::string::npos)
    report_d("atan2", check_atan2_double(dsamples), "");
  auto t_end = std::chrono::steady_clock::now();
  std::printf("\ntime: float %.1f s, double %.1f s\n",
              std::chrono::duration<double>(t_float - t_start).count(),
              std::chrono::duration<double>(t_end - t_float).count());
  if (do_bench) bench();
  std::printf("\n%s\n", g_fail ? "vmath_check: FAILED" : "vmath_check: all passed");
  return g_fail ? 1 : 0;
}
