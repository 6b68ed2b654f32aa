#pragma once
// The controller's choice of the common grid of an aligned sum, the hardware's
// own (docs/NUMERICS.md §1.1). Before a pass starts it reads the operands'
// exponent registers and knows their widths (|v| < 2^width: k - 1 bits for a
// k-bit path, plus the flag shift for a flag-quantized operand); it takes the
// finest exponent unless an operand shifted that far left could overflow the
// 64-bit adder tree that sums `count` operands, and then the finest grid on
// which none can. Lanes then shift each operand onto it (AlignShifter).
#include <algorithm>
#include <cstddef>
#include <span>

#include "models/hw/core/hw_tensor.hpp"

namespace qtsim::hw {

struct AlignSource {
  int exp = 0;    // finest element exponent
  int width = 0;  // |v| < 2^width
};

// Bits of headroom an adder tree of `count` inputs needs above its inputs: ceil(log2 count).
inline int adder_tree_headroom(std::size_t count) {
  int bits = 0;
  while ((std::size_t{1} << bits) < count) ++bits;
  return bits;
}

// The grid on which `sources` are summed in a `adder_bits`-bit adder tree (64 for
// the vector unit's lanes, 128 for the update unit's).
inline int common_grid(std::span<const AlignSource> sources, int adder_bits = 64) {
  int finest = sources.front().exp, top = sources.front().exp + sources.front().width;
  for (const AlignSource& s : sources) {
    finest = std::min(finest, s.exp);
    top = std::max(top, s.exp + s.width);
  }
  const int room = adder_bits - 1 - adder_tree_headroom(sources.size());  // magnitude bits each aligned input may use
  return top - room > finest ? top - room : finest;
}

inline int common_grid(std::initializer_list<AlignSource> sources, int adder_bits = 64) {
  return common_grid(std::span<const AlignSource>(sources.begin(), sources.size()), adder_bits);
}

// Width of a stored integer tensor at its finest exponent.
inline int stored_width(const HwTensor& t) { return t.bits - 1 + (t.flagged ? t.flag_shift : 0); }

}  // namespace qtsim::hw
