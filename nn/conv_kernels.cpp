// Depthwise convolution rows and the Winograd transforms, compiled once per ISA (MNNX_ISA).
// Depthwise: one output plane from a zero-padded input plane; 3x3 and 5x5 are unrolled so the taps
// accumulate in vector registers along the row. Built with -ffp-contract=fast (FMA), like the GEMM
// micro-kernels.
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

// Winograd transforms on vectors of tiles. F(2x2, 3x3) uses the points 0, 1, -1, infinity; F(4x4, 3x3)
// 0, 1, -1, 2, -2, infinity. bt applies B^T to the a = m + 2 values of one row or column of an input
// tile, at applies A^T to the a values of one row or column of a product tile (m values out).
template <class Vt, class T, int m>
inline void bt(const Vt* d, Vt* r) {
  if constexpr (m == 2) {
    r[0] = d[0] - d[2];
    r[1] = d[1] + d[2];
    r[2] = d[2] - d[1];
    r[3] = d[1] - d[3];
  } else {  // common terms shared
    Vt a = d[3] + d[4], b = d[1] + d[2], c = d[4] - d[3], e = d[1] - d[2], f = d[4] - d[2], g = d[3] - d[1];
    r[0] = d[4] + T(4) * d[0] - T(5) * d[2];
    r[1] = a - T(4) * b;
    r[2] = c + T(4) * e;
    r[3] = f + T(2) * g;
    r[4] = f - T(2) * g;
    r[5] = d[5] + T(4) * d[1] - T(5) * d[3];
  }
}

template <class Vt, class T, int m>
inline void at(const Vt* p, Vt* y) {
  if constexpr (m == 2) {
    y[0] = p[0] + p[1] + p[2];
    y[1] = p[1] - p[2] - p[3];
  } else {
    Vt s1 = p[1] + p[2], d1 = p[1] - p[2], s2 = p[3] + p[4], d2 = p[3] - p[4];
    y[0] = p[0] + s1 + s2;
    y[1] = d1 + T(2) * d2;
    y[2] = s1 + T(4) * s2;
    y[3] = d1 + T(8) * d2 + p[5];
  }
}

// The first w lanes of v to dst (all of them with one store).
template <class T, class Vt>
inline void store_first(T* dst, const Vt& v, int64_t w) {
  if (w == Vec<T>::W) std::memcpy(dst, &v, sizeof(Vt));
  else for (int64_t l = 0; l < w; ++l) dst[l] = v[l];
}

// Weight transform U = G g G^T of n kernels, one per lane: element e (row-major 3x3) of kernel l
// at g[e * gs + l] (readable to a whole vector past n), element k of its U to u[k * us + l].
template <class Vt, class T, int m>
inline void gt(Vt g0, Vt g1, Vt g2, Vt* u) {  // G applied to one row or column of three
  if constexpr (m == 2) {
    u[0] = g0;
    u[1] = (g0 + g1 + g2) * T(0.5);
    u[2] = (g0 - g1 + g2) * T(0.5);
    u[3] = g2;
  } else {
    const T s = T(1) / T(6);
    Vt q = g0 * T(0.25) + g2;
    u[0] = g0 * T(0.25);
    u[1] = -(g0 + g1 + g2) * s;
    u[2] = -(g0 - g1 + g2) * s;
    u[3] = (q + g1 * T(0.5)) * s;
    u[4] = (q - g1 * T(0.5)) * s;
    u[5] = g2;
  }
}

template <class T, int m>
void wino_weights(const void* gv, int64_t gs, int64_t n, void* uv, int64_t us) {
  using Vt = typename Vec<T>::type;
  constexpr int a = m + 2;
  constexpr int64_t W = Vec<T>::W;
  const T* g = static_cast<const T*>(gv);
  T* u = static_cast<T*>(uv);
  for (int64_t l = 0; l < n; l += W) {
    Vt e[9], c[a][3], r[a];
    for (int k = 0; k < 9; ++k) std::memcpy(&e[k], g + k * gs + l, sizeof(Vt));
    for (int j = 0; j < 3; ++j) {  // G g, down the columns
      Vt col[a];
      gt<Vt, T, m>(e[j], e[3 + j], e[6 + j], col);
      for (int i = 0; i < a; ++i) c[i][j] = col[i];
    }
    const int64_t w = std::min<int64_t>(W, n - l);
    for (int i = 0; i < a; ++i) {  // (G g) G^T, along the rows
      gt<Vt, T, m>(c[i][0], c[i][1], c[i][2], r);
      for (int j = 0; j < a; ++j) store_first<T>(u + (i * a + j) * us + l, r[j], w);
    }
  }
}

