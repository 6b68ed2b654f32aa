#pragma once
// FP32 batchnorm normalize pass (training), docs/NUMERICS.md §9, on the
// normalization unit: per element
//   xhat = (x - float(mean)) * inv_std       1 add, 1 mul (FP32)
//   y    = gamma * xhat + beta               1 mul, 1 add (FP32)
// with the channel's mean (FP64 words from the mean pass, rounded to FP32 once
// per channel) and inv_std (from the variance pass: the one square root and
// one divide per channel already happened there, so this pass is multiplies
// only). Streams channel-major, 4 lane operations per element, no scalar work.
//
// Writes y and xhat (FP32, N x C x H x W): xhat and inv_std are what the
// backward pass reads, as the reference keeps them; writing xhat is one more
// tensor of DRAM traffic per step, part of BN's cost.
#include "models/hw/kernels/vector/stream_kernel.hpp"

namespace qtsim::hw {

class FloatBnNormalizeKernel : public StreamKernel {
 public:
  // x, y, xhat: FP32 N x C x H x W; mean: int64 [1][C][1][1] of FP64 means;
  // inv_std, gamma, beta: FP32 [1][C][1][1].
  FloatBnNormalizeKernel(KernelLabel label, const HwTensor& x, const HwTensor& mean, const HwTensor& inv_std,
                         const HwTensor& gamma, const HwTensor& beta, const HwTensor& y, const HwTensor& xhat,
                         const HwConfig& config);

 protected:
  void cost(const Chunk& chunk, Tile& tile) const override;
  void compute(const Chunk& chunk, KernelEnv& env) override;
};

}  // namespace qtsim::hw
