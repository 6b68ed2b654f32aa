#pragma once
// Integer batchnorm (int-bn) output, training (docs/NUMERICS.md §8 step 6), on
// the normalization unit: one pass over xhat, channel-major,
//   y = gamma*xhat + beta aligned to min(e_xhat + e_gamma, e_beta)  1 mul, 1 add
//   -> the A quantizer                                               1 round (+ random word if stochastic)
// The quantizer's max|y| comes from the normalize quantize pass
// (IntBnXhatTarget::y_max_reg), which computed the same y lane by lane, so this
// is the quantize pass of the two-pass pattern without its own max pass.
// Recomputing y from the 8-bit xhat is cheaper than storing wide y.
#include "models/hw/kernels/vector/quantize_pass.hpp"

namespace qtsim::hw {

class IntBnAffineKernel : public StreamKernel {
 public:
  // xhat: integer N x C x H x W; gamma, beta: integer [1][C][1][1]; target.max_reg
  // holds max|y| (the normalize pass's y_max_reg), target.out receives y.
  IntBnAffineKernel(KernelLabel label, const HwTensor& xhat, const HwTensor& gamma, const HwTensor& beta,
                    const QuantizeTarget& target, const HwConfig& config);
  void start(KernelEnv& env) override;
  void finish(KernelEnv& env) override;

 protected:
  void cost(const Chunk& chunk, Tile& tile) const override;
  void compute(const Chunk& chunk, KernelEnv& env) override;

 private:
  QuantizeTarget target_;
  int xhat_reg_, gamma_reg_, beta_reg_;
  int prod_shift_ = 0, beta_shift_ = 0;
  RequantPlan plan_;
  ref::QuantStats stats_;
};

}  // namespace qtsim::hw
