#include "scalar_bias_kernel.hpp"

#include <algorithm>
#include <stdexcept>

#include "models/hw/kernels/vector/align_grid.hpp"
#include "models/hw/kernels/vector/widen_lane.hpp"

namespace qtsim::hw {

std::vector<StreamOperand> ScalarBiasKernel::inputs(const HwTensor& x, const HwTensor& b) {
  if (x.is_float() || b.is_float()) throw std::logic_error("integer scalar bias: float tensor " + x.data.name);
  if (b.data.dims.numel() != 1 || b.flagged) throw std::logic_error("integer scalar bias: b must be one unflagged element");
  return {{x, OperandRole::same, false, x.flagged}, {b, OperandRole::whole, false, false}};
}

ScalarBiasKernel::ScalarBiasKernel(KernelLabel label, const HwTensor& x, const HwTensor& b, QuantizePass pass,
                                   QuantizeTarget target, const HwConfig& config)
    : QuantizePassKernel(std::move(label), x.data.dims, Chunking::flat, inputs(x, b), pass, std::move(target), config) {}

Action ScalarBiasKernel::op_action() const {
  return label().unit == Unit::norm_unit ? Action::norm_scalar_op : Action::vec_int_add;
}

int ScalarBiasKernel::wide_exp(KernelEnv& env) const {
  const HwTensor& x = operands()[0].tensor;
  const HwTensor& b = operands()[1].tensor;
  return common_grid({{WidenLane::finest(x, static_cast<int>((*env.regs)[x.exp_reg])), stored_width(x)},
                      {static_cast<int>((*env.regs)[b.exp_reg]), stored_width(b)}});
}

void ScalarBiasKernel::wide_values(const Chunk& chunk, KernelEnv& env, std::int64_t* out) const {
  const HwTensor& x = operands()[0].tensor;
  const HwTensor& b = operands()[1].tensor;
  const int e = wide_exp(env);
  const WidenLane widen_x(x, static_cast<int>((*env.regs)[x.exp_reg]), e);
  const std::int64_t bias = WidenLane(b, static_cast<int>((*env.regs)[b.exp_reg]), e)(chunk.data[1], nullptr, 0);
  for (std::int64_t i = 0; i < chunk.elements; ++i) out[i] = widen_x(chunk.data[0], chunk.flags[0], i) + bias;
}

}  // namespace qtsim::hw
