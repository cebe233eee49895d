// Suzuki-Abe border following (Suzuki & Abe, 1985) over a zero-padded int32 label copy: 0 background,
// 1 unvisited foreground, +nbd a visited border pixel, -nbd one whose right neighbour is background.
#include "cv/contours.h"

namespace mnnx::cv {

void find_contours(const uint8_t* img, int h, int w, bool simple, int ox, int oy, std::vector<int32_t>& pts,
                   std::vector<int32_t>& info) {
  const int W2 = w + 2;
  std::vector<int32_t> lab(size_t(h + 2) * W2, 0);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) lab[size_t(y + 1) * W2 + x + 1] = img[size_t(y) * w + x] != 0;
  // Chain directions 0..7 counter-clockwise from +x (y grows downwards), repeated so a search may run past 7.
  static const int cdx[8] = {1, 1, 0, -1, -1, -1, 0, 1}, cdy[8] = {0, -1, -1, -1, 0, 1, 1, 1};
  int d[16];
  for (int s = 0; s < 16; ++s) d[s] = cdy[s & 7] * W2 + cdx[s & 7];
  // Contour 0 is the frame (a hole); contour k >= 1 carries label k + 1.
  std::vector<int32_t> is_hole{1}, parent{-1};
  int32_t* L = lab.data();
  for (int y = 1; y <= h; ++y) {
    int lnbd = 1;
    for (int x = 1; x <= w; ++x) {
      const int i0 = y * W2 + x;
      const int p = L[i0];
      int hole;
      if (p == 1 && L[i0 - 1] == 0) hole = 0;
      else if (p >= 1 && L[i0 + 1] == 0) hole = 1;
      else hole = -1;
      if (hole >= 0) {
        if (hole && p > 1) lnbd = p;
        const int k = int(is_hole.size()), nbd = k + 1;
        const int b = lnbd - 1;  // the border last met on this row
        int par;
        if (!hole) par = is_hole[b] ? b : parent[b];
        else par = is_hole[b] ? parent[b] : b;
        is_hole.push_back(hole);
        parent.push_back(par);
        const int first = int(pts.size() / 2);
        int px = x - 1 + ox, py = y - 1 + oy;
        int s = hole ? 0 : 4, s_end = s, i1;
        do {
          s = (s - 1) & 7;
          i1 = i0 + d[s];
        } while (L[i1] == 0 && s != s_end);
        if (s == s_end) {  // an isolated pixel
          L[i0] = -nbd;
          pts.push_back(px);
          pts.push_back(py);
        } else {
          int i3 = i0, prev_s = s ^ 4;
          for (;;) {
            s_end = s;
            int i4;
            do i4 = i3 + d[++s]; while (L[i4] == 0);
            s &= 7;
            if (unsigned(s - 1) < unsigned(s_end)) L[i3] = -nbd;  // the right neighbour was examined: background
            else if (L[i3] == 1) L[i3] = nbd;
            if (!simple || s != prev_s) {
              pts.push_back(px);
              pts.push_back(py);
              prev_s = s;
            }
            px += cdx[s];
            py += cdy[s];
            if (i4 == i0 && i3 == i1) break;
            i3 = i4;
            s = (s + 4) & 7;
          }
        }
        info.insert(info.end(), {first, int(pts.size() / 2) - first, hole, par == 0 ? -1 : par - 1});
      }
      if (L[i0] != 0 && L[i0] != 1) lnbd = L[i0] < 0 ? -L[i0] : L[i0];
    }
  }
}

}  // namespace mnnx::cv
