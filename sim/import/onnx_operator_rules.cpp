// What each supported ONNX operator becomes (operators: onnx/docs/Operators.md
// of the ONNX release Debian ships). Weights and biases must be constant
// tensors; only their shapes are read.
#include <cmath>
#include <limits>
#include <string>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "onnx_translation.hpp"
#include "sliding_window.hpp"

namespace qtsim::import {

namespace {

std::string listed(const Dims& d) { return fmt::format("[{}]", fmt::join(d, ", ")); }

// A float attribute as the decimal it was written as (1e-05, not 9.99999974737875e-06).
double as_written(double v) { return std::stod(fmt::format("{}", static_cast<float>(v))); }

std::int64_t element_count(const Dims& d) {
  std::int64_t n = 1;
  for (std::int64_t v : d) n *= v;
  return n;
}

Layer layer_of(ref::OpKind op) {
  Layer l;
  l.op = op;
  return l;
}

}  // namespace

void Translator::conv(const OnnxNode& n) {
  const std::string x = data_input(n, 0);
  const auto w = constant_input(n, 1, "the weights", true);
  if (!w) return;
  if (w->size() != 4) return problem(n, "4-D weights K x C/group x kH x kW (a 2-D convolution)", "weights " + listed(*w));
  const NodeAttributes a(n, diags_);
  const std::int64_t groups = a.integer("group", 1);
  const std::int64_t k = (*w)[0];
  if (groups < 1 || k % groups != 0)
    return problem(n, fmt::format("a group count dividing the {} filters", k), fmt::format("group {}", groups));
  const Dims kernel{(*w)[2], (*w)[3]};
  if (a.has("kernel_shape") && a.integers("kernel_shape", {}) != kernel)
    return problem(n, "kernel_shape equal to the weights' " + listed(kernel), "kernel_shape " + listed(a.integers("kernel_shape", {})));
  const std::optional<Dims> in = g_.shape_of(n.inputs[0]);
  if (in && in->size() == 4 && (*in)[1] > 0 && (*in)[1] != (*w)[1] * groups)
    return problem(n, fmt::format("weights reading {} input channels in {} group(s) ({} each)", (*in)[1], groups, (*in)[1] / groups),
                   "weights " + listed(*w));
  const auto window = read_window(n, a, kernel, in, diags_);
  if (!window) return;
  Layer l = layer_of(ref::OpKind::conv2d);
  l.out_channels = k;
  l.kernel = window->kernel;
  l.stride = window->stride;
  l.padding = window->padding;
  l.groups = groups;
  l.bias = constant_input(n, 2, "the bias", false).has_value();
  emit(n, std::move(l), {x});
}

void Translator::gemm(const OnnxNode& n) {
  const std::string x = data_input(n, 0);
  const auto b = constant_input(n, 1, "the weights", true);
  const auto c = constant_input(n, 2, "the bias", false);
  if (!b) return;
  const NodeAttributes a(n, diags_);
  if (a.integer("transA", 0) != 0) return problem(n, "transA 0 (the input not transposed)", "transA 1");
  if (a.real("alpha", 1.0) != 1.0 || (c && a.real("beta", 1.0) != 1.0))
    return problem(n, "alpha 1 and beta 1 (a plain fully connected layer)",
                   fmt::format("alpha {} and beta {}", a.real("alpha", 1.0), a.real("beta", 1.0)));
  if (b->size() != 2) return problem(n, "2-D weights", "weights " + listed(*b));
  Layer l = layer_of(ref::OpKind::linear);
  l.out_features = a.integer("transB", 0) ? (*b)[0] : (*b)[1];
  l.bias = c.has_value();
  emit(n, std::move(l), {x});
}

void Translator::matmul(const OnnxNode& n) {
  const std::string x = data_input(n, 0);
  const auto b = constant_input(n, 1, "the weights (a fully connected layer)", true);
  if (!b) return;
  if (b->size() != 2) return problem(n, "2-D weights F x O (a fully connected layer)", "weights " + listed(*b));
  Layer l = layer_of(ref::OpKind::linear);
  l.out_features = (*b)[1];
  emit(n, std::move(l), {x});
}

// Two computed tensors: a residual join. A computed tensor plus a constant
// vector: the bias of the fully connected layer before it (MatMul then Add).
void Translator::add(const OnnxNode& n) {
  const bool const0 = has_input(n, 0) && g_.is_constant(n.inputs[0]), const1 = has_input(n, 1) && g_.is_constant(n.inputs[1]);
  if (!const0 && !const1) return emit(n, layer_of(ref::OpKind::add), {data_input(n, 0), data_input(n, 1)});
  const std::size_t slot = const0 ? 1 : 0;
  const std::string from = data_input(n, slot);
  if (from.empty()) return;
  const std::string& constant = n.inputs[1 - slot];
  const int i = out_.graph.find(from);
  Layer* fc = i >= 0 ? &out_.graph.at(i) : nullptr;
  const bool foldable = fc && fc->op == ref::OpKind::linear && !fc->bias && readers_[n.inputs[slot]] == 1 &&
                        element_count(g_.constant_dims.at(constant)) == fc->out_features;
  if (!foldable)
    return problem(n, "two tensors computed by the network (a residual join), or a bias vector added to a MatMul's output",
                   fmt::format("the constant tensor '{}' {} added to '{}'", constant, listed(g_.constant_dims.at(constant)),
                               n.inputs[slot]));
  fc->bias = true;
  fc->onnx_output = n.outputs.at(0);
  alias(n, from);
}

void Translator::relu(const OnnxNode& n) { emit(n, layer_of(ref::OpKind::relu), {data_input(n, 0)}); }

// Clip is a ReLU when it clips at 0 from below only; ReLU6 (max 6) has no layer.
void Translator::clip(const OnnxNode& n) {
  const std::string x = data_input(n, 0);
  const NodeAttributes a(n, diags_);
  const double inf = std::numeric_limits<double>::infinity();
  double lo = -inf, hi = inf;
  if (g_.opset < 11) {
    lo = a.real("min", -inf), hi = a.real("max", inf);
  } else {
    for (std::size_t slot : {std::size_t{1}, std::size_t{2}}) {
      if (!has_input(n, slot)) continue;
      auto v = g_.constant_values.find(n.inputs[slot]);
      if (v == g_.constant_values.end() || v->second.size() != 1)
        return problem(n, fmt::format("the {} bound as a constant scalar", slot == 1 ? "lower" : "upper"),
                       fmt::format("'{}'", n.inputs[slot]));
      (slot == 1 ? lo : hi) = v->second[0];
    }
  }
  if (lo != 0.0 || std::isfinite(hi))
    return problem(n, "Clip with min 0 and no max (a ReLU)", fmt::format("min {} and max {}", lo, hi),
                   hi == 6.0 && lo == 0.0 ? "that is ReLU6; qtsim's layer library has no clipped ReLU" : "");
  emit(n, layer_of(ref::OpKind::relu), {x});
}

void Translator::pool(const OnnxNode& n, ref::OpKind op) {
  const std::string x = data_input(n, 0);
  const NodeAttributes a(n, diags_);
  const std::optional<Dims> in = g_.shape_of(n.inputs.at(0));
  const auto window = read_window(n, a, a.integers("kernel_shape", {}), in, diags_);
  if (!window) return;
  if (2 * window->padding > window->kernel)
    return problem(n, "padding at most half the kernel", fmt::format("padding {} with kernel {}", window->padding, window->kernel));
  if (a.integer("ceil_mode", 0) != 0) {
    // Rounding up changes nothing when the windows fit exactly.
    const bool known = in && in->size() == 4 && (*in)[2] > 0 && (*in)[3] > 0;
    if (!known || window_output((*in)[2], *window, true) != window_output((*in)[2], *window, false) ||
        window_output((*in)[3], *window, true) != window_output((*in)[3], *window, false))
      return problem(n, "ceil_mode 0, or ceil_mode 1 where it does not change the output size (qtsim's pools round down)",
                     known ? fmt::format("ceil_mode 1 on a {}x{} input", (*in)[2], (*in)[3]) : "ceil_mode 1 on an input of unknown size");
  }
  if (op == ref::OpKind::avgpool && window->padding > 0 && a.integer("count_include_pad", 0) == 0)
    return problem(n, "count_include_pad 1 when padding (qtsim's average pool divides by the whole window, as PyTorch does by default)",
                   "count_include_pad 0");
  Layer l = layer_of(op);
  l.kernel = window->kernel;
  l.stride = window->stride;
  l.padding = window->padding;
  emit(n, std::move(l), {x});
}

void Translator::max_pool(const OnnxNode& n) { pool(n, ref::OpKind::maxpool); }
void Translator::average_pool(const OnnxNode& n) { pool(n, ref::OpKind::avgpool); }

void Translator::global_average_pool(const OnnxNode& n) {
  emit(n, layer_of(ref::OpKind::global_avgpool), {data_input(n, 0)});
}

// ONNX's momentum weighs the running statistic (running = running·m + batch·(1 − m));
// qtsim's, as PyTorch's, weighs the batch: 1 − m.
void Translator::batch_normalization(const OnnxNode& n) {
  const std::string x = data_input(n, 0);
  const NodeAttributes a(n, diags_);
  if (a.integer("spatial", 1) != 1) return problem(n, "spatial 1 (statistics per channel)", "spatial 0");
  const double eps = as_written(a.real("epsilon", 1e-5)), momentum = as_written(a.real("momentum", 0.9));
  if (!(eps > 0.0 && eps <= 1.0)) return problem(n, "epsilon in (0, 1]", fmt::format("{}", eps));
  if (!(momentum >= 0.0 && momentum < 1.0))
    return problem(n, "momentum in [0, 1) (the running statistics must follow the batches)", fmt::format("{}", momentum));
  Layer l = layer_of(ref::OpKind::batchnorm);
  l.bn_eps = eps;
  l.bn_momentum = std::stod(fmt::format("{:.6g}", 1.0 - momentum));
  emit(n, std::move(l), {x});
}

void Translator::flatten(const OnnxNode& n) {
  const std::string x = data_input(n, 0);
  const std::optional<Dims> in = g_.shape_of(n.inputs.at(0));
  const std::int64_t rank = in && !in->empty() ? static_cast<std::int64_t>(in->size()) : 4;
  std::int64_t axis = NodeAttributes(n, diags_).integer("axis", 1);
  if (axis < 0) axis += rank;
  if (axis != 1) return problem(n, "axis 1 (N x C·H·W, keeping the batch)", fmt::format("axis {}", axis));
  emit(n, layer_of(ref::OpKind::flatten), {x});
}

// A Reshape that keeps the batch and flattens the rest is a flatten.
void Translator::reshape(const OnnxNode& n) {
  const std::string x = data_input(n, 0);
  auto target = has_input(n, 1) ? g_.constant_values.find(n.inputs[1]) : g_.constant_values.end();
  if (target == g_.constant_values.end())
    return problem(n, "the target shape as a constant tensor", has_input(n, 1) ? "'" + n.inputs[1] + "', computed by the network" : "none");
  const std::vector<double>& s = target->second;
  const std::optional<Dims> in = g_.shape_of(n.inputs[0]);
  const std::int64_t batch = in && !in->empty() ? (*in)[0] : kUnknownDim;
  std::int64_t features = kUnknownDim;
  if (in && in->size() > 1) {
    features = 1;
    for (std::size_t i = 1; i < in->size(); ++i) features = (*in)[i] < 0 ? kUnknownDim : features * (*in)[i];
    if (features < 0) features = kUnknownDim;
  }
  const bool keeps_batch = s.size() == 2 && (s[0] == 0 || (s[0] == -1 && s[1] > 0) || (batch > 0 && s[0] == batch));
  const bool flattens = s.size() == 2 && (s[1] == -1 || (features > 0 && s[1] == features));
  if (!keeps_batch || !flattens)
    return problem(n, "a reshape to 2-D that keeps the batch (N x C·H·W, a flatten)", fmt::format("target shape [{}]", fmt::join(s, ", ")));
  emit(n, layer_of(ref::OpKind::flatten), {x});
}

void Translator::drop(const OnnxNode& n) {
  const std::string x = data_input(n, 0);
  if (x.empty()) return;
  out_.notes.push_back(fmt::format("{} dropped: {}", node_pointer(n),
                                   n.op_type == "Dropout" ? "qtsim's layer library has no dropout (it changes accuracy, not the step's work)"
                                                          : "it computes nothing"));
  alias(n, x);
}

}  // namespace qtsim::import
