#include "core/allocator.h"

#include <cstdlib>
#include <map>
#include <mutex>

#include "core/errors.h"

namespace mnnx {

namespace {
constexpr size_t kAlign = 64;
constexpr size_t kCacheCap = size_t(512) << 20;   // bytes kept for reuse at most
constexpr size_t kMinCached = size_t(64) << 10;   // smaller blocks are cheap for malloc itself

std::mutex mu;
std::multimap<size_t, void*> cache;  // rounded size -> free block
size_t cached = 0;

size_t round_size(size_t b) {
  if (b == 0) b = 1;
  size_t g = b >= kMinCached ? 4096 : kAlign;
  return (b + g - 1) / g * g;
}
}  // namespace

void* pool_alloc(size_t bytes) {
  size_t n = round_size(bytes);
  if (n >= kMinCached) {
    std::lock_guard<std::mutex> g(mu);
    auto it = cache.find(n);
    if (it != cache.end()) {
      void* p = it->second;
      cache.erase(it);
      cached -= n;
      return p;
    }
  }
  void* p = std::aligned_alloc(kAlign, n);
  if (!p) fail(ErrKind::MEMORY, "Unable to allocate " + std::to_string(bytes) + " bytes");
  return p;
}

void pool_free(void* p, size_t bytes) {
  size_t n = round_size(bytes);
  if (n >= kMinCached) {
    std::lock_guard<std::mutex> g(mu);
    if (cached + n <= kCacheCap) {
      cache.emplace(n, p);
      cached += n;
      return;
    }
  }
  std::free(p);
}

size_t pool_cached_bytes() {
  std::lock_guard<std::mutex> g(mu);
  return cached;
}

void pool_trim() {
  std::lock_guard<std::mutex> g(mu);
  for (auto& kv : cache) std::free(kv.second);
  cache.clear();
  cached = 0;
}

}  // namespace mnnx
