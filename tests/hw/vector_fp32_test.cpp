// FP32 vector-unit kernels against the reference's float layers and SGD,
// compared bit for bit (NaN payloads and signed zeros included): ReLU, max /
// average / global average pools (double sums in the reference's order), the
// residual add, Fixup scalar bias and scale (forward, backward-data, parameter
// gradients), per-channel bias forward and backward, and SGD with momentum and
// weight decay, through a small vector buffer.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "models/hw/kernels/vector/fp32_avgpool_backward_kernel.hpp"
#include "models/hw/kernels/vector/fp32_avgpool_forward_kernel.hpp"
#include "models/hw/kernels/vector/fp32_elementwise_kernel.hpp"
#include "models/hw/kernels/vector/fp32_maxpool_backward_kernel.hpp"
#include "models/hw/kernels/vector/fp32_sgd_update_kernel.hpp"
#include "models/hw/kernels/vector/fp32_sum_kernel.hpp"
#include "models/hw/kernels/vector/maxpool_forward_kernel.hpp"
#include "models/ref/ops/layers_float.hpp"
#include "models/ref/optimizer.hpp"
#include "vector_twin_run.hpp"

namespace qtsim::hw::test {
namespace {

ref::FTensor ftensor(const ref::Shape& s, std::vector<float> v) {
  ref::FTensor t(s);
  t.data = std::move(v);
  return t;
}

ref::FTensor random_ftensor(const ref::Shape& s, std::uint32_t seed, int spread = 12) {
  return ftensor(s, random_floats(static_cast<std::size_t>(s.numel()), seed, spread));
}

// A float32 program: inputs written, outputs read back, stats checked for chunking.
struct FloatRun {
  HwConfig cfg;
  DramAllocator alloc;
  std::vector<std::pair<HwTensor, const ref::FTensor*>> inputs;
  std::vector<HwTensor> outputs;