// Element (i, j) of n consecutive input tiles of one tile row, from its a input rows (rs apart,
// starting at the first tile's column, readable kWinoSlack past the tiles' last column), to
// q[(i * a + j) * qs + t]. May write up to a vector past n.
template <class T, int m>
void wino_gather(const void* rowsv, int64_t rs, int64_t n, void* qv, int64_t qs) {
  constexpr int a = m + 2;
  const T* rows = static_cast<const T*>(rowsv);
  T* q = static_cast<T*>(qv);
  for (int i = 0; i < a; ++i)
    for (int j = 0; j < a; ++j) {
      const T* src = rows + i * rs + j;
      T* dst = q + (i * a + j) * qs;
      for (int64_t t = 0; t < n; ++t) dst[t] = src[m * t];
    }
}

#if defined(__AVX512F__)
// float32 on AVX-512: 16 tiles of one (i, j) at a time, the stride-m lanes picked out of the
// row's next 16 * m values by two-source permutes
template <int m>
void wino_gather_f32(const void* rowsv, int64_t rs, int64_t n, void* qv, int64_t qs) {
  constexpr int a = m + 2;
  const float* rows = static_cast<const float*>(rowsv);
  float* q = static_cast<float*>(qv);
  alignas(64) int32_t lo[16], hi[16];
  for (int l = 0; l < 16; ++l) {  // m = 2: lane l <- 2l of (A, B); m = 4: l < 8 from (A, B), l >= 8 from (C, D)
    lo[l] = m == 2 ? 2 * l : 4 * (l & 7);
    hi[l] = 4 * (l & 7);
  }
  const __m512i ilo = _mm512_load_si512(lo), ihi = _mm512_load_si512(hi);
  for (int64_t t = 0; t < n; t += 16)
    for (int i = 0; i < a; ++i)
      for (int j = 0; j < a; ++j) {
        const float* src = rows + i * rs + m * t + j;
        __m512 v = _mm512_permutex2var_ps(_mm512_loadu_ps(src), ilo, _mm512_loadu_ps(src + 16));
        if (m == 4)
          v = _mm512_mask_blend_ps(0xFF00, v, _mm512_permutex2var_ps(_mm512_loadu_ps(src + 32), ihi, _mm512_loadu_ps(src + 48)));
        _mm512_storeu_ps(q + (i * a + j) * qs + t, v);
      }
}
#endif

#if defined(__AVX512F__)
// float32 F(4x4, 3x3) on AVX-512, straight between the planes and the GEMM's matrices, one tile
// per lane: 16 tiles at a time as two halves of up to 8 tiles, each from its own tile row (so
// images 8 tiles wide fill the vectors too).

// The 32 + 2 input columns of one half's patch row i (zeros outside the plane, through masked
// loads that never touch the masked-out memory).
inline void half_row(const WinoHalf* h, int i, int64_t rs, int64_t H, int64_t W, __m512* v, float* extra) {
  const int64_t ih = h ? h->y0 + i : -1;
  if (ih < 0 || ih >= H) {
    v[0] = v[1] = _mm512_setzero_ps();
    extra[0] = extra[1] = 0.f;
    return;
  }
  const float* r = h->x + ih * rs;
  const int64_t c = h->x0;
  v[0] = _mm512_maskz_loadu_ps(lanes(c, W), r + c);
  v[1] = _mm512_maskz_loadu_ps(lanes(c + 16, W), r + c + 16);
  for (int k = 0; k < 2; ++k) extra[k] = c + 32 + k >= 0 && c + 32 + k < W ? r[c + 32 + k] : 0.f;
}

inline __m512 shift_in(__m512 p, float lane7, float lane15) {  // p one tile on, per half
  __m512 s = _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(_mm512_set1_ps(lane15)), _mm512_castps_si512(p), 1));
  return _mm512_mask_mov_ps(s, 0x80, _mm512_set1_ps(lane7));
}

