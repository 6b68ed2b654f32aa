#include "requantize_kernel.hpp"

#include <algorithm>

#include "models/hw/host/tensor_io.hpp"
#include "models/hw/kernels/vector/align_grid.hpp"
#include "models/hw/kernels/vector/widen_lane.hpp"

namespace qtsim::hw {

std::vector<StreamOperand> RequantizeKernel::inputs(const HwTensor& wide, const HwTensor* bias) {
  std::vector<StreamOperand> ops{{wide, OperandRole::same, false, false}};
  if (bias) ops.push_back({*bias, OperandRole::channel, false, false});
  return ops;
}

RequantizeKernel::RequantizeKernel(KernelLabel label, const HwTensor& wide, const HwTensor* bias, QuantizePass pass,
                                   QuantizeTarget target, const HwConfig& config)
    : QuantizePassKernel(std::move(label), wide.data.dims, bias ? Chunking::rows_by_image : Chunking::flat,
                         inputs(wide, bias), pass, std::move(target), config),
      has_bias_(bias != nullptr), wide_reg_(wide.exp_reg), bias_reg_(bias ? bias->exp_reg : -1) {}

int RequantizeKernel::wide_exp(KernelEnv& env) const {
  const int e = static_cast<int>((*env.regs)[wide_reg_]);
  if (!has_bias_) return e;
  // The accumulator's width: acc_bits - 1 when it saturates (symmetric), acc_bits when it wraps.
  const int acc_width = config().array.accumulator_bits - (config().array.accumulator_saturates ? 1 : 0);
  return common_grid({{e, acc_width}, {static_cast<int>((*env.regs)[bias_reg_]), stored_width(operands()[1].tensor)}});
}

void RequantizeKernel::wide_values(const Chunk& chunk, KernelEnv& env, std::int64_t* out) const {
  const DType t = operands()[0].tensor.data.type;
  if (!has_bias_) {
    for (std::int64_t i = 0; i < chunk.elements; ++i) out[i] = load_element(chunk.data[0], t, i);
    return;
  }
  const int e = wide_exp(env);
  const int wide_shift = static_cast<int>((*env.regs)[wide_reg_]) - e, bias_shift = static_cast<int>((*env.regs)[bias_reg_]) - e;
  const DType bt = operands()[1].tensor.data.type;
  const Box& b = chunk.box;
  const std::int64_t plane = b.nh * b.nw;
  for (std::int64_t i = 0; i < chunk.elements; ++i) {
    const std::int64_t c = (i / plane) % b.nc;  // channel within the chunk = index into the loaded bias slice
    out[i] = barrel_shift(load_element(chunk.data[0], t, i), wide_shift) +
             barrel_shift(load_element(chunk.data[1], bt, c), bias_shift);
  }
}

}  // namespace qtsim::hw
