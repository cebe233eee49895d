// Winograd F(2x2, 3x3) for 3x3 stride-1 convolutions: 16 GEMMs of (O x C) by (C x tiles) replace
// the direct convolution's 36 multiplies per 2x2 output block by 16 (2.25x fewer FLOPs). Tiles are
// processed in chunks of whole tile rows so the transformed data stays in cache-sized buffers.
#include <algorithm>
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

constexpr int64_t kChunkTiles = 256;  // tiles per chunk (all channels): the transformed data stays in L2

template <class T>
struct Buf {
  T* p;
  size_t n;
  explicit Buf(size_t count) : p(static_cast<T*>(pool_alloc(count * sizeof(T)))), n(count * sizeof(T)) {}
  ~Buf() { pool_free(p, n); }
};

// U[k][o][c] = (G g G^T)[k] for the 3x3 kernel g = w[o, c]
template <class T>
void transform_weights(const DenseIn& w, int64_t O, int64_t C, T* U) {
  const T* W = reinterpret_cast<const T*>(w.data);
  for (int64_t o = 0; o < O; ++o)
    for (int64_t c = 0; c < C; ++c) {
      T g[3][3], a[4][3];
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) g[i][j] = W[o * w.strides[0] + c * w.strides[1] + i * w.strides[2] + j * w.strides[3]];
      for (int j = 0; j < 3; ++j) {  // G g
        a[0][j] = g[0][j];
        a[1][j] = (g[0][j] + g[1][j] + g[2][j]) / 2;
        a[2][j] = (g[0][j] - g[1][j] + g[2][j]) / 2;
        a[3][j] = g[2][j];
      }
      for (int i = 0; i < 4; ++i) {  // (G g) G^T
        T* u = U + (i * 4) * O * C + o * C + c;
        u[0] = a[i][0];
        u[O * C] = (a[i][0] + a[i][1] + a[i][2]) / 2;
        u[2 * O * C] = (a[i][0] - a[i][1] + a[i][2]) / 2;
        u[3 * O * C] = a[i][2];
      }
    }
}

template <class T>
void run(int64_t ph, int64_t pw, const DenseIn& x, const DenseIn& w, const DenseOut& out, const DenseEpilogue* ep) {
  const KernelTable& kt = kernels();
  const int di = std::is_same_v<T, float> ? 0 : 1;
  int64_t N = x.shape[0], C = x.shape[1], H = x.shape[2], W = x.shape[3], O = w.shape[0];
  int64_t OH = out.shape[2], OW = out.shape[3], TH = (OH + 1) / 2, TW = (OW + 1) / 2, PWp = 2 * TW + 2;
  const T* X = reinterpret_cast<const T*>(x.data);
  T* Y = reinterpret_cast<T*>(out.data);
  Buf<T> U(16 * O * C);
  transform_weights<T>(w, O, C, U.p);
  int64_t rows_per = std::max<int64_t>(1, kChunkTiles / TW), total_rows = N * TH;
  // V is written straight in the GEMM's packed-B layout (nr-wide tile panels of all C rows)
  const int64_t panel = gemm_nr(out.dt), vpad = (rows_per * TW + panel - 1) / panel * panel;  // panel width, padded tiles
  Buf<T> V(16 * C * vpad), M(16 * O * rows_per * TW);
  for (int64_t r0 = 0; r0 < total_rows; r0 += rows_per) {
    int64_t nr = std::min(rows_per, total_rows - r0), Tc = nr * TW;
    // input transform: (channel, tile row) pairs
    parallel_for(C * nr, 1, [&](int64_t p0, int64_t p1, int) {
      std::vector<T> rows(4 * PWp);
      const void* rp[4];
      for (int64_t p = p0; p < p1; ++p) {
        int64_t c = p / nr, r = p % nr, gr = r0 + r, n = gr / TH, ty = gr % TH;
        const T* xc = X + n * x.strides[0] + c * x.strides[1];
        for (int i = 0; i < 4; ++i) {
          T* d = rows.data() + i * PWp;
          rp[i] = d;
          int64_t ih = 2 * ty + i - ph;
          if (ih < 0 || ih >= H) { std::fill(d, d + PWp, T(0)); continue; }
          const T* src = xc + ih * x.strides[2];
          int64_t lo = std::min(pw, PWp), hi = std::min(PWp, pw + W);
          std::fill(d, d + lo, T(0));
          if (x.strides[3] == 1) std::memcpy(d + lo, src, (hi - lo) * sizeof(T));
          else for (int64_t q = lo; q < hi; ++q) d[q] = src[(q - pw) * x.strides[3]];
          std::fill(d + hi, d + PWp, T(0));
        }
        for (int64_t t = r * TW, end = t + TW; t < end;) {  // one call per panel the row's tiles touch
          int64_t n = std::min(end - t, panel - t % panel);
          rp[0] = rows.data() + 2 * (t - r * TW);
          for (int i = 1; i < 4; ++i) rp[i] = static_cast<const T*>(rp[0]) + i * PWp;
          kt.wino_in[di](rp, n, V.p + (t / panel) * C * panel + c * panel + t % panel, C * vpad);
          t += n;
        }
      }
    });
    // 16 independent GEMMs, one per thread at a time
    parallel_for(16, 1, [&](int64_t k0, int64_t k1, int) {
      for (int64_t k = k0; k < k1; ++k) {
        GemmArgs g{out.dt, O, Tc, C, U.p + k * O * C, C, 1, nullptr, 0, 0, M.p + k * O * Tc, Tc};
        g.b_packed = V.p + k * C * vpad;
        gemm(g, false);
      }
    });
    // output transform: (output channel, tile row) pairs, then the fused epilogue on those rows
    parallel_for(O * nr, 1, [&](int64_t p0, int64_t p1, int) {
      std::vector<T> tmp(2 * 2 * TW);
      for (int64_t p = p0; p < p1; ++p) {
        int64_t o = p / nr, r = p % nr, gr = r0 + r, n = gr / TH, ty = gr % TH;
        int64_t oh = 2 * ty, h = std::min<int64_t>(2, OH - oh);
        kt.wino_out[di](M.p + o * Tc + r * TW, O * Tc, TW, tmp.data(), h == 2 ? tmp.data() + 2 * TW : nullptr);
        int64_t base = ((n * O + o) * OH + oh) * OW;
        for (int64_t i = 0; i < h; ++i) std::memcpy(Y + base + i * OW, tmp.data() + i * 2 * TW, OW * sizeof(T));
        if (ep) (*ep)(base, h * OW);
      }
    });
  }
}

}  // namespace

bool winograd_fits(int64_t C, int64_t O, int64_t KH, int64_t KW, int64_t OH, int64_t OW, const std::vector<int64_t>& a) {
  // 3x3, stride 1, dilation 1, one group; enough channels that the GEMMs dominate the transforms
  return KH == 3 && KW == 3 && a[0] == 1 && a[1] == 1 && a[4] == 1 && a[5] == 1 && a[6] == 1 && C >= 16 && O >= 16 &&
         OH >= 4 && OW >= 4;
}

void conv_winograd(const std::vector<int64_t>& a, const DenseIn& x, const DenseIn& w, const DenseOut& out, const DenseEpilogue* ep) {
  if (out.dt == DType::FLOAT32) run<float>(a[2], a[3], x, w, out, ep);
  else run<double>(a[2], a[3], x, w, out, ep);
}

}  // namespace mnnx
