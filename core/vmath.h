// core/vmath.h -- branchless, auto-vectorizable elementwise math for mnnx.
//
// Each function is straight-line code (FP arithmetic, integer ops on the IEEE bits,
// bit-blend selects): no tables, no data-dependent branches, no libm calls except
// erf(double) -> std::erf.  So a loop like
//     for (int64_t i = 0; i < n; ++i) y[i] = mnnx::vm::exp(x[i]);
// vectorizes with GCC 12 -O3 -fno-math-errno for AVX-512 and AVX2 (all functions,
// float and double, with or without -fno-trapping-math) and for plain SSE2 (float
// versions except atan2; the double ones need -fno-trapping-math there).
// -fno-math-errno is required so std::sqrt inlines.  -ffast-math is not assumed:
// NaN, +-inf, subnormals, overflow/underflow and signed zeros are handled by
// explicit selects.
//
// Accuracy (core/tests_native/vmath_check.cpp): float <= 4 ulp (measured max 2)
// over all 2^32 inputs vs. the double libm result rounded to float; double <= 4 ulp
// (measured max < 2.5) vs. long double.  sin/cos/tan reduce by pi/2 with a
// Cody-Waite split; they are accurate for |x| < 2^31 (float, reduced in double) and
// |x| < 2^27 (double).  Beyond that they return finite values with the right
// symmetry (sin, tan odd; cos even), but not the true result.
//
// Polynomials: weighted minimax fits (Remez exchange in 50-digit mpmath, weight =
// relative error of the final function on the stated interval), rounded to the
// target type and nudged by a few ulps to minimize the max error of the rounded set.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>

