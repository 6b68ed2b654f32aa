// Whole-model gradient check of the float reference: the gradients the
// executor reports for every parameter agree with central finite differences
// of the loss (catches wiring mistakes between layers: fan-out sums, residual
// adds, Fixup scalars, flatten, pools).
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "models/ref/model.hpp"
#include "models/ref/random_bits.hpp"
#include "network_test_util.hpp"

namespace qtsim::ref {
namespace {

struct GradientCapture : TensorSink {
  std::map<std::string, FTensor> grads;
  void record(const TensorRecord& r) override {
    if (r.f && r.name.size() > 2 && r.name.substr(r.name.size() - 2) == "/g") grads[r.name.substr(0, r.name.size() - 2)] = *r.f;
  }
};

using test::node_of;

// A Fixup-style residual net exercising every float layer but batchnorm.
Network small_fixup_net() {
  Network net;
  net.input = Shape{2, 6, 6};
  net.classes = 3;
  net.nodes.push_back(node_of("input", OpKind::input, {}));
  Node c1 = node_of("conv1", OpKind::conv2d, {0});
  c1.out_channels = 4; c1.kernel = 3; c1.padding = 1;
  net.nodes.push_back(c1);                                                   // 1
  net.nodes.push_back(node_of("b1", OpKind::bias, {1}));                        // 2
  net.nodes.push_back(node_of("r1", OpKind::relu, {2}));                        // 3
  net.nodes.push_back(node_of("b2", OpKind::bias, {3}));                        // 4 (fan-out: conv2 and add)
  Node c2 = node_of("conv2", OpKind::conv2d, {4});
  c2.out_channels = 4; c2.kernel = 3; c2.padding = 1;
  net.nodes.push_back(c2);                                                   // 5
  net.nodes.push_back(node_of("s", OpKind::scale, {5}));                        // 6
  net.nodes.push_back(node_of("add", OpKind::add, {6, 4}));                     // 7
  Node mp = node_of("pool", OpKind::avgpool, {7});
  mp.kernel = 2; mp.stride = 2;
  net.nodes.push_back(mp);                                                   // 8
  net.nodes.push_back(node_of("flat", OpKind::flatten, {8}));                   // 9
  Node fc = node_of("fc", OpKind::linear, {9});
  fc.out_features = 3; fc.has_bias = true; fc.weight_init = {InitKind::he_normal_fan_in, 1.0};
  fc.bias_init = {InitKind::uniform_fan_in, 1.0};
  net.nodes.push_back(fc);                                                   // 10
  net.infer_shapes();
  return net;
}

// Strided conv, max-pool with overlapping windows, global average pool.
Network small_pooling_net() {
  Network net;
  net.input = Shape{2, 9, 9};
  net.classes = 3;
  net.nodes.push_back(node_of("input", OpKind::input, {}));
  Node c1 = node_of("conv1", OpKind::conv2d, {0});
  c1.out_channels = 4; c1.kernel = 3; c1.padding = 1; c1.stride = 2;
  net.nodes.push_back(c1);                                                   // 1: 4 x 5 x 5
  Node mp = node_of("pool", OpKind::maxpool, {1});
  mp.kernel = 3; mp.stride = 2; mp.padding = 1;
  net.nodes.push_back(mp);                                                   // 2: 4 x 3 x 3
  Node c2 = node_of("conv2", OpKind::conv2d, {2});
  c2.out_channels = 5; c2.kernel = 1; c2.stride = 2; c2.has_bias = true;
  net.nodes.push_back(c2);                                                   // 3: 5 x 2 x 2
  Node c3 = node_of("conv3", OpKind::conv2d, {2});
  c3.out_channels = 5; c3.kernel = 3; c3.stride = 2; c3.padding = 1;
  net.nodes.push_back(c3);                                                   // 4: 5 x 2 x 2 (strided, padded, needs backward-data)
  net.nodes.push_back(node_of("sum", OpKind::add, {3, 4}));                     // 5
  net.nodes.push_back(node_of("gap", OpKind::global_avgpool, {5}));             // 6
  Node fc = node_of("fc", OpKind::linear, {6});
  fc.out_features = 3;
  net.nodes.push_back(fc);                                                   // 7
  net.infer_shapes();
  return net;
}

FTensor inputs(std::int64_t n, const Shape& s) {
  FTensor x(Shape{n, s[0], s[1], s[2]});
  for (std::size_t i = 0; i < x.size(); ++i) x.data[i] = static_cast<float>(rand32(5, 6, static_cast<std::uint32_t>(i)) >> 8) * 0x1p-23f - 1.0f;
  return x;
}

void expect_gradients_match(Network net) {
  const Scheme scheme = *find_preset("fp32-fixup");
  Model model(std::move(net), scheme, 3);
  // Scalars start at 0/1 and conv2 would start at zero under Fixup; give every parameter a generic value.
  for (auto& p : model.parameters())
    for (std::size_t i = 0; i < p.value.size(); ++i)
      p.value.data[i] = static_cast<float>(static_cast<int>(rand32(9, static_cast<std::uint32_t>(p.node), static_cast<std::uint32_t>(i)) % 2001) - 1000) * 0.0005f + (p.role == ParamRole::scalar_scale ? 1.0f : 0.0f);
  const FTensor x = inputs(4, model.network().input);
  const std::vector<int> labels{0, 2, 1, 2};
  const std::vector<Parameter> saved = model.parameters();

  GradientCapture cap;
  StepHyper hyper;
  hyper.lr = 0.0;  // gradients only
  model.train_step(x, labels, hyper, &cap);
  ASSERT_EQ(cap.grads.size(), model.parameters().size());

  auto loss_at = [&](std::size_t k, std::size_t i, float delta) {
    model.parameters() = saved;
    model.parameters()[k].value.data[i] += delta;
    return model.evaluate(x, labels).loss;
  };
  for (std::size_t k = 0; k < saved.size(); ++k) {
    const FTensor& g = cap.grads.at(saved[k].name);
    for (std::size_t i = 0; i < g.size(); i += std::max<std::size_t>(1, g.size() / 7)) {
      const float h = 1e-3f;  // small enough not to cross ReLU kinks, large against float loss noise
      const double fd = (loss_at(k, i, h) - loss_at(k, i, -h)) / (2.0 * h);
      EXPECT_NEAR(g.data[i], fd, 2e-3 + 2e-2 * std::fabs(fd)) << saved[k].name << "[" << i << "]";
    }
  }
}

TEST(ModelGradient, FloatFixupNetworkMatchesFiniteDifferences) { expect_gradients_match(small_fixup_net()); }
TEST(ModelGradient, FloatPoolingNetworkMatchesFiniteDifferences) { expect_gradients_match(small_pooling_net()); }

}  // namespace
}  // namespace qtsim::ref
