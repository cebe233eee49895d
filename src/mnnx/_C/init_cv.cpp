// Bindings of the cv color and geometry kernels: unpack numpy images, release the GIL, run.
// The Python face (mnnx.cv) validates every argument and allocates the destination.
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/vector.h>

#include <cmath>
#include <vector>

#include "cv/border.h"
#include "cv/color.h"
#include "cv/geometry.h"
#include "src/mnnx/_C/cv_image.h"

namespace nb = nanobind;

namespace mnnx {

namespace {

using cv::as_image;
using cv::Image;
using cv::NbImage;
using cv::NbSrc;

void scalar4(const std::vector<double>& v, double out[4]) {
  for (int i = 0; i < 4; ++i) out[i] = i < int(v.size()) ? v[i] : 0.;
}

// The channel counts each kernel kind reads and writes (mnnx.cv checks them first; this keeps a
// direct call into _C from writing out of bounds).
void check_color_channels(int kind, int bidx, int scn, int dcn, size_t norder) {
  bool ok = (bidx == 0 || bidx == 2) && dcn >= 1 && dcn <= 4;
  switch (kind) {
    case cv::CK_SHUFFLE: ok = ok && norder == size_t(dcn); break;
    case cv::CK_TO_GRAY: ok = ok && scn >= 3 && dcn == 1; break;
    case cv::CK_FROM_GRAY: ok = ok && scn == 1 && dcn >= 3; break;
    case cv::CK_TO_YCRCB: case cv::CK_TO_HSV: case cv::CK_TO_HLS: case cv::CK_TO_LAB: ok = ok && scn >= 3 && dcn == 3; break;
    case cv::CK_FROM_YCRCB: case cv::CK_FROM_HSV: case cv::CK_FROM_HLS: case cv::CK_FROM_LAB:
    case cv::CK_FROM_YUV420: ok = ok && (kind == cv::CK_FROM_YUV420 ? scn == 1 : scn == 3) && dcn >= 3; break;
    default: ok = false;
  }
  if (!ok) fail(ErrKind::VALUE, "cv: channel counts do not fit the color conversion");
}

template <size_t N>
void matrix(const std::vector<double>& v, double out[N]) {
  if (v.size() != N) fail(ErrKind::VALUE, "cv: transformation matrix has the wrong size");
  for (size_t i = 0; i < N; ++i) out[i] = v[i];
}

}  // namespace

void init_cv(nb::module_& m) {
  m.def("cv_cvt_color", [](NbSrc src, NbImage dst, int kind, int bidx, int param, std::vector<int> order) {
    const Image s = as_image(src), d = as_image(dst);
    if (s.depth != d.depth) fail(ErrKind::VALUE, "cv: source and destination depths differ");
    check_color_channels(kind, bidx, s.cn, d.cn, order.size());
    int ord[4] = {0, 1, 2, -1};
    for (size_t i = 0; i < order.size() && i < 4; ++i) {
      if (order[i] >= s.cn) fail(ErrKind::VALUE, "cv: channel order out of range");
      ord[i] = order[i];
    }
    if (kind != cv::CK_FROM_YUV420 && (int64_t(s.h) * s.w != int64_t(d.h) * d.w))
      fail(ErrKind::VALUE, "cv: source and destination sizes differ");
    if (kind == cv::CK_FROM_YUV420 && (s.cn != 1 || d.w != s.w || d.h * 3 != s.h * 2 || d.w % 2 || d.h % 2))
      fail(ErrKind::VALUE, "cv: YUV 4:2:0 source must be (h*3/2, w) with even h and w");
    nb::gil_scoped_release unlocked;
    cv::cvt_color(s, d, kind, bidx, param, ord);
  });
  m.def("cv_resize", [](NbSrc src, NbImage dst, double inv_sx, double inv_sy, int interp) {
    const Image s = as_image(src), d = as_image(dst);
    cv::same_kind(s, d);
    if (!(inv_sx > 0 && inv_sy > 0 && std::isfinite(inv_sx) && std::isfinite(inv_sy)))
      fail(ErrKind::VALUE, "cv: resize scales must be positive");
    nb::gil_scoped_release unlocked;
    cv::resize(s, d, inv_sx, inv_sy, interp);
  });
  m.def("cv_warp_affine", [](NbSrc src, NbImage dst, std::vector<double> M, int interp, int border,
                             std::vector<double> value) {
    const Image s = as_image(src), d = as_image(dst);
    cv::same_kind(s, d);
    double m6[6], v[4];
    matrix<6>(M, m6);
    scalar4(value, v);
    nb::gil_scoped_release unlocked;
    cv::warp_affine(s, d, m6, interp, border, v);
  });
  m.def("cv_warp_perspective", [](NbSrc src, NbImage dst, std::vector<double> M, int interp, int border,
                                  std::vector<double> value) {
    const Image s = as_image(src), d = as_image(dst);
    cv::same_kind(s, d);
    double m9[9], v[4];
    matrix<9>(M, m9);
    scalar4(value, v);
    nb::gil_scoped_release unlocked;
    cv::warp_perspective(s, d, m9, interp, border, v);
  });
  // map: float32 (h, w, 2) holding (x, y) per destination pixel.
  m.def("cv_remap", [](NbSrc src, NbImage dst, NbSrc map, int interp, int border, std::vector<double> value) {
    const Image s = as_image(src), d = as_image(dst), mp = as_image(map);
    cv::same_kind(s, d);
    if (mp.depth != cv::F32 || mp.cn != 2 || mp.h != d.h || mp.w != d.w) fail(ErrKind::VALUE, "cv: remap map shape");
    double v[4];
    scalar4(value, v);
    const float* xy = static_cast<const float*>(mp.data);
    nb::gil_scoped_release unlocked;
    cv::remap(s, d, xy, xy + 1, int64_t(mp.w) * 2, 2, interp, border, v);
  });
  m.def("cv_copy_make_border", [](NbSrc src, NbImage dst, int top, int left, int border, std::vector<double> value) {
    const Image s = as_image(src), d = as_image(dst);
    cv::same_kind(s, d);
    if (top < 0 || left < 0 || d.h < s.h + top || d.w < s.w + left) fail(ErrKind::VALUE, "cv: border sizes");
    double v[4];
    scalar4(value, v);
    nb::gil_scoped_release unlocked;
    cv::copy_make_border(s, d, top, left, border, v);
  });
  m.def("cv_pyr_down", [](NbSrc src, NbImage dst, int border) {
    const Image s = as_image(src), d = as_image(dst);
    cv::same_kind(s, d);
    if (border < cv::BORDER_REPLICATE || border > cv::BORDER_REFLECT_101) fail(ErrKind::VALUE, "cv: pyrDown border");
    nb::gil_scoped_release unlocked;
    cv::pyr_down(s, d, border);
  });
  m.def("cv_pyr_up", [](NbSrc src, NbImage dst, int border) {
    const Image s = as_image(src), d = as_image(dst);
    cv::same_kind(s, d);
    nb::gil_scoped_release unlocked;
    cv::pyr_up(s, d, border);
  });
}

}  // namespace mnnx
