// Elementwise, reduction, scan and row kernels. This file is compiled once per ISA (MNNX_ISA is
// generic, avx2 or avx512) and everything in it has internal linkage, so the copies never mix.
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "core/cast.h"
#include "core/vm.h"

// vmath.h's namespace gets a per-ISA name, so the copies compiled with different flags never mix.
#define MNNX_CAT_(a, b) a##b
#define MNNX_CAT(a, b) MNNX_CAT_(a, b)
#define vm MNNX_CAT(vm_, MNNX_ISA)
#include "core/vmath.h"

namespace mnnx {
namespace {

// storage type of each dtype
template <DType D> struct St;
#define X(N, T, C, K) template <> struct St<DType::N> { using type = T; };
MNNX_DTYPES(X)
#undef X
template <DType... Ds> struct DList {};
using Computing = DList<DType::BOOL, DType::INT8, DType::INT16, DType::INT32, DType::INT64, DType::UINT8,
                        DType::UINT16, DType::UINT32, DType::UINT64, DType::FLOAT32, DType::FLOAT64>;
using AllTypes = DList<DType::BOOL, DType::INT8, DType::INT16, DType::INT32, DType::INT64, DType::UINT8, DType::UINT16,
                       DType::UINT32, DType::UINT64, DType::FLOAT16, DType::FLOAT32, DType::FLOAT64>;

template <class T> constexpr bool kFloat = std::is_floating_point_v<T>;
template <class T> using U = std::make_unsigned_t<std::conditional_t<std::is_integral_v<T>, T, int>>;

// ---- formulas: one struct per elementwise op; `ok` says which storage types it is defined for ----
#define UNARY_F(NAME, OK, EXPR)                                \
  struct F_##NAME {                                            \
    template <class T> static constexpr bool ok = OK;          \
    template <class T> static inline auto f(T a) { return EXPR; } \
  };
#define BINARY_F(NAME, OK, EXPR)                                    \
  struct F_##NAME {                                                 \
    template <class T> static constexpr bool ok = OK;               \
    template <class T> static inline auto f(T a, T b) { return EXPR; } \
  };

template <class T> static inline T wrap_neg(T a) { if constexpr (kFloat<T>) return -a; else return T(U<T>(0) - U<T>(a)); }
template <class T> static inline T wrap_add(T a, T b) { if constexpr (kFloat<T>) return a + b; else return T(U<T>(a) + U<T>(b)); }
template <class T> static inline T wrap_sub(T a, T b) { if constexpr (kFloat<T>) return a - b; else return T(U<T>(a) - U<T>(b)); }
template <class T> static inline T wrap_mul(T a, T b) { if constexpr (kFloat<T>) return a * b; else return T(U<T>(a) * U<T>(b)); }

template <class T> static inline T abs_f(T a) {
  if constexpr (kFloat<T>) return std::fabs(a);
  else if constexpr (std::is_signed_v<T>) return a < 0 ? wrap_neg(a) : a;
  else return a;
}

template <class T> static inline T floordiv_f(T a, T b) {
  if constexpr (kFloat<T>) {  // numpy's npy_divmod
    if (b == 0) return a / b;
    T mod = std::fmod(a, b);
    T div = (a - mod) / b;
    if (mod != 0 && ((b < 0) != (mod < 0))) div -= 1;
    if (div == 0) return std::copysign(T(0), a / b);
    T fl = std::floor(div);
    if (div - fl > T(0.5)) fl += 1;
    return fl;
  } else {
    if (b == 0) return 0;
    if constexpr (std::is_signed_v<T>) {
      if (b == -1) return wrap_neg(a);
      T q = a / b;
      if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
      return q;
    } else {
      return a / b;
    }
  }
}

template <class T> static inline T mod_f(T a, T b) {
  if constexpr (kFloat<T>) {
    T m = std::fmod(a, b);
    if (b == 0) return m;
    if (m != 0) { if ((b < 0) != (m < 0)) m += b; }
    else m = std::copysign(T(0), b);
    return m;
  } else {
    if (b == 0) return 0;
    if constexpr (std::is_signed_v<T>) {
      if (b == -1) return 0;
      T r = a % b;
      if (r != 0 && ((r < 0) != (b < 0))) r += b;
      return r;
    } else {
      return a % b;
    }
  }
}

template <class T> static inline T pow_f(T a, T b) {
  if constexpr (kFloat<T>) return std::pow(a, b);
  else {
    if constexpr (std::is_signed_v<T>) if (b < 0) return 0;  // numpy raises; checked for scalars
    U<T> r = 1, base = U<T>(a);
    for (U<T> e = U<T>(b); e; e >>= 1) { if (e & 1) r *= base; base *= base; }
    return T(r);
  }
}

template <class T> static inline T max_f(T a, T b) {
  if constexpr (kFloat<T>) return (a != a) ? a : (b != b) ? b : (a >= b ? a : b);
  else return a >= b ? a : b;
}
template <class T> static inline T min_f(T a, T b) {
  if constexpr (kFloat<T>) return (a != a) ? a : (b != b) ? b : (a <= b ? a : b);
  else return a <= b ? a : b;
}
template <class T> static inline T fmax_f(T a, T b) { if constexpr (kFloat<T>) return b != b ? a : a != a ? b : (a >= b ? a : b); else return max_f(a, b); }
template <class T> static inline T fmin_f(T a, T b) { if constexpr (kFloat<T>) return b != b ? a : a != a ? b : (a <= b ? a : b); else return min_f(a, b); }

