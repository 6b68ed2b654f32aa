// Integer pooling on the vector unit against the reference (models/ref/ops/
// pool_int.cpp) followed by the scheme's quantizers: max-pool forward (values,
// exponent, argmax) and backward, average and global average pools forward
// (A quantizer) and backward (E quantizer: flag, shift nearest, shift
// stochastic), with flag-quantized errors, through a small vector buffer.
#include <gtest/gtest.h>

#include "models/hw/kernels/vector/avgpool_backward_kernel.hpp"
#include "models/hw/kernels/vector/avgpool_forward_kernel.hpp"
#include "models/hw/kernels/vector/maxpool_backward_kernel.hpp"
#include "models/hw/kernels/vector/maxpool_forward_kernel.hpp"
#include "models/ref/ops/layers_int.hpp"
#include "models/ref/quantizer.hpp"
#include "vector_twin_run.hpp"

namespace qtsim::hw::test {
namespace {

const ref::QuantizerSpec kShiftNearest{ref::QuantizerKind::shift, 8, ref::Rounding::nearest};
const ref::QuantizerSpec kShiftStochastic{ref::QuantizerKind::shift, 8, ref::Rounding::stochastic};
const ref::QuantizerSpec kFlagNearest{ref::QuantizerKind::flag, 8, ref::Rounding::nearest};
const ref::RandomStream kActivation{11, ref::stream_id(4, 6, ref::RandomPurpose::quantize_activation)};
const ref::RandomStream kError{11, ref::stream_id(4, 6, ref::RandomPurpose::quantize_error)};

ref::QTensor random_q(const ref::Shape& s, int exp, std::int64_t lo, std::int64_t hi, std::uint32_t seed,
                      bool flagged = false) {
  ref::QTensor t(s, exp, 8);
  const auto v = random_ints(t.size(), lo, hi, seed);
  for (std::size_t i = 0; i < t.size(); ++i) t.q[i] = static_cast<std::int32_t>(v[i]);
  if (flagged) {
    t.flag_shift = 7;
    const auto f = random_ints(t.size(), 0, 1, seed + 1000);
    t.flag.assign(f.begin(), f.end());
  }
  return t;
}

// An integer tensor in DRAM (with a flag plane for flag-quantized ones).
HwTensor place(DramAllocator& alloc, const std::string& name, const Dims4& d, int bits, bool flagged) {
  HwTensor t(alloc.allocate(name, int_dtype_for_bits(bits), d), -1, bits);
  if (flagged) {
    t.flagged = true;
    t.flags = alloc.allocate(name + ".flags", DType::u8, d);
    t.flag_shift = bits - 1;
  }
  return t;
}

struct QOut {
  std::vector<std::int64_t> q, flags;
  std::int64_t exp = 0;
};

QOut read_q(Accelerator& a, const HwTensor& t) {
  QOut r;
  r.q = read_ints(a.dram(), t.data);
  if (t.flagged) r.flags = read_ints(a.dram(), t.flags);
  r.exp = a.regs()[t.exp_reg];
  return r;
}

void write_q(Accelerator& a, const HwTensor& t, const ref::QTensor& q) {
  write_ints(a.dram(), t.data, ints_of(q));
  if (t.flagged) write_ints(a.dram(), t.flags, flags_of(q));
}

void expect_same(const QOut& hw, const ref::QTensor& ref, const char* what) {
  EXPECT_EQ(hw.exp, ref.exp) << what;
  EXPECT_EQ(hw.q, ints_of(ref)) << what;
  if (ref.flagged()) {
    EXPECT_EQ(hw.flags, flags_of(ref)) << what;
  }
}

HwConfig config_with_vector_bytes(std::uint64_t bytes) {
  HwConfig cfg = small_config(Dataflow::os, 4, 4, 4096);
  cfg.vector.capacity_bytes = bytes;
  return cfg;
}

// Every pass with an output runs in several chunks; a backward max pass reads
// only the small dy (and argmax), which may fit the buffer at once.
void expect_chunked(const std::vector<KernelStats>& stats) {
  for (const KernelStats& s : stats)
    if (s.label.op != "max" || s.label.phase == Phase::forward) {
      EXPECT_GT(s.tiles, 2u) << s.label.op << ": the vector buffer should force chunking";
    }
}

// Max-pool forward then backward in one program; dy is given (flagged or not).
void check_maxpool(const ref::QTensor& x, const ref::QTensor& dy, std::int64_t k, std::int64_t stride,
                   std::int64_t pad, const ref::QuantizerSpec& e_spec, std::uint64_t vector_bytes) {
  const PoolWindow win = PoolWindow::square(k, stride, pad);
  const Dims4 xd = dims_of(x.shape), yd = win.output_dims(xd);
  ASSERT_EQ(dims_of(dy.shape), yd);
  const HwConfig cfg = config_with_vector_bytes(vector_bytes);
  DramAllocator alloc;
  HwTensor xt = place(alloc, "x", xd, 8, false), yt = place(alloc, "y", yd, 8, false);
  HwTensor arg(alloc.allocate("argmax", win.argmax_dtype(), yd));
  HwTensor dyt = place(alloc, "dy", yd, 8, dy.flagged());
  HwTensor dxt = place(alloc, "dx", xd, e_spec.bits, e_spec.kind == ref::QuantizerKind::flag);
  int max_reg = -1;
  auto build = [&](ScalarRegs& r, std::vector<std::unique_ptr<Kernel>>& p) {
    xt.exp_reg = r.allocate(x.exp);
    yt.exp_reg = r.allocate();
    dyt.exp_reg = r.allocate(dy.exp);
    dxt.exp_reg = r.allocate();
    max_reg = r.allocate();
    const QuantizeTarget target{dxt, e_spec, kError, max_reg};
    p.push_back(std::make_unique<MaxPoolForwardKernel>(KernelLabel{"pool", "maxpool", Phase::forward, "A", Unit::vector_unit},
                                                       xt, yt, arg, win, cfg));
    for (QuantizePass pass : {QuantizePass::max, QuantizePass::quantize})
      p.push_back(std::make_unique<MaxPoolBackwardKernel>(
          KernelLabel{"pool", pass == QuantizePass::max ? "max" : "maxpool-backward", Phase::backward_data, "E", Unit::vector_unit},
          dyt, arg, xd, win, pass, target, cfg));
  };
  QOut y, dx;
  std::vector<std::int64_t> argmax;
  ref::QuantStats hw_stats;
  const auto stats = run_exact_and_timing(
      cfg, alloc.used(), build,
      [&](Accelerator& a) {
        write_q(a, xt, x);
        write_q(a, dyt, dy);
      },
      [&](Accelerator& a) {
        y = read_q(a, yt);
        dx = read_q(a, dxt);
        argmax = read_ints(a.dram(), arg.data);
        hw_stats = a.events().paths["E"];
      });
  expect_chunked(stats);

  std::vector<std::int64_t> ref_argmax;
  const ref::QTensor ref_y = ref::maxpool_forward(x, k, stride, pad, &ref_argmax);
  expect_same(y, ref_y, "y");
  // The stored window offsets name the reference's flat input indices.
  std::vector<std::int64_t> flat(argmax.size());
  for (std::size_t o = 0; o < argmax.size(); ++o) {
    const auto oi = static_cast<std::int64_t>(o);
    const std::int64_t plane = oi / (yd.h * yd.w), oh = (oi / yd.w) % yd.h, ow = oi % yd.w;
    const std::int64_t ih = win.start(oh) + argmax[o] / k, iw = win.start(ow) + argmax[o] % k;
    flat[o] = (plane * xd.h + ih) * xd.w + iw;
  }
  EXPECT_EQ(flat, ref_argmax);
  ref::QuantStats ref_stats;
  const ref::QTensor ref_dx = ref::quantize(ref::maxpool_backward(dy, ref_argmax, x.shape), e_spec, kError, &ref_stats);
  expect_same(dx, ref_dx, "dx");
  EXPECT_EQ(hw_stats.elements, ref_stats.elements);
  EXPECT_EQ(hw_stats.saturated, ref_stats.saturated);
  EXPECT_EQ(hw_stats.shift, ref_stats.shift);
}

// Average pool (square window, or the whole plane for global pooling) forward
// through A and backward through E.
void check_avgpool(const ref::QTensor& x, const ref::QTensor& dy, const PoolWindow& win,
                   const ref::QuantizerSpec& e_spec, std::uint64_t vector_bytes) {
  const Dims4 xd = dims_of(x.shape), yd = win.output_dims(xd);
  ASSERT_EQ(dims_of(dy.shape), yd);
  const HwConfig cfg = config_with_vector_bytes(vector_bytes);
  DramAllocator alloc;
  HwTensor xt = place(alloc, "x", xd, 8, x.flagged()), yt = place(alloc, "y", yd, 8, false);
  HwTensor dyt = place(alloc, "dy", yd, 8, dy.flagged());
  HwTensor dxt = place(alloc, "dx", xd, e_spec.bits, e_spec.kind == ref::QuantizerKind::flag);
  auto build = [&](ScalarRegs& r, std::vector<std::unique_ptr<Kernel>>& p) {
    xt.exp_reg = r.allocate(x.exp);
    yt.exp_reg = r.allocate();
    dyt.exp_reg = r.allocate(dy.exp);
    dxt.exp_reg = r.allocate();
    const QuantizeTarget a_target{yt, kShiftNearest, kActivation, r.allocate()};
    const QuantizeTarget e_target{dxt, e_spec, kError, r.allocate()};
    for (QuantizePass pass : {QuantizePass::max, QuantizePass::quantize})
      p.push_back(std::make_unique<AvgPoolForwardKernel>(KernelLabel{"pool", pass == QuantizePass::max ? "max" : "avgpool", Phase::forward, "A", Unit::vector_unit},
                                                         xt, win, pass, a_target, cfg));
    for (QuantizePass pass : {QuantizePass::max, QuantizePass::quantize})
      p.push_back(std::make_unique<AvgPoolBackwardKernel>(
          KernelLabel{"pool", pass == QuantizePass::max ? "max" : "avgpool-backward", Phase::backward_data, "E", Unit::vector_unit}, dyt, xd, win, pass,
          e_target, cfg));
  };
  QOut y, dx;
  const auto stats = run_exact_and_timing(
      cfg, alloc.used(), build,
      [&](Accelerator& a) {
        write_q(a, xt, x);
        write_q(a, dyt, dy);
      },
      [&](Accelerator& a) {
        y = read_q(a, yt);
        dx = read_q(a, dxt);
      });
  expect_chunked(stats);
  const ref::WideTensor wide_y = win.global ? ref::global_avgpool_forward(x)
                                            : ref::avgpool_forward(x, win.kernel_h, win.stride, win.pad);
  const ref::WideTensor wide_dx = win.global ? ref::global_avgpool_backward(dy, x.shape)
                                             : ref::avgpool_backward(dy, x.shape, win.kernel_h, win.stride, win.pad);
  expect_same(y, ref::quantize(wide_y, kShiftNearest, kActivation), "y");
  expect_same(dx, ref::quantize(wide_dx, e_spec, kError), "dx");
}

TEST(IntMaxPool, OverlappingWindowsTiesFlaggedErrors) {
  // Values in [-3, 3]: many ties (the first maximum in scan order wins).
  const auto x = random_q({3, 4, 9, 9}, -6, -3, 3, 1);
  const auto dy = random_q({3, 4, 5, 5}, -10, -127, 127, 2, true);
  check_maxpool(x, dy, 3, 2, 1, kFlagNearest, 1024);
}

TEST(IntMaxPool, PaddingNeverWinsNegativeInputs) {
  const auto x = random_q({2, 4, 6, 7}, -5, -127, -1, 3);
  const auto dy = random_q({2, 4, 6, 7}, -9, -127, 127, 4);
  check_maxpool(x, dy, 3, 1, 1, kShiftNearest, 1024);
}

TEST(IntMaxPool, DisjointWindowsStochasticErrors) {
  // 7x7 with 2x2/2: the last row and column are in no window (zero error).
  const auto x = random_q({3, 2, 7, 7}, -4, -127, 127, 5);
  const auto dy = random_q({3, 2, 3, 3}, -12, -127, 127, 6);
  check_maxpool(x, dy, 2, 2, 0, kShiftStochastic, 512);
}

TEST(IntAvgPool, PaddedOverlappingFlaggedErrors) {
  const auto x = random_q({3, 4, 9, 8}, -5, -127, 127, 7);
  const auto dy = random_q({3, 4, 5, 4}, -11, -127, 127, 8, true);
  check_avgpool(x, dy, PoolWindow::square(3, 2, 1), kFlagNearest, 1024);
}

TEST(IntAvgPool, DisjointWindowsStochasticErrors) {
  const auto x = random_q({5, 2, 8, 6}, -5, -127, 127, 9);
  const auto dy = random_q({5, 2, 4, 3}, -9, -127, 127, 10);
  check_avgpool(x, dy, PoolWindow::square(2, 2, 0), kShiftStochastic, 512);
}

TEST(IntGlobalAvgPool, FlaggedErrors) {
  const auto x = random_q({4, 5, 7, 5}, -6, -127, 127, 11);
  const auto dy = random_q({4, 5, 1, 1}, -8, -127, 127, 12, true);
  check_avgpool(x, dy, PoolWindow::whole_plane(dims_of(x.shape)), kFlagNearest, 512);
}

TEST(IntGlobalAvgPool, StochasticErrors) {
  const auto x = random_q({3, 4, 6, 6}, -6, -127, 127, 13);
  const auto dy = random_q({3, 4, 1, 1}, -8, -127, 127, 14);
  check_avgpool(x, dy, PoolWindow::whole_plane(dims_of(x.shape)), kShiftStochastic, 512);
}

}  // namespace
}  // namespace qtsim::hw::test
