#pragma once
// FP32 batchnorm statistics (training), the two passes of docs/NUMERICS.md §9
// on the normalization unit, channel-major (rows_by_channel) so a channel's
// sums finish before the next channel's start:
//
//   mean pass      per element: sum += x (FP64 accumulate)             1 add
//                  per channel: mean = sum / M                           1 divide
//   variance pass  per element: d = x - mean; sq += d*d (FP64)          2 add, 1 mul
//                  per channel: var = sq / M, unbiased = sq / (M-1)     2 divides
//                               inv_std = 1 / sqrt(float(var) + eps)    1 add, 1 sqrt, 1 divide (FP32)
//                               running mean/var with momentum          4 mul, 2 add
//
// M = N*H*W. Sums run in FP64 in the reference's order (images, then rows) so
// the statistics agree bit for bit; the lanes are costed as a lane-parallel
// accumulation (norm.fp32.add counts these FP64 adds). The divides and square
// root run on the sqrt/divide units (`units` of them, `divide_latency` and
// `sqrt_latency` cycles, not pipelined) while the lanes stream the next chunk
// (norm_datapath.hpp). Two passes over x because the squared deviations need
// the mean (a one-pass E[x^2] - mean^2 is neither the reference's result nor
// stable in floating point).
//
// The mean leaves the unit as FP64 words (an int64 [1][C][1][1] region holding
// IEEE doubles): the variance and normalize passes read it. The variance pass
// writes inv_std (FP32 [C], kept for the backward pass) and the running
// statistics (FP32 [C], read from one bank and written to another, which may be
// the same region).
#include <vector>

#include "models/hw/kernels/vector/stream_kernel.hpp"

namespace qtsim::hw {

// Running statistics of an FP32 batchnorm: FP32 [1][C][1][1] tensors.
struct FloatBnRunning {
  HwTensor mean_in, var_in, mean_out, var_out;
};

class FloatBnMeanKernel : public StreamKernel {
 public:
  // x: FP32 N x C x H x W; mean: int64 [1][C][1][1] receiving the FP64 means.
  FloatBnMeanKernel(KernelLabel label, const HwTensor& x, const HwTensor& mean, const HwConfig& config);
  void start(KernelEnv& env) override;

 protected:
  void cost(const Chunk& chunk, Tile& tile) const override;
  void compute(const Chunk& chunk, KernelEnv& env) override;

 private:
  std::vector<double> sum_, mean_;  // the unit's per-channel registers
};

class FloatBnVarianceKernel : public StreamKernel {
 public:
  // x: FP32 N x C x H x W; mean: the mean pass's FP64 means; inv_std: FP32
  // [1][C][1][1] output; eps and momentum as the layer's (PyTorch semantics).
  FloatBnVarianceKernel(KernelLabel label, const HwTensor& x, const HwTensor& mean, const FloatBnRunning& running,
                        const HwTensor& inv_std, double eps, double momentum, const HwConfig& config);
  void start(KernelEnv& env) override;

 protected:
  void cost(const Chunk& chunk, Tile& tile) const override;
  void compute(const Chunk& chunk, KernelEnv& env) override;

 private:
  double eps_, momentum_;
  std::vector<double> sq_;
  std::vector<float> inv_std_, run_mean_, run_var_;
};

}  // namespace qtsim::hw
