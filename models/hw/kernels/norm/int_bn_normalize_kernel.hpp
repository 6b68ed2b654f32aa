#pragma once
// Integer batchnorm (int-bn) normalization, training (docs/NUMERICS.md §8
// step 5, and the max of step 6), on the normalization unit, two passes over x
// (channel-major, the statistics as per-channel operands):
//
//   max pass       d = x*2^a - mu_q*2^b; p = d * inv (128-bit)       2 add, 1 mul, 2 compare
//                  running max and min of p -> z = max(0, bitlen(max|p|) - 62)
//                  (the §4.6 narrowing) and max|p >> z| (the quantizer's max)
//   quantize pass  recompute p; xhat = shift(norm_bits)(p >> z), nearest      2 add, 1 mul, 1 round
//                  y = gamma*xhat + beta aligned; running max|y|              1 mul, 2 add
//
// p is exact, so the max must see the whole tensor before any element is
// quantized: hence the max pass (recomputing p from x is cheaper than storing
// 128-bit products). Because flooring by z is monotone, the max pass's max and
// min give the narrowed tensor's max|v| without a third pass. The quantize pass
// writes xhat (NODE/xhat; the backward pass reads it) and leaves max|y| for the
// A quantizer (IntBnAffineKernel), so y needs no max pass of its own.
#include "models/hw/kernels/norm/int_bn_stats_kernel.hpp"
#include "models/hw/kernels/norm/norm_datapath.hpp"
#include "models/hw/kernels/vector/quantize_pass.hpp"

namespace qtsim::hw {

struct IntBnXhatTarget {
  HwTensor xhat;        // norm_bits integers, N x C x H x W; exp_reg receives e_xhat
  int narrow_reg = -1;  // z of the 128-bit products (written by the max pass)
  int max_reg = -1;     // max|p >> z| (written by the max pass)
  int y_max_reg = -1;   // max|gamma*xhat + beta| (written by the quantize pass)
};

class IntBnNormalizeKernel : public StreamKernel {
 public:
  // x: integer N x C x H x W; gamma, beta: integer [1][C][1][1] (read by the quantize pass).
  IntBnNormalizeKernel(KernelLabel label, QuantizePass pass, const HwTensor& x, const IntBnStatistics& stats,
                       const HwTensor& gamma, const HwTensor& beta, const IntBnXhatTarget& target,
                       const ref::IntBatchNormSpec& spec, const HwConfig& config);
  void start(KernelEnv& env) override;
  void finish(KernelEnv& env) override;

 protected:
  void cost(const Chunk& chunk, Tile& tile) const override;
  void compute(const Chunk& chunk, KernelEnv& env) override;

 private:
  QuantizePass pass_;
  IntBnStatistics stats_;
  IntBnXhatTarget target_;
  ref::IntBatchNormSpec spec_;
  int x_reg_, gamma_reg_, beta_reg_;
  // Exponent arithmetic of the controller (exact mode).
  int a_ = 0, b_ = 0, z_ = 0, prod_shift_ = 0, beta_shift_ = 0;
  RequantPlan plan_;
  norm::WideRange range_;
  std::uint64_t y_max_ = 0;
  ref::QuantStats stats_q_;
};

}  // namespace qtsim::hw
