// Element conversion with numpy's semantics, shared by the cast kernels and scalar folding.
// Everything is static: this header is compiled into each ISA's kernels with different flags.
#pragma once
#include <cmath>
#include <cstdint>
#include <type_traits>

#include "core/dtype.h"
#include "core/graph.h"

namespace mnnx {

// float16 storage is uint16_t; arithmetic never happens on it.
static inline float half_to_float(uint16_t h) {
  _Float16 f;
  __builtin_memcpy(&f, &h, 2);
  return static_cast<float>(f);
}
static inline uint16_t float_to_half(double v) {
  _Float16 f = static_cast<_Float16>(v);
  uint16_t h;
  __builtin_memcpy(&h, &f, 2);
  return h;
}

// float -> integer: NaN and out-of-range give the type's minimum via int64 (what x86 numpy shows),
// never undefined behaviour.
template <class To>
static inline To float_to_int(double x) {
  if constexpr (std::is_same_v<To, uint64_t>) {
    if (x >= 9223372036854775808.0 && x < 18446744073709551616.0)
      return static_cast<uint64_t>(x - 9223372036854775808.0) + (uint64_t(1) << 63);
  }
  int64_t i = (x >= -9223372036854775808.0 && x < 9223372036854775808.0) ? static_cast<int64_t>(x) : INT64_MIN;
  return static_cast<To>(static_cast<uint64_t>(i));
}

// Convert one element from storage type F (dtype SF) to storage type T (dtype ST).
template <DType SF, DType ST, class F, class T>
static inline T convert(F x) {
  if constexpr (ST == DType::BOOL) {
    if constexpr (SF == DType::FLOAT16) return half_to_float(x) != 0.0f;
    else return x != F(0);
  } else if constexpr (SF == DType::FLOAT16) {
    if constexpr (ST == DType::FLOAT16) return x;
    else return convert<DType::FLOAT32, ST, float, T>(half_to_float(x));
  } else if constexpr (ST == DType::FLOAT16) {
    return float_to_half(static_cast<double>(x));
  } else if constexpr (std::is_floating_point_v<F> && std::is_integral_v<T>) {
    return float_to_int<T>(static_cast<double>(x));
  } else {
    return static_cast<T>(x);
  }
}

// Scalars travel as a union read per the dtype's kind: f for floats, i for signed and bool, u for unsigned.
Scalar cast_scalar(Scalar v, DType from, DType to);
double scalar_as_double(Scalar v, DType t);
void scalar_to_bytes(Scalar v, DType t, void* out);  // one element of dtype t

}  // namespace mnnx
