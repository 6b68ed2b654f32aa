#pragma once
// An ONNX model as the importer sees it, in plain structs: the nodes with their
// attributes, the shapes of the constant tensors (weights: only their shapes
// matter, qtsim initialises its own), the values of small constant tensors
// (Reshape's target shape, Clip's bounds) and the shape ONNX's shape inference
// gives every tensor. Read with Debian's ONNX library (onnx_reader.cpp); no
// other file of the importer sees protobuf.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace qtsim::import {

// A tensor's dimensions; kUnknownDim where ONNX knows none (a symbolic batch).
using Dims = std::vector<std::int64_t>;
constexpr std::int64_t kUnknownDim = -1;

struct OnnxAttribute {
  enum class Kind { integer, real, text, integers, reals, other };
  Kind kind = Kind::other;
  std::int64_t integer = 0;
  double real = 0.0;
  std::string text;
  std::vector<std::int64_t> integers;
  std::vector<double> reals;
};

struct OnnxNode {
  int index = 0;         // position in the graph, from 0
  std::string name;      // may be empty: ONNX does not require names
  std::string op_type;   // "Conv"
  std::string domain;    // "" (or "ai.onnx") for the standard operators
  std::vector<std::string> inputs, outputs;  // "" for an omitted optional one
  std::map<std::string, OnnxAttribute> attributes;

  // How messages name the node: "node 12 '/layer1/layer1.0/conv1/Conv'" (or "node 12" when unnamed).
  std::string where() const;
};

struct OnnxGraph {
  std::string file;
  std::string producer;      // "pytorch 1.13.0"
  std::int64_t opset = 0;    // of the standard domain
  std::string input;         // the one graph input that is not a constant
  Dims input_dims;
  std::vector<std::string> outputs;
  std::vector<OnnxNode> nodes;                           // Constant nodes excluded: they are in constants
  std::map<std::string, Dims> constant_dims;             // initializers and Constant nodes' outputs
  std::map<std::string, std::vector<double>> constant_values;  // those of them small enough to read
  std::map<std::string, Dims> shapes;                    // every tensor ONNX could infer a shape for

  bool is_constant(const std::string& tensor) const { return constant_dims.count(tensor) > 0; }
  std::optional<Dims> shape_of(const std::string& tensor) const;
};

// Reads the model at `path`; throws input::InputError for a file that is not
// a readable ONNX model (not an ONNX file, no graph, not one data input).
OnnxGraph read_onnx(const std::string& path);

}  // namespace qtsim::import
