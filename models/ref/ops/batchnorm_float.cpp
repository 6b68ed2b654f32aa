// Float32 batch normalization (docs/NUMERICS.md §9), PyTorch semantics.
// Per channel c over its M = N*H*W elements (order n, then h, w):
//   training: mu, var = mean and biased variance (double sums, two passes),
//             inv_std = 1 / sqrt(float(var) + float(eps)) in float,
//             xhat = (x - float(mu)) * inv_std, y = gamma * xhat + beta (float);
//             running = (1 - momentum) * running + momentum * batch (double, then
//             rounded), with the unbiased variance for running_var.
//   eval:     the same with the running statistics.
//   backward: dbeta = sum dy, dgamma = sum dy*xhat (double), and
//             dx = gamma*inv_std * (dy - mean(dy) - xhat * mean(dy*xhat)) (float).
// Channels are independent, so they may run on different threads.
#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string>

#include "../parallel.hpp"
#include "batchnorm.hpp"

namespace qtsim::ref {

namespace {

// Element (n, c, i) of an N x C x (H*W) tensor sits at (n*C + c) * plane + i.
struct ChannelLayout {
  std::int64_t N = 0, C = 0, plane = 0;

  explicit ChannelLayout(const Shape& s) : N(s.n()), C(s.c()), plane(s.h() * s.w()) {}
  std::int64_t count() const { return N * plane; }  // elements per channel
  // Calls fn(flat index) for channel c's elements in the canonical order.
  template <typename Fn>
  void for_each(std::int64_t c, Fn&& fn) const {
    for (std::int64_t n = 0; n < N; ++n)
      for (std::int64_t i = (n * C + c) * plane, end = i + plane; i < end; ++i) fn(static_cast<std::size_t>(i));
  }
};

// Channels are summed kChannels at a time: each keeps its own running sum in the
// canonical order (so every sum is bit-identical to summing one channel alone),
// and the independent additions overlap in the CPU instead of waiting on one
// long chain of dependent additions.
constexpr std::int64_t kChannels = 4;
using ChannelSums = std::array<double, kChannels>;

// sums[j] = sum over channel c0 + j's elements of term(j, flat index), for
// c0 + j < C (lanes past the last channel repeat it; their sums are unused).
template <typename Term>
ChannelSums channel_sums(const ChannelLayout& layout, std::int64_t c0, Term&& term) {
  ChannelSums sums{};
  for (std::int64_t n = 0; n < layout.N; ++n) {
    std::array<std::int64_t, kChannels> first;
    for (std::int64_t j = 0; j < kChannels; ++j) first[j] = (n * layout.C + std::min(c0 + j, layout.C - 1)) * layout.plane;
    for (std::int64_t i = 0; i < layout.plane; ++i)
      for (std::int64_t j = 0; j < kChannels; ++j) sums[j] += term(j, static_cast<std::size_t>(first[j] + i));
  }
  return sums;
}

// fn(c0) for the first channel of every group of kChannels, groups spread over threads.
template <typename Fn>
void for_each_channel_group(const ChannelLayout& layout, Fn&& fn) {
  parallel_for(0, (layout.C + kChannels - 1) / kChannels, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t group = begin; group < end; ++group) fn(group * kChannels);
  });
}

void require_per_channel(const FTensor& t, std::int64_t C, const char* what) {
  if (static_cast<std::int64_t>(t.size()) != C)
    throw std::invalid_argument(std::string("batchnorm: ") + what + " has shape " + t.shape.str() + ", expected " +
                                std::to_string(C) + " elements");
}

float inverse_std(float var, double eps) { return 1.0f / std::sqrt(var + static_cast<float>(eps)); }

// y = gamma * (x - mean) * inv_std + beta for channel c; xhat is stored if wanted.
void normalize_channel(const FTensor& x, const ChannelLayout& layout, std::int64_t c, float mean, float inv_std,
                       float gamma, float beta, FTensor& y, FTensor* xhat) {
  const float* in = x.data.data();
  float* out = y.data.data();
  if (xhat) {
    float* normalized_out = xhat->data.data();
    layout.for_each(c, [&](std::size_t i) {
      const float normalized = (in[i] - mean) * inv_std;
      normalized_out[i] = normalized;
      out[i] = gamma * normalized + beta;
    });
  } else {
    layout.for_each(c, [&](std::size_t i) { out[i] = gamma * ((in[i] - mean) * inv_std) + beta; });
  }
}

}  // namespace

