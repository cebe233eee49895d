// Winograd convolution for 3x3 stride-1 convolutions. F(4x4, 3x3) computes each 4x4 output block
// from a 6x6 input tile with 36 multiplies per (input, output) channel pair where direct
// convolution needs 144 (4x fewer); F(2x2, 3x3) uses 16 for 36 (2.25x) and wastes less on small
// images, where 4x4 blocks hang past the edge and leave the GEMMs' tile panels half empty. A cost
// estimate (winograd_tile) picks F(4x4), F(2x2) or im2col + GEMM per shape.
//
// Each thread takes blocks of whole tile rows and runs every step on its block alone, so the
// transformed data stays in its L2 and no step waits for the other threads:
//   1. input transform, written straight in the GEMM micro-kernel's packed-B layout (nr-wide tile
//      panels of all C rows), one matrix V_k per tile element k;
//   2. the a*a products M_k = U_k V_k by the micro-kernel, U_k (O x C) transformed and packed
//      once per call;
//   3. output transform into the output rows, then the fused epilogue on those rows.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <type_traits>
#include <vector>

#include "core/allocator.h"
#include "core/dense.h"
#include "core/gemm.h"
#include "core/threadpool.h"
#include "core/vm.h"
#include "nn/conv.h"

namespace mnnx {

namespace {

// V and M of one block: kept within the 1 MiB L2 next to the micro-kernel's working set
constexpr size_t kBlockBytes = 768 << 10;

template <class T>
struct Buf {
  T* p;
  size_t n;
  explicit Buf(size_t count) : p(static_cast<T*>(pool_alloc(count * sizeof(T)))), n(count * sizeof(T)) {}
  ~Buf() { pool_free(p, n); }
};

// U_k = (G g G^T)[k] for every (o, c) in the micro-kernel's packed-A layout: panels of mr output
// channels, C steps of mr values each, zero rows past O; U_k are uk apart. A panel's kernels are
// contiguous in that layout, so they go through the transform together, one per lane.
template <class T, int m>
void transform_weights(const DenseIn& w, int64_t O, int64_t C, int mr, int64_t uk, T* U) {
  const T* Wt = reinterpret_cast<const T*>(w.data);
  const WinoWeightsFn fn = kernels().wino_weights[m == 4 ? 1 : 0][std::is_same_v<T, float> ? 0 : 1];
  const int64_t n = C * mr, gs = (n + 63) / 64 * 64;  // lanes, and the kernel's readable stride
  parallel_for((O + mr - 1) / mr, 1, [&](int64_t p0, int64_t p1, int) {
    std::vector<T> g(9 * gs, T(0));
    for (int64_t ip = p0; ip < p1; ++ip) {
      for (int64_t c = 0; c < C; ++c)
        for (int l = 0; l < mr; ++l) {
          const int64_t o = ip * mr + l;
          for (int e = 0; e < 9; ++e)
            g[e * gs + c * mr + l] = o < O ? Wt[o * w.strides[0] + c * w.strides[1] + e / 3 * w.strides[2] + e % 3 * w.strides[3]] : T(0);
        }
      fn(g.data(), gs, n, U + ip * n, uk);
    }
  });
}

// How a convolution is cut up for F(m x m, 3x3): the micro-kernel, and blocks of whole tile rows
// (so the epilogue runs on whole output rows). A block holds at most what fits the budget, and
// there is at least one block per thread; among those row counts, the one whose tiles fill the
// nr-wide panels best (padding tiles cost as much as real ones).
struct Plan {
  const GemmMicro* mk;
  int64_t a, K, TH, TW, Opad, rows_per, bpad, nblocks, padded_tiles;
};

Plan plan(int m, int64_t N, int64_t C, int64_t O, int64_t OH, int64_t OW, DType dt) {
  Plan p;
  p.a = m + 2;
  p.K = p.a * p.a;
  p.TH = (OH + m - 1) / m;
  p.TW = (OW + m - 1) / m;
  // the micro-kernel height that wastes fewer rows of O (as the GEMM driver chooses)
  const GemmMicro* mks = kernels().gemm[dt == DType::FLOAT32 ? 0 : 1];
  auto waste = [&](int mr) { return (O + mr - 1) / mr * mr - O; };
  p.mk = waste(mks[1].mr) * mks[0].mr < waste(mks[0].mr) * mks[1].mr ? &mks[1] : &mks[0];
  const int64_t mr = p.mk->mr, nr = p.mk->nr;
  p.Opad = (O + mr - 1) / mr * mr;
  const int64_t total_rows = N * p.TH, nt = num_threads();
  const int64_t fit = static_cast<int64_t>(kBlockBytes / (p.K * (C + p.Opad) * p.TW * dtype_size(dt)));
  const int64_t max_rows = std::max<int64_t>(1, std::min(fit, (total_rows + nt - 1) / nt));
  p.rows_per = 1;
  double best = 0;
  for (int64_t r = 1; r <= max_rows; ++r) {
    double fill = static_cast<double>(r * p.TW) / ((r * p.TW + nr - 1) / nr * nr);
    if (fill >= best - 1e-9) best = std::max(best, fill), p.rows_per = r;
  }
  p.bpad = (p.rows_per * p.TW + nr - 1) / nr * nr;
  p.nblocks = (total_rows + p.rows_per - 1) / p.rows_per;
  const int64_t last = (total_rows - (p.nblocks - 1) * p.rows_per) * p.TW;
  p.padded_tiles = (p.nblocks - 1) * p.bpad + (last + nr - 1) / nr * nr;
  return p;
}

// Estimated work of F(m x m, 3x3), in multiply-adds: the a*a GEMMs over the padded tiles, the
// weight transform and the tile transforms (per element, roughly what measured on Zen 4). 0 when
// the image is too small for the tile.
double winograd_cost(int m, int64_t N, int64_t C, int64_t O, int64_t OH, int64_t OW, DType dt) {
  if (std::min(OH, OW) < m) return 0;
  const Plan p = plan(m, N, C, O, OH, OW, dt);
  const double K = static_cast<double>(p.K), P = static_cast<double>(p.padded_tiles);
  return K * P * C * p.Opad + 8 * K * p.Opad * C + 4 * K * P * (C + O);
}

template <class T, int m>
void run(int64_t ph, int64_t pw, const DenseIn& x, const DenseIn& w, const DenseOut& out, const DenseEpilogue* ep) {
  constexpr int a = m + 2, K = a * a;
  const KernelTable& kt = kernels();
  const int di = std::is_same_v<T, float> ? 0 : 1, fi = m == 4 ? 1 : 0;
  const int64_t N = x.shape[0], C = x.shape[1], H = x.shape[2], W = x.shape[3], O = w.shape[0];
  const int64_t OH = out.shape[2], OW = out.shape[3], PWp = (OW + m - 1) / m * m + 2;
  const T* X = reinterpret_cast<const T*>(x.data);
  T* Y = reinterpret_cast<T*>(out.data);
  const Plan pl = plan(m, N, C, O, OH, OW, out.dt);
  const GemmMicro& mk = *pl.mk;
  const int mr = mk.mr, nr = mk.nr;
  const int64_t TH = pl.TH, TW = pl.TW, Opad = pl.Opad, rows_per = pl.rows_per, bpad = pl.bpad, nblocks = pl.nblocks;
  const int64_t total_rows = N * TH, nt = num_threads();
  // the a*a matrices of each of U, V, M lie a little more than their size apart: a power-of-two
  // distance would put the transforms' a*a streams into the same L1 sets
  constexpr int64_t kSkew = 16;
  const int64_t uk = Opad * C + kSkew;
  Buf<T> U(K * uk);
  transform_weights<T, m>(w, O, C, mr, uk, U.p);

  // per thread: V_k (packed-B panels), M_k (Opad x bpad), gathered tiles q (a*a x one panel),
  // staged outputs z (m*m x bpad), padded input rows; every part 64-byte aligned, the vectors of
  // the transforms may run past their last tile into the slack
  auto round64 = [](int64_t n) { return (n + 63) / 64 * 64; };
  const int64_t vk = C * bpad + kSkew, mk_s = Opad * bpad + kSkew, qs = nr + kSkew, zs = bpad + kSkew;
  const int64_t vsize = round64(K * vk), msize = round64(K * mk_s + 64), qsize = round64(K * qs + 64),
                zsize = round64(m * m * zs + 64), rsize = round64(a * PWp + kWinoSlack), per = vsize + msize + qsize + zsize + rsize;
  Buf<T> work(nt * per);
  // the AVX-512 float32 F(4x4) kernels: no padded rows, gathered tiles or staged outputs
  const bool f32_4 = std::is_same_v<T, float> && m == 4;
  const Wino4InF32Fn in_f32 = f32_4 && x.strides[3] == 1 ? kt.wino4_in_f32 : nullptr;
  const Wino4OutF32Fn out_f32 = f32_4 ? kt.wino4_out_f32 : nullptr;

  parallel_for(nblocks, 1, [&](int64_t b0, int64_t b1, int part) {
    T* V = work.p + part * per;
    T* M = V + vsize;
    T* q = M + msize;
    T* z = q + qsize;
    T* rows = z + zsize;
    std::fill(q, q + qsize, T(0));  // lanes past the last tile never compute on uninitialized bits
    std::vector<WinoHalf> hs;
    std::vector<int64_t> hrow, pfirst;
    for (int64_t b = b0; b < b1; ++b) {
      const int64_t r0 = b * rows_per, nrw = std::min(rows_per, total_rows - r0), Tc = nrw * TW;
      const int64_t npan = (Tc + nr - 1) / nr, tail = Tc % nr;
      if (tail)  // the padding tiles of the last panel: zeros the GEMM reads but nothing uses
        for (int64_t k = 0; k < K; ++k)
          for (int64_t c = 0; c < C; ++c) {
            T* p = V + k * vk + (npan - 1) * C * nr + c * nr;
            std::fill(p + tail, p + nr, T(0));
          }
      // the AVX-512 kernels' halves: runs of <= 8 tiles of one tile row within one panel, in order
      if (in_f32 || out_f32) {
        hs.clear();
        hrow.clear();
        pfirst.assign(1, 0);
        for (int64_t r = 0; r < nrw; ++r) {
          const int64_t gr = r0 + r;
          for (int64_t t = r * TW, end = t + TW; t < end;) {
            const int64_t cnt = std::min({int64_t(8), end - t, nr - t % nr});
            WinoHalf h{};
            h.y0 = m * (gr % TH) - ph;
            h.x0 = m * (t - r * TW) - pw;
            h.pos = t;
            h.n = cnt;
            hs.push_back(h);
            hrow.push_back(r);
            t += cnt;
            if (t % nr == 0 || t == Tc) pfirst.push_back(static_cast<int64_t>(hs.size()));
          }
        }
      }
      // 1. input transform into V, panel by panel: straight from the planes where the ISA has the
      // kernel...
      if (in_f32)
        for (int64_t c = 0; c < C; ++c)
          for (int64_t p = 0; p < npan; ++p) {
            for (int64_t h = pfirst[p]; h < pfirst[p + 1]; ++h)
              hs[h].x = reinterpret_cast<const float*>(X + (r0 + hrow[h]) / TH * x.strides[0] + c * x.strides[1]);
            // V offset so that a half's pos (its place in the block) lands in its panel
            in_f32(hs.data() + pfirst[p], pfirst[p + 1] - pfirst[p], x.strides[2], H, W,
                   reinterpret_cast<float*>(V + p * C * nr + c * nr - p * nr), vk);
          }
      // ...else from the tile row's a zero-padded input rows, its tiles gathered a panel at a time
      else
      for (int64_t c = 0; c < C; ++c)
        for (int64_t r = 0; r < nrw; ++r) {
          const int64_t gr = r0 + r, n = gr / TH, ty = gr % TH;
          const T* xc = X + n * x.strides[0] + c * x.strides[1];
          for (int i = 0; i < a; ++i) {
            T* d = rows + i * PWp;
            const int64_t ih = m * ty + i - ph;
            if (ih < 0 || ih >= H) { std::fill(d, d + PWp, T(0)); continue; }
            const T* src = xc + ih * x.strides[2];
            const int64_t lo = std::min(pw, PWp), hi = std::min(PWp, pw + W);
            std::fill(d, d + lo, T(0));
            if (x.strides[3] == 1) std::memcpy(d + lo, src, (hi - lo) * sizeof(T));
            else for (int64_t u = lo; u < hi; ++u) d[u] = src[(u - pw) * x.strides[3]];
            std::fill(d + hi, d + PWp, T(0));
          }
          for (int64_t t = r * TW, end = t + TW; t < end;) {
            const int64_t cnt = std::min(end - t, nr - t % nr);
            kt.wino_gather[fi][di](rows + m * (t - r * TW), PWp, cnt, q + t % nr, qs);
            t += cnt;
            if (t % nr == 0 || t == Tc) kt.wino_in[fi][di](q, qs, (t - 1) % nr + 1, V + (t - 1) / nr * C * nr + c * nr, vk);
          }
        }
      // 2. M_k = U_k V_k: each nr-wide panel of V_k stays in L1 across the row panels of U_k
      for (int64_t k = 0; k < K; ++k)
        for (int64_t p = 0; p < npan; ++p)
          for (int64_t i = 0; i < Opad; i += mr)
            mk.fn(C, U.p + k * uk + i * C, V + k * vk + p * C * nr, M + k * mk_s + i * bpad + p * nr, bpad, false, nullptr);
      // 3. output transform per output channel, its m x m blocks placed in the output rows, then the
      // epilogue once per run of rows in one image (its calls have a fixed cost)
      for (int64_t o = 0; o < O; ++o) {
        if (out_f32) {
          for (size_t h = 0; h < hs.size(); ++h) {
            const int64_t gr = r0 + hrow[h], oh = m * (gr % TH), tx0 = hs[h].pos - hrow[h] * TW;
            float* y0 = reinterpret_cast<float*>(Y + ((gr / TH * O + o) * OH + oh) * OW + m * tx0);
            for (int i = 0; i < 4; ++i) hs[h].y[i] = oh + i < OH ? y0 + i * OW : nullptr;
            hs[h].ncols = std::min(m * hs[h].n, OW - m * tx0);
          }
          out_f32(hs.data(), static_cast<int64_t>(hs.size()), reinterpret_cast<const float*>(M + o * bpad), mk_s);
        } else {
          kt.wino_out[fi][di](M + o * bpad, mk_s, Tc, z, zs);
        }
        int64_t run0 = -1, run_n = 0;
        for (int64_t r = 0; r < nrw; ++r) {
          const int64_t gr = r0 + r, n = gr / TH, oh = m * (gr % TH), h = std::min<int64_t>(m, OH - oh);
          const int64_t base = ((n * O + o) * OH + oh) * OW, full = OW / m;
          if (!out_f32)
          for (int64_t i = 0; i < h; ++i) {
            T* yr = Y + base + i * OW;
            const T* zr = z + i * m * zs + r * TW;
            for (int64_t t = 0; t < full; ++t)
              for (int j = 0; j < m; ++j) yr[m * t + j] = zr[j * zs + t];
            for (int64_t u = full * m; u < OW; ++u) yr[u] = zr[(u % m) * zs + full];
          }
          if (!ep) continue;
          if (run0 >= 0 && run0 + run_n != base) { (*ep)(run0, run_n); run0 = -1; }
          if (run0 < 0) run0 = base, run_n = 0;
          run_n += h * OW;
        }
        if (ep && run0 >= 0) (*ep)(run0, run_n);
      }
    }
  });
}

}  // namespace

// Winograd F(4x4) or F(2x2), whichever the cost estimate favours, or 0: none, when 3x3 stride-1
// dense convolution through im2col and one GEMM (9 multiply-adds per output and channel pair,
// plus about a fifth for building the columns) is estimated cheaper.
// MNNX_WINOGRAD_TILE=2 or 4 forces that tile where it fits (for tests and comparisons).
int winograd_tile(int64_t N, int64_t C, int64_t O, int64_t OH, int64_t OW, DType dt) {
  if (const char* forced = std::getenv("MNNX_WINOGRAD_TILE")) {
    const int m = std::atoi(forced);
    if ((m == 2 || m == 4) && std::min(OH, OW) >= m) return m;
  }
  double best = 1.2 * 9.0 * N * OH * OW * C * O;
  int tile = 0;
  for (int m : {2, 4}) {
    const double cost = winograd_cost(m, N, C, O, OH, OW, dt);
    if (cost > 0 && cost < best) best = cost, tile = m;
  }
  return tile;
}

bool winograd_fits(int64_t N, int64_t C, int64_t O, int64_t KH, int64_t KW, int64_t OH, int64_t OW,
                   const std::vector<int64_t>& a, DType dt) {
  // 3x3, stride 1, dilation 1, one group; enough channels that the GEMMs dominate the transforms
  return KH == 3 && KW == 3 && a[0] == 1 && a[1] == 1 && a[4] == 1 && a[5] == 1 && a[6] == 1 && C >= 16 && O >= 16 &&
         OH >= 2 && OW >= 2 && winograd_tile(N, C, O, OH, OW, dt) != 0;
}

void conv_winograd(const std::vector<int64_t>& a, const DenseIn& x, const DenseIn& w, const DenseOut& out, const DenseEpilogue* ep) {
  const int64_t N = x.shape[0], C = x.shape[1], O = w.shape[0], OH = out.shape[2], OW = out.shape[3];
  const bool f4 = winograd_tile(N, C, O, OH, OW, out.dt) == 4;
  if (out.dt == DType::FLOAT32) f4 ? run<float, 4>(a[2], a[3], x, w, out, ep) : run<float, 2>(a[2], a[3], x, w, out, ep);
  else f4 ? run<double, 4>(a[2], a[3], x, w, out, ep) : run<double, 2>(a[2], a[3], x, w, out, ep);
}

}  // namespace mnnx
