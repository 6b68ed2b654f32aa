#include "norm_datapath.hpp"

#include <algorithm>
#include <stdexcept>

#include "models/hw/core/kernel.hpp"
#include "models/hw/kernels/vector/align_grid.hpp"
#include "models/hw/kernels/vector/leading_one.hpp"

namespace qtsim::hw::norm {

void require_channel_vector(const HwTensor& t, std::int64_t channels, DType type, const char* kernel) {
  const Dims4 want{1, channels, 1, 1};
  if (!(t.data.dims == want) || t.data.type != type)
    throw std::logic_error(std::string(kernel) + ": '" + t.data.name + "' must be a " + to_string(type) + " " +
                           want.str() + " per-channel vector, is " + to_string(t.data.type) + " " + t.data.dims.str());
}

void require_tensor(const HwTensor& t, const Dims4& d, DType type, const char* kernel) {
  if (!(t.data.dims == d) || t.data.type != type)
    throw std::logic_error(std::string(kernel) + ": '" + t.data.name + "' must be " + to_string(type) + " " + d.str() +
                           ", is " + to_string(t.data.type) + " " + t.data.dims.str());
}

int WideRange::narrow_shift() const {
  int bits = leading_one(std::max(abs128(max), abs128(min)));
  if (any_beyond) bits = std::max({bits, significant_bits(beyond_max), significant_bits(beyond_min)});
  return bits > 62 ? bits - 62 : 0;
}

std::uint64_t WideRange::narrowed_max_abs() const {
  const int z = narrow_shift();
  unsigned __int128 m = std::max(abs128(floor_shift(max, z)), abs128(floor_shift(min, z)));
  if (any_beyond) m = std::max({m, abs128(floor_shift(beyond_max, z)), abs128(floor_shift(beyond_min, z))});
  return static_cast<std::uint64_t>(m);
}

AffineGrid affine_grid(int e_xhat, int xhat_bits, const HwTensor& gamma, int e_gamma, const HwTensor& beta, int e_beta) {
  const int e_prod = e_xhat + e_gamma;
  const int e_y = common_grid({{e_prod, xhat_bits - 1 + stored_width(gamma)}, {e_beta, stored_width(beta)}});
  return {e_y, e_prod - e_y, e_beta - e_y};
}

VectorQuantized quantize_vector(const std::vector<std::int64_t>& v, int in_exp, const ref::QuantizerSpec& spec,
                                const ref::RandomStream& random) {
  VectorQuantized out;
  std::uint64_t m = 0;
  for (std::int64_t x : v) m = std::max(m, static_cast<std::uint64_t>(abs128(x)));
  out.plan = plan_requant(spec, m, in_exp);
  out.q.resize(v.size());
  if (spec.kind == ref::QuantizerKind::flag) out.flags.resize(v.size());
  out.stats.elements = v.size();
  const bool stochastic = spec.rounding == ref::Rounding::stochastic;
  for (std::size_t i = 0; i < v.size(); ++i) {
    bool flag = false;
    std::uint64_t sat = 0;
    out.q[i] = requant_element(v[i], out.plan, stochastic ? random.word(i) : 0U, &flag, &sat);
    if (out.plan.kind == ref::QuantizerKind::constant) out.stats.clipped += sat; else out.stats.saturated += sat;
    if (!out.flags.empty()) out.flags[i] = flag ? 1 : 0;
  }
  out.stats.shift = out.plan.shift;
  out.stats.discarded_exp = out.plan.discarded_exp;
  return out;
}

void record_quantization(KernelEnv& env, const std::string& path, const ref::QuantStats& stats, const RequantPlan& plan) {
  ref::QuantStats& p = env.events->paths[path];
  p.add(stats);
  p.shift = plan.shift;
  p.discarded_exp = plan.discarded_exp;
}

}  // namespace qtsim::hw::norm
