// Float ReLU: forward values, NaN propagation, backward mask and finite differences.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "float_layers_test_util.hpp"
#include "models/ref/ops/layers_float.hpp"

namespace qtsim::ref {
namespace {

using namespace float_test;

TEST(FloatRelu, ForwardClampsNegativesAndKeepsNaN) {
  FTensor x(Shape{1, 1, 1, 5});
  x.data = {-2.0f, -0.0f, 0.0f, 1.5f, std::numeric_limits<float>::quiet_NaN()};
  const FTensor y = relu_forward(x);
  EXPECT_EQ(y.shape, x.shape);
  EXPECT_EQ(y[0], 0.0f);
  EXPECT_EQ(y[1], 0.0f);
  EXPECT_EQ(y[2], 0.0f);
  EXPECT_EQ(y[3], 1.5f);
  EXPECT_TRUE(std::isnan(y[4]));  // divergence stays visible
}

TEST(FloatRelu, BackwardPassesDyWhereOutputPositive) {
  FTensor y(Shape{4});
  y.data = {0.0f, 2.0f, 0.0f, 0.5f};
  FTensor dy(Shape{4});
  dy.data = {1.0f, -3.0f, 7.0f, 4.0f};
  const FTensor dx = relu_backward(dy, y);
  EXPECT_EQ(dx.data, (std::vector<float>{0.0f, -3.0f, 0.0f, 4.0f}));
}

TEST(FloatRelu, BackwardMatchesFiniteDifferencesAwayFromKink) {
  TestRng rng(11);
  FTensor x = random_tensor(Shape{2, 3, 4, 5}, rng, -1.0f, 1.0f);
  for (auto& v : x.data)  // keep |x| >= 0.05 so a 0.01 step never crosses 0
    if (std::abs(v) < 0.05f) v = v < 0 ? -0.05f : 0.05f;
  const FTensor w = random_tensor(x.shape, rng, -1.0f, 1.0f);
  const FTensor dx = relu_backward(w, relu_forward(x));
  // ReLU is linear on each side, so the difference quotient is exact up to the
  // double rounding of the loss.
  const auto expected = numeric_gradient(x, 0.01f, [&](const FTensor& v) { return dot(relu_forward(v), w); });
  expect_close(dx, expected, 1e-6, 0.0, "relu dx");
}

}  // namespace
}  // namespace qtsim::ref
