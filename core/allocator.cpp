#include "core/allocator.h"

#include <cstdlib>
#include <sys/mman.h>
#include <map>
#include <mutex>

#include "core/errors.h"

namespace mnnx {

namespace {
constexpr size_t kAlign = 64;
constexpr size_t kCacheCap = size_t(512) << 20;   // bytes kept for reuse at most
constexpr size_t kMinCached = size_t(64) << 10;   // smaller blocks are cheap for malloc itself

constexpr size_t kHuge = size_t(2) << 20;

std::mutex mu;
std::multimap<size_t, void*> cache, huge_cache;  // rounded size -> free block
size_t cached = 0;

void* take(std::multimap<size_t, void*>& from, size_t n) {
  std::lock_guard<std::mutex> g(mu);
  auto it = from.find(n);
  if (it == from.end()) return nullptr;
  void* p = it->second;
  from.erase(it);
  cached -= n;
  return p;
}

bool keep(std::multimap<size_t, void*>& in, void* p, size_t n) {
  std::lock_guard<std::mutex> g(mu);
  if (cached + n > kCacheCap) return false;
  in.emplace(n, p);
  cached += n;
  return true;
}

[[noreturn]] void out_of_memory(size_t bytes) {
  fail(ErrKind::MEMORY, "Unable to allocate " + std::to_string(bytes) + " bytes");
}

size_t round_size(size_t b) {
  if (b == 0) b = 1;
  size_t g = b >= kMinCached ? 4096 : kAlign;
  return (b + g - 1) / g * g;
}
}  // namespace

void* pool_alloc(size_t bytes) {
  size_t n = round_size(bytes);
  void* p = n >= kMinCached ? take(cache, n) : nullptr;
  if (!p) p = std::aligned_alloc(kAlign, n);
  if (!p) out_of_memory(bytes);
  return p;
}

void pool_free(void* p, size_t bytes) {
  size_t n = round_size(bytes);
  if (n < kMinCached || !keep(cache, p, n)) std::free(p);
}

void* pool_alloc_huge(size_t bytes) {
  if (bytes < kHuge / 2) return pool_alloc(bytes);  // small: not worth up to 2 MiB of memory
  size_t n = (bytes + kHuge - 1) / kHuge * kHuge;
  if (void* p = take(huge_cache, n)) return p;
  void* p = std::aligned_alloc(kHuge, n);
  if (!p) out_of_memory(bytes);
#ifdef MADV_HUGEPAGE
  madvise(p, n, MADV_HUGEPAGE);  // advice only: where refused, the block keeps 4 KiB pages
#endif
  return p;
}

void pool_free_huge(void* p, size_t bytes) {
  if (bytes < kHuge / 2) return pool_free(p, bytes);
  size_t n = (bytes + kHuge - 1) / kHuge * kHuge;
  if (!keep(huge_cache, p, n)) std::free(p);
}

size_t pool_cached_bytes() {
  std::lock_guard<std::mutex> g(mu);
  return cached;
}

void pool_trim() {
  std::lock_guard<std::mutex> g(mu);
  for (auto* c : {&cache, &huge_cache}) {
    for (auto& kv : *c) std::free(kv.second);
    c->clear();
  }
  cached = 0;
}

}  // namespace mnnx
