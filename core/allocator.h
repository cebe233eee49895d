// Aligned allocation with a small cache of freed blocks: large arrays are reused instead of being
// returned to the OS and faulted in again on every realize.
#pragma once
#include <cstddef>

namespace mnnx {

void* pool_alloc(size_t bytes);  // 64-byte aligned; throws Error(MEMORY) on failure
void pool_free(void* p, size_t bytes);
// Scratch for packed GEMM operands of 1 MiB or more: whole 2 MiB pages, which the kernel backs with
// huge pages where transparent huge pages are on (always or madvise). A packed block is then one
// TLB entry per 2 MiB and physically contiguous, so it fills the physically indexed L2 evenly, the
// same way in every process. Smaller requests are plain pool blocks.
void* pool_alloc_huge(size_t bytes);
void pool_free_huge(void* p, size_t bytes);
size_t pool_cached_bytes();
void pool_trim();  // return every cached block to the system

}  // namespace mnnx
