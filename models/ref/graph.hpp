#pragma once
// The network as a graph of primitive layers (macro blocks such as residual
// blocks are expanded by the workload loader). Nodes are stored in topological
// order; node 0 is the input. Shapes are per sample (C, H, W).
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "shape.hpp"

namespace qtsim::ref {

enum class OpKind {
  input,
  conv2d,
  linear,
  relu,
  maxpool,
  avgpool,
  global_avgpool,
  add,
  flatten,
  batchnorm,
  bias,   // Fixup scalar bias: y = x + b
  scale,  // Fixup scalar multiplier: y = x * m
};

std::string to_string(OpKind op);

// How a parameter tensor starts (docs/WORKLOADS.md, "Initialisation").
enum class InitKind {
  zeros,
  ones,
  he_normal_fan_out,   // N(0, gain * sqrt(2 / (K*R*S)))  (torchvision ResNet convs, Fixup)
  he_normal_fan_in,    // N(0, gain * sqrt(2 / fan_in))
  uniform_fan_in,      // U(-gain/sqrt(fan_in), gain/sqrt(fan_in))  (PyTorch Linear default)
};

struct InitSpec {
  InitKind kind = InitKind::he_normal_fan_out;
  double gain = 1.0;  // Fixup scales branch layers by L^(-1/(2m-2))
};

struct Node {
  std::string name;
  OpKind op = OpKind::input;
  std::vector<int> inputs;  // indices of earlier nodes
  std::string origin;       // JSON pointer of the layer that produced this node, for messages

  // conv2d / pools
  std::int64_t out_channels = 0;  // conv2d
  std::int64_t kernel = 1;        // square kernels
  std::int64_t stride = 1;
  std::int64_t padding = 0;
  // conv2d: input channels and filters in `groups` equal groups, filter group g
  // reading only channel group g (groups = channels: depthwise)
  std::int64_t groups = 1;
  // linear
  std::int64_t out_features = 0;
  bool has_bias = false;  // conv2d / linear per-output bias
  // batchnorm (fp32 path)
  double bn_eps = 1e-5;
  double bn_momentum = 0.1;

  InitSpec weight_init;                                 // conv2d / linear weight
  InitSpec bias_init{InitKind::zeros, 1.0};             // per-output bias, bias, beta
  InitSpec scale_init{InitKind::ones, 1.0};             // scale, gamma

  Shape out_shape;  // per sample, filled by infer_shapes
};

// An inconsistency found by shape inference, naming the node.
struct ShapeError : std::runtime_error {
  int node;
  std::string origin;
  ShapeError(int n, std::string o, const std::string& msg) : std::runtime_error(msg), node(n), origin(std::move(o)) {}
};

struct Network {
  Shape input;  // C, H, W
  int classes = 0;
  std::vector<Node> nodes;  // nodes[0] is the input

  // Fills every node's out_shape; throws ShapeError on the first inconsistency.
  void infer_shapes();
  // Index of the node named `name`, or -1.
  int find(const std::string& name) const;
  // Number of nodes reading node i (the classifier output counts the loss).
  std::vector<int> consumer_counts() const;
  int output() const { return static_cast<int>(nodes.size()) - 1; }
};

}  // namespace qtsim::ref
