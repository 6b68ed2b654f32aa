// Integer batch normalization, "int-bn" (docs/NUMERICS.md §8): statistics with
// rounded divisions, an integer square root, one reciprocal per channel, and
// multiplies; every rounding is a documented integer rule.
#include <algorithm>
#include <limits>
#include <stdexcept>

#include <boost/multiprecision/cpp_int.hpp>

#include "batchnorm.hpp"
#include "elementwise.hpp"
#include "../wide_math.hpp"

namespace qtsim::ref {

namespace {

using i64 = std::int64_t;

constexpr int kStatFracBits = 16;      // extra fraction bits of means (mu, m1, m2)
constexpr int kRunningMeanExp = kIntBnRunningMeanExp;
constexpr int kRunningVarExp = kIntBnRunningVarExp;
constexpr int kReciprocalBits = 15;    // inv = round(2^(bitlen(max sigma)+15) / sigma)

// Channel c's elements are the planes (n, c) of an N x C x H x W tensor. Work is
// split over channels: each channel's sums and outputs belong to one thread, so
// results never depend on the thread count.
struct Geometry {
  i64 N, C, plane, per_channel;
  explicit Geometry(const Shape& s) : N(s.n()), C(s.c()), plane(s.h() * s.w()), per_channel(s.n() * s.h() * s.w()) {}

