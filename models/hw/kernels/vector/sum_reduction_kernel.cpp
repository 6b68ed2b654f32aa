#include "sum_reduction_kernel.hpp"

#include <stdexcept>

#include "models/hw/kernels/vector/widen_lane.hpp"

namespace qtsim::hw {

std::vector<StreamOperand> SumReductionKernel::operands_for(SumOf what, const HwTensor& dy, const HwTensor* x,
                                                            const HwTensor& out) {
  if (dy.is_float() || (x && x->is_float())) throw std::logic_error("integer sum reduction: float tensor " + dy.data.name);
  if ((what == SumOf::product) != (x != nullptr)) throw std::logic_error("integer sum reduction: x is the product's second factor");
  if (x && x->data.dims.numel() != dy.data.dims.numel()) throw std::logic_error("integer sum reduction: x and dy differ in size");
  const std::int64_t outputs = what == SumOf::per_channel ? dy.data.dims.c : 1;
  if (out.data.type != DType::i64 || out.data.dims.numel() != outputs || out.flagged)
    throw std::logic_error("integer sum reduction: result " + out.data.name + " must be int64 with " +
                           std::to_string(outputs) + " element(s)");
  std::vector<StreamOperand> ops{{dy, OperandRole::same, false, dy.flagged}};
  if (x) ops.push_back({*x, OperandRole::same, false, x->flagged});
  StreamOperand o{out, OperandRole::whole, true, false};
  o.last_only = true;
  ops.push_back(o);
  return ops;
}

SumReductionKernel::SumReductionKernel(KernelLabel label, SumOf what, const HwTensor& dy, const HwTensor* x,
                                       const HwTensor& out, const HwConfig& config)
    : StreamKernel(std::move(label), dy.data.dims, what == SumOf::per_channel ? Chunking::rows_by_channel : Chunking::flat,
                   operands_for(what, dy, x, out), config),
      what_(what), out_index_(x ? 2 : 1), outputs_(out.data.dims.numel()) {}

int SumReductionKernel::result_exp(KernelEnv& env) const {
  auto finest = [&](std::size_t k) {
    const HwTensor& t = operands()[k].tensor;
    return WidenLane::finest(t, static_cast<int>((*env.regs)[t.exp_reg]));
  };
  return what_ == SumOf::product ? finest(0) + finest(1) : finest(0);
}

void SumReductionKernel::start(KernelEnv& env) {
  StreamKernel::start(env);
  acc_.assign(static_cast<std::size_t>(outputs_), 0);
  if (env.exact()) (*env.regs)[operands()[out_index_].tensor.exp_reg] = result_exp(env);
}

void SumReductionKernel::cost(const Chunk& chunk, Tile& tile) const {
  const auto n = static_cast<std::uint64_t>(chunk.elements);
  int ops = 1;  // the accumulate
  tile.actions.add(Action::vec_int_add, n);
  for (std::size_t k = 0; k < out_index_; ++k)
    if (operands()[k].tensor.flagged) {  // fine/coarse widening shift
      tile.actions.add(Action::vec_int_add, n);
      ++ops;
    }
  if (what_ == SumOf::product) {
    tile.actions.add(Action::vec_int_mul, n);
    ++ops;
  }
  const int lanes = unit_lanes();
  tile.cycles = stream_cycles(chunk.elements, ops, lanes);
  if (chunk.last) {  // combine the lanes' partial sums of every output
    const std::int64_t combine = outputs_ * (lanes - 1);
    tile.actions.add(Action::vec_int_add, static_cast<std::uint64_t>(combine));
    tile.cycles += stream_cycles(combine, 1, lanes);
  }
}

void SumReductionKernel::compute(const Chunk& chunk, KernelEnv& env) {
  const int e_dy = static_cast<int>((*env.regs)[operands()[0].tensor.exp_reg]);
  const WidenLane dy(operands()[0].tensor, e_dy, WidenLane::finest(operands()[0].tensor, e_dy));
  if (what_ == SumOf::product) {
    const int e_x = static_cast<int>((*env.regs)[operands()[1].tensor.exp_reg]);
    const WidenLane x(operands()[1].tensor, e_x, WidenLane::finest(operands()[1].tensor, e_x));
    for (std::int64_t i = 0; i < chunk.elements; ++i)
      acc_[0] += static_cast<std::uint64_t>(dy(chunk.data[0], chunk.flags[0], i) * x(chunk.data[1], chunk.flags[1], i));
  } else if (what_ == SumOf::all) {
    for (std::int64_t i = 0; i < chunk.elements; ++i) acc_[0] += static_cast<std::uint64_t>(dy(chunk.data[0], chunk.flags[0], i));
  } else {
    const Box& b = chunk.box;  // rows of whole channels' planes, channel-major
    const std::int64_t plane = b.nh * b.nw;
    for (std::int64_t i = 0; i < chunk.elements; ++i)
      acc_[static_cast<std::size_t>(b.c0 + (i / plane) % b.nc)] += static_cast<std::uint64_t>(dy(chunk.data[0], chunk.flags[0], i));
  }
  if (chunk.last)
    for (std::int64_t k = 0; k < outputs_; ++k)
      store_element(chunk.data[out_index_], DType::i64, k, static_cast<std::int64_t>(acc_[static_cast<std::size_t>(k)]));
}

}  // namespace qtsim::hw
