#include "core/threadpool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "core/errors.h"

namespace mnnx {

namespace {

class Pool {
 public:
  explicit Pool(int n) { resize(n); }
  ~Pool() { stop(); }

  int size() const { return static_cast<int>(workers_.size()) + 1; }

  void resize(int n) {
    stop();
    quit_ = false;
    for (int i = 1; i < n; ++i) workers_.emplace_back([this, i] { loop(i); });
  }

  void run(int parts, const std::function<void(int)>& job) {
    {
      std::lock_guard<std::mutex> g(mu_);
      job_ = &job;
      parts_ = parts;
      pending_.store(parts - 1);
      ++generation_;
    }
    cv_.notify_all();
    std::exception_ptr err;
    try { job(0); } catch (...) { err = std::current_exception(); }
    // Spin briefly (the other parts are usually as long as ours), then sleep.
    for (int spin = 0; pending_.load(std::memory_order_acquire) != 0; ++spin) {
      if (spin > 20000) {
        std::unique_lock<std::mutex> l(mu_);
        done_cv_.wait(l, [&] { return pending_.load() == 0; });
      }
    }
    job_ = nullptr;
    if (!err && worker_err_) { err = worker_err_; worker_err_ = nullptr; }
    if (err) std::rethrow_exception(err);
  }

 private:
  void loop(int id) {
    uint64_t seen = 0;
    for (;;) {
      const std::function<void(int)>* job;
      // Kernels come in bursts (one realize runs several): watch for the next one briefly before
      // sleeping, since waking a sleeping thread costs more than a short kernel on these VMs.
      for (int spin = 0; spin < 4000 && generation_.load(std::memory_order_acquire) == seen; ++spin)
        cpu_relax();
      {
        std::unique_lock<std::mutex> l(mu_);
        cv_.wait(l, [&] { return quit_ || generation_ != seen; });
        if (quit_) return;
        seen = generation_.load();
        job = id < parts_ ? job_ : nullptr;
      }
      if (!job) continue;
      try { (*job)(id); } catch (...) {
        std::lock_guard<std::mutex> g(mu_);
        worker_err_ = std::current_exception();
      }
      if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        std::lock_guard<std::mutex> g(mu_);
        done_cv_.notify_all();
      }
    }
  }

  void stop() {
    {
      std::lock_guard<std::mutex> g(mu_);
      quit_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
  }

  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable cv_, done_cv_;
  const std::function<void(int)>* job_ = nullptr;
  int parts_ = 0;
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> pending_{0};
  std::exception_ptr worker_err_;
  bool quit_ = false;
};

int default_threads() {
  unsigned n = std::thread::hardware_concurrency();
  return static_cast<int>(std::max(1u, std::min(n, 64u)));
}

Pool& pool() {
  static Pool* p = new Pool(default_threads());  // never destroyed: workers may outlive static teardown
  return *p;
}

}  // namespace

int num_threads() { return pool().size(); }

void set_num_threads(int n) {
  if (n < 1) fail(ErrKind::VALUE, "number of threads must be at least 1");
  pool().resize(std::min(n, 256));
}

namespace {
thread_local int tl_part = -1;  // the part this thread runs inside a parallel_for, or -1
}

void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t, int)>& fn) {
  if (n <= 0) return;
  if (tl_part >= 0) { fn(0, n, tl_part); return; }  // nested: the pool is busy with the outer loop
  int64_t parts = std::min<int64_t>(num_threads(), std::max<int64_t>(1, n / std::max<int64_t>(grain, 1)));
  if (parts <= 1) { fn(0, n, 0); return; }
  // More chunks than threads, claimed as threads come free: a thread that starts late (a VM's vCPU
  // is not always there at once) does less, instead of the whole kernel waiting for it.
  int64_t chunks = std::min<int64_t>(n / std::max<int64_t>(grain, 1), parts * 8);
  std::atomic<int64_t> next{0};
  std::function<void(int)> job = [&](int p) {
    struct Mark {
      explicit Mark(int p) { tl_part = p; }
      ~Mark() { tl_part = -1; }
    } mark(p);
    for (int64_t c; (c = next.fetch_add(1, std::memory_order_relaxed)) < chunks;) fn(n * c / chunks, n * (c + 1) / chunks, p);
  };
  static std::mutex one_job_at_a_time;  // realizes from several Python threads share the pool
  std::lock_guard<std::mutex> g(one_job_at_a_time);
  pool().run(static_cast<int>(parts), job);
}

}  // namespace mnnx
