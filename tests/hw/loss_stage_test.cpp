// Float boundaries of an integer scheme and the loss stage on the vector unit,
// against the reference: float entry (network input, loss error), dequantize
// (logits), softmax cross-entropy, and the whole loss stage chained as
// Model::train_step runs it (logits → float → loss → dlogits → E).
#include <gtest/gtest.h>

#include <bit>
#include <limits>
#include <random>

#include "models/hw/kernels/vector/dequantize_kernel.hpp"
#include "models/hw/kernels/vector/float_entry_kernel.hpp"
#include "models/hw/kernels/vector/softmax_cross_entropy_kernel.hpp"
#include "models/ref/ops/layers_float.hpp"
#include "vector_rig.hpp"

namespace qtsim::hw::test {
namespace {

constexpr std::uint32_t kSeed = 23;
const ref::QuantizerSpec kActNearest{ref::QuantizerKind::shift, 8, ref::Rounding::nearest};
const ref::QuantizerSpec kErrFlagNearest{ref::QuantizerKind::flag, 8, ref::Rounding::nearest};
const ref::QuantizerSpec kErrShiftStochastic{ref::QuantizerKind::shift, 8, ref::Rounding::stochastic};

ref::FTensor random_floats(const ref::Shape& s, float stddev, std::uint32_t seed) {
  ref::FTensor f(s);
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0.0f, stddev);
  for (auto& v : f.data) v = d(rng);
  return f;
}

// ---- float entry ----

struct EntryRun {
  FloatEntryRegs regs;
  int max_pass_reg = -1;  // the max pass of FloatEntryKernel over the converted values
};

// Pass 1, then pass 2 (quantize with the derived max), then the optional max
// pass over the converted values into another register (the derived max's check).
void float_entry_case(const ref::FTensor& f, const ref::QuantizerSpec& spec, const ref::RandomStream& r,
                      const std::string& path) {
  VectorRig rig;
  const Dims4 d = dims_of(f.shape);
  const HwTensor x = rig.input_floats("x", f, d);
  const HwTensor out = rig.quantized("q", d, spec);
  FloatEntryRegs regs;
  regs.max_abs_bits = rig.reg();
  regs.nonfinite = rig.reg();
  regs.infinite = rig.reg();
  regs.grid_exp = rig.reg();
  regs.wide_max = rig.reg();
  const QuantizeTarget target{out, spec, r, regs.wide_max};
  QuantizeTarget check = target;
  check.max_reg = rig.reg(-1);
  rig.build = [&](VectorRig::Program& p) {
    p.push_back(std::make_unique<FloatEntryMaxKernel>(vlabel("entry-max", path), x, regs, rig.cfg));
    p.push_back(std::make_unique<FloatEntryKernel>(vlabel("entry", path), x, regs.grid_exp, QuantizePass::quantize, target, rig.cfg));
    p.push_back(std::make_unique<FloatEntryKernel>(vlabel("entry-check", path), x, regs.grid_exp, QuantizePass::max, check, rig.cfg));
  };
  rig.run();
  rig.expect_chunked(0);
  rig.expect_chunked(1);

  ref::QuantStats st;
  const ref::WideTensor wide = ref::to_wide(f, &st);
  EXPECT_EQ(rig.reg_value(regs.grid_exp), wide.exp);
  EXPECT_EQ(static_cast<std::uint64_t>(rig.reg_value(regs.wide_max)), ref::max_abs(wide));
  EXPECT_EQ(rig.reg_value(check.max_reg), rig.reg_value(regs.wide_max)) << "derived max differs from the max pass";
  const ref::QTensor expected = ref::quantize(wide, spec, r, &st);
  expect_same_q(rig, out, expected);
  const ref::QuantStats& hw = rig.exact.acc->events().paths.at(path);
  EXPECT_EQ(hw.nonfinite, st.nonfinite);
  EXPECT_EQ(static_cast<std::uint64_t>(rig.reg_value(regs.nonfinite)), st.nonfinite);
  EXPECT_EQ(hw.elements, st.elements);
  EXPECT_EQ(hw.saturated, st.saturated);
  const auto n = static_cast<std::uint64_t>(f.size());
  EXPECT_EQ(rig.actions(1)[Action::vec_convert], n);
}

TEST(VectorFloatEntry, NetworkInputActivationQuantizer) {
  ref::FTensor f = random_floats({3, 3, 12, 12}, 1.3f, 1);
  for (std::size_t i = 0; i < f.size(); i += 17) f.data[i] = (i % 2) ? 0.0f : -0.0f;
  float_entry_case(f, kActNearest, {kSeed, ref::stream_id(0, 0, ref::RandomPurpose::quantize_input)}, "input");
}

TEST(VectorFloatEntry, LossErrorStochasticTinyAndSubnormalValues) {
  ref::FTensor f = random_floats({32, 10, 1, 1}, 0.01f, 2);
  const float tiny = std::numeric_limits<float>::denorm_min();
  f.data[3] = 3.0f * tiny;
  f.data[4] = -5.0f * tiny;
  f.data[5] = std::ldexp(1.0f, -60);
  f.data[6] = -std::ldexp(1.5f, -45);
  float_entry_case(f, kErrShiftStochastic, {kSeed, ref::stream_id(1, 9, ref::RandomPurpose::quantize_output_error)}, "E");
}

TEST(VectorFloatEntry, AllSubnormalGrid) {
  ref::FTensor f({8, 40, 1, 1});
  const float tiny = std::numeric_limits<float>::denorm_min();
  for (std::size_t i = 0; i < f.size(); ++i) f.data[i] = static_cast<float>(static_cast<int>(i % 1001) - 500) * tiny;
  float_entry_case(f, kErrFlagNearest, {kSeed, ref::stream_id(1, 9, ref::RandomPurpose::quantize_output_error)}, "E");
}

TEST(VectorFloatEntry, NanCountedAndZeroed) {
  ref::FTensor f = random_floats({4, 8, 4, 4}, 2.0f, 3);
  f.data[0] = std::numeric_limits<float>::quiet_NaN();
  f.data[77] = -std::numeric_limits<float>::quiet_NaN();
  f.data[300] = std::numeric_limits<float>::quiet_NaN();
  float_entry_case(f, kErrFlagNearest, {kSeed, ref::stream_id(2, 4, ref::RandomPurpose::quantize_output_error)}, "E");
}

TEST(VectorFloatEntry, InfinityDominatesAndIsCounted) {
  ref::FTensor f = random_floats({4, 8, 4, 4}, 2.0f, 4);
  f.data[10] = std::numeric_limits<float>::infinity();
  f.data[200] = -std::numeric_limits<float>::infinity();
  f.data[201] = std::numeric_limits<float>::quiet_NaN();
  float_entry_case(f, kErrFlagNearest, {kSeed, ref::stream_id(2, 4, ref::RandomPurpose::quantize_output_error)}, "E");
}

TEST(VectorFloatEntry, AllZeroEntersAtExponentZero) {
  ref::FTensor f({4, 8, 4, 4});
  for (std::size_t i = 0; i < f.size(); i += 3) f.data[i] = -0.0f;
  float_entry_case(f, kActNearest, {kSeed, ref::stream_id(0, 0, ref::RandomPurpose::quantize_input)}, "input");
}

TEST(VectorFloatEntry, LaneConversionMatchesReferenceOnEdgeFloats) {
  // The lane datapath alone, on every exponent field and a spread of mantissas.
  for (std::uint32_t e = 0; e < 255; ++e)
    for (std::uint32_t m : {0u, 1u, 2u, 3u, 0x400000u, 0x7fffffu, 0x123457u}) {
      const std::uint32_t bits = (e << 23) | m;
      for (std::uint32_t sign : {0u, 0x80000000u}) {
        ref::FTensor f({2});
        f.data[0] = std::bit_cast<float>(bits | sign);
        f.data[1] = std::bit_cast<float>(bits ^ 0x00000001u);  // a neighbour at or below the max
        const ref::WideTensor w = ref::to_wide(f);
        const std::uint32_t max_bits = std::max(bits, bits ^ 0x00000001u);
        const int grid = float_entry_grid(max_bits);
        ASSERT_EQ(grid, w.exp) << std::hex << bits;
        ASSERT_EQ(float_to_grid(bits | sign, grid), w.v[0]) << std::hex << bits;
        ASSERT_EQ(float_to_grid(bits ^ 0x00000001u, grid), w.v[1]) << std::hex << bits;
        ASSERT_EQ(float_entry_wide_max(max_bits, 0), ref::max_abs(w)) << std::hex << bits;
      }
    }
}

// ---- dequantize ----

TEST(VectorDequantize, FlaggedIntegersToFloat) {
  ref::QTensor q(ref::Shape{5, 6, 7, 3}, -9, 8);
  const auto v = random_ints(q.size(), -127, 127, 5);
  const auto fl = random_ints(q.size(), 0, 1, 6);
  for (std::size_t i = 0; i < q.size(); ++i) q.q[i] = static_cast<std::int32_t>(v[i]);
  q.flag.assign(fl.begin(), fl.end());
  q.flag_shift = 7;
  VectorRig rig;
  const HwTensor hq = rig.input("q", q);
  const HwTensor hf = rig.output_floats("f", dims_of(q.shape));
  rig.build = [&](VectorRig::Program& p) {
    p.push_back(std::make_unique<DequantizeKernel>(vlabel("dequantize", "A"), hq, hf, rig.cfg));
  };
  rig.run();
  rig.expect_chunked(0);
  EXPECT_EQ(float_bits(rig.floats(hf.data)), float_bits(ref::dequantize(q).data));
}

// ---- softmax cross-entropy ----

struct LossRun {
  std::vector<float> dlogits;
  double loss = 0.0;
  std::int64_t correct = 0;
};

std::vector<std::int64_t> labels_as_ints(const std::vector<int>& labels) { return {labels.begin(), labels.end()}; }

void expect_same_loss(const LossRun& hw, const ref::LossResult& ref) {
  EXPECT_EQ(float_bits(hw.dlogits), float_bits(ref.dlogits.data));
  EXPECT_EQ(std::bit_cast<std::uint64_t>(hw.loss), std::bit_cast<std::uint64_t>(ref.loss));
  EXPECT_EQ(hw.correct, ref.correct);
}

TEST(VectorLoss, SoftmaxCrossEntropyBitExact) {
  const std::int64_t n = 37, k = 10;  // 37 samples: the last chunk is partial
  ref::FTensor logits = random_floats({n, k, 1, 1}, 3.0f, 7);
  for (std::int64_t j = 0; j < k; ++j) logits.data[static_cast<std::size_t>(2 * k + j)] = 1.25f;  // a row of ties
  logits.data[static_cast<std::size_t>(5 * k + 3)] = logits.data[static_cast<std::size_t>(5 * k + 8)] = 40.0f;  // tied maxima
  std::vector<int> labels(static_cast<std::size_t>(n));
  const auto lv = random_ints(labels.size(), 0, k - 1, 8);
  for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<int>(lv[i]);
  labels[2] = 0;  // argmax of the tie row is class 0: counted correct
  labels[5] = 3;  // first of the tied maxima

  VectorRig rig;
  const HwTensor hz = rig.input_floats("logits", logits, {n, k, 1, 1});
  const HwTensor ht = rig.input_ints("labels", DType::i32, {n, 1, 1, 1}, labels_as_ints(labels));
  const HwTensor hdz = rig.output_floats("dlogits", {n, k, 1, 1});
  const LossRegs regs{rig.reg(), rig.reg()};
  rig.build = [&](VectorRig::Program& p) {
    p.push_back(std::make_unique<SoftmaxCrossEntropyKernel>(vlabel("softmax-xent", "loss"), hz, ht, hdz, regs, rig.cfg));
  };
  rig.run();
  rig.expect_chunked(0);
  const LossRun hw{rig.floats(hdz.data), std::bit_cast<double>(rig.reg_value(regs.loss_bits)), rig.reg_value(regs.correct)};
  expect_same_loss(hw, ref::softmax_cross_entropy(logits, labels));
  const auto& a = rig.actions(0);
  EXPECT_EQ(a[Action::vec_fp_exp], static_cast<std::uint64_t>(n * k + n));
  EXPECT_EQ(a[Action::vec_fp_div], static_cast<std::uint64_t>(2 * n * k));
}

TEST(VectorLoss, LossStageChainIntoErrorPath) {
  // Model::train_step: A-quantized logits → float (dequantize) → softmax cross-entropy →
  // dlogits enter the E path at the output node (float entry, purpose "output error").
  const std::int64_t n = 48, k = 10;
  ref::QTensor logits_q(ref::Shape{n, k, 1, 1}, -4, 8);
  const auto v = random_ints(logits_q.size(), -127, 127, 9);
  for (std::size_t i = 0; i < logits_q.size(); ++i) logits_q.q[i] = static_cast<std::int32_t>(v[i]);
  std::vector<int> labels(static_cast<std::size_t>(n));
  const auto lv = random_ints(labels.size(), 0, k - 1, 10);
  for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<int>(lv[i]);
  const ref::RandomStream r{kSeed, ref::stream_id(5, 12, ref::RandomPurpose::quantize_output_error)};

  VectorRig rig;
  const Dims4 d{n, k, 1, 1};
  const HwTensor hq = rig.input("logits", logits_q);
  const HwTensor ht = rig.input_ints("labels", DType::i32, {n, 1, 1, 1}, labels_as_ints(labels));
  const HwTensor hz = rig.output_floats("logits.f", d);
  const HwTensor hdz = rig.output_floats("dlogits", d);
  const HwTensor he = rig.quantized("dy", d, kErrFlagNearest);
  const LossRegs loss{rig.reg(), rig.reg()};
  FloatEntryRegs entry;
  entry.max_abs_bits = rig.reg();
  entry.nonfinite = rig.reg();
  entry.infinite = rig.reg();
  entry.grid_exp = rig.reg();
  entry.wide_max = rig.reg();
  const QuantizeTarget target{he, kErrFlagNearest, r, entry.wide_max};
  rig.build = [&](VectorRig::Program& p) {
    p.push_back(std::make_unique<DequantizeKernel>(vlabel("dequantize", "loss"), hq, hz, rig.cfg));
    p.push_back(std::make_unique<SoftmaxCrossEntropyKernel>(vlabel("softmax-xent", "loss"), hz, ht, hdz, loss, rig.cfg));
    p.push_back(std::make_unique<FloatEntryMaxKernel>(vlabel("entry-max", "E", Phase::backward_data), hdz, entry, rig.cfg));
    p.push_back(std::make_unique<FloatEntryKernel>(vlabel("entry", "E", Phase::backward_data), hdz, entry.grid_exp,
                                                   QuantizePass::quantize, target, rig.cfg));
  };
  rig.run();
  for (std::size_t k2 = 0; k2 < 4; ++k2) rig.expect_chunked(k2);

  const ref::FTensor logits = ref::dequantize(logits_q);
  const ref::LossResult expected = ref::softmax_cross_entropy(logits, labels);
  EXPECT_EQ(float_bits(rig.floats(hz.data)), float_bits(logits.data));
  expect_same_loss({rig.floats(hdz.data), std::bit_cast<double>(rig.reg_value(loss.loss_bits)), rig.reg_value(loss.correct)},
                   expected);
  expect_same_q(rig, he, ref::quantize(expected.dlogits, kErrFlagNearest, r));
}

}  // namespace
}  // namespace qtsim::hw::test
