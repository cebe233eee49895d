// Running a plan: fused programs evaluated block by block on per-thread registers, and the reduce,
// scan and row kernels that consume them. Nothing here allocates per block or checks user input.
#include <algorithm>
#include <cstring>

#include "core/cast.h"
#include "core/dense.h"
#include "core/plan.h"
#include "core/threadpool.h"

namespace mnnx {

namespace {

constexpr int64_t kGrainElems = 1 << 15;  // below this much work a kernel stays on one thread

char* scratch(size_t bytes) {
  thread_local std::vector<char> buf;
  if (buf.size() < bytes + 64) buf.resize(bytes + 64);
  return reinterpret_cast<char*>((reinterpret_cast<uintptr_t>(buf.data()) + 63) & ~uintptr_t(63));
}

// One value repeated (registers of scalars and per-channel operands): with wide stores where the CPU
// has them, since this file is built for the baseline ISA (a row's first block of a per-channel
// operand fills up to 1024 values: as long as the block's arithmetic with 16-byte stores).
#if defined(__x86_64__) && defined(__linux__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
void repeat32(uint32_t v, int64_t n, uint32_t* d) { for (int64_t i = 0; i < n; ++i) d[i] = v; }
#if defined(__x86_64__) && defined(__linux__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
void repeat64(uint64_t v, int64_t n, uint64_t* d) { for (int64_t i = 0; i < n; ++i) d[i] = v; }

template <class E>
void gather(const char* base, int64_t stride, int64_t n, char* dst) {
  const E* s = reinterpret_cast<const E*>(base);
  E* d = reinterpret_cast<E*>(dst);
  if (n <= 0) return;  // an empty array's buffer may hold no element at all
  if (stride == 0) {
    if constexpr (sizeof(E) == 4) repeat32(*s, n, d);
    else if constexpr (sizeof(E) == 8) repeat64(*s, n, d);
    else { E v = *s; for (int64_t i = 0; i < n; ++i) d[i] = v; }
  } else {
    for (int64_t i = 0; i < n; ++i) d[i] = s[i * stride];
  }
}
template <class E>
void scatter(char* base, int64_t stride, int64_t n, const char* src) {
  E* d = reinterpret_cast<E*>(base);
  const E* s = reinterpret_cast<const E*>(src);
  for (int64_t i = 0; i < n; ++i) d[i * stride] = s[i];
}
void gather_any(size_t esz, const char* base, int64_t stride, int64_t n, char* dst) {
  switch (esz) {
    case 1: gather<uint8_t>(base, stride, n, dst); break;
    case 2: gather<uint16_t>(base, stride, n, dst); break;
    case 4: gather<uint32_t>(base, stride, n, dst); break;
    default: gather<uint64_t>(base, stride, n, dst);
  }
}
void scatter_any(size_t esz, char* base, int64_t stride, int64_t n, const char* src) {
  if (stride == 1) { std::memcpy(base, src, n * esz); return; }
  switch (esz) {
    case 1: scatter<uint8_t>(base, stride, n, src); break;
    case 2: scatter<uint16_t>(base, stride, n, src); break;
    case 4: scatter<uint32_t>(base, stride, n, src); break;
    default: scatter<uint64_t>(base, stride, n, src);
  }
}

// Walk the linear range [s, s+n) of `shape` in runs along the last dim: fn(element offset, run length, done).
template <class F>
void walk(const Shape& shape, const Shape& strides, int64_t s, int64_t n, F&& fn) {
  int D = static_cast<int>(shape.size());
  if (D == 0) { fn(int64_t(0), n, int64_t(0)); return; }
  int64_t idx[16], off = 0, rem = s;
  for (int d = D - 1; d >= 0; --d) {
    idx[d] = rem % shape[d];
    rem /= shape[d];
    off += idx[d] * strides[d];
  }
  int64_t done = 0;
  while (done < n) {
    int64_t run = std::min(n - done, shape[D - 1] - idx[D - 1]);
    fn(off, run, done);
    done += run;
    idx[D - 1] += run;
    off += run * strides[D - 1];
    for (int d = D - 1; d > 0 && idx[d] == shape[d]; --d) {
      off -= idx[d] * strides[d];
      idx[d] = 0;
      ++idx[d - 1];
      off += strides[d - 1];
    }
  }
}

char* resolve(const BufRef& r, const Bindings& b, const Plan& p) {
  switch (r.kind) {
    case BufRef::SLOT: return static_cast<char*>(b.slots[r.index]);
    case BufRef::KEPT: return static_cast<char*>(b.kept[r.index]);
    default: return b.arena + p.arena_offset[r.index];
  }
}

void fill(char* dst, const char* elem, size_t esz, int64_t n) { gather_any(esz, elem, 0, n, dst); }

// Evaluates one program over linear ranges of at most `block` elements (kBlock unless the caller
// gives its registers room for more).
class Evaluator {
 public:
  Evaluator(const Program& p, const Bindings& b, const Plan& plan, char* regs, int64_t block = kBlock)
      : p_(p), b_(b), regs_(regs), block_(block) {
    rp_.resize(p.nregs);
    held_.assign(p.nregs, nullptr);
    held_n_.assign(p.nregs, 0);
    std::vector<int> writers(p.nregs, 0);
    for (const Instr& in : p.code) ++writers[in.out];
    for (int w : writers) sole_.push_back(w == 1);
    for (auto& s : p.srcs) base_.push_back(resolve(s.buf, b, plan) + s.offset * static_cast<int64_t>(dtype_size(s.dt)));
    int64_t fill_n = std::min(block_, numel(p.shape));  // no block is longer than the iteration space
    for (const Instr& in : p.code)
      if (in.invariant) run(in, 0, fill_n, nullptr);
  }

