// Numpy images as cv::Image views for the cv bindings. The Python face has already made the array
// C-contiguous, uint8 or float32, 2-D or 3-D; this only unpacks it (and refuses anything else, so a
// direct call into _C cannot make a kernel read out of bounds).
#pragma once
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>

#include "core/errors.h"
#include "cv/image.h"

namespace mnnx::cv {

// Sources may be read-only (realized mnnx arrays, decoded images); destinations are written.
using NbSrc = nanobind::ndarray<nanobind::numpy, nanobind::ro, nanobind::c_contig, nanobind::device::cpu>;
using NbImage = nanobind::ndarray<nanobind::numpy, nanobind::c_contig, nanobind::device::cpu>;

template <class A>
inline Image as_image(const A& a) {
  Image im;
  if (a.ndim() != 2 && a.ndim() != 3) fail(ErrKind::VALUE, "cv: an image must be 2-D or 3-D");
  if (a.dtype() == nanobind::dtype<uint8_t>()) im.depth = U8;
  else if (a.dtype() == nanobind::dtype<float>()) im.depth = F32;
  else fail(ErrKind::TYPE, "cv: images must be uint8 or float32 here");
  im.h = int(a.shape(0));
  im.w = int(a.shape(1));
  im.cn = a.ndim() == 3 ? int(a.shape(2)) : 1;
  im.step = int64_t(im.w) * im.cn * (im.depth == U8 ? 1 : 4);
  im.data = const_cast<void*>(static_cast<const void*>(a.data()));
  if (im.h <= 0 || im.w <= 0 || im.cn <= 0) fail(ErrKind::VALUE, "cv: empty image");
  return im;
}

inline void same_kind(const Image& a, const Image& b) {
  if (a.depth != b.depth || a.cn != b.cn) fail(ErrKind::VALUE, "cv: source and destination differ in depth or channels");
}

}  // namespace mnnx::cv
