#pragma once
// FP32 average pool forward on the vector unit (docs/NUMERICS.md §9): each
// output is the window's sum, accumulated in double from 0.0 in scan order
// (padding skipped), divided in double by the area (padding counts in it, as
// PyTorch's default) and rounded to float once. Global average pooling is the
// window of the whole plane (PoolWindow::whole_plane): the same sum over the
// plane in order, divided by H * W, as the reference.
//
// Whole planes per chunk: the iteration shape is the output's, the input moves
// as the chunk's planes. Cost per output: one double add per window position
// (counted as vector.fp32.add) and one divide; lanes work on different outputs.
#include "models/hw/kernels/vector/pool_window.hpp"
#include "models/hw/kernels/vector/stream_kernel.hpp"

namespace qtsim::hw {

class Fp32AvgPoolForwardKernel : public StreamKernel {
 public:
  // x: N x C x H x W float32; y: N x C x OH x OW float32.
  Fp32AvgPoolForwardKernel(KernelLabel label, const HwTensor& x, const HwTensor& y, const PoolWindow& window,
                           const HwConfig& config);

 private:
  void cost(const Chunk& chunk, Tile& tile) const override;
  void compute(const Chunk& chunk, KernelEnv& env) override;

  PoolWindow window_;
  Dims4 in_;
};

}  // namespace qtsim::hw
