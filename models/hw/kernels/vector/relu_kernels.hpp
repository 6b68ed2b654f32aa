#pragma once
// Integer ReLU on the vector unit (docs/NUMERICS.md §6): exact, one pass, no
// requantization, the exponent register copied through.
//   forward   y = max(q, 0); never flagged (activations carry no flag plane)
//   backward  dx = dy where the forward output y > 0, else 0; dy's flags kept,
//             a masked element gets flag 0
// One vector-lane op per element forward (max), two backward (compare y, select).
#include "models/hw/kernels/vector/stream_kernel.hpp"

namespace qtsim::hw {

class ReluForwardKernel : public StreamKernel {
 public:
  // x: integer activation (not flagged); y: integer tensor of x's dims (y.exp_reg receives x's exponent).
  ReluForwardKernel(KernelLabel label, const HwTensor& x, const HwTensor& y, const HwConfig& config);
  void start(KernelEnv& env) override;

 protected:
  void cost(const Chunk& chunk, Tile& tile) const override;
  void compute(const Chunk& chunk, KernelEnv& env) override;

 private:
  int x_reg_, y_reg_;
};

class ReluBackwardKernel : public StreamKernel {
 public:
  // dy: error at the ReLU's output (flags optional); y: the forward output;
  // dx: dy's dims, flagged exactly when dy is (dx.exp_reg receives dy's exponent).
  ReluBackwardKernel(KernelLabel label, const HwTensor& dy, const HwTensor& y, const HwTensor& dx,
                     const HwConfig& config);
  void start(KernelEnv& env) override;

 protected:
  void cost(const Chunk& chunk, Tile& tile) const override;
  void compute(const Chunk& chunk, KernelEnv& env) override;

 private:
  int dy_reg_, dx_reg_;
};

}  // namespace qtsim::hw
