#include "onnx_import.hpp"

#include <filesystem>
#include <regex>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "models/ref/scheme.hpp"
#include "onnx_graph.hpp"
#include "onnx_translation.hpp"
#include "sim/input/diagnostic.hpp"
#include "workload_document.hpp"

namespace qtsim::import {

namespace {

std::string listed(const Dims& d) {
  std::vector<std::string> parts;
  for (std::int64_t v : d) parts.push_back(v < 0 ? "?" : std::to_string(v));
  return fmt::format("[{}]", fmt::join(parts, ", "));
}

const char* choice_name(NormalizationChoice c) {
  switch (c) {
    case NormalizationChoice::keep: return "keep";
    case NormalizationChoice::fixup: return "fixup";
    case NormalizationChoice::none: return "none";
  }
  return "?";
}

// One sample's shape [C, H, W] from the data input N x C x H x W (or N x F: [F, 1, 1]).
std::array<std::int64_t, 3> sample_shape(const OnnxGraph& g, input::DiagnosticList& diags) {
  const Dims& d = g.input_dims;
  const bool known = std::all_of(d.begin() + (d.empty() ? 0 : 1), d.end(), [](std::int64_t v) { return v > 0; });
  if ((d.size() != 4 && d.size() != 2) || !known) {
    diags.add("graph input '" + g.input + "'", "a batch of images N x C x H x W, or of vectors N x F, of known size", listed(d));
    return {};
  }
  return d.size() == 4 ? std::array<std::int64_t, 3>{d[1], d[2], d[3]} : std::array<std::int64_t, 3>{d[1], 1, 1};
}

std::int64_t batch_size(const OnnxGraph& g, const ImportOptions& o, input::DiagnosticList& diags) {
  if (o.batch > 0) return o.batch;
  if (!g.input_dims.empty() && g.input_dims[0] > 0) return g.input_dims[0];
  diags.add("graph input '" + g.input + "'", "a fixed batch dimension, or --batch N", "a symbolic batch dimension " + listed(g.input_dims));
  return 0;
}

// The classes: the graph output's values per sample ([N, K]).
std::int64_t class_count(const OnnxGraph& g, const LayerGraph& layers, input::DiagnosticList& diags) {
  const std::optional<Dims> out = g.shape_of(g.outputs.at(0));
  if (out && out->size() >= 2 && std::all_of(out->begin() + 1, out->end(), [](std::int64_t v) { return v > 0; })) {
    std::int64_t k = 1;
    for (std::size_t i = 1; i < out->size(); ++i) k *= (*out)[i];
    return k;
  }
  const Layer& last = layers.at(layers.size() - 1);
  if (last.op == ref::OpKind::linear) return last.out_features;
  diags.add("graph output '" + g.outputs[0] + "'", "class scores N x K of known size, or a last fully connected layer",
            out ? listed(*out) : "an unknown shape");
  return 0;
}

void check_scheme(const std::string& scheme, const std::string& normalization, input::DiagnosticList& diags) {
  const auto preset = ref::find_preset(scheme);
  if (preset && preset->normalization == ref::NormKind::none && normalization == "batchnorm")
    diags.add("--scheme", "a scheme with batch normalization for a network that keeps its BatchNormalization",
              fmt::format("\"{}\" (no normalization)", scheme),
              "import with --normalization fixup (or none), or use fp32-bn, int8-wageubn or int8-dfp");
}

void check_dataset(const ImportOptions& o, const std::array<std::int64_t, 3>& input, std::int64_t classes, input::DiagnosticList& diags) {
  if (o.dataset == "fashion-mnist" && (input != std::array<std::int64_t, 3>{1, 28, 28} || classes != 10))
    diags.add("--dataset", "a model of 1x28x28 inputs and 10 classes for fashion-mnist",
              fmt::format("{}x{}x{} inputs and {} classes", input[0], input[1], input[2], classes), "use --dataset synthetic");
}

std::string workload_name(const std::string& model_path, const ImportOptions& o) {
  if (!o.name.empty()) return o.name;
  LayerNames names;
  return names.from_onnx(std::filesystem::path(model_path).stem().string(), "imported");
}

// A problem the loader found in the generated workload, told about the model:
// a layer's pointer becomes the ONNX node it came from.
input::InputError about_the_model(const input::InputError& e, const LayerGraph& g, const std::string& model_path) {
  std::vector<input::Diagnostic> out;
  const std::regex layer_pointer("^/network/layers/([0-9]+)");
  for (input::Diagnostic d : e.diagnostics()) {
    std::smatch m;
    if (std::regex_search(d.pointer, m, layer_pointer) && std::stoi(m[1]) < g.size()) {
      const Layer& l = g.at(std::stoi(m[1]));
      d.pointer = l.onnx_node.empty() ? "layer '" + l.name + "'" : l.onnx_node + " (layer '" + l.name + "')";
    }
    d.file = model_path;
    out.push_back(std::move(d));
  }
  return input::InputError(std::move(out));
}

// Every layer that computes an ONNX tensor must give it the shape ONNX infers:
// a difference means the layer does not do what the node does.
void check_shapes(const OnnxGraph& onnx, const LayerGraph& layers, const ref::Network& net, input::DiagnosticList& diags) {
  for (const Layer& l : layers.layers()) {
    const std::optional<Dims> want = l.onnx_output.empty() ? std::nullopt : onnx.shape_of(l.onnx_output);
    const int node = net.find(l.name);
    if (!want || want->size() < 2 || node < 0) continue;
    const ref::Shape& got = net.nodes[static_cast<std::size_t>(node)].out_shape;
    Dims sample(want->begin() + 1, want->end());
    if (sample.size() == 1) sample = {sample[0], 1, 1};
    bool same = sample.size() == got.rank();
    for (std::size_t i = 0; same && i < sample.size(); ++i) same = sample[i] < 0 || sample[i] == got[i];
    if (!same)
      diags.add(l.onnx_node, fmt::format("the output shape ONNX infers for '{}', {} per sample", l.onnx_output, listed(sample)),
                fmt::format("{} from qtsim's layer '{}'", got.str(), l.name));
  }
}

nlohmann::ordered_json source_of(const OnnxGraph& g, const ImportOptions& o) {
  nlohmann::ordered_json s{{"format", "onnx"}, {"file", g.file}};
  if (!g.producer.empty()) s["producer"] = g.producer;
  if (g.opset > 0) s["opset"] = g.opset;
  s["normalization"] = choice_name(o.normalization);
  return s;
}

}  // namespace

ImportResult import_onnx(const std::string& model_path, const ImportOptions& o, const std::string& out_file) {
  const OnnxGraph g = read_onnx(model_path);
  input::DiagnosticList diags(model_path);
  const std::array<std::int64_t, 3> input = sample_shape(g, diags);
  const std::int64_t batch = batch_size(g, o, diags);
  Translation t = translate(g, diags);
  diags.throw_if_any();
  const NormalizationVariant variant = apply_normalization(t, o.normalization, diags);
  diags.throw_if_any();

  WorkloadSettings s;
  s.name = workload_name(model_path, o);
  s.input = input;
  s.classes = class_count(g, t.graph, diags);
  s.dataset = o.dataset;
  s.batch = batch;
  s.normalization = variant.normalization;
  s.scheme = o.scheme.empty() ? default_scheme(s.normalization) : o.scheme;
  s.source = source_of(g, o);
  s.description = fmt::format("Imported by qtsim import from {} ({}{}), --normalization {}; the weights are qtsim's own initialisation.",
                              std::filesystem::path(model_path).filename().string(), g.producer.empty() ? "unknown producer" : g.producer,
                              g.opset > 0 ? fmt::format(", opset {}", g.opset) : "", choice_name(o.normalization));
  check_scheme(s.scheme, s.normalization, diags);
  check_dataset(o, input, s.classes, diags);
  diags.throw_if_any();

  ImportResult r;
  r.text = workload_document(t.graph, s).dump(2) + "\n";
  try {
    r.workload = workload::parse_workload(nlohmann::json::parse(r.text), out_file);
  } catch (const input::InputError& e) {
    throw about_the_model(e, t.graph, model_path);
  }
  check_shapes(g, t.graph, r.workload.network, diags);
  diags.throw_if_any();
  r.notes = t.notes;
  r.notes.insert(r.notes.end(), variant.notes.begin(), variant.notes.end());
  return r;
}

}  // namespace qtsim::import
