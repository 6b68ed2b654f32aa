// Epoch order, batch copies and step counts.
#include "sim/data/batcher.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <set>
#include <stdexcept>

#include "models/ref/random_bits.hpp"

namespace qtsim::data {
namespace {

bool is_permutation_of_iota(std::vector<std::int64_t> order) {
  std::sort(order.begin(), order.end());
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (order[i] != static_cast<std::int64_t>(i)) return false;
  }
  return true;
}

TEST(DataBatcher, EpochOrderIsAPermutation) {
  for (std::int64_t n : {0, 1, 2, 3, 100, 1001}) {
    const auto order = epoch_order(n, 42, 3);
    EXPECT_EQ(order.size(), static_cast<std::size_t>(n));
    EXPECT_TRUE(is_permutation_of_iota(order)) << "n = " << n;
  }
}

TEST(DataBatcher, EpochOrderIsDeterministicAndVaries) {
  EXPECT_EQ(epoch_order(500, 1, 0), epoch_order(500, 1, 0));
  EXPECT_NE(epoch_order(500, 1, 0), epoch_order(500, 1, 1));
  EXPECT_NE(epoch_order(500, 1, 0), epoch_order(500, 2, 0));
  std::vector<std::int64_t> identity(500);
  std::iota(identity.begin(), identity.end(), 0);
  EXPECT_NE(epoch_order(500, 1, 0), identity);
}

TEST(DataBatcher, NoShuffleIsIdentity) {
  std::vector<std::int64_t> identity(17);
  std::iota(identity.begin(), identity.end(), 0);
  EXPECT_EQ(epoch_order(17, 9, 4, false), identity);
}

// The documented rule, written out independently.
TEST(DataBatcher, EpochOrderFollowsTheRule) {
  const std::uint32_t seed = 77, epoch = 5;
  std::vector<std::int64_t> expected(64);
  std::iota(expected.begin(), expected.end(), 0);
  const std::uint32_t stream = ref::stream_id(epoch, 0, ref::RandomPurpose::shuffle);
  for (std::uint32_t i = 63; i >= 1; --i) std::swap(expected[i], expected[ref::rand32(seed, stream, i) % (i + 1)]);
  EXPECT_EQ(epoch_order(64, seed, epoch), expected);
}

// Pinned so a change to the random bits or the shuffle shows.
TEST(DataBatcher, EpochOrderFixedVector) {
  EXPECT_EQ(epoch_order(10, 1, 0), (std::vector<std::int64_t>{0, 7, 5, 6, 1, 2, 9, 8, 3, 4}));
}

// Sample i holds the values 1000*i + e, label i % 7.
Dataset numbered_dataset(std::int64_t n) {
  Dataset d;
  d.sample_shape = ref::Shape{2, 2, 3};
  d.classes = 7;
  for (std::int64_t i = 0; i < n; ++i) {
    d.labels.push_back(static_cast<int>(i % 7));
    for (int e = 0; e < 12; ++e) d.images.push_back(static_cast<float>(1000 * i + e));
  }
  return d;
}

TEST(DataBatcher, MakeBatchCopiesTheOrderedSamples) {
  const Dataset data = numbered_dataset(20);
  const std::vector<std::int64_t> order = {19, 4, 7, 0, 13, 2};
  const Batch batch = make_batch(data, order, 1, 4);
  EXPECT_EQ(batch.images.shape, (ref::Shape{4, 2, 2, 3}));
  ASSERT_EQ(batch.images.size(), 48U);
  EXPECT_EQ(batch.labels, (std::vector<int>{4, 0, 0, 6}));
  const std::int64_t samples[] = {4, 7, 0, 13};
  for (int b = 0; b < 4; ++b) {
    for (int e = 0; e < 12; ++e) {
      EXPECT_EQ(batch.images[static_cast<std::size_t>(b * 12 + e)], static_cast<float>(1000 * samples[b] + e));
    }
  }
}

TEST(DataBatcher, MakeBatchRejectsBadRanges) {
  const Dataset data = numbered_dataset(5);
  const std::vector<std::int64_t> order = {0, 1, 2, 3, 4};
  EXPECT_THROW(make_batch(data, order, 3, 3), std::out_of_range);
  EXPECT_THROW(make_batch(data, order, -1, 2), std::out_of_range);
  EXPECT_THROW(make_batch(data, {0, 5}, 0, 2), std::out_of_range);
  EXPECT_EQ(make_batch(data, order, 5, 0).labels.size(), 0U);
}

TEST(DataBatcher, StepCounts) {
  EXPECT_EQ(train_steps_per_epoch(10, 3), 3);
  EXPECT_EQ(train_steps_per_epoch(9, 3), 3);
  EXPECT_EQ(train_steps_per_epoch(2, 3), 0);
  EXPECT_EQ(test_steps(10, 3), 4);
  EXPECT_EQ(test_steps(9, 3), 3);
  EXPECT_EQ(test_steps(0, 3), 0);
  EXPECT_EQ(test_batch_count(10, 3, 0), 3);
  EXPECT_EQ(test_batch_count(10, 3, 3), 1);
  EXPECT_EQ(test_batch_count(9, 3, 2), 3);
  EXPECT_THROW(train_steps_per_epoch(10, 0), std::invalid_argument);
  EXPECT_THROW(test_steps(10, -1), std::invalid_argument);
}

// A training epoch sees floor(n / batch) * batch distinct samples; evaluation sees all.
TEST(DataBatcher, EpochCoverage) {
  const Dataset data = numbered_dataset(23);
  const auto order = epoch_order(data.size(), 3, 2);
  std::set<int> trained;
  for (std::int64_t s = 0; s < train_steps_per_epoch(data.size(), 5); ++s) {
    const Batch b = make_batch(data, order, s * 5, 5);
    EXPECT_EQ(b.images.shape.n(), 5);
    for (std::int64_t i = 0; i < 5; ++i) trained.insert(static_cast<int>(b.images[static_cast<std::size_t>(i * 12)] / 1000));
  }
  EXPECT_EQ(trained.size(), 20U);

  const auto in_order = epoch_order(data.size(), 0, 0, false);
  std::int64_t seen = 0;
  for (std::int64_t s = 0; s < test_steps(data.size(), 5); ++s) {
    const std::int64_t count = test_batch_count(data.size(), 5, s);
    const Batch b = make_batch(data, in_order, s * 5, count);
    EXPECT_EQ(b.images[0], static_cast<float>(1000 * s * 5));
    seen += count;
  }
  EXPECT_EQ(seen, 23);
}

}  // namespace
}  // namespace qtsim::data
