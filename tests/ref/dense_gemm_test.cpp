// gemm_float: bitwise the sequential sum over k from 0.0f. gemm_int: exact
// products on every path (int16 fast path in both orientations and both lane
// widths, wide operands, 128-bit lanes) and, when the accumulator can saturate,
// the canonical increasing-k saturating sum with its saturation count.
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <limits>
#include <vector>

#include "dense_test_util.hpp"
#include "models/ref/ops/gemm.hpp"

namespace qtsim::ref {
namespace {

using dense_test::i64;
using dense_test::Rng;
using dense_test::SaturatingSum;

std::vector<float> naive_gemm_float(i64 M, i64 N, i64 K, const std::vector<float>& A, const std::vector<float>& B) {
  std::vector<float> C(static_cast<std::size_t>(M * N));
  for (i64 i = 0; i < M; ++i)
    for (i64 j = 0; j < N; ++j) {
      float s = 0.0f;
      for (i64 k = 0; k < K; ++k) s = s + A[i * K + k] * B[k * N + j];
      C[i * N + j] = s;
    }
  return C;
}

// Canonical: increasing k, saturate after each addition (acc_bits = 64 never saturates here).
std::vector<std::int64_t> naive_gemm_int(i64 M, i64 N, i64 K, const std::vector<std::int32_t>& A,
                                         const std::vector<std::int32_t>& Bt, int acc_bits,
                                         std::uint64_t* saturations) {
  std::vector<std::int64_t> C(static_cast<std::size_t>(M * N));
  *saturations = 0;
  for (i64 i = 0; i < M; ++i)
    for (i64 j = 0; j < N; ++j) {
      SaturatingSum acc(acc_bits);
      for (i64 k = 0; k < K; ++k) acc.add(__int128{A[i * K + k]} * Bt[j * K + k]);
      C[i * N + j] = static_cast<std::int64_t>(acc.value);
      *saturations += acc.saturations;
    }
  return C;
}

std::vector<std::int32_t> random_ints(i64 n, i64 magnitude, Rng& rng) {
  std::vector<std::int32_t> v(static_cast<std::size_t>(n));
  for (auto& x : v) x = static_cast<std::int32_t>(rng.between(-magnitude, magnitude));
  return v;
}

struct IntCase {
  i64 M, N, K;
  i64 max_a, max_b;
  int acc_bits;
};

void check_int_case(const IntCase& c, std::uint32_t seed) {
  Rng rng(seed);
  const auto A = random_ints(c.M * c.K, c.max_a, rng), Bt = random_ints(c.N * c.K, c.max_b, rng);
  std::uint64_t expected_saturations = 0;
  const auto expected = naive_gemm_int(c.M, c.N, c.K, A, Bt, c.acc_bits, &expected_saturations);
  std::vector<std::int64_t> C(expected.size(), 12345);
  const std::uint64_t saturations = gemm_int(c.M, c.N, c.K, A.data(), Bt.data(), C.data(), c.acc_bits);
  EXPECT_EQ(saturations, expected_saturations);
  for (std::size_t i = 0; i < C.size(); ++i) ASSERT_EQ(C[i], expected[i]) << "element " << i;
}

class GemmIntTest : public ::testing::TestWithParam<IntCase> {};

TEST_P(GemmIntTest, MatchesTheCanonicalSaturatingSum) { check_int_case(GetParam(), 7); }

INSTANTIATE_TEST_SUITE_P(
    FastPath, GemmIntTest,
    ::testing::Values(IntCase{1, 1, 1, 127, 127, 32}, IntCase{3, 5, 7, 127, 127, 32},
                      IntCase{64, 200, 576, 127, 127, 32},  // M < N: C^T orientation, 32 lanes
                      IntCase{200, 64, 75, 127, 127, 32},   // M > N
                      IntCase{37, 16, 33, 127, 127, 32},    // Q = 16: 16-lane kernel
                      IntCase{50, 48, 1031, 16256, 127, 32},  // 15-bit (flagged) operand, k blocks
                      IntCase{9, 70, 100, 32767, 32767, 64},  // int32 partial sums limited to one k pair
                      IntCase{33, 41, 1, 127, 127, 16}));

INSTANTIATE_TEST_SUITE_P(
    WideOperands, GemmIntTest,
    ::testing::Values(IntCase{13, 29, 57, 100000, 127, 48},             // not int16: exact int64 path
                      IntCase{7, 9, 31, 2147483647, 2147483647, 64},    // 128-bit lanes, saturates
                      IntCase{3, 40, 25, 2147483647, 2147483647, 64},  // 128-bit lanes, narrow panels
                      IntCase{5, 40, 20, 2147483647, 3, 63}));

INSTANTIATE_TEST_SUITE_P(
    Saturating, GemmIntTest,
    ::testing::Values(IntCase{17, 45, 300, 127, 127, 8}, IntCase{17, 45, 300, 127, 127, 12},
                      IntCase{40, 12, 300, 127, 127, 16}, IntCase{5, 300, 77, 1 << 20, 1 << 10, 40},
                      IntCase{45, 17, 300, 127, 127, 16}, IntCase{20, 70, 1200, 127, 127, 20},
                      IntCase{20, 33, 700, 16256, 127, 24},    // flagged-size operand
                      IntCase{11, 37, 90, 1 << 20, 1 << 10, 32},  // int64 lanes
                      IntCase{11, 37, 90, 1 << 20, 1 << 10, 40}));

TEST(GemmInt, NarrowAccumulatorsReallySaturate) {
  Rng rng(3);
  const i64 M = 8, N = 40, K = 500;
  const auto A = random_ints(M * K, 127, rng), Bt = random_ints(N * K, 127, rng);
  std::vector<std::int64_t> C(M * N);
  EXPECT_GT(gemm_int(M, N, K, A.data(), Bt.data(), C.data(), 12), 1000u);
}

// Rows of very different sizes: the global bound says "may saturate" but most
// elements are provably safe, so the fast and canonical paths share the output.
TEST(GemmInt, MixedSafeAndSaturatingElements) {
  for (auto [M, N] : {std::pair<i64, i64>{40, 300}, {300, 40}}) {
    Rng rng(11);
    const i64 K = 400;
    auto A = random_ints(M * K, 3, rng);
    auto Bt = random_ints(N * K, 127, rng);
    for (i64 k = 0; k < K; ++k) A[(M / 2) * K + k] = 127;  // one big row of A
    for (i64 k = 0; k < K; ++k) Bt[5 * K + k] = 127;  // ... and one big row of Bt
    std::uint64_t expected_saturations = 0;
    const auto expected = naive_gemm_int(M, N, K, A, Bt, 20, &expected_saturations);
    EXPECT_GT(expected_saturations, 0u);
    std::vector<std::int64_t> C(expected.size());
    EXPECT_EQ(gemm_int(M, N, K, A.data(), Bt.data(), C.data(), 20), expected_saturations);
    EXPECT_EQ(C, expected);
  }
}

TEST(GemmInt, EmptyInnerDimensionGivesZeros) {
  std::vector<std::int64_t> C(6, 99);
  EXPECT_EQ(gemm_int(2, 3, 0, nullptr, nullptr, C.data(), 32), 0u);
  EXPECT_EQ(C, std::vector<std::int64_t>(6, 0));
}

TEST(GemmInt, RejectsImpossibleAccumulatorWidths) {
  std::vector<std::int32_t> a(1, 1);
  std::vector<std::int64_t> c(1);
  EXPECT_THROW(gemm_int(1, 1, 1, a.data(), a.data(), c.data(), 1), std::invalid_argument);
  EXPECT_THROW(gemm_int(1, 1, 1, a.data(), a.data(), c.data(), 65), std::invalid_argument);
}

struct FloatCase {
  i64 M, N, K;
};

class GemmFloatTest : public ::testing::TestWithParam<FloatCase> {};

TEST_P(GemmFloatTest, IsBitwiseTheSequentialSum) {
  const auto [M, N, K] = GetParam();
  Rng rng(5);
  std::vector<float> A(M * K), B(K * N);
  for (auto& v : A) v = rng.uniform(-1, 1);
  for (auto& v : B) v = rng.uniform(-1, 1);
  if (!A.empty()) A[0] = -0.0f;  // a -0 first term must still give +0 + (-0) = +0
  const auto expected = naive_gemm_float(M, N, K, A, B);
  std::vector<float> C(expected.size(), 7.0f);
  gemm_float(M, N, K, A.data(), B.data(), C.data());
  for (std::size_t i = 0; i < C.size(); ++i)
    ASSERT_EQ(std::bit_cast<std::uint32_t>(C[i]), std::bit_cast<std::uint32_t>(expected[i])) << "element " << i;
}

INSTANTIATE_TEST_SUITE_P(Shapes, GemmFloatTest,
                         ::testing::Values(FloatCase{1, 1, 1}, FloatCase{3, 5, 7}, FloatCase{8, 32, 256},
                                           FloatCase{9, 33, 257}, FloatCase{64, 300, 600}, FloatCase{300, 20, 45},
                                           FloatCase{5, 1000, 3}, FloatCase{2, 3, 0}));

}  // namespace
}  // namespace qtsim::ref
