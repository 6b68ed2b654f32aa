#include "float_entry_kernel.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <stdexcept>

#include "models/ref/rounding.hpp"

namespace qtsim::hw {

namespace {

constexpr std::uint32_t kAbsMask = 0x7fffffffU;
constexpr std::uint32_t kExpField = 0x7f800000U;
constexpr std::uint32_t kFracField = 0x007fffffU;
constexpr std::int64_t kInfValue = std::int64_t{1} << 62;
constexpr int kGridBelowMsb = 40;

bool non_finite(std::uint32_t bits) { return (bits & kExpField) == kExpField; }
bool is_inf(std::uint32_t bits) { return (bits & kAbsMask) == kExpField; }

std::uint32_t load_bits(const std::uint8_t* base, std::int64_t i) {
  std::uint32_t b;
  std::memcpy(&b, base + 4 * static_cast<std::size_t>(i), 4);
  return b;
}

// A finite float as mant · 2^exp with an integer mant (24 bits for normals,
// fewer for subnormals) and the sign applied to mant.
struct FloatFields {
  std::int64_t mant = 0;
  int exp = 0;
};

FloatFields fields(std::uint32_t bits) {
  const auto biased = static_cast<int>((bits & kExpField) >> 23);
  const std::uint32_t frac = bits & kFracField;
  FloatFields f;
  f.mant = biased == 0 ? frac : (frac | 0x00800000U);
  f.exp = (biased == 0 ? 1 : biased) - 150;
  if (bits >> 31) f.mant = -f.mant;
  return f;
}

}  // namespace

int float_entry_grid(std::uint32_t max_abs_bits) {
  max_abs_bits &= kAbsMask;
  if (max_abs_bits == 0) return 0;
  const auto biased = static_cast<int>(max_abs_bits >> 23);
  // floor(log2 m): biased − 127 for normals; the top fraction bit's weight for subnormals.
  const int log2 = biased != 0 ? biased - 127 : (32 - std::countl_zero(max_abs_bits)) - 1 - 149;
  return log2 - kGridBelowMsb;
}

std::int64_t float_to_grid(std::uint32_t bits, int grid) {
  if (non_finite(bits)) return is_inf(bits) ? (bits >> 31 ? -kInfValue : kInfValue) : 0;
  const FloatFields f = fields(bits);
  if (f.mant == 0) return 0;
  const int s = grid - f.exp;
  // Exact: no finite element exceeds the largest, whose top bit lies 40 bits
  // above the grid, so a shifted mantissa stays below 2^41.
  return s >= 0 ? ref::floor_shift(f.mant, s) : f.mant * (std::int64_t{1} << -s);
}

std::uint64_t float_entry_wide_max(std::uint32_t max_abs_bits, std::uint64_t infinities) {
  if (infinities > 0) return static_cast<std::uint64_t>(kInfValue);
  return static_cast<std::uint64_t>(float_to_grid(max_abs_bits & kAbsMask, float_entry_grid(max_abs_bits)));
}

FloatEntryRegs FloatEntryRegs::allocate(ScalarRegs& regs) {
  FloatEntryRegs r;
  r.max_abs_bits = regs.allocate();
  r.nonfinite = regs.allocate();
  r.infinite = regs.allocate();
  r.grid_exp = regs.allocate();
  r.wide_max = regs.allocate();
  return r;
}

namespace {

std::vector<StreamOperand> float_input(const HwTensor& x) {
  if (!x.is_float()) throw std::logic_error("float entry: " + x.data.name + " is not float32");
  return {{x, OperandRole::same, false, false}};
}

}  // namespace

// ---- pass 1 ----

FloatEntryMaxKernel::FloatEntryMaxKernel(KernelLabel label, const HwTensor& x, FloatEntryRegs regs, const HwConfig& config)
    : StreamKernel(std::move(label), x.data.dims, Chunking::flat, float_input(x), config), regs_(regs) {}

void FloatEntryMaxKernel::start(KernelEnv& env) {
  StreamKernel::start(env);
  max_bits_ = 0;
  nonfinite_ = infinite_ = 0;
}

void FloatEntryMaxKernel::cost(const Chunk& chunk, Tile& tile) const {
  const auto n = static_cast<std::uint64_t>(chunk.elements);
  tile.actions.add(Action::vec_fp_add, n);  // |v| compare into the running max
  tile.actions.add(Action::vec_int_add, n); // exponent field all ones: NaN/Inf count
  tile.cycles = stream_cycles(chunk.elements, 2, unit_lanes());
}

void FloatEntryMaxKernel::compute(const Chunk& chunk, KernelEnv&) {
  for (std::int64_t i = 0; i < chunk.elements; ++i) {
    const std::uint32_t b = load_bits(chunk.data[0], i);
    if (non_finite(b)) {
      ++nonfinite_;
      if (is_inf(b)) ++infinite_;
      continue;
    }
    // Magnitudes of finite floats order as their bit patterns with the sign cleared.
    max_bits_ = std::max(max_bits_, b & kAbsMask);
  }
}

void FloatEntryMaxKernel::finish(KernelEnv& env) {
  if (!env.exact()) return;
  ScalarRegs& r = *env.regs;
  r[regs_.max_abs_bits] = max_bits_;
  r[regs_.nonfinite] = static_cast<std::int64_t>(nonfinite_);
  r[regs_.infinite] = static_cast<std::int64_t>(infinite_);
  // The controller's scalar step: grid and max of the converted tensor.
  r[regs_.grid_exp] = float_entry_grid(max_bits_);
  r[regs_.wide_max] = static_cast<std::int64_t>(float_entry_wide_max(max_bits_, infinite_));
  env.events->paths[label().path].nonfinite += nonfinite_;
}

// ---- pass 2 ----

FloatEntryKernel::FloatEntryKernel(KernelLabel label, const HwTensor& x, int grid_exp_reg, QuantizePass pass,
                                   QuantizeTarget target, const HwConfig& config)
    : QuantizePassKernel(std::move(label), x.data.dims, Chunking::flat, float_input(x), pass, std::move(target), config),
      grid_reg_(grid_exp_reg) {}

int FloatEntryKernel::wide_exp(KernelEnv& env) const { return static_cast<int>((*env.regs)[grid_reg_]); }

void FloatEntryKernel::wide_values(const Chunk& chunk, KernelEnv& env, std::int64_t* out) const {
  const int grid = wide_exp(env);
  for (std::int64_t i = 0; i < chunk.elements; ++i) out[i] = float_to_grid(load_bits(chunk.data[0], i), grid);
}

}  // namespace qtsim::hw
