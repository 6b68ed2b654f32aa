#pragma once
// The alignment shifter in front of the vector unit's integer adders and
// multipliers: one stored element of a (possibly flag-quantized) integer tensor
// moved onto the grid the controller chose (align_grid.hpp, docs/NUMERICS.md
// §1.1): shifted left onto a finer grid (exact: the grid leaves room), or
// arithmetically right onto a coarser one (floor; a shift past the value's
// width gives 0 or -1). A flagged element sits flag_shift bits finer than the
// tensor's exponent; a tensor with a flag plane always counts at its fine
// exponent, whether or not any element is flagged (as the MAC array does).
#include <cstdint>

#include "models/hw/core/hw_tensor.hpp"
#include "models/hw/host/tensor_io.hpp"

namespace qtsim::hw {

// A 64-bit barrel shifter: left by `shift` > 0, arithmetic right by -shift.
inline std::int64_t barrel_shift(std::int64_t v, int shift) {
  if (shift >= 0) return shift >= 63 ? 0 : static_cast<std::int64_t>(static_cast<std::uint64_t>(v) << shift);
  return -shift >= 63 ? (v < 0 ? -1 : 0) : v >> -shift;
}

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
    return barrel_shift(q, flags && flags[static_cast<std::size_t>(i)] ? shift - flag_shift : shift);
  }
};

}  // namespace qtsim::hw
