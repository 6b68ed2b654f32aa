#pragma once
// Fixup scalar multiplier (docs/NUMERICS.md §6 "scale"): y = Q(x · m) at
// exponent e_x + e_m, where x is widened to its finest exponent first (a
// flag-quantized error dy is widened to its fine exponent). The same kernel is
// the forward pass (x → A quantizer) and the backward data pass (dy · m → E
// quantizer). m is a one-element tensor loaded whole with every chunk.
// Cost per element: one multiply (vector.int.mul; on the normalization unit's
// Fixup scalar datapath: norm.scalar_op); the fine/coarse select of a flagged
// operand is a shift in the multiplier's operand path, as in the MAC array.
#include "models/hw/kernels/vector/quantize_pass.hpp"

namespace qtsim::hw {

class ScalarScaleKernel : public QuantizePassKernel {
 public:
  // x: integer tensor (flags optional); m: integer [1][1][1][1].
  ScalarScaleKernel(KernelLabel label, const HwTensor& x, const HwTensor& m, QuantizePass pass, QuantizeTarget target,
                    const HwConfig& config);

 protected:
  int wide_exp(KernelEnv& env) const override;
  void wide_values(const Chunk& chunk, KernelEnv& env, std::int64_t* out) const override;
  int ops_per_element() const override { return 1; }
  Action op_action() const override;

 private:
  static std::vector<StreamOperand> inputs(const HwTensor& x, const HwTensor& m);
};

}  // namespace qtsim::hw