  template <typename Fn>
  void for_each_channel(Fn&& fn) const {
    parallel_for(0, C, [&](i64 c0, i64 c1) {
      for (i64 c = c0; c < c1; ++c) fn(static_cast<std::size_t>(c));
    });
  }
  // fn(i) for the flat indices of channel c's elements, image by image.
  template <typename Fn>
  void for_channel_elements(std::size_t c, Fn&& fn) const {
    for (i64 n = 0; n < N; ++n) {
      const i64 first = (n * C + static_cast<i64>(c)) * plane;
      for (i64 i = first; i < first + plane; ++i) fn(static_cast<std::size_t>(i));
    }
  }
};

QuantizerSpec nearest_shift(int bits) { return {QuantizerKind::shift, bits, Rounding::nearest}; }

constexpr int kIsqrtWidth = 32;  // isqrt of an int64 is below 2^32

std::uint64_t magnitude(std::int64_t v) { return v < 0 ? static_cast<std::uint64_t>(-(v + 1)) + 1 : static_cast<std::uint64_t>(v); }

// Per-channel mean at exponent e_x - 16, quantized to mean_bits.
QTensor channel_means(const QTensor& x, const Geometry& g, const IntBatchNormSpec& spec, QuantStats* stats) {
  WideTensor mu(Shape{g.C}, x.exp - kStatFracBits);
  g.for_each_channel([&](std::size_t c) {
    std::int64_t sum = 0;  // exact: |q| <= 2^31 and fewer than 2^32 elements (check_channels)
    g.for_channel_elements(c, [&](std::size_t i) { sum += x.q[i]; });
    mu.v[c] = static_cast<std::int64_t>(rdiv(static_cast<__int128>(sum) * (std::int64_t{1} << kStatFracBits), g.per_channel));
  });
  return quantize(mu, nearest_shift(spec.mean_bits), {}, stats);
}

// d = x - mu_q aligned (e_d, docs/NUMERICS.md §1.1), with what later steps need of it:
// the biased variance per channel (at exponent 2 * e_d) and max |d| per channel.
struct Centered {
  WideTensor d, variance;
  std::vector<std::uint64_t> max_abs;
};

Centered centered(const QTensor& x, const QTensor& mean, const Geometry& g) {
  const int e_d = alignment_grid({{x.exp, width_of(x)}, {mean.exp, width_of(mean)}});
  Centered out{WideTensor(x.shape, e_d), WideTensor(Shape{g.C}, 2 * e_d), std::vector<std::uint64_t>(mean.size())};
  const GridShift x_to_grid(x.exp - e_d);
  g.for_each_channel([&](std::size_t c) {
    const std::int64_t mu = shift_to_grid(mean.q[c], mean.exp - e_d);
    __int128 squares = 0;
    std::uint64_t max_abs = 0;
    g.for_channel_elements(c, [&](std::size_t i) {
      const std::int64_t d = x_to_grid(x.q[i]) - mu;
      out.d.v[i] = d;
      squares += static_cast<__int128>(d) * d;
      max_abs = std::max(max_abs, magnitude(d));
    });
    out.variance.v[c] = static_cast<std::int64_t>(rdiv(squares, g.per_channel));
    out.max_abs[c] = max_abs;
  });
  return out;
}

// sigma_q = shift(std_bits)(isqrt(var) + 2^eps_exp); var's exponent must be even.
QTensor channel_std(const WideTensor& var, const IntBatchNormSpec& spec, QuantStats* stats) {
  if (var.exp % 2 != 0) throw std::logic_error("int-bn: variance exponent must be even");
  const int e_root = var.exp / 2;
  const int e = alignment_grid({{e_root, kIsqrtWidth}, {spec.eps_exp, 1}});
  WideTensor sigma(var.shape, e);
  for (std::size_t c = 0; c < var.size(); ++c)
    sigma.v[c] = shift_to_grid(isqrt(var.v[c]), e_root - e) + shift_to_grid(1, spec.eps_exp - e);
  QTensor q = quantize(sigma, nearest_shift(spec.std_bits), {}, stats);
  for (auto& s : q.q) s = std::max(s, 1);  // a channel far below the largest may round to 0: divide by one step instead
  return q;
}

// x-hat = d * inv, quantized to norm_bits over the whole tensor; fills the reciprocals.
// The 128-bit products are narrowed as narrow_to_wide does (docs/NUMERICS.md §4.6);
// their largest magnitude is max|d| * inv of some channel (inv > 0), so z is known
// before any product is formed, and each narrowed product is written directly.
QTensor normalise(const Centered& centered, const QTensor& sigma, const Geometry& g, const IntBatchNormSpec& spec,
                  IntBatchNormSaved& saved, QuantStats* stats) {
  const WideTensor& d = centered.d;
  const std::int64_t max_sigma = *std::max_element(sigma.q.begin(), sigma.q.end());
  saved.inv_r = bit_length(static_cast<unsigned __int128>(max_sigma)) + kReciprocalBits;
  saved.inv.resize(sigma.size());
  unsigned __int128 max_product = 0;
  for (std::size_t c = 0; c < sigma.size(); ++c) {
    saved.inv[c] = static_cast<std::int64_t>(rdiv(static_cast<__int128>(1) << saved.inv_r, sigma.q[c]));
    max_product = std::max(max_product, static_cast<unsigned __int128>(centered.max_abs[c]) * static_cast<std::uint64_t>(saved.inv[c]));
  }
  const int z = bit_length(max_product) > 62 ? bit_length(max_product) - 62 : 0;
  WideTensor xhat_wide(d.shape, d.exp - saved.inv_r - sigma.exp + z);
  g.for_each_channel([&](std::size_t c) {
    const std::int64_t inv = saved.inv[c];
    if (z == 0)  // every product is below 2^62: int64 arithmetic is exact
      g.for_channel_elements(c, [&](std::size_t i) { xhat_wide.v[i] = d.v[i] * inv; });
    else
      g.for_channel_elements(c, [&](std::size_t i) { xhat_wide.v[i] = static_cast<std::int64_t>((static_cast<__int128>(d.v[i]) * inv) >> z); });
  });
  return quantize(xhat_wide, nearest_shift(spec.norm_bits), {}, stats);
}

// gamma * x-hat + beta, aligned (the caller applies the A quantizer).
WideTensor affine(const QTensor& xhat, const QTensor& gamma, const QTensor& beta, const Geometry& g) {
  const int e_prod = xhat.exp + gamma.exp;
  const int e = alignment_grid({{e_prod, width_of(xhat) + width_of(gamma)}, {beta.exp, width_of(beta)}});
  const GridShift product_to_grid(e_prod - e);
  WideTensor y(xhat.shape, e);
  g.for_each_channel([&](std::size_t c) {
    const std::int64_t scale = gamma.q[c], shift = shift_to_grid(beta.q[c], beta.exp - e);
    g.for_channel_elements(c, [&](std::size_t i) { y.v[i] = product_to_grid(xhat.q[i] * scale) + shift; });
  });
  return y;
}

void check_channels(const QTensor& x, const QTensor& gamma, const QTensor& beta) {
  if (x.shape.rank() != 4) throw std::invalid_argument("int-bn: input must be N x C x H x W");
  if (static_cast<std::int64_t>(gamma.size()) != x.shape.c() || static_cast<std::int64_t>(beta.size()) != x.shape.c())
    throw std::invalid_argument("int-bn: gamma/beta size differs from channels");
  if (x.shape.n() * x.shape.h() * x.shape.w() >= (std::int64_t{1} << 32))
    throw std::invalid_argument("int-bn: at most 2^32 - 1 elements per channel");
}

// Moves a running statistic (int64 at run_exp) toward a batch value by
// 2^-momentum_log2 (docs/NUMERICS.md §8). The batch value is first rounded onto
// the running grid; beyond int64 there it saturates, and that is counted. The
// step is formed in 128 bits: it lies between the two int64 values, so the
// result never overflows.
void update_running(std::int64_t& running, std::int64_t batch_value, int batch_exp, int run_exp, int momentum_log2,
                    bool first, std::uint64_t* saturated) {
  const int up = batch_exp - run_exp;  // a left shift onto a finer running grid
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max(), kMin = std::numeric_limits<std::int64_t>::min();
  if (batch_value != 0 && up > 0 && (up >= 64 || batch_value > (kMax >> up) || batch_value < (kMin >> up))) ++*saturated;
  const std::int64_t target = round_shift(batch_value, -up, Rounding::nearest);
  if (first) {
    running = target;
    return;
  }
  const __int128 diff = static_cast<__int128>(target) - running;
  const __int128 step = momentum_log2 == 0 ? diff : (diff + (static_cast<__int128>(1) << (momentum_log2 - 1))) >> momentum_log2;
  running = static_cast<std::int64_t>(running + step);
}

// dx = t * inv with t = g*2^(e_g-e_t) - m1*2^(e_m1-e_t) - x-hat*m2*2^(e_xm2-e_t),
// all exact, then narrowed as narrow_to_wide does (docs/NUMERICS.md §4.6). The
// shifts grow with |e_x-hat|: activations far below epsilon give x-hat exponents
// near -80 and products of 200 bits or more. A bound from the operands' largest
// magnitudes tells whether every product fits in 128 bits; when one may not, the
// whole tensor is formed in integers as wide as it needs.
WideTensor input_gradient(const Widened& d, const QTensor& xhat, const QTensor& gamma, const std::vector<__int128>& m1,
                          const std::vector<__int128>& m2, const IntBatchNormSaved& saved, const Geometry& g, int e_g) {
  const int e_m1 = e_g - kStatFracBits;
  const int e_xm2 = e_g + 2 * xhat.exp - kStatFracBits;
  const int e_t = std::min(e_m1, e_xm2);
  const int g_shift = e_g - e_t, m1_shift = e_m1 - e_t, m2_shift = e_xm2 - e_t;
  const std::size_t n = xhat.size(), C = static_cast<std::size_t>(g.C);
  const int out_exp = e_t - saved.inv_r - saved.stddev.exp;

  auto bits_of_max = [](std::size_t count, auto&& value) {
    unsigned __int128 m = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const __int128 v = value(i);
      m = std::max(m, v < 0 ? static_cast<unsigned __int128>(-v) : static_cast<unsigned __int128>(v));
    }
    return bit_length(m);
  };
  // |a*b*2^s| < 2^(bits(a) + bits(b) + s); |t| < 3 * 2^(largest term); |t*inv| adds bits(inv).
  const int bits_d = bits_of_max(n, [&](std::size_t i) { return __int128{d[i]}; });
  const int bits_x = bits_of_max(n, [&](std::size_t i) { return __int128{xhat.q[i]}; });
  const int bits_gamma = bits_of_max(C, [&](std::size_t c) { return __int128{gamma.q[c]}; });
  const int bits_m1 = bits_of_max(C, [&](std::size_t c) { return m1[c]; });
  const int bits_m2 = bits_of_max(C, [&](std::size_t c) { return m2[c]; });
  const int bits_inv = bits_of_max(C, [&](std::size_t c) { return __int128{saved.inv[c]}; });
  const int bits_t = std::max({bits_d + bits_gamma + g_shift, bits_m1 + m1_shift, bits_x + bits_m2 + m2_shift}) + 2;

