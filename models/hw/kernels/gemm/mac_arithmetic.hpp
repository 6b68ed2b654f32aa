#pragma once
// The MAC array's arithmetic on one tile, in exact mode: a (M x K, row-major)
// times b (K x N, row-major) added to the partial sums of the tile in the
// output buffer (row-major with a row stride: the tile is part of its output
// block's matrix). Integers: every partial-sum addition is accumulator_bits
// wide and saturates (or wraps) in reduction order, as the array's adders do;
// when no partial sum can leave the range, order cannot matter and a faster
// int32 (or int16-pair SIMD) path gives the same results. FP32: each output's
// sum runs in reduction order, one rounding per addition.
#include <cstdint>
#include <vector>

namespace qtsim::hw {

// Element (i, j) of a tile's partial sums at base + 4 * (i * row_stride + j).
struct PartialSums {
  std::uint8_t* base = nullptr;
  std::int64_t row_stride = 0;
};

struct IntAccumulator {
  int bits = 32;
  bool saturates = true;
};

struct IntMacOutcome {
  std::uint64_t max_abs = 0;      // max |partial sum| written
  std::uint64_t saturations = 0;  // additions that left the accumulator's range
};

// `first`: the partial sums start at zero (otherwise they are read from the
// buffer); `psum_bound`: a bound of |partial sum| already in the buffer.
IntMacOutcome int_mac(const std::vector<std::int32_t>& a, const std::vector<std::int32_t>& b, std::int64_t m, std::int64_t n,
                      std::int64_t k, PartialSums out, bool first, std::uint64_t psum_bound, IntAccumulator acc);
void float_mac(const std::vector<float>& a, const std::vector<float>& b, std::int64_t m, std::int64_t n, std::int64_t k,
               PartialSums out, bool first);

}  // namespace qtsim::hw
