// Integer conv2d, all three passes, against direct loops written from the spec:
// exact int64 sums with a wide accumulator; the canonical order of
// docs/NUMERICS.md §5 with saturation counts for narrow accumulators; flagged
// operands widened to their fine exponent.
#include <gtest/gtest.h>

#include <vector>

#include "dense_test_util.hpp"
#include "models/ref/ops/dense.hpp"

namespace qtsim::ref {
namespace {

using namespace dense_test;

struct Operands {
  QTensor x, w, dy;
};

Operands random_operands(const ConvCase& s, Rng& rng, int bits = 8) {
  return {random_q(s.x_shape(), -5, bits, rng), random_q(s.w_shape(), -7, bits, rng),
          random_q(s.y_shape(), -9, bits, rng)};
}

std::vector<i64> values(const QTensor& t) { return fine_values(t).v; }

const std::vector<ConvCase>& shapes() {
  static const std::vector<ConvCase> cases = {
      {2, 3, 7, 9, 4, 3, 1, 1},    {2, 3, 8, 5, 5, 3, 2, 1},    {1, 2, 9, 11, 3, 1, 1, 0},
      {1, 2, 9, 11, 3, 1, 2, 0},   {2, 2, 13, 10, 3, 7, 1, 2},  {2, 2, 13, 10, 3, 7, 2, 2},
      {1, 4, 6, 6, 2, 3, 1, 0},    {1, 4, 7, 6, 2, 3, 2, 2},    {1, 3, 5, 5, 2, 3, 1, 2},
      {3, 20, 10, 9, 33, 3, 1, 1}, {30, 3, 6, 6, 5, 3, 1, 1},   {2, 17, 11, 11, 18, 3, 2, 1},
      {1, 1, 4, 4, 1, 7, 1, 2},    {4, 5, 9, 7, 6, 1, 2, 1},    {1, 3, 5, 4, 2, 1, 1, 1},  // pad >= R
  };
  return cases;
}

class ConvIntTest : public ::testing::TestWithParam<ConvCase> {};

TEST_P(ConvIntTest, WideAccumulatorIsExact) {
  const ConvCase s = GetParam();
  Rng rng(17);
  const Operands op = random_operands(s, rng);
  std::uint64_t saturations = 99;  // counts are added to the caller's total: nothing to add here

  const WideTensor y = conv2d_forward(op.x, op.w, s.stride, s.pad, 32, &saturations);
  EXPECT_EQ(y.shape, s.y_shape());
  EXPECT_EQ(y.exp, -12);
  EXPECT_EQ(saturations, 99u);
  EXPECT_EQ(y.v, naive_conv_forward(s, values(op.x), values(op.w), plain_int));

  const WideTensor dx = conv2d_backward_data(op.dy, op.w, s.x_shape(), s.stride, s.pad, 32, &saturations);
  EXPECT_EQ(dx.shape, s.x_shape());
  EXPECT_EQ(dx.exp, -16);
  EXPECT_EQ(saturations, 99u);
  EXPECT_EQ(dx.v, naive_conv_backward_data(s, values(op.dy), values(op.w), plain_int));

  const WideTensor dw = conv2d_backward_weights(op.x, op.dy, s.w_shape(), s.stride, s.pad, 32, &saturations);
  EXPECT_EQ(dw.shape, s.w_shape());
  EXPECT_EQ(dw.exp, -14);
  EXPECT_EQ(saturations, 99u);
  EXPECT_EQ(dw.v, naive_conv_backward_weights(s, values(op.x), values(op.dy), plain_int));
}

TEST_P(ConvIntTest, NarrowAccumulatorsFollowTheCanonicalOrder) {
  const ConvCase s = GetParam();
  Rng rng(23);
  const Operands op = random_operands(s, rng);
  for (int acc_bits : {12, 16, 20}) {
    SCOPED_TRACE(acc_bits);
    std::uint64_t got = 0, expected = 0;  // running totals over the three passes
    const WideTensor y = conv2d_forward(op.x, op.w, s.stride, s.pad, acc_bits, &got);
    EXPECT_EQ(y.v, naive_conv_forward(s, values(op.x), values(op.w), saturating(acc_bits), &expected));
    EXPECT_EQ(got, expected);

    const WideTensor dx = conv2d_backward_data(op.dy, op.w, s.x_shape(), s.stride, s.pad, acc_bits, &got);
    EXPECT_EQ(dx.v, naive_conv_backward_data(s, values(op.dy), values(op.w), saturating(acc_bits), &expected));
    EXPECT_EQ(got, expected);

    const WideTensor dw = conv2d_backward_weights(op.x, op.dy, s.w_shape(), s.stride, s.pad, acc_bits, &got);
    EXPECT_EQ(dw.v, naive_conv_backward_weights(s, values(op.x), values(op.dy), saturating(acc_bits), &expected));
    EXPECT_EQ(got, expected);
  }
}

TEST_P(ConvIntTest, FlaggedOperandsAreWidenedToTheFineExponent) {
  const ConvCase s = GetParam();
  Rng rng(29);
  Operands op = random_operands(s, rng);
  add_random_flags(op.dy, rng);
  add_random_flags(op.x, rng, 30);
  for (int acc_bits : {32, 16}) {
    SCOPED_TRACE(acc_bits);
    std::uint64_t got = 0, expected = 0;  // running totals over the three passes
    const WideTensor y = conv2d_forward(op.x, op.w, s.stride, s.pad, acc_bits, &got);
    EXPECT_EQ(y.exp, -5 - 7 - 7);
    EXPECT_EQ(y.v, naive_conv_forward(s, values(op.x), values(op.w), saturating(acc_bits), &expected));
    EXPECT_EQ(got, expected);

    const WideTensor dx = conv2d_backward_data(op.dy, op.w, s.x_shape(), s.stride, s.pad, acc_bits, &got);
    EXPECT_EQ(dx.exp, -9 - 7 - 7);
    EXPECT_EQ(dx.v, naive_conv_backward_data(s, values(op.dy), values(op.w), saturating(acc_bits), &expected));
    EXPECT_EQ(got, expected);

    const WideTensor dw = conv2d_backward_weights(op.x, op.dy, s.w_shape(), s.stride, s.pad, acc_bits, &got);
    EXPECT_EQ(dw.exp, -5 - 7 - 9 - 7);
    EXPECT_EQ(dw.v, naive_conv_backward_weights(s, values(op.x), values(op.dy), saturating(acc_bits), &expected));
    EXPECT_EQ(got, expected);
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, ConvIntTest, ::testing::ValuesIn(shapes()));

TEST(ConvInt, NarrowAccumulatorTestsDoSaturate) {
  const ConvCase s{2, 8, 6, 6, 4, 3, 1, 1};
  Rng rng(31);
  const Operands op = random_operands(s, rng);
  std::uint64_t fwd = 0, data = 0, weights = 0;
  conv2d_forward(op.x, op.w, 1, 1, 12, &fwd);
  conv2d_backward_data(op.dy, op.w, s.x_shape(), 1, 1, 12, &data);
  conv2d_backward_weights(op.x, op.dy, s.w_shape(), 1, 1, 12, &weights);
  EXPECT_GT(fwd, 0u);
  EXPECT_GT(data, 0u);
  EXPECT_GT(weights, 0u);
}

// Like the model's per-step statistics, callers pass a running total.
TEST(ConvInt, SaturationCountsAddToTheCallersTotal) {
  const ConvCase s{1, 8, 6, 6, 4, 3, 1, 1};
  Rng rng(33);
  const Operands op = random_operands(s, rng);
  std::uint64_t once = 0, twice = 0;
  conv2d_forward(op.x, op.w, 1, 1, 12, &once);
  conv2d_forward(op.x, op.w, 1, 1, 12, &twice);
  conv2d_forward(op.x, op.w, 1, 1, 12, &twice);
  EXPECT_GT(once, 0u);
  EXPECT_EQ(twice, 2 * once);
  std::uint64_t linear_total = 5;
  const QTensor lx = random_q({4, 300}, 0, 8, rng), lw = random_q({3, 300}, 0, 8, rng);
  linear_forward(lx, lw, 12, &linear_total);
  EXPECT_GT(linear_total, 5u);
}

// A flag-quantized tensor widens to its fine exponent even when no element is flagged.
TEST(ConvInt, FlaggedTensorsWidenToTheFineExponentEvenWithoutFineElements) {
  const ConvCase s{1, 2, 5, 5, 2, 3, 1, 1};
  Rng rng(37);
  Operands op = random_operands(s, rng);
  add_random_flags(op.x, rng, 0);
  const WideTensor y = conv2d_forward(op.x, op.w, 1, 1, 32, nullptr);
  EXPECT_EQ(y.exp, -5 - 7 - 7);
  EXPECT_EQ(y.v, naive_conv_forward(s, values(op.x), values(op.w), plain_int));
}

// 16-bit paths with 16-bit flagged errors (31-bit fine operands) and the widest accumulators.
TEST(ConvInt, WideOperandsAndAccumulators) {
  const ConvCase s{2, 3, 7, 6, 4, 3, 2, 1};
  Rng rng(41);
  Operands op = random_operands(s, rng, 16);
  add_random_flags(op.dy, rng);
  for (int acc_bits : {64, 48, 40}) {
    SCOPED_TRACE(acc_bits);
    std::uint64_t got = 0, expected = 0;  // running totals over the three passes
    const WideTensor dx = conv2d_backward_data(op.dy, op.w, s.x_shape(), s.stride, s.pad, acc_bits, &got);
    EXPECT_EQ(dx.v, naive_conv_backward_data(s, values(op.dy), values(op.w), saturating(acc_bits), &expected));
    EXPECT_EQ(got, expected);
    const WideTensor dw = conv2d_backward_weights(op.x, op.dy, s.w_shape(), s.stride, s.pad, acc_bits, &got);
    EXPECT_EQ(dw.v, naive_conv_backward_weights(s, values(op.x), values(op.dy), saturating(acc_bits), &expected));
    EXPECT_EQ(got, expected);
  }
}

TEST(ConvInt, RejectsMismatchedShapes) {
  Rng rng(43);
  const QTensor x = random_q({1, 3, 5, 5}, 0, 8, rng), w = random_q({2, 4, 3, 3}, 0, 8, rng);
  EXPECT_THROW(conv2d_forward(x, w, 1, 1, 32, nullptr), std::invalid_argument);
  const QTensor w_ok = random_q({2, 3, 3, 3}, 0, 8, rng), dy = random_q({1, 2, 4, 5}, 0, 8, rng);
  EXPECT_THROW(conv2d_backward_data(dy, w_ok, x.shape, 1, 1, 32, nullptr), std::invalid_argument);
  EXPECT_THROW(conv2d_backward_weights(x, dy, w_ok.shape, 1, 1, 32, nullptr), std::invalid_argument);
}

}  // namespace
}  // namespace qtsim::ref
