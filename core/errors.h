// Native errors carry the Python exception type they become; mnnx/_C translates them in one place.
#pragma once
#include <stdexcept>
#include <string>

namespace mnnx {

enum class ErrKind { VALUE, TYPE, INDEX, AXIS, OVERFLOW, MEMORY, RUNTIME };

struct Error : std::runtime_error {
  ErrKind kind;
  Error(ErrKind k, const std::string& msg) : std::runtime_error(msg), kind(k) {}
};

[[noreturn]] inline void fail(ErrKind k, const std::string& msg) { throw Error(k, msg); }

}  // namespace mnnx
