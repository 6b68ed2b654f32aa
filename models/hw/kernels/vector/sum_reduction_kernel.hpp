#pragma once
// Exact sums for parameter gradients (docs/NUMERICS.md §6), one pass on the
// vector unit into int64 accumulators held in the unit until the last chunk,
// which stores the small wide result (a `last_only` output):
//   SumOf::all          Σ dy                  Fixup scalar bias gradient   -> [1][1][1][1] at e_dy
//   SumOf::product      Σ dy·x                Fixup multiplier gradient    -> [1][1][1][1] at e_dy + e_x
//   SumOf::per_channel  Σ_{n,h,w} dy[n,c,h,w] conv/linear bias gradient    -> [1][C][1][1] at e_dy
// (e_t: the finest exponent of t; a flagged dy is widened to its fine exponent.)
// The G quantizer then runs on the result as a RequantizeKernel (max pass,
// quantize pass) over the small tensor. Exact integer sums do not depend on
// the order of the additions, so chunks and lanes may add in any order.
//
// Cost per element: one add (plus a widening shift for a flagged dy, plus a
// multiply for the product); the last chunk also combines the lanes' partial
// sums: outputs · (lanes − 1) adds.
#include <cstdint>
#include <vector>

#include "models/hw/kernels/vector/stream_kernel.hpp"

namespace qtsim::hw {

enum class SumOf { all, product, per_channel };

class SumReductionKernel : public StreamKernel {
 public:
  // x: the second factor for SumOf::product, else null. out: int64, [1][1][1][1]
  // or [1][C][1][1] (per_channel); out.exp_reg receives the result's exponent.
  SumReductionKernel(KernelLabel label, SumOf what, const HwTensor& dy, const HwTensor* x, const HwTensor& out,
                     const HwConfig& config);
  void start(KernelEnv& env) override;

 protected:
  void cost(const Chunk& chunk, Tile& tile) const override;
  void compute(const Chunk& chunk, KernelEnv& env) override;

 private:
  static std::vector<StreamOperand> operands_for(SumOf what, const HwTensor& dy, const HwTensor* x, const HwTensor& out);
  int result_exp(KernelEnv& env) const;
  SumOf what_;
  std::size_t out_index_;
  std::int64_t outputs_;
  std::vector<std::uint64_t> acc_;  // int64 accumulators (two's complement)
};

}  // namespace qtsim::hw
