#pragma once
// Building networks node by node in reference tests.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "models/ref/graph.hpp"

namespace qtsim::ref::test {

// A node of type `op` named `name` reading `inputs` (earlier nodes' indices).
inline Node node_of(const std::string& name, OpKind op, std::vector<int> inputs) {
  Node n;
  n.name = name;
  n.op = op;
  n.inputs = std::move(inputs);
  return n;
}

// A stride-1 conv node of `out_channels` square filters, zero padding `padding`.
inline Node conv_of(const std::string& name, int input, std::int64_t out_channels, std::int64_t kernel, std::int64_t padding) {
  Node n = node_of(name, OpKind::conv2d, {input});
  n.out_channels = out_channels;
  n.kernel = kernel;
  n.padding = padding;
  return n;
}

}  // namespace qtsim::ref::test
