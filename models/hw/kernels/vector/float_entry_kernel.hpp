#pragma once
// Float entry (docs/NUMERICS.md §4.5): a float32 tensor enters an integer path
// exactly, by integer operations on the float's fields, never by float
// rounding. Two passes on the vector unit:
//   pass 1, FloatEntryMaxKernel: max |finite| float (as magnitude bits) and the
//     counts of non-finite values (NaN + Inf, and Inf alone) into registers; the
//     controller then derives the entry grid `g = floor(log2 max) − 40` (0 for
//     an all-zero tensor) and the max |wide| of the converted tensor (below), and
//     counts the non-finite values into the path's NumericEvents.
//   pass 2, FloatEntryKernel (a QuantizePassKernel): every float converted to
//     its int64 on grid g — floor(v · 2^−g), NaN → 0, ±Inf → ±2^62 — and
//     requantized by the path's quantizer with the max from pass 1. (Its max
//     pass also works, over the converted values; the testbench checks that it
//     gives the derived max.)
//
// Why the derived max is exact: a finite v = mant · 2^x with a 24-bit mant;
// for the largest magnitude m, 2^(g+40) <= m < 2^(g+41) and m's last mantissa
// bit has weight >= 2^(g+17), so m · 2^−g is an integer (< 2^41) and converts
// exactly; every other finite |v| <= m floors onto the grid to a magnitude
// <= ceil(|v| · 2^−g) <= m · 2^−g. NaN gives 0 and ±Inf gives 2^62 > 2^41. So
// max|wide| = 2^62 if any Inf, else m · 2^−g (0 for m = 0).
//
// Uses: the network input (A quantizer, purpose "network input", path
// "input") and the loss error dlogits entering the E path (purpose "output
// error"). Cost: pass 1 two ops per element (|v| compare, vector.fp32.add;
// class test, vector.int.add); pass 2 one conversion per element
// (vector.convert) plus the quantizer's work.
#include <cstdint>

#include "models/hw/kernels/vector/quantize_pass.hpp"

namespace qtsim::hw {

// The float-to-grid datapath of one lane (integer operations on IEEE-754 fields).
// Entry grid of a tensor whose largest finite magnitude has bits `max_abs_bits`.
int float_entry_grid(std::uint32_t max_abs_bits);
// floor(v · 2^−grid) for a finite float; NaN → 0, ±Inf → ±2^62.
std::int64_t float_to_grid(std::uint32_t bits, int grid);
// max|wide| of the converted tensor from pass 1's results (see above).
std::uint64_t float_entry_wide_max(std::uint32_t max_abs_bits, std::uint64_t infinities);

// Registers of a float entry: pass 1 writes all of them (exact mode).
struct FloatEntryRegs {
  int max_abs_bits = -1;  // bits of max |finite| (sign cleared)
  int nonfinite = -1;     // NaN + Inf count
  int infinite = -1;      // Inf count
  int grid_exp = -1;      // derived: exponent of the entry grid
  int wide_max = -1;      // derived: max|wide| on that grid (the quantizer's max register)
  static FloatEntryRegs allocate(ScalarRegs& regs);
};

class FloatEntryMaxKernel : public StreamKernel {
 public:
  // x: float32 tensor. label.path names the path whose NumericEvents get the non-finite count.
  FloatEntryMaxKernel(KernelLabel label, const HwTensor& x, FloatEntryRegs regs, const HwConfig& config);
  void start(KernelEnv& env) override;
  void finish(KernelEnv& env) override;

 protected:
  void cost(const Chunk& chunk, Tile& tile) const override;
  void compute(const Chunk& chunk, KernelEnv& env) override;

 private:
  FloatEntryRegs regs_;
  std::uint32_t max_bits_ = 0;
  std::uint64_t nonfinite_ = 0, infinite_ = 0;
};

class FloatEntryKernel : public QuantizePassKernel {
 public:
  // x: float32 tensor; grid_exp_reg: its entry grid (FloatEntryRegs::grid_exp).
  // Quantize pass: target.max_reg = FloatEntryRegs::wide_max.
  FloatEntryKernel(KernelLabel label, const HwTensor& x, int grid_exp_reg, QuantizePass pass, QuantizeTarget target,
                   const HwConfig& config);

 protected:
  int wide_exp(KernelEnv& env) const override;
  void wide_values(const Chunk& chunk, KernelEnv& env, std::int64_t* out) const override;
  int ops_per_element() const override { return 1; }
  Action op_action() const override { return Action::vec_convert; }

 private:
  int grid_reg_;
};

}  // namespace qtsim::hw
