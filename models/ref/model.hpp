#pragma once
// The training reference: runs one training step of a network under a scheme
// (forward, loss, backward, update) and evaluation batches, exactly as
// docs/NUMERICS.md prescribes. Every tensor of a step can be reported to a
// TensorSink (dumps, validation of the hardware model).
#include <cstdint>
#include <optional>
#include <vector>

#include "graph.hpp"
#include "init.hpp"
#include "ops/batchnorm.hpp"
#include "parameter.hpp"
#include "random_bits.hpp"
#include "scheme.hpp"
#include "step_stats.hpp"
#include "tensor_sink.hpp"

namespace qtsim::ref {

struct StepHyper {
  std::uint32_t step = 0;      // global step counter: selects the random streams
  double lr = 0.1;
  double momentum = 0.0;       // float parameters
  double weight_decay = 0.0;   // conv/linear weights (integer: lambda_int, NUMERICS.md §7)
  double epoch = 0.0;          // fractional epoch, for the gradient-constant schedule
  double scalar_lr_factor = 1.0;  // lr factor of Fixup scalar biases and multipliers
};

struct FloatBatchNormState {
  FTensor running_mean, running_var;
};

// Thrown by Model::train_step and Model::evaluate when the stop check says to
// stop (between two nodes of a pass): the step did not happen, and the model's
// parameters and batchnorm running statistics are as they were before it.
struct StepAbandoned {};

class Model {
 public:
  // Throws std::invalid_argument if the scheme cannot run the network.
  Model(Network net, Scheme scheme, std::uint32_t seed, InitialValues values = InitialValues::drawn);

  StepStats train_step(const FTensor& images, const std::vector<int>& labels, const StepHyper& hyper,
                       TensorSink* sink = nullptr);
  // Forward pass in evaluation mode (batchnorm uses running statistics).
  StepStats evaluate(const FTensor& images, const std::vector<int>& labels);
  // Asked between the nodes of every pass (and before the update); true
  // abandons the step or evaluation (StepAbandoned), so that a caller can stop
  // within one layer's time. Null (the default): never.
  void set_stop_check(bool (*stop)()) { stop_ = stop; }

  const Network& network() const { return net_; }
  const Scheme& scheme() const { return scheme_; }
  std::vector<Parameter>& parameters() { return params_; }
  const std::vector<Parameter>& parameters() const { return params_; }
  bool node_is_float(int node) const { return float_nodes_[static_cast<std::size_t>(node)]; }
  std::vector<FloatBatchNormState>& float_bn_state() { return float_bn_; }
  std::vector<IntBatchNormRunning>& int_bn_state() { return int_bn_; }
  // First parameter index of a node, or -1.
  int first_parameter(int node) const { return first_param_[static_cast<std::size_t>(node)]; }

 private:
  struct Value {
    std::optional<FTensor> f;
    std::optional<QTensor> q;
  };
  struct Pass;  // the state of one forward/backward pass (model.cpp)

  void forward_loss_backward(Pass& pass, const std::vector<int>& labels);
  void forward(Pass& pass);
  void forward_node(Pass& pass, int j);
  void forward_float(Pass& pass, int j);
  void forward_int(Pass& pass, int j);
  void backward(Pass& pass) const;
  void backward_float(Pass& pass, int j, const FTensor& dy) const;
  void backward_int(Pass& pass, int j, const QTensor& dy) const;
  void update(Pass& pass, const StepHyper& hyper);
  void throw_if_stopped() const {
    if (stop_ && stop_()) throw StepAbandoned{};
  }
  // A node's forward output in the domain a consumer needs (converted once, cached).
  const QTensor& int_output(Pass& pass, int node) const;
  const FTensor& float_output(Pass& pass, int node) const;
  // Quantizes a wide result with a path's quantizer, counting into the pass statistics.
  QTensor quantize_path(Pass& pass, const WideTensor& v, const QuantizerSpec& spec, const char* path,
                        std::uint32_t tensor_id, RandomPurpose purpose) const;
  // The error at a node's output: its consumers' contributions, summed in its domain.
  Value output_error(Pass& pass, int node) const;
  const Parameter& param(int node, int k = 0) const { return params_[static_cast<std::size_t>(first_param_[static_cast<std::size_t>(node)] + k)]; }

  Network net_;
  Scheme scheme_;
  std::uint32_t seed_;
  std::vector<bool> float_nodes_;
  std::vector<bool> upstream_trainable_;
  std::vector<int> first_param_;
  std::vector<Parameter> params_;
  std::vector<FloatBatchNormState> float_bn_;  // per node (empty for non-BN nodes)
  std::vector<IntBatchNormRunning> int_bn_;    // per node
  bool (*stop_)() = nullptr;
};

}  // namespace qtsim::ref
