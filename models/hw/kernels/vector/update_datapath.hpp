#pragma once
// The update unit's multiply-add, the hardware's own (docs/NUMERICS.md §7,
// step 3): per element
//   step = eta_int * dir                at e_dir - lr_frac
//        + eta_int * lambda_int * M     at e_M - lr_frac - wd_frac   (weight decay)
// in a 128-bit adder, both terms on the common grid the controller chose from
// exponents and widths (align_grid.hpp with 128-bit lanes), then rounded once
// onto e_M by the rounding block.
#include <cstdint>
#include <stdexcept>

#include "models/hw/kernels/vector/align_grid.hpp"

namespace qtsim::hw {

// What the controller latches for one update pass.
struct UpdateStepPlan {
  int exp = 0;          // grid of the step
  int dir_shift = 0;    // eta_int * dir onto the grid (> 0 left, < 0 floor)
  int decay_shift = 0;  // eta_int * lambda_int * M onto the grid
};

struct UpdateStepOperands {
  int dir_exp = 0, dir_width = 0;        // direction (g or V) at its finest exponent
  int master_exp = 0, master_width = 0;  // master copy
  int lr_frac = 0, wd_frac = 0;
  std::int64_t lr_int = 0, decay_int = 0;  // decay_int 0: no decay term
};

inline int magnitude_bits(std::int64_t v) {
  int n = 0;
  for (auto m = static_cast<std::uint64_t>(v < 0 ? -v : v); m != 0; m >>= 1) ++n;
  return n;
}

inline UpdateStepPlan plan_update_step(const UpdateStepOperands& o) {
  const int lr_bits = magnitude_bits(o.lr_int);
  const AlignSource dir{o.dir_exp - o.lr_frac, lr_bits + o.dir_width};
  if (o.decay_int == 0) return {dir.exp, 0, 0};
  const AlignSource decay{o.master_exp - o.lr_frac - o.wd_frac, lr_bits + magnitude_bits(o.decay_int) + o.master_width};
  if (dir.width > 126 || decay.width > 126) throw std::logic_error("update unit: product wider than the 128-bit adder");
  const int grid = common_grid({dir, decay}, 128);
  return {grid, dir.exp - grid, decay.exp - grid};
}

// A 128-bit barrel shifter: left by `shift` > 0, arithmetic right by -shift.
inline __int128 barrel_shift_wide(__int128 v, int shift) {
  if (shift >= 0) return shift >= 127 ? 0 : static_cast<__int128>(static_cast<unsigned __int128>(v) << shift);
  return -shift >= 127 ? (v < 0 ? -1 : 0) : v >> -shift;
}

inline __int128 update_multiply_add(std::int64_t dir, std::int64_t master, std::int64_t lr_int, std::int64_t decay_int,
                                    const UpdateStepPlan& p) {
  const __int128 gradient_term = barrel_shift_wide(static_cast<__int128>(dir) * lr_int, p.dir_shift);
  if (decay_int == 0) return gradient_term;
  return gradient_term + barrel_shift_wide(static_cast<__int128>(master) * (static_cast<__int128>(lr_int) * decay_int), p.decay_shift);
}

}  // namespace qtsim::hw
