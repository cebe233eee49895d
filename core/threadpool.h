// One persistent pool. parallel_for splits [0, n) into contiguous chunks that the threads claim in
// turn (the caller is one of them, so a one-thread run never touches another thread).
#pragma once
#include <cstdint>
#include <functional>
#include <thread>

namespace mnnx {

// One step of a spin-wait loop (tells the core, and a hypervisor, that this thread is waiting).
inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#else
  std::this_thread::yield();
#endif
}

int num_threads();
void set_num_threads(int n);
// fn(begin, end, part): part < num_threads() names the thread running the chunk.
void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t, int)>& fn);

}  // namespace mnnx
