// Sorting by LSD radix on order-preserving unsigned keys: floats map sign-magnitude to unsigned (both
// zeros to one key, every NaN to the largest), signed ints flip the sign bit. Radix is stable, so
// sort and argsort are numpy's kind='stable' for every kind. Digits that are equal in all keys are
// skipped (small ints sort in one or two passes).
#include <algorithm>
#include <cstring>
#include <memory>
#include <type_traits>

#include "core/errors.h"
#include "core/np7/np7.h"
#include "core/threadpool.h"

namespace mnnx::np7 {

namespace {

struct Half { uint16_t bits; };

template <class T> struct Key;
template <> struct Key<float> {
  using U = uint32_t;
  static U of(float v) {
    if (v != v) return ~U(0);
    if (v == 0) v = 0.0f;
    U b;
    std::memcpy(&b, &v, 4);
    return (b >> 31) ? ~b : (b | 0x80000000u);
  }
};
template <> struct Key<double> {
  using U = uint64_t;
  static U of(double v) {
    if (v != v) return ~U(0);
    if (v == 0) v = 0.0;
    U b;
    std::memcpy(&b, &v, 8);
    return (b >> 63) ? ~b : (b | (U(1) << 63));
  }
};
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


// Stable LSD radix sort of a[0..n) by key(a[i]) (key_bytes bytes); tmp has room for n items.
template <class T, class KeyF>
void radix_sort(T* a, T* tmp, int64_t n, int key_bytes, KeyF key, bool parallel) {
  if (n < kSmall) {
    std::stable_sort(a, a + n, [&](const T& x, const T& y) { return key(x) < key(y); });
    return;
  }
  const int parts = parallel && n >= kParallelMin ? num_threads() : 1;
  // Upfront: every digit's histogram per part (the first active pass uses them directly).
  std::vector<uint32_t> all(static_cast<size_t>(parts) * key_bytes * 256, 0);
  auto lo_of = [&](int p) { return n * p / parts; };
  parallel_for(parts, 1, [&](int64_t pb, int64_t pe, int) {
    for (int64_t p = pb; p < pe; ++p) {
      uint32_t* h = &all[static_cast<size_t>(p) * key_bytes * 256];
      for (int64_t i = lo_of(int(p)), e = lo_of(int(p) + 1); i < e; ++i) {
        auto k = key(a[i]);
        for (int d = 0; d < key_bytes; ++d) ++h[d * 256 + ((k >> (8 * d)) & 255)];
      }
    }
  });
  std::vector<int> active;
  for (int d = 0; d < key_bytes; ++d) {
    bool trivial = false;
    for (int b = 0; b < 256 && !trivial; ++b) {
      uint64_t c = 0;
      for (int p = 0; p < parts; ++p) c += all[(static_cast<size_t>(p) * key_bytes + d) * 256 + b];
      trivial = c == static_cast<uint64_t>(n);
    }
    if (!trivial) active.push_back(d);
  }
  T* src = a;
  T* dst = tmp;
  std::vector<int64_t> offs(static_cast<size_t>(parts) * 256);
  std::vector<uint32_t> hist(static_cast<size_t>(parts) * 256);
  for (size_t pass = 0; pass < active.size(); ++pass) {
    const int d = active[pass], shift = 8 * d;
    if (pass == 0) {
      for (int p = 0; p < parts; ++p)
        std::memcpy(&hist[p * 256], &all[(static_cast<size_t>(p) * key_bytes + d) * 256], 256 * sizeof(uint32_t));
    } else {
      std::fill(hist.begin(), hist.end(), 0);
      parallel_for(parts, 1, [&](int64_t pb, int64_t pe, int) {
        for (int64_t p = pb; p < pe; ++p)
          for (int64_t i = lo_of(int(p)), e = lo_of(int(p) + 1); i < e; ++i) ++hist[p * 256 + ((key(src[i]) >> shift) & 255)];
      });
    }
    int64_t run = 0;
    for (int b = 0; b < 256; ++b)
      for (int p = 0; p < parts; ++p) { offs[p * 256 + b] = run; run += hist[p * 256 + b]; }
    parallel_for(parts, 1, [&](int64_t pb, int64_t pe, int) {
      for (int64_t p = pb; p < pe; ++p) {
        int64_t* o = &offs[p * 256];
        for (int64_t i = lo_of(int(p)), e = lo_of(int(p) + 1); i < e; ++i) dst[o[(key(src[i]) >> shift) & 255]++] = src[i];
      }
    });
    std::swap(src, dst);
  }
  if (src != a) {
    parallel_for(n, 1 << 16, [&](int64_t b, int64_t e, int) { std::memcpy(a + b, src + b, (e - b) * sizeof(T)); });
  }
}

template <class T>
void sort_typed(T* data, int64_t rows, int64_t n) {
  auto key = [](const T& v) { return Key<T>::of(v); };
  constexpr int kb = sizeof(typename Key<T>::U);
  if (rows == 1) {
    std::unique_ptr<T[]> tmp(new T[n]);
    radix_sort(data, tmp.get(), n, kb, key, true);
    return;
  }
  parallel_for(rows, std::max<int64_t>(1, kParallelMin / std::max<int64_t>(n, 1)), [&](int64_t b, int64_t e, int) {
    std::unique_ptr<T[]> tmp(new T[n]);
    for (int64_t r = b; r < e; ++r) radix_sort(data + r * n, tmp.get(), n, kb, key, false);
  });
}

template <class T>
void argsort_typed(const T* data, int64_t rows, int64_t n, int64_t* out) {
  using U = typename Key<T>::U;
  constexpr int kb = sizeof(U);
  auto row_sort = [&](const T* x, int64_t* o, bool parallel) {
    if constexpr (kb <= 4) {
      if (n <= int64_t(UINT32_MAX)) {  // key and index packed in one word: half the memory traffic
        std::unique_ptr<uint64_t[]> v(new uint64_t[2 * n]);
        for (int64_t i = 0; i < n; ++i) v[i] = (uint64_t(Key<T>::of(x[i])) << 32) | uint64_t(i);
        radix_sort(v.get(), v.get() + n, n, kb, [](uint64_t w) { return uint32_t(w >> 32); }, parallel);
        for (int64_t i = 0; i < n; ++i) o[i] = int64_t(v[i] & 0xffffffffu);
        return;
      }
    }
    struct KI { U k; int64_t i; };
    std::unique_ptr<KI[]> v(new KI[2 * n]);
    for (int64_t i = 0; i < n; ++i) v[i] = KI{Key<T>::of(x[i]), i};
    radix_sort(v.get(), v.get() + n, n, kb, [](const KI& w) { return w.k; }, parallel);
    for (int64_t i = 0; i < n; ++i) o[i] = v[i].i;
  };
  if (rows == 1) return row_sort(data, out, true);
  parallel_for(rows, std::max<int64_t>(1, kParallelMin / std::max<int64_t>(n, 1)), [&](int64_t b, int64_t e, int) {
    for (int64_t r = b; r < e; ++r) row_sort(data + r * n, out + r * n, false);
  });
}

}  // namespace

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
