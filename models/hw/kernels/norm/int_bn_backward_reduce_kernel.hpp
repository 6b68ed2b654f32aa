#pragma once
// Integer batchnorm (int-bn) backward, reduction pass (docs/NUMERICS.md §8),
// on the normalization unit, one pass over dy and xhat, channel-major:
//
//   per element:  d = dy widened to the fine exponent (flagged errors)   (shift)
//                 Sd += d; Sdx += d*xhat                                 2 add, 1 mul
//   per channel:  dbeta = Sd, dgamma = Sdx (wide)
//                 m1 = rdiv(gamma*Sd * 2^16, M), m2 = rdiv(gamma*Sdx * 2^16, M)   2 mul, 2 divides
//   after the last chunk: dgamma, dbeta -> the G quantizer (C-vectors)   2 compare, 2 round (+ random words)
//
// The reference's sum of g = dy*gamma is gamma times the sum of dy (and the
// same for g*xhat): exact in integers, so the lanes accumulate dy and dy*xhat
// once and each channel multiplies by gamma once. The divides run on the
// digit-recurrence units while the lanes stream on (norm_datapath.hpp).
//
// Writes the G-quantized dgamma, dbeta and the per-channel means m1 (at
// e_g - 16) and m2 (at e_g + e_xhat - 16), int64 [C], e_g = e_d + e_gamma,
// that the dx pass (IntBnBackwardDataKernel) reads.
#include <vector>

#include "models/hw/kernels/vector/quantize_pass.hpp"

namespace qtsim::hw {

// The dx pass's per-channel means: int64 [1][C][1][1] each.
struct IntBnBackwardMeans {
  HwTensor m1, m2;
};

class IntBnBackwardReduceKernel : public StreamKernel {
 public:
  // dy: integer N x C x H x W (flag plane if flag-quantized); xhat: the forward
  // pass's; gamma: integer [1][C][1][1]; dgamma, dbeta: G quantizer targets,
  // outputs [1][C][1][1] (max_reg optional: receives max|wide|).
  IntBnBackwardReduceKernel(KernelLabel label, const HwTensor& dy, const HwTensor& xhat, const HwTensor& gamma,
                            const QuantizeTarget& dgamma, const QuantizeTarget& dbeta, const IntBnBackwardMeans& means,
                            const HwConfig& config);
  void start(KernelEnv& env) override;

 protected:
  void cost(const Chunk& chunk, Tile& tile) const override;
  void compute(const Chunk& chunk, KernelEnv& env) override;

 private:
  void quantize_gradient(const QuantizeTarget& t, const std::vector<__int128>& wide, int exp, std::uint8_t* out,
                         std::uint8_t* flags, KernelEnv& env);

  QuantizeTarget dgamma_, dbeta_;
  int dy_reg_, xhat_reg_;
  bool flagged_;
  int flag_shift_;
  int e_d_ = 0;
  std::vector<__int128> sd_, sdx_, m1_, m2_;
};

}  // namespace qtsim::hw
