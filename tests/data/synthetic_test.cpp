// The synthetic data set: determinism, fixed values, balance, learnability.
#include "sim/data/synthetic.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <map>

#include "test_files.hpp"

namespace qtsim::data {
namespace {

using testing::input_error_message;

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::bit_cast<std::uint32_t>(a[i]) != std::bit_cast<std::uint32_t>(b[i])) return false;
  }
  return true;
}

TEST(DataSynthetic, SameSeedSameBits) {
  const DatasetPair a = make_synthetic({3, 8, 8}, 5, 40, 20, 7);
  const DatasetPair b = make_synthetic({3, 8, 8}, 5, 40, 20, 7);
  EXPECT_TRUE(same_bits(a.train.images, b.train.images));
  EXPECT_TRUE(same_bits(a.test.images, b.test.images));
  EXPECT_EQ(a.train.labels, b.train.labels);
  EXPECT_EQ(a.test.labels, b.test.labels);
  EXPECT_EQ(a.description, b.description);
}

TEST(DataSynthetic, DifferentSeedDifferentData) {
  const DatasetPair a = make_synthetic({1, 8, 8}, 4, 40, 20, 1);
  const DatasetPair b = make_synthetic({1, 8, 8}, 4, 40, 20, 2);
  EXPECT_FALSE(same_bits(a.train.images, b.train.images));
  EXPECT_NE(a.train.labels, b.train.labels);
}

TEST(DataSynthetic, ShapesAndSizes) {
  const DatasetPair pair = make_synthetic({2, 6, 5}, 3, 10, 4, 0);
  for (const Dataset* d : {&pair.train, &pair.test}) {
    EXPECT_EQ(d->sample_shape, (ref::Shape{2, 6, 5}));
    EXPECT_EQ(d->classes, 3);
    EXPECT_EQ(d->images.size(), static_cast<std::size_t>(d->size() * 60));
  }
  EXPECT_EQ(pair.train.size(), 10);
  EXPECT_EQ(pair.test.size(), 4);
  EXPECT_EQ(pair.description,
            "synthetic (seed 0): 10 train, 4 test samples of 2x6x5, 3 classes, class prototype x amplitude + noise");
}

TEST(DataSynthetic, ClassesAreBalancedAndShuffled) {
  const DatasetPair pair = make_synthetic({1, 4, 4}, 4, 50, 23, 3);
  std::map<int, int> train_count, test_count;
  for (int l : pair.train.labels) ++train_count[l];
  for (int l : pair.test.labels) ++test_count[l];
  EXPECT_EQ(train_count, (std::map<int, int>{{0, 13}, {1, 13}, {2, 12}, {3, 12}}));
  EXPECT_EQ(test_count, (std::map<int, int>{{0, 6}, {1, 6}, {2, 6}, {3, 5}}));
  std::vector<int> round_robin(50);
  for (int i = 0; i < 50; ++i) round_robin[static_cast<std::size_t>(i)] = i % 4;
  EXPECT_NE(pair.train.labels, round_robin);
}

TEST(DataSynthetic, TrainAndTestDiffer) {
  const DatasetPair pair = make_synthetic({1, 8, 8}, 1, 10, 10, 5);  // one class: only amplitude and noise differ
  EXPECT_FALSE(same_bits(pair.train.images, pair.test.images));
}

TEST(DataSynthetic, TestSetDoesNotDependOnTrainSize) {
  const DatasetPair small = make_synthetic({1, 8, 8}, 4, 10, 12, 9);
  const DatasetPair large = make_synthetic({1, 8, 8}, 4, 100, 12, 9);
  EXPECT_TRUE(same_bits(small.test.images, large.test.images));
  EXPECT_EQ(small.test.labels, large.test.labels);
}

TEST(DataSynthetic, DegenerateShapes) {
  const DatasetPair dot = make_synthetic({1, 1, 1}, 2, 4, 0, 0);
  EXPECT_EQ(dot.train.images.size(), 4U);
  EXPECT_EQ(dot.test.size(), 0);
  const DatasetPair row = make_synthetic({3, 1, 17}, 2, 4, 2, 0);
  for (float x : row.train.images) EXPECT_TRUE(std::isfinite(x));
}

