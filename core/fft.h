// Discrete Fourier transforms of any length: Stockham autosort passes (radix 8, 4, 2, 3, and a generic odd
// radix up to 61), Bluestein's chirp-z convolution for lengths with a larger prime factor, and real
// transforms through a half-length complex transform. Plans (factors, twiddles) are cached per length.
// Complex data are interleaved doubles; rows are contiguous; `scale` multiplies every output.
#pragma once
#include <cstdint>

namespace mnnx::fft {

// out[b, k] = scale * sum_j in[b, j] exp(-+2 pi i jk / n)  (minus sign forward, plus sign inverse)
void c2c(const double* in, double* out, int64_t batch, int64_t n, bool inverse, double scale);
// in: batch x n reals; out: batch x (n/2 + 1) complex, the non-negative frequencies of the forward DFT
void r2c(const double* in, double* out, int64_t batch, int64_t n, double scale);
// in: batch x (n/2 + 1) complex (a Hermitian half spectrum; imaginary parts of the self-conjugate terms
// are ignored); out: batch x n reals, scale * the inverse DFT
void c2r(const double* in, double* out, int64_t batch, int64_t n, double scale);

}  // namespace mnnx::fft
