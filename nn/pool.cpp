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
// `span` is its length counting padding (avg_pool2d's count_include_pad divisor). Regular windows
// also keep kernel, stride and pad, and [lo, hi): the outputs whose window lies inside the input.
struct Axis {
  std::vector<int64_t> start, count, span;
  int64_t step = 1, k = 0, stride = 0, pad = 0, lo = 0, hi = 0;
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
    return ax;  // lo == hi: every window takes the general path
  }
  ax.k = a[KH + dim], ax.stride = a[SH + dim], ax.pad = a[PH + dim], ax.step = a[DH + dim];
  for (int64_t o = 0; o < out; ++o) {
    int64_t s0 = o * ax.stride - ax.pad, s = s0, e = std::min(s0 + (ax.k - 1) * ax.step + 1, in);
    if (s < 0) s += (-s + ax.step - 1) / ax.step * ax.step;
    ax.start[o] = s;
    ax.count[o] = s < e ? (e - s + ax.step - 1) / ax.step : 0;
    ax.span[o] = std::min(s0 + ax.k, in + ax.pad) - s0;
  }
  int64_t last = in - 1 + ax.pad - (ax.k - 1) * ax.step;  // window o is inside when o * stride <= last
  ax.lo = std::min(out, (ax.pad + ax.stride - 1) / ax.stride);
  ax.hi = std::max(ax.lo, last < 0 ? 0 : std::min(out, last / ax.stride + 1));
  return ax;
}

struct MaxOp {
  template <class T> static T neutral() { return -std::numeric_limits<T>::infinity(); }
  template <class T> static T apply(T a, T v) { return (v > a || v != v) ? v : a; }  // NaN wins, as in torch
};
struct FastMaxOp {  // the same maximum where no NaN is involved, in one instruction
  template <class T> static T neutral() { return -std::numeric_limits<T>::infinity(); }
  template <class T> static T apply(T a, T v) { return v > a ? v : a; }
};
struct SumOp {
  template <class T> static T neutral() { return T(0); }
  template <class T> static T apply(T a, T v) { return a + v; }
};

#define MNNX_INLINE inline __attribute__((always_inline))

// Windows of K taps (K = 2, 3: the common kernels) at stride S reduced in registers, one pass.
template <class R, class T, int K, int S>
MNNX_INLINE void taps(const T* __restrict p, int64_t d, int64_t n, T* __restrict r) {
  for (int64_t o = 0; o < n; ++o) {
    T acc = p[o * S];
    for (int j = 1; j < K; ++j) acc = R::apply(acc, p[o * S + j * d]);
    r[o] = acc;
  }
}

// r[o] = the reduction of window o of a contiguous row. Interior windows run over all outputs at
// once (vectorized; a constant stride lets the compiler deinterleave), border windows clip.
template <class R, class T>
MNNX_INLINE void reduce_row(const T* row, const Axis& ax, int64_t OW, T* r) {
  auto clipped = [&](int64_t o) {
    T acc = R::template neutral<T>();
    for (int64_t i = 0, w = ax.start[o]; i < ax.count[o]; ++i, w += ax.step) acc = R::apply(acc, row[w]);
    r[o] = acc;
  };
  for (int64_t o = 0; o < ax.lo; ++o) clipped(o);
  int64_t n = ax.hi - ax.lo, s = ax.stride, d = ax.step, k = ax.k;
  if (n > 0) {
    T* ri = r + ax.lo;
    const T* p = row + (ax.lo * s - ax.pad);
    if (k == 3 && s == 2) taps<R, T, 3, 2>(p, d, n, ri);
    else if (k == 2 && s == 2) taps<R, T, 2, 2>(p, d, n, ri);
    else if (k == 3 && s == 1) taps<R, T, 3, 1>(p, d, n, ri);
    else if (k == 2 && s == 1) taps<R, T, 2, 1>(p, d, n, ri);
    else {
      for (int64_t o = 0; o < n; ++o) ri[o] = p[o * s];
      for (int64_t j = 1; j < k; ++j) {
        const T* q = p + j * d;
        for (int64_t o = 0; o < n; ++o) ri[o] = R::apply(ri[o], q[o * s]);
      }
    }
  }
  for (int64_t o = std::max(ax.lo, ax.hi); o < OW; ++o) clipped(o);
}