template <class T> static inline T shift_f(T a, T b, bool left) {
  constexpr int bits = sizeof(T) * 8;
  if (U<T>(b) >= U<T>(bits)) return (!left && std::is_signed_v<T> && a < 0) ? T(-1) : T(0);
  return left ? T(U<T>(a) << b) : T(a >> b);
}

constexpr bool kAny = true;
#define FLT kFloat<T>
#define NUMERIC (!std::is_same_v<T, bool>)
#define INTS std::is_integral_v<T>

UNARY_F(NEG, kAny, wrap_neg(a))
UNARY_F(ABS, kAny, abs_f(a))
UNARY_F(SQRT, FLT, std::sqrt(a))
UNARY_F(EXP, FLT, vm::exp(a))
UNARY_F(EXP2, FLT, vm::exp2(a))
UNARY_F(EXPM1, FLT, vm::expm1(a))
UNARY_F(LOG, FLT, vm::log(a))
UNARY_F(LOG2, FLT, vm::log2(a))
UNARY_F(LOG10, FLT, vm::log10(a))
UNARY_F(LOG1P, FLT, vm::log1p(a))
// vmath's trig reduction is exact for |x| < 2^31 (float) and 2^27 (double); past that libm's
// full reduction fixes the few elements (see unary_loop)
#define TRIG_F(NAME, FN)                                                  \
  struct F_##NAME {                                                     \
    template <class T> static constexpr bool ok = kFloat<T>;            \
    template <class T> static inline auto f(T a) { return vm::FN(a); }  \
    template <class T> static inline T big(T a) { return std::FN(a); }  \
    template <class T> static constexpr T kBig = sizeof(T) == 4 ? T(0x1p31) : T(0x1p27); \
  };
TRIG_F(SIN, sin)
TRIG_F(COS, cos)
TRIG_F(TAN, tan)
UNARY_F(ASIN, FLT, vm::asin(a))
UNARY_F(ACOS, FLT, vm::acos(a))
UNARY_F(ATAN, FLT, vm::atan(a))
UNARY_F(SINH, FLT, vm::sinh(a))
UNARY_F(COSH, FLT, vm::cosh(a))
UNARY_F(TANH, FLT, vm::tanh(a))
UNARY_F(ERF, FLT, vm::erf(a))
UNARY_F(SIGMOID, FLT, vm::sigmoid(a))
UNARY_F(FLOOR, FLT, std::floor(a))
UNARY_F(CEIL, FLT, std::ceil(a))
UNARY_F(TRUNC, FLT, std::trunc(a))
UNARY_F(RINT, FLT, std::nearbyint(a))
UNARY_F(ISNAN, kAny, uint8_t(kFloat<T> ? a != a : false))
UNARY_F(ISINF, kAny, uint8_t(kFloat<T> ? (a == std::numeric_limits<T>::infinity() || a == -std::numeric_limits<T>::infinity()) : false))
UNARY_F(ISFINITE, kAny, uint8_t(kFloat<T> ? (a - a == 0) : true))
UNARY_F(INVERT, INTS, T(~a))

BINARY_F(ADD, kAny, wrap_add(a, b))
BINARY_F(SUB, kAny, wrap_sub(a, b))
BINARY_F(MUL, kAny, wrap_mul(a, b))
BINARY_F(DIV, FLT, a / b)
BINARY_F(FLOORDIV, kAny, floordiv_f(a, b))
BINARY_F(MOD, kAny, mod_f(a, b))
BINARY_F(POW, kAny, pow_f(a, b))
BINARY_F(MAXIMUM, kAny, max_f(a, b))
BINARY_F(MINIMUM, kAny, min_f(a, b))
BINARY_F(FMAX, kAny, fmax_f(a, b))
BINARY_F(FMIN, kAny, fmin_f(a, b))
BINARY_F(ATAN2, FLT, vm::atan2(a, b))
BINARY_F(EQ, kAny, uint8_t(a == b))
BINARY_F(NE, kAny, uint8_t(a != b))
BINARY_F(LT, kAny, uint8_t(a < b))
BINARY_F(LE, kAny, uint8_t(a <= b))
BINARY_F(GT, kAny, uint8_t(a > b))
BINARY_F(GE, kAny, uint8_t(a >= b))
BINARY_F(BITAND, INTS, T(a & b))
BINARY_F(BITOR, INTS, T(a | b))
BINARY_F(BITXOR, INTS, T(a ^ b))
BINARY_F(LSHIFT, INTS, shift_f(a, b, true))
BINARY_F(RSHIFT, INTS, shift_f(a, b, false))

