// Float pooling: output sizes, max-pool padding and tie rules, overlapping
// windows, average pool with padding, global average pool, finite differences.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "float_layers_test_util.hpp"
#include "models/ref/ops/layers_float.hpp"

namespace qtsim::ref {
namespace {

using namespace float_test;

struct PoolConfig {
  std::int64_t kernel, stride, pad;
};
// ResNet's stem max-pool, non-overlapping 2x2, and a stride-1 same-size pool.
const PoolConfig kConfigs[] = {{3, 2, 1}, {2, 2, 0}, {3, 1, 1}};

FTensor iota_plane(std::int64_t h, std::int64_t w, float first) {
  FTensor t(Shape{1, 1, h, w});
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = first + static_cast<float>(i);
  return t;
}

TEST(FloatPool, OutputSizeIsFloorFormula) {
  std::vector<std::int64_t> argmax;
  EXPECT_EQ(maxpool_forward(FTensor(Shape{1, 2, 112, 112}), 3, 2, 1, &argmax).shape, (Shape{1, 2, 56, 56}));
  EXPECT_EQ(maxpool_forward(FTensor(Shape{2, 1, 7, 7}), 3, 2, 1, nullptr).shape, (Shape{2, 1, 4, 4}));
  EXPECT_EQ(avgpool_forward(FTensor(Shape{1, 1, 5, 6}), 2, 2, 0).shape, (Shape{1, 1, 2, 3}));
  EXPECT_EQ(avgpool_forward(FTensor(Shape{1, 1, 8, 8}), 3, 3, 0).shape, (Shape{1, 1, 2, 2}));
  EXPECT_THROW(maxpool_forward(FTensor(Shape{1, 1, 4, 4}), 3, 2, 2, nullptr), std::invalid_argument);
}

TEST(FloatMaxPool, PaddingNeverWins) {
  FTensor x(Shape{1, 1, 2, 2});
  x.data = {-4.0f, -3.0f, -2.0f, -1.0f};
  std::vector<std::int64_t> argmax;
  const FTensor y = maxpool_forward(x, 3, 1, 1, &argmax);  // every window covers all four inputs
  EXPECT_EQ(y.data, (std::vector<float>{-1.0f, -1.0f, -1.0f, -1.0f}));
  EXPECT_EQ(argmax, (std::vector<std::int64_t>{3, 3, 3, 3}));

  const float inf = std::numeric_limits<float>::infinity();
  x.data = {-inf, -inf, -inf, -inf};
  const FTensor y_inf = maxpool_forward(x, 3, 1, 1, &argmax);
  for (float v : y_inf.data) EXPECT_EQ(v, -inf);
  EXPECT_EQ(argmax, (std::vector<std::int64_t>{0, 0, 0, 0}));  // first real input, not padding
}

TEST(FloatMaxPool, TiesGoToFirstInRowThenColumnOrder) {
  FTensor x(Shape{1, 1, 3, 3}, 0.0f);
  x.data[3] = 5.0f;  // (1, 0)
  x.data[1] = 5.0f;  // (0, 1): first in row-major scan although (1, 0) is first column-major
  x.data[8] = 5.0f;  // (2, 2)
  std::vector<std::int64_t> argmax;
  EXPECT_EQ(maxpool_forward(x, 3, 1, 0, &argmax).data, (std::vector<float>{5.0f}));
  EXPECT_EQ(argmax, (std::vector<std::int64_t>{1}));

  const FTensor flat(Shape{1, 1, 3, 3}, 2.0f);
  maxpool_forward(flat, 3, 1, 0, &argmax);
  EXPECT_EQ(argmax, (std::vector<std::int64_t>{0}));
}

TEST(FloatMaxPool, NaNPropagates) {
  FTensor x(Shape{1, 1, 2, 2}, 1.0f);
  x.data[1] = std::numeric_limits<float>::quiet_NaN();
  x.data[3] = 9.0f;
  std::vector<std::int64_t> argmax;
  EXPECT_TRUE(std::isnan(maxpool_forward(x, 2, 2, 0, &argmax)[0]));
  EXPECT_EQ(argmax, (std::vector<std::int64_t>{1}));
}

TEST(FloatMaxPool, ArgmaxIsFlatIndexIntoWholeInput) {
  TestRng rng(5);
  const FTensor x = distinct_tensor(Shape{2, 3, 4, 4}, rng, 0.5f);
  std::vector<std::int64_t> argmax;
  const FTensor y = maxpool_forward(x, 2, 2, 0, &argmax);
  ASSERT_EQ(argmax.size(), y.size());
  for (std::size_t o = 0; o < y.size(); ++o) {
    const auto plane = static_cast<std::int64_t>(o) / 4;  // 2 x 2 outputs per plane
    EXPECT_GE(argmax[o], plane * 16);
    EXPECT_LT(argmax[o], (plane + 1) * 16);
    EXPECT_EQ(x[static_cast<std::size_t>(argmax[o])], y[o]);
  }
}

// 3x3 stride 2 pad 1 as in ResNet: the maximum at (1, 1) wins four overlapping
// windows, the one at (3, 3) three; dy from all of them adds up.
TEST(FloatMaxPool, OverlappingWindowsSumGradients) {
  FTensor x(Shape{1, 1, 5, 5});
  for (std::int64_t i = 0; i < 25; ++i) x[static_cast<std::size_t>(i)] = -1.0f - static_cast<float>(i);  // falls in scan order
  x.data[1 * 5 + 1] = 10.0f;
  x.data[3 * 5 + 3] = 9.0f;
  std::vector<std::int64_t> argmax;
  const FTensor y = maxpool_forward(x, 3, 2, 1, &argmax);
  ASSERT_EQ(y.shape, (Shape{1, 1, 3, 3}));
  EXPECT_EQ(y.data, (std::vector<float>{10, 10, -4, 10, 10, 9, -16, 9, 9}));
  EXPECT_EQ(argmax, (std::vector<std::int64_t>{6, 6, 3, 6, 6, 18, 15, 18, 18}));

  FTensor dy(y.shape);
  for (std::size_t o = 0; o < dy.size(); ++o) dy[o] = static_cast<float>(o + 1);
  const FTensor dx = maxpool_backward(dy, argmax, x.shape);
  FTensor expected(x.shape, 0.0f);
  expected.data[6] = 1 + 2 + 4 + 5;
  expected.data[18] = 6 + 8 + 9;
  expected.data[3] = 3;
  expected.data[15] = 7;
  EXPECT_EQ(dx.data, expected.data);
}

TEST(FloatMaxPool, BackwardMatchesFiniteDifferencesAwayFromTies) {
  for (const auto& cfg : kConfigs) {
    SCOPED_TRACE(::testing::Message() << "k" << cfg.kernel << " s" << cfg.stride << " p" << cfg.pad);
    TestRng rng(21);
    // Distinct values 0.01 apart and a 0.003 step: no window changes its argmax,
    // so the difference quotient of the piecewise-linear loss is exact.
    const FTensor x = distinct_tensor(Shape{2, 3, 7, 7}, rng, 0.01f);
    std::vector<std::int64_t> argmax;
    const FTensor y = maxpool_forward(x, cfg.kernel, cfg.stride, cfg.pad, &argmax);
    const FTensor w = random_tensor(y.shape, rng, -1.0f, 1.0f);
    const FTensor dx = maxpool_backward(w, argmax, x.shape);
    const auto expected = numeric_gradient(x, 0.003f, [&](const FTensor& v) {
      return dot(maxpool_forward(v, cfg.kernel, cfg.stride, cfg.pad, nullptr), w);
    });
    expect_close(dx, expected, 1e-6, 1e-6, "maxpool dx");
  }
}

TEST(FloatAvgPool, PaddingCountsInDivisor) {
  const FTensor x = iota_plane(3, 3, 1.0f);  // 1..9
  const FTensor y = avgpool_forward(x, 3, 1, 1);
  ASSERT_EQ(y.shape, (Shape{1, 1, 3, 3}));
  // Corner windows hold 4 real inputs, edges 6, the centre 9; all divide by 9.
  EXPECT_FLOAT_EQ(y[0], (1 + 2 + 4 + 5) / 9.0f);
  EXPECT_FLOAT_EQ(y[1], (1 + 2 + 3 + 4 + 5 + 6) / 9.0f);
  EXPECT_FLOAT_EQ(y[4], 45 / 9.0f);
  EXPECT_FLOAT_EQ(y[8], (5 + 6 + 8 + 9) / 9.0f);

  const FTensor dx = avgpool_backward(FTensor(y.shape, 1.0f), x.shape, 3, 1, 1);
  // Each input receives 1/9 from every window that contains it.
  const std::vector<float> windows = {4, 6, 4, 6, 9, 6, 4, 6, 4};
  for (std::size_t i = 0; i < 9; ++i) EXPECT_FLOAT_EQ(dx[i], windows[i] / 9.0f) << i;
}

TEST(FloatAvgPool, StrideTwoPadOne) {
  const FTensor x = iota_plane(4, 4, 0.0f);  // 0..15
  const FTensor y = avgpool_forward(x, 3, 2, 1);
  ASSERT_EQ(y.shape, (Shape{1, 1, 2, 2}));
  EXPECT_FLOAT_EQ(y[0], (0 + 1 + 4 + 5) / 9.0f);
  EXPECT_FLOAT_EQ(y[1], (1 + 2 + 3 + 5 + 6 + 7) / 9.0f);
  EXPECT_FLOAT_EQ(y[3], (5 + 6 + 7 + 9 + 10 + 11 + 13 + 14 + 15) / 9.0f);
}

TEST(FloatAvgPool, BackwardMatchesFiniteDifferences) {
  for (const auto& cfg : kConfigs) {
    SCOPED_TRACE(::testing::Message() << "k" << cfg.kernel << " s" << cfg.stride << " p" << cfg.pad);
    TestRng rng(33);
    const FTensor x = random_tensor(Shape{2, 3, 7, 7}, rng, -2.0f, 2.0f);
    const FTensor y = avgpool_forward(x, cfg.kernel, cfg.stride, cfg.pad);
    const FTensor w = random_tensor(y.shape, rng, -1.0f, 1.0f);
    const FTensor dx = avgpool_backward(w, x.shape, cfg.kernel, cfg.stride, cfg.pad);
    // The loss is linear, so a large step is exact but for the float rounding of
    // the few outputs that change (~1e-7 each, over a step of 0.5).
    const auto expected = numeric_gradient(x, 0.25f, [&](const FTensor& v) {
      return dot(avgpool_forward(v, cfg.kernel, cfg.stride, cfg.pad), w);
    });
    expect_close(dx, expected, 1e-5, 0.0, "avgpool dx");
  }
}

TEST(FloatGlobalAvgPool, MeanPerPlaneAndEvenShare) {
  FTensor x(Shape{2, 2, 2, 3});
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i);
  const FTensor y = global_avgpool_forward(x);
  ASSERT_EQ(y.shape, (Shape{2, 2, 1, 1}));
  EXPECT_EQ(y.data, (std::vector<float>{2.5f, 8.5f, 14.5f, 20.5f}));

  FTensor dy(y.shape);
  dy.data = {6.0f, -12.0f, 3.0f, 0.0f};
  const FTensor dx = global_avgpool_backward(dy, x.shape);
  ASSERT_EQ(dx.shape, x.shape);
  for (std::size_t i = 0; i < dx.size(); ++i) EXPECT_FLOAT_EQ(dx[i], dy[i / 6] / 6.0f) << i;
}

TEST(FloatGlobalAvgPool, BackwardMatchesFiniteDifferences) {
  TestRng rng(44);
  const FTensor x = random_tensor(Shape{3, 4, 5, 5}, rng, -2.0f, 2.0f);
  const FTensor w = random_tensor(Shape{3, 4, 1, 1}, rng, -1.0f, 1.0f);
  const FTensor dx = global_avgpool_backward(w, x.shape);
  const auto expected =
      numeric_gradient(x, 0.25f, [&](const FTensor& v) { return dot(global_avgpool_forward(v), w); });
  expect_close(dx, expected, 1e-6, 0.0, "global avgpool dx");
}

}  // namespace
}  // namespace qtsim::ref