// Input: pairs of halves, (h[0], h[1]), (h[2], h[3]), ..., consecutive tiles of one panel of V:
// tile element k of a half's tile u to V[k * vs + pos + u]. The four column phases of a patch row
// come from its 32 columns by two rounds of two-source permutes (even/odd twice); phases 4 and 5
// are phases 0 and 1 one tile on.
void wino4_in_f32(const WinoHalf* hs, int64_t nh, int64_t rs, int64_t H, int64_t W, float* V, int64_t vs) {
  const __m512i kEven = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i kOdd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  for (int64_t g = 0; g < nh; g += 2) {
    const WinoHalf* A = hs + g;
    const WinoHalf* B = g + 1 < nh ? hs + g + 1 : nullptr;
    __m512 e[6][6];  // e[i]: B^T applied along patch row i
    for (int i = 0; i < 6; ++i) {
      __m512 v[4], p[6];
      float xa[2], xb[2];
      half_row(A, i, rs, H, W, v, xa);
      half_row(B, i, rs, H, W, v + 2, xb);
      __m512 e0 = _mm512_permutex2var_ps(v[0], kEven, v[1]), o0 = _mm512_permutex2var_ps(v[0], kOdd, v[1]);
      __m512 e1 = _mm512_permutex2var_ps(v[2], kEven, v[3]), o1 = _mm512_permutex2var_ps(v[2], kOdd, v[3]);
      p[0] = _mm512_permutex2var_ps(e0, kEven, e1);
      p[1] = _mm512_permutex2var_ps(o0, kEven, o1);
      p[2] = _mm512_permutex2var_ps(e0, kOdd, e1);
      p[3] = _mm512_permutex2var_ps(o0, kOdd, o1);
      p[4] = shift_in(p[0], xa[0], xb[0]);
      p[5] = shift_in(p[1], xa[1], xb[1]);
      bt<__m512, float, 4>(p, e[i]);
    }
    // lanes 0 .. na-1 and 8 .. 8+nb-1 hold tiles; packed together when the first half is short
    const int64_t na = A->n, nb = B ? B->n : 0;
    const __mmask16 used = static_cast<__mmask16>(((1u << na) - 1) | (((1u << nb) - 1) << 8));
    const __mmask16 keep = static_cast<__mmask16>((1u << (na + nb)) - 1);
    float* dst = V + A->pos;
    for (int j = 0; j < 6; ++j) {
      __m512 col[6], v[6];
      for (int i = 0; i < 6; ++i) col[i] = e[i][j];
      bt<__m512, float, 4>(col, v);
      for (int i = 0; i < 6; ++i) {
        __m512 out = na == 8 ? v[i] : _mm512_maskz_compress_ps(used, v[i]);
        _mm512_mask_storeu_ps(dst + (i * 6 + j) * vs, keep, out);
      }
    }
  }
}

// Output: pairs of halves; product element k of a half's tile u at M[k * ms + pos + u] (readable
// a vector past it), its 4x4 block to columns 4u .. 4u + 3 of the half's rows y[0..3] (null: past
// the image), only the first ncols columns. The column phases of an output row are interleaved
// back by two rounds of permutes.
void wino4_out_f32(const WinoHalf* hs, int64_t nh, const float* M, int64_t ms) {
  const __m512i ilo = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);  // a0 b0 a1 b1 ...
  const __m512i ihi = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  const __m512i plo = _mm512_setr_epi32(0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23);  // pairs of each
  const __m512i phi = _mm512_setr_epi32(8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31);
  for (int64_t g = 0; g < nh; g += 2) {
    const WinoHalf* A = hs + g;
    const WinoHalf* B = g + 1 < nh ? hs + g + 1 : nullptr;
    const bool joint = !B || B->pos == A->pos + 8;  // the pair's tiles are one vector of M
    __m512 h[6][4];  // A^T applied along product row i
    for (int i = 0; i < 6; ++i) {
      __m512 p[6];
      for (int j = 0; j < 6; ++j) {
        const float* mk = M + (i * 6 + j) * ms;
        p[j] = _mm512_loadu_ps(mk + A->pos);
        if (!joint) p[j] = _mm512_mask_loadu_ps(p[j], 0xFF00, mk + B->pos - 8);
      }
      at<__m512, float, 4>(p, h[i]);
    }
    __m512 out[4][4];  // out[i][j]: output row i, column phase j
    for (int j = 0; j < 4; ++j) {
      __m512 col[6], o[4];
      for (int i = 0; i < 6; ++i) col[i] = h[i][j];
      at<__m512, float, 4>(col, o);
      for (int i = 0; i < 4; ++i) out[i][j] = o[i];
    }
    for (int i = 0; i < 4; ++i) {
      __m512 a = _mm512_permutex2var_ps(out[i][0], ilo, out[i][1]), b = _mm512_permutex2var_ps(out[i][0], ihi, out[i][1]);
      __m512 c = _mm512_permutex2var_ps(out[i][2], ilo, out[i][3]), d = _mm512_permutex2var_ps(out[i][2], ihi, out[i][3]);
      const __m512 q[4] = {_mm512_permutex2var_ps(a, plo, c), _mm512_permutex2var_ps(a, phi, c),
                           _mm512_permutex2var_ps(b, plo, d), _mm512_permutex2var_ps(b, phi, d)};
      for (int half = 0; half < 2; ++half) {
        const WinoHalf* hh = half ? B : A;
        if (!hh || !hh->y[i]) continue;
        for (int l = 0; l < 2; ++l)
          if (16 * l < hh->ncols) _mm512_mask_storeu_ps(hh->y[i] + 16 * l, lanes(16 * l, hh->ncols), q[2 * half + l]);
      }
    }
  }
}
#endif

