#pragma once
// ONNX nodes to workload layers, one node at a time, in the graph's order
// (ONNX requires it topological). Every node of an operator qtsim has no layer
// for is reported, with the node, its operator and the supported list; so is
// every attribute outside what the layer can do (dilation, asymmetric padding,
// ceil_mode that changes the output size, ...). Dropout and Identity are
// dropped with a note.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "layer_graph.hpp"
#include "layer_names.hpp"
#include "node_attributes.hpp"
#include "onnx_graph.hpp"
#include "sim/input/diagnostic.hpp"

namespace qtsim::import {

struct Translation {
  LayerGraph graph;
  LayerNames names;                // every name taken, for the layers a variant adds
  std::vector<std::string> notes;  // what was dropped, and why
};

// The operators the importer translates, as the error lists them.
const std::string& supported_operators();

// Problems go to `diags` (pointer: the node); the result is complete only when none were added.
Translation translate(const OnnxGraph& g, input::DiagnosticList& diags);

// The translation of one graph; the operators' rules are in onnx_operator_rules.cpp.
class Translator {
 public:
  Translator(const OnnxGraph& g, input::DiagnosticList& diags);
  Translation run();

 private:
  using Rule = void (Translator::*)(const OnnxNode&);
  static const std::map<std::string, Rule>& rules();

  // Rules (onnx_operator_rules.cpp).
  void conv(const OnnxNode& n);
  void gemm(const OnnxNode& n);
  void matmul(const OnnxNode& n);
  void add(const OnnxNode& n);
  void relu(const OnnxNode& n);
  void clip(const OnnxNode& n);
  void max_pool(const OnnxNode& n);
  void average_pool(const OnnxNode& n);
  void global_average_pool(const OnnxNode& n);
  void batch_normalization(const OnnxNode& n);
  void flatten(const OnnxNode& n);
  void reshape(const OnnxNode& n);
  void drop(const OnnxNode& n);
  void pool(const OnnxNode& n, ref::OpKind op);

  // Bookkeeping (onnx_translation.cpp).
  void problem(const OnnxNode& n, const std::string& expected, const std::string& found, const std::string& hint = {});
  // The layer computing the node's input `slot`, or "" (reported unless already reported upstream).
  std::string data_input(const OnnxNode& n, std::size_t slot);
  // The dimensions of the node's constant input `slot`, or nothing (reported when `required`).
  std::optional<Dims> constant_input(const OnnxNode& n, std::size_t slot, const std::string& what, bool required);
  bool has_input(const OnnxNode& n, std::size_t slot) const { return slot < n.inputs.size() && !n.inputs[slot].empty(); }
  // Adds the node's layer: named after the node, reading `inputs`, computing the node's first output.
  void emit(const OnnxNode& n, Layer l, std::vector<std::string> inputs);
  // The node computes nothing: its first output is its first input.
  void alias(const OnnxNode& n, const std::string& layer);
  void check_only_first_output_used(const OnnxNode& n);
  void check_graph_output();

  const OnnxGraph& g_;
  input::DiagnosticList& diags_;
  Translation out_;
  std::map<std::string, std::string> layer_of_;  // tensor -> the layer computing it
  std::set<std::string> failed_;                 // tensors of nodes already reported
  std::map<std::string, int> readers_;           // tensor -> how many nodes (and graph outputs) read it
};

}  // namespace qtsim::import
