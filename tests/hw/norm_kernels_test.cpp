// The normalization unit's batchnorm kernels against the reference, bit for
// bit: FP32 BN (fp32-bn) and integer BN (int-bn, the int8-wageubn and int8-dfp
// presets). Each test runs two training steps' forward chains (so the running
// statistics see both their first value and a momentum update) and the
// backward chain of the second step through a small vector buffer: many
// chunks, channel planes split across chunks (rows) in one shape and several
// channels per chunk in another. Timing mode must give the same cycles and
// action counts as exact mode.
#include <gtest/gtest.h>

#include <limits>

#include <algorithm>
#include <cstring>
#include <random>

#include "hw_test_util.hpp"
#include "models/hw/kernels/norm/fp32_bn_backward_data_kernel.hpp"
#include "models/hw/kernels/norm/fp32_bn_backward_reduce_kernel.hpp"
#include "models/hw/kernels/norm/fp32_bn_normalize_kernel.hpp"
#include "models/hw/kernels/norm/fp32_bn_stats_kernel.hpp"
#include "models/hw/kernels/norm/int_bn_affine_kernel.hpp"
#include "models/hw/kernels/norm/int_bn_backward_data_kernel.hpp"
#include "models/hw/kernels/norm/int_bn_backward_reduce_kernel.hpp"
#include "models/hw/kernels/norm/int_bn_normalize_kernel.hpp"
#include "models/hw/kernels/norm/int_bn_stats_kernel.hpp"
#include "models/ref/ops/batchnorm.hpp"
#include "models/ref/scheme.hpp"