  // Returns the block's values: a register, or the input itself when no copy is needed.
  const char* eval(int64_t s, int64_t n, char* direct_out) {
    locate(s, n);
    size_t last = p_.code.size() - 1;
    for (size_t i = 0; i < p_.code.size(); ++i) {
      const Instr& in = p_.code[i];
      if (in.invariant) continue;
      bool direct = direct_out && i == last && in.out == p_.result;
      run(in, s, n, direct ? direct_out : nullptr);
    }
    return static_cast<const char*>(rp_[p_.result]);
  }

  // A pointer to [s, s+n) of a program that is one contiguous load, or null.
  const char* contiguous(int64_t s, int64_t n) const {
    if (p_.code.size() != 1 || p_.code[0].kind != Instr::LOAD) return nullptr;
    const Source& src = p_.srcs[p_.code[0].arg];
    if (!(src.strides.size() == 1 && src.strides[0] == 1)) return nullptr;
    return base_[p_.code[0].arg] + s * static_cast<int64_t>(dtype_size(src.dt));
  }

 private:
  void run(const Instr& in, int64_t s, int64_t n, char* direct) {
    char* w = direct ? direct : regs_ + static_cast<size_t>(in.out) * block_ * 8;
    switch (in.kind) {
      case Instr::LOAD: {
        const Source& src = p_.srcs[in.arg];
        size_t esz = dtype_size(src.dt);
        const char* base = base_[in.arg];
        const Shape& sh = p_.shape;
        int D = static_cast<int>(sh.size());
        if (in.invariant) {  // every stride is 0: one element, repeated
          fill(w, base, esz, n);
          break;
        }
        const char* held = held_[in.out];
        held_[in.out] = nullptr;
        if (!direct && D >= 1 && (src.strides[D - 1] & ~int64_t(1)) == 0 && idx_[D - 1] + n <= sh[D - 1]) {
          int64_t off = 0;  // the block lies in one run of the last dim
          for (int d = 0; d < D; ++d) off += idx_[d] * src.strides[d];
          const char* at = base + off * static_cast<int64_t>(esz);
          if (src.strides[D - 1] == 1) {  // contiguous there: read it in place
            rp_[in.out] = at;
            return;
          }
          // constant along it (a per-channel operand): one element repeated, which the register
          // may still hold from the previous block (a run is usually many blocks long) when no
          // other instruction writes it
          if (!sole_[in.out] || held != at || held_n_[in.out] < n) {
            fill(w, at, esz, n);
            held_n_[in.out] = n;
          }
          held_[in.out] = at;
          rp_[in.out] = w;
          return;
        }
        walk(sh, src.strides, s, n, [&](int64_t off, int64_t run, int64_t done) {
          gather_any(esz, base + off * static_cast<int64_t>(esz), src.strides.empty() ? 0 : src.strides[D - 1], run, w + done * esz);
        });
        break;
      }
      case Instr::SCALAR: {
        char elem[8];
        scalar_to_bytes(b_.scalars[in.arg], in.dt, elem);
        fill(w, elem, dtype_size(in.dt), n);
        break;
      }
      case Instr::UNARY: reinterpret_cast<UnaryFn>(in.fn)(rp_[in.a], w, n); break;
      case Instr::CAST: reinterpret_cast<CastFn>(in.fn)(rp_[in.a], w, n); break;
      case Instr::BINARY: reinterpret_cast<BinaryFn>(in.fn)(rp_[in.a], rp_[in.b], w, n); break;
      case Instr::WHERE:
      case Instr::MULADD: reinterpret_cast<WhereFn>(in.fn)(rp_[in.a], rp_[in.b], rp_[in.c], w, n); break;
    }
    rp_[in.out] = w;
  }

