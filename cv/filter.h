// Entry points of the neighbourhood kernels behind mnnx.cv's filters, morphology, threshold and Canny.
// Callers (the bindings) pass images already checked by the Python face: depths and shapes as listed.
#pragma once
#include <cstdint>
#include <vector>

#include "cv/filter_common.h"

namespace mnnx::cv {

// dst = saturate(sum ky[j] * sum kx[i] * src[y - ay + j][x - ax + i] + delta); src 8U or 32F; dst 8U,
// 16S or 32F; sums in float.
void sep_filter(const HwcImage& src, const HwcImage& dst, const std::vector<float>& kx, const std::vector<float>& ky,
                int ax, int ay, float delta, int border);
// cv2's bit-exact 8U Gaussian: kernels in 1/256 units that sum to 256, a row pass kept exact in 16 bits,
// a column pass rounded once from 1/65536 units. Centered kernels.
void gaussian_u8(const HwcImage& src, const HwcImage& dst, const std::vector<uint16_t>& kx,
                 const std::vector<uint16_t>& ky, int border);
// Normalized 8U box filter (sum * scale, rounded once), any kw <= 257.
void box_u8(const HwcImage& src, const HwcImage& dst, int kw, int kh, int ax, int ay, float scale, int border);
// General 2-D correlation with a kh x kw float kernel (row-major), same depths as sep_filter.
void filter_2d(const HwcImage& src, const HwcImage& dst, const std::vector<float>& k, int kh, int kw, int ax, int ay,
               float delta, int border);
// Erode (min) or dilate (max) over the nonzero cells of a kh x kw element; 8U or 32F; border_value is
// used for BORDER_CONSTANT.
void morph(const HwcImage& src, const HwcImage& dst, const std::vector<uint8_t>& element, int kh, int kw, int ax, int ay,
           bool dilate, int border, double border_value);
// Median over a k x k window with replicated borders; 8U any odd k, 32F k in {3, 5}.
void median(const HwcImage& src, const HwcImage& dst, int k);
// cv2.bilateralFilter on 8U or 32F, 1 or 3 channels.
void bilateral(const HwcImage& src, const HwcImage& dst, int d, double sigma_color, double sigma_space, int border);
// Elementwise threshold (types 0..4); 8U (thresh, maxval already integers) or 32F.
void threshold(const HwcImage& src, const HwcImage& dst, double thresh, double maxval, int type);
// Counts of each 8-bit value among n bytes; dst[i] = table[src[i]] over n bytes.
void histogram_u8(const uint8_t* src, int64_t n, int64_t* hist);
void lut_u8(const uint8_t* src, uint8_t* dst, int64_t n, const uint8_t* table);
// Canny from 16S derivatives (h, w, c): per pixel the channel of largest magnitude, non-maximum
// suppression and hysteresis, as cv2 does; dst 8U (h, w).
void canny(const HwcImage& dx, const HwcImage& dy, const HwcImage& dst, int low, int high, bool l2);

}  // namespace mnnx::cv
