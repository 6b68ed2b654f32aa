#include "graph.hpp"

#include <algorithm>
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
    if (n.inputs.size() != want_inputs) fail(fmt::format("expected {} input(s), found {}", want_inputs, n.inputs.size()));
    for (int in : n.inputs)
      if (in < 0 || static_cast<std::size_t>(in) >= i) fail("expected an earlier layer as input, found a later one");
    const Shape& x = nodes[static_cast<std::size_t>(n.inputs[0])].out_shape;
    const bool spatial = x.rank() == 3;
    switch (n.op) {
      case OpKind::input: fail("expected one input layer, found a second"); break;
      case OpKind::conv2d: {
        if (!spatial) fail(fmt::format("expected a C x H x W input, found {}", x.str()));
        if (n.out_channels < 1 || n.kernel < 1 || n.stride < 1 || n.padding < 0)
          fail(fmt::format("expected channels, kernel and stride >= 1 and padding >= 0, found {}, {}, {} and {}", n.out_channels,
                           n.kernel, n.stride, n.padding));
        if (n.groups < 1 || x[0] % n.groups != 0 || n.out_channels % n.groups != 0)
          fail(fmt::format("expected groups dividing the input channels ({}) and the output channels ({}), found groups {}",
                           x[0], n.out_channels, n.groups));
        if (x[1] + 2 * n.padding < n.kernel || x[2] + 2 * n.padding < n.kernel)
          fail(fmt::format("expected a kernel of at most {} (the input {} with padding {}), found kernel {}",
                           std::min(x[1], x[2]) + 2 * n.padding, x.str(), n.padding, n.kernel));
        n.out_shape = Shape{n.out_channels, pooled(x[1], n.kernel, n.stride, n.padding), pooled(x[2], n.kernel, n.stride, n.padding)};
        break;
      }
      case OpKind::maxpool:
      case OpKind::avgpool: {
        if (!spatial) fail(fmt::format("expected a C x H x W input, found {}", x.str()));
        if (n.kernel < 1 || n.stride < 1 || n.padding < 0)
          fail(fmt::format("expected kernel and stride >= 1 and padding >= 0, found {}, {} and {}", n.kernel, n.stride, n.padding));
        if (2 * n.padding > n.kernel)
          fail(fmt::format("expected padding at most half the kernel ({}), found padding {}", n.kernel / 2, n.padding));
        if (x[1] + 2 * n.padding < n.kernel || x[2] + 2 * n.padding < n.kernel)
          fail(fmt::format("expected a kernel of at most {} (the input {} with padding {}), found kernel {}",
                           std::min(x[1], x[2]) + 2 * n.padding, x.str(), n.padding, n.kernel));
        n.out_shape = Shape{x[0], pooled(x[1], n.kernel, n.stride, n.padding), pooled(x[2], n.kernel, n.stride, n.padding)};
        break;
      }
      case OpKind::global_avgpool:
        if (!spatial) fail(fmt::format("expected a C x H x W input, found {}", x.str()));
        n.out_shape = Shape{x[0], 1, 1};
        break;
      case OpKind::linear: {
        if (n.out_features < 1) fail(fmt::format("expected out_features >= 1, found {}", n.out_features));
        n.out_shape = Shape{n.out_features, 1, 1};
        if (x.rank() == 3 && (x[1] != 1 || x[2] != 1))
          fail(fmt::format("expected a flat input (add a flatten or global_avgpool layer before it), found {}", x.str()));
        break;
      }
      case OpKind::flatten: n.out_shape = Shape{x.numel(), 1, 1}; break;
      case OpKind::add: {
        const Shape& y = nodes[static_cast<std::size_t>(n.inputs[1])].out_shape;
        if (!(x == y))
          fail(fmt::format("expected two inputs of the same shape, found '{}' {} and '{}' {}",
                           nodes[static_cast<std::size_t>(n.inputs[0])].name, x.str(),
                           nodes[static_cast<std::size_t>(n.inputs[1])].name, y.str()));
        n.out_shape = x;
        break;
      }
      case OpKind::batchnorm:
        if (!spatial) fail(fmt::format("expected a C x H x W input, found {}", x.str()));
        n.out_shape = x;
        break;
      case OpKind::relu:
      case OpKind::bias:
      case OpKind::scale: n.out_shape = x; break;
    }
    for (auto d : n.out_shape.dims)
      if (d < 1) fail(fmt::format("expected an output with no empty dimension, found {}", n.out_shape.str()));
  }
  const Shape& out = nodes.back().out_shape;
  if (out.numel() != classes)
    throw ShapeError(output(), nodes.back().origin,
                     fmt::format("expected the last layer to output one value per class ({}), found {} from layer '{}'", classes,
                                 out.numel(), nodes.back().name));
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
