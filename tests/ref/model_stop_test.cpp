// A stop check (Model::set_stop_check) abandons a training step or an
// evaluation between two nodes: StepAbandoned is thrown, and the model is left
// exactly as before the step (parameters, optimizer state and the batchnorm
// running statistics, which the forward pass moves), so a run that stops there
// keeps a consistent checkpoint, and the same step run again gives the same
// result as if it had never been started.
#include <gtest/gtest.h>

#include "models/ref/model.hpp"
#include "network_test_util.hpp"

namespace qtsim::ref {
namespace {

using test::node_of;

// conv -> batchnorm -> relu -> global average pool -> linear, on 2 x 5 x 5 inputs of 3 classes.
Network conv_bn_net() {
  Network net;
  net.input = Shape{2, 5, 5};
  net.classes = 3;
  net.nodes = {node_of("input", OpKind::input, {}), test::conv_of("conv", 0, 4, 3, 1)};
  net.nodes.push_back(node_of("conv.bn", OpKind::batchnorm, {1}));
  net.nodes.push_back(node_of("relu", OpKind::relu, {2}));
  net.nodes.push_back(node_of("pool", OpKind::global_avgpool, {3}));
  net.nodes.push_back(node_of("flat", OpKind::flatten, {4}));
  Node fc = node_of("fc", OpKind::linear, {5});
  fc.out_features = 3;
  fc.has_bias = true;
  net.nodes.push_back(fc);
  net.infer_shapes();
  return net;
}

// The stop check: true from its `stop_at`-th call on (counted from 1).
int g_calls = 0, g_stop_at = 0;
bool stop_at_call() { return ++g_calls >= g_stop_at; }

struct Batch {
  FTensor images{Shape{6, 2, 5, 5}};
  std::vector<int> labels{0, 1, 2, 2, 1, 0};
  Batch() {
    for (std::size_t i = 0; i < images.size(); ++i) images.data[i] = static_cast<float>((i * 29) % 13) * 0.25f - 1.5f;
  }
};

StepHyper hyper_of(std::uint32_t step) {
  StepHyper h;
  h.step = step;
  h.lr = 0.05;
  h.momentum = 0.9;
  return h;
}

// Everything a step can change.
void expect_same_state(Model& a, Model& b) {
  ASSERT_EQ(a.parameters().size(), b.parameters().size());
  for (std::size_t k = 0; k < a.parameters().size(); ++k) {
    const Parameter &p = a.parameters()[k], &q = b.parameters()[k];
    SCOPED_TRACE(p.name);
    EXPECT_EQ(p.value.data, q.value.data);
    EXPECT_EQ(p.velocity.data, q.velocity.data);
    EXPECT_EQ(p.w.q, q.w.q);
    EXPECT_EQ(p.master.q, q.master.q);
    EXPECT_EQ(p.velocity_q.q, q.velocity_q.q);
    EXPECT_EQ(p.velocity_q.exp, q.velocity_q.exp);
  }
  for (std::size_t j = 0; j < a.float_bn_state().size(); ++j) {
    EXPECT_EQ(a.float_bn_state()[j].running_mean.data, b.float_bn_state()[j].running_mean.data) << j;
    EXPECT_EQ(a.float_bn_state()[j].running_var.data, b.float_bn_state()[j].running_var.data) << j;
    EXPECT_EQ(a.int_bn_state()[j].mean, b.int_bn_state()[j].mean) << j;
    EXPECT_EQ(a.int_bn_state()[j].var, b.int_bn_state()[j].var) << j;
    EXPECT_EQ(a.int_bn_state()[j].initialised, b.int_bn_state()[j].initialised) << j;
  }
}

class StopCheck : public ::testing::TestWithParam<const char*> {};

TEST_P(StopCheck, AbandonedStepLeavesTheModelAsBefore) {
  const Scheme scheme = *find_preset(GetParam());
  const Batch batch;
  // The calls of one whole step: a check before each node of the forward
  // pass, each trainable node of the backward pass, and the update.
  Model counting(conv_bn_net(), scheme, 11);
  g_calls = 0;
  g_stop_at = 1 << 30;
  counting.set_stop_check(&stop_at_call);
  counting.train_step(batch.images, batch.labels, hyper_of(0));
  const int checks = g_calls;
  ASSERT_GE(checks, 10);

  Model uninterrupted(conv_bn_net(), scheme, 11);
  uninterrupted.train_step(batch.images, batch.labels, hyper_of(0));
  const StepStats second = uninterrupted.train_step(batch.images, batch.labels, hyper_of(1));

  // Stopping at the first check, right after the batchnorm's forward pass
  // (which moved its running statistics), in the backward pass, and at the last.
  for (int stop_at : {1, 4, checks - 3, checks}) {
    SCOPED_TRACE("stopped at check " + std::to_string(stop_at) + " of " + std::to_string(checks));
    Model m(conv_bn_net(), scheme, 11);
    Model after_first(conv_bn_net(), scheme, 11);
    m.train_step(batch.images, batch.labels, hyper_of(0));
    after_first.train_step(batch.images, batch.labels, hyper_of(0));
    g_calls = 0;
    g_stop_at = stop_at;
    m.set_stop_check(&stop_at_call);
    EXPECT_THROW(m.train_step(batch.images, batch.labels, hyper_of(1)), StepAbandoned);
    EXPECT_EQ(g_calls, stop_at);
    expect_same_state(m, after_first);
    m.set_stop_check(nullptr);
    const StepStats again = m.train_step(batch.images, batch.labels, hyper_of(1));
    EXPECT_EQ(again.loss, second.loss);
    expect_same_state(m, uninterrupted);
  }
}

TEST_P(StopCheck, AbandonedEvaluationChangesNothing) {
  const Scheme scheme = *find_preset(GetParam());
  const Batch batch;
  Model m(conv_bn_net(), scheme, 11), same(conv_bn_net(), scheme, 11);
  m.train_step(batch.images, batch.labels, hyper_of(0));
  same.train_step(batch.images, batch.labels, hyper_of(0));
  g_calls = 0;
  g_stop_at = 3;
  m.set_stop_check(&stop_at_call);
  EXPECT_THROW(m.evaluate(batch.images, batch.labels), StepAbandoned);
  m.set_stop_check(nullptr);
  EXPECT_EQ(m.evaluate(batch.images, batch.labels).loss, same.evaluate(batch.images, batch.labels).loss);
  expect_same_state(m, same);
}

INSTANTIATE_TEST_SUITE_P(Schemes, StopCheck, ::testing::Values("fp32-bn", "int8-wageubn", "int8-dfp"),
                         [](const ::testing::TestParamInfo<const char*>& i) {
                           std::string n = i.param;
                           for (char& c : n)
                             if (c == '-') c = '_';
                           return n;
                         });

}  // namespace
}  // namespace qtsim::ref
