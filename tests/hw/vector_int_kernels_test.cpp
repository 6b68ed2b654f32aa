// Integer-scheme vector-unit kernels against the reference (the golden model):
// ReLU forward/backward, aligned sums (residual add, fan-out error sums),
// Fixup scalar bias and multiplier, and the gradient reductions followed by the
// G quantizer. Random data, flag-quantized inputs and stochastic rounding where
// the schemes have them, a small vector buffer so every pass runs in several
// chunks, and every program also run in timing mode (same cycles and counts).
#include <gtest/gtest.h>

#include "models/hw/kernels/vector/aligned_sum_kernel.hpp"
#include "models/hw/kernels/vector/relu_kernels.hpp"
#include "models/hw/kernels/vector/requantize_kernel.hpp"
#include "models/hw/kernels/vector/scalar_bias_kernel.hpp"
#include "models/hw/kernels/vector/scalar_scale_kernel.hpp"
#include "models/hw/kernels/vector/sum_reduction_kernel.hpp"
#include "models/ref/alignment.hpp"
#include "models/ref/ops/layers_int.hpp"
#include "vector_rig.hpp"

namespace qtsim::hw::test {
namespace {

constexpr std::uint32_t kSeed = 11;
constexpr std::uint32_t kStep = 3;

ref::RandomStream stream(std::uint32_t node, ref::RandomPurpose purpose) {
  return {kSeed, ref::stream_id(kStep, node, purpose)};
}

const ref::QuantizerSpec kActNearest{ref::QuantizerKind::shift, 8, ref::Rounding::nearest};
const ref::QuantizerSpec kErrFlagNearest{ref::QuantizerKind::flag, 8, ref::Rounding::nearest};
const ref::QuantizerSpec kErrFlagStochastic{ref::QuantizerKind::flag, 8, ref::Rounding::stochastic};
const ref::QuantizerSpec kErrShiftStochastic{ref::QuantizerKind::shift, 8, ref::Rounding::stochastic};
const ref::QuantizerSpec kGradConstant{ref::QuantizerKind::constant, 8, ref::Rounding::stochastic, 0, 7};
const ref::QuantizerSpec kGradShift{ref::QuantizerKind::shift, 8, ref::Rounding::stochastic};

// Both passes of a QuantizePassKernel-derived kernel: `make(pass, target)` builds one.
template <typename Make>
void two_passes(VectorRig::Program& p, const QuantizeTarget& target, Make make) {
  p.push_back(make(QuantizePass::max, target));
  p.push_back(make(QuantizePass::quantize, target));
}

QuantizeTarget target_for(VectorRig& rig, const HwTensor& out, const ref::QuantizerSpec& spec, const ref::RandomStream& r) {
  return QuantizeTarget{out, spec, r, rig.reg()};
}

// ---- ReLU ----

TEST(VectorIntRelu, ForwardCopiesExponentNoFlags) {
  const ref::QTensor x = random_q({3, 5, 7, 9}, -5, 1);
  VectorRig rig;
  const HwTensor hx = rig.input("x", x);
  const HwTensor hy = rig.output("y", dims_of(x.shape), 8);
  rig.build = [&](VectorRig::Program& p) {
    p.push_back(std::make_unique<ReluForwardKernel>(vlabel("relu", "A"), hx, hy, rig.cfg));
  };
  rig.run();
  rig.expect_chunked(0);
  expect_same_q(rig, hy, ref::relu_forward(x));
  EXPECT_EQ(rig.actions(0)[Action::vec_int_add], static_cast<std::uint64_t>(x.size()));
}

void relu_backward_case(int flag_shift) {
  const ref::QTensor y = ref::relu_forward(random_q({4, 3, 6, 10}, -4, 2));
  const ref::QTensor dy = random_q({4, 3, 6, 10}, -9, 3, flag_shift);
  VectorRig rig;
  const HwTensor hdy = rig.input("dy", dy), hy = rig.input("y", y);
  const HwTensor hdx = rig.output("dx", dims_of(dy.shape), 8, flag_shift);
  rig.build = [&](VectorRig::Program& p) {
    p.push_back(std::make_unique<ReluBackwardKernel>(vlabel("relu-bwd", "E", Phase::backward_data), hdy, hy, hdx, rig.cfg));
  };
  rig.run();
  rig.expect_chunked(0);
  expect_same_q(rig, hdx, ref::relu_backward(dy, y));
}

TEST(VectorIntRelu, BackwardMasksFlaggedError) { relu_backward_case(7); }
TEST(VectorIntRelu, BackwardMasksPlainError) { relu_backward_case(0); }

// ---- aligned sums ----

// Reference fan-out sum: the wide contributions summed at once on their alignment grid, as Model::output_error.
ref::WideTensor reference_sum(const std::vector<ref::QTensor>& xs) {
  std::vector<ref::WideTensor> wides;
  for (const ref::QTensor& x : xs) wides.push_back(ref::to_wide(x));
  std::vector<ref::WideSummand> summands;
  for (std::size_t k = 0; k < xs.size(); ++k) summands.push_back({&wides[k], ref::width_of(xs[k])});
  return ref::aligned_sum(summands);
}

void aligned_sum_case(const std::vector<ref::QTensor>& xs, const ref::QuantizerSpec& spec, const ref::RandomStream& r,
                      const std::string& path) {
  VectorRig rig;
  std::vector<HwTensor> in;
  for (std::size_t k = 0; k < xs.size(); ++k) in.push_back(rig.input("x" + std::to_string(k), xs[k]));
  const HwTensor out = rig.quantized("sum", dims_of(xs[0].shape), spec);
  const QuantizeTarget target = target_for(rig, out, spec, r);
  rig.build = [&](VectorRig::Program& p) {
    two_passes(p, target, [&](QuantizePass pass, const QuantizeTarget& t) {
      return std::make_unique<AlignedSumKernel>(vlabel("aligned-sum", path), in, pass, t, rig.cfg);
    });
  };
  rig.run();
  rig.expect_chunked(0);
  rig.expect_chunked(1);
  ref::QuantStats st;
  const ref::QTensor expected = ref::quantize(reference_sum(xs), spec, r, &st);
  expect_same_q(rig, out, expected);
  const ref::QuantStats& hw = rig.exact.acc->events().paths.at(path);
  EXPECT_EQ(hw.elements, st.elements);
  EXPECT_EQ(hw.saturated, st.saturated);
  EXPECT_EQ(hw.shift, st.shift);
  const auto n = static_cast<std::uint64_t>(xs[0].size()), ops = 2 * xs.size() - 1;
  EXPECT_EQ(rig.actions(1)[Action::vec_int_add], n * ops);
  EXPECT_EQ(rig.actions(1)[Action::vec_shift_round], n);
  EXPECT_EQ(rig.actions(1)[Action::random_word], spec.rounding == ref::Rounding::stochastic ? n : 0u);
}

void residual_add_case(int exp_a, int exp_b) {
  const ref::Shape s{3, 6, 7, 7};
  aligned_sum_case({random_q(s, exp_a, 10), random_q(s, exp_b, 11)}, kActNearest,
                   stream(5, ref::RandomPurpose::quantize_activation), "A");
}

TEST(VectorIntAlignedSum, ResidualAddForward) { residual_add_case(-6, -9); }

TEST(VectorIntAlignedSum, FanOutTwoFlaggedErrorsStochastic) {
  const ref::Shape s{2, 8, 6, 9};
  aligned_sum_case({random_q(s, -11, 12, 7), random_q(s, -8, 13, 7)}, kErrFlagStochastic,
                   stream(7, ref::RandomPurpose::quantize_output_error), "E");
}

TEST(VectorIntAlignedSum, FanOutThreeMixedErrorsInOneKernel) {
  const ref::Shape s{2, 5, 8, 8};
  // flagged, plain (coarser than the fine grids), flagged: one kernel, one grid for all three (§1.1)
  aligned_sum_case({random_q(s, -12, 14, 7), random_q(s, -6, 15), random_q(s, -10, 16, 7)}, kErrFlagNearest,
                   stream(9, ref::RandomPurpose::quantize_output_error), "E");
}

TEST(VectorIntAlignedSum, FanOutFourErrorsShiftStochastic) {
  const ref::Shape s{3, 4, 5, 11};
  aligned_sum_case({random_q(s, -9, 17), random_q(s, -9, 18), random_q(s, -13, 19), random_q(s, -7, 20)},
                   kErrShiftStochastic, stream(4, ref::RandomPurpose::quantize_output_error), "E");
}

// Exponents farther apart than int64 can span (docs/NUMERICS.md §1.1): the grid
// stops where the coarse operand still fits and the fine one is floored onto it.
TEST(VectorIntAlignedSum, ResidualAddExponentsFarApart) { residual_add_case(-6, -100); }

TEST(VectorIntAlignedSum, AllZeroSummandFarBelow) {
  // An all-zero error 90 bits below the other (a Fixup branch at step 0) leaves it exact.
  const ref::Shape s{3, 6, 7, 7};
  ref::QTensor zero(s, -110, 8);
  aligned_sum_case({random_q(s, -20, 23), zero}, kErrShiftStochastic, stream(6, ref::RandomPurpose::quantize_output_error),
                   "E");
}

TEST(VectorIntAlignedSum, FanOutThreeErrorsFarApart) {
  const ref::Shape s{2, 5, 8, 8};
  aligned_sum_case({random_q(s, -12, 24, 7), random_q(s, 60, 25), random_q(s, -200, 26)}, kErrFlagStochastic,
                   stream(8, ref::RandomPurpose::quantize_output_error), "E");
}

// ---- Fixup scalars ----

ref::QTensor scalar(int value, int exp) {
  ref::QTensor t(ref::Shape{1}, exp, 8);
  t.q[0] = value;
  return t;
}

void scalar_bias_case(int x_exp, int b_value, int b_exp) {
  const ref::QTensor x = random_q({2, 6, 9, 9}, x_exp, 30);
  const ref::QTensor b = scalar(b_value, b_exp);
  const auto r = stream(6, ref::RandomPurpose::quantize_activation);
  VectorRig rig;
  const HwTensor hx = rig.input("x", x);
  const Dims4 one{1, 1, 1, 1};
  const HwTensor hb = rig.input("b", b, &one);
  const HwTensor out = rig.quantized("y", dims_of(x.shape), kActNearest);
  const QuantizeTarget target = target_for(rig, out, kActNearest, r);
  rig.build = [&](VectorRig::Program& p) {
    two_passes(p, target, [&](QuantizePass pass, const QuantizeTarget& t) {
      return std::make_unique<ScalarBiasKernel>(vlabel("bias", "A"), hx, hb, pass, t, rig.cfg);
    });
  };
  rig.run();
  rig.expect_chunked(1);
  expect_same_q(rig, out, ref::quantize(ref::bias_forward(x, b), kActNearest, r));
}

TEST(VectorIntScalar, BiasForwardBiasFiner) { scalar_bias_case(-4, -93, -7); }
TEST(VectorIntScalar, BiasForwardBiasCoarser) { scalar_bias_case(-10, 57, -7); }
TEST(VectorIntScalar, BiasForwardBiasFarCoarser) { scalar_bias_case(-90, 57, -7); }
TEST(VectorIntScalar, BiasForwardBiasFarFiner) { scalar_bias_case(-4, -93, -150); }

void scalar_scale_case(const ref::QTensor& x, const ref::QTensor& m, const ref::QuantizerSpec& spec,
                       const ref::RandomStream& r, const std::string& path, Phase phase, Unit unit) {
  VectorRig rig;
  const HwTensor hx = rig.input("x", x);
  const Dims4 one{1, 1, 1, 1};
  const HwTensor hm = rig.input("m", m, &one);
  const HwTensor out = rig.quantized("y", dims_of(x.shape), spec);
  const QuantizeTarget target = target_for(rig, out, spec, r);
  rig.build = [&](VectorRig::Program& p) {
    two_passes(p, target, [&](QuantizePass pass, const QuantizeTarget& t) {
      return std::make_unique<ScalarScaleKernel>(vlabel("scale", path, phase, unit), hx, hm, pass, t, rig.cfg);
    });
  };
  rig.run();
  rig.expect_chunked(1);
  expect_same_q(rig, out, ref::quantize(ref::scale_forward(x, m), spec, r));
  const auto n = static_cast<std::uint64_t>(x.size());
  EXPECT_EQ(rig.actions(1)[unit == Unit::norm_unit ? Action::norm_scalar_op : Action::vec_int_mul], n);
}

TEST(VectorIntScalar, ScaleForward) {
  scalar_scale_case(random_q({3, 4, 8, 8}, -5, 40), scalar(77, -6), kActNearest,
                    stream(8, ref::RandomPurpose::quantize_activation), "A", Phase::forward, Unit::vector_unit);
}

TEST(VectorIntScalar, ScaleBackwardDataFlaggedErrorStochastic) {
  // dx = dy · m with the E quantizer (flag, stochastic), as Model::backward_int sends it
  const ref::QTensor dy = random_q({3, 4, 8, 8}, -12, 41, 7);
  const ref::QTensor m = scalar(-101, -6);
  const auto r = stream(8, ref::RandomPurpose::quantize_error);
  scalar_scale_case(dy, m, kErrFlagStochastic, r, "E", Phase::backward_data, Unit::vector_unit);
}

TEST(VectorIntScalar, ScaleForwardOnNormalizationUnit) {
  scalar_scale_case(random_q({2, 4, 8, 8}, -3, 42), scalar(45, -6), kActNearest,
                    stream(8, ref::RandomPurpose::quantize_activation), "A", Phase::forward, Unit::norm_unit);
}

// ---- reductions, then the G quantizer ----

struct ReductionResult {
  std::vector<std::int64_t> wide;
  std::int64_t wide_exp = 0;
};

// SumReductionKernel, then RequantizeKernel (max pass, quantize pass) over its int64 result.
void reduction_case(SumOf what, const ref::QTensor& dy, const ref::QTensor* x, const ref::QuantizerSpec& spec,
                    const ref::RandomStream& r, const ref::WideTensor& expected_wide) {
  VectorRig rig;
  const HwTensor hdy = rig.input("dy", dy);
  HwTensor hx;
  if (x) hx = rig.input("x", *x);
  const Dims4 out_dims = what == SumOf::per_channel ? Dims4{1, dy.shape.c(), 1, 1} : Dims4{1, 1, 1, 1};
  const HwTensor wide = rig.wide_output("sum", out_dims);
  const HwTensor g = rig.quantized("g", out_dims, spec);
  const QuantizeTarget target = target_for(rig, g, spec, r);
  rig.build = [&](VectorRig::Program& p) {
    p.push_back(std::make_unique<SumReductionKernel>(vlabel("sum", "G", Phase::backward_weights), what, hdy,
                                                     x ? &hx : nullptr, wide, rig.cfg));
    two_passes(p, target, [&](QuantizePass pass, const QuantizeTarget& t) {
      return std::make_unique<RequantizeKernel>(vlabel("requantize", "G", Phase::backward_weights), wide, nullptr, pass, t, rig.cfg);
    });
  };
  rig.run();
  rig.expect_chunked(0);
  EXPECT_EQ(rig.ints(wide.data), expected_wide.v);
  EXPECT_EQ(rig.reg_value(wide.exp_reg), expected_wide.exp);
  ref::QuantStats st;
  expect_same_q(rig, g, ref::quantize(expected_wide, spec, r, &st));
  const ref::QuantStats& hw = rig.exact.acc->events().paths.at("G");
  EXPECT_EQ(hw.clipped, st.clipped);
  EXPECT_EQ(hw.discarded_exp, st.discarded_exp);
}

const auto kGradStream = ref::RandomStream{kSeed, ref::stream_id(kStep, ref::kParameterTensorBase + 2, ref::RandomPurpose::quantize_gradient)};

TEST(VectorIntReduction, BiasGradientSumAllFlaggedConstantG) {
  const ref::QTensor dy = random_q({4, 6, 9, 9}, -13, 50, 7);
  reduction_case(SumOf::all, dy, nullptr, kGradConstant, kGradStream, ref::sum_all(dy));
}

TEST(VectorIntReduction, ScaleGradientSumProductShiftG) {
  const ref::QTensor dy = random_q({4, 6, 9, 9}, -13, 51, 7);
  const ref::QTensor x = random_q({4, 6, 9, 9}, -5, 52);
  reduction_case(SumOf::product, dy, &x, kGradShift, kGradStream, ref::scale_backward_param(dy, x));
}

TEST(VectorIntReduction, ChannelSumFlaggedConstantG) {
  const ref::QTensor dy = random_q({5, 12, 6, 7}, -11, 53, 7);
  reduction_case(SumOf::per_channel, dy, nullptr, kGradConstant, kGradStream, ref::channel_sum(dy));
}

TEST(VectorIntReduction, ChannelSumPlainLinearShiftG) {
  // a linear layer's error N x F x 1 x 1: one row per (sample, feature)
  const ref::QTensor dy = random_q({64, 40, 1, 1}, -9, 54);
  reduction_case(SumOf::per_channel, dy, nullptr, kGradShift, kGradStream, ref::channel_sum(dy));
}

}  // namespace
}  // namespace qtsim::hw::test
