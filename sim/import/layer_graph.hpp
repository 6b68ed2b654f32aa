#pragma once
// The imported network as workload layers before it is written: each layer
// names its inputs (earlier layers, or the network input), so that the
// normalization variants can remove and insert layers and rewire the rest.
#include <cstdint>
#include <string>
#include <vector>

#include "models/ref/graph.hpp"

namespace qtsim::import {

// What a layer reads when it reads the network's input.
inline const std::string kNetworkInput = "input";

struct Layer {
  ref::OpKind op = ref::OpKind::relu;
  std::string name;
  std::vector<std::string> inputs;  // layer names, or kNetworkInput
  std::string onnx_node;            // where it came from ("node 3 '/conv1/Conv'"), "" if added by a variant
  std::string onnx_output;          // the ONNX tensor it computes, whose shape it must have ("" if none)

  std::int64_t out_channels = 0, out_features = 0;  // conv, linear
  std::int64_t kernel = 1, stride = 1, padding = 0, groups = 1;
  bool bias = false;                // conv, linear
  double bn_eps = 1e-5, bn_momentum = 0.1;  // batchnorm, PyTorch's convention for the momentum
  std::string init;                 // conv, linear: "" for the workload's default, else an init name
  double init_gain = 1.0;
};

class LayerGraph {
 public:
  const std::vector<Layer>& layers() const { return layers_; }
  Layer& at(int i) { return layers_[static_cast<std::size_t>(i)]; }
  const Layer& at(int i) const { return layers_[static_cast<std::size_t>(i)]; }
  int size() const { return static_cast<int>(layers_.size()); }
  // Index of the layer named `name`, or -1.
  int find(const std::string& name) const;
  // Indices of the layers reading `name`, in order.
  std::vector<int> consumers(const std::string& name) const;
  // How many layers read `name`; the last layer counts the loss as one more.
  int consumer_count(const std::string& name) const;

  void append(Layer l) { layers_.push_back(std::move(l)); }
  // Removes single-input layer i; its consumers read its input instead.
  void bypass(int i);
  // Inserts `l` reading layer i's output; every consumer of layer i reads `l` instead.
  int insert_after(int i, Layer l);
  // Inserts `l` between layer i and its first input; only layer i reads `l`.
  int insert_before(int i, Layer l);
  // Makes layer `consumer` read `to` where it read `from`.
  void rewire(int consumer, const std::string& from, const std::string& to);

 private:
  std::vector<Layer> layers_;  // in execution order: inputs before their consumers
};

}  // namespace qtsim::import
