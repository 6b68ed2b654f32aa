// The virtual-grid conv paths (models/ref/ops/conv_vgrid.hpp) against the direct
// loops of dense_test_util.hpp, on shapes chosen to reach every branch: 8-bit
// operands (u8 x s8 quads with the +128 correction), wider and flagged operands
// (int16 pairs), int32 block sums added in int64 (and outputs beyond int32),
// every register-tile shape, strides 1-3, 1x1 and 5x5 kernels, pad >= R, odd
// channel counts, batches smaller than the thread count (images split by output
// channels), operands breaking their format's bound (the fast path declines),
// and 1, 2 and 3 threads.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "dense_test_util.hpp"
#include "models/ref/ops/dense.hpp"

namespace qtsim::ref {
namespace {

using namespace dense_test;

const std::vector<ConvCase>& shapes() {
  static const std::vector<ConvCase> cases = {
      {1, 1, 28, 28, 16, 3, 1, 1},   // the stem: one input channel, one image
      {5, 16, 12, 12, 16, 3, 1, 1},  // 8 x 3 tiles
      {3, 16, 14, 14, 32, 3, 2, 1},  // stride 2: phase planes, four dx phases
      {2, 32, 7, 7, 64, 3, 1, 1},    // short virtual grid: 6 x 4 / 16 x 1 tiles
      {4, 16, 8, 8, 32, 1, 2, 0},    // 1x1 stride 2: dx phases without taps
      {2, 5, 11, 9, 7, 5, 3, 2},     // stride 3, 5x5, odd channels
      {1, 3, 6, 7, 10, 3, 1, 3},     // pad >= R
      {2, 6, 9, 9, 4, 3, 2, 0},      // no padding, 4 x 6 tiles
      {1, 2, 5, 5, 3, 7, 2, 3},      // kernel larger than the image
      {7, 9, 6, 6, 24, 3, 1, 1},     // 12 x 2 tiles
      {3, 40, 5, 5, 3, 3, 1, 1},     // many channels, few filters
  };
  return cases;
}

std::vector<i64> values(const QTensor& t) { return fine_values(t).v; }

struct IntResults {
  std::vector<i64> y, dx, dw;
  std::uint64_t saturations = 0;
};

IntResults run_int(const ConvCase& s, const QTensor& x, const QTensor& w, const QTensor& dy, int acc_bits) {
  IntResults r;
  r.y = conv2d_forward(x, w, s.stride, s.pad, acc_bits, &r.saturations).v;
  r.dx = conv2d_backward_data(dy, w, s.x_shape(), s.stride, s.pad, acc_bits, &r.saturations).v;
  r.dw = conv2d_backward_weights(x, dy, s.w_shape(), s.stride, s.pad, acc_bits, &r.saturations).v;
  return r;
}

// Exact against the direct loops, for 1, 2 and 3 threads.
void expect_exact(const ConvCase& s, const QTensor& x, const QTensor& w, const QTensor& dy, int acc_bits) {
  const auto y = naive_conv_forward(s, values(x), values(w), plain_int);
  const auto dx = naive_conv_backward_data(s, values(dy), values(w), plain_int);
  const auto dw = naive_conv_backward_weights(s, values(x), values(dy), plain_int);
  ThreadCountGuard guard;
  for (int threads : {1, 2, 3}) {
    SCOPED_TRACE(::testing::Message() << threads << " threads");
    set_thread_count(threads);
    const IntResults r = run_int(s, x, w, dy, acc_bits);
    EXPECT_EQ(r.y, y);
    EXPECT_EQ(r.dx, dx);
    EXPECT_EQ(r.dw, dw);
    EXPECT_EQ(r.saturations, 0u);
  }
}

class VgridTest : public ::testing::TestWithParam<ConvCase> {};

TEST_P(VgridTest, EightBitOperandsAreExact) {  // u8 x s8 quads
  const ConvCase s = GetParam();
  Rng rng(101);
  expect_exact(s, random_q(s.x_shape(), -4, 8, rng), random_q(s.w_shape(), -7, 8, rng),
               random_q(s.y_shape(), -9, 8, rng), 32);
}

TEST_P(VgridTest, ExtremeEightBitOperandsAreExact) {  // every element at +-127: the largest corrections
  const ConvCase s = GetParam();
  Rng rng(103);
  QTensor x = random_q(s.x_shape(), -4, 8, rng), w = random_q(s.w_shape(), -7, 8, rng),
          dy = random_q(s.y_shape(), -9, 8, rng);
  for (auto* t : {&x, &w, &dy})
    for (auto& v : t->q) v = v < 0 ? -127 : 127;
  expect_exact(s, x, w, dy, 32);
}

TEST_P(VgridTest, TwelveBitOperandsAreExact) {  // int16 pairs
  const ConvCase s = GetParam();
  Rng rng(107);
  expect_exact(s, random_q(s.x_shape(), -4, 12, rng), random_q(s.w_shape(), -7, 8, rng),
               random_q(s.y_shape(), -9, 12, rng), 48);
}

TEST_P(VgridTest, FlaggedOperandsAreExact) {  // 8-bit flagged: 15-bit fine values, int16 pairs
  const ConvCase s = GetParam();
  Rng rng(109);
  QTensor x = random_q(s.x_shape(), -4, 8, rng), dy = random_q(s.y_shape(), -9, 8, rng);
  add_random_flags(x, rng, 40);
  add_random_flags(dy, rng, 60);
  expect_exact(s, x, random_q(s.w_shape(), -7, 8, rng), dy, 40);
}

// 16-bit operands near +-32767: an int32 block holds one pair, so block sums are
// added in int64, and results leave the int32 range.
TEST_P(VgridTest, SixteenBitOperandsSumInBlocks) {
  const ConvCase s = GetParam();
  Rng rng(113);
  QTensor x = random_q(s.x_shape(), 0, 16, rng), w = random_q(s.w_shape(), 0, 16, rng),
          dy = random_q(s.y_shape(), 0, 16, rng);
  for (auto* t : {&x, &w, &dy})
    for (auto& v : t->q) v = v < 0 ? -32767 + (v & 7) : 32767 - (v & 7);
  expect_exact(s, x, w, dy, 64);
}

// Elements outside the format's range (8 bits claims |q| <= 127): the fast path
// finds them while packing and declines; the result is still exact.
TEST_P(VgridTest, OperandsBeyondTheirFormatAreExact) {
  const ConvCase s = GetParam();
  Rng rng(127);
  QTensor x = random_q(s.x_shape(), -4, 8, rng), w = random_q(s.w_shape(), -7, 8, rng),
          dy = random_q(s.y_shape(), -9, 8, rng);
  x.q.back() = 1000;
  dy.q[dy.q.size() / 2] = -128;
  expect_exact(s, x, w, dy, 40);
  QTensor x2 = random_q(s.x_shape(), -4, 8, rng);
  x2.q.front() = -40000;  // too wide for int16: the canonical paths
  expect_exact(s, x2, w, dy, 48);
}

TEST_P(VgridTest, ZeroOperands) {
  const ConvCase s = GetParam();
  const QTensor x(s.x_shape(), 0, 8), w(s.w_shape(), 0, 8), dy(s.y_shape(), 0, 8);
  expect_exact(s, x, w, dy, 32);
}

// Float: the canonical orders bitwise (strided backward-data: per-tap sums in
// (r, s) order), for 1, 2 and 3 threads.
TEST_P(VgridTest, FloatFollowsTheCanonicalOrders) {
  const ConvCase s = GetParam();
  Rng rng(131);
  FTensor x(s.x_shape()), w(s.w_shape()), dy(s.y_shape());
  for (auto* t : {&x, &w, &dy})
    for (auto& v : t->data) v = rng.uniform(-1, 1);
  const auto y = naive_conv_forward(s, x.data, w.data, plain_float);
  const auto dx = s.stride == 1 && s.pad < s.r ? naive_conv_backward_data(s, dy.data, w.data, plain_float)
                                               : tapwise_conv_backward_data(s, dy.data, w.data);
  const auto dw = naive_conv_backward_weights(s, x.data, dy.data, plain_float);
  ThreadCountGuard guard;
  for (int threads : {1, 2, 3}) {
    SCOPED_TRACE(::testing::Message() << threads << " threads");
    set_thread_count(threads);
    expect_bitwise_equal(conv2d_forward(x, w, s.stride, s.pad).data, y);
    expect_bitwise_equal(conv2d_backward_data(dy, w, s.x_shape(), s.stride, s.pad).data, dx);
    expect_bitwise_equal(conv2d_backward_weights(x, dy, s.w_shape(), s.stride, s.pad).data, dw);
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, VgridTest, ::testing::ValuesIn(shapes()));

// Signed zeros and non-finite values take the paths of the reference loops: a
// sum from +0.0f, products of padding included in forward sums, NaN and Inf
// propagated.
TEST(Vgrid, FloatSpecialValues) {
  const ConvCase s{2, 3, 6, 6, 5, 3, 1, 1};
  Rng rng(137);
  FTensor x(s.x_shape()), w(s.w_shape()), dy(s.y_shape());
  for (auto* t : {&x, &w, &dy})
    for (auto& v : t->data) v = rng.uniform(-1, 1);
  x.data[3] = -0.0f;
  x.data[40] = std::numeric_limits<float>::infinity();
  w.data[7] = -0.0f;
  dy.data[11] = std::numeric_limits<float>::quiet_NaN();
  expect_bitwise_equal_or_both_nan(conv2d_forward(x, w, s.stride, s.pad).data,
                                   naive_conv_forward(s, x.data, w.data, plain_float));
  expect_bitwise_equal_or_both_nan(conv2d_backward_data(dy, w, s.x_shape(), s.stride, s.pad).data,
                                   naive_conv_backward_data(s, dy.data, w.data, plain_float));
  expect_bitwise_equal_or_both_nan(conv2d_backward_weights(x, dy, s.w_shape(), s.stride, s.pad).data,
                                   naive_conv_backward_weights(s, x.data, dy.data, plain_float));
}

// The workloads' layer shapes at batch 128 (several images per thread).
TEST(Vgrid, BatchOf128IsExact) {
  for (const ConvCase& s : {ConvCase{128, 1, 28, 28, 16, 3, 1, 1}, ConvCase{128, 16, 14, 14, 32, 1, 2, 0}}) {
    SCOPED_TRACE(::testing::Message() << s);
    Rng rng(139);
    const QTensor x = random_q(s.x_shape(), -4, 8, rng), w = random_q(s.w_shape(), -7, 8, rng),
                  dy = random_q(s.y_shape(), -9, 8, rng);
    const IntResults r = run_int(s, x, w, dy, 32);
    EXPECT_EQ(r.y, naive_conv_forward(s, values(x), values(w), plain_int));
    EXPECT_EQ(r.dx, naive_conv_backward_data(s, values(dy), values(w), plain_int));
    EXPECT_EQ(r.dw, naive_conv_backward_weights(s, values(x), values(dy), plain_int));
  }
}

}  // namespace
}  // namespace qtsim::ref
