#include "quantize_pass.hpp"

#include <algorithm>
#include <stdexcept>

#include "models/hw/host/tensor_io.hpp"

namespace qtsim::hw {

std::vector<StreamOperand> QuantizePassKernel::with_output(std::vector<StreamOperand> inputs, QuantizePass pass,
                                                           const QuantizeTarget& t) {
  if (pass == QuantizePass::quantize) {
    StreamOperand out;
    out.tensor = t.out;
    out.role = OperandRole::same;
    out.output = true;
    out.with_flags = t.spec.kind == ref::QuantizerKind::flag;
    inputs.push_back(out);
  }
  return inputs;
}

QuantizePassKernel::QuantizePassKernel(KernelLabel label, const Dims4& shape, Chunking chunking,
                                       std::vector<StreamOperand> inputs, QuantizePass pass, QuantizeTarget target,
                                       const HwConfig& config)
    : StreamKernel(std::move(label), shape, chunking, with_output(std::move(inputs), pass, target), config),
      pass_(pass), target_(std::move(target)), output_operand_(operands().size() - 1) {}

bool QuantizePassKernel::can_fuse_relu(const HwTensor& y) const {
  return pass_ == QuantizePass::quantize && !relu_ && !next_ && chunking() == Chunking::flat && !target_.out.flagged &&
         !y.flagged && !y.is_float() && y.data.dims.numel() == target_.out.data.dims.numel();
}

void QuantizePassKernel::fuse_relu(const HwTensor& y) {
  if (!can_fuse_relu(y)) throw std::logic_error("cannot fuse a ReLU into " + label().op + " of " + label().layer);
  relu_ = y;
  append_operands({{y, OperandRole::same, true, false}});
}

bool QuantizePassKernel::can_fuse_next_max(const QuantizePassKernel& next) const {
  if (pass_ != QuantizePass::quantize || next_ || chunking() != Chunking::flat) return false;
  // The next operation's arithmetic stays on its own unit (the Fixup unit's multiply is not the vector unit's).
  if (next.label().unit != label().unit) return false;
  if (next.pass() != QuantizePass::max || next.chunking() != Chunking::flat || next.operands().empty()) return false;
  const HwTensor& x = next.operands().front().tensor;
  const HwTensor& y = final_output();
  if (x.data.addr != y.data.addr || x.data.dims.numel() != y.data.dims.numel() || x.flagged || y.flagged) return false;
  for (std::size_t i = 1; i < next.operands().size(); ++i) {
    const StreamOperand& op = next.operands()[i];
    if (op.output || (op.role != OperandRole::same && op.role != OperandRole::whole)) return false;
  }
  return true;
}

void QuantizePassKernel::fuse_next_max(std::unique_ptr<QuantizePassKernel> next) {
  if (!next || !can_fuse_next_max(*next))
    throw std::logic_error("cannot fuse the next max pass into " + label().op + " of " + label().layer);
  next_first_operand_ = operands().size();
  append_operands({next->operands().begin() + 1, next->operands().end()});
  next_ = std::move(next);
}

void QuantizePassKernel::start(KernelEnv& env) {
  StreamKernel::start(env);
  max_ = 0;
  stored_nonzero_ = false;
  stats_ = {};
  if (env.exact()) {
    in_exp_ = wide_exp(env);
    if (pass_ == QuantizePass::quantize) {
      plan_ = plan_requant(target_.spec, static_cast<std::uint64_t>((*env.regs)[target_.max_reg]), in_exp_);
      (*env.regs)[target_.out.exp_reg] = plan_.out_exp;
      if (relu_) (*env.regs)[relu_->exp_reg] = plan_.out_exp;  // a ReLU keeps the exponent
    }
  }
  if (next_) next_->start(env);  // after this pass's output exponent is known
}

void QuantizePassKernel::finish(KernelEnv& env) {
  if (next_) next_->finish(env);
  if (!env.exact()) return;
  if (pass_ == QuantizePass::max) {
    (*env.regs)[target_.max_reg] = static_cast<std::int64_t>(max_);
    return;
  }
  record_quantization(*env.events, label().path, stats_, plan_);
}

void record_quantization(NumericEvents& events, const std::string& path, ref::QuantStats stats, const RequantPlan& plan) {
  stats.shift = plan.shift;
  stats.discarded_exp = plan.discarded_exp;
  ref::QuantStats& p = events.paths[path];
  p.add(stats);
  p.shift = stats.shift;
  p.discarded_exp = stats.discarded_exp;
}

void QuantizePassKernel::cost(const Chunk& chunk, Tile& tile) const {
  const auto n = static_cast<std::uint64_t>(chunk.elements);
  ActionCounts per_element;
  element_actions(per_element);
  int ops = 0;
  for (int a = 0; a < kActionCount; ++a) {
    const std::uint64_t k = per_element[static_cast<Action>(a)];
    tile.actions.add(static_cast<Action>(a), n * k);
    ops += static_cast<int>(k);
  }
  if (relu_) {  // max(q, 0) in the output stage
    tile.actions.add(op_action(), n);
    ++ops;
  }
  if (next_) {  // the next operation's wide result and its |v| compare, as this unit's operations
    ActionCounts next_element;
    next_->element_actions(next_element);
    std::uint64_t next_ops = 1;
    for (int a = 0; a < kActionCount; ++a) next_ops += next_element[static_cast<Action>(a)];
    tile.actions.add(op_action(), n * next_ops);
    ops += static_cast<int>(next_ops);
  }
  std::uint64_t cycles;
  if (pass_ == QuantizePass::max) {
    tile.actions.add(Action::vec_int_add, n);  // |v| compare into the running max
    cycles = stream_cycles(chunk.elements, ops + 1, unit_lanes());
  } else {
    tile.actions.add(Action::vec_shift_round, n);
    cycles = stream_cycles(chunk.elements, ops + 1, unit_lanes());
    if (target_.spec.rounding == ref::Rounding::stochastic) {
      tile.actions.add(Action::random_word, n);
      cycles = std::max(cycles, stream_cycles(chunk.elements, 1, config().random.lanes));
    }
  }
  tile.cycles = cycles;
}

void QuantizePassKernel::compute(const Chunk& chunk, KernelEnv& env) {
  std::vector<std::int64_t> wide(static_cast<std::size_t>(chunk.elements));
  wide_values(chunk, env, wide.data());
  if (pass_ == QuantizePass::max) {
    for (std::int64_t v : wide) max_ = std::max(max_, v < 0 ? static_cast<std::uint64_t>(-(v + 1)) + 1 : static_cast<std::uint64_t>(v));
    return;
  }
  const std::size_t o = output_operand_;  // the quantized output
  std::uint8_t* q = chunk.data[o];
  std::uint8_t* flags = chunk.flags[o];
  const DType type = target_.out.data.type;
  const bool stochastic = target_.spec.rounding == ref::Rounding::stochastic;
  const Dims4& s = shape();
  stats_.elements += static_cast<std::uint64_t>(chunk.elements);
  for (std::int64_t i = 0; i < chunk.elements; ++i) {
    const std::uint32_t word = stochastic ? target_.random.word(static_cast<std::uint64_t>(chunk.flat_index(s, i))) : 0U;
    bool flag = false;
    std::uint64_t sat = 0;
    const std::int64_t r = requant_element(wide[static_cast<std::size_t>(i)], plan_, word, &flag, &sat);
    if (plan_.kind == ref::QuantizerKind::constant) stats_.clipped += sat; else stats_.saturated += sat;
    store_element(q, type, i, r);
    stored_nonzero_ = stored_nonzero_ || r != 0;
    if (flags) flags[i] = flag ? 1 : 0;
  }
  std::size_t final_operand = o;
  if (relu_) {
    final_operand = o + 1;
    const DType rt = relu_->data.type;
    for (std::int64_t i = 0; i < chunk.elements; ++i) {
      const std::int64_t v = load_element(q, type, i);
      store_element(chunk.data[final_operand], rt, i, v > 0 ? v : 0);
    }
  }
  if (next_) {
    // The next operation sees this pass's final output where its own first operand would be.
    Chunk view = chunk;
    view.boxes.assign(1, chunk.boxes[final_operand]);
    view.data.assign(1, chunk.data[final_operand]);
    view.flags.assign(1, nullptr);
    for (std::size_t i = next_first_operand_; i < operands().size(); ++i) {
      view.boxes.push_back(chunk.boxes[i]);
      view.data.push_back(chunk.data[i]);
      view.flags.push_back(chunk.flags[i]);
    }
    next_->accumulate_max(view, env);
  }
}

void QuantizePassKernel::accumulate_max(const Chunk& view, KernelEnv& env) {
  std::vector<std::int64_t> wide(static_cast<std::size_t>(view.elements));
  wide_values(view, env, wide.data());
  for (std::int64_t v : wide) max_ = std::max(max_, v < 0 ? static_cast<std::uint64_t>(-(v + 1)) + 1 : static_cast<std::uint64_t>(v));
}

}  // namespace qtsim::hw
