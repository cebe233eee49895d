// Border following for findContours and the raster primitives behind mnnx.cv's drawing functions.
#pragma once
#include <cstdint>
#include <vector>

#include "cv/filter_common.h"

namespace mnnx::cv {

// Suzuki-Abe border following of the nonzero pixels of an 8-bit (h, w) image, tracing the way cv2 does
// (start directions, turn order, CHAIN_APPROX_SIMPLE dropping points where the direction holds).
// pts: x, y pairs of every contour in the order found (raster order of their start pixels), offset by
// (ox, oy); info: per contour {first point index, point count, is_hole, parent contour or -1}.
void find_contours(const uint8_t* img, int h, int w, bool simple, int ox, int oy, std::vector<int32_t>& pts,
                   std::vector<int32_t>& info);

}  // namespace mnnx::cv
