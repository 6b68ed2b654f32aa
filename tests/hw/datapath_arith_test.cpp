// The hardware's own integer arithmetic (models/hw: the alignment grid, the
// leading-one detector, the controller's shift choice, the digit-recurrence
// divide and square root, the update unit's grid) against hand-computed values
// and against the reference's independent implementations of the same rules
// (docs/NUMERICS.md §1.1, §4, §7, §8): the two sides share only the rounding and
// random-bit definitions, so agreement here is agreement of two implementations.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>

#include "models/hw/kernels/norm/digit_recurrence.hpp"
#include "models/hw/kernels/vector/align_grid.hpp"
#include "models/hw/kernels/vector/leading_one.hpp"
#include "models/hw/kernels/vector/quantizer_unit.hpp"
#include "models/hw/kernels/vector/update_datapath.hpp"
#include "models/ref/alignment.hpp"
#include "models/ref/quantizer.hpp"
#include "models/ref/update_step.hpp"
#include "models/ref/wide_math.hpp"

namespace qtsim::hw::test {
namespace {

std::uint64_t random_magnitude(std::mt19937_64& rng) {
  const int bits = static_cast<int>(rng() % 65);
  return bits == 0 ? 0 : rng() >> (64 - bits);
}

TEST(HwArithmetic, CommonGridByHand) {
  EXPECT_EQ(common_grid({{-16, 7}, {-113, 18}}), -71);   // g far above a zero momentum buffer
  EXPECT_EQ(common_grid({{-6, 7}, {-9, 7}}), -9);        // close exponents: the finer
  EXPECT_EQ(common_grid({{0, 7}, {-60, 7}, {-2, 14}}), -49);  // three operands: 61 bits of room below 2^12
  EXPECT_EQ(common_grid({{40, 27}, {-90, 36}}, 128), -59);    // the update unit's 128-bit adder
  EXPECT_EQ(adder_tree_headroom(1), 0);
  EXPECT_EQ(adder_tree_headroom(2), 1);
  EXPECT_EQ(adder_tree_headroom(5), 3);
}

TEST(HwArithmetic, CommonGridAgreesWithTheReference) {
  std::mt19937_64 rng(1);
  for (int trial = 0; trial < 20000; ++trial) {
    const std::size_t n = 1 + rng() % 5;
    std::vector<AlignSource> hw;
    std::vector<ref::AlignOperand> r;
    for (std::size_t k = 0; k < n; ++k) {
      const int e = static_cast<int>(rng() % 600) - 300, w = static_cast<int>(rng() % 63);
      hw.push_back({e, w});
      r.push_back({e, w});
    }
    ASSERT_EQ(common_grid(hw), ref::alignment_grid(r));
  }
}

TEST(HwArithmetic, LeadingOne) {
  EXPECT_EQ(leading_one(std::uint64_t{0}), 0);
  EXPECT_EQ(leading_one(std::uint64_t{1}), 1);
  EXPECT_EQ(leading_one(~std::uint64_t{0}), 64);
  EXPECT_EQ(leading_one(static_cast<unsigned __int128>(1) << 100), 101);
  std::mt19937_64 rng(2);
  for (int trial = 0; trial < 10000; ++trial) {
    const unsigned __int128 v = (static_cast<unsigned __int128>(random_magnitude(rng)) << (rng() % 64)) | random_magnitude(rng);
    ASSERT_EQ(leading_one(v), ref::bit_length(v));
  }
}

TEST(HwArithmetic, ShiftChoiceAgreesWithTheReference) {
  std::mt19937_64 rng(3);
  for (int trial = 0; trial < 40000; ++trial) {
    const std::uint64_t m = random_magnitude(rng);
    const int bits = 2 + static_cast<int>(rng() % 31);
    for (ref::Rounding r : {ref::Rounding::nearest, ref::Rounding::stochastic}) {
      const RequantPlan p = plan_requant({ref::QuantizerKind::shift, bits, r}, m, -5);
      ASSERT_EQ(p.shift, ref::choose_shift(m, bits, r)) << "m " << m << " bits " << bits;
      ASSERT_EQ(p.out_exp, -5 + p.shift);
    }
    const RequantPlan c = plan_requant({ref::QuantizerKind::constant, 8, ref::Rounding::stochastic, 0, 7}, m, -5);
    ASSERT_EQ(c.shift, ref::round_log2(m) - 7) << "m " << m;
  }
  // By hand: 127 * 2^55 needs 47 bits of shift to fit 16 bits with nearest rounding.
  EXPECT_EQ(plan_requant({ref::QuantizerKind::shift, 16, ref::Rounding::nearest}, std::uint64_t{127} << 55, 0).shift, 47);
  // 181 < 2^7.5 = 181.02 rounds log2 down; 182 up.
  EXPECT_EQ(plan_requant({ref::QuantizerKind::constant, 8, ref::Rounding::nearest, 0, 7}, 181, 0).discarded_exp, 7);
  EXPECT_EQ(plan_requant({ref::QuantizerKind::constant, 8, ref::Rounding::nearest, 0, 7}, 182, 0).discarded_exp, 8);
}

TEST(HwArithmetic, DigitRecurrenceAgreesWithTheReference) {
  EXPECT_EQ(norm::divide_rounded(7, 2), 4);    // 3.5: away from zero
  EXPECT_EQ(norm::divide_rounded(-7, 2), -4);
  EXPECT_EQ(norm::divide_rounded(5, 3), 2);
  EXPECT_EQ(norm::square_root(99), 9);
  EXPECT_EQ(norm::square_root(100), 10);
  EXPECT_EQ(norm::square_root(std::numeric_limits<std::int64_t>::max()), 3037000499);
  std::mt19937_64 rng(4);
  for (int trial = 0; trial < 20000; ++trial) {
    const auto a = static_cast<__int128>(static_cast<std::int64_t>(rng())) << (rng() % 60);
    const auto b = static_cast<std::int64_t>(1 + random_magnitude(rng) % (std::uint64_t{1} << 62));
    ASSERT_EQ(norm::divide_rounded(a, b), ref::rdiv(a, b));
    const auto v = static_cast<std::int64_t>(random_magnitude(rng) >> 1);
    ASSERT_EQ(norm::square_root(v), ref::isqrt(v));
  }
}

TEST(HwArithmetic, UpdateStepAgreesWithTheReference) {
  std::mt19937_64 rng(5);
  for (int trial = 0; trial < 20000; ++trial) {
    UpdateStepOperands o;
    o.dir_exp = static_cast<int>(rng() % 400) - 200;
    o.dir_width = 7 + static_cast<int>(rng() % 9);
    o.master_exp = static_cast<int>(rng() % 60) - 40;
    o.master_width = 7 + static_cast<int>(rng() % 24);
    o.lr_frac = static_cast<int>(rng() % 31);
    o.wd_frac = static_cast<int>(rng() % 31);
    o.lr_int = 1 + static_cast<std::int64_t>(rng() % (std::uint64_t{1} << 40));
    o.decay_int = rng() % 3 == 0 ? 0 : 1 + static_cast<std::int64_t>(rng() % (std::uint64_t{1} << 30));
    const ref::UpdateStepShape s{o.dir_exp, o.dir_width, o.master_exp, o.master_width, o.lr_frac, o.wd_frac, o.lr_int, o.decay_int};
    const UpdateStepPlan hp = plan_update_step(o);
    const ref::UpdateStepGrid rp = ref::update_step_grid(s);
    ASSERT_EQ(hp.exp, rp.exp);
    const auto dir = static_cast<std::int64_t>(rng() % (std::uint64_t{1} << o.dir_width)) - (std::int64_t{1} << (o.dir_width - 1));
    const auto m = static_cast<std::int64_t>(rng() % (std::uint64_t{1} << o.master_width)) - (std::int64_t{1} << (o.master_width - 1));
    ASSERT_TRUE(update_multiply_add(dir, m, o.lr_int, o.decay_int, hp) == ref::update_step(dir, m, o.lr_int, o.decay_int, rp));
  }
}

}  // namespace
}  // namespace qtsim::hw::test
