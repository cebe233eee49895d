// Sorting by radix on order-preserving unsigned keys: floats map sign-magnitude to unsigned (both
// zeros to one key, every NaN to the largest), signed ints flip the sign bit. Radix is stable, so
// sort and argsort are numpy's kind='stable' for every kind. Digits that are equal in all keys are
// skipped (small ints sort in one or two passes).
#include <algorithm>
#include <cstring>
#include <type_traits>

#include "core/allocator.h"
#include "core/errors.h"
#include "core/np7/np7.h"
#include "core/threadpool.h"

namespace mnnx::np7 {

namespace {

struct Half { uint16_t bits; };

template <class T> struct Key;
template <class F, class Bits>
struct FloatKey {
  using U = Bits;
  static U of(F v) {
    if (v != v) return ~U(0);
    if (v == 0) v = F(0);  // -0.0 and 0.0 are one key: a stable sort keeps their order, as numpy's
    U b;
    std::memcpy(&b, &v, sizeof(U));
    constexpr U sign = U(1) << (sizeof(U) * 8 - 1);
    return (b & sign) ? U(~b) : U(b | sign);
  }
};
template <> struct Key<float> : FloatKey<float, uint32_t> {};
template <> struct Key<double> : FloatKey<double, uint64_t> {};
template <> struct Key<Half> {
  using U = uint16_t;
  static U of(Half h) {
    U b = h.bits;
    if ((b & 0x7fff) > 0x7c00) return 0xffff;
    if ((b & 0x7fff) == 0) b = 0;
    return (b >> 15) ? U(~b) : U(b | 0x8000);
  }
};
template <class I> struct IntKey {
  using U = std::make_unsigned_t<I>;
  static U of(I v) { return std::is_signed_v<I> ? U(U(v) ^ (U(1) << (sizeof(I) * 8 - 1))) : U(v); }
};
template <> struct Key<bool> { using U = uint8_t; static U of(bool v) { return v; } };
template <> struct Key<int8_t> : IntKey<int8_t> {};
template <> struct Key<int16_t> : IntKey<int16_t> {};
template <> struct Key<int32_t> : IntKey<int32_t> {};
template <> struct Key<int64_t> : IntKey<int64_t> {};
template <> struct Key<uint8_t> : IntKey<uint8_t> {};
template <> struct Key<uint16_t> : IntKey<uint16_t> {};
template <> struct Key<uint32_t> : IntKey<uint32_t> {};
template <> struct Key<uint64_t> : IntKey<uint64_t> {};

template <class F>
void dispatch(char type, F&& f) {
  switch (type) {
    case '?': return f(bool{});
    case 'b': return f(int8_t{});
    case 'h': return f(int16_t{});
    case 'i': return f(int32_t{});
    case 'l': case 'q': return f(int64_t{});
    case 'B': return f(uint8_t{});
    case 'H': return f(uint16_t{});
    case 'I': return f(uint32_t{});
    case 'L': case 'Q': return f(uint64_t{});
    case 'e': return f(Half{});
    case 'f': return f(float{});
    case 'd': return f(double{});
    default: fail(ErrKind::TYPE, std::string("sorting: unsupported type '") + type + "'");
  }
}

constexpr int64_t kSmall = 384;   // below this a comparison sort beats radix's histogram setup
constexpr int64_t kParallelMin = 1 << 16;


constexpr int64_t kCacheBytes = 256 << 10;  // a bucket this small is LSD-sorted inside L2

bool one_bucket(const uint32_t* h, int64_t n) {
  for (int b = 0; b < 256; ++b) if (h[b] == uint64_t(n)) return true;
  return false;
}

// Hybrid radix sort, stable: MSD passes split the data into buckets until a bucket fits in cache;
// each bucket is then LSD-sorted there. Large arrays thus touch memory in few streaming passes, and
// buckets are sorted in parallel. Digits on which all keys agree are skipped.
template <class T, class KeyF>
struct Radix {
  KeyF key;

