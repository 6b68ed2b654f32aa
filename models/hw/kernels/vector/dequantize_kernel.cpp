#include "dequantize_kernel.hpp"

#include <cmath>
#include <cstring>
#include <stdexcept>

#include "models/hw/host/tensor_io.hpp"

namespace qtsim::hw {

namespace {

std::vector<StreamOperand> dequantize_operands(const HwTensor& x, const HwTensor& y) {
  if (x.is_float() || !y.is_float()) throw std::logic_error("dequantize: " + x.data.name + " -> " + y.data.name + " must be integer -> float32");
  return {{x, OperandRole::same, false, x.flagged}, {y, OperandRole::same, true, false}};
}

}  // namespace

DequantizeKernel::DequantizeKernel(KernelLabel label, const HwTensor& x, const HwTensor& y, const HwConfig& config)
    : StreamKernel(std::move(label), x.data.dims, Chunking::flat, dequantize_operands(x, y), config) {}

void DequantizeKernel::cost(const Chunk& chunk, Tile& tile) const {
  tile.actions.add(Action::vec_convert, static_cast<std::uint64_t>(chunk.elements));
  tile.cycles = stream_cycles(chunk.elements, 1, unit_lanes());
}

void DequantizeKernel::compute(const Chunk& chunk, KernelEnv& env) {
  const HwTensor& x = operands()[0].tensor;
  const int e = static_cast<int>((*env.regs)[x.exp_reg]);
  const std::uint8_t* flags = chunk.flags[0];
  for (std::int64_t i = 0; i < chunk.elements; ++i) {
    const int ei = flags && flags[i] ? e - x.flag_shift : e;
    const float v = std::ldexp(static_cast<float>(load_element(chunk.data[0], x.data.type, i)), ei);
    std::memcpy(chunk.data[1] + 4 * static_cast<std::size_t>(i), &v, 4);
  }
}

}  // namespace qtsim::hw
