#include "fp32_bn_backward_reduce_kernel.hpp"

#include "models/hw/kernels/norm/norm_datapath.hpp"

namespace qtsim::hw {

namespace {

enum Operand { kDy, kXhat, kGamma, kInvStd, kDgamma, kDbeta, kMeanDy, kMeanDyXhat, kScale };

std::vector<StreamOperand> operand_list(const HwTensor& dy, const HwTensor& xhat, const HwTensor& gamma,
                                    const HwTensor& inv_std, const HwTensor& dgamma, const HwTensor& dbeta,
                                    const FloatBnBackwardCoefficients& k) {
  auto out = [](const HwTensor& t) { return StreamOperand{t, OperandRole::whole, true, false, true}; };
  return {{dy, OperandRole::same, false, false, false},
          {xhat, OperandRole::same, false, false, false},
          {gamma, OperandRole::channel, false, false, false},
          {inv_std, OperandRole::channel, false, false, false},
          out(dgamma),
          out(dbeta),
          out(k.mean_dy),
          out(k.mean_dy_xhat),
          out(k.scale)};
}

}  // namespace

FloatBnBackwardReduceKernel::FloatBnBackwardReduceKernel(KernelLabel label, const HwTensor& dy, const HwTensor& xhat,
                                                         const HwTensor& gamma, const HwTensor& inv_std,
                                                         const HwTensor& dgamma, const HwTensor& dbeta,
                                                         const FloatBnBackwardCoefficients& coefficients,
                                                         const HwConfig& config)
    : StreamKernel(std::move(label), dy.data.dims, Chunking::rows_by_channel,
                   operand_list(dy, xhat, gamma, inv_std, dgamma, dbeta, coefficients), config) {
  const char* k = "fp32 bn backward reduce";
  const Dims4& d = dy.data.dims;
  norm::require_tensor(dy, d, DType::f32, k);
  norm::require_tensor(xhat, d, DType::f32, k);
  for (const HwTensor* t : {&gamma, &inv_std, &dgamma, &dbeta, &coefficients.mean_dy, &coefficients.mean_dy_xhat,
                            &coefficients.scale})
    norm::require_channel_vector(*t, d.c, DType::f32, k);
}

void FloatBnBackwardReduceKernel::start(KernelEnv& env) {
  StreamKernel::start(env);
  const auto C = static_cast<std::size_t>(shape().c);
  sum_dy_.assign(C, 0.0);
  sum_dy_xhat_.assign(C, 0.0);
  mean_dy_.assign(C, 0.0f);
  mean_dy_xhat_.assign(C, 0.0f);
  scale_.assign(C, 0.0f);
}

void FloatBnBackwardReduceKernel::cost(const Chunk& chunk, Tile& tile) const {
  const auto n = static_cast<std::uint64_t>(chunk.elements);
  const std::int64_t done = norm::channels_completed(chunk.box, shape());
  const auto k = static_cast<std::uint64_t>(done);
  tile.actions.add(Action::norm_fp_add, 2 * n);
  tile.actions.add(Action::norm_fp_mul, n + k);
  tile.actions.add(Action::norm_fp_div, 2 * k);
  const std::uint64_t scalar = norm::fp_scalar_cycles(config().norm, done, 0, 2) + norm::lane_cycles(config(), done, 1);
  tile.cycles = norm::chunk_cycles(stream_cycles(chunk.elements, 3, unit_lanes()), scalar, chunk.last);
}

void FloatBnBackwardReduceKernel::compute(const Chunk& chunk, KernelEnv&) {
  const Box& b = chunk.box;
  for (std::int64_t i = 0; i < chunk.elements; ++i) {
    const auto c = static_cast<std::size_t>(norm::channel_of(b, i));
    const float dy = norm::load_f32(chunk.data[kDy], i), xhat = norm::load_f32(chunk.data[kXhat], i);
    sum_dy_[c] += dy;
    sum_dy_xhat_[c] += static_cast<double>(dy) * static_cast<double>(xhat);
  }
  if (norm::channels_completed(b, shape()) > 0) {
    const auto count = static_cast<double>(shape().n * shape().h * shape().w);
    for (std::int64_t c = b.c0; c < b.c0 + b.nc; ++c) {
      const auto uc = static_cast<std::size_t>(c);
      mean_dy_[uc] = static_cast<float>(sum_dy_[uc] / count);
      mean_dy_xhat_[uc] = static_cast<float>(sum_dy_xhat_[uc] / count);
      scale_[uc] = norm::load_f32(chunk.data[kGamma], c - b.c0) * norm::load_f32(chunk.data[kInvStd], c - b.c0);
    }
  }
  if (chunk.last) {
    for (std::size_t c = 0; c < scale_.size(); ++c) {
      const auto i = static_cast<std::int64_t>(c);
      norm::store_f32(chunk.data[kDbeta], i, static_cast<float>(sum_dy_[c]));
      norm::store_f32(chunk.data[kDgamma], i, static_cast<float>(sum_dy_xhat_[c]));
      norm::store_f32(chunk.data[kMeanDy], i, mean_dy_[c]);
      norm::store_f32(chunk.data[kMeanDyXhat], i, mean_dy_xhat_[c]);
      norm::store_f32(chunk.data[kScale], i, scale_[c]);
    }
  }
}

}  // namespace qtsim::hw