// o = the reduction of cnt reduced rows (row i at rows[i * step]), in order.
template <class R, class T>
MNNX_INLINE void reduce_rows(const T* const* rows, int64_t cnt, int64_t OW, T* __restrict o) {
  if (cnt == 0) {
    for (int64_t w = 0; w < OW; ++w) o[w] = R::template neutral<T>();
  } else if (cnt == 3) {
    const T *__restrict a = rows[0], *__restrict b = rows[1], *__restrict c = rows[2];
    for (int64_t w = 0; w < OW; ++w) o[w] = R::apply(R::apply(a[w], b[w]), c[w]);
  } else if (cnt == 2) {
    const T *__restrict a = rows[0], *__restrict b = rows[1];
    for (int64_t w = 0; w < OW; ++w) o[w] = R::apply(a[w], b[w]);
  } else {
    for (int64_t w = 0; w < OW; ++w) o[w] = rows[0][w];
    for (int64_t i = 1; i < cnt; ++i) {
      const T* __restrict r = rows[i];
      for (int64_t w = 0; w < OW; ++w) o[w] = R::apply(o[w], r[w]);
    }
  }
}

// Interior windows for the indices: K taps at stride S (0: the runtime k, s), in registers.
template <class T, class I, int K, int S>
MNNX_INLINE void argtaps(const T* __restrict p, int64_t k, int64_t s, int64_t d, int64_t n, I col0, T* __restrict rv,
                         I* __restrict ri) {
  if (K) k = K;
  if (S) s = S;
  for (int64_t o = 0; o < n; ++o) {
    T m = p[o * s];
    I best = static_cast<I>(col0 + o * s);
    for (int64_t j = 1; j < k; ++j) {
      T v = p[o * s + j * d];
      bool c = v > m || v != v;
      m = c ? v : m;
      best = c ? static_cast<I>(col0 + o * s + j * d) : best;
    }
    rv[o] = m, ri[o] = best;
  }
}

// The same for torch's indices: value and column of the first maximum, or of the last NaN.
template <class T, class I>
MNNX_INLINE void argmax_row(const T* row, const Axis& ax, int64_t OW, T* rv, I* ri) {
  auto clipped = [&](int64_t o) {
    T m = -std::numeric_limits<T>::infinity();
    I best = static_cast<I>(ax.start[o]);
    for (int64_t i = 0, w = ax.start[o]; i < ax.count[o]; ++i, w += ax.step) {
      T v = row[w];
      if (v > m || v != v) m = v, best = static_cast<I>(w);
    }
    rv[o] = m, ri[o] = best;
  };
  for (int64_t o = 0; o < ax.lo; ++o) clipped(o);
  int64_t n = ax.hi - ax.lo, s = ax.stride, k = ax.k, d = ax.step, col0 = ax.lo * s - ax.pad;
  if (n > 0) {
    const T* p = row + col0;
    T* v = rv + ax.lo;
    I* c = ri + ax.lo;
    if (k == 3 && s == 2) argtaps<T, I, 3, 2>(p, k, s, d, n, col0, v, c);
    else if (k == 2 && s == 2) argtaps<T, I, 2, 2>(p, k, s, d, n, col0, v, c);
    else if (k == 3 && s == 1) argtaps<T, I, 3, 1>(p, k, s, d, n, col0, v, c);
    else argtaps<T, I, 0, 0>(p, k, s, d, n, col0, v, c);
  }
  for (int64_t o = std::max(ax.lo, ax.hi); o < OW; ++o) clipped(o);
}

template <class T>
T* scratch(size_t n) {
  thread_local std::vector<T> v;
  if (v.size() < n) v.resize(n);
  return v.data();
}

// Everything a run shares across threads; planes [p0, p1) are one thread's work.
struct Job {
  const std::vector<int64_t>* a;
  const DenseIn* x;
  const DenseOut* out;
  const DenseEpilogue* ep;
  Axis ah, aw;
  int64_t N, C, H, W, OH, OW;
  std::vector<int64_t> slot;  // input row -> its reduced row in the per-thread buffer, -1: unused
  int64_t used = 0;

