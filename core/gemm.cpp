// The GEMM driver (Goto/BLIS loop nest): for each nc-wide block of columns and kc-deep slice of K,
// pack B once (shared), then the threads take (row block, column range) tasks, pack their A block
// and run micro-kernels with B's micro-panel in L1 and A's block in L2.
#include "core/gemm.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>

#include "core/allocator.h"
#include "core/dense.h"
#include "core/threadpool.h"
#include "core/vm.h"

namespace mnnx {

namespace {

// Depth of a float32 slice (float64: half, the same bytes): the B micro-panel (kc x nr) sits in L2
// next to the A block. Measured on Zen 4, fewer, deeper slices (fewer passes over C) beat an
// L1-sized micro-panel: SGEMM 210 vs 195 GFLOP/s at n = 1024; float64 at kc = 512 beat 1024 by ~2%
// (its A block and B micro-panel then leave a quarter of L2 free).
constexpr int64_t kKC = 1024;
constexpr int64_t kMC = 192;   // rows of a packed A block (kMC x kc: 768 KiB of the 1 MiB L2)
constexpr int64_t kNC = 3072;  // columns of a packed B block (in L3)


struct PackBuf {  // a packed block, in huge pages where the kernel grants them
  void* p = nullptr;
  size_t n = 0;
  explicit PackBuf(size_t bytes) : p(pool_alloc_huge(bytes)), n(bytes) {}
  ~PackBuf() { pool_free_huge(p, n); }
};

template <class T>
void pack_a(const GemmMicro& mk, const T* A, int64_t rsa, int64_t csa, int64_t i0, int64_t mc, int64_t k0, int64_t kc, int mr,
            bool neg, T* dst) {
  T* const first = dst;
  for (int64_t ip = 0; ip < mc; ip += mr) {
    int64_t m = std::min<int64_t>(mr, mc - ip);
    if (m == mr && csa == 1) {  // whole row panel of a row-major A: the per-ISA transpose
      mk.pack_a(A + (i0 + ip) * rsa + k0, rsa, kc, dst);
      dst += kc * mr;
      continue;
    }
    for (int64_t i = 0; i < m; ++i) {
      const T* src = A + (i0 + ip + i) * rsa + k0 * csa;
      T* d = dst + i;
      if (csa == 1) for (int64_t k = 0; k < kc; ++k) d[k * mr] = src[k];
      else for (int64_t k = 0; k < kc; ++k) d[k * mr] = src[k * csa];
    }
    for (int64_t i = m; i < mr; ++i)
      for (int64_t k = 0; k < kc; ++k) dst[k * mr + i] = T(0);
    dst += kc * mr;
  }
  if (neg)  // negating while the block is in cache costs nothing next to the GEMM
    for (T* p = first; p < dst; ++p) *p = -*p;
}

template <class T>
void pack_b_t(const GemmMicro& mk, const T* B, int64_t rsb, int64_t csb, int64_t N, int64_t k0, int64_t kc, int64_t j0,
              int64_t nc, T* dst) {
  const int nr = mk.nr;
  for (int64_t jp = 0; jp < nc; jp += nr) {
    int64_t n = std::min<int64_t>(nr, N - (j0 + jp));
    n = std::max<int64_t>(0, std::min<int64_t>(n, nc - jp));
    const T* src = B + k0 * rsb + (j0 + jp) * csb;
    if (n == nr && csb == 1) {  // a whole panel of a row-major B: the per-ISA vector copy
      mk.pack_b(src, rsb, kc, dst);
      dst += kc * nr;
      continue;
    }
    for (int64_t k = 0; k < kc; ++k) {
      T* d = dst + k * nr;
      const T* s = src + k * rsb;
      for (int64_t j = 0; j < n; ++j) d[j] = s[j * csb];
      for (int64_t j = n; j < nr; ++j) d[j] = T(0);
    }
    dst += kc * nr;
  }
}

template <class T>
void run(const GemmArgs& g, bool threaded) {
  const GemmMicro* mks = kernels().gemm[std::is_same_v<T, float> ? 0 : 1];
  auto waste = [&](int mr) { return (g.M + mr - 1) / mr * mr - g.M; };
  const GemmMicro& mk = waste(mks[1].mr) * mks[0].mr < waste(mks[0].mr) * mks[1].mr ? mks[1] : mks[0];
  const int mr = mk.mr, nr = mk.nr;
  const int64_t M = g.M, N = g.N, K = g.K;
  const T* A = static_cast<const T*>(g.A);
  T* C = static_cast<T*>(g.C);
  if (M == 0 || N == 0) return;
  const GemmAffine* af = g.accumulate ? nullptr : g.affine;
  const GemmEpilogue* ep = af ? nullptr : g.ep;
  if (K == 0) {  // an empty sum: zeros (or C unchanged)
    if (!g.accumulate)
      for (int64_t i = 0; i < M; ++i) std::fill(C + i * g.ldc, C + i * g.ldc + N, T(0));
    if (af)
      for (int64_t i = 0; i < M; ++i)
        for (int64_t j = 0; j < N; ++j) {
          T t = C[i * g.ldc + j];
          if (af->row) t += static_cast<const T*>(af->row)[i * af->row_stride];
          if (af->col) t += static_cast<const T*>(af->col)[j * af->col_stride];
          t = t < T(af->lo) ? T(af->lo) : t;
          C[i * g.ldc + j] = t > T(af->hi) ? T(af->hi) : t;
        }
    if (ep) ep->fn(ep->ctx, 0, M, 0, N);
    return;
  }
  int nt = threaded ? num_threads() : 1;
  // row blocks: at least one per thread when there are rows enough, each a multiple of mr
  int64_t mblocks = std::max<int64_t>((M + kMC - 1) / kMC, std::min<int64_t>(nt, (M + mr - 1) / mr));
  if (mblocks > nt) mblocks = (mblocks + nt - 1) / nt * nt;  // whole rounds: no thread idles at the end
  // blocks of whole row panels, their counts differing by at most one (equal-rows-then-a-short-one
  // left one thread 3% more work at n = 1024 and 2048)
  const int64_t rpanels = (M + mr - 1) / mr;
  mblocks = std::min(mblocks, rpanels);
  const int64_t mc = (rpanels + mblocks - 1) / mblocks * mr;  // the largest block
  auto block_row = [&](int64_t ib) { return std::min(M, ib * rpanels / mblocks * mr); };
  int64_t nc_max = std::min<int64_t>(kNC, (N + nr - 1) / nr * nr);
  const int64_t kcl = kKC * 4 / int64_t(sizeof(T));  // float64: half as deep, the same bytes per packed row
  int64_t kc_max = (K + (K + kcl - 1) / kcl - 1) / ((K + kcl - 1) / kcl);  // equal slices: no thin last one
  PackBuf bbuf(static_cast<size_t>(kc_max) * nc_max * sizeof(T));
  std::unique_ptr<std::atomic<int>[]> ready(new std::atomic<int>[(nc_max + nr - 1) / nr]);  // 0 unpacked, 1 packing, 2 packed
  T* Bp = static_cast<T*>(bbuf.p);
  size_t abytes = static_cast<size_t>(mc) * kc_max * sizeof(T);
  for (int64_t j0 = 0; j0 < N; j0 += nc_max) {
    int64_t nc = std::min(nc_max, N - j0);
    int64_t npanels = (nc + nr - 1) / nr;
    // column ranges per row block: enough tasks to keep every thread busy
    int64_t nsplit = std::min<int64_t>(npanels, std::max<int64_t>(1, (nt + mblocks - 1) / mblocks));
    int64_t panels_per = (npanels + nsplit - 1) / nsplit;
    for (int64_t k0 = 0; k0 < K; k0 += kc_max) {
      int64_t kc = std::min(kc_max, K - k0);
      bool acc = g.accumulate || k0 > 0, last = k0 + kc == K;
      auto pack = [&](int64_t p0, int64_t p1, int) {
        for (int64_t p = p0; p < p1; ++p) {
          int64_t jj = p * nr, w = std::min<int64_t>(nr, nc - jj);
          if (g.pack_b) g.pack_b(g.pack_ctx, k0, kc, j0 + jj, w, nr, Bp + p * kc * nr);
          else pack_b_t<T>(mk, static_cast<const T*>(g.B), g.rsb, g.csb, N, k0, kc, j0 + jj, w, Bp + p * kc * nr);
        }
      };
      const T* prepacked = static_cast<const T*>(g.b_packed);
      // B's panels are packed on demand by the first task to need each (the others wait for it or
      // find it done), so packing and multiplying share one dispatch; the first round's tasks start
      // evenly spaced (thread t at panel t * cnt / nt), so each thread packs an equal share and
      // nobody waits (spacing by row block instead left one thread packing 3/4 of B at n = 512)
      // ... except a large block (over 2^20 elements of B), which the threads pack together first and
      // then walk in one order (at n = 2048 this was up to 2% faster than packing on demand)
      const bool upfront = !prepacked && nt > 1 && kc * nc > (int64_t(1) << 20);
      if (upfront) parallel_for(npanels, 1, pack);
      for (int64_t p = 0; p < npanels; ++p) ready[p].store(prepacked || upfront ? 2 : 0, std::memory_order_relaxed);
      auto panel = [&](int64_t p) -> const T* {
        if (prepacked) return prepacked + (j0 / nr + p) * K * nr + k0 * nr;
        int st = ready[p].load(std::memory_order_acquire), zero = 0;
        if (st != 2 && ready[p].compare_exchange_strong(zero, 1, std::memory_order_acq_rel)) {
          pack(p, p + 1, 0);
          ready[p].store(2, std::memory_order_release);
        } else {
          while (ready[p].load(std::memory_order_acquire) != 2) cpu_relax();
        }
        return Bp + p * kc * nr;
      };
      // Tasks are (row block, column range) pairs taken in turn; within a task the panels are claimed
      // one at a time, so a thread that runs out of tasks joins the task with the most panels left
      // (packing its A block too) instead of idling while a slower thread finishes: on these VMs
      // one vCPU often runs slower than the other for a while.
      const int64_t ntasks = mblocks * nsplit;
      // per task: panels claimed, and panels finished (the thread finishing the last one runs the
      // epilogue over the whole task at once: it costs per call, a row at a time on partial rows)
      std::unique_ptr<std::atomic<int64_t>[]> claimed(new std::atomic<int64_t>[2 * ntasks]);
      std::atomic<int64_t>* finished = claimed.get() + ntasks;
      for (int64_t t = 0; t < 2 * ntasks; ++t) claimed[t].store(0, std::memory_order_relaxed);
      std::atomic<int64_t> next_task{0};
      auto span = [&](int64_t t, int64_t* pbeg) {  // panels [pbeg, pbeg + count) of task t
        *pbeg = t % nsplit * panels_per;
        return std::max<int64_t>(0, std::min(npanels, *pbeg + panels_per) - *pbeg);
      };
      auto worker = [&](int64_t, int64_t, int) {
        thread_local std::unique_ptr<PackBuf> abuf;  // this thread's packed A block, kept
        if (!abuf || abuf->n < abytes) abuf = std::make_unique<PackBuf>(abytes);
        T* Ap = static_cast<T*>(abuf->p);
        alignas(64) T edge[16 * 64];
        alignas(64) T rowb[16], colb[64];  // the tile's biases (af), zero-padded
        GemmTileEpi te{rowb, colb, af ? af->lo : 0, af ? af->hi : 0};
        const GemmTileEpi* tep = af && last ? &te : nullptr;
        int64_t packed_block = -1;
        for (;;) {
          int64_t t = next_task.fetch_add(1, std::memory_order_relaxed);
          if (t >= ntasks) {  // none left to start: help the one with the most panels unclaimed
            int64_t most = 1, pb;  // joining costs an A block's packing: worth it for 2 panels or more
            t = -1;
            for (int64_t u = 0; u < ntasks; ++u) {
              int64_t left = span(u, &pb) - claimed[u].load(std::memory_order_relaxed);
              if (left > most) { most = left; t = u; }
            }
            if (t < 0) return;
          }
          int64_t pbeg, cnt = span(t, &pbeg);
          const int64_t ib = t / nsplit, i0 = block_row(ib), m = block_row(ib + 1) - i0;
          const int64_t rot = prepacked || upfront ? 0 : (ib % nt) * cnt / nt;
          for (int64_t q; (q = claimed[t].fetch_add(1, std::memory_order_relaxed)) < cnt;) {
            if (packed_block != ib) { pack_a<T>(mk, A, g.rsa, g.csa, i0, m, k0, kc, mr, g.negate, Ap); packed_block = ib; }
            const int64_t p = pbeg + (q + rot) % cnt;
            int64_t jj = p * nr, w = std::min<int64_t>(nr, nc - jj);
            const T* bp = panel(p);
            if (tep) {
              const T* cb = static_cast<const T*>(af->col);
              for (int64_t j = 0; j < nr; ++j) colb[j] = cb && j < w ? cb[(j0 + jj + j) * af->col_stride] : T(0);
            }
            for (int64_t ip = 0; ip < m; ip += mr) {
              int64_t h = std::min<int64_t>(mr, m - ip);
              T* c = C + (i0 + ip) * g.ldc + j0 + jj;
              const T* ap = Ap + ip * kc;
              if (tep) {
                const T* rb = static_cast<const T*>(af->row);
                for (int64_t i = 0; i < mr; ++i) rowb[i] = rb && i < h ? rb[(i0 + ip + i) * af->row_stride] : T(0);
              }
              if (h == mr && w == nr) {
                mk.fn(kc, ap, bp, c, g.ldc, acc, tep);
              } else if (!acc) {  // partial tile: compute in a scratch tile, then copy the valid part
                mk.fn(kc, ap, bp, edge, nr, false, tep);
                for (int64_t i = 0; i < h; ++i)
                  for (int64_t j = 0; j < w; ++j) c[i * g.ldc + j] = edge[i * nr + j];
              } else {  // ... adding the part of C computed so far first
                for (int64_t i = 0; i < h; ++i)
                  for (int64_t j = 0; j < w; ++j) edge[i * nr + j] = c[i * g.ldc + j];
                mk.fn(kc, ap, bp, edge, nr, true, tep);
                for (int64_t i = 0; i < h; ++i)
                  for (int64_t j = 0; j < w; ++j) c[i * g.ldc + j] = edge[i * nr + j];
              }
            }
            if (last && ep && finished[t].fetch_add(1, std::memory_order_acq_rel) + 1 == cnt)
              ep->fn(ep->ctx, i0, m, j0 + pbeg * nr, std::min(nc, (pbeg + cnt) * nr) - pbeg * nr);
          }
        }
      };
      if (nt > 1 && ntasks * npanels > 1) parallel_for(nt, 1, worker);
      else worker(0, 1, 0);
    }
  }
}

}  // namespace

bool gemm_affine(const DenseAffine& a, DType dt, int64_t base, int64_t M, int64_t N, GemmAffine* g) {
  *g = GemmAffine{};
  g->lo = a.lo;
  g->hi = a.hi;
  if (!a.bias) return true;
  if (a.count == 1) {  // one value everywhere
    g->row = a.bias;
    return true;
  }
  if (a.inner == N && base % N == 0 && (base / N) % a.count + M <= a.count) {  // one value per row
    g->row = static_cast<const char*>(a.bias) + (base / N) % a.count * a.stride * static_cast<int64_t>(dtype_size(dt));
    g->row_stride = a.stride;
    return true;
  }
  if (a.inner == 1 && a.count == N && base % N == 0) {  // one value per column
    g->col = a.bias;
    g->col_stride = a.stride;
    return true;
  }
  return false;
}

int gemm_nr(DType dt) { return kernels().gemm[dt == DType::FLOAT32 ? 0 : 1][0].nr; }

void gemm(const GemmArgs& g, bool threaded) {
  if (g.dt == DType::FLOAT32) run<float>(g, threaded);
  else run<double>(g, threaded);
}

}  // namespace mnnx
