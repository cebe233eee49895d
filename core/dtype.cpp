#include "core/dtype.h"
#include <algorithm>

namespace mnnx {

size_t dtype_size(DType t) {
  static const size_t s[] = {
#define X(N, T, C, K) sizeof(T),
      MNNX_DTYPES(X)
#undef X
  };
  return s[static_cast<int>(t)];
}

const char* dtype_name(DType t) {
  static const char* s[] = {"bool", "int8", "int16", "int32", "int64", "uint8",
                            "uint16", "uint32", "uint64", "float16", "float32", "float64"};
  return s[static_cast<int>(t)];
}

char dtype_char(DType t) {
  static const char s[] = {
#define X(N, T, C, K) C,
      MNNX_DTYPES(X)
#undef X
  };
  return s[static_cast<int>(t)];
}

char dtype_kind(DType t) {
  static const char s[] = {
#define X(N, T, C, K) K,
      MNNX_DTYPES(X)
#undef X
  };
  return s[static_cast<int>(t)];
}

bool dtype_from_char(char c, DType* out) {
  if (c == 'q') c = 'l';  // long long == long on LP64
  if (c == 'Q') c = 'L';
  for (int i = 0; i < kNumDTypes; ++i)
    if (dtype_char(static_cast<DType>(i)) == c) { *out = static_cast<DType>(i); return true; }
  return false;
}

// Bits of precision an integer type needs, used to find the smallest float or signed type holding it.
static int int_bits(DType t) { return static_cast<int>(dtype_size(t)) * 8; }

static DType signed_of_bits(int bits) {
  return bits <= 8 ? DType::INT8 : bits <= 16 ? DType::INT16 : bits <= 32 ? DType::INT32 : DType::INT64;
}

DType float_for(DType t) {
  if (is_float(t)) return t;
  int bits = t == DType::BOOL ? 8 : int_bits(t);
  return bits <= 8 ? DType::FLOAT16 : bits <= 16 ? DType::FLOAT32 : DType::FLOAT64;
}

DType promote(DType a, DType b) {
  if (a == b) return a;
  if (a == DType::BOOL) return b;
  if (b == DType::BOOL) return a;
  char ka = dtype_kind(a), kb = dtype_kind(b);
  if (ka == 'f' || kb == 'f') {
    if (ka == 'f' && kb == 'f') return dtype_size(a) >= dtype_size(b) ? a : b;
    DType f = ka == 'f' ? a : b, i = ka == 'f' ? b : a;
    DType need = float_for(i);
    return dtype_size(need) >= dtype_size(f) ? need : f;
  }
  if (ka == kb) return dtype_size(a) >= dtype_size(b) ? a : b;
  // signed with unsigned: the signed type must hold every value of the unsigned one
  DType s = ka == 'i' ? a : b, u = ka == 'i' ? b : a;
  if (int_bits(s) > int_bits(u)) return s;
  if (int_bits(u) >= 64) return DType::FLOAT64;
  return signed_of_bits(int_bits(u) * 2);
}

DType sum_type(DType t) {
  if (is_float(t)) return t;
  return is_unsigned(t) ? DType::UINT64 : DType::INT64;
}

}  // namespace mnnx

#include "core/cast.h"

namespace mnnx {

double scalar_as_double(Scalar v, DType t) {
  if (is_float(t)) return v.f;
  return is_unsigned(t) ? static_cast<double>(v.u) : static_cast<double>(v.i);
}

Scalar cast_scalar(Scalar v, DType from, DType to) {
  Scalar r;
  r.u = 0;
  if (to == DType::BOOL) {
    r.i = is_float(from) ? (v.f != 0.0) : (v.u != 0);
  } else if (is_float(to)) {
    double d = scalar_as_double(v, from);
    if (to == DType::FLOAT32) d = static_cast<float>(d);
    if (to == DType::FLOAT16) d = half_to_float(float_to_half(d));
    r.f = d;
  } else {
    // integer target: wrap to its width, sign- or zero-extend into the union
    uint64_t bits = is_float(from) ? float_to_int<uint64_t>(v.f) : v.u;
    if (is_float(from) && v.f < 0) bits = static_cast<uint64_t>(float_to_int<int64_t>(v.f));
    int w = static_cast<int>(dtype_size(to)) * 8;
    if (w < 64) {
      bits &= (uint64_t(1) << w) - 1;
      if (!is_unsigned(to) && (bits >> (w - 1))) bits |= ~((uint64_t(1) << w) - 1);
    }
    r.u = bits;
  }
  return r;
}

void scalar_to_bytes(Scalar v, DType t, void* out) {
  switch (t) {
#define X(N, T, C, K)                                                                             \
    case DType::N: {                                                                              \
      T x;                                                                                        \
      if constexpr (DType::N == DType::FLOAT16) x = float_to_half(v.f);                           \
      else if constexpr (K == 'f') x = static_cast<T>(v.f);                                       \
      else x = static_cast<T>(v.u);                                                               \
      __builtin_memcpy(out, &x, sizeof(T));                                                       \
      break;                                                                                      \
    }
    MNNX_DTYPES(X)
#undef X
    default: break;
  }
}

}  // namespace mnnx
