#pragma once
// The reference's exact integer helpers (the hardware's normalization unit has
// its own): rounded division, integer square root, and narrowing of 128-bit
// intermediates onto a grid that int64 can hold.
#include <cstdint>
#include <vector>

#include "tensor.hpp"

namespace qtsim::ref {

// a / b rounded to nearest, ties away from zero; b > 0.
__int128 rdiv(__int128 a, std::int64_t b);
// floor(sqrt(v)) for v >= 0.
std::int64_t isqrt(std::int64_t v);
// Number of significant bits of |v| (0 for 0).
int bit_length(unsigned __int128 v);
// Floors 128-bit values at exponent `exp` by z = max(0, bitlen(max) - 62) bits so
// they fit in int64 (exponent exp + z). Flooring onto a grid finer than any later
// rounding keeps every later nearest-rounding decision exact (docs/NUMERICS.md §4.5).
WideTensor narrow_to_wide(const Shape& shape, const std::vector<__int128>& v, int exp);

}  // namespace qtsim::ref