// ---- loops ----
template <class F, class T>
void unary_loop(const void* a_, void* o_, int64_t n) {
  const T* __restrict a = static_cast<const T*>(a_);
  using R = decltype(F::template f<T>(T()));
  R* __restrict o = static_cast<R*>(o_);
  for (int64_t i = 0; i < n; ++i) o[i] = F::template f<T>(a[i]);
  if constexpr (std::is_same_v<F, F_SIN> || std::is_same_v<F, F_COS> || std::is_same_v<F, F_TAN>)
    for (int64_t i = 0; i < n; ++i)
      if (!(std::fabs(a[i]) < F::template kBig<T>)) o[i] = F::template big<T>(a[i]);
}
template <class F, class T>
void binary_loop(const void* a_, const void* b_, void* o_, int64_t n) {
  const T* __restrict a = static_cast<const T*>(a_);
  const T* __restrict b = static_cast<const T*>(b_);
  using R = decltype(F::template f<T>(T(), T()));
  R* __restrict o = static_cast<R*>(o_);
  for (int64_t i = 0; i < n; ++i) o[i] = F::template f<T>(a[i], b[i]);
}
template <class T>
void where_loop(const void* c_, const void* a_, const void* b_, void* o_, int64_t n) {
  const uint8_t* __restrict c = static_cast<const uint8_t*>(c_);
  const T* __restrict a = static_cast<const T*>(a_);
  const T* __restrict b = static_cast<const T*>(b_);
  T* __restrict o = static_cast<T*>(o_);
  for (int64_t i = 0; i < n; ++i) o[i] = c[i] ? a[i] : b[i];
}
template <class T>
void muladd_loop(const void* a_, const void* b_, const void* c_, void* o_, int64_t n) {
  const T* __restrict a = static_cast<const T*>(a_);
  const T* __restrict b = static_cast<const T*>(b_);
  const T* __restrict c = static_cast<const T*>(c_);
  T* __restrict o = static_cast<T*>(o_);
  for (int64_t i = 0; i < n; ++i) o[i] = a[i] * b[i] + c[i];  // -ffp-contract=off: two roundings
}

template <DType SF, DType ST>
void cast_loop(const void* a_, void* o_, int64_t n) {
  using F = typename St<SF>::type;
  using T = typename St<ST>::type;
  const F* __restrict a = static_cast<const F*>(a_);
  T* __restrict o = static_cast<T*>(o_);
  for (int64_t i = 0; i < n; ++i) o[i] = convert<SF, ST, F, T>(a[i]);
}

}  // namespace
}  // namespace mnnx

#include "core/vm_reduce.inc"

namespace mnnx {
namespace MNNX_ISA {

namespace {
template <class F, DType D>
void set_unary(KernelTable* t, Op op) {
  using T = typename St<D>::type;
  if constexpr (F::template ok<T>) t->unary[static_cast<int>(op)][static_cast<int>(D)] = &unary_loop<F, T>;
}
template <class F, DType D>
void set_binary(KernelTable* t, Op op) {
  using T = typename St<D>::type;
  if constexpr (F::template ok<T>) t->binary[static_cast<int>(op)][static_cast<int>(D)] = &binary_loop<F, T>;
}
template <class F, DType... Ds> void reg_unary(KernelTable* t, Op op, DList<Ds...>) { (set_unary<F, Ds>(t, op), ...); }
template <class F, DType... Ds> void reg_binary(KernelTable* t, Op op, DList<Ds...>) { (set_binary<F, Ds>(t, op), ...); }
template <DType SF, DType... STs> void set_casts(KernelTable* t, DList<STs...>) {
  ((t->cast[static_cast<int>(SF)][static_cast<int>(STs)] = &cast_loop<SF, STs>), ...);
}
template <DType... Ds> void reg_casts(KernelTable* t, DList<Ds...> all) { (set_casts<Ds>(t, all), ...); }
template <DType... Ds> void reg_where(KernelTable* t, DList<Ds...>) {
  ((t->where[static_cast<int>(Ds)] = &where_loop<typename St<Ds>::type>), ...);
}
}  // namespace

#define MNNX_STR_(x) #x
#define MNNX_STR(x) MNNX_STR_(x)
void fill_table(KernelTable* t) {
  t->isa = MNNX_STR(MNNX_ISA);
#define OP(N, P, K, R) REG_##K(N)
#define REG_UNARY(N) reg_unary<F_##N>(t, Op::N, Computing{});
#define REG_BINARY(N) reg_binary<F_##N>(t, Op::N, Computing{});
#define REG_SOURCE(N)
#define REG_TERNARY(N)
#define REG_CAST(N)
#define REG_REDUCE(N)
#define REG_SCAN(N)
#define REG_ROWNORM(N)
#define REG_MOVE(N)
#define REG_CONCAT(N)
#define REG_COPY(N)
#define REG_DENSE(N)
#include "core/ops.def"
#undef OP
  reg_casts(t, AllTypes{});
  reg_where(t, AllTypes{});
  t->muladd[static_cast<int>(DType::FLOAT32)] = &muladd_loop<float>;
  t->muladd[static_cast<int>(DType::FLOAT64)] = &muladd_loop<double>;
  fill_reduce_table(t);
}

}  // namespace MNNX_ISA
}  // namespace mnnx