  Job(const std::vector<int64_t>& args, const DenseIn& in, const DenseOut& o, const DenseEpilogue* e)
      : a(&args), x(&in), out(&o), ep(e), N(o.shape[0]), C(o.shape[1]), H(in.shape[2]), W(in.shape[3]),
        OH(o.shape[2]), OW(o.shape[3]) {
    ah = make_axis(args, 0, H, OH);
    aw = make_axis(args, 1, W, OW);
    slot.assign(H, -1);
    for (int64_t oh = 0; oh < OH; ++oh)
      for (int64_t i = 0; i < ah.count[oh]; ++i) {
        int64_t h = ah.start[oh] + i * ah.step;
        if (slot[h] < 0) slot[h] = used++;
      }
  }
  template <class T>
  const T* row(int64_t p, int64_t h, T* buf) const {  // row h of plane p, contiguous (copied if strided)
    const T* r = reinterpret_cast<const T*>(x->data) + (p / C) * x->strides[0] + (p % C) * x->strides[1] + h * x->strides[2];
    int64_t ws = x->strides[3];
    if (ws == 1) return r;
    for (int64_t w = 0; w < W; ++w) buf[w] = r[w * ws];
    return buf;
  }
};

template <class R, class T>
MNNX_INLINE void value_planes(const Job& j, int64_t p0, int64_t p1) {
  const std::vector<int64_t>& a = *j.a;
  int64_t OH = j.OH, OW = j.OW;
  bool avg = std::is_same_v<R, SumOp>;
  T* buf = scratch<T>(j.W + j.used * OW + OW);
  T* rows = buf + j.W;
  T* div_w = rows + j.used * OW;  // average: divisor along W; times the one along H divides
  const T** in_rows = scratch<const T*>(j.H);
  if (avg)
    for (int64_t o = 0; o < OW; ++o) div_w[o] = T(a[COUNT_PAD] ? j.aw.span[o] : j.aw.count[o]);
  for (int64_t p = p0; p < p1; ++p) {
    // max: NaN must win, which costs a second compare per tap; rows without NaN take the plain
    // maximum, and so do the output rows of planes without any
    bool exact = false;
    for (int64_t h = 0; h < j.H; ++h) {
      if (j.slot[h] < 0) continue;
      const T* in = j.row<T>(p, h, buf);
      T* r = rows + j.slot[h] * OW;
      if constexpr (std::is_same_v<R, MaxOp>) {
        int nan = 0;  // an integer reduction: it vectorizes without reassociating floats
        for (int64_t w = 0; w < j.W; ++w) nan |= in[w] != in[w];
        if (!nan) {
          reduce_row<FastMaxOp>(in, j.aw, OW, r);
          continue;
        }
        exact = true;
      }
      reduce_row<R>(in, j.aw, OW, r);
    }
    T* o_plane = reinterpret_cast<T*>(j.out->data) + p * OH * OW;
    for (int64_t oh = 0; oh < OH; ++oh) {
      T* o = o_plane + oh * OW;
      int64_t cnt = j.ah.count[oh];
      for (int64_t i = 0; i < cnt; ++i) in_rows[i] = rows + j.slot[j.ah.start[oh] + i * j.ah.step] * OW;
      if (std::is_same_v<R, MaxOp> && !exact) reduce_rows<FastMaxOp>(in_rows, cnt, OW, o);
      else reduce_rows<R>(in_rows, cnt, OW, o);
      if (avg && a[DIVISOR]) {
        T dv = T(a[DIVISOR]);
        for (int64_t w = 0; w < OW; ++w) o[w] = o[w] / dv;
      } else if (avg) {
        T dh = T(a[COUNT_PAD] ? j.ah.span[oh] : cnt);
        for (int64_t w = 0; w < OW; ++w) o[w] = o[w] / (dh * div_w[w]);
      }
    }
    if (j.ep) (*j.ep)(p * OH * OW, OH * OW);
  }
}

// Rows first (value and column of each row's winner), then rows in order with the same rule:
// the first maximum in row-major order, or the last NaN, exactly as torch's window loop.
template <class T, class I>
MNNX_INLINE void index_planes(const Job& j, int64_t p0, int64_t p1) {
  int64_t OH = j.OH, OW = j.OW, W = j.W;
  T* buf = scratch<T>(W + j.used * OW + OW);
  T* rv = buf + W;
  T* m = rv + j.used * OW;
  I* ri = scratch<I>(j.used * OW + OW);
  I* best = ri + j.used * OW;
  for (int64_t p = p0; p < p1; ++p) {
    for (int64_t h = 0; h < j.H; ++h)
      if (j.slot[h] >= 0) argmax_row(j.row<T>(p, h, buf), j.aw, OW, rv + j.slot[h] * OW, ri + j.slot[h] * OW);
    int64_t* o_plane = reinterpret_cast<int64_t*>(j.out->data) + p * OH * OW;
    for (int64_t oh = 0; oh < OH; ++oh) {
      int64_t h0 = j.ah.start[oh];
      for (int64_t w = 0; w < OW; ++w) m[w] = -std::numeric_limits<T>::infinity(), best[w] = static_cast<I>(h0 * W + j.aw.start[w]);
      for (int64_t i = 0; i < j.ah.count[oh]; ++i) {
        int64_t h = h0 + i * j.ah.step;
        const T* v = rv + j.slot[h] * OW;
        const I* c = ri + j.slot[h] * OW;
        I base = static_cast<I>(h * W);
        for (int64_t w = 0; w < OW; ++w) {
          bool take = v[w] > m[w] || v[w] != v[w];
          m[w] = take ? v[w] : m[w];
          best[w] = take ? base + c[w] : best[w];
        }
      }
      int64_t* o = o_plane + oh * OW;
      for (int64_t w = 0; w < OW; ++w) o[w] = best[w];
    }
    if (j.ep) (*j.ep)(p * OH * OW, OH * OW);
  }
}