  int digit(const T& v, int d) const { return int((key(v) >> (8 * d)) & 255); }

  // Sorts src[0..n) by digits dtop..0; the result lands in want (src or tmp), the other is scratch.
  void lsd(T* src, T* tmp, int64_t n, int dtop, T* want) const {
    if (n < kSmall) {
      std::stable_sort(src, src + n, [&](const T& x, const T& y) { return key(x) < key(y); });
      if (want != src) std::memcpy(want, src, n * sizeof(T));
      return;
    }
    uint32_t h[8][256] = {};
    for (int64_t i = 0; i < n; ++i) {
      auto k = key(src[i]);
      for (int d = 0; d <= dtop; ++d) ++h[d][(k >> (8 * d)) & 255];
    }
    T* a = src;
    T* b = tmp;
    for (int d = 0; d <= dtop; ++d) {
      if (one_bucket(h[d], n)) continue;
      int64_t o[256], run = 0;
      for (int k = 0; k < 256; ++k) { o[k] = run; run += h[d][k]; }
      for (int64_t i = 0; i < n; ++i) b[o[digit(a[i], d)]++] = a[i];
      std::swap(a, b);
    }
    if (a != want) std::memcpy(want, a, n * sizeof(T));
  }

  // Sorts data[0..n) by digits d..0 in place (scratch: tmp).
  void msd(T* data, T* tmp, int64_t n, int d, bool parallel) const {
    if (n * int64_t(sizeof(T)) <= kCacheBytes || n < kSmall) return lsd(data, tmp, n, d, data);
    const int parts = parallel && n >= kParallelMin ? num_threads() : 1;
    auto lo_of = [&](int64_t p) { return n * p / parts; };
    std::vector<uint32_t> hist(static_cast<size_t>(parts) * 256, 0);
    parallel_for(parts, 1, [&](int64_t pb, int64_t pe, int) {
      for (int64_t p = pb; p < pe; ++p)
        for (int64_t i = lo_of(p), e = lo_of(p + 1); i < e; ++i) ++hist[p * 256 + digit(data[i], d)];
    });
    uint32_t total[256] = {};
    for (int p = 0; p < parts; ++p)
      for (int k = 0; k < 256; ++k) total[k] += hist[p * 256 + k];
    if (one_bucket(total, n)) {
      if (d > 0) msd(data, tmp, n, d - 1, parallel);
      return;
    }
    std::vector<int64_t> offs(static_cast<size_t>(parts) * 256);
    int64_t starts[257], run = 0;
    for (int k = 0; k < 256; ++k) {
      starts[k] = run;
      for (int p = 0; p < parts; ++p) { offs[p * 256 + k] = run; run += hist[p * 256 + k]; }
    }
    starts[256] = n;
    parallel_for(parts, 1, [&](int64_t pb, int64_t pe, int) {
      for (int64_t p = pb; p < pe; ++p) {
        int64_t* o = &offs[p * 256];
        for (int64_t i = lo_of(p), e = lo_of(p + 1); i < e; ++i) tmp[o[digit(data[i], d)]++] = data[i];
      }
    });
    // The buckets are in tmp; each is sorted on the lower digits and lands back in data.
    std::vector<int> small;
    for (int k = 0; k < 256; ++k) {
      const int64_t lo = starts[k], m = starts[k + 1] - lo;
      if (m == 0) continue;
      if (d == 0 || m * int64_t(sizeof(T)) <= kCacheBytes) { small.push_back(k); continue; }
      msd(tmp + lo, data + lo, m, d - 1, parallel);
      parallel_for(m, 1 << 16, [&](int64_t b, int64_t e, int) { std::memcpy(data + lo + b, tmp + lo + b, (e - b) * sizeof(T)); });
    }
    parallel_for(int64_t(small.size()), parallel ? 1 : int64_t(small.size()), [&](int64_t b, int64_t e, int) {
      for (int64_t j = b; j < e; ++j) {
        const int64_t lo = starts[small[j]], m = starts[small[j] + 1] - lo;
        if (d == 0) std::memcpy(data + lo, tmp + lo, m * sizeof(T));
        else lsd(tmp + lo, data + lo, m, d - 1, data + lo);
      }
    });
  }
};

// Stable radix sort of a[0..n) by key(a[i]) (key_bytes bytes); tmp has room for n items.
template <class T, class KeyF>
void radix_sort(T* a, T* tmp, int64_t n, int key_bytes, KeyF key, bool parallel) {
  Radix<T, KeyF>{key}.msd(a, tmp, n, key_bytes - 1, parallel);
}

// Scratch memory from mnnx's allocator: large blocks are cached, not faulted in again on every call.
template <class T>
struct Scratch {
  size_t bytes;
  T* p;
  explicit Scratch(int64_t n) : bytes(size_t(std::max<int64_t>(n, 1)) * sizeof(T)), p(static_cast<T*>(pool_alloc(bytes))) {}
  ~Scratch() { pool_free(p, bytes); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
};

template <class T>
void sort_typed(T* data, int64_t rows, int64_t n) {
  auto key = [](const T& v) { return Key<T>::of(v); };
  constexpr int kb = sizeof(typename Key<T>::U);
  if (rows == 1) {
    Scratch<T> tmp(n);
    radix_sort(data, tmp.p, n, kb, key, true);
    return;
  }
  parallel_for(rows, std::max<int64_t>(1, kParallelMin / std::max<int64_t>(n, 1)), [&](int64_t b, int64_t e, int) {
    Scratch<T> tmp(n);
    for (int64_t r = b; r < e; ++r) radix_sort(data + r * n, tmp.p, n, kb, key, false);
  });
}

template <class T>
void argsort_typed(const T* data, int64_t rows, int64_t n, int64_t* out) {
  using U = typename Key<T>::U;
  constexpr int kb = sizeof(U);
  auto row_sort = [&](const T* x, int64_t* o, bool parallel) {
    if constexpr (kb <= 4) {
      if (n <= int64_t(UINT32_MAX)) {  // key and index packed in one word: half the memory traffic
        Scratch<uint64_t> s(2 * n);
        uint64_t* v = s.p;
        for (int64_t i = 0; i < n; ++i) v[i] = (uint64_t(Key<T>::of(x[i])) << 32) | uint64_t(i);
        radix_sort(v, v + n, n, kb, [](uint64_t w) { return uint32_t(w >> 32); }, parallel);
        for (int64_t i = 0; i < n; ++i) o[i] = int64_t(v[i] & 0xffffffffu);
        return;
      }
    }
    struct KI { U k; int64_t i; };
    Scratch<KI> s(2 * n);
    KI* v = s.p;
    for (int64_t i = 0; i < n; ++i) v[i] = KI{Key<T>::of(x[i]), i};
    radix_sort(v, v + n, n, kb, [](const KI& w) { return w.k; }, parallel);
    for (int64_t i = 0; i < n; ++i) o[i] = v[i].i;
  };
  if (rows == 1) return row_sort(data, out, true);
  parallel_for(rows, std::max<int64_t>(1, kParallelMin / std::max<int64_t>(n, 1)), [&](int64_t b, int64_t e, int) {
    for (int64_t r = b; r < e; ++r) row_sort(data + r * n, out + r * n, false);
  });
}

// Successive selections: each kth splits the range left over by the previous one.
template <class It, class Less>
void select_all(It begin, It end, const std::vector<int64_t>& kth, Less less) {
  It lo = begin;
  for (int64_t k : kth) {
    if (begin + k < lo) continue;
    std::nth_element(lo, begin + k, end, less);
    lo = begin + k + 1;
  }
}

template <class T>
void partition_typed(T* data, int64_t rows, int64_t n, const std::vector<int64_t>& kth) {
  auto less = [](const T& a, const T& b) { return Key<T>::of(a) < Key<T>::of(b); };
  parallel_for(rows, std::max<int64_t>(1, kParallelMin / std::max<int64_t>(n, 1)), [&](int64_t b, int64_t e, int) {
    for (int64_t r = b; r < e; ++r) select_all(data + r * n, data + (r + 1) * n, kth, less);
  });
}

template <class T>
void argpartition_typed(const T* data, int64_t rows, int64_t n, const std::vector<int64_t>& kth, int64_t* out) {
  using U = typename Key<T>::U;
  struct KI { U k; int64_t i; };
  auto less = [](const KI& a, const KI& b) { return a.k < b.k || (a.k == b.k && a.i < b.i); };
  parallel_for(rows, std::max<int64_t>(1, kParallelMin / std::max<int64_t>(n, 1)), [&](int64_t b, int64_t e, int) {
    Scratch<KI> s(n);
    for (int64_t r = b; r < e; ++r) {
      for (int64_t i = 0; i < n; ++i) s.p[i] = KI{Key<T>::of(data[r * n + i]), i};
      select_all(s.p, s.p + n, kth, less);
      for (int64_t i = 0; i < n; ++i) out[r * n + i] = s.p[i].i;
    }
  });
}

}  // namespace

void partition_rows(char type, void* data, int64_t rows, int64_t n, const std::vector<int64_t>& kth) {
  dispatch(type, [&](auto tag) { using T = decltype(tag); partition_typed(static_cast<T*>(data), rows, n, kth); });
}

void argpartition_rows(char type, const void* data, int64_t rows, int64_t n, const std::vector<int64_t>& kth,
                       int64_t* out) {
  dispatch(type, [&](auto tag) {
    using T = decltype(tag);
    argpartition_typed(static_cast<const T*>(data), rows, n, kth, out);
  });
}

void sort_rows(char type, void* data, int64_t rows, int64_t n) {
  dispatch(type, [&](auto tag) { using T = decltype(tag); sort_typed(static_cast<T*>(data), rows, n); });
}

void argsort_rows(char type, const void* data, int64_t rows, int64_t n, int64_t* out) {
  dispatch(type, [&](auto tag) { using T = decltype(tag); argsort_typed(static_cast<const T*>(data), rows, n, out); });
}

void searchsorted(char type, const void* a, int64_t n, const int64_t* perm, const void* v, int64_t m, bool right,
                  int64_t* out) {
  if (perm) {
    for (int64_t i = 0; i < n; ++i)
      if (perm[i] < 0 || perm[i] >= n) fail(ErrKind::VALUE, "Sorter index out of range.");
  }
  dispatch(type, [&](auto tag) {
    using T = decltype(tag);
    const T* x = static_cast<const T*>(a);
    const T* q = static_cast<const T*>(v);
    parallel_for(m, 4096, [&](int64_t b, int64_t e, int) {
      for (int64_t j = b; j < e; ++j) {
        const auto k = Key<T>::of(q[j]);
        int64_t lo = 0, hi = n;
        while (lo < hi) {
          int64_t mid = lo + (hi - lo) / 2;
          const auto km = Key<T>::of(x[perm ? perm[mid] : mid]);
          if (right ? km <= k : km < k) lo = mid + 1; else hi = mid;
        }
        out[j] = lo;
      }
    });
  });
}

int64_t run_starts(char type, const void* sorted, int64_t n, int64_t* start) {
  int64_t k = 0;
  dispatch(type, [&](auto tag) {
    using T = decltype(tag);
    const T* x = static_cast<const T*>(sorted);
    for (int64_t i = 0; i < n; ++i)
      if (i == 0 || Key<T>::of(x[i]) != Key<T>::of(x[i - 1])) start[k++] = i;
  });
  return k;
}

}  // namespace mnnx::np7
