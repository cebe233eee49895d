// conv2d's weight gradient: per group one GEMM, gy (Og x N*OH*OW) times the transposed im2col
// matrix of x (N*OH*OW x Cg*KH*KW), which the GEMM packs straight from x (no im2col buffer): the
// forward's implicit GEMM with B transposed, its long K axis running over images and positions.
#include "nn/conv_grad.h"

#include <algorithm>
#include <vector>

#include "core/dense.h"
#include "core/gemm.h"
#include "core/threadpool.h"

namespace mnnx {

NodeP make_conv2d_weight_grad(const NodeP& x, const NodeP& gy, const std::vector<int64_t>& a, int64_t kh, int64_t kw) {
  const char* name = "conv2d_weight_grad";
  if (a.size() != 7) fail(ErrKind::VALUE, std::string(name) + ": expected 7 attributes");
  if (x->ndim() != 4 || gy->ndim() != 4)
    fail(ErrKind::VALUE, std::string(name) + ": expected 4-D input and output gradient, got " + shape_str(x->shape) + " and " +
                             shape_str(gy->shape));
  if (a[0] < 1 || a[1] < 1 || a[2] < 0 || a[3] < 0 || a[4] < 1 || a[5] < 1 || a[6] < 1 || kh < 1 || kw < 1)
    fail(ErrKind::VALUE, std::string(name) + ": invalid stride, padding, dilation, groups or kernel size");
  int64_t N = x->shape[0], C = x->shape[1], H = x->shape[2], W = x->shape[3], O = gy->shape[1], G = a[6];
  int64_t eh = a[4] * (kh - 1) + 1, ew = a[5] * (kw - 1) + 1;
  bool fits = H + 2 * a[2] >= eh && W + 2 * a[3] >= ew;
  // gy may stop short of the last output row or column (conv_transpose2d with a large output padding)
  if (!fits || gy->shape[0] != N || C % G || O % G || gy->shape[2] > (H + 2 * a[2] - eh) / a[0] + 1 ||
      gy->shape[3] > (W + 2 * a[3] - ew) / a[1] + 1)
    fail(ErrKind::VALUE, std::string(name) + ": output gradient " + shape_str(gy->shape) + " does not match a convolution of " +
                             shape_str(x->shape) + " with a " + std::to_string(kh) + "x" + std::to_string(kw) + " kernel");
  DType dt = promote(x->dtype, gy->dtype);
  if (dt != DType::FLOAT32 && dt != DType::FLOAT64) fail(ErrKind::TYPE, std::string(name) + ": needs float32 or float64");
  return make_dense(Op::CONV2D_WGRAD, dt, {O, C / G, kh, kw}, {make_cast(x, dt), make_cast(gy, dt)}, a);
}

namespace {

// B = im2col(x)^T of one group over all images: row k is output position k % (OH*OW) of image
// k / (OH*OW), column j is (c, ki, kj).
template <class T>
struct Im2colT {
  const T* x;  // first image, first channel of the group
  int64_t ns, cs, hs, ws, H, W, KH, KW, OH, OW;
  int64_t sh, sw, ph, pw, dh, dw;

