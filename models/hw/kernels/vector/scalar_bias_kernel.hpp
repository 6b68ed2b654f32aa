#pragma once
// Fixup scalar bias forward (docs/NUMERICS.md §6 "bias"): y = Q(x + b), the sum
// aligned (§1.1: the controller's common grid of x and b, align_grid.hpp), then
// the A quantizer (QuantizePassKernel: pass 1 max, pass 2 quantize). b is a
// one-element tensor loaded whole with every chunk (role `whole`); it is
// widened once per chunk, x element by element.
// Cost per element: x's alignment shift and the add (two integer ops; on the
// normalization unit's Fixup scalar datapath: two norm.scalar_op).
#include "models/hw/kernels/vector/quantize_pass.hpp"

namespace qtsim::hw {

class ScalarBiasKernel : public QuantizePassKernel {
 public:
  // x: integer tensor (flags optional); b: integer [1][1][1][1].
  ScalarBiasKernel(KernelLabel label, const HwTensor& x, const HwTensor& b, QuantizePass pass, QuantizeTarget target,
                   const HwConfig& config);

 protected:
  int wide_exp(KernelEnv& env) const override;
  void wide_values(const Chunk& chunk, KernelEnv& env, std::int64_t* out) const override;
  int ops_per_element() const override { return 2; }
  Action op_action() const override;

 private:
  static std::vector<StreamOperand> inputs(const HwTensor& x, const HwTensor& b);
};

}  // namespace qtsim::hw
