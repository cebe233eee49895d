// Runtime ISA dispatch: one kernel table per instruction set, the best one the CPU supports.
#include <cstring>

#include "core/errors.h"
#include "core/vm.h"

namespace mnnx {

namespace {
struct Tables {
  KernelTable generic{}, avx2{}, avx512{};
  const KernelTable* active;
  Tables() {
    generic::fill_table(&generic);
    avx2::fill_table(&avx2);
    avx512::fill_table(&avx512);
    generic::fill_gemm(&generic);
    avx2::fill_gemm(&avx2);
    avx512::fill_gemm(&avx512);
    generic::fill_conv(&generic);
    avx2::fill_conv(&avx2);
    avx512::fill_conv(&avx512);
    __builtin_cpu_init();
    bool has512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                  __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
    bool has2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    active = has512 ? &avx512 : has2 ? &avx2 : &generic;
  }
};
Tables& tables() {
  static Tables t;
  return t;
}
}  // namespace

const KernelTable& kernels() { return *tables().active; }
const char* isa_name() { return tables().active->isa; }

void force_isa(const char* name) {
  Tables& t = tables();
  __builtin_cpu_init();
  if (!std::strcmp(name, "generic")) t.active = &t.generic;
  else if (!std::strcmp(name, "avx2") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) t.active = &t.avx2;
  else if (!std::strcmp(name, "avx512") && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl")) t.active = &t.avx512;
  else fail(ErrKind::VALUE, std::string("ISA not available on this CPU: ") + name);
}

}  // namespace mnnx
