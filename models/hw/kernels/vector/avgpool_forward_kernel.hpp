#pragma once
// Integer average pool forward on the vector unit (docs/NUMERICS.md §6):
// y = (sum of the window) * M at exponent e_x - 16, M = round(2^16 / area)
// (padding counts in the area), then the A quantizer (QuantizePassKernel: max
// pass, quantize pass). Global average pooling is the window of the whole
// plane (PoolWindow::whole_plane): area H * W, one output per plane.
//
// Whole planes per chunk: the iteration shape is the output's, the input moves
// as the chunk's planes. Cost per output: one add per window position and one
// multiply by M.
#include "models/hw/kernels/vector/pool_window.hpp"
#include "models/hw/kernels/vector/quantize_pass.hpp"

namespace qtsim::hw {

class AvgPoolForwardKernel : public QuantizePassKernel {
 public:
  // x: N x C x H x W integer (flags moved when flagged); target.out: N x C x OH x OW.
  AvgPoolForwardKernel(KernelLabel label, const HwTensor& x, const PoolWindow& window, QuantizePass pass,
                       QuantizeTarget target, const HwConfig& config);

 protected:
  int wide_exp(KernelEnv& env) const override;
  void wide_values(const Chunk& chunk, KernelEnv& env, std::int64_t* out) const override;
  int ops_per_element() const override { return static_cast<int>(window_.area() + 1); }
  void element_actions(ActionCounts& per_element) const override;

 private:
  PoolWindow window_;
  Dims4 in_;
  int x_reg_;
};

}  // namespace qtsim::hw
