// Random streams for mnnx.numpy.random. Bit generator: xoshiro256** (Blackman & Vigna 2018), seeded by
// SplitMix64 from a 64-bit seed, so a seed gives the same stream on every machine. Doubles take the top
// 53 bits, floats the top 24. Distributions (all exact methods): ziggurat normals (256 layers), inversion for the
// exponential, Marsaglia-Tsang gammas, Johnk / gamma ratios for beta, Knuth multiplication + Hormann's PTRS
// for Poisson, inversion + Hormann's BTRS for binomial, Lemire's unbiased bounded integers.
#pragma once
#include <cstdint>

namespace mnnx::rnd {

struct State {
  uint64_t s[4];
};

void seed(State* st, uint64_t seed);
uint64_t next(State* st);
double uniform(State* st);  // [0, 1)

// Each fill writes n values; parameter arrays have n entries or 1 (broadcast).
void fill_random_f64(State* st, double* out, int64_t n);
void fill_random_f32(State* st, float* out, int64_t n);
// out[i] = low[i] + an unbiased integer in [0, count[i]) (count 0 means the full 2^64 range), mod 2^64
void fill_integers(State* st, uint64_t* out, int64_t n, const uint64_t* low, const uint64_t* count, int64_t np);
void fill_normal(State* st, double* out, int64_t n);
void fill_exponential(State* st, double* out, int64_t n);
void fill_gamma(State* st, double* out, int64_t n, const double* shape, int64_t np);
void fill_beta(State* st, double* out, int64_t n, const double* a, const double* b, int64_t np);
void fill_poisson(State* st, int64_t* out, int64_t n, const double* lam, int64_t np);
void fill_binomial(State* st, int64_t* out, int64_t n, const int64_t* trials, const double* p, int64_t np);
// Fisher-Yates: a uniformly random permutation of idx[0, n) in place (numpy's reverse loop)
void shuffle(State* st, int64_t* idx, int64_t n);
// The first k entries of idx become a uniform sample without replacement (partial Fisher-Yates)
void shuffle_prefix(State* st, int64_t* idx, int64_t n, int64_t k);

}  // namespace mnnx::rnd
