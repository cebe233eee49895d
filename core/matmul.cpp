// matmul: batched, broadcasting (..., M, K) @ (..., K, N). float32/float64 through the packed GEMM;
// other dtypes through a plain loop in their own type (numpy's integer matmul wraps the same way).
#include <algorithm>
#include <cstring>
#include <type_traits>

#include "core/cast.h"
#include "core/dense.h"
#include "core/gemm.h"
#include "core/threadpool.h"

namespace mnnx {

NodeP make_matmul(const NodeP& a, const NodeP& b) {
  if (a->ndim() < 2 || b->ndim() < 2)
    fail(ErrKind::VALUE, "matmul: operands need at least 2 dimensions here, got " + shape_str(a->shape) + " and " + shape_str(b->shape));
  int64_t M = a->shape[a->ndim() - 2], K = a->shape.back(), K2 = b->shape[b->ndim() - 2], N = b->shape.back();
  if (K != K2)
    fail(ErrKind::VALUE, "matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size " +
                             std::to_string(K2) + " is different from " + std::to_string(K) + ")");
  Shape ba(a->shape.begin(), a->shape.end() - 2), bb(b->shape.begin(), b->shape.end() - 2);
  size_t nb = std::max(ba.size(), bb.size());
  Shape batch(nb);
  for (size_t i = 0; i < nb; ++i) {
    int64_t x = i + ba.size() >= nb ? ba[i + ba.size() - nb] : 1, y = i + bb.size() >= nb ? bb[i + bb.size() - nb] : 1;
    if (x != y && x != 1 && y != 1)
      fail(ErrKind::VALUE, "matmul: operands could not be broadcast together with shapes " + shape_str(a->shape) + " " + shape_str(b->shape));
    batch[i] = x == 1 ? y : x;
  }
  DType dt = promote(a->dtype, b->dtype);
  Shape sa = batch, sb = batch, out = batch;
  sa.push_back(M); sa.push_back(K);
  sb.push_back(K); sb.push_back(N);
  out.push_back(M); out.push_back(N);
  NodeP x = make_cast(a, dt), y = make_cast(b, dt);
  if (x->shape != sa) x = make_expand(make_reshape(x, [&] { Shape s(nb - ba.size(), 1); s.insert(s.end(), a->shape.begin(), a->shape.end()); return s; }()), sa);
  if (y->shape != sb) y = make_expand(make_reshape(y, [&] { Shape s(nb - bb.size(), 1); s.insert(s.end(), b->shape.begin(), b->shape.end()); return s; }()), sb);
  return make_dense(Op::MATMUL, dt, out, {x, y}, {});
}

namespace {

// The loop for dtypes without a micro-kernel: out[i, :] += a[i, k] * b[k, :], accumulating in T.
template <class S>
void naive(const DenseIn& a, const DenseIn& b, char* out, int64_t M, int64_t N, int64_t K, int64_t as0, int64_t as1,
           int64_t bs0, int64_t bs1) {
  using T = std::conditional_t<std::is_same_v<S, bool>, uint8_t, S>;  // bool is stored as one byte
  const T* A = reinterpret_cast<const T*>(a.data);
  const T* B = reinterpret_cast<const T*>(b.data);
  T* C = reinterpret_cast<T*>(out);
  for (int64_t i = 0; i < M; ++i) {
    T* c = C + i * N;
    for (int64_t j = 0; j < N; ++j) c[j] = T(0);
    for (int64_t k = 0; k < K; ++k) {
      T x = A[i * as0 + k * as1];
      const T* br = B + k * bs0;
      if constexpr (std::is_same_v<S, bool>) {
        if (x) for (int64_t j = 0; j < N; ++j) c[j] = c[j] || br[j * bs1];
      } else {
        // in unsigned arithmetic (at least 32 bits): wraps like numpy, no signed overflow
        using Wrap = std::conditional_t<(sizeof(T) < 4), uint32_t, std::make_unsigned_t<T>>;
        for (int64_t j = 0; j < N; ++j) c[j] = static_cast<T>(Wrap(c[j]) + Wrap(x) * Wrap(br[j * bs1]));
      }
    }
  }
}

void naive_f16(const DenseIn& a, const DenseIn& b, char* out, int64_t M, int64_t N, int64_t K, int64_t as0, int64_t as1,
               int64_t bs0, int64_t bs1) {
  const uint16_t* A = reinterpret_cast<const uint16_t*>(a.data);
  const uint16_t* B = reinterpret_cast<const uint16_t*>(b.data);
  uint16_t* C = reinterpret_cast<uint16_t*>(out);
  std::vector<float> acc(N);
  for (int64_t i = 0; i < M; ++i) {
    std::fill(acc.begin(), acc.end(), 0.f);
    for (int64_t k = 0; k < K; ++k) {
      float x = half_to_float(A[i * as0 + k * as1]);
      for (int64_t j = 0; j < N; ++j) acc[j] += x * half_to_float(B[k * bs0 + j * bs1]);
    }
    for (int64_t j = 0; j < N; ++j) C[i * N + j] = float_to_half(acc[j]);
  }
}


}  // namespace

constexpr int64_t kThreadedMatmulWork = int64_t(1) << 18;

void run_MATMUL(const std::vector<int64_t>&, const std::vector<DenseIn>& in, const DenseOut& out, const DenseEpilogue* ep) {
  const DenseIn &a = in[0], &b = in[1];
  int nd = static_cast<int>(out.shape.size());
  int64_t M = out.shape[nd - 2], N = out.shape[nd - 1], K = a.shape[nd - 1];
  int64_t batch = 1;
  for (int d = 0; d < nd - 2; ++d) batch *= out.shape[d];
  size_t esz = dtype_size(out.dt);
  if (batch == 0 || M == 0 || N == 0) return;
  // element offsets of each batch item in a and b (batch dims may broadcast with stride 0)
  auto offset = [&](const DenseIn& x, int64_t t) {
    int64_t off = 0;
    for (int d = nd - 3; d >= 0; --d) { off += (t % out.shape[d]) * x.strides[d]; t /= out.shape[d]; }
    return off;
  };
  int64_t as0 = a.strides[nd - 2], as1 = a.strides[nd - 1], bs0 = b.strides[nd - 2], bs1 = b.strides[nd - 1];
  bool fast = out.dt == DType::FLOAT32 || out.dt == DType::FLOAT64;
  auto one = [&](int64_t t, bool threaded) {
    const char* pa = a.data + offset(a, t) * static_cast<int64_t>(esz);
    const char* pb = b.data + offset(b, t) * static_cast<int64_t>(esz);
    char* pc = out.data + t * M * N * static_cast<int64_t>(esz);
    if (fast) {
      DenseRows re{ep, t * M * N, N};
      GemmEpilogue ge{&DenseRows::fn, &re};
      GemmArgs g{out.dt, M, N, K, pa, as0, as1, pb, bs0, bs1, pc, N};
      g.ep = ep ? &ge : nullptr;
      GemmAffine gaf;  // a linear layer's bias + clamp in the micro-kernels' stores
      if (ep && ep->affine && gemm_affine(*ep->affine, out.dt, t * M * N, M, N, &gaf)) g.affine = &gaf;
      gemm(g, threaded);
      return;
    }
    DenseIn ia{pa, a.dt, {}, {}}, ib{pb, b.dt, {}, {}};
    switch (out.dt) {
      case DType::BOOL: naive<bool>(ia, ib, pc, M, N, K, as0, as1, bs0, bs1); break;
      case DType::INT8: naive<int8_t>(ia, ib, pc, M, N, K, as0, as1, bs0, bs1); break;
      case DType::INT16: naive<int16_t>(ia, ib, pc, M, N, K, as0, as1, bs0, bs1); break;
      case DType::INT32: naive<int32_t>(ia, ib, pc, M, N, K, as0, as1, bs0, bs1); break;
      case DType::INT64: naive<int64_t>(ia, ib, pc, M, N, K, as0, as1, bs0, bs1); break;
      case DType::UINT8: naive<uint8_t>(ia, ib, pc, M, N, K, as0, as1, bs0, bs1); break;
      case DType::UINT16: naive<uint16_t>(ia, ib, pc, M, N, K, as0, as1, bs0, bs1); break;
      case DType::UINT32: naive<uint32_t>(ia, ib, pc, M, N, K, as0, as1, bs0, bs1); break;
      case DType::UINT64: naive<uint64_t>(ia, ib, pc, M, N, K, as0, as1, bs0, bs1); break;
      case DType::FLOAT16: naive_f16(ia, ib, pc, M, N, K, as0, as1, bs0, bs1); break;
      default: break;
    }
    if (ep) (*ep)(t * M * N, M * N);
  };
  // small items: one per thread; large ones: each split over the pool
  if (!fast || (batch > 1 && M * N * K < (int64_t(1) << 21))) {
    parallel_for(batch, std::max<int64_t>(1, (int64_t(1) << 16) / std::max<int64_t>(1, M * N * K)), [&](int64_t t0, int64_t t1, int) {
      for (int64_t t = t0; t < t1; ++t) one(t, false);
    });
  } else {
    // a GEMM of a few hundred thousand multiply-adds takes microseconds: waking the pool costs more
    bool threaded = M * N * K >= kThreadedMatmulWork;
    for (int64_t t = 0; t < batch; ++t) one(t, threaded);
  }
}

}  // namespace mnnx
