#pragma once
// The quantization datapath shared by the vector and normalization units
// (docs/NUMERICS.md §4): the controller's scalar logic picks a tensor's shift
// from its max|v| (one register read per tensor), and every lane then rounds,
// saturates and (flag quantizer) picks the fine or coarse grid per element.
// The rounding block is the reference's definition of rounding (rounding.hpp),
// as silicon would reuse one rounding block; the shift choice (a leading-one
// detector and a compare) and the loops around it are the units' own.
#include <cstdint>

#include "models/ref/quantizer.hpp"
#include "models/ref/rounding.hpp"

namespace qtsim::hw {

// What the controller decides for one quantization of a tensor.
struct RequantPlan {
  ref::QuantizerKind kind = ref::QuantizerKind::shift;
  ref::Rounding rounding = ref::Rounding::nearest;
  int bits = 8;
  int shift = 0;        // right shift from the input grid to the output grid
  int clip_bits = 8;    // saturate to +-(2^(clip_bits-1) - 1)
  int out_exp = 0;      // exponent of the result
  int flag_shift = 0;   // flag quantizer: fine grid is flag_shift finer
  int discarded_exp = 0;
};

// `in_exp`: exponent of the exact input; `max_abs`: max|v| over the tensor.
RequantPlan plan_requant(const ref::QuantizerSpec& spec, std::uint64_t max_abs, int in_exp);

// One lane: the quantized value of v (and its flag, for the flag quantizer).
// Saturations are counted into *saturated.
inline std::int64_t requant_element(std::int64_t v, const RequantPlan& p, std::uint32_t random_word, bool* flag,
                                    std::uint64_t* saturated) {
  if (p.kind == ref::QuantizerKind::flag) {
    const std::int64_t qmax = ref::max_magnitude(p.bits);
    const std::int64_t fine = ref::round_shift(v, p.shift - p.flag_shift, p.rounding, random_word);
    if (fine >= -qmax && fine <= qmax) {
      *flag = true;
      return fine;
    }
    *flag = false;
  }
  return ref::saturate(ref::round_shift(v, p.shift, p.rounding, random_word), p.clip_bits, saturated);
}

}  // namespace qtsim::hw
