// Float conv2d: forward against direct loops in double; both backward passes
// against central finite differences (in double) of L = sum(g * conv(x, w)).
#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "dense_test_util.hpp"
#include "models/ref/ops/dense.hpp"

namespace qtsim::ref {
namespace {

using namespace dense_test;

const std::vector<ConvCase>& shapes() {
  static const std::vector<ConvCase> cases = {
      {2, 3, 7, 9, 4, 3, 1, 1},  {2, 3, 8, 5, 5, 3, 2, 1}, {1, 2, 9, 11, 3, 1, 1, 0}, {1, 2, 9, 11, 3, 1, 2, 0},
      {2, 2, 13, 10, 3, 7, 1, 2}, {1, 2, 13, 10, 3, 7, 2, 2}, {1, 4, 6, 6, 2, 3, 1, 0}, {1, 4, 7, 6, 2, 3, 2, 2},
      {2, 2, 6, 5, 33, 3, 1, 1}, {30, 2, 5, 5, 3, 3, 1, 1}, {1, 3, 5, 4, 2, 1, 1, 1},
  };
  return cases;
}

class ConvFloatTest : public ::testing::TestWithParam<ConvCase> {};

struct FloatOperands {
  FTensor x, w, g;  // g: the loss weights, i.e. dy
};

FloatOperands random_float_operands(const ConvCase& s, std::uint32_t seed) {
  Rng rng(seed);
  FloatOperands op{FTensor(s.x_shape()), FTensor(s.w_shape()), FTensor(s.y_shape())};
  for (auto* t : {&op.x, &op.w, &op.g})
    for (auto& v : t->data) v = rng.uniform(-1, 1);
  return op;
}

TEST_P(ConvFloatTest, ForwardMatchesDoubleLoops) {
  const ConvCase s = GetParam();
  const FloatOperands op = random_float_operands(s, 3);
  const FTensor y = conv2d_forward(op.x, op.w, s.stride, s.pad);
  EXPECT_EQ(y.shape, s.y_shape());
  expect_close(y.data, naive_conv_forward(s, to_double(op.x.data), to_double(op.w.data), plain_double), 1e-5, 0.01);
}

TEST_P(ConvFloatTest, BackwardPassesMatchFiniteDifferences) {
  const ConvCase s = GetParam();
  const FloatOperands op = random_float_operands(s, 5);
  const std::vector<double> x = to_double(op.x.data), w = to_double(op.w.data), g = to_double(op.g.data);

  const auto loss_of_x = [&](const std::vector<double>& xv) {
    return dot(g, naive_conv_forward(s, xv, w, plain_double));
  };
  const auto loss_of_w = [&](const std::vector<double>& wv) {
    return dot(g, naive_conv_forward(s, x, wv, plain_double));
  };
  const FTensor dx = conv2d_backward_data(op.g, op.w, s.x_shape(), s.stride, s.pad);
  EXPECT_EQ(dx.shape, s.x_shape());
  expect_close(dx.data, finite_differences(x, loss_of_x), 1e-3);

  const FTensor dw = conv2d_backward_weights(op.x, op.g, s.w_shape(), s.stride, s.pad);
  EXPECT_EQ(dw.shape, s.w_shape());
  expect_close(dw.data, finite_differences(w, loss_of_w), 1e-3);
}

// docs/NUMERICS.md §9: float32 in the canonical orders of §5 — bitwise the
// sequential float sums over (c, r, s), (k, r, s) and (n, p, q). Backward-data
// with stride > 1 (or pad >= R) keeps the fixed order of GEMM + col2im: each
// tap's sum over k, added in (r, s) order.
TEST_P(ConvFloatTest, FollowsTheCanonicalOrders) {
  const ConvCase s = GetParam();
  const FloatOperands op = random_float_operands(s, 11);
  expect_bitwise_equal(conv2d_forward(op.x, op.w, s.stride, s.pad).data,
                       naive_conv_forward(s, op.x.data, op.w.data, plain_float));
  expect_bitwise_equal(conv2d_backward_weights(op.x, op.g, s.w_shape(), s.stride, s.pad).data,
                       naive_conv_backward_weights(s, op.x.data, op.g.data, plain_float));
  if (s.stride == 1 && s.pad < s.r)
    expect_bitwise_equal(conv2d_backward_data(op.g, op.w, s.x_shape(), s.stride, s.pad).data,
                         naive_conv_backward_data(s, op.g.data, op.w.data, plain_float));
  else
    expect_bitwise_equal(conv2d_backward_data(op.g, op.w, s.x_shape(), s.stride, s.pad).data,
                         tapwise_conv_backward_data(s, op.g.data, op.w.data));
}

// Strided backward-data adds only the taps inside dy: with a non-finite weight a
// tap outside dy must not turn a border element into NaN.
TEST_P(ConvFloatTest, StridedBackwardDataSkipsTapsOutsideDyWithNonFiniteWeights) {
  const ConvCase s = GetParam();
  if (s.stride == 1 && s.pad < s.r) GTEST_SKIP() << "one sum over all taps";
  FloatOperands op = random_float_operands(s, 13);
  op.w.data[op.w.data.size() / 2] = std::numeric_limits<float>::infinity();
  op.w.data[0] = -std::numeric_limits<float>::infinity();
  expect_bitwise_equal_or_both_nan(conv2d_backward_data(op.g, op.w, s.x_shape(), s.stride, s.pad).data,
                                   tapwise_conv_backward_data(s, op.g.data, op.w.data));
}

INSTANTIATE_TEST_SUITE_P(Shapes, ConvFloatTest, ::testing::ValuesIn(shapes()));

// Big enough for several GEMM tiles, k blocks and image groups.
TEST(ConvFloat, LargerShapesFollowTheCanonicalOrders) {
  for (const ConvCase& s : {ConvCase{3, 40, 10, 9, 40, 3, 1, 1}, ConvCase{40, 4, 6, 6, 9, 3, 2, 1},
                           ConvCase{9, 20, 8, 8, 24, 3, 1, 1}}) {
    SCOPED_TRACE(::testing::Message() << s);
    const FloatOperands op = random_float_operands(s, 7);
    expect_bitwise_equal(conv2d_forward(op.x, op.w, s.stride, s.pad).data,
                         naive_conv_forward(s, op.x.data, op.w.data, plain_float));
    expect_bitwise_equal(conv2d_backward_weights(op.x, op.g, s.w_shape(), s.stride, s.pad).data,
                         naive_conv_backward_weights(s, op.x.data, op.g.data, plain_float));
    if (s.stride == 1 && s.pad < s.r)
      expect_bitwise_equal(conv2d_backward_data(op.g, op.w, s.x_shape(), s.stride, s.pad).data,
                           naive_conv_backward_data(s, op.g.data, op.w.data, plain_float));
    else
      expect_bitwise_equal(conv2d_backward_data(op.g, op.w, s.x_shape(), s.stride, s.pad).data,
                           tapwise_conv_backward_data(s, op.g.data, op.w.data));
  }
}

}  // namespace
}  // namespace qtsim::ref
