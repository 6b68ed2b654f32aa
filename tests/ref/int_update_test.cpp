// The integer update rule (docs/NUMERICS.md §7) against hand-computed values:
// the learning-rate and weight-decay encodings, the decay term on its finer grid,
// its unbiased stochastic rounding, and which parameters decay.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <limits>

#include "models/ref/model.hpp"
#include "models/ref/optimizer.hpp"
#include "models/ref/scheme.hpp"
#include "models/ref/update_step.hpp"
#include "network_test_util.hpp"

namespace qtsim::ref {
namespace {

RandomStream stream(std::uint32_t purpose_step) {
  return {7, stream_id(purpose_step, kParameterTensorBase, RandomPurpose::quantize_update)};
}

// A DFP-style parameter (16-bit master at e_M = -20, 8-bit W), every master
// element `m`, no momentum.
Parameter dfp_parameter(std::int32_t m, std::size_t n, bool decays) {
  Parameter p;
  p.name = "conv.weight";
  p.is_float = false;
  p.weight_decay = decays;
  p.shape = {static_cast<std::int64_t>(n)};
  p.master = QTensor(p.shape, -20, 16);
  for (auto& q : p.master.q) q = m;
  p.w = QTensor(p.shape, -12, 8);
  for (std::size_t i = 0; i < p.w.size(); ++i) p.w.q[i] = static_cast<std::int32_t>(round_shift(m, 8, Rounding::nearest));
  return p;
}

Scheme dfp_without_momentum(Rounding u_rounding) {
  Scheme s = *find_preset("int8-dfp");
  s.optimizer.momentum.enabled = false;
  s.U.rounding = u_rounding;
  return s;
}

TEST(IntUpdate, WeightDecayEncoding) {
  EXPECT_EQ(weight_decay_integer(0.0, 20), 0);
  EXPECT_EQ(weight_decay_integer(5e-4, 20), 524);       // 5e-4 * 2^20 = 524.29
  EXPECT_EQ(weight_decay_integer(std::ldexp(1.0, -6), 20), 1 << 14);
  EXPECT_EQ(weight_decay_integer(1e-9, 20), 1);         // positive lambda never encodes as "none"
}

UpdateStepShape step_shape(int e_dir, int e_master, int lr_frac, int wd_frac, std::int64_t lr, std::int64_t decay) {
  UpdateStepShape sh;
  sh.dir_exp = e_dir;
  sh.dir_width = 7;
  sh.master_exp = e_master;
  sh.master_width = 15;
  sh.lr_frac = lr_frac;
  sh.wd_frac = wd_frac;
  sh.lr_int = lr;
  sh.decay_int = decay;
  return sh;
}

TEST(IntUpdate, StepGridAlignsTheFinerTerm) {
  // gradient term at -7 - 16 = -23, decay term at -9 - 16 - 20 = -45
  const UpdateStepGrid g = update_step_grid(step_shape(-7, -9, 16, 20, 5, 2));
  EXPECT_EQ(g.exp, -45);
  EXPECT_EQ(g.dir_shift, 22);
  EXPECT_EQ(g.decay_shift, 0);
  const UpdateStepGrid none = update_step_grid(step_shape(-7, -9, 16, 20, 5, 0));
  EXPECT_EQ(none.exp, -23);
  EXPECT_EQ(none.dir_shift, 0);
  // 3 * 5 at -23 plus 100 * 5 * 2 at -45
  EXPECT_EQ(update_step(3, 100, 5, 2, g), (__int128{15} << 22) + 1000);
}

TEST(IntUpdate, StepTermsFarApartAreAlignedInsteadOfClipped) {
  // eta_int = 10^6 (20 bits) times an 8-bit direction at 40: the term needs 27
  // bits above 2^40; the decay term sits at -60 - 0 - 30 = -90. Aligning both onto
  // -90 needs 157 bits, so the grid is the finest where the gradient term keeps
  // within 126 bits: 40 + 27 - 126 = -59, and the decay term (10^6 * 1 * M) is
  // floored onto it: M = 3 gives 3 * 10^6 * 2^-90, floor(... / 2^31) = 0.
  UpdateStepShape sh = step_shape(40, -60, 0, 30, 1'000'000, 1);
  const UpdateStepGrid far = update_step_grid(sh);
  EXPECT_EQ(far.exp, -59);
  EXPECT_EQ(far.dir_shift, 99);
  EXPECT_EQ(far.decay_shift, -31);
  EXPECT_EQ(update_step(100, 3, 1'000'000, 1, far), static_cast<__int128>(100'000'000) << 99);
  EXPECT_EQ(update_step(-100, 3, 1'000'000, 1, far), -(static_cast<__int128>(100'000'000) << 99));
  // Rounded onto the master grid (-60) the step is exactly 10^8 * 2^100: far past
  // int64, so it saturates there and then at the U width, where it is counted.
  EXPECT_EQ(round_shift_wide(update_step(100, 3, 1'000'000, 1, far), -60 - far.exp, Rounding::nearest),
            std::numeric_limits<std::int64_t>::max());
}

// The DFP step-1 case by hand. At step 0 a Fixup network's
// gradients are all zero, so V is zero at a far fine exponent (here -110; the
// dump showed -107 for the gradient); at step 1 the gradient g is at -16.
// Before the rule, g was clipped at the int64 limit while aligning with V and
// V held +-16384 * 2^-61: only g's sign.
Parameter dfp_momentum_parameter(int velocity_exp, std::int32_t first_velocity) {
  Parameter p = dfp_parameter(1000, 6, true);
  p.has_velocity = true;
  p.velocity_q = QTensor(p.shape, velocity_exp, 16);
  p.velocity_q.q[0] = first_velocity;
  return p;
}

QTensor step_one_gradient(const Shape& shape) {
  QTensor g(shape, -16, 8);
  const std::int32_t grad[] = {-22, 5, 127, 0, -127, 1};
  for (std::size_t i = 0; i < g.size(); ++i) g.q[i] = grad[i];
  return g;
}

// One int8-dfp update of p with gradient g.
IntUpdateRecord dfp_step(Parameter& p, const QTensor& g) {
  const Scheme s = *find_preset("int8-dfp");
  return int_update(p, g, learning_rate_integer(0.1, s.optimizer.lr_frac_bits), 0, s, stream(1), stream(2));
}

// An all-zero V has no exponent to align to (§7): mu * V + g is g itself, and
// shift(16) of a tensor whose largest magnitude (127) fits keeps it: V = g at -16.
TEST(IntUpdate, MomentumFromAZeroBufferIsTheGradient) {
  Parameter p = dfp_momentum_parameter(-110, 0);
  const QTensor g = step_one_gradient(p.shape);
  const IntUpdateRecord r = dfp_step(p, g);
  EXPECT_EQ(p.velocity_q.exp, -16);
  EXPECT_EQ(p.velocity_q.q, (std::vector<std::int32_t>{-22, 5, 127, 0, -127, 1}));
  EXPECT_EQ(r.momentum_stats.saturated, 0u);
  EXPECT_EQ(r.momentum_stats.shift, 0);
  // An all-zero buffer far *above* g (V starts at exponent 0) neither: g at -80 stays exact.
  Parameter fresh = dfp_momentum_parameter(0, 0);
  QTensor tiny = g;
  tiny.exp = -80;
  dfp_step(fresh, tiny);
  EXPECT_EQ(fresh.velocity_q.exp, -80);
  EXPECT_EQ(fresh.velocity_q.q, (std::vector<std::int32_t>{-22, 5, 127, 0, -127, 1}));
}

// A nonzero V (one element 1) at -110: mu * V (7 * V, width 15 + 3) at -113 and
// g (width 7) at -16. The finest exponent -113 would need 97 + 7 bits for g, so
// the grid is -16 + 7 - 62 = -71; 7 * 2^-113 floors to 0 on it, and the sum is
// g * 2^55 exactly. shift(16) nearest: the largest |sum| is 127 * 2^55; s = 47
// keeps (127 * 2^55 + 2^46) >> 47 = 32512 within 32767 (s = 46 gives 65024),
// so V = g * 2^8 at -24 (-22 * 2^-16 = -5632 * 2^-24): the gradient itself.
TEST(IntUpdate, MomentumFromABufferFarBelowKeepsTheGradient) {
  const Scheme s = *find_preset("int8-dfp");
  ASSERT_EQ(s.optimizer.momentum.coefficient_int, 7);
  ASSERT_EQ(s.optimizer.momentum.coefficient_frac, 3);
  ASSERT_EQ(s.optimizer.momentum.buffer_bits, 16);
  ASSERT_EQ(s.optimizer.momentum.rounding, Rounding::nearest);
  Parameter p = dfp_momentum_parameter(-110, 1);
  const IntUpdateRecord r = dfp_step(p, step_one_gradient(p.shape));
  EXPECT_EQ(p.velocity_q.exp, -24);
  EXPECT_EQ(p.velocity_q.q, (std::vector<std::int32_t>{-5632, 1280, 32512, 0, -32512, 256}));
  EXPECT_EQ(r.momentum_stats.saturated, 0u);
  EXPECT_EQ(r.momentum_stats.shift, 47);
}

// The same end to end, as it was found (int8-dfp on a Fixup network).
// The classifier starts at zero, so every gradient below it is zero until the
// classifier moves; each step of zero gradient leaves a momentum buffer of
// zeros 3 bits (mu_frac) finer than the last. Here the learning rate is 0 for
// 20 steps, so the conv's buffer sinks far below the gradients that arrive at
// step 21 (the issue's network got there in one step: its step-0
// gradients sat at 2^-107). After step 21 the buffer must hold the gradient
// exactly, as a value q * 2^exp, not its sign at the int64 limit.
struct MomentumCapture : TensorSink {
  std::uint32_t step = 0;
  std::map<std::string, QTensor> g, v;  // "PARAM@STEP"
  void record(const TensorRecord& r) override {
    if (!r.q || r.name.size() < 3) return;
    const std::string tail = r.name.substr(r.name.size() - 2), key = r.name.substr(0, r.name.size() - 2) + "@" + std::to_string(step);
    if (tail == "/g") g[key] = *r.q;
    if (tail == "/v") v[key] = *r.q;
  }
};

TEST(IntUpdate, DfpMomentumOnAFixupNetworkHoldsTheFirstNonzeroGradient) {
  Network net;
  net.input = Shape{2, 6, 6};
  net.classes = 3;
  net.nodes.push_back(test::node_of("input", OpKind::input, {}));
  Node conv = test::node_of("conv", OpKind::conv2d, {0});
  conv.out_channels = 4;
  conv.kernel = 3;
  conv.padding = 1;
  conv.weight_init = {InitKind::he_normal_fan_out, 1.0};
  net.nodes.push_back(conv);
  net.nodes.push_back(test::node_of("conv.bias", OpKind::bias, {1}));
  net.nodes.push_back(test::node_of("relu", OpKind::relu, {2}));
  net.nodes.push_back(test::node_of("pool", OpKind::global_avgpool, {3}));
  net.nodes.push_back(test::node_of("flat", OpKind::flatten, {4}));
  Node fc = test::node_of("fc", OpKind::linear, {5});
  fc.out_features = 3;
  fc.has_bias = true;
  fc.weight_init = {InitKind::zeros, 1.0};  // Fixup's zero classifier
  net.nodes.push_back(fc);
  net.infer_shapes();
  Model model(net, *find_preset("int8-dfp"), 5);

  FTensor images(Shape{8, 2, 6, 6});
  for (std::size_t i = 0; i < images.size(); ++i) images.data[i] = static_cast<float>((i * 37) % 11) * 0.2f - 1.0f;
  const std::vector<int> labels{0, 1, 2, 0, 1, 2, 0, 1};
  constexpr std::uint32_t kFirst = 21;  // the first step whose conv gradients are not zero
  MomentumCapture capture;
  StepHyper hyper;
  for (std::uint32_t step = 0; step <= kFirst; ++step) {
    capture.step = step;
    hyper.step = step;
    // rate 0 keeps the classifier at zero; one large step then moves its 8-bit weights.
    hyper.lr = step + 1 < kFirst ? 0.0 : step + 1 == kFirst ? 20.0 : 0.05;
    model.train_step(images, labels, hyper, &capture);
  }
  for (const char* param : {"conv.weight", "conv.bias.bias"}) {
    SCOPED_TRACE(param);
    const std::string before = std::string(param) + "@" + std::to_string(kFirst - 1), at = std::string(param) + "@" + std::to_string(kFirst);
    const QTensor& v0 = capture.v.at(before);
    const QTensor& g0 = capture.g.at(before);
    ASSERT_TRUE(std::all_of(g0.q.begin(), g0.q.end(), [](std::int32_t q) { return q == 0; })) << "zero gradient before";
    ASSERT_TRUE(std::all_of(v0.q.begin(), v0.q.end(), [](std::int32_t q) { return q == 0; })) << "zero buffer before";
    const QTensor& g1 = capture.g.at(at);
    const QTensor& v1 = capture.v.at(at);
    ASSERT_TRUE(std::any_of(g1.q.begin(), g1.q.end(), [](std::int32_t q) { return q != 0; })) << "a gradient at last";
    for (std::size_t i = 0; i < g1.size(); ++i)
      ASSERT_EQ(std::ldexp(static_cast<double>(v1.q[i]), v1.exp), std::ldexp(static_cast<double>(g1.q[i]), g1.exp))
          << "element " << i;
  }
}

TEST(IntUpdate, SaturationsCountEachElementOnce) {
  // lr 1000 on an EOQ network (8-bit U, master = W): Delta saturates for every
  // parameter element, M' for many of them; the step's "U" count must still be
  // at most the number of elements (it once reported "156 of 116 values saturated").
  Network net;
  net.input = Shape{1, 4, 4};
  net.classes = 3;
  Node fc = test::node_of("fc", OpKind::linear, {1});
  fc.out_features = 3;
  fc.has_bias = true;
  net.nodes = {test::node_of("input", OpKind::input, {}), test::node_of("flat", OpKind::flatten, {0}), fc};
  net.infer_shapes();
  Model model(net, *find_preset("int8-eoq"), 3);
  FTensor images(Shape{4, 1, 4, 4});
  for (std::size_t i = 0; i < images.size(); ++i) images.data[i] = static_cast<float>(i % 7) - 3.0f;
  StepHyper hyper;
  hyper.lr = 1000.0;
  for (std::uint32_t step = 0; step < 3; ++step) {
    hyper.step = step;
    const StepStats st = model.train_step(images, {0, 1, 2, 0}, hyper);
    const QuantStats& u = st.paths.at("U");
    EXPECT_EQ(u.elements, 16u * 3 + 3);
    EXPECT_GT(u.saturated, 0u) << "step " << step;
    EXPECT_LE(u.saturated, u.elements) << "step " << step;
  }
}

TEST(IntUpdate, DecayWithNearestRoundingIsExact) {
  // g = 0, eta = 1/2, lambda = 2^-6, M = 1000: step = 1000 / 128 = 7.8125 master
  // LSBs, nearest -> 8; M' = 992, W' = round(992 / 256) = 4.
  const Scheme s = dfp_without_momentum(Rounding::nearest);
  Parameter p = dfp_parameter(1000, 4, true);
  const QTensor g(p.shape, -13, 8);
  const IntUpdateRecord r = int_update(p, g, learning_rate_integer(0.5, s.optimizer.lr_frac_bits),
                                       weight_decay_integer(std::ldexp(1.0, -6), s.optimizer.weight_decay_frac_bits), s,
                                       stream(0), stream(1));
  for (std::size_t i = 0; i < p.master.size(); ++i) {
    EXPECT_EQ(r.update.q[i], 8);
    EXPECT_EQ(p.master.q[i], 992);
    EXPECT_EQ(p.w.q[i], 4);
  }
  EXPECT_EQ(r.update.exp, -20);
}

TEST(IntUpdate, DecayIsUnbiasedUnderStochasticRounding) {
  // Same step, 7.8125 LSBs, stochastic: the mean over 20000 elements is within
  // 4 standard errors (sd <= 0.5) of the exact value.
  const Scheme s = dfp_without_momentum(Rounding::stochastic);
  const std::size_t n = 20000;
  Parameter p = dfp_parameter(1000, n, true);
  const QTensor g(p.shape, -13, 8);
  const IntUpdateRecord r = int_update(p, g, learning_rate_integer(0.5, s.optimizer.lr_frac_bits),
                                       weight_decay_integer(std::ldexp(1.0, -6), s.optimizer.weight_decay_frac_bits), s,
                                       stream(0), stream(1));
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) {
    ASSERT_TRUE(r.update.q[i] == 7 || r.update.q[i] == 8) << r.update.q[i];
    sum += r.update.q[i];
  }
  EXPECT_NEAR(sum / static_cast<double>(n), 7.8125, 4 * 0.5 / std::sqrt(static_cast<double>(n)));
}

TEST(IntUpdate, NonDecayingParametersIgnoreLambda) {
  const Scheme s = *find_preset("int8-dfp");
  Parameter bias = dfp_parameter(1000, 64, false);
  Parameter without_lambda = dfp_parameter(1000, 64, true);
  Parameter with_lambda = dfp_parameter(1000, 64, true);
  bias.has_velocity = without_lambda.has_velocity = with_lambda.has_velocity = true;
  bias.velocity_q = without_lambda.velocity_q = with_lambda.velocity_q = QTensor(bias.shape, 0, s.optimizer.momentum.buffer_bits);
  QTensor g(bias.shape, -13, 8);
  for (std::size_t i = 0; i < g.size(); ++i) g.q[i] = static_cast<std::int32_t>(i % 255) - 127;
  const std::int64_t lr = learning_rate_integer(0.1, s.optimizer.lr_frac_bits);
  const std::int64_t lambda = weight_decay_integer(0.01, s.optimizer.weight_decay_frac_bits);
  const IntUpdateRecord rb = int_update(bias, g, lr, lambda, s, stream(0), stream(1));
  const IntUpdateRecord rn = int_update(without_lambda, g, lr, 0, s, stream(0), stream(1));
  const IntUpdateRecord rw = int_update(with_lambda, g, lr, lambda, s, stream(0), stream(1));
  EXPECT_EQ(rb.update.q, rn.update.q) << "a parameter without decay ignores lambda";
  EXPECT_NE(rw.update.q, rn.update.q) << "a decaying weight with lambda > 0 must differ";
  EXPECT_EQ(bias.master.q, without_lambda.master.q);
}

}  // namespace
}  // namespace qtsim::ref
