#pragma once
// FP32 max-pool backward on the vector unit (docs/NUMERICS.md §9): each
// input's error is the sum of dy over the outputs whose maximum it was (the
// argmax offsets MaxPoolForwardKernel stored), accumulated in double from 0.0
// in increasing output order and rounded to float once, as the reference.
//
// Whole planes per chunk: the iteration shape is the input's (dx), dy and the
// argmax move as the chunk's planes. Each input gathers from its candidate
// windows (PoolWindow::candidates): per candidate one integer compare of the
// stored offset and one add in the double accumulator (counted as
// vector.fp32.add); lanes work on different inputs, each lane's sum in order.
#include "models/hw/kernels/vector/pool_window.hpp"
#include "models/hw/kernels/vector/stream_kernel.hpp"

namespace qtsim::hw {

class Fp32MaxPoolBackwardKernel : public StreamKernel {
 public:
  // dy: N x C x OH x OW float32; argmax: as MaxPoolForwardKernel stored it;
  // dx: float32 with the forward input's dims.
  Fp32MaxPoolBackwardKernel(KernelLabel label, const HwTensor& dy, const HwTensor& argmax, const HwTensor& dx,
                            const PoolWindow& window, const HwConfig& config);

 private:
  void cost(const Chunk& chunk, Tile& tile) const override;
  void compute(const Chunk& chunk, KernelEnv& env) override;

  PoolWindow window_;
  Dims4 out_;
  std::int64_t candidates_;
};

}  // namespace qtsim::hw
