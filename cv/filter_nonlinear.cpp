// Median and bilateral filters.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <utility>

#include "core/errors.h"
#include "core/threadpool.h"
#include "cv/filter.h"

namespace mnnx::cv {
namespace {

// 8U median: one 256-bin histogram per channel slides along the row (Huang); the median moves by a few
// bins per step, tracked with the count of values below it.
void median_u8(const HwcImage& src, const HwcImage& dst, int k) {
  const int C = src.c, W = src.w, H = src.h, r = k / 2, half = k * k / 2;
  parallel_for(H, 8, [&](int64_t y0, int64_t y1, int) {
    std::vector<const uint8_t*> rows(k);
    int hist[256];
    for (int y = int(y0); y < int(y1); ++y) {
      for (int j = 0; j < k; ++j) rows[j] = src.row<uint8_t>(std::min(std::max(y - r + j, 0), H - 1));
      uint8_t* out = dst.row<uint8_t>(y);
      for (int c = 0; c < C; ++c) {
        std::fill(hist, hist + 256, 0);
        for (int x = -r; x <= r; ++x) {
          int sx = std::min(std::max(x, 0), W - 1);
          for (int j = 0; j < k; ++j) ++hist[rows[j][sx * C + c]];
        }
        int m = 0, below = 0;
        while (below + hist[m] <= half) below += hist[m++];
        out[c] = uint8_t(m);
        for (int x = 1; x < W; ++x) {
          int sx_out = std::max(x - r - 1, 0), sx_in = std::min(x + r, W - 1);
          for (int j = 0; j < k; ++j) {
            int v = rows[j][sx_out * C + c];
            --hist[v];
            below -= v < m;
            v = rows[j][sx_in * C + c];
            ++hist[v];
            below += v < m;
          }
          while (below > half) below -= hist[--m];
          while (below + hist[m] <= half) below += hist[m++];
          out[x * C + c] = uint8_t(m);
        }
      }
    }
  });
}

// A median-of-n selection network over n block rows: Batcher's odd-even merge sort on the next power of
// two, with the padding wires (conceptually +max) folded away and every compare-exchange that cannot
// reach the middle output dropped. Returns the pairs and sets *out to the row that ends up the median.
std::vector<std::pair<int, int>> median_network_pairs(int n, int* out) {
  int lanes = 1;
  while (lanes < n) lanes <<= 1;
  std::vector<std::pair<int, int>> sort;
  for (int p = 1; p < lanes; p <<= 1)
    for (int k = p; k >= 1; k >>= 1)
      for (int j = k % p; j + k < lanes; j += 2 * k)
        for (int i = 0; i < std::min(k, lanes - j - k); ++i)
          if ((i + j) / (2 * p) == (i + j + k) / (2 * p)) sort.emplace_back(i + j, i + j + k);
  std::vector<int> slot(lanes);
  std::vector<char> is_max(lanes);
  for (int w = 0; w < lanes; ++w) slot[w] = w, is_max[w] = w >= n;
  std::vector<std::pair<int, int>> kept;
  for (auto [lo, hi] : sort) {
    if (is_max[hi]) continue;  // the maximum already sits on the high wire
    if (is_max[lo]) {          // the exchange just moves values: rename the wires
      std::swap(slot[lo], slot[hi]);
      std::swap(is_max[lo], is_max[hi]);
      continue;
    }
    kept.emplace_back(slot[lo], slot[hi]);
  }
  *out = slot[n / 2];
  std::vector<char> needed(lanes, 0);
  needed[*out] = 1;
  std::vector<std::pair<int, int>> pruned;
  for (auto it = kept.rbegin(); it != kept.rend(); ++it)
    if (needed[it->first] || needed[it->second]) {
      needed[it->first] = needed[it->second] = 1;
      pruned.push_back(*it);
    }
  return {pruned.rbegin(), pruned.rend()};
}

constexpr int kMedianBlock = 64;

// One compare-exchange of two block rows, written with GCC vector types (32 bytes) so it compiles to
// plain vector min/max on every target.
template <class T>
inline void exchange(T* lo, T* hi) {
  typedef T V __attribute__((vector_size(32)));
  constexpr int per = int(32 / sizeof(T));
  for (int t = 0; t < kMedianBlock; t += per) {
    V x, y;
    std::memcpy(&x, lo + t, 32);
    std::memcpy(&y, hi + t, 32);
    const V mn = x < y ? x : y, mx = x < y ? y : x;
    std::memcpy(lo + t, &mn, 32);
    std::memcpy(hi + t, &mx, 32);
  }
}

template <class T>
MNNX_CV_CLONES void sort_blocks(T* v, const std::pair<int, int>* net, int count) {
  for (int q = 0; q < count; ++q)
    exchange(v + size_t(net[q].first) * kMedianBlock, v + size_t(net[q].second) * kMedianBlock);
}

// 3x3 and 5x5 medians: the k*k window values of a block of outputs run through a selection network at
// once (compare-exchanges over whole blocks vectorize).
template <class T>
void median_network(const HwcImage& src, const HwcImage& dst, int k) {
  const int C = src.c, WC = src.w * C, r = k / 2, n = k * k;
  int mid = 0;
  const auto net = median_network_pairs(n, &mid);
  constexpr int B = kMedianBlock;
  parallel_for(src.h, 8, [&](int64_t y0, int64_t y1, int) {
    std::vector<T> rows(size_t(k) * (src.w + 2 * r) * C), v(size_t(n) * B);
    const int EW = (src.w + 2 * r) * C;
    for (int y = int(y0); y < int(y1); ++y) {
      for (int j = 0; j < k; ++j)
        extend_row<T, T>(src, y - r + j, r, r, BORDER_REPLICATE, T(0), &rows[size_t(j) * EW]);
      T* out = dst.row<T>(y);
      for (int i0 = 0; i0 < WC; i0 += B) {
        const int m = std::min(B, WC - i0);
        for (int j = 0; j < k; ++j)
          for (int dx = 0; dx < k; ++dx)
            std::copy_n(&rows[size_t(j) * EW + i0 + dx * C], m, &v[size_t(j * k + dx) * B]);
        sort_blocks(v.data(), net.data(), int(net.size()));  // lanes past m hold leftovers; never read
        std::copy_n(&v[size_t(mid) * B], m, out + i0);
      }
    }
  });
}

// cv2's bilateral filter: a disc of radius r, space weights exp(-d^2 / 2 ss^2), color weights of the summed
// absolute channel difference exp(-D^2 / 2 sc^2) (a table for 8U), border through the given mode.
template <class T>
void bilateral_run(const HwcImage& src, const HwcImage& dst, int radius, double sc, double ss, int border) {
  const int C = src.c, W = src.w, H = src.h, d = 2 * radius + 1;
  const double gc = -0.5 / (sc * sc), gs = -0.5 / (ss * ss);
  std::vector<float> space_w;
  std::vector<int> space_dy, space_dx;
  for (int i = -radius; i <= radius; ++i)
    for (int j = -radius; j <= radius; ++j) {
      double rr = std::sqrt(double(i) * i + double(j) * j);
      if (rr > radius) continue;
      space_w.push_back(float(std::exp(rr * rr * gs)));
      space_dy.push_back(i);
      space_dx.push_back(j);
    }
  std::vector<float> color_w;
  if constexpr (std::is_same_v<T, uint8_t>) {
    color_w.resize(256 * C);
    for (int i = 0; i < 256 * C; ++i) color_w[i] = float(std::exp(double(i) * i * gc));
  }
  const int n = int(space_w.size());
  parallel_for(H, 4, [&](int64_t y0, int64_t y1, int) {
    std::vector<float> ring(size_t(d) * (W + 2 * radius) * C);
    const int EW = (W + 2 * radius) * C;
    std::vector<const float*> rows(d);
    for (int y = int(y0); y < int(y1); ++y) {
      for (int j = 0; j < d; ++j) {
        extend_row<T, float>(src, y - radius + j, radius, radius, border, 0.f, &ring[size_t(j) * EW]);
        rows[j] = &ring[size_t(j) * EW];
      }
      T* out = dst.row<T>(y);
      for (int x = 0; x < W; ++x) {
        const float* c0 = rows[radius] + (x + radius) * C;
        float sum[3] = {0, 0, 0}, wsum = 0;
        for (int t = 0; t < n; ++t) {
          const float* p = rows[radius + space_dy[t]] + (x + radius + space_dx[t]) * C;
          float diff = 0;
          for (int c = 0; c < C; ++c) diff += std::fabs(p[c] - c0[c]);
          float w = space_w[t];
          if constexpr (std::is_same_v<T, uint8_t>) w *= color_w[int(diff)];
          else w *= float(std::exp(double(diff) * diff * gc));
          for (int c = 0; c < C; ++c) sum[c] += p[c] * w;
          wsum += w;
        }
        for (int c = 0; c < C; ++c) out[x * C + c] = saturate_from<T>(sum[c] / wsum);
      }
    }
  });
}

}  // namespace

void median(const HwcImage& src, const HwcImage& dst, int k) {
  if (src.depth == D_8U) return k <= 5 ? median_network<uint8_t>(src, dst, k) : median_u8(src, dst, k);
  if (src.depth == D_32F) return median_network<float>(src, dst, k);
  fail(ErrKind::TYPE, "medianBlur: unsupported depth");
}

void bilateral(const HwcImage& src, const HwcImage& dst, int d, double sigma_color, double sigma_space, int border) {
  if (sigma_color <= 0) sigma_color = 1;
  if (sigma_space <= 0) sigma_space = 1;
  int radius = d <= 0 ? int(std::lrint(sigma_space * 1.5)) : d / 2;
  radius = std::max(radius, 1);
  if (src.depth == D_8U) return bilateral_run<uint8_t>(src, dst, radius, sigma_color, sigma_space, border);
  if (src.depth == D_32F) return bilateral_run<float>(src, dst, radius, sigma_color, sigma_space, border);
  fail(ErrKind::TYPE, "bilateralFilter: unsupported depth");
}

}  // namespace mnnx::cv
