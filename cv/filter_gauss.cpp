// cv2's bit-exact 8U Gaussian (filter.h): a row pass into a ring of 16-bit rows, then a column pass per
// output row. The row pass reads the source row in place; only the few pixels within the kernel's
// reach of an edge go through a small border-extended buffer.
//
// On AVX2 both passes stay in integers. The column pass multiplies pairs of rows with vpmaddwd, which
// takes signed 16-bit lanes, so there the ring holds each row value minus 32768 (bit 15 flipped); the
// sum then lacks 32768 * 256 (the kernel sums to 256), added back with the rounding constant. The
// baseline passes (CPUs without AVX2) keep plain values and sum in float, exact below 2^24.
#include <algorithm>
#include <cstring>
#include <vector>

#include "core/threadpool.h"
#include "core/vm.h"
#include "cv/filter.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define MNNX_GAUSS_AVX2 1
#endif

namespace mnnx::cv {
namespace {

constexpr int64_t kRowGrain = 16;

// r[i] = sum_j k[j] * e[i + j * C] (symmetric k of odd length kw), exact in 16 bits. The baseline passes
// serve CPUs without AVX2 only, so they are kept short.
void row_base(const uint8_t* e, uint16_t* r, int n, int C, const uint16_t* k, int kw) {
  const int h = kw / 2;
  const uint16_t kc = k[h];
  const uint8_t* m = e + h * C;
  for (int i = 0; i < n; ++i) r[i] = uint16_t(kc * m[i]);
  for (int j = 1; j <= h; ++j) {
    const uint16_t kj = k[h - j];
    const uint8_t *lo = m - j * C, *hi = m + j * C;
    for (int i = 0; i < n; ++i) r[i] = uint16_t(r[i] + kj * uint16_t(lo[i] + hi[i]));
  }
}

// out[i] = (sum_j k[j] * rows[j][i] + 2^15) >> 16; every partial sum is below 255 * 2^16 < 2^24.
void col_base(const uint16_t* const* rows, uint8_t* out, int n, const uint16_t* k, int kh) {
  const int h = kh / 2;
  std::vector<float> acc(n);
  const float kc = k[h];
  for (int i = 0; i < n; ++i) acc[i] = kc * float(rows[h][i]);
  for (int j = 1; j <= h; ++j) {
    const float kj = k[h - j];
    const uint16_t *lo = rows[h - j], *hi = rows[h + j];
    for (int i = 0; i < n; ++i) acc[i] += kj * float(int(lo[i]) + hi[i]);
  }
  for (int i = 0; i < n; ++i) out[i] = uint8_t((int(acc[i]) + (1 << 15)) >> 16);
}

#ifdef MNNX_GAUSS_AVX2
#define MNNX_AVX2 __attribute__((target("avx2")))
constexpr int kBiasedRound = (32768 << 8) + 32768;  // the missing 32768 * 256, plus half a unit

MNNX_AVX2 inline __m256i load16_u8(const uint8_t* p) {
  return _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

// row_base in 16-bit lanes, stored with bit 15 flipped. Products and sums wrap, but modulo 2^16 the
// result is exact, and the true result is at most 255 * 256. H is kw / 2 (0: read it from kw).
template <int H>
MNNX_AVX2 void row_avx2(const uint8_t* e, uint16_t* r, int n, int C, const uint16_t* k, int kw) {
  const int h = H ? H : kw / 2;
  const uint8_t* m = e + h * C;
  const __m256i kc = _mm256_set1_epi16(short(k[h])), flip = _mm256_set1_epi16(short(0x8000));
  int i = 0;
  for (; i + 16 <= n; i += 16) {
    __m256i acc = _mm256_mullo_epi16(load16_u8(m + i), kc);
    for (int j = 1; j <= h; ++j) {
      const __m256i s = _mm256_add_epi16(load16_u8(m + i - j * C), load16_u8(m + i + j * C));
      acc = _mm256_add_epi16(acc, _mm256_mullo_epi16(s, _mm256_set1_epi16(short(k[h - j]))));
    }
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(r + i), _mm256_xor_si256(acc, flip));
  }
  for (; i < n; ++i) {
    unsigned acc = k[h] * m[i];
    for (int j = 1; j <= h; ++j) acc += k[h - j] * unsigned(m[i - j * C] + m[i + j * C]);
    r[i] = uint16_t(acc ^ 0x8000u);
  }
}

// The column pass on biased rows: rows taken in pairs, interleaved and multiplied by their pair of
// weights with vpmaddwd (an odd last row pairs with zero). The unpack lo/hi order is undone by the
// packs. NP is the number of pairs, (kh + 1) / 2 (0: computed from kh).
MNNX_AVX2 inline __m256i col16(const uint16_t* const* rows, int i, const int* wk, int np, int kh) {
  __m256i lo = _mm256_set1_epi32(kBiasedRound), hi = lo;
  for (int p = 0; p < np; ++p) {
    const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(rows[2 * p] + i));
    const __m256i b = 2 * p + 1 < kh ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(rows[2 * p + 1] + i))
                                     : _mm256_setzero_si256();
    const __m256i w = _mm256_set1_epi32(wk[p]);
    lo = _mm256_add_epi32(lo, _mm256_madd_epi16(_mm256_unpacklo_epi16(a, b), w));
    hi = _mm256_add_epi32(hi, _mm256_madd_epi16(_mm256_unpackhi_epi16(a, b), w));
  }
  return _mm256_packus_epi32(_mm256_srli_epi32(lo, 16), _mm256_srli_epi32(hi, 16));
}

