// Element types: one X-macro list drives the enum, sizes, names and the numpy type numbers.
#pragma once
#include <cstdint>
#include <cstddef>

namespace mnnx {

// NAME, C++ storage type, numpy dtype char, kind ('b' bool, 'i' signed, 'u' unsigned, 'f' float)
#define MNNX_DTYPES(X)            \
  X(BOOL, uint8_t, '?', 'b')      \
  X(INT8, int8_t, 'b', 'i')       \
  X(INT16, int16_t, 'h', 'i')     \
  X(INT32, int32_t, 'i', 'i')     \
  X(INT64, int64_t, 'l', 'i')     \
  X(UINT8, uint8_t, 'B', 'u')     \
  X(UINT16, uint16_t, 'H', 'u')   \
  X(UINT32, uint32_t, 'I', 'u')   \
  X(UINT64, uint64_t, 'L', 'u')   \
  X(FLOAT16, uint16_t, 'e', 'f')  \
  X(FLOAT32, float, 'f', 'f')     \
  X(FLOAT64, double, 'd', 'f')

enum class DType : uint8_t {
#define X(N, T, C, K) N,
  MNNX_DTYPES(X)
#undef X
  COUNT
};
constexpr int kNumDTypes = static_cast<int>(DType::COUNT);

size_t dtype_size(DType t);
const char* dtype_name(DType t);  // numpy spelling: "float32"
char dtype_char(DType t);         // numpy type char: 'f'
char dtype_kind(DType t);
inline bool is_float(DType t) { return dtype_kind(t) == 'f'; }
inline bool is_int(DType t) { char k = dtype_kind(t); return k == 'i' || k == 'u'; }
inline bool is_unsigned(DType t) { return dtype_kind(t) == 'u'; }
bool dtype_from_char(char c, DType* out);

// numpy's promotion of two array dtypes (np.result_type).
DType promote(DType a, DType b);
// The float type numpy picks for an integer input of a float-valued ufunc (np.exp(int8) -> float16).
DType float_for(DType t);
// Accumulator type of sum/prod/cumsum (np.sum(int8) -> int64, np.sum(uint8) -> uint64).
DType sum_type(DType t);

}  // namespace mnnx
