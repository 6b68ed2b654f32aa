#pragma once
// Integer max-pool backward on the vector unit (docs/NUMERICS.md §6): each
// input's error is the sum of dy over the outputs whose maximum it was (the
// argmax offsets the forward kernel stored), exact at dy's finest exponent
// (a flag-quantized dy is widened to its fine grid), then the E quantizer
// (QuantizePassKernel: max pass, quantize pass).
//
// Whole planes per chunk: the iteration shape is the input's (dx), dy and the
// argmax move as the chunk's planes. Each input gathers from its candidate
// windows (PoolWindow::candidates): per candidate one compare of the stored
// offset and one add.
#include "models/hw/kernels/vector/pool_window.hpp"
#include "models/hw/kernels/vector/quantize_pass.hpp"

namespace qtsim::hw {

class MaxPoolBackwardKernel : public QuantizePassKernel {
 public:
  // dy: N x C x OH x OW integer (flags moved when flagged); argmax: as stored by
  // MaxPoolForwardKernel; x_dims: the forward input's dims (dx's); target.out: dx.
  MaxPoolBackwardKernel(KernelLabel label, const HwTensor& dy, const HwTensor& argmax, const Dims4& x_dims,
                        const PoolWindow& window, QuantizePass pass, QuantizeTarget target, const HwConfig& config);

 protected:
  int wide_exp(KernelEnv& env) const override;
  void wide_values(const Chunk& chunk, KernelEnv& env, std::int64_t* out) const override;
  int ops_per_element() const override { return static_cast<int>(2 * candidates_); }

 private:
  PoolWindow window_;
  Dims4 out_;  // dy dims
  std::int64_t candidates_;
  int dy_reg_;
};

}  // namespace qtsim::hw
