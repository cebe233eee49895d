// Canny after the derivatives: magnitude (L1 or squared L2, integer), non-maximum suppression with
// cv2's fixed-point tan(22.5 deg) test, then hysteresis from the strong pixels along 8-neighbours.
#include <cstdlib>

#include "core/errors.h"
#include "core/threadpool.h"
#include "cv/filter.h"

namespace mnnx::cv {

void canny(const HwcImage& dx, const HwcImage& dy, const HwcImage& dst, int low, int high, bool l2) {
  const int H = dx.h, W = dx.w, C = dx.c;
  // Magnitude rows padded by one zero pixel each side (and a zero row above and below).
  const int MW = W + 2;
  std::vector<int> mag(size_t(H + 2) * MW, 0);
  std::vector<int16_t> gx(size_t(H) * W), gy(size_t(H) * W);
  // Rows are independent in both passes below: bands of rows run on the pool, each with its own list
  // of strong pixels; only the hysteresis walk is serial.
  parallel_for(H, 32, [&](int64_t y0, int64_t y1, int) {
  for (int y = int(y0); y < int(y1); ++y) {
    const int16_t* px = dx.row<int16_t>(y);
    const int16_t* py = dy.row<int16_t>(y);
    int* m = &mag[size_t(y + 1) * MW + 1];
    for (int x = 0; x < W; ++x) {
      int best = -1, bx = 0, by = 0;
      for (int c = 0; c < C; ++c) {
        int a = px[x * C + c], b = py[x * C + c];
        int v = l2 ? a * a + b * b : std::abs(a) + std::abs(b);
        if (v > best) best = v, bx = a, by = b;
      }
      m[x] = best;
      gx[size_t(y) * W + x] = int16_t(bx);
      gy[size_t(y) * W + x] = int16_t(by);
    }
  }
  });
  // 0: may be an edge, 1: not an edge, 2: edge. Padded like mag so neighbours need no bounds checks.
  std::vector<uint8_t> map(size_t(H + 2) * MW, 1);
  const int TG22 = 13573;  // tan(22.5 deg) in 1/2^15
  std::vector<std::vector<int>> strong(static_cast<size_t>(num_threads()));
  parallel_for(H, 32, [&](int64_t y0, int64_t y1, int part) {
  std::vector<int>& stack = strong[size_t(part)];
  for (int y = int(y0); y < int(y1); ++y) {
    const int* mp = &mag[size_t(y) * MW + 1];
    const int* mc = mp + MW;
    const int* mn = mc + MW;
    uint8_t* row = &map[size_t(y + 1) * MW + 1];
    for (int x = 0; x < W; ++x) {
      int m = mc[x];
      if (m <= low) continue;
      int xs = gx[size_t(y) * W + x], ys = gy[size_t(y) * W + x];
      int64_t ax = std::abs(xs), ay = int64_t(std::abs(ys)) << 15;
      int64_t tg22x = ax * TG22, tg67x = tg22x + (ax << 16);
      bool keep;
      if (ay < tg22x) keep = m > mc[x - 1] && m >= mc[x + 1];
      else if (ay > tg67x) keep = m > mp[x] && m >= mn[x];
      else {
        int s = (xs ^ ys) < 0 ? -1 : 1;
        keep = m > mp[x - s] && m > mn[x + s];
      }
      if (!keep) continue;
      if (m > high) {
        row[x] = 2;
        stack.push_back((y + 1) * MW + x + 1);
      } else {
        row[x] = 0;
      }
    }
  }
  });
  std::vector<int> stack;
  for (auto& part : strong) stack.insert(stack.end(), part.begin(), part.end());
  const int nb[8] = {-MW - 1, -MW, -MW + 1, -1, 1, MW - 1, MW, MW + 1};
  while (!stack.empty()) {
    int p = stack.back();
    stack.pop_back();
    for (int o : nb)
      if (map[p + o] == 0) {
        map[p + o] = 2;
        stack.push_back(p + o);
      }
  }
  for (int y = 0; y < H; ++y) {
    const uint8_t* row = &map[size_t(y + 1) * MW + 1];
    uint8_t* out = dst.row<uint8_t>(y);
    for (int x = 0; x < W; ++x) out[x] = row[x] == 2 ? 255 : 0;
  }
}

}  // namespace mnnx::cv
