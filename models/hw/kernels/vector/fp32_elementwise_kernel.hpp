#pragma once
// FP32 elementwise layers on the vector unit (docs/NUMERICS.md §9), one float
// operation per element, bit for bit as the reference's float32 arithmetic:
//   relu           y  = x if x > 0 or x is NaN (NaN propagates), else +0
//   relu_backward  dx = dy where the forward output y > 0, else +0
//   add            y  = a + b                       (residual add)
//   scalar_add     y  = x + b, b one element        (Fixup bias)
//   scalar_mul     y  = x * m, m one element        (Fixup scale forward and backward-data)
//   channel_add    y[n,c,h,w] = x[n,c,h,w] + b[c]   (conv/linear bias; b is [1][C][1][1])
// Outputs may overwrite an input's region (y in place of x). Flat chunking,
// rows for channel_add (the chunk's channels of b are loaded with it); scalars
// are loaded whole. Cost: one vector.fp32.add (compares too) or .mul per element.
#include "models/hw/kernels/vector/stream_kernel.hpp"

namespace qtsim::hw {

enum class Fp32ElementwiseOp { relu, relu_backward, add, scalar_add, scalar_mul, channel_add };

class Fp32ElementwiseKernel : public StreamKernel {
 public:
  // `a`: x (or dy for relu_backward); `b`: the second operand (y for relu_backward,
  // b, m), null for relu; `out`: float32 with a's dims.
  Fp32ElementwiseKernel(KernelLabel label, Fp32ElementwiseOp op, const HwTensor& a, const HwTensor* b,
                        const HwTensor& out, const HwConfig& config);

 private:
  void cost(const Chunk& chunk, Tile& tile) const override;
  void compute(const Chunk& chunk, KernelEnv& env) override;
  static std::vector<StreamOperand> operands_of(Fp32ElementwiseOp op, const HwTensor& a, const HwTensor* b,
                                                const HwTensor& out);

  Fp32ElementwiseOp op_;
};

}  // namespace qtsim::hw
