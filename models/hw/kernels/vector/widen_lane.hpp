#pragma once
// The alignment shifter in front of the vector unit's integer adders and
// multipliers: one stored element of a (possibly flag-quantized) integer tensor
// widened exactly onto a finer grid (docs/NUMERICS.md §1, §4.4). A flagged
// element sits flag_shift bits finer than the tensor's exponent; a tensor with
// a flag plane always widens to its fine exponent, whether or not any element
// is flagged (as the MAC array and ref::finest_exp do).
#include <cstdint>

#include "models/hw/core/hw_tensor.hpp"
#include "models/hw/host/tensor_io.hpp"
#include "models/ref/rounding.hpp"

namespace qtsim::hw {

// Widening of one operand's elements onto a grid `target` <= its finest exponent.
struct WidenLane {
  // Finest element exponent of a tensor whose exponent register holds `exp`.
  static int finest(const HwTensor& t, int exp) { return t.flagged ? exp - t.flag_shift : exp; }

  DType type = DType::i8;
  int shift = 0;       // exp - target, for unflagged elements
  int flag_shift = 0;  // flagged elements shift this much less

  WidenLane() = default;
  WidenLane(const HwTensor& t, int exp, int target)
      : type(t.data.type), shift(exp - target), flag_shift(t.flagged ? t.flag_shift : 0) {}

  // Element i of a chunk; `flags` is the chunk's flag plane or null.
  std::int64_t operator()(const std::uint8_t* data, const std::uint8_t* flags, std::int64_t i) const {
    const std::int64_t q = load_element(data, type, i);
    const int s = flags && flags[static_cast<std::size_t>(i)] ? shift - flag_shift : shift;
    return ref::left_shift_saturating(q, s);
  }
};

}  // namespace qtsim::hw
