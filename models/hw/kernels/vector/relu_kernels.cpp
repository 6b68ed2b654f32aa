#include "relu_kernels.hpp"

#include <stdexcept>

#include "models/hw/host/tensor_io.hpp"

namespace qtsim::hw {

namespace {

constexpr int kForwardOps = 1;   // max(q, 0)
constexpr int kBackwardOps = 2;  // y > 0, select dy or 0 (with its flag)

std::vector<StreamOperand> relu_forward_operands(const HwTensor& x, const HwTensor& y) {
  if (x.is_float() || y.is_float()) throw std::logic_error("integer relu: float tensor " + x.data.name);
  if (x.flagged || y.flagged) throw std::logic_error("integer relu forward: activations are never flagged (" + x.data.name + ")");
  return {{x, OperandRole::same, false, false}, {y, OperandRole::same, true, false}};
}

std::vector<StreamOperand> relu_backward_operands(const HwTensor& dy, const HwTensor& y, const HwTensor& dx) {
  if (dy.is_float() || y.is_float() || dx.is_float()) throw std::logic_error("integer relu backward: float tensor " + dy.data.name);
  if (dy.flagged != dx.flagged || (dy.flagged && dy.flag_shift != dx.flag_shift))
    throw std::logic_error("integer relu backward: dx must carry dy's flag plane (" + dx.data.name + ")");
  if (y.data.dims.numel() != dy.data.dims.numel()) throw std::logic_error("integer relu backward: y and dy differ in size");
  return {{dy, OperandRole::same, false, dy.flagged}, {y, OperandRole::same, false, false},
          {dx, OperandRole::same, true, dx.flagged}};
}

}  // namespace

ReluForwardKernel::ReluForwardKernel(KernelLabel label, const HwTensor& x, const HwTensor& y, const HwConfig& config)
    : StreamKernel(std::move(label), x.data.dims, Chunking::flat, relu_forward_operands(x, y), config),
      x_reg_(x.exp_reg), y_reg_(y.exp_reg) {}

void ReluForwardKernel::start(KernelEnv& env) {
  StreamKernel::start(env);
  if (env.exact()) (*env.regs)[y_reg_] = (*env.regs)[x_reg_];
}

void ReluForwardKernel::cost(const Chunk& chunk, Tile& tile) const {
  tile.actions.add(Action::vec_int_add, static_cast<std::uint64_t>(chunk.elements) * kForwardOps);
  tile.cycles = stream_cycles(chunk.elements, kForwardOps, unit_lanes());
}

void ReluForwardKernel::compute(const Chunk& chunk, KernelEnv&) {
  const DType xt = operands()[0].tensor.data.type, yt = operands()[1].tensor.data.type;
  for (std::int64_t i = 0; i < chunk.elements; ++i) {
    const std::int64_t q = load_element(chunk.data[0], xt, i);
    store_element(chunk.data[1], yt, i, q > 0 ? q : 0);
  }
}

ReluBackwardKernel::ReluBackwardKernel(KernelLabel label, const HwTensor& dy, const HwTensor& y, const HwTensor& dx,
                                       const HwConfig& config)
    : StreamKernel(std::move(label), dy.data.dims, Chunking::flat, relu_backward_operands(dy, y, dx), config),
      dy_reg_(dy.exp_reg), dx_reg_(dx.exp_reg) {}

void ReluBackwardKernel::start(KernelEnv& env) {
  StreamKernel::start(env);
  if (env.exact()) (*env.regs)[dx_reg_] = (*env.regs)[dy_reg_];
}

void ReluBackwardKernel::cost(const Chunk& chunk, Tile& tile) const {
  tile.actions.add(Action::vec_int_add, static_cast<std::uint64_t>(chunk.elements) * kBackwardOps);
  tile.cycles = stream_cycles(chunk.elements, kBackwardOps, unit_lanes());
}

void ReluBackwardKernel::compute(const Chunk& chunk, KernelEnv&) {
  const DType dyt = operands()[0].tensor.data.type, yt = operands()[1].tensor.data.type,
              dxt = operands()[2].tensor.data.type;
  const std::uint8_t* dy_flags = chunk.flags[0];
  std::uint8_t* dx_flags = chunk.flags[2];
  for (std::int64_t i = 0; i < chunk.elements; ++i) {
    const bool pass = load_element(chunk.data[1], yt, i) > 0;
    store_element(chunk.data[2], dxt, i, pass ? load_element(chunk.data[0], dyt, i) : 0);
    if (dx_flags) dx_flags[i] = pass ? dy_flags[i] : 0;
  }
}

}  // namespace qtsim::hw
