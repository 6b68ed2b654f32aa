#include "int_bn_backward_reduce_kernel.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "models/hw/host/tensor_io.hpp"
#include "models/hw/kernels/norm/norm_datapath.hpp"
#include "models/hw/kernels/norm/digit_recurrence.hpp"

namespace qtsim::hw {

namespace {

constexpr int kStatFracBits = 16;

enum Operand { kDy, kXhat, kGamma, kDgamma, kDbeta, kM1, kM2 };

std::vector<StreamOperand> operand_list(const HwTensor& dy, const HwTensor& xhat, const HwTensor& gamma,
                                    const QuantizeTarget& dgamma, const QuantizeTarget& dbeta,
                                    const IntBnBackwardMeans& m) {
  auto grad = [](const QuantizeTarget& t) {
    return StreamOperand{t.out, OperandRole::whole, true, t.spec.kind == ref::QuantizerKind::flag, true};
  };
  auto out = [](const HwTensor& t) { return StreamOperand{t, OperandRole::whole, true, false, true}; };
  return {{dy, OperandRole::same, false, dy.flagged, false},
          {xhat, OperandRole::same, false, false, false},
          {gamma, OperandRole::channel, false, false, false},
          grad(dgamma),
          grad(dbeta),
          out(m.m1),
          out(m.m2)};
}

std::int64_t to_int64(__int128 v) {
  if (v > std::numeric_limits<std::int64_t>::max() || v < std::numeric_limits<std::int64_t>::min())
    throw std::overflow_error("int-bn backward: a per-channel mean leaves the 64-bit register");
  return static_cast<std::int64_t>(v);
}

}  // namespace

IntBnBackwardReduceKernel::IntBnBackwardReduceKernel(KernelLabel label, const HwTensor& dy, const HwTensor& xhat,
                                                     const HwTensor& gamma, const QuantizeTarget& dgamma,
                                                     const QuantizeTarget& dbeta, const IntBnBackwardMeans& means,
                                                     const HwConfig& config)
    : StreamKernel(std::move(label), dy.data.dims, Chunking::rows_by_channel,
                   operand_list(dy, xhat, gamma, dgamma, dbeta, means), config),
      dgamma_(dgamma), dbeta_(dbeta), dy_reg_(dy.exp_reg), xhat_reg_(xhat.exp_reg), flagged_(dy.flagged),
      flag_shift_(dy.flagged ? dy.flag_shift : 0) {
  const char* k = "int-bn backward reduce";
  const Dims4& d = dy.data.dims;
  if (dy.is_float() || xhat.is_float() || gamma.is_float()) throw std::logic_error(std::string(k) + ": integer tensors expected");
  norm::require_tensor(xhat, d, xhat.data.type, k);
  norm::require_channel_vector(gamma, d.c, gamma.data.type, k);
  for (const QuantizeTarget* t : {&dgamma, &dbeta}) {
    norm::require_channel_vector(t->out, d.c, t->out.data.type, k);
    if (t->out.exp_reg < 0) throw std::logic_error(std::string(k) + ": gradient exponent registers needed");
  }
  norm::require_channel_vector(means.m1, d.c, DType::i64, k);
  norm::require_channel_vector(means.m2, d.c, DType::i64, k);
}

void IntBnBackwardReduceKernel::start(KernelEnv& env) {
  StreamKernel::start(env);
  const auto C = static_cast<std::size_t>(shape().c);
  sd_.assign(C, 0);
  sdx_.assign(C, 0);
  m1_.assign(C, 0);
  m2_.assign(C, 0);
  if (env.exact()) e_d_ = static_cast<int>((*env.regs)[dy_reg_]) - flag_shift_;
}

void IntBnBackwardReduceKernel::cost(const Chunk& chunk, Tile& tile) const {
  const auto n = static_cast<std::uint64_t>(chunk.elements);
  const std::int64_t done = norm::channels_completed(chunk.box, shape());
  const auto k = static_cast<std::uint64_t>(done);
  tile.actions.add(Action::norm_int_add, 2 * n);
  tile.actions.add(Action::norm_int_mul, n + 2 * k);
  tile.actions.add(Action::norm_int_div, 2 * k);
  std::uint64_t scalar = norm::digit_recurrence_cycles(config().norm, done, 2) + norm::lane_cycles(config(), done, 2);
  if (chunk.last) {
    const auto C = static_cast<std::uint64_t>(shape().c);
    tile.actions.add(Action::norm_int_add, 2 * C);  // max compares of the two gradients
    tile.actions.add(Action::vec_shift_round, 2 * C);
    std::uint64_t vector = norm::lane_cycles(config(), shape().c, 4);
    for (const QuantizeTarget* t : {&dgamma_, &dbeta_}) {
      if (t->spec.rounding != ref::Rounding::stochastic) continue;
      tile.actions.add(Action::random_word, C);
      vector = std::max(vector, norm::ceil_div_u(C, static_cast<std::uint64_t>(config().random.lanes)));
    }
    scalar += vector;
  }
  tile.cycles = norm::chunk_cycles(stream_cycles(chunk.elements, 3, unit_lanes()), scalar, chunk.last);
}

void IntBnBackwardReduceKernel::compute(const Chunk& chunk, KernelEnv& env) {
  const Box& b = chunk.box;
  const DType dt = operands()[kDy].tensor.data.type, xt = operands()[kXhat].tensor.data.type;
  const DType gt = operands()[kGamma].tensor.data.type;
  const std::uint8_t* flags = chunk.flags[kDy];
  for (std::int64_t i = 0; i < chunk.elements; ++i) {
    const auto c = static_cast<std::size_t>(norm::channel_of(b, i));
    std::int64_t d = load_element(chunk.data[kDy], dt, i);
    if (flagged_ && !flags[i]) d *= std::int64_t{1} << flag_shift_;  // an unflagged error onto the fine grid: < 2^(2k-2), exact
    sd_[c] += d;
    sdx_[c] += static_cast<__int128>(d) * load_element(chunk.data[kXhat], xt, i);
  }
  if (norm::channels_completed(b, shape()) > 0) {
    const std::int64_t M = shape().n * shape().h * shape().w;
    for (std::int64_t c = b.c0; c < b.c0 + b.nc; ++c) {
      const auto uc = static_cast<std::size_t>(c);
      const std::int64_t gamma = load_element(chunk.data[kGamma], gt, c - b.c0);
      m1_[uc] = norm::divide_rounded(gamma * sd_[uc] * (std::int64_t{1} << kStatFracBits), M);
      m2_[uc] = norm::divide_rounded(gamma * sdx_[uc] * (std::int64_t{1} << kStatFracBits), M);
    }
  }
  if (!chunk.last) return;
  for (std::size_t c = 0; c < m1_.size(); ++c) {
    store_element(chunk.data[kM1], DType::i64, static_cast<std::int64_t>(c), to_int64(m1_[c]));
    store_element(chunk.data[kM2], DType::i64, static_cast<std::int64_t>(c), to_int64(m2_[c]));
  }
  const int e_xhat = static_cast<int>((*env.regs)[xhat_reg_]);
  quantize_gradient(dbeta_, sd_, e_d_, chunk.data[kDbeta], chunk.flags[kDbeta], env);
  quantize_gradient(dgamma_, sdx_, e_d_ + e_xhat, chunk.data[kDgamma], chunk.flags[kDgamma], env);
}

void IntBnBackwardReduceKernel::quantize_gradient(const QuantizeTarget& t, const std::vector<__int128>& wide, int exp,
                                                  std::uint8_t* out, std::uint8_t* flags, KernelEnv& env) {
  std::vector<std::int64_t> v(wide.size());
  for (std::size_t c = 0; c < v.size(); ++c) v[c] = static_cast<std::int64_t>(wide[c]);  // the reference's int64 sums
  const norm::VectorQuantized q = norm::quantize_vector(v, exp, t.spec, t.random);
  const DType type = t.out.data.type;
  for (std::size_t c = 0; c < v.size(); ++c) {
    store_element(out, type, static_cast<std::int64_t>(c), q.q[c]);
    if (flags) flags[c] = q.flags[c];
  }
  ScalarRegs& r = *env.regs;
  r[t.out.exp_reg] = q.plan.out_exp;
  if (t.max_reg >= 0) {
    std::uint64_t m = 0;
    for (std::int64_t x : v) m = std::max(m, static_cast<std::uint64_t>(norm::abs128(x)));
    r[t.max_reg] = static_cast<std::int64_t>(m);
  }
  norm::record_quantization(env, label().path, q.stats, q.plan);
}

}  // namespace qtsim::hw
