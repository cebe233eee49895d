// Depthwise convolution rows, compiled once per ISA (MNNX_ISA): one output plane from a zero-padded
// input plane. 3x3 and 5x5 are unrolled so the taps accumulate in vector registers along the row.
// Built with -ffp-contract=fast (FMA), like the GEMM micro-kernels.
#include <algorithm>
#include <cstring>
#include <type_traits>
#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "core/vm.h"

namespace mnnx {
namespace MNNX_ISA {
namespace {

#if defined(__AVX512F__)
constexpr int kVecBytes = 64;
#elif defined(__AVX2__)
constexpr int kVecBytes = 32;
#else
constexpr int kVecBytes = 16;
#endif
template <class T>
struct Vec {
  typedef T type __attribute__((vector_size(kVecBytes)));
  static constexpr int W = kVecBytes / sizeof(T);
};

template <class T, int KH, int KW>
void rows(const void* padv, int64_t PW, const void* wkv, int64_t kh, int64_t kw, const int64_t* geo, int64_t OH, int64_t OW,
          void* yv, void* scratchv) {
  const T* pad = static_cast<const T*>(padv);
  const T* wk = static_cast<const T*>(wkv);
  T* y = static_cast<T*>(yv);
  const int64_t sh = geo[0], sw = geo[1], dh = geo[2], dw = geo[3];
  const int64_t KHr = KH ? KH : kh, KWr = KW ? KW : kw;
  if (KH && KW && sh == 1 && sw == 1) {
    // stride 1: the plane is one long row with the padded row length, so the taps run as one
    // vector loop over every output (the PW - OW columns past each row are computed and dropped)
    T* s = static_cast<T*>(scratchv);
    T w[KH * KW];
    for (int i = 0; i < KH * KW; ++i) w[i] = wk[i];
    const int64_t n = OH * PW;
    for (int64_t p = 0; p < n; ++p) {
      T acc = T(0);
      for (int a = 0; a < KH; ++a)
        for (int b = 0; b < KW; ++b) acc += w[a * KW + b] * pad[p + a * dh * PW + b * dw];
      s[p] = acc;
    }
    for (int64_t oh = 0; oh < OH; ++oh)
      for (int64_t ow = 0; ow < OW; ++ow) y[oh * OW + ow] = s[oh * PW + ow];
    return;
  }
  for (int64_t oh = 0; oh < OH; ++oh) {
    const T* r0 = pad + oh * sh * PW;
    T* yr = y + oh * OW;
    std::fill(yr, yr + OW, T(0));
    for (int64_t a = 0; a < KHr; ++a)
      for (int64_t b = 0; b < KWr; ++b) {
        T wv = wk[a * KWr + b];
        const T* src = r0 + a * dh * PW + b * dw;
        if (sw == 1)
          for (int64_t ow = 0; ow < OW; ++ow) yr[ow] += wv * src[ow];
        else
          for (int64_t ow = 0; ow < OW; ++ow) yr[ow] += wv * src[ow * sw];
      }
  }
}

#if defined(__AVX512F__)
// float32 3x3, stride 1, dilation 1 on AVX-512, straight from the input plane (row stride rs): for
// each 16-wide column vector, every input row is loaded once at the three tap offsets and feeds the
// R output rows that read it (R + 2 rows for R outputs: 3(R+2) loads for 9R FMAs). Masked loads
// supply the zero padding (masked-out lanes never touch memory), so no padded copy is made. The bias
// starts the accumulators and the clamp (relu, relu6) runs before the store.
inline __mmask16 lanes(int64_t q0, int64_t W) {  // lanes i with 0 <= q0 + i < W
  int64_t lo = std::clamp<int64_t>(-q0, 0, 16), hi = std::clamp<int64_t>(W - q0, 0, 16);
  return hi <= lo ? 0 : static_cast<__mmask16>(((1u << hi) - 1) & ~((1u << lo) - 1));
}

// Masks of the three taps' loads for each 16-wide column vector of an output row: the same for every
// row of every plane, so computed once per plane.
constexpr int64_t kDwMaxVecs = kDw3x3MaxWidth / 16;
struct DwMasks {
  __mmask16 m[kDwMaxVecs][4];  // taps 0, 1, 2, then the store
};

// R output rows from R + 2 input rows r (null: a padding row of zeros), written to y, y + OW, ...
template <int R>
inline void dw3x3_rows(const float* const* r, const __m512* wv, __m512 bias, __m512 lo, __m512 hi, int64_t pw,
                       const DwMasks& mk, int64_t OW, float* y) {
  const __m512 w0 = wv[0], w1 = wv[1], w2 = wv[2], w3 = wv[3], w4 = wv[4], w5 = wv[5], w6 = wv[6], w7 = wv[7], w8 = wv[8];
  const __m512 w[9] = {w0, w1, w2, w3, w4, w5, w6, w7, w8};
  for (int64_t ow = 0, v = 0; ow < OW; ow += 16, ++v) {
    __m512 acc[R];
#pragma GCC unroll 8
    for (int o = 0; o < R; ++o) acc[o] = bias;
    const int64_t q = ow - pw;  // input column under tap 0 of lane 0
    const __mmask16 m0 = mk.m[v][0], m1 = mk.m[v][1], m2 = mk.m[v][2];
#pragma GCC unroll 8
    for (int i = 0; i < R + 2; ++i) {
      if (!r[i]) continue;
      const __m512 v0 = _mm512_maskz_loadu_ps(m0, r[i] + q), v1 = _mm512_maskz_loadu_ps(m1, r[i] + q + 1),
                   v2 = _mm512_maskz_loadu_ps(m2, r[i] + q + 2);
#pragma GCC unroll 8
      for (int o = 0; o < R; ++o) {
        const int a = i - o;  // kernel row that input row i is for output row o
        if (a < 0 || a > 2) continue;
        acc[o] = _mm512_fmadd_ps(w[a * 3], v0, acc[o]);
        acc[o] = _mm512_fmadd_ps(w[a * 3 + 1], v1, acc[o]);
        acc[o] = _mm512_fmadd_ps(w[a * 3 + 2], v2, acc[o]);
      }
    }
    const __mmask16 st = mk.m[v][3];
#pragma GCC unroll 8
    for (int o = 0; o < R; ++o)  // max(lo, t) and min(hi, t) return t when t is NaN, as numpy's maximum
      _mm512_mask_storeu_ps(y + o * OW + ow, st, _mm512_min_ps(hi, _mm512_max_ps(lo, acc[o])));
  }
}

constexpr int kDwRows = 4;  // output rows per pass

void dw3x3(const float* x, int64_t rs, int64_t H, int64_t W, int64_t ph, int64_t pw, const float* wk, float bias, float lo,
           float hi, int64_t OH, int64_t OW, float* y) {
  __m512 w[9];
  for (int k = 0; k < 9; ++k) w[k] = _mm512_set1_ps(wk[k]);
  const __m512 b = _mm512_set1_ps(bias), l = _mm512_set1_ps(lo), h = _mm512_set1_ps(hi);
  DwMasks mk;
  for (int64_t ow = 0, v = 0; ow < OW; ow += 16, ++v) {
    for (int t = 0; t < 3; ++t) mk.m[v][t] = lanes(ow - pw + t, W);
    mk.m[v][3] = lanes(ow, OW);
  }
  auto row = [&](int64_t ih) { return ih >= 0 && ih < H ? x + ih * rs : nullptr; };
  for (int64_t oh = 0; oh < OH;) {
    const float* r[kDwRows + 2];
    if (oh + kDwRows <= OH) {
      for (int i = 0; i < kDwRows + 2; ++i) r[i] = row(oh - ph + i);
      dw3x3_rows<kDwRows>(r, w, b, l, h, pw, mk, OW, y + oh * OW);
      oh += kDwRows;
    } else {
      for (int i = 0; i < 3; ++i) r[i] = row(oh - ph + i);
      dw3x3_rows<1>(r, w, b, l, h, pw, mk, OW, y + oh * OW);
      oh += 1;
    }
  }
}
#endif

template <class T>
void depthwise(const void* pad, int64_t PW, const void* wk, int64_t kh, int64_t kw, const int64_t* geo, int64_t OH, int64_t OW,
               void* y, void* scratch) {
  if (kh == 3 && kw == 3) rows<T, 3, 3>(pad, PW, wk, kh, kw, geo, OH, OW, y, scratch);
  else if (kh == 5 && kw == 5) rows<T, 5, 5>(pad, PW, wk, kh, kw, geo, OH, OW, y, scratch);
  else rows<T, 0, 0>(pad, PW, wk, kh, kw, geo, OH, OW, y, scratch);
}

// Winograd F(2x2, 3x3) input transform of one row of tiles: V = B^T d B for ntx tiles whose 4x4
// input patches start at columns 0, 2, 4, ... of the four zero-padded rows. The 16 results of tile
// t go to V[k * vs + t] (16 matrices, tiles contiguous). Rows are split into even and odd columns
// first, so every load in the transform is contiguous and the loop vectorizes across tiles.
constexpr int64_t kWinoChunk = 64;  // tiles per pass: the split rows stay on the stack

template <class T>
void wino_in_chunk(const T* __restrict__ e, const T* __restrict__ o, int64_t n, T* V, int64_t vs) {
  // e, o: 4 rows of n + 1 even / odd columns each, kWinoChunk + 1 apart. d[i][0..3] of tile t are
  // e_i[t], o_i[t], e_i[t+1], o_i[t+1]. Written once for vectors of tiles and once for the tail
  // (GCC does not vectorize this loop by itself: too many streams).
  const int64_t L = kWinoChunk + 1;
  auto tiles = [&](auto ld, auto st, int64_t t) {
#define ROWS(j, P, off) auto u0##j = ld(P + t + off) - ld(P + 2 * L + t + off), u1##j = ld(P + L + t + off) + ld(P + 2 * L + t + off), \
                        u2##j = ld(P + 2 * L + t + off) - ld(P + L + t + off), u3##j = ld(P + L + t + off) - ld(P + 3 * L + t + off);
    ROWS(0, e, 0) ROWS(1, o, 0) ROWS(2, e, 1) ROWS(3, o, 1)
#undef ROWS
#define COLS(i, k) st(V + (k + 0) * vs + t, u##i##0 - u##i##2); st(V + (k + 1) * vs + t, u##i##1 + u##i##2); \
                   st(V + (k + 2) * vs + t, u##i##2 - u##i##1); st(V + (k + 3) * vs + t, u##i##1 - u##i##3);
    COLS(0, 0) COLS(1, 4) COLS(2, 8) COLS(3, 12)
#undef COLS
  };
  using Vt = typename Vec<T>::type;
  constexpr int64_t W = Vec<T>::W;
  auto ld = [](const T* p) { Vt v; std::memcpy(&v, p, sizeof v); return v; };
  int64_t t = 0;
  for (; t + W <= n; t += W) tiles(ld, [](T* p, Vt v) { std::memcpy(p, &v, sizeof v); }, t);
  if (t < n) {  // the tail as one more vector (e and o are padded), stored through a scratch tile
    T tail[16][W];
    int64_t m = n - t;
    tiles(ld, [&](T* p, Vt v) {
      int64_t k = (p - V - t) / vs;
      std::memcpy(tail[k], &v, sizeof v);
      std::memcpy(p, tail[k], m * sizeof(T));
    }, t);
  }
}

template <class T>
void wino_in(const void* const* rows, int64_t ntx, void* Vv, int64_t vs) {
  const int64_t L = kWinoChunk + 1;
  constexpr int64_t W = Vec<T>::W;
  T e[4 * L + W], o[4 * L + W];
  for (int64_t t0 = 0; t0 < ntx; t0 += kWinoChunk) {
    int64_t n = std::min(kWinoChunk, ntx - t0);
    for (int i = 0; i < 4; ++i) {
      const T* r = static_cast<const T*>(rows[i]) + 2 * t0;
      for (int64_t k = 0; k <= n; ++k) {
        e[i * L + k] = r[2 * k];
        o[i * L + k] = r[2 * k + 1];
      }
      // the tail vector reads up to W past the row: zeros (the next row, filled after, may overwrite)
      std::fill(e + i * L + n + 1, e + i * L + n + 1 + W, T(0));
      std::fill(o + i * L + n + 1, o + i * L + n + 1 + W, T(0));
    }
    wino_in_chunk<T>(e, o, n, static_cast<T*>(Vv) + t0, vs);
  }
}

// Output transform of one row of tiles: Y = A^T m A with m[k] = M[k * ms + t]; the 2x2 outputs of
// tile t go to y0[2t], y0[2t+1], y1[2t], y1[2t+1] (y1 null: the last row of an odd height).
template <class T>
void wino_out_chunk(const T* M, int64_t ms, int64_t n, T* __restrict__ z) {
#define P(k) const T* __restrict__ m##k = M + k * ms;
  P(0) P(1) P(2) P(3) P(4) P(5) P(6) P(7) P(8) P(9) P(10) P(11) P(12) P(13) P(14) P(15)
#undef P
  for (int64_t t = 0; t < n; ++t) {
#define A01(j, k0, k1, k2, k3) T a0##j = m##k0[t] + m##k1[t] + m##k2[t], a1##j = m##k1[t] - m##k2[t] - m##k3[t];
    A01(0, 0, 4, 8, 12) A01(1, 1, 5, 9, 13) A01(2, 2, 6, 10, 14) A01(3, 3, 7, 11, 15)
#undef A01
    z[t] = a00 + a01 + a02;
    z[kWinoChunk + t] = a01 - a02 - a03;
    z[2 * kWinoChunk + t] = a10 + a11 + a12;
    z[3 * kWinoChunk + t] = a11 - a12 - a13;
  }
}

template <class T>
void wino_out(const void* Mv, int64_t ms, int64_t ntx, void* y0v, void* y1v) {
  T z[4 * kWinoChunk];
  T* y0 = static_cast<T*>(y0v);
  T* y1 = static_cast<T*>(y1v);
  for (int64_t t0 = 0; t0 < ntx; t0 += kWinoChunk) {
    int64_t n = std::min(kWinoChunk, ntx - t0);
    wino_out_chunk<T>(static_cast<const T*>(Mv) + t0, ms, n, z);
    for (int64_t t = 0; t < n; ++t) {
      y0[2 * (t0 + t)] = z[t];
      y0[2 * (t0 + t) + 1] = z[kWinoChunk + t];
    }
    if (y1)
      for (int64_t t = 0; t < n; ++t) {
        y1[2 * (t0 + t)] = z[2 * kWinoChunk + t];
        y1[2 * (t0 + t) + 1] = z[3 * kWinoChunk + t];
      }
  }
}

}  // namespace

void fill_conv(KernelTable* t) {
#if defined(__AVX512F__)
  t->dw3x3 = &dw3x3;
#endif
  t->depthwise[0] = &depthwise<float>;
  t->depthwise[1] = &depthwise<double>;
  t->wino_in[0] = &wino_in<float>;
  t->wino_in[1] = &wino_in<double>;
  t->wino_out[0] = &wino_out<float>;
  t->wino_out[1] = &wino_out<double>;
}

}  // namespace MNNX_ISA
}  // namespace mnnx
