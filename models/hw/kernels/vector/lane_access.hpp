#pragma once
// How the vector lanes read and write elements of a chunk in SRAM: integer
// elements widened exactly (an unflagged element of a flag-quantized tensor
// moves to the fine grid, docs/NUMERICS.md §4.4), float32 elements by their bits.
#include <cstdint>
#include <cstring>

#include "models/hw/core/hw_tensor.hpp"
#include "models/hw/host/tensor_io.hpp"
#include "models/ref/rounding.hpp"

namespace qtsim::hw {

// Element i of an integer operand at the operand's finest exponent (exp - flag_shift
// when it carries a flag plane, else exp). `flags` is null for an unflagged operand.
inline std::int64_t widened_element(const std::uint8_t* data, const std::uint8_t* flags, DType type, int flag_shift,
                                    std::int64_t i) {
  const std::int64_t q = load_element(data, type, i);
  if (!flags || flags[i]) return q;
  return ref::left_shift_saturating(q, flag_shift);
}

// Finest exponent of an integer tensor whose coarse exponent is `exp`.
inline int finest_exponent(const HwTensor& t, int exp) { return t.flagged ? exp - t.flag_shift : exp; }

inline float load_f32(const std::uint8_t* data, std::int64_t i) {
  float v;
  std::memcpy(&v, data + 4 * i, 4);
  return v;
}

inline void store_f32(std::uint8_t* data, std::int64_t i, float v) { std::memcpy(data + 4 * i, &v, 4); }

}  // namespace qtsim::hw
