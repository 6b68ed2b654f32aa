#pragma once
// The FP32 parameter update on the vector unit: PyTorch's SGD with momentum and
// weight decay (docs/NUMERICS.md §9), per element in float32 in the
// reference's order (no fused multiply-add):
//   g = grad;  if wd != 0: g = g + wd * w;  if mu != 0: v = mu * v + g, g = v;  w = w - lr * g
// The hyperparameters are the reference's float32 values: float(lr),
// float(momentum), and float(weight_decay) for parameters that decay (conv and
// linear weights), 0 for the others; the host writes them into the kernel's
// descriptor each step. Outputs may overwrite the inputs (in place) or go to
// the other bank. Flat chunking; cost per element: a multiply and an add per
// term present (decay, momentum, step).
#include "models/hw/kernels/vector/stream_kernel.hpp"

namespace qtsim::hw {

struct Fp32SgdHyper {
  float lr = 0.0f;
  float momentum = 0.0f;
  float weight_decay = 0.0f;  // 0 for parameters without decay
};

class Fp32SgdUpdateKernel : public StreamKernel {
 public:
  // velocity and velocity_out are required when hyper.momentum != 0 (else ignored).
  Fp32SgdUpdateKernel(KernelLabel label, const HwTensor& w, const HwTensor& grad, const HwTensor* velocity,
                      const HwTensor& w_out, const HwTensor* velocity_out, const Fp32SgdHyper& hyper,
                      const HwConfig& config);

 private:
  void cost(const Chunk& chunk, Tile& tile) const override;
  void compute(const Chunk& chunk, KernelEnv& env) override;
  static std::vector<StreamOperand> operands_of(const HwTensor& w, const HwTensor& grad, const HwTensor* velocity,
                                                const HwTensor& w_out, const HwTensor* velocity_out,
                                                const Fp32SgdHyper& hyper);

  Fp32SgdHyper hyper_;
  bool momentum_;
};

}  // namespace qtsim::hw
