// Convolution, NCHW input and OIHW weights, float32/float64:
//   depthwise (one input channel per group)  -> a direct kernel over zero-padded rows
//   everything else                          -> implicit GEMM per (image, group): weights (Cout x K)
//      times the im2col matrix (K x OH*OW), which the GEMM packs straight from the input (no
//      im2col buffer); 1x1 stride-1 convolutions read the input as the B matrix directly.
//   conv_transpose2d                         -> GEMM with the transposed weights, then col2im.
// The fused epilogue (bias, activation) runs on finished pieces of the output.
#include "nn/conv.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <type_traits>
#include <vector>

#include "core/allocator.h"
#include "core/dense.h"
#include "core/gemm.h"
#include "core/threadpool.h"
#include "core/vm.h"

namespace mnnx {

namespace {

struct ConvArgs {
  int64_t sh, sw, ph, pw, dh, dw, groups, oph = 0, opw = 0;
  explicit ConvArgs(const std::vector<int64_t>& a)
      : sh(a[0]), sw(a[1]), ph(a[2]), pw(a[3]), dh(a[4]), dw(a[5]), groups(a[6]) {
    if (a.size() > 8) { oph = a[7]; opw = a[8]; }
  }
};

std::string conv_shapes(const NodeP& x, const NodeP& w) { return "input " + shape_str(x->shape) + ", weight " + shape_str(w->shape); }

DType conv_dtype(const char* name, const NodeP& x, const NodeP& w) {
  DType dt = promote(x->dtype, w->dtype);
  if (!is_float(x->dtype) || !is_float(w->dtype) || (dt != DType::FLOAT32 && dt != DType::FLOAT64))
    fail(ErrKind::TYPE, std::string(name) + ": input and weight must be float32 or float64, got " + dtype_name(x->dtype) +
                            " and " + dtype_name(w->dtype));
  return dt;
}

void check_common(const char* name, const NodeP& x, const NodeP& w, const std::vector<int64_t>& a) {
  if (a.size() != 7 && a.size() != 9) fail(ErrKind::VALUE, std::string(name) + ": expected 7 or 9 attributes");
  if (x->ndim() != 4) fail(ErrKind::VALUE, std::string(name) + ": expected a 4-D (N, C, H, W) input, got shape " + shape_str(x->shape));
  if (w->ndim() != 4) fail(ErrKind::VALUE, std::string(name) + ": expected a 4-D weight, got shape " + shape_str(w->shape));
  if (a[0] < 1 || a[1] < 1) fail(ErrKind::VALUE, std::string(name) + ": stride must be positive");
  if (a[2] < 0 || a[3] < 0) fail(ErrKind::VALUE, std::string(name) + ": padding must be non-negative");
  if (a[4] < 1 || a[5] < 1) fail(ErrKind::VALUE, std::string(name) + ": dilation must be positive");
  if (a[6] < 1) fail(ErrKind::VALUE, std::string(name) + ": groups must be positive");
}

}  // namespace

NodeP make_conv2d(const NodeP& x, const NodeP& w, const std::vector<int64_t>& a) {
  check_common("conv2d", x, w, a);
  ConvArgs c(a);
  int64_t N = x->shape[0], C = x->shape[1], H = x->shape[2], W = x->shape[3];
  int64_t O = w->shape[0], I = w->shape[1], KH = w->shape[2], KW = w->shape[3];
  if (C % c.groups || O % c.groups)
    fail(ErrKind::VALUE, "conv2d: groups=" + std::to_string(c.groups) + " must divide both input channels (" + std::to_string(C) +
                             ") and output channels (" + std::to_string(O) + "); " + conv_shapes(x, w));
  if (I * c.groups != C)
    fail(ErrKind::VALUE, "conv2d: expected input with " + std::to_string(I * c.groups) + " channels (weight " + shape_str(w->shape) +
                             ", groups=" + std::to_string(c.groups) + "), got " + std::to_string(C) + " channels; " + conv_shapes(x, w));
  int64_t eh = c.dh * (KH - 1) + 1, ew = c.dw * (KW - 1) + 1;
  if (H + 2 * c.ph < eh || W + 2 * c.pw < ew)
    fail(ErrKind::VALUE, "conv2d: kernel size (" + std::to_string(eh) + ", " + std::to_string(ew) + ") (dilated) is larger than the padded input (" +
                             std::to_string(H + 2 * c.ph) + ", " + std::to_string(W + 2 * c.pw) + "); " + conv_shapes(x, w));
  int64_t OH = (H + 2 * c.ph - eh) / c.sh + 1, OW = (W + 2 * c.pw - ew) / c.sw + 1;
  DType dt = conv_dtype("conv2d", x, w);
  return make_dense(Op::CONV2D, dt, {N, O, OH, OW}, {make_cast(x, dt), make_cast(w, dt)}, a);
}

NodeP make_conv_transpose2d(const NodeP& x, const NodeP& w, const std::vector<int64_t>& a) {
  check_common("conv_transpose2d", x, w, a);
  ConvArgs c(a);
  int64_t N = x->shape[0], C = x->shape[1], H = x->shape[2], W = x->shape[3];
  int64_t I = w->shape[0], Og = w->shape[1], KH = w->shape[2], KW = w->shape[3];
  if (C != I)
    fail(ErrKind::VALUE, "conv_transpose2d: weight expects " + std::to_string(I) + " input channels, got " + std::to_string(C) + "; " + conv_shapes(x, w));
  if (C % c.groups) fail(ErrKind::VALUE, "conv_transpose2d: groups=" + std::to_string(c.groups) + " must divide the input channels (" + std::to_string(C) + ")");
  if (c.oph < 0 || c.opw < 0 || (c.oph >= c.sh && c.oph >= c.dh) || (c.opw >= c.sw && c.opw >= c.dw))
    fail(ErrKind::VALUE, "conv_transpose2d: output padding must be smaller than either stride or dilation");
  int64_t OH = (H - 1) * c.sh - 2 * c.ph + c.dh * (KH - 1) + c.oph + 1;
  int64_t OW = (W - 1) * c.sw - 2 * c.pw + c.dw * (KW - 1) + c.opw + 1;
  if (OH <= 0 || OW <= 0)
    fail(ErrKind::VALUE, "conv_transpose2d: the output size (" + std::to_string(OH) + ", " + std::to_string(OW) + ") is too small; " + conv_shapes(x, w));
  DType dt = conv_dtype("conv_transpose2d", x, w);
  return make_dense(Op::CONVT2D, dt, {N, Og * c.groups, OH, OW}, {make_cast(x, dt), make_cast(w, dt)}, a);
}

namespace {

// A 4-D weight (A, B, KH, KW) as a row-major (A x B*KH*KW) matrix: read in place when its last three
// dims are contiguous, else gathered once into `copy`. *ld gets the row stride.
template <class T>
const T* weight_rows(const DenseIn& w, std::vector<T>& copy, int64_t* ld) {
  int64_t A = w.shape[0], B = w.shape[1], KH = w.shape[2], KW = w.shape[3], R = B * KH * KW;
  if (w.strides[3] == 1 && w.strides[2] == KW && w.strides[1] == KH * KW) {
    *ld = w.strides[0];
    return reinterpret_cast<const T*>(w.data);
  }
  const T* W = reinterpret_cast<const T*>(w.data);
  copy.resize(static_cast<size_t>(A) * R);
  for (int64_t a = 0; a < A; ++a)
    for (int64_t b = 0; b < B; ++b)
      for (int64_t i = 0; i < KH; ++i)
        for (int64_t j = 0; j < KW; ++j)
          copy[((a * B + b) * KH + i) * KW + j] = W[a * w.strides[0] + b * w.strides[1] + i * w.strides[2] + j * w.strides[3]];
  *ld = R;
  return copy.data();
}

// ---- implicit GEMM: pack the im2col matrix's panels straight from the input ----
template <class T>
struct Im2col {
  const T* x;  // image n, first channel of the group
  int64_t cs, hs, ws;  // input strides (elements)
  int64_t H, W, KH, KW, OW, N;  // N = OH*OW columns
  ConvArgs c;

