// The quantizer families of docs/NUMERICS.md §4.1-§4.4 (direct, shift, constant,
// flag), choose_shift, round_log2 and the randomness contract of stochastic
// quantization. Expected values are literals worked out from the specification
// (by hand, checked with an independent arbitrary-precision Python model of §2-§4).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "models/ref/ops/layers_int.hpp"
#include "models/ref/quantizer.hpp"
#include "models/ref/random_bits.hpp"
#include "models/ref/scheme.hpp"
#include "quantizer_test_util.hpp"

namespace qtsim::ref {
namespace {

using namespace quant_test;
constexpr auto N = Rounding::nearest;
constexpr auto S = Rounding::stochastic;
constexpr std::int64_t kTwo62 = std::int64_t{1} << 62;

// ------------------------------------------------------------ choose_shift ---

struct ChooseShiftCase {
  std::uint64_t m;
  int bits;
  int nearest;
  int stochastic;
};

TEST(ChooseShift, SmallestShiftWhoseWorstCaseFitsAtTheBoundaries) {
  // For each width, m at the edges of "s fits": nearest fits at s iff
  // m <= qmax*2^s + 2^(s-1) - 1, stochastic iff m <= qmax*2^s.
  const std::vector<ChooseShiftCase> cases = {
      {0ULL, 2, 0, 0}, {1ULL, 2, 0, 0}, {2ULL, 2, 1, 1},
      {3ULL, 2, 2, 2}, {4ULL, 2, 2, 2}, {5ULL, 2, 2, 3},
      {6ULL, 2, 3, 3}, {128ULL, 2, 7, 7}, {129ULL, 2, 7, 8},
      {191ULL, 2, 7, 8}, {192ULL, 2, 8, 8}, {1099511627776ULL, 2, 40, 40},
      {1099511627777ULL, 2, 40, 41}, {1649267441663ULL, 2, 40, 41}, {1649267441664ULL, 2, 41, 41},
      {2305843009213693952ULL, 2, 61, 61}, {2305843009213693953ULL, 2, 61, 62}, {3458764513820540927ULL, 2, 61, 62},
      {3458764513820540928ULL, 2, 62, 62}, {4611686018427387904ULL, 2, 62, 62}, {4611686018427387905ULL, 2, 62, 63},
      {9223372036854775807ULL, 2, 63, 63}, {9223372036854775808ULL, 2, 63, 63}, {3ULL, 3, 0, 0},
      {4ULL, 3, 1, 1}, {6ULL, 3, 1, 1}, {7ULL, 3, 2, 2},
      {384ULL, 3, 7, 7}, {385ULL, 3, 7, 8}, {447ULL, 3, 7, 8},
      {448ULL, 3, 8, 8}, {3298534883328ULL, 3, 40, 40}, {3298534883329ULL, 3, 40, 41},
      {3848290697215ULL, 3, 40, 41}, {3848290697216ULL, 3, 41, 41}, {7ULL, 4, 0, 0},
      {8ULL, 4, 1, 1}, {14ULL, 4, 1, 1}, {15ULL, 4, 2, 2},
      {896ULL, 4, 7, 7}, {897ULL, 4, 7, 8}, {959ULL, 4, 7, 8},
      {960ULL, 4, 8, 8}, {7696581394432ULL, 4, 40, 40}, {7696581394433ULL, 4, 40, 41},
      {8246337208319ULL, 4, 40, 41}, {8246337208320ULL, 4, 41, 41}, {15ULL, 5, 0, 0},
      {16ULL, 5, 1, 1}, {30ULL, 5, 1, 1}, {31ULL, 5, 2, 2},
      {1920ULL, 5, 7, 7}, {1921ULL, 5, 7, 8}, {1983ULL, 5, 7, 8},
      {1984ULL, 5, 8, 8}, {16492674416640ULL, 5, 40, 40}, {16492674416641ULL, 5, 40, 41},
      {17042430230527ULL, 5, 40, 41}, {17042430230528ULL, 5, 41, 41}, {31ULL, 6, 0, 0},
      {32ULL, 6, 1, 1}, {62ULL, 6, 1, 1}, {63ULL, 6, 2, 2},
      {3968ULL, 6, 7, 7}, {3969ULL, 6, 7, 8}, {4031ULL, 6, 7, 8},
      {4032ULL, 6, 8, 8}, {34084860461056ULL, 6, 40, 40}, {34084860461057ULL, 6, 40, 41},
      {34634616274943ULL, 6, 40, 41}, {34634616274944ULL, 6, 41, 41}, {63ULL, 7, 0, 0},
      {64ULL, 7, 1, 1}, {126ULL, 7, 1, 1}, {127ULL, 7, 2, 2},
      {8064ULL, 7, 7, 7}, {8065ULL, 7, 7, 8}, {8127ULL, 7, 7, 8},
      {8128ULL, 7, 8, 8}, {69269232549888ULL, 7, 40, 40}, {69269232549889ULL, 7, 40, 41},
      {69818988363775ULL, 7, 40, 41}, {69818988363776ULL, 7, 41, 41}, {0ULL, 8, 0, 0},
      {1ULL, 8, 0, 0}, {127ULL, 8, 0, 0}, {128ULL, 8, 1, 1},
      {254ULL, 8, 1, 1}, {255ULL, 8, 2, 2}, {508ULL, 8, 2, 2},
      {509ULL, 8, 2, 3}, {510ULL, 8, 3, 3}, {16256ULL, 8, 7, 7},
      {16257ULL, 8, 7, 8}, {16319ULL, 8, 7, 8}, {16320ULL, 8, 8, 8},
      {139637976727552ULL, 8, 40, 40}, {139637976727553ULL, 8, 40, 41}, {140187732541439ULL, 8, 40, 41},
      {140187732541440ULL, 8, 41, 41}, {4575657221408423936ULL, 8, 55, 55}, {4575657221408423937ULL, 8, 55, 56},
      {4593671619917905919ULL, 8, 55, 56}, {4593671619917905920ULL, 8, 56, 56}, {4611686018427387904ULL, 8, 56, 56},
      {4611686018427387905ULL, 8, 56, 56}, {9223372036854775807ULL, 8, 57, 57}, {9223372036854775808ULL, 8, 57, 57},
      {255ULL, 9, 0, 0}, {256ULL, 9, 1, 1}, {510ULL, 9, 1, 1},
      {511ULL, 9, 2, 2}, {32640ULL, 9, 7, 7}, {32641ULL, 9, 7, 8},
      {32703ULL, 9, 7, 8}, {32704ULL, 9, 8, 8}, {280375465082880ULL, 9, 40, 40},
      {280375465082881ULL, 9, 40, 41}, {280925220896767ULL, 9, 40, 41}, {280925220896768ULL, 9, 41, 41},
      {511ULL, 10, 0, 0}, {512ULL, 10, 1, 1}, {1022ULL, 10, 1, 1},
      {1023ULL, 10, 2, 2}, {65408ULL, 10, 7, 7}, {65409ULL, 10, 7, 8},
      {65471ULL, 10, 7, 8}, {65472ULL, 10, 8, 8}, {561850441793536ULL, 10, 40, 40},
      {561850441793537ULL, 10, 40, 41}, {562400197607423ULL, 10, 40, 41}, {562400197607424ULL, 10, 41, 41},
      {1023ULL, 11, 0, 0}, {1024ULL, 11, 1, 1}, {2046ULL, 11, 1, 1},
      {2047ULL, 11, 2, 2}, {130944ULL, 11, 7, 7}, {130945ULL, 11, 7, 8},
      {131007ULL, 11, 7, 8}, {131008ULL, 11, 8, 8}, {1124800395214848ULL, 11, 40, 40},
      {1124800395214849ULL, 11, 40, 41}, {1125350151028735ULL, 11, 40, 41}, {1125350151028736ULL, 11, 41, 41},
      {2047ULL, 12, 0, 0}, {2048ULL, 12, 1, 1}, {4094ULL, 12, 1, 1},
      {4095ULL, 12, 2, 2}, {262016ULL, 12, 7, 7}, {262017ULL, 12, 7, 8},
      {262079ULL, 12, 7, 8}, {262080ULL, 12, 8, 8}, {2250700302057472ULL, 12, 40, 40},
      {2250700302057473ULL, 12, 40, 41}, {2251250057871359ULL, 12, 40, 41}, {2251250057871360ULL, 12, 41, 41},
      {4095ULL, 13, 0, 0}, {4096ULL, 13, 1, 1}, {8190ULL, 13, 1, 1},
      {8191ULL, 13, 2, 2}, {524160ULL, 13, 7, 7}, {524161ULL, 13, 7, 8},
      {524223ULL, 13, 7, 8}, {524224ULL, 13, 8, 8}, {4502500115742720ULL, 13, 40, 40},
      {4502500115742721ULL, 13, 40, 41}, {4503049871556607ULL, 13, 40, 41}, {4503049871556608ULL, 13, 41, 41},
      {8191ULL, 14, 0, 0}, {8192ULL, 14, 1, 1}, {16382ULL, 14, 1, 1},
      {16383ULL, 14, 2, 2}, {1048448ULL, 14, 7, 7}, {1048449ULL, 14, 7, 8},
      {1048511ULL, 14, 7, 8}, {1048512ULL, 14, 8, 8}, {9006099743113216ULL, 14, 40, 40},
      {9006099743113217ULL, 14, 40, 41}, {9006649498927103ULL, 14, 40, 41}, {9006649498927104ULL, 14, 41, 41},
      {16383ULL, 15, 0, 0}, {16384ULL, 15, 1, 1}, {32766ULL, 15, 1, 1},
      {32767ULL, 15, 2, 2}, {2097024ULL, 15, 7, 7}, {2097025ULL, 15, 7, 8},
      {2097087ULL, 15, 7, 8}, {2097088ULL, 15, 8, 8}, {18013298997854208ULL, 15, 40, 40},
      {18013298997854209ULL, 15, 40, 41}, {18013848753668095ULL, 15, 40, 41}, {18013848753668096ULL, 15, 41, 41},
      {0ULL, 16, 0, 0}, {1ULL, 16, 0, 0}, {32767ULL, 16, 0, 0},
      {32768ULL, 16, 1, 1}, {65534ULL, 16, 1, 1}, {65535ULL, 16, 2, 2},
      {131068ULL, 16, 2, 2}, {131069ULL, 16, 2, 3}, {131070ULL, 16, 3, 3},
      {4194176ULL, 16, 7, 7}, {4194177ULL, 16, 7, 8}, {4194239ULL, 16, 7, 8},
      {4194240ULL, 16, 8, 8}, {36027697507336192ULL, 16, 40, 40}, {36027697507336193ULL, 16, 40, 41},
      {36028247263150079ULL, 16, 40, 41}, {36028247263150080ULL, 16, 41, 41}, {4611545280939032576ULL, 16, 47, 47},
      {4611545280939032577ULL, 16, 47, 48}, {4611615649683210239ULL, 16, 47, 48}, {4611615649683210240ULL, 16, 48, 48},
      {4611686018427387904ULL, 16, 48, 48}, {4611686018427387905ULL, 16, 48, 48}, {9223372036854775807ULL, 16, 49, 49},
      {9223372036854775808ULL, 16, 49, 49},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(choose_shift(c.m, c.bits, N), c.nearest) << "m=" << c.m << " bits=" << c.bits;
    EXPECT_EQ(choose_shift(c.m, c.bits, S), c.stochastic) << "m=" << c.m << " bits=" << c.bits;
  }
}

// Worst case of rounding a non-negative m right by s bits, written from §4.2.
unsigned __int128 worst_case(std::uint64_t m, int s, Rounding r) {
  const unsigned __int128 wide_m = m;
  if (s == 0) return wide_m;
  const unsigned __int128 one = 1;
  return r == N ? (wide_m + (one << (s - 1))) >> s : (wide_m + (one << s) - 1) >> s;
}

TEST(ChooseShift, MatchesTheDefinitionForEveryWidthFrom2To16) {
  // Sweep m over every bit length with a few patterns; s must fit and s-1 must not.
  for (int bits = 2; bits <= 16; ++bits) {
    const unsigned __int128 qmax = (1U << (bits - 1)) - 1;
    for (int len = 0; len <= 64; ++len) {
      for (std::uint64_t pattern : {0ULL, 1ULL, 0x5555555555555555ULL, 0xffffffffffffffffULL, 0x8000000000000001ULL}) {
        if (len == 0 && pattern != 0) continue;
        std::uint64_t m = 0;
        if (len > 0) {
          const std::uint64_t top = std::uint64_t{1} << (len - 1);
          m = top | (pattern & (top - 1));
        }
        for (Rounding r : {N, S}) {
          const int s = choose_shift(m, bits, r);
          ASSERT_GE(s, 0);
          ASSERT_LE(worst_case(m, s, r), qmax) << "m=" << m << " bits=" << bits << " s=" << s;
          if (s > 0) {
            ASSERT_GT(worst_case(m, s - 1, r), qmax) << "m=" << m << " bits=" << bits << " s=" << s;
          }
        }
      }
    }
  }
}

// -------------------------------------------------------------- round_log2 ---

TEST(RoundLog2, AtAndAroundPowersOfTwoAndTheirSquareRootTwoMidpoints) {
  // r = p + 1 iff m >= 2^(p + 1/2); the pairs around 2^(p+1/2) are floor(sqrt(2^(2p+1))) and +1.
  const std::vector<std::pair<std::uint64_t, int>> cases = {
      {0ULL, 0}, {1ULL, 0}, {2ULL, 1}, {3ULL, 2},
      {4ULL, 2}, {5ULL, 2}, {6ULL, 3}, {7ULL, 3},
      {8ULL, 3}, {11ULL, 3}, {12ULL, 4}, {22ULL, 4},
      {23ULL, 5}, {45ULL, 5}, {46ULL, 6}, {90ULL, 6},
      {91ULL, 7}, {181ULL, 7}, {182ULL, 8}, {1023ULL, 10},
      {1024ULL, 10}, {1448ULL, 10}, {1449ULL, 11}, {2047ULL, 11},
      {1048576ULL, 20}, {1482910ULL, 20}, {1482911ULL, 21}, {2097151ULL, 21},
      {2147483648ULL, 31}, {3037000499ULL, 31}, {3037000500ULL, 32}, {4294967295ULL, 32},
      {4294967296ULL, 32}, {6074000999ULL, 32}, {6074001000ULL, 33}, {8589934591ULL, 33},
      {1099511627776ULL, 40}, {1554944255987ULL, 40}, {1554944255988ULL, 41}, {2199023255551ULL, 41},
      {4503599627370496ULL, 52}, {6369051672525772ULL, 52}, {6369051672525773ULL, 53}, {9007199254740991ULL, 53},
      {9007199254740992ULL, 53}, {12738103345051545ULL, 53}, {12738103345051546ULL, 54}, {18014398509481983ULL, 54},
      {2305843009213693952ULL, 61}, {3260954456333195553ULL, 61}, {3260954456333195554ULL, 62}, {4611686018427387903ULL, 62},
      {4611686018427387904ULL, 62}, {6521908912666391106ULL, 62}, {6521908912666391107ULL, 63}, {9223372036854775807ULL, 63},
      {9223372036854775808ULL, 63}, {13043817825332782212ULL, 63}, {13043817825332782213ULL, 64}, {18446744073709551615ULL, 64},
  };
  for (const auto& [m, r] : cases) EXPECT_EQ(round_log2(m), r) << "m=" << m;
}

TEST(MaxAbs, HandlesTheMostNegativeInt64) {
  EXPECT_EQ(max_abs(wide({}, 0)), 0U);
  EXPECT_EQ(max_abs(wide({3, -7, 5}, 0)), 7U);
  EXPECT_EQ(max_abs(wide({kMin, 1}, 0)), 9223372036854775808ULL);
  EXPECT_EQ(max_abs(wide({kMax, -kMax}, 0)), 9223372036854775807ULL);
}

// ------------------------------------------------------------------ direct ---

TEST(DirectQuantizer, NearestTiesNegativesAndSaturation) {
  // e_in = -4, e = -2: s = 2. 10/4 = 2.5 -> 3, -2.5 -> -2, -1.5 -> -1, 127.5 -> 128 (sat),
  // -127.5 -> -127 (in range), -127.75 -> -128 (sat), +-250 (sat).
  check(wide({10, -10, 6, -6, 9, -9, 0, 508, 509, 510, -510, -511, 1000, -1000}, -4), direct_spec(8, -2, N),
        {{3, -2, 2, -1, 2, -2, 0, 127, 127, 127, -127, -127, 127, -127}, -2, 4, 2}, "direct nearest");
}

TEST(DirectQuantizer, StochasticUsesWordOfEachElementIndex) {
  // Words of kStream (low 2 bits): 01 11 01 00 10 11 11 11 01 10 00 00 01 01 01 11.
  check(wide({10, -10, 6, -6, 9, -9, 0, 508, 509, 510, -510, -511, 3, -3, 1, -1}, -4), direct_spec(8, -2, S),
        {{2, -2, 1, -2, 2, -2, 0, 127, 127, 127, -127, -127, 1, -1, 0, 0}, -2, 3, 2}, "direct stochastic");
}

TEST(DirectQuantizer, CoarserInputExponentIsAnExactLeftShift) {
  // e - e_in = -3: v * 8, then saturate.
  for (Rounding r : {N, S})
    check(wide({5, -5, 15, 16, -16, 0, -15}, 0), direct_spec(8, -3, r), {{40, -40, 120, 127, -127, 0, -120}, -3, 2, -3},
          "direct left shift");
}

TEST(DirectQuantizer, ValuesNear2To63AndHugeShifts) {
  check(wide({kMax, kMin, kTwo62, -kTwo62, 3}, 0), direct_spec(8, 56, N), {{127, -127, 64, -64, 0}, 56, 2, 56},
        "shift 56");
  check(wide({kMax, kMin, kTwo62, -kTwo62, 3}, 0), direct_spec(8, 70, N), {{0, 0, 0, 0, 0}, 70, 0, 70}, "shift 70");
  // Left shift by 70 saturates in int64 first, then to 16 bits: one saturation each.
  check(wide({1, -1, 0}, 0), direct_spec(16, -70, N), {{32767, -32767, 0}, -70, 2, -70}, "shift -70");
}

TEST(DirectQuantizer, AllZeroTensor) {
  for (Rounding r : {N, S}) check(wide({0, 0, 0}, 5), direct_spec(8, -7, r), {{0, 0, 0}, -7, 0, -12}, "direct zeros");
}

// ------------------------------------------------------------------- shift ---

TEST(ShiftQuantizer, MaxAlreadyInRangeIsNotShifted) {
  for (Rounding r : {N, S}) {
    check(wide({127, -127, 5}, 3), shift_spec(8, r), {{127, -127, 5}, 3, 0, 0}, "m = qmax");
    check(wide({1, -1}, 0), shift_spec(8, r), {{1, -1}, 0, 0, 0}, "m = 1: never a left shift");
  }
}

TEST(ShiftQuantizer, NearestShiftAndTies) {
  check(wide({254, -3, 3, 1, -1}, 0), shift_spec(8, N), {{127, -1, 2, 1, 0}, 1, 0, 1}, "m = 254");
  check(wide({255, -3, 3, 1, -1, -255}, 0), shift_spec(8, N), {{64, -1, 1, 0, 0, -64}, 2, 0, 2}, "m = 255");
  // m = 509 = 127*4 + 1: nearest still fits at s = 2 ((509 + 2) >> 2 = 127).
  check(wide({509, -509, 3, -3, 2, -2, 254, -254}, 0), shift_spec(8, N),
        {{127, -127, 1, -1, 1, 0, 64, -63}, 2, 0, 2}, "m = 509 nearest");
  check(wide({-509, 100, -100, 6, -6}, -5), shift_spec(8, N), {{-127, 25, -25, 2, -1}, -3, 0, 2},
        "negative max, e_in = -5");
}

TEST(ShiftQuantizer, StochasticNeedsTheRoundUpWorstCase) {
  check(wide({254, -3, 3, 1, -1}, 0), shift_spec(8, S), {{127, -1, 2, 0, -1}, 1, 0, 1}, "m = 254");
  check(wide({255, -3, 3, 1, -1, -255}, 0), shift_spec(8, S), {{64, 0, 1, 0, 0, -63}, 2, 0, 2}, "m = 255");
  // m = 509 > 127*4: stochastic needs s = 3 where nearest needed 2.
  check(wide({509, -509, 3, -3, 2, -2, 254, -254}, 0), shift_spec(8, S), {{63, -63, 0, 0, 1, 0, 32, -32}, 3, 0, 3},
        "m = 509 stochastic");
  check(wide({-509, 100, -100, 6, -6}, -5), shift_spec(8, S), {{-64, 13, -13, 1, 0}, -2, 0, 3},
        "negative max, e_in = -5");
}

TEST(ShiftQuantizer, OtherWidths) {
  check(wide({3, -3, 1, 2, -2}, 0), shift_spec(2, N), {{1, -1, 0, 1, 0}, 2, 0, 2}, "2 bits nearest");
  check(wide({3, -3, 1, 2, -2}, 0), shift_spec(2, S), {{1, 0, 0, 0, 0}, 2, 0, 2}, "2 bits stochastic");
  check(wide({100000, -100000, 70000, -3, 3, 131069}, 0), shift_spec(16, N),
        {{25000, -25000, 17500, -1, 1, 32767}, 2, 0, 2}, "16 bits nearest");
  check(wide({100000, -100000, 70000, -3, 3, 131069}, 0), shift_spec(16, S),
        {{12500, -12500, 8750, 0, 1, 16384}, 3, 0, 3}, "16 bits stochastic");
}

TEST(ShiftQuantizer, ValuesNear2To63) {
  const WideTensor in = wide({kMin, kMax, std::int64_t{1} << 56, -(std::int64_t{1} << 56), std::int64_t{3} << 55}, 0);
  check(in, shift_spec(8, N), {{-64, 64, 1, 0, 1}, 57, 0, 57}, "near 2^63 nearest");
  check(in, shift_spec(8, S), {{-64, 64, 0, -1, 1}, 57, 0, 57}, "near 2^63 stochastic");
}

TEST(ShiftQuantizer, AllZeroTensorGetsShiftZero) {
  for (Rounding r : {N, S}) check(wide({0, 0, 0}, 7), shift_spec(8, r), {{0, 0, 0}, 7, 0, 0}, "zeros");
}

TEST(ShiftQuantizer, NeverSaturatesItsLargestElement) {
  // At the largest m for which each s fits, +-m map to exactly +-qmax and nothing saturates.
  for (int bits = 2; bits <= 16; ++bits) {
    const std::int64_t qmax = (std::int64_t{1} << (bits - 1)) - 1;
    for (int s = 0; s <= 40; ++s) {
      for (Rounding r : {N, S}) {
        const std::int64_t m = r == N && s > 0 ? qmax * (std::int64_t{1} << s) + (std::int64_t{1} << (s - 1)) - 1
                                               : qmax * (std::int64_t{1} << s);
        QuantStats st;
        const QTensor out = quantize(wide({m, -m, m / 3}, 0), shift_spec(bits, r), kStream, &st);
        ASSERT_EQ(st.shift, s) << "bits=" << bits << " m=" << m;
        ASSERT_EQ(st.saturated, 0U) << "bits=" << bits << " m=" << m;
        ASSERT_EQ(out.q[0], qmax) << "bits=" << bits << " m=" << m;
        ASSERT_EQ(out.q[1], -qmax) << "bits=" << bits << " m=" << m;
      }
    }
  }
}

// ---------------------------------------------------------------- constant ---

TEST(ConstantQuantizer, MaxRoundingToLog2cIsKept) {
  // m = 100: round(log2 100) = 7 (100^2 >= 2^13), so s = 7 - 7 = 0. Output exponent -b,
  // discarded_exp = e_in + r = -3 + 7.
  for (Rounding r : {N, S})
    check(wide({100, -100, 50, -3, 0}, -3), constant_spec(8, 7, r), {{100, -100, 50, -3, 0}, -7, 0, 0, {}, 4},
          "m = 100");
}

TEST(ConstantQuantizer, ScaleUpAndClipToCMinusOne) {
  // m = 90: r = 6 (90^2 < 2^13), s = -1: v * 2, clipped to +-127 and counted.
  for (Rounding r : {N, S})
    check(wide({90, -90, 63, 64, -64, -63, 1, 0}, 2), constant_spec(8, 7, r),
          {{127, -127, 126, 127, -127, -126, 2, 0}, -7, 4, -1, {}, 8}, "m = 90");
  // m = 1: r = 0, s = -7: +-1 become +-128 and clip to +-(c-1).
  for (Rounding r : {N, S})
    check(wide({1, -1, 0}, 0), constant_spec(8, 7, r), {{127, -127, 0}, -7, 2, -7, {}, 0}, "m = 1");
}

TEST(ConstantQuantizer, RightShiftTiesAndStochastic) {
  // m = 1000: r = 10, s = 3. 12/8 = 1.5 -> 2, -1.5 -> -1, -2.5 -> -2, 2.5 -> 3, 0.5 -> 1, -0.5 -> 0.
  const WideTensor in = wide({1000, -1000, 12, -12, -20, 20, 4, -4, 0}, -5);
  check(in, constant_spec(8, 7, N), {{125, -125, 2, -1, -2, 3, 1, 0, 0}, -7, 0, 3, {}, 5}, "m = 1000 nearest");
  check(in, constant_spec(8, 7, S), {{125, -125, 1, -1, -2, 3, 0, -1, 0}, -7, 0, 3, {}, 5}, "m = 1000 stochastic");
}

TEST(ConstantQuantizer, SmallCAndTheSqrt2Boundary) {
  // c = 8 (b = 3): clip to +-7. 181 < 2^7.5 < 182.
  check(wide({181, -181, 60, -60, 11, -11}, 0), constant_spec(8, 3, N), {{7, -7, 4, -4, 1, -1}, -3, 2, 4, {}, 7},
        "m = 181 nearest");
  check(wide({181, -181, 60, -60, 11, -11}, 0), constant_spec(8, 3, S), {{7, -7, 3, -3, 1, 0}, -3, 2, 4, {}, 7},
        "m = 181 stochastic");
  check(wide({182, -182, 60, -60, 11, -11}, 0), constant_spec(8, 3, N), {{6, -6, 2, -2, 0, 0}, -3, 0, 5, {}, 8},
        "m = 182 nearest");
  check(wide({182, -182, 60, -60, 11, -11}, 0), constant_spec(8, 3, S), {{5, -5, 1, -1, 0, 0}, -3, 0, 5, {}, 8},
        "m = 182 stochastic");
}

TEST(ConstantQuantizer, ValuesNear2To63) {
  // m = 2^63: r = 63, s = 56: -2^63 -> -128 -> clipped.
  const WideTensor a = wide({kMin, kTwo62, -kTwo62, (std::int64_t{1} << 56) + (std::int64_t{1} << 55)}, 0);
  check(a, constant_spec(8, 7, N), {{-127, 64, -64, 2}, -7, 1, 56, {}, 63}, "m = 2^63 nearest");
  check(a, constant_spec(8, 7, S), {{-127, 64, -64, 1}, -7, 1, 56, {}, 63}, "m = 2^63 stochastic");
  // floor(2^62.5) + 1 rounds to r = 63; floor(2^62.5) itself to 62.
  const WideTensor b = wide({6521908912666391107, -6521908912666391106, std::int64_t{1} << 56, std::int64_t{3} << 55}, -10);
  check(b, constant_spec(8, 7, N), {{91, -91, 1, 2}, -7, 0, 56, {}, 53}, "m just above 2^62.5 nearest");
  check(b, constant_spec(8, 7, S), {{90, -91, 1, 1}, -7, 0, 56, {}, 53}, "m just above 2^62.5 stochastic");
  check(wide({6521908912666391106, std::int64_t{1} << 55, -(std::int64_t{1} << 55)}, 0), constant_spec(8, 7, N),
        {{127, 1, -1}, -7, 1, 55, {}, 62}, "m just below 2^62.5");
}

TEST(ConstantQuantizer, AllZeroTensor) {
  // r = 0 for m = 0: s = -b, output exponent -b, discarded_exp = e_in.
  for (Rounding r : {N, S})
    check(wide({0, 0, 0}, -9), constant_spec(8, 7, r), {{0, 0, 0}, -7, 0, -7, {}, -9}, "constant zeros");
}

// -------------------------------------------------------------------- flag ---

TEST(FlagQuantizer, SmallElementsKeepTheFineExponent) {
  // m = 1000: s = 3, coarse exponent 3, fine exponent 3 - 7 = -4 (fine shift -4: v * 16).
  // |v| <= 7 fits at the fine exponent (flag 1); 8 -> 128 does not: coarse, (8 + 4) >> 3 = 1.
  const WideTensor in = wide({1000, -1000, 7, -7, 8, -8, 0, 200, -300, 2, -2, 1, 15, -16}, 0);
  const Expected e{{125, -125, 112, -112, 1, -1, 0, 25, -37, 32, -32, 16, 2, -2},
                   3,
                   0,
                   3,
                   {0, 0, 1, 1, 0, 0, 1, 0, 0, 1, 1, 1, 0, 0}};
  check(in, flag_spec(8, N), e, "flag nearest");
  check(in, flag_spec(8, S), e, "flag stochastic");
}

TEST(FlagQuantizer, FineRoundingBoundaryAndNegativeTies) {
  // m = 2^20 at e_in = -3: s = 14, coarse exponent 11, fine shift 7.
  // 16319 -> (16319 + 64) >> 7 = 127 flagged; 16320 -> 128: coarse (16320 + 2^13) >> 14 = 1.
  // -16320 -> -127 flagged (tie toward +inf); -16321 -> -128: coarse -1.
  const WideTensor in = wide({1 << 20, 16319, 16320, -16320, -16321, 64, -64, 63, -65, 16256, -16257, 0}, -3);
  const Expected e{{64, 127, 1, -127, -1, 1, 0, 0, -1, 127, -127, 0}, 11, 0, 14, {0, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1, 1}};
  check(in, flag_spec(8, N), e, "flag nearest");
  check(in, flag_spec(8, S), e, "flag stochastic (these words happen to agree)");
}

TEST(FlagQuantizer, FourBitsAndStochastic) {
  // qmax = 7, m = 100: s = 4, fine shift 1.
  const WideTensor in = wide({100, -100, 13, -13, 12, -12, 6, -7, 7, -6, 0}, 0);
  check(in, flag_spec(4, N), {{6, -6, 7, -6, 6, -6, 3, -3, 4, -3, 0}, 4, 0, 4, {0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1}},
        "4-bit nearest");
  check(in, flag_spec(4, S), {{6, -6, 7, -7, 6, -6, 3, -3, 4, -3, 0}, 4, 0, 4, {0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1}},
        "4-bit stochastic");
}

TEST(FlagQuantizer, ValuesNear2To63) {
  const WideTensor in = wide({kMin, std::int64_t{1} << 50, -(std::int64_t{1} << 50) + 1, std::int64_t{1} << 49}, 0);
  check(in, flag_spec(8, N), {{-64, 1, -1, 1}, 57, 0, 57, {0, 1, 1, 1}}, "near 2^63 nearest");
  check(in, flag_spec(8, S), {{-64, 1, -1, 0}, 57, 0, 57, {0, 1, 1, 1}}, "near 2^63 stochastic");
}

TEST(FlagQuantizer, MaxInRangeOnlyZerosFitTheFineExponent) {
  // s = 0: the fine exponent is 7 below the input grid, so only 0 fits there.
  for (Rounding r : {N, S})
    check(wide({127, -127, 1, 0}, 0), flag_spec(8, r), {{127, -127, 1, 0}, 0, 0, 0, {0, 0, 0, 1}}, "m = qmax");
}

TEST(FlagQuantizer, AllZeroTensorIsAllFlagged) {
  for (Rounding r : {N, S})
    check(wide({0, 0, 0, 0}, 5), flag_spec(8, r), {{0, 0, 0, 0}, 5, 0, 0, {1, 1, 1, 1}}, "flag zeros");
}

TEST(FlagQuantizer, CoarseElementsNeverSaturate) {
  // The coarse exponent is chosen as shift(k), so even the extreme elements fit:
  // saturated stays 0 and +-m map to +-qmax.
  for (int bits : {2, 4, 8, 16}) {
    const std::int64_t qmax = (std::int64_t{1} << (bits - 1)) - 1;
    for (int s : {1, 9, 30}) {
      for (Rounding r : {N, S}) {
        const std::int64_t m = r == N ? qmax * (std::int64_t{1} << s) + (std::int64_t{1} << (s - 1)) - 1
                                      : qmax * (std::int64_t{1} << s);
        QuantStats st;
        const QTensor out = quantize(wide({m, -m, m - 1, -(m - 1), 1}, 0), flag_spec(bits, r), kStream, &st);
        EXPECT_EQ(st.saturated, 0U) << "bits=" << bits << " s=" << s;
        EXPECT_EQ(st.shift, s);
        EXPECT_EQ(out.q[0], qmax);
        EXPECT_EQ(out.q[1], -qmax);
        EXPECT_EQ(out.flag[0], 0);
        EXPECT_EQ(out.flag[1], 0);
      }
    }
  }
}

TEST(FlagQuantizer, WidenAndDequantizeUseEachElementsExponent) {
  QuantStats st;
  const QTensor q = quantize(wide({1000, -1000, 7, -7, 8, -8, 0, 200, -300, 2, -2, 1, 15, -16}, 0), flag_spec(8, N),
                             kStream, &st);
  EXPECT_EQ(finest_exp(q), -4);
  const WideTensor w = to_wide(q);
  EXPECT_EQ(w.exp, -4);  // the fine exponent e - (k - 1)
  EXPECT_EQ(w.v, (std::vector<std::int64_t>{16000, -16000, 112, -112, 128, -128, 0, 3200, -4736, 32, -32, 16, 256,
                                             -256}));
  const WideTensor w8 = to_wide(q, -8);
  EXPECT_EQ(w8.exp, -8);
  EXPECT_EQ(w8.v[0], 256000);
  EXPECT_EQ(w8.v[2], 1792);
  const FTensor f = dequantize(q);
  EXPECT_EQ(f.data, (std::vector<float>{1000, -1000, 7, -7, 8, -8, 0, 200, -296, 2, -2, 1, 16, -16}));
}

TEST(FlagQuantizer, WidensToTheFineExponentEvenWithoutFlaggedElements) {
  // §4.4: "Consumers widen a flagged tensor exactly to the fine exponent (q << (k-1)
  // for unflagged elements)"; the MAC array always shifts unflagged products left
  // by k-1. So a flag-quantized tensor widens to e - (k-1) whatever its flags are.
  // {1000, -900, 500}: s = 3, e = 3, no element fits the fine exponent.
  const QTensor q = quantize(wide({1000, -900, 500}, 0), flag_spec(8, N), kStream);
  ASSERT_EQ(q.q, (std::vector<std::int32_t>{125, -112, 63}));
  ASSERT_EQ(q.flag, (std::vector<std::uint8_t>{0, 0, 0}));
  ASSERT_EQ(q.exp, 3);
  const WideTensor w = to_wide(q);
  EXPECT_EQ(w.exp, -4);
  EXPECT_EQ(w.v, (std::vector<std::int64_t>{16000, -14336, 8064}));
  EXPECT_EQ(finest_exp(q), -4);
}

// ------------------------------------------- all kinds, one stochastic input ---

TEST(StochasticQuantizers, AllKindsOnOneInput) {
  // e_in = -2; m = 4095. Words of kStream per element index.
  const WideTensor in =
      wide({1000, -1000, 3, -3, 517, -517, 999, 0, 1, -1, 4095, -4095, 2, -2, 1536, -1536, 77, -77, 1001, -1023}, -2);
  check(in, shift_spec(8, S),
        {{16, -15, 0, 0, 8, -8, 16, 0, 0, 0, 64, -64, 0, 0, 24, -24, 1, -1, 15, -16}, 4, 0, 6}, "shift");
  check(in, direct_spec(8, 3, S),
        {{31, -31, 0, 0, 16, -16, 32, 0, 0, 0, 127, -127, 0, 0, 48, -48, 3, -2, 31, -32}, 3, 2, 5}, "direct");
  check(in, constant_spec(8, 7, S),
        {{31, -31, 0, 0, 16, -16, 32, 0, 0, 0, 127, -127, 0, 0, 48, -48, 3, -2, 31, -32}, -7, 2, 5, {}, 10},
        "constant");
  check(in, flag_spec(8, S),
        {{16, -15, 6, -6, 8, -8, 16, 0, 2, -2, 64, -64, 4, -4, 24, -24, 1, -1, 15, -16},
         4,
         0,
         6,
         {0, 0, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0}},
        "flag");
}

// ------------------------------------------------ randomness of quantizers ---

std::vector<QuantizerSpec> stochastic_specs() {
  return {direct_spec(8, 4, S), shift_spec(8, S), constant_spec(8, 7, S), flag_spec(8, S)};
}

// 64 elements with plenty of fractional bits; element 0 holds the maximum.
WideTensor random_input() {
  std::vector<std::int64_t> v(64);
  v[0] = 4000;
  for (std::size_t i = 1; i < v.size(); ++i) v[i] = static_cast<std::int64_t>(i * 37 % 500) * ((i % 3) ? 1 : -1) + 8;
  return wide(v, 0);
}

TEST(StochasticQuantizers, ElementResultIsRoundShiftWithTheWordOfItsIndex) {
  const WideTensor in = random_input();
  for (const auto& spec : stochastic_specs()) {
    if (spec.kind == QuantizerKind::flag) continue;  // two candidate roundings; covered by the vectors above
    QuantStats st;
    const QTensor out = quantize(in, spec, kStream, &st);
    const int clip_bits = spec.kind == QuantizerKind::constant ? spec.constant_log2 + 1 : spec.bits;
    for (std::size_t i = 0; i < in.size(); ++i) {
      const std::int64_t expected =
          saturate(round_shift(in.v[i], st.shift, S, rand32(kStream.seed, kStream.stream, static_cast<std::uint32_t>(i))),
                   clip_bits);
      ASSERT_EQ(out.q[i], expected) << to_string(spec.kind) << " element " << i;
    }
  }
}

TEST(StochasticQuantizers, ResultsDependOnlyOnSeedStreamAndElementIndex) {
  const WideTensor in = random_input();
  for (const auto& spec : stochastic_specs()) {
    SCOPED_TRACE(to_string(spec.kind));
    const QTensor ref = quantize(in, spec, kStream);

    // Same call again: identical.
    const QTensor again = quantize(in, spec, kStream);
    EXPECT_EQ(again.q, ref.q);
    EXPECT_EQ(again.flag, ref.flag);

    // Another shape with the same flat layout: identical.
    for (const Shape& shape : {Shape{4, 16}, Shape{2, 4, 2, 4}, Shape{1, 64, 1, 1}}) {
      WideTensor reshaped = in;
      reshaped.shape = shape;
      const QTensor r = quantize(reshaped, spec, kStream);
      EXPECT_EQ(r.q, ref.q) << shape.str();
      EXPECT_EQ(r.flag, ref.flag) << shape.str();
    }

    // Other values elsewhere (same maximum): every other element unchanged.
    WideTensor changed = in;
    changed.v[10] = -changed.v[10] + 3;
    changed.v.push_back(17);  // a longer tensor
    changed.v.push_back(-1234);
    changed.shape = Shape{static_cast<std::int64_t>(changed.v.size())};
    const QTensor c = quantize(changed, spec, kStream);
    for (std::size_t i = 0; i < in.size(); ++i) {
      if (i == 10) continue;
      EXPECT_EQ(c.q[i], ref.q[i]) << "element " << i;
      if (!ref.flag.empty()) {
        EXPECT_EQ(c.flag[i], ref.flag[i]) << "element " << i;
      }
    }

    // A different seed or stream draws different words.
    EXPECT_NE(quantize(in, spec, RandomStream{kStream.seed + 1, kStream.stream}).q, ref.q);
    EXPECT_NE(quantize(in, spec, RandomStream{kStream.seed, kStream.stream + 1}).q, ref.q);
  }
}

TEST(StochasticQuantizers, ResultDependsOnTheInputGridNotOnlyOnTheValue) {
  // Rounding is defined on the integers (§2): the same values expressed 7 bits
  // finer use other bits of the word. Element 5's word (0x5ba330ef) has low
  // bits 11 (so 301/4 rounds up at s = 2) but bits 0..8 = 239 < 384 (so
  // 301*128/512 rounds down at s = 9). This is why the exponent a flagged tensor
  // is widened to (§4.4) matters for bit-exactness.
  const WideTensor coarse = wide({300, 0, 0, 0, 0, 301}, 0);
  const WideTensor fine = wide({300 * 128, 0, 0, 0, 0, 301 * 128}, -7);
  check(coarse, shift_spec(8, S), {{75, 0, 0, 0, 0, 76}, 2, 0, 2}, "at exponent 0");
  check(fine, shift_spec(8, S), {{75, 0, 0, 0, 0, 75}, 2, 0, 9}, "at exponent -7");
}

TEST(StochasticQuantizers, NearestIgnoresTheStream) {
  const WideTensor in = random_input();
  for (auto spec : stochastic_specs()) {
    spec.rounding = N;
    EXPECT_EQ(quantize(in, spec, kStream).q, quantize(in, spec, RandomStream{1, 2}).q) << to_string(spec.kind);
  }
}

TEST(StochasticQuantizers, ConstantQuantizerIsUnbiasedOverManyElements) {
  // One tensor of 200001 elements: the max (2^20, r = 20, s = 13) and 200000 copies of v.
  // Each copy draws its own word (index i), so the mean of q is v / 2^13 within 5 standard errors.
  constexpr std::int64_t kCount = 200000;
  const std::int64_t v = 3 * 8192 + 2458;  // 3.30004...
  std::vector<std::int64_t> values(kCount + 1, v);
  values[0] = 1 << 20;
  QuantStats st;
  const QTensor out = quantize(wide(values, 0), constant_spec(8, 7, S), kStream, &st);
  ASSERT_EQ(st.shift, 13);
  std::int64_t ups = 0;
  for (std::int64_t i = 1; i <= kCount; ++i) {
    ASSERT_TRUE(out.q[i] == 3 || out.q[i] == 4);
    ups += out.q[i] - 3;
  }
  const double p = 2458.0 / 8192.0;
  EXPECT_NEAR(static_cast<double>(ups) / kCount, p, 5 * std::sqrt(p * (1 - p) / kCount));
}

// The error at a residual fan-out (docs/NUMERICS.md §6) is the aligned sum of two
// E-quantized errors, requantized by E. The sum needs one bit more than either
// operand, so for coarse (unflagged) elements the requantization is in effect a
// 1-bit shift: every odd sum is a tie. Nearest rounding (ties toward +infinity, §2)
// rounds all of them up, a bias of +1/4 step per element; summed over a channel
// (dbeta = sum dy, where the true sum nearly cancels) it swamps the gradient and
// drove int8-wageubn's batchnorm betas negative until the ReLUs died. The preset's
// E quantizer must be unbiased on exactly this input.
TEST(StochasticQuantizers, WageubnErrorsAreUnbiasedAtAResidualFanOut) {
  constexpr std::int64_t kCount = 100000;
  const Scheme scheme = *find_preset("int8-wageubn");
  ASSERT_EQ(scheme.E.kind, QuantizerKind::flag);
  auto coarse_error = [&](std::uint32_t salt) {  // 8-bit flag-quantized error, all elements coarse
    QTensor t(Shape{kCount}, -20, 8);
    t.flag_shift = 7;
    t.flag.assign(static_cast<std::size_t>(kCount), 0);
    for (std::int64_t i = 0; i < kCount; ++i)
      t.q[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(lowbias32(static_cast<std::uint32_t>(i) ^ salt) % 255) - 127;
    return t;
  };
  const WideTensor sum = add_aligned(coarse_error(0x1234U), coarse_error(0xabcdU));
  // Mean of (quantized - exact) in steps of the result's coarse exponent.
  auto bias = [&](Rounding rounding) {
    QuantizerSpec spec = scheme.E;
    spec.rounding = rounding;
    const QTensor q = quantize(sum, spec, kStream);
    double total = 0.0;
    for (std::size_t i = 0; i < sum.size(); ++i)
      total += std::ldexp(static_cast<double>(q.q[i]), q.exp_of(i)) - std::ldexp(static_cast<double>(sum.v[i]), sum.exp);
    return total / static_cast<double>(kCount) / std::ldexp(1.0, q.exp);
  };
  EXPECT_GT(bias(N), 0.2);  // the tie bias of nearest rounding on this input (about 1/4 step)
  // Stochastic: each element's error has mean 0 and |error| < 1 step; 5 standard errors.
  EXPECT_NEAR(bias(scheme.E.rounding), 0.0, 5 * 0.5 / std::sqrt(static_cast<double>(kCount)));
}

// ---------------------------------------------------------------- stats ---

TEST(QuantStats, AccumulatesElementsAndSaturationsAndKeepsTheLastShift) {
  QuantStats st;
  quantize(wide({1000, -1000, 1}, 0), direct_spec(8, 0, N), kStream, &st);  // 2 saturations
  quantize(wide({90, -90, 1, 2}, 0), constant_spec(8, 7, N), kStream, &st);  // 2 clips, s = -1
  EXPECT_EQ(st.elements, 7U);
  EXPECT_EQ(st.saturated, 2U);
  EXPECT_EQ(st.clipped, 2U);
  EXPECT_EQ(st.nonfinite, 0U);
  EXPECT_EQ(st.shift, -1);
  EXPECT_EQ(st.discarded_exp, 6);
}

}  // namespace
}  // namespace qtsim::ref