// A nearest-class-mean classifier fitted on the training set should do far
// better than chance on the test set: the data can be learnt.
TEST(DataSynthetic, IsLearnable) {
  const int classes = 10;
  const DatasetPair pair = make_synthetic({1, 16, 16}, classes, 500, 200, 11);
  const std::int64_t numel = 256;
  std::vector<double> means(static_cast<std::size_t>(classes * numel), 0.0);
  std::vector<int> counts(classes, 0);
  for (std::int64_t i = 0; i < pair.train.size(); ++i) {
    const int k = pair.train.labels[static_cast<std::size_t>(i)];
    ++counts[static_cast<std::size_t>(k)];
    for (std::int64_t e = 0; e < numel; ++e) {
      means[static_cast<std::size_t>(k * numel + e)] += pair.train.images[static_cast<std::size_t>(i * numel + e)];
    }
  }
  for (std::int64_t k = 0; k < classes; ++k) {
    for (std::int64_t e = 0; e < numel; ++e) means[static_cast<std::size_t>(k * numel + e)] /= counts[static_cast<std::size_t>(k)];
  }
  int correct = 0;
  for (std::int64_t i = 0; i < pair.test.size(); ++i) {
    int best = -1;
    double best_score = -1e300;
    for (int k = 0; k < classes; ++k) {
      // Correlation with the class mean: the amplitude scales, the shape decides.
      double dot = 0, norm = 0;
      for (std::int64_t e = 0; e < numel; ++e) {
        const double m = means[static_cast<std::size_t>(k * numel + e)];
        dot += m * pair.test.images[static_cast<std::size_t>(i * numel + e)];
        norm += m * m;
      }
      const double score = dot / std::sqrt(norm);
      if (score > best_score) best_score = score, best = k;
    }
    correct += best == pair.test.labels[static_cast<std::size_t>(i)];
  }
  EXPECT_GE(correct, 180) << "of 200";
}

TEST(DataSynthetic, RoughlyStandardised) {
  const DatasetPair pair = make_synthetic({3, 16, 16}, 10, 200, 1, 4);
  double sum = 0, sum_sq = 0;
  for (float x : pair.train.images) sum += x, sum_sq += double{x} * x;
  const double n = static_cast<double>(pair.train.images.size());
  const double mean = sum / n, std = std::sqrt(sum_sq / n - mean * mean);
  EXPECT_NEAR(mean, 0.0, 0.3);
  EXPECT_GT(std, 0.5);
  EXPECT_LT(std, 1.5);
}

// Pinned values: any change to the generation rule (synthetic.hpp) shows here.
TEST(DataSynthetic, FixedTestVectors) {
  const DatasetPair pair = make_synthetic({2, 5, 7}, 3, 6, 4, 12345);
  EXPECT_EQ(pair.train.labels, (std::vector<int>{2, 1, 2, 1, 0, 0}));
  EXPECT_EQ(pair.test.labels, (std::vector<int>{0, 0, 1, 2}));
  // Cross-checked against an independent implementation of the documented rule.
  const std::vector<std::pair<std::size_t, float>> train_values = {
      {0, 0x1.037b58p-1f},  {1, 0x1.0f3cecp+1f},   {34, 0x1.ae06b4p-3f},  {35, 0x1.f2c986p-1f},
      {69, 0x1.c3765p-1f}, {100, -0x1.dea7fep-2f}, {209, 0x1.213aeap+1f}};
  for (const auto& [i, v] : train_values) EXPECT_EQ(pair.train.images.at(i), v) << "train element " << i;
  const std::vector<std::pair<std::size_t, float>> test_values = {
      {0, 0x1.0b6eb6p+0f}, {17, 0x1.549808p-4f}, {70, 0x1.585f7ep+0f}, {139, -0x1.0c8cep+0f}};
  for (const auto& [i, v] : test_values) EXPECT_EQ(pair.test.images.at(i), v) << "test element " << i;
}

TEST(DataSynthetic, BadArgumentsAreAllReported) {
  const std::string msg = input_error_message([] { make_synthetic({1, 0}, 0, 0, -1, 0); });
  EXPECT_CONTAINS(msg, "synthetic data set: at sample_shape: expected three positive dimensions C, H, W, found [1, 0]");
  EXPECT_CONTAINS(msg, "at classes: expected an integer >= 1, found 0");
  EXPECT_CONTAINS(msg, "at train_size: expected an integer in 1 .. 2^31 - 1, found 0");
  EXPECT_CONTAINS(msg, "at test_size: expected an integer in 0 .. 2^31 - 1, found -1");
  const std::string big = input_error_message([] { make_synthetic({1, 1, 1}, 2, std::int64_t{1} << 31, 1, 0); });
  EXPECT_CONTAINS(big, "at train_size");
}

}  // namespace
}  // namespace qtsim::data
