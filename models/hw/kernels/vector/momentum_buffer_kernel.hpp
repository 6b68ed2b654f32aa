#pragma once
// The integer optimizer's momentum buffer on the vector unit (docs/NUMERICS.md
// §7, step 2): V <- shift(k_V)(mu * V + g), mu = mu_int * 2^-mu_frac, the sum
// aligned (§1.1: the controller's common grid, align_grid.hpp; an all-zero V,
// as a persistent register says, has no exponent to align to and the sum is g
// itself, §7), then the momentum
// quantizer (QuantizePassKernel: max pass, quantize pass; stochastic words from
// the parameter's "momentum" stream if the scheme rounds stochastically).
//
// The output (target.out) may be the buffer itself, region and exponent
// register (in place), or another bank: the alignment shifts are read from the
// registers when each pass starts, before the quantize pass writes the new
// exponent. Flat chunking; cost per element: one multiply, one add.
#include "models/hw/kernels/vector/quantize_pass.hpp"
#include "models/hw/kernels/vector/widen_lane.hpp"

namespace qtsim::hw {

class MomentumBufferKernel : public QuantizePassKernel {
 public:
  // velocity: V (buffer bits, exponent register); grad: the G-quantized gradient;
  // target.spec: shift(k_V) with the momentum rounding; target.out: the new V.
  // nonzero_reg: 1 when V holds a nonzero value, 0 when it is all zero (the
  // host sets it with V; the quantize pass writes it for the new V).
  MomentumBufferKernel(KernelLabel label, const HwTensor& velocity, const HwTensor& grad, int coefficient_int,
                       int coefficient_frac, int nonzero_reg, QuantizePass pass, QuantizeTarget target,
                       const HwConfig& config);

  void start(KernelEnv& env) override;
  void finish(KernelEnv& env) override;

 protected:
  int wide_exp(KernelEnv&) const override { return exp_; }
  void wide_values(const Chunk& chunk, KernelEnv& env, std::int64_t* out) const override;
  int ops_per_element() const override { return 2; }
  void element_actions(ActionCounts& per_element) const override;

 private:
  int coefficient_int_, coefficient_frac_;
  int v_reg_, g_reg_, nonzero_reg_;
  // Latched when the pass starts: the sum's exponent, mu * V's shift onto it, g's alignment.
  int exp_ = 0, v_shift_ = 0;
  bool v_zero_ = false;
  WidenLane g_lane_;
};

}  // namespace qtsim::hw
