#include "int_bn_affine_kernel.hpp"

#include <algorithm>
#include <stdexcept>

#include "models/hw/host/tensor_io.hpp"
#include "models/hw/kernels/norm/norm_datapath.hpp"
#include "models/hw/kernels/vector/widen_lane.hpp"

namespace qtsim::hw {

namespace {

enum Operand { kXhat, kGamma, kBeta, kY };

std::vector<StreamOperand> operand_list(const HwTensor& xhat, const HwTensor& gamma, const HwTensor& beta,
                                    const QuantizeTarget& t) {
  return {{xhat, OperandRole::same, false, false, false},
          {gamma, OperandRole::channel, false, false, false},
          {beta, OperandRole::channel, false, false, false},
          {t.out, OperandRole::same, true, t.spec.kind == ref::QuantizerKind::flag, false}};
}

}  // namespace

IntBnAffineKernel::IntBnAffineKernel(KernelLabel label, const HwTensor& xhat, const HwTensor& gamma,
                                     const HwTensor& beta, const QuantizeTarget& target, const HwConfig& config)
    : StreamKernel(std::move(label), xhat.data.dims, Chunking::rows_by_channel, operand_list(xhat, gamma, beta, target),
                   config),
      target_(target), xhat_reg_(xhat.exp_reg), gamma_reg_(gamma.exp_reg), beta_reg_(beta.exp_reg) {
  const char* k = "int-bn affine";
  const Dims4& d = xhat.data.dims;
  if (xhat.is_float() || gamma.is_float() || beta.is_float())
    throw std::logic_error(std::string(k) + ": integer tensors expected");
  norm::require_channel_vector(gamma, d.c, gamma.data.type, k);
  norm::require_channel_vector(beta, d.c, beta.data.type, k);
  norm::require_tensor(target.out, d, target.out.data.type, k);
  if (target.max_reg < 0 || target.out.exp_reg < 0) throw std::logic_error(std::string(k) + ": registers needed");
  if (target.spec.kind == ref::QuantizerKind::flag && !target.out.flagged)
    throw std::logic_error(std::string(k) + ": a flag quantizer needs an output with a flag plane");
}

void IntBnAffineKernel::start(KernelEnv& env) {
  StreamKernel::start(env);
  stats_ = {};
  if (!env.exact()) return;
  ScalarRegs& r = *env.regs;
  const norm::AffineGrid grid =
      norm::affine_grid(static_cast<int>(r[xhat_reg_]), operands()[kXhat].tensor.bits, operands()[kGamma].tensor,
                        static_cast<int>(r[gamma_reg_]), operands()[kBeta].tensor, static_cast<int>(r[beta_reg_]));
  prod_shift_ = grid.prod_shift;
  beta_shift_ = grid.beta_shift;
  plan_ = plan_requant(target_.spec, static_cast<std::uint64_t>(r[target_.max_reg]), grid.exp);
  r[target_.out.exp_reg] = plan_.out_exp;
}

void IntBnAffineKernel::finish(KernelEnv& env) {
  if (env.exact()) norm::record_quantization(env, label().path, stats_, plan_);
}

void IntBnAffineKernel::cost(const Chunk& chunk, Tile& tile) const {
  const auto n = static_cast<std::uint64_t>(chunk.elements);
  tile.actions.add(Action::norm_int_mul, n);
  tile.actions.add(Action::norm_int_add, n);
  tile.actions.add(Action::vec_shift_round, n);
  std::uint64_t cycles = stream_cycles(chunk.elements, 3, unit_lanes());
  if (target_.spec.rounding == ref::Rounding::stochastic) {
    tile.actions.add(Action::random_word, n);
    cycles = std::max(cycles, stream_cycles(chunk.elements, 1, config().random.lanes));
  }
  tile.cycles = cycles;
}

void IntBnAffineKernel::compute(const Chunk& chunk, KernelEnv&) {
  const Box& b = chunk.box;
  const DType xt = operands()[kXhat].tensor.data.type, gt = operands()[kGamma].tensor.data.type;
  const DType bt = operands()[kBeta].tensor.data.type, yt = operands()[kY].tensor.data.type;
  const bool stochastic = target_.spec.rounding == ref::Rounding::stochastic;
  std::uint8_t* flags = chunk.flags[kY];
  stats_.elements += static_cast<std::uint64_t>(chunk.elements);
  for (std::int64_t i = 0; i < chunk.elements; ++i) {
    const std::int64_t c = norm::channel_of(b, i) - b.c0;
    const std::int64_t y =
        barrel_shift(load_element(chunk.data[kXhat], xt, i) * load_element(chunk.data[kGamma], gt, c), prod_shift_) +
        barrel_shift(load_element(chunk.data[kBeta], bt, c), beta_shift_);
    const std::uint32_t word =
        stochastic ? target_.random.word(static_cast<std::uint64_t>(chunk.flat_index(shape(), i))) : 0U;
    bool flag = false;
    std::uint64_t sat = 0;
    store_element(chunk.data[kY], yt, i, requant_element(y, plan_, word, &flag, &sat));
    if (plan_.kind == ref::QuantizerKind::constant) stats_.clipped += sat; else stats_.saturated += sat;
    if (flags) flags[i] = flag ? 1 : 0;
  }
}

}  // namespace qtsim::hw
