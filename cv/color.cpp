// cv2.cvtColor: the per-pixel formulas of OpenCV's color conversions, with its fixed-point constants
// for uint8 (15-bit gray and 14-bit YCrCb luma weights, 12-bit HSV divisions, BT.601 20-bit YUV420) so results match it.
#include "cv/color.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <vector>

#include "core/threadpool.h"

namespace mnnx::cv {

namespace {

constexpr int kYuvShift = 14;
inline int descale(int x, int n) { return (x + (1 << (n - 1))) >> n; }
inline uint8_t round_u8(float v) { return sat_u8(int(lrintf(std::min(std::max(v, -1.f), 300.f)))); }

// Luma weights (B, G, R) in float and 14-bit fixed point (YCrCb, YUV); cv2 5 takes gray from 15-bit ones.
constexpr float kB2Y = 0.114f, kG2Y = 0.587f, kR2Y = 0.299f;
constexpr int kB2Yi = 1868, kG2Yi = 9617, kR2Yi = 4899;
constexpr int kGrayShift = 15, kB2Gray = 3735, kG2Gray = 19235, kR2Gray = 9798;

template <class T> constexpr T alpha_max() { return std::is_same_v<T, uint8_t> ? T(255) : T(1); }

template <class T>
void store_bgr(T* d, const float* bgr, int bidx, int dcn) {
  if constexpr (std::is_same_v<T, uint8_t>) {
    d[bidx] = round_u8(bgr[0] * 255.f), d[1] = round_u8(bgr[1] * 255.f), d[bidx ^ 2] = round_u8(bgr[2] * 255.f);
  } else {
    d[bidx] = bgr[0], d[1] = bgr[1], d[bidx ^ 2] = bgr[2];
  }
  if (dcn == 4) d[3] = alpha_max<T>();
}

// Runs fn(first_pixel, count) over all pixels of a contiguous image, split over the pool.
template <class F>
void for_pixels(int64_t n, F&& fn) {
  parallel_for(n, 16384, [&](int64_t b, int64_t e, int) { fn(b, e - b); });
}

[[gnu::always_inline]] inline void swap_rb_loop(const uint8_t* __restrict s, uint8_t* __restrict d, int64_t n) {
  for (int64_t i = 0; i < n; ++i) d[3 * i] = s[3 * i + 2], d[3 * i + 1] = s[3 * i + 1], d[3 * i + 2] = s[3 * i];
}
MNNX_CV_CLONES void swap_rb_any(const uint8_t* s, uint8_t* d, int64_t n) { swap_rb_loop(s, d, n); }
MNNX_CV_VBMI void swap_rb_vbmi(const uint8_t* s, uint8_t* d, int64_t n) { swap_rb_loop(s, d, n); }
void swap_rb_u8(const uint8_t* s, uint8_t* d, int64_t n) {
  if (cpu_has_vbmi()) swap_rb_vbmi(s, d, n);
  else swap_rb_any(s, d, n);
}

template <class T>
void shuffle(const T* s, T* d, int64_t n, int scn, int dcn, const int order[4]) {
  if (std::is_same_v<T, uint8_t> && scn == 3 && dcn == 3 && order[0] == 2 && order[1] == 1 && order[2] == 0)
    return swap_rb_u8(reinterpret_cast<const uint8_t*>(s), reinterpret_cast<uint8_t*>(d), n);
  for (int64_t i = 0; i < n; ++i)
    for (int c = 0; c < dcn; ++c) d[i * dcn + c] = order[c] < 0 ? alpha_max<T>() : s[i * scn + order[c]];
}

template <int CN>
[[gnu::always_inline]] inline void gray_loop(const uint8_t* __restrict s, uint8_t* __restrict d, int64_t n, int c0, int c2) {
  for (int64_t i = 0; i < n; ++i) d[i] = uint8_t(descale(s[CN * i] * c0 + s[CN * i + 1] * kG2Gray + s[CN * i + 2] * c2, kGrayShift));
}
template <int CN>
MNNX_CV_CLONES void gray_any(const uint8_t* s, uint8_t* d, int64_t n, int c0, int c2) { gray_loop<CN>(s, d, n, c0, c2); }
template <int CN>
MNNX_CV_VBMI void gray_vbmi(const uint8_t* s, uint8_t* d, int64_t n, int c0, int c2) { gray_loop<CN>(s, d, n, c0, c2); }
template <int CN>
void to_gray_u8(const uint8_t* s, uint8_t* d, int64_t n, int c0, int c2) {
  if (cpu_has_vbmi()) gray_vbmi<CN>(s, d, n, c0, c2);
  else gray_any<CN>(s, d, n, c0, c2);
}

template <class T>
void to_gray(const T* s, T* d, int64_t n, int scn, int bidx) {
  if constexpr (std::is_same_v<T, uint8_t>) {
    const int c0 = bidx == 0 ? kB2Gray : kR2Gray, c2 = bidx == 0 ? kR2Gray : kB2Gray;
    if (scn == 3) to_gray_u8<3>(s, d, n, c0, c2);
    else to_gray_u8<4>(s, d, n, c0, c2);
  } else {
    const float c0 = bidx == 0 ? kB2Y : kR2Y, c2 = bidx == 0 ? kR2Y : kB2Y;
    for (int64_t i = 0; i < n; ++i) d[i] = s[i * scn] * c0 + s[i * scn + 1] * kG2Y + s[i * scn + 2] * c2;
  }
}

template <class T>
void from_gray(const T* s, T* d, int64_t n, int dcn) {
  for (int64_t i = 0; i < n; ++i) {
    d[i * dcn] = d[i * dcn + 1] = d[i * dcn + 2] = s[i];
    if (dcn == 4) d[i * dcn + 3] = alpha_max<T>();
  }
}

// YCrCb (yuv = 0) and YUV (yuv = 1): Y then (Cr, Cb) or (U, V).
template <class T>
void to_ycc(const T* s, T* d, int64_t n, int scn, int bidx, int yuv) {
  if constexpr (std::is_same_v<T, uint8_t>) {
    const int cr_w = yuv ? 14369 : 11682, cb_w = yuv ? 8061 : 9241, delta = 128 << kYuvShift;
    for (int64_t i = 0; i < n; ++i, s += scn, d += 3) {
      const int b = s[bidx], g = s[1], r = s[bidx ^ 2];
      const int Y = descale(b * kB2Yi + g * kG2Yi + r * kR2Yi, kYuvShift);
      const int Cr = descale((r - Y) * cr_w + delta, kYuvShift), Cb = descale((b - Y) * cb_w + delta, kYuvShift);
      d[0] = sat_u8(Y);
      d[1 + yuv] = sat_u8(Cr);
      d[2 - yuv] = sat_u8(Cb);
    }
  } else {
    const float cr_w = yuv ? 0.877f : 0.713f, cb_w = yuv ? 0.492f : 0.564f;
    const float c0 = bidx == 0 ? kB2Y : kR2Y, c2 = bidx == 0 ? kR2Y : kB2Y;
    for (int64_t i = 0; i < n; ++i, s += scn, d += 3) {
      const float Y = s[0] * c0 + s[1] * kG2Y + s[2] * c2;
      d[0] = Y;
      d[1 + yuv] = (s[bidx ^ 2] - Y) * cr_w + 0.5f;
      d[2 - yuv] = (s[bidx] - Y) * cb_w + 0.5f;
    }
  }
}

template <class T>
void from_ycc(const T* s, T* d, int64_t n, int dcn, int bidx, int yuv) {
  for (int64_t i = 0; i < n; ++i, s += 3, d += dcn) {
    if constexpr (std::is_same_v<T, uint8_t>) {
      // (V or Cr) -> R, (V or Cr) -> G, (U or Cb) -> G, (U or Cb) -> B
      const int c0 = yuv ? 18678 : 22987, c1 = yuv ? -9519 : -11698, c2 = yuv ? -6472 : -5636, c3 = yuv ? 33292 : 29049;
      const int Y = s[0], Cr = s[1 + yuv] - 128, Cb = s[2 - yuv] - 128;
      d[bidx] = sat_u8(Y + descale(Cb * c3, kYuvShift));
      d[1] = sat_u8(Y + descale(Cb * c2 + Cr * c1, kYuvShift));
      d[bidx ^ 2] = sat_u8(Y + descale(Cr * c0, kYuvShift));
    } else {
      const float c0 = yuv ? 1.140f : 1.403f, c1 = yuv ? -0.581f : -0.714f, c2 = yuv ? -0.395f : -0.344f,
                  c3 = yuv ? 2.032f : 1.773f;
      const float Y = s[0], Cr = s[1 + yuv] - 0.5f, Cb = s[2 - yuv] - 0.5f;
      d[bidx] = Y + Cb * c3;
      d[1] = Y + Cb * c2 + Cr * c1;
      d[bidx ^ 2] = Y + Cr * c0;
    }
    if (dcn == 4) d[3] = alpha_max<T>();
  }
}

// --- HSV / HLS (hue in degrees * hrange / 360)

struct HsvTables {
  int sdiv[256], hdiv180[256], hdiv256[256];
  HsvTables() {
    sdiv[0] = hdiv180[0] = hdiv256[0] = 0;
    for (int i = 1; i < 256; ++i) {
      sdiv[i] = int(lrint((255 << 12) / (1. * i)));
      hdiv180[i] = int(lrint((180 << 12) / (6. * i)));
      hdiv256[i] = int(lrint((256 << 12) / (6. * i)));
    }
  }
};

const HsvTables& hsv_tables() {
  static const HsvTables t;
  return t;
}

void to_hsv_u8(const uint8_t* s, uint8_t* d, int64_t n, int scn, int bidx, int hrange) {
  const HsvTables& t = hsv_tables();
  const int* hdiv = hrange == 180 ? t.hdiv180 : t.hdiv256;
  for (int64_t i = 0; i < n; ++i, s += scn, d += 3) {
    const int b = s[bidx], g = s[1], r = s[bidx ^ 2];
    const int v = std::max(b, std::max(g, r)), vmin = std::min(b, std::min(g, r)), diff = v - vmin;
    const int vr = v == r ? -1 : 0, vg = v == g ? -1 : 0;
    const int sat = (diff * t.sdiv[v] + (1 << 11)) >> 12;
    int h = (vr & (g - b)) + (~vr & ((vg & (b - r + 2 * diff)) + ((~vg) & (r - g + 4 * diff))));
    h = (h * hdiv[diff] + (1 << 11)) >> 12;
    h += h < 0 ? hrange : 0;
    d[0] = sat_u8(h), d[1] = uint8_t(sat), d[2] = uint8_t(v);
  }
}

void to_hsv_f(const float* s, float* d, int64_t n, int scn, int bidx) {
  for (int64_t i = 0; i < n; ++i, s += scn, d += 3) {
    const float b = s[bidx], g = s[1], r = s[bidx ^ 2];
    float v = r, vmin = r;
    if (v < g) v = g;
    if (v < b) v = b;
    if (vmin > g) vmin = g;
    if (vmin > b) vmin = b;
    float diff = v - vmin, h;
    const float sat = diff / float(std::fabs(v) + FLT_EPSILON);
    diff = float(60. / (diff + FLT_EPSILON));
    if (v == r) h = (g - b) * diff;
    else if (v == g) h = (b - r) * diff + 120.f;
    else h = (r - g) * diff + 240.f;
    if (h < 0) h += 360.f;
    d[0] = h, d[1] = sat, d[2] = v;
  }
}

void rgb_to_hls(float b, float g, float r, float* hls) {
  float h = 0, sat = 0;
  const float vmax = std::max(r, std::max(g, b)), vmin = std::min(r, std::min(g, b));
  float diff = vmax - vmin;
  const float l = (vmax + vmin) * 0.5f;
  if (diff > FLT_EPSILON) {
    sat = l < 0.5f ? diff / (vmax + vmin) : diff / (2 - vmax - vmin);
    diff = 60.f / diff;
    if (vmax == r) h = (g - b) * diff;
    else if (vmax == g) h = (b - r) * diff + 120.f;
    else h = (r - g) * diff + 240.f;
    if (h < 0.f) h += 360.f;
  }
  hls[0] = h, hls[1] = l, hls[2] = sat;
}

constexpr int kSector[6][3] = {{1, 3, 0}, {1, 0, 2}, {3, 0, 1}, {0, 2, 1}, {0, 1, 3}, {2, 1, 0}};

// Wraps h (already in sextants) into [0, 6) and splits it into sector and fraction.
inline int sextant(float& h) {
  h = std::fmod(h, 6.f);
  h += h < 0 ? 6.f : 0.f;
  int sector = int(std::floor(h));
  h -= sector;
  if (unsigned(sector) >= 6u) sector = 0, h = 0.f;
  return sector;
}

void hsv_to_rgb(float h, float s, float v, float hscale, float* bgr) {
  if (s == 0) {
    bgr[0] = bgr[1] = bgr[2] = v;
    return;
  }
  h *= hscale;
  const int sector = sextant(h);
  // 1 - s*h fused, as cv2 5 compiles it (rounded once, via double)
  const float tab[4] = {v, v * (1.f - s), v * float(1. - double(s) * h), v * float(1. - double(s) * (1.f - h))};
  for (int c = 0; c < 3; ++c) bgr[c] = tab[kSector[sector][c]];
}

void hls_to_rgb(float h, float l, float s, float hscale, float* bgr) {
  if (s == 0) {
    bgr[0] = bgr[1] = bgr[2] = l;
    return;
  }
  const float p2 = l <= 0.5f ? l * (1 + s) : l + s - l * s, p1 = 2 * l - p2;
  h *= hscale;
  const int sector = sextant(h);
  const float tab[4] = {p2, p1, p1 + (p2 - p1) * (1 - h), p1 + (p2 - p1) * h};
  for (int c = 0; c < 3; ++c) bgr[c] = tab[kSector[sector][c]];
}

// --- Lab (sRGB, D65)

constexpr double kRgb2Xyz[9] = {0.412453, 0.357580, 0.180423, 0.212671, 0.715160, 0.072169, 0.019334, 0.119193, 0.950227};
constexpr double kXyz2Rgb[9] = {3.240479, -1.53715, -0.498535, -0.969256, 1.875991, 0.041556, 0.055648, -0.204043, 1.057311};
constexpr double kWhite[3] = {0.950456, 1., 1.088754};

// The sRGB transfer curve and its inverse, with the constants spelled as cv2 derives them.
inline double gamma_d(double x) { return x <= 809. / 20000 ? x / (323. / 25) : std::pow((x + 11. / 200) / (1 + 11. / 200), 2.4); }
inline double inv_gamma_d(double x) {
  return x <= 7827. / 2500000 ? x * (323. / 25) : std::pow(x, 1 / (12. / 5)) * (1 + 11. / 200) - 11. / 200;
}

// Linear RGB (COLOR_LBGR2Lab) in float: the formulas (cv2 takes the cube root from a spline, ~0.02 apart).
void linear_rgb_to_lab(float b, float g, float r, float* lab) {
  auto clip = [](float v) { return std::min(std::max(v, 0.f), 1.f); };
  const float R = clip(r), G = clip(g), B = clip(b);
  float xyz[3];
  for (int i = 0; i < 3; ++i)
    xyz[i] = float((R * kRgb2Xyz[3 * i] + G * kRgb2Xyz[3 * i + 1] + B * kRgb2Xyz[3 * i + 2]) / kWhite[i]);
  auto f = [](float t) { return t > 0.008856f ? std::cbrt(t) : 7.787f * t + 16.f / 116.f; };
  const float fx = f(xyz[0]), fy = f(xyz[1]), fz = f(xyz[2]);
  lab[0] = xyz[1] > 0.008856f ? 116.f * fy - 16.f : 903.3f * xyz[1];
  lab[1] = 500.f * (fx - fy);
  lab[2] = 200.f * (fy - fz);
}

void lab_to_rgb(float L, float a, float bb, float* bgr, bool srgb) {
  float y, fy;
  if (L <= 7.9996248f) {
    y = L / 903.3f;
    fy = 7.787f * y + 16.f / 116.f;
  } else {
    fy = (L + 16.f) / 116.f;
    y = fy * fy * fy;
  }
  float fxz[2] = {a / 500.f + fy, fy - bb / 200.f};
  for (float& v : fxz) v = v <= 0.206893f ? (v - 16.f / 116.f) / 7.787f : v * v * v;
  const float xyz[3] = {float(fxz[0] * kWhite[0]), y, float(fxz[1] * kWhite[2])};
  for (int i = 0; i < 3; ++i) {
    float v = float(kXyz2Rgb[3 * i] * xyz[0] + kXyz2Rgb[3 * i + 1] * xyz[1] + kXyz2Rgb[3 * i + 2] * xyz[2]);
    v = std::min(std::max(v, 0.f), 1.f);
    bgr[2 - i] = srgb ? float(inv_gamma_d(v)) : v;
  }
}

// --- uint8 Lab in cv2's integer arithmetic (bit-exact with it). Its tables are built from softfloat
// values, so they are rebuilt here with the same single-precision steps (the sRGB curve in double).


// softfloat's cube root: a quartic rational (Turkowski) in double on the mantissa scaled into [1/8, 1),
// its result truncated (not rounded) to 24 bits. x must be a positive normal float.
float cbrt_cv(float x) {
  uint32_t u;
  std::memcpy(&u, &x, 4);
  const int e = int(u >> 23) - 127;
  int sh = e % 3;
  sh -= sh >= 0 ? 3 : 0;
  double f = std::ldexp(1. + (u & 0x7fffff) * 0x1p-23, sh);
  f = ((((0x1.6a09e6653ba70p+5 * f + 0x1.808f46c6116e0p+7) * f + 0x1.dca97439cae14p+6) * f + 0x1.add70d2827500p+3) * f +
       0x1.4f15f83f55d2dp-3) /
      ((((0x1.d9e20660edb21p+3 * f + 0x1.2ff15c0285815p+7) * f + 0x1.510d06a8112cep+7) * f + 0x1.0fecbc9e2c375p+5) * f + 1);
  return float(std::ldexp(std::floor(std::ldexp(f, 24)), (e - sh) / 3 - 24));  // f is in [1/2, 1)
}

struct LabTables {
  uint16_t gamma[256];      // sRGB byte -> linear * 2040
  uint16_t cbrt[3072];      // f(i / 2040) * 2^15, f the Lab companding function
  uint16_t inv_gamma[4096]; // linear * 4096 -> sRGB byte
  uint16_t lab_y[256][2];   // L byte -> (Y, f(Y)) * 2^14
  int to_xyz[9], to_rgb[9]; // 12-bit matrices: rows X, Y, Z over (R, G, B) / white; rows R, G, B over X, Y, Z
  LabTables() {
    for (int i = 0; i < 256; ++i) gamma[i] = uint16_t(lrintf(2040.f * float(gamma_d(double(float(i) / 255.f)))));
    const float thresh = 216.f / 24389.f, slope = 841.f / 108.f, bias = 16.f / 116.f;
    for (int i = 0; i < 3072; ++i) {
      const float x = float(i) * (1.f / 2040.f);
      cbrt[i] = uint16_t(lrintf(32768.f * (x < thresh ? std::fmaf(x, slope, bias) : cbrt_cv(x))));
    }
    for (int i = 0; i < 4096; ++i) inv_gamma[i] = uint16_t(lrintf(255.f * float(inv_gamma_d(double(float(i) / 4096.f)))));
    for (int i = 0; i < 256; ++i) {
      if (i <= 20) {  // L <= 8: the linear segment
        lab_y[i][0] = uint16_t(lrintf(float(i * 16384 * 180) / float(17 * 24389)));
        lab_y[i][1] = uint16_t(lrintf(16384.f * (16.f / 116.f + float(i * 5) / float(3 * 17 * 29))));
      } else {
        const float fy = float(i * 100 * 16384) / float(255 * 116) + float(16 * 16384) / 116.f;
        lab_y[i][0] = uint16_t(lrintf(fy * fy * fy / float(1 << 28)));
        lab_y[i][1] = uint16_t(lrintf(fy));
      }
    }
    for (int i = 0; i < 9; ++i) {
      to_xyz[i] = int(lrint(4096. * kRgb2Xyz[i] / kWhite[i / 3]));
      to_rgb[i] = int(lrint(4096. * kXyz2Rgb[i] * kWhite[i % 3]));
    }
  }
};

const LabTables& lab_tables() {
  static const LabTables t;
  return t;
}

void to_lab_u8(const uint8_t* s, uint8_t* d, int64_t n, int scn, int bidx, bool srgb) {
  const LabTables& t = lab_tables();
  const int* c = t.to_xyz;
  for (int64_t i = 0; i < n; ++i, s += scn, d += 3) {
    const int r = s[bidx ^ 2], g = s[1], b = s[bidx];
    const int R = srgb ? t.gamma[r] : r * 8, G = srgb ? t.gamma[g] : g * 8, B = srgb ? t.gamma[b] : b * 8;
    const int fX = t.cbrt[descale(R * c[0] + G * c[1] + B * c[2], 12)];
    const int fY = t.cbrt[descale(R * c[3] + G * c[4] + B * c[5], 12)];
    const int fZ = t.cbrt[descale(R * c[6] + G * c[7] + B * c[8], 12)];
    d[0] = sat_u8(descale(296 * fY - 1336934, 15));
    d[1] = sat_u8(descale(500 * (fX - fY) + (128 << 15), 15));
    d[2] = sat_u8(descale(200 * (fY - fZ) + (128 << 15), 15));
  }
}

// f^-1 in 14-bit fixed point: linear below 6/29 (3390), the cube above; cv2 tabulates this from -8145.
inline int lab_finv(int v) { return v <= 3390 ? v * 108 / 841 - 290 : v * v / 16384 * v / 16384; }

void from_lab_u8(const uint8_t* s, uint8_t* d, int64_t n, int dcn, int bidx, bool srgb) {
  const LabTables& t = lab_tables();
  const int* c = t.to_rgb;
  for (int64_t i = 0; i < n; ++i, s += 3, d += dcn) {
    const int y = t.lab_y[s[0]][0], fy = t.lab_y[s[0]][1];
    // a / 500 and b / 200 in 14-bit fixed point, as cv2 approximates them
    const int adiv = ((5 * s[1] * 53687 + (1 << 7)) >> 13) - 4194, bdiv = ((s[2] * 41943 + (1 << 4)) >> 9) - 10484;
    // (L, b) = (0, 255) falls one entry before cv2's table (it reads out of bounds); take its first entry.
    const int x = lab_finv(fy + adiv), z = lab_finv(std::max(fy - bdiv, -8145));
    int rgb[3];
    for (int k = 0; k < 3; ++k) {
      const int v = std::min(std::max(descale(c[3 * k] * x + c[3 * k + 1] * y + c[3 * k + 2] * z, 14), 0), 4095);
      rgb[k] = srgb ? t.inv_gamma[v] : (v * 255) >> 12;
    }
    d[bidx ^ 2] = uint8_t(rgb[0]), d[1] = uint8_t(rgb[1]), d[bidx] = uint8_t(rgb[2]);
    if (dcn == 4) d[3] = 255;
  }
}

// float sRGB -> Lab as cv2 computes it: trilinear interpolation (4-bit weights) in a 33^3 grid over
// (B, G, R) of 14-bit Lab values, the grid evaluated in single precision like cv2's softfloat build.
struct LabGrid {
  static constexpr int N = 33;
  std::vector<int16_t> lab;  // [((r * N + g) * N + b) * 3 + channel]: L, a + 128, b + 128 scaled to 2^14
  LabGrid() : lab(N * N * N * 3) {
    float lin[N], c[9];
    for (int i = 0; i < N; ++i) lin[i] = float(gamma_d(double(float(i) / 32.f)));
    for (int i = 0; i < 9; ++i) c[i] = float(kRgb2Xyz[i / 3 * 3 + 2 - i % 3] * (1. / kWhite[i / 3]));  // (B, G, R) order
    const float thresh = 216.f / 24389.f, slope = 841.f / 108.f, bias = 16.f / 116.f;
    auto f = [&](float t) { return t > thresh ? cbrt_cv(t) : std::fmaf(t, slope, bias); };
    int16_t* o = lab.data();
    for (int r = 0; r < N; ++r)
      for (int g = 0; g < N; ++g)
        for (int b = 0; b < N; ++b, o += 3) {
          const float B = lin[b], G = lin[g], R = lin[r];
          const float X = B * c[0] + G * c[1] + R * c[2], Y = B * c[3] + G * c[4] + R * c[5], Z = B * c[6] + G * c[7] + R * c[8];
          const float fx = f(X), fy = f(Y), fz = f(Z);
          const float L = Y > thresh ? 116.f * fy - 16.f : 24389.f / 27.f * Y;
          o[0] = int16_t(lrintf(16384.f * L / 100.f));
          o[1] = int16_t(lrintf(16384.f * (500.f * (fx - fy) + 128.f) / 256.f));
          o[2] = int16_t(lrintf(16384.f * (200.f * (fy - fz) + 128.f) / 256.f));
        }
  }
};

void to_lab_srgb_f(const float* s, float* d, int64_t n, int scn, int bidx) {
  static const LabGrid grid;
  constexpr int N = LabGrid::N;
  for (int64_t i = 0; i < n; ++i, s += scn, d += 3) {
    int q[3], t[3];  // per (B, G, R): grid cell and 4-bit position in it
    for (int k = 0; k < 3; ++k) {
      const int v = int(lrintf(std::min(std::max(s[k == 0 ? bidx : k == 1 ? 1 : bidx ^ 2], 0.f), 1.f) * 16384.f));
      q[k] = v >> 9, t[k] = (v >> 5) & 15;
    }
    int acc[3] = {0, 0, 0};
    for (int corner = 0; corner < 8; ++corner) {
      const int cb = corner >> 2, cg = (corner >> 1) & 1, cr = corner & 1;
      const int w = (cb ? t[0] : 16 - t[0]) * (cg ? t[1] : 16 - t[1]) * (cr ? t[2] : 16 - t[2]);
      const int16_t* e = &grid.lab[((std::min(q[2] + cr, N - 1) * N + std::min(q[1] + cg, N - 1)) * N +
                                    std::min(q[0] + cb, N - 1)) * 3];
      for (int c = 0; c < 3; ++c) acc[c] += e[c] * w;
    }
    d[0] = float(descale(acc[0], 12)) * (100.f / 16384.f);
    d[1] = float(descale(acc[1], 12)) * (1.f / 64.f) - 128.f;
    d[2] = float(descale(acc[2], 12)) * (1.f / 64.f) - 128.f;
  }
}

template <class T>
void to_lab(const T* s, T* d, int64_t n, int scn, int bidx, bool srgb) {
  if constexpr (std::is_same_v<T, uint8_t>) {
    to_lab_u8(s, d, n, scn, bidx, srgb);
  } else if (srgb) {
    to_lab_srgb_f(s, d, n, scn, bidx);
  } else {
    for (int64_t i = 0; i < n; ++i, s += scn, d += 3) linear_rgb_to_lab(s[bidx], s[1], s[bidx ^ 2], d);
  }
}

template <class T>
void from_lab(const T* s, T* d, int64_t n, int dcn, int bidx, bool srgb) {
  if constexpr (std::is_same_v<T, uint8_t>) {
    from_lab_u8(s, d, n, dcn, bidx, srgb);
  } else {
    for (int64_t i = 0; i < n; ++i, s += 3, d += dcn) {
      float bgr[3];
      lab_to_rgb(s[0], s[1], s[2], bgr, srgb);
      store_bgr(d, bgr, bidx, dcn);
    }
  }
}

// uint8 hue is stored as degrees * hrange / 360; the inverse reads it back with hrange 180 or 255.
template <class T>
void to_hls(const T* s, T* d, int64_t n, int scn, int bidx, int hrange) {
  for (int64_t i = 0; i < n; ++i, s += scn, d += 3) {
    float hls[3];
    if constexpr (std::is_same_v<T, uint8_t>) {
      const float k = 1.f / 255.f;
      rgb_to_hls(s[bidx] * k, s[1] * k, s[bidx ^ 2] * k, hls);
      d[0] = round_u8(hls[0] * (float(hrange) / 360.f)), d[1] = round_u8(hls[1] * 255.f), d[2] = round_u8(hls[2] * 255.f);
    } else {
      rgb_to_hls(s[bidx], s[1], s[bidx ^ 2], hls);
      d[0] = hls[0], d[1] = hls[1], d[2] = hls[2];
    }
  }
}

template <class T>
void from_hsv_hls(const T* s, T* d, int64_t n, int dcn, int bidx, int hrange, bool hls) {
  const float hscale = std::is_same_v<T, uint8_t> ? 6.f / float(hrange) : 6.f / 360.f;
  const float k = std::is_same_v<T, uint8_t> ? 1.f / 255.f : 1.f;
  for (int64_t i = 0; i < n; ++i, s += 3, d += dcn) {
    float bgr[3];
    if (hls) hls_to_rgb(float(s[0]), s[1] * k, s[2] * k, hscale, bgr);
    else hsv_to_rgb(float(s[0]), s[1] * k, s[2] * k, hscale, bgr);
    store_bgr(d, bgr, bidx, dcn);
  }
}

// uint8 HSV (hue range 180) -> BGR as cv2 5 computes it with AVX2: each row in blocks of 32 pixels through
// its vector formula (no fmod, 1 - s*h fused, truncated to bytes), the last width % 32 pixels through the
// scalar one (rounded). The fused steps are exact products rounded once via double.
void from_hsv180_u8(const uint8_t* s, uint8_t* d, int64_t first, int64_t n, int w, int dcn, int bidx) {
  const float hscale = 6.f / 180.f, k = 1.f / 255.f;
  const int vec_end = w & ~31;
  for (int64_t i = 0, col = first % w; i < n; ++i, s += 3, d += dcn, col = col + 1 == w ? 0 : col + 1) {
    if (col >= vec_end) {
      float bgr[3];
      hsv_to_rgb(float(s[0]), s[1] * k, s[2] * k, hscale, bgr);
      store_bgr(d, bgr, bidx, dcn);
      continue;
    }
    float h = float(s[0]) * hscale;  // all non-negative: truncation is the int conversion
    const float sat = s[1] * k, v = s[2] * k, whole = float(int(h));
    h -= whole;
    const int sector = int(whole - float(int(whole * (1.f / 6.f))) * 6.f);
    const float tab[4] = {v, v * (1.f - sat), v * float(1. - double(sat) * h), v * float(1. - double(sat) * (1.f - h))};
    const int* sec = kSector[sector];
    d[bidx] = uint8_t(int(tab[sec[0]] * 255.f)), d[1] = uint8_t(int(tab[sec[1]] * 255.f));
    d[bidx ^ 2] = uint8_t(int(tab[sec[2]] * 255.f));
    if (dcn == 4) d[3] = 255;
  }
}

// uint8 BGR -> HLS (hue range 180) as cv2 5's AVX2 build computes it: 8-pixel vectors take the hue as one
// fused h * 60/diff + offset and S over 2 - (max + min); the last width % 8 pixels of a row take the scalar
// formula (fused too where it adds an offset, as the compiler contracts it). Fused steps go through double.
void to_hls180_u8(const uint8_t* s, uint8_t* d, int64_t first, int64_t n, int w, int scn, int bidx) {
  const float k = 1.f / 255.f;
  const int vec_end = w & ~7;
  for (int64_t i = 0, col = first % w; i < n; ++i, s += scn, d += 3, col = col + 1 == w ? 0 : col + 1) {
    const bool vec = col < vec_end;
    const float b = s[bidx] * k, g = s[1] * k, r = s[bidx ^ 2] * k;
    const float mx = std::max(std::max(r, g), b), mn = std::min(std::min(r, g), b);
    const float diff = mx - mn, sum = mx + mn, l = sum * 0.5f;
    float h = 0.f, sat = 0.f;
    if (diff > FLT_EPSILON) {
      sat = diff / (l < 0.5f ? sum : vec ? 2.f - sum : 2.f - mx - mn);
      const float inv = 60.f / diff;
      if (mx == r && !vec) {
        h = (g - b) * inv;
        h += h < 0.f ? 360.f : 0.f;
      } else {
        const float dh = mx == r ? g - b : mx == g ? b - r : r - g;
        h = float(double(dh) * inv + (mx == r ? (g < b ? 360. : 0.) : mx == g ? 120. : 240.));
      }
      h *= 0.5f;
    }
    d[0] = round_u8(h), d[1] = round_u8(l * 255.f), d[2] = round_u8(sat * 255.f);
  }
}

// BT.601 limited range YUV 4:2:0 to RGB in cv2's 20-bit fixed point; each 2x2 block shares (u, v).
void from_yuv420(const Image& src, const Image& dst, int dcn, int bidx, int layout) {
  constexpr int kCY = 1220542, kCUB = 2116026, kCUG = -409993, kCVG = -852492, kCVR = 1673527, kShift = 20;
  const int w = dst.w, h = dst.h;
  const uint8_t* base = src.row<uint8_t>(0);
  const uint8_t* uv = base + int64_t(w) * h;                       // NV12 / NV21
  const uint8_t* p1 = uv, *p2 = uv + int64_t(w / 2) * (h / 2);     // I420: U then V; YV12: V then U
  parallel_for(h / 2, std::max(1, 8192 / std::max(1, w)), [&](int64_t r0, int64_t r1, int) {
    for (int64_t r = r0; r < r1; ++r) {
      for (int x = 0; x < w / 2; ++x) {
        int u, v;
        if (layout <= 1) {
          const uint8_t* q = uv + r * w + 2 * x;
          u = q[layout], v = q[1 - layout];
        } else {
          const int64_t o = r * (w / 2) + x;
          u = layout == 2 ? p1[o] : p2[o];
          v = layout == 2 ? p2[o] : p1[o];
        }
        u -= 128, v -= 128;
        const int ruv = (1 << (kShift - 1)) + kCVR * v, guv = (1 << (kShift - 1)) + kCVG * v + kCUG * u,
                  buv = (1 << (kShift - 1)) + kCUB * u;
        for (int dy = 0; dy < 2; ++dy)
          for (int dx = 0; dx < 2; ++dx) {
            const int y = std::max(0, int(base[(2 * r + dy) * int64_t(w) + 2 * x + dx]) - 16) * kCY;
            uint8_t* d = dst.row<uint8_t>(int(2 * r + dy)) + (2 * x + dx) * dcn;
            d[bidx] = sat_u8((y + buv) >> kShift);
            d[1] = sat_u8((y + guv) >> kShift);
            d[bidx ^ 2] = sat_u8((y + ruv) >> kShift);
            if (dcn == 4) d[3] = 255;
          }
      }
    }
  });
}

template <class T>
void cvt_pixels(const T* s, T* d, int64_t n, int scn, int dcn, int kind, int bidx, int param, const int order[4]) {
  switch (kind) {
    case CK_SHUFFLE: return shuffle(s, d, n, scn, dcn, order);
    case CK_TO_GRAY: return to_gray(s, d, n, scn, bidx);
    case CK_FROM_GRAY: return from_gray(s, d, n, dcn);
    case CK_TO_YCRCB: return to_ycc(s, d, n, scn, bidx, param);
    case CK_FROM_YCRCB: return from_ycc(s, d, n, dcn, bidx, param);
    case CK_TO_HSV:
      if constexpr (std::is_same_v<T, uint8_t>) return to_hsv_u8(s, d, n, scn, bidx, param);
      else return to_hsv_f(s, d, n, scn, bidx);
    case CK_FROM_HSV: return from_hsv_hls(s, d, n, dcn, bidx, param, false);
    case CK_TO_HLS: return to_hls(s, d, n, scn, bidx, param);
    case CK_FROM_HLS: return from_hsv_hls(s, d, n, dcn, bidx, param, true);
    case CK_TO_LAB: return to_lab(s, d, n, scn, bidx, param == 0);
    case CK_FROM_LAB: return from_lab(s, d, n, dcn, bidx, param == 0);
    default: return;
  }
}

}  // namespace

void cvt_color(const Image& src, const Image& dst, int kind, int bidx, int param, const int order[4]) {
  if (kind == CK_FROM_YUV420) return from_yuv420(src, dst, dst.cn, bidx, param);
  // Images arrive contiguous, so the pixels form one run split over the pool.
  const int64_t n = int64_t(src.h) * src.w;
  for_pixels(n, [&](int64_t p, int64_t cnt) {
    if (kind == CK_FROM_HSV && src.depth == U8 && param == 180)
      from_hsv180_u8(src.row<uint8_t>(0) + p * 3, dst.row<uint8_t>(0) + p * dst.cn, p, cnt, src.w, dst.cn, bidx);
    else if (kind == CK_TO_HLS && src.depth == U8 && param == 180)
      to_hls180_u8(src.row<uint8_t>(0) + p * src.cn, dst.row<uint8_t>(0) + p * 3, p, cnt, src.w, src.cn, bidx);
    else if (src.depth == U8)
      cvt_pixels(src.row<uint8_t>(0) + p * src.cn, dst.row<uint8_t>(0) + p * dst.cn, cnt, src.cn, dst.cn, kind, bidx, param, order);
    else
      cvt_pixels(src.row<float>(0) + p * src.cn, dst.row<float>(0) + p * dst.cn, cnt, src.cn, dst.cn, kind, bidx, param, order);
  });
}

}  // namespace mnnx::cv
