#pragma once
// The normalization unit's values beyond its 128-bit accumulators. The int-bn
// backward aligns g, m1 and x-hat*m2 on one grid; when x-hat's exponent is
// extreme (activations far below epsilon put it near -80) the aligned terms lie
// hundreds of bits apart. The result is specified exact (docs/NUMERICS.md §8):
// the model forms those rare values in integers as wide as they need and charges
// the ordinary cost (a 128-bit unit would reach the same floor by keeping a
// sticky borrow for the bits below its window; that logic is not modelled).
#include <boost/multiprecision/cpp_int.hpp>

#include <algorithm>
#include <cstdint>

namespace qtsim::hw::norm {

using BeyondInt = boost::multiprecision::cpp_int;

// Significant bits of |v| (0 for 0).
inline int significant_bits(const BeyondInt& v) {
  return v == 0 ? 0 : static_cast<int>(boost::multiprecision::msb(abs(v))) + 1;
}

// floor(v / 2^z): a negative value's magnitude minus one, shifted, gives the
// ones' complement of the floored result.
inline std::int64_t floor_shift(const BeyondInt& v, int z) {
  if (v >= 0) return static_cast<std::int64_t>(v >> z);
  const BeyondInt below = -v - 1;
  return -static_cast<std::int64_t>(below >> z) - 1;
}

// floor(v / 2^z) of a 128-bit value for any z >= 0 (past 127 bits only the sign is left).
inline __int128 floor_shift(__int128 v, int z) { return v >> std::min(z, 127); }

}  // namespace qtsim::hw::norm
