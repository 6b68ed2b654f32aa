// The integer update rule (docs/NUMERICS.md §7) against hand-computed values:
// the learning-rate and weight-decay encodings, the decay term on its finer grid,
// its unbiased stochastic rounding, and which parameters decay.
#include <gtest/gtest.h>

#include <cmath>

#include "models/ref/optimizer.hpp"
#include "models/ref/scheme.hpp"
#include "models/ref/update_step.hpp"

namespace qtsim::ref {
namespace {

RandomStream stream(std::uint32_t purpose_step) {
  return {7, stream_id(purpose_step, kParameterTensorBase, RandomPurpose::quantize_update)};
}

// A DFP-style parameter (16-bit master at e_M = -20, 8-bit W), every master
// element `m`, no momentum.
Parameter dfp_parameter(std::int32_t m, std::size_t n, bool decays) {
  Parameter p;
  p.name = "conv.weight";
  p.is_float = false;
  p.weight_decay = decays;
  p.shape = {static_cast<std::int64_t>(n)};
  p.master = QTensor(p.shape, -20, 16);
  for (auto& q : p.master.q) q = m;
  p.w = QTensor(p.shape, -12, 8);
  for (std::size_t i = 0; i < p.w.size(); ++i) p.w.q[i] = static_cast<std::int32_t>(round_shift(m, 8, Rounding::nearest));
  return p;
}

Scheme dfp_without_momentum(Rounding u_rounding) {
  Scheme s = *find_preset("int8-dfp");
  s.optimizer.momentum.enabled = false;
  s.U.rounding = u_rounding;
  return s;
}

TEST(IntUpdate, WeightDecayEncoding) {
  EXPECT_EQ(weight_decay_integer(0.0, 20), 0);
  EXPECT_EQ(weight_decay_integer(5e-4, 20), 524);       // 5e-4 * 2^20 = 524.29
  EXPECT_EQ(weight_decay_integer(std::ldexp(1.0, -6), 20), 1 << 14);
  EXPECT_EQ(weight_decay_integer(1e-9, 20), 1);         // positive lambda never encodes as "none"
}

TEST(IntUpdate, StepGridAlignsTheFinerTerm) {
  // gradient term at -7 - 16 = -23, decay term at -9 - 16 - 20 = -45
  const UpdateStepGrid g = update_step_grid(-7, -9, 16, 20, true);
  EXPECT_EQ(g.exp, -45);
  EXPECT_EQ(g.dir_shift, 22);
  EXPECT_EQ(g.decay_shift, 0);
  const UpdateStepGrid none = update_step_grid(-7, -9, 16, 20, false);
  EXPECT_EQ(none.exp, -23);
  EXPECT_EQ(none.dir_shift, 0);
  // 3 * 5 at -23 plus 100 * 5 * 2 at -45
  EXPECT_EQ(update_step(3, 100, 5, 2, g), (std::int64_t{15} << 22) + 1000);
  // saturates to int64 instead of overflowing
  const UpdateStepGrid far = update_step_grid(40, -60, 0, 30, true);
  EXPECT_EQ(update_step(1'000'000, 1, 1'000'000, 1, far), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(update_step(-1'000'000, 1, 1'000'000, 1, far), std::numeric_limits<std::int64_t>::min());
}

TEST(IntUpdate, DecayWithNearestRoundingIsExact) {
  // g = 0, eta = 1/2, lambda = 2^-6, M = 1000: step = 1000 / 128 = 7.8125 master
  // LSBs, nearest -> 8; M' = 992, W' = round(992 / 256) = 4.
  const Scheme s = dfp_without_momentum(Rounding::nearest);
  Parameter p = dfp_parameter(1000, 4, true);
  const QTensor g(p.shape, -13, 8);
  const IntUpdateRecord r = int_update(p, g, learning_rate_integer(0.5, s.optimizer.lr_frac_bits),
                                       weight_decay_integer(std::ldexp(1.0, -6), s.optimizer.weight_decay_frac_bits), s,
                                       stream(0), stream(1));
  for (std::size_t i = 0; i < p.master.size(); ++i) {
    EXPECT_EQ(r.update.q[i], 8);
    EXPECT_EQ(p.master.q[i], 992);
    EXPECT_EQ(p.w.q[i], 4);
  }
  EXPECT_EQ(r.update.exp, -20);
}

TEST(IntUpdate, DecayIsUnbiasedUnderStochasticRounding) {
  // Same step, 7.8125 LSBs, stochastic: the mean over 20000 elements is within
  // 4 standard errors (sd <= 0.5) of the exact value.
  const Scheme s = dfp_without_momentum(Rounding::stochastic);
  const std::size_t n = 20000;
  Parameter p = dfp_parameter(1000, n, true);
  const QTensor g(p.shape, -13, 8);
  const IntUpdateRecord r = int_update(p, g, learning_rate_integer(0.5, s.optimizer.lr_frac_bits),
                                       weight_decay_integer(std::ldexp(1.0, -6), s.optimizer.weight_decay_frac_bits), s,
                                       stream(0), stream(1));
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) {
    ASSERT_TRUE(r.update.q[i] == 7 || r.update.q[i] == 8) << r.update.q[i];
    sum += r.update.q[i];
  }
  EXPECT_NEAR(sum / static_cast<double>(n), 7.8125, 4 * 0.5 / std::sqrt(static_cast<double>(n)));
}

TEST(IntUpdate, NonDecayingParametersIgnoreLambda) {
  const Scheme s = *find_preset("int8-dfp");
  Parameter bias = dfp_parameter(1000, 64, false);
  Parameter without_lambda = dfp_parameter(1000, 64, true);
  Parameter with_lambda = dfp_parameter(1000, 64, true);
  bias.has_velocity = without_lambda.has_velocity = with_lambda.has_velocity = true;
  bias.velocity_q = without_lambda.velocity_q = with_lambda.velocity_q = QTensor(bias.shape, 0, s.optimizer.momentum.buffer_bits);
  QTensor g(bias.shape, -13, 8);
  for (std::size_t i = 0; i < g.size(); ++i) g.q[i] = static_cast<std::int32_t>(i % 255) - 127;
  const std::int64_t lr = learning_rate_integer(0.1, s.optimizer.lr_frac_bits);
  const std::int64_t lambda = weight_decay_integer(0.01, s.optimizer.weight_decay_frac_bits);
  const IntUpdateRecord rb = int_update(bias, g, lr, lambda, s, stream(0), stream(1));
  const IntUpdateRecord rn = int_update(without_lambda, g, lr, 0, s, stream(0), stream(1));
  const IntUpdateRecord rw = int_update(with_lambda, g, lr, lambda, s, stream(0), stream(1));
  EXPECT_EQ(rb.update.q, rn.update.q) << "a parameter without decay ignores lambda";
  EXPECT_NE(rw.update.q, rn.update.q) << "a decaying weight with lambda > 0 must differ";
  EXPECT_EQ(bias.master.q, without_lambda.master.q);
}

}  // namespace
}  // namespace qtsim::ref
