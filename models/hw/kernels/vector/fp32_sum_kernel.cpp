#include "fp32_sum_kernel.hpp"

#include <algorithm>
#include <stdexcept>

#include "models/hw/kernels/vector/float_lane.hpp"

namespace qtsim::hw {

std::vector<StreamOperand> Fp32SumKernel::operands_of(Fp32SumOp op, const HwTensor& a, const HwTensor* b,
                                                      const HwTensor& out) {
  if (!a.is_float() || !out.is_float() || (b && !b->is_float()) || ((op == Fp32SumOp::dot) != (b != nullptr)))
    throw std::invalid_argument("fp32 sum '" + out.data.name + "': float32 operands (two for dot) expected");
  const Dims4 expected = op == Fp32SumOp::channel_sum ? Dims4{1, a.data.dims.c, 1, 1} : Dims4{1, 1, 1, 1};
  if (!(out.data.dims == expected))
    throw std::invalid_argument("fp32 sum '" + out.data.name + "' should be " + expected.str());
  std::vector<StreamOperand> ops{{a, OperandRole::same, false, false}};
  if (b) ops.push_back({*b, OperandRole::same, false, false});
  StreamOperand o{out, OperandRole::whole, true, false};
  o.last_only = true;
  ops.push_back(o);
  return ops;
}

Fp32SumKernel::Fp32SumKernel(KernelLabel label, Fp32SumOp op, const HwTensor& a, const HwTensor* b,
                             const HwTensor& out, const HwConfig& config)
    : StreamKernel(std::move(label), a.data.dims, op == Fp32SumOp::channel_sum ? Chunking::rows_by_image : Chunking::flat,
                   operands_of(op, a, b, out), config),
      op_(op) {}

void Fp32SumKernel::start(KernelEnv& env) {
  StreamKernel::start(env);
  acc_.assign(static_cast<std::size_t>(op_ == Fp32SumOp::channel_sum ? shape().c : 1), 0.0);
}

void Fp32SumKernel::cost(const Chunk& chunk, Tile& tile) const {
  const auto n = static_cast<std::uint64_t>(chunk.elements);
  tile.actions.add(Action::vec_fp_add, n);
  if (op_ == Fp32SumOp::dot) tile.actions.add(Action::vec_fp_mul, n);
  const int lanes = op_ == Fp32SumOp::channel_sum ? static_cast<int>(std::min<std::int64_t>(unit_lanes(), chunk.box.nc)) : 1;
  tile.cycles = stream_cycles(chunk.elements, 1, lanes);
}

void Fp32SumKernel::compute(const Chunk& chunk, KernelEnv&) {
  const std::uint8_t* a = chunk.data[0];
  const Box& box = chunk.box;
  switch (op_) {
    case Fp32SumOp::sum:
      for (std::int64_t i = 0; i < chunk.elements; ++i) acc_[0] += load_f32(a, i);
      break;
    case Fp32SumOp::dot:
      for (std::int64_t i = 0; i < chunk.elements; ++i)
        acc_[0] += static_cast<double>(load_f32(a, i)) * static_cast<double>(load_f32(chunk.data[1], i));
      break;
    case Fp32SumOp::channel_sum: {
      const std::int64_t plane = box.nh * box.nw;
      for (std::int64_t i = 0; i < chunk.elements; ++i)
        acc_[static_cast<std::size_t>(box.c0 + (i / plane) % box.nc)] += load_f32(a, i);
      break;
    }
  }
  if (!chunk.last) return;
  std::uint8_t* out = chunk.data.back();
  for (std::size_t c = 0; c < acc_.size(); ++c) store_f32(out, static_cast<std::int64_t>(c), static_cast<float>(acc_[c]));
}

}  // namespace qtsim::hw