  explicit FloatRun(std::uint64_t vector_bytes) : cfg(small_config(Dataflow::os, 4, 4, 4096, ArrayDatapath::fp32)) {
    cfg.vector.capacity_bytes = vector_bytes;
  }
  HwTensor input(const std::string& name, const ref::FTensor& t, const Dims4& d) {
    HwTensor h(alloc.allocate(name, DType::f32, d));
    inputs.push_back({h, &t});
    return h;
  }
  HwTensor input(const std::string& name, const ref::FTensor& t) { return input(name, t, dims_of(t.shape)); }
  HwTensor output(const std::string& name, const Dims4& d) {
    HwTensor h(alloc.allocate(name, DType::f32, d));
    outputs.push_back(h);
    return h;
  }
  // Runs the program; returns the outputs' bits in the order they were declared.
  std::vector<std::vector<std::uint32_t>> run(const BuildProgram& build, std::uint64_t min_tiles = 3,
                                              std::vector<std::int64_t>* ints = nullptr, const HwTensor* int_out = nullptr) {
    std::vector<std::vector<std::uint32_t>> out;
    const auto stats = run_exact_and_timing(
        cfg, alloc.used(), build,
        [&](Accelerator& a) {
          for (auto& [h, t] : inputs) write_floats(a.dram(), h.data, t->data);
        },
        [&](Accelerator& a) {
          for (const HwTensor& h : outputs) out.push_back(float_bits(read_floats(a.dram(), h.data)));
          if (ints) *ints = read_ints(a.dram(), int_out->data);
        });
    for (const KernelStats& s : stats) EXPECT_GE(s.tiles, min_tiles) << s.label.op << ": the vector buffer should force chunking";
    return out;
  }
};

KernelLabel label(const char* op, Phase phase = Phase::forward) { return {"layer", op, phase, "", Unit::vector_unit}; }

TEST(Fp32Relu, ForwardBackwardNaNAndSignedZeros) {
  const ref::Shape s{3, 5, 7, 6};
  ref::FTensor x = random_ftensor(s, 1), dy = random_ftensor(s, 2);
  x.data[5] = std::numeric_limits<float>::quiet_NaN();
  x.data[77] = -std::numeric_limits<float>::quiet_NaN();
  x.data[100] = std::numeric_limits<float>::infinity();
  FloatRun r(2048);
  const HwTensor xt = r.input("x", x), dyt = r.input("dy", dy);
  const HwTensor yt = r.output("y", dims_of(s)), dxt = r.output("dx", dims_of(s));
  const auto out = r.run([&](ScalarRegs&, std::vector<std::unique_ptr<Kernel>>& p) {
    p.push_back(std::make_unique<Fp32ElementwiseKernel>(label("relu"), Fp32ElementwiseOp::relu, xt, nullptr, yt, r.cfg));
    p.push_back(std::make_unique<Fp32ElementwiseKernel>(label("relu-backward", Phase::backward_data),
                                                        Fp32ElementwiseOp::relu_backward, dyt, &yt, dxt, r.cfg));
  });
  const ref::FTensor y = ref::relu_forward(x);
  EXPECT_EQ(out[0], float_bits(y.data));
  EXPECT_EQ(out[1], float_bits(ref::relu_backward(dy, y).data));
}

void check_maxpool(const ref::FTensor& x, const ref::FTensor& dy, std::int64_t k, std::int64_t stride,
                   std::int64_t pad, std::uint64_t vector_bytes) {
  const PoolWindow win = PoolWindow::square(k, stride, pad);
  const Dims4 xd = dims_of(x.shape), yd = win.output_dims(xd);
  FloatRun r(vector_bytes);
  const HwTensor xt = r.input("x", x), dyt = r.input("dy", dy);
  const HwTensor yt = r.output("y", yd), dxt = r.output("dx", xd);
  const HwTensor arg(r.alloc.allocate("argmax", win.argmax_dtype(), yd));
  std::vector<std::int64_t> argmax;
  const auto out = r.run(
      [&](ScalarRegs&, std::vector<std::unique_ptr<Kernel>>& p) {
        p.push_back(std::make_unique<MaxPoolForwardKernel>(label("maxpool"), xt, yt, arg, win, r.cfg));
        p.push_back(std::make_unique<Fp32MaxPoolBackwardKernel>(label("maxpool-backward", Phase::backward_data), dyt, arg,
                                                                dxt, win, r.cfg));
      },
      3, &argmax, &arg);
  std::vector<std::int64_t> ref_argmax;
  const ref::FTensor y = ref::maxpool_forward(x, k, stride, pad, &ref_argmax);
  EXPECT_EQ(out[0], float_bits(y.data));
  for (std::size_t o = 0; o < argmax.size(); ++o) {
    const auto oi = static_cast<std::int64_t>(o);
    const std::int64_t plane = oi / (yd.h * yd.w), oh = (oi / yd.w) % yd.h, ow = oi % yd.w;
    argmax[o] = (plane * xd.h + win.start(oh) + argmax[o] / k) * xd.w + win.start(ow) + argmax[o] % k;
  }
  EXPECT_EQ(argmax, ref_argmax);
  EXPECT_EQ(out[1], float_bits(ref::maxpool_backward(dy, ref_argmax, x.shape).data));
}

TEST(Fp32MaxPool, OverlappingWindowsTiesNaNNegativePadding) {
  const ref::Shape s{2, 3, 9, 9};
  ref::FTensor x(s);
  const auto pick = random_ints(x.size(), -4, 3, 3);
  for (std::size_t i = 0; i < x.size(); ++i) x.data[i] = pick[i] == 0 ? -0.0f : 0.25f * static_cast<float>(pick[i]);  // ties, -0 vs +0
  x.data[20] = std::numeric_limits<float>::quiet_NaN();
  x.data[101] = -std::numeric_limits<float>::infinity();
  check_maxpool(x, random_ftensor({2, 3, 5, 5}, 4), 3, 2, 1, 2048);
}

TEST(Fp32MaxPool, NegativeInputsPaddedStrideOne) {
  ref::FTensor x = random_ftensor({2, 4, 6, 7}, 5);
  for (float& v : x.data) v = -std::fabs(v) - 1e-3f;  // padding (0) would win if it were a value
  check_maxpool(x, random_ftensor({2, 4, 6, 7}, 6), 3, 1, 1, 1024);
}

TEST(Fp32MaxPool, DisjointWindows) {
  check_maxpool(random_ftensor({3, 2, 7, 7}, 7), random_ftensor({3, 2, 3, 3}, 8), 2, 2, 0, 1024);
}

void check_avgpool(const ref::FTensor& x, const ref::FTensor& dy, const PoolWindow& win, std::uint64_t vector_bytes) {
  const Dims4 xd = dims_of(x.shape), yd = win.output_dims(xd);
  FloatRun r(vector_bytes);
  const HwTensor xt = r.input("x", x), dyt = r.input("dy", dy, yd);
  const HwTensor yt = r.output("y", yd), dxt = r.output("dx", xd);
  const auto out = r.run([&](ScalarRegs&, std::vector<std::unique_ptr<Kernel>>& p) {
    p.push_back(std::make_unique<Fp32AvgPoolForwardKernel>(label("avgpool"), xt, yt, win, r.cfg));
    p.push_back(std::make_unique<Fp32AvgPoolBackwardKernel>(label("avgpool-backward", Phase::backward_data), dyt, dxt, win, r.cfg));
  });
  const ref::FTensor y = win.global ? ref::global_avgpool_forward(x) : ref::avgpool_forward(x, win.kernel_h, win.stride, win.pad);
  const ref::FTensor dx = win.global ? ref::global_avgpool_backward(dy, x.shape)
                                     : ref::avgpool_backward(dy, x.shape, win.kernel_h, win.stride, win.pad);
  EXPECT_EQ(out[0], float_bits(y.data));
  EXPECT_EQ(out[1], float_bits(dx.data));
}

TEST(Fp32AvgPool, PaddedOverlappingWindows) {
  check_avgpool(random_ftensor({2, 3, 9, 8}, 9, 30), random_ftensor({2, 3, 5, 4}, 10, 30), PoolWindow::square(3, 2, 1), 1024);
}

TEST(Fp32AvgPool, StrideOneAndDisjoint) {
  check_avgpool(random_ftensor({2, 3, 6, 6}, 11), random_ftensor({2, 3, 6, 6}, 12), PoolWindow::square(3, 1, 1), 1024);
}

TEST(Fp32AvgPool, DisjointWindows) {
  check_avgpool(random_ftensor({3, 2, 8, 6}, 13), random_ftensor({3, 2, 4, 3}, 14), PoolWindow::square(2, 2, 0), 512);
}

TEST(Fp32GlobalAvgPool, ForwardBackwardSignedZeros) {
  ref::FTensor x = random_ftensor({4, 5, 7, 5}, 15, 30), dy = random_ftensor({4, 5, 1, 1}, 16);
  dy.data[3] = -0.0f;
  for (std::size_t i = 0; i < 35; ++i) x.data[35 + i] = -0.0f;  // a plane of -0: the sum from 0.0 is +0
  check_avgpool(x, dy, PoolWindow::whole_plane(dims_of(x.shape)), 512);
}

TEST(Fp32Affine, AddScalarBiasScaleForwardAndBackwardData) {
  const ref::Shape s{3, 4, 5, 7};
  const ref::FTensor a = random_ftensor(s, 17), b = random_ftensor(s, 18), dy = random_ftensor(s, 19);
  const ref::FTensor bias = ftensor({1}, {0.3712f}), scale = ftensor({1}, {-1.6543f});
  FloatRun r(2048);
  const HwTensor at = r.input("a", a), bt = r.input("b", b), dyt = r.input("dy", dy);
  const HwTensor biast = r.input("bias", bias, {1, 1, 1, 1}), scalet = r.input("scale", scale, {1, 1, 1, 1});
  const HwTensor sum = r.output("a+b", dims_of(s)), biased = r.output("x+b", dims_of(s)), scaled = r.output("x*m", dims_of(s)),
                 dx = r.output("dx", dims_of(s));
  const auto out = r.run([&](ScalarRegs&, std::vector<std::unique_ptr<Kernel>>& p) {
    p.push_back(std::make_unique<Fp32ElementwiseKernel>(label("add"), Fp32ElementwiseOp::add, at, &bt, sum, r.cfg));
    p.push_back(std::make_unique<Fp32ElementwiseKernel>(label("bias"), Fp32ElementwiseOp::scalar_add, at, &biast, biased, r.cfg));
    p.push_back(std::make_unique<Fp32ElementwiseKernel>(label("scale"), Fp32ElementwiseOp::scalar_mul, at, &scalet, scaled, r.cfg));
    p.push_back(std::make_unique<Fp32ElementwiseKernel>(label("scale-backward", Phase::backward_data),
                                                        Fp32ElementwiseOp::scalar_mul, dyt, &scalet, dx, r.cfg));
  });
  EXPECT_EQ(out[0], float_bits(ref::add_forward(a, b).data));
  EXPECT_EQ(out[1], float_bits(ref::bias_forward(a, bias).data));
  EXPECT_EQ(out[2], float_bits(ref::scale_forward(a, scale).data));
  EXPECT_EQ(out[3], float_bits(ref::scale_backward_data(dy, scale).data));
}

TEST(Fp32Affine, ScalarParameterGradients) {
  const ref::Shape s{4, 6, 5, 5};
  ref::FTensor dy = random_ftensor(s, 20), x = random_ftensor(s, 21, 40);
  // Huge terms that cancel at opposite ends: the double sum then depends on its order.
  dy.data.front() = 0x1p45f;
  dy.data.back() = -0x1p45f;
  x.data.front() = x.data.back() = 1.0f;
  FloatRun r(2048);
  const HwTensor dyt = r.input("dy", dy), xt = r.input("x", x);
  const HwTensor db = r.output("db", {1, 1, 1, 1}), dm = r.output("dm", {1, 1, 1, 1});
  const auto out = r.run([&](ScalarRegs&, std::vector<std::unique_ptr<Kernel>>& p) {
    p.push_back(std::make_unique<Fp32SumKernel>(label("bias-grad", Phase::backward_weights), Fp32SumOp::sum, dyt, nullptr, db, r.cfg));
    p.push_back(std::make_unique<Fp32SumKernel>(label("scale-grad", Phase::backward_weights), Fp32SumOp::dot, dyt, &xt, dm, r.cfg));
  });
  EXPECT_EQ(out[0], float_bits(ref::bias_backward_param(dy).data));
  EXPECT_EQ(out[1], float_bits(ref::scale_backward_param(dy, x).data));
}

TEST(Fp32ChannelBias, ForwardInPlaceAndBackward) {
  const ref::Shape s{3, 6, 5, 7};
  const ref::FTensor y = random_ftensor(s, 22, 30), b = random_ftensor({6}, 23);
  ref::FTensor dy = random_ftensor(s, 24);
  for (std::size_t c = 0; c < 6; ++c) {  // per channel: huge cancelling terms in the first and last image
    dy.data[c * 35] = 0x1p45f;
    dy.data[(2 * 6 + c) * 35 + 34] = -0x1p45f;
  }
  FloatRun r(1024);
  const HwTensor yt = r.input("y", y), bt = r.input("b", b, {1, 6, 1, 1}), dyt = r.input("dy", dy);
  r.outputs.push_back(yt);  // the bias is added in place
  const HwTensor db = r.output("db", {1, 6, 1, 1});
  const auto out = r.run([&](ScalarRegs&, std::vector<std::unique_ptr<Kernel>>& p) {
    p.push_back(std::make_unique<Fp32ElementwiseKernel>(label("bias"), Fp32ElementwiseOp::channel_add, yt, &bt, yt, r.cfg));
    p.push_back(std::make_unique<Fp32SumKernel>(label("bias-grad", Phase::backward_weights), Fp32SumOp::channel_sum, dyt,
                                                nullptr, db, r.cfg));
  });
  ref::FTensor ry = y;
  ref::channel_bias_forward(ry, b);
  EXPECT_EQ(out[0], float_bits(ry.data));
  EXPECT_EQ(out[1], float_bits(ref::channel_bias_backward(dy).data));
}

// Two SGD steps: in place, or reading one bank and writing the other.
void check_sgd(double lr, double momentum, double weight_decay, bool decays, bool in_place) {
  const ref::Shape s{7, 5, 3, 3};
  ref::Parameter p;
  p.is_float = true;
  p.weight_decay = decays;
  p.shape = s;
  p.value = random_ftensor(s, 25, 6);
  p.velocity = momentum != 0.0 ? random_ftensor(s, 26, 6) : ref::FTensor(s);
  const ref::FTensor g0 = random_ftensor(s, 27), g1 = random_ftensor(s, 28);
  ref::Parameter rp = p;
  for (const ref::FTensor* g : {&g0, &g1}) ref::sgd_update(rp, *g, {lr, momentum, weight_decay});

  const Fp32SgdHyper hyper{static_cast<float>(lr), static_cast<float>(momentum),
                           decays ? static_cast<float>(weight_decay) : 0.0f};
  FloatRun r(4096);
  const HwTensor w0 = r.input("w.0", p.value), v0 = r.input("v.0", p.velocity), g0t = r.input("g0", g0), g1t = r.input("g1", g1);
  const HwTensor w1 = in_place ? w0 : HwTensor(r.alloc.allocate("w.1", DType::f32, dims_of(s)));
  const HwTensor v1 = in_place ? v0 : HwTensor(r.alloc.allocate("v.1", DType::f32, dims_of(s)));
  r.outputs = {w0, v0};  // after two steps the state is back in bank 0
  const bool mom = momentum != 0.0;
  const auto out = r.run([&](ScalarRegs&, std::vector<std::unique_ptr<Kernel>>& prog) {
    prog.push_back(std::make_unique<Fp32SgdUpdateKernel>(label("sgd", Phase::update), w0, g0t, mom ? &v0 : nullptr, w1,
                                                         mom ? &v1 : nullptr, hyper, r.cfg));
    prog.push_back(std::make_unique<Fp32SgdUpdateKernel>(label("sgd", Phase::update), w1, g1t, mom ? &v1 : nullptr, w0,
                                                         mom ? &v0 : nullptr, hyper, r.cfg));
  });
  EXPECT_EQ(out[0], float_bits(rp.value.data));
  if (mom) {
    EXPECT_EQ(out[1], float_bits(rp.velocity.data));
  }
}

TEST(Fp32Sgd, MomentumAndWeightDecayBanks) { check_sgd(0.1, 0.9, 5e-4, true, false); }
TEST(Fp32Sgd, MomentumWithoutDecayInPlace) { check_sgd(0.05, 0.9, 5e-4, false, true); }
TEST(Fp32Sgd, PlainSgd) { check_sgd(0.1, 0.0, 0.0, false, true); }

}  // namespace
}  // namespace qtsim::hw::test
