#include "network_builder.hpp"

#include <cmath>
#include <fmt/format.h>
#include <map>

#include "sim/input/did_you_mean.hpp"

namespace qtsim::workload {

using nlohmann::json;
using ref::InitKind;
using ref::InitSpec;
using ref::Node;
using ref::OpKind;

namespace {

InitKind init_kind_of(const std::string& s) {
  if (s == "zeros") return InitKind::zeros;
  if (s == "ones") return InitKind::ones;
  if (s == "he_normal_fan_in") return InitKind::he_normal_fan_in;
  if (s == "uniform_fan_in") return InitKind::uniform_fan_in;
  return InitKind::he_normal_fan_out;
}

class Builder {
 public:
  Builder(const json& network, input::DiagnosticList& diags) : layers_(network.at("layers")), diags_(diags) {
    const std::string n = network.at("normalization");
    norm_ = n;
    for (const auto& l : layers_) {
      const std::string t = l.at("type");
      if (t == "residual_basic" || t == "residual_bottleneck") ++residual_branches_;
    }
  }

  ref::Network build(const ref::Shape& input, int classes) {
    net_.input = input;
    net_.classes = classes;
    Node in;
    in.name = "input";
    in.op = OpKind::input;
    net_.nodes.push_back(in);
    layer_output_["input"] = 0;
    for (std::size_t i = 0; i < layers_.size(); ++i) {
      pointer_ = fmt::format("/network/layers/{}", i);
      const json& l = layers_[i];
      const std::string type = l.at("type");
      const std::string name = l.contains("name") ? l.at("name").get<std::string>() : fmt::format("{}_{}", type, i);
      if (layer_output_.count(name) || node_names_.count(name)) {
        diags_.add(pointer_ + (l.contains("name") ? "/name" : ""), "a layer name not used before", fmt::format("\"{}\"", name));
        continue;
      }
      const int from = resolve_input(l);
      if (from < 0) continue;
      const bool last = i + 1 == layers_.size();
      const int out = expand(l, type, name, from, last);
      if (out >= 0) layer_output_[name] = out;
    }
    return std::move(net_);
  }

 private:
  int resolve_input(const json& l) {
    if (l.at("type") == "add") return static_cast<int>(net_.nodes.size()) - 1;  // add names its inputs itself
    if (!l.contains("input")) return static_cast<int>(net_.nodes.size()) - 1;
    return lookup(l.at("input").get<std::string>(), pointer_ + "/input");
  }

  int lookup(const std::string& ref_name, const std::string& at) {
    auto it = layer_output_.find(ref_name);
    if (it != layer_output_.end()) return it->second;
    auto nt = node_names_.find(ref_name);
    if (nt != node_names_.end()) return nt->second;
    std::vector<std::string> known;
    for (const auto& [k, v] : layer_output_) known.push_back(k);
    const std::string guess = input::did_you_mean(ref_name, known);
    bool later = false;
    for (const auto& l : layers_) later = later || (l.contains("name") && l.at("name") == ref_name);
    diags_.add(at, "the name of an earlier layer", fmt::format("\"{}\"{}", ref_name, later ? " (a later layer)" : ""),
               guess.empty() ? "" : fmt::format("did you mean '{}'?", guess));
    return -1;
  }

  int add_node(Node n, std::vector<int> inputs) {
    n.inputs = std::move(inputs);
    n.origin = pointer_;
    node_names_[n.name] = static_cast<int>(net_.nodes.size());
    net_.nodes.push_back(std::move(n));
    return static_cast<int>(net_.nodes.size()) - 1;
  }

  // Without batchnorm nothing rescales activations, so convs use He init over the
  // fan-in, which preserves the forward signal (a fan-out init shrinks it wherever
  // a conv widens: the stem, the downsampling convs). With batchnorm: torchvision's fan-out.
  InitKind default_conv_init() const { return norm_ == "batchnorm" ? InitKind::he_normal_fan_out : InitKind::he_normal_fan_in; }

  int conv(const std::string& name, int from, std::int64_t out, std::int64_t k, std::int64_t stride, std::int64_t pad,
           bool bias, InitSpec init, std::int64_t groups = 1) {
    Node n;
    n.name = name;
    n.op = OpKind::conv2d;
    n.out_channels = out;
    n.kernel = k;
    n.stride = stride;
    n.padding = pad;
    n.groups = groups;
    n.has_bias = bias;
    n.weight_init = init;
    return add_node(std::move(n), {from});
  }

  int simple(const std::string& name, OpKind op, int from) {
    Node n;
    n.name = name;
    n.op = op;
    return add_node(std::move(n), {from});
  }

  int batchnorm(const std::string& name, int from, double eps = 1e-5, double momentum = 0.1) {
    Node n;
    n.name = name;
    n.op = OpKind::batchnorm;
    n.bn_eps = eps;
    n.bn_momentum = momentum;
    return add_node(std::move(n), {from});
  }

