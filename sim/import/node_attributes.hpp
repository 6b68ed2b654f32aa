#pragma once
// One node's attributes as a translator reads them: each accessor gives the
// attribute's value, or ONNX's default when the node leaves it out; a value of
// the wrong kind is reported against the node and the default is used.
#include <cstdint>
#include <string>
#include <vector>

#include "onnx_graph.hpp"
#include "sim/input/diagnostic.hpp"

namespace qtsim::import {

// How messages point at a node: "node 12 '/layer1/Conv' (Conv)".
std::string node_pointer(const OnnxNode& n);

class NodeAttributes {
 public:
  NodeAttributes(const OnnxNode& node, input::DiagnosticList& diags) : node_(node), diags_(diags) {}

  bool has(const std::string& name) const { return node_.attributes.count(name) > 0; }
  std::int64_t integer(const std::string& name, std::int64_t fallback) const;
  double real(const std::string& name, double fallback) const;
  std::string text(const std::string& name, const std::string& fallback) const;
  std::vector<std::int64_t> integers(const std::string& name, const std::vector<std::int64_t>& fallback) const;

 private:
  const OnnxAttribute* find(const std::string& name, OnnxAttribute::Kind kind, const char* kind_name) const;

  const OnnxNode& node_;
  input::DiagnosticList& diags_;
};

}  // namespace qtsim::import
