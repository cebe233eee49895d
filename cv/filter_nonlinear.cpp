// Median and bilateral filters.
#include <algorithm>
#include <cmath>

#include "core/errors.h"
#include "core/threadpool.h"
#include "cv/filter.h"

namespace mnnx::cv {
namespace {

// 8U median: one 256-bin histogram per channel slides along the row (Huang); the median moves by a few
// bins per step, tracked with the count of values below it.
void median_u8(const Image& src, const Image& dst, int k) {
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

void median_f32(const Image& src, const Image& dst, int k) {
  const int C = src.c, W = src.w, H = src.h, r = k / 2;
  parallel_for(H, 8, [&](int64_t y0, int64_t y1, int) {
    std::vector<float> win(k * k);
    for (int y = int(y0); y < int(y1); ++y) {
      float* out = dst.row<float>(y);
      for (int x = 0; x < W; ++x)
        for (int c = 0; c < C; ++c) {
          int n = 0;
          for (int j = -r; j <= r; ++j) {
            const float* s = src.row<float>(std::min(std::max(y + j, 0), H - 1));
            for (int i = -r; i <= r; ++i) win[n++] = s[std::min(std::max(x + i, 0), W - 1) * C + c];
          }
          std::nth_element(win.begin(), win.begin() + n / 2, win.begin() + n);
          out[x * C + c] = win[n / 2];
        }
    }
  });
}

// cv2's bilateral filter: a disc of radius r, space weights exp(-d^2 / 2 ss^2), color weights of the summed
// absolute channel difference exp(-D^2 / 2 sc^2) (a table for 8U), border through the given mode.
template <class T>
void bilateral_run(const Image& src, const Image& dst, int radius, double sc, double ss, int border) {
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

void median(const Image& src, const Image& dst, int k) {
  if (src.depth == D_8U) return median_u8(src, dst, k);
  if (src.depth == D_32F) return median_f32(src, dst, k);
  fail(ErrKind::TYPE, "medianBlur: unsupported depth");
}

void bilateral(const Image& src, const Image& dst, int d, double sigma_color, double sigma_space, int border) {
  if (sigma_color <= 0) sigma_color = 1;
  if (sigma_space <= 0) sigma_space = 1;
  int radius = d <= 0 ? int(std::lrint(sigma_space * 1.5)) : d / 2;
  radius = std::max(radius, 1);
  if (src.depth == D_8U) return bilateral_run<uint8_t>(src, dst, radius, sigma_color, sigma_space, border);
  if (src.depth == D_32F) return bilateral_run<float>(src, dst, radius, sigma_color, sigma_space, border);
  fail(ErrKind::TYPE, "bilateralFilter: unsupported depth");
}

}  // namespace mnnx::cv
