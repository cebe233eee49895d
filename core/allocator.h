// Aligned allocation with a small cache of freed blocks: large arrays are reused instead of being
// returned to the OS and faulted in again on every realize.
#pragma once
#include <cstddef>

namespace mnnx {

void* pool_alloc(size_t bytes);  // 64-byte aligned; throws Error(MEMORY) on failure
void pool_free(void* p, size_t bytes);
// Scratch for packed GEMM operands: whole 2 MiB pages, which the kernel backs with huge pages where
// transparent huge pages are on (always or madvise), so that a packed block is physically contiguous
// and sits in the physically indexed L2 the same way in every process (with 4 KiB frames its set
// conflicts varied from process to process: SGEMM n = 256 took 0.16 or 0.19 ms depending on the run).
void* pool_alloc_huge(size_t bytes);
void pool_free_huge(void* p, size_t bytes);
size_t pool_cached_bytes();
void pool_trim();  // return every cached block to the system

}  // namespace mnnx
