// A model built with InitialValues::shapes_only (timing simulations and memory
// estimates) has every parameter of a model with drawn values — names, shapes,
// widths, exponents, momentum buffers — and no elements.
#include <gtest/gtest.h>

#include "models/ref/model.hpp"
#include "network_test_util.hpp"

namespace qtsim::ref {
namespace {

// conv (with bias) -> relu -> global average pool -> linear (with bias).
Network small_net() {
  Network net;
  net.input = Shape{3, 6, 6};
  net.classes = 5;
  Node conv = test::conv_of("conv", 0, 8, 3, 1);
  conv.has_bias = true;
  net.nodes = {test::node_of("input", OpKind::input, {}), conv};
  net.nodes.push_back(test::node_of("relu", OpKind::relu, {1}));
  net.nodes.push_back(test::node_of("pool", OpKind::global_avgpool, {2}));
  net.nodes.push_back(test::node_of("flat", OpKind::flatten, {3}));
  Node fc = test::node_of("fc", OpKind::linear, {4});
  fc.out_features = 5;
  fc.has_bias = true;
  net.nodes.push_back(fc);
  net.infer_shapes();
  return net;
}

class ShapesOnly : public ::testing::TestWithParam<const char*> {};

TEST_P(ShapesOnly, SameParametersAsDrawnWithoutElements) {
  const std::optional<Scheme> scheme = find_preset(GetParam());
  ASSERT_TRUE(scheme);
  const Model drawn(small_net(), *scheme, 7, InitialValues::drawn);
  const Model shapes(small_net(), *scheme, 7, InitialValues::shapes_only);
  ASSERT_EQ(drawn.parameters().size(), shapes.parameters().size());
  ASSERT_EQ(drawn.parameters().size(), 4u);
  for (std::size_t k = 0; k < drawn.parameters().size(); ++k) {
    const Parameter &d = drawn.parameters()[k], &s = shapes.parameters()[k];
    SCOPED_TRACE(d.name);
    EXPECT_EQ(s.name, d.name);
    EXPECT_EQ(s.shape.str(), d.shape.str());
    EXPECT_EQ(s.is_float, d.is_float);
    EXPECT_EQ(s.has_velocity, d.has_velocity);
    if (d.is_float) {
      EXPECT_EQ(d.value.size(), static_cast<std::size_t>(d.shape.numel()));
      EXPECT_EQ(s.value.shape.str(), d.value.shape.str());
      EXPECT_EQ(s.value.size() + s.velocity.size(), 0u);
      continue;
    }
    for (const auto& [dq, sq] : {std::pair{&d.w, &s.w}, {&d.master, &s.master}, {&d.velocity_q, &s.velocity_q}}) {
      EXPECT_EQ(sq->shape.str(), dq->shape.str());
      EXPECT_EQ(sq->exp, dq->exp);
      EXPECT_EQ(sq->bits, dq->bits);
      EXPECT_EQ(sq->size(), 0u);
    }
    EXPECT_EQ(d.w.size(), static_cast<std::size_t>(d.shape.numel()));
  }
}

INSTANTIATE_TEST_SUITE_P(Schemes, ShapesOnly, ::testing::Values("int8-eoq", "int8-dfp", "fp32-fixup"));

}  // namespace
}  // namespace qtsim::ref
