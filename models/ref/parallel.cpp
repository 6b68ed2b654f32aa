#include "parallel.hpp"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

namespace qtsim::ref {
namespace {

int default_thread_count() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

// True on a thread that is running a chunk: a nested parallel_for runs inline
// instead of waiting on workers that are busy with the outer call.
thread_local bool inside_parallel_region = false;

// Workers 1..n-1 are started on the first parallel call and joined when the
// program exits (or when the thread count changes); the calling thread runs
// chunk 0 itself. One job at a time: the caller waits until all chunks are done.
class ThreadPool {
 public:
  ~ThreadPool() { stop_workers(); }

  void set_thread_count(int n) {
    // A worker cannot join itself: the count may only change between parallel calls.
    if (inside_parallel_region) throw std::logic_error("set_thread_count called inside parallel_for");
    n = std::max(n, 1);
    if (n == thread_count_) return;
    stop_workers();
    thread_count_ = n;
  }
  int thread_count() const { return thread_count_; }

  void run(std::int64_t begin, std::int64_t end, const std::function<void(std::int64_t, std::int64_t)>& fn,
           std::int64_t grain) {
    const std::int64_t length = end - begin;
    if (length <= 0) return;
    grain = std::max<std::int64_t>(grain, 1);
    const std::int64_t chunks = std::min<std::int64_t>(thread_count_, (length + grain - 1) / grain);
    if (chunks <= 1 || inside_parallel_region) {
      fn(begin, end);
      return;
    }
    start_workers();
    {
      std::lock_guard lock(mutex_);
      job_ = &fn;
      job_begin_ = begin;
      job_end_ = end;
      job_chunks_ = chunks;
      pending_ = chunks - 1;
      first_error_ = nullptr;
      ++generation_;
    }
    wake_.notify_all();
    run_chunk(0);
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return pending_ == 0; });
    job_ = nullptr;
    if (first_error_) std::rethrow_exception(std::exchange(first_error_, nullptr));
  }

 private:
  // Static contiguous split: chunk i covers [begin + len*i/chunks, begin + len*(i+1)/chunks).
  void run_chunk(std::int64_t index) {
    const std::int64_t length = job_end_ - job_begin_;
    const std::int64_t lo = job_begin_ + length * index / job_chunks_;
    const std::int64_t hi = job_begin_ + length * (index + 1) / job_chunks_;
    inside_parallel_region = true;
    try {
      (*job_)(lo, hi);
    } catch (...) {
      std::lock_guard lock(mutex_);
      if (!first_error_) first_error_ = std::current_exception();
    }
    inside_parallel_region = false;
  }

  void worker_loop(std::int64_t index, std::uint64_t seen_generation) {
    for (;;) {
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return stopping_ || generation_ != seen_generation; });
        if (stopping_) return;
        seen_generation = generation_;
        if (index >= job_chunks_) continue;  // this job has fewer chunks than threads
      }
      run_chunk(index);
      std::lock_guard lock(mutex_);
      if (--pending_ == 0) done_.notify_one();
    }
  }

  void start_workers() {
    if (!workers_.empty()) return;
    stopping_ = false;
    for (int i = 1; i < thread_count_; ++i)
      workers_.emplace_back([this, i, g = generation_] { worker_loop(i, g); });
  }

  void stop_workers() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
  }

  int thread_count_ = default_thread_count();
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  bool stopping_ = false;
  std::uint64_t generation_ = 0;
  const std::function<void(std::int64_t, std::int64_t)>* job_ = nullptr;
  std::int64_t job_begin_ = 0, job_end_ = 0, job_chunks_ = 0, pending_ = 0;
  std::exception_ptr first_error_;
};

ThreadPool& pool() {
  static ThreadPool instance;  // destroyed (workers joined) at program exit
  return instance;
}

}  // namespace

void set_thread_count(int n) { pool().set_thread_count(n); }
int thread_count() { return pool().thread_count(); }

void parallel_for(std::int64_t begin, std::int64_t end, const std::function<void(std::int64_t, std::int64_t)>& fn,
                  std::int64_t grain) {
  pool().run(begin, end, fn, grain);
}

}  // namespace qtsim::ref
