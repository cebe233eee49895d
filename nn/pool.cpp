// 2-D pooling: max (values and torch's indices), average, and their adaptive forms.
// Max and average over a rectangle are separable: each used input row is first reduced along W into
// a small per-thread buffer (from a copy of the row padded with the neutral value, so the window
// loop has no bounds checks and vectorizes), then output rows reduce those along H with contiguous
// loops. Threads split the (N, C) planes; the fused epilogue runs on each finished plane.
#include "nn/pool.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "core/dense.h"
#include "core/threadpool.h"

namespace mnnx {

namespace {

enum Arg { ADAPTIVE, KH, KW, SH, SW, PH, PW, DH, DW, COUNT_PAD, DIVISOR, NARGS };

std::string hw(int64_t h, int64_t w) { return std::to_string(h) + "x" + std::to_string(w); }

// Checks rank and dtype; returns x as 4-D (unbatched CHW gets a batch of 1).
NodeP as_4d(const char* name, const NodeP& x) {
  if (!is_float(x->dtype) || x->dtype == DType::FLOAT16)
    fail(ErrKind::TYPE, std::string(name) + ": expected a float32 or float64 input, got " + dtype_name(x->dtype));
  bool ok = x->ndim() == 3 || x->ndim() == 4;
  for (int d = x->ndim() - 3; ok && d < x->ndim(); ++d) ok = x->shape[d] > 0;
  if (!ok)
    fail(ErrKind::VALUE, std::string(name) + ": expected a 3-D (C, H, W) or 4-D (N, C, H, W) input with nonzero C, H, W, got shape " +
                             shape_str(x->shape));
  return x->ndim() == 4 ? x : make_reshape(x, {1, x->shape[0], x->shape[1], x->shape[2]});
}

NodeP build(Op op, const NodeP& x, const NodeP& x4, int64_t oh, int64_t ow, std::vector<int64_t> args) {
  Shape out = {x4->shape[0], x4->shape[1], oh, ow};
  numel(out);  // overflow check
  NodeP r = make_dense(op, op == Op::MAX_POOL2D_INDICES ? DType::INT64 : x->dtype, out, {x4}, std::move(args));
  return x->ndim() == 4 ? r : make_reshape(r, {out[1], oh, ow});
}

// torch's pooling_output_shape
int64_t out_size(int64_t in, int64_t k, int64_t pad, int64_t stride, int64_t dil, bool ceil_mode) {
  int64_t num = in + 2 * pad - dil * (k - 1) - 1 + (ceil_mode ? stride - 1 : 0);
  int64_t q = num >= 0 ? num / stride : -((-num + stride - 1) / stride);  // floor division
  int64_t o = q + 1;
  if (ceil_mode && (o - 1) * stride >= in + pad) --o;
  return o;
}

NodeP make_pool(const char* name, Op op, const NodeP& x, const Pool2d& p, int64_t count_pad, int64_t divisor) {
  NodeP x4 = as_4d(name, x);
  const int64_t *k = p.kernel, *s = p.stride, *pad = p.padding, *d = p.dilation;
  std::string n = name;
  if (k[0] <= 0 || k[1] <= 0) fail(ErrKind::VALUE, n + ": kernel_size must be positive, got " + hw(k[0], k[1]));
  if (s[0] <= 0 || s[1] <= 0) fail(ErrKind::VALUE, n + ": stride must be positive, got " + hw(s[0], s[1]));
  if (d[0] <= 0 || d[1] <= 0) fail(ErrKind::VALUE, n + ": dilation must be positive, got " + hw(d[0], d[1]));
  if (pad[0] < 0 || pad[1] < 0) fail(ErrKind::VALUE, n + ": padding must be non-negative, got " + hw(pad[0], pad[1]));
  if (pad[0] > k[0] / 2 || pad[1] > k[1] / 2)
    fail(ErrKind::VALUE, n + ": padding should be at most half of kernel size, got padding " + hw(pad[0], pad[1]) + " and kernel_size " +
                             hw(k[0], k[1]));
  for (int i = 0; i < 2; ++i)  // keeps every size product below far from overflow
    if (k[i] > (int64_t(1) << 31) || s[i] > (int64_t(1) << 31) || d[i] > (int64_t(1) << 31))
      fail(ErrKind::VALUE, n + ": kernel_size, stride and dilation must be below 2**31");
  int64_t H = x4->shape[2], W = x4->shape[3];
  int64_t oh = out_size(H, k[0], pad[0], s[0], d[0], p.ceil_mode), ow = out_size(W, k[1], pad[1], s[1], d[1], p.ceil_mode);
  if (oh < 1 || ow < 1)
    fail(ErrKind::VALUE, n + ": input of shape " + shape_str(x->shape) + " is too small for kernel_size " + hw(k[0], k[1]) + ", stride " +
                             hw(s[0], s[1]) + ", padding " + hw(pad[0], pad[1]) + ", dilation " + hw(d[0], d[1]) +
                             " (calculated output size " + hw(oh, ow) + ")");
  return build(op, x, x4, oh, ow, {0, k[0], k[1], s[0], s[1], pad[0], pad[1], d[0], d[1], count_pad, divisor});
}

}  // namespace

NodeP make_max_pool2d(const NodeP& x, const Pool2d& p, bool indices) {
  return make_pool("max_pool2d", indices ? Op::MAX_POOL2D_INDICES : Op::MAX_POOL2D, x, p, 0, 0);
}

NodeP make_avg_pool2d(const NodeP& x, const Pool2d& p, bool count_include_pad, int64_t divisor_override) {
  if (p.dilation[0] != 1 || p.dilation[1] != 1) fail(ErrKind::VALUE, "avg_pool2d: dilation is not supported");
  if (divisor_override < 0) fail(ErrKind::VALUE, "avg_pool2d: divisor_override must be positive, got " + std::to_string(divisor_override));
  return make_pool("avg_pool2d", Op::AVG_POOL2D, x, p, count_include_pad, divisor_override);
}

NodeP make_adaptive_pool2d(Op op, const NodeP& x, int64_t out_h, int64_t out_w) {
  const char* name = op == Op::AVG_POOL2D ? "adaptive_avg_pool2d" : "adaptive_max_pool2d";
  if (op != Op::AVG_POOL2D && op != Op::MAX_POOL2D && op != Op::MAX_POOL2D_INDICES) fail(ErrKind::VALUE, "adaptive pooling: not a pooling op");
  NodeP x4 = as_4d(name, x);
  if (out_h < 0 || out_w < 0) fail(ErrKind::VALUE, std::string(name) + ": output_size must be non-negative, got " + hw(out_h, out_w));
  return build(op, x, x4, out_h, out_w, {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
}

namespace {

// One spatial axis: each output position's window as clipped input start, count and step;
// `span` is its length counting padding (avg_pool2d's count_include_pad divisor).
struct Axis {
  std::vector<int64_t> start, count, span;
  int64_t step = 1;
  bool uniform = false;  // regular windows: kernel, stride, pad, dilation below hold
  int64_t k = 0, stride = 0, pad = 0;
};

Axis make_axis(const std::vector<int64_t>& a, int dim, int64_t in, int64_t out) {
  Axis ax;
  ax.start.resize(out);
  ax.count.resize(out);
  ax.span.resize(out);
  if (a[ADAPTIVE]) {
    for (int64_t o = 0; o < out; ++o) {
      int64_t s = o * in / out, e = ((o + 1) * in + out - 1) / out;
      ax.start[o] = s, ax.count[o] = ax.span[o] = e - s;
    }
    return ax;
  }
  ax.uniform = true;
  ax.k = a[KH + dim], ax.stride = a[SH + dim], ax.pad = a[PH + dim], ax.step = a[DH + dim];
  for (int64_t o = 0; o < out; ++o) {
    int64_t s0 = o * ax.stride - ax.pad, s = s0, e = std::min(s0 + (ax.k - 1) * ax.step + 1, in);
    while (s < 0) s += ax.step;
    ax.start[o] = s;
    ax.count[o] = s < e ? (e - s + ax.step - 1) / ax.step : 0;
    ax.span[o] = std::min(s0 + ax.k, in + ax.pad) - s0;
  }
  return ax;
}

template <class T>
T* scratch(size_t n) {
  thread_local std::vector<T> v;
  if (v.size() < n) v.resize(n);
  return v.data();
}

struct MaxOp {
  template <class T> static T neutral() { return -std::numeric_limits<T>::infinity(); }
  template <class T> static T apply(T a, T v) { return (v > a || v != v) ? v : a; }  // NaN wins, as in torch
};
struct SumOp {
  template <class T> static T neutral() { return T(0); }
  template <class T> static T apply(T a, T v) { return a + v; }
};

// Reduces one input row (W elements, stride ws) along W into r[0, OW).
template <class R, class T>
void reduce_row(const T* row, int64_t W, int64_t ws, const Axis& ax, int64_t OW, T* pad_buf, T* r) {
  if (ax.uniform) {
    int64_t len = (OW - 1) * ax.stride + (ax.k - 1) * ax.step + 1, s = ax.stride, d = ax.step;
    int64_t lo = std::min(ax.pad, len), hi = std::min(ax.pad + W, len);
    for (int64_t i = 0; i < lo; ++i) pad_buf[i] = R::template neutral<T>();
    if (ws == 1) std::memcpy(pad_buf + lo, row, (hi - lo) * sizeof(T));
    else for (int64_t i = lo; i < hi; ++i) pad_buf[i] = row[(i - ax.pad) * ws];
    for (int64_t i = hi; i < len; ++i) pad_buf[i] = R::template neutral<T>();
    const T* p = pad_buf;
    if (s == 1) {
      for (int64_t o = 0; o < OW; ++o) r[o] = p[o];
      for (int64_t j = 1; j < ax.k; ++j)
        for (int64_t o = 0; o < OW; ++o) r[o] = R::apply(r[o], p[o + j * d]);
    } else {
      for (int64_t o = 0; o < OW; ++o) r[o] = p[o * s];
      for (int64_t j = 1; j < ax.k; ++j)
        for (int64_t o = 0; o < OW; ++o) r[o] = R::apply(r[o], p[o * s + j * d]);
    }
    return;
  }
  const T* p = row;
  if (ws != 1) {
    for (int64_t i = 0; i < W; ++i) pad_buf[i] = row[i * ws];
    p = pad_buf;
  }
  for (int64_t o = 0; o < OW; ++o) {
    T acc = R::template neutral<T>();
    for (int64_t i = ax.start[o], e = ax.start[o] + ax.count[o]; i < e; ++i) acc = R::apply(acc, p[i]);
    r[o] = acc;
  }
}

template <class R, class T>
void pool_values(const std::vector<int64_t>& a, const DenseIn& x, const DenseOut& out, const DenseEpilogue* ep) {
  int64_t N = out.shape[0], C = out.shape[1], OH = out.shape[2], OW = out.shape[3], H = x.shape[2], W = x.shape[3];
  if (N * C * OH * OW == 0) return;
  Axis ah = make_axis(a, 0, H, OH), aw = make_axis(a, 1, W, OW);
  // rows some window reads, and where each one's reduction lives in the per-thread buffer
  std::vector<int64_t> slot(H, -1);
  int64_t used = 0;
  for (int64_t o = 0; o < OH; ++o)
    for (int64_t i = 0; i < ah.count[o]; ++i) {
      int64_t h = ah.start[o] + i * ah.step;
      if (slot[h] < 0) slot[h] = used++;
    }
  // average: per-position divisors along W and H (their product divides, as torch's pool_size)
  bool avg = std::is_same_v<R, SumOp>;
  std::vector<T> div_w(OW, T(1));
  std::vector<int64_t> div_h(OH, 1);
  if (avg) {
    for (int64_t o = 0; o < OW; ++o) div_w[o] = T(a[COUNT_PAD] ? aw.span[o] : aw.count[o]);
    for (int64_t o = 0; o < OH; ++o) div_h[o] = a[COUNT_PAD] ? ah.span[o] : ah.count[o];
  }
  int64_t pad_len = std::max(W, aw.uniform ? (OW - 1) * aw.stride + (aw.k - 1) * aw.step + 1 : 0);
  int64_t grain = std::max<int64_t>(1, (int64_t(1) << 15) / std::max<int64_t>(1, H * W));
  parallel_for(N * C, grain, [&](int64_t p0, int64_t p1, int) {
    T* buf = scratch<T>(pad_len + used * OW);
    T* rows = buf + pad_len;
    for (int64_t p = p0; p < p1; ++p) {
      const T* plane = reinterpret_cast<const T*>(x.data) + (p / C) * x.strides[0] + (p % C) * x.strides[1];
      for (int64_t h = 0; h < H; ++h)
        if (slot[h] >= 0) reduce_row<R>(plane + h * x.strides[2], W, x.strides[3], aw, OW, buf, rows + slot[h] * OW);
      T* o_plane = reinterpret_cast<T*>(out.data) + p * OH * OW;
      for (int64_t oh = 0; oh < OH; ++oh) {
        T* o = o_plane + oh * OW;
        if (ah.count[oh] == 0) {
          for (int64_t j = 0; j < OW; ++j) o[j] = R::template neutral<T>();
        } else {
          const T* r0 = rows + slot[ah.start[oh]] * OW;
          for (int64_t j = 0; j < OW; ++j) o[j] = r0[j];
          for (int64_t i = 1; i < ah.count[oh]; ++i) {
            const T* r = rows + slot[ah.start[oh] + i * ah.step] * OW;
            for (int64_t j = 0; j < OW; ++j) o[j] = R::apply(o[j], r[j]);
          }
        }
        if (avg) {
          if (a[DIVISOR]) {
            T dv = T(a[DIVISOR]);
            for (int64_t j = 0; j < OW; ++j) o[j] = o[j] / dv;
          } else {
            T dh = T(div_h[oh]);
            for (int64_t j = 0; j < OW; ++j) o[j] = o[j] / (dh * div_w[j]);
          }
        }
      }
      if (ep) (*ep)(p * OH * OW, OH * OW);
    }
  });
}

// torch's loop: the first maximum in row-major window order, or the last NaN.
template <class T>
void pool_indices(const std::vector<int64_t>& a, const DenseIn& x, const DenseOut& out, const DenseEpilogue* ep) {
  int64_t N = out.shape[0], C = out.shape[1], OH = out.shape[2], OW = out.shape[3], H = x.shape[2], W = x.shape[3];
  if (N * C * OH * OW == 0) return;
  Axis ah = make_axis(a, 0, H, OH), aw = make_axis(a, 1, W, OW);
  int64_t grain = std::max<int64_t>(1, (int64_t(1) << 14) / std::max<int64_t>(1, H * W));
  parallel_for(N * C, grain, [&](int64_t p0, int64_t p1, int) {
    for (int64_t p = p0; p < p1; ++p) {
      const T* plane = reinterpret_cast<const T*>(x.data) + (p / C) * x.strides[0] + (p % C) * x.strides[1];
      int64_t* o = reinterpret_cast<int64_t*>(out.data) + p * OH * OW;
      for (int64_t oh = 0; oh < OH; ++oh)
        for (int64_t ow = 0; ow < OW; ++ow) {
          int64_t h0 = ah.start[oh], w0 = aw.start[ow], best = h0 * W + w0;
          T m = -std::numeric_limits<T>::infinity();
          for (int64_t i = 0; i < ah.count[oh]; ++i) {
            int64_t h = h0 + i * ah.step;
            const T* row = plane + h * x.strides[2];
            for (int64_t j = 0; j < aw.count[ow]; ++j) {
              int64_t w = w0 + j * aw.step;
              T v = row[w * x.strides[3]];
              if (v > m || v != v) m = v, best = h * W + w;
            }
          }
          o[oh * OW + ow] = best;
        }
      if (ep) (*ep)(p * OH * OW, OH * OW);
    }
  });
}

}  // namespace

void run_MAX_POOL2D(const std::vector<int64_t>& a, const std::vector<DenseIn>& in, const DenseOut& out, const DenseEpilogue* ep) {
  if (out.dt == DType::FLOAT32) pool_values<MaxOp, float>(a, in[0], out, ep);
  else pool_values<MaxOp, double>(a, in[0], out, ep);
}

void run_AVG_POOL2D(const std::vector<int64_t>& a, const std::vector<DenseIn>& in, const DenseOut& out, const DenseEpilogue* ep) {
  if (out.dt == DType::FLOAT32) pool_values<SumOp, float>(a, in[0], out, ep);
  else pool_values<SumOp, double>(a, in[0], out, ep);
}

void run_MAX_POOL2D_INDICES(const std::vector<int64_t>& a, const std::vector<DenseIn>& in, const DenseOut& out,
                            const DenseEpilogue* ep) {
  if (in[0].dt == DType::FLOAT32) pool_indices<float>(a, in[0], out, ep);
  else pool_indices<double>(a, in[0], out, ep);
}

}  // namespace mnnx
