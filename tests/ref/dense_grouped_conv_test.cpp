// Grouped and depthwise conv2d, all three passes, integer and float, against
// the direct loops of dense_test_util.hpp (each filter summing only its group's
// channels, in the canonical orders of docs/NUMERICS.md §5): exact sums,
// saturating narrow accumulators with their counts, flagged operands, and
// bitwise float sums.
#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "dense_test_util.hpp"
#include "models/ref/ops/conv_grouped.hpp"

namespace qtsim::ref {
namespace {

using namespace dense_test;

std::vector<i64> values(const QTensor& t) { return fine_values(t).v; }

const std::vector<ConvCase>& shapes() {
  static const std::vector<ConvCase> cases = {
      {2, 4, 7, 6, 6, 3, 1, 1, 2},    // two groups, two channels and three filters each
      {2, 5, 8, 7, 5, 3, 1, 1, 5},    // depthwise
      {1, 6, 9, 9, 6, 3, 2, 1, 6},    // depthwise, strided (MobileNet's downsampling blocks)
      {2, 3, 7, 7, 6, 3, 1, 1, 3},    // depthwise with two filters per channel
      {1, 8, 6, 5, 4, 1, 1, 0, 4},    // 1x1 groups, fewer filters than channels
      {2, 6, 10, 9, 9, 5, 2, 2, 3},   // 5x5, strided
      {1, 4, 5, 5, 4, 3, 1, 3, 4},    // pad >= R
  };
  return cases;
}

struct Operands {
  QTensor x, w, dy;
};

Operands random_operands(const ConvCase& s, Rng& rng) {
  return {random_q(s.x_shape(), -5, 8, rng), random_q(s.w_shape(), -7, 8, rng), random_q(s.y_shape(), -9, 8, rng)};
}

class GroupedConvTest : public ::testing::TestWithParam<ConvCase> {};

TEST_P(GroupedConvTest, IntegerSumsOnlyTheGroupsChannels) {
  const ConvCase s = GetParam();
  Rng rng(101);
  const Operands op = random_operands(s, rng);
  std::uint64_t saturations = 0;
  const WideTensor y = grouped_conv2d_forward(op.x, op.w, s.stride, s.pad, s.groups, 32, &saturations);
  EXPECT_EQ(y.shape, s.y_shape());
  EXPECT_EQ(y.exp, -12);
  EXPECT_EQ(y.v, naive_conv_forward(s, values(op.x), values(op.w), plain_int));

  const WideTensor dx = grouped_conv2d_backward_data(op.dy, op.w, s.x_shape(), s.stride, s.pad, s.groups, 32, &saturations);
  EXPECT_EQ(dx.shape, s.x_shape());
  EXPECT_EQ(dx.exp, -16);
  EXPECT_EQ(dx.v, naive_conv_backward_data(s, values(op.dy), values(op.w), plain_int));

  const WideTensor dw = grouped_conv2d_backward_weights(op.x, op.dy, s.w_shape(), s.stride, s.pad, s.groups, 32, &saturations);
  EXPECT_EQ(dw.shape, s.w_shape());
  EXPECT_EQ(dw.exp, -14);
  EXPECT_EQ(dw.v, naive_conv_backward_weights(s, values(op.x), values(op.dy), plain_int));
  EXPECT_EQ(saturations, 0u);
}

TEST_P(GroupedConvTest, NarrowAccumulatorsSaturateInTheCanonicalOrderWithinEachGroup) {
  const ConvCase s = GetParam();
  Rng rng(103);
  Operands op = random_operands(s, rng);
  add_random_flags(op.dy, rng);  // errors may be flag-quantized: slices keep their flags
  for (int acc_bits : {10, 14, 32}) {
    SCOPED_TRACE(acc_bits);
    std::uint64_t got = 0, expected = 0;  // running totals over the three passes
    const WideTensor y = grouped_conv2d_forward(op.x, op.w, s.stride, s.pad, s.groups, acc_bits, &got);
    EXPECT_EQ(y.v, naive_conv_forward(s, values(op.x), values(op.w), saturating(acc_bits), &expected));
    EXPECT_EQ(got, expected);

    const WideTensor dx = grouped_conv2d_backward_data(op.dy, op.w, s.x_shape(), s.stride, s.pad, s.groups, acc_bits, &got);
    EXPECT_EQ(dx.exp, -9 - 7 - 7);
    EXPECT_EQ(dx.v, naive_conv_backward_data(s, values(op.dy), values(op.w), saturating(acc_bits), &expected));
    EXPECT_EQ(got, expected);

    const WideTensor dw = grouped_conv2d_backward_weights(op.x, op.dy, s.w_shape(), s.stride, s.pad, s.groups, acc_bits, &got);
    EXPECT_EQ(dw.v, naive_conv_backward_weights(s, values(op.x), values(op.dy), saturating(acc_bits), &expected));
    EXPECT_EQ(got, expected);
  }
}

TEST_P(GroupedConvTest, FloatFollowsTheCanonicalOrdersWithinEachGroup) {
  const ConvCase s = GetParam();
  Rng rng(107);
  FTensor x(s.x_shape()), w(s.w_shape()), dy(s.y_shape());
  for (FTensor* t : {&x, &w, &dy})
    for (float& v : t->data) v = rng.uniform(-1, 1);
  expect_bitwise_equal(grouped_conv2d_forward(x, w, s.stride, s.pad, s.groups).data,
                       naive_conv_forward(s, x.data, w.data, plain_float));
  expect_bitwise_equal(grouped_conv2d_backward_weights(x, dy, s.w_shape(), s.stride, s.pad, s.groups).data,
                       naive_conv_backward_weights(s, x.data, dy.data, plain_float));
  const std::vector<float> dx = grouped_conv2d_backward_data(dy, w, s.x_shape(), s.stride, s.pad, s.groups).data;
  if (s.stride == 1 && s.pad < s.r)
    expect_bitwise_equal(dx, naive_conv_backward_data(s, dy.data, w.data, plain_float));
  else
    expect_bitwise_equal(dx, tapwise_conv_backward_data(s, dy.data, w.data));
}

INSTANTIATE_TEST_SUITE_P(Shapes, GroupedConvTest, ::testing::ValuesIn(shapes()));

TEST(GroupedConv, NarrowAccumulatorTestsDoSaturate) {
  const ConvCase s = shapes()[0];
  Rng rng(109);
  const Operands op = random_operands(s, rng);
  std::uint64_t fwd = 0, data = 0, weights = 0;
  grouped_conv2d_forward(op.x, op.w, s.stride, s.pad, s.groups, 10, &fwd);
  grouped_conv2d_backward_data(op.dy, op.w, s.x_shape(), s.stride, s.pad, s.groups, 10, &data);
  grouped_conv2d_backward_weights(op.x, op.dy, s.w_shape(), s.stride, s.pad, s.groups, 10, &weights);
  EXPECT_GT(fwd, 0u);
  EXPECT_GT(data, 0u);
  EXPECT_GT(weights, 0u);
}

TEST(GroupedConv, RejectsGroupsThatDoNotDivideTheChannels) {
  Rng rng(113);
  const QTensor x = random_q({1, 6, 5, 5}, 0, 8, rng);
  const QTensor w4 = random_q({4, 3, 3, 3}, 0, 8, rng);  // 4 filters, 3 channels each: groups 2 of 6 channels
  EXPECT_NO_THROW(grouped_conv2d_forward(x, w4, 1, 1, 2, 32, nullptr));
  EXPECT_THROW(grouped_conv2d_forward(x, w4, 1, 1, 3, 32, nullptr), std::invalid_argument);  // 4 filters, 3 groups
  const QTensor w_wrong = random_q({4, 2, 3, 3}, 0, 8, rng);                                   // 2 channels: groups 3
  EXPECT_THROW(grouped_conv2d_forward(x, w_wrong, 1, 1, 2, 32, nullptr), std::invalid_argument);
  EXPECT_THROW(grouped_conv2d_forward(x, w4, 1, 1, 0, 32, nullptr), std::invalid_argument);
  const QTensor dy_wrong = random_q({1, 3, 5, 5}, 0, 8, rng);  // the conv has 4 output channels
  EXPECT_THROW(grouped_conv2d_backward_data(dy_wrong, w4, x.shape, 1, 1, 2, 32, nullptr), std::invalid_argument);
  EXPECT_THROW(grouped_conv2d_backward_weights(x, dy_wrong, w4.shape, 1, 1, 2, 32, nullptr), std::invalid_argument);
}

}  // namespace
}  // namespace qtsim::ref
