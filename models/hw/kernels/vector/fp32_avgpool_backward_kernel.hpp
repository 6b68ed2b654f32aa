#pragma once
// FP32 average pool backward on the vector unit (docs/NUMERICS.md §9): each
// input's error is the sum of dy over the windows containing it, accumulated
// in double from 0.0 in increasing output order, divided in double by the area
// and rounded to float once. Global average pooling (PoolWindow::whole_plane)
// follows the reference's global backward instead: float(double(dy) / (H * W))
// broadcast over the plane, with no sum (so a -0.0 error stays -0.0).
//
// Whole planes per chunk: the iteration shape is the input's (dx), dy moves as
// the chunk's planes. Cost per input: one double add per candidate window
// (PoolWindow::candidates) and one divide; global pooling: one divide per plane
// and a broadcast.
#include "models/hw/kernels/vector/pool_window.hpp"
#include "models/hw/kernels/vector/stream_kernel.hpp"

namespace qtsim::hw {

class Fp32AvgPoolBackwardKernel : public StreamKernel {
 public:
  // dy: N x C x OH x OW float32; dx: float32 with the forward input's dims.
  Fp32AvgPoolBackwardKernel(KernelLabel label, const HwTensor& dy, const HwTensor& dx, const PoolWindow& window,
                            const HwConfig& config);

 private:
  void cost(const Chunk& chunk, Tile& tile) const override;
  void compute(const Chunk& chunk, KernelEnv& env) override;

  PoolWindow window_;
  Dims4 out_;
  std::int64_t candidates_;
};

}  // namespace qtsim::hw
