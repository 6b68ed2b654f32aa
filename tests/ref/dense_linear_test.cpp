// Linear layers: integer passes exact (wide accumulator) or canonical-order
// saturating (narrow), flagged operands; float forward against double loops and
// both backward passes against central finite differences.
#include <gtest/gtest.h>

#include <vector>

#include "dense_test_util.hpp"
#include "models/ref/ops/dense.hpp"

namespace qtsim::ref {
namespace {

using namespace dense_test;

struct LinearCase {
  Shape x_shape;  // N x anything
  i64 out;
  i64 n() const { return x_shape[0]; }
  i64 in() const { return x_shape.numel() / x_shape[0]; }
  Shape w_shape() const { return {out, in()}; }
  Shape y_shape() const { return {n(), out, 1, 1}; }
};

// y[n][o] = sum_f x[n][f] w[o][f]; dx[n][f] = sum_o dy[n][o] w[o][f]; dw[o][f] = sum_n dy[n][o] x[n][f],
// each sum in the canonical order (input feature, output feature, batch).
template <typename V, typename MakeAcc>
std::vector<V> naive_forward(const LinearCase& c, const std::vector<V>& x, const std::vector<V>& w, MakeAcc make,
                             std::uint64_t* saturations = nullptr) {
  std::vector<V> y(static_cast<std::size_t>(c.n() * c.out));
  for (i64 n = 0; n < c.n(); ++n)
    for (i64 o = 0; o < c.out; ++o) {
      auto acc = make();
      for (i64 f = 0; f < c.in(); ++f) accumulate(acc, x[n * c.in() + f], w[o * c.in() + f]);
      y[n * c.out + o] = result<V>(acc, saturations);
    }
  return y;
}

template <typename V, typename MakeAcc>
std::vector<V> naive_backward_data(const LinearCase& c, const std::vector<V>& dy, const std::vector<V>& w,
                                   MakeAcc make, std::uint64_t* saturations = nullptr) {
  std::vector<V> dx(static_cast<std::size_t>(c.n() * c.in()));
  for (i64 n = 0; n < c.n(); ++n)
    for (i64 f = 0; f < c.in(); ++f) {
      auto acc = make();
      for (i64 o = 0; o < c.out; ++o) accumulate(acc, dy[n * c.out + o], w[o * c.in() + f]);
      dx[n * c.in() + f] = result<V>(acc, saturations);
    }
  return dx;
}

template <typename V, typename MakeAcc>
std::vector<V> naive_backward_weights(const LinearCase& c, const std::vector<V>& x, const std::vector<V>& dy,
                                      MakeAcc make, std::uint64_t* saturations = nullptr) {
  std::vector<V> dw(static_cast<std::size_t>(c.out * c.in()));
  for (i64 o = 0; o < c.out; ++o)
    for (i64 f = 0; f < c.in(); ++f) {
      auto acc = make();
      for (i64 n = 0; n < c.n(); ++n) accumulate(acc, dy[n * c.out + o], x[n * c.in() + f]);
      dw[o * c.in() + f] = result<V>(acc, saturations);
    }
  return dw;
}

const std::vector<LinearCase>& cases() {
  static const std::vector<LinearCase> list = {
      {{1, 1}, 1},         {{3, 7}, 5},         {{128, 64, 1, 1}, 10}, {{5, 3, 4, 2}, 17},
      {{40, 300}, 33},     {{2, 1000}, 3},      {{300, 16}, 40},
  };
  return list;
}

class LinearIntTest : public ::testing::TestWithParam<LinearCase> {};

TEST_P(LinearIntTest, WideAccumulatorIsExactAndNarrowFollowsTheCanonicalOrder) {
  const LinearCase c = GetParam();
  Rng rng(13);
  QTensor x = random_q(c.x_shape, -4, 8, rng), w = random_q(c.w_shape(), -7, 8, rng),
          dy = random_q(c.y_shape(), -10, 8, rng);
  for (bool flagged : {false, true}) {
    if (flagged) add_random_flags(dy, rng);
    const int e_dy = flagged ? -17 : -10;
    const auto xv = fine_values(x).v, wv = fine_values(w).v, dyv = fine_values(dy).v;
    for (int acc_bits : {32, 16, 12}) {
      SCOPED_TRACE(::testing::Message() << "flagged " << flagged << " acc_bits " << acc_bits);
      std::uint64_t got = 0, expected = 0;  // running totals over the three passes
      const WideTensor y = linear_forward(x, w, acc_bits, &got);
      EXPECT_EQ(y.shape, c.y_shape());
      EXPECT_EQ(y.exp, -11);
      EXPECT_EQ(y.v, naive_forward(c, xv, wv, saturating(acc_bits), &expected));
      EXPECT_EQ(got, expected);
      if (acc_bits == 32) {
        EXPECT_EQ(y.v, naive_forward(c, xv, wv, plain_int));
      }

      const WideTensor dx = linear_backward_data(dy, w, c.x_shape, acc_bits, &got);
      EXPECT_EQ(dx.shape, c.x_shape);
      EXPECT_EQ(dx.exp, e_dy - 7);
      EXPECT_EQ(dx.v, naive_backward_data(c, dyv, wv, saturating(acc_bits), &expected));
      EXPECT_EQ(got, expected);

      const WideTensor dw = linear_backward_weights(x, dy, c.w_shape(), acc_bits, &got);
      EXPECT_EQ(dw.shape, c.w_shape());
      EXPECT_EQ(dw.exp, e_dy - 4);
      EXPECT_EQ(dw.v, naive_backward_weights(c, xv, dyv, saturating(acc_bits), &expected));
      EXPECT_EQ(got, expected);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, LinearIntTest, ::testing::ValuesIn(cases()));

class LinearFloatTest : public ::testing::TestWithParam<LinearCase> {};

TEST_P(LinearFloatTest, MatchesDoubleLoopsAndFiniteDifferences) {
  const LinearCase c = GetParam();
  Rng rng(19);
  FTensor x(c.x_shape), w(c.w_shape()), g(c.y_shape());
  for (auto* t : {&x, &w, &g})
    for (auto& v : t->data) v = rng.uniform(-1, 1);
  const auto xd = to_double(x.data), wd = to_double(w.data), gd = to_double(g.data);

  const FTensor y = linear_forward(x, w);
  EXPECT_EQ(y.shape, c.y_shape());
  expect_close(y.data, naive_forward(c, xd, wd, plain_double), 1e-5, 0.01);

  const FTensor dx = linear_backward_data(g, w, c.x_shape);
  EXPECT_EQ(dx.shape, c.x_shape);
  expect_close(dx.data, finite_differences(xd, [&](const std::vector<double>& v) {
    return dot(gd, naive_forward(c, v, wd, plain_double));
  }), 1e-3);

  const FTensor dw = linear_backward_weights(x, g, c.w_shape());
  EXPECT_EQ(dw.shape, c.w_shape());
  expect_close(dw.data, finite_differences(wd, [&](const std::vector<double>& v) {
    return dot(gd, naive_forward(c, xd, v, plain_double));
  }), 1e-3);
}

// docs/NUMERICS.md §9: bitwise the sequential float sums in the canonical orders.
TEST(LinearFloat, FollowsTheCanonicalOrders) {
  for (const LinearCase& c : cases()) {
    Rng rng(29);
    FTensor x(c.x_shape), w(c.w_shape()), g(c.y_shape());
    for (auto* t : {&x, &w, &g})
      for (auto& v : t->data) v = rng.uniform(-1, 1);
    expect_bitwise_equal(linear_forward(x, w).data, naive_forward(c, x.data, w.data, plain_float));
    expect_bitwise_equal(linear_backward_data(g, w, c.x_shape).data,
                         naive_backward_data(c, g.data, w.data, plain_float));
    expect_bitwise_equal(linear_backward_weights(x, g, c.w_shape()).data,
                         naive_backward_weights(c, x.data, g.data, plain_float));
  }
}

// Small enough for finite differences over every element.
INSTANTIATE_TEST_SUITE_P(Shapes, LinearFloatTest,
                         ::testing::Values(LinearCase{{1, 1}, 1}, LinearCase{{3, 7}, 5}, LinearCase{{5, 3, 4, 2}, 17},
                                           LinearCase{{16, 20}, 12}, LinearCase{{2, 100}, 3},
                                           LinearCase{{40, 9}, 2}));

TEST(LinearFloat, LargerForwardMatchesDoubleLoops) {
  for (const LinearCase& c : cases()) {
    Rng rng(23);
    FTensor x(c.x_shape), w(c.w_shape());
    for (auto* t : {&x, &w})
      for (auto& v : t->data) v = rng.uniform(-1, 1);
    expect_close(linear_forward(x, w).data, naive_forward(c, to_double(x.data), to_double(w.data), plain_double), 1e-5,
                 0.1);
  }
}

TEST(Linear, RejectsMismatchedShapes) {
  Rng rng(2);
  const QTensor x = random_q({4, 10}, 0, 8, rng), w = random_q({3, 9}, 0, 8, rng);
  EXPECT_THROW(linear_forward(x, w, 32, nullptr), std::invalid_argument);
  const FTensor fx(Shape{4, 10}), fw(Shape{3, 10}), fdy(Shape{4, 2, 1, 1});
  EXPECT_THROW(linear_backward_data(fdy, fw, fx.shape), std::invalid_argument);
}

}  // namespace
}  // namespace qtsim::ref