  int add(const std::string& name, int a, int b) {
    Node n;
    n.name = name;
    n.op = OpKind::add;
    return add_node(std::move(n), {a, b});
  }

  // The normalization that follows a conv: BN, a Fixup scalar bias, or nothing.
  int normalize(const std::string& name, int from) {
    if (norm_ == "batchnorm") return batchnorm(name + ".bn", from);
    if (norm_ == "fixup") return simple(name + ".bias", OpKind::bias, from);
    return from;
  }

  std::int64_t channels_of(int node) const {
    // Before shape inference: walk back to the last node that sets channels.
    for (int i = node; i > 0;) {
      const Node& n = net_.nodes[static_cast<std::size_t>(i)];
      if (n.op == OpKind::conv2d) return n.out_channels;
      if (n.op == OpKind::linear) return n.out_features;
      i = n.inputs[0];
    }
    return net_.input[0];
  }

  int expand(const json& l, const std::string& type, const std::string& name, int from, bool last) {
    if (type == "conv") {
      InitSpec init{l.contains("init") ? init_kind_of(l.at("init")) : default_conv_init(), l.value("init_gain", 1.0)};
      const bool normalize_after = l.at("normalize").get<bool>();
      const int c = conv(name, from, l.at("out_channels"), l.at("kernel"), l.at("stride"), l.at("padding"),
                         l.at("bias").get<bool>(), init, l.value("groups", std::int64_t{1}));
      return normalize_after ? normalize(name, c) : c;
    }
    if (type == "linear") {
      Node n;
      n.name = name;
      n.op = OpKind::linear;
      n.out_features = l.at("out_features");
      n.has_bias = l.at("bias");
      n.weight_init = {l.contains("init") ? init_kind_of(l.at("init")) : InitKind::uniform_fan_in, l.value("init_gain", 1.0)};
      if (norm_ == "fixup" && last) {
        // Fixup: a scalar bias before the classifier, which starts at zero.
        from = simple(name + ".bias_in", OpKind::bias, from);
        if (!l.contains("init")) n.weight_init = {InitKind::zeros, 1.0};
      }
      return add_node(std::move(n), {from});
    }
    if (type == "relu") return simple(name, OpKind::relu, from);
    if (type == "flatten") return simple(name, OpKind::flatten, from);
    if (type == "global_avgpool") return simple(name, OpKind::global_avgpool, from);
    if (type == "bias") return simple(name, OpKind::bias, from);
    if (type == "scale") return simple(name, OpKind::scale, from);
    if (type == "maxpool" || type == "avgpool") {
      Node n;
      n.name = name;
      n.op = type == "maxpool" ? OpKind::maxpool : OpKind::avgpool;
      n.kernel = l.at("kernel");
      n.stride = l.contains("stride") ? l.at("stride").get<std::int64_t>() : n.kernel;
      n.padding = l.at("padding");
      return add_node(std::move(n), {from});
    }
    if (type == "batchnorm") {
      if (norm_ != "batchnorm")
        diags_.add(pointer_ + "/type", "no batchnorm layer in a network whose normalization is \"" + norm_ + "\"", "\"batchnorm\"");
      return batchnorm(name, from, l.at("eps"), l.at("momentum"));
    }
    if (type == "add") {
      const int a = lookup(l.at("inputs")[0], pointer_ + "/inputs/0");
      const int b = lookup(l.at("inputs")[1], pointer_ + "/inputs/1");
      if (a < 0 || b < 0) return -1;
      return add(name, a, b);
    }
    if (type == "residual_basic") return residual_basic(name, from, l.at("out_channels"), l.at("stride"));
    if (type == "residual_bottleneck")
      return residual_bottleneck(name, from, l.at("channels"), l.at("channels").get<std::int64_t>() * l.at("expansion").get<std::int64_t>(),
                                 l.at("stride"));
    diags_.add(pointer_ + "/type", "a known layer type", "\"" + type + "\"");
    return -1;
  }

  // Fixup: branch layers but the last scaled by L^(-1/(2m-2)); the last starts at zero.
  double fixup_gain(int layers_per_branch) const {
    return std::pow(static_cast<double>(residual_branches_), -1.0 / (2.0 * layers_per_branch - 2.0));
  }

  int shortcut(const std::string& name, int x, int x_biased, std::int64_t in_ch, std::int64_t out_ch, std::int64_t stride) {
    if (stride == 1 && in_ch == out_ch) return x;
    const InitSpec init{default_conv_init(), 1.0};
    if (norm_ == "fixup") return conv(name + ".downsample", x_biased, out_ch, 1, stride, 0, false, init);
    const int c = conv(name + ".downsample", x, out_ch, 1, stride, 0, false, init);
    return norm_ == "batchnorm" ? batchnorm(name + ".downsample.bn", c) : c;
  }

