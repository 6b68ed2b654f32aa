#include "int_bn_backward_data_kernel.hpp"

#include <algorithm>
#include <stdexcept>

#include "models/hw/host/tensor_io.hpp"
#include "models/hw/kernels/vector/leading_one.hpp"

namespace qtsim::hw {

namespace {

constexpr int kStatFracBits = 16;

enum Operand { kDy, kXhat, kGamma, kM1, kM2, kInv, kDx };

std::vector<StreamOperand> operand_list(QuantizePass pass, const HwTensor& dy, const HwTensor& xhat,
                                    const HwTensor& gamma, const IntBnBackwardMeans& m, const IntBnStatistics& s,
                                    const QuantizeTarget& dx) {
  auto ch = [](const HwTensor& t) { return StreamOperand{t, OperandRole::channel, false, false, false}; };
  std::vector<StreamOperand> ops{{dy, OperandRole::same, false, dy.flagged, false},
                                 {xhat, OperandRole::same, false, false, false},
                                 ch(gamma),
                                 ch(m.m1),
                                 ch(m.m2),
                                 ch(s.inv)};
  if (pass == QuantizePass::quantize)
    ops.push_back({dx.out, OperandRole::same, true, dx.spec.kind == ref::QuantizerKind::flag, false});
  return ops;
}

}  // namespace

IntBnBackwardDataKernel::IntBnBackwardDataKernel(KernelLabel label, QuantizePass pass, const HwTensor& dy,
                                                 const HwTensor& xhat, const HwTensor& gamma,
                                                 const IntBnBackwardMeans& means, const IntBnStatistics& stats,
                                                 int narrow_reg, const QuantizeTarget& dx, const HwConfig& config)
    : StreamKernel(std::move(label), dy.data.dims, Chunking::rows_by_channel,
                   operand_list(pass, dy, xhat, gamma, means, stats, dx), config),
      pass_(pass), stats_(stats), narrow_reg_(narrow_reg), dx_(dx), dy_reg_(dy.exp_reg), xhat_reg_(xhat.exp_reg),
      gamma_reg_(gamma.exp_reg), flagged_(dy.flagged), flag_shift_(dy.flagged ? dy.flag_shift : 0) {
  const char* k = "int-bn backward data";
  const Dims4& d = dy.data.dims;
  if (dy.is_float() || xhat.is_float() || gamma.is_float()) throw std::logic_error(std::string(k) + ": integer tensors expected");
  norm::require_tensor(xhat, d, xhat.data.type, k);
  norm::require_channel_vector(gamma, d.c, gamma.data.type, k);
  norm::require_channel_vector(means.m1, d.c, DType::i64, k);
  norm::require_channel_vector(means.m2, d.c, DType::i64, k);
  norm::require_channel_vector(stats.inv, d.c, DType::i64, k);
  if (narrow_reg < 0 || dx.max_reg < 0) throw std::logic_error(std::string(k) + ": z and max registers needed");
  if (pass == QuantizePass::quantize) {
    norm::require_tensor(dx.out, d, dx.out.data.type, k);
    if (dx.out.exp_reg < 0) throw std::logic_error(std::string(k) + ": dx exponent register needed");
    if (dx.spec.kind == ref::QuantizerKind::flag && !dx.out.flagged)
      throw std::logic_error(std::string(k) + ": a flag quantizer needs an output with a flag plane");
  }
}

void IntBnBackwardDataKernel::start(KernelEnv& env) {
  StreamKernel::start(env);
  range_ = {};
  stats_q_ = {};
  if (!env.exact()) return;
  ScalarRegs& r = *env.regs;
  const int e_d = static_cast<int>(r[dy_reg_]) - flag_shift_, e_xhat = static_cast<int>(r[xhat_reg_]);
  const int e_g = e_d + static_cast<int>(r[gamma_reg_]);
  const int e_m1 = e_g - kStatFracBits, e_xm2 = e_g + 2 * e_xhat - kStatFracBits;
  const int e_t = std::min(e_m1, e_xm2);
  g_shift_ = e_g - e_t;
  m1_shift_ = e_m1 - e_t;
  m2_shift_ = e_xm2 - e_t;
  if (pass_ == QuantizePass::max) return;
  z_ = static_cast<int>(r[narrow_reg_]);
  const int e_p = e_t - static_cast<int>(r[stats_.inv_r_reg]) - static_cast<int>(r[stats_.stddev.exp_reg]) + z_;
  plan_ = plan_requant(dx_.spec, static_cast<std::uint64_t>(r[dx_.max_reg]), e_p);
  r[dx_.out.exp_reg] = plan_.out_exp;
}

void IntBnBackwardDataKernel::finish(KernelEnv& env) {
  if (!env.exact()) return;
  if (pass_ == QuantizePass::max) {
    (*env.regs)[narrow_reg_] = range_.narrow_shift();
    (*env.regs)[dx_.max_reg] = static_cast<std::int64_t>(range_.narrowed_max_abs());
    return;
  }
  norm::record_quantization(env, label().path, stats_q_, plan_);
}

void IntBnBackwardDataKernel::cost(const Chunk& chunk, Tile& tile) const {
  const auto n = static_cast<std::uint64_t>(chunk.elements);
  tile.actions.add(Action::norm_int_mul, 3 * n);  // d*gamma, xhat*m2, t*inv
  if (pass_ == QuantizePass::max) {
    tile.actions.add(Action::norm_int_add, 4 * n);  // two subtractions, max and min compares
    tile.cycles = stream_cycles(chunk.elements, 7, unit_lanes());
    return;
  }
  tile.actions.add(Action::norm_int_add, 2 * n);
  tile.actions.add(Action::vec_shift_round, n);
  std::uint64_t cycles = stream_cycles(chunk.elements, 6, unit_lanes());
  if (dx_.spec.rounding == ref::Rounding::stochastic) {
    tile.actions.add(Action::random_word, n);
    cycles = std::max(cycles, stream_cycles(chunk.elements, 1, config().random.lanes));
  }
  tile.cycles = cycles;
}

void IntBnBackwardDataKernel::compute(const Chunk& chunk, KernelEnv&) {
  const Box& b = chunk.box;
  const DType dt = operands()[kDy].tensor.data.type, xt = operands()[kXhat].tensor.data.type;
  const DType gt = operands()[kGamma].tensor.data.type;
  const std::uint8_t* dy_flags = chunk.flags[kDy];
  // p = t * inv, exact: in 128 bits when every term and the product fit (bit
  // counts checked per element), else wide; `visit` gets whichever it is.
  auto product = [&](std::int64_t i, std::int64_t c, auto&& visit) {
    std::int64_t d = load_element(chunk.data[kDy], dt, i);
    if (flagged_ && !dy_flags[i]) d *= std::int64_t{1} << flag_shift_;  // an unflagged error onto the fine grid: < 2^(2k-2), exact
    const __int128 g = static_cast<__int128>(d) * load_element(chunk.data[kGamma], gt, c);
    const __int128 m1 = load_element(chunk.data[kM1], DType::i64, c);
    const __int128 xm2 = static_cast<__int128>(load_element(chunk.data[kXhat], xt, i)) * load_element(chunk.data[kM2], DType::i64, c);
    const std::int64_t inv = load_element(chunk.data[kInv], DType::i64, c);
    constexpr int kTermBits = 124;  // three terms below 2^124 sum below 2^126
    if (leading_one(norm::abs128(g)) + g_shift_ <= kTermBits && leading_one(norm::abs128(m1)) + m1_shift_ <= kTermBits &&
        leading_one(norm::abs128(xm2)) + m2_shift_ <= kTermBits) {
      const __int128 t = (g << g_shift_) - (m1 << m1_shift_) - (xm2 << m2_shift_);
      if (leading_one(norm::abs128(t)) + leading_one(norm::abs128(inv)) <= 126) return visit(t * inv);
    }
    using norm::BeyondInt;
    const BeyondInt t = (BeyondInt(g) << g_shift_) - (BeyondInt(m1) << m1_shift_) - (BeyondInt(xm2) << m2_shift_);
    return visit(BeyondInt(t * inv));
  };
  if (pass_ == QuantizePass::max) {
    for (std::int64_t i = 0; i < chunk.elements; ++i)
      product(i, norm::channel_of(b, i) - b.c0, [&](const auto& p) { range_.add(p); });
    return;
  }
  const DType qt = operands()[kDx].tensor.data.type;
  std::uint8_t* flags = chunk.flags[kDx];
  const bool stochastic = dx_.spec.rounding == ref::Rounding::stochastic;
  stats_q_.elements += static_cast<std::uint64_t>(chunk.elements);
  for (std::int64_t i = 0; i < chunk.elements; ++i) {
    const std::int64_t c = norm::channel_of(b, i) - b.c0;
    const std::uint32_t word = stochastic ? dx_.random.word(static_cast<std::uint64_t>(chunk.flat_index(shape(), i))) : 0U;
    bool flag = false;
    std::uint64_t sat = 0;
    const std::int64_t narrowed =
        product(i, c, [&](const auto& p) { return static_cast<std::int64_t>(norm::floor_shift(p, z_)); });
    const std::int64_t q = requant_element(narrowed, plan_, word, &flag, &sat);
    if (plan_.kind == ref::QuantizerKind::constant) stats_q_.clipped += sat; else stats_q_.saturated += sat;
    store_element(chunk.data[kDx], qt, i, q);
    if (flags) flags[i] = flag ? 1 : 0;
  }
}

}  // namespace qtsim::hw
