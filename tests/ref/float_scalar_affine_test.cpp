// Float residual add, Fixup scalar bias/multiplier and per-channel bias: values
// and parameter/data gradients (hand-computed and by finite differences).
#include <gtest/gtest.h>

#include "float_layers_test_util.hpp"
#include "models/ref/ops/layers_float.hpp"

namespace qtsim::ref {
namespace {

using namespace float_test;

FTensor scalar_tensor(float v) { return FTensor(Shape{1}, v); }

TEST(FloatAdd, ElementWise) {
  FTensor a(Shape{1, 1, 1, 3}), b(Shape{1, 1, 1, 3});
  a.data = {1.0f, 2.0f, 3.0f};
  b.data = {0.5f, -2.0f, 10.0f};
  const FTensor y = add_forward(a, b);
  EXPECT_EQ(y.shape, a.shape);
  EXPECT_EQ(y.data, (std::vector<float>{1.5f, 0.0f, 13.0f}));
  EXPECT_THROW(add_forward(a, FTensor(Shape{2})), std::invalid_argument);
}

TEST(FloatScalarBias, ForwardAndGradients) {
  FTensor x(Shape{2, 1, 1, 2});
  x.data = {1.0f, -1.0f, 0.25f, 4.0f};
  EXPECT_EQ(bias_forward(x, scalar_tensor(0.5f)).data, (std::vector<float>{1.5f, -0.5f, 0.75f, 4.5f}));

  FTensor dy(x.shape);
  dy.data = {1.0f, 2.0f, -0.5f, 3.0f};
  const FTensor db = bias_backward_param(dy);
  ASSERT_EQ(db.size(), 1u);
  EXPECT_EQ(db[0], 5.5f);

  TestRng rng(7);
  const FTensor big = random_tensor(Shape{4, 3, 5, 5}, rng, -2.0f, 2.0f);
  const FTensor w = random_tensor(big.shape, rng, -1.0f, 1.0f);
  const auto expected = numeric_gradient(scalar_tensor(0.3f), 0.25f,
                                         [&](const FTensor& b) { return dot(bias_forward(big, b), w); });
  // 300 outputs each rounded to float (~1e-7) over a step of 0.5.
  expect_close(bias_backward_param(w), expected, 1e-4, 1e-6, "db");
}

TEST(FloatScalarScale, ForwardAndGradients) {
  FTensor x(Shape{1, 2, 1, 2});
  x.data = {1.0f, -2.0f, 0.5f, 3.0f};
  const FTensor m = scalar_tensor(-1.5f);
  EXPECT_EQ(scale_forward(x, m).data, (std::vector<float>{-1.5f, 3.0f, -0.75f, -4.5f}));

  FTensor dy(x.shape);
  dy.data = {2.0f, 1.0f, -4.0f, 0.5f};
  EXPECT_EQ(scale_backward_data(dy, m).data, (std::vector<float>{-3.0f, -1.5f, 6.0f, -0.75f}));
  const FTensor dm = scale_backward_param(dy, x);
  ASSERT_EQ(dm.size(), 1u);
  EXPECT_EQ(dm[0], 2.0f - 2.0f - 2.0f + 1.5f);

  TestRng rng(8);
  const FTensor big = random_tensor(Shape{4, 3, 5, 5}, rng, -2.0f, 2.0f);
  const FTensor w = random_tensor(big.shape, rng, -1.0f, 1.0f);
  const FTensor m0 = scalar_tensor(0.7f);
  const auto expected_dm = numeric_gradient(m0, 0.25f, [&](const FTensor& v) { return dot(scale_forward(big, v), w); });
  expect_close(scale_backward_param(w, big), expected_dm, 1e-4, 1e-6, "dm");
  const auto expected_dx = numeric_gradient(big, 0.25f, [&](const FTensor& v) { return dot(scale_forward(v, m0), w); });
  expect_close(scale_backward_data(w, m0), expected_dx, 1e-6, 0.0, "dx");
}

TEST(FloatChannelBias, ForwardAddsPerChannelAndBackwardSumsOverNHW) {
  FTensor y(Shape{2, 3, 1, 2}, 1.0f);
  FTensor b(Shape{3});
  b.data = {10.0f, 20.0f, 30.0f};
  channel_bias_forward(y, b);
  EXPECT_EQ(y.data, (std::vector<float>{11, 11, 21, 21, 31, 31, 11, 11, 21, 21, 31, 31}));

  FTensor dy(y.shape);
  for (std::size_t i = 0; i < dy.size(); ++i) dy[i] = static_cast<float>(i);
  const FTensor db = channel_bias_backward(dy);
  ASSERT_EQ(db.shape, (Shape{3}));
  EXPECT_EQ(db.data, (std::vector<float>{0 + 1 + 6 + 7, 2 + 3 + 8 + 9, 4 + 5 + 10 + 11}));

  // A linear layer's output: N x F x 1 x 1 (and plain N x F).
  FTensor logits(Shape{2, 3}, 0.0f);
  channel_bias_forward(logits, b);
  EXPECT_EQ(logits.data, (std::vector<float>{10, 20, 30, 10, 20, 30}));
  EXPECT_EQ(channel_bias_backward(logits).data, (std::vector<float>{20, 40, 60}));
}

TEST(FloatChannelBias, BackwardMatchesFiniteDifferences) {
  TestRng rng(9);
  const FTensor base = random_tensor(Shape{3, 4, 3, 3}, rng, -2.0f, 2.0f);
  const FTensor w = random_tensor(base.shape, rng, -1.0f, 1.0f);
  const FTensor b = random_tensor(Shape{4}, rng, -1.0f, 1.0f);
  const auto expected = numeric_gradient(b, 0.25f, [&](const FTensor& v) {
    FTensor y = base;
    channel_bias_forward(y, v);
    return dot(y, w);
  });
  expect_close(channel_bias_backward(w), expected, 1e-5, 1e-6, "channel db");
}

}  // namespace
}  // namespace qtsim::ref
