// Gather/scatter of rows by integer index: the native half of advanced indexing. Indices are checked
// while they are used (one pass); the first bad one in C order is the one reported, as numpy does.
#include <algorithm>
#include <atomic>
#include <cstring>
#include <string>

#include "core/errors.h"
#include "core/np7/np7.h"
#include "core/threadpool.h"

namespace mnnx::np7 {

namespace {

constexpr int64_t kGrain = 1 << 14;

[[noreturn]] void out_of_bounds(int64_t i, int64_t axis, int64_t n) {
  fail(ErrKind::INDEX, "index " + std::to_string(i) + " is out of bounds for axis " + std::to_string(axis) +
                           " with size " + std::to_string(n));
}

void note_bad(std::atomic<int64_t>& first_bad, int64_t pos) {
  int64_t cur = first_bad.load(std::memory_order_relaxed);
  while (pos < cur && !first_bad.compare_exchange_weak(cur, pos)) {}
}

template <class T>
void gather_typed(const T* src, int64_t n, const int64_t* idx, T* out, int64_t b, int64_t e,
                  std::atomic<int64_t>& first_bad) {
  for (int64_t i = b; i < e; ++i) {
    int64_t r = idx[i];
    r += r < 0 ? n : 0;
    if (static_cast<uint64_t>(r) >= static_cast<uint64_t>(n)) { note_bad(first_bad, i); return; }
    out[i] = src[r];
  }
}

template <class T>
void scatter_part(char* dst, const int64_t* idx, int64_t m, int64_t n_rows, int64_t lo, int64_t hi, const char* val,
                  int64_t val_step) {
  T* d = reinterpret_cast<T*>(dst);
  T scratch;
  const int64_t vs = val_step / int64_t(sizeof(T));
  const T* v = reinterpret_cast<const T*>(val);
  for (int64_t i = 0; i < m; ++i) {
    int64_t r = idx[i];
    r += r < 0 ? n_rows : 0;
    T* to = (r >= lo && r < hi) ? d + r : &scratch;
    *to = v[i * vs];
  }
}

// Branch-free, so it vectorizes; x86 builds get an AVX-512/AVX2 clone chosen at load time.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
bool any_out_of_range(const int64_t* idx, int64_t m, int64_t n) {
  uint64_t bad = 0;
  for (int64_t i = 0; i < m; ++i) bad |= uint64_t(idx[i] + n) >= uint64_t(2 * n);
  return bad != 0;
}

template <class T>
void scatter_inplace(char* dst, const int64_t* idx, int64_t m, int64_t n_rows, const char* val, int64_t val_step) {
  T* d = reinterpret_cast<T*>(dst);
  const T* v = reinterpret_cast<const T*>(val);
  const int64_t vs = val_step / int64_t(sizeof(T));
  for (int64_t i = 0; i < m; ++i) d[idx[i] + (idx[i] < 0 ? n_rows : 0)] = v[i * vs];
}

}  // namespace

void ravel_index(const std::vector<IndexTerm>& terms, int64_t m, int64_t* out) {
  std::atomic<int64_t> first_bad{m};
  parallel_for(m, kGrain, [&](int64_t b, int64_t e, int) {
    for (int64_t i = b; i < e; ++i) {
      int64_t flat = 0;
      for (const IndexTerm& t : terms) {
        int64_t r = t.idx[i];
        r += r < 0 ? t.n : 0;
        if (static_cast<uint64_t>(r) >= static_cast<uint64_t>(t.n)) { note_bad(first_bad, i); return; }
        flat += r * t.stride;
      }
      out[i] = flat;
    }
  });
  int64_t bad = first_bad.load();
  if (bad < m) {
    for (const IndexTerm& t : terms) {
      int64_t r = t.idx[bad];
      if (r < -t.n || r >= t.n) out_of_bounds(r, t.axis, t.n);
    }
  }
}

void gather_rows(const char* src, int64_t n_rows, int64_t row_bytes, const int64_t* idx, int64_t m, int64_t axis,
                 char* out) {
  std::atomic<int64_t> first_bad{m};
  parallel_for(m, kGrain, [&](int64_t b, int64_t e, int) {
    switch (row_bytes) {
      case 1: return gather_typed(reinterpret_cast<const uint8_t*>(src), n_rows, idx, reinterpret_cast<uint8_t*>(out), b, e, first_bad);
      case 2: return gather_typed(reinterpret_cast<const uint16_t*>(src), n_rows, idx, reinterpret_cast<uint16_t*>(out), b, e, first_bad);
      case 4: return gather_typed(reinterpret_cast<const uint32_t*>(src), n_rows, idx, reinterpret_cast<uint32_t*>(out), b, e, first_bad);
      case 8: return gather_typed(reinterpret_cast<const uint64_t*>(src), n_rows, idx, reinterpret_cast<uint64_t*>(out), b, e, first_bad);
      default:
        for (int64_t i = b; i < e; ++i) {
          int64_t r = idx[i];
          r += r < 0 ? n_rows : 0;
          if (static_cast<uint64_t>(r) >= static_cast<uint64_t>(n_rows)) { note_bad(first_bad, i); return; }
          std::memcpy(out + i * row_bytes, src + r * row_bytes, static_cast<size_t>(row_bytes));
        }
    }
  });
  if (first_bad.load() < m) out_of_bounds(idx[first_bad.load()], axis, n_rows);
}

// Each thread owns a range of destination rows: it copies them from src, then applies, in index order,
// the writes that land there. Repeated indices thus resolve to the last write, as in numpy, without locks.
void scatter_rows(const char* src, char* dst, int64_t n_rows, int64_t row_bytes, const int64_t* idx, int64_t m,
                  int64_t axis, const char* val, int64_t val_step) {
  if (src == dst) {  // in place: all indices checked first (the array must not change on error), then
    // numpy's own sequential loop (in parallel, every thread would have to read every index).
    // The check is one thread and branch-free: a short pass that must not wait for a busy core.
    if (any_out_of_range(idx, m, n_rows))
      for (int64_t i = 0; i < m; ++i)
        if (idx[i] < -n_rows || idx[i] >= n_rows) out_of_bounds(idx[i], axis, n_rows);
    if (row_bytes == 4) return scatter_inplace<uint32_t>(dst, idx, m, n_rows, val, val_step);
    if (row_bytes == 8) return scatter_inplace<uint64_t>(dst, idx, m, n_rows, val, val_step);
    for (int64_t i = 0; i < m; ++i) {
      const int64_t r = idx[i] + (idx[i] < 0 ? n_rows : 0);
      std::memcpy(dst + r * row_bytes, val + i * val_step, static_cast<size_t>(row_bytes));
    }
    return;
  }
  const int64_t total = n_rows * row_bytes;
  const int64_t parts = (m + total / 8 >= 4 * kGrain) ? num_threads() : 1;
  std::atomic<int64_t> first_bad{m};
  parallel_for(parts, 1, [&](int64_t pb, int64_t pe, int) {
    for (int64_t p = pb; p < pe; ++p) {
      const int64_t lo = n_rows * p / parts, hi = n_rows * (p + 1) / parts;
      if (src != dst) std::memcpy(dst + lo * row_bytes, src + lo * row_bytes, static_cast<size_t>((hi - lo) * row_bytes));
      if (row_bytes == 4 || row_bytes == 8) {
        // Branch-free: a write that is not this part's goes to a scratch slot (random indices would
        // mispredict half the time); bad indices are reported from a separate scan by part 0.
        if (row_bytes == 4) scatter_part<uint32_t>(dst, idx, m, n_rows, lo, hi, val, val_step);
        else scatter_part<uint64_t>(dst, idx, m, n_rows, lo, hi, val, val_step);
        if (p == 0)
          for (int64_t i = 0; i < m; ++i)
            if (idx[i] < -n_rows || idx[i] >= n_rows) { note_bad(first_bad, i); break; }
        continue;
      }
      for (int64_t i = 0; i < m; ++i) {
        int64_t r = idx[i];
        r += r < 0 ? n_rows : 0;
        if (r >= lo && r < hi) {
          std::memcpy(dst + r * row_bytes, val + i * val_step, static_cast<size_t>(row_bytes));
        } else if (p == 0 && static_cast<uint64_t>(r) >= static_cast<uint64_t>(n_rows)) {
          note_bad(first_bad, i);
          break;
        }
      }
    }
  });
  if (first_bad.load() < m) out_of_bounds(idx[first_bad.load()], axis, n_rows);
}

namespace {

// Set-bit counts of the mask per part (fixed parts, so a second pass sees the same split).
std::vector<int64_t> part_offsets(const uint8_t* mask, int64_t n, int parts) {
  std::vector<int64_t> off(parts + 1, 0);
  parallel_for(parts, 1, [&](int64_t pb, int64_t pe, int) {
    for (int64_t p = pb; p < pe; ++p) {
      int64_t c = 0;
      for (int64_t i = n * p / parts, e = n * (p + 1) / parts; i < e; ++i) c += mask[i];
      off[p + 1] = c;
    }
  });
  for (int p = 0; p < parts; ++p) off[p + 1] += off[p];
  return off;
}

template <class T>
void compress_typed(const T* src, const uint8_t* mask, int64_t b, int64_t e, T* out) {
  for (int64_t i = b; i < e; ++i) {  // branch-free: always store, advance by the mask bit
    *out = src[i];
    out += mask[i];
  }
}

template <class T>
void assign_typed(const T* src, T* dst, const uint8_t* mask, int64_t b, int64_t e, const T* val, int64_t k,
                  int64_t last, bool step) {
  // Selects by bit masks, not branches: a random mask would mispredict half the time.
  if (!step) {
    const T v = val[0];
    for (int64_t i = b; i < e; ++i) {
      const T sel = T(0) - T(mask[i]);
      dst[i] = (v & sel) | (src[i] & ~sel);
    }
    return;
  }
  for (int64_t i = b; i < e; ++i) {
    const T sel = T(0) - T(mask[i]);
    const T v = val[std::min(k, last)];  // clamped: a load that is always in bounds
    dst[i] = (v & sel) | (src[i] & ~sel);
    k += mask[i];
  }
}

int mask_parts(int64_t n) { return n >= 4 * kGrain ? num_threads() : 1; }

}  // namespace

int64_t count_mask(const uint8_t* mask, int64_t n) { return part_offsets(mask, n, mask_parts(n)).back(); }

void compress_rows(const char* src, const uint8_t* mask, int64_t n_rows, int64_t row_bytes, char* out) {
  const int parts = mask_parts(n_rows);
  const std::vector<int64_t> off = part_offsets(mask, n_rows, parts);
  parallel_for(parts, 1, [&](int64_t pb, int64_t pe, int) {
    for (int64_t p = pb; p < pe; ++p) {
      const int64_t b = n_rows * p / parts, e = n_rows * (p + 1) / parts;
      // The branch-free loops also store where a false row would go; stopping after the part's last
      // true row keeps every store inside the part's own output.
      int64_t stop = e;
      while (stop > b && !mask[stop - 1]) --stop;
      switch (row_bytes) {
        case 4: compress_typed(reinterpret_cast<const uint32_t*>(src), mask, b, stop, reinterpret_cast<uint32_t*>(out) + off[p]); break;
        case 8: compress_typed(reinterpret_cast<const uint64_t*>(src), mask, b, stop, reinterpret_cast<uint64_t*>(out) + off[p]); break;
        default: {
          char* o = out + off[p] * row_bytes;
          for (int64_t i = b; i < e; ++i)
            if (mask[i]) { std::memcpy(o, src + i * row_bytes, static_cast<size_t>(row_bytes)); o += row_bytes; }
        }
      }
    }
  });
}

void masked_assign(const char* src, char* dst, const uint8_t* mask, int64_t n_rows, int64_t row_bytes, const char* val,
                   int64_t val_step) {
  const int parts = mask_parts(n_rows);
  const std::vector<int64_t> off = part_offsets(mask, n_rows, parts);
  const int64_t last = std::max<int64_t>(off[parts] - 1, 0);
  parallel_for(parts, 1, [&](int64_t pb, int64_t pe, int) {
    for (int64_t p = pb; p < pe; ++p) {
      const int64_t b = n_rows * p / parts, e = n_rows * (p + 1) / parts;
      switch (off[parts] ? row_bytes : 0) {
        case 4: assign_typed(reinterpret_cast<const uint32_t*>(src), reinterpret_cast<uint32_t*>(dst), mask, b, e, reinterpret_cast<const uint32_t*>(val), off[p], last, val_step != 0); break;
        case 8: assign_typed(reinterpret_cast<const uint64_t*>(src), reinterpret_cast<uint64_t*>(dst), mask, b, e, reinterpret_cast<const uint64_t*>(val), off[p], last, val_step != 0); break;
        default: {
          std::memcpy(dst + b * row_bytes, src + b * row_bytes, static_cast<size_t>((e - b) * row_bytes));
          int64_t k = off[p];
          for (int64_t i = b; i < e; ++i)
            if (mask[i]) std::memcpy(dst + i * row_bytes, val + (k++) * val_step, static_cast<size_t>(row_bytes));
        }
      }
    }
  });
}

std::vector<int64_t> flatnonzero(const char* data, int64_t n, int64_t itemsize) {
  const int parts = n >= 4 * kGrain ? num_threads() : 1;
  std::vector<int64_t> counts(parts + 1, 0);
  auto nz = [&](int64_t i) {
    const char* p = data + i * itemsize;
    for (int64_t k = 0; k < itemsize; ++k) if (p[k]) return true;
    return false;
  };
  parallel_for(parts, 1, [&](int64_t pb, int64_t pe, int) {
    for (int64_t p = pb; p < pe; ++p) {
      int64_t c = 0;
      for (int64_t i = n * p / parts, e = n * (p + 1) / parts; i < e; ++i) c += nz(i);
      counts[p + 1] = c;
    }
  });
  for (int p = 0; p < parts; ++p) counts[p + 1] += counts[p];
  std::vector<int64_t> out(static_cast<size_t>(counts[parts]));
  parallel_for(parts, 1, [&](int64_t pb, int64_t pe, int) {
    for (int64_t p = pb; p < pe; ++p) {
      int64_t k = counts[p];
      for (int64_t i = n * p / parts, e = n * (p + 1) / parts; i < e; ++i)
        if (nz(i)) out[k++] = i;
    }
  });
  return out;
}

}  // namespace mnnx::np7
