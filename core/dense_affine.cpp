// Recognizing a dense kernel's epilogue as y = min(max(y + bias, lo), hi) so conv and GEMM kernels can
// apply it in their stores (see DenseAffine in core/dense.h). The program is followed symbolically,
// register by register; anything outside that form leaves the general epilogue in charge.
#include <algorithm>
#include <cmath>

#include "core/cast.h"
#include "core/dense.h"
#include "core/vm.h"

namespace mnnx {

namespace {

struct Sym {
  enum Kind : uint8_t { NONE, ACC, BIAS, CONST } kind = NONE;  // ACC: clamp(out (+ bias), lo, hi)
  int src = -1;  // BIAS: source index; ACC: the bias added, or -1
  double v = 0;  // CONST
  bool clamped = false;
};

bool same_buf(const BufRef& a, const BufRef& b) { return a.kind == b.kind && a.index == b.index; }

}  // namespace

bool match_affine(const Program& p, const BufRef& out, const std::vector<const char*>& src_base,
                  const std::vector<Scalar>& scalars, DenseAffine* a) {
  if (p.dt != DType::FLOAT32 && p.dt != DType::FLOAT64) return false;
  const KernelTable& kt = kernels();
  const int d = static_cast<int>(p.dt);
  const void* add = reinterpret_cast<const void*>(kt.binary[int(Op::ADD)][d]);
  const void* mx = reinterpret_cast<const void*>(kt.binary[int(Op::MAXIMUM)][d]);
  const void* mn = reinterpret_cast<const void*>(kt.binary[int(Op::MINIMUM)][d]);
  const Shape contig = contiguous_strides(p.shape);
  std::vector<Sym> reg(p.nregs);
  DenseAffine r;
  int bias_src = -1;
  for (const Instr& in : p.code) {
    if (in.dt != p.dt) return false;
    Sym s;
    switch (in.kind) {
      case Instr::LOAD: {
        const Source& src = p.srcs[in.arg];
        if (src.dt != p.dt) return false;
        if (same_buf(src.buf, out)) {
          if (src.offset != 0 || src.strides != contig) return false;
          s.kind = Sym::ACC;
        } else {
          s.kind = Sym::BIAS;
          s.src = in.arg;
        }
        break;
      }
      case Instr::SCALAR:
        s.kind = Sym::CONST;
        s.v = scalar_as_double(scalars[in.arg], in.dt);
        if (std::isnan(s.v)) return false;
        break;
      case Instr::BINARY: {
        const Sym &x = reg[in.a], &y = reg[in.b];
        if (in.fn == add) {  // out + bias, before any clamp
          const Sym& acc = x.kind == Sym::ACC ? x : y;
          const Sym& b = x.kind == Sym::ACC ? y : x;
          if (acc.kind != Sym::ACC || acc.src >= 0 || acc.clamped || b.kind != Sym::BIAS || bias_src >= 0) return false;
          s = acc;
          s.src = bias_src = b.src;
        } else if (in.fn == mx || in.fn == mn) {
          const Sym& acc = x.kind == Sym::ACC ? x : y;
          const Sym& c = x.kind == Sym::ACC ? y : x;
          if (acc.kind != Sym::ACC || c.kind != Sym::CONST) return false;
          // max(min(max(t, lo), hi), v) = min(max(t, max(lo, v)), max(hi, v)); likewise for min
          if (in.fn == mx) { r.lo = std::max(r.lo, c.v); r.hi = std::max(r.hi, c.v); }
          else { r.lo = std::min(r.lo, c.v); r.hi = std::min(r.hi, c.v); }
          s = acc;
          s.clamped = true;
        } else {
          return false;
        }
        break;
      }
      default: return false;
    }
    reg[in.out] = s;
  }
  if (reg[p.result].kind != Sym::ACC) return false;
  if (bias_src >= 0) {  // broadcast along at most one dim of the (collapsed) iteration space
    const Shape& st = p.srcs[bias_src].strides;
    int dim = -1;
    for (int k = 0; k < static_cast<int>(st.size()); ++k)
      if (st[k] != 0) {
        if (dim >= 0) return false;
        dim = k;
      }
    r.bias = src_base[bias_src];
    if (dim >= 0) {
      r.count = p.shape[dim];
      r.stride = st[dim];
      r.inner = 1;
      for (size_t k = dim + 1; k < p.shape.size(); ++k) r.inner *= p.shape[k];
    }
  }
  *a = r;
  return true;
}

}  // namespace mnnx
