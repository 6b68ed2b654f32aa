// Float entry to an integer path and leaving it (docs/NUMERICS.md §4.5, §4.6):
// to_wide(FTensor), quantize(FTensor, ...) and dequantize. Expected values are
// literals computed from the specification (float32 bit patterns decoded into
// integer mantissa and exponent in Python, floor onto the grid msb(max) - 40).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "models/ref/quantizer.hpp"
#include "models/ref/random_bits.hpp"
#include "quantizer_test_util.hpp"

namespace qtsim::ref {
namespace {

using namespace quant_test;
constexpr auto N = Rounding::nearest;
constexpr auto S = Rounding::stochastic;
constexpr float kDenorm = std::numeric_limits<float>::denorm_min();  // 2^-149
constexpr float kFltMax = std::numeric_limits<float>::max();        // (2^24 - 1) * 2^104
constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr std::int64_t kTwo40 = std::int64_t{1} << 40;
constexpr std::int64_t kTwo62 = std::int64_t{1} << 62;

// --------------------------------------------------------------- to_wide ---

TEST(FloatEntry, CommonExponentIsMsbOfTheMaxMinus40) {
  const std::vector<std::pair<float, int>> cases = {
      {1.0f, -40},           {1.5f, -40},          {0x1.fffffep-1f, -41},  {-4.0f, -38},
      {0x1.fffffep+23f, -17}, {1e30f, 59},          {-1e-30f, -140},        {0x1p-126f, -166},
      {0x1.fffffcp-127f, -167} /* largest subnormal */, {3 * kDenorm, -188}, {kDenorm, -189},
      {kFltMax, 87},
  };
  for (const auto& [x, exp] : cases) {
    const WideTensor w = to_wide(floats({x, x / 4}));
    EXPECT_EQ(w.exp, exp) << std::hexfloat << x;
  }
  // The max of a negative-dominated tensor counts by magnitude: |-4| > 3.
  EXPECT_EQ(to_wide(floats({-4.0f, 3.0f, 0.1f})).v,
            (std::vector<std::int64_t>{-1099511627776, 824633720832, 27487791104}));
}

TEST(FloatEntry, ExactValuesAtTheCommonExponent) {
  const WideTensor w = to_wide(floats({1.0f, -2.5f, 0.75f}));
  EXPECT_EQ(w.exp, -39);
  EXPECT_EQ(w.v, (std::vector<std::int64_t>{549755813888, -1374389534720, 412316860416}));  // 2^39, -5*2^38, 3*2^37
  const WideTensor odd = to_wide(floats({0.1f, -0.3f, 123.456f, -7e-5f}));
  EXPECT_EQ(odd.exp, -34);
  EXPECT_EQ(odd.v, (std::vector<std::int64_t>{1717986944, -5153960960, 2120957952000, -1202591}));
}

TEST(FloatEntry, BitsBelowTheGridAreFloored) {
  // floor, not truncation: small negative values become -1, small positive 0.
  const WideTensor tiny = to_wide(floats({1.0f, -1e-30f, 1e-30f, -0.0f}));
  EXPECT_EQ(tiny.exp, -40);
  EXPECT_EQ(tiny.v, (std::vector<std::int64_t>{kTwo40, -1, 0, 0}));
  // 2^-20 + 2^-43 is a float; at grid 2^-40 it is 2^20 + 1/8.
  const WideTensor low = to_wide(floats({1.0f, 0x1.000002p-20f, -0x1.000002p-20f}));
  EXPECT_EQ(low.v, (std::vector<std::int64_t>{kTwo40, 1048576, -1048577}));
}

TEST(FloatEntry, ExtremeFiniteFloats) {
  const WideTensor big = to_wide(floats({kFltMax, kDenorm, -kDenorm, -kFltMax, 1.0f}));
  EXPECT_EQ(big.exp, 87);
  EXPECT_EQ(big.v, (std::vector<std::int64_t>{2199023124480, 0, -1, -2199023124480, 0}));  // (2^24-1) * 2^17
  const WideTensor sub = to_wide(floats({kDenorm, -kDenorm, 3 * kDenorm, -2 * kDenorm}));
  EXPECT_EQ(sub.exp, -188);
  EXPECT_EQ(sub.v, (std::vector<std::int64_t>{549755813888, -549755813888, 1649267441664, -1099511627776}));
  const WideTensor mixed = to_wide(floats({0x1.fffffcp-127f, -kDenorm, 0x1p-126f}));
  EXPECT_EQ(mixed.exp, -166);
  EXPECT_EQ(mixed.v, (std::vector<std::int64_t>{1099511496704, -131072, kTwo40}));
}

TEST(FloatEntry, AllZeroTensorEntersAtExponentZero) {
  QuantStats st;
  const WideTensor w = to_wide(floats({0.0f, -0.0f, 0.0f}), &st);
  EXPECT_EQ(w.exp, 0);
  EXPECT_EQ(w.v, (std::vector<std::int64_t>{0, 0, 0}));
  EXPECT_EQ(st.nonfinite, 0U);
  EXPECT_EQ(w.shape, Shape{3});
}

TEST(FloatEntry, NaNAndInfAreCountedAsNonFinite) {
  QuantStats st;
  const WideTensor w = to_wide(floats({kNaN, kInf, -kInf, 1.0f, -0.5f}), &st);
  EXPECT_EQ(w.exp, -40);  // from the finite maximum
  EXPECT_EQ(w.v, (std::vector<std::int64_t>{0, kTwo62, -kTwo62, kTwo40, -(kTwo40 / 2)}));
  EXPECT_EQ(st.nonfinite, 3U);
  EXPECT_EQ(st.saturated, 0U);
  to_wide(floats({-kNaN}), &st);
  EXPECT_EQ(st.nonfinite, 4U);  // accumulates
  EXPECT_NO_THROW(to_wide(floats({kNaN})));  // no stats: fine
}

TEST(FloatEntry, OnlyNonFiniteAndZeroEntersAtExponentZero) {
  // (qtsim reading) The common exponent comes from the finite elements only; with
  // none non-zero it is 0, as for an all-zero tensor.
  QuantStats st;
  const WideTensor w = to_wide(floats({kInf, 0.0f}), &st);
  EXPECT_EQ(w.exp, 0);
  EXPECT_EQ(w.v, (std::vector<std::int64_t>{kTwo62, 0}));
  EXPECT_EQ(st.nonfinite, 1U);
}

TEST(FloatEntry, EqualsTheFloorOfTheExactValueForManyFloats) {
  // Sweep float bit patterns (hash-generated, all exponents including subnormals)
  // against max elements of several magnitudes; the exact value x * 2^-G fits a
  // long double mantissa, so floorl gives the expected integer independently.
  for (const float max : {1.0f, 0x1.234566p+40f, 0x1.fffffep-100f, 0x1p-140f, kFltMax}) {
    std::uint32_t max_bits;
    std::memcpy(&max_bits, &max, sizeof max);
    const std::uint32_t max_field = max_bits >> 23;       // max is positive
    const std::uint32_t max_mant = max_bits & 0x7fffffU;
    std::vector<float> xs = {max, -max};
    for (std::uint32_t i = 0; xs.size() < 2000; ++i) {
      // A random sign and mantissa with a random exponent field at most max's.
      const std::uint32_t r = lowbias32(2 * i), r2 = lowbias32(2 * i + 1);
      const std::uint32_t field = r2 % (max_field + 1);
      const std::uint32_t mant = field == 0 && max_field == 0 ? r % (max_mant + 1) : r & 0x7fffffU;
      const std::uint32_t bits = (r & 0x80000000U) | (field << 23) | mant;
      float x;
      std::memcpy(&x, &bits, sizeof x);
      if (std::fabs(x) <= max) xs.push_back(x);
    }
    const int g = std::ilogb(max) - 40;
    const WideTensor w = to_wide(floats(xs));
    ASSERT_EQ(w.exp, g);
    for (std::size_t i = 0; i < xs.size(); ++i) {
      const long double exact = std::ldexp(static_cast<long double>(xs[i]), -g);
      ASSERT_EQ(static_cast<long double>(w.v[i]), std::floor(exact)) << std::hexfloat << xs[i] << " max " << max;
      // Elements within 2^-17 of the max's binade are represented exactly.
      if (xs[i] != 0 && std::ilogb(xs[i]) >= std::ilogb(max) - 17) {
        ASSERT_EQ(static_cast<long double>(w.v[i]), exact) << std::hexfloat << xs[i];
      }
    }
  }
}

// ------------------------------------------------ float entry + quantizer ---

TEST(FloatEntryQuantize, NearestTiesTowardPlusInfinityThroughFloatEntry) {
  // max 127 -> grid 2^-34; each float is exact on that grid, so the ties survive.
  const FTensor x = floats({2.5f, -2.5f, 1.5f, -1.5f, 0.5f, -0.5f, 127.0f, -126.5f, 3.5f, -3.5f});
  const std::vector<std::int32_t> nearest = {3, -2, 2, -1, 1, 0, 127, -126, 4, -3};
  const RandomStream rs{7, 99};
  QuantStats st;
  const QTensor d = quantize(x, direct_spec(8, 0, N), rs, &st);
  expect_quantized(d, st, {nearest, 0, 0, 34}, "direct(8, 0)");
  st = {};
  const QTensor s = quantize(x, shift_spec(8, N), rs, &st);
  expect_quantized(s, st, {nearest, 0, 0, 34}, "shift(8) nearest");
  st = {};
  const QTensor f = quantize(x, flag_spec(8, N), rs, &st);
  expect_quantized(f, st, {{3, -2, 2, -1, 64, -64, 127, -126, 4, -3}, 0, 0, 34, {0, 0, 0, 0, 1, 1, 0, 0, 0, 0}},
                   "flag(8) nearest");
  st = {};
  const QTensor ss = quantize(x, shift_spec(8, S), rs, &st);
  expect_quantized(ss, st, {{3, -2, 2, -2, 1, -1, 127, -127, 4, -4}, 0, 0, 34}, "shift(8) stochastic");
  st = {};
  const QTensor c = quantize(x, constant_spec(8, 7, S), rs, &st);
  expect_quantized(c, st, {{3, -2, 2, -2, 1, -1, 127, -127, 4, -4}, -7, 0, 34, {}, 7}, "constant stochastic");
}

TEST(FloatEntryQuantize, ShiftAndConstantOfASmallTensor) {
  const FTensor x = floats({1.0f, -2.5f, 0.75f});
  QuantStats st;
  expect_quantized(quantize(x, shift_spec(8, N), kStream, &st), st, {{32, -80, 24}, -5, 0, 34}, "shift");
  st = {};
  // m = 5 * 2^38: r = 40, s = 33; -2.5 -> -160 -> clipped.
  expect_quantized(quantize(x, constant_spec(8, 7, S), RandomStream{7, 99}, &st), st,
                   {{64, -127, 48}, -7, 1, 33, {}, 1}, "constant");
}

TEST(FloatEntryQuantize, NonFiniteElementsThroughEachQuantizer) {
  // NaN -> 0, +-Inf -> +-2^62 at grid 2^-40; both counted in nonfinite.
  const FTensor x = floats({kNaN, kInf, -kInf, 1.0f, -0.5f});
  const RandomStream rs{7, 99};
  QuantStats st;
  expect_quantized(quantize(x, direct_spec(8, 0, N), rs, &st), st, {{0, 127, -127, 1, 0}, 0, 2, 40}, "direct");
  EXPECT_EQ(st.nonfinite, 3U);
  st = {};
  expect_quantized(quantize(x, shift_spec(8, N), rs, &st), st, {{0, 64, -64, 0, 0}, 16, 0, 56}, "shift");
  EXPECT_EQ(st.nonfinite, 3U);
  st = {};
  expect_quantized(quantize(x, flag_spec(8, N), rs, &st), st, {{0, 64, -64, 0, 0}, 16, 0, 56, {1, 0, 0, 1, 1}},
                   "flag");
  st = {};
  expect_quantized(quantize(x, constant_spec(8, 7, S), rs, &st), st, {{0, 127, -127, 0, 0}, -7, 2, 55, {}, 22},
                   "constant");
  EXPECT_EQ(st.nonfinite, 3U);
}

TEST(FloatEntryQuantize, OddValues) {
  const FTensor x = floats({0.1f, -0.3f, 123.456f, -7e-5f});
  const RandomStream rs{7, 99};
  QuantStats st;
  expect_quantized(quantize(x, direct_spec(8, 0, N), rs, &st), st, {{0, 0, 123, 0}, 0, 0, 34}, "direct");
  st = {};
  expect_quantized(quantize(x, shift_spec(8, S), rs, &st), st, {{0, 0, 124, 0}, 0, 0, 34}, "shift stochastic");
  st = {};
  expect_quantized(quantize(x, flag_spec(8, N), rs, &st), st, {{13, -38, 123, 0}, 0, 0, 34, {1, 1, 0, 1}}, "flag");
}

TEST(FloatEntryQuantize, AllZeroFloatTensor) {
  const FTensor x = floats({0.0f, -0.0f});
  for (Rounding r : {N, S}) {
    QuantStats st;
    expect_quantized(quantize(x, shift_spec(8, r), kStream, &st), st, {{0, 0}, 0, 0, 0}, "shift");
    st = {};
    expect_quantized(quantize(x, flag_spec(8, r), kStream, &st), st, {{0, 0}, 0, 0, 0, {1, 1}}, "flag");
    st = {};
    expect_quantized(quantize(x, constant_spec(8, 7, r), kStream, &st), st, {{0, 0}, -7, 0, -7, {}, 0}, "constant");
  }
}

TEST(FloatEntryQuantize, DirectGridFinerThanTheEntryGridSeesFlooredValues) {
  // The entry grid follows the max (2^-40 here); a direct quantizer with a finer
  // exponent (-41) gets the floored value: 0.75 * 2^-41 enters as 0, so it
  // quantizes to 0 although round-to-nearest of the float would give 1.
  QuantStats st;
  const QTensor q = quantize(floats({1.0f, 0.75f * 0x1p-41f}), direct_spec(8, -41, N), kStream, &st);
  EXPECT_EQ(q.q, (std::vector<std::int32_t>{127, 0}));
  EXPECT_EQ(st.saturated, 1U);
}

// ------------------------------------------------------------- dequantize ---

TEST(Dequantize, QTimesTwoToTheExponent) {
  QTensor q(Shape{6}, -3, 8);
  q.q = {127, -127, 1, 0, -1, 64};
  EXPECT_EQ(dequantize(q).data, (std::vector<float>{15.875f, -15.875f, 0.125f, 0.0f, -0.125f, 8.0f}));
  EXPECT_EQ(dequantize(q).shape, q.shape);
}

TEST(Dequantize, IntegerToFloatRoundsToNearestEven) {
  QTensor q(Shape{5}, 0, 32);
  q.q = {16777217, 16777219, -16777217, 2147483647, 16777215};
  EXPECT_EQ(dequantize(q).data, (std::vector<float>{16777216.0f, 16777220.0f, -16777216.0f, 2147483648.0f, 16777215.0f}));
}

TEST(Dequantize, ExponentsAtTheEdgesOfTheFloatRange) {
  struct Case {
    std::int32_t q;
    int exp;
    float expected;
  };
  const std::vector<Case> cases = {
      {1, -149, kDenorm},       {1, -150, 0.0f} /* half a denormal: ties to even */,
      {3, -150, 2 * kDenorm},   {5, -151, kDenorm},
      {7, -151, 2 * kDenorm},   {1, 127, 0x1p127f},
      {-5, 20, -5242880.0f},    {1, 128, kInf},
  };
  for (const auto& c : cases) {
    QTensor q(Shape{1}, c.exp, 8);
    q.q = {c.q};
    EXPECT_EQ(dequantize(q).data[0], c.expected) << "q=" << c.q << " exp=" << c.exp;
  }
}

TEST(Dequantize, WideTensor) {
  const WideTensor w = wide({kTwo40 + 1, -kTwo40, 3}, -40);
  EXPECT_EQ(dequantize(w).data, (std::vector<float>{1.0f, -1.0f, 3 * 0x1p-40f}));
}

TEST(Dequantize, FloatEntryRoundTripsValuesNearTheMax) {
  const FTensor x = floats({3.14159274f, -2.71828175f, 1e-3f, -0x1.fffffep+1f});
  const FTensor back = dequantize(to_wide(x));
  EXPECT_EQ(back.data, x.data);  // all within 2^17 of the max: exact on the grid
}

}  // namespace
}  // namespace qtsim::ref