  if (bits_t + bits_inv <= 127) {
    std::vector<__int128> prod(n);
    g.for_each_channel([&](std::size_t c) {
      const __int128 m1_t = m1[c] << m1_shift;
      g.for_channel_elements(c, [&](std::size_t i) {
        const __int128 gi = static_cast<__int128>(d[i]) * gamma.q[c];
        prod[i] = ((gi << g_shift) - m1_t - ((xhat.q[i] * m2[c]) << m2_shift)) * saved.inv[c];
      });
    });
    return narrow_to_wide(xhat.shape, prod, out_exp);
  }

  using Big = boost::multiprecision::cpp_int;
  std::vector<Big> prod(n);
  g.for_each_channel([&](std::size_t c) {
    const Big m1_t = Big(m1[c]) << m1_shift;
    g.for_channel_elements(c, [&](std::size_t i) {
      const Big t = (Big(d[i]) * gamma.q[c] << g_shift) - m1_t - (Big(m2[c]) * xhat.q[i] << m2_shift);
      prod[i] = t * saved.inv[c];
    });
  });
  Big largest = 0;
  for (const Big& p : prod) largest = std::max(largest, Big(abs(p)));
  const int bits = largest == 0 ? 0 : static_cast<int>(msb(largest)) + 1;
  const int z = bits > 62 ? bits - 62 : 0;
  WideTensor out(xhat.shape, out_exp + z);
  const Big step = Big(1) << z;
  for (std::size_t i = 0; i < n; ++i) {
    // floor(p / 2^z): the division truncates toward zero, so a negative p with a remainder goes one lower.
    Big q = prod[i] / step;
    if (prod[i] < 0 && q * step != prod[i]) --q;
    out.v[i] = static_cast<std::int64_t>(q);
  }
  return out;
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
  Centered centering = centered(x, s.mean, g);
  const WideTensor& var = centering.variance;
  s.stddev = channel_std(var, spec, stats);
  s.xhat = normalise(centering, s.stddev, g, spec, s, stats);
  s.centered = std::move(centering.d);

