#pragma once
// Aligned sum of N >= 1 integer tensors of one shape, quantized (docs/NUMERICS.md
// §6 "align"): every element of every summand is widened exactly to the finest
// exponent among the summands (a flag-quantized summand counts at its fine
// exponent) and the N values are added in 64 bits; then the path's quantizer
// (QuantizePassKernel: pass 1 max, pass 2 quantize).
//
// Uses: the residual add's forward (A path, two inputs) and the error at a
// fan-out (E path, purpose "output error": all contributions of a node in one
// kernel). The reference sums contributions pairwise left to right
// (ref::add_aligned in Model::output_error), re-widening the running sum at
// each step; widening composes exactly and integer addition is associative,
// so aligning every summand once to the final exponent and adding gives the
// same int64 values, as long as no widened value or partial sum leaves the
// int64 range (for 8-bit summands: exponents less than about 54 bits apart;
// beyond that the reference's own 64-bit add would overflow first).
//
// Summands may be any integer dtype (int8 activations and errors, an int64 wide
// tensor, ...). Cost per element: one alignment shift per summand and N-1 adds
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
