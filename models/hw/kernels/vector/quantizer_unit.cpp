#include "quantizer_unit.hpp"

#include <stdexcept>

namespace qtsim::hw {

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
      p.shift = ref::choose_shift(max_abs, spec.bits, spec.rounding);
      p.out_exp = in_exp + p.shift;
      break;
    case ref::QuantizerKind::constant: {
      if (spec.constant_log2 < 1 || spec.constant_log2 > spec.bits - 1)
        throw std::invalid_argument("constant quantizer needs 1 <= log2(c) <= bits-1");
      const int r = ref::round_log2(max_abs);
      p.shift = r - spec.constant_log2;
      p.discarded_exp = in_exp + r;
      p.out_exp = -spec.constant_log2;
      p.clip_bits = spec.constant_log2 + 1;
      break;
    }
    case ref::QuantizerKind::flag:
      p.shift = ref::choose_shift(max_abs, spec.bits, spec.rounding);
      p.out_exp = in_exp + p.shift;
      p.flag_shift = spec.bits - 1;
      break;
  }
  return p;
}

}  // namespace qtsim::hw
