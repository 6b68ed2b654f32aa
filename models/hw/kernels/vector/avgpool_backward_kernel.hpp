#pragma once
// Integer average pool backward on the vector unit (docs/NUMERICS.md §6): each
// input's error is M * (sum of dy over the windows containing it) at exponent
// e_dy - 16 (dy at its finest exponent: a flag-quantized dy is widened to its
// fine grid), then the E quantizer (QuantizePassKernel: max pass, quantize
// pass). Exact integers: the same value as the reference's sum of dy * M.
// Global average pooling: PoolWindow::whole_plane (one window per plane).
//
// Whole planes per chunk: the iteration shape is the input's (dx), dy moves as
// the chunk's planes. Each input gathers from its candidate windows
// (PoolWindow::candidates): one add per candidate and one multiply by M.
#include "models/hw/kernels/vector/pool_window.hpp"
#include "models/hw/kernels/vector/quantize_pass.hpp"

namespace qtsim::hw {

class AvgPoolBackwardKernel : public QuantizePassKernel {
 public:
  // dy: N x C x OH x OW integer (flags moved when flagged); x_dims: the forward
  // input's dims (dx's); target.out: dx.
  AvgPoolBackwardKernel(KernelLabel label, const HwTensor& dy, const Dims4& x_dims, const PoolWindow& window,
                        QuantizePass pass, QuantizeTarget target, const HwConfig& config);

 protected:
  int wide_exp(KernelEnv& env) const override;
  void wide_values(const Chunk& chunk, KernelEnv& env, std::int64_t* out) const override;
  int ops_per_element() const override { return static_cast<int>(candidates_ + 1); }
  void element_actions(ActionCounts& per_element) const override;

 private:
  PoolWindow window_;
  Dims4 out_;  // dy dims
  std::int64_t candidates_;
  int dy_reg_;
};

}  // namespace qtsim::hw
