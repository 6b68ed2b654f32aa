#include "digit_recurrence.hpp"

#include <stdexcept>

#include "models/hw/kernels/vector/leading_one.hpp"

namespace qtsim::hw::norm {

__int128 divide_rounded(__int128 a, std::int64_t b) {
  if (b <= 0) throw std::logic_error("digit-recurrence divide: divisor must be positive");
  const bool negative = a < 0;
  const auto n = negative ? static_cast<unsigned __int128>(-(a + 1)) + 1 : static_cast<unsigned __int128>(a);
  const auto d = static_cast<unsigned __int128>(b);
  unsigned __int128 quotient = 0, remainder = 0;
  for (int bit = leading_one(n) - 1; bit >= 0; --bit) {
    remainder = (remainder << 1) | ((n >> bit) & 1U);
    quotient <<= 1;
    if (remainder >= d) {
      remainder -= d;
      quotient |= 1U;
    }
  }
  if (2 * remainder >= d) ++quotient;  // round half away from zero (on the magnitude)
  return negative ? -static_cast<__int128>(quotient) : static_cast<__int128>(quotient);
}

std::int64_t square_root(std::int64_t v) {
  if (v <= 0) return 0;
  const auto target = static_cast<unsigned __int128>(v);
  std::uint64_t root = 0;
  for (int bit = 31; bit >= 0; --bit) {
    const std::uint64_t candidate = root | (std::uint64_t{1} << bit);
    if (static_cast<unsigned __int128>(candidate) * candidate <= target) root = candidate;
  }
  return static_cast<std::int64_t>(root);
}

}  // namespace qtsim::hw::norm