FTensor batchnorm_forward_train(const FTensor& x, const FTensor& gamma, const FTensor& beta, double eps,
                                FTensor& running_mean, FTensor& running_var, double momentum,
                                FloatBatchNormSaved* saved) {
  const ChannelLayout layout(x.shape);
  require_per_channel(gamma, layout.C, "gamma");
  require_per_channel(beta, layout.C, "beta");
  require_per_channel(running_mean, layout.C, "running_mean");
  require_per_channel(running_var, layout.C, "running_var");
  // The unbiased variance needs two values (PyTorch refuses one as well).
  if (layout.count() < 2)
    throw std::invalid_argument("batchnorm_forward_train: need more than one value per channel, got " + x.shape.str());

  const auto count = static_cast<double>(layout.count());
  FTensor y(x.shape);
  FTensor xhat;  // only kept for backward
  if (saved) xhat = FTensor(x.shape);
  FTensor inv_std(Shape{layout.C});
  for_each_channel_group(layout, [&](std::int64_t c0) {
    const ChannelSums sums = channel_sums(layout, c0, [&](std::int64_t, std::size_t i) -> double { return x[i]; });
    ChannelSums mean;
    for (std::int64_t j = 0; j < kChannels; ++j) mean[j] = sums[j] / count;
    const ChannelSums squared_deviations = channel_sums(layout, c0, [&](std::int64_t j, std::size_t i) {
      const double d = x[i] - mean[j];
      return d * d;
    });
    for (std::int64_t j = 0; j < kChannels && c0 + j < layout.C; ++j) {
      const auto uc = static_cast<std::size_t>(c0 + j);
      const double biased_var = squared_deviations[j] / count;
      const double unbiased_var = squared_deviations[j] / (count - 1.0);

      inv_std[uc] = inverse_std(static_cast<float>(biased_var), eps);
      normalize_channel(x, layout, c0 + j, static_cast<float>(mean[j]), inv_std[uc], gamma[uc], beta[uc], y,
                        saved ? &xhat : nullptr);
      running_mean[uc] = static_cast<float>((1.0 - momentum) * running_mean[uc] + momentum * mean[j]);
      running_var[uc] = static_cast<float>((1.0 - momentum) * running_var[uc] + momentum * unbiased_var);
    }
  });
  if (saved) {
    saved->xhat = std::move(xhat);
    saved->inv_std = std::move(inv_std);
  }
  return y;
}

FTensor batchnorm_forward_eval(const FTensor& x, const FTensor& gamma, const FTensor& beta, double eps,
                               const FTensor& running_mean, const FTensor& running_var) {
  const ChannelLayout layout(x.shape);
  require_per_channel(gamma, layout.C, "gamma");
  require_per_channel(beta, layout.C, "beta");
  require_per_channel(running_mean, layout.C, "running_mean");
  require_per_channel(running_var, layout.C, "running_var");
  FTensor y(x.shape);
  parallel_for(0, layout.C, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t c = begin; c < end; ++c) {
      const auto uc = static_cast<std::size_t>(c);
      normalize_channel(x, layout, c, running_mean[uc], inverse_std(running_var[uc], eps), gamma[uc], beta[uc], y,
                        nullptr);
    }
  });
  return y;
}

FloatBatchNormGrads batchnorm_backward(const FTensor& dy, const FTensor& gamma, const FloatBatchNormSaved& saved) {
  const ChannelLayout layout(saved.xhat.shape);
  if (dy.size() != saved.xhat.size())
    throw std::invalid_argument("batchnorm_backward: dy " + dy.shape.str() + " vs xhat " + saved.xhat.shape.str());
  require_per_channel(gamma, layout.C, "gamma");
  require_per_channel(saved.inv_std, layout.C, "inv_std");

  const auto count = static_cast<double>(layout.count());
  FloatBatchNormGrads grads{FTensor(dy.shape), FTensor(gamma.shape), FTensor(gamma.shape)};
  const FTensor& xhat = saved.xhat;
  for_each_channel_group(layout, [&](std::int64_t c0) {
    const ChannelSums sum_dy = channel_sums(layout, c0, [&](std::int64_t, std::size_t i) -> double { return dy[i]; });
    const ChannelSums sum_dy_xhat = channel_sums(layout, c0, [&](std::int64_t, std::size_t i) {
      return static_cast<double>(dy[i]) * static_cast<double>(xhat[i]);  // exact product
    });
    for (std::int64_t j = 0; j < kChannels && c0 + j < layout.C; ++j) {
      const auto uc = static_cast<std::size_t>(c0 + j);
      grads.dbeta[uc] = static_cast<float>(sum_dy[j]);
      grads.dgamma[uc] = static_cast<float>(sum_dy_xhat[j]);

      // dx removes the components of dy along the directions that mean and variance
      // normalisation take out: the constant and xhat itself.
      const auto mean_dy = static_cast<float>(sum_dy[j] / count);
      const auto mean_dy_xhat = static_cast<float>(sum_dy_xhat[j] / count);
      const float scale = gamma[uc] * saved.inv_std[uc];
      layout.for_each(c0 + j, [&](std::size_t i) { grads.dx[i] = scale * ((dy[i] - mean_dy) - xhat[i] * mean_dy_xhat); });
    }
  });
  return grads;
}

}  // namespace qtsim::ref
