// Softmax cross-entropy and predict: hand-computed cases, stability with large
// logits, argmax ties, finite differences of the loss.
#include <gtest/gtest.h>

#include <cmath>

#include "float_layers_test_util.hpp"
#include "models/ref/ops/layers_float.hpp"

namespace qtsim::ref {
namespace {

using namespace float_test;

FTensor logits_of(std::int64_t n, std::int64_t classes, std::vector<float> values) {
  FTensor t(Shape{n, classes});
  t.data = std::move(values);
  return t;
}

TEST(FloatSoftmaxCrossEntropy, HandComputedBatch) {
  // softmax(1, 2, 3) = (0.0900306, 0.2447285, 0.6652410); log-sum-exp = 3.4076060.
  const FTensor logits = logits_of(2, 3, {1, 2, 3, 3, 2, 1});
  const LossResult r = softmax_cross_entropy(logits, {2, 2});
  EXPECT_NEAR(r.loss, (0.4076059644443806 + 2.4076059644443806) / 2, 1e-6);
  EXPECT_EQ(r.correct, 1);  // sample 1 predicts class 0
  ASSERT_EQ(r.dlogits.shape, logits.shape);
  expect_close(r.dlogits,
               {0.04501528658519023, 0.12236423552739882, -0.1673795221125891, 0.3326204778874109,
                0.12236423552739882, -0.4549847134148098},
               1e-7, 1e-6, "dlogits");
}

TEST(FloatSoftmaxCrossEntropy, EqualLogitsGiveLogClasses) {
  const LossResult r = softmax_cross_entropy(logits_of(1, 2, {0, 0}), {1});
  EXPECT_NEAR(r.loss, std::log(2.0), 1e-7);
  EXPECT_EQ(r.dlogits.data, (std::vector<float>{0.5f, -0.5f}));
  EXPECT_EQ(r.correct, 0);  // tie: class 0 wins
}

TEST(FloatSoftmaxCrossEntropy, StableForLargeLogits) {
  const LossResult r = softmax_cross_entropy(logits_of(3, 3, {1000, 0, -1000,  //
                                                              1000, 0, -1000,  //
                                                              -1e4f, -1e4f, -1e4f}),
                                             {0, 1, 2});
  // Sample losses: 0, 1000 (exp(-1000) vanishes beside 1), log 3.
  EXPECT_TRUE(std::isfinite(r.loss));
  EXPECT_NEAR(r.loss, (0.0 + 1000.0 + std::log(3.0)) / 3, 1e-4);
  for (float d : r.dlogits.data) EXPECT_TRUE(std::isfinite(d));
  expect_close(r.dlogits, {0, 0, 0, 1.0 / 3, -1.0 / 3, 0, 1.0 / 9, 1.0 / 9, -2.0 / 9}, 1e-7, 1e-6, "dlogits");
  // Only sample 0 hits: sample 1 predicts 0, and sample 2's three-way tie goes to class 0, not 2.
  EXPECT_EQ(r.correct, 1);

  const LossResult huge = softmax_cross_entropy(logits_of(1, 2, {1e30f, 1e30f}), {0});
  EXPECT_NEAR(huge.loss, std::log(2.0), 1e-7);
  EXPECT_EQ(huge.correct, 1);
}

TEST(FloatSoftmaxCrossEntropy, GradientMatchesFiniteDifferences) {
  TestRng rng(17);
  const FTensor logits = random_tensor(Shape{4, 5, 1, 1}, rng, -3.0f, 3.0f);  // a linear layer's output shape
  const std::vector<int> labels = {0, 3, 4, 1};
  const LossResult r = softmax_cross_entropy(logits, labels);
  EXPECT_EQ(r.dlogits.shape, logits.shape);
  // Per-sample losses are float (~2e-7 rounding) over a step of 0.06, / N; the
  // truncation error (step^2 / 6 * |third derivative| / N) is ~1e-5 at most.
  const auto expected =
      numeric_gradient(logits, 0.03f, [&](const FTensor& v) { return softmax_cross_entropy(v, labels).loss; });
  expect_close(r.dlogits, expected, 3e-5, 0.0, "dlogits");
  // Each row of dlogits sums to zero.
  for (std::size_t i = 0; i < 4; ++i) {
    double row = 0.0;
    for (std::size_t j = 0; j < 5; ++j) row += r.dlogits[i * 5 + j];
    EXPECT_NEAR(row, 0.0, 1e-7);
  }
}

TEST(FloatSoftmaxCrossEntropy, RejectsBadLabels) {
  EXPECT_THROW(softmax_cross_entropy(logits_of(1, 3, {0, 0, 0}), {3}), std::invalid_argument);
  EXPECT_THROW(softmax_cross_entropy(logits_of(1, 3, {0, 0, 0}), {-1}), std::invalid_argument);
  EXPECT_THROW(softmax_cross_entropy(logits_of(2, 3, {0, 0, 0, 0, 0, 0}), {0}), std::invalid_argument);
}

TEST(FloatPredict, LowestIndexWinsTies) {
  EXPECT_EQ(predict(logits_of(3, 3, {1, 3, 3, 2, 2, 2, -1, -5, 0})), (std::vector<int>{1, 0, 2}));
}

}  // namespace
}  // namespace qtsim::ref
