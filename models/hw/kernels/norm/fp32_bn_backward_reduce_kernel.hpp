#pragma once
// FP32 batchnorm backward, reduction pass (docs/NUMERICS.md §9), on the
// normalization unit, channel-major:
//   per element: sum_dy += dy; sum_dy_xhat += dy * xhat (FP64, exact product)  2 add, 1 mul
//   per channel: dbeta = float(sum_dy), dgamma = float(sum_dy_xhat)
//                mean_dy = float(sum_dy / M), mean_dy_xhat = float(sum_dy_xhat / M)   2 divides
//                scale = gamma * inv_std                                          1 mul
// The divides run on the sqrt/divide units while the lanes stream on
// (norm_datapath.hpp). Sums in FP64 in the reference's order (images, rows).
//
// Writes dgamma and dbeta (FP32 [C]) and the dx pass's per-channel
// coefficients mean_dy, mean_dy_xhat and scale (FP32 [C] each).
#include <vector>

#include "models/hw/kernels/vector/stream_kernel.hpp"

namespace qtsim::hw {

// Per-channel coefficients of the dx pass: FP32 [1][C][1][1] each.
struct FloatBnBackwardCoefficients {
  HwTensor mean_dy, mean_dy_xhat, scale;
};

class FloatBnBackwardReduceKernel : public StreamKernel {
 public:
  // dy, xhat: FP32 N x C x H x W; gamma, inv_std, dgamma, dbeta: FP32 [1][C][1][1].
  FloatBnBackwardReduceKernel(KernelLabel label, const HwTensor& dy, const HwTensor& xhat, const HwTensor& gamma,
                              const HwTensor& inv_std, const HwTensor& dgamma, const HwTensor& dbeta,
                              const FloatBnBackwardCoefficients& coefficients, const HwConfig& config);
  void start(KernelEnv& env) override;

 protected:
  void cost(const Chunk& chunk, Tile& tile) const override;
  void compute(const Chunk& chunk, KernelEnv& env) override;

 private:
  std::vector<double> sum_dy_, sum_dy_xhat_;
  std::vector<float> mean_dy_, mean_dy_xhat_, scale_;
};

}  // namespace qtsim::hw