  int residual_basic(const std::string& name, int x, std::int64_t out, std::int64_t stride) {
    const std::int64_t in = channels_of(x);
    if (norm_ == "fixup") {
      const double g = fixup_gain(2);
      const int b1a = simple(name + ".bias1a", OpKind::bias, x);
      int h = conv(name + ".conv1", b1a, out, 3, stride, 1, false, {default_conv_init(), g});
      h = simple(name + ".bias1b", OpKind::bias, h);
      h = simple(name + ".relu1", OpKind::relu, h);
      h = simple(name + ".bias2a", OpKind::bias, h);
      h = conv(name + ".conv2", h, out, 3, 1, 1, false, {InitKind::zeros, 1.0});
      h = simple(name + ".scale", OpKind::scale, h);
      h = simple(name + ".bias2b", OpKind::bias, h);
      const int sc = shortcut(name, x, b1a, in, out, stride);
      return simple(name, OpKind::relu, add(name + ".add", h, sc));
    }
    const InitSpec init{default_conv_init(), 1.0};
    int h = conv(name + ".conv1", x, out, 3, stride, 1, norm_ == "none", init);
    h = normalize(name + ".conv1", h);
    h = simple(name + ".relu1", OpKind::relu, h);
    h = conv(name + ".conv2", h, out, 3, 1, 1, norm_ == "none", init);
    h = normalize(name + ".conv2", h);
    const int sc = shortcut(name, x, x, in, out, stride);
    return simple(name, OpKind::relu, add(name + ".add", h, sc));
  }

  int residual_bottleneck(const std::string& name, int x, std::int64_t width, std::int64_t out, std::int64_t stride) {
    const std::int64_t in = channels_of(x);
    if (norm_ == "fixup") {
      const double g = fixup_gain(3);
      const int b1a = simple(name + ".bias1a", OpKind::bias, x);
      int h = conv(name + ".conv1", b1a, width, 1, 1, 0, false, {default_conv_init(), g});
      h = simple(name + ".bias1b", OpKind::bias, h);
      h = simple(name + ".relu1", OpKind::relu, h);
      h = simple(name + ".bias2a", OpKind::bias, h);
      h = conv(name + ".conv2", h, width, 3, stride, 1, false, {default_conv_init(), g});
      h = simple(name + ".bias2b", OpKind::bias, h);
      h = simple(name + ".relu2", OpKind::relu, h);
      h = simple(name + ".bias3a", OpKind::bias, h);
      h = conv(name + ".conv3", h, out, 1, 1, 0, false, {InitKind::zeros, 1.0});
      h = simple(name + ".scale", OpKind::scale, h);
      h = simple(name + ".bias3b", OpKind::bias, h);
      const int sc = shortcut(name, x, b1a, in, out, stride);
      return simple(name, OpKind::relu, add(name + ".add", h, sc));
    }
    const InitSpec init{default_conv_init(), 1.0};
    int h = normalize(name + ".conv1", conv(name + ".conv1", x, width, 1, 1, 0, norm_ == "none", init));
    h = simple(name + ".relu1", OpKind::relu, h);
    h = normalize(name + ".conv2", conv(name + ".conv2", h, width, 3, stride, 1, norm_ == "none", init));
    h = simple(name + ".relu2", OpKind::relu, h);
    h = normalize(name + ".conv3", conv(name + ".conv3", h, out, 1, 1, 0, norm_ == "none", init));
    const int sc = shortcut(name, x, x, in, out, stride);
    return simple(name, OpKind::relu, add(name + ".add", h, sc));
  }

  const json& layers_;
  input::DiagnosticList& diags_;
  std::string norm_;
  int residual_branches_ = 0;
  std::string pointer_;
  ref::Network net_;
  std::map<std::string, int> layer_output_;  // layer name -> its last node
  std::map<std::string, int> node_names_;    // every node name -> node
};

}  // namespace

ref::Network build_network(const json& network, const ref::Shape& input, int classes, input::DiagnosticList& diags) {
  Builder b(network, diags);
  ref::Network net = b.build(input, classes);
  if (!diags.empty()) return net;
  // Every layer but the last must feed another: a dangling branch would never train.
  const auto consumers = net.consumer_counts();
  for (std::size_t i = 1; i + 1 < net.nodes.size(); ++i)
    if (consumers[i] == 0)
      diags.add(net.nodes[i].origin, "every layer's output to be used by a later layer",
                fmt::format("layer '{}' is never used", net.nodes[i].name));
  if (!diags.empty()) return net;
  try {
    net.infer_shapes();
  } catch (const ref::ShapeError& e) {
    diags.add(e.origin.empty() ? "/network" : e.origin, "", e.what());
  }
  return net;
}

}  // namespace qtsim::workload