  static void pack(void* ctx, int64_t k0, int64_t kc, int64_t j0, int64_t nc, int nr, void* dstv) {
    auto* p = static_cast<Im2col*>(ctx);
    T* dst = static_cast<T*>(dstv);
    const ConvArgs& c = p->c;
    int64_t khw = p->KH * p->KW;
    for (int64_t k = k0; k < k0 + kc; ++k) {
      int64_t ci = k / khw, r = k % khw, ki = r / p->KW, kj = r % p->KW;
      const T* xc = p->x + ci * p->cs;
      T* d = dst + (k - k0) * nr;
      int64_t jj = 0;
      while (jj < nc) {  // runs of columns within one output row
        int64_t j = j0 + jj, oh = j / p->OW, ow = j % p->OW;
        int64_t run = std::min(nc - jj, p->OW - ow);
        int64_t ih = oh * c.sh - c.ph + ki * c.dh;
        if (ih < 0 || ih >= p->H) {
          std::fill(d + jj, d + jj + run, T(0));
        } else {
          const T* row = xc + ih * p->hs;
          int64_t iw0 = ow * c.sw - c.pw + kj * c.dw;
          if (c.sw == 1 && p->ws == 1) {  // zeros left of the image, a copy, zeros right of it
            int64_t lo = std::clamp<int64_t>(-iw0, 0, run), hi = std::clamp<int64_t>(p->W - iw0, lo, run);
            std::fill(d + jj, d + jj + lo, T(0));
            std::memcpy(d + jj + lo, row + iw0 + lo, (hi - lo) * sizeof(T));
            std::fill(d + jj + hi, d + jj + run, T(0));
          } else {
            for (int64_t t = 0; t < run; ++t) {
              int64_t iw = iw0 + t * c.sw;
              d[jj + t] = iw >= 0 && iw < p->W ? row[iw * p->ws] : T(0);
            }
          }
        }
        jj += run;
      }
      std::fill(d + nc, d + nr, T(0));
    }
  }
};

template <class T>
void conv_gemm(const ConvArgs& c, const DenseIn& x, const DenseIn& w, const DenseOut& out, const DenseEpilogue* ep) {
  int64_t N = x.shape[0], H = x.shape[2], W = x.shape[3];
  int64_t O = w.shape[0], I = w.shape[1], KH = w.shape[2], KW = w.shape[3];
  int64_t OH = out.shape[2], OW = out.shape[3], G = c.groups, Og = O / G;
  int64_t P = OH * OW, K = I * KH * KW;
  const T* X = reinterpret_cast<const T*>(x.data);
  T* Y = reinterpret_cast<T*>(out.data);
  bool pointwise = KH == 1 && KW == 1 && c.sh == 1 && c.sw == 1 && c.ph == 0 && c.pw == 0 && x.strides[2] == W * x.strides[3];
  std::vector<T> wcopy;
  int64_t wrs;
  const T* wbase = weight_rows<T>(w, wcopy, &wrs);  // (O x K), K = (i, kh, kw)
  auto one = [&](int64_t item, bool threaded) {
    int64_t n = item / G, g = item % G;
    const T* xg = X + n * x.strides[0] + g * I * x.strides[1];
    T* yg = Y + (n * O + g * Og) * P;
    DenseRows re{ep, (n * O + g * Og) * P, P};
    GemmEpilogue ge{&DenseRows::fn, &re};
    GemmArgs ga{out.dt, Og, P, K, wbase + g * Og * wrs, wrs, 1, xg, x.strides[1], x.strides[3], yg, P};
    ga.ep = ep ? &ge : nullptr;
    GemmAffine gaf;  // bias + clamp in the micro-kernels' stores
    if (ep && ep->affine && gemm_affine(*ep->affine, out.dt, (n * O + g * Og) * P, Og, P, &gaf)) ga.affine = &gaf;
    Im2col<T> ic{xg, x.strides[1], x.strides[2], x.strides[3], H, W, KH, KW, OW, P, c};
    if (!pointwise) {
      ga.pack_b = &Im2col<T>::pack;
      ga.pack_ctx = &ic;
    }
    gemm(ga, threaded);
  };
  // several images or groups: one GEMM per thread at a time (no synchronization inside); otherwise
  // each GEMM is split over the pool
  int64_t items = N * G, nt = num_threads();
  if (nt > 1 && (items % nt == 0 || items >= 4 * nt)) {
    parallel_for(items, 1, [&](int64_t i0, int64_t i1, int) {
      for (int64_t i = i0; i < i1; ++i) one(i, false);
    });
  } else {
    for (int64_t i = 0; i < items; ++i) one(i, true);
  }
}

// ---- depthwise: each output channel reads one input channel. float32 3x3 stride 1 on AVX-512 runs
// straight from the input with the bias and clamp fused in; otherwise the plane is copied once with
// its zero padding, so the per-ISA row kernel (nn/conv_kernels.cpp) runs without bounds checks. ----
template <class T>
void conv_depthwise(const ConvArgs& c, const DenseIn& x, const DenseIn& w, const DenseOut& out, const DenseEpilogue* ep) {
  int64_t N = x.shape[0], C = x.shape[1], H = x.shape[2], W = x.shape[3];
  int64_t O = w.shape[0], KH = w.shape[2], KW = w.shape[3];
  int64_t OH = out.shape[2], OW = out.shape[3], mult = O / C;
  int64_t PW = (OW - 1) * c.sw + (KW - 1) * c.dw + 1;  // padded row length the outputs read
  int64_t PH = (OH - 1) * c.sh + (KH - 1) * c.dh + 1;
  const T* X = reinterpret_cast<const T*>(x.data);
  const T* Wt = reinterpret_cast<const T*>(w.data);
  T* Y = reinterpret_cast<T*>(out.data);
  const int64_t geo[4] = {c.sh, c.sw, c.dh, c.dw};
  if constexpr (std::is_same_v<T, float>) {
    Dw3x3Fn direct = kernels().dw3x3;
    if (direct && KH == 3 && KW == 3 && c.sh == 1 && c.sw == 1 && c.dh == 1 && c.dw == 1 && x.strides[3] == 1 &&
        OW <= kDw3x3MaxWidth) {
      const int64_t P = OH * OW;
      // a fused bias + clamp goes into the kernel's stores when the bias is constant over each plane
      const DenseAffine* af = ep ? ep->affine : nullptr;
      if (af && af->bias && af->count > 1 && af->inner % P) af = nullptr;
      parallel_for(N * O, 1, [&](int64_t p0, int64_t p1, int) {
        for (int64_t p = p0; p < p1; ++p) {
          int64_t n = p / O, o = p % O, ci = o / mult;
          float wk[9];
          for (int a = 0; a < 3; ++a)
            for (int b = 0; b < 3; ++b) wk[a * 3 + b] = Wt[o * w.strides[0] + a * w.strides[2] + b * w.strides[3]];
          float bias = 0, lo = -INFINITY, hi = INFINITY;
          if (af) {
            if (af->bias) bias = static_cast<const float*>(af->bias)[(p * P / af->inner) % af->count * af->stride];
            lo = static_cast<float>(af->lo);
            hi = static_cast<float>(af->hi);
          }
          direct(X + n * x.strides[0] + ci * x.strides[1], x.strides[2], H, W, c.ph, c.pw, wk, bias, lo, hi, OH, OW, Y + p * P);
          if (ep && !af) (*ep)(p * P, P);
        }
      });
      return;
    }
  }
  parallel_for(N * O, std::max<int64_t>(1, 4096 / std::max<int64_t>(1, OH * OW)), [&](int64_t p0, int64_t p1, int) {
    std::vector<T> pad(static_cast<size_t>(PH) * PW + kDepthwiseSlack * 2 + (KW - 1) * c.dw);
    std::vector<T> scratch(static_cast<size_t>(OH) * PW);
    std::vector<T> wk(static_cast<size_t>(KH) * KW);
    int64_t padded_plane = -1;
    for (int64_t p = p0; p < p1; ++p) {
      int64_t n = p / O, o = p % O, ci = o / mult;
      if (padded_plane != n * C + ci) {  // channel multipliers share one padded plane
        const T* xc = X + n * x.strides[0] + ci * x.strides[1];
        for (int64_t r = 0; r < PH; ++r) {
          T* d = pad.data() + r * PW;
          int64_t ih = r - c.ph;
          if (ih < 0 || ih >= H) { std::fill(d, d + PW, T(0)); continue; }
          const T* src = xc + ih * x.strides[2];
          int64_t lo = std::min<int64_t>(c.pw, PW), hi = std::min<int64_t>(PW, c.pw + W);
          std::fill(d, d + lo, T(0));
          if (x.strides[3] == 1) for (int64_t t = lo; t < hi; ++t) d[t] = src[t - c.pw];  // short rows: no memcpy call
          else for (int64_t t = lo; t < hi; ++t) d[t] = src[(t - c.pw) * x.strides[3]];
          std::fill(d + std::max(hi, lo), d + PW, T(0));
        }
        padded_plane = n * C + ci;
      }
      for (int64_t a = 0; a < KH; ++a)
        for (int64_t b = 0; b < KW; ++b) wk[a * KW + b] = Wt[o * w.strides[0] + a * w.strides[2] + b * w.strides[3]];
      T* yp = Y + p * OH * OW;
      kernels().depthwise[std::is_same_v<T, float> ? 0 : 1](pad.data(), PW, wk.data(), KH, KW, geo, OH, OW, yp, scratch.data());
      if (ep) (*ep)(p * OH * OW, OH * OW);
    }
  });
}

// ---- transposed convolution: cols = W_g^T (Og*KH*KW x I) * X_g (I x H*W), then scatter-add ----
template <class T>
void conv_transpose(const ConvArgs& c, const DenseIn& x, const DenseIn& w, const DenseOut& out, const DenseEpilogue* ep) {
  int64_t N = x.shape[0], C = x.shape[1], H = x.shape[2], W = x.shape[3];
  int64_t Og = w.shape[1], KH = w.shape[2], KW = w.shape[3];
  int64_t G = c.groups, I = C / G, O = Og * G, OH = out.shape[2], OW = out.shape[3];
  int64_t HW = H * W, R = Og * KH * KW;
  const T* X = reinterpret_cast<const T*>(x.data);
  T* Y = reinterpret_cast<T*>(out.data);
  std::vector<T> wcopy;
  int64_t wrs;
  const T* wbase = weight_rows<T>(w, wcopy, &wrs);  // (C x R), R = (o, kh, kw)
  bool xflat = x.strides[2] == W * x.strides[3];
  std::vector<T> xcopy;
  std::vector<T> cols(static_cast<size_t>(R) * HW);
  std::fill(Y, Y + N * O * OH * OW, T(0));
  for (int64_t n = 0; n < N; ++n)
    for (int64_t g = 0; g < G; ++g) {
      const T* xg = X + n * x.strides[0] + g * I * x.strides[1];
      int64_t xcs = x.strides[1], xps = x.strides[3];
      if (!xflat) {
        xcopy.resize(static_cast<size_t>(I) * HW);
        for (int64_t i = 0; i < I; ++i)
          for (int64_t h = 0; h < H; ++h)
            for (int64_t q = 0; q < W; ++q) xcopy[(i * H + h) * W + q] = xg[i * x.strides[1] + h * x.strides[2] + q * x.strides[3]];
        xg = xcopy.data();
        xcs = HW;
        xps = 1;
      }
      GemmArgs ga{out.dt, R, HW, I, wbase + g * I * wrs, 1, wrs, xg, xcs, xps, cols.data(), HW};
      gemm(ga);
      T* yg = Y + (n * O + g * Og) * OH * OW;
      parallel_for(Og, 1, [&](int64_t o0, int64_t o1, int) {
        for (int64_t o = o0; o < o1; ++o) {
          T* yo = yg + o * OH * OW;
          for (int64_t a = 0; a < KH; ++a)
            for (int64_t b = 0; b < KW; ++b) {
              const T* src = cols.data() + ((o * KH + a) * KW + b) * HW;
              for (int64_t h = 0; h < H; ++h) {
                int64_t oh = h * c.sh - c.ph + a * c.dh;
                if (oh < 0 || oh >= OH) continue;
                T* yr = yo + oh * OW;
                const T* s = src + h * W;
                for (int64_t q = 0; q < W; ++q) {
                  int64_t ow = q * c.sw - c.pw + b * c.dw;
                  if (ow >= 0 && ow < OW) yr[ow] += s[q];
                }
              }
            }
        }
      });
    }
  if (ep) parallel_for(N * O, 1, [&](int64_t p0, int64_t p1, int) { (*ep)(p0 * OH * OW, (p1 - p0) * OH * OW); });
}

template <class T>
void conv2d(const ConvArgs& c, const std::vector<DenseIn>& in, const DenseOut& out, const DenseEpilogue* ep) {
  const DenseIn &x = in[0], &w = in[1];
  int64_t C = x.shape[1], O = w.shape[0];
  if (out.shape[0] * out.shape[1] * out.shape[2] * out.shape[3] == 0) return;
  if (c.groups == C && O % C == 0 && w.shape[1] == 1) conv_depthwise<T>(c, x, w, out, ep);
  else conv_gemm<T>(c, x, w, out, ep);
}

}  // namespace

void run_CONV2D(const std::vector<int64_t>& args, const std::vector<DenseIn>& in, const DenseOut& out, const DenseEpilogue* ep) {
  ConvArgs c(args);
  const Shape &xs = in[0].shape, &ws = in[1].shape;
  if (!std::getenv("MNNX_NO_WINOGRAD") && out.shape[0] * out.shape[1] * out.shape[2] * out.shape[3] > 0 &&
      winograd_fits(xs[0], xs[1], ws[0], ws[2], ws[3], out.shape[2], out.shape[3], args, out.dt)) {
    conv_winograd(args, in[0], in[1], out, ep);
    return;
  }
  if (out.dt == DType::FLOAT32) conv2d<float>(c, in, out, ep);
  else conv2d<double>(c, in, out, ep);
}

void run_CONVT2D(const std::vector<int64_t>& args, const std::vector<DenseIn>& in, const DenseOut& out, const DenseEpilogue* ep) {
  ConvArgs c(args);
  if (out.shape[0] * out.shape[1] * out.shape[2] * out.shape[3] == 0) return;
  if (in[0].shape[1] == 0 || in[0].shape[2] * in[0].shape[3] == 0) {  // nothing to scatter: zeros
    size_t bytes = static_cast<size_t>(out.shape[0] * out.shape[1] * out.shape[2] * out.shape[3]) * dtype_size(out.dt);
    std::memset(out.data, 0, bytes);
    if (ep) (*ep)(0, out.shape[0] * out.shape[1] * out.shape[2] * out.shape[3]);
    return;
  }
  if (out.dt == DType::FLOAT32) conv_transpose<float>(c, in[0], in[1], out, ep);
  else conv_transpose<double>(c, in[0], in[1], out, ep);
}

}  // namespace mnnx
