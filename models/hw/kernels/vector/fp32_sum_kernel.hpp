#pragma once
// FP32 parameter-gradient reductions on the vector unit (docs/NUMERICS.md §9),
// accumulated in double in the reference's fixed order and rounded to float once:
//   sum          s = sum of x over all elements in order        (Fixup bias: db = sum dy)
//   dot          s = sum of a * b in order (products exact in double)  (Fixup scale: dm = sum dy * x)
//   channel_sum  s[c] = sum over n, then h, w of x[n,c,h,w]     (conv/linear bias: db[c])
// The sums stay in the unit's accumulators until the last chunk, which stores
// them ([1][1][1][1], or [1][C][1][1] for channel_sum). A fixed order means one
// in-order accumulator chain per sum: sum and dot take one element per cycle;
// channel_sum runs the chunk's channels on separate lanes. Flat chunking, rows
// (image-major) for channel_sum. Cost: one double add per element (counted as
// vector.fp32.add), plus one multiply for dot.
#include <vector>

#include "models/hw/kernels/vector/stream_kernel.hpp"

namespace qtsim::hw {

enum class Fp32SumOp { sum, dot, channel_sum };

class Fp32SumKernel : public StreamKernel {
 public:
  // `a`: dy; `b`: x for dot, else null; `out`: float32 [1][1][1][1], or [1][C][1][1] for channel_sum.
  Fp32SumKernel(KernelLabel label, Fp32SumOp op, const HwTensor& a, const HwTensor* b, const HwTensor& out,
                const HwConfig& config);

  void start(KernelEnv& env) override;

 private:
  void cost(const Chunk& chunk, Tile& tile) const override;
  void compute(const Chunk& chunk, KernelEnv& env) override;
  static std::vector<StreamOperand> operands_of(Fp32SumOp op, const HwTensor& a, const HwTensor* b,
                                                const HwTensor& out);

  Fp32SumOp op_;
  std::vector<double> acc_;  // the accumulators (exact mode)
};

}  // namespace qtsim::hw