// Input transform V = B^T d B of n tiles: element (i, j) of tile t's input at q[(i * a + j) * qs + t]
// (readable up to a whole vector past n), element k of its result to V[k * vs + t].
template <class T, int m>
void wino_in(const void* qv, int64_t qs, int64_t n, void* Vv, int64_t vs) {
  using Vt = typename Vec<T>::type;
  constexpr int a = m + 2;
  constexpr int64_t W = Vec<T>::W;
  const T* q = static_cast<const T*>(qv);
  T* V = static_cast<T*>(Vv);
  for (int64_t t = 0; t < n; t += W) {
    Vt r[a][a];  // r[i][j]: B^T applied down column j
    for (int j = 0; j < a; ++j) {
      Vt d[a], c[a];
      for (int i = 0; i < a; ++i) std::memcpy(&d[i], q + (i * a + j) * qs + t, sizeof(Vt));
      bt<Vt, T, m>(d, c);
      for (int i = 0; i < a; ++i) r[i][j] = c[i];
    }
    const int64_t w = std::min<int64_t>(W, n - t);
    for (int i = 0; i < a; ++i) {
      Vt v[a];
      bt<Vt, T, m>(r[i], v);
      for (int j = 0; j < a; ++j) store_first<T>(V + (i * a + j) * vs + t, v[j], w);
    }
  }
}

// Output transform Y = A^T p A of n tiles: element k of tile t's product at M[k * ms + t] (readable
// up to a whole vector past n), output (i, j) to z[(i * m + j) * zs + t] (writable likewise).
template <class T, int m>
void wino_out(const void* Mv, int64_t ms, int64_t n, void* zv, int64_t zs) {
  using Vt = typename Vec<T>::type;
  constexpr int a = m + 2;
  constexpr int64_t W = Vec<T>::W;
  const T* M = static_cast<const T*>(Mv);
  T* z = static_cast<T*>(zv);
  for (int64_t t = 0; t < n; t += W) {
    Vt h[a][m];  // h[i][j]: A^T applied along row i
    for (int i = 0; i < a; ++i) {
      Vt p[a];
      for (int j = 0; j < a; ++j) std::memcpy(&p[j], M + (i * a + j) * ms + t, sizeof(Vt));
      at<Vt, T, m>(p, h[i]);
    }
    for (int j = 0; j < m; ++j) {
      Vt col[a], y[m];
      for (int i = 0; i < a; ++i) col[i] = h[i][j];
      at<Vt, T, m>(col, y);
      for (int i = 0; i < m; ++i) std::memcpy(z + (i * m + j) * zs + t, &y[i], sizeof(Vt));
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
  t->wino_weights[0][0] = &wino_weights<float, 2>;
  t->wino_weights[0][1] = &wino_weights<double, 2>;
  t->wino_weights[1][0] = &wino_weights<float, 4>;
  t->wino_weights[1][1] = &wino_weights<double, 4>;
  t->wino_gather[0][0] = &wino_gather<float, 2>;
  t->wino_gather[0][1] = &wino_gather<double, 2>;
  t->wino_gather[1][0] = &wino_gather<float, 4>;
  t->wino_gather[1][1] = &wino_gather<double, 4>;
#if defined(__AVX512F__)
  t->wino_gather[0][0] = &wino_gather_f32<2>;
  t->wino_gather[1][0] = &wino_gather_f32<4>;
  t->wino4_in_f32 = &wino4_in_f32;
  t->wino4_out_f32 = &wino4_out_f32;
#endif
  t->wino_in[0][0] = &wino_in<float, 2>;
  t->wino_in[0][1] = &wino_in<double, 2>;
  t->wino_in[1][0] = &wino_in<float, 4>;
  t->wino_in[1][1] = &wino_in<double, 4>;
  t->wino_out[0][0] = &wino_out<float, 2>;
  t->wino_out[0][1] = &wino_out<double, 2>;
  t->wino_out[1][0] = &wino_out<float, 4>;
  t->wino_out[1][1] = &wino_out<double, 4>;
}

}  // namespace MNNX_ISA
}  // namespace mnnx
