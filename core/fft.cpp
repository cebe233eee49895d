// See fft.h. Stockham decimation in frequency: a pass of radix p over the current length nc and stride s
// reads x[q + s (j + r m)] (m = nc / p) and writes y[q + s (p j + k)] = DFT_p(.)_k * w_nc^(jk); after the
// last pass the data are in natural order, so no bit reversal is needed.
#include "core/fft.h"

#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "core/threadpool.h"

namespace mnnx::fft {

namespace {

struct C {
  double re, im;
};
inline C operator+(C a, C b) { return {a.re + b.re, a.im + b.im}; }
inline C operator-(C a, C b) { return {a.re - b.re, a.im - b.im}; }
inline C operator*(C a, double s) { return {a.re * s, a.im * s}; }
inline C mul(C a, C b) { return {a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re}; }
inline C conj(C a) { return {a.re, -a.im}; }
template <bool INV> inline C tw(C w) { return INV ? conj(w) : w; }
template <bool INV> inline C rot(C a) { return INV ? C{-a.im, a.re} : C{a.im, -a.re}; }  // * (+-i)

C unit_root(int64_t k, int64_t n) {  // exp(-2 pi i k / n), argument reduced exactly first
  k %= n;
  long double a = -2.0L * 3.14159265358979323846264338327950288L * static_cast<long double>(k) / n;
  return {static_cast<double>(std::cos(a)), static_cast<double>(std::sin(a))};
}

constexpr int MAX_RADIX = 61;

struct Stage {
  int p;
  int64_t nc, s;
  std::vector<C> tw;    // m x (p - 1): w_nc^(jk)
  std::vector<C> root;  // p: w_p^r (generic radix only)
};

struct Plan {
  int64_t n = 0;
  std::vector<Stage> stages;
  // Bluestein, when a prime factor exceeds MAX_RADIX
  int64_t m = 0;
  std::shared_ptr<const Plan> sub;
  std::vector<C> chirp, bhat;
};

std::shared_ptr<const Plan> plan_for(int64_t n);
void execute(const Plan& pl, const C* in, C* out, C* scratch, bool inverse, bool threaded);

std::shared_ptr<const Plan> make_plan(int64_t n) {
  auto pl = std::make_shared<Plan>();
  pl->n = n;
  std::vector<int> radices;
  int64_t r = n;
  while (r % 8 == 0) radices.push_back(8), r /= 8;
  if (r % 4 == 0) radices.push_back(4), r /= 4;
  if (r % 2 == 0) radices.push_back(2), r /= 2;
  for (int p = 3; p <= MAX_RADIX && r > 1; p += 2)
    while (r % p == 0) radices.push_back(p), r /= p;
  if (r > 1) {  // Bluestein: x_k c_k convolved with conj(c), c_k = exp(-i pi k^2 / n)
    int64_t m = 1;
    while (m < 2 * n - 1) m *= 2;
    pl->m = m;
    pl->sub = plan_for(m);
    pl->chirp.resize(n);
    for (int64_t k = 0; k < n; ++k) pl->chirp[k] = unit_root(static_cast<int64_t>((static_cast<__int128>(k) * k) % (2 * n)), 2 * n);
    std::vector<C> b(m, C{0, 0}), scratch(m);
    b[0] = conj(pl->chirp[0]);
    for (int64_t k = 1; k < n; ++k) b[k] = b[m - k] = conj(pl->chirp[k]);
    pl->bhat.resize(m);
    execute(*pl->sub, b.data(), pl->bhat.data(), scratch.data(), false, false);
    return pl;
  }
  int64_t nc = n, s = 1;
  for (int p : radices) {
    Stage st;
    st.p = p;
    st.nc = nc;
    st.s = s;
    int64_t m = nc / p;
    st.tw.resize(m * (p - 1));
    for (int64_t j = 0; j < m; ++j)
      for (int k = 1; k < p; ++k) st.tw[j * (p - 1) + k - 1] = unit_root(j * k, nc);
    if (p != 2 && p != 4 && p != 8) {  // radix 3 and the generic ones
      st.root.resize(p);
      for (int q = 0; q < p; ++q) st.root[q] = unit_root(q, p);
    }
    pl->stages.push_back(std::move(st));
    nc = m;
    s *= p;
  }
  return pl;
}

std::shared_ptr<const Plan> plan_for(int64_t n) {
  static std::mutex mu;
  static std::map<int64_t, std::shared_ptr<const Plan>> cache;
  {
    std::lock_guard<std::mutex> g(mu);
    auto it = cache.find(n);
    if (it != cache.end()) return it->second;
  }
  auto pl = make_plan(n);  // outside the lock: Bluestein plans build their sub-plan through here
  std::lock_guard<std::mutex> g(mu);
  if (cache.size() > 64) cache.clear();
  return cache.emplace(n, pl).first->second;
}

// Four interleaved complex values in one 8-double vector: a pass's column loop (q) multiplies by the
// same twiddle throughout, so it vectorizes without gathers. Compiled per ISA through pass_fwd/inv.
typedef double V8 __attribute__((vector_size(64)));
typedef int64_t I8 __attribute__((vector_size(64)));
struct CV {
  V8 v;
};
inline CV operator+(CV a, CV b) { return {a.v + b.v}; }
inline CV operator-(CV a, CV b) { return {a.v - b.v}; }
inline CV operator*(CV a, double s) { return {a.v * s}; }
inline V8 swap_ri(V8 x) { return __builtin_shuffle(x, I8{1, 0, 3, 2, 5, 4, 7, 6}); }
inline CV mul(CV a, C w) {
  return {a.v * w.re + swap_ri(a.v) * V8{-w.im, w.im, -w.im, w.im, -w.im, w.im, -w.im, w.im}};
}
template <bool INV> inline CV rot(CV a) {
  return {swap_ri(a.v) * (INV ? V8{-1, 1, -1, 1, -1, 1, -1, 1} : V8{1, -1, 1, -1, 1, -1, 1, -1})};
}
inline void load(const C* p, C* z) { *z = *p; }
inline void load(const C* p, CV* z) { std::memcpy(z, p, sizeof(CV)); }
inline void store(C* p, C z) { *p = z; }
inline void store(C* p, CV z) { std::memcpy(p, &z, sizeof(CV)); }

// One pass over output groups j in [j0, j1) and columns q in [q0, q1), W columns at a time.
template <bool INV, class Z>
__attribute__((always_inline)) inline void pass_cols(const Stage& st, const C* x, C* y, int64_t j0, int64_t j1,
                                                     int64_t q0, int64_t q1) {
  constexpr int W = sizeof(Z) / sizeof(C);
  const int p = st.p;
  const int64_t s = st.s, sm = st.s * (st.nc / p);
  const C* twj = st.tw.data();
  if (p == 8) {  // a radix-2 step (t = a_r + a_r+4, u = (a_r - a_r+4) w8^r), then two 4-point DFTs
    const double h = std::sqrt(0.5);
    const C w81 = INV ? C{h, h} : C{h, -h}, w83 = INV ? C{-h, h} : C{-h, -h};
    for (int64_t j = j0; j < j1; ++j) {
      const C* wj = twj + 7 * j;
      C w[7];
      for (int k = 0; k < 7; ++k) w[k] = tw<INV>(wj[k]);
      const C* x0 = x + s * j;
      C* y0 = y + s * 8 * j;
      for (int64_t q = q0; q + W <= q1; q += W) {
        Z a[8];
        for (int r = 0; r < 8; ++r) load(x0 + q + r * sm, &a[r]);
        Z t0 = a[0] + a[4], t1 = a[1] + a[5], t2 = a[2] + a[6], t3 = a[3] + a[7];
        Z u0 = a[0] - a[4], u1 = mul(a[1] - a[5], w81), u2 = rot<INV>(a[2] - a[6]), u3 = mul(a[3] - a[7], w83);
        Z e0 = t0 + t2, e1 = t0 - t2, e2 = t1 + t3, e3 = rot<INV>(t1 - t3);
        Z o0 = u0 + u2, o1 = u0 - u2, o2 = u1 + u3, o3 = rot<INV>(u1 - u3);
        store(y0 + q, e0 + e2);
        store(y0 + q + s, mul(o0 + o2, w[0]));
        store(y0 + q + 2 * s, mul(e1 + e3, w[1]));
        store(y0 + q + 3 * s, mul(o1 + o3, w[2]));
        store(y0 + q + 4 * s, mul(e0 - e2, w[3]));
        store(y0 + q + 5 * s, mul(o0 - o2, w[4]));
        store(y0 + q + 6 * s, mul(e1 - e3, w[5]));
        store(y0 + q + 7 * s, mul(o1 - o3, w[6]));
      }
    }
  } else if (p == 4) {
    for (int64_t j = j0; j < j1; ++j) {
      C w1 = tw<INV>(twj[3 * j]), w2 = tw<INV>(twj[3 * j + 1]), w3 = tw<INV>(twj[3 * j + 2]);
      const C* x0 = x + s * j;
      C* y0 = y + s * 4 * j;
      for (int64_t q = q0; q + W <= q1; q += W) {
        Z a0, a1, a2, a3;
        load(x0 + q, &a0), load(x0 + q + sm, &a1), load(x0 + q + 2 * sm, &a2), load(x0 + q + 3 * sm, &a3);
        Z t0 = a0 + a2, t1 = a0 - a2, t2 = a1 + a3, t3 = rot<INV>(a1 - a3);
        store(y0 + q, t0 + t2);
        store(y0 + q + s, mul(t1 + t3, w1));
        store(y0 + q + 2 * s, mul(t0 - t2, w2));
        store(y0 + q + 3 * s, mul(t1 - t3, w3));
      }
    }
  } else if (p == 2) {
    for (int64_t j = j0; j < j1; ++j) {
      C w1 = tw<INV>(twj[j]);
      const C* x0 = x + s * j;
      C* y0 = y + s * 2 * j;
      for (int64_t q = q0; q + W <= q1; q += W) {
        Z a0, a1;
        load(x0 + q, &a0), load(x0 + q + sm, &a1);
        store(y0 + q, a0 + a1);
        store(y0 + q + s, mul(a0 - a1, w1));
      }
    }
  } else if (p == 3) {
    const double c = -0.5, sn = INV ? std::sqrt(0.75) : -std::sqrt(0.75);
    for (int64_t j = j0; j < j1; ++j) {
      C w1 = tw<INV>(twj[2 * j]), w2 = tw<INV>(twj[2 * j + 1]);
      const C* x0 = x + s * j;
      C* y0 = y + s * 3 * j;
      for (int64_t q = q0; q + W <= q1; q += W) {
        Z a0, a1, a2;
        load(x0 + q, &a0), load(x0 + q + sm, &a1), load(x0 + q + 2 * sm, &a2);
        Z t = a1 + a2, m1 = a0 + t * c, m2 = rot<true>(a1 - a2) * sn;  // i * sn * (a1 - a2)
        store(y0 + q, a0 + t);
        store(y0 + q + s, mul(m1 + m2, w1));
        store(y0 + q + 2 * s, mul(m1 - m2, w2));
      }
    }
  } else if constexpr (W == 1) {
    C a[MAX_RADIX];
    for (int64_t j = j0; j < j1; ++j) {
      const C* x0 = x + s * j;
      C* y0 = y + s * p * j;
      for (int64_t q = q0; q < q1; ++q) {
        for (int r = 0; r < p; ++r) a[r] = x0[q + r * sm];
        for (int k = 0; k < p; ++k) {
          C b = a[0];
          for (int r = 1, idx = k; r < p; ++r, idx = (idx + k) % p) b = b + mul(a[r], tw<INV>(st.root[idx]));
          y0[q + k * s] = k ? mul(b, tw<INV>(twj[j * (p - 1) + k - 1])) : b;
        }
      }
    }
  }
}

template <bool INV>
__attribute__((always_inline)) inline void pass(const Stage& st, const C* x, C* y, int64_t j0, int64_t j1,
                                                int64_t q0, int64_t q1) {
  int64_t qv = q0;
  if (st.p <= 8 && st.p != 5 && st.p != 7 && q1 - q0 >= 4) {
    qv = q0 + ((q1 - q0) / 4) * 4;
    pass_cols<INV, CV>(st, x, y, j0, j1, q0, qv);
  }
  if (qv < q1) pass_cols<INV, C>(st, x, y, j0, j1, qv, q1);
}

#define MNNX_FFT_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
MNNX_FFT_CLONES void pass_fwd(const Stage& st, const C* x, C* y, int64_t j0, int64_t j1, int64_t q0, int64_t q1) {
  pass<false>(st, x, y, j0, j1, q0, q1);
}
MNNX_FFT_CLONES void pass_inv(const Stage& st, const C* x, C* y, int64_t j0, int64_t j1, int64_t q0, int64_t q1) {
  pass<true>(st, x, y, j0, j1, q0, q1);
}

template <bool INV> void run_pass(const Stage& st, const C* x, C* y, bool threaded) {
  auto body = INV ? pass_inv : pass_fwd;
  int64_t m = st.nc / st.p, s = st.s, work = st.nc * s;
  if (!threaded || work < (int64_t(1) << 15)) return body(st, x, y, 0, m, 0, s);
  if (m >= s)
    parallel_for(m, 64, [&](int64_t a, int64_t b, int) { body(st, x, y, a, b, 0, s); });
  else
    parallel_for(s, 64, [&](int64_t a, int64_t b, int) { body(st, x, y, 0, m, a, b); });
}

// out may equal neither in nor scratch; in is not modified. Bluestein allocates its own buffers.
void execute(const Plan& pl, const C* in, C* out, C* scratch, bool inverse, bool threaded) {
  const int64_t n = pl.n;
  if (pl.sub) {
    const int64_t m = pl.m;
    std::vector<C> a(m, C{0, 0}), fa(m), tmp(m);
    for (int64_t k = 0; k < n; ++k) a[k] = mul(inverse ? conj(in[k]) : in[k], pl.chirp[k]);
    execute(*pl.sub, a.data(), fa.data(), tmp.data(), false, threaded);
    for (int64_t k = 0; k < m; ++k) fa[k] = mul(fa[k], pl.bhat[k]);
    execute(*pl.sub, fa.data(), a.data(), tmp.data(), true, threaded);
    for (int64_t k = 0; k < n; ++k) {
      C v = mul(a[k], pl.chirp[k]) * (1.0 / m);
      out[k] = inverse ? conj(v) : v;
    }
    return;
  }
  if (pl.stages.empty()) {
    for (int64_t k = 0; k < n; ++k) out[k] = in[k];
    return;
  }
  // ping-pong so that the last pass writes out
  size_t ns = pl.stages.size();
  const C* src = in;
  for (size_t i = 0; i < ns; ++i) {
    C* dst = ((ns - 1 - i) % 2 == 0) ? out : scratch;
    if (inverse) run_pass<true>(pl.stages[i], src, dst, threaded);
    else run_pass<false>(pl.stages[i], src, dst, threaded);
    src = dst;
  }
}

// exp(-2 pi i k / n) for k = 0..n/2: the split step of the real transforms of even length n
std::shared_ptr<const std::vector<C>> half_twiddles(int64_t n) {
  static std::mutex mu;
  static std::map<int64_t, std::shared_ptr<const std::vector<C>>> cache;
  std::lock_guard<std::mutex> g(mu);
  auto it = cache.find(n);
  if (it != cache.end()) return it->second;
  auto w = std::make_shared<std::vector<C>>(n / 2 + 1);
  for (int64_t k = 0; k <= n / 2; ++k) (*w)[k] = unit_root(k, n);
  if (cache.size() > 64) cache.clear();
  return cache.emplace(n, w).first->second;
}

// Rows in parallel when there are enough of them; otherwise one row at a time, passes threaded.
template <class F> void over_rows(int64_t batch, int64_t n, F fn) {
  if (batch >= 2 * num_threads() || (batch > 1 && n < 4096)) {
    parallel_for(batch, 1, [&](int64_t a, int64_t b, int) {
      for (int64_t i = a; i < b; ++i) fn(i, false);
    });
  } else {
    for (int64_t i = 0; i < batch; ++i) fn(i, true);
  }
}

// Per-thread scratch that keeps its pages between calls (a fresh 8 MiB buffer costs its page faults)
C* scratch_buffer(int64_t n) {
  thread_local std::vector<C> buf;
  if (static_cast<int64_t>(buf.size()) < n) buf.resize(n);
  return buf.data();
}

void scale_rows(C* x, int64_t n, double s) {
  if (s != 1.0)
    for (int64_t k = 0; k < n; ++k) x[k] = x[k] * s;
}

}  // namespace

void c2c(const double* in, double* out, int64_t batch, int64_t n, bool inverse, double scale) {
  auto pl = plan_for(n);
  const C* ci = reinterpret_cast<const C*>(in);
  C* co = reinterpret_cast<C*>(out);
  over_rows(batch, n, [&](int64_t i, bool threaded) {
    execute(*pl, ci + i * n, co + i * n, scratch_buffer(n), inverse, threaded);
    scale_rows(co + i * n, n, scale);
  });
}

void r2c(const double* in, double* out, int64_t batch, int64_t n, double scale) {
  const int64_t nh = n / 2 + 1;
  C* co = reinterpret_cast<C*>(out);
  if (n % 2) {  // odd: a full complex transform of the real row
    auto pl = plan_for(n);
    over_rows(batch, n, [&](int64_t i, bool threaded) {
      std::vector<C> z(n), full(n), scratch(n);
      for (int64_t k = 0; k < n; ++k) z[k] = C{in[i * n + k], 0};
      execute(*pl, z.data(), full.data(), scratch.data(), false, threaded);
      for (int64_t k = 0; k < nh; ++k) co[i * nh + k] = full[k] * scale;
    });
    return;
  }
  // even: z_j = x_2j + i x_2j+1, Z = DFT_h(z); X_k = E_k + w^k O_k with E, O split from Z_k and conj(Z_h-k)
  const int64_t h = n / 2;
  auto pl = plan_for(h);
  auto wp = half_twiddles(n);
  const C* w = wp->data();
  over_rows(batch, n, [&](int64_t i, bool threaded) {
    C* o = co + i * nh;  // Z = DFT_h(z) lands in the first h slots, then splits in place pairwise
    execute(*pl, reinterpret_cast<const C*>(in + i * n), o, scratch_buffer(h), false, threaded);
    C z0 = o[0];
    o[0] = C{(z0.re + z0.im) * scale, 0};
    o[h] = C{(z0.re - z0.im) * scale, 0};
    auto split = [&](int64_t k0, int64_t k1) {
      for (int64_t k = k0; k < k1; ++k) {
        int64_t k2 = h - k;
        C zk = o[k], zm = o[k2];
        auto one = [&](C a, C b, C wk) {  // X = (a + conj b) / 2 + wk (a - conj b) / (2i)
          C e = (a + conj(b)) * 0.5, d = a - conj(b);
          return (e + mul(wk, C{d.im * 0.5, -d.re * 0.5})) * scale;
        };
        o[k] = one(zk, zm, w[k]);
        if (k2 != k) o[k2] = one(zm, zk, w[k2]);
      }
    };
    int64_t half = h / 2 + 1;
    if (threaded && h >= (int64_t(1) << 15))
      parallel_for(half - 1, 4096, [&](int64_t a, int64_t b, int) { split(a + 1, b + 1); });
    else
      split(1, half);
  });
}

void c2r(const double* in, double* out, int64_t batch, int64_t n, double scale) {
  const int64_t nh = n / 2 + 1;
  const C* ci = reinterpret_cast<const C*>(in);
  if (n % 2) {  // odd: rebuild the full Hermitian spectrum
    auto pl = plan_for(n);
    over_rows(batch, n, [&](int64_t i, bool threaded) {
      std::vector<C> full(n), res(n), scratch(n);
      const C* x = ci + i * nh;
      full[0] = C{x[0].re, 0};
      for (int64_t k = 1; k < nh; ++k) full[k] = x[k], full[n - k] = conj(x[k]);
      execute(*pl, full.data(), res.data(), scratch.data(), true, threaded);
      for (int64_t k = 0; k < n; ++k) out[i * n + k] = res[k].re * scale;
    });
    return;
  }
  // even: Z_k = E_k + i O_k with E_k = (X_k + conj X_h-k) / 2, O_k = (X_k - conj X_h-k) / 2 * w^-k;
  // the inverse half-length transform gives x_2j (real part) and x_2j+1 (imaginary part), each h / n too small
  const int64_t h = n / 2;
  auto pl = plan_for(h);
  auto wp = half_twiddles(n);
  const C* w = wp->data();
  over_rows(batch, n, [&](int64_t i, bool threaded) {
    std::vector<C> z(h);
    C* scratch = scratch_buffer(h);
    const C* x = ci + i * nh;
    for (int64_t k = 0; k < h; ++k) {
      C xk = x[k], xc = conj(x[h - k]);
      if (k == 0) xk.im = 0, xc.im = 0;  // X_0 and X_h are real for a real signal
      C e = (xk + xc) * 0.5, o = mul((xk - xc) * 0.5, conj(w[k]));
      z[k] = C{e.re - o.im, e.im + o.re};  // e + i o
    }
    execute(*pl, z.data(), reinterpret_cast<C*>(out + i * n), scratch, true, threaded);
    double* o = out + i * n;
    for (int64_t k = 0; k < n; ++k) o[k] *= 2.0 * scale;
  });
}

}  // namespace mnnx::fft
