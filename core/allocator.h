// Aligned allocation with a small cache of freed blocks: large arrays are reused instead of being
// returned to the OS and faulted in again on every realize.
#pragma once
#include <cstddef>

namespace mnnx {

void* pool_alloc(size_t bytes);  // 64-byte aligned; throws Error(MEMORY) on failure
void pool_free(void* p, size_t bytes);
size_t pool_cached_bytes();
void pool_trim();  // return every cached block to the system

}  // namespace mnnx