// Hot loops compiled per ISA, the best one picked at load time (GCC/Clang function multiversioning).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__APPLE__)
#define MNNX_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define MNNX_CLONES
#endif

MNNX_CLONES void max_f32(const Job& j, int64_t p0, int64_t p1) { value_planes<MaxOp, float>(j, p0, p1); }
MNNX_CLONES void max_f64(const Job& j, int64_t p0, int64_t p1) { value_planes<MaxOp, double>(j, p0, p1); }
MNNX_CLONES void sum_f32(const Job& j, int64_t p0, int64_t p1) { value_planes<SumOp, float>(j, p0, p1); }
MNNX_CLONES void sum_f64(const Job& j, int64_t p0, int64_t p1) { value_planes<SumOp, double>(j, p0, p1); }
MNNX_CLONES void idx_f32(const Job& j, int64_t p0, int64_t p1) { index_planes<float, int32_t>(j, p0, p1); }
MNNX_CLONES void idx_f64(const Job& j, int64_t p0, int64_t p1) { index_planes<double, int64_t>(j, p0, p1); }
void idx_f32_wide(const Job& j, int64_t p0, int64_t p1) { index_planes<float, int64_t>(j, p0, p1); }

void run(void (*fn)(const Job&, int64_t, int64_t), const std::vector<int64_t>& a, const DenseIn& x, const DenseOut& out,
         const DenseEpilogue* ep) {
  if (numel(out.shape) == 0) return;
  Job j(a, x, out, ep);
  int64_t grain = std::max<int64_t>(1, (int64_t(1) << 15) / std::max<int64_t>(1, j.H * j.W));
  parallel_for(j.N * j.C, grain, [&](int64_t p0, int64_t p1, int) { fn(j, p0, p1); });
}

}  // namespace

void run_MAX_POOL2D(const std::vector<int64_t>& a, const std::vector<DenseIn>& in, const DenseOut& out, const DenseEpilogue* ep) {
  run(out.dt == DType::FLOAT32 ? &max_f32 : &max_f64, a, in[0], out, ep);
}

void run_AVG_POOL2D(const std::vector<int64_t>& a, const std::vector<DenseIn>& in, const DenseOut& out, const DenseEpilogue* ep) {
  run(out.dt == DType::FLOAT32 ? &sum_f32 : &sum_f64, a, in[0], out, ep);
}

void run_MAX_POOL2D_INDICES(const std::vector<int64_t>& a, const std::vector<DenseIn>& in, const DenseOut& out,
                            const DenseEpilogue* ep) {
  bool narrow = in[0].shape[2] * in[0].shape[3] < (int64_t(1) << 31);  // flat indices fit 32 bits
  run(in[0].dt == DType::FLOAT64 ? &idx_f64 : narrow ? &idx_f32 : &idx_f32_wide, a, in[0], out, ep);
}

// ---- backward ----

NodeP make_pool2d_grad(const NodeP& y, const NodeP& g) {
  if (!(y->op == Op::MAX_POOL2D || y->op == Op::AVG_POOL2D) || g->shape != y->shape)
    fail(ErrKind::VALUE, "pool2d_grad: expects a 4-D pooling node and a gradient of its shape, got " + shape_str(g->shape));
  const NodeP& x = y->inputs[0];
  std::vector<int64_t> args = y->args;
  args.push_back(x->shape[2]);
  args.push_back(x->shape[3]);
  NodeP gc = make_cast(g, y->dtype);
  if (y->op == Op::AVG_POOL2D) return make_dense(Op::AVG_POOL2D_GRAD, y->dtype, x->shape, {gc}, args);
  NodeP idx = make_dense(Op::MAX_POOL2D_INDICES, DType::INT64, y->shape, {x}, y->args);
  return make_dense(Op::MAX_POOL2D_GRAD, y->dtype, x->shape, {gc, idx}, args);
}

