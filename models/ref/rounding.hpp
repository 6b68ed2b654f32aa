#pragma once
// Rounding an integer right by s bits: the only rounding the hardware needs
// (docs/NUMERICS.md, "Rounding"). Shared by the reference and the hardware's
// quantization unit, as one rounding block would be reused in silicon.
#include <algorithm>
#include <cstdint>
#include <limits>

namespace qtsim::ref {

enum class Rounding { nearest, stochastic };

// Largest magnitude of a symmetric k-bit signed path: 2^(k-1) - 1.
constexpr std::int64_t max_magnitude(int bits) { return (std::int64_t{1} << (bits - 1)) - 1; }

// floor(v / 2^s) for any s >= 0 (arithmetic shift; saturates the shift count).
constexpr std::int64_t floor_shift(std::int64_t v, int s) {
  if (s <= 0) return v;
  if (s >= 63) return v < 0 ? -1 : 0;
  return v >> s;
}

// v * 2^s for s >= 0, saturating to the int64 range (never overflows).
constexpr std::int64_t left_shift_saturating(std::int64_t v, int s) {
  if (v == 0 || s <= 0) return v;
  if (s >= 63) return v < 0 ? std::numeric_limits<std::int64_t>::min() : std::numeric_limits<std::int64_t>::max();
  const std::int64_t limit = std::numeric_limits<std::int64_t>::max() >> s;
  if (v > limit) return std::numeric_limits<std::int64_t>::max();
  if (v < -limit) return std::numeric_limits<std::int64_t>::min();
  return v * (std::int64_t{1} << s);
}

// Round v right by s bits. s <= 0 is an exact left shift by -s (saturating to int64).
//   nearest:    (v + 2^(s-1)) >> s        ties toward +infinity
//   stochastic: (v + r) >> s              r = low s bits of `random_word`
// For s > 32 the 32 random bits are the top bits of the s-bit fraction, so the
// expectation is exact to 2^-32 of one step (docs/NUMERICS.md). Computed in 128
// bits; shifts beyond 100 give the same result as 100 for any 64-bit v.
constexpr std::int64_t round_shift(std::int64_t v, int s, Rounding mode, std::uint32_t random_word = 0) {
  if (s <= 0) return left_shift_saturating(v, s < -100 ? 100 : -s);
  if (s > 100) s = 100;
  __int128 offset;
  if (mode == Rounding::nearest) {
    offset = static_cast<__int128>(1) << (s - 1);
  } else if (s <= 32) {
    offset = random_word & static_cast<std::uint32_t>((std::uint64_t{1} << s) - 1);
  } else {
    offset = static_cast<__int128>(random_word) << (s - 32);
  }
  return static_cast<std::int64_t>((static_cast<__int128>(v) + offset) >> s);
}

// round_shift for a 128-bit v with |v| < 2^127 (the update step, §7), by the
// same rules, the result saturated to the int64 range (the caller's k-bit
// saturation then counts it). Split as floor(v / 2^s) plus the rounded
// remainder so that no intermediate leaves 128 bits.
constexpr std::int64_t round_shift_wide(__int128 v, int s, Rounding mode, std::uint32_t random_word = 0) {
  constexpr std::int64_t lo = std::numeric_limits<std::int64_t>::min(), hi = std::numeric_limits<std::int64_t>::max();
  __int128 r;
  if (s <= 0) {
    if (v == 0) return 0;
    const int up = -s;
    const __int128 limit = up >= 63 ? 0 : static_cast<__int128>(hi) >> up;
    if (v > limit || v < -limit) return v < 0 ? lo : hi;
    r = v * (static_cast<__int128>(1) << up);
  } else if (s >= 127) {
    // nearest: v + 2^(s-1) lies in (0, 2^s), so 0; stochastic: floor(v / 2^(s-32) + word) / 2^32.
    r = mode == Rounding::nearest ? 0 : ((v >> std::min(s - 32, 127)) + random_word) >> 32;
  } else {
    const __int128 whole = v >> s, rest = v - whole * (static_cast<__int128>(1) << s);  // 0 <= rest < 2^s
    __int128 offset;
    if (mode == Rounding::nearest) offset = static_cast<__int128>(1) << (s - 1);
    else if (s <= 32) offset = random_word & static_cast<std::uint32_t>((std::uint64_t{1} << s) - 1);
    else offset = static_cast<__int128>(random_word) << (s - 32);
    r = whole + ((rest + offset) >> s);
  }
  return static_cast<std::int64_t>(r < lo ? lo : (r > hi ? hi : r));
}

// Saturate to the symmetric k-bit range; counts a saturation into *count.
constexpr std::int64_t saturate(std::int64_t v, int bits, std::uint64_t* count = nullptr) {
  const std::int64_t m = max_magnitude(bits);
  if (v > m) {
    if (count) ++*count;
    return m;
  }
  if (v < -m) {
    if (count) ++*count;
    return -m;
  }
  return v;
}

}  // namespace qtsim::ref