// The column pass on biased rows: rows taken in pairs, interleaved and multiplied by their pair of
// weights with vpmaddwd (an odd last row pairs with zero); the packs undo the unpacks' lane order.
// NP is the number of pairs, (kh + 1) / 2 (0: computed from kh).
template <int NP>
MNNX_AVX2 void col_avx2(const uint16_t* const* rows, uint8_t* out, int n, const uint16_t* k, int kh) {
  const int np = NP ? NP : (kh + 1) / 2;
  int fixed[8];
  std::vector<int> many(np > 8 ? np : 0);
  int* wk = np > 8 ? many.data() : fixed;  // each pair of weights as the two 16-bit halves of an int
  for (int p = 0; p < np; ++p) wk[p] = int(k[2 * p]) | int(2 * p + 1 < kh ? k[2 * p + 1] : 0) << 16;
  int i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256i b = _mm256_packus_epi16(col16(rows, i, wk, np, kh), col16(rows, i + 16, wk, np, kh));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), _mm256_permute4x64_epi64(b, 0xD8));
  }
  for (; i < n; ++i) {
    int s = kBiasedRound;
    for (int j = 0; j < kh; ++j) s += int(k[j]) * int16_t(rows[j][i]);
    out[i] = uint8_t(s >> 16);
  }
}
#endif

struct Passes {
  void (*row)(const uint8_t*, uint16_t*, int, int, const uint16_t*, int);
  void (*col)(const uint16_t* const*, uint8_t*, int, const uint16_t*, int);
  uint16_t zero_row;  // what a row of zeros (outside the image under BORDER_CONSTANT) holds in the ring
};

// The engine's ISA choice (mnnx.debug.force_isa("generic") selects the baseline passes for tests).
Passes passes(int kw, int kh) {
#ifdef MNNX_GAUSS_AVX2
  if (std::strcmp(isa_name(), "generic") != 0)
    return {kw == 5 ? row_avx2<2> : kw == 3 ? row_avx2<1> : row_avx2<0>,
            kh == 5 ? col_avx2<3> : kh == 3 ? col_avx2<2> : col_avx2<0>, 0x8000};
#endif
  return {row_base, col_base, 0};
}

// Pixels [x0, x1) of source row s, through the border rule (0 outside under BORDER_CONSTANT).
void edge_pixels(const uint8_t* s, int w, int C, int x0, int x1, int border, uint8_t* out) {
  for (int x = x0; x < x1; ++x) {
    const int sx = border_index(x, w, border);
    for (int c = 0; c < C; ++c) *out++ = sx < 0 ? uint8_t(0) : s[sx * C + c];
  }
}

}  // namespace

void gaussian_u8(const HwcImage& src, const HwcImage& dst, const std::vector<uint16_t>& kx,
                 const std::vector<uint16_t>& ky, int border) {
  const int C = src.c, W = src.w, WC = W * C, kw = int(kx.size()), kh = int(ky.size());
  const int ax = kw / 2, ay = kh / 2;
  const Passes ps = passes(kw, kh);
  parallel_for(src.h, kRowGrain, [&](int64_t y0, int64_t y1, int) {
    std::vector<uint8_t> ext(size_t(W + kw - 1) * C);  // a whole extended row (narrow images) or an edge
    std::vector<uint16_t> ring(size_t(kh) * WC);
    std::vector<const uint16_t*> rows(kh);
    auto fill = [&](int v, uint16_t* r) {
      const int sy = border_index(v, src.h, border);
      if (sy < 0) return std::fill(r, r + WC, ps.zero_row);
      const uint8_t* s = src.row<uint8_t>(sy);
      if (W < kw) {
        edge_pixels(s, W, C, -ax, W + ax, border, ext.data());
        return ps.row(ext.data(), r, WC, C, kx.data(), kw);
      }
      edge_pixels(s, W, C, -ax, kw - 1, border, ext.data());  // outputs [0, ax)
      ps.row(ext.data(), r, ax * C, C, kx.data(), kw);
      ps.row(s, r + ax * C, (W - kw + 1) * C, C, kx.data(), kw);  // outputs [ax, W - ax): taps in the row
      edge_pixels(s, W, C, W - kw + 1, W + ax, border, ext.data());  // outputs [W - ax, W)
      ps.row(ext.data(), r + (W - ax) * C, ax * C, C, kx.data(), kw);
    };
    int next = int(y0) - ay;
    for (int y = int(y0); y < int(y1); ++y) {
      for (; next < y - ay + kh; ++next) fill(next, &ring[size_t(ring_slot(next, kh)) * WC]);
      for (int k = 0; k < kh; ++k) rows[k] = &ring[size_t(ring_slot(y - ay + k, kh)) * WC];
      ps.col(rows.data(), dst.row<uint8_t>(y), WC, ky.data(), kh);
    }
  });
}

}  // namespace mnnx::cv
