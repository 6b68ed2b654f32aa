#include "init.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>

#include "quantizer.hpp"
#include "random_bits.hpp"

namespace qtsim::ref {

std::string to_string(ParamRole role) {
  switch (role) {
    case ParamRole::weight: return "weight";
    case ParamRole::bias: return "bias";
    case ParamRole::gamma: return "gamma";
    case ParamRole::beta: return "beta";
    case ParamRole::scalar_bias: return "bias";
    case ParamRole::scalar_scale: return "scale";
  }
  return "?";
}

namespace {

// Uniform in (0, 1] from a 32-bit word: (word >> 8 + 1) * 2^-24, exact in double.
double unit_uniform(std::uint32_t word) { return (static_cast<double>(word >> 8) + 1.0) * 0x1p-24; }

// Standard normal by Box-Muller on words 2i and 2i+1 of the stream.
double standard_normal(const RandomStream& rs, std::uint64_t i) {
  const double u1 = unit_uniform(rs.word(2 * i)), u2 = unit_uniform(rs.word(2 * i + 1));
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

std::int64_t fan_in_of(const Network& net, const Node& node) {
  const Shape& x = net.nodes[static_cast<std::size_t>(node.inputs.at(0))].out_shape;
  if (node.op == OpKind::conv2d) return x[0] / node.groups * node.kernel * node.kernel;  // a filter's inputs
  return x.numel();
}

std::int64_t fan_out_of(const Node& node) {
  if (node.op == OpKind::conv2d) return node.out_channels * node.kernel * node.kernel;
  return node.out_features;
}

FTensor initial_values(const Shape& shape, const InitSpec& spec, std::int64_t fan_in, std::int64_t fan_out,
                       const RandomStream& rs) {
  FTensor t(shape);
  switch (spec.kind) {
    case InitKind::zeros: break;
    case InitKind::ones:
      for (auto& v : t.data) v = static_cast<float>(spec.gain);
      break;
    case InitKind::he_normal_fan_out:
    case InitKind::he_normal_fan_in: {
      const double fan = static_cast<double>(spec.kind == InitKind::he_normal_fan_out ? fan_out : fan_in);
      const double sigma = spec.gain * std::sqrt(2.0 / fan);
      for (std::size_t i = 0; i < t.size(); ++i) t.data[i] = static_cast<float>(sigma * standard_normal(rs, i));
      break;
    }
    case InitKind::uniform_fan_in: {
      const double bound = spec.gain / std::sqrt(static_cast<double>(fan_in));
      for (std::size_t i = 0; i < t.size(); ++i) t.data[i] = static_cast<float>(bound * (2.0 * unit_uniform(rs.word(i)) - 1.0));
      break;
    }
  }
  return t;
}

// A tensor's shape (and width and exponent) without its elements.
template <typename T>
Tensor<T> shape_only(const Shape& shape) {
  Tensor<T> t;
  t.shape = shape;
  return t;
}
QTensor shape_only(const Shape& shape, int exponent, int bits) {
  QTensor t;
  t.shape = shape;
  t.exp = exponent;
  t.bits = bits;
  return t;
}

// Quantizes float initial values into W (direct, nearest) and the master copy.
void make_integer(Parameter& p, const FTensor& init, int bits, int storage_bits, int exponent) {
  const QuantizerSpec master_spec{QuantizerKind::direct, storage_bits, Rounding::nearest, exponent - (storage_bits - bits)};
  QuantStats st;
  p.master = quantize(init, master_spec, {}, &st);
  const QuantizerSpec w_spec{QuantizerKind::direct, bits, Rounding::nearest, exponent};
  p.w = quantize(to_wide(p.master), w_spec, {}, &st);
  p.is_float = false;
}

}  // namespace

double he_sigma(const Network& net, const Node& node) { return std::sqrt(2.0 / static_cast<double>(fan_in_of(net, node))); }

int weight_exponent(const Scheme& scheme, double sigma) {
  if (scheme.W.exponent) return *scheme.W.exponent;
  // ceil(log2(x)) exactly: x = f * 2^e with f in [0.5, 1) gives e - 1 when f == 0.5, else e.
  int e = 0;
  const double f = std::frexp(scheme.W.headroom_sigmas * sigma, &e);
  const int ceil_log2 = f == 0.5 ? e - 1 : e;
  return ceil_log2 - (scheme.W.bits - 1);
}

std::vector<Parameter> create_parameters(const Network& net, const Scheme& scheme, const std::vector<bool>& float_nodes,
                                         std::uint32_t seed, InitialValues initial) {
  std::vector<Parameter> params;
  auto add = [&](int node_index, ParamRole role, Shape shape, const InitSpec& init, int exponent) {
    const Node& node = net.nodes[static_cast<std::size_t>(node_index)];
    Parameter p;
    p.name = node.name + "." + to_string(role);
    p.node = node_index;
    p.role = role;
    p.shape = shape;
    p.weight_decay = role == ParamRole::weight;
    const auto index = static_cast<std::uint32_t>(params.size());
    const RandomStream rs{seed, stream_id(0, kParameterTensorBase + index, RandomPurpose::init)};
    const std::int64_t fan_in = (node.op == OpKind::conv2d || node.op == OpKind::linear) ? fan_in_of(net, node) : 1;
    const std::int64_t fan_out = (node.op == OpKind::conv2d || node.op == OpKind::linear) ? fan_out_of(node) : 1;
    const bool drawn = initial == InitialValues::drawn;
    if (float_nodes[static_cast<std::size_t>(node_index)]) {
      p.value = drawn ? initial_values(shape, init, fan_in, fan_out, rs) : shape_only<float>(shape);
      p.velocity = drawn ? FTensor(shape, 0.0f) : shape_only<float>(shape);
      p.is_float = true;
    } else {
      if (drawn) {
        make_integer(p, initial_values(shape, init, fan_in, fan_out, rs), scheme.W.bits, scheme.W.storage_bits, exponent);
      } else {
        p.master = shape_only(shape, exponent - (scheme.W.storage_bits - scheme.W.bits), scheme.W.storage_bits);
        p.w = shape_only(shape, exponent, scheme.W.bits);
        p.is_float = false;
      }
      p.has_velocity = scheme.optimizer.momentum.enabled;
      if (p.has_velocity)
        p.velocity_q = drawn ? QTensor(shape, 0, scheme.optimizer.momentum.buffer_bits)
                             : shape_only(shape, 0, scheme.optimizer.momentum.buffer_bits);
    }
    params.push_back(std::move(p));
  };

  for (std::size_t i = 0; i < net.nodes.size(); ++i) {
    const Node& n = net.nodes[i];
    const int ni = static_cast<int>(i);
    const Shape& in = i > 0 ? net.nodes[static_cast<std::size_t>(n.inputs.at(0))].out_shape : Shape{};
    switch (n.op) {
      case OpKind::conv2d:
        add(ni, ParamRole::weight, Shape{n.out_channels, in[0] / n.groups, n.kernel, n.kernel}, n.weight_init,
            weight_exponent(scheme, he_sigma(net, n)));
        if (n.has_bias) add(ni, ParamRole::bias, Shape{n.out_channels}, n.bias_init, scheme.W.bias_exponent);
        break;
      case OpKind::linear:
        add(ni, ParamRole::weight, Shape{n.out_features, in.numel()}, n.weight_init, weight_exponent(scheme, he_sigma(net, n)));
        if (n.has_bias) add(ni, ParamRole::bias, Shape{n.out_features}, n.bias_init, scheme.W.bias_exponent);
        break;
      case OpKind::batchnorm:
        add(ni, ParamRole::gamma, Shape{in[0]}, n.scale_init, scheme.W.scale_exponent);
        add(ni, ParamRole::beta, Shape{in[0]}, n.bias_init, scheme.W.bias_exponent);
        break;
      case OpKind::bias: add(ni, ParamRole::scalar_bias, Shape{1}, n.bias_init, scheme.W.bias_exponent); break;
      case OpKind::scale: add(ni, ParamRole::scalar_scale, Shape{1}, n.scale_init, scheme.W.scale_exponent); break;
      default: break;
    }
  }
  return params;
}

}  // namespace qtsim::ref
