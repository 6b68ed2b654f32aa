#include "scalar_scale_kernel.hpp"

#include <stdexcept>

#include "models/hw/kernels/vector/widen_lane.hpp"

namespace qtsim::hw {

std::vector<StreamOperand> ScalarScaleKernel::inputs(const HwTensor& x, const HwTensor& m) {
  if (x.is_float() || m.is_float()) throw std::logic_error("integer scalar scale: float tensor " + x.data.name);
  if (m.data.dims.numel() != 1 || m.flagged) throw std::logic_error("integer scalar scale: m must be one unflagged element");
  return {{x, OperandRole::same, false, x.flagged}, {m, OperandRole::whole, false, false}};
}

ScalarScaleKernel::ScalarScaleKernel(KernelLabel label, const HwTensor& x, const HwTensor& m, QuantizePass pass,
                                     QuantizeTarget target, const HwConfig& config)
    : QuantizePassKernel(std::move(label), x.data.dims, Chunking::flat, inputs(x, m), pass, std::move(target), config) {}

Action ScalarScaleKernel::op_action() const {
  return label().unit == Unit::norm_unit ? Action::norm_scalar_op : Action::vec_int_mul;
}

int ScalarScaleKernel::wide_exp(KernelEnv& env) const {
  const HwTensor& x = operands()[0].tensor;
  const HwTensor& m = operands()[1].tensor;
  return WidenLane::finest(x, static_cast<int>((*env.regs)[x.exp_reg])) + static_cast<int>((*env.regs)[m.exp_reg]);
}

void ScalarScaleKernel::wide_values(const Chunk& chunk, KernelEnv& env, std::int64_t* out) const {
  const HwTensor& x = operands()[0].tensor;
  const HwTensor& m = operands()[1].tensor;
  const int ex = static_cast<int>((*env.regs)[x.exp_reg]);
  const WidenLane widen_x(x, ex, WidenLane::finest(x, ex));
  const std::int64_t mq = load_element(chunk.data[1], m.data.type, 0);
  for (std::int64_t i = 0; i < chunk.elements; ++i) out[i] = widen_x(chunk.data[0], chunk.flags[0], i) * mq;
}

}  // namespace qtsim::hw
