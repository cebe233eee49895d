// Geometric kernels with cv2's conventions (pixel centres, fixed-point rounding for uint8). Callers
// have checked shapes, depths and flags; dst is allocated with the right shape.
#pragma once
#include "cv/image.h"

namespace mnnx::cv {

enum Interp : int { INTER_NEAREST = 0, INTER_LINEAR = 1, INTER_CUBIC = 2, INTER_AREA = 3 };

// inv_scale_x/y are dst/src as cv2 uses them (fx, fy, or dsize over ssize).
void resize(const Image& src, const Image& dst, double inv_scale_x, double inv_scale_y, int interp);

// Sampling maps: dst pixel (x, y) reads src at M applied to (x, y) (M already inverted: dst -> src).
void warp_affine(const Image& src, const Image& dst, const double M[6], int interp, int border, const double value[4]);
void warp_perspective(const Image& src, const Image& dst, const double M[9], int interp, int border,
                      const double value[4]);
// mapx/mapy: float32 maps of dst's size (mapy may alias mapx + 1 with stride 2 for a 2-channel map).
void remap(const Image& src, const Image& dst, const float* mapx, const float* mapy, int64_t map_row_stride,
           int map_pixel_stride, int interp, int border, const double value[4]);

void copy_make_border(const Image& src, const Image& dst, int top, int left, int border, const double value[4]);
void pyr_down(const Image& src, const Image& dst, int border);
void pyr_up(const Image& src, const Image& dst, int border);

}  // namespace mnnx::cv
