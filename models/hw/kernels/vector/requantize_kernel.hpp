#pragma once
// Requantization of a wide tensor (the MAC array's 32-bit outputs), optionally
// adding a per-channel bias aligned first (docs/NUMERICS.md §1.1; linear and
// biased conv layers): y = Q(acc + b[c]). Without a bias the MAC array's output
// stage already tracked max|acc|, so only the quantize pass runs; with a bias
// the max pass runs first.
#include "models/hw/kernels/vector/quantize_pass.hpp"

namespace qtsim::hw {

class RequantizeKernel : public QuantizePassKernel {
 public:
  // `bias`: a [1][C][1][1] integer tensor, or data.type == u8 with dims.numel() == 0 for none.
  RequantizeKernel(KernelLabel label, const HwTensor& wide, const HwTensor* bias, QuantizePass pass,
                   QuantizeTarget target, const HwConfig& config);

 protected:
  int wide_exp(KernelEnv& env) const override;
  void wide_values(const Chunk& chunk, KernelEnv& env, std::int64_t* out) const override;
  int ops_per_element() const override { return has_bias_ ? 2 : 0; }

 private:
  static std::vector<StreamOperand> inputs(const HwTensor& wide, const HwTensor* bias);
  bool has_bias_;
  int wide_reg_, bias_reg_ = -1;
};

}  // namespace qtsim::hw
