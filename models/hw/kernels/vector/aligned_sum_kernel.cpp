#include "aligned_sum_kernel.hpp"

#include <algorithm>
#include <stdexcept>

#include "models/hw/kernels/vector/align_grid.hpp"
#include "models/hw/kernels/vector/widen_lane.hpp"

namespace qtsim::hw {

std::vector<StreamOperand> AlignedSumKernel::inputs(const std::vector<HwTensor>& summands) {
  if (summands.empty()) throw std::logic_error("aligned sum: no summands");
  std::vector<StreamOperand> ops;
  for (const HwTensor& t : summands) {
    if (t.is_float()) throw std::logic_error("aligned sum: float summand " + t.data.name + " (enter it with FloatEntryKernel)");
    if (t.data.dims.numel() != summands[0].data.dims.numel())
      throw std::logic_error("aligned sum: " + t.data.name + " differs in size from " + summands[0].data.name);
    ops.push_back({t, OperandRole::same, false, t.flagged});
  }
  return ops;
}

AlignedSumKernel::AlignedSumKernel(KernelLabel label, const std::vector<HwTensor>& summands, QuantizePass pass,
                                   QuantizeTarget target, const HwConfig& config)
    : QuantizePassKernel(std::move(label), summands.at(0).data.dims, Chunking::flat, inputs(summands), pass,
                         std::move(target), config),
      count_(static_cast<int>(summands.size())) {}

int AlignedSumKernel::wide_exp(KernelEnv& env) const {
  std::vector<AlignSource> sources;
  for (int k = 0; k < count_; ++k) {
    const HwTensor& t = operands()[static_cast<std::size_t>(k)].tensor;
    sources.push_back({WidenLane::finest(t, static_cast<int>((*env.regs)[t.exp_reg])), stored_width(t)});
  }
  return common_grid(sources);
}

void AlignedSumKernel::wide_values(const Chunk& chunk, KernelEnv& env, std::int64_t* out) const {
  const int e = wide_exp(env);
  std::fill(out, out + chunk.elements, 0);
  for (int k = 0; k < count_; ++k) {
    const auto o = static_cast<std::size_t>(k);
    const HwTensor& t = operands()[o].tensor;
    const WidenLane widen(t, static_cast<int>((*env.regs)[t.exp_reg]), e);
    for (std::int64_t i = 0; i < chunk.elements; ++i)  // the grid leaves the adder tree room: no overflow
      out[i] += widen(chunk.data[o], chunk.flags[o], i);
  }
}

}  // namespace qtsim::hw