NodeP make_avg_pool2d_grad_adjoint(const NodeP& grad, const NodeP& gg) {
  if (grad->op != Op::AVG_POOL2D_GRAD || gg->shape != grad->shape)
    fail(ErrKind::VALUE, "avg_pool2d_grad: the adjoint takes a gradient of the input's shape, got " + shape_str(gg->shape));
  const NodeP& g = grad->inputs[0];
  std::vector<int64_t> args(grad->args.begin(), grad->args.begin() + NARGS);
  return make_dense(Op::AVG_POOL2D, grad->dtype, g->shape, {make_cast(gg, grad->dtype)}, args);
}

namespace {

template <class T>
void max_grad(const std::vector<DenseIn>& in, const DenseOut& out) {
  const DenseIn &g = in[0], &idx = in[1];
  int64_t C = out.shape[1], HW = out.shape[2] * out.shape[3], OH = g.shape[2], OW = g.shape[3];
  parallel_for(out.shape[0] * C, 1, [&](int64_t p0, int64_t p1, int) {
    for (int64_t p = p0; p < p1; ++p) {
      T* o = reinterpret_cast<T*>(out.data) + p * HW;
      std::fill(o, o + HW, T(0));
      const T* gp = reinterpret_cast<const T*>(g.data) + (p / C) * g.strides[0] + (p % C) * g.strides[1];
      const int64_t* ip = reinterpret_cast<const int64_t*>(idx.data) + (p / C) * idx.strides[0] + (p % C) * idx.strides[1];
      for (int64_t i = 0; i < OH; ++i)
        for (int64_t j = 0; j < OW; ++j) {
          int64_t k = ip[i * idx.strides[2] + j * idx.strides[3]];
          if (k >= 0 && k < HW) o[k] += gp[i * g.strides[2] + j * g.strides[3]];  // -1: an all-NaN window
        }
    }
  });
}

template <class T>
void avg_grad(const std::vector<int64_t>& a, const DenseIn& g, const DenseOut& out) {
  int64_t C = out.shape[1], H = out.shape[2], W = out.shape[3], OH = g.shape[2], OW = g.shape[3];
  Axis ah = make_axis(a, 0, H, OH), aw = make_axis(a, 1, W, OW);
  parallel_for(out.shape[0] * C, 1, [&](int64_t p0, int64_t p1, int) {
    for (int64_t p = p0; p < p1; ++p) {
      T* o = reinterpret_cast<T*>(out.data) + p * H * W;
      std::fill(o, o + H * W, T(0));
      const T* gp = reinterpret_cast<const T*>(g.data) + (p / C) * g.strides[0] + (p % C) * g.strides[1];
      for (int64_t i = 0; i < OH; ++i)
        for (int64_t j = 0; j < OW; ++j) {
          T div = a[DIVISOR] ? T(a[DIVISOR]) : a[COUNT_PAD] ? T(ah.span[i] * aw.span[j]) : T(ah.count[i] * aw.count[j]);
          if (ah.count[i] * aw.count[j] == 0) continue;
          T v = gp[i * g.strides[2] + j * g.strides[3]] / div;
          for (int64_t u = 0; u < ah.count[i]; ++u) {
            T* row = o + (ah.start[i] + u * ah.step) * W;
            for (int64_t t = 0; t < aw.count[j]; ++t) row[aw.start[j] + t * aw.step] += v;
          }
        }
    }
  });
}

}  // namespace

void run_MAX_POOL2D_GRAD(const std::vector<int64_t>&, const std::vector<DenseIn>& in, const DenseOut& out, const DenseEpilogue* ep) {
  if (out.dt == DType::FLOAT64) max_grad<double>(in, out);
  else max_grad<float>(in, out);
  if (ep) (*ep)(0, numel(out.shape));
}

void run_AVG_POOL2D_GRAD(const std::vector<int64_t>& a, const std::vector<DenseIn>& in, const DenseOut& out, const DenseEpilogue* ep) {
  if (out.dt == DType::FLOAT64) avg_grad<double>(a, in[0], out);
  else avg_grad<float>(a, in[0], out);
  if (ep) (*ep)(0, numel(out.shape));
}

}  // namespace mnnx
