// Rounding an integer right by s bits (docs/NUMERICS.md §2): round_shift,
// saturate, max_magnitude. Every expected value below was worked out from the
// specification's formulas, independently of the implementation (by hand and
// with an arbitrary-precision Python model), and is written as a literal.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "models/ref/random_bits.hpp"
#include "models/ref/rounding.hpp"

namespace qtsim::ref {
namespace {

constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();  // -2^63
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();  // 2^63 - 1
constexpr std::int64_t kTwo62 = std::int64_t{1} << 62;

struct ShiftCase {
  std::int64_t v;
  int s;
  std::int64_t expected;
};

struct StochasticCase {
  std::int64_t v;
  int s;
  std::uint32_t word;
  std::int64_t expected;
};

// ---------------------------------------------------------------- nearest ---

TEST(RoundShiftNearest, TiesGoTowardPlusInfinityForBothSigns) {
  // (v + 2^(s-1)) >> s: x.5 rounds up, so -2.5 -> -2 and -1.5 -> -1.
  const std::vector<ShiftCase> cases = {
      {5, 1, 3},      // 2.5
      {-5, 1, -2},    // -2.5
      {3, 1, 2},      // 1.5
      {-3, 1, -1},    // -1.5
      {1, 1, 1},      // 0.5
      {-1, 1, 0},     // -0.5
      {7, 1, 4},      // 3.5
      {-7, 1, -3},    // -3.5
      {6, 2, 2},      // 1.5
      {-6, 2, -1},    // -1.5
      {10, 2, 3},     // 2.5
      {-10, 2, -2},   // -2.5
      {384, 8, 2},    // 1.5
      {-384, 8, -1},  // -1.5
      {640, 8, 3},    // 2.5
      {-640, 8, -2},  // -2.5
  };
  for (const auto& c : cases)
    EXPECT_EQ(round_shift(c.v, c.s, Rounding::nearest), c.expected) << "v=" << c.v << " s=" << c.s;
}

TEST(RoundShiftNearest, NonTiesGoToTheNearestInteger) {
  const std::vector<ShiftCase> cases = {
      {9, 2, 2},    // 2.25
      {-9, 2, -2},  // -2.25
      {11, 2, 3},   // 2.75
      {-11, 2, -3}, // -2.75
      {0, 5, 0},
      {8, 3, 1},    // exact
      {-8, 3, -1},  // exact
      {4, 3, 1},    // 0.5 tie
      {-4, 3, 0},   // -0.5 tie
      {-5, 3, -1},  // -0.625
  };
  for (const auto& c : cases)
    EXPECT_EQ(round_shift(c.v, c.s, Rounding::nearest), c.expected) << "v=" << c.v << " s=" << c.s;
}

TEST(RoundShiftNearest, ShiftsAbove32And63AndNearTheInt64Range) {
  // Computed in 128 bits: no intermediate overflow even for v = INT64_MAX.
  const std::vector<ShiftCase> cases = {
      {kTwo62, 62, 1},
      {kTwo62, 63, 1},          // 0.5 -> 1
      {-kTwo62, 63, 0},         // -0.5 -> 0
      {kMax, 63, 1},            // 1 - 2^-63
      {kMin, 63, -1},           // exactly -1
      {kMin, 62, -2},           // exactly -2
      {kMin, 64, 0},            // -0.5 -> 0
      {kMax, 64, 0},            // 0.4999...
      {kMax, 100, 0},
      {kMin, 99, 0},
      {kMin, 101, 0},
      {kMax, 1000, 0},
      {kMin, 1000, 0},
      {-1, 1000, 0},
      {kMax, 1, kTwo62},        // (2^63 - 1 + 1) >> 1 does not overflow
      {kMin, 1, -kTwo62},
      {3848290697216, 40, 4},   // 3.5 * 2^40
      {-3848290697216, 40, -3}, // -3.5 * 2^40
      {21474836480, 33, 3},     // 2.5 * 2^33
      {-21474836480, 33, -2},   // -2.5 * 2^33
      {10737418240, 32, 3},     // 2.5 * 2^32
      {-10737418240, 32, -2},   // -2.5 * 2^32
  };
  for (const auto& c : cases)
    EXPECT_EQ(round_shift(c.v, c.s, Rounding::nearest), c.expected) << "v=" << c.v << " s=" << c.s;
}

// --------------------------------------------------------- s <= 0 (left) ---

TEST(RoundShiftLeft, NonPositiveShiftIsExactLeftShiftSaturatingAtInt64) {
  const std::vector<ShiftCase> cases = {
      {3, -4, 48},
      {-3, -4, -48},
      {5, -33, 42949672960},  // 5 * 2^33
      {1, -62, kTwo62},
      {1, -63, kMax},         // 2^63 does not fit: saturates
      {-1, -63, kMin},        // -2^63 fits exactly
      {-1, -64, kMin},
      {std::int64_t{1} << 61, -1, kTwo62},
      {kTwo62, -1, kMax},
      {-kTwo62, -1, kMin},    // exactly -2^63
      {-kTwo62 - 1, -1, kMin},
      {0, -200, 0},
      {1, -200, kMax},
      {-7, -1000, kMin},
      {kMax, 0, kMax},
      {kMin, 0, kMin},
      {-5, 0, -5},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(round_shift(c.v, c.s, Rounding::nearest), c.expected) << "v=" << c.v << " s=" << c.s;
    // No randomness is involved in an exact shift.
    EXPECT_EQ(round_shift(c.v, c.s, Rounding::stochastic, 0xffffffffU), c.expected) << "v=" << c.v << " s=" << c.s;
  }
}

// ------------------------------------------------------------ stochastic ---

TEST(RoundShiftStochastic, UsesTheLowSBitsOfTheWordForShiftsUpTo32) {
  const std::vector<StochasticCase> cases = {
      {5, 1, 0x00000000U, 2},
      {5, 1, 0x00000001U, 3},
      {5, 1, 0xfffffffeU, 2},  // only bit 0 counts
      {-5, 1, 0x00000000U, -3},
      {-5, 1, 0x00000001U, -2},
      {5, 3, 0x00000002U, 0},  // 5 + 2 < 8
      {5, 3, 0x00000003U, 1},  // 5 + 3 = 8
      {5, 3, 0xfffffff3U, 1},  // low 3 bits = 3
      {5, 3, 0xfffffff8U, 0},  // low 3 bits = 0
      {-5, 3, 0x00000004U, -1},
      {-5, 3, 0x00000005U, 0},
      {1, 32, 0xffffffffU, 1},
      {1, 32, 0xfffffffeU, 0},
      {-1, 32, 0x00000000U, -1},
      {-1, 32, 0x00000001U, 0},
  };
  for (const auto& c : cases)
    EXPECT_EQ(round_shift(c.v, c.s, Rounding::stochastic, c.word), c.expected)
        << "v=" << c.v << " s=" << c.s << " word=" << c.word;
}

TEST(RoundShiftStochastic, Above32TheWordIsTheTopOfTheFraction) {
  // r = word << (s - 32): the s-32 lowest fraction bits of r are zero.
  const std::vector<StochasticCase> cases = {
      {1, 33, 0xffffffffU, 0},  // 1 + (2^33 - 2) < 2^33
      {2, 33, 0xffffffffU, 1},  // 2 + (2^33 - 2) = 2^33
      {2, 33, 0xfffffffeU, 0},
      {256, 40, 0xffffffffU, 1},  // 2^8 + (2^40 - 2^8) = 2^40
      {256, 40, 0xfffffffeU, 0},
      {255, 40, 0xffffffffU, 0},  // below 2^-32 of a step: never rounds up
      {-3298534883328, 40, 0x00000000U, -3},  // -3 * 2^40 exactly
      {-3298534883327, 40, 0xffffffffU, -3},  // -3 + 2^-40 rounds up only if r's low bits were set
      {kMax, 63, 0x80000000U, 1},
      {kMax, 63, 0x7fffffffU, 1},
      {kMin, 63, 0xffffffffU, -1},  // exact multiple: never rounds up
      {kMax, 64, 0xffffffffU, 1},
      {kMax, 64, 0x7fffffffU, 0},
      {kMax, 64, 0x80000001U, 1},
      {kMin, 64, 0x00000000U, -1},
      {kMin, 64, 0x80000000U, 0},
      {kMin, 64, 0x7fffffffU, -1},
      {kMin, 100, 0x00000000U, -1},
      {kMin, 100, 0x00000001U, 0},
      {kMin, 1000, 0x00000000U, -1},
      {kMin, 1000, 0x00000001U, 0},
      {kMax, 1000, 0xffffffffU, 0},
  };
  for (const auto& c : cases)
    EXPECT_EQ(round_shift(c.v, c.s, Rounding::stochastic, c.word), c.expected)
        << "v=" << c.v << " s=" << c.s << " word=" << c.word;
}

TEST(RoundShiftStochastic, BitsAboveTheFractionAreIgnored) {
  for (int s = 1; s < 32; ++s) {
    const std::uint32_t low_mask = (std::uint32_t{1} << s) - 1;
    for (std::int64_t v : {std::int64_t{12345}, std::int64_t{-12345}, std::int64_t{7} << 40, kMin, kMax}) {
      const std::uint32_t r = 0x9e3779b9U & low_mask;
      EXPECT_EQ(round_shift(v, s, Rounding::stochastic, r | ~low_mask), round_shift(v, s, Rounding::stochastic, r))
          << "v=" << v << " s=" << s;
    }
  }
}

TEST(RoundShiftStochastic, EveryFractionValueOnceAveragesExactly) {
  // Hermite's identity: sum over r = 0 .. 2^s - 1 of floor((v + r) / 2^s) = v,
  // so enumerating every possible low-bit pattern once gives an exact mean.
  for (int s = 1; s <= 12; ++s) {
    for (std::int64_t v : {0, 1, -1, 5, -5, 1000, -1000, 123457, -123457, 4095, -4096}) {
      std::int64_t sum = 0;
      for (std::uint32_t r = 0; r < (std::uint32_t{1} << s); ++r) sum += round_shift(v, s, Rounding::stochastic, r);
      EXPECT_EQ(sum, v) << "v=" << v << " s=" << s;
    }
  }
}

TEST(RoundShiftStochastic, ExactMultiplesNeverRound) {
  // r < 2^s, so a multiple of 2^s is never moved to the next step.
  std::vector<ShiftCase> cases;
  for (int s : {1, 7, 20, 32, 33, 40, 60}) cases.push_back({-3 * (std::int64_t{1} << s), s, -3});
  cases.push_back({kMin, 62, -2});
  cases.push_back({kMin, 63, -1});
  for (const auto& c : cases) {
    for (std::uint32_t index = 0; index < 1000; ++index) {
      const std::uint32_t w = rand32(1, 2, index);
      ASSERT_EQ(round_shift(c.v, c.s, Rounding::stochastic, w), c.expected) << "s=" << c.s << " w=" << w;
    }
  }
}

// Over many indices of one stream the stochastic result must average to v / 2^s.
// Each draw is floor(v / 2^s) or that plus one, a Bernoulli(p) variable with
// p = frac(v / 2^s) for s <= 32. For s > 32 the random word covers only the top
// 32 fraction bits, so p is floor(frac * 2^32) / 2^32: biased low by less than
// 2^-32. Bound: 5 standard errors of the mean plus that bias.
void expect_unbiased(std::int64_t v, int s, std::uint32_t seed, std::uint32_t stream) {
  constexpr int kDraws = 200000;
  const std::int64_t base = v >> s;  // floor (s <= 62 here)
  const long double frac = std::ldexp(static_cast<long double>(v - base * (std::int64_t{1} << s)), -s);
  std::int64_t ups = 0;
  for (std::uint32_t i = 0; i < kDraws; ++i) {
    const std::int64_t q = round_shift(v, s, Rounding::stochastic, rand32(seed, stream, i));
    ASSERT_TRUE(q == base || q == base + 1) << "v=" << v << " s=" << s << " q=" << q;
    ups += q - base;
  }
  const long double mean_frac = static_cast<long double>(ups) / kDraws;
  const long double stderr_mean = std::sqrt(frac * (1 - frac) / kDraws);
  const long double bias = s > 32 ? std::ldexp(1.0L, -32) : 0.0L;
  EXPECT_LE(std::fabs(mean_frac - frac), 5 * stderr_mean + bias)
      << "v=" << v << " s=" << s << " expected fraction " << static_cast<double>(frac) << " measured "
      << static_cast<double>(mean_frac);
}

TEST(RoundShiftStochastic, MeanOverManyIndicesMatchesTheExactQuotient) {
  const std::uint32_t seed = 2024;
  const std::uint32_t stream = stream_id(5, kParameterTensorBase + 3, RandomPurpose::quantize_gradient);
  const std::int64_t two20 = std::int64_t{1} << 20;
  const std::int64_t two32 = std::int64_t{1} << 32;
  const std::int64_t two40 = std::int64_t{1} << 40;
  const std::vector<std::pair<std::int64_t, int>> cases = {
      {3, 1},                                      // 1.5
      {-3, 1},                                     // -1.5
      {1000, 7},                                   // 7.8125
      {-1000, 7},                                  // -7.8125
      {77, 7},                                     // 0.6015625
      {5 * two20 + 0x12345, 20},                   // 5.0711...
      {-(5 * two20 + 0x12345), 20},
      {1431655765, 32},                            // ~1/3
      {-(7 * two32 + 0x9999999A), 32},             // -7.6
      {7 * two32 + 0x1999999A, 32},                // 7.1
      {3 * two40 + 0x4CCCCCCCCC + 0xff, 40},       // 3.3 (low bits below the word)
      {-(3 * two40 + 0x4CCCCCCCCC + 0xff), 40},    // -3.3
      {two40 / 8 * 7 + 1, 40},                     // 0.875 + 2^-40
      {(std::int64_t{1} << 61) + (std::int64_t{1} << 59), 62},  // 0.625
  };
  for (const auto& [v, s] : cases) expect_unbiased(v, s, seed, stream);
}

// --------------------------------------------------------------- saturate ---

TEST(Saturate, SymmetricRangeAndCount) {
  EXPECT_EQ(max_magnitude(2), 1);
  EXPECT_EQ(max_magnitude(8), 127);
  EXPECT_EQ(max_magnitude(16), 32767);
  EXPECT_EQ(max_magnitude(32), 2147483647);

  std::uint64_t count = 0;
  EXPECT_EQ(saturate(127, 8, &count), 127);
  EXPECT_EQ(saturate(-127, 8, &count), -127);
  EXPECT_EQ(saturate(0, 8, &count), 0);
  EXPECT_EQ(count, 0U);
  EXPECT_EQ(saturate(128, 8, &count), 127);
  EXPECT_EQ(count, 1U);
  EXPECT_EQ(saturate(-128, 8, &count), -127);  // -128 is outside the symmetric range
  EXPECT_EQ(count, 2U);
  EXPECT_EQ(saturate(kMin, 8, &count), -127);
  EXPECT_EQ(saturate(kMax, 16, &count), 32767);
  EXPECT_EQ(count, 4U);
  EXPECT_EQ(saturate(2, 2, &count), 1);
  EXPECT_EQ(saturate(-2, 2, &count), -1);
  EXPECT_EQ(saturate(-1, 2, &count), -1);
  EXPECT_EQ(count, 6U);
  EXPECT_EQ(saturate(std::int64_t{1} << 31, 32, &count), 2147483647);
  EXPECT_EQ(count, 7U);
  EXPECT_EQ(saturate(500, 8), 127);  // no counter: still saturates
}

TEST(Saturate, AfterRoundingCountsOncePerElement) {
  // 2.5 * 2^s of a value over range: round first (ties up), then saturate.
  std::uint64_t count = 0;
  EXPECT_EQ(saturate(round_shift(510, 2, Rounding::nearest), 8, &count), 127);    // 127.5 -> 128 -> 127
  EXPECT_EQ(saturate(round_shift(-510, 2, Rounding::nearest), 8, &count), -127);  // -127.5 -> -127, in range
  EXPECT_EQ(saturate(round_shift(-511, 2, Rounding::nearest), 8, &count), -127);  // -127.75 -> -128 -> -127
  EXPECT_EQ(saturate(round_shift(1, -70, Rounding::nearest), 8, &count), 127);    // int64-saturated, then k-bit
  EXPECT_EQ(count, 3U);
}

// The 128-bit rounding of the update step (docs/NUMERICS.md §2, §7): the same
// rule as round_shift wherever both apply, and exact beyond int64.
TEST(RoundShiftWide, AgreesWithRoundShiftOnInt64Values) {
  std::uint64_t state = 12345;
  auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  for (int trial = 0; trial < 20000; ++trial) {
    const int bits = static_cast<int>(next() % 63);
    const auto v = static_cast<std::int64_t>(next() >> (63 - bits)) * (next() % 2 == 0 ? 1 : -1);
    const int s = static_cast<int>(next() % 140) - 30;
    const auto word = static_cast<std::uint32_t>(next());
    for (Rounding mode : {Rounding::nearest, Rounding::stochastic})
      ASSERT_EQ(round_shift_wide(v, s, mode, word), round_shift(v, s, mode, word))
          << "v " << v << " s " << s << " word " << word << " " << (mode == Rounding::nearest ? "nearest" : "stochastic");
  }
}

TEST(RoundShiftWide, ValuesBeyondInt64) {
  const __int128 big = static_cast<__int128>(3) << 100;  // 3 * 2^100
  EXPECT_EQ(round_shift_wide(big, 90, Rounding::nearest), 3 << 10);
  EXPECT_EQ(round_shift_wide(big + (static_cast<__int128>(1) << 89), 90, Rounding::nearest), (3 << 10) + 1);  // a tie: up
  EXPECT_EQ(round_shift_wide(-big - (static_cast<__int128>(1) << 89), 90, Rounding::nearest), -(3 << 10));    // a tie: up
  EXPECT_EQ(round_shift_wide(big, 30, Rounding::nearest), std::numeric_limits<std::int64_t>::max());          // saturates
  EXPECT_EQ(round_shift_wide(-big, 0, Rounding::stochastic, 7), std::numeric_limits<std::int64_t>::min());
  // stochastic above 32 bits: the word is the top of the fraction; 0.75 of a step rounds up for words >= 2^30.
  const __int128 three_quarters = (static_cast<__int128>(5) << 100) + (static_cast<__int128>(3) << 98);
  EXPECT_EQ(round_shift_wide(three_quarters, 100, Rounding::stochastic, 1U << 30), 6);
  EXPECT_EQ(round_shift_wide(three_quarters, 100, Rounding::stochastic, (1U << 30) - 1), 5);
  EXPECT_EQ(round_shift_wide(-three_quarters, 100, Rounding::stochastic, 0), -6);
  EXPECT_EQ(round_shift_wide(-three_quarters, 100, Rounding::stochastic, 3U << 30), -5);
  // shifts past the width
  EXPECT_EQ(round_shift_wide(big, 200, Rounding::nearest), 0);
  EXPECT_EQ(round_shift_wide(-big, 200, Rounding::stochastic, 0), -1);
  EXPECT_EQ(round_shift_wide(-big, 200, Rounding::stochastic, 1), 0);
}

}  // namespace
}  // namespace qtsim::ref
