// The machine's peak FP32 FMA rate, for the GEMM target's "% of peak" (bench/RESULTS.md):
// 12 independent zmm FMA chains per thread, timed in thread CPU time, on 1 and then 2 threads.
//   g++ -O3 -mavx512f -mfma bench/peak_fma.cpp -o /tmp/peak_fma -lpthread && /tmp/peak_fma
#include <immintrin.h>
#include <cstdio>
#include <ctime>
#include <thread>
#include <vector>
double cpu() { timespec t; clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t); return t.tv_sec + t.tv_nsec*1e-9; }
double run(long iters) {
  __m512 a[12]; __m512 b = _mm512_set1_ps(1.0000001f), c = _mm512_set1_ps(1e-7f);
  for (int i = 0; i < 12; ++i) a[i] = _mm512_set1_ps(i);
  double t0 = cpu();
  for (long k = 0; k < iters; ++k)
    for (int i = 0; i < 12; ++i) a[i] = _mm512_fmadd_ps(a[i], b, c);
  double t = cpu() - t0;
  float s = 0; for (int i = 0; i < 12; ++i) s += _mm512_reduce_add_ps(a[i]);
  if (s == 12345) printf("x");
  return iters * 12.0 * 32 / t / 1e9;  // 16 lanes x 2 flops
}
int main() {
  long it = 200000000;
  for (int r = 0; r < 3; ++r) printf("1 thread: %.1f GFLOP/s per core (cpu time)\n", run(it));
  std::vector<double> res(2); std::vector<std::thread> th;
  for (int i = 0; i < 2; ++i) th.emplace_back([&, i] { res[i] = run(it); });
  for (auto& t : th) t.join();
  printf("2 threads: %.1f + %.1f GFLOP/s\n", res[0], res[1]);
}