  const bool first = !running.initialised;
  std::uint64_t clipped = 0;  // running statistics saturated at int64 on their grids
  running.mean.resize(static_cast<std::size_t>(g.C), 0);
  running.var.resize(static_cast<std::size_t>(g.C), 0);
  for (std::size_t c = 0; c < static_cast<std::size_t>(g.C); ++c) {
    update_running(running.mean[c], s.mean.q[c], s.mean.exp, kRunningMeanExp, spec.running_momentum_log2, first, &clipped);
    update_running(running.var[c], var.v[c], var.exp, kRunningVarExp, spec.running_momentum_log2, first, &clipped);
  }
  running.initialised = true;
  if (stats) stats->saturated += clipped;
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
  Centered centering = centered(x, s.mean, g);
  s.stddev = channel_std(rvar, spec, stats);
  s.xhat = normalise(centering, s.stddev, g, spec, s, stats);
  s.centered = std::move(centering.d);
  return affine(s.xhat, gamma, beta, g);
}

IntBatchNormGrads int_batchnorm_backward(const QTensor& dy, const QTensor& gamma, const IntBatchNormSaved& saved) {
  const Geometry g(dy.shape);
  const Widened d(dy);
  const int e_d = finest_exp(dy);
  const QTensor& xhat = saved.xhat;
  const std::size_t C = static_cast<std::size_t>(g.C);

  // Per channel: dbeta = sum dy, dgamma = sum dy * x-hat; with g = dy * gamma,
  // sum g = gamma * dbeta and sum g * x-hat = gamma * dgamma (exact, in 128 bits).
  IntBatchNormGrads out;
  out.dbeta = WideTensor(Shape{g.C}, e_d);
  out.dgamma = WideTensor(Shape{g.C}, e_d + xhat.exp);
  std::vector<__int128> sum_g(C), sum_gx(C);
  g.for_each_channel([&](std::size_t c) {
    __int128 sum_dy = 0, sum_dy_xhat = 0;
    g.for_channel_elements(c, [&](std::size_t i) {
      sum_dy += d[i];
      sum_dy_xhat += static_cast<__int128>(d[i]) * xhat.q[i];
    });
    out.dbeta.v[c] = static_cast<std::int64_t>(sum_dy);
    out.dgamma.v[c] = static_cast<std::int64_t>(sum_dy_xhat);
    sum_g[c] = sum_dy * gamma.q[c];
    sum_gx[c] = sum_dy_xhat * gamma.q[c];
  });

  // g = dy * gamma at e_g; m1 = mean(g), m2 = mean(g * x-hat), both with 16 extra fraction bits.
  const int e_g = e_d + gamma.exp;
  std::vector<__int128> m1(C), m2(C);
  for (std::size_t c = 0; c < C; ++c) {
    m1[c] = rdiv(sum_g[c] * (std::int64_t{1} << kStatFracBits), g.per_channel);   // at e_g - 16
    m2[c] = rdiv(sum_gx[c] * (std::int64_t{1} << kStatFracBits), g.per_channel);  // at e_g + e_xhat - 16
  }
  out.dx = input_gradient(d, xhat, gamma, m1, m2, saved, g, e_g);
  return out;
}

}  // namespace qtsim::ref
