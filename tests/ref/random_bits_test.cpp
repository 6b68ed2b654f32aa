// Counter-based random bits (docs/NUMERICS.md §3). The words must be identical
// on every run and platform, so they are pinned by fixed vectors computed
// independently (Python, with explicit & 0xffffffff masking after every step).
#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <vector>

#include "models/ref/random_bits.hpp"

namespace qtsim::ref {
namespace {

struct HashCase {
  std::uint32_t x;
  std::uint32_t expected;
};

TEST(Lowbias32, FixedVectors) {
  const std::vector<HashCase> cases = {
      {0x00000000U, 0x00000000U}, {0x00000001U, 0x688990c0U}, {0x00000002U, 0xd1132181U},
      {0x00000003U, 0x53f1e9ddU}, {0x0000002aU, 0x172733c2U}, {0x000f4240U, 0x6b61f254U},
      {0x12345678U, 0xf5e71c96U}, {0xdeadbeefU, 0xe628c683U}, {0x7fffffffU, 0x8d29ffb8U},
      {0x80000000U, 0xcc4b4124U}, {0xffffffffU, 0x6768824aU},
  };
  for (const auto& c : cases) EXPECT_EQ(lowbias32(c.x), c.expected) << "x=" << c.x;
}

TEST(Lowbias32, IsUsableAtCompileTime) {
  static_assert(lowbias32(1) == 0x688990c0U);
  static_assert(lowbias32(0xdeadbeefU) == 0xe628c683U);
  SUCCEED();
}

struct Rand32Case {
  std::uint32_t seed, stream, index, expected;
};

TEST(Rand32, FixedVectors) {
  const std::vector<Rand32Case> cases = {
      {0U, 0U, 0U, 0x00000000U},
      {1U, 0U, 0U, 0x24009c6dU},
      {0U, 1U, 0U, 0x58f54975U},
      {0U, 0U, 1U, 0x688990c0U},
      {42U, 7U, 12345U, 0xe3f87e78U},
      {0xffffffffU, 0xffffffffU, 0xffffffffU, 0x27d672e6U},
      {2024U, 0xcafef00dU, 199999U, 0xfbe2231cU},
      {123456789U, 987654321U, 4294967295U, 0x2f76f411U},
  };
  for (const auto& c : cases)
    EXPECT_EQ(rand32(c.seed, c.stream, c.index), c.expected)
        << "seed=" << c.seed << " stream=" << c.stream << " index=" << c.index;
}

TEST(Rand32, IsTheSpecifiedComposition) {
  for (std::uint32_t seed : {0U, 1U, 99U, 0xffffffffU})
    for (std::uint32_t stream : {0U, 5U, 0x80000000U})
      for (std::uint32_t index : {0U, 1U, 1000U, 0xfffffffeU})
        EXPECT_EQ(rand32(seed, stream, index), lowbias32(index ^ lowbias32(stream ^ lowbias32(seed))));
}

TEST(RandomPurpose, NumbersAreTheSpecifiedOnes) {
  EXPECT_EQ(static_cast<std::uint32_t>(RandomPurpose::quantize_activation), 0U);
  EXPECT_EQ(static_cast<std::uint32_t>(RandomPurpose::quantize_error), 1U);
  EXPECT_EQ(static_cast<std::uint32_t>(RandomPurpose::quantize_gradient), 2U);
  EXPECT_EQ(static_cast<std::uint32_t>(RandomPurpose::quantize_update), 3U);
  EXPECT_EQ(static_cast<std::uint32_t>(RandomPurpose::quantize_momentum), 4U);
  EXPECT_EQ(static_cast<std::uint32_t>(RandomPurpose::quantize_input), 5U);
  EXPECT_EQ(static_cast<std::uint32_t>(RandomPurpose::shuffle), 6U);
  EXPECT_EQ(static_cast<std::uint32_t>(RandomPurpose::init), 7U);
  EXPECT_EQ(static_cast<std::uint32_t>(RandomPurpose::quantize_output_error), 8U);
  EXPECT_EQ(kParameterTensorBase, 4096U);
}

struct StreamCase {
  std::uint32_t step, tensor_id;
  RandomPurpose purpose;
  std::uint32_t expected;
};

TEST(StreamId, FixedVectors) {
  // stream = lowbias32(lowbias32(step) ^ (tensor_id * 16 + purpose)), uint32 arithmetic.
  const std::vector<StreamCase> cases = {
      {0U, 0U, RandomPurpose::quantize_activation, 0x00000000U},
      {0U, 0U, RandomPurpose::quantize_error, 0x688990c0U},
      {1U, 0U, RandomPurpose::quantize_activation, 0x58f54975U},
      {0U, 1U, RandomPurpose::quantize_activation, 0x21bd4a6fU},
      {3U, 17U, RandomPurpose::quantize_error, 0x3fb7d9dfU},
      {100000U, kParameterTensorBase + 5, RandomPurpose::quantize_update, 0xcad5d51fU},
      {7U, kParameterTensorBase, RandomPurpose::init, 0x6ecf6a37U},
      {9U, 12U, RandomPurpose::quantize_output_error, 0xded2a38dU},
      // tensor_id * 16 wraps modulo 2^32: (2^28 + 1) * 16 = 16 (mod 2^32).
      {0xffffffffU, (1U << 28) + 1U, RandomPurpose::quantize_gradient, 0x80ea0798U},
      {0xffffffffU, (1U << 28) + 1U, RandomPurpose::quantize_output_error, 0x47a47058U},
  };
  for (const auto& c : cases)
    EXPECT_EQ(stream_id(c.step, c.tensor_id, c.purpose), c.expected)
        << "step=" << c.step << " tensor=" << c.tensor_id << " purpose=" << static_cast<std::uint32_t>(c.purpose);
}

TEST(StreamId, DistinctTensorsAndPurposesOfOneStepGetDistinctStreams) {
  // lowbias32 is a bijection and tensor_id * 16 + purpose is injective for
  // tensor_id < 2^28 and purpose < 16, so one step's streams never collide.
  for (std::uint32_t step : {0U, 1U, 123456U}) {
    std::set<std::uint32_t> seen;
    std::size_t n = 0;
    for (std::uint32_t tensor = 0; tensor < 300; ++tensor)
      for (std::uint32_t p = 0; p <= 8; ++p, ++n) {
        seen.insert(stream_id(step, tensor, static_cast<RandomPurpose>(p)));
        seen.insert(stream_id(step, kParameterTensorBase + tensor, static_cast<RandomPurpose>(p)));
        ++n;
      }
    EXPECT_EQ(seen.size(), n) << "step=" << step;
  }
}

TEST(RandomStream, WordIsRand32OfTheIndexTruncatedTo32Bits) {
  const RandomStream rs{12345U, 0x0265d975U};
  EXPECT_EQ(rs.word(0), rand32(12345U, 0x0265d975U, 0U));
  EXPECT_EQ(rs.word(0), 0x34ae8829U);
  EXPECT_EQ(rs.word(1), 0x2aa1c9b7U);
  EXPECT_EQ(rs.word(15), 0x4b435327U);
  EXPECT_EQ(rs.word((std::uint64_t{1} << 32) + 15), 0x4b435327U);  // index truncated to 32 bits
  EXPECT_EQ(rs.word(std::uint64_t{0xffffffff}), rs.word(~std::uint64_t{0}));
}

}  // namespace
}  // namespace qtsim::ref
