// Reading an ONNX model with Debian's ONNX library: the protobuf classes
// generated from onnx.proto (onnx_pb.h) and ONNX's own shape inference.
#include <cstring>
#include <exception>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include "onnx_graph.hpp"
#include "sim/input/diagnostic.hpp"
#include "sim/input/input_file.hpp"

namespace qtsim::import {

namespace {

// protobuf cannot parse a message of 2 GiB or more; larger models keep their
// weights in external files, which the importer does not need.
constexpr std::uintmax_t kMaxModelBytes = (std::uintmax_t{2} << 30) - 1;
// Constant tensors up to this many elements are read (shapes, bounds); weights are not.
constexpr std::int64_t kMaxReadConstant = 64;

[[noreturn]] void fail(const std::string& file, const std::string& expected, const std::string& found,
                       const std::string& hint = {}) {
  throw input::InputError(input::Diagnostic{file, "", expected, found, hint});
}

Dims dims_of(const onnx::TensorProto& t) { return {t.dims().begin(), t.dims().end()}; }

Dims dims_of(const onnx::TypeProto& type) {
  Dims d;
  if (!type.has_tensor_type() || !type.tensor_type().has_shape()) return d;
  for (const auto& dim : type.tensor_type().shape().dim())
    d.push_back(dim.has_dim_value() && dim.dim_value() > 0 ? dim.dim_value() : kUnknownDim);
  return d;
}

std::int64_t element_count(const Dims& d) {
  std::int64_t n = 1;
  for (std::int64_t v : d) n *= v;
  return n;
}

// Little-endian raw bytes as T.
template <typename T>
std::vector<double> raw_values(const std::string& raw) {
  std::vector<double> out(raw.size() / sizeof(T));
  for (std::size_t i = 0; i < out.size(); ++i) {
    T v;
    std::memcpy(&v, raw.data() + i * sizeof(T), sizeof(T));
    out[i] = static_cast<double>(v);
  }
  return out;
}

// The values of a small numeric tensor stored in the file, or nothing.
std::optional<std::vector<double>> values_of(const onnx::TensorProto& t) {
  if (element_count(dims_of(t)) > kMaxReadConstant || t.data_location() == onnx::TensorProto::EXTERNAL) return std::nullopt;
  const bool raw = t.has_raw_data();
  switch (t.data_type()) {
    case onnx::TensorProto::FLOAT:
      return raw ? raw_values<float>(t.raw_data()) : std::vector<double>(t.float_data().begin(), t.float_data().end());
    case onnx::TensorProto::DOUBLE:
      return raw ? raw_values<double>(t.raw_data()) : std::vector<double>(t.double_data().begin(), t.double_data().end());
    case onnx::TensorProto::INT64:
      return raw ? raw_values<std::int64_t>(t.raw_data()) : std::vector<double>(t.int64_data().begin(), t.int64_data().end());
    case onnx::TensorProto::INT32:
      return raw ? raw_values<std::int32_t>(t.raw_data()) : std::vector<double>(t.int32_data().begin(), t.int32_data().end());
    default: return std::nullopt;
  }
}

void add_constant(OnnxGraph& g, const std::string& name, const onnx::TensorProto& t) {
  g.constant_dims[name] = dims_of(t);
  if (auto v = values_of(t)) g.constant_values[name] = std::move(*v);
}

OnnxAttribute attribute_of(const onnx::AttributeProto& a) {
  OnnxAttribute out;
  switch (a.type()) {
    case onnx::AttributeProto::INT: out.kind = OnnxAttribute::Kind::integer, out.integer = a.i(); break;
    case onnx::AttributeProto::FLOAT: out.kind = OnnxAttribute::Kind::real, out.real = a.f(); break;
    case onnx::AttributeProto::STRING: out.kind = OnnxAttribute::Kind::text, out.text = a.s(); break;
    case onnx::AttributeProto::INTS:
      out.kind = OnnxAttribute::Kind::integers;
      out.integers.assign(a.ints().begin(), a.ints().end());
      break;
    case onnx::AttributeProto::FLOATS:
      out.kind = OnnxAttribute::Kind::reals;
      out.reals.assign(a.floats().begin(), a.floats().end());
      break;
    default: break;
  }
  return out;
}

// A Constant node's value (opset 1-11: "value"; later also value_float(s)/value_int(s)).
void add_constant_node(OnnxGraph& g, const onnx::NodeProto& n) {
  if (n.output_size() < 1) return;
  const std::string& out = n.output(0);
  for (const auto& a : n.attribute()) {
    if (a.name() == "value" && a.has_t()) add_constant(g, out, a.t());
    if (a.name() == "value_float") g.constant_dims[out] = {}, g.constant_values[out] = {a.f()};
    if (a.name() == "value_int") g.constant_dims[out] = {}, g.constant_values[out] = {static_cast<double>(a.i())};
    if (a.name() == "value_ints") {
      g.constant_dims[out] = {a.ints_size()};
      g.constant_values[out].assign(a.ints().begin(), a.ints().end());
    }
    if (a.name() == "value_floats") {
      g.constant_dims[out] = {a.floats_size()};
      g.constant_values[out].assign(a.floats().begin(), a.floats().end());
    }
  }
}

onnx::ModelProto parse_model(const std::string& path) {
  const std::string bytes = input::read_input_file(path, kMaxModelBytes, "an ONNX model file");
  onnx::ModelProto model;
  const char* hint = "is it the .onnx file torch.onnx.export (or another exporter) wrote?";
  if (!model.ParseFromString(bytes)) fail(path, "an ONNX model (a ModelProto in protobuf's binary format)", "bytes that do not parse as one", hint);
  if (model.ir_version() <= 0 || !model.has_graph() || model.graph().node_size() == 0)
    fail(path, "an ONNX model with an IR version and a graph of nodes",
         fmt::format("IR version {} and {} nodes", model.ir_version(), model.has_graph() ? model.graph().node_size() : 0), hint);
  return model;
}

// ONNX's shape inference fills value_info for the intermediate tensors; a
// model it cannot follow is still imported (the shape checks then have less to go on).
void infer_shapes(onnx::ModelProto& model) {
  try {
    onnx::shape_inference::InferShapes(model);
  } catch (const std::exception&) {
  }
}

}  // namespace

std::string OnnxNode::where() const {
  return name.empty() ? fmt::format("node {}", index) : fmt::format("node {} '{}'", index, name);
}

std::optional<Dims> OnnxGraph::shape_of(const std::string& tensor) const {
  auto it = shapes.find(tensor);
  if (it == shapes.end()) return std::nullopt;
  return it->second;
}

OnnxGraph read_onnx(const std::string& path) {
  onnx::ModelProto model = parse_model(path);
  infer_shapes(model);
  OnnxGraph g;
  g.file = path;
  g.producer = model.producer_name() + (model.producer_version().empty() ? "" : " " + model.producer_version());
  for (const auto& o : model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx") g.opset = o.version();
  const onnx::GraphProto& graph = model.graph();
  for (const auto& t : graph.initializer()) add_constant(g, t.name(), t);

  std::vector<std::string> data_inputs;
  for (const auto& in : graph.input())
    if (!g.is_constant(in.name())) data_inputs.push_back(in.name());
  if (data_inputs.size() != 1)
    fail(path, "a model with one data input (the batch of images; the weights as initializers)",
         fmt::format("{} data inputs{}{}", data_inputs.size(), data_inputs.empty() ? "" : ": ",
                     fmt::join(data_inputs, ", ")));
  g.input = data_inputs[0];
  for (const auto& in : graph.input()) g.shapes[in.name()] = dims_of(in.type());
  for (const auto& v : graph.value_info()) g.shapes[v.name()] = dims_of(v.type());
  for (const auto& o : graph.output()) {
    g.outputs.push_back(o.name());
    g.shapes[o.name()] = dims_of(o.type());
  }
  g.input_dims = g.shapes[g.input];

  for (int i = 0; i < graph.node_size(); ++i) {
    const onnx::NodeProto& n = graph.node(i);
    if (n.op_type() == "Constant" && (n.domain().empty() || n.domain() == "ai.onnx")) {
      add_constant_node(g, n);
      continue;
    }
    OnnxNode node;
    node.index = i;
    node.name = n.name();
    node.op_type = n.op_type();
    node.domain = n.domain() == "ai.onnx" ? "" : n.domain();
    node.inputs.assign(n.input().begin(), n.input().end());
    node.outputs.assign(n.output().begin(), n.output().end());
    for (const auto& a : n.attribute()) node.attributes[a.name()] = attribute_of(a);
    g.nodes.push_back(std::move(node));
  }
  return g;
}

}  // namespace qtsim::import
