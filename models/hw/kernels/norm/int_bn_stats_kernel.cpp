#include "int_bn_stats_kernel.hpp"

#include <algorithm>
#include <stdexcept>

#include "models/hw/host/tensor_io.hpp"
#include "models/hw/kernels/norm/norm_datapath.hpp"
#include "models/ref/ops/batchnorm.hpp"
#include "models/hw/kernels/norm/digit_recurrence.hpp"
#include "models/hw/kernels/vector/align_grid.hpp"
#include "models/hw/kernels/vector/leading_one.hpp"
#include "models/hw/kernels/vector/widen_lane.hpp"

namespace qtsim::hw {

namespace {

constexpr int kStatFracBits = 16;   // extra fraction bits of the means
constexpr int kReciprocalBits = 15; // R = bitlen(max sigma_q) + 15

enum Operand { kX, kMeanIn, kVarIn, kMean, kStd, kInv, kMeanOut, kVarOut };

std::vector<StreamOperand> operand_list(const HwTensor& x, const IntBnStatistics& s, const IntBnRunning& r) {
  auto whole_in = [](const HwTensor& t) { return StreamOperand{t, OperandRole::whole, false, false, false}; };
  auto out = [](const HwTensor& t) { return StreamOperand{t, OperandRole::whole, true, false, true}; };
  return {{x, OperandRole::same, false, false, false},
          whole_in(r.mean_in),
          whole_in(r.var_in),
          out(s.mean),
          out(s.stddev),
          out(s.inv),
          out(r.mean_out),
          out(r.var_out)};
}

ref::QuantizerSpec nearest_shift(int bits) { return {ref::QuantizerKind::shift, bits, ref::Rounding::nearest}; }

// Moves a running statistic toward the batch's value by 2^-momentum_log2
// (docs/NUMERICS.md §8): the batch value rounded onto the running grid (a
// value beyond int64 there saturates, counted into *saturated), the difference
// in a 65-bit adder, its rounded fraction added back.
std::int64_t running_update(std::int64_t running, std::int64_t batch, int batch_exp, int run_exp, int momentum_log2,
                            bool first, std::uint64_t* saturated) {
  const int left = batch_exp - run_exp;
  if (batch != 0 && left > 0 && leading_one(static_cast<std::uint64_t>(batch < 0 ? -(batch + 1) : batch)) + left > 63)
    ++*saturated;
  const std::int64_t target = ref::round_shift(batch, run_exp - batch_exp, ref::Rounding::nearest);
  if (first) return target;
  const __int128 diff = static_cast<__int128>(target) - static_cast<__int128>(running);
  const __int128 half = momentum_log2 > 0 ? static_cast<__int128>(1) << (momentum_log2 - 1) : 0;
  return static_cast<std::int64_t>(static_cast<__int128>(running) + ((diff + half) >> momentum_log2));
}

// Lane operations per channel of the vector work after the last chunk (see the header).
constexpr int kVectorAdds = 10, kVectorMuls = 3, kVectorRounds = 6;
// Digit-recurrence operations per channel after the last chunk: var divide, isqrt, reciprocal.
constexpr int kVectorRecurrences = 3;

}  // namespace

IntBnStatsKernel::IntBnStatsKernel(KernelLabel label, const HwTensor& x, const ref::IntBatchNormSpec& spec,
                                   const IntBnStatistics& stats, const IntBnRunning& running, const HwConfig& config)
    : StreamKernel(std::move(label), x.data.dims, Chunking::rows_by_channel, operand_list(x, stats, running), config),
      spec_(spec), stats_(stats), x_reg_(x.exp_reg), initialised_reg_(running.initialised_reg) {
  const char* k = "int-bn statistics";
  const std::int64_t C = x.data.dims.c;
  if (x.is_float()) throw std::logic_error(std::string(k) + ": x must be an integer tensor");
  norm::require_channel_vector(stats.mean, C, int_dtype_for_bits(spec.mean_bits), k);
  norm::require_channel_vector(stats.stddev, C, int_dtype_for_bits(spec.std_bits), k);
  norm::require_channel_vector(stats.inv, C, DType::i64, k);
  for (const HwTensor* t : {&running.mean_in, &running.var_in, &running.mean_out, &running.var_out})
    norm::require_channel_vector(*t, C, DType::i64, k);
  if (stats.inv_r_reg < 0 || running.initialised_reg < 0 || stats.mean.exp_reg < 0 || stats.stddev.exp_reg < 0)
    throw std::logic_error(std::string(k) + ": registers for e_mu, e_sigma, R and 'initialised' are needed");
}

void IntBnStatsKernel::start(KernelEnv& env) {
  StreamKernel::start(env);
  const auto C = static_cast<std::size_t>(shape().c);
  s1_.assign(C, 0);
  s2_.assign(C, 0);
  mu_.assign(C, 0);
  if (env.exact()) e_x_ = static_cast<int>((*env.regs)[x_reg_]);
}

void IntBnStatsKernel::cost(const Chunk& chunk, Tile& tile) const {
  const auto n = static_cast<std::uint64_t>(chunk.elements);
  const std::int64_t done = norm::channels_completed(chunk.box, shape());
  tile.actions.add(Action::norm_int_add, 2 * n);
  tile.actions.add(Action::norm_int_mul, n);
  tile.actions.add(Action::norm_int_div, static_cast<std::uint64_t>(done));
  std::uint64_t scalar = norm::digit_recurrence_cycles(config().norm, done, 1);
  if (chunk.last) {
    const std::int64_t C = shape().c;
    const auto uc = static_cast<std::uint64_t>(C);
    tile.actions.add(Action::norm_int_add, kVectorAdds * uc);
    tile.actions.add(Action::norm_int_mul, kVectorMuls * uc);
    tile.actions.add(Action::vec_shift_round, kVectorRounds * uc);
    tile.actions.add(Action::norm_int_div, 2 * uc);
    tile.actions.add(Action::norm_int_sqrt, uc);
    scalar += norm::lane_cycles(config(), C, kVectorAdds + kVectorMuls + kVectorRounds) +
              norm::digit_recurrence_cycles(config().norm, C, kVectorRecurrences);
  }
  tile.cycles = norm::chunk_cycles(stream_cycles(chunk.elements, 3, unit_lanes()), scalar, chunk.last);
}

void IntBnStatsKernel::compute(const Chunk& chunk, KernelEnv& env) {
  const Box& b = chunk.box;
  const std::uint8_t* x = chunk.data[kX];
  const DType t = operands()[kX].tensor.data.type;
  for (std::int64_t i = 0; i < chunk.elements; ++i) {
    const auto c = static_cast<std::size_t>(norm::channel_of(b, i));
    const std::int64_t v = load_element(x, t, i);
    s1_[c] += v;
    s2_[c] += static_cast<__int128>(v) * v;
  }
  if (norm::channels_completed(b, shape()) > 0) {
    const std::int64_t M = shape().n * shape().h * shape().w;
    for (std::int64_t c = b.c0; c < b.c0 + b.nc; ++c) {
      const auto uc = static_cast<std::size_t>(c);
      mu_[uc] = static_cast<std::int64_t>(norm::divide_rounded(s1_[uc] * (std::int64_t{1} << kStatFracBits), M));
    }
  }
  if (chunk.last) finalize(chunk, env);
}

void IntBnStatsKernel::finalize(const Chunk& chunk, KernelEnv& env) {
  ScalarRegs& regs = *env.regs;
  const std::int64_t M = shape().n * shape().h * shape().w;
  const std::size_t C = mu_.size();

  // 1. mu_q = shift(mean_bits)(mu) over the C means.
  const norm::VectorQuantized mean = norm::quantize_vector(mu_, e_x_ - kStatFracBits, nearest_shift(spec_.mean_bits), {});
  const int e_mu = mean.plan.out_exp;
  norm::record_quantization(env, label().path, mean.stats, mean.plan);

  // 2. var = rdiv(sum d^2, M) at 2*e_d, sum d^2 from the moments. The common
  //    grid of x and mu_q (align_grid.hpp) is their finer exponent: e_mu >= e_x - 16
  //    keeps both far inside int64, so a and b are left shifts.
  const HwTensor& x = operands()[kX].tensor;
  const int e_d = common_grid({{e_x_, stored_width(x)}, {e_mu, spec_.mean_bits - 1}});
  const int a = e_x_ - e_d, bshift = e_mu - e_d;
  if (a < 0 || bshift < 0) throw std::logic_error("int-bn statistics: the mean's grid is coarser than x and mu_q");
  std::vector<std::int64_t> var(C);
  for (std::size_t c = 0; c < C; ++c) {
    const __int128 u = barrel_shift(mean.q[c], bshift);
    const __int128 ssd = (s2_[c] << (2 * a)) - 2 * u * (s1_[c] << a) + static_cast<__int128>(M) * u * u;
    var[c] = static_cast<std::int64_t>(norm::divide_rounded(ssd, M));
  }

  // 3. sigma = isqrt(var) at e_d, + 2^eps_exp aligned; sigma_q = shift(std_bits), 0 -> 1.
  constexpr int kRootWidth = 32;  // the square root of an int64 is below 2^32; epsilon (1) has width 1
  const int e_sigma_wide = common_grid({{e_d, kRootWidth}, {spec_.eps_exp, 1}});
  std::vector<std::int64_t> sigma(C);
  for (std::size_t c = 0; c < C; ++c)
    sigma[c] = barrel_shift(norm::square_root(var[c]), e_d - e_sigma_wide) + barrel_shift(1, spec_.eps_exp - e_sigma_wide);
  norm::VectorQuantized sq = norm::quantize_vector(sigma, e_sigma_wide, nearest_shift(spec_.std_bits), {});
  norm::record_quantization(env, label().path, sq.stats, sq.plan);
  for (auto& s : sq.q) s = std::max<std::int64_t>(s, 1);

  // 4. One reciprocal per channel with the common scale R.
  const std::int64_t max_sigma = *std::max_element(sq.q.begin(), sq.q.end());
  const int R = leading_one(static_cast<std::uint64_t>(max_sigma)) + kReciprocalBits;
  const DType mean_t = stats_.mean.data.type, std_t = stats_.stddev.data.type;
  const bool first = regs[initialised_reg_] == 0;
  std::uint64_t clipped = 0;  // running statistics saturated at int64 on their grids
  for (std::size_t c = 0; c < C; ++c) {
    const auto i = static_cast<std::int64_t>(c);
    store_element(chunk.data[kMean], mean_t, i, mean.q[c]);
    store_element(chunk.data[kStd], std_t, i, sq.q[c]);
    store_element(chunk.data[kInv], DType::i64, i,
                  static_cast<std::int64_t>(norm::divide_rounded(static_cast<__int128>(1) << R, sq.q[c])));
    // Running statistics toward mu_q and var.
    store_element(chunk.data[kMeanOut], DType::i64, i,
                  running_update(load_element(chunk.data[kMeanIn], DType::i64, i), mean.q[c], e_mu,
                                 ref::kIntBnRunningMeanExp, spec_.running_momentum_log2, first, &clipped));
    store_element(chunk.data[kVarOut], DType::i64, i,
                  running_update(load_element(chunk.data[kVarIn], DType::i64, i), var[c], 2 * e_d,
                                 ref::kIntBnRunningVarExp, spec_.running_momentum_log2, first, &clipped));
  }
  regs[stats_.mean.exp_reg] = e_mu;
  regs[stats_.stddev.exp_reg] = sq.plan.out_exp;
  regs[stats_.inv_r_reg] = R;
  regs[initialised_reg_] = 1;
  env.events->paths[label().path].saturated += clipped;
}

}  // namespace qtsim::hw
