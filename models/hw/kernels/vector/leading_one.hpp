#pragma once
// A leading-one detector: the number of significant bits of a magnitude (0 for
// 0), as the controller's shift logic and the normalization unit use it. The
// hardware's own, beside the reference's wide_math (docs/NUMERICS.md §4).
#include <bit>
#include <cstdint>

namespace qtsim::hw {

inline int leading_one(std::uint64_t m) { return 64 - std::countl_zero(m); }

inline int leading_one(unsigned __int128 m) {
  const auto high = static_cast<std::uint64_t>(m >> 64);
  return high != 0 ? 64 + leading_one(high) : leading_one(static_cast<std::uint64_t>(m));
}

}  // namespace qtsim::hw
