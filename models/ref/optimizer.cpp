#include "optimizer.hpp"

#include <cmath>
#include <stdexcept>

#include "ops/layers_int.hpp"
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
    // V <- shift(k_V)(mu * V + g), mu = coefficient_int * 2^-coefficient_frac.
    WideTensor scaled(p.velocity_q.shape, p.velocity_q.exp - mom.coefficient_frac);
    for (std::size_t i = 0; i < scaled.size(); ++i) scaled.v[i] = static_cast<std::int64_t>(p.velocity_q.q[i]) * mom.coefficient_int;
    const WideTensor sum = add_aligned(scaled, to_wide(g));
    p.velocity_q = quantize(sum, {QuantizerKind::shift, mom.buffer_bits, mom.rounding}, momentum_random, &rec.momentum_stats);
    direction = p.velocity_q;
  }
  // Delta = lr_int * (direction + lambda * M), exact on the finer grid, rounded
  // onto the master grid (decoupled decay: it does not enter the momentum buffer).
  const WideTensor dir = to_wide(direction);
  const std::int64_t decay = p.weight_decay ? decay_int : 0;
  const UpdateStepGrid grid = update_step_grid(dir.exp, p.master.exp, scheme.optimizer.lr_frac_bits,
                                               scheme.optimizer.weight_decay_frac_bits, decay != 0);
  WideTensor step(dir.shape, grid.exp);
  for (std::size_t i = 0; i < step.size(); ++i) step.v[i] = update_step(dir.v[i], p.master.q[i], lr_int, decay, grid);
  rec.update = quantize(step, {QuantizerKind::direct, scheme.U.bits, scheme.U.rounding, p.master.exp}, update_random,
                        &rec.update_stats);
  for (std::size_t i = 0; i < p.master.size(); ++i)
    p.master.q[i] = static_cast<std::int32_t>(
        saturate(static_cast<std::int64_t>(p.master.q[i]) - rec.update.q[i], p.master.bits, &rec.master_saturations));
  // W = sat(round_nearest(M, k_M - k_W)) at e_W.
  const int drop = p.w.exp - p.master.exp;
  for (std::size_t i = 0; i < p.w.size(); ++i)
    p.w.q[i] = static_cast<std::int32_t>(
        saturate(round_shift(p.master.q[i], drop, Rounding::nearest), p.w.bits, &rec.weight_saturations));
  return rec;
}

}  // namespace qtsim::ref
