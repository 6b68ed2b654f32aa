#include "fp32_bn_stats_kernel.hpp"

#include <cmath>
#include <stdexcept>

#include "models/hw/kernels/norm/norm_datapath.hpp"

namespace qtsim::hw {

using norm::channel_of;

namespace {

StreamOperand in(const HwTensor& t, OperandRole role) { return {t, role, false, false, false}; }
StreamOperand out_vector(const HwTensor& t) { return {t, OperandRole::whole, true, false, true}; }

double elements_per_channel(const Dims4& d) { return static_cast<double>(d.n * d.h * d.w); }

void check_x(const HwTensor& x, const char* kernel) {
  if (x.data.type != DType::f32) throw std::logic_error(std::string(kernel) + ": x must be float32");
  if (x.data.dims.n * x.data.dims.h * x.data.dims.w < 2)
    throw std::invalid_argument(std::string(kernel) + ": batchnorm training needs more than one value per channel, got " +
                                x.data.dims.str());
}

}  // namespace

// ---- mean pass ----

FloatBnMeanKernel::FloatBnMeanKernel(KernelLabel label, const HwTensor& x, const HwTensor& mean, const HwConfig& config)
    : StreamKernel(std::move(label), x.data.dims, Chunking::rows_by_channel,
                   {in(x, OperandRole::same), out_vector(mean)}, config) {
  check_x(x, "fp32 bn mean");
  norm::require_channel_vector(mean, x.data.dims.c, DType::i64, "fp32 bn mean");
}

void FloatBnMeanKernel::start(KernelEnv& env) {
  StreamKernel::start(env);
  sum_.assign(static_cast<std::size_t>(shape().c), 0.0);
  mean_.assign(static_cast<std::size_t>(shape().c), 0.0);
}

void FloatBnMeanKernel::cost(const Chunk& chunk, Tile& tile) const {
  const auto n = static_cast<std::uint64_t>(chunk.elements);
  const std::int64_t done = norm::channels_completed(chunk.box, shape());
  tile.actions.add(Action::norm_fp_add, n);
  tile.actions.add(Action::norm_fp_div, static_cast<std::uint64_t>(done));
  tile.cycles = norm::chunk_cycles(stream_cycles(chunk.elements, 1, unit_lanes()),
                                   norm::fp_scalar_cycles(config().norm, done, 0, 1), chunk.last);
}

void FloatBnMeanKernel::compute(const Chunk& chunk, KernelEnv&) {
  const std::uint8_t* x = chunk.data[0];
  for (std::int64_t i = 0; i < chunk.elements; ++i)
    sum_[static_cast<std::size_t>(channel_of(chunk.box, i))] += norm::load_f32(x, i);
  if (norm::channels_completed(chunk.box, shape()) > 0) {
    const double count = elements_per_channel(shape());
    for (std::int64_t c = chunk.box.c0; c < chunk.box.c0 + chunk.box.nc; ++c)
      mean_[static_cast<std::size_t>(c)] = sum_[static_cast<std::size_t>(c)] / count;
  }
  if (chunk.last)
    for (std::size_t c = 0; c < mean_.size(); ++c) norm::store_f64(chunk.data[1], static_cast<std::int64_t>(c), mean_[c]);
}

// ---- variance pass ----

FloatBnVarianceKernel::FloatBnVarianceKernel(KernelLabel label, const HwTensor& x, const HwTensor& mean,
                                             const FloatBnRunning& running, const HwTensor& inv_std, double eps,
                                             double momentum, const HwConfig& config)
    : StreamKernel(std::move(label), x.data.dims, Chunking::rows_by_channel,
                   {in(x, OperandRole::same), in(mean, OperandRole::channel), in(running.mean_in, OperandRole::channel),
                    in(running.var_in, OperandRole::channel), out_vector(inv_std), out_vector(running.mean_out),
                    out_vector(running.var_out)},
                   config),
      eps_(eps), momentum_(momentum) {
  const char* k = "fp32 bn variance";
  check_x(x, k);
  const std::int64_t C = x.data.dims.c;
  norm::require_channel_vector(mean, C, DType::i64, k);
  for (const HwTensor* t : {&running.mean_in, &running.var_in, &running.mean_out, &running.var_out, &inv_std})
    norm::require_channel_vector(*t, C, DType::f32, k);
}

void FloatBnVarianceKernel::start(KernelEnv& env) {
  StreamKernel::start(env);
  const auto C = static_cast<std::size_t>(shape().c);
  sq_.assign(C, 0.0);
  inv_std_.assign(C, 0.0f);
  run_mean_.assign(C, 0.0f);
  run_var_.assign(C, 0.0f);
}

void FloatBnVarianceKernel::cost(const Chunk& chunk, Tile& tile) const {
  const auto n = static_cast<std::uint64_t>(chunk.elements);
  const std::int64_t done = norm::channels_completed(chunk.box, shape());
  const auto k = static_cast<std::uint64_t>(done);
  tile.actions.add(Action::norm_fp_add, 2 * n + 3 * k);  // x - mean, accumulate; var + eps, two running sums
  tile.actions.add(Action::norm_fp_mul, n + 4 * k);      // d*d; momentum products
  tile.actions.add(Action::norm_fp_div, 3 * k);          // var, unbiased var, 1/sqrt
  tile.actions.add(Action::norm_fp_sqrt, k);
  const std::uint64_t scalar = norm::fp_scalar_cycles(config().norm, done, 1, 3) + norm::lane_cycles(config(), done, 7);
  tile.cycles = norm::chunk_cycles(stream_cycles(chunk.elements, 3, unit_lanes()), scalar, chunk.last);
}

void FloatBnVarianceKernel::compute(const Chunk& chunk, KernelEnv&) {
  const Box& b = chunk.box;
  const std::uint8_t* x = chunk.data[0];
  for (std::int64_t i = 0; i < chunk.elements; ++i) {
    const std::int64_t c = channel_of(b, i);
    const double d = norm::load_f32(x, i) - norm::load_f64(chunk.data[1], c - b.c0);
    sq_[static_cast<std::size_t>(c)] += d * d;
  }
  if (norm::channels_completed(b, shape()) > 0) {
    const double count = elements_per_channel(shape());
    for (std::int64_t c = b.c0; c < b.c0 + b.nc; ++c) {
      const auto uc = static_cast<std::size_t>(c);
      const double mean = norm::load_f64(chunk.data[1], c - b.c0);
      const double biased = sq_[uc] / count, unbiased = sq_[uc] / (count - 1.0);
      inv_std_[uc] = 1.0f / std::sqrt(static_cast<float>(biased) + static_cast<float>(eps_));
      const double rm = norm::load_f32(chunk.data[2], c - b.c0), rv = norm::load_f32(chunk.data[3], c - b.c0);
      run_mean_[uc] = static_cast<float>((1.0 - momentum_) * rm + momentum_ * mean);
      run_var_[uc] = static_cast<float>((1.0 - momentum_) * rv + momentum_ * unbiased);
    }
  }
  if (chunk.last) {
    for (std::size_t c = 0; c < sq_.size(); ++c) {
      const auto i = static_cast<std::int64_t>(c);
      norm::store_f32(chunk.data[4], i, inv_std_[c]);
      norm::store_f32(chunk.data[5], i, run_mean_[c]);
      norm::store_f32(chunk.data[6], i, run_var_[c]);
    }
  }
}

}  // namespace qtsim::hw
