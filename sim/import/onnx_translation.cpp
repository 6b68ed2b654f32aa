#include "onnx_translation.hpp"

#include <fmt/format.h>

namespace qtsim::import {

const std::string& supported_operators() {
  static const std::string list =
      "Conv (stride, padding, group; no dilation), Gemm, MatMul, Relu, Clip (as ReLU: min 0 and no max), MaxPool, "
      "AveragePool, GlobalAveragePool, Add, BatchNormalization, Flatten, Reshape (to 2-D), Dropout and Identity "
      "(dropped), Constant";
  return list;
}

Translation translate(const OnnxGraph& g, input::DiagnosticList& diags) { return Translator(g, diags).run(); }

const std::map<std::string, Translator::Rule>& Translator::rules() {
  static const std::map<std::string, Rule> table = {
      {"Conv", &Translator::conv},
      {"Gemm", &Translator::gemm},
      {"MatMul", &Translator::matmul},
      {"Add", &Translator::add},
      {"Relu", &Translator::relu},
      {"Clip", &Translator::clip},
      {"MaxPool", &Translator::max_pool},
      {"AveragePool", &Translator::average_pool},
      {"GlobalAveragePool", &Translator::global_average_pool},
      {"BatchNormalization", &Translator::batch_normalization},
      {"Flatten", &Translator::flatten},
      {"Reshape", &Translator::reshape},
      {"Dropout", &Translator::drop},
      {"Identity", &Translator::drop},
  };
  return table;
}

Translator::Translator(const OnnxGraph& g, input::DiagnosticList& diags) : g_(g), diags_(diags) {
  for (const OnnxNode& n : g.nodes)
    for (const std::string& t : n.inputs) ++readers_[t];
  for (const std::string& t : g.outputs) ++readers_[t];
  layer_of_[g.input] = kNetworkInput;
}

Translation Translator::run() {
  for (const OnnxNode& n : g_.nodes) {
    const std::size_t before = diags_.items().size();
    auto rule = rules().find(n.op_type);
    if (!n.domain.empty() || rule == rules().end()) {
      problem(n, "an operator qtsim has a layer for: " + supported_operators(),
              n.domain.empty() ? n.op_type : n.domain + "." + n.op_type);
    } else {
      (this->*rule->second)(n);
      check_only_first_output_used(n);
    }
    // A node reported here, or skipped because an input's node was: its outputs are not there.
    if (diags_.items().size() > before || (!n.outputs.empty() && !layer_of_.count(n.outputs[0])))
      for (const std::string& t : n.outputs) failed_.insert(t);
  }
  check_graph_output();
  return std::move(out_);
}

void Translator::problem(const OnnxNode& n, const std::string& expected, const std::string& found, const std::string& hint) {
  diags_.add(node_pointer(n), expected, found, hint);
}

std::string Translator::data_input(const OnnxNode& n, std::size_t slot) {
  if (!has_input(n, slot)) {
    problem(n, fmt::format("an input {}", slot + 1), "none");
    return "";
  }
  const std::string& t = n.inputs[slot];
  if (auto it = layer_of_.find(t); it != layer_of_.end()) return it->second;
  if (failed_.count(t)) return "";  // its node was reported
  if (g_.is_constant(t)) {
    problem(n, fmt::format("input {} computed by the network", slot + 1), fmt::format("the constant tensor '{}'", t));
    return "";
  }
  problem(n, fmt::format("input {} computed by an earlier node", slot + 1), fmt::format("'{}', which no earlier node computes", t),
          "ONNX graphs list their nodes in topological order");
  return "";
}

std::optional<Dims> Translator::constant_input(const OnnxNode& n, std::size_t slot, const std::string& what, bool required) {
  if (!has_input(n, slot)) {
    if (required) problem(n, fmt::format("{} as input {}", what, slot + 1), "none");
    return std::nullopt;
  }
  auto it = g_.constant_dims.find(n.inputs[slot]);
  if (it == g_.constant_dims.end()) {
    problem(n, fmt::format("{} as a constant tensor (an initializer)", what),
            fmt::format("'{}', computed by the network", n.inputs[slot]));
    return std::nullopt;
  }
  return it->second;
}

void Translator::emit(const OnnxNode& n, Layer l, std::vector<std::string> inputs) {
  for (const std::string& in : inputs)
    if (in.empty()) return;  // an input was reported
  l.name = out_.names.from_onnx(n.name, fmt::format("{}_{}", n.op_type, n.index));
  l.inputs = std::move(inputs);
  l.onnx_node = n.where();
  l.onnx_output = n.outputs.empty() ? "" : n.outputs[0];
  if (!l.onnx_output.empty()) layer_of_[l.onnx_output] = l.name;
  out_.graph.append(std::move(l));
}

void Translator::alias(const OnnxNode& n, const std::string& layer) {
  if (!layer.empty() && !n.outputs.empty()) layer_of_[n.outputs[0]] = layer;
}

void Translator::check_only_first_output_used(const OnnxNode& n) {
  for (std::size_t i = 1; i < n.outputs.size(); ++i)
    if (!n.outputs[i].empty() && readers_.count(n.outputs[i]))
      problem(n, "only its first output used (qtsim's layer computes that one)",
              fmt::format("output {} '{}' read by the network", i + 1, n.outputs[i]));
}

void Translator::check_graph_output() {
  const std::string where = "graph output";
  if (g_.outputs.size() != 1) {
    diags_.add(where, "one graph output (the class scores)", fmt::format("{}", g_.outputs.size()));
    return;
  }
  const std::string& t = g_.outputs[0];
  if (failed_.count(t) || !diags_.empty()) return;
  auto it = layer_of_.find(t);
  if (it == layer_of_.end() || it->second == kNetworkInput) {
    diags_.add(where + " '" + t + "'", "a tensor computed by the network's layers", "none of them computes it");
    return;
  }
  const LayerGraph& lg = out_.graph;
  if (lg.at(lg.size() - 1).name != it->second) {
    diags_.add(where + " '" + t + "'", "the output of the graph's last computing node",
               fmt::format("the output of layer '{}'", it->second));
    return;
  }
  // Every layer's output must lead to the class scores: a dangling branch would never train.
  for (int i = 0; i + 1 < lg.size(); ++i)
    if (lg.consumer_count(lg.at(i).name) == 0)
      diags_.add(lg.at(i).onnx_node, "an output the network uses",
                 fmt::format("an output nothing reads (layer '{}')", lg.at(i).name));
}

}  // namespace qtsim::import
