#pragma once
// Exponent alignment (docs/NUMERICS.md §1.1): the grid on which integer
// operands held at different exponents are added, exactly and in int64.
//
//   grid = max(e_min, max_i(e_i + w_i) - (63 - ceil(log2 N)))
//
// for N operands, operand i at (finest) exponent e_i with |v| < 2^w_i (its
// width, known before any element is read). The grid is the finest exponent
// e_min unless some operand, widened that far, could leave the int64 range:
// then it is the finest grid on which none can, and operands finer than it are
// floored onto it (arithmetic shift right; a shift past a value's width gives
// 0 or -1, as floor does). On that grid every operand has magnitude at most
// 2^(63-c), so the N-operand sum never overflows: nothing is ever clipped.
#include <cstdint>
#include <initializer_list>
#include <span>

#include "tensor.hpp"

namespace qtsim::ref {

// One operand of an aligned sum: its finest exponent and width in bits.
struct AlignOperand {
  int exp = 0;
  int width = 0;
};

// The grid of an aligned sum of the operands (at least one).
int alignment_grid(std::span<const AlignOperand> operands);
int alignment_grid(std::initializer_list<AlignOperand> operands);

// v moved onto a grid `shift` bits finer (shift > 0: exact left shift, which
// alignment_grid guarantees fits) or -shift bits coarser (floor).
constexpr std::int64_t shift_to_grid(std::int64_t v, int shift) {
  if (shift >= 0) return shift > 62 ? 0 : static_cast<std::int64_t>(static_cast<std::uint64_t>(v) << shift);
  if (shift <= -63) return v < 0 ? -1 : 0;
  return v >> -shift;
}

// Width of a quantized tensor at its finest exponent: k - 1 bits, plus the
// flag shift when it carries flags (an unflagged element is that much coarser).
int width_of(const QTensor& t);

// Width of the values of a wide tensor: bit length of its largest magnitude.
// Only for tensors whose values are all known before the sum (the float entry
// of an error at a fan-out, a reference-only case).
int measured_width(const WideTensor& t);

// One summand of an aligned sum of wide tensors.
struct WideSummand {
  const WideTensor* tensor = nullptr;
  int width = 0;
};

// The aligned sum of equally shaped wide tensors, on their alignment grid.
WideTensor aligned_sum(std::span<const WideSummand> summands);

}  // namespace qtsim::ref
