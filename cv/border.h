// Where a pixel index outside [0, len) reads from, for every cv2 BORDER_* mode. Shared by every cv
// kernel that looks past an image edge (resize, warp, copyMakeBorder, filters, morphology).
#pragma once
#include <cstdint>
#include <vector>

namespace mnnx::cv {

// cv2's integer values.
enum BorderMode : int {
  BORDER_CONSTANT = 0,     // iiiiii|abcdefgh|iiiiiii   (a given value)
  BORDER_REPLICATE = 1,    // aaaaaa|abcdefgh|hhhhhhh
  BORDER_REFLECT = 2,      // fedcba|abcdefgh|hgfedcb
  BORDER_WRAP = 3,         // cdefgh|abcdefgh|abcdefg
  BORDER_REFLECT_101 = 4,  // gfedcb|abcdefgh|gfedcba   (cv2's BORDER_DEFAULT)
  BORDER_TRANSPARENT = 5,  // leave the destination pixel as it is
  BORDER_ISOLATED = 16,    // a flag ORed onto the others; meaningless for whole images
};

// The source index that position p (any int, possibly far outside) reads, or -1 when it reads no source
// pixel (BORDER_CONSTANT and BORDER_TRANSPARENT outside the image). len must be >= 1.
inline int border_index(int p, int len, int mode) {
  if (p >= 0 && p < len) return p;
  switch (mode & ~BORDER_ISOLATED) {
    case BORDER_REPLICATE:
      return p < 0 ? 0 : len - 1;
    case BORDER_REFLECT:
    case BORDER_REFLECT_101: {
      if (len == 1) return 0;
      // Reflection is periodic with period 2*len (REFLECT) or 2*len-2 (REFLECT_101): fold p into one
      // period first so far-away positions (large warps) cost O(1).
      const bool edge_once = (mode & ~BORDER_ISOLATED) == BORDER_REFLECT_101;
      const int64_t period = edge_once ? 2 * int64_t(len) - 2 : 2 * int64_t(len);
      int64_t q = int64_t(p) % period;
      if (q < 0) q += period;
      if (q < len) return int(q);
      return int(edge_once ? period - q : period - 1 - q);
    }
    case BORDER_WRAP: {
      int q = p % len;
      return q < 0 ? q + len : q;
    }
    default:  // BORDER_CONSTANT, BORDER_TRANSPARENT
      return -1;
  }
}

// border_index for every position in [lo, hi): the index tables a separable kernel reads through.
inline std::vector<int> border_table(int lo, int hi, int len, int mode) {
  std::vector<int> t(hi > lo ? hi - lo : 0);
  for (int p = lo; p < hi; ++p) t[p - lo] = border_index(p, len, mode);
  return t;
}

// True for the modes border_index understands (cv2 rejects the others with an error).
inline bool border_mode_valid(int mode) {
  int m = mode & ~BORDER_ISOLATED;
  return m >= BORDER_CONSTANT && m <= BORDER_TRANSPARENT;
}

}  // namespace mnnx::cv
