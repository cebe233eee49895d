// cv2.cvtColor kernels. The Python face maps a COLOR_* code to (kind, channel counts, blue index,
// hue range) and checks channel counts and depths before calling.
#pragma once
#include "cv/image.h"

namespace mnnx::cv {

enum ColorKind : int {
  CK_SHUFFLE = 0,  // reorder / add / drop channels (alpha added as the depth's maximum)
  CK_TO_GRAY,
  CK_FROM_GRAY,
  CK_TO_YCRCB,     // param = 0: YCrCb, 1: YUV
  CK_FROM_YCRCB,
  CK_TO_HSV,       // param = hue range (180 or 256; float images always use 360)
  CK_FROM_HSV,
  CK_TO_HLS,
  CK_FROM_HLS,
  CK_TO_LAB,       // param = 0: sRGB, 1: linear RGB (COLOR_LBGR2Lab ...)
  CK_FROM_LAB,
  CK_FROM_YUV420,  // param = layout: 0 NV12, 1 NV21, 2 I420, 3 YV12; src is (h*3/2, w) gray
};

// bidx: the index of blue in the BGR/RGB side (0 for BGR, 2 for RGB). For CK_SHUFFLE, order[i] is the
// source channel of destination channel i, or -1 for an alpha channel.
void cvt_color(const Image& src, const Image& dst, int kind, int bidx, int param, const int order[4]);

}  // namespace mnnx::cv
