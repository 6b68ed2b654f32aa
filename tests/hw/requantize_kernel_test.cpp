// The vector unit's requantization against the reference's quantizers, on wide
// tensors written by the host (as the MAC array would leave them): every
// quantizer family and rounding, with and without a per-channel bias, chunked
// through a small vector buffer.
#include <gtest/gtest.h>

#include "hw_test_util.hpp"
#include "models/hw/kernels/vector/requantize_kernel.hpp"
#include "models/ref/ops/layers_int.hpp"

namespace qtsim::hw::test {
namespace {

struct Result {
  std::vector<std::int64_t> q, flags;
  std::int64_t exp = 0;
};

Result run_requantize(const ref::WideTensor& acc, const ref::QTensor* bias, const ref::QuantizerSpec& spec,
                      const ref::RandomStream& random) {
  const Dims4 d{acc.shape.n(), acc.shape.c(), acc.shape.h(), acc.shape.w()};
  HwConfig cfg = small_config(Dataflow::os, 4, 4, 2048);
  DramAllocator alloc;
  HwTensor wide(alloc.allocate("acc", DType::i32, d));
  HwTensor b(alloc.allocate("bias", DType::i8, {1, d.c, 1, 1}));
  HwTensor out(alloc.allocate("y", int_dtype_for_bits(spec.bits), d), -1, spec.bits);
  if (spec.kind == ref::QuantizerKind::flag) {
    out.flagged = true;
    out.flags = alloc.allocate("y.flags", DType::u8, d);
    out.flag_shift = spec.bits - 1;
  }
  Bench bench;
  bench.acc = std::make_unique<Accelerator>("acc", cfg, ExecMode::exact, alloc.used());
  ScalarRegs& r = bench.acc->regs();
  wide.exp_reg = r.allocate(acc.exp);
  b.exp_reg = r.allocate(bias ? bias->exp : 0);
  out.exp_reg = r.allocate();
  QuantizeTarget target{out, spec, random, r.allocate()};
  if (bias) {
    bench.program.push_back(std::make_unique<RequantizeKernel>(KernelLabel{"l", "max", Phase::forward, "A", Unit::vector_unit},
                                                               wide, &b, QuantizePass::max, target, cfg));
  } else {
    std::uint64_t m = 0;
    for (auto v : acc.v) {
      m = std::max<std::uint64_t>(m, static_cast<std::uint64_t>(v < 0 ? -v : v));
    }
    r[target.max_reg] = static_cast<std::int64_t>(m);
  }
  bench.program.push_back(std::make_unique<RequantizeKernel>(KernelLabel{"l", "requantize", Phase::forward, "A", Unit::vector_unit},
                                                             wide, bias ? &b : nullptr, QuantizePass::quantize, target, cfg));
  Result res;
  bench.before = [&](Accelerator& a) {
    write_ints(a.dram(), wide.data, {acc.v.begin(), acc.v.end()});
    if (bias) write_ints(a.dram(), b.data, {bias->q.begin(), bias->q.end()});
  };
  bench.after = [&](Accelerator& a) {
    res.q = read_ints(a.dram(), out.data);
    if (out.flagged) res.flags = read_ints(a.dram(), out.flags);
    res.exp = a.regs()[out.exp_reg];
  };
  run_all({&bench});
  EXPECT_GT(bench.stats.back().tiles, 2u) << "the vector buffer should force chunking";
  return res;
}

ref::WideTensor random_wide(const ref::Shape& s, std::int64_t range, int exp, std::uint32_t seed) {
  ref::WideTensor t(s, exp);
  const auto v = random_ints(t.size(), -range, range, seed);
  std::copy(v.begin(), v.end(), t.v.begin());
  return t;
}

void expect_same(const Result& hw, const ref::QTensor& ref) {
  EXPECT_EQ(hw.exp, ref.exp);
  EXPECT_EQ(hw.q, std::vector<std::int64_t>(ref.q.begin(), ref.q.end()));
  if (ref.flagged()) {
    EXPECT_EQ(hw.flags, std::vector<std::int64_t>(ref.flag.begin(), ref.flag.end()));
  }
}

const ref::RandomStream kStream{7, ref::stream_id(3, 5, ref::RandomPurpose::quantize_activation)};

TEST(Requantize, ShiftNearest) {
  const auto acc = random_wide({3, 5, 7, 9}, 1 << 20, -12, 1);
  const ref::QuantizerSpec spec{ref::QuantizerKind::shift, 8, ref::Rounding::nearest};
  expect_same(run_requantize(acc, nullptr, spec, kStream), ref::quantize(acc, spec, kStream));
}

TEST(Requantize, ShiftStochastic) {
  const auto acc = random_wide({3, 5, 7, 9}, 1 << 18, -12, 2);
  const ref::QuantizerSpec spec{ref::QuantizerKind::shift, 8, ref::Rounding::stochastic};
  expect_same(run_requantize(acc, nullptr, spec, kStream), ref::quantize(acc, spec, kStream));
}

TEST(Requantize, ConstantStochasticClips) {
  const auto acc = random_wide({4, 6, 5, 5}, 1 << 24, -20, 3);
  const ref::QuantizerSpec spec{ref::QuantizerKind::constant, 8, ref::Rounding::stochastic, 0, 7};
  expect_same(run_requantize(acc, nullptr, spec, kStream), ref::quantize(acc, spec, kStream));
}

TEST(Requantize, FlagTwoRanges) {
  auto acc = random_wide({2, 8, 6, 6}, 1 << 14, -16, 4);
  for (std::size_t i = 0; i < acc.size(); i += 3) acc.v[i] /= 1000;  // many small errors keep the fine grid
  const ref::QuantizerSpec spec{ref::QuantizerKind::flag, 8, ref::Rounding::nearest};
  expect_same(run_requantize(acc, nullptr, spec, kStream), ref::quantize(acc, spec, kStream));
}

TEST(Requantize, DirectSaturates) {
  const auto acc = random_wide({2, 3, 10, 10}, 1 << 16, -14, 5);
  const ref::QuantizerSpec spec{ref::QuantizerKind::direct, 8, ref::Rounding::nearest, -7};
  expect_same(run_requantize(acc, nullptr, spec, kStream), ref::quantize(acc, spec, kStream));
}

void channel_bias_case(int acc_exp) {
  const auto acc = random_wide({3, 6, 5, 7}, 1 << 15, acc_exp, 6);
  ref::QTensor bias(ref::Shape{6}, -7, 8);
  const auto bv = random_ints(6, -127, 127, 9);
  for (int c = 0; c < 6; ++c) bias.q[static_cast<std::size_t>(c)] = static_cast<std::int32_t>(bv[static_cast<std::size_t>(c)]);
  const ref::QuantizerSpec spec{ref::QuantizerKind::shift, 8, ref::Rounding::stochastic};
  // The 32-bit saturating accumulator: |acc| < 2^31 (docs/NUMERICS.md §1.1, §5).
  expect_same(run_requantize(acc, &bias, spec, kStream),
              ref::quantize(ref::channel_bias_forward(acc, 31, bias), spec, kStream));
}

TEST(Requantize, ChannelBiasThenShift) { channel_bias_case(-13); }
// An accumulator 70 bits below the bias: aligned where int64 holds the bias, the accumulator floored.
TEST(Requantize, ChannelBiasFarAboveTheAccumulator) { channel_bias_case(-77); }

}  // namespace
}  // namespace qtsim::hw::test
