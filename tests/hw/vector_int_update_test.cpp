// The integer parameter update on the vector unit (momentum buffer, update,
// master copy, forward weights) against ref::int_update on a ref::Parameter,
// for the presets' optimizer encodings: EOQ (no momentum, 8-bit storage: M is
// W), WAGEUBN (momentum 1/4 into 13 bits, 24-bit storage, eta Q10) and DFP
// (momentum 7/8 into 16 bits, 16-bit storage), over several steps, in place or
// alternating between two banks, with saturations of Delta and M exercised;
// and with integer weight decay (the decay term on a finer grid than the
// gradient term, both summed exactly before the one rounding).
#include <gtest/gtest.h>

#include <algorithm>

#include "models/hw/kernels/vector/int_parameter_update_kernel.hpp"
#include "models/hw/kernels/vector/momentum_buffer_kernel.hpp"
#include "models/ref/optimizer.hpp"
#include "models/ref/scheme.hpp"
#include "vector_twin_run.hpp"

namespace qtsim::hw::test {
namespace {

constexpr std::uint32_t kSeed = 99;
constexpr std::uint32_t kParamIndex = 3;

ref::RandomStream update_stream(std::uint32_t step) {
  return {kSeed, ref::stream_id(step, ref::kParameterTensorBase + kParamIndex, ref::RandomPurpose::quantize_update)};
}
ref::RandomStream momentum_stream(std::uint32_t step) {
  return {kSeed, ref::stream_id(step, ref::kParameterTensorBase + kParamIndex, ref::RandomPurpose::quantize_momentum)};
}

struct UpdateCase {
  std::string preset;
  ref::Shape shape;
  int e_w = -7;
  double lr = 0.1;
  int steps = 2;
  bool in_place = true;
  int velocity_exp = 0;           // starting V (0 = as initialised: zeros at exponent 0)
  bool random_velocity = false;
  std::int64_t master_range = 0;  // |M| drawn up to this (0: the whole storage range)
  int edge_every = 7;             // every k-th master element starts at +-max (M saturations)
  double weight_decay = 0.0;      // lambda (0: none)
};

ref::Parameter make_parameter(const ref::Scheme& s, const UpdateCase& c) {
  ref::Parameter p;
  p.name = "block.conv.weight";
  p.is_float = false;
  p.shape = c.shape;
  p.weight_decay = true;  // a conv weight: decays when lambda > 0
  const int kw = s.W.bits, km = s.W.storage_bits;
  p.master = ref::QTensor(c.shape, c.e_w - (km - kw), km);
  const std::int64_t mmax = ref::max_magnitude(km);
  const std::int64_t range = c.master_range ? c.master_range : mmax;
  const auto mv = random_ints(p.master.size(), -range, range, 21);
  for (std::size_t i = 0; i < p.master.size(); ++i)
    p.master.q[i] = static_cast<std::int32_t>(i % static_cast<std::size_t>(c.edge_every) == 0 ? (i % 2 ? mmax : -mmax) : mv[i]);
  p.w = ref::QTensor(c.shape, c.e_w, kw);
  for (std::size_t i = 0; i < p.w.size(); ++i)
    p.w.q[i] = static_cast<std::int32_t>(ref::saturate(ref::round_shift(p.master.q[i], km - kw, ref::Rounding::nearest), kw));
  p.has_velocity = s.optimizer.momentum.enabled;
  if (p.has_velocity) {
    p.velocity_q = ref::QTensor(c.shape, c.velocity_exp, s.optimizer.momentum.buffer_bits);
    if (c.random_velocity) {
      const std::int64_t vmax = ref::max_magnitude(s.optimizer.momentum.buffer_bits);
      const auto vv = random_ints(p.velocity_q.size(), -vmax, vmax, 22);
      for (std::size_t i = 0; i < vv.size(); ++i) p.velocity_q.q[i] = static_cast<std::int32_t>(vv[i]);
    }
  }
  return p;
}

// G-quantized gradients of each step: constant quantizer -> exponent -b, shift -> any exponent.
std::vector<ref::QTensor> make_gradients(const ref::Scheme& s, const UpdateCase& c) {
  std::vector<ref::QTensor> g;
  for (int t = 0; t < c.steps; ++t) {
    const int exp = s.G.kind == ref::QuantizerKind::constant ? -s.G.constant_log2 : -13 + t;
    ref::QTensor q(c.shape, exp, 8);
    const auto v = random_ints(q.size(), -127, 127, 31 + static_cast<std::uint32_t>(t));
    for (std::size_t i = 0; i < v.size(); ++i) q.q[i] = static_cast<std::int32_t>(v[i]);
    g.push_back(std::move(q));
  }
  return g;
}

void check_update(const UpdateCase& c) {
  const ref::Scheme s = *ref::find_preset(c.preset);
  const ref::MomentumSpec& mom = s.optimizer.momentum;
  const ref::Parameter start = make_parameter(s, c);
  const std::vector<ref::QTensor> grads = make_gradients(s, c);
  const std::int64_t lr_int = ref::learning_rate_integer(c.lr, s.optimizer.lr_frac_bits);
  const std::int64_t decay_int = ref::weight_decay_integer(c.weight_decay, s.optimizer.weight_decay_frac_bits);
  const bool separate_w = s.W.storage_bits != s.W.bits;

  // Reference: the steps one after another.
  ref::Parameter p = start;
  std::vector<ref::IntUpdateRecord> records;
  ref::QuantStats ref_u, ref_momentum;
  for (int t = 0; t < c.steps; ++t) {
    records.push_back(ref::int_update(p, grads[static_cast<std::size_t>(t)], lr_int, decay_int, s, update_stream(static_cast<std::uint32_t>(t)),
                                      momentum_stream(static_cast<std::uint32_t>(t))));
    ref_u.add(records.back().update_stats);
    ref_momentum.add(records.back().momentum_stats);
  }

  // Hardware: parameter state in one bank (in place) or two alternating banks.
  const Dims4 d = dims_of(c.shape);
  HwConfig cfg = small_config(Dataflow::os, 4, 4, 2048);
  cfg.vector.capacity_bytes = 2048;
  DramAllocator alloc;
  const int banks = c.in_place ? 1 : 2;
  HwTensor w[2], m[2], v[2];
  for (int b = 0; b < banks; ++b) {
    const std::string sfx = "." + std::to_string(b);
    w[b] = HwTensor(alloc.allocate("w" + sfx, int_dtype_for_bits(s.W.bits), d), -1, s.W.bits);
    m[b] = separate_w ? HwTensor(alloc.allocate("m" + sfx, int_dtype_for_bits(s.W.storage_bits), d), -1, s.W.storage_bits) : w[b];
    if (mom.enabled) v[b] = HwTensor(alloc.allocate("v" + sfx, int_dtype_for_bits(mom.buffer_bits), d), -1, mom.buffer_bits);
  }
  std::vector<HwTensor> g, u;
  for (int t = 0; t < c.steps; ++t) {
    g.emplace_back(alloc.allocate("g" + std::to_string(t), DType::i8, d), -1, 8);
    u.emplace_back(alloc.allocate("u" + std::to_string(t), int_dtype_for_bits(s.U.bits), d), -1, s.U.bits);
  }
  int lr_reg = -1, v_nonzero_reg = -1;
  auto build = [&](ScalarRegs& r, std::vector<std::unique_ptr<Kernel>>& prog) {
    for (int b = 0; b < banks; ++b) {
      w[b].exp_reg = r.allocate(start.w.exp);
      m[b].exp_reg = separate_w ? r.allocate(start.master.exp) : w[b].exp_reg;
      if (mom.enabled) v[b].exp_reg = r.allocate(start.velocity_q.exp);
    }
    lr_reg = r.allocate(lr_int);
    v_nonzero_reg = r.allocate(std::any_of(start.velocity_q.q.begin(), start.velocity_q.q.end(), [](std::int32_t q) { return q != 0; }) ? 1 : 0);
    for (int t = 0; t < c.steps; ++t) {
      g[static_cast<std::size_t>(t)].exp_reg = r.allocate(grads[static_cast<std::size_t>(t)].exp);
      u[static_cast<std::size_t>(t)].exp_reg = r.allocate();
    }
    for (int t = 0; t < c.steps; ++t) {
      const int in = c.in_place ? 0 : t % 2, out = c.in_place ? 0 : (t + 1) % 2;
      const auto st = static_cast<std::uint32_t>(t);
      HwTensor dir = g[static_cast<std::size_t>(t)];
      if (mom.enabled) {
        const QuantizeTarget target{v[out], {ref::QuantizerKind::shift, mom.buffer_bits, mom.rounding}, momentum_stream(st),
                                    r.allocate()};
        for (QuantizePass pass : {QuantizePass::max, QuantizePass::quantize})
          prog.push_back(std::make_unique<MomentumBufferKernel>(
              KernelLabel{"block.conv", pass == QuantizePass::max ? "max" : "momentum", Phase::update, "momentum", Unit::vector_unit},
              v[in], dir, mom.coefficient_int, mom.coefficient_frac, v_nonzero_reg, pass, target, cfg));
        dir = v[out];
      }
      IntUpdateTensors tensors{dir, m[in], u[static_cast<std::size_t>(t)], m[out], std::nullopt};
      if (separate_w) tensors.weights_out = w[out];
      prog.push_back(std::make_unique<IntParameterUpdateKernel>(KernelLabel{"block.conv", "update", Phase::update, "U", Unit::vector_unit},
                                                                tensors, IntUpdateRates{lr_reg, s.optimizer.lr_frac_bits, decay_int,
                                                                                        s.optimizer.weight_decay_frac_bits},
                                                                s.U.rounding, update_stream(st), cfg));
    }
  };
  struct Read {
    std::vector<std::int64_t> q;
    std::int64_t exp = 0;
  };
  Read hw_w, hw_m, hw_v;
  std::vector<Read> hw_u(static_cast<std::size_t>(c.steps));
  ref::QuantStats hw_u_stats, hw_momentum_stats;
  const int final_bank = c.in_place ? 0 : c.steps % 2;
  const auto stats = run_exact_and_timing(
      cfg, alloc.used(), build,
      [&](Accelerator& a) {
        write_ints(a.dram(), m[0].data, ints_of(start.master));
        if (separate_w) write_ints(a.dram(), w[0].data, ints_of(start.w));
        if (mom.enabled) write_ints(a.dram(), v[0].data, ints_of(start.velocity_q));
        for (int t = 0; t < c.steps; ++t) write_ints(a.dram(), g[static_cast<std::size_t>(t)].data, ints_of(grads[static_cast<std::size_t>(t)]));
      },
      [&](Accelerator& a) {
        auto read = [&](const HwTensor& t) { return Read{read_ints(a.dram(), t.data), a.regs()[t.exp_reg]}; };
        hw_w = read(w[final_bank]);
        hw_m = read(m[final_bank]);
        if (mom.enabled) hw_v = read(v[final_bank]);
        for (int t = 0; t < c.steps; ++t) hw_u[static_cast<std::size_t>(t)] = read(u[static_cast<std::size_t>(t)]);
        hw_u_stats = a.events().paths["U"];
        hw_momentum_stats = a.events().paths["momentum"];
      });
  for (const KernelStats& st : stats) EXPECT_GT(st.tiles, 2u) << st.label.op << ": the vector buffer should force chunking";

  for (int t = 0; t < c.steps; ++t) {
    const ref::QTensor& ru = records[static_cast<std::size_t>(t)].update;
    EXPECT_EQ(hw_u[static_cast<std::size_t>(t)].q, ints_of(ru)) << "u, step " << t;
    EXPECT_EQ(hw_u[static_cast<std::size_t>(t)].exp, ru.exp) << "u, step " << t;
  }
  EXPECT_EQ(hw_m.q, ints_of(p.master));
  EXPECT_EQ(hw_m.exp, p.master.exp);
  EXPECT_EQ(hw_w.q, ints_of(p.w));
  EXPECT_EQ(hw_w.exp, p.w.exp);
  if (mom.enabled) {
    EXPECT_EQ(hw_v.q, ints_of(p.velocity_q));
    EXPECT_EQ(hw_v.exp, p.velocity_q.exp);
    EXPECT_EQ(hw_momentum_stats.elements, ref_momentum.elements);
    EXPECT_EQ(hw_momentum_stats.saturated, ref_momentum.saturated);
  }
  EXPECT_EQ(hw_u_stats.elements, ref_u.elements);
  EXPECT_EQ(hw_u_stats.saturated, ref_u.saturated);
  EXPECT_GT(ref_u.saturated, 0u) << "the case should exercise saturation";
  EXPECT_LE(hw_u_stats.saturated, hw_u_stats.elements) << "an element counts once";
}

TEST(IntUpdate, EoqNoMomentumMasterIsWeights) {
  // lr 1.7: eta_int (odd) * g overflows the 8-bit update for |g| > 74 (U saturates)
  // and rounds stochastically below; edge elements saturate M.
  UpdateCase c{"int8-eoq", {8, 8, 3, 3}};
  c.lr = 1.7;
  c.steps = 2;
  check_update(c);
}

// WAGEUBN's momentum 1/4 over three steps, alternating banks, from a random V.
UpdateCase wageubn_banks_case() {
  UpdateCase c{"int8-wageubn", {16, 8, 3, 3}};
  c.in_place = false;
  c.steps = 3;
  c.random_velocity = true;
  c.velocity_exp = -12;
  c.lr = 0.05;
  c.edge_every = 5;
  return c;
}

TEST(IntUpdate, WageubnMomentumQuarterBanks) {
  UpdateCase c = wageubn_banks_case();
  c.master_range = 1 << 20;
  check_update(c);
}

TEST(IntUpdate, EoqWeightDecay) {
  // lambda 0.01 at lr 1.7: eta * lambda * M is a fraction of one weight step, so
  // it only shows through the stochastic rounding of the summed step.
  UpdateCase c{"int8-eoq", {8, 8, 3, 3}};
  c.lr = 1.7;
  c.steps = 3;
  c.weight_decay = 0.01;
  check_update(c);
}

TEST(IntUpdate, WageubnWeightDecayBanks) {
  // 24-bit master, eta Q10, lambda Q20: the decay grid is ~30 bits finer than the
  // gradient term's.
  UpdateCase c = wageubn_banks_case();
  c.weight_decay = 5e-4;
  check_update(c);
}

TEST(IntUpdate, EoqLearningRateThousandCountsEachElementOnce) {
  // Delta saturates for nearly every element and M' for many of them.
  UpdateCase c{"int8-eoq", {8, 8, 3, 3}};
  c.lr = 1000.0;
  c.steps = 1;
  check_update(c);
}

// V 97 bits below the gradient (as in a Fixup network after step 0): all zero,
// the first step's V is the gradient itself (docs/NUMERICS.md §7); nonzero, it
// is aligned where int64 holds g and floored onto that grid (§1.1).
void dfp_buffer_far_below_case(bool random_velocity) {
  UpdateCase c{"int8-dfp", {16, 64}};
  c.velocity_exp = -110;
  c.random_velocity = random_velocity;
  c.steps = 2;
  c.lr = 0.1;
  c.edge_every = 9;
  check_update(c);
}

TEST(IntUpdate, DfpMomentumFromAZeroBufferFarBelow) { dfp_buffer_far_below_case(false); }
TEST(IntUpdate, DfpMomentumFromABufferFarBelow) { dfp_buffer_far_below_case(true); }

TEST(IntUpdate, DfpMomentumSevenEighthsInPlace) {
  UpdateCase c{"int8-dfp", {16, 64}};
  c.steps = 3;
  c.lr = 0.1;
  c.edge_every = 9;
  check_update(c);
}

}  // namespace
}  // namespace qtsim::hw::test
