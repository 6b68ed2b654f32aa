#include "fp32_sgd_update_kernel.hpp"

#include <stdexcept>

#include "models/hw/kernels/vector/float_lane.hpp"

namespace qtsim::hw {

std::vector<StreamOperand> Fp32SgdUpdateKernel::operands_of(const HwTensor& w, const HwTensor& grad,
                                                            const HwTensor* velocity, const HwTensor& w_out,
                                                            const HwTensor* velocity_out, const Fp32SgdHyper& hyper) {
  const bool momentum = hyper.momentum != 0.0f;
  if (momentum && (!velocity || !velocity_out))
    throw std::invalid_argument("fp32 SGD of '" + w.data.name + "': momentum needs the velocity buffers");
  std::vector<StreamOperand> ops{{w, OperandRole::same, false, false}, {grad, OperandRole::same, false, false}};
  if (momentum) ops.push_back({*velocity, OperandRole::same, false, false});
  ops.push_back({w_out, OperandRole::same, true, false});
  if (momentum) ops.push_back({*velocity_out, OperandRole::same, true, false});
  for (const StreamOperand& o : ops)
    if (!o.tensor.is_float()) throw std::invalid_argument("fp32 SGD: '" + o.tensor.data.name + "' is not float32");
  return ops;
}

Fp32SgdUpdateKernel::Fp32SgdUpdateKernel(KernelLabel label, const HwTensor& w, const HwTensor& grad,
                                         const HwTensor* velocity, const HwTensor& w_out,
                                         const HwTensor* velocity_out, const Fp32SgdHyper& hyper,
                                         const HwConfig& config)
    : StreamKernel(std::move(label), w.data.dims, Chunking::flat,
                   operands_of(w, grad, velocity, w_out, velocity_out, hyper), config),
      hyper_(hyper), momentum_(hyper.momentum != 0.0f) {}

void Fp32SgdUpdateKernel::cost(const Chunk& chunk, Tile& tile) const {
  const int terms = 1 + (hyper_.weight_decay != 0.0f ? 1 : 0) + (momentum_ ? 1 : 0);
  const auto n = static_cast<std::uint64_t>(chunk.elements) * static_cast<std::uint64_t>(terms);
  tile.actions.add(Action::vec_fp_mul, n);
  tile.actions.add(Action::vec_fp_add, n);
  tile.cycles = stream_cycles(chunk.elements, 2 * terms, unit_lanes());
}

void Fp32SgdUpdateKernel::compute(const Chunk& chunk, KernelEnv&) {
  const std::uint8_t* w = chunk.data[0];
  const std::uint8_t* grad = chunk.data[1];
  const std::uint8_t* v = momentum_ ? chunk.data[2] : nullptr;
  std::uint8_t* w_out = chunk.data[momentum_ ? 3 : 2];
  std::uint8_t* v_out = momentum_ ? chunk.data[4] : nullptr;
  const float lr = hyper_.lr, mu = hyper_.momentum, wd = hyper_.weight_decay;
  for (std::int64_t i = 0; i < chunk.elements; ++i) {
    const float wi = load_f32(w, i);
    float g = load_f32(grad, i);
    if (wd != 0.0f) {
      const float decay = wd * wi;
      g = g + decay;
    }
    if (momentum_) {
      const float scaled = mu * load_f32(v, i);
      g = scaled + g;
      store_f32(v_out, i, g);
    }
    const float step = lr * g;
    store_f32(w_out, i, wi - step);
  }
}

}  // namespace qtsim::hw
