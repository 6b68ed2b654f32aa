#include "quantizer_unit.hpp"

#include <array>
#include <stdexcept>

#include "models/hw/kernels/vector/leading_one.hpp"

namespace qtsim::hw {

namespace {

// Whether max|v| = m rounded right by s bits keeps within +-qmax in the worst
// case of the rounding mode: nearest (m + 2^(s-1)) >> s <= qmax holds exactly
// when m < 2^(s-1) (2^k - 1); stochastic (m + 2^s - 1) >> s <= qmax when m <= qmax 2^s.
bool fits_after_shift(std::uint64_t m, int s, int bits, ref::Rounding rounding) {
  const auto qmax = (static_cast<unsigned __int128>(1) << (bits - 1)) - 1;
  if (s == 0) return m <= qmax;
  if (rounding == ref::Rounding::nearest)
    return m < (static_cast<unsigned __int128>(1) << (s - 1)) * ((static_cast<unsigned __int128>(1) << bits) - 1);
  return m <= qmax << s;
}

// The controller's shift for a dynamic quantizer: a leading-one detector gives
// the shift that brings m's top bit into the k-1 magnitude bits; rounding may
// carry one bit further.
int dynamic_shift(std::uint64_t m, int bits, ref::Rounding rounding) {
  const int over = leading_one(m) - (bits - 1);
  const int s = over > 0 ? over : 0;
  return fits_after_shift(m, s, bits, rounding) ? s : s + 1;
}

// round(log2 m) = p + 1 when m >= 2^(p + 1/2) (p = floor(log2 m)): m compared
// with the threshold floor(2^(p + 1/2)), from a table the hardware holds.
std::array<std::uint64_t, 64> half_power_thresholds() {
  std::array<std::uint64_t, 64> t{};
  for (int p = 0; p < 64; ++p) {
    // floor(sqrt(2^(2p+1))), bit by bit from the top.
    const unsigned __int128 target = static_cast<unsigned __int128>(1) << (2 * p + 1);
    std::uint64_t root = 0;
    for (int bit = p; bit >= 0; --bit) {
      const std::uint64_t candidate = root | (std::uint64_t{1} << bit);
      if (static_cast<unsigned __int128>(candidate) * candidate <= target) root = candidate;
    }
    t[static_cast<std::size_t>(p)] = root;
  }
  return t;
}

int rounded_log2(std::uint64_t m) {
  static const std::array<std::uint64_t, 64> thresholds = half_power_thresholds();
  if (m == 0) return 0;
  const int p = leading_one(m) - 1;
  // 2^(p+1/2) is irrational, so m >= it exactly when m > floor of it.
  return m > thresholds[static_cast<std::size_t>(p)] ? p + 1 : p;
}

}  // namespace

RequantPlan plan_requant(const ref::QuantizerSpec& spec, std::uint64_t max_abs, int in_exp) {
  RequantPlan p;
  p.kind = spec.kind;
  p.rounding = spec.rounding;
  p.bits = spec.bits;
  p.clip_bits = spec.bits;
  switch (spec.kind) {
    case ref::QuantizerKind::direct:
      p.shift = spec.exponent - in_exp;
      p.out_exp = spec.exponent;
      break;
    case ref::QuantizerKind::shift:
      p.shift = dynamic_shift(max_abs, spec.bits, spec.rounding);
      p.out_exp = in_exp + p.shift;
      break;
    case ref::QuantizerKind::constant: {
      if (spec.constant_log2 < 1 || spec.constant_log2 > spec.bits - 1)
        throw std::invalid_argument("constant quantizer needs 1 <= log2(c) <= bits-1");
      const int r = rounded_log2(max_abs);
      p.shift = r - spec.constant_log2;
      p.discarded_exp = in_exp + r;
      p.out_exp = -spec.constant_log2;
      p.clip_bits = spec.constant_log2 + 1;
      break;
    }
    case ref::QuantizerKind::flag:
      p.shift = dynamic_shift(max_abs, spec.bits, spec.rounding);
      p.out_exp = in_exp + p.shift;
      p.flag_shift = spec.bits - 1;
      break;
  }
  return p;
}

}  // namespace qtsim::hw
