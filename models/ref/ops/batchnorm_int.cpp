// Integer batch normalization, "int-bn" (docs/NUMERICS.md §8): statistics with
// rounded divisions, an integer square root, one reciprocal per channel, and
// multiplies; every rounding is a documented integer rule.
#include <algorithm>
#include <stdexcept>

#include "batchnorm.hpp"
#include "../wide_math.hpp"

namespace qtsim::ref {

namespace {

constexpr int kStatFracBits = 16;      // extra fraction bits of means (mu, m1, m2)
constexpr int kRunningMeanExp = kIntBnRunningMeanExp;
constexpr int kRunningVarExp = kIntBnRunningVarExp;
constexpr int kReciprocalBits = 15;    // inv = round(2^(bitlen(max sigma)+15) / sigma)

struct Geometry {
  std::int64_t N, C, plane, per_channel;
  explicit Geometry(const Shape& s) : N(s.n()), C(s.c()), plane(s.h() * s.w()), per_channel(s.n() * s.h() * s.w()) {}
  std::size_t channel_of(std::size_t i) const { return static_cast<std::size_t>((static_cast<std::int64_t>(i) / plane) % C); }
};

QuantizerSpec nearest_shift(int bits) { return {QuantizerKind::shift, bits, Rounding::nearest}; }

std::int64_t align(std::int64_t v, int from_exp, int to_exp) { return left_shift_saturating(v, from_exp - to_exp); }

// Per-channel mean at exponent e_x - 16, quantized to mean_bits.
QTensor channel_means(const QTensor& x, const Geometry& g, const IntBatchNormSpec& spec, QuantStats* stats) {
  WideTensor mu(Shape{g.C}, x.exp - kStatFracBits);
  std::vector<__int128> sums(static_cast<std::size_t>(g.C), 0);
  for (std::size_t i = 0; i < x.size(); ++i) sums[g.channel_of(i)] += x.q[i];
  for (std::size_t c = 0; c < sums.size(); ++c)
    mu.v[c] = static_cast<std::int64_t>(rdiv(sums[c] * (std::int64_t{1} << kStatFracBits), g.per_channel));
  return quantize(mu, nearest_shift(spec.mean_bits), {}, stats);
}

// d = x - mu_q aligned to e_d = min(e_x, e_mu).
WideTensor centered(const QTensor& x, const QTensor& mean, const Geometry& g) {
  const int e_d = std::min(x.exp, mean.exp);
  WideTensor d(x.shape, e_d);
  for (std::size_t i = 0; i < x.size(); ++i)
    d.v[i] = align(x.q[i], x.exp, e_d) - align(mean.q[g.channel_of(i)], mean.exp, e_d);
  return d;
}

// Biased variance per channel at exponent 2 * e_d.
WideTensor channel_variance(const WideTensor& d, const Geometry& g) {
  std::vector<__int128> sq(static_cast<std::size_t>(g.C), 0);
  for (std::size_t i = 0; i < d.size(); ++i) sq[g.channel_of(i)] += static_cast<__int128>(d.v[i]) * d.v[i];
  WideTensor var(Shape{g.C}, 2 * d.exp);
  for (std::size_t c = 0; c < sq.size(); ++c) var.v[c] = static_cast<std::int64_t>(rdiv(sq[c], g.per_channel));
  return var;
}

// sigma_q = shift(std_bits)(isqrt(var) + 2^eps_exp); var's exponent must be even.
QTensor channel_std(const WideTensor& var, const IntBatchNormSpec& spec, QuantStats* stats) {
  if (var.exp % 2 != 0) throw std::logic_error("int-bn: variance exponent must be even");
  const int e_root = var.exp / 2;
  const int e = std::min(e_root, spec.eps_exp);
  WideTensor sigma(var.shape, e);
  for (std::size_t c = 0; c < var.size(); ++c)
    sigma.v[c] = align(isqrt(var.v[c]), e_root, e) + align(1, spec.eps_exp, e);
  QTensor q = quantize(sigma, nearest_shift(spec.std_bits), {}, stats);
  for (auto& s : q.q) s = std::max(s, 1);  // a channel far below the largest may round to 0: divide by one step instead
  return q;
}

// x-hat = d * inv, quantized to norm_bits over the whole tensor; fills the reciprocals.
QTensor normalise(const WideTensor& d, const QTensor& sigma, const Geometry& g, const IntBatchNormSpec& spec,
                  IntBatchNormSaved& saved, QuantStats* stats) {
  const std::int64_t max_sigma = *std::max_element(sigma.q.begin(), sigma.q.end());
  saved.inv_r = bit_length(static_cast<unsigned __int128>(max_sigma)) + kReciprocalBits;
  saved.inv.resize(sigma.size());
  for (std::size_t c = 0; c < sigma.size(); ++c)
    saved.inv[c] = static_cast<std::int64_t>(rdiv(static_cast<__int128>(1) << saved.inv_r, sigma.q[c]));
  std::vector<__int128> prod(d.size());
  for (std::size_t i = 0; i < d.size(); ++i) prod[i] = static_cast<__int128>(d.v[i]) * saved.inv[g.channel_of(i)];
  const WideTensor xhat_wide = narrow_to_wide(d.shape, prod, d.exp - saved.inv_r - sigma.exp);
  return quantize(xhat_wide, nearest_shift(spec.norm_bits), {}, stats);
}

// gamma * x-hat + beta, aligned (the caller applies the A quantizer).
WideTensor affine(const QTensor& xhat, const QTensor& gamma, const QTensor& beta, const Geometry& g) {
  const int e_prod = xhat.exp + gamma.exp;
  const int e = std::min(e_prod, beta.exp);
  WideTensor y(xhat.shape, e);
  for (std::size_t i = 0; i < xhat.size(); ++i) {
    const std::size_t c = g.channel_of(i);
    y.v[i] = align(static_cast<std::int64_t>(xhat.q[i]) * gamma.q[c], e_prod, e) + align(beta.q[c], beta.exp, e);
  }
  return y;
}

void check_channels(const QTensor& x, const QTensor& gamma, const QTensor& beta) {
  if (x.shape.rank() != 4) throw std::invalid_argument("int-bn: input must be N x C x H x W");
  if (static_cast<std::int64_t>(gamma.size()) != x.shape.c() || static_cast<std::int64_t>(beta.size()) != x.shape.c())
    throw std::invalid_argument("int-bn: gamma/beta size differs from channels");
}

// Moves a running statistic (int64 at run_exp) toward a batch value by 2^-momentum_log2.
void update_running(std::int64_t& running, std::int64_t batch_value, int batch_exp, int run_exp, int momentum_log2, bool first) {
  const std::int64_t target = round_shift(batch_value, run_exp - batch_exp, Rounding::nearest);
  running = first ? target : running + round_shift(target - running, momentum_log2, Rounding::nearest);
}

}  // namespace

WideTensor int_batchnorm_forward_train(const QTensor& x, const QTensor& gamma, const QTensor& beta,
                                       const IntBatchNormSpec& spec, IntBatchNormRunning& running,
                                       IntBatchNormSaved* saved, QuantStats* stats) {
  check_channels(x, gamma, beta);
  const Geometry g(x.shape);
  IntBatchNormSaved local;
  IntBatchNormSaved& s = saved ? *saved : local;
  s.mean = channel_means(x, g, spec, stats);
  s.centered = centered(x, s.mean, g);
  const WideTensor var = channel_variance(s.centered, g);
  s.stddev = channel_std(var, spec, stats);
  s.xhat = normalise(s.centered, s.stddev, g, spec, s, stats);

  const bool first = !running.initialised;
  running.mean.resize(static_cast<std::size_t>(g.C), 0);
  running.var.resize(static_cast<std::size_t>(g.C), 0);
  for (std::size_t c = 0; c < static_cast<std::size_t>(g.C); ++c) {
    update_running(running.mean[c], s.mean.q[c], s.mean.exp, kRunningMeanExp, spec.running_momentum_log2, first);
    update_running(running.var[c], var.v[c], var.exp, kRunningVarExp, spec.running_momentum_log2, first);
  }
  running.initialised = true;
  return affine(s.xhat, gamma, beta, g);
}

WideTensor int_batchnorm_forward_eval(const QTensor& x, const QTensor& gamma, const QTensor& beta,
                                      const IntBatchNormSpec& spec, const IntBatchNormRunning& running, QuantStats* stats) {
  check_channels(x, gamma, beta);
  if (!running.initialised) throw std::logic_error("int-bn: evaluation before any training step");
  const Geometry g(x.shape);
  WideTensor rmean(Shape{g.C}, kRunningMeanExp);
  rmean.v = running.mean;
  WideTensor rvar(Shape{g.C}, kRunningVarExp);
  for (std::size_t c = 0; c < rvar.size(); ++c) rvar.v[c] = std::max<std::int64_t>(running.var[c], 0);
  IntBatchNormSaved s;
  s.mean = quantize(rmean, nearest_shift(spec.mean_bits), {}, stats);
  s.centered = centered(x, s.mean, g);
  s.stddev = channel_std(rvar, spec, stats);
  s.xhat = normalise(s.centered, s.stddev, g, spec, s, stats);
  return affine(s.xhat, gamma, beta, g);
}

IntBatchNormGrads int_batchnorm_backward(const QTensor& dy, const QTensor& gamma, const IntBatchNormSaved& saved) {
  const Geometry g(dy.shape);
  const WideTensor d = to_wide(dy);
  const QTensor& xhat = saved.xhat;
  const std::size_t C = static_cast<std::size_t>(g.C);

  IntBatchNormGrads out;
  out.dbeta = WideTensor(Shape{g.C}, d.exp);
  out.dgamma = WideTensor(Shape{g.C}, d.exp + xhat.exp);
  for (std::size_t i = 0; i < d.size(); ++i) {
    out.dbeta.v[g.channel_of(i)] += d.v[i];
    out.dgamma.v[g.channel_of(i)] += d.v[i] * xhat.q[i];
  }

  // g = dy * gamma at e_g; m1 = mean(g), m2 = mean(g * x-hat), both with 16 extra fraction bits.
  const int e_g = d.exp + gamma.exp;
  std::vector<__int128> sum_g(C, 0), sum_gx(C, 0);
  for (std::size_t i = 0; i < d.size(); ++i) {
    const std::size_t c = g.channel_of(i);
    const __int128 gi = static_cast<__int128>(d.v[i]) * gamma.q[c];
    sum_g[c] += gi;
    sum_gx[c] += gi * xhat.q[i];
  }
  std::vector<__int128> m1(C), m2(C);
  for (std::size_t c = 0; c < C; ++c) {
    m1[c] = rdiv(sum_g[c] * (std::int64_t{1} << kStatFracBits), g.per_channel);   // at e_g - 16
    m2[c] = rdiv(sum_gx[c] * (std::int64_t{1} << kStatFracBits), g.per_channel);  // at e_g + e_xhat - 16
  }
  // t = g - m1 - x-hat * m2, all at e_t; then dx = t * inv.
  const int e_m1 = e_g - kStatFracBits;
  const int e_xm2 = e_g + 2 * xhat.exp - kStatFracBits;
  const int e_t = std::min(e_m1, e_xm2);
  std::vector<__int128> prod(d.size());
  for (std::size_t i = 0; i < d.size(); ++i) {
    const std::size_t c = g.channel_of(i);
    const __int128 gi = static_cast<__int128>(d.v[i]) * gamma.q[c];
    const __int128 t = (gi << (e_g - e_t)) - (m1[c] << (e_m1 - e_t)) - ((xhat.q[i] * m2[c]) << (e_xm2 - e_t));
    prod[i] = t * saved.inv[c];
  }
  out.dx = narrow_to_wide(dy.shape, prod, e_t - saved.inv_r - saved.stddev.exp);
  return out;
}

}  // namespace qtsim::ref
