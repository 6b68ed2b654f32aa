#include "graph.hpp"

#include <fmt/format.h>

namespace qtsim::ref {

std::string to_string(OpKind op) {
  switch (op) {
    case OpKind::input: return "input";
    case OpKind::conv2d: return "conv";
    case OpKind::linear: return "linear";
    case OpKind::relu: return "relu";
    case OpKind::maxpool: return "maxpool";
    case OpKind::avgpool: return "avgpool";
    case OpKind::global_avgpool: return "global_avgpool";
    case OpKind::add: return "add";
    case OpKind::flatten: return "flatten";
    case OpKind::batchnorm: return "batchnorm";
    case OpKind::bias: return "bias";
    case OpKind::scale: return "scale";
  }
  return "?";
}

namespace {

std::int64_t pooled(std::int64_t in, std::int64_t k, std::int64_t stride, std::int64_t pad) {
  return (in + 2 * pad - k) / stride + 1;
}

}  // namespace

void Network::infer_shapes() {
  if (nodes.empty() || nodes[0].op != OpKind::input) throw ShapeError(0, "", "network has no input node");
  nodes[0].out_shape = input;
  for (std::size_t i = 1; i < nodes.size(); ++i) {
    Node& n = nodes[i];
    auto fail = [&](const std::string& msg) {
      throw ShapeError(static_cast<int>(i), n.origin, fmt::format("layer '{}' ({}): {}", n.name, to_string(n.op), msg));
    };
    const std::size_t want_inputs = n.op == OpKind::add ? 2 : 1;
    if (n.inputs.size() != want_inputs) fail(fmt::format("expects {} input(s), has {}", want_inputs, n.inputs.size()));
    for (int in : n.inputs)
      if (in < 0 || static_cast<std::size_t>(in) >= i) fail("input is not an earlier layer");
    const Shape& x = nodes[static_cast<std::size_t>(n.inputs[0])].out_shape;
    const bool spatial = x.rank() == 3;
    switch (n.op) {
      case OpKind::input: fail("a second input layer"); break;
      case OpKind::conv2d: {
        if (!spatial) fail(fmt::format("needs a C x H x W input, got {}", x.str()));
        if (n.out_channels < 1 || n.kernel < 1 || n.stride < 1 || n.padding < 0) fail("channels, kernel and stride must be >= 1, padding >= 0");
        if (x[1] + 2 * n.padding < n.kernel || x[2] + 2 * n.padding < n.kernel)
          fail(fmt::format("kernel {} does not fit the padded input {} (padding {})", n.kernel, x.str(), n.padding));
        n.out_shape = Shape{n.out_channels, pooled(x[1], n.kernel, n.stride, n.padding), pooled(x[2], n.kernel, n.stride, n.padding)};
        break;
      }
      case OpKind::maxpool:
      case OpKind::avgpool: {
        if (!spatial) fail(fmt::format("needs a C x H x W input, got {}", x.str()));
        if (n.kernel < 1 || n.stride < 1 || n.padding < 0) fail("kernel and stride must be >= 1, padding >= 0");
        if (2 * n.padding > n.kernel) fail("padding may be at most half the kernel");
        if (x[1] + 2 * n.padding < n.kernel || x[2] + 2 * n.padding < n.kernel)
          fail(fmt::format("kernel {} does not fit the padded input {}", n.kernel, x.str()));
        n.out_shape = Shape{x[0], pooled(x[1], n.kernel, n.stride, n.padding), pooled(x[2], n.kernel, n.stride, n.padding)};
        break;
      }
      case OpKind::global_avgpool:
        if (!spatial) fail(fmt::format("needs a C x H x W input, got {}", x.str()));
        n.out_shape = Shape{x[0], 1, 1};
        break;
      case OpKind::linear: {
        if (n.out_features < 1) fail("out_features must be >= 1");
        n.out_shape = Shape{n.out_features, 1, 1};
        if (x.rank() == 3 && (x[1] != 1 || x[2] != 1))
          fail(fmt::format("input {} is not flat: add a flatten or global_avgpool layer before it", x.str()));
        break;
      }
      case OpKind::flatten: n.out_shape = Shape{x.numel(), 1, 1}; break;
      case OpKind::add: {
        const Shape& y = nodes[static_cast<std::size_t>(n.inputs[1])].out_shape;
        if (!(x == y))
          fail(fmt::format("adds '{}' {} and '{}' {}: shapes differ", nodes[static_cast<std::size_t>(n.inputs[0])].name, x.str(),
                           nodes[static_cast<std::size_t>(n.inputs[1])].name, y.str()));
        n.out_shape = x;
        break;
      }
      case OpKind::batchnorm:
        if (!spatial) fail(fmt::format("needs a C x H x W input, got {}", x.str()));
        n.out_shape = x;
        break;
      case OpKind::relu:
      case OpKind::bias:
      case OpKind::scale: n.out_shape = x; break;
    }
    for (auto d : n.out_shape.dims)
      if (d < 1) fail(fmt::format("output shape {} has an empty dimension", n.out_shape.str()));
  }
  const Shape& out = nodes.back().out_shape;
  if (out.numel() != classes)
    throw ShapeError(output(), nodes.back().origin,
                     fmt::format("the last layer '{}' outputs {} values per sample but the workload has {} classes", nodes.back().name,
                                 out.numel(), classes));
}

int Network::find(const std::string& name) const {
  for (std::size_t i = 0; i < nodes.size(); ++i)
    if (nodes[i].name == name) return static_cast<int>(i);
  return -1;
}

std::vector<int> Network::consumer_counts() const {
  std::vector<int> counts(nodes.size(), 0);
  for (const auto& n : nodes)
    for (int in : n.inputs) ++counts[static_cast<std::size_t>(in)];
  if (!nodes.empty()) ++counts.back();
  return counts;
}

}  // namespace qtsim::ref
