#pragma once
// Max-pool forward on the vector unit (docs/NUMERICS.md §6, §9), integer or
// float32: each output is the maximum of its window in scan order, the first
// maximum wins (a later element must be strictly greater), padding never wins.
// No requantization: an integer output keeps the input's exponent (the
// controller copies the register). A float NaN wins once and then stays, so NaN
// propagates, as the reference. The kernel also stores, per output, where its
// maximum came from as the window offset r * kernel_w + s (PoolWindow::
// argmax_dtype: uint8 up to 16x16 windows) for the backward pass.
//
// Whole planes per chunk: the iteration shape is the output's, the input moves
// as the chunk's planes (OperandRole::planes). Cost per output: one compare per
// window position (padding positions included: the window walker is fixed).
#include "models/hw/kernels/vector/pool_window.hpp"
#include "models/hw/kernels/vector/stream_kernel.hpp"

namespace qtsim::hw {

class MaxPoolForwardKernel : public StreamKernel {
 public:
  // x: N x C x H x W, integer (not flagged) or float32; y: N x C x OH x OW of x's
  // type (integer: y.exp_reg receives x's exponent); argmax: N x C x OH x OW of
  // window.argmax_dtype().
  MaxPoolForwardKernel(KernelLabel label, const HwTensor& x, const HwTensor& y, const HwTensor& argmax,
                       const PoolWindow& window, const HwConfig& config);

  void start(KernelEnv& env) override;

 private:
  void cost(const Chunk& chunk, Tile& tile) const override;
  void compute(const Chunk& chunk, KernelEnv& env) override;

  PoolWindow window_;
  Dims4 in_;   // input dims
  int x_reg_, y_reg_;
  bool float_;
};

}  // namespace qtsim::hw
