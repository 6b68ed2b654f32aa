// qtsim import MODEL.onnx --out WORKLOAD.json: an ONNX model to a workload.
#include <fmt/format.h>
#include <iostream>
#include <map>

#include "command.hpp"
#include "options.hpp"
#include "sim/import/onnx_import.hpp"
#include "sim/input/diagnostic.hpp"
#include "sim/util/atomic_file.hpp"
#include "sim/util/output_path.hpp"
#include "workload_overrides.hpp"

namespace qtsim::cli {

namespace {

const char* kImportUsage =
    "usage: qtsim import MODEL.onnx --out WORKLOAD.json [options]\n"
    "Turns an ONNX model (e.g. a torchvision network exported with torch.onnx.export in training mode) into a\n"
    "workload: its layers with their ONNX node names, the data set, training settings and scheme of a shipped\n"
    "workload of the same normalization. The weights are not imported: qtsim initialises its own.\n"
    "Operators: Conv (stride, padding, group), Gemm, MatMul, Relu, Clip as ReLU, MaxPool, AveragePool,\n"
    "GlobalAveragePool, Add, BatchNormalization, Flatten/Reshape to 2-D; Dropout and Identity are dropped.\n"
    "Anything else is an error naming the node; nothing is written then.";

std::string choice(const po::variables_map& v, const std::string& option, const std::string& fallback,
                   const std::vector<std::string>& allowed, input::DiagnosticList& diags) {
  const std::string value = v.count(option) ? v[option].as<std::string>() : fallback;
  if (std::find(allowed.begin(), allowed.end(), value) == allowed.end())
    diags.add("--" + option, fmt::format("one of {}", fmt::join(allowed, ", ")), "\"" + value + "\"");
  return value;
}

}  // namespace

int run_import(const Args& args) {
  po::options_description opts("import options");
  opts.add_options()
      ("out", po::value<std::string>(), "the workload file to write (required)")
      ("batch", po::value<std::int64_t>(), "training batch size (default: the model's batch dimension)")
      ("normalization", po::value<std::string>(),
       "keep (default): the model's BatchNormalization; fixup: the Fixup variant (no BN, scalar biases and multipliers, "
       "Fixup initialisation); none: no BN, a bias on the layers it normalized")
      ("scheme", po::value<std::string>(), "scheme preset (default: fp32-bn with batchnorm, int8-eoq without)")
      ("dataset", po::value<std::string>(), "synthetic (default) or fashion-mnist (1x28x28 inputs, 10 classes)")
      ("name", po::value<std::string>(), "the workload's name (default: the model file's)");
  const ParsedOptions p = parse_options(args, opts, {"model"}, kImportUsage);
  if (p.help) return 0;
  const auto& v = p.values;

  // Everything on the command line is checked before the model is read.
  input::DiagnosticList diags("command line");
  if (!v.count("out")) diags.add("--out", "the workload file to write", "nothing");
  import::ImportOptions o;
  if (v.count("batch")) {
    o.batch = v["batch"].as<std::int64_t>();
    if (o.batch < 1 || o.batch > 65536) diags.add("--batch", "an integer in [1, 65536]", std::to_string(o.batch));
  }
  const std::map<std::string, import::NormalizationChoice> normalizations{
      {"keep", import::NormalizationChoice::keep}, {"fixup", import::NormalizationChoice::fixup}, {"none", import::NormalizationChoice::none}};
  const std::string norm = choice(v, "normalization", "keep", {"keep", "fixup", "none"}, diags);
  if (normalizations.count(norm)) o.normalization = normalizations.at(norm);
  o.dataset = choice(v, "dataset", "synthetic", {"synthetic", "fashion-mnist"}, diags);
  if (v.count("scheme")) {
    o.scheme = v["scheme"].as<std::string>();
    check_scheme_option(o.scheme, diags);
  }
  if (v.count("name")) o.name = v["name"].as<std::string>();
  diags.throw_if_any();
  const std::string out = v["out"].as<std::string>();
  util::check_output_file(out, "--out");

  const std::string model = v["model"].as<std::string>();
  const import::ImportResult r = import::import_onnx(model, o, out);
  util::write_file_atomic(out, r.text);

  const workload::Workload& w = r.workload;
  std::map<std::string, int> ops;
  for (const auto& n : w.network.nodes)
    if (n.op != ref::OpKind::input) ++ops[ref::to_string(n.op)];
  std::string counts;
  for (const auto& [op, k] : ops) counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", k, op);
  std::cout << fmt::format("imported {}: {} layers ({})\n", model, w.network.nodes.size() - 1, counts);
  std::cout << fmt::format("  normalization {}, scheme {}, batch {}, {} data\n", w.normalization, w.scheme.name,
                           w.training.batch_size, w.dataset.type);
  for (const std::string& note : r.notes) std::cout << "note: " << note << "\n";
  std::cout << fmt::format("wrote {} (qtsim check {} lists its layers)\n", out, out);
  return 0;
}

}  // namespace qtsim::cli
