#pragma once
// Leaving an integer path (docs/NUMERICS.md §4.7): y = float(q) · 2^e per
// element (e one flag_shift finer for a flagged element): the int converted to
// float32 with round-to-nearest-even, then its exponent field adjusted (ldexp,
// which rounds once more only if the result leaves the normal range). One pass,
// one conversion per element (vector.convert). Used for the logits entering the
// loss stage, and wherever an integer tensor feeds a float layer.
#include "models/hw/kernels/vector/stream_kernel.hpp"

namespace qtsim::hw {

class DequantizeKernel : public StreamKernel {
 public:
  // x: integer tensor (flags optional); y: float32 of x's dims.
  DequantizeKernel(KernelLabel label, const HwTensor& x, const HwTensor& y, const HwConfig& config);

 protected:
  void cost(const Chunk& chunk, Tile& tile) const override;
  void compute(const Chunk& chunk, KernelEnv& env) override;
};

}  // namespace qtsim::hw
