#include "wide_math.hpp"

#include <stdexcept>

namespace qtsim::ref {

__int128 rdiv(__int128 a, std::int64_t b) {
  if (b <= 0) throw std::invalid_argument("rdiv: divisor must be positive");
  const __int128 half = b / 2;
  return a >= 0 ? (a + half) / b : -((-a + half) / b);
}

std::int64_t isqrt(std::int64_t v) {
  if (v <= 0) return 0;
  // Digit-by-digit (two bits per step), as a digit-recurrence unit computes it.
  std::uint64_t rem = static_cast<std::uint64_t>(v), root = 0;
  std::uint64_t bit = std::uint64_t{1} << 62;
  while (bit > rem) bit >>= 2;
  while (bit != 0) {
    if (rem >= root + bit) {
      rem -= root + bit;
      root = (root >> 1) + bit;
    } else {
      root >>= 1;
    }
    bit >>= 2;
  }
  return static_cast<std::int64_t>(root);
}

int bit_length(unsigned __int128 v) {
  int n = 0;
  while (v != 0) {
    ++n;
    v >>= 1;
  }
  return n;
}

WideTensor narrow_to_wide(const Shape& shape, const std::vector<__int128>& v, int exp) {
  unsigned __int128 m = 0;
  for (auto x : v) {
    const unsigned __int128 a = x < 0 ? static_cast<unsigned __int128>(-x) : static_cast<unsigned __int128>(x);
    if (a > m) m = a;
  }
  const int z = bit_length(m) > 62 ? bit_length(m) - 62 : 0;
  WideTensor out(shape, exp + z);
  for (std::size_t i = 0; i < v.size(); ++i) out.v[i] = static_cast<std::int64_t>(v[i] >> z);  // arithmetic: floor
  return out;
}

}  // namespace qtsim::ref
