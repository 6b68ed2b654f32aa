#pragma once
// A small fixed pool of worker threads. Work is split into contiguous chunks of
// independent outputs; every output is computed by one thread in a fixed order,
// so results never depend on the thread count.
#include <cstdint>
#include <functional>

namespace qtsim::ref {

// Number of threads parallel_for uses (default: hardware concurrency, >= 1).
void set_thread_count(int n);
int thread_count();

// Calls fn(begin_i, end_i) on disjoint chunks covering [begin, end); returns
// when all are done. Runs inline when the range is small or one thread is set.
// `grain`: the smallest chunk worth a thread.
void parallel_for(std::int64_t begin, std::int64_t end, const std::function<void(std::int64_t, std::int64_t)>& fn,
                  std::int64_t grain = 1);

}  // namespace qtsim::ref
