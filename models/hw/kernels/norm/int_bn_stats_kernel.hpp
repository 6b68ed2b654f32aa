#pragma once
// Integer batchnorm (int-bn) statistics, training (docs/NUMERICS.md §8 steps
// 1-4 and the running statistics), on the normalization unit. One pass over x,
// channel-major (rows_by_channel):
//
//   per element:  S1 += x, S2 += x*x (128-bit accumulators)          2 add, 1 mul
//   per channel:  mu = rdiv(S1 * 2^16, M)                            1 divide (digit recurrence)
//   after the last chunk, on the C-vectors (lanes + digit-recurrence units):
//     mu_q  = shift(mean_bits)(mu), nearest                          compare, round   per channel
//     sum d^2 = S2*2^2a - 2*U*S1*2^a + M*U^2, U = mu_q*2^b           3 mul, 2 add
//     var   = rdiv(sum d^2, M)                                       1 divide
//     sigma = isqrt(var) + 2^eps_exp (aligned)                       1 isqrt, 1 add
//     sigma_q = shift(std_bits)(sigma), nearest; 0 -> 1              2 compare, round
//     R = bitlen(max sigma_q) + 15; inv = rdiv(2^R, sigma_q)         1 divide
//     running mean/var += round(target - running, momentum_log2)     4 round, 4 add
// M = N*H*W; d = x - mu_q aligned to e_d = min(e_x, e_mu) = x*2^a - mu_q*2^b.
//
// The squared deviations come from the two moments: in exact integers
// sum (x*2^a - U)^2 = 2^2a*S2 - 2^(a+1)*U*S1 + M*U^2 holds exactly, so one pass
// over x gives the reference's 128-bit sum of d^2 bit for bit (the variance
// needs mu_q, known only once every channel's mean is in, so the direct form
// would need a second pass over x). Integer divides and square roots share the
// digit-recurrence units (`units`, `isqrt_latency` cycles each); the means'
// divides overlap the stream, the vector work follows the last chunk. The
// quantizer rounds are the shared quantizer datapath (vector.int.shift_round).
//
// Writes mu_q (NODE/mean), sigma_q (NODE/std), the reciprocals inv (int64) and
// registers e_mu, e_sigma, R; reads the running statistics from one bank and
// writes them to another (may be the same region), and sets the "initialised"
// register. mu_q, inv and R are what the normalize and backward passes read.
#include <vector>

#include "models/hw/kernels/vector/stream_kernel.hpp"
#include "models/ref/scheme.hpp"

namespace qtsim::hw {

// What the statistics pass produces for the normalize and backward passes.
struct IntBnStatistics {
  HwTensor mean;        // mu_q: mean_bits integers [1][C][1][1]; exp_reg receives e_mu
  HwTensor stddev;      // sigma_q: std_bits integers [1][C][1][1]; exp_reg receives e_sigma
  HwTensor inv;         // int64 [1][C][1][1]: 1/sigma_c ~= inv_c * 2^(-R - e_sigma)
  int inv_r_reg = -1;   // receives R
};

// Running statistics (docs/NUMERICS.md §8): int64 [1][C][1][1] at exponents
// ref::kIntBnRunningMeanExp and ref::kIntBnRunningVarExp.
struct IntBnRunning {
  HwTensor mean_in, var_in, mean_out, var_out;
  int initialised_reg = -1;  // 0 before the first training step (the batch's values are taken as they are); set to 1
};

class IntBnStatsKernel : public StreamKernel {
 public:
  // x: integer N x C x H x W (exp_reg = e_x).
  IntBnStatsKernel(KernelLabel label, const HwTensor& x, const ref::IntBatchNormSpec& spec,
                   const IntBnStatistics& stats, const IntBnRunning& running, const HwConfig& config);
  void start(KernelEnv& env) override;

 protected:
  void cost(const Chunk& chunk, Tile& tile) const override;
  void compute(const Chunk& chunk, KernelEnv& env) override;

 private:
  void finalize(const Chunk& chunk, KernelEnv& env);

  ref::IntBatchNormSpec spec_;
  IntBnStatistics stats_;
  int x_reg_, initialised_reg_;
  int e_x_ = 0;
  std::vector<__int128> s1_, s2_;   // per-channel accumulators
  std::vector<std::int64_t> mu_;    // per-channel means at e_x - 16
};

}  // namespace qtsim::hw