namespace mnnx {
namespace vm {
namespace detail {

inline uint32_t bits(float x) { uint32_t u; std::memcpy(&u, &x, 4); return u; }
inline uint64_t bits(double x) { uint64_t u; std::memcpy(&u, &x, 8); return u; }
inline float f_of(uint32_t u) { float x; std::memcpy(&x, &u, 4); return x; }
inline double f_of(uint64_t u) { double x; std::memcpy(&x, &u, 8); return x; }

// Per-type constants.  MAGIC: adding it rounds to an integer held in the low
// mantissa bits.  LN2_HI has trailing zero bits so k*LN2_HI is exact.
template <class T> struct K;
template <> struct K<float> {
  using U = uint32_t;
  static constexpr int EB = 127;  // exponent bias
  static constexpr float MAGIC = 0x1.8p23f, LOG2E = 0x1.715476p+0f;
  static constexpr float LN2_HI = 0x1.62e4p-1f, LN2_LO = 0x1.7f7d1cp-20f;
  static constexpr float PIO2_HI = 0x1.921fb6p+0f, PIO2_LO = -0x1.777a5cp-25f;
  static constexpr float PIO4_HI = 0x1.921fb6p-1f, PIO4_LO = -0x1.777a5cp-26f;
  static constexpr float PI_HI = 0x1.921fb6p+1f, PI_LO = -0x1.777a5cp-24f;
  static constexpr float LG2_HI = 0x1.344p-2f, LG2_LO = 0x1.3509f8p-18f;  // log10(2)
  static constexpr float IVLN10 = 0x1.bcb7b2p-2f;  // 1/ln(10)
  // argument clamps (just past where results saturate), tiny-expm1 threshold
  static constexpr float EXP_LO = -104.f, EXP_HI = 89.f, EXP2_LO = -151.f, EXP2_HI = 129.f;
  static constexpr float EM1_LO = -20.f, EM1_HI = 89.f, EM1_TINY = 0x1p-25f;
  static constexpr float TANH_SAT = 10.f, COSH_HI = 90.f;
};
template <> struct K<double> {
  using U = uint64_t;
  static constexpr int EB = 1023;
  static constexpr double MAGIC = 0x1.8p52, LOG2E = 0x1.71547652b82fep+0;
  static constexpr double LN2_HI = 0x1.62e42fefa38p-1, LN2_LO = 0x1.ef35793c7673p-45;
  static constexpr double PIO2_HI = 0x1.921fb54442d18p+0, PIO2_LO = 0x1.1a62633145c07p-54;
  static constexpr double PIO4_HI = 0x1.921fb54442d18p-1, PIO4_LO = 0x1.1a62633145c07p-55;
  static constexpr double PI_HI = 0x1.921fb54442d18p+1, PI_LO = 0x1.1a62633145c07p-53;
  static constexpr double LG2_HI = 0x1.34413509f8p-2, LG2_LO = -0x1.80433b83b532ap-44;
  static constexpr double IVLN10 = 0x1.bcb7b1526e50ep-2;
  static constexpr double EXP_LO = -750., EXP_HI = 710., EXP2_LO = -1080., EXP2_HI = 1025.;
  static constexpr double EM1_LO = -40., EM1_HI = 709.9, EM1_TINY = 0x1p-54;
  static constexpr double TANH_SAT = 22., COSH_HI = 711.;
};

template <class T> using UIntOf = typename K<T>::U;

#if defined(__FMA__) || defined(__FP_FAST_FMA)
inline float fma_(float a, float b, float c) { return __builtin_fmaf(a, b, c); }
inline double fma_(double a, double b, double c) { return __builtin_fma(a, b, c); }
#else  // no hardware FMA: never call libm's software fma
inline float fma_(float a, float b, float c) { return a * b + c; }
inline double fma_(double a, double b, double c) { return a * b + c; }
#endif

// Horner: poly(x, c0, c1, ..., cn) = c0 + x*(c1 + x*(... + x*cn)).
template <class T> inline T poly(T, T c0) { return c0; }
template <class T, class... C>
inline T poly(T x, T c0, T c1, C... cs) { return fma_(poly(x, c1, cs...), x, c0); }

// x with the sign bit flipped where s has its sign bit set (copysign for x >= 0).
inline float xorsign(float x, float s) { return f_of(bits(x) ^ (bits(s) & 0x80000000u)); }
constexpr uint64_t SIGN64 = uint64_t(1) << 63;
inline double xorsign(double x, double s) { return f_of(bits(x) ^ (bits(s) & SIGN64)); }
// Selects are bit blends rather than ?: so that GCC cannot turn them into control
// flow and then sink or specialize arithmetic into one arm (which blocks
// if-conversion unless -fno-trapping-math).  blend takes an all-ones/zero mask.
inline double blend(uint64_t m, double a, double b) { return f_of((bits(a) & m) | (bits(b) & ~m)); }
inline float blend(uint32_t m, float a, float b) { return f_of((bits(a) & m) | (bits(b) & ~m)); }
inline float sel(bool c, float a, float b) { return blend(uint32_t(0) - c, a, b); }
#if (defined(__x86_64__) || defined(__i386__)) && !defined(__SSE4_2__)
// SSE2 cannot widen a double compare to a 64-bit mask; ?: if-converts with -fno-trapping-math.
inline double sel(bool c, double a, double b) { return c ? a : b; }
#else
inline double sel(bool c, double a, double b) { return blend(uint64_t(0) - c, a, b); }
#endif
// Clamp that lets NaN through.
template <class T> inline T min_(T x, T hi) { return sel(x > hi, hi, x); }
template <class T> inline T clamp(T x, T lo, T hi) { return min_(sel(x < lo, lo, x), hi); }

// The integer n held in the low mantissa bits of t = MAGIC + n, moved into the
// exponent field: 2^(n - bias) for whatever bias was added to n.  One shift.
inline uint32_t expfield(float t) { return bits(t) << 23; }
inline uint64_t expfield(double t) { return bits(t) << 52; }

// ---- exp kernels --------------------------------------------------------------
// x = k*ln2 + r, k = round(x/ln2), |r| <= ln2/2 (+ rounding slack).  t = MAGIC+k+bias,
// so expfield(t) is 2^k directly when bias = exponent bias.
template <class T> inline T exp_reduce(T x, T bias, T& t) {
  using C = K<T>;
  t = fma_(x, C::LOG2E, C::MAGIC + bias);
  T kf = t - (C::MAGIC + bias);
  return fma_(kf, -C::LN2_LO, fma_(kf, -C::LN2_HI, x));
}
// e^r - 1 on |r| <= 0.3473: r + r^2*P(r), minimax for the relative error of expm1.
#define MNNX_EXPM1_F 0x1.fffffep-2f, 0x1.5554aep-3f, 0x1.5556aep-5f, 0x1.1228cep-7f, 0x1.6bec12p-10f
#define MNNX_EXPM1_D 0x1p-1, 0x1.5555555555559p-3, 0x1.555555555553fp-5, 0x1.111111110f667p-7, \
  0x1.6c16c16c1f27bp-10, 0x1.a01a01b001f46p-13, 0x1.a01a017b5d1dbp-16, 0x1.71ddf7fe55d92p-19, \
  0x1.27e5369c3ed78p-22, 0x1.af5f688c99852p-26, 0x1.1ee886aa3255bp-29
inline float expm1_poly(float r) { return fma_(r * r, poly(r, MNNX_EXPM1_F), r); }
inline double expm1_poly(double r) { return fma_(r * r, poly(r, MNNX_EXPM1_D), r); }
inline float exp_poly(float r) { return poly(r, 1.0f, 1.0f, MNNX_EXPM1_F); }  // e^r
inline double exp_poly(double r) { return poly(r, 1.0, 1.0, MNNX_EXPM1_D); }
#undef MNNX_EXPM1_F
#undef MNNX_EXPM1_D
// p * 2^k applied as two normal factors 2^k1 * 2^(k-k1), k1 ~ k/2, so subnormal
// results round only once and overflow gives inf.  t = MAGIC + k + 2*EB (from the
// reduction), t1 = MAGIC + k1 + EB.  Valid for |k| < ~250 (float) / ~2040 (double).
template <class T> inline T scale2(T p, T t, T t1) {
  auto e1 = expfield(t1);
  return p * f_of(e1) * f_of(expfield(t) - e1);  // (k + 2EB) - (k1 + EB) = k - k1 + EB
}
// e^x * 2^adj for x already clamped to [EXP_LO, COSH_HI].
template <class T> inline T exp_k(T x, int adj) {
  using C = K<T>;
  T t, r = exp_reduce(x, T(2 * C::EB + adj), t);
  T t1 = fma_(x, C::LOG2E * T(0.5), C::MAGIC + T(C::EB));
  return scale2(exp_poly(r), t, t1);
}

// 2^r on |r| <= 0.5: 1 + r*P(r), minimax relative.
inline float exp2_poly(float r) {
  return poly(r, 1.0f, 0x1.62e43p-1f, 0x1.ebfbdap-3f, 0x1.c6af1cp-5f, 0x1.3b2d96p-7f,
              0x1.5f3ef4p-10f, 0x1.41fbcap-13f);
}
inline double exp2_poly(double r) {
  return poly(r, 1.0, 0x1.62e42fefa39efp-1, 0x1.ebfbdff82c5a4p-3, 0x1.c6b08d704ap-5,
              0x1.3b2ab6fba00dap-7, 0x1.5d87fe78cd8d6p-10, 0x1.4309130ee686bp-13,
              0x1.ffcbfba915182p-17, 0x1.62bfc7784ededp-20, 0x1.b5267d63d349p-24,
              0x1.e61b93638b085p-28, 0x1.e79b76e6b3981p-32);
}

// ---- log kernels --------------------------------------------------------------
// x = 2^e * (1+f) with 1+f in [sqrt(1/2), sqrt(2)); subnormals are pre-scaled.
inline void log_split(float x, float& e, float& f) {
  bool sub = x < 0x1p-126f;
  uint32_t ix = bits(sel(sub, x * 0x1p23f, x)) + (0x3f800000u - 0x3f3504f3u);
  e = float(int32_t(ix >> 23) - 127) - sel(sub, 23.f, 0.f);
  f = f_of((ix & 0x007fffffu) + 0x3f3504f3u) - 1.0f;
}
inline void log_split(double x, double& e, double& f) {
  bool sub = x < 0x1p-1022;
  uint64_t ix = bits(sel(sub, x * 0x1p54, x)) + (0x3ff0000000000000ull - 0x3fe6a09e667f3bcdull);
  // int64 -> double without cvtqq2pd (absent before AVX-512DQ): via the 2^52 trick
  e = f_of(uint64_t((ix >> 52) | 0x4330000000000000ull)) - (0x1p52 + 1023.0) - sel(sub, 54.0, 0.0);
  f = f_of(uint64_t((ix & 0x000fffffffffffffull) + 0x3fe6a09e667f3bcdull)) - 1.0;
}
// R(z) = z*P(z) with log(1+f) = 2 atanh(s) = 2s + s*R(s^2), s = f/(2+f), |s| <= 0.1716.
inline float log_R(float z) {
  return z * poly(z, 0x1.555556p-1f, 0x1.9999b2p-2f, 0x1.2455d8p-2f, 0x1.dfa9a6p-3f);
}
inline double log_R(double z) {
  return z * poly(z, 0x1.5555555555555p-1, 0x1.99999999999b9p-2, 0x1.249249248fec7p-2,
                  0x1.c71c71d8bd966p-3, 0x1.745d06ee1531dp-3, 0x1.3b19ed451fa02p-3,
                  0x1.0febb6695f13fp-3, 0x1.0ab5dacd1cebbp-3);
}
// log(1+f) split as f - (hfsq - t), t = s*(hfsq + R), hfsq = f^2/2 (fdlibm's trick:
// the big terms f and f^2/2 are exact-ish, only the small t carries rounding).
template <class T> struct LogParts { T e, f, hfsq, t; };
template <class T> inline LogParts<T> log_parts(T x) {
  LogParts<T> p;
  log_split(x, p.e, p.f);
  T s = p.f / (T(2) + p.f);
  p.hfsq = T(0.5) * p.f * p.f;
  p.t = s * (p.hfsq + log_R(s * s));
  return p;
}
template <class T> inline T log_specials(T x, T r) {
  r = sel(x == T(INFINITY), x, sel(x < T(0), T(NAN), r));
  return sel(x != x, x, sel(x == T(0), T(-INFINITY), r));
}

// ---- trig kernels -------------------------------------------------------------
// sin(r) = r + r^3*S(r^2), cos(r) = 1 - r^2/2 + r^4*C(r^2) on |r| <= pi/4.  The
// float functions use shorter fits (~2^-34 relative), evaluated in double.
inline double sin_S(double z, bool for_float) {
  return for_float ? poly(z, -0x1.5555555541eafp-3, 0x1.11110e3349a81p-7, -0x1.a012ff6b51f68p-13,
                          0x1.6d6e60d68a4c5p-19)
                   : poly(z, -0x1.5555555555555p-3, 0x1.111111111108cp-7, -0x1.a01a019f4ccep-13,
                          0x1.71de3828c0296p-19, -0x1.ae60508123689p-26, 0x1.5e10ac56bb493p-33);
}
inline double cos_C(double z, bool for_float) {
  return for_float ? poly(z, 0x1.555554cb3070cp-5, -0x1.6c11692a46c8ep-10, 0x1.9b2416f99e2aap-16)
                   : poly(z, 0x1.5555555555555p-5, -0x1.6c16c16c16bb7p-10, 0x1.a01a019fb3554p-16,
                          -0x1.27e4fa6100fd4p-22, 0x1.1eeb8bac0b47fp-29, -0x1.90833447ea506p-37);
}
// |x| = k*pi/2 + r (+ rl).  pi/2 is split into chunks short enough that k*chunk is
// exact (no FMA needed): float inputs use 22+22+53 bits (exact products for k < 2^31),
// double inputs 26*4+53 bits (k < 2^27); for double the first two subtractions are
// exact, the third is done as Fast2Sum and its error goes to rl.  q = k mod 4.
template <bool FromFloat> inline double trig_reduce(double a, uint64_t& q, double& rl) {
  double t = fma_(a, 0x1.45f306dc9c883p-1, 0x1.8p52), k = t - 0x1.8p52;
  q = bits(t);
  double r;
  if constexpr (FromFloat) {
    r = fma_(k, -0x1.8469898cc517p-48, fma_(k, 0x1.5dde98p-23, fma_(k, -0x1.921fb8p+0, a)));
    rl = 0;
  } else {
    double r2 = fma_(k, 0x1.dde974p-27, fma_(k, -0x1.921fb58p+0, a)), w = k * 0x1.1a6263p-54;
    double r3 = r2 - w;
    double lo = fma_(k, 0x1.f1976b7ed8fbcp-110, fma_(k, -0x1.8a2e038p-81, (r2 - r3) - w));
    r = r3 + lo;
    rl = lo - (r - r3);
  }
  return r;
}
// Shared by the float and double sin/cos/tan of a = |x| (callers clamp a so that
// the reduction stays exact-product and r bounded); sign = sign bit of x.  Which:
// 0 sin, 1 cos, 2 tan.  sin(r) and cos(r) are kept as hi + lo pairs (Fast2Sum of
// their last addition, plus the reduction error rl) so that tan = s/c, refined by
// one Newton step, stays ~1 ulp.
template <int Which, bool FromFloat> inline double trig(double a, uint64_t sign) {
  uint64_t q;
  double rl, r = trig_reduce<FromFloat>(a, q, rl), z = r * r;
  double t = r * z * sin_S(z, FromFloat);  // FromFloat is a compile-time constant
  double sh = r + t, sl = (r - sh) + t;
  double hz = 0.5 * z, w = 1.0 - hz;
  double u = ((1.0 - w) - hz) + z * z * cos_C(z, FromFloat);
  double ch = w + u, cl = (w - ch) + u;
  sl = fma_(rl, ch, sl);  // sin/cos(r + rl) to first order
  cl = fma_(-rl, sh, cl);
  uint64_t odd = 0 - (q & 1), neg;  // odd: all ones in odd quadrants
  double v;
  if constexpr (Which == 0) { v = blend(odd, ch + cl, sh + sl); neg = (q & 2) << 62 ^ sign; }
  else if constexpr (Which == 1) { v = blend(odd, sh + sl, ch + cl); neg = ((q + 1) & 2) << 62; }
  else {  // tan = s/c, or -c/s in odd quadrants (s != 0 there: r is never exactly 0)
    double nh = blend(odd, -ch, sh), nl = blend(odd, -cl, sl);
    double dh = blend(odd, sh, ch), dl = blend(odd, sl, cl);
    double inv = 1.0 / dh, q0 = nh * inv;
    v = fma_(fma_(-q0, dh, nh) + fma_(-q0, dl, nl), inv, q0);
    neg = sign;
  }
  return f_of(bits(v) ^ neg);
}
// |x| is clamped to 2^31 (float) / 2^27 (double): beyond that the result is a finite
// stand-in with the right symmetry.  inf/nan -> nan.
template <int Which> inline float trig_f(float x) {
  double v = trig<Which, true>(double(min_(std::fabs(x), 0x1p31f)), uint64_t(bits(x) >> 31) << 63);
  return sel(x - x != 0.0f, x - x, float(v));
}
template <int Which> inline double trig_d(double x) {
  double v = trig<Which, false>(min_(std::fabs(x), 0x1p27), bits(x) & SIGN64);
  return sel(x - x != 0.0, x - x, v);
}

// ---- inverse trig kernels -----------------------------------------------------
// asin(x) = x + x^3*A(x^2) on |x| <= 1/2, minimax relative.
inline float asin_A(float z) {
  return poly(z, 0x1.555554p-3f, 0x1.333356p-4f, 0x1.6d8816p-5f, 0x1.fb4e4ep-6f, 0x1.1cc76p-6f,
              0x1.150f78p-5f);
}
inline double asin_A(double z) {
  return poly(z, 0x1.5555555555555p-3, 0x1.3333333333339p-4, 0x1.6db6db6db6db3p-5,
              0x1.f1c71c71c7d0ap-6, 0x1.6e8ba2e6e04d5p-6, 0x1.1c4ec61ae6357p-6,
              0x1.c9990a453a7f9p-7, 0x1.7a97e97a9413p-7, 0x1.3ed1fbb723255p-7,
              0x1.1d5604b198253p-7, 0x1.5dd3950b5ff19p-8, 0x1.ce779fa6c3decp-7,
              -0x1.83fc94ad453a4p-7, 0x1.9d282febaa75cp-6);
}
// atan(t) = t + t^3*B(t^2) on |t| <= tan(pi/8), minimax relative.
inline float atan_B(float z) {
  return poly(z, -0x1.555554p-2f, 0x1.9998a6p-3f, -0x1.243352p-3f, 0x1.b83e94p-4f, -0x1.0671aap-4f);
}
inline double atan_B(double z) {
  return poly(z, -0x1.5555555555555p-2, 0x1.9999999999997p-3, -0x1.2492492492488p-3,
              0x1.c71c71c715849p-4, -0x1.745d173c43fd3p-4, 0x1.3b13ad75d1f74p-4,
              -0x1.11106e1fc0b17p-4, 0x1.e1c4ebfc6687fp-5, -0x1.ada78c84ccc0ep-5,
              0x1.79df2e990e18dp-5, -0x1.270521769c752p-5, 0x1.2292996b48915p-6);
}
// asin(a) for a in [0,1] (NaN above): for a > 1/2 use asin(a) = pi/2 - 2 asin(sqrt((1-a)/2)).
// Returns p = asin(s) and whether the reflected form applies.
template <class T> inline T asin_core(T a, bool& big) {
  big = a > T(0.5);
  T zb = T(0.5) * (T(1) - a);  // exact for a in [1/2, 1]
  T z = sel(big, zb, a * a);
  T s = sel(big, std::sqrt(zb), a);
  return fma_(s * z, asin_A(z), s);
}
// atan(a), a >= 0 (inf ok): reduce by atan(a) = pi/4 + atan((a-1)/(a+1)) for
// a in (tan(pi/8), tan(3pi/8)], and pi/2 + atan(-1/a) above.
template <class T> inline T atan_core(T a) {
  using C = K<T>;
  bool r1 = a > T(0.41421356237309503), r2 = a > T(2.414213562373095);
  T num = sel(r2, T(-1), sel(r1, a - T(1), a));
  T den = sel(r2, a, sel(r1, a + T(1), T(1)));
  T t = num / den, z = t * t;
  T hi = sel(r2, C::PIO2_HI, sel(r1, C::PIO4_HI, T(0)));
  T lo = sel(r2, C::PIO2_LO, sel(r1, C::PIO4_LO, T(0)));
  return hi + (fma_(t * z, atan_B(z), lo) + t);
}
// sinh(x) = x + x^3*H(x^2) on |x| <= 1, minimax relative.
inline float sinh_H(float z) {
  return poly(z, 0x1.555556p-3f, 0x1.111112p-7f, 0x1.a006eep-13f, 0x1.792c02p-19f);
}
inline double sinh_H(double z) {
  return poly(z, 0x1.5555555555555p-3, 0x1.1111111111117p-7, 0x1.a01a01a01a038p-13,
              0x1.71de3a556d649p-19, 0x1.ae64567c05538p-26, 0x1.612466047bb16p-33,
              0x1.ae7889a5b073fp-41, 0x1.99b49bc2e1915p-49);
}

// ---- generic implementations (float and double share the structure) -----------
template <class T> inline T exp_t(T x) { return exp_k(clamp(x, K<T>::EXP_LO, K<T>::EXP_HI), 0); }
template <class T> inline T exp2_t(T x) {
  using C = K<T>;
  T xc = clamp(x, C::EXP2_LO, C::EXP2_HI);
  T t = xc + (C::MAGIC + T(2 * C::EB)), r = xc - (t - (C::MAGIC + T(2 * C::EB)));  // r exact
  return scale2(exp2_poly(r), t, fma_(xc, T(0.5), C::MAGIC + T(C::EB)));
}
// expm1 = 2^k (e^r - 1) + (2^k - 1), evaluated as 2*(s*q + (s - 1/2)) with s = 2^(k-1)
// so that k = 128 / 1024 does not overflow before the final doubling.
template <class T> inline T expm1_t(T x) {
  using C = K<T>;
  T t, r = exp_reduce(clamp(x, C::EM1_LO, C::EM1_HI), T(C::EB - 1), t);
  T s = f_of(expfield(t));  // 2^(k-1)
  T em = T(2) * fma_(s, expm1_poly(r), s - T(0.5));
  em = sel(std::fabs(x) < C::EM1_TINY, x, em);  // keeps -0 and tiny subnormals exact
  return sel(x != x, x, em);
}
template <class T> inline T log_t(T x) {
  using C = K<T>;
  LogParts<T> p = log_parts(x);
  T r = p.e * C::LN2_HI - ((p.hfsq - (p.t + p.e * C::LN2_LO)) - p.f);
  return log_specials(x, r);
}
template <class T> inline T log2_t(T x) {
  LogParts<T> p = log_parts(x);
  return log_specials(x, fma_(p.f - (p.hfsq - p.t), K<T>::LOG2E, p.e));
}
template <class T> inline T log10_t(T x) {
  using C = K<T>;
  LogParts<T> p = log_parts(x);
  T lp = p.f - (p.hfsq - p.t);
  return log_specials(x, fma_(p.e, C::LG2_HI, fma_(lp, C::IVLN10, p.e * C::LG2_LO)));
}
// log1p(x) = log(u) + c/u, u = 1 + x rounded, c its exact rounding error (Fast2Sum).
template <class T> inline T log1p_t(T x) {
  using C = K<T>;
  T u = T(1) + x;
  T c = sel(x > T(1), T(1) - (u - x), x - (u - T(1)));
  LogParts<T> p = log_parts(u);
  T r = p.e * C::LN2_HI - ((p.hfsq - (p.t + (p.e * C::LN2_LO + c / u))) - p.f);
  r = sel(x == T(INFINITY), x, sel(x < T(-1), T(NAN), r));
  r = sel(x == T(-1), T(-INFINITY), sel(x == T(0), x, r));  // keeps the sign of zero
  return sel(x != x, x, r);
}
template <class T> inline T asin_t(T x) {
  using C = K<T>;
  bool big;
  T p = asin_core(std::fabs(x), big);
  T r = sel(big, C::PIO2_HI - (T(2) * p - C::PIO2_LO), p);
  return xorsign(r, x);
}
template <class T> inline T acos_t(T x) {
  using C = K<T>;
  bool big;
  T p = asin_core(std::fabs(x), big);
  T small = C::PIO2_HI - (xorsign(p, x) - C::PIO2_LO);
  T r = sel(x < T(0), C::PI_HI - (T(2) * p - C::PI_LO), T(2) * p);
  return sel(big, r, small);
}
template <class T> inline T atan_t(T x) { return xorsign(atan_core(std::fabs(x)), x); }
template <class T> inline T atan2_t(T y, T x) {
  using C = K<T>;
  T ay = std::fabs(y), ax = std::fabs(x);
  T mn = sel(ay < ax, ay, ax), mx = sel(ay < ax, ax, ay);
  T r = atan_core(mn / mx);  // in [0, pi/4]
  r = sel(ay == ax, C::PIO4_HI + C::PIO4_LO, r);  // also inf/inf
  r = sel(mn == T(0), T(0), r);                   // also 0/0
  // result = off +- r with off = pi/2 (|y| > |x|), else pi (x < 0) or 0
  bool swap = ay > ax;
  UIntOf<T> neg = UIntOf<T>(0) - (bits(x) >> (8 * sizeof(T) - 1));  // x < 0 (incl. -0)
  T hi = sel(swap, C::PIO2_HI, blend(neg, C::PI_HI, T(0)));
  T lo = sel(swap, C::PIO2_LO, blend(neg, C::PI_LO, T(0)));
  r = sel(swap, -r, r);
  r = xorsign(hi + (blend(neg, -r, r) + lo), y);
  return sel(x != x || y != y, x + y, r);
}
// sinh = h - 1/(4h), cosh = h + 1/(4h) with h = e^|x|/2 (exp with k-1, no overflow
// before the true limit); sinh uses a polynomial for |x| < 1 to avoid cancellation.
template <class T> inline T sinh_t(T x) {
  T a = std::fabs(x), z = a * a;
  T h = exp_k(min_(a, K<T>::COSH_HI), -1);
  T r = sel(a < T(1), fma_(a * z, sinh_H(z), a), h - T(0.25) / h);
  return xorsign(r, x);
}
template <class T> inline T cosh_t(T x) {
  T a = std::fabs(x);
  T h = exp_k(min_(a, K<T>::COSH_HI), -1);
  return h + T(0.25) / h;
}
// tanh = e/(e+2) with e = expm1(2|x|): no cancellation anywhere, one division.
// |x| is saturated where tanh rounds to 1, so 2^k stays a plain normal number.
template <class T> inline T tanh_t(T x) {
  T a = std::fabs(x);
  a = min_(a, K<T>::TANH_SAT);
  T t, r = exp_reduce(a + a, T(K<T>::EB), t), s = f_of(expfield(t));  // s = 2^k
  T em = fma_(s, expm1_poly(r), s - T(1));
  return xorsign(em / (em + T(2)), x);
}
// sigmoid = 1/(1+e^-x) for x >= 0, e^x/(1+e^x) for x < 0: exp never overflows and
// tiny results keep full relative accuracy.
template <class T> inline T sigmoid_t(T x) {
  T na = -std::fabs(x);
  T e = exp_k(sel(na < K<T>::EXP_LO, K<T>::EXP_LO, na), 0);
  return sel(x < T(0), e, T(1)) / (T(1) + e);
}

}  // namespace detail

// ---- public API -----------------------------------------------------------------
#define MNNX_VM_UNARY(name)                                            \
  inline float name(float x) { return detail::name##_t(x); }          \
  inline double name(double x) { return detail::name##_t(x); }
MNNX_VM_UNARY(exp) MNNX_VM_UNARY(exp2) MNNX_VM_UNARY(expm1) MNNX_VM_UNARY(log)
MNNX_VM_UNARY(log2) MNNX_VM_UNARY(log10) MNNX_VM_UNARY(log1p) MNNX_VM_UNARY(asin)
MNNX_VM_UNARY(acos) MNNX_VM_UNARY(atan) MNNX_VM_UNARY(sinh) MNNX_VM_UNARY(cosh)
MNNX_VM_UNARY(tanh) MNNX_VM_UNARY(sigmoid)
#undef MNNX_VM_UNARY

inline float sin(float x) { return detail::trig_f<0>(x); }
inline float cos(float x) { return detail::trig_f<1>(x); }
inline float tan(float x) { return detail::trig_f<2>(x); }
inline double sin(double x) { return detail::trig_d<0>(x); }
inline double cos(double x) { return detail::trig_d<1>(x); }
inline double tan(double x) { return detail::trig_d<2>(x); }

// float atan2 goes through the double kernel (exact quotient range, no overflow).
inline float atan2(float y, float x) { return float(detail::atan2_t(double(y), double(x))); }
inline double atan2(double y, double x) { return detail::atan2_t(y, x); }

// erf(x) = x + x*E(x^2) for |x| < 0.875 (minimax relative, 7 terms); above,
// erf = 1 - exp(L(|x| - 0.875)) with L a degree-8 fit of log(erfc) on [0.875, 3.95]
// (erf rounds to 1 beyond 3.92).
inline float erf(float x) {
  float a = std::fabs(x);
  float small = detail::fma_(a, detail::poly(a * a, 0x1.06eba8p-3f, -0x1.812744p-2f, 0x1.ce2e8p-4f,
                             -0x1.b819a8p-6f, 0x1.553ab8p-8f, -0x1.ae7fap-11f, 0x1.6bdf56p-14f), a);
  float t = detail::min_(a, 3.95f) - 0.875f;
  float L = detail::poly(t, -0x1.88672ep+0f, -0x1.37117p+1f, -0x1.a73054p-1f, -0x1.804d8cp-5f,
                         0x1.7534p-7f, -0x1.297bd2p-9f, 0x1.6026d2p-12f, -0x1.0ade16p-15f,
                         0x1.7b8208p-20f);
  float big = 1.0f - detail::exp_k(L, 0);
  return detail::xorsign(detail::sel(a < 0.875f, small, big), x);
}
inline double erf(double x) { return std::erf(x); }  // libm fallback (not vectorized)

}  // namespace vm
}  // namespace mnnx
