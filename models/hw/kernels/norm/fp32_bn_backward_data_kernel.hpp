#pragma once
// FP32 batchnorm backward, dx pass (docs/NUMERICS.md §9), on the
// normalization unit: per element, with the reduction pass's per-channel
// coefficients,
//   dx = scale * ((dy - mean_dy) - xhat * mean_dy_xhat)     2 add, 2 mul (FP32)
// Streams channel-major; no scalar work (the divides were per channel in the
// reduction pass).
#include "models/hw/kernels/norm/fp32_bn_backward_reduce_kernel.hpp"

namespace qtsim::hw {

class FloatBnBackwardDataKernel : public StreamKernel {
 public:
  // dy, xhat, dx: FP32 N x C x H x W.
  FloatBnBackwardDataKernel(KernelLabel label, const HwTensor& dy, const HwTensor& xhat,
                            const FloatBnBackwardCoefficients& coefficients, const HwTensor& dx,
                            const HwConfig& config);

 protected:
  void cost(const Chunk& chunk, Tile& tile) const override;
  void compute(const Chunk& chunk, KernelEnv& env) override;
};

}  // namespace qtsim::hw
