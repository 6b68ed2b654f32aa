#include "int_bn_normalize_kernel.hpp"

#include <algorithm>
#include <stdexcept>

#include "models/hw/host/tensor_io.hpp"
#include "models/hw/kernels/vector/align_grid.hpp"
#include "models/hw/kernels/vector/widen_lane.hpp"

namespace qtsim::hw {

namespace {

enum Operand { kX, kMean, kInv, kGamma, kBeta, kXhat };

std::vector<StreamOperand> operand_list(QuantizePass pass, const HwTensor& x, const IntBnStatistics& s,
                                    const HwTensor& gamma, const HwTensor& beta, const IntBnXhatTarget& t) {
  auto ch = [](const HwTensor& v) { return StreamOperand{v, OperandRole::channel, false, false, false}; };
  std::vector<StreamOperand> ops{{x, OperandRole::same, false, false, false}, ch(s.mean), ch(s.inv)};
  if (pass == QuantizePass::quantize) {
    ops.push_back(ch(gamma));
    ops.push_back(ch(beta));
    ops.push_back({t.xhat, OperandRole::same, true, false, false});
  }
  return ops;
}

}  // namespace

IntBnNormalizeKernel::IntBnNormalizeKernel(KernelLabel label, QuantizePass pass, const HwTensor& x,
                                           const IntBnStatistics& stats, const HwTensor& gamma, const HwTensor& beta,
                                           const IntBnXhatTarget& target, const ref::IntBatchNormSpec& spec,
                                           const HwConfig& config)
    : StreamKernel(std::move(label), x.data.dims, Chunking::rows_by_channel,
                   operand_list(pass, x, stats, gamma, beta, target), config),
      pass_(pass), stats_(stats), target_(target), spec_(spec), x_reg_(x.exp_reg), gamma_reg_(gamma.exp_reg),
      beta_reg_(beta.exp_reg) {
  const char* k = "int-bn normalize";
  const Dims4& d = x.data.dims;
  if (x.is_float()) throw std::logic_error(std::string(k) + ": x must be an integer tensor");
  norm::require_channel_vector(stats.mean, d.c, stats.mean.data.type, k);
  norm::require_channel_vector(stats.inv, d.c, DType::i64, k);
  if (target.narrow_reg < 0 || target.max_reg < 0) throw std::logic_error(std::string(k) + ": z and max registers needed");
  if (pass == QuantizePass::quantize) {
    if (gamma.is_float() || beta.is_float()) throw std::logic_error(std::string(k) + ": gamma, beta must be integers");
    norm::require_channel_vector(gamma, d.c, gamma.data.type, k);
    norm::require_channel_vector(beta, d.c, beta.data.type, k);
    norm::require_tensor(target.xhat, d, int_dtype_for_bits(spec.norm_bits), k);
    if (target.y_max_reg < 0 || target.xhat.exp_reg < 0)
      throw std::logic_error(std::string(k) + ": e_xhat and max|y| registers needed");
  }
}

void IntBnNormalizeKernel::start(KernelEnv& env) {
  StreamKernel::start(env);
  range_ = {};
  y_max_ = 0;
  stats_q_ = {};
  if (!env.exact()) return;
  ScalarRegs& r = *env.regs;
  const int e_x = static_cast<int>(r[x_reg_]), e_mu = static_cast<int>(r[stats_.mean.exp_reg]);
  // d = x - mu_q on their common grid (as the statistics pass chose it).
  const int e_d = common_grid({{e_x, stored_width(operands()[kX].tensor)}, {e_mu, stored_width(stats_.mean)}});
  a_ = e_x - e_d;
  b_ = e_mu - e_d;
  if (pass_ == QuantizePass::max) return;
  z_ = static_cast<int>(r[target_.narrow_reg]);
  const int e_p = e_d - static_cast<int>(r[stats_.inv_r_reg]) - static_cast<int>(r[stats_.stddev.exp_reg]) + z_;
  plan_ = plan_requant({ref::QuantizerKind::shift, spec_.norm_bits, ref::Rounding::nearest},
                       static_cast<std::uint64_t>(r[target_.max_reg]), e_p);
  r[target_.xhat.exp_reg] = plan_.out_exp;
  const norm::AffineGrid grid = norm::affine_grid(plan_.out_exp, target_.xhat.bits, operands()[kGamma].tensor,
                                                  static_cast<int>(r[gamma_reg_]), operands()[kBeta].tensor,
                                                  static_cast<int>(r[beta_reg_]));
  prod_shift_ = grid.prod_shift;
  beta_shift_ = grid.beta_shift;
}

void IntBnNormalizeKernel::finish(KernelEnv& env) {
  if (!env.exact()) return;
  ScalarRegs& r = *env.regs;
  if (pass_ == QuantizePass::max) {
    r[target_.narrow_reg] = range_.narrow_shift();
    r[target_.max_reg] = static_cast<std::int64_t>(range_.narrowed_max_abs());
    return;
  }
  r[target_.y_max_reg] = static_cast<std::int64_t>(y_max_);
  stats_q_.shift = plan_.shift;
  norm::record_quantization(env, label().path, stats_q_, plan_);
}

void IntBnNormalizeKernel::cost(const Chunk& chunk, Tile& tile) const {
  const auto n = static_cast<std::uint64_t>(chunk.elements);
  if (pass_ == QuantizePass::max) {
    tile.actions.add(Action::norm_int_add, 3 * n);  // d, max and min compares
    tile.actions.add(Action::norm_int_mul, n);      // d * inv
    tile.cycles = stream_cycles(chunk.elements, 4, unit_lanes());
    return;
  }
  tile.actions.add(Action::norm_int_add, 3 * n);  // d, + beta, |y| compare
  tile.actions.add(Action::norm_int_mul, 2 * n);  // d * inv, gamma * xhat
  tile.actions.add(Action::vec_shift_round, n);
  tile.cycles = stream_cycles(chunk.elements, 6, unit_lanes());
}

void IntBnNormalizeKernel::compute(const Chunk& chunk, KernelEnv&) {
  const Box& b = chunk.box;
  const DType xt = operands()[kX].tensor.data.type, mt = operands()[kMean].tensor.data.type;
  auto product = [&](std::int64_t i, std::int64_t c) {
    const std::int64_t d = barrel_shift(load_element(chunk.data[kX], xt, i), a_) -
                           barrel_shift(load_element(chunk.data[kMean], mt, c), b_);
    return static_cast<__int128>(d) * load_element(chunk.data[kInv], DType::i64, c);
  };
  if (pass_ == QuantizePass::max) {
    for (std::int64_t i = 0; i < chunk.elements; ++i) range_.add(product(i, norm::channel_of(b, i) - b.c0));
    return;
  }
  const DType gt = operands()[kGamma].tensor.data.type, bt = operands()[kBeta].tensor.data.type;
  const DType qt = operands()[kXhat].tensor.data.type;
  stats_q_.elements += static_cast<std::uint64_t>(chunk.elements);
  for (std::int64_t i = 0; i < chunk.elements; ++i) {
    const std::int64_t c = norm::channel_of(b, i) - b.c0;
    bool flag = false;
    const std::int64_t q = requant_element(static_cast<std::int64_t>(product(i, c) >> z_), plan_, 0U, &flag,
                                           &stats_q_.saturated);
    store_element(chunk.data[kXhat], qt, i, q);
    const std::int64_t y = barrel_shift(q * load_element(chunk.data[kGamma], gt, c), prod_shift_) +
                           barrel_shift(load_element(chunk.data[kBeta], bt, c), beta_shift_);
    y_max_ = std::max(y_max_, static_cast<std::uint64_t>(norm::abs128(y)));
  }
}

}  // namespace qtsim::hw
