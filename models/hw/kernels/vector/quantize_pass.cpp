#include "quantize_pass.hpp"

#include <algorithm>

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
      pass_(pass), target_(std::move(target)) {}

void QuantizePassKernel::start(KernelEnv& env) {
  StreamKernel::start(env);
  max_ = 0;
  stored_nonzero_ = false;
  stats_ = {};
  if (!env.exact()) return;
  in_exp_ = wide_exp(env);
  if (pass_ == QuantizePass::quantize) {
    plan_ = plan_requant(target_.spec, static_cast<std::uint64_t>((*env.regs)[target_.max_reg]), in_exp_);
    (*env.regs)[target_.out.exp_reg] = plan_.out_exp;
  }
}

void QuantizePassKernel::finish(KernelEnv& env) {
  if (!env.exact()) return;
  if (pass_ == QuantizePass::max) {
    (*env.regs)[target_.max_reg] = static_cast<std::int64_t>(max_);
    return;
  }
  stats_.shift = plan_.shift;
  stats_.discarded_exp = plan_.discarded_exp;
  ref::QuantStats& path = env.events->paths[label().path];
  path.add(stats_);
  path.shift = stats_.shift;
  path.discarded_exp = stats_.discarded_exp;
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
  const std::size_t o = operands().size() - 1;  // the output
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
}

}  // namespace qtsim::hw
