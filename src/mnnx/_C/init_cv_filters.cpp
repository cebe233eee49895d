// Bindings of mnnx.cv's filters, morphology, threshold, Canny, contours and drawing. Images arrive
// checked and normalized by mnnx/cv/_filters.py and _draw.py: C-contiguous (h, w, c) arrays, output
// arrays allocated there. Nothing here decides semantics.
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/vector.h>

#include <cstring>

#include "core/errors.h"
#include "cv/contours.h"
#include "cv/draw.h"
#include "cv/filter.h"

namespace nb = nanobind;

namespace mnnx {
namespace {

using Arr = nb::ndarray<nb::c_contig, nb::device::cpu>;            // written
using In = nb::ndarray<nb::ro, nb::c_contig, nb::device::cpu>;     // only read (realized Vars are read-only)

int depth_of(nb::dlpack::dtype t) {
  using C = nb::dlpack::dtype_code;
  if (t.code == uint8_t(C::UInt) && t.bits == 8) return cv::D_8U;
  if (t.code == uint8_t(C::Int) && t.bits == 16) return cv::D_16S;
  if (t.code == uint8_t(C::UInt) && t.bits == 16) return cv::D_16U;
  if (t.code == uint8_t(C::Int) && t.bits == 32) return cv::D_32S;
  if (t.code == uint8_t(C::Float) && t.bits == 32) return cv::D_32F;
  if (t.code == uint8_t(C::Float) && t.bits == 64) return cv::D_64F;
  fail(ErrKind::TYPE, "mnnx.cv: unsupported array dtype");
}

template <class A>
cv::HwcImage image(const A& a) {
  if (a.ndim() != 3) fail(ErrKind::VALUE, "mnnx.cv: expected an (h, w, c) array");
  return cv::HwcImage{const_cast<void*>(static_cast<const void*>(a.data())), int(a.shape(0)), int(a.shape(1)),
                   int(a.shape(2)), depth_of(a.dtype())};
}

void same_size(const cv::HwcImage& a, const cv::HwcImage& b) {
  if (a.h != b.h || a.w != b.w) fail(ErrKind::VALUE, "mnnx.cv: source and destination sizes differ");
}

// A std::vector handed to numpy without a copy; the capsule frees it with the array.
template <class T>
nb::ndarray<nb::numpy, T> to_numpy(std::vector<T>&& v) {
  auto* owned = new std::vector<T>(std::move(v));
  nb::capsule owner(owned, [](void* p) noexcept { delete static_cast<std::vector<T>*>(p); });
  return nb::ndarray<nb::numpy, T>(owned->data(), {owned->size()}, owner);
}

cv::Canvas canvas(const Arr& img, nb::bytes color) {
  cv::Canvas c;
  c.img = image(img);
  c.pix = int(img.itemsize()) * c.img.c;
  if (int(color.size()) != c.pix || c.pix > int(sizeof(c.color)))
    fail(ErrKind::VALUE, "mnnx.cv: the color does not match the image's pixel size");
  std::memcpy(c.color, color.c_str(), color.size());
  return c;
}

std::vector<cv::Pt> points(const std::vector<int64_t>& xy) {
  std::vector<cv::Pt> v(xy.size() / 2);
  for (size_t i = 0; i < v.size(); ++i) v[i] = cv::Pt{xy[2 * i], xy[2 * i + 1]};
  return v;
}

}  // namespace

void init_cv_filters(nb::module_& m) {
  m.def("cv_sep_filter", [](In src, Arr dst, std::vector<float> kx, std::vector<float> ky, int ax, int ay,
                            float delta, int border) {
    auto s = image(src), d = image(dst);
    same_size(s, d);
    nb::gil_scoped_release unlocked;
    cv::sep_filter(s, d, kx, ky, ax, ay, delta, border);
  });
  m.def("cv_gaussian_u8", [](In src, Arr dst, std::vector<uint16_t> kx, std::vector<uint16_t> ky, int border) {
    auto s = image(src), d = image(dst);
    same_size(s, d);
    nb::gil_scoped_release unlocked;
    cv::gaussian_u8(s, d, kx, ky, border);
  });
  m.def("cv_box_u8", [](In src, Arr dst, int kw, int kh, int ax, int ay, float scale, int border) {
    auto s = image(src), d = image(dst);
    same_size(s, d);
    nb::gil_scoped_release unlocked;
    cv::box_u8(s, d, kw, kh, ax, ay, scale, border);
  });
  m.def("cv_filter_2d", [](In src, Arr dst, std::vector<float> k, int kh, int kw, int ax, int ay, float delta,
                           int border) {
    auto s = image(src), d = image(dst);
    same_size(s, d);
    nb::gil_scoped_release unlocked;
    cv::filter_2d(s, d, k, kh, kw, ax, ay, delta, border);
  });
  m.def("cv_morph", [](In src, Arr dst, std::vector<uint8_t> el, int kh, int kw, int ax, int ay, bool dilate,
                       int border, double border_value) {
    auto s = image(src), d = image(dst);
    same_size(s, d);
    nb::gil_scoped_release unlocked;
    cv::morph(s, d, el, kh, kw, ax, ay, dilate, border, border_value);
  });
  m.def("cv_median", [](In src, Arr dst, int k) {
    auto s = image(src), d = image(dst);
    same_size(s, d);
    nb::gil_scoped_release unlocked;
    cv::median(s, d, k);
  });
  m.def("cv_bilateral", [](In src, Arr dst, int dd, double sc, double ss, int border) {
    auto s = image(src), d = image(dst);
    same_size(s, d);
    nb::gil_scoped_release unlocked;
    cv::bilateral(s, d, dd, sc, ss, border);
  });
  m.def("cv_threshold", [](In src, Arr dst, double t, double mx, int type) {
    auto s = image(src), d = image(dst);
    same_size(s, d);
    nb::gil_scoped_release unlocked;
    cv::threshold(s, d, t, mx, type);
  });
  m.def("cv_histogram_u8", [](In src, Arr hist) {
    auto s = image(src);
    if (s.depth != cv::D_8U || hist.size() != 256 || hist.dtype() != nb::dtype<int64_t>())
      fail(ErrKind::TYPE, "histogram_u8: expected uint8 pixels and an int64 array of 256 counts");
    nb::gil_scoped_release unlocked;
    cv::histogram_u8(static_cast<const uint8_t*>(s.data), int64_t(s.h) * s.w * s.c, static_cast<int64_t*>(hist.data()));
  });
  m.def("cv_lut_u8", [](In src, Arr dst, In table) {
    auto s = image(src), d = image(dst);
    same_size(s, d);
    if (s.depth != cv::D_8U || d.depth != cv::D_8U || s.c != d.c || table.size() != 256 ||
        table.dtype() != nb::dtype<uint8_t>())
      fail(ErrKind::TYPE, "lut_u8: expected uint8 images of one shape and a uint8 table of 256 entries");
    nb::gil_scoped_release unlocked;
    cv::lut_u8(static_cast<const uint8_t*>(s.data), static_cast<uint8_t*>(d.data), int64_t(s.h) * s.w * s.c,
               static_cast<const uint8_t*>(table.data()));
  });
  m.def("cv_canny", [](In dx, In dy, Arr dst, int low, int high, bool l2) {
    auto a = image(dx), b = image(dy), d = image(dst);
    same_size(a, d);
    same_size(b, d);
    nb::gil_scoped_release unlocked;
    cv::canny(a, b, d, low, high, l2);
  });
  m.def("cv_draw_line", [](Arr img, int64_t x0, int64_t y0, int64_t x1, int64_t y1, nb::bytes color,
                           int thickness, int line_type, int shift) {
    auto c = canvas(img, color);
    cv::draw_line(c, cv::Pt{x0, y0}, cv::Pt{x1, y1}, thickness, line_type, shift);
  });
  m.def("cv_draw_circle", [](Arr img, int64_t cx, int64_t cy, int64_t r, nb::bytes color, int thickness,
                             int line_type, int shift) {
    auto c = canvas(img, color);
    cv::draw_circle(c, cv::Pt{cx, cy}, r, thickness, line_type, shift);
  });
  m.def("cv_draw_ellipse", [](Arr img, int64_t cx, int64_t cy, int64_t ax, int64_t ay, double angle, double start,
                              double end, nb::bytes color, int thickness, int line_type, int shift) {
    auto c = canvas(img, color);
    cv::draw_ellipse(c, cv::Pt{cx, cy}, cv::Pt{ax, ay}, angle, start, end, thickness, line_type, shift);
  });
  m.def("cv_draw_polylines", [](Arr img, std::vector<int64_t> xy, std::vector<int> counts, bool closed,
                                nb::bytes color, int thickness, int line_type, int shift) {
    auto c = canvas(img, color);
    auto v = points(xy);
    size_t at = 0;
    for (int n : counts) {
      if (at + size_t(n) > v.size()) fail(ErrKind::VALUE, "polylines: point counts exceed the points given");
      cv::draw_polyline(c, v.data() + at, n, closed, thickness, line_type, shift);
      at += size_t(n);
    }
  });
  m.def("cv_fill_convex_poly", [](Arr img, std::vector<int64_t> xy, nb::bytes color, int line_type,
                                  int shift) {
    auto c = canvas(img, color);
    auto v = points(xy);
    cv::fill_convex_poly(c, v.data(), int(v.size()), line_type, shift);
  });
  m.def("cv_fill_poly", [](Arr img, std::vector<int64_t> xy, std::vector<int> counts, nb::bytes color,
                           int line_type, int shift, int64_t ox, int64_t oy) {
    auto c = canvas(img, color);
    auto v = points(xy);
    size_t total = 0;
    for (int n : counts) total += size_t(std::max(n, 0));
    if (total > v.size()) fail(ErrKind::VALUE, "fillPoly: point counts exceed the points given");
    cv::fill_poly(c, v.data(), counts.data(), int(counts.size()), line_type, shift, cv::Pt{ox, oy});
  });
  m.def("cv_put_text", [](Arr img, nb::bytes text, int64_t x, int64_t y, double scale, nb::bytes color,
                          int thickness, int line_type, bool bottom_left) {
    auto c = canvas(img, color);
    cv::put_text(c, reinterpret_cast<const unsigned char*>(text.c_str()), int(text.size()), x, y, scale, thickness,
                 line_type, bottom_left);
  });
  m.def("cv_text_size", [](nb::bytes text, double scale, int thickness) {
    int w, h, base;
    cv::text_size(reinterpret_cast<const unsigned char*>(text.c_str()), int(text.size()), scale, thickness, &w, &h,
                  &base);
    return nb::make_tuple(nb::make_tuple(w, h), base);
  });
  m.def("cv_ellipse2poly", [](double cx, double cy, double ax, double ay, int angle, int start, int end, int delta) {
    std::vector<double> xy;
    cv::ellipse_points(cx, cy, ax, ay, angle, start, end, delta, xy);
    return xy;
  });
  m.def("cv_find_contours", [](In src, bool simple, int ox, int oy) {
    auto s = image(src);
    if (s.depth != cv::D_8U || s.c != 1) fail(ErrKind::TYPE, "findContours: expected a uint8 (h, w, 1) array");
    std::vector<int32_t> pts, info;
    {
      nb::gil_scoped_release unlocked;
      cv::find_contours(static_cast<const uint8_t*>(s.data), s.h, s.w, simple, ox, oy, pts, info);
    }
    return nb::make_tuple(to_numpy(std::move(pts)), to_numpy(std::move(info)));
  });
}

}  // namespace mnnx