  static void pack(void* ctx, int64_t k0, int64_t kc, int64_t j0, int64_t nc, int nr, void* dstv) {
    auto* p = static_cast<Im2colT*>(ctx);
    T* dst = static_cast<T*>(dstv);
    int64_t khw = p->KH * p->KW, P = p->OH * p->OW;
    for (int64_t jj = 0; jj < nr; ++jj) {  // one column at a time: consecutive positions read along a row of x
      T* d = dst + jj;
      if (jj >= nc) {
        for (int64_t k = 0; k < kc; ++k) d[k * nr] = T(0);
        continue;
      }
      int64_t col = j0 + jj, r = col % khw, ki = r / p->KW, kj = r % p->KW;
      int64_t n = k0 / P, oh = k0 % P / p->OW, ow = k0 % p->OW;
      for (int64_t k = 0; k < kc;) {
        int64_t run = std::min(kc - k, p->OW - ow);  // positions left in this output row
        int64_t ih = oh * p->sh - p->ph + ki * p->dh, iw = ow * p->sw - p->pw + kj * p->dw;
        T* dk = d + k * nr;
        if (ih < 0 || ih >= p->H) {
          for (int64_t t = 0; t < run; ++t) dk[t * nr] = T(0);
        } else {  // zeros left of the image, the row read with the stride, zeros right of it
          const T* row = p->x + n * p->ns + (col / khw) * p->cs + ih * p->hs;
          int64_t lo = std::clamp<int64_t>((-iw + p->sw - 1) / p->sw, 0, run);
          int64_t hi = std::clamp<int64_t>((p->W - iw + p->sw - 1) / p->sw, lo, run);
          for (int64_t t = 0; t < lo; ++t) dk[t * nr] = T(0);
          const T* src = row + (iw + lo * p->sw) * p->ws;
          int64_t step = p->sw * p->ws;
          for (int64_t t = lo; t < hi; ++t, src += step) dk[t * nr] = *src;
          for (int64_t t = hi; t < run; ++t) dk[t * nr] = T(0);
        }
        k += run;
        ow = 0;
        if (++oh == p->OH) {
          oh = 0;
          ++n;
        }
      }
    }
  }
};

template <class T>
void wgrad(const std::vector<int64_t>& a, const DenseIn& x, const DenseIn& gy, const DenseOut& out, const DenseEpilogue* ep) {
  int64_t N = x.shape[0], C = x.shape[1], H = x.shape[2], W = x.shape[3];
  int64_t O = gy.shape[1], OH = gy.shape[2], OW = gy.shape[3], G = a[6], Og = O / G, Cg = C / G;
  int64_t KH = out.shape[2], KW = out.shape[3], P = OH * OW, R = Cg * KH * KW;
  const T* X = reinterpret_cast<const T*>(x.data);
  const T* GY = reinterpret_cast<const T*>(gy.data);
  T* Y = reinterpret_cast<T*>(out.data);
  if (N == 0 || P == 0) {
    std::fill(Y, Y + O * R, T(0));
    if (ep) (*ep)(0, O * R);
    return;
  }
  // A: gy as (O, N*OH*OW), one strided axis over images and positions (gathered when it is not)
  std::vector<T> gcopy;
  int64_t ros = gy.strides[1], ks = gy.strides[3];
  bool one_axis = gy.strides[2] == OW * ks && (N == 1 || gy.strides[0] == P * ks);
  if (!one_axis) {
    gcopy.resize(static_cast<size_t>(O * N * P));
    parallel_for(O, 1, [&](int64_t o0, int64_t o1, int) {
      for (int64_t o = o0; o < o1; ++o)
        for (int64_t n = 0; n < N; ++n)
          for (int64_t i = 0; i < OH; ++i)
            for (int64_t j = 0; j < OW; ++j)
              gcopy[(o * N + n) * P + i * OW + j] = GY[n * gy.strides[0] + o * gy.strides[1] + i * gy.strides[2] + j * gy.strides[3]];
    });
    GY = gcopy.data();
    ros = N * P, ks = 1;
  }
  for (int64_t g = 0; g < G; ++g) {
    DenseRows re{ep, g * Og * R, R};
    GemmEpilogue ge{&DenseRows::fn, &re};
    Im2colT<T> ic{X + g * Cg * x.strides[1], x.strides[0], x.strides[1], x.strides[2], x.strides[3], H, W, KH, KW, OH, OW,
                  a[0], a[1], a[2], a[3], a[4], a[5]};
    GemmArgs ga{out.dt, Og, R, N * P, GY + g * Og * ros, ros, ks, nullptr, 0, 0, Y + g * Og * R, R};
    ga.pack_b = &Im2colT<T>::pack;
    ga.pack_ctx = &ic;
    ga.ep = ep ? &ge : nullptr;
    gemm(ga);
  }
}

}  // namespace

void run_CONV2D_WGRAD(const std::vector<int64_t>& args, const std::vector<DenseIn>& in, const DenseOut& out,
                      const DenseEpilogue* ep) {
  if (out.dt == DType::FLOAT32) wgrad<float>(args, in[0], in[1], out, ep);
  else wgrad<double>(args, in[0], in[1], out, ep);
}

}  // namespace mnnx
