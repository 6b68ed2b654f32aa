#include "optimizer.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <stdexcept>

#include "alignment.hpp"
#include "parallel.hpp"
#include "update_step.hpp"

namespace qtsim::ref {

void sgd_update(Parameter& p, const FTensor& grad, const FloatSgdHyper& hyper) {
  const float lr = static_cast<float>(hyper.lr), mu = static_cast<float>(hyper.momentum);
  const float wd = p.weight_decay ? static_cast<float>(hyper.weight_decay) : 0.0f;
  for (std::size_t i = 0; i < p.value.size(); ++i) {
    float g = grad.data[i];
    if (wd != 0.0f) g += wd * p.value.data[i];
    if (mu != 0.0f) {
      p.velocity.data[i] = mu * p.velocity.data[i] + g;
      g = p.velocity.data[i];
    }
    p.value.data[i] -= lr * g;
  }
}

namespace {
// round(x * 2^frac_bits), at least 1 when x > 0 (a positive rate never encodes as "none").
std::int64_t positive_fixed_point(double x, int frac_bits) {
  if (x <= 0.0) return 0;
  const auto v = static_cast<std::int64_t>(std::llround(std::ldexp(x, frac_bits)));
  return v < 1 ? 1 : v;
}
}  // namespace

std::int64_t weight_decay_integer(double weight_decay, int wd_frac_bits) {
  return positive_fixed_point(weight_decay, wd_frac_bits);
}

std::int64_t learning_rate_integer(double lr, int lr_frac_bits) { return positive_fixed_point(lr, lr_frac_bits); }

IntUpdateRecord int_update(Parameter& p, const QTensor& g, std::int64_t lr_int, std::int64_t decay_int,
                           const Scheme& scheme, const RandomStream& update_random,
                           const RandomStream& momentum_random) {
  if (p.is_float) throw std::logic_error("int_update on a float parameter");
  IntUpdateRecord rec;
  const MomentumSpec& mom = scheme.optimizer.momentum;
  QTensor direction = g;
  if (p.has_velocity) {
    // V <- shift(k_V)(mu * V + g), mu = coefficient_int * 2^-coefficient_frac, the sum aligned (§1.1).
    // An all-zero buffer (before the first step, or after steps of zero
    // gradient) has no exponent to align to: the sum is g itself.
    const WideTensor grad = to_wide(g);
    const bool zero_buffer = std::all_of(p.velocity_q.q.begin(), p.velocity_q.q.end(), [](std::int32_t q) { return q == 0; });
    WideTensor sum = grad;
    if (!zero_buffer) {
      WideTensor scaled(p.velocity_q.shape, p.velocity_q.exp - mom.coefficient_frac);
      for (std::size_t i = 0; i < scaled.size(); ++i) scaled.v[i] = static_cast<std::int64_t>(p.velocity_q.q[i]) * mom.coefficient_int;
      const WideSummand terms[] = {{&scaled, width_of(p.velocity_q) + std::bit_width(static_cast<std::uint64_t>(mom.coefficient_int))},
                                   {&grad, width_of(g)}};
      sum = aligned_sum(terms);
    }
    p.velocity_q = quantize(sum, {QuantizerKind::shift, mom.buffer_bits, mom.rounding}, momentum_random, &rec.momentum_stats);
    direction = p.velocity_q;
  }
  // Delta = lr_int * (direction + lambda * M), exact on the aligned grid, rounded
  // once onto the master grid (decoupled decay: it does not enter the momentum buffer).
  const WideTensor dir = to_wide(direction);
  UpdateStepShape shape;
  shape.dir_exp = dir.exp;
  shape.dir_width = width_of(direction);
  shape.master_exp = p.master.exp;
  shape.master_width = width_of(p.master);
  shape.lr_frac = scheme.optimizer.lr_frac_bits;
  shape.wd_frac = scheme.optimizer.weight_decay_frac_bits;
  shape.lr_int = lr_int;
  shape.decay_int = p.weight_decay ? decay_int : 0;
  const UpdateStepGrid grid = update_step_grid(shape);
  const int to_master = p.master.exp - grid.exp;
  const int drop = p.w.exp - p.master.exp;
  const bool stochastic = scheme.U.rounding == Rounding::stochastic;
  rec.update = QTensor(p.master.shape, p.master.exp, scheme.U.bits);
  rec.update_stats.elements = p.master.size();
  rec.update_stats.shift = to_master;
  // An element counts once however many of Delta, M' and W' saturate, so the
  // count never exceeds the number of elements.
  std::atomic<std::uint64_t> saturated{0};
  parallel_for(0, static_cast<std::int64_t>(p.master.size()), [&](std::int64_t b, std::int64_t e) {
    std::uint64_t elements_saturated = 0;
    for (auto i = static_cast<std::size_t>(b); i < static_cast<std::size_t>(e); ++i) {
      const __int128 step = update_step(dir.v[i], p.master.q[i], lr_int, shape.decay_int, grid);
      const std::uint32_t word = stochastic ? update_random.word(i) : 0U;
      std::uint64_t sat = 0;
      const std::int64_t delta = saturate(round_shift_wide(step, to_master, scheme.U.rounding, word), scheme.U.bits, &sat);
      const std::int64_t master = saturate(static_cast<std::int64_t>(p.master.q[i]) - delta, p.master.bits, &sat);
      // W = sat(round_nearest(M, k_M - k_W)) at e_W.
      const std::int64_t w = saturate(round_shift(master, drop, Rounding::nearest), p.w.bits, &sat);
      rec.update.q[i] = static_cast<std::int32_t>(delta);
      p.master.q[i] = static_cast<std::int32_t>(master);
      p.w.q[i] = static_cast<std::int32_t>(w);
      elements_saturated += sat > 0 ? 1 : 0;
    }
    saturated += elements_saturated;
  }, 16384);
  rec.update_stats.saturated = saturated;
  return rec;
}

}  // namespace qtsim::ref