  // idx_ = the multi-index of element s of the iteration space; blocks usually come in order, so it
  // is advanced from the previous block's (no divisions but at a carry), not recomputed
  void locate(int64_t s, int64_t n) {
    const Shape& sh = p_.shape;
    const int D = static_cast<int>(sh.size());
    if (D == 0) return;
    if (s == next_s_) {
      idx_[D - 1] += last_n_;
      for (int d = D - 1; d > 0 && idx_[d] >= sh[d]; --d) {
        idx_[d - 1] += idx_[d] / sh[d];
        idx_[d] %= sh[d];
      }
    } else {
      for (int64_t d = D - 1, rem = s; d >= 0; --d) {
        idx_[d] = rem % sh[d];
        rem /= sh[d];
      }
    }
    next_s_ = s + n;
    last_n_ = n;
  }

  const Program& p_;
  const Bindings& b_;
  char* regs_;
  int64_t block_;
  int64_t idx_[16] = {}, next_s_ = -1, last_n_ = 0;
  std::vector<const void*> rp_;
  std::vector<const char*> base_;
  std::vector<const char*> held_;  // per register: the element it holds held_n_ copies of, or null
  std::vector<int64_t> held_n_;
  std::vector<char> sole_;  // per register: written by one instruction only
};

size_t regs_bytes(const Program& p, int64_t block = kBlock) { return static_cast<size_t>(p.nregs) * block * 8; }

// An elementwise kernel's block. A program of loads and arithmetic spends as long walking through
// itself per block (index, loads, dispatch) as on 128 elements of arithmetic: it gets blocks as long
// as its registers allow within ~24 KiB of L1 (up to 1024 elements). One with a unary function
// (exp, tanh, ...) keeps kBlock: its arithmetic dominates, and it measured 20% slower at 768.
int64_t ew_block(const Program& p) {
  for (const Instr& in : p.code)
    if (in.kind == Instr::UNARY) return kBlock;
  return std::clamp<int64_t>(int64_t(24 << 10) / (std::max(p.nregs, 1) * 8) / kBlock * kBlock, kBlock, 8 * kBlock);
}

// Copy [s, s+n) of a program's value into dst.
void eval_into(Evaluator& ev, const Program& p, int64_t s, int64_t n, char* dst) {
  size_t esz = dtype_size(p.dt);
  for (int64_t j = 0; j < n; j += kBlock) {
    int64_t m = std::min(kBlock, n - j);
    std::memcpy(dst + j * esz, ev.eval(s + j, m, nullptr), m * esz);
  }
}

void run_ew(const Kernel& k, const Plan& plan, const Bindings& b) {
  const Program& p = k.prog;
  int64_t total = numel(p.shape);
  size_t esz = dtype_size(k.out_dt);
  char* out = resolve(k.out, b, plan) + k.out_offset * static_cast<int64_t>(esz);
  bool contiguous = is_contiguous(p.shape, k.out_strides);  // row-major: block [s, s+n) is out[s, s+n)
  const int64_t block = ew_block(p);
  // Blocks do not straddle rows of the last dim when rows are a block long or more: a block within
  // one row reads each operand in place or as one repeated element (a per-channel operand), where a
  // straddling one walks every operand element by element.
  const int64_t L = p.shape.empty() ? total : p.shape.back();
  const int64_t per_row = p.shape.size() >= 2 && L >= block ? (L + block - 1) / block : 0;  // 0: linear blocks
  int64_t nblocks = per_row ? total / L * per_row : (total + block - 1) / block;
  parallel_for(nblocks, std::max<int64_t>(1, kGrainElems / block), [&](int64_t b0, int64_t b1, int) {
    Evaluator ev(p, b, plan, scratch(regs_bytes(p, block)), block);
    for (int64_t blk = b0; blk < b1; ++blk) {
      int64_t s, n;
      if (per_row) {
        const int64_t j = blk % per_row * block;
        s = blk / per_row * L + j;
        n = std::min(block, L - j);
      } else {
        s = blk * block;
        n = std::min(block, total - s);
      }
      char* dst = contiguous ? out + s * static_cast<int64_t>(esz) : nullptr;
      const char* r = ev.eval(s, n, dst);
      if (contiguous) {
        if (r != dst) std::memcpy(dst, r, n * esz);
      } else {
        walk(p.shape, k.out_strides, s, n, [&](int64_t off, int64_t run, int64_t done) {
          scatter_any(esz, out + off * static_cast<int64_t>(esz), k.out_strides.back(), run, r + done * esz);
        });
      }
    }
  });
}

void run_reduce(const Kernel& k, const Plan& plan, const Bindings& b) {
  const KernelTable& kt = kernels();
  const Program& p = k.prog;
  int ri = reduce_index(k.op), d = static_cast<int>(p.dt);
  bool arg = k.op == Op::RARGMAX || k.op == Op::RARGMIN;
  int ai = k.op == Op::RARGMAX ? 0 : 1;
  size_t esz = dtype_size(p.dt), osz = dtype_size(k.out_dt);
  char* out = resolve(k.out, b, plan);
  int64_t O = k.outer, R = k.inner;
  if (k.reduce_outer) {  // kept dims inside: fold whole rows into a vector of accumulators
    // a program that is one contiguous load is read in place, in wider chunks than a block
    bool direct = Evaluator(p, b, plan, scratch(regs_bytes(p))).contiguous(0, 1) != nullptr;
    const int64_t chunk = direct ? 4 * kBlock * 8 : kBlock;
    int64_t nchunks = (O + chunk - 1) / chunk;
    parallel_for(nchunks, std::max<int64_t>(1, kGrainElems / std::max<int64_t>(R * chunk, 1)), [&](int64_t c0, int64_t c1, int) {
      char* regs = scratch(regs_bytes(p) + chunk * 16);
      char* acc = regs + regs_bytes(p);
      int64_t* idx = reinterpret_cast<int64_t*>(acc + chunk * 8);
      Evaluator ev(p, b, plan, regs);
      for (int64_t c = c0; c < c1; ++c) {
        int64_t k0 = c * chunk, n = std::min(chunk, O - k0);
        if (arg) std::fill(idx, idx + n, -1);
        else kt.rvinit[ri][d](acc, n);
        for (int64_t r = 0; r < R; ++r) {
          const char* x = direct ? ev.contiguous(r * O + k0, n) : ev.eval(r * O + k0, n, nullptr);
          if (arg) kt.argvec[ai][d](x, n, r, acc, idx);
          else kt.rvec[ri][d](x, n, acc);
        }
        if (arg) std::memcpy(out + k0 * 8, idx, n * 8);
        else kt.rvfinish[ri][d](acc, out + k0 * static_cast<int64_t>(osz), n);
      }
    });
    return;
  }
  // reduced dims inside: each output folds one contiguous range of the iteration space
  auto fold = [&](Evaluator& ev, int64_t s, int64_t n, char* acc, int64_t* idx, int64_t base) {
    if (const char* x = ev.contiguous(s, n)) {  // one contiguous load: fold it in place
      constexpr int64_t kFold = 2048;  // float partial sums stay short; the accumulator is double
      for (int64_t j = 0; j < n; j += kFold) {
        int64_t m = std::min(kFold, n - j);
        if (arg) kt.argblock[ai][d](x + j * static_cast<int64_t>(esz), m, base + j, acc, idx);
        else kt.rblock[ri][d](x + j * static_cast<int64_t>(esz), m, acc);
      }
      return;
    }
    for (int64_t j = 0; j < n; j += kBlock) {
      int64_t m = std::min(kBlock, n - j);
      const char* x = ev.eval(s + j, m, nullptr);
      if (arg) kt.argblock[ai][d](x, m, base + j, acc, idx);
      else kt.rblock[ri][d](x, m, acc);
    }
  };
  if (O >= 8 || R < 8 * kGrainElems) {  // not num_threads(): the path must not depend on it
    parallel_for(O, std::max<int64_t>(1, kGrainElems / std::max<int64_t>(R, 1)), [&](int64_t o0, int64_t o1, int) {
      Evaluator ev(p, b, plan, scratch(regs_bytes(p)));
      for (int64_t o = o0; o < o1; ++o) {
        alignas(8) char acc[8];
        int64_t idx = -1;
        if (!arg) kt.rinit[ri][d](acc, 1);
        fold(ev, o * R, R, acc, &idx, 0);
        if (arg) std::memcpy(out + o * 8, &idx, 8);
        else kt.rfinish[ri][d](acc, out + o * static_cast<int64_t>(osz), 1);
      }
    });
    return;
  }
  // few long ranges: fold fixed-size chunks in parallel, then the chunks' results in order. The
  // chunking does not depend on the thread count, so results are the same on any number of threads.
  constexpr int64_t kChunk = 4 * kGrainElems;
  int64_t nchunks = (R + kChunk - 1) / kChunk;
  std::vector<char> part_val(static_cast<size_t>(nchunks) * esz);
  std::vector<int64_t> part_idx(nchunks, -1);
  for (int64_t o = 0; o < O; ++o) {
    parallel_for(nchunks, 1, [&](int64_t c0, int64_t c1, int) {
      Evaluator ev(p, b, plan, scratch(regs_bytes(p)));
      for (int64_t c = c0; c < c1; ++c) {
        int64_t r0 = c * kChunk, r1 = std::min(R, r0 + kChunk);
        alignas(8) char acc[8];
        int64_t idx = -1;
        if (!arg) kt.rinit[ri][d](acc, 1);
        fold(ev, o * R + r0, r1 - r0, acc, &idx, r0);
        if (arg) { std::memcpy(&part_val[c * esz], acc, esz); part_idx[c] = idx; }
        else kt.rfinish[ri][d](acc, &part_val[c * esz], 1);
      }
    });
    if (arg) {
      alignas(8) char best[8];
      int64_t which = -1;
      kt.argblock[ai][d](part_val.data(), nchunks, 0, best, &which);
      std::memcpy(out + o * 8, &part_idx[which], 8);
    } else {
      alignas(8) char acc[8];
      kt.rinit[ri][d](acc, 1);
      kt.rblock[ri][d](part_val.data(), nchunks, acc);
      kt.rfinish[ri][d](acc, out + o * static_cast<int64_t>(osz), 1);
    }
  }
}

void run_scan(const Kernel& k, const Plan& plan, const Bindings& b) {
  const Program& p = k.prog;
  int si = k.op == Op::CUMSUM ? 0 : 1, d = static_cast<int>(p.dt);
  size_t esz = dtype_size(p.dt);
  char* out = resolve(k.out, b, plan);
  int64_t C = k.inner;
  parallel_for(k.outer, std::max<int64_t>(1, kGrainElems / std::max<int64_t>(C, 1)), [&](int64_t r0, int64_t r1, int) {
    char* regs = scratch(regs_bytes(p) + 2 * C * esz + 128);
    char* row = regs + regs_bytes(p);
    char* res = row + ((C * esz + 63) / 64) * 64;
    Evaluator ev(p, b, plan, regs);
    for (int64_t r = r0; r < r1; ++r) {
      eval_into(ev, p, r * C, C, row);
      kernels().scan[si][d](row, res, C);
      walk(p.shape, k.out_strides, r * C, C, [&](int64_t off, int64_t run, int64_t done) {
        scatter_any(esz, out + off * static_cast<int64_t>(esz), k.out_strides.empty() ? 1 : k.out_strides.back(), run, res + done * esz);
      });
    }
  });
}

void run_row(const Kernel& k, const Plan& plan, const Bindings& b) {
  const Program& p = k.prog;
  int fi = static_cast<int>(k.op) - static_cast<int>(Op::SOFTMAX), d = static_cast<int>(p.dt);
  size_t esz = dtype_size(p.dt);
  char* out = resolve(k.out, b, plan);
  int64_t C = k.inner;
  size_t row_bytes = ((C * esz + 63) / 64) * 64;
  size_t extra_regs = 0;
  for (auto& e : k.extra) extra_regs = std::max(extra_regs, regs_bytes(e));
  parallel_for(k.outer, std::max<int64_t>(1, kGrainElems / std::max<int64_t>(C, 1)), [&](int64_t r0, int64_t r1, int) {
    char* regs = scratch(regs_bytes(p) + extra_regs + 3 * row_bytes);
    char* row = regs + regs_bytes(p) + extra_regs;
    char* wb[2] = {nullptr, nullptr};
    for (size_t i = 0; i < k.extra.size(); ++i) {
      wb[i] = row + (i + 1) * row_bytes;
      Evaluator ew(k.extra[i], b, plan, regs + regs_bytes(p));
      eval_into(ew, k.extra[i], 0, C, wb[i]);
    }
    Evaluator ev(p, b, plan, regs);
    for (int64_t r = r0; r < r1;) {
      int64_t m = std::min(kMaxRows, r1 - r);  // rows read in place go several at a time
      const char* x = ev.contiguous(r * C, m * C);
      if (!x) { m = 1; eval_into(ev, p, r * C, C, row); x = row; }
      kernels().row[fi][d](x, wb[0], wb[1], out + r * C * static_cast<int64_t>(esz), m, C, k.eps);
      r += m;
    }
  });
}

// The fused consumer of a dense kernel, run in place over finished ranges of its output.
struct EpilogueCtx {
  const Program* p;
  const Bindings* b;
  const Plan* plan;
  char* out;
  size_t esz;
  static void fn(void* ctx, int64_t s, int64_t n) {
    auto* e = static_cast<EpilogueCtx*>(ctx);
    Evaluator ev(*e->p, *e->b, *e->plan, scratch(regs_bytes(*e->p)));
    for (int64_t j = 0; j < n; j += kBlock) {
      int64_t m = std::min(kBlock, n - j);
      char* dst = e->out + (s + j) * static_cast<int64_t>(e->esz);
      const char* r = ev.eval(s + j, m, dst);
      if (r != dst) std::memmove(dst, r, m * e->esz);
    }
  }
};

void run_dense(const Kernel& k, const Plan& plan, const Bindings& b) {
  std::vector<DenseIn> in;
  for (size_t i = 0; i < k.ins.size(); ++i) {
    const Source& s = k.ins[i];
    in.push_back(DenseIn{resolve(s.buf, b, plan) + s.offset * static_cast<int64_t>(dtype_size(s.dt)), s.dt, k.in_shapes[i], s.strides});
  }
  DenseOut out{resolve(k.out, b, plan), k.out_dt, k.out_shape};
  EpilogueCtx ctx{&k.prog, &b, &plan, out.data, dtype_size(k.out_dt)};
  DenseEpilogue ep{&EpilogueCtx::fn, &ctx};
  DenseAffine affine;
  if (k.has_epilogue) {
    std::vector<const char*> base;
    for (auto& s : k.prog.srcs) base.push_back(resolve(s.buf, b, plan) + s.offset * static_cast<int64_t>(dtype_size(s.dt)));
    if (match_affine(k.prog, k.out, base, b.scalars, &affine)) ep.affine = &affine;
  }
  dense_fn(k.op)(k.args, in, out, k.has_epilogue ? &ep : nullptr);
}

}  // namespace

void execute(const Plan& plan, const Bindings& b) {
  for (const Kernel& k : plan.kernels) {
    switch (k.kind) {
      case Kernel::EW: run_ew(k, plan, b); break;
      case Kernel::REDUCE: run_reduce(k, plan, b); break;
      case Kernel::SCAN: run_scan(k, plan, b); break;
      case Kernel::ROW: run_row(k, plan, b); break;
      case Kernel::DENSE: run_dense(k, plan, b); break;
    }
  }
}

}  // namespace mnnx
