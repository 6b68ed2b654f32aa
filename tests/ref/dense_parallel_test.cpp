// The thread pool behind the reference: static contiguous chunks covering the
// range once, inline nested calls, exceptions carried back to the caller.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "dense_test_util.hpp"
#include "models/ref/parallel.hpp"

namespace qtsim::ref {
namespace {

using dense_test::ThreadCountGuard;

std::vector<std::pair<std::int64_t, std::int64_t>> chunks_of(std::int64_t begin, std::int64_t end, std::int64_t grain) {
  std::mutex m;
  std::vector<std::pair<std::int64_t, std::int64_t>> chunks;
  parallel_for(begin, end, [&](std::int64_t b, std::int64_t e) {
    std::lock_guard lock(m);
    chunks.emplace_back(b, e);
  }, grain);
  std::sort(chunks.begin(), chunks.end());
  return chunks;
}

TEST(ParallelFor, ChunksAreContiguousAndCoverTheRangeOnce) {
  ThreadCountGuard guard;
  for (int threads : {1, 2, 3, 5}) {
    set_thread_count(threads);
    EXPECT_EQ(thread_count(), threads);
    for (auto [begin, end] : {std::pair<std::int64_t, std::int64_t>{0, 1}, {3, 10}, {-7, 100}, {0, 1000}}) {
      const auto chunks = chunks_of(begin, end, 1);
      ASSERT_FALSE(chunks.empty());
      EXPECT_LE(static_cast<int>(chunks.size()), threads);
      EXPECT_EQ(chunks.front().first, begin);
      EXPECT_EQ(chunks.back().second, end);
      for (std::size_t i = 1; i < chunks.size(); ++i) EXPECT_EQ(chunks[i].first, chunks[i - 1].second);
      for (auto [b, e] : chunks) EXPECT_LT(b, e);
    }
  }
}

TEST(ParallelFor, SplitDependsOnlyOnRangeAndThreadCount) {
  ThreadCountGuard guard;
  set_thread_count(3);
  const auto first = chunks_of(0, 100, 1);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(chunks_of(0, 100, 1), first);
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(first[0], (std::pair<std::int64_t, std::int64_t>{0, 33}));
}

TEST(ParallelFor, GrainLimitsTheNumberOfChunks) {
  ThreadCountGuard guard;
  set_thread_count(4);
  EXPECT_EQ(chunks_of(0, 10, 10).size(), 1u);
  EXPECT_EQ(chunks_of(0, 20, 10).size(), 2u);
  EXPECT_TRUE(chunks_of(5, 5, 1).empty());
}

TEST(ParallelFor, UsesOtherThreadsWhenAllowed) {
  ThreadCountGuard guard;
  set_thread_count(2);
  std::mutex m;
  std::vector<std::thread::id> ids;
  parallel_for(0, 2, [&](std::int64_t, std::int64_t) {
    std::lock_guard lock(m);
    ids.push_back(std::this_thread::get_id());
  });
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_NE(ids[0], ids[1]);
}

TEST(ParallelFor, NestedCallsRunInlineOnTheCallingThread) {
  ThreadCountGuard guard;
  set_thread_count(2);
  std::atomic<std::int64_t> sum{0};
  std::atomic<int> foreign_threads{0};
  parallel_for(0, 4, [&](std::int64_t b, std::int64_t e) {
    const auto outer = std::this_thread::get_id();
    for (std::int64_t i = b; i < e; ++i)
      parallel_for(0, 100, [&](std::int64_t ib, std::int64_t ie) {
        if (std::this_thread::get_id() != outer) ++foreign_threads;
        for (std::int64_t j = ib; j < ie; ++j) sum += j;
      });
  });
  EXPECT_EQ(sum.load(), 4 * 4950);
  EXPECT_EQ(foreign_threads.load(), 0);
}

TEST(ParallelFor, ExceptionsReachTheCaller) {
  ThreadCountGuard guard;
  for (int threads : {1, 2}) {
    set_thread_count(threads);
    EXPECT_THROW(parallel_for(0, 10, [](std::int64_t b, std::int64_t) {
      if (b > 0 || thread_count() == 1) throw std::runtime_error("chunk failed");
    }), std::runtime_error);
    // The pool still works afterwards.
    std::atomic<std::int64_t> n{0};
    parallel_for(0, 10, [&](std::int64_t b, std::int64_t e) { n += e - b; });
    EXPECT_EQ(n.load(), 10);
  }
}

TEST(ParallelFor, ThreadCountCannotChangeInsideAParallelCall) {
  ThreadCountGuard guard;
  set_thread_count(2);
  EXPECT_THROW(parallel_for(0, 2, [](std::int64_t, std::int64_t) { set_thread_count(3); }), std::logic_error);
  EXPECT_EQ(thread_count(), 2);
}

TEST(ParallelFor, ThreadCountIsAtLeastOne) {
  ThreadCountGuard guard;
  set_thread_count(0);
  EXPECT_EQ(thread_count(), 1);
}

}  // namespace
}  // namespace qtsim::ref
