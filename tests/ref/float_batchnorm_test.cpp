// Float batch normalization: forward against a naive double implementation,
// running statistics computed by hand, eval mode, and the backward pass against
// finite differences (of a double re-implementation, and of the float forward).
#include <gtest/gtest.h>

#include <cmath>

#include "float_layers_test_util.hpp"
#include "models/ref/ops/batchnorm.hpp"

namespace qtsim::ref {
namespace {

using namespace float_test;

constexpr double kEps = 1e-5;
constexpr double kMomentum = 0.1;

// Naive double batchnorm in training mode: y = gamma * (x - mu) / sqrt(var + eps) + beta.
std::vector<double> batchnorm_double(const std::vector<double>& x, const Shape& shape, const std::vector<double>& gamma,
                                     const std::vector<double>& beta) {
  const std::int64_t N = shape.n(), C = shape.c(), P = shape.h() * shape.w();
  std::vector<double> y(x.size());
  for (std::int64_t c = 0; c < C; ++c) {
    auto at = [&](std::int64_t n, std::int64_t i) { return static_cast<std::size_t>((n * C + c) * P + i); };
    double mean = 0.0, var = 0.0;
    for (std::int64_t n = 0; n < N; ++n)
      for (std::int64_t i = 0; i < P; ++i) mean += x[at(n, i)];
    mean /= static_cast<double>(N * P);
    for (std::int64_t n = 0; n < N; ++n)
      for (std::int64_t i = 0; i < P; ++i) var += (x[at(n, i)] - mean) * (x[at(n, i)] - mean);
    var /= static_cast<double>(N * P);
    const auto cu = static_cast<std::size_t>(c);
    for (std::int64_t n = 0; n < N; ++n)
      for (std::int64_t i = 0; i < P; ++i)
        y[at(n, i)] = gamma[cu] * (x[at(n, i)] - mean) / std::sqrt(var + kEps) + beta[cu];
  }
  return y;
}

double dot_double(const std::vector<double>& a, const FTensor& b) {
  double s = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

// Channels with different offsets and spreads, and gammas of both signs.
struct BatchNormCase {
  FTensor x, gamma, beta;
};
BatchNormCase random_case(const Shape& shape, std::uint32_t seed) {
  TestRng rng(seed);
  BatchNormCase k{FTensor(shape), random_tensor(Shape{shape.c()}, rng, -1.5f, 1.5f),
                  random_tensor(Shape{shape.c()}, rng, -1.0f, 1.0f)};
  const std::int64_t P = shape.h() * shape.w();
  for (std::size_t i = 0; i < k.x.size(); ++i) {
    const auto c = static_cast<float>((static_cast<std::int64_t>(i) / P) % shape.c());
    k.x[i] = (c - 1.0f) * 2.0f + (0.5f + c) * rng.uniform(-1.0f, 1.0f);
  }
  return k;
}

TEST(FloatBatchNorm, ForwardMatchesNaiveDouble) {
  const BatchNormCase k = random_case(Shape{8, 4, 5, 5}, 101);
  FTensor running_mean(Shape{4}, 0.0f), running_var(Shape{4}, 1.0f);
  FloatBatchNormSaved saved;
  const FTensor y = batchnorm_forward_train(k.x, k.gamma, k.beta, kEps, running_mean, running_var, kMomentum, &saved);
  const auto expected = batchnorm_double(to_double(k.x), k.x.shape, to_double(k.gamma), to_double(k.beta));
  // |y| is a few units; float rounding of mean, inv_std and xhat costs ~1e-6.
  expect_close(y, expected, 1e-5, 1e-6, "y");
  ASSERT_EQ(saved.xhat.shape, k.x.shape);
  ASSERT_EQ(saved.inv_std.size(), 4u);
  const auto xhat = batchnorm_double(to_double(k.x), k.x.shape, {1, 1, 1, 1}, {0, 0, 0, 0});
  expect_close(saved.xhat, xhat, 1e-5, 1e-6, "xhat");
}

// x: channel 0 holds 1, 2 | 3, 6 (mean 3, biased var 3.5, unbiased 14/3),
//    channel 1 holds 10, 10 | 10, 14 (mean 11, biased var 3, unbiased 4).
TEST(FloatBatchNorm, RunningStatisticsAsPyTorch) {
  FTensor x(Shape{2, 2, 1, 2});
  x.data = {1, 2, 10, 10, 3, 6, 10, 14};
  FTensor gamma(Shape{2}), beta(Shape{2});
  gamma.data = {2.0f, -1.0f};
  beta.data = {0.5f, 0.0f};
  FTensor running_mean(Shape{2}), running_var(Shape{2});
  running_mean.data = {0.0f, 1.0f};
  running_var.data = {1.0f, 2.0f};
  FloatBatchNormSaved saved;
  const FTensor y = batchnorm_forward_train(x, gamma, beta, kEps, running_mean, running_var, kMomentum, &saved);

  EXPECT_FLOAT_EQ(running_mean[0], 0.9f * 0.0f + 0.1f * 3.0f);
  EXPECT_FLOAT_EQ(running_mean[1], 0.9f * 1.0f + 0.1f * 11.0f);
  EXPECT_FLOAT_EQ(running_var[0], 0.9 * 1.0 + 0.1 * 14.0 / 3.0);
  EXPECT_FLOAT_EQ(running_var[1], 0.9 * 2.0 + 0.1 * 4.0);

  // Normalisation uses the biased variance.
  EXPECT_FLOAT_EQ(saved.inv_std[0], 0.5345217202229368f);  // 1 / sqrt(3.5 + 1e-5)
  EXPECT_FLOAT_EQ(saved.inv_std[1], 0.5773493069415827f);  // 1 / sqrt(3 + 1e-5)
  EXPECT_FLOAT_EQ(saved.xhat[0], -1.0690434404458735f);    // (1 - 3) / sqrt(3.5 + 1e-5)
  EXPECT_FLOAT_EQ(y[0], 2.0f * -1.0690434404458735f + 0.5f);
  EXPECT_FLOAT_EQ(y[7], -1.0f * 3.0f * 0.5773493069415827f);  // (14 - 11) in channel 1

  // A second step moves 10% further toward the same batch statistics.
  batchnorm_forward_train(x, gamma, beta, kEps, running_mean, running_var, kMomentum, nullptr);
  EXPECT_FLOAT_EQ(running_mean[0], 0.57f);
  EXPECT_FLOAT_EQ(running_mean[1], 2.9f);
  EXPECT_FLOAT_EQ(running_var[0], 0.9 * (0.9 + 1.4 / 3.0) + 1.4 / 3.0);
  EXPECT_FLOAT_EQ(running_var[1], 0.9 * 2.2 + 0.4);
}

TEST(FloatBatchNorm, EvalUsesRunningStatistics) {
  const BatchNormCase k = random_case(Shape{2, 3, 2, 2}, 102);
  FTensor running_mean(Shape{3}), running_var(Shape{3});
  running_mean.data = {-2.0f, 0.5f, 3.0f};
  running_var.data = {0.25f, 4.0f, 1.0f};
  const FTensor y = batchnorm_forward_eval(k.x, k.gamma, k.beta, kEps, running_mean, running_var);
  ASSERT_EQ(y.shape, k.x.shape);
  for (std::size_t i = 0; i < y.size(); ++i) {
    const auto c = (i / 4) % 3;
    const double expected =
        k.gamma[c] * (k.x[i] - static_cast<double>(running_mean[c])) / std::sqrt(running_var[c] + kEps) + k.beta[c];
    EXPECT_NEAR(y[i], expected, 1e-5) << i;
  }
}

TEST(FloatBatchNorm, ConstantChannelGivesBeta) {
  FTensor x(Shape{3, 1, 2, 2}, 7.25f);
  FTensor gamma(Shape{1}, 1.5f), beta(Shape{1}, -0.5f);
  FTensor running_mean(Shape{1}, 0.0f), running_var(Shape{1}, 1.0f);
  FloatBatchNormSaved saved;
  const FTensor y = batchnorm_forward_train(x, gamma, beta, kEps, running_mean, running_var, kMomentum, &saved);
  for (float v : y.data) EXPECT_EQ(v, -0.5f);
  EXPECT_FLOAT_EQ(saved.inv_std[0], static_cast<float>(1.0 / std::sqrt(kEps)));
  EXPECT_FLOAT_EQ(running_var[0], 0.9f);

  FTensor dy(x.shape);
  for (std::size_t i = 0; i < dy.size(); ++i) dy[i] = static_cast<float>(i);
  const FloatBatchNormGrads g = batchnorm_backward(dy, gamma, saved);
  for (float v : g.dx.data) EXPECT_TRUE(std::isfinite(v));
  EXPECT_EQ(g.dgamma[0], 0.0f);
  EXPECT_EQ(g.dbeta[0], 66.0f);
}

TEST(FloatBatchNorm, RejectsSingleValuePerChannel) {
  FTensor running_mean(Shape{2}), running_var(Shape{2}, 1.0f);
  EXPECT_THROW(batchnorm_forward_train(FTensor(Shape{1, 2, 1, 1}), FTensor(Shape{2}, 1.0f), FTensor(Shape{2}), kEps,
                                       running_mean, running_var, kMomentum, nullptr),
               std::invalid_argument);
}

// The exact gradient of L = sum(dy * y) by central differences (step 1e-6,
// error ~1e-9) of the double implementation. The float backward is within
// ~1e-7 (dx) and ~6e-7 (dgamma ~ 4, from the float xhat) of it; a wrong or
// missing term would be off by O(|dy| / M) ~ 0.05.
TEST(FloatBatchNorm, BackwardMatchesDoubleFiniteDifferences) {
  const BatchNormCase k = random_case(Shape{2, 3, 3, 3}, 103);
  TestRng rng(104);
  const FTensor dy = random_tensor(k.x.shape, rng, -1.0f, 1.0f);
  FTensor running_mean(Shape{3}, 0.0f), running_var(Shape{3}, 1.0f);
  FloatBatchNormSaved saved;
  batchnorm_forward_train(k.x, k.gamma, k.beta, kEps, running_mean, running_var, kMomentum, &saved);
  const FloatBatchNormGrads g = batchnorm_backward(dy, k.gamma, saved);

  const auto x = to_double(k.x), gamma = to_double(k.gamma), beta = to_double(k.beta);
  const auto dx = numeric_gradient(
      x, 1e-6, [&](const std::vector<double>& v) { return dot_double(batchnorm_double(v, k.x.shape, gamma, beta), dy); });
  const auto dgamma = numeric_gradient(
      gamma, 1e-6, [&](const std::vector<double>& v) { return dot_double(batchnorm_double(x, k.x.shape, v, beta), dy); });
  const auto dbeta = numeric_gradient(
      beta, 1e-6, [&](const std::vector<double>& v) { return dot_double(batchnorm_double(x, k.x.shape, gamma, v), dy); });
  expect_close(g.dx, dx, 5e-6, 2e-6, "dx");
  expect_close(g.dgamma, dgamma, 5e-6, 2e-6, "dgamma");
  expect_close(g.dbeta, dbeta, 5e-6, 2e-6, "dbeta");
}

// The float forward and backward agree with each other: differences of the
// float forward with a 0.01 step against the float backward. The narrowest
// channel has sigma ~0.3, so |dx| reaches ~5 and the step's truncation error
// ~2e-4; smaller steps trade it for the rounding of the 18 outputs per channel.
TEST(FloatBatchNorm, BackwardMatchesFloatFiniteDifferences) {
  const BatchNormCase k = random_case(Shape{2, 3, 3, 3}, 105);
  TestRng rng(106);
  const FTensor dy = random_tensor(k.x.shape, rng, -1.0f, 1.0f);
  auto loss = [&](const FTensor& x, const FTensor& gamma, const FTensor& beta) {
    FTensor running_mean(Shape{3}, 0.0f), running_var(Shape{3}, 1.0f);
    return dot(batchnorm_forward_train(x, gamma, beta, kEps, running_mean, running_var, kMomentum, nullptr), dy);
  };
  FTensor running_mean(Shape{3}, 0.0f), running_var(Shape{3}, 1.0f);
  FloatBatchNormSaved saved;
  batchnorm_forward_train(k.x, k.gamma, k.beta, kEps, running_mean, running_var, kMomentum, &saved);
  const FloatBatchNormGrads g = batchnorm_backward(dy, k.gamma, saved);

  expect_close(g.dx, numeric_gradient(k.x, 0.01f, [&](const FTensor& v) { return loss(v, k.gamma, k.beta); }), 5e-4,
               1e-3, "dx");
  expect_close(g.dgamma, numeric_gradient(k.gamma, 0.01f, [&](const FTensor& v) { return loss(k.x, v, k.beta); }),
               5e-4, 1e-3, "dgamma");
  expect_close(g.dbeta, numeric_gradient(k.beta, 0.01f, [&](const FTensor& v) { return loss(k.x, k.gamma, v); }),
               5e-4, 1e-3, "dbeta");
}

}  // namespace
}  // namespace qtsim::ref
