#pragma once
// The exact update step of one integer parameter element before it is rounded
// onto the master grid (docs/NUMERICS.md §7, step 3):
//   step = eta_int * dir                 at e_dir - lr_frac
//        + eta_int * lambda_int * M      at e_M - lr_frac - wd_frac   (weight decay)
// both aligned in 128 bits by the rule of §1.1 (each term below 2^126 on the
// grid, so the sum never overflows), then rounded once onto e_M by the
// caller (round_shift_wide).
#include <algorithm>
#include <bit>
#include <cstdint>
#include <stdexcept>

#include "alignment.hpp"

namespace qtsim::ref {

struct UpdateStepGrid {
  int exp = 0;          // exponent of the step
  int dir_shift = 0;    // shift of eta_int * dir onto the step grid (< 0: floored)
  int decay_shift = 0;  // shift of eta_int * lambda_int * M onto the step grid
};

// Everything the grid depends on: exponents, and widths (|v| < 2^width).
struct UpdateStepShape {
  int dir_exp = 0, dir_width = 0;        // the direction (g or V), at its finest exponent
  int master_exp = 0, master_width = 0;  // M
  int lr_frac = 0, wd_frac = 0;
  std::int64_t lr_int = 0, decay_int = 0;  // decay_int 0: the parameter does not decay
};

inline UpdateStepGrid update_step_grid(const UpdateStepShape& s) {
  const int lr_bits = std::bit_width(static_cast<std::uint64_t>(s.lr_int));
  const int dir_exp = s.dir_exp - s.lr_frac, dir_width = lr_bits + s.dir_width;
  if (s.decay_int == 0) return {dir_exp, 0, 0};
  const int decay_exp = s.master_exp - s.lr_frac - s.wd_frac;
  const int decay_width = lr_bits + std::bit_width(static_cast<std::uint64_t>(s.decay_int)) + s.master_width;
  if (std::max(dir_width, decay_width) > 126) throw std::logic_error("update step: product wider than 126 bits");
  // The alignment rule of §1.1 with a 128-bit adder: two terms, each below 2^126.
  const int exp = std::max(std::min(dir_exp, decay_exp), std::max(dir_exp + dir_width, decay_exp + decay_width) - 126);
  return {exp, dir_exp - exp, decay_exp - exp};
}

// x moved onto a grid `shift` bits finer (exact) or -shift bits coarser (floor), in 128 bits.
constexpr __int128 shift_to_grid_wide(__int128 x, int shift) {
  if (shift >= 0) return shift > 126 ? 0 : static_cast<__int128>(static_cast<unsigned __int128>(x) << shift);
  if (shift <= -127) return x < 0 ? -1 : 0;
  return x >> -shift;
}

// The step on grid g.exp (|step| < 2^127). Operands are 64-bit at most and
// update_step_grid checked that each product fits its 126-bit budget.
constexpr __int128 update_step(std::int64_t dir, std::int64_t master, std::int64_t lr_int, std::int64_t decay_int,
                               const UpdateStepGrid& g) {
  __int128 s = shift_to_grid_wide(static_cast<__int128>(dir) * lr_int, g.dir_shift);
  if (decay_int != 0) s += shift_to_grid_wide(static_cast<__int128>(master) * lr_int * decay_int, g.decay_shift);
  return s;
}

}  // namespace qtsim::ref
