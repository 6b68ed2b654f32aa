#pragma once
// The exact update step of one integer parameter element before it is rounded
// onto the master grid (docs/NUMERICS.md §7, step 3):
//   step = eta_int * dir                 at e_dir - lr_frac
//        + eta_int * lambda_int * M      at e_M - lr_frac - wd_frac   (weight decay)
// both aligned onto the finer of the two grids. Shared by the reference and the
// hardware's update kernel, like the rounding block: the update unit's
// multiply-add is this one expression.
#include <algorithm>
#include <cstdint>
#include <limits>

namespace qtsim::ref {

struct UpdateStepGrid {
  int exp = 0;          // exponent of the step
  int dir_shift = 0;    // left shift of eta_int * dir onto the step grid
  int decay_shift = 0;  // left shift of eta_int * lambda_int * M onto the step grid
};

// `decay`: whether the parameter decays (lambda_int > 0 and a conv/linear weight).
constexpr UpdateStepGrid update_step_grid(int e_dir, int e_master, int lr_frac, int wd_frac, bool decay) {
  const int dir_exp = e_dir - lr_frac;
  if (!decay) return {dir_exp, 0, 0};
  const int decay_exp = e_master - lr_frac - wd_frac;
  const int exp = std::min(dir_exp, decay_exp);
  return {exp, dir_exp - exp, decay_exp - exp};
}

// x * 2^sh in 128 bits, clamped to +-2^100 (far outside int64) instead of overflowing.
constexpr __int128 shift_left_clamped(__int128 x, int sh) {
  constexpr __int128 cap = static_cast<__int128>(1) << 100;
  if (x == 0 || sh <= 0) return x;
  if (sh >= 100 || x > (cap >> sh) || x < -(cap >> sh)) return x < 0 ? -cap : cap;
  return x * (static_cast<__int128>(1) << sh);
}

// The step, saturated to int64 (the U quantizer then saturates it to k_U bits
// and counts it). Operands are at most 64-bit each, so the products fit in 128 bits
// as long as lambda_int < 2^32 (the scheme allows wd_frac_bits <= 30).
constexpr std::int64_t update_step(std::int64_t dir, std::int64_t master, std::int64_t lr_int, std::int64_t decay_int,
                                   const UpdateStepGrid& g) {
  const __int128 clamp = static_cast<__int128>(1) << 90;  // times lambda_int < 2^32 stays below 2^122
  __int128 s = shift_left_clamped(static_cast<__int128>(dir) * lr_int, g.dir_shift);
  if (decay_int != 0) {
    __int128 d = static_cast<__int128>(master) * lr_int;
    d = d > clamp ? clamp : (d < -clamp ? -clamp : d);
    s += shift_left_clamped(d * decay_int, g.decay_shift);
  }
  constexpr auto lo = std::numeric_limits<std::int64_t>::min(), hi = std::numeric_limits<std::int64_t>::max();
  return static_cast<std::int64_t>(s < lo ? lo : (s > hi ? hi : s));
}

}  // namespace qtsim::ref