namespace qtsim::hw::test {
namespace {

KernelLabel bn_label(const std::string& op, Phase phase, const std::string& path) {
  return {"bn", op, phase, path, Unit::norm_unit};
}

std::uint64_t total(const std::vector<KernelStats>& stats, Action a) {
  std::uint64_t n = 0;
  for (const auto& s : stats) n += s.actions[a];
  return n;
}

std::uint64_t tiles_of(const std::vector<KernelStats>& stats, const std::string& op) {
  for (const auto& s : stats)
    if (s.label.op == op) return s.tiles;
  return 0;
}

// Bit-exact comparison of floats with a useful message.
void expect_bits(const std::vector<float>& hw, const std::vector<float>& ref, const char* what) {
  ASSERT_EQ(hw.size(), ref.size()) << what;
  std::size_t bad = 0, first = 0;
  for (std::size_t i = 0; i < hw.size(); ++i)
    if (std::memcmp(&hw[i], &ref[i], sizeof(float)) != 0 && bad++ == 0) first = i;
  EXPECT_EQ(bad, 0u) << what << ": first difference at " << first << ": hw " << hw[first] << " ref " << ref[first];
}

void expect_ints(const std::vector<std::int64_t>& hw, const std::vector<std::int32_t>& ref, const char* what) {
  EXPECT_EQ(hw, std::vector<std::int64_t>(ref.begin(), ref.end())) << what;
}

void expect_q(const std::vector<std::int64_t>& hw, std::int64_t exp, const ref::QTensor& ref, const char* what) {
  EXPECT_EQ(exp, ref.exp) << what << " exponent";
  expect_ints(hw, ref.q, what);
}

// ============================ FP32 BN ============================

struct FloatShape {
  Dims4 d;
  std::uint64_t vector_bytes;
};

std::vector<float> random_floats(std::size_t n, float mean, float spread, std::mt19937& rng) {
  std::normal_distribution<float> dist(mean, spread);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

ref::FTensor ftensor(const ref::Shape& s, const std::vector<float>& v) {
  ref::FTensor t(s);
  t.data = v;
  return t;
}

// Per-channel offsets and scales, so channels differ.
std::vector<float> channel_data(const Dims4& d, std::mt19937& rng) {
  std::vector<float> v(static_cast<std::size_t>(d.numel()));
  std::uniform_real_distribution<float> off(-3.0f, 3.0f), scale(0.2f, 4.0f);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  for (std::int64_t c = 0; c < d.c; ++c) {
    const float o = off(rng), s = scale(rng);
    for (std::int64_t n = 0; n < d.n; ++n)
      for (std::int64_t i = 0; i < d.h * d.w; ++i) v[static_cast<std::size_t>((n * d.c + c) * d.h * d.w + i)] = o + s * noise(rng);
  }
  return v;
}

struct FloatBnRun {
  std::vector<float> y[2], xhat, inv_std, running_mean, running_var, dx, dgamma, dbeta;
  std::vector<KernelStats> stats;
};

// One accelerator with the FP32 BN program: two forward steps, one backward.
struct FloatBnSetup {
  Dims4 d;
  std::vector<float> x0, x1, gamma, beta, rm0, rv0, dy;
  double eps = 1e-5, momentum = 0.1;
  HwConfig cfg;  // the kernels keep a reference
  Bench bench;
  FloatBnRun res;
};

std::unique_ptr<FloatBnSetup> make_float_bn(const FloatShape& shape, std::uint32_t seed, ExecMode mode) {
  auto su = std::make_unique<FloatBnSetup>();
  FloatBnSetup& S = *su;
  const Dims4 d = S.d = shape.d;
  const Dims4 cv{1, d.c, 1, 1};
  const auto C = static_cast<std::size_t>(d.c);
  std::mt19937 rng(seed);
  S.x0 = channel_data(d, rng);
  S.x1 = channel_data(d, rng);
  S.gamma = random_floats(C, 1.0f, 0.5f, rng);
  S.beta = random_floats(C, 0.0f, 0.5f, rng);
  S.rm0 = random_floats(C, 0.0f, 0.3f, rng);
  S.rv0.resize(C);
  for (auto& v : S.rv0) v = std::uniform_real_distribution<float>(0.5f, 2.0f)(rng);
  S.dy = random_floats(static_cast<std::size_t>(d.numel()), 0.0f, 0.01f, rng);

  S.cfg = small_config(Dataflow::os, 4, 4, 1 << 16);
  S.cfg.vector.capacity_bytes = shape.vector_bytes;
  const HwConfig& cfg = S.cfg;
  DramAllocator alloc;
  auto f32 = [&](const std::string& name, const Dims4& dims) { return HwTensor(alloc.allocate(name, DType::f32, dims)); };
  const HwTensor x[2] = {f32("x0", d), f32("x1", d)}, y[2] = {f32("y0", d), f32("y1", d)};
  const HwTensor xhat[2] = {f32("xhat0", d), f32("xhat1", d)}, inv_std[2] = {f32("inv_std0", cv), f32("inv_std1", cv)};
  const HwTensor mean[2] = {HwTensor(alloc.allocate("mean0", DType::i64, cv)), HwTensor(alloc.allocate("mean1", DType::i64, cv))};
  const HwTensor rm[2] = {f32("rm0", cv), f32("rm1", cv)}, rv[2] = {f32("rv0", cv), f32("rv1", cv)};
  const HwTensor g = f32("gamma", cv), b = f32("beta", cv), dyt = f32("dy", d), dx = f32("dx", d);
  const HwTensor dgamma = f32("dgamma", cv), dbeta = f32("dbeta", cv);
  const FloatBnBackwardCoefficients k{f32("mean_dy", cv), f32("mean_dy_xhat", cv), f32("scale", cv)};

  Bench& bench = S.bench;
  bench.acc = std::make_unique<Accelerator>(mode == ExecMode::exact ? "exact" : "timing", cfg, mode, alloc.used());
  for (int s = 0; s < 2; ++s) {
    const FloatBnRunning running{rm[s % 2], rv[s % 2], rm[(s + 1) % 2], rv[(s + 1) % 2]};
    bench.program.push_back(std::make_unique<FloatBnMeanKernel>(bn_label("bn-mean", Phase::forward, "BN"), x[s], mean[s], cfg));
    bench.program.push_back(std::make_unique<FloatBnVarianceKernel>(bn_label("bn-variance", Phase::forward, "BN"), x[s],
                                                                    mean[s], running, inv_std[s], S.eps, S.momentum, cfg));
    bench.program.push_back(std::make_unique<FloatBnNormalizeKernel>(bn_label("bn-normalize", Phase::forward, "A"), x[s],
                                                                     mean[s], inv_std[s], g, b, y[s], xhat[s], cfg));
  }
  bench.program.push_back(std::make_unique<FloatBnBackwardReduceKernel>(
      bn_label("bn-backward-reduce", Phase::backward_weights, "G"), dyt, xhat[1], g, inv_std[1], dgamma, dbeta, k, cfg));
  bench.program.push_back(
      std::make_unique<FloatBnBackwardDataKernel>(bn_label("bn-backward-data", Phase::backward_data, "E"), dyt, xhat[1], k, dx, cfg));
  if (mode != ExecMode::exact) return su;

  FloatBnSetup* p = su.get();
  bench.before = [=](Accelerator& a) {
    write_floats(a.dram(), x[0].data, p->x0);
    write_floats(a.dram(), x[1].data, p->x1);
    write_floats(a.dram(), g.data, p->gamma);
    write_floats(a.dram(), b.data, p->beta);
    write_floats(a.dram(), rm[0].data, p->rm0);
    write_floats(a.dram(), rv[0].data, p->rv0);
    write_floats(a.dram(), dyt.data, p->dy);
  };
  bench.after = [=](Accelerator& a) {
    FloatBnRun& res = p->res;
    res.y[0] = read_floats(a.dram(), y[0].data);
    res.y[1] = read_floats(a.dram(), y[1].data);
    res.xhat = read_floats(a.dram(), xhat[1].data);
    res.inv_std = read_floats(a.dram(), inv_std[1].data);
    res.running_mean = read_floats(a.dram(), rm[0].data);  // after two steps: bank 0 again
    res.running_var = read_floats(a.dram(), rv[0].data);
    res.dx = read_floats(a.dram(), dx.data);
    res.dgamma = read_floats(a.dram(), dgamma.data);
    res.dbeta = read_floats(a.dram(), dbeta.data);
  };
  return su;
}

void check_float_bn(FloatBnSetup& S) {
  FloatBnRun& res = S.res;
  res.stats = S.bench.stats;
  const Dims4 d = S.d;
  const ref::Shape s{d.n, d.c, d.h, d.w}, sc{d.c};
  ref::FTensor rmean = ftensor(sc, S.rm0), rvar = ftensor(sc, S.rv0);
  const ref::FTensor gt = ftensor(sc, S.gamma), bt = ftensor(sc, S.beta);
  ref::FloatBatchNormSaved saved;
  const ref::FTensor y0 = ref::batchnorm_forward_train(ftensor(s, S.x0), gt, bt, S.eps, rmean, rvar, S.momentum, &saved);
  const ref::FTensor y1 = ref::batchnorm_forward_train(ftensor(s, S.x1), gt, bt, S.eps, rmean, rvar, S.momentum, &saved);
  const ref::FloatBatchNormGrads grads = ref::batchnorm_backward(ftensor(s, S.dy), gt, saved);
  expect_bits(res.y[0], y0.data, "y (step 1)");
  expect_bits(res.y[1], y1.data, "y (step 2)");
  expect_bits(res.xhat, saved.xhat.data, "xhat");
  expect_bits(res.inv_std, saved.inv_std.data, "inv_std");
  expect_bits(res.running_mean, rmean.data, "running mean");
  expect_bits(res.running_var, rvar.data, "running var");
  expect_bits(res.dx, grads.dx.data, "dx");
  expect_bits(res.dgamma, grads.dgamma.data, "dgamma");
  expect_bits(res.dbeta, grads.dbeta.data, "dbeta");
}

FloatBnRun run_float_bn(const FloatShape& shape, std::uint32_t seed) {
  auto S = make_float_bn(shape, seed, ExecMode::exact);
  run_all({&S->bench});
  check_float_bn(*S);
  return S->res;
}

void check_float_costs(const FloatBnRun& r, const Dims4& d) {
  const auto C = static_cast<std::uint64_t>(d.c);
  // Per step: one square root per channel; divides: mean, var, unbiased var, 1/sqrt.
  EXPECT_EQ(total(r.stats, Action::norm_fp_sqrt), 2 * C);
  EXPECT_EQ(total(r.stats, Action::norm_fp_div), 2 * 4 * C + 2 * C);  // + the backward's two means
  for (const auto& s : r.stats) {
    EXPECT_EQ(s.label.unit, Unit::norm_unit);
    EXPECT_GT(s.busy_cycles, 0u);
    EXPECT_GT(s.actions[Action::dram_read], 0u) << s.label.op;
  }
}

// Every kernel of the program splits each plane over several chunks.
void expect_planes_split(const std::vector<KernelStats>& stats, const Dims4& d) {
  for (const auto& s : stats)
    EXPECT_GT(s.tiles, static_cast<std::uint64_t>(d.n * d.c)) << s.label.op << ": planes should span chunks";
}

TEST(Fp32BatchNorm, PlanesSplitAcrossChunks) {
  const FloatShape shape{{2, 3, 16, 20}, 2048};
  const FloatBnRun r = run_float_bn(shape, 11);
  expect_planes_split(r.stats, shape.d);
  check_float_costs(r, shape.d);
}

TEST(Fp32BatchNorm, SeveralChannelsPerChunk) {
  const FloatShape shape{{4, 16, 2, 2}, 2048};
  const FloatBnRun r = run_float_bn(shape, 12);
  for (const char* op : {"bn-mean", "bn-normalize", "bn-backward-data"}) {
    EXPECT_GT(tiles_of(r.stats, op), 1u) << op;
    EXPECT_LT(tiles_of(r.stats, op), static_cast<std::uint64_t>(shape.d.c)) << op << ": chunks should hold several channels";
  }
  check_float_costs(r, shape.d);
}

// ============================ int-bn ============================

struct IntBnCase {
  std::string preset;
  Dims4 d;
  std::uint64_t vector_bytes;
  std::uint32_t seed;
  int x_bits = 8;  // width of the input activations
  int x_exp = -4;  // exponent of the first step's input (the second's is one finer)
};

struct IntBnResult {
  std::vector<std::int64_t> mean, stddev, inv, xhat, y[2], run_mean, run_var, dx, dx_flags, dgamma, dbeta;
  std::int64_t xhat_narrow = 0, dx_narrow = 0;  // z of the 128-bit products (docs/NUMERICS.md §4.6)
  std::int64_t e_mean = 0, e_std = 0, r = 0, e_xhat = 0, e_y[2] = {0, 0}, e_dx = 0, e_dgamma = 0, e_dbeta = 0;
  ref::QuantStats bn_stats;
  std::vector<KernelStats> stats;
};

// Channels with their own offsets and spreads; wider than 8 bits: scaled up, with random low bits.
ref::QTensor random_activation(const Dims4& d, int exp, int bits, std::mt19937& rng) {
  ref::QTensor q(ref::Shape{d.n, d.c, d.h, d.w}, exp, bits);
  const int up = bits - 8;
  std::uniform_int_distribution<std::int64_t> low(0, (std::int64_t{1} << up) - 1);
  std::uniform_int_distribution<int> off(-50, 50), spread(5, 70);
  for (std::int64_t c = 0; c < d.c; ++c) {
    // Channel 1 barely varies (large reciprocal: 128-bit products), channel 2
    // is constant (sigma = eps, sigma_q rounds to 0 and is taken as 1).
    const int o = off(rng), s = c == 1 ? 1 : c == 2 ? 0 : spread(rng);
    std::uniform_int_distribution<int> v(-s, s);
    for (std::int64_t n = 0; n < d.n; ++n)
      for (std::int64_t i = 0; i < d.h * d.w; ++i)
        q.q[static_cast<std::size_t>((n * d.c + c) * d.h * d.w + i)] = static_cast<std::int32_t>(
            std::clamp<std::int64_t>(std::int64_t{std::clamp(o + v(rng), -127, 127)} * (std::int64_t{1} << up) + low(rng),
                                     -ref::max_magnitude(bits), ref::max_magnitude(bits)));
  }
  return q;
}

ref::QTensor random_param(std::int64_t C, int exp, std::uint32_t seed) {
  ref::QTensor q(ref::Shape{C}, exp, 8);
  const auto v = random_ints(static_cast<std::size_t>(C), -127, 127, seed);
  for (std::size_t i = 0; i < v.size(); ++i) q.q[i] = static_cast<std::int32_t>(v[i]);
  return q;
}

HwTensor int_tensor(DramAllocator& alloc, ScalarRegs& regs, const std::string& name, const Dims4& d, int bits,
                    std::int64_t exp = 0) {
  HwTensor t(alloc.allocate(name, int_dtype_for_bits(bits), d), regs.allocate(exp), bits);
  return t;
}

void add_flags(HwTensor& t, DramAllocator& alloc, int bits) {
  t.flagged = true;
  t.flags = alloc.allocate(t.data.name + ".flags", DType::u8, t.data.dims);
  t.flag_shift = bits - 1;
}

std::vector<std::int64_t> wide(const std::vector<std::int32_t>& v) { return {v.begin(), v.end()}; }

// One accelerator with the int-bn program: two forward steps (running
// statistics initialised, then updated), the second step's backward.
struct IntBnSetup {
  ref::Scheme scheme;
  Dims4 d;
  ref::QTensor x[2], gamma, beta, dy;
  ref::RandomStream a_stream, e_stream, gg_stream, gb_stream;
  int x_bits = 8;
  HwConfig cfg;  // the kernels keep a reference
  Bench bench;
  IntBnResult res;
};

std::unique_ptr<IntBnSetup> make_int_bn(const IntBnCase& tc, ExecMode mode) {
  auto su = std::make_unique<IntBnSetup>();
  IntBnSetup& S = *su;
  S.scheme = *ref::find_preset(tc.preset);
  const ref::Scheme& scheme = S.scheme;
  const ref::IntBatchNormSpec& spec = scheme.int_bn;
  const Dims4 d = S.d = tc.d;
  const Dims4 cv{1, d.c, 1, 1};
  S.x_bits = tc.x_bits;
  std::mt19937 rng(tc.seed);
  S.x[0] = random_activation(d, tc.x_exp, tc.x_bits, rng);
  S.x[1] = random_activation(d, tc.x_exp - 1, tc.x_bits, rng);
  S.gamma = random_param(d.c, scheme.W.scale_exponent, tc.seed + 1);
  S.gamma.q[0] = 0;  // a dead channel and negative scales are legal
  S.beta = random_param(d.c, scheme.W.bias_exponent, tc.seed + 2);
  // dy: the E quantizer's output of a random error (flagged for WAGEUBN).
  ref::WideTensor dy_wide(ref::Shape{d.n, d.c, d.h, d.w}, -22);
  const auto v = random_ints(dy_wide.size(), -(1 << 16), 1 << 16, tc.seed + 3);
  for (std::size_t i = 0; i < v.size(); ++i) dy_wide.v[i] = i % 3 == 0 ? v[i] / 512 : v[i];
  S.dy = ref::quantize(dy_wide, scheme.E, {5, ref::stream_id(1, 7, ref::RandomPurpose::quantize_error)});
  S.a_stream = {5, ref::stream_id(1, 3, ref::RandomPurpose::quantize_activation)};
  S.e_stream = {5, ref::stream_id(1, 3, ref::RandomPurpose::quantize_error)};
  S.gg_stream = {5, ref::stream_id(1, ref::kParameterTensorBase + 4, ref::RandomPurpose::quantize_gradient)};
  S.gb_stream = {5, ref::stream_id(1, ref::kParameterTensorBase + 5, ref::RandomPurpose::quantize_gradient)};

  S.cfg = small_config(Dataflow::os, 4, 4, 1 << 16);
  S.cfg.vector.capacity_bytes = tc.vector_bytes;
  S.cfg.norm.units = 2;
  const HwConfig& cfg = S.cfg;
  DramAllocator alloc;
  ScalarRegs regs;  // numbered here, copied into the accelerator
  const HwTensor xt[2] = {int_tensor(alloc, regs, "x0", d, tc.x_bits, S.x[0].exp),
                          int_tensor(alloc, regs, "x1", d, tc.x_bits, S.x[1].exp)};
  const HwTensor g = int_tensor(alloc, regs, "gamma", cv, 8, S.gamma.exp);
  const HwTensor b = int_tensor(alloc, regs, "beta", cv, 8, S.beta.exp);
  IntBnStatistics st[2];
  IntBnXhatTarget xh[2];
  HwTensor y[2];
  for (int s = 0; s < 2; ++s) {
    const std::string k = std::to_string(s);
    st[s] = {int_tensor(alloc, regs, "mean" + k, cv, spec.mean_bits), int_tensor(alloc, regs, "std" + k, cv, spec.std_bits),
             HwTensor(alloc.allocate("inv" + k, DType::i64, cv)), regs.allocate()};
    xh[s] = {int_tensor(alloc, regs, "xhat" + k, d, spec.norm_bits), regs.allocate(), regs.allocate(), regs.allocate()};
    y[s] = int_tensor(alloc, regs, "y" + k, d, scheme.A.bits);
  }
  const HwTensor rm[2] = {HwTensor(alloc.allocate("rm0", DType::i64, cv)), HwTensor(alloc.allocate("rm1", DType::i64, cv))};
  const HwTensor rv[2] = {HwTensor(alloc.allocate("rv0", DType::i64, cv)), HwTensor(alloc.allocate("rv1", DType::i64, cv))};
  const int initialised = regs.allocate(0);
  HwTensor dyt = int_tensor(alloc, regs, "dy", d, scheme.E.bits, S.dy.exp);
  if (S.dy.flagged()) add_flags(dyt, alloc, scheme.E.bits);
  HwTensor dx = int_tensor(alloc, regs, "dx", d, scheme.E.bits);
  if (scheme.E.kind == ref::QuantizerKind::flag) add_flags(dx, alloc, scheme.E.bits);
  const IntBnBackwardMeans means{HwTensor(alloc.allocate("m1", DType::i64, cv)), HwTensor(alloc.allocate("m2", DType::i64, cv))};
  const QuantizeTarget dgamma{int_tensor(alloc, regs, "dgamma", cv, scheme.G.bits), scheme.G, S.gg_stream, regs.allocate()};
  const QuantizeTarget dbeta{int_tensor(alloc, regs, "dbeta", cv, scheme.G.bits), scheme.G, S.gb_stream, regs.allocate()};
  const QuantizeTarget dx_target{dx, scheme.E, S.e_stream, regs.allocate()};
  const int dx_narrow = regs.allocate();

  Bench& bench = S.bench;
  bench.acc = std::make_unique<Accelerator>(mode == ExecMode::exact ? "exact" : "timing", cfg, mode, alloc.used());
  bench.acc->regs() = regs;
  for (int s = 0; s < 2; ++s) {
    const IntBnRunning running{rm[s % 2], rv[s % 2], rm[(s + 1) % 2], rv[(s + 1) % 2], initialised};
    bench.program.push_back(std::make_unique<IntBnStatsKernel>(bn_label("bn-stats", Phase::forward, "BN"), xt[s], spec,
                                                               st[s], running, cfg));
    bench.program.push_back(std::make_unique<IntBnNormalizeKernel>(bn_label("bn-xhat-max", Phase::forward, "BN"),
                                                                   QuantizePass::max, xt[s], st[s], g, b, xh[s], spec, cfg));
    bench.program.push_back(std::make_unique<IntBnNormalizeKernel>(bn_label("bn-xhat", Phase::forward, "BN"),
                                                                   QuantizePass::quantize, xt[s], st[s], g, b, xh[s], spec, cfg));
    const QuantizeTarget a{y[s], scheme.A, S.a_stream, xh[s].y_max_reg};
    bench.program.push_back(std::make_unique<IntBnAffineKernel>(bn_label("bn-affine", Phase::forward, "A"), xh[s].xhat, g,
                                                                b, a, cfg));
  }
  bench.program.push_back(std::make_unique<IntBnBackwardReduceKernel>(
      bn_label("bn-backward-reduce", Phase::backward_weights, "G"), dyt, xh[1].xhat, g, dgamma, dbeta, means, cfg));
  bench.program.push_back(std::make_unique<IntBnBackwardDataKernel>(bn_label("bn-dx-max", Phase::backward_data, "E"),
                                                                    QuantizePass::max, dyt, xh[1].xhat, g, means, st[1],
                                                                    dx_narrow, dx_target, cfg));
  bench.program.push_back(std::make_unique<IntBnBackwardDataKernel>(bn_label("bn-dx", Phase::backward_data, "E"),
                                                                    QuantizePass::quantize, dyt, xh[1].xhat, g, means,
                                                                    st[1], dx_narrow, dx_target, cfg));
  if (mode != ExecMode::exact) return su;

  IntBnSetup* p = su.get();
  bench.before = [=](Accelerator& a) {
    write_ints(a.dram(), xt[0].data, wide(p->x[0].q));
    write_ints(a.dram(), xt[1].data, wide(p->x[1].q));
    write_ints(a.dram(), g.data, wide(p->gamma.q));
    write_ints(a.dram(), b.data, wide(p->beta.q));
    write_ints(a.dram(), dyt.data, wide(p->dy.q));
    if (p->dy.flagged()) write_ints(a.dram(), dyt.flags, {p->dy.flag.begin(), p->dy.flag.end()});
  };
  bench.after = [=](Accelerator& a) {
    IntBnResult& res = p->res;
    Dram& m = a.dram();
    ScalarRegs& r = a.regs();
    res.mean = read_ints(m, st[1].mean.data);
    res.stddev = read_ints(m, st[1].stddev.data);
    res.inv = read_ints(m, st[1].inv.data);
    res.xhat = read_ints(m, xh[1].xhat.data);
    for (int s = 0; s < 2; ++s) {
      res.y[s] = read_ints(m, y[s].data);
      res.e_y[s] = r[y[s].exp_reg];
    }
    res.run_mean = read_ints(m, rm[0].data);  // after two steps: bank 0 again
    res.run_var = read_ints(m, rv[0].data);
    res.dx = read_ints(m, dx.data);
    if (dx.flagged) res.dx_flags = read_ints(m, dx.flags);
    res.dgamma = read_ints(m, dgamma.out.data);
    res.dbeta = read_ints(m, dbeta.out.data);
    res.e_mean = r[st[1].mean.exp_reg];
    res.e_std = r[st[1].stddev.exp_reg];
    res.r = r[st[1].inv_r_reg];
    res.e_xhat = r[xh[1].xhat.exp_reg];
    res.e_dx = r[dx.exp_reg];
    res.e_dgamma = r[dgamma.out.exp_reg];
    res.e_dbeta = r[dbeta.out.exp_reg];
    res.bn_stats = a.events().paths["BN"];
    res.xhat_narrow = r[xh[1].narrow_reg];
    res.dx_narrow = r[dx_narrow];
  };
  return su;
}

void check_int_bn(IntBnSetup& S) {
  IntBnResult& res = S.res;
  res.stats = S.bench.stats;
  const ref::Scheme& scheme = S.scheme;
  // The reference: two training steps, then the second step's backward.
  ref::IntBatchNormRunning running;
  ref::IntBatchNormSaved saved;
  ref::QuantStats bn_stats;
  ref::QTensor ref_y[2];
  for (int s = 0; s < 2; ++s)
    ref_y[s] = ref::quantize(
        ref::int_batchnorm_forward_train(S.x[s], S.gamma, S.beta, scheme.int_bn, running, &saved, &bn_stats), scheme.A,
        S.a_stream);
  const ref::IntBatchNormGrads grads = ref::int_batchnorm_backward(S.dy, S.gamma, saved);
  const ref::QTensor ref_dx = ref::quantize(grads.dx, scheme.E, S.e_stream);
  const ref::QTensor ref_dgamma = ref::quantize(grads.dgamma, scheme.G, S.gg_stream);
  const ref::QTensor ref_dbeta = ref::quantize(grads.dbeta, scheme.G, S.gb_stream);

  expect_q(res.mean, res.e_mean, saved.mean, "NODE/mean");
  expect_q(res.stddev, res.e_std, saved.stddev, "NODE/std");
  expect_q(res.xhat, res.e_xhat, saved.xhat, "NODE/xhat");
  if (S.x_bits == 8 && S.d.c > 2) {
    EXPECT_EQ(res.stddev[2], 1) << "the constant channel's sigma_q should round to 0 and be taken as 1";
  }
  EXPECT_EQ(res.r, saved.inv_r);
  EXPECT_EQ(res.inv, saved.inv);
  for (int s = 0; s < 2; ++s) expect_q(res.y[s], res.e_y[s], ref_y[s], s == 0 ? "y (step 1)" : "y (step 2)");
  EXPECT_EQ(res.run_mean, running.mean) << "running mean";
  EXPECT_EQ(res.run_var, running.var) << "running var";
  expect_q(res.dx, res.e_dx, ref_dx, "dx");
  if (ref_dx.flagged()) {
    EXPECT_EQ(res.dx_flags, std::vector<std::int64_t>(ref_dx.flag.begin(), ref_dx.flag.end())) << "dx flags";
  }
  if (S.dy.flagged()) {
    EXPECT_NE(std::count(S.dy.flag.begin(), S.dy.flag.end(), 1), 0) << "dy should have flagged elements";
    EXPECT_NE(std::count(S.dy.flag.begin(), S.dy.flag.end(), 0), 0) << "dy should have unflagged elements";
    EXPECT_NE(std::count(res.dx_flags.begin(), res.dx_flags.end(), 1), 0);
    EXPECT_NE(std::count(res.dx_flags.begin(), res.dx_flags.end(), 0), 0);
  }
  expect_q(res.dgamma, res.e_dgamma, ref_dgamma, "dgamma");
  expect_q(res.dbeta, res.e_dbeta, ref_dbeta, "dbeta");
  EXPECT_EQ(res.bn_stats.elements, bn_stats.elements);
  EXPECT_EQ(res.bn_stats.saturated, bn_stats.saturated);

  // The cost is visible: per step one isqrt and three divides (mean, variance,
  // reciprocal) per channel; the backward's m1, m2 add two per channel.
  const auto C = static_cast<std::uint64_t>(S.d.c);
  EXPECT_EQ(total(res.stats, Action::norm_int_sqrt), 2 * C);
  EXPECT_EQ(total(res.stats, Action::norm_int_div), 2 * 3 * C + 2 * C);
  EXPECT_EQ(total(res.stats, Action::norm_fp_sqrt), 0u);
  for (const auto& s : res.stats) EXPECT_EQ(s.label.unit, Unit::norm_unit);
}

IntBnResult run_int_bn(const IntBnCase& tc) {
  auto S = make_int_bn(tc, ExecMode::exact);
  run_all({&S->bench});
  check_int_bn(*S);
  return S->res;
}

TEST(IntBatchNorm, WageubnPlanesSplitAcrossChunks) {
  const IntBnCase tc{"int8-wageubn", {2, 3, 24, 32}, 1536, 21};
  const IntBnResult r = run_int_bn(tc);
  expect_planes_split(r.stats, tc.d);
  EXPECT_GT(r.dx_narrow, 0) << "dx's 128-bit products should need narrowing";
}

// 31-bit inputs (int32 in DRAM): the moments S1, S2 and the variance identity
// far beyond 8-bit sizes. (x-hat's products stay near 2^15 * max sigma_d, so
// even here they need no narrowing; dx's do, see above.)
TEST(IntBatchNorm, WideInputs) {
  const IntBnCase tc{"int8-wageubn", {3, 5, 6, 10}, 1536, 26, 31};
  const IntBnResult r = run_int_bn(tc);
  EXPECT_EQ(r.xhat_narrow, 0);
}

TEST(IntBatchNorm, WageubnSeveralChannelsPerChunk) {
  const IntBnCase tc{"int8-wageubn", {8, 12, 2, 3}, 2048, 22};
  const IntBnResult r = run_int_bn(tc);
  for (const char* op : {"bn-stats", "bn-xhat", "bn-dx"}) {
    EXPECT_GT(tiles_of(r.stats, op), 1u) << op;
    EXPECT_LT(tiles_of(r.stats, op), static_cast<std::uint64_t>(tc.d.c)) << op << ": chunks should hold several channels";
  }
}

TEST(IntBatchNorm, DfpPlanesSplitAcrossChunks) {
  const IntBnCase tc{"int8-dfp", {2, 5, 24, 30}, 1536, 23};
  expect_planes_split(run_int_bn(tc).stats, tc.d);
}

TEST(IntBatchNorm, DfpSeveralChannelsPerChunk) {
  run_int_bn({"int8-dfp", {5, 6, 2, 4}, 2048, 24});
}

// Activations at 2^40: the batch variance (at 2 e_d, far above 2^-32) leaves
// int64 on the running grid; it saturates there and is counted, never silently
// (docs/NUMERICS.md §8); epsilon's grid lies far below sigma's and is floored (§1.1).
TEST(IntBatchNorm, HugeActivationsCountRunningStatisticSaturations) {
  IntBnCase tc{"int8-dfp", {4, 3, 3, 5}, 2048, 27};
  tc.x_exp = 40;
  const IntBnResult r = run_int_bn(tc);
  EXPECT_GT(r.bn_stats.saturated, 0u);
  EXPECT_LE(r.bn_stats.saturated, r.bn_stats.elements);
  EXPECT_GT(std::count(r.run_var.begin(), r.run_var.end(), std::numeric_limits<std::int64_t>::max()), 0)
      << "a saturated running variance";
}

// Activations at 2^-90: sigma is epsilon's, x-hat's exponent is near -80, and
// the backward's aligned terms lie some 160 bits apart; dx is still exact
// (docs/NUMERICS.md §8), the same as the reference's. Two channels: a constant
// one would keep epsilon as its sigma here, not round to 0.
TEST(IntBatchNorm, TinyActivationsGiveExactGradientsBeyond128Bits) {
  IntBnCase tc{"int8-wageubn", {4, 2, 3, 5}, 2048, 28};
  tc.x_exp = -90;
  const IntBnResult r = run_int_bn(tc);
  EXPECT_LT(r.e_xhat, -64) << "x-hat's exponent should put the aligned terms beyond 128 bits";
  EXPECT_GT(r.dx_narrow, 128 - 62) << "dx's products should lie beyond 128 bits";
  EXPECT_GT(std::count_if(r.dx.begin(), r.dx.end(), [](std::int64_t v) { return v != 0; }), 0) << "dx should not vanish";
}

// Timing mode skips the arithmetic: same cycles and action counts per kernel.
void expect_same_costs(const std::vector<KernelStats>& exact, const std::vector<KernelStats>& timing) {
  ASSERT_EQ(exact.size(), timing.size());
  for (std::size_t i = 0; i < exact.size(); ++i) {
    EXPECT_EQ(exact[i].label.op, timing[i].label.op);
    EXPECT_EQ(exact[i].tiles, timing[i].tiles) << exact[i].label.op;
    EXPECT_EQ(exact[i].busy_cycles, timing[i].busy_cycles) << exact[i].label.op;
    EXPECT_EQ(exact[i].cycles, timing[i].cycles) << exact[i].label.op;
    EXPECT_TRUE(exact[i].actions == timing[i].actions) << exact[i].label.op;
  }
}

TEST(Fp32BatchNorm, TimingModeCostsMatchExact) {
  const FloatShape shape{{2, 3, 16, 20}, 2048};
  auto exact = make_float_bn(shape, 13, ExecMode::exact);
  auto timing = make_float_bn(shape, 13, ExecMode::timing);
  run_all({&exact->bench, &timing->bench});
  check_float_bn(*exact);
  expect_same_costs(exact->bench.stats, timing->bench.stats);
}

TEST(IntBatchNorm, TimingModeCostsMatchExact) {
  const IntBnCase tc{"int8-wageubn", {2, 3, 24, 32}, 1536, 25};
  auto exact = make_int_bn(tc, ExecMode::exact);
  auto timing = make_int_bn(tc, ExecMode::timing);
  run_all({&exact->bench, &timing->bench});
  check_int_bn(*exact);
  expect_same_costs(exact->bench.stats, timing->bench.stats);
}

}  // namespace
}  // namespace qtsim::hw::test
