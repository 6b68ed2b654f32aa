// The MAC array's GEMM microprogram against the reference's integer and float
// convolutions: every pass, strides and paddings, buffers small enough to force
// tiling along every dimension, all three dataflows, narrow accumulators,
// grouped and depthwise convolutions (one GEMM per group), and the output
// stage's on-chip requantization of a grouped convolution.
#include <gtest/gtest.h>

#include "hw_test_util.hpp"
#include "models/hw/kernels/gemm/gemm_kernel.hpp"
#include "models/ref/ops/conv_grouped.hpp"
#include "models/ref/quantizer.hpp"

namespace qtsim::hw::test {
namespace {

struct Case {
  ConvShape s;
  std::uint64_t sram;
};

std::vector<std::int64_t> wide_values(const ref::WideTensor& t) { return {t.v.begin(), t.v.end()}; }

// Runs the three passes of one conv shape on three accelerators (OS, WS, IS)
// and compares with the reference.
void check_int_conv(const Case& c, int acc_bits, bool expect_saturation) {
  const ConvShape& s = c.s;
  const Dims4 xd{s.n, s.c, s.h, s.w}, wd{s.k, s.group_channels(), s.r, s.s}, yd{s.n, s.k, s.p(), s.q()};
  const auto xv = random_ints(static_cast<std::size_t>(xd.numel()), -127, 127, 1);
  const auto wv = random_ints(static_cast<std::size_t>(wd.numel()), -127, 127, 2);
  const auto dyv = random_ints(static_cast<std::size_t>(yd.numel()), -127, 127, 3);
  const ref::QTensor xq = to_qtensor(xv, xd, -3), wq = to_qtensor(wv, wd, -7), dyq = to_qtensor(dyv, yd, -9);
  std::uint64_t ref_sat = 0;
  const auto y_ref = ref::grouped_conv2d_forward(xq, wq, s.stride, s.pad, s.groups, acc_bits, &ref_sat);
  const auto dx_ref = ref::grouped_conv2d_backward_data(dyq, wq, xq.shape, s.stride, s.pad, s.groups, acc_bits, &ref_sat);
  const auto dw_ref = ref::grouped_conv2d_backward_weights(xq, dyq, wq.shape, s.stride, s.pad, s.groups, acc_bits, &ref_sat);
  EXPECT_EQ(ref_sat > 0, expect_saturation);

  std::vector<Bench> benches(3);
  const Dataflow flows[3] = {Dataflow::os, Dataflow::ws, Dataflow::is};
  std::vector<std::vector<std::int64_t>> y(3), dx(3), dw(3);
  std::vector<std::int64_t> exps(3);
  // The kernels keep a reference to their configuration: it must outlive run_all.
  std::vector<HwConfig> configs(3);
  for (int f = 0; f < 3; ++f) {
    HwConfig& cfg = configs[static_cast<std::size_t>(f)];
    cfg = small_config(flows[f], 4, 3, c.sram);
    cfg.array.accumulator_bits = acc_bits;
    DramAllocator alloc;
    HwTensor x{alloc.allocate("x", DType::i8, xd)}, w{alloc.allocate("w", DType::i8, wd)},
        dyt{alloc.allocate("dy", DType::i8, yd)};
    HwTensor yo{alloc.allocate("y", DType::i32, yd)}, dxo{alloc.allocate("dx", DType::i32, xd)},
        dwo{alloc.allocate("dw", DType::i32, wd)};
    Bench& b = benches[static_cast<std::size_t>(f)];
    b.acc = std::make_unique<Accelerator>(("acc" + std::to_string(f)).c_str(), cfg, ExecMode::exact, alloc.used());
    ScalarRegs& r = b.acc->regs();
    for (HwTensor* t : {&x, &w, &dyt, &yo, &dxo, &dwo}) t->exp_reg = r.allocate();
    r[x.exp_reg] = -3, r[w.exp_reg] = -7, r[dyt.exp_reg] = -9;
    b.program.push_back(std::make_unique<GemmKernel>(KernelLabel{"conv", "gemm", Phase::forward, "A", Unit::mac_array},
                                                     ConvPass::forward, s, GemmOperands{x, w, yo, r.allocate()}, cfg));
    b.program.push_back(std::make_unique<GemmKernel>(KernelLabel{"conv", "gemm", Phase::backward_data, "E", Unit::mac_array},
                                                     ConvPass::backward_data, s, GemmOperands{dyt, w, dxo, r.allocate()}, cfg));
    b.program.push_back(std::make_unique<GemmKernel>(KernelLabel{"conv", "gemm", Phase::backward_weights, "G", Unit::mac_array},
                                                     ConvPass::backward_weights, s, GemmOperands{dyt, x, dwo, r.allocate()}, cfg));
    b.before = [=](Accelerator& a) {
      write_ints(a.dram(), x.data, xv);
      write_ints(a.dram(), w.data, wv);
      write_ints(a.dram(), dyt.data, dyv);
    };
    b.after = [&, f, yo, dxo, dwo](Accelerator& a) {
      y[static_cast<std::size_t>(f)] = read_ints(a.dram(), yo.data);
      dx[static_cast<std::size_t>(f)] = read_ints(a.dram(), dxo.data);
      dw[static_cast<std::size_t>(f)] = read_ints(a.dram(), dwo.data);
      exps[static_cast<std::size_t>(f)] = a.regs()[yo.exp_reg];
    };
  }
  run_all({&benches[0], &benches[1], &benches[2]});
  for (int f = 0; f < 3; ++f) {
    SCOPED_TRACE(to_string(flows[f]));
    EXPECT_EQ(exps[static_cast<std::size_t>(f)], -10);
    EXPECT_EQ(y[static_cast<std::size_t>(f)], wide_values(y_ref));
    EXPECT_EQ(dx[static_cast<std::size_t>(f)], wide_values(dx_ref));
    EXPECT_EQ(dw[static_cast<std::size_t>(f)], wide_values(dw_ref));
    EXPECT_GT(benches[static_cast<std::size_t>(f)].stats[0].tiles, 1u) << "the buffers should force tiling";
  }
}

TEST(GemmKernel, Conv3x3Stride1Pad1) { check_int_conv({{2, 5, 9, 8, 7, 3, 3, 1, 1}, 2048}, 32, false); }
TEST(GemmKernel, Conv3x3Stride2Pad1) { check_int_conv({{3, 4, 11, 10, 6, 3, 3, 2, 1}, 1536}, 32, false); }
TEST(GemmKernel, Conv1x1Stride2) { check_int_conv({{2, 6, 8, 8, 5, 1, 1, 2, 0}, 1024}, 32, false); }
TEST(GemmKernel, Conv7x7Stride2Pad3) { check_int_conv({{1, 3, 15, 13, 4, 7, 7, 2, 3}, 1024}, 32, false); }
TEST(GemmKernel, LinearAsOneByOne) { check_int_conv({{6, 40, 1, 1, 10, 1, 1, 1, 0}, 512}, 32, false); }
// 16-bit saturating accumulators: results still equal the reference's canonical order.
TEST(GemmKernel, NarrowAccumulatorSaturatesInCanonicalOrder) {
  check_int_conv({{2, 6, 7, 7, 5, 3, 3, 1, 1}, 2048}, 16, true);
}

// Grouped convolutions: each group's GEMM reads and writes only its own channels.
TEST(GemmKernel, GroupedConvTwoGroups) { check_int_conv({{2, 4, 7, 6, 6, 3, 3, 1, 1, 2}, 768}, 32, false); }
TEST(GemmKernel, GroupedConvOneByOneFourGroups) { check_int_conv({{2, 8, 5, 5, 12, 1, 1, 1, 0, 4}, 512}, 32, false); }
TEST(GemmKernel, DepthwiseConv3x3Stride2) { check_int_conv({{2, 6, 9, 9, 6, 3, 3, 2, 1, 6}, 512}, 32, false); }
TEST(GemmKernel, DepthwiseWithTwoFiltersPerChannel) { check_int_conv({{1, 3, 8, 7, 6, 3, 3, 1, 1, 3}, 512}, 32, false); }
TEST(GemmKernel, DepthwiseNarrowAccumulatorSaturatesInCanonicalOrder) {
  check_int_conv({{2, 4, 7, 7, 4, 5, 5, 1, 2, 4}, 1024}, 12, true);
}

// A grouped forward GEMM whose int32 results fit the ofmap buffer: the output
// stage requantizes all groups' results on chip, with one exponent from the
// maximum over every group, exactly as the reference quantizes the whole tensor.
TEST(GemmKernel, GroupedConvRequantizedOnChip) {
  const ConvShape s{2, 6, 8, 8, 6, 3, 3, 1, 1, 3};
  const Dims4 xd{s.n, s.c, s.h, s.w}, wd{s.k, s.group_channels(), s.r, s.s}, yd{s.n, s.k, s.p(), s.q()};
  const auto xv = random_ints(static_cast<std::size_t>(xd.numel()), -127, 127, 11);
  const auto wv = random_ints(static_cast<std::size_t>(wd.numel()), -127, 127, 12);
  const ref::QTensor xq = to_qtensor(xv, xd, -3), wq = to_qtensor(wv, wd, -7);
  const ref::QuantizerSpec spec{ref::QuantizerKind::shift, 8, ref::Rounding::stochastic, 0};
  const ref::RandomStream random{5, 77};
  const ref::QTensor y_ref =
      ref::quantize(ref::grouped_conv2d_forward(xq, wq, s.stride, s.pad, s.groups, 32, nullptr), spec, random);

  HwConfig cfg = small_config(Dataflow::ws, 4, 4, 8192);
  cfg.random.lanes = 4;
  DramAllocator alloc;
  HwTensor x{alloc.allocate("x", DType::i8, xd)}, w{alloc.allocate("w", DType::i8, wd)};
  HwTensor acc{alloc.allocate("acc", DType::i32, yd)}, y{alloc.allocate("y", DType::i8, yd), -1, 8};
  Bench b;
  b.acc = std::make_unique<Accelerator>("acc", cfg, ExecMode::exact, alloc.used());
  ScalarRegs& r = b.acc->regs();
  for (HwTensor* t : {&x, &w, &acc, &y}) t->exp_reg = r.allocate();
  r[x.exp_reg] = -3, r[w.exp_reg] = -7;
  auto kernel = std::make_unique<GemmKernel>(KernelLabel{"dw", "gemm", Phase::forward, "A", Unit::mac_array}, ConvPass::forward,
                                             s, GemmOperands{x, w, acc, r.allocate()}, cfg);
  ASSERT_TRUE(kernel->requantize_on_chip(QuantizeTarget{y, spec, random, r.allocate()})) << kernel->output_note();
  b.program.push_back(std::move(kernel));
  std::vector<std::int64_t> got;
  std::int64_t exp = 0;
  b.before = [&](Accelerator& a) {
    write_ints(a.dram(), x.data, xv);
    write_ints(a.dram(), w.data, wv);
  };
  b.after = [&](Accelerator& a) {
    got = read_ints(a.dram(), y.data);
    exp = a.regs()[y.exp_reg];
  };
  run_all({&b});
  EXPECT_EQ(exp, y_ref.exp);
  EXPECT_EQ(got, std::vector<std::int64_t>(y_ref.q.begin(), y_ref.q.end()));
  EXPECT_GT(b.stats[0].tiles, 3u) << "every group's GEMM runs as its own tiles";
}

}  // namespace
}  // namespace qtsim::hw::test
