#pragma once
// Integer batchnorm (int-bn) backward, dx passes (docs/NUMERICS.md §8), on the
// normalization unit, two passes over dy and xhat (channel-major; gamma, m1,
// m2 and inv as per-channel operands):
//
//   max pass       d = dy widened; g = d*gamma                           1 mul
//                  t = g*2^(e_g-e_t) - m1*2^(e_m1-e_t) - xhat*m2*2^(e_xm2-e_t)  1 mul, 2 add (exact)
//                  p = t * inv (exact); running max and min of p         1 mul, 2 compare
//                  -> z = max(0, bitlen(max|p|) - 62) (§4.6) and max|p >> z|
//   quantize pass  recompute p; dx = E(p >> z)                           3 mul, 2 add, 1 round (+ random word)
//
// e_g = e_d + e_gamma, e_m1 = e_g - 16, e_xm2 = e_g + 2*e_xhat - 16,
// e_t = min(e_m1, e_xm2); dx's wide exponent is e_t - R - e_sigma + z. The E
// quantizer (flag or shift, any rounding) is the shared quantizer datapath;
// random words are drawn by the element's flat NCHW index. t and p fit in 128
// bits unless x-hat's exponent is extreme; then they are formed wider
// (beyond_128_bits.hpp), charged as the ordinary ones.
#include "models/hw/kernels/norm/int_bn_backward_reduce_kernel.hpp"
#include "models/hw/kernels/norm/int_bn_stats_kernel.hpp"
#include "models/hw/kernels/norm/norm_datapath.hpp"

namespace qtsim::hw {

class IntBnBackwardDataKernel : public StreamKernel {
 public:
  // dy: integer N x C x H x W (flag plane if flag-quantized); xhat, gamma: the
  // forward pass's; stats: the statistics pass's (inv, R, e_sigma); dx: the E
  // quantizer target (max_reg written by the max pass, read by the quantize
  // pass); narrow_reg: z (written by the max pass).
  IntBnBackwardDataKernel(KernelLabel label, QuantizePass pass, const HwTensor& dy, const HwTensor& xhat,
                          const HwTensor& gamma, const IntBnBackwardMeans& means, const IntBnStatistics& stats,
                          int narrow_reg, const QuantizeTarget& dx, const HwConfig& config);
  void start(KernelEnv& env) override;
  void finish(KernelEnv& env) override;

 protected:
  void cost(const Chunk& chunk, Tile& tile) const override;
  void compute(const Chunk& chunk, KernelEnv& env) override;

 private:
  QuantizePass pass_;
  IntBnStatistics stats_;
  int narrow_reg_;
  QuantizeTarget dx_;
  int dy_reg_, xhat_reg_, gamma_reg_;
  bool flagged_;
  int flag_shift_;
  // Controller's exponent arithmetic (exact mode).
  int g_shift_ = 0, m1_shift_ = 0, m2_shift_ = 0, z_ = 0;
  RequantPlan plan_;
  norm::WideRange range_;
  ref::QuantStats stats_q_;
};

}  // namespace qtsim::hw
