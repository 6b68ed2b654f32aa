#pragma once
// Aligned sum of N >= 1 integer tensors of one shape, quantized (docs/NUMERICS.md
// §1.1 and §6 "align"): the controller picks the common grid from the
// summands' exponent registers and widths (align_grid.hpp), every element of
// every summand is shifted onto it (a flag-quantized summand from its fine
// exponent) and the N values are added in one 64-bit adder tree; then the
// path's quantizer (QuantizePassKernel: pass 1 max, pass 2 quantize).
//
// Uses: the residual add's forward (A path, two inputs) and the error at a
// fan-out (E path, purpose "output error": all contributions of a node in one
// kernel, as the rule sums them).
//
// Summands may be any integer dtype; a summand's width is its `bits` - 1 (plus
// the flag shift). Cost per element: one alignment shift per summand and N-1 adds
// (vector.int.add), plus the quantizer's own work.
#include <vector>

#include "models/hw/kernels/vector/quantize_pass.hpp"

namespace qtsim::hw {

class AlignedSumKernel : public QuantizePassKernel {
 public:
  AlignedSumKernel(KernelLabel label, const std::vector<HwTensor>& summands, QuantizePass pass, QuantizeTarget target,
                   const HwConfig& config);

 protected:
  int wide_exp(KernelEnv& env) const override;
  void wide_values(const Chunk& chunk, KernelEnv& env, std::int64_t* out) const override;
  int ops_per_element() const override { return 2 * count_ - 1; }

 private:
  static std::vector<StreamOperand> inputs(const std::vector<HwTensor>& summands);
  int count_;
};

}  // namespace qtsim::hw
