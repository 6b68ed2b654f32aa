#pragma once
// The normalization unit's digit-recurrence unit, the hardware's own (beside the
// reference's wide_math): a rounded integer division and an integer square
// root, each computed one result bit per step from the top, as the iterative
// unit does (docs/NUMERICS.md §8; `isqrt_latency` cycles per operation).
#include <cstdint>

namespace qtsim::hw::norm {

// a / b rounded to nearest, ties away from zero (b > 0, |a| < 2^127):
// restoring division of |a|, then +1 when the remainder is at least half of b.
__int128 divide_rounded(__int128 a, std::int64_t b);

// floor(sqrt(v)) for v >= 0 (0 for v < 0): the root's bits from the top, each
// kept when the square of the partial root does not exceed v.
std::int64_t square_root(std::int64_t v);

}  // namespace qtsim::hw::norm
